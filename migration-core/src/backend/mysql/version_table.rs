//! MySQL's and MariaDB's version table, migration lock and failure records.
//!
//! MySQL commits each DDL statement at once, so a revision cannot be rolled
//! back. A run holds `GET_LOCK` (named after the database, so databases on
//! one server do not wait for each other) from start to end; each revision
//! is recorded as `running` before its first statement and `failed` with
//! the statement and the error if one fails. A process that dies mid-way
//! leaves `running`; the server releases its lock with its connection.

use super::MysqlBackend;
use crate::backend::Backend;
use crate::backend::VERSION_TABLE;

/// `CREATE TABLE IF NOT EXISTS` for the version table.
pub(crate) fn create_table_sql() -> String {
    // language=SQL
    format!(
        "CREATE TABLE IF NOT EXISTS {} (
    revision VARCHAR(64) NOT NULL PRIMARY KEY,
    parents VARCHAR(1024) NOT NULL DEFAULT '',
    message TEXT NOT NULL,
    checksum CHAR(64) NOT NULL,
    applied_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    execution_ms BIGINT NOT NULL DEFAULT 0,
    status VARCHAR(16) NOT NULL DEFAULT 'applied',
    failed_statement TEXT NULL,
    failure TEXT NULL
) ENGINE = InnoDB",
        MysqlBackend.quote_identifier(VERSION_TABLE)
    )
}

#[cfg(feature = "mysql")]
mod live {
    use std::time::Duration;

    use diesel::connection::SimpleConnection;
    use diesel::sql_types::{BigInt, Nullable, Text};
    use diesel::{sql_query, QueryResult, RunQueryDsl};

    use super::{create_table_sql, MysqlBackend};
    use crate::backend::{VersionTableDialect, VersionText};

    /// The lock's name: one per database, at most 64 characters.
    // language=SQL
    const LOCK_NAME_SQL: &str = "CONCAT('retort_', MD5(DATABASE()))";

    /// `GET_LOCK`'s answer: 1 taken, 0 timed out, NULL on error.
    #[derive(diesel::QueryableByName)]
    struct LockRow {
        #[diesel(sql_type = Nullable<BigInt>)]
        taken: Option<i64>,
    }

    /// Ids and checksums as the start-up read decodes them: checked as
    /// UTF-8 like a `String`, without allocating one.
    impl diesel::deserialize::FromSql<Text, diesel::mysql::Mysql> for VersionText {
        fn from_sql(value: diesel::mysql::MysqlValue<'_>) -> diesel::deserialize::Result<Self> {
            Ok(VersionText::new(std::str::from_utf8(value.as_bytes())?))
        }
    }

    crate::backend::connection::for_mysql_connections! { impl VersionTableDialect => {
        type Dialect = MysqlBackend;

        // https://mariadb.com/kb/en/information-schema-tables-table/
        // language=SQL
        const TABLE_EXISTS_SQL: &'static str = "SELECT COUNT(*) AS count FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?";

        fn status_unless_applied_sql() -> String {
            // Compared as bytes: the column's collation may ignore case and
            // trailing spaces.
            // language=SQL
            "CASE WHEN CAST(status AS BINARY) = ? THEN NULL ELSE status END".to_owned()
        }

        fn create_version_table(&mut self) -> QueryResult<()> {
            // Safe to race: the server serialises it with a metadata lock.
            self.batch_execute(&create_table_sql())
        }

        fn lock_run(&mut self, timeout: Duration) -> QueryResult<bool> {
            let seconds = i64::try_from(timeout.as_secs()).unwrap_or(i64::MAX);
            // language=SQL
            let row: LockRow = sql_query(format!(
                "SELECT CAST(GET_LOCK({LOCK_NAME_SQL}, ?) AS SIGNED) AS taken"
            ))
            .bind::<BigInt, _>(seconds)
            .get_result(self)?;
            Ok(row.taken == Some(1))
        }

        fn unlock_run(&mut self) -> QueryResult<()> {
            // language=SQL
            self.batch_execute(&format!("DO RELEASE_LOCK({LOCK_NAME_SQL})"))
        }

        fn run_lock_name(&self) -> &'static str {
            "GET_LOCK(CONCAT('retort_', MD5(DATABASE())))"
        }

        fn begin_locked(&mut self) -> QueryResult<()> {
            // The run lock is held already; this only groups row changes.
            // language=SQL
            self.batch_execute("START TRANSACTION")
        }
    } }
}
