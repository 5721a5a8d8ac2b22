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

fn table() -> String {
    SqliteBackend.quote_identifier(VERSION_TABLE)
}

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
        table()
    )
}

#[cfg(feature = "sqlite")]
mod live {
    use std::time::Duration;

    use diesel::connection::SimpleConnection;
    use diesel::sql_types::{BigInt, Nullable, Text};
    use diesel::{sql_query, OptionalExtension, QueryResult, RunQueryDsl, SqliteConnection};

    use super::{create_table_sql, table, BUSY_TIMEOUT_MS};
    use crate::backend::{
        read_diesel_versions, values_placeholders, CountRow, FailureRow, NewVersion, StatusRow,
        VersionRow, VersionStatus, VersionTableConnection, VersionText, INSERT_COLUMNS,
    };

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

    impl VersionTableConnection for SqliteConnection {
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

        fn read_versions(&mut self) -> QueryResult<Vec<VersionRow>> {
            // language=SQL
            sql_query(format!(
                "SELECT revision, checksum, NULLIF(status, ?) AS status FROM {}",
                table()
            ))
            .bind::<Text, _>(VersionStatus::Applied.as_str())
            .load(self)
        }

        read_diesel_versions!();

        fn table_exists(&mut self, table: &str) -> QueryResult<bool> {
            // https://www.sqlite.org/schematab.html
            // language=SQL
            let row: CountRow = sql_query(
                "SELECT COUNT(*) AS count FROM sqlite_master WHERE type = 'table' AND name = ?",
            )
            .bind::<Text, _>(table)
            .get_result(self)?;
            Ok(row.count > 0)
        }

        fn create_version_table(&mut self) -> QueryResult<()> {
            self.begin_locked()?;
            match self.batch_execute(&create_table_sql()) {
                Ok(()) => self.commit(),
                Err(error) => {
                    let _ = self.rollback();
                    Err(error)
                }
            }
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

        fn version_failure(&mut self, revision: &str) -> QueryResult<FailureRow> {
            // language=SQL
            sql_query(format!(
                "SELECT failed_statement, failure FROM {} WHERE revision = ?",
                table()
            ))
            .bind::<Text, _>(revision)
            .get_result(self)
        }

        fn version_status(&mut self, revision: &str) -> QueryResult<Option<String>> {
            // language=SQL
            sql_query(format!("SELECT status FROM {} WHERE revision = ?", table()))
                .bind::<Text, _>(revision)
                .get_result::<StatusRow>(self)
                .optional()
                .map(|row| row.map(|row| row.status))
        }

        fn insert_versions(&mut self, rows: &[NewVersion<'_>]) -> QueryResult<()> {
            if rows.is_empty() {
                return Ok(());
            }
            // language=SQL
            let sql = format!(
                "INSERT INTO {} ({INSERT_COLUMNS}) VALUES {}",
                table(),
                values_placeholders(rows.len(), false)
            );
            let mut query = sql_query(sql).into_boxed::<diesel::sqlite::Sqlite>();
            for row in rows {
                query = query
                    .bind::<Text, _>(row.revision)
                    .bind::<Text, _>(row.parents)
                    .bind::<Text, _>(row.message)
                    .bind::<Text, _>(row.checksum)
                    .bind::<BigInt, _>(row.execution_ms)
                    .bind::<Text, _>(row.status.as_str());
            }
            query.execute(self).map(drop)
        }

        fn update_version(
            &mut self,
            revision: &str,
            status: VersionStatus,
            execution_ms: i64,
            failed_statement: Option<&str>,
            failure: Option<&str>,
        ) -> QueryResult<()> {
            // language=SQL
            sql_query(format!(
                "UPDATE {} SET status = ?, execution_ms = ?, failed_statement = ?, failure = ? WHERE revision = ?",
                table()
            ))
            .bind::<Text, _>(status.as_str())
            .bind::<BigInt, _>(execution_ms)
            .bind::<Nullable<Text>, _>(failed_statement)
            .bind::<Nullable<Text>, _>(failure)
            .bind::<Text, _>(revision)
            .execute(self)
            .map(drop)
        }

        fn delete_version(&mut self, revision: &str) -> QueryResult<()> {
            // language=SQL
            sql_query(format!("DELETE FROM {} WHERE revision = ?", table()))
                .bind::<Text, _>(revision)
                .execute(self)
                .map(drop)
        }

        fn delete_all_versions(&mut self) -> QueryResult<()> {
            // language=SQL
            self.batch_execute(&format!("DELETE FROM {}", table()))
        }
    }
}
