//! How long a revision's statements may wait for their locks, in each
//! database's settings.
//!
//! An `ALTER TABLE` waiting for its `ACCESS EXCLUSIVE` lock behind a long
//! transaction makes every later query on that table queue behind it: a
//! migration that merely waits stalls the application. With a lock timeout
//! the statement gives up after a few seconds instead, the queue drains, and
//! the runner tries the revision again after a pause (`runner/retry.rs`).
//! Each database sets them its own way ([`LockLimitsConnection`], in
//! `backend/<db>/lock_limits.rs`); SQLite has none to set.

use std::time::Duration;

use diesel::QueryResult;

/// The limits set around each revision's statements. `None` means no limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockLimits {
    /// How long one statement may wait for a lock (PostgreSQL's
    /// `lock_timeout`, MySQL's `lock_wait_timeout` and
    /// `innodb_lock_wait_timeout`).
    pub lock_timeout: Option<Duration>,
    /// How long one statement may run (PostgreSQL's `statement_timeout`).
    pub statement_timeout: Option<Duration>,
}

/// What a connection's session settings were before a revision changed
/// them: `(setting, value)` pairs to put back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SavedSettings(pub Vec<(&'static str, String)>);

/// Setting [`LockLimits`] on a live connection and recognising the errors
/// they cause; a supertrait of
/// [`DatabaseConnection`](super::DatabaseConnection). The defaults set
/// nothing: SQLite waits for its one lock through the busy timeout.
pub trait LockLimitsConnection {
    /// Limits how long the statements of the current transaction may wait
    /// for a lock and run (PostgreSQL: `SET LOCAL`). Called once the
    /// migration lock is held, so the limits never apply to waiting for it.
    fn limit_transaction(&mut self, _limits: &LockLimits) -> QueryResult<()> {
        Ok(())
    }

    /// Limits the same for the session, for statements run outside a
    /// transaction, and returns the settings to put back with
    /// [`LockLimitsConnection::restore_session`].
    fn limit_session(&mut self, _limits: &LockLimits) -> QueryResult<SavedSettings> {
        Ok(SavedSettings::default())
    }

    /// Puts back settings saved by [`LockLimitsConnection::limit_session`].
    fn restore_session(&mut self, _saved: &SavedSettings) -> QueryResult<()> {
        Ok(())
    }

    /// Whether a statement failed only because it could not get a lock in
    /// time (PostgreSQL's `lock_not_available`, SQLSTATE 55P03; MySQL's
    /// `ER_LOCK_WAIT_TIMEOUT`, 1205), so it took no effect and may be tried
    /// again.
    fn lock_not_available(&self, _error: &diesel::result::Error) -> bool {
        false
    }
}

#[cfg(feature = "sqlite")]
impl LockLimitsConnection for diesel::SqliteConnection {}

/// The message of a database error, if it is one.
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub(crate) fn database_message(error: &diesel::result::Error) -> Option<&str> {
    match error {
        diesel::result::Error::DatabaseError(_, information) => Some(information.message()),
        _ => None,
    }
}

/// A duration as PostgreSQL reads a setting in milliseconds (`0`: off).
#[cfg(any(feature = "postgres", test))]
pub(crate) fn postgres_millis(limit: Option<Duration>) -> String {
    limit.map_or_else(
        || "0".to_owned(),
        |limit| format!("{}ms", limit.as_millis().max(1)),
    )
}

/// A duration as MySQL reads `lock_wait_timeout`: whole seconds, at least 1
/// (`None`: a year, MySQL's maximum).
#[cfg(any(feature = "mysql", test))]
pub(crate) fn mysql_seconds(limit: Option<Duration>) -> u64 {
    const YEAR: u64 = 31_536_000;
    limit.map_or(YEAR, |limit| {
        let seconds = limit.as_secs() + u64::from(limit.subsec_nanos() > 0);
        seconds.clamp(1, YEAR)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_spelled_in_each_database_unit() {
        assert_eq!(postgres_millis(Some(Duration::from_secs(5))), "5000ms");
        assert_eq!(postgres_millis(None), "0");
        assert_eq!(mysql_seconds(Some(Duration::from_millis(1500))), 2);
        assert_eq!(mysql_seconds(Some(Duration::from_millis(10))), 1);
        assert_eq!(mysql_seconds(None), 31_536_000);
    }
}
