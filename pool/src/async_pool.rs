//! [`AsyncPool`]: the pool's semantics for diesel-async connections on
//! tokio, without r2d2 and without blocking a runtime thread.
//!
//! - **Slots.** A fair (first come, first served) tokio semaphore holds
//!   `pool_size + max_overflow` permits. A checkout takes a permit, then an
//!   idle connection (the most recently returned, so the others can age out
//!   by `idle_timeout`) or opens a new one. The permit goes back when the
//!   guard is dropped, after the connection is back among the idle ones.
//! - **Cancellation.** Every await of `get()` owns what it has taken: a
//!   permit held by the future, a connection being pinged or opened held by
//!   the future. A `get()` dropped at any point (a cancelled request, a
//!   `tokio::time::timeout`) drops them, which gives back the permit and
//!   closes the connection, so the pool loses neither slots nor counts.
//! - **Policy.** Recycle, idle timeout, pre-ping and overflow are decided by
//!   the code the sync pool uses ([`Shared`]), and so are the counters,
//!   events and metrics.
//! - **Connecting.** A failed attempt is retried with a back-off capped at
//!   half a second until the checkout's `timeout`; the error then carries
//!   the database's last message.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use diesel_async::pooled_connection::PoolableConnection;
use diesel_async::AsyncConnection;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::events::CloseReason;
use crate::metrics::PoolMetrics;
use crate::setup::SetupStatement;
use crate::shared::{Shared, Verdict};
use crate::tracked::Tracked;
use crate::{PoolConfig, PoolError, State};

/// The connections an [`AsyncPool`] can hold:
/// `diesel_async::AsyncPgConnection`, `diesel_async::AsyncMysqlConnection`
/// and `diesel_async::sync_connection_wrapper::SyncConnectionWrapper<diesel::SqliteConnection>`
/// (each behind its feature). SQLite connections get the pool's SQLite
/// defaults.
pub trait AsyncPoolConnection: AsyncConnection + PoolableConnection + Send + 'static {}

// One impl per documented connection type rather than a blanket impl, so a
// build of this crate alone proves each type is poolable: diesel-async
// implements `PoolableConnection` only with one of its pool features.
#[cfg(feature = "postgres")]
impl AsyncPoolConnection for diesel_async::AsyncPgConnection {}
#[cfg(feature = "mysql")]
impl AsyncPoolConnection for diesel_async::AsyncMysqlConnection {}
#[cfg(feature = "sqlite")]
impl AsyncPoolConnection
    for diesel_async::sync_connection_wrapper::SyncConnectionWrapper<diesel::SqliteConnection>
{
}

/// The longest pause between two attempts to connect.
const MAX_CONNECT_BACKOFF: Duration = Duration::from_millis(500);

/// A pool of diesel-async connections of type `C`, built by
/// [`PoolConfig::build_async`]. Cheap to clone: clones share the
/// connections.
///
/// ```no_run
/// # #[cfg(feature = "postgres")]
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use diesel_async::{AsyncPgConnection, RunQueryDsl};
/// use retort_pool::{PoolConfig, PrePing};
///
/// let pool = PoolConfig::new("postgres://app@db.internal/shop")
///     .pool_size(20)
///     .max_overflow(10)
///     .pre_ping(PrePing::IfIdleFor(Duration::from_secs(1)))
///     .recycle(Duration::from_secs(300))
///     .build_async::<AsyncPgConnection>()
///     .await?;
/// let mut conn = pool.get().await?;
/// diesel::sql_query("SELECT 1").execute(&mut *conn).await?;
/// # Ok(())
/// # }
/// ```
pub struct AsyncPool<C: AsyncPoolConnection> {
    inner: Arc<Inner<C>>,
}

struct Inner<C> {
    url: String,
    /// Run on each new connection.
    setup: Vec<SetupStatement>,
    slots: Arc<Semaphore>,
    /// Idle connections, the most recently returned last.
    idle: Mutex<Vec<Box<Tracked<C>>>>,
    shared: Arc<Shared>,
}

impl<C: AsyncPoolConnection> Clone for AsyncPool<C> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<C: AsyncPoolConnection> AsyncPool<C> {
    pub(crate) async fn new(config: PoolConfig) -> Result<Self, PoolError> {
        let shared = Arc::new(Shared::from_config(&config)?);
        let setup = config.setup_statements(crate::is_sqlite::<C::Backend>());
        let inner = Arc::new(Inner {
            slots: Arc::new(Semaphore::new(shared.max_size() as usize)),
            idle: Mutex::new(Vec::new()),
            url: config.url,
            setup,
            shared,
        });
        // Opened once, its error at once: a wrong URL or password fails here.
        let first = tokio::time::timeout(inner.shared.timeout, inner.open())
            .await
            .unwrap_or_else(|_| Err(format!("no answer within {:?}", inner.shared.timeout)));
        match first {
            Ok(tracked) => inner.lock_idle().push(tracked),
            Err(message) => {
                inner.shared.connect_failed(&message);
                return Err(PoolError::Connect {
                    url: inner.shared.redacted_url.clone(),
                    message,
                    timeout: inner.shared.timeout,
                });
            }
        }
        if let Some(idle_timeout) = inner.shared.idle_timeout {
            spawn_idle_reaper(Arc::downgrade(&inner), idle_timeout);
        }
        Ok(Self { inner })
    }

    /// Checks a connection out, waiting up to `timeout` for one to be
    /// returned or opened, without blocking the runtime. Waiters are served
    /// in the order they came. Connections older than `recycle`, idle longer
    /// than `idle_timeout`, or whose pre-ping fails are closed and replaced
    /// on the way. The connection returns to the pool when the guard is
    /// dropped.
    ///
    /// Dropping the future while it waits (a cancelled request, a
    /// `tokio::time::timeout`) leaves the pool as it was.
    ///
    /// # Errors
    ///
    /// [`PoolError::Exhausted`] if all `pool_size + max_overflow` connections
    /// stayed checked out for `timeout`; [`PoolError::Connect`] if no new
    /// connection could be opened within `timeout`.
    pub async fn get(&self) -> Result<AsyncPooledConnection<C>, PoolError> {
        let start = Instant::now();
        let shared = &self.inner.shared;
        let deadline = start + shared.timeout;
        let permit = match Arc::clone(&self.inner.slots).try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                let _waiting = shared.waiting();
                let acquire = Arc::clone(&self.inner.slots).acquire_owned();
                match tokio::time::timeout_at(deadline.into(), acquire).await {
                    Ok(Ok(permit)) => permit,
                    // The semaphore is never closed; a timeout is the only way here.
                    Ok(Err(_)) | Err(_) => return Err(self.timed_out()),
                }
            }
        };
        let tracked = self.take_connection(deadline).await?;
        let waited = tracked.checked_at.saturating_duration_since(start);
        shared.checked_out(tracked.id, waited);
        Ok(AsyncPooledConnection {
            tracked: Some(tracked),
            pool: Arc::clone(&self.inner),
            _permit: permit,
            invalidated: false,
        })
    }

    /// An idle connection that passes its checkout verdict, or a new one;
    /// the caller holds a permit.
    async fn take_connection(&self, deadline: Instant) -> Result<Box<Tracked<C>>, PoolError> {
        let inner = &self.inner;
        while let Some(mut tracked) = inner.pop_idle() {
            let now = Instant::now();
            match tracked.verdict(now) {
                Verdict::Ready => {
                    tracked.checked_at = now;
                    return Ok(tracked);
                }
                Verdict::Close(reason) => tracked.close(reason),
                Verdict::Ping => {
                    inner.shared.pinged();
                    let ping = tracked.connection_mut().batch_execute("SELECT 1");
                    match tokio::time::timeout_at(deadline.into(), ping).await {
                        Ok(Ok(())) => {
                            tracked.verified(now);
                            return Ok(tracked);
                        }
                        Ok(Err(_)) => tracked.ping_failed(),
                        Err(_) => {
                            // Out of time with the connection's state unknown.
                            tracked.close(CloseReason::PingFailed);
                            return Err(self.timed_out());
                        }
                    }
                }
            }
        }
        self.connect_until(deadline).await
    }

    /// Opens a new connection, retrying with a back-off until `deadline`.
    async fn connect_until(&self, deadline: Instant) -> Result<Box<Tracked<C>>, PoolError> {
        let inner = &self.inner;
        let mut backoff = Duration::from_millis(10);
        loop {
            match tokio::time::timeout_at(deadline.into(), inner.open()).await {
                Ok(Ok(tracked)) => return Ok(tracked),
                Ok(Err(message)) => inner.shared.connect_failed(&message),
                Err(_) => return Err(self.timed_out()),
            }
            let now = Instant::now();
            if now + backoff >= deadline {
                tokio::time::sleep_until(deadline.into()).await;
                return Err(self.timed_out());
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_CONNECT_BACKOFF);
        }
    }

    fn timed_out(&self) -> PoolError {
        let shared = &self.inner.shared;
        shared.timed_out();
        shared.timeout_error(shared.open_connections())
    }

    /// A snapshot of the pool's counters and checkout latencies.
    pub fn metrics(&self) -> PoolMetrics {
        self.inner.shared.counters.snapshot()
    }

    /// How many connections are open and how many of them are idle.
    pub fn state(&self) -> State {
        let idle_connections = self.inner.lock_idle().len() as u32;
        State {
            connections: self.inner.shared.open_connections(),
            idle_connections,
        }
    }

    /// The configured `pool_size`.
    pub fn pool_size(&self) -> u32 {
        self.inner.shared.pool_size
    }

    /// The configured `max_overflow`.
    pub fn max_overflow(&self) -> u32 {
        self.inner.shared.max_overflow
    }
}

impl<C: AsyncPoolConnection> Inner<C> {
    fn lock_idle(&self) -> std::sync::MutexGuard<'_, Vec<Box<Tracked<C>>>> {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn pop_idle(&self) -> Option<Box<Tracked<C>>> {
        self.lock_idle().pop()
    }

    /// A new connection with the setup statements run on it, counted and
    /// watched; the error is the database's message without the password.
    async fn open(&self) -> Result<Box<Tracked<C>>, String> {
        let redact = |message: String| retort_redact::redact_password_in(&message, &self.url);
        let mut conn = C::establish(&self.url)
            .await
            .map_err(|error| redact(error.to_string()))?;
        for statement in &self.setup {
            let started = Instant::now();
            let mut attempt = 0;
            while let Err(error) = conn.batch_execute(&statement.sql).await {
                let error = error.to_string();
                let Some(wait) = statement.retry_after(&error, started, attempt) else {
                    return Err(redact(format!("{} failed: {error}", statement.label)));
                };
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
        }
        let (mut tracked, watch) = Tracked::opened(conn, &self.shared);
        tracked.connection_mut().set_instrumentation(watch);
        Ok(Box::new(tracked))
    }

    /// Closes the idle connections a checkout would close now (idle longer
    /// than `idle_timeout`, or older than `recycle`).
    fn close_expired(&self) {
        let now = Instant::now();
        let expired: Vec<(Box<Tracked<C>>, CloseReason)> = {
            let mut idle = self.lock_idle();
            let mut expired = Vec::new();
            let mut kept = Vec::with_capacity(idle.len());
            for tracked in idle.drain(..) {
                match tracked.verdict(now) {
                    Verdict::Close(reason) => expired.push((tracked, reason)),
                    Verdict::Ready | Verdict::Ping => kept.push(tracked),
                }
            }
            *idle = kept;
            expired
        };
        // Closed outside the lock.
        for (mut tracked, reason) in expired {
            tracked.close(reason);
        }
    }
}

/// Closes connections idle longer than `idle_timeout` while the pool is
/// quiet (a checkout closes them too), until the pool is dropped.
fn spawn_idle_reaper<C: AsyncPoolConnection>(
    pool: std::sync::Weak<Inner<C>>,
    idle_timeout: Duration,
) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let period = (idle_timeout / 2).max(Duration::from_millis(10));
    runtime.spawn(async move {
        loop {
            tokio::time::sleep(period).await;
            let Some(pool) = pool.upgrade() else {
                return;
            };
            pool.close_expired();
        }
    });
}

impl<C: AsyncPoolConnection> fmt::Debug for AsyncPool<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shared = &self.inner.shared;
        f.debug_struct("AsyncPool")
            .field("url", &shared.redacted_url)
            .field("pool_size", &shared.pool_size)
            .field("max_overflow", &shared.max_overflow)
            .field("state", &self.state())
            .finish_non_exhaustive()
    }
}

/// A connection checked out of an [`AsyncPool`]: derefs to `C`, so
/// `&mut *conn` is a `&mut AsyncPgConnection` (or `AsyncMysqlConnection`,
/// `SyncConnectionWrapper<SqliteConnection>`) for diesel-async queries.
/// Dropping it returns the connection; one returned inside a transaction,
/// or whose server went away, is closed instead.
pub struct AsyncPooledConnection<C: AsyncPoolConnection> {
    /// `Some` until dropped.
    tracked: Option<Box<Tracked<C>>>,
    pool: Arc<Inner<C>>,
    /// The slot, freed after the connection is back.
    _permit: OwnedSemaphorePermit,
    invalidated: bool,
}

impl<C: AsyncPoolConnection> AsyncPooledConnection<C> {
    fn tracked(&self) -> &Tracked<C> {
        match &self.tracked {
            Some(tracked) => tracked,
            None => unreachable!("a guard holds its connection until dropped"),
        }
    }

    fn tracked_mut(&mut self) -> &mut Tracked<C> {
        match &mut self.tracked {
            Some(tracked) => tracked,
            None => unreachable!("a guard holds its connection until dropped"),
        }
    }

    /// The connection's id within its pool, as in
    /// [`PoolEvent`](crate::PoolEvent)s.
    pub fn connection_id(&self) -> u64 {
        self.tracked().id
    }

    /// Closes the connection instead of returning it to the pool, as
    /// SQLAlchemy's `invalidate()`.
    pub fn invalidate(mut self) {
        self.invalidated = true;
    }

    /// Takes the connection out of the pool, as SQLAlchemy's `detach()`:
    /// its slot is freed (the pool may open another), it is counted as
    /// closed (reason [`CloseReason::Detached`]), and it is closed when the
    /// caller drops it. For a session whose state the pool should never
    /// hand to anyone else, such as one that ran migrations.
    pub fn detach(mut self) -> C {
        let mut tracked = self
            .tracked
            .take()
            .unwrap_or_else(|| unreachable!("a guard holds its connection until dropped"));
        let conn = tracked.detach();
        tracked.returned();
        conn
    }
}

impl<C: AsyncPoolConnection> Deref for AsyncPooledConnection<C> {
    type Target = C;

    fn deref(&self) -> &C {
        self.tracked().connection()
    }
}

impl<C: AsyncPoolConnection> DerefMut for AsyncPooledConnection<C> {
    fn deref_mut(&mut self) -> &mut C {
        self.tracked_mut().connection_mut()
    }
}

impl<C: AsyncPoolConnection> Drop for AsyncPooledConnection<C> {
    fn drop(&mut self) {
        let Some(mut tracked) = self.tracked.take() else {
            return;
        };
        if self.invalidated || std::thread::panicking() {
            tracked.close(CloseReason::Broken);
        } else if !tracked.close_if_disconnected() {
            if tracked.connection_mut().is_broken() {
                tracked.close(CloseReason::Broken);
            } else {
                tracked.close_if_overflow();
            }
        }
        tracked.returned();
        if !tracked.is_closed() {
            self.pool.lock_idle().push(tracked);
        }
        // The permit is released after this, when the field drops: the next
        // waiter finds the connection among the idle ones.
    }
}

impl<C: AsyncPoolConnection> fmt::Debug for AsyncPooledConnection<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncPooledConnection")
            .field("connection_id", &self.connection_id())
            .finish_non_exhaustive()
    }
}
