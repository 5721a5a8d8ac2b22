//! How often a revision that could not get its lock is tried again, and
//! what a statement locks, for the messages.

use std::time::Duration;

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
