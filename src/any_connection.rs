//! A live connection to whichever compiled-in database a URL names, for the
//! code that learns the backend only at run time: the command line and the
//! fleet.

use crate::BackendKind;

/// A live connection to one of the compiled-in databases. Code generic over
/// `C: DatabaseConnection` runs on it through [`with_connection!`].
pub(crate) enum AnyConnection {
    /// PostgreSQL.
    #[cfg(feature = "postgres")]
    Postgres(diesel::PgConnection),
    /// MySQL or MariaDB.
    #[cfg(feature = "mysql")]
    Mysql(diesel::MysqlConnection),
    /// SQLite.
    #[cfg(feature = "sqlite")]
    Sqlite(diesel::SqliteConnection),
    /// No backend is compiled in: there is no connection to hold.
    #[cfg(not(any(feature = "postgres", feature = "mysql", feature = "sqlite")))]
    #[allow(dead_code)]
    None(std::convert::Infallible),
}

/// Runs `$body` with `$conn` bound to the concrete connection inside an
/// [`AnyConnection`], so the body can call functions generic over
/// `C: DatabaseConnection`.
macro_rules! with_connection {
    ($any:expr, $conn:ident => $body:expr) => {
        match $any {
            #[cfg(feature = "postgres")]
            $crate::any_connection::AnyConnection::Postgres($conn) => $body,
            #[cfg(feature = "mysql")]
            $crate::any_connection::AnyConnection::Mysql($conn) => $body,
            #[cfg(feature = "sqlite")]
            $crate::any_connection::AnyConnection::Sqlite($conn) => $body,
            #[cfg(not(any(feature = "postgres", feature = "mysql", feature = "sqlite")))]
            $crate::any_connection::AnyConnection::None(never) => match *never {},
        }
    };
}
pub(crate) use with_connection;

/// Why [`establish`] gave no connection.
#[derive(Debug)]
#[cfg_attr(
    not(any(feature = "postgres", feature = "mysql", feature = "sqlite")),
    allow(dead_code)
)]
pub(crate) enum EstablishError {
    /// The URL names a database this program was built without.
    NotCompiled(BackendKind),
    /// The driver could not connect; its message, password removed.
    Failed(String),
}

/// Connects to the database `url` names, by its scheme.
pub(crate) fn establish(url: &str) -> Result<AnyConnection, EstablishError> {
    match BackendKind::from_url(url) {
        #[cfg(feature = "postgres")]
        BackendKind::Postgres => establish_as(url).map(AnyConnection::Postgres),
        #[cfg(feature = "mysql")]
        BackendKind::Mysql => establish_as(url).map(AnyConnection::Mysql),
        #[cfg(feature = "sqlite")]
        BackendKind::Sqlite => establish_as(url).map(AnyConnection::Sqlite),
        #[allow(unreachable_patterns)]
        backend => Err(EstablishError::NotCompiled(backend)),
    }
}

/// The cargo feature that compiles a backend in.
pub(crate) fn feature_of(backend: BackendKind) -> &'static str {
    match backend {
        BackendKind::Postgres => "postgres",
        BackendKind::Mysql => "mysql",
        BackendKind::Sqlite => "sqlite",
    }
}

#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
fn establish_as<C: diesel::Connection>(url: &str) -> Result<C, EstablishError> {
    C::establish(url).map_err(|error| {
        EstablishError::Failed(retort_core::redact_password_in(&error.to_string(), url))
    })
}
