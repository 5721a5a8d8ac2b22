//! What retort's tests and benches share: a fresh, uniquely named database
//! on each server, dropped with the value that made it, so that tests run
//! in parallel without seeing each other; the servers' URLs; and what the
//! code under test logs, captured as text.
//!
//! ```no_run
//! use retort_test_support::{FreshDatabase, Server};
//!
//! let database = FreshDatabase::create(Server::Postgres).expect("PostgreSQL is reachable");
//! // ... connect to database.url; the database is dropped with `database`.
//! ```
//!
//! Servers (one variable each, read by the tests and the benches alike):
//!
//! - PostgreSQL: `RETORT_TEST_PG_URL`, by default
//!   `postgres://postgres@127.0.0.1:5432/postgres`;
//! - MySQL/MariaDB: `RETORT_TEST_MYSQL_URL`, by default
//!   `mysql://root@127.0.0.1:3306/test`;
//! - SQLite: a file in a temporary directory.
//!
//! A server that cannot be reached makes a test skip with a printed reason,
//! unless `RETORT_REQUIRE_BACKENDS` is `all` (as in CI) or names the server
//! (`postgres,mysql`): see [`required`].

#![warn(missing_docs)]

pub mod logs;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A database server the tests create databases on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Server {
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    Mysql,
    /// SQLite: every database is a file of its own.
    Sqlite,
}

impl Server {
    /// The server's name in `RETORT_REQUIRE_BACKENDS` and in skip messages:
    /// `postgres`, `mysql`, `sqlite`.
    pub fn name(self) -> &'static str {
        match self {
            Server::Postgres => "postgres",
            Server::Mysql => "mysql",
            Server::Sqlite => "sqlite",
        }
    }

    /// The URL of the server's administrative database, through which
    /// databases are created and dropped: `RETORT_TEST_PG_URL` or
    /// `RETORT_TEST_MYSQL_URL`, else the local default. `None` for SQLite.
    pub fn admin_url(self) -> Option<String> {
        let (variable, default) = match self {
            Server::Postgres => (
                "RETORT_TEST_PG_URL",
                "postgres://postgres@127.0.0.1:5432/postgres",
            ),
            Server::Mysql => ("RETORT_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test"),
            Server::Sqlite => return None,
        };
        Some(std::env::var(variable).unwrap_or_else(|_| default.to_owned()))
    }
}

/// A database that exists for one test or bench and is dropped with this
/// value.
#[derive(Debug)]
pub struct FreshDatabase {
    /// The URL that reaches the database (the file's path on SQLite).
    pub url: String,
    /// The database's name (the file name on SQLite).
    pub name: String,
    server: Server,
    admin_url: String,
    _dir: Option<tempfile::TempDir>,
}

impl FreshDatabase {
    /// Creates a database with a name no other test, process or run uses.
    ///
    /// # Errors
    ///
    /// Why the server cannot be used: unreachable, refusing `CREATE
    /// DATABASE`, or not compiled in (this crate's feature of the same
    /// name). No password is in the message.
    pub fn create(server: Server) -> Result<FreshDatabase, String> {
        FreshDatabase::named(server, &unique_name())
    }

    /// Creates the database `name`, dropping any database of that name
    /// first (a bench's database left by an interrupted run).
    ///
    /// # Errors
    ///
    /// As for [`FreshDatabase::create`].
    pub fn named(server: Server, name: &str) -> Result<FreshDatabase, String> {
        let Some(admin_url) = server.admin_url() else {
            let dir =
                tempfile::tempdir().map_err(|error| format!("temporary directory: {error}"))?;
            let path = dir.path().join(format!("{name}.db"));
            let url = path
                .to_str()
                .ok_or_else(|| format!("temporary path {} is not UTF-8", path.display()))?
                .to_owned();
            return Ok(FreshDatabase {
                admin_url: url.clone(),
                url,
                name: format!("{name}.db"),
                server,
                _dir: Some(dir),
            });
        };
        let (drop, create) = statements(server, name);
        admin_execute(server, &admin_url, &format!("{drop}; {create}"))
            .map_err(|error| format!("CREATE DATABASE {name}: {error}"))?;
        Ok(FreshDatabase {
            url: with_database(&admin_url, name)?,
            name: name.to_owned(),
            server,
            admin_url,
            _dir: None,
        })
    }

    /// The server the database is on.
    pub fn server(&self) -> Server {
        self.server
    }
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        if self.server == Server::Sqlite {
            // The temporary directory holding the file goes with it.
            return;
        }
        let (drop, _) = statements(self.server, &self.name);
        if let Err(error) = admin_execute(self.server, &self.admin_url, &drop) {
            eprintln!("could not drop database {}: {error}", self.name);
        }
    }
}

/// `DROP DATABASE IF EXISTS` and `CREATE DATABASE` for `name`.
fn statements(server: Server, name: &str) -> (String, String) {
    match server {
        Server::Mysql => (
            format!("DROP DATABASE IF EXISTS `{name}`"),
            format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"),
        ),
        _ => (
            format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
            format!("CREATE DATABASE \"{name}\""),
        ),
    }
}

/// Runs `sql` (statements separated by `; `, each on its own: `CREATE
/// DATABASE` cannot run inside a transaction) on the server's
/// administrative database.
fn admin_execute(server: Server, admin_url: &str, sql: &str) -> Result<(), String> {
    let reach = |error: &dyn std::fmt::Display| {
        format!("{} ({error})", retort_redact::redact_url(admin_url))
    };
    match server {
        #[cfg(feature = "postgres")]
        Server::Postgres => {
            use diesel::connection::SimpleConnection;
            let mut admin = <diesel::PgConnection as diesel::Connection>::establish(admin_url)
                .map_err(|error| reach(&error))?;
            for statement in sql.split("; ") {
                admin
                    .batch_execute(statement)
                    .map_err(|error| error.to_string())?;
            }
            Ok(())
        }
        #[cfg(feature = "mysql")]
        Server::Mysql => {
            use diesel::connection::SimpleConnection;
            let mut admin = <diesel::MysqlConnection as diesel::Connection>::establish(admin_url)
                .map_err(|error| reach(&error))?;
            for statement in sql.split("; ") {
                admin
                    .batch_execute(statement)
                    .map_err(|error| error.to_string())?;
            }
            Ok(())
        }
        _ => Err(reach(&format!(
            "retort-test-support was built without its `{}` feature",
            server.name()
        ))),
    }
}

/// `admin_url` with its database replaced by `database`.
///
/// # Errors
///
/// `admin_url` is not a URL (the message holds no password).
pub fn with_database(admin_url: &str, database: &str) -> Result<String, String> {
    let mut url = url::Url::parse(admin_url)
        .map_err(|error| format!("bad URL {}: {error}", retort_redact::redact_url(admin_url)))?;
    url.set_path(&format!("/{database}"));
    Ok(url.to_string())
}

/// A name no other test, process or run uses: `retort_test_<pid>_<n>_<ns>`.
pub fn unique_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos());
    format!(
        "retort_test_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Whether a server that cannot be reached must fail the test instead of
/// skipping it: `RETORT_REQUIRE_BACKENDS` is `all` or names the server.
pub fn required(server: Server) -> bool {
    match std::env::var("RETORT_REQUIRE_BACKENDS") {
        Ok(required) => required
            .split(',')
            .map(str::trim)
            .any(|wanted| wanted == "all" || wanted == server.name()),
        Err(_) => false,
    }
}

/// A fresh database on `server`, or `None` after printing why the test
/// skips; panics when the server is [`required`] and unavailable.
pub fn fresh_or_skip(server: Server) -> Option<FreshDatabase> {
    match FreshDatabase::create(server) {
        Ok(database) => Some(database),
        Err(reason) if required(server) => panic!(
            "{} is required (RETORT_REQUIRE_BACKENDS) but unavailable: {reason}",
            server.name()
        ),
        Err(reason) => {
            eprintln!("skipped: {} unavailable: {reason}", server.name());
            None
        }
    }
}
