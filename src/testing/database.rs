//! A throwaway database per test: [`TestDatabase`].

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
use diesel::connection::SimpleConnection;

use crate::any_connection::{establish, with_connection, EstablishError};
use crate::{pool::redact_url, BackendKind, DatabaseConnection};

/// A uniquely named database that exists for one test and is dropped with
/// this value, so tests run in parallel without seeing each other's rows.
///
/// - PostgreSQL and MySQL/MariaDB: `server_url` reaches the server (any
///   database the user may connect to, such as `postgres`); a new database
///   is created there with `CREATE DATABASE` and dropped on `Drop`
///   (PostgreSQL closes the connections still open to it).
/// - SQLite (any other URL): a new file in the system's temporary
///   directory, removed on `Drop`.
///
/// ```
/// # #[cfg(feature = "sqlite")]
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use diesel::Connection;
/// use retort::testing::TestDatabase;
///
/// let db = TestDatabase::create("sqlite://")?;
/// let mut conn = diesel::SqliteConnection::establish(db.url())?;
/// diesel::connection::SimpleConnection::batch_execute(&mut conn, "CREATE TABLE t (id INTEGER)")?;
/// let file = std::path::PathBuf::from(db.url());
/// drop(conn);
/// drop(db);
/// assert!(!file.exists());
/// # Ok(())
/// # }
/// # #[cfg(not(feature = "sqlite"))]
/// # fn main() {}
/// ```
#[derive(Debug)]
pub struct TestDatabase {
    url: String,
    name: String,
    backend: BackendKind,
    server_url: String,
    file: Option<PathBuf>,
}

/// Why [`TestDatabase::create`] made no database.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TestDatabaseError {
    /// The URL names a database this program was built without.
    #[error("{url} is a {backend} URL, but retort was built without its `{feature}` feature")]
    NotCompiled {
        /// The URL, password removed.
        url: String,
        /// The database it names.
        backend: &'static str,
        /// The feature that compiles it in.
        feature: &'static str,
    },
    /// The server could not be reached, or refused to create the database.
    #[error("cannot create test database {name} through {url}: {reason}")]
    Create {
        /// The database it was to create.
        name: String,
        /// The server's URL, password removed.
        url: String,
        /// What the driver or the server said, password removed.
        reason: String,
    },
}

impl TestDatabase {
    /// Creates a uniquely named database on the server `server_url`
    /// reaches (a temporary file for SQLite).
    ///
    /// # Errors
    ///
    /// [`TestDatabaseError`]: the database named by the URL is not compiled
    /// in, the server cannot be reached, or it refused `CREATE DATABASE`.
    pub fn create(server_url: &str) -> Result<TestDatabase, TestDatabaseError> {
        let backend = BackendKind::from_url(server_url);
        let name = unique_name();
        let failed = |reason: String| TestDatabaseError::Create {
            name: name.clone(),
            url: redact_url(server_url),
            reason: retort_core::redact_password_in(&reason, server_url),
        };
        if backend == BackendKind::Sqlite {
            let file = std::env::temp_dir().join(format!("{name}.db"));
            let url = file
                .to_str()
                .ok_or_else(|| failed(format!("temporary path {} is not UTF-8", file.display())))?
                .to_owned();
            return Ok(TestDatabase {
                url,
                name,
                backend,
                server_url: server_url.to_owned(),
                file: Some(file),
            });
        }
        let mut url = url::Url::parse(server_url).map_err(|error| failed(error.to_string()))?;
        let create = match backend {
            BackendKind::Mysql => {
                format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
            }
            _ => format!("CREATE DATABASE \"{name}\""),
        };
        on_server(server_url, &create).map_err(|error| match error {
            EstablishError::NotCompiled(backend) => TestDatabaseError::NotCompiled {
                url: redact_url(server_url),
                backend: backend.display_name(),
                feature: crate::any_connection::feature_of(backend),
            },
            EstablishError::Failed(reason) => failed(reason),
        })?;
        url.set_path(&format!("/{name}"));
        Ok(TestDatabase {
            url: url.to_string(),
            name,
            backend,
            server_url: server_url.to_owned(),
            file: None,
        })
    }

    /// The URL that reaches the new database (the file's path on SQLite).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The new database's name (the file's name, without `.db`, on
    /// SQLite).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The database it is on.
    pub fn backend(&self) -> BackendKind {
        self.backend
    }

    /// A new connection to the database.
    ///
    /// # Errors
    ///
    /// What diesel says when it cannot connect.
    pub fn connect<C: DatabaseConnection>(&self) -> diesel::ConnectionResult<C> {
        C::establish(&self.url)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(file) = &self.file {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut path = file.clone().into_os_string();
                path.push(suffix);
                let _ = std::fs::remove_file(path);
            }
            return;
        }
        let drop = match self.backend {
            BackendKind::Mysql => format!("DROP DATABASE IF EXISTS `{}`", self.name),
            _ => format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name),
        };
        if let Err(error) = on_server(&self.server_url, &drop) {
            tracing::warn!(
                "could not drop test database {} through {}: {}",
                self.name,
                redact_url(&self.server_url),
                match error {
                    EstablishError::Failed(reason) => reason,
                    EstablishError::NotCompiled(backend) => backend.display_name().to_owned(),
                }
            );
        }
    }
}

/// Runs one statement on the server `server_url` reaches; the error's
/// text has no password.
#[cfg_attr(
    not(any(feature = "postgres", feature = "mysql", feature = "sqlite")),
    allow(unreachable_code, unused_variables, unused_mut)
)]
fn on_server(server_url: &str, statement: &str) -> Result<(), EstablishError> {
    let mut admin = establish(server_url)?;
    let done: diesel::QueryResult<()> =
        with_connection!(&mut admin, conn => conn.batch_execute(statement));
    done.map_err(|error| {
        EstablishError::Failed(retort_core::redact_password_in(
            &error.to_string(),
            server_url,
        ))
    })
}

/// A name no other test, process or run uses: `retort_test_<pid>_<n>_<ns>`.
fn unique_name() -> String {
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
