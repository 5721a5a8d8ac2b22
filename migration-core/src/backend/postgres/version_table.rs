//! PostgreSQL's version table, migration lock and transactions.
//!
//! The lock is an advisory lock scoped to the version table, which lives
//! in the connection's current schema: `LOCK_KEY` for the table in
//! `public`, and for a table in any other schema a key hashed from the
//! schema's name, so tenants' schemas in one database migrate side by side
//! (as MySQL's lock is named after the database). Revisions take it with
//! `pg_advisory_xact_lock` inside their transaction, so it is released with
//! the commit and works behind PgBouncer's transaction pooling. Only
//! `-- retort:transaction off` revisions take the session-level
//! `pg_advisory_lock`, which needs a session-pooled (or direct) connection.

use super::PostgresBackend;
use crate::backend::Backend;
use crate::backend::VERSION_TABLE;

/// The advisory lock key of the version table in `public`: "retortmg" in
/// ASCII.
#[cfg(feature = "postgres")]
pub(crate) const LOCK_KEY: i64 = 0x7265_746f_7274_6d67;

/// The advisory lock key of the version table in the current schema: the
/// same key as ever in `public`, so processes of earlier versions still
/// exclude each other there, and elsewhere the schema's name hashed with
/// it as the seed (`hashtextextended`, PostgreSQL 11 and later). Two
/// schemas whose hashes collide merely share a lock.
#[cfg(feature = "postgres")]
fn lock_key_sql() -> String {
    // language=SQL
    format!(
        "CASE WHEN current_schema() = 'public' THEN {LOCK_KEY}::bigint \
         ELSE hashtextextended(coalesce(current_schema(), ''), {LOCK_KEY}) END"
    )
}

fn table() -> String {
    PostgresBackend.quote_identifier(VERSION_TABLE)
}

/// `CREATE TABLE IF NOT EXISTS` for the version table.
pub(crate) fn create_table_sql() -> String {
    // language=SQL
    format!(
        "CREATE TABLE IF NOT EXISTS {} (
    revision VARCHAR(64) PRIMARY KEY,
    parents TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '',
    checksum CHAR(64) NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    execution_ms BIGINT NOT NULL DEFAULT 0,
    status VARCHAR(16) NOT NULL DEFAULT 'applied',
    failed_statement TEXT,
    failure TEXT
)",
        table()
    )
}

#[cfg(feature = "postgres")]
mod live {
    use std::time::Duration;

    use diesel::connection::SimpleConnection;
    use diesel::sql_types::{BigInt, Nullable, Text};
    use diesel::{sql_query, OptionalExtension, QueryResult, RunQueryDsl};

    use super::{create_table_sql, lock_key_sql, table};
    use crate::backend::{database_message, postgres_millis, LockLimits, SavedSettings};
    use crate::backend::{
        read_diesel_versions, values_placeholders, CountRow, FailureRow, NewVersion, StatusRow,
        VersionRow, VersionStatus, VersionTableConnection, VersionText, INSERT_COLUMNS,
    };

    /// Ids and checksums as the start-up read decodes them: checked as
    /// UTF-8 like a `String`, without allocating one.
    impl diesel::deserialize::FromSql<Text, diesel::pg::Pg> for VersionText {
        fn from_sql(value: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
            Ok(VersionText::new(std::str::from_utf8(value.as_bytes())?))
        }
    }

    crate::backend::connection::for_postgres_connections! { impl VersionTableConnection => {
        fn read_versions(&mut self) -> QueryResult<Vec<VersionRow>> {
            // language=SQL
            sql_query(format!(
                "SELECT revision, checksum, NULLIF(status, $1) AS status FROM {}",
                table()
            ))
            .bind::<Text, _>(VersionStatus::Applied.as_str())
            .load(self)
        }

        read_diesel_versions!();

        fn table_exists(&mut self, table: &str) -> QueryResult<bool> {
            // https://www.postgresql.org/docs/current/view-pg-tables.html
            // language=SQL
            let row: CountRow = sql_query(
                "SELECT COUNT(*) AS count FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = $1",
            )
            .bind::<Text, _>(table)
            .get_result(self)?;
            Ok(row.count > 0)
        }

        fn create_version_table(&mut self) -> QueryResult<()> {
            // Concurrent CREATE TABLE IF NOT EXISTS can collide in the
            // catalog: create it under the lock.
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
            // language=SQL
            self.batch_execute(&format!("SELECT pg_advisory_lock({})", lock_key_sql()))?;
            Ok(true)
        }

        fn unlock_run(&mut self) -> QueryResult<()> {
            // language=SQL
            self.batch_execute(&format!("SELECT pg_advisory_unlock({})", lock_key_sql()))
        }

        fn run_lock_name(&self) -> &'static str {
            "pg_advisory_lock on the version table's schema (0x7265746f72746d67 in public)"
        }

        fn begin_locked(&mut self) -> QueryResult<()> {
            // One round trip for both.
            // language=SQL
            self.batch_execute(&format!(
                "BEGIN; SELECT pg_advisory_xact_lock({})",
                lock_key_sql()
            ))
        }

        fn version_failure(&mut self, revision: &str) -> QueryResult<FailureRow> {
            // language=SQL
            sql_query(format!(
                "SELECT failed_statement, failure FROM {} WHERE revision = $1",
                table()
            ))
            .bind::<Text, _>(revision)
            .get_result(self)
        }

        fn version_status(&mut self, revision: &str) -> QueryResult<Option<String>> {
            // language=SQL
            sql_query(format!(
                "SELECT status FROM {} WHERE revision = $1",
                table()
            ))
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
                values_placeholders(rows.len(), true)
            );
            let mut query = sql_query(sql).into_boxed::<diesel::pg::Pg>();
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
                "UPDATE {} SET status = $1, execution_ms = $2, failed_statement = $3, failure = $4 WHERE revision = $5",
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
            sql_query(format!("DELETE FROM {} WHERE revision = $1", table()))
                .bind::<Text, _>(revision)
                .execute(self)
                .map(drop)
        }

        fn delete_all_versions(&mut self) -> QueryResult<()> {
            // language=SQL
            self.batch_execute(&format!("DELETE FROM {}", table()))
        }

        fn limit_transaction(&mut self, limits: &LockLimits) -> QueryResult<()> {
            set_timeouts(
                self,
                &postgres_millis(limits.lock_timeout),
                &postgres_millis(limits.statement_timeout),
                true,
            )
        }

        fn limit_session(&mut self, limits: &LockLimits) -> QueryResult<SavedSettings> {
            // https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-ADMIN-SET
            // language=SQL
            let before: TimeoutsRow = sql_query(
                "SELECT current_setting('lock_timeout') AS lock_timeout, current_setting('statement_timeout') AS statement_timeout",
            )
            .get_result(self)?;
            set_timeouts(
                self,
                &postgres_millis(limits.lock_timeout),
                &postgres_millis(limits.statement_timeout),
                false,
            )?;
            Ok(SavedSettings(vec![
                (LOCK_TIMEOUT, before.lock_timeout),
                (STATEMENT_TIMEOUT, before.statement_timeout),
            ]))
        }

        fn restore_session(&mut self, saved: &SavedSettings) -> QueryResult<()> {
            for (setting, value) in &saved.0 {
                // language=SQL
                sql_query("SELECT set_config($1, $2, false)")
                    .bind::<Text, _>(*setting)
                    .bind::<Text, _>(value)
                    .execute(self)?;
            }
            Ok(())
        }

        fn lock_not_available(&self, error: &diesel::result::Error) -> bool {
            // diesel does not expose the SQLSTATE (55P03), only the message:
            // "canceling statement due to lock timeout" after lock_timeout,
            // "could not obtain lock on ..." for NOWAIT.
            database_message(error).is_some_and(|message| {
                message.contains("due to lock timeout")
                    || message.starts_with("could not obtain lock")
            })
        }
    } }

    const LOCK_TIMEOUT: &str = "lock_timeout";
    const STATEMENT_TIMEOUT: &str = "statement_timeout";

    /// The two timeouts as `current_setting` reports them.
    #[derive(diesel::QueryableByName)]
    struct TimeoutsRow {
        #[diesel(sql_type = Text)]
        lock_timeout: String,
        #[diesel(sql_type = Text)]
        statement_timeout: String,
    }

    /// Sets both timeouts, for the transaction when `local`.
    fn set_timeouts(
        conn: &mut impl diesel::Connection<Backend = diesel::pg::Pg>,
        lock_timeout: &str,
        statement_timeout: &str,
        local: bool,
    ) -> QueryResult<()> {
        // language=SQL
        sql_query("SELECT set_config($1, $2, $5), set_config($3, $4, $5)")
            .bind::<Text, _>(LOCK_TIMEOUT)
            .bind::<Text, _>(lock_timeout)
            .bind::<Text, _>(STATEMENT_TIMEOUT)
            .bind::<Text, _>(statement_timeout)
            .bind::<diesel::sql_types::Bool, _>(local)
            .execute(conn)
            .map(drop)
    }
}
