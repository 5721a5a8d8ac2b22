//! Test support shared by the integration tests: a fresh, uniquely named
//! database per test on each backend, dropped afterwards, so tests run in
//! parallel without seeing each other. The databases, the servers' URLs
//! (`RETORT_TEST_PG_URL`, `RETORT_TEST_MYSQL_URL`) and log capture are the
//! `retort-test-support` crate's, shared with the benches; this module
//! types them by diesel connection.
//!
//! A server that cannot be reached skips that backend's tests with a printed
//! reason, unless `RETORT_REQUIRE_BACKENDS` is `all` (as in CI) or names the
//! backend (`postgres,mysql`), in which case the test fails.
//!
//! Write a test once, generic over the connection, and instantiate it per
//! backend with [`backend_tests!`]:
//!
//! ```ignore
//! fn creates_a_table<C: TestBackend>(db: &TestDatabase<C>) {
//!     let mut conn = db.connect();
//!     conn.batch_execute("CREATE TABLE t (id INTEGER)").unwrap();
//! }
//! backend_tests!(creates_a_table);
//! ```

#![allow(dead_code, unused_macros, unused_imports)]

pub mod server;

use std::marker::PhantomData;

use diesel::connection::SimpleConnection;
use diesel::Connection;
use retort::DatabaseConnection;
use retort_test_support::{FreshDatabase, Server};

/// A database that exists for one test and is dropped with this value
/// (retort-test-support's [`FreshDatabase`], typed by its connection).
pub struct TestDatabase<C: TestBackend> {
    /// The URL that reaches the fresh database.
    pub url: String,
    /// The database's name (the file name on SQLite).
    pub name: String,
    _database: FreshDatabase,
    _connection: PhantomData<fn() -> C>,
}

impl<C: TestBackend> TestDatabase<C> {
    /// A fresh database on `C`'s server, or why there is none.
    fn create() -> Result<TestDatabase<C>, String> {
        let database = FreshDatabase::create(C::SERVER)?;
        Ok(TestDatabase {
            url: database.url.clone(),
            name: database.name.clone(),
            _database: database,
            _connection: PhantomData,
        })
    }
}

impl<C: TestBackend> TestDatabase<C> {
    /// A new connection to the fresh database.
    pub fn connect(&self) -> C {
        C::establish(&self.url).unwrap_or_else(|error| {
            panic!(
                "cannot connect to test database {}: {error}",
                retort::pool::redact_url(&self.url)
            )
        })
    }
}

/// A backend the tests can create throwaway databases on.
pub trait TestBackend: DatabaseConnection + Sized {
    /// The backend's name in `RETORT_REQUIRE_BACKENDS` and skip messages.
    const NAME: &'static str;

    /// The server its fresh databases are made on.
    const SERVER: Server;

    /// Creates a fresh database, or says why the backend is unavailable.
    fn create_database() -> Result<TestDatabase<Self>, String> {
        TestDatabase::create()
    }

    /// Runs one statement and returns the number of rows it touched.
    fn execute(&mut self, sql: &str) -> diesel::QueryResult<usize>;

    /// The number a query selecting one `BIGINT` column named `n` returns;
    /// panics naming the query when it fails.
    fn select_count(&mut self, sql: &str) -> i64;

    /// [`TestBackend::select_count`] returning the error instead.
    fn try_count(&mut self, sql: &str) -> diesel::QueryResult<i64>;

    /// The database's own command-line client (`psql`, `mariadb`,
    /// `sqlite3`) on `db`, reading a script from its standard input as an
    /// offline script's header says to apply it.
    fn client(db: &TestDatabase<Self>) -> std::process::Command;
}

/// Runs `script` through `db`'s command-line client, as a user applies an
/// offline script: `psql -d URL < script.sql` and the like.
pub fn run_client<C: TestBackend>(db: &TestDatabase<C>, script: &str) -> std::process::Output {
    use std::io::Write;
    let mut file = tempfile::NamedTempFile::new().expect("a temporary script file");
    file.write_all(script.as_bytes())
        .expect("the script is written");
    C::client(db)
        .stdin(std::fs::File::open(file.path()).expect("the script opens"))
        .output()
        .expect("the database's command-line client runs")
}

/// [`run_client`], panicking with the client's error output when it fails.
pub fn apply_with_client<C: TestBackend>(db: &TestDatabase<C>, script: &str) {
    let output = run_client(db, script);
    assert!(
        output.status.success(),
        "{}'s client failed: {}",
        C::NAME,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The one column of a counting query.
#[derive(diesel::QueryableByName)]
pub struct Counted {
    /// The count.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub n: i64,
}

/// The part of [`TestBackend`] that is the same text for every connection.
macro_rules! execute_by_sql_query {
    () => {
        fn execute(&mut self, sql: &str) -> diesel::QueryResult<usize> {
            diesel::RunQueryDsl::execute(diesel::sql_query(sql), self)
        }

        fn select_count(&mut self, sql: &str) -> i64 {
            self.try_count(sql)
                .unwrap_or_else(|error| panic!("{sql}: {error}"))
        }

        fn try_count(&mut self, sql: &str) -> diesel::QueryResult<i64> {
            diesel::RunQueryDsl::get_result::<Counted>(diesel::sql_query(sql), self)
                .map(|row| row.n)
        }
    };
}

/// The built `migrate` example (an application's `src/bin/migrate.rs`,
/// `retort::cli::main` with models compiled in), next to the running test
/// binary. `cargo nextest run` and `cargo test` build it with the `cli`
/// feature; running one test file alone needs `--examples`.
pub fn migrate_binary() -> std::path::PathBuf {
    example_binary("migrate")
}

/// The built example `name`, next to the running test binary. `cargo
/// nextest run` and `cargo test` build the examples whose features are on;
/// running one test file alone needs `--examples` (or `--example NAME`).
pub fn example_binary(name: &str) -> std::path::PathBuf {
    let test_binary = std::env::current_exe().expect("the test binary knows its path");
    let profile_dir = test_binary
        .parent()
        .and_then(std::path::Path::parent)
        .expect("test binaries live in <target>/<profile>/deps");
    let binary = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.is_file(),
        "{} is not built: run the tests with `--examples` (or `--example {name}`) and its features",
        binary.display()
    );
    binary
}

pub use retort_test_support::unique_name;

/// Whether an unreachable backend must fail the test instead of skipping.
pub fn backend_required(name: &str) -> bool {
    [Server::Postgres, Server::Mysql, Server::Sqlite]
        .into_iter()
        .any(|server| server.name() == name && retort_test_support::required(server))
}

/// Runs `test` against a fresh database of backend `C`; skips with a printed
/// reason when the backend is unreachable and not required.
pub fn run<C: TestBackend>(test: impl FnOnce(&TestDatabase<C>)) {
    match C::create_database() {
        Ok(database) => test(&database),
        Err(reason) if backend_required(C::NAME) => {
            panic!(
                "{} is required (RETORT_REQUIRE_BACKENDS) but unavailable: {reason}",
                C::NAME
            )
        }
        Err(reason) => eprintln!("skipped: {} unavailable: {reason}", C::NAME),
    }
}

/// Instantiates generic tests once per compiled-in backend:
/// `backend_tests!(a, b)` makes `a::postgres`, `a::mysql`, `a::sqlite`, ...
macro_rules! backend_tests {
    ($($test:ident),* $(,)?) => {
        $(
            mod $test {
                #[cfg(feature = "postgres")]
                #[test]
                fn postgres() {
                    $crate::support::run::<diesel::PgConnection>(|db| super::$test(db));
                }

                #[cfg(feature = "mysql")]
                #[test]
                fn mysql() {
                    $crate::support::run::<diesel::MysqlConnection>(|db| super::$test(db));
                }

                #[cfg(feature = "sqlite")]
                #[test]
                fn sqlite() {
                    $crate::support::run::<diesel::SqliteConnection>(|db| super::$test(db));
                }
            }
        )*
    };
}
pub(crate) use backend_tests;

#[cfg(feature = "postgres")]
impl TestBackend for diesel::PgConnection {
    const NAME: &'static str = "postgres";
    const SERVER: Server = Server::Postgres;

    execute_by_sql_query!();

    fn client(db: &TestDatabase<Self>) -> std::process::Command {
        // The script itself asks psql to stop at the first error.
        let mut command = std::process::Command::new("psql");
        command.args(["-q", "-d", &db.url]);
        command
    }
}

#[cfg(feature = "mysql")]
impl TestBackend for diesel::MysqlConnection {
    const NAME: &'static str = "mysql";
    const SERVER: Server = Server::Mysql;

    execute_by_sql_query!();

    fn client(db: &TestDatabase<Self>) -> std::process::Command {
        let url = url::Url::parse(&db.url).expect("the test server's URL parses");
        let mut command = std::process::Command::new("mariadb");
        command
            .arg(format!("--host={}", url.host_str().unwrap_or("127.0.0.1")))
            .arg(format!("--port={}", url.port().unwrap_or(3306)))
            .arg(format!("--user={}", url.username()))
            .arg(&db.name);
        if let Some(password) = url.password() {
            command.env("MYSQL_PWD", password);
        }
        command
    }
}

#[cfg(feature = "sqlite")]
impl TestBackend for diesel::SqliteConnection {
    const NAME: &'static str = "sqlite";
    const SERVER: Server = Server::Sqlite;

    execute_by_sql_query!();

    fn client(db: &TestDatabase<Self>) -> std::process::Command {
        // On a connection that enforces foreign keys, as the script's
        // header says; the script itself asks the shell to stop at the
        // first error.
        let mut command = std::process::Command::new("sqlite3");
        command.args(["-cmd", "PRAGMA foreign_keys = ON", &db.url]);
        command
    }
}

/// Renders `diff(from, to)` for `C`'s database and runs it the way the
/// runner does: on SQLite a table rebuild's leading `PRAGMA foreign_keys =
/// OFF` before the transaction and the trailing one after it; one
/// transaction on PostgreSQL and SQLite; statement by statement on MySQL,
/// whose DDL commits as it goes. Panics naming the failing statement.
pub fn apply_diff<C: TestBackend>(conn: &mut C, from: &retort::Schema, to: &retort::Schema) {
    let diff = retort::diff(from, to);
    let statements = retort::render::render(&diff, C::BACKEND.backend())
        .unwrap_or_else(|error| panic!("rendering {diff:?}: {error}"));
    apply_statements(conn, &statements);
}

/// Autogenerates a revision from the database behind `conn` to `schema`
/// in `dir` and applies it; checks that nothing is pending for `schema`
/// then. Returns the revision's text and the directory's migrations.
pub fn upgrade_to<C: TestBackend>(
    conn: &mut C,
    schema: &retort::Schema,
    dir: &std::path::Path,
    message: &str,
) -> (String, retort::Migrations) {
    let path = retort::autogenerate(conn, schema, dir, message)
        .unwrap()
        .unwrap_or_else(|| panic!("{message}: a revision was expected"));
    let migrations = retort::Migrations::from_dir(dir).unwrap();
    retort::migrate_to_head(conn, &migrations).unwrap();
    let left = retort::autogen::pending_changes(conn, schema).unwrap();
    assert!(left.is_empty(), "{message}: {:#?}", left.ops());
    (std::fs::read_to_string(path).unwrap(), migrations)
}

/// Runs rendered statements as the runner does (see [`apply_diff`]);
/// panics naming the failing statement.
pub fn apply_statements<C: TestBackend>(conn: &mut C, statements: &[String]) {
    if let Err(failed) = try_apply_statements(conn, statements) {
        panic!("applying {statements:#?} failed at {failed}");
    }
}

/// A statement the database refused, with its error.
#[derive(Debug)]
pub struct FailedStatement {
    pub statement: String,
    pub error: diesel::result::Error,
}

impl std::fmt::Display for FailedStatement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.statement, self.error)
    }
}

/// [`apply_statements`] returning the failure instead, for tests of a
/// change that must fail; a transaction that fails is rolled back.
pub fn try_apply_statements<C: TestBackend>(
    conn: &mut C,
    statements: &[String],
) -> Result<(), FailedStatement> {
    let (before, body, after) = retort::render::sqlite_pragmas(statements);
    let run = |conn: &mut C, statements: &[String]| -> Result<(), FailedStatement> {
        for statement in statements {
            conn.execute(statement).map_err(|error| FailedStatement {
                statement: statement.clone(),
                error,
            })?;
        }
        Ok(())
    };
    run(conn, before)?;
    let result = if C::BACKEND == retort::BackendKind::Mysql {
        run(conn, body)
    } else {
        let mut failed = None;
        let committed = conn.transaction::<_, diesel::result::Error, _>(|conn| {
            run(conn, body).map_err(|failure| {
                failed = Some(failure);
                diesel::result::Error::RollbackTransaction
            })
        });
        match (committed, failed) {
            (Ok(()), _) => Ok(()),
            (Err(_), Some(failure)) => Err(failure),
            (Err(error), None) => Err(FailedStatement {
                statement: "COMMIT".into(),
                error,
            }),
        }
    };
    run(conn, after)?;
    result
}

/// Writes the revision `id` (after `parent`) taking `from` to `to` on
/// `kind`'s database, with the reverse as its down section, into `dir`:
/// what autogenerate writes. Files sort by their position in the chain.
pub fn write_revision(
    dir: &std::path::Path,
    id: &str,
    parent: Option<&str>,
    kind: retort::BackendKind,
    from: &retort::Schema,
    to: &retort::Schema,
) {
    let sql = |diff: &retort::Diff| {
        let statements = retort::render::render(diff, kind.backend())
            .unwrap_or_else(|error| panic!("rendering {diff:?}: {error}"));
        statements
            .iter()
            .map(|statement| format!("{statement};\n"))
            .collect::<String>()
    };
    let up = retort::diff(from, to);
    let parents = parent
        .map(|parent| format!("-- retort:parents {parent}\n"))
        .unwrap_or_default();
    let contents = format!(
        "-- retort:revision {id}\n{parents}-- retort:message written by a test\n\
         -- retort:up\n{}-- retort:down\n{}",
        sql(&up),
        sql(&up.reverse()),
    );
    let position = std::fs::read_dir(dir).map_or(0, |entries| entries.count()) + 1;
    let file = dir.join(format!("20240101{position:06}_{id}_test.sql"));
    std::fs::write(&file, contents)
        .unwrap_or_else(|error| panic!("writing {}: {error}", file.display()));
}
