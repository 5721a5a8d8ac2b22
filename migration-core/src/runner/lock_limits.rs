//! How long a revision's statements may wait for their locks, and how often
//! a revision that could not get one is tried again.
//!
//! An `ALTER TABLE` waiting for its `ACCESS EXCLUSIVE` lock behind a long
//! transaction makes every later query on that table queue behind it: a
//! migration that merely waits stalls the application. With a lock timeout
//! the statement gives up after a few seconds instead, the queue drains, and
//! the runner tries the revision again after a pause.

use std::time::Duration;

/// The limits set around each revision's statements. `None` means no limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[doc(hidden)]
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
#[doc(hidden)]
pub struct SavedSettings(pub Vec<(&'static str, String)>);

/// Tries again, after a growing pause, a revision that failed only because
/// it could not get a lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RetryPolicy {
    /// How many times a revision runs at most (1: no retry).
    pub(crate) attempts: u32,
    /// The pause after the first failed attempt; it doubles after each
    /// further one, up to [`MAX_BACKOFF`].
    pub(crate) first_backoff: Duration,
}

/// The longest pause between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

impl RetryPolicy {
    /// The pause after failed attempt number `attempt` (counting from 1).
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.first_backoff
            .checked_mul(factor)
            .map_or(MAX_BACKOFF, |pause| pause.min(MAX_BACKOFF))
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

/// What a statement locks, read from its text for messages: `table
/// "items"` for `ALTER TABLE "items" ...`, `CREATE INDEX ... ON "items"`,
/// `INSERT INTO "items"`; `the objects it changes` when it names none.
pub(crate) fn locked_object(statement: &str) -> String {
    let words: Vec<&str> = statement.split_whitespace().collect();
    let upper: Vec<String> = words.iter().map(|word| word.to_ascii_uppercase()).collect();
    let after = |keyword: &str, skip: &[&str]| {
        let at = upper.iter().position(|word| word == keyword)?;
        let mut at = at + 1;
        while upper
            .get(at)
            .is_some_and(|word| skip.contains(&word.as_str()))
        {
            at += 1;
        }
        words.get(at).map(|name| {
            name.split('(')
                .next()
                .unwrap_or(name)
                .trim_end_matches([';', ','])
        })
    };
    const SKIP: &[&str] = &["ONLY", "IF", "EXISTS", "TABLE", "CONCURRENTLY", "NOT"];
    let table = match upper.first().map(String::as_str) {
        Some("ALTER" | "LOCK" | "TRUNCATE") => after("TABLE", SKIP).or_else(|| after("LOCK", SKIP)),
        Some("CREATE") if upper.iter().any(|word| word == "INDEX") => after("ON", SKIP),
        Some("INSERT") => after("INTO", SKIP),
        Some("UPDATE") => after("UPDATE", SKIP),
        Some("DELETE") => after("FROM", SKIP),
        Some("DROP") if upper.get(1).is_some_and(|word| word == "INDEX") => {
            return after("INDEX", SKIP)
                .map_or_else(|| "the index".to_owned(), |name| format!("index {name}"))
        }
        _ => None,
    };
    table.map_or_else(
        || "the objects it changes".to_owned(),
        |name| format!("table {name}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_up_to_its_cap() {
        let policy = RetryPolicy {
            attempts: 10,
            first_backoff: Duration::from_millis(500),
        };
        assert_eq!(policy.backoff(1), Duration::from_millis(500));
        assert_eq!(policy.backoff(2), Duration::from_secs(1));
        assert_eq!(policy.backoff(3), Duration::from_secs(2));
        assert_eq!(policy.backoff(40), MAX_BACKOFF);
    }

    #[test]
    fn limits_are_spelled_in_each_database_unit() {
        assert_eq!(postgres_millis(Some(Duration::from_secs(5))), "5000ms");
        assert_eq!(postgres_millis(None), "0");
        assert_eq!(mysql_seconds(Some(Duration::from_millis(1500))), 2);
        assert_eq!(mysql_seconds(Some(Duration::from_millis(10))), 1);
        assert_eq!(mysql_seconds(None), 31_536_000);
    }

    #[test]
    fn the_locked_table_is_read_from_the_statement() {
        assert_eq!(
            locked_object(r#"ALTER TABLE "items" ADD COLUMN "x" INTEGER"#),
            r#"table "items""#
        );
        assert_eq!(
            locked_object("CREATE INDEX CONCURRENTLY ix ON items(sku)"),
            "table items"
        );
        assert_eq!(
            locked_object("DROP INDEX CONCURRENTLY IF EXISTS ix"),
            "index ix"
        );
        assert_eq!(locked_object("SELECT 1"), "the objects it changes");
    }
}
