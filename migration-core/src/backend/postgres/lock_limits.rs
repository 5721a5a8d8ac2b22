//! PostgreSQL's lock limits: `lock_timeout` and `statement_timeout`, set
//! with `set_config` for the transaction or the session.

use diesel::sql_types::Text;
use diesel::{sql_query, QueryResult, RunQueryDsl};

use crate::backend::lock_limits::LockLimitsConnection;
use crate::backend::{database_message, postgres_millis, LockLimits, SavedSettings};

crate::backend::connection::for_postgres_connections! { impl LockLimitsConnection => {
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
