//! SQLite's version table, migration lock and transactions.
//!
//! Each revision runs in a `BEGIN IMMEDIATE` transaction, which takes the
//! database's write lock at once; concurrent starters wait for it through
//! the busy timeout (set to 30 s on connections that have none).

use super::SqliteBackend;
use crate::backend::Backend;
use crate::backend::VERSION_TABLE;

/// The busy timeout set on connections that have none, in milliseconds.
#[cfg(feature = "sqlite")]
pub(crate) const BUSY_TIMEOUT_MS: i64 = 30_000;

/// `CREATE TABLE IF NOT EXISTS` for the version table.
pub(crate) fn create_table_sql() -> String {
    // language=SQL
    format!(
        "CREATE TABLE IF NOT EXISTS {} (
    revision TEXT PRIMARY KEY NOT NULL,
    parents TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '',
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    execution_ms INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'applied',
    failed_statement TEXT,
    failure TEXT
)",
        SqliteBackend.quote_identifier(VERSION_TABLE)
    )
}

#[cfg(feature = "sqlite")]
mod live {
    use std::time::Duration;

    use diesel::connection::SimpleConnection;
    use diesel::sql_types::{BigInt, Text};
    use diesel::{sql_query, QueryResult, RunQueryDsl, SqliteConnection};

    use super::{SqliteBackend, BUSY_TIMEOUT_MS};
    use crate::backend::{VersionTableDialect, VersionText};

    /// `PRAGMA busy_timeout`'s answer.
    #[derive(diesel::QueryableByName)]
    struct BusyTimeoutRow {
        #[diesel(sql_type = BigInt)]
        timeout: i64,
    }

    /// Ids and checksums as the start-up read decodes them: checked as
    /// UTF-8 like a `String`, without allocating one.
    impl diesel::deserialize::FromSql<Text, diesel::sqlite::Sqlite> for VersionText {
        fn from_sql(
            mut value: diesel::sqlite::SqliteValue<'_, '_, '_>,
        ) -> diesel::deserialize::Result<Self> {
            Ok(VersionText::new(value.read_text()))
        }
    }

    impl VersionTableDialect for SqliteConnection {
        type Dialect = SqliteBackend;

        // https://www.sqlite.org/schematab.html
        // language=SQL
        const TABLE_EXISTS_SQL: &'static str =
            "SELECT COUNT(*) AS count FROM sqlite_master WHERE type = 'table' AND name = ?";

        fn prepare_connection(&mut self) -> QueryResult<()> {
            // https://www.sqlite.org/pragma.html#pragma_busy_timeout
            // language=SQL
            let current: BusyTimeoutRow = sql_query("PRAGMA busy_timeout").get_result(self)?;
            if current.timeout == 0 {
                // language=SQL
                self.batch_execute(&format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}"))?;
            }
            Ok(())
        }

        fn lock_run(&mut self, _timeout: Duration) -> QueryResult<bool> {
            // SQLite has no lock that outlives a transaction; each revision
            // takes the write lock with BEGIN IMMEDIATE.
            Ok(true)
        }

        fn unlock_run(&mut self) -> QueryResult<()> {
            Ok(())
        }

        fn run_lock_name(&self) -> &'static str {
            "BEGIN IMMEDIATE"
        }

        fn begin_locked(&mut self) -> QueryResult<()> {
            // language=SQL
            self.batch_execute("BEGIN IMMEDIATE")
        }
    }
}
