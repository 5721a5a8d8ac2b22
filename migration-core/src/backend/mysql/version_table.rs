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
    use crate::backend::{database_message, mysql_seconds, LockLimits, SavedSettings};
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

        fn limit_session(&mut self, limits: &LockLimits) -> QueryResult<SavedSettings> {
            // https://mariadb.com/kb/en/server-system-variables/#lock_wait_timeout
            // language=SQL
            let before: WaitsRow = sql_query(
                "SELECT CAST(@@SESSION.lock_wait_timeout AS SIGNED) AS lock_wait, CAST(@@SESSION.innodb_lock_wait_timeout AS SIGNED) AS innodb_lock_wait",
            )
            .get_result(self)?;
            let seconds = i64::try_from(mysql_seconds(limits.lock_timeout)).unwrap_or(i64::MAX);
            set_waits(self, seconds, seconds)?;
            Ok(SavedSettings(vec![
                (LOCK_WAIT_TIMEOUT, before.lock_wait.to_string()),
                (
                    INNODB_LOCK_WAIT_TIMEOUT,
                    before.innodb_lock_wait.to_string(),
                ),
            ]))
        }

        fn restore_session(&mut self, saved: &SavedSettings) -> QueryResult<()> {
            let value = |name: &str| {
                saved
                    .0
                    .iter()
                    .find(|(setting, _)| *setting == name)
                    .and_then(|(_, value)| value.parse::<i64>().ok())
            };
            match (value(LOCK_WAIT_TIMEOUT), value(INNODB_LOCK_WAIT_TIMEOUT)) {
                (Some(lock_wait), Some(innodb)) => set_waits(self, lock_wait, innodb),
                _ => Ok(()),
            }
        }

        fn lock_not_available(&self, error: &diesel::result::Error) -> bool {
            // ER_LOCK_WAIT_TIMEOUT (1205), for metadata and row locks alike;
            // diesel exposes only the message.
            database_message(error)
                .is_some_and(|message| message.starts_with("Lock wait timeout exceeded"))
        }
    } }

    const LOCK_WAIT_TIMEOUT: &str = "lock_wait_timeout";
    const INNODB_LOCK_WAIT_TIMEOUT: &str = "innodb_lock_wait_timeout";

    /// The session's two lock waits, in seconds.
    #[derive(diesel::QueryableByName)]
    struct WaitsRow {
        #[diesel(sql_type = BigInt)]
        lock_wait: i64,
        #[diesel(sql_type = BigInt)]
        innodb_lock_wait: i64,
    }

    /// Sets how long the session waits for metadata locks (DDL) and row
    /// locks (InnoDB), in seconds.
    fn set_waits(
        conn: &mut impl diesel::Connection<Backend = diesel::mysql::Mysql>,
        lock_wait: i64,
        innodb: i64,
    ) -> QueryResult<()> {
        // language=SQL
        sql_query("SET SESSION lock_wait_timeout = ?, SESSION innodb_lock_wait_timeout = ?")
            .bind::<BigInt, _>(lock_wait)
            .bind::<BigInt, _>(innodb)
            .execute(conn)
            .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::super::string_literal;

    #[test]
    fn literals_escape_quotes_and_backslashes() {
        assert_eq!(string_literal(r"it's a \ path"), r"'it''s a \\ path'");
    }
}
