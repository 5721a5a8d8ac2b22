//! No password in any error, `Debug` output, pool event or log line: every
//! public entry point's failing-connection path is run with a URL holding a
//! distinctive password, against an unreachable port, against a reachable
//! server that refuses the login, with malformed URLs, and with a
//! connection the server killed; then everything shown is searched for it.
//!
//! PostgreSQL here trusts every login from 127.0.0.1, so its refusals are
//! the ones trust still gives: a role that does not exist, a role that may
//! not log in, a database that does not exist. MariaDB checks passwords: a
//! user is created with one and connected to with another.

// SQLite URLs hold no password.
#![cfg(any(feature = "postgres", feature = "mysql"))]

use crate::logs;
use crate::support;

use std::fmt::{Debug, Display};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use diesel::Connection;
use logs::LogBuffer;
use retort::pool::{PoolConfig, PoolEvent};
use retort::{DatabaseConnection, Migrations, Migrator};

/// The password no output may contain.
const PASSWORD: &str = "Zq7canaryPw";

/// Everything logged through `tracing` (and, bridged, through `log`) by any
/// test in this process.
fn captured_logs() -> &'static LogBuffer {
    static LOGS: OnceLock<LogBuffer> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = LogBuffer::default();
        let writer = logs.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .try_init()
            .expect("the only subscriber of this test binary");
        logs
    })
}

/// r2d2 and other dependencies log through `log`; the subscriber bridges it.
fn log_bridge_check() {
    tracing_log::log::info!("log records are bridged");
}

/// What a test showed: every error's `Display` and `Debug`, every pool event.
#[derive(Default)]
struct Shown {
    texts: Vec<(String, String)>,
    events: Arc<Mutex<Vec<String>>>,
}

impl Shown {
    fn error(&mut self, what: &str, error: &(impl Display + Debug)) {
        self.texts
            .push((format!("{what} (Display)"), error.to_string()));
        self.texts
            .push((format!("{what} (Debug)"), format!("{error:#?}")));
    }

    fn debug(&mut self, what: &str, value: &impl Debug) {
        self.texts.push((what.to_owned(), format!("{value:#?}")));
    }

    /// A pool config for `url` that records its events here.
    fn pool_config(&self, url: &str) -> PoolConfig {
        let events = Arc::clone(&self.events);
        PoolConfig::new(url)
            .pool_size(1)
            .max_overflow(1)
            .timeout(Duration::from_millis(700))
            .on_event(move |event: &PoolEvent| {
                events
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .push(format!("{event:?}"));
            })
    }

    /// Fails the test if any text, event or log line holds the password,
    /// and if nothing was shown at all (the test would prove nothing).
    fn assert_no_password(self, expected_errors: usize) {
        tracing::info!(target: "retort", "capture is live");
        log_bridge_check();
        let logs = captured_logs().text();
        let events = self
            .events
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        let mut leaks = Vec::new();
        for (what, text) in &self.texts {
            if text.contains(PASSWORD) {
                leaks.push(format!("{what}: {text}"));
            }
        }
        for event in &events {
            if event.contains(PASSWORD) {
                leaks.push(format!("pool event: {event}"));
            }
        }
        for line in logs.lines().filter(|line| line.contains(PASSWORD)) {
            leaks.push(format!("log line: {line}"));
        }
        assert!(
            leaks.is_empty(),
            "the password leaked:\n{}",
            leaks.join("\n")
        );
        assert!(
            self.texts.len() >= expected_errors,
            "expected at least {expected_errors} outputs, got {}",
            self.texts.len()
        );
    }
}

/// The failing-connection path of every entry point that takes a URL: the
/// pool's config `Debug`, and `build` (whose error carries the URL).
fn pool_refuses<C: DatabaseConnection>(shown: &mut Shown, what: &str, url: &str) {
    let config = shown.pool_config(url);
    shown.debug(&format!("{what}: PoolConfig"), &config);
    match config.build::<C>() {
        Ok(_) => panic!(
            "{what}: a pool was built for {}",
            retort::pool::redact_url(url)
        ),
        Err(error) => shown.error(&format!("{what}: PoolConfig::build"), &error),
    }
}

/// The entry points that take a connection, on one the server killed.
fn entry_points_on_a_dead_connection<C: DatabaseConnection>(
    shown: &mut Shown,
    what: &str,
    conn: &mut C,
) {
    let migrations = linear();
    let migrator = Migrator::new(&migrations);
    let mut record = |name: &str, result: Result<(), String>, debug: Option<String>| {
        let error = result.expect_err(&format!("{what}: {name} succeeded on a killed connection"));
        shown.texts.push((format!("{what}: {name}"), error));
        if let Some(debug) = debug {
            shown.texts.push((format!("{what}: {name} (Debug)"), debug));
        }
    };
    macro_rules! call {
        ($name:literal, $call:expr) => {{
            let result = $call;
            let debug = result.as_ref().err().map(|error| format!("{error:#?}"));
            record(
                $name,
                result.map(|_| ()).map_err(|error| error.to_string()),
                debug,
            );
        }};
    }
    call!("introspect", retort::introspect(conn));
    call!(
        "introspect_with",
        retort::introspect_with(conn, &retort::IntrospectOptions::default())
    );
    call!(
        "migrate_to_head",
        retort::migrate_to_head(conn, &migrations)
    );
    call!("Migrator::current", migrator.current(conn));
    call!("Migrator::pending", migrator.pending(conn));
    call!("Migrator::upgrade", migrator.upgrade(conn, "+1"));
    call!("Migrator::downgrade", migrator.downgrade(conn, "base"));
    call!("Migrator::stamp", migrator.stamp(conn, "head"));
}

fn linear() -> Migrations {
    Migrations::from_dir(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/migrations/linear"),
    )
    .expect("the linear fixture parses")
}

/// Replaces the user, password, port or database of an admin URL.
fn url_with(admin: &str, user: &str, port: Option<u16>, database: &str) -> String {
    let mut url = url::Url::parse(admin).expect("the admin URL parses");
    url.set_username(user).expect("a URL with a host");
    url.set_password(Some(PASSWORD)).expect("a URL with a host");
    if let Some(port) = port {
        url.set_port(Some(port)).expect("a URL with a host");
    }
    url.set_path(&format!("/{database}"));
    url.to_string()
}

/// URLs no library can use, each holding the password: a bad port, a bad
/// percent escape in the password itself, an unknown parameter, passwords
/// given as query parameters, a libpq keyword string.
fn malformed_urls(scheme: &str) -> Vec<String> {
    vec![
        format!("{scheme}://app:{PASSWORD}@127.0.0.1:notaport/db"),
        format!("{scheme}://app:{PASSWORD}%zz@127.0.0.1/db"),
        format!("{scheme}://app:{PASSWORD}@127.0.0.1/db?no_such_option=1"),
        // libpq's `sslpassword` unlocks the client key: as secret as the password.
        format!("{scheme}://app@127.0.0.1:1/db?sslpassword={PASSWORD}"),
        format!("{scheme}://127.0.0.1:1/db?user=app&password={PASSWORD}"),
        format!("{scheme}://app:{PASSWORD}@[bad/db"),
        format!("host=127.0.0.1 port=1 user=app password={PASSWORD}"),
    ]
}

/// Passwords as people write them into URLs, unencoded: distinctive pieces
/// (`Zq` and five more characters) joined by the characters URL parsers cut
/// at or choke on. Returns the password and its pieces: no output may show
/// any piece, whatever a driver made of the URL.
fn unencoded_password() -> impl proptest::strategy::Strategy<Value = (String, Vec<String>)> {
    use proptest::prelude::*;
    let separator = prop::sample::select(vec![
        "@", ":", "/", "?", "#", "%", "%4", "%zz", "+", " ", "[", "]", "&", "=", ";", "'", "\"",
        "\\", "é", "@@", ":@",
    ]);
    (
        "Zq[a-z0-9]{5}",
        prop::collection::vec((separator, "Zq[a-z0-9]{5}"), 0..3),
    )
        .prop_map(|(first, rest)| {
            let mut password = first.clone();
            let mut pieces = vec![first];
            for (separator, piece) in rest {
                password.push_str(separator);
                password.push_str(&piece);
                pieces.push(piece);
            }
            (password, pieces)
        })
}

/// Every URL shape the property test writes a password into: against a
/// closed port, and against the real server as a user it refuses.
fn urls_holding(
    password: &str,
    scheme: &str,
    server: &url::Url,
    refused_user: &str,
) -> Vec<String> {
    let host = server.host_str().unwrap_or("127.0.0.1");
    let port = server.port().unwrap_or(1);
    vec![
        format!("{scheme}://app:{password}@127.0.0.1:1/db"),
        format!("{scheme}://{refused_user}:{password}@{host}:{port}/db"),
        format!("{scheme}://{refused_user}:{password}@{host}:{port}"),
    ]
}

/// Runs every driver's error path on URLs holding generated passwords (the
/// pool's `build`, and the `migrate` command line as a process) and fails
/// on any piece of a password in an error, `Debug` output, log line, or
/// what the command printed.
fn no_piece_of_any_password_is_shown<C: DatabaseConnection>(
    scheme: &str,
    admin_url: &str,
    refused_user: &str,
) {
    let _logs = captured_logs();
    let server = url::Url::parse(admin_url).expect("the admin URL parses");
    let config = proptest::test_runner::Config {
        cases: 24,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let outcome = runner.run(&unencoded_password(), |(password, pieces)| {
        let logged_before = captured_logs().text().len();
        let mut texts = Vec::new();
        for url in urls_holding(&password, scheme, &server, refused_user) {
            let pool = PoolConfig::new(&url)
                .timeout(Duration::from_secs(5))
                .build::<C>();
            match pool {
                Ok(_) => texts.push(format!(
                    "a pool was built for {}",
                    retort::pool::redact_url(&url)
                )),
                Err(error) => {
                    texts.push(error.to_string());
                    texts.push(format!("{error:?}"));
                }
            }
            #[cfg(feature = "cli")]
            {
                let output = std::process::Command::new(support::migrate_binary())
                    .env("DATABASE_URL", &url)
                    .arg("--migrations")
                    .arg(concat!(
                        env!("CARGO_MANIFEST_DIR"),
                        "/tests/fixtures/migrations/linear"
                    ))
                    .arg("current")
                    .output()
                    .expect("the migrate example runs");
                proptest::prop_assert!(!output.status.success(), "current succeeded on {url}");
                texts.push(String::from_utf8_lossy(&output.stdout).into_owned());
                texts.push(String::from_utf8_lossy(&output.stderr).into_owned());
            }
        }
        texts.push(captured_logs().text()[logged_before..].to_owned());
        for piece in &pieces {
            for text in &texts {
                proptest::prop_assert!(
                    !text.contains(piece.as_str()),
                    "{piece} of the password {password:?} is shown: {text}"
                );
            }
        }
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use diesel::connection::SimpleConnection;
    use diesel::PgConnection;

    use super::*;

    fn admin_url() -> String {
        std::env::var("RETORT_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
    }

    /// A login role that exists for one test.
    struct Role {
        name: String,
        admin: PgConnection,
    }

    impl Role {
        fn new() -> Option<Role> {
            let mut admin = match PgConnection::establish(&admin_url()) {
                Ok(admin) => admin,
                Err(error) if support::backend_required("postgres") => {
                    panic!("postgres is required but unavailable: {error}")
                }
                Err(error) => {
                    eprintln!("skipped: postgres unavailable: {error}");
                    return None;
                }
            };
            let name = support::unique_name();
            admin
                .batch_execute(&format!(
                    "CREATE ROLE \"{name}\" LOGIN PASSWORD 'not-the-canary'"
                ))
                .expect("CREATE ROLE");
            Some(Role { name, admin })
        }
    }

    impl Drop for Role {
        fn drop(&mut self) {
            let name = &self.name;
            let _ = self.admin.batch_execute(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{name}'; \
                 DROP ROLE IF EXISTS \"{name}\""
            ));
        }
    }

    #[test]
    fn no_entry_point_shows_the_password() {
        let _logs = captured_logs();
        let Some(mut role) = Role::new() else { return };
        let admin = admin_url();
        let mut shown = Shown::default();

        pool_refuses::<PgConnection>(
            &mut shown,
            "unreachable port",
            &url_with(&admin, &role.name, Some(1), "postgres"),
        );
        pool_refuses::<PgConnection>(
            &mut shown,
            "role that does not exist",
            &url_with(&admin, "retort_no_such_role", None, "postgres"),
        );
        pool_refuses::<PgConnection>(
            &mut shown,
            "database that does not exist",
            &url_with(&admin, &role.name, None, "retort_no_such_database"),
        );
        for (at, url) in malformed_urls("postgres").iter().enumerate() {
            pool_refuses::<PgConnection>(&mut shown, &format!("malformed URL {at}"), url);
        }

        // A pool that worked, whose next connection is refused.
        let url = url_with(&admin, &role.name, None, "postgres");
        let pool = shown
            .pool_config(&url)
            .build::<PgConnection>()
            .expect("the role can log in (trust)");
        shown.debug("working pool", &pool);
        let mut held = pool.get().expect("the first connection");
        role.admin
            .batch_execute(&format!("ALTER ROLE \"{}\" NOLOGIN", role.name))
            .expect("ALTER ROLE");
        let refused = pool.get().expect_err("a role that may not log in");
        shown.error("Pool::get, login refused", &refused);

        // The session the pool holds, killed by the server.
        role.admin
            .batch_execute(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{}'",
                role.name
            ))
            .expect("pg_terminate_backend");
        entry_points_on_a_dead_connection(&mut shown, "killed session", &mut *held);
        drop(held);
        let after = pool.get().expect_err("the role still may not log in");
        shown.error("Pool::get after the kill", &after);

        shown.assert_no_password(20);
    }

    #[test]
    fn no_piece_of_any_unencoded_password_is_shown() {
        if Role::new().is_none() {
            return;
        }
        no_piece_of_any_password_is_shown::<PgConnection>(
            "postgres",
            &admin_url(),
            "retort_no_such_role",
        );
    }
}

#[cfg(feature = "mysql")]
mod mysql {
    use diesel::connection::SimpleConnection;
    use diesel::MysqlConnection;

    use super::*;

    fn admin_url() -> String {
        std::env::var("RETORT_TEST_MYSQL_URL")
            .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into())
    }

    /// A user and a database that exist for one test.
    struct User {
        name: String,
        database: String,
        admin: MysqlConnection,
    }

    impl User {
        fn new() -> Option<User> {
            let mut admin = match MysqlConnection::establish(&admin_url()) {
                Ok(admin) => admin,
                Err(error) if support::backend_required("mysql") => {
                    panic!("mysql is required but unavailable: {error}")
                }
                Err(error) => {
                    eprintln!("skipped: mysql unavailable: {error}");
                    return None;
                }
            };
            // MySQL user names are at most 32 characters.
            let name = format!("canary_{}", std::process::id());
            let database = support::unique_name();
            admin
                .batch_execute(&format!(
                    "DROP USER IF EXISTS '{name}'@'%'; \
                     CREATE USER '{name}'@'%' IDENTIFIED BY '{PASSWORD}'; \
                     CREATE DATABASE `{database}`; \
                     GRANT ALL ON `{database}`.* TO '{name}'@'%'"
                ))
                .expect("CREATE USER");
            Some(User {
                name,
                database,
                admin,
            })
        }
    }

    impl Drop for User {
        fn drop(&mut self) {
            let _ = self.admin.batch_execute(&format!(
                "DROP USER IF EXISTS '{}'@'%'; DROP DATABASE IF EXISTS `{}`",
                self.name, self.database
            ));
        }
    }

    #[derive(diesel::QueryableByName)]
    struct ProcessRow {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }

    #[test]
    fn no_entry_point_shows_the_password() {
        let _logs = captured_logs();
        let Some(mut user) = User::new() else { return };
        let admin = admin_url();
        let mut shown = Shown::default();
        let right = url_with(&admin, &user.name, None, &user.database);

        pool_refuses::<MysqlConnection>(
            &mut shown,
            "unreachable port",
            &url_with(&admin, &user.name, Some(1), &user.database),
        );
        pool_refuses::<MysqlConnection>(
            &mut shown,
            "root with a password it does not have",
            &url_with(&admin, "root", None, "test"),
        );
        pool_refuses::<MysqlConnection>(
            &mut shown,
            "database the user may not use",
            &url_with(&admin, &user.name, None, "mysql"),
        );
        for (at, url) in malformed_urls("mysql").iter().enumerate() {
            pool_refuses::<MysqlConnection>(&mut shown, &format!("malformed URL {at}"), url);
        }

        // A pool that worked, whose password is then changed.
        let pool = shown
            .pool_config(&right)
            .build::<MysqlConnection>()
            .expect("the user logs in with its password");
        shown.debug("working pool", &pool);
        let mut held = pool.get().expect("the first connection");
        user.admin
            .batch_execute(&format!(
                "ALTER USER '{}'@'%' IDENTIFIED BY 'another-password'",
                user.name
            ))
            .expect("ALTER USER");
        let refused = pool.get().expect_err("the old password is refused");
        shown.error("Pool::get, wrong password", &refused);

        // The session the pool holds, killed by the server.
        let sessions: Vec<ProcessRow> = diesel::RunQueryDsl::load(
            diesel::sql_query(format!(
                "SELECT CAST(id AS SIGNED) AS id FROM information_schema.processlist WHERE user = '{}'",
                user.name
            )),
            &mut user.admin,
        )
        .expect("processlist");
        assert!(!sessions.is_empty(), "the pool's session is listed");
        for session in sessions {
            user.admin
                .batch_execute(&format!("KILL {}", session.id))
                .expect("KILL");
        }
        entry_points_on_a_dead_connection(&mut shown, "killed session", &mut *held);
        drop(held);

        shown.assert_no_password(20);
    }

    #[test]
    fn no_piece_of_any_unencoded_password_is_shown() {
        if User::new().is_none() {
            return;
        }
        // root has no password: any password is refused.
        no_piece_of_any_password_is_shown::<MysqlConnection>("mysql", &admin_url(), "root");
    }
}
