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
        PostgresBackend.quote_identifier(VERSION_TABLE)
    )
}

#[cfg(feature = "postgres")]
mod live {
    use std::time::Duration;

    use diesel::connection::SimpleConnection;
    use diesel::sql_types::Text;
    use diesel::QueryResult;

    use super::{lock_key_sql, PostgresBackend};
    use crate::backend::{VersionTableDialect, VersionText};

    /// Ids and checksums as the start-up read decodes them: checked as
    /// UTF-8 like a `String`, without allocating one.
    impl diesel::deserialize::FromSql<Text, diesel::pg::Pg> for VersionText {
        fn from_sql(value: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
            Ok(VersionText::new(std::str::from_utf8(value.as_bytes())?))
        }
    }

    crate::backend::connection::for_postgres_connections! { impl VersionTableDialect => {
        type Dialect = PostgresBackend;

        // https://www.postgresql.org/docs/current/view-pg-tables.html
        // language=SQL
        const TABLE_EXISTS_SQL: &'static str = "SELECT COUNT(*) AS count FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = $1";

        fn bind_param(index: usize) -> String {
            format!("${index}")
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
    } }
}
