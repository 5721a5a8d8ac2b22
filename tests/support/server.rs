//! Servers the tests can be unkind to: end every session of a test
//! database, as a restart or a failover does. PostgreSQL and MySQL/MariaDB
//! (SQLite has no server).

use diesel::connection::SimpleConnection;

use super::TestBackend;

/// What the fault tests need from a server.
pub trait Server: TestBackend {
    /// Ends every session on the test database except the caller's.
    fn kill_other_sessions(admin: &mut Self);
    /// How many sessions other than the caller's are on the test database.
    fn other_sessions(admin: &mut Self) -> i64;
}

#[derive(diesel::QueryableByName)]
pub struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[cfg(feature = "postgres")]
impl Server for diesel::PgConnection {
    fn kill_other_sessions(admin: &mut Self) {
        // language=SQL
        admin
            .batch_execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )
            .expect("pg_terminate_backend");
    }

    fn other_sessions(admin: &mut Self) -> i64 {
        // language=SQL
        let sql = "SELECT COUNT(*) AS n FROM pg_stat_activity \
                   WHERE datname = current_database() AND pid <> pg_backend_pid()";
        let count: Count =
            diesel::RunQueryDsl::get_result(diesel::sql_query(sql), admin).expect("count sessions");
        count.n
    }
}

#[cfg(feature = "mysql")]
impl Server for diesel::MysqlConnection {
    fn kill_other_sessions(admin: &mut Self) {
        #[derive(diesel::QueryableByName)]
        struct Session {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            id: i64,
        }
        // language=SQL
        let sql = "SELECT CAST(ID AS SIGNED) AS id FROM information_schema.PROCESSLIST \
                   WHERE DB = DATABASE() AND ID <> CONNECTION_ID()";
        let sessions: Vec<Session> =
            diesel::RunQueryDsl::load(diesel::sql_query(sql), admin).expect("list sessions");
        for session in sessions {
            // KILL takes no parameter; the id is a number the server gave.
            // language=SQL
            match admin.batch_execute(&format!("KILL CONNECTION {}", session.id)) {
                Ok(()) => {}
                // The session ended on its own since it was listed.
                Err(error) if error.to_string().contains("Unknown thread id") => {}
                Err(error) => panic!("KILL CONNECTION {}: {error}", session.id),
            }
        }
    }

    fn other_sessions(admin: &mut Self) -> i64 {
        // language=SQL
        let sql = "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST \
                   WHERE DB = DATABASE() AND ID <> CONNECTION_ID()";
        let count: Count =
            diesel::RunQueryDsl::get_result(diesel::sql_query(sql), admin).expect("count sessions");
        count.n
    }
}
