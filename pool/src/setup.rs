//! The statements run on each new connection: the SQLite defaults, then the
//! `on_connect` statements.
//!
//! Switching a SQLite database to WAL takes an exclusive lock, and SQLite
//! does not wait for it through `busy_timeout`: while another connection is
//! opening the same database (sixteen replicas starting at once), the switch
//! fails at once with "database is locked". That statement alone is retried,
//! with a short back-off, for as long as `busy_timeout` allows.

use std::time::{Duration, Instant};

/// One statement run on each new connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SetupStatement {
    /// Names the statement in error messages, which never show the SQL.
    pub(crate) label: String,
    pub(crate) sql: String,
    /// How long a "database is locked" failure is retried; zero for most.
    pub(crate) retry_while_locked: Duration,
}

impl SetupStatement {
    /// A statement that is run once, its first error returned.
    pub(crate) fn once(label: String, sql: String) -> Self {
        Self {
            label,
            sql,
            retry_while_locked: Duration::ZERO,
        }
    }

    /// How long to wait before running the statement again after `error`,
    /// or `None` when the error is returned: it is not a lock, or the
    /// statement has been retried for as long as it may be since `started`.
    pub(crate) fn retry_after(
        &self,
        error: &str,
        started: Instant,
        attempt: u32,
    ) -> Option<Duration> {
        let locked = error.contains("database is locked");
        let wait = Duration::from_millis(2u64 << attempt.min(5)).min(MAX_RETRY_WAIT);
        (locked && started.elapsed() + wait <= self.retry_while_locked).then_some(wait)
    }
}

/// The longest pause between two tries of a locked statement.
const MAX_RETRY_WAIT: Duration = Duration::from_millis(50);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_locks_are_retried_and_only_within_the_allowance() {
        let switch = SetupStatement {
            retry_while_locked: Duration::from_secs(5),
            ..SetupStatement::once("wal".into(), "PRAGMA journal_mode = WAL".into())
        };
        let now = Instant::now();
        assert_eq!(
            switch.retry_after("database is locked", now, 0),
            Some(Duration::from_millis(2))
        );
        assert_eq!(
            switch.retry_after("database is locked", now, 30),
            Some(MAX_RETRY_WAIT)
        );
        assert_eq!(switch.retry_after("disk I/O error", now, 0), None);
        let long_ago = now - Duration::from_secs(6);
        assert_eq!(switch.retry_after("database is locked", long_ago, 0), None);
        let once = SetupStatement::once("on_connect statement 1".into(), "SELECT 1".into());
        assert_eq!(once.retry_after("database is locked", now, 0), None);
    }
}
