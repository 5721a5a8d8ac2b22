//! A throwaway database per test: [`TestDatabase`].

use crate::scratch::{ScratchDatabase, ScratchError};
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
    database: ScratchDatabase,
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
        match ScratchDatabase::create(server_url, "retort_test") {
            Ok(database) => Ok(TestDatabase { database }),
            Err(ScratchError::NotCompiled(backend)) => Err(TestDatabaseError::NotCompiled {
                url: redact_url(server_url),
                backend: backend.display_name(),
                feature: crate::any_connection::feature_of(backend),
            }),
            Err(ScratchError::Failed { name, reason }) => Err(TestDatabaseError::Create {
                name,
                url: redact_url(server_url),
                reason,
            }),
        }
    }

    /// The URL that reaches the new database (the file's path on SQLite).
    pub fn url(&self) -> &str {
        &self.database.url
    }

    /// The new database's name (the file's name, without `.db`, on
    /// SQLite).
    pub fn name(&self) -> &str {
        &self.database.name
    }

    /// The database it is on.
    pub fn backend(&self) -> BackendKind {
        self.database.backend
    }

    /// A new connection to the database.
    ///
    /// # Errors
    ///
    /// What diesel says when it cannot connect.
    pub fn connect<C: DatabaseConnection>(&self) -> diesel::ConnectionResult<C> {
        C::establish(&self.database.url)
    }
}
