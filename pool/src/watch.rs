//! What the pool learns from a connection's own queries, through diesel's
//! `Instrumentation`: whether the server went away (so the pool closes the
//! connection and pings the others), and, when asked, each statement for
//! the log (`PoolConfig::echo`, `PoolConfig::slow_statement`).

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::PoolConfig;

/// The `tracing` target of the statement log.
pub const SQL_TARGET: &str = "retort::sql";

/// What every connection of a pool logs of its statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Echo {
    /// Every statement at INFO.
    pub(crate) all: bool,
    /// Bind values too (they may hold secrets).
    pub(crate) binds: bool,
    /// Statements at least this slow at WARN, echo or not.
    pub(crate) slow: Option<Duration>,
}

impl Echo {
    pub(crate) fn from_config(config: &PoolConfig) -> Self {
        Self {
            all: config.echo,
            binds: config.echo_binds,
            slow: config.slow_statement,
        }
    }

    /// Whether statements are timed at all.
    fn is_on(&self) -> bool {
        self.all || self.slow.is_some()
    }
}

/// The instrumentation the pool gives each connection: it watches for the
/// server going away, logs statements as [`Echo`] says, and passes every
/// event on to the instrumentation diesel would have given the connection
/// (`diesel::connection::set_default_instrumentation`).
pub(crate) struct ConnectionWatch {
    disconnected: Arc<AtomicBool>,
    echo: Echo,
    connection_id: u64,
    /// When the statement being run started, when [`Echo`] times them.
    started: Option<Instant>,
    /// The statement with its bind values, as it started, when
    /// [`Echo::binds`] asks for them: diesel-async shows the values only
    /// when a query starts.
    with_binds: Option<String>,
    inner: Option<Box<dyn Instrumentation>>,
}

impl ConnectionWatch {
    /// The watch for connection `connection_id`, and the flag it raises when
    /// the server goes away.
    pub(crate) fn new(connection_id: u64, echo: Echo) -> (Self, Arc<AtomicBool>) {
        let disconnected = Arc::new(AtomicBool::new(false));
        let watch = Self {
            disconnected: Arc::clone(&disconnected),
            echo,
            connection_id,
            started: None,
            with_binds: None,
            inner: diesel::connection::get_default_instrumentation(),
        };
        (watch, disconnected)
    }

    fn log(&mut self, query: &dyn fmt::Display, elapsed: Duration, error: Option<&DieselError>) {
        let with_binds = self.with_binds.take();
        let slow = self.echo.slow.is_some_and(|limit| elapsed >= limit);
        if !self.echo.all && !slow {
            return;
        }
        let sql = with_binds.unwrap_or_else(|| statement_text(query, self.echo.binds));
        let connection_id = self.connection_id;
        let elapsed_ms = elapsed.as_secs_f64() * 1000.0;
        let error = error.map(tracing::field::display);
        if slow {
            tracing::warn!(target: SQL_TARGET, connection_id, elapsed_ms, error, "slow statement: {sql}");
        } else {
            tracing::info!(target: SQL_TARGET, connection_id, elapsed_ms, error, "{sql}");
        }
    }
}

impl Instrumentation for ConnectionWatch {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match &event {
            InstrumentationEvent::StartQuery { query, .. } if self.echo.is_on() => {
                if self.echo.binds {
                    self.with_binds = Some(query.to_string());
                }
                self.started = Some(Instant::now());
            }
            InstrumentationEvent::FinishQuery { query, error, .. } => {
                if error.is_some_and(is_disconnect) {
                    self.disconnected.store(true, Ordering::Release);
                }
                if let Some(started) = self.started.take() {
                    self.log(query, started.elapsed(), *error);
                }
            }
            _ => {}
        }
        if let Some(inner) = &mut self.inner {
            inner.on_connection_event(event);
        }
    }
}

/// What diesel's query display puts between the SQL and its bind values.
const BINDS_MARKER: &str = " -- binds: ";

/// The statement as the log shows it: diesel displays a query as
/// `SQL -- binds: [values]`; without `binds` the text stops before the
/// marker, and the values are never formatted.
fn statement_text(query: &dyn fmt::Display, binds: bool) -> String {
    if binds {
        return query.to_string();
    }
    let mut text = SqlOnly(String::new());
    // SqlOnly stops the formatting with an error at the marker.
    let _ = write!(text, "{query}");
    text.0
}

/// A writer that keeps what comes before [`BINDS_MARKER`] and then refuses
/// the rest, which ends the formatting before the values are written.
struct SqlOnly(String);

impl fmt::Write for SqlOnly {
    fn write_str(&mut self, piece: &str) -> fmt::Result {
        let mut searched_from = self.0.len().saturating_sub(BINDS_MARKER.len());
        while !self.0.is_char_boundary(searched_from) {
            searched_from -= 1;
        }
        self.0.push_str(piece);
        match self.0[searched_from..].find(BINDS_MARKER) {
            Some(at) => {
                self.0.truncate(searched_from + at);
                Err(fmt::Error)
            }
            None => Ok(()),
        }
    }
}

/// Whether a query failed because the connection to the server is gone:
/// diesel says so for PostgreSQL; MySQL's client reports it as an unknown
/// error with a message of its own (`CR_SERVER_GONE_ERROR`,
/// `CR_SERVER_LOST`, `ER_CLIENT_INTERACTION_TIMEOUT`).
pub(crate) fn is_disconnect(error: &DieselError) -> bool {
    match error {
        DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => true,
        DieselError::DatabaseError(_, information) => {
            let message = information.message().to_ascii_lowercase();
            [
                "server has gone away",
                "lost connection to",
                "disconnected by the server",
                "connection closed",
            ]
            .iter()
            .any(|symptom| message.contains(symptom))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Query(&'static str);

    impl fmt::Display for Query {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            // As diesel writes it: the SQL, the marker, then the values.
            write!(f, "{}", self.0)?;
            write!(f, "{BINDS_MARKER}")?;
            write!(f, "[\"hunter2\"]")
        }
    }

    #[test]
    fn bind_values_stay_out_unless_asked_for() {
        let query = Query("UPDATE users SET password = $1");
        assert_eq!(
            statement_text(&query, false),
            "UPDATE users SET password = $1"
        );
        assert_eq!(
            statement_text(&query, true),
            "UPDATE users SET password = $1 -- binds: [\"hunter2\"]"
        );
    }

    #[test]
    fn a_statement_without_binds_is_shown_whole() {
        assert_eq!(statement_text(&"SELECT 1", false), "SELECT 1");
    }
}
