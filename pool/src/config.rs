//! [`PoolConfig`]: SQLAlchemy's pool vocabulary, turned into a [`Pool`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::events::{Listeners, PoolEvent};
use crate::setup::SetupStatement;

use crate::{Pool, PoolConnection, PoolError};

/// When a connection is tested with a round trip (`SELECT 1`) before it is
/// handed out. A connection that fails the test is closed and replaced, so
/// the application never sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrePing {
    /// At every checkout: one extra round trip per `get()`.
    Always,
    /// Only when the connection has sat idle in the pool longer than this.
    /// A busy service, whose connections come back within the interval, pays
    /// nothing; a connection that sat through a database restart or a
    /// firewall's idle cut is tested. Once any connection is found dead,
    /// every connection is tested at its next checkout.
    IfIdleFor(Duration),
    /// Never: a dead connection reaches the application.
    Never,
}

/// SQLite settings applied to every new connection before the `on_connect`
/// statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SqliteSettings {
    pub(crate) foreign_keys: bool,
    pub(crate) busy_timeout: Option<Duration>,
    pub(crate) wal: bool,
}

impl Default for SqliteSettings {
    fn default() -> Self {
        Self {
            foreign_keys: true,
            busy_timeout: Some(Duration::from_secs(5)),
            wal: true,
        }
    }
}

/// How to build a [`Pool`]: the database URL and SQLAlchemy's QueuePool
/// settings.
///
/// | setting | default | meaning |
/// | --- | --- | --- |
/// | [`pool_size`](Self::pool_size) | 5 | connections kept open |
/// | [`max_overflow`](Self::max_overflow) | 10 | extra connections opened under load, closed when returned |
/// | [`timeout`](Self::timeout) | 30 s | how long `get()` waits before failing |
/// | [`pre_ping`](Self::pre_ping) | `IfIdleFor(1 s)` | when a connection is tested before use |
/// | [`recycle`](Self::recycle) | never | maximum age, enforced at checkout |
/// | [`idle_timeout`](Self::idle_timeout) | never | close connections idle longer than this |
///
/// ```
/// use std::time::Duration;
/// use retort_pool::{PoolConfig, PrePing};
///
/// let config = PoolConfig::new("postgres://app:secret@db.internal/shop")
///     .pool_size(20)
///     .max_overflow(10)
///     .timeout(Duration::from_secs(5))
///     .pre_ping(PrePing::IfIdleFor(Duration::from_secs(1)))
///     .recycle(Duration::from_secs(300));
/// // Debug output never shows the password.
/// assert!(!format!("{config:?}").contains("secret"));
/// ```
#[derive(Clone)]
pub struct PoolConfig {
    pub(crate) url: String,
    pub(crate) pool_size: u32,
    pub(crate) max_overflow: u32,
    pub(crate) timeout: Duration,
    pub(crate) pre_ping: PrePing,
    pub(crate) recycle: Option<Duration>,
    pub(crate) idle_timeout: Option<Duration>,
    pub(crate) on_connect: Vec<String>,
    pub(crate) listeners: Listeners,
    pub(crate) sqlite: SqliteSettings,
    pub(crate) name: String,
    pub(crate) echo: bool,
    pub(crate) echo_binds: bool,
    pub(crate) slow_statement: Option<Duration>,
}

impl PoolConfig {
    /// A configuration for the database at `url` (a SQLite file path or
    /// `:memory:` for SQLite) with the defaults in the table above.
    ///
    /// Each SQLite `:memory:` connection is a database of its own: give such
    /// a pool `pool_size(1)` and `max_overflow(0)` to share one.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            pool_size: 5,
            max_overflow: 10,
            timeout: Duration::from_secs(30),
            pre_ping: PrePing::IfIdleFor(Duration::from_secs(1)),
            recycle: None,
            idle_timeout: None,
            on_connect: Vec::new(),
            listeners: Listeners::default(),
            sqlite: SqliteSettings::default(),
            name: "default".to_owned(),
            echo: false,
            echo_binds: false,
            slow_statement: None,
        }
    }

    /// How many connections the pool keeps open (at least 1).
    pub fn pool_size(mut self, pool_size: u32) -> Self {
        self.pool_size = pool_size;
        self
    }

    /// How many more connections the pool may open when all `pool_size` are
    /// checked out. Each is closed as soon as it is returned while more than
    /// `pool_size` are open.
    pub fn max_overflow(mut self, max_overflow: u32) -> Self {
        self.max_overflow = max_overflow;
        self
    }

    /// How long `get()` waits for a connection before failing with
    /// [`PoolError::Exhausted`] or [`PoolError::Connect`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// When connections are tested before they are handed out.
    pub fn pre_ping(mut self, pre_ping: PrePing) -> Self {
        self.pre_ping = pre_ping;
        self
    }

    /// Replaces a connection older than `recycle` at its next checkout (a
    /// server's `wait_timeout`, a proxy's connection lifetime).
    pub fn recycle(mut self, recycle: Duration) -> Self {
        self.recycle = Some(recycle);
        self
    }

    /// Closes connections that sat idle longer than this. r2d2's reaper
    /// enforces it, every 30 s, so it acts up to 30 s late.
    pub fn idle_timeout(mut self, idle_timeout: Duration) -> Self {
        self.idle_timeout = Some(idle_timeout);
        self
    }

    /// A statement run on every new connection, after the SQLite defaults
    /// (`SET search_path TO app`, `SET time_zone = '+00:00'`, a `PRAGMA`).
    /// Call it again to add more; they run in order.
    pub fn on_connect(mut self, sql: impl Into<String>) -> Self {
        self.on_connect.push(sql.into());
        self
    }

    /// Calls `listener` with every [`PoolEvent`]: connect, checkout, checkin
    /// and close. Call it again to add more listeners.
    pub fn on_event(mut self, listener: impl Fn(&PoolEvent) + Send + Sync + 'static) -> Self {
        self.listeners.push(Arc::new(listener));
        self
    }

    /// SQLite: whether to run `PRAGMA foreign_keys = ON` on each connection
    /// (default `true`; SQLite itself leaves them off).
    pub fn sqlite_foreign_keys(mut self, enabled: bool) -> Self {
        self.sqlite.foreign_keys = enabled;
        self
    }

    /// SQLite: how long a statement waits for another connection's lock
    /// before failing with "database is locked" (default 5 s; `None` leaves
    /// SQLite's default, which fails at once).
    pub fn sqlite_busy_timeout(mut self, busy_timeout: Option<Duration>) -> Self {
        self.sqlite.busy_timeout = busy_timeout;
        self
    }

    /// SQLite: whether to switch file databases to write-ahead logging
    /// (default `true`), so readers do not block the writer. In-memory
    /// databases are never switched. SQLite takes the switch's lock without
    /// its busy handler, so the pool retries the switch itself while another
    /// connection holds the database, for up to `sqlite_busy_timeout`.
    pub fn sqlite_wal(mut self, enabled: bool) -> Self {
        self.sqlite.wal = enabled;
        self
    }

    /// The pool's name: the `pool` label of its metrics (feature `metrics`),
    /// default `"default"`. Give each pool of a process its own.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Logs every statement through `tracing` at INFO, target
    /// `retort::sql` ([`SQL_TARGET`](crate::SQL_TARGET)), with its duration
    /// and the connection's id, as SQLAlchemy's `echo=True`. Bind values are
    /// left out unless [`echo_binds`](Self::echo_binds) asks for them. Off
    /// by default; off, it costs nothing per statement.
    pub fn echo(mut self, enabled: bool) -> Self {
        self.echo = enabled;
        self
    }

    /// Adds bind values to the statements [`echo`](Self::echo) and
    /// [`slow_statement`](Self::slow_statement) log. Off by default,
    /// because parameters carry passwords, tokens and personal data.
    pub fn echo_binds(mut self, enabled: bool) -> Self {
        self.echo_binds = enabled;
        self
    }

    /// Logs statements that take at least `threshold` at WARN, target
    /// `retort::sql`, whether [`echo`](Self::echo) is on or not.
    pub fn slow_statement(mut self, threshold: Duration) -> Self {
        self.slow_statement = Some(threshold);
        self
    }

    /// Refuses a configuration that cannot make a working pool.
    pub(crate) fn validate(&self) -> Result<(), PoolError> {
        if self.pool_size == 0 {
            return Err(PoolError::Config("pool_size must be at least 1".into()));
        }
        if self.timeout.is_zero() {
            return Err(PoolError::Config("timeout must be longer than zero".into()));
        }
        if self.idle_timeout.is_some_and(|idle| idle.is_zero()) {
            return Err(PoolError::Config(
                "idle_timeout must be longer than zero".into(),
            ));
        }
        Ok(())
    }

    /// Builds the pool and opens its first connection, so a wrong URL or an
    /// unreachable database is reported here rather than at the first
    /// request. Further connections are opened as they are needed.
    ///
    /// The first connection is tried once: a database that does not exist,
    /// credentials the server refuses, a closed port or a failing
    /// `on_connect` statement return the server's error at once (r2d2 alone
    /// would keep trying until `timeout` and then say only that it timed
    /// out). Only a server that does not answer at all makes it wait, at
    /// most `timeout`.
    ///
    /// # Errors
    ///
    /// [`PoolError::Config`] if `pool_size`, `timeout` or `idle_timeout` is
    /// zero; [`PoolError::Connect`] if the first connection cannot be opened,
    /// with the database's reason.
    pub fn build<C: PoolConnection>(self) -> Result<Pool<C>, PoolError> {
        Pool::new(self)
    }

    /// Builds an [`AsyncPool`](crate::AsyncPool) for diesel-async
    /// connections, with the same settings and the same checks as
    /// [`build`](Self::build): the first connection is opened here, so a
    /// wrong URL or an unreachable database is reported at once.
    ///
    /// # Errors
    ///
    /// As [`build`](Self::build).
    #[cfg(feature = "async")]
    #[cfg_attr(docsrs, doc(cfg(feature = "async")))]
    pub async fn build_async<C: crate::AsyncPoolConnection>(
        self,
    ) -> Result<crate::AsyncPool<C>, PoolError> {
        crate::AsyncPool::new(self).await
    }

    /// The statements run on each new connection of backend `C`: the
    /// SQLite defaults (only for SQLite) then the `on_connect` statements.
    pub(crate) fn setup_statements(&self, sqlite: bool) -> Vec<SetupStatement> {
        let mut statements = Vec::new();
        let sqlite_default =
            |sql: String| SetupStatement::once(format!("SQLite default `{sql}`"), sql);
        if sqlite {
            let defaults = &self.sqlite;
            if let Some(busy_timeout) = defaults.busy_timeout {
                // A number the pool formats itself: PRAGMA takes no parameters.
                // language=SQL
                let sql = format!("PRAGMA busy_timeout = {}", busy_timeout.as_millis());
                statements.push(sqlite_default(sql));
            }
            if defaults.wal && !is_sqlite_memory(&self.url) {
                // language=SQL
                let sql = "PRAGMA journal_mode = WAL".to_owned();
                statements.push(SetupStatement {
                    // SQLite takes this lock without its busy handler.
                    retry_while_locked: defaults.busy_timeout.unwrap_or_default(),
                    ..sqlite_default(sql)
                });
            }
            // language=SQL
            let sql = format!(
                "PRAGMA foreign_keys = {}",
                if defaults.foreign_keys { "ON" } else { "OFF" }
            );
            statements.push(sqlite_default(sql));
        }
        for (number, sql) in self.on_connect.iter().enumerate() {
            let label = format!("on_connect statement {}", number + 1);
            statements.push(SetupStatement::once(label, sql.clone()));
        }
        statements
    }
}

/// Whether a SQLite URL names an in-memory database, which has no journal
/// file to switch to WAL.
fn is_sqlite_memory(url: &str) -> bool {
    url.is_empty()
        || url == ":memory:"
        || url.starts_with("file::memory:")
        || url.contains("mode=memory")
}

impl fmt::Debug for PoolConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolConfig")
            .field("url", &retort_redact::redact_url(&self.url))
            .field("pool_size", &self.pool_size)
            .field("max_overflow", &self.max_overflow)
            .field("timeout", &self.timeout)
            .field("pre_ping", &self.pre_ping)
            .field("recycle", &self.recycle)
            .field("idle_timeout", &self.idle_timeout)
            .field("on_connect_statements", &self.on_connect.len())
            .field("listeners", &self.listeners.len())
            .field("sqlite", &self.sqlite)
            .field("name", &self.name)
            .field("echo", &self.echo)
            .field("echo_binds", &self.echo_binds)
            .field("slow_statement", &self.slow_statement)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_defaults_come_first_and_memory_databases_stay_out_of_wal() {
        let config = PoolConfig::new("app.db").on_connect("PRAGMA cache_size = -2000");
        let sql: Vec<String> = config
            .setup_statements(true)
            .into_iter()
            .map(|statement| statement.sql)
            .collect();
        assert_eq!(
            sql,
            [
                "PRAGMA busy_timeout = 5000",
                "PRAGMA journal_mode = WAL",
                "PRAGMA foreign_keys = ON",
                "PRAGMA cache_size = -2000"
            ]
        );
        let waits: Vec<Duration> = config
            .setup_statements(true)
            .into_iter()
            .map(|statement| statement.retry_while_locked)
            .collect();
        let switch_waits_as_long_as_busy_timeout = Duration::from_secs(5);
        let zero = Duration::ZERO;
        assert_eq!(
            waits,
            [zero, switch_waits_as_long_as_busy_timeout, zero, zero]
        );
        let memory = PoolConfig::new(":memory:").setup_statements(true);
        assert!(memory
            .iter()
            .all(|statement| !statement.sql.contains("WAL")));
    }

    #[test]
    fn other_backends_run_only_on_connect() {
        let config = PoolConfig::new("postgres://db/app").on_connect("SET search_path TO app");
        let labels: Vec<String> = config
            .setup_statements(false)
            .into_iter()
            .map(|statement| statement.label)
            .collect();
        assert_eq!(labels, ["on_connect statement 1"]);
    }
}
