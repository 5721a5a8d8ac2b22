//! MySQL's and MariaDB's lock limits: `lock_wait_timeout` (metadata
//! locks, so DDL) and `innodb_lock_wait_timeout` (row locks), set for the
//! session around statements that run outside a transaction.

use diesel::sql_types::BigInt;
use diesel::{sql_query, QueryResult, RunQueryDsl};

use crate::backend::lock_limits::LockLimitsConnection;
use crate::backend::{database_message, mysql_seconds, LockLimits, SavedSettings};

crate::backend::connection::for_mysql_connections! { impl LockLimitsConnection => {
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
