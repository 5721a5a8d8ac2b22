//! The version table and what differs between databases in keeping it:
//! the few statements each spells its own way, the migration lock and the
//! transactions that hold it ([`VersionTableDialect`], implemented in
//! `backend/<db>/version_table.rs`). The statements they share are written
//! once in `version_sql.rs`; ordering, checksums and targets are generic
//! code in the runner.

use std::time::Duration;

use diesel::sql_types::{Nullable, Text};
use diesel::QueryResult;

use super::version_text::VersionText;
use super::Backend;

/// The table where the runner records applied revisions. Introspection never
/// reports it, and the diff never touches it.
pub const VERSION_TABLE: &str = "retort_migrations";

/// The table where diesel_migrations records the versions it ran.
pub const DIESEL_VERSION_TABLE: &str = "__diesel_schema_migrations";

/// Where a revision's row in the version table stands: its `status`
/// column, stored as the text [`VersionStatus::as_str`] gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VersionStatus {
    /// Every statement ran (`applied`).
    Applied,
    /// Running outside a transaction (MySQL, or `-- retort:transaction
    /// off`); left behind if the process dies (`running`).
    Running,
    /// A statement failed part-way outside a transaction (`failed`).
    Failed,
    /// Being reverted outside a transaction (`reverting`).
    Reverting,
    /// A statement failed part-way while being reverted outside a
    /// transaction (`revert_failed`).
    RevertFailed,
}

impl VersionStatus {
    /// Every status, for parsing.
    const ALL: [VersionStatus; 5] = [
        VersionStatus::Applied,
        VersionStatus::Running,
        VersionStatus::Failed,
        VersionStatus::Reverting,
        VersionStatus::RevertFailed,
    ];

    /// The text stored in the version table.
    pub const fn as_str(self) -> &'static str {
        match self {
            VersionStatus::Applied => "applied",
            VersionStatus::Running => "running",
            VersionStatus::Failed => "failed",
            VersionStatus::Reverting => "reverting",
            VersionStatus::RevertFailed => "revert_failed",
        }
    }

    /// The status stored as `text`, if it is one (compared byte for byte).
    pub fn from_stored(text: &str) -> Option<VersionStatus> {
        VersionStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

impl std::fmt::Display for VersionStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the version table, as the runner reads it at every start:
/// only what deciding whether there is work needs.
///
/// The status of an applied revision, nearly every row, comes back as
/// `NULL` (`NULLIF(status, 'applied')`, compared byte for byte): one value
/// fewer per row for the server to send and the client to decode, and the
/// id and checksum are read without allocating ([`VersionText`]). Those
/// per-row costs are most of what a no-op start-up costs with a long
/// history.
#[derive(Clone, Debug, PartialEq, Eq, diesel::QueryableByName)]
pub struct VersionRow {
    /// The revision id.
    #[diesel(sql_type = Text)]
    pub revision: VersionText,
    /// SHA-256 of its up section when it was applied.
    #[diesel(sql_type = Text)]
    pub checksum: VersionText,
    /// `None` when the status is [`VersionStatus::Applied`]; otherwise the
    /// status as stored (see [`VersionStatus::from_stored`]).
    #[diesel(sql_type = Nullable<Text>)]
    pub status: Option<String>,
}

/// What an unfinished row says about its failure.
#[derive(Clone, Debug, Default, PartialEq, Eq, diesel::QueryableByName)]
pub struct FailureRow {
    /// The statement that failed or was running, outside a transaction.
    #[diesel(sql_type = Nullable<Text>)]
    pub failed_statement: Option<String>,
    /// The database's error for that statement.
    #[diesel(sql_type = Nullable<Text>)]
    pub failure: Option<String>,
}

/// A row to insert into the version table.
#[derive(Clone, Copy, Debug)]
pub struct NewVersion<'a> {
    /// The revision id.
    pub revision: &'a str,
    /// Its parents, separated by spaces.
    pub parents: &'a str,
    /// Its message.
    pub message: &'a str,
    /// SHA-256 of its up section.
    pub checksum: &'a str,
    /// How long its statements took, in milliseconds.
    pub execution_ms: i64,
    /// Its status.
    pub status: VersionStatus,
}

/// What each database does its own way with the version table: the few
/// statements whose SQL differs, the migration lock and the transactions
/// that hold it. Implemented for each diesel connection in
/// `backend/<db>/version_table.rs`; every other statement is written once,
/// for all of them, in [`VersionTableConnection`](super::version_sql::VersionTableConnection).
pub trait VersionTableDialect: diesel::Connection {
    /// The database's dialect: quoting and the version table's DDL.
    type Dialect: Backend + Default;

    /// Counts (as `count`) the tables of the connection's default namespace
    /// named by the one bind parameter.
    const TABLE_EXISTS_SQL: &'static str;

    /// Bind parameter `index` (counting from 1) as the database writes it.
    fn bind_param(_index: usize) -> String {
        "?".to_owned()
    }

    /// The `status` column, or `NULL` where it is the bind parameter
    /// (`applied`), compared byte for byte.
    fn status_unless_applied_sql() -> String {
        // language=SQL
        format!("NULLIF(status, {})", Self::bind_param(1))
    }

    /// Readies the connection for a run (SQLite: a busy timeout when none is
    /// set, so concurrent starters wait instead of failing).
    fn prepare_connection(&mut self) -> QueryResult<()> {
        Ok(())
    }

    /// Creates the version table when missing, safely against concurrent
    /// callers: by default inside [`VersionTableDialect::begin_locked`],
    /// since concurrent `CREATE TABLE IF NOT EXISTS` can collide in the
    /// catalog.
    fn create_version_table(&mut self) -> QueryResult<()> {
        self.begin_locked()?;
        match self.batch_execute(&Self::Dialect::default().version_table_sql()) {
            Ok(()) => self.commit(),
            Err(error) => {
                let _ = self.rollback();
                Err(error)
            }
        }
    }

    /// Takes the lock that spans a whole run, waiting at most `timeout`;
    /// `Ok(false)` when it timed out. Needed where revisions run outside a
    /// transaction (MySQL always; `transaction off` revisions elsewhere).
    fn lock_run(&mut self, timeout: Duration) -> QueryResult<bool>;

    /// Releases the lock taken by [`VersionTableDialect::lock_run`].
    fn unlock_run(&mut self) -> QueryResult<()>;

    /// The name of the run lock, for messages.
    fn run_lock_name(&self) -> &'static str;

    /// Begins a transaction that holds the migration lock until it ends
    /// (PostgreSQL: `pg_advisory_xact_lock`; SQLite: `BEGIN IMMEDIATE`).
    fn begin_locked(&mut self) -> QueryResult<()>;

    /// Commits the transaction.
    fn commit(&mut self) -> QueryResult<()> {
        // language=SQL
        self.batch_execute("COMMIT")
    }

    /// Rolls the transaction back.
    fn rollback(&mut self) -> QueryResult<()> {
        // language=SQL
        self.batch_execute("ROLLBACK")
    }
}

#[cfg(test)]
mod tests {
    use super::VersionStatus;

    #[test]
    fn each_status_is_stored_as_the_text_earlier_versions_wrote_and_read_back() {
        let stored = [
            (VersionStatus::Applied, "applied"),
            (VersionStatus::Running, "running"),
            (VersionStatus::Failed, "failed"),
            (VersionStatus::Reverting, "reverting"),
            (VersionStatus::RevertFailed, "revert_failed"),
        ];
        for (status, text) in stored {
            assert_eq!(status.as_str(), text);
            assert_eq!(status.to_string(), text);
            assert_eq!(VersionStatus::from_stored(text), Some(status));
        }
        for text in ["APPLIED", "applied ", "", "done"] {
            assert_eq!(VersionStatus::from_stored(text), None, "{text:?}");
        }
    }
}
