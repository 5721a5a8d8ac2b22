//! The diesel connections retort works through.

use super::BackendKind;

mod sealed {
    /// Keeps [`DatabaseConnection`](super::DatabaseConnection) implemented
    /// only for the connections retort knows.
    pub trait Sealed {}
}

/// A diesel connection to a database retort supports: `PgConnection`,
/// `MysqlConnection` or `SqliteConnection`, each behind its feature.
///
/// Every public function that talks to a database takes `&mut C` where
/// `C: DatabaseConnection`. The trait is sealed: retort needs to know each
/// database's catalog, DDL and locks, so it cannot be implemented outside
/// this crate. A connection checked out of a pool derefs to one of these
/// types, so `&mut *pool.get()?` can be passed wherever a connection is
/// wanted.
///
/// What retort does on a live database is in the backend: reading the
/// catalog (`backend/catalog.rs`) and keeping the version table
/// under the migration lock (`backend/version_table.rs`), limiting lock
/// waits (`backend/lock_limits.rs`).
/// Each is a crate-private capability trait, implemented for the three
/// connection types in `backend/<db>/` and a supertrait here, so generic
/// code above needs only this one bound and users cannot call them.
///
/// Every such connection can be pooled (`R2D2Connection`, `Send`), so code
/// generic over `C: DatabaseConnection` can build a `retort::pool::Pool<C>`.
pub trait DatabaseConnection:
    diesel::Connection
    + diesel::r2d2::R2D2Connection
    + Send
    + sealed::Sealed
    + super::catalog::ReadCatalog
    + super::version_sql::VersionTableConnection
    + super::backfill::BackfillConnection
    + super::lock_limits::LockLimitsConnection
    + 'static
{
    /// The database behind this connection.
    const BACKEND: BackendKind;
}

/// diesel-async's PostgreSQL connection behind diesel's blocking
/// `Connection`, for running retort from async code on a blocking thread.
#[cfg(all(feature = "async", feature = "postgres"))]
pub type AsyncPgConnectionWrapper =
    diesel_async::async_connection_wrapper::AsyncConnectionWrapper<diesel_async::AsyncPgConnection>;

/// diesel-async's MySQL connection behind diesel's blocking `Connection`.
#[cfg(all(feature = "async", feature = "mysql"))]
pub type AsyncMysqlConnectionWrapper =
    diesel_async::async_connection_wrapper::AsyncConnectionWrapper<
        diesel_async::AsyncMysqlConnection,
    >;

/// Implements a capability trait for every connection to PostgreSQL: the
/// body is written once, for diesel's `PgConnection` and, with feature
/// `async`, diesel-async's wrapped connection.
#[cfg(feature = "postgres")]
macro_rules! for_postgres_connections {
    (impl $capability:path => $body:tt) => {
        impl $capability for diesel::PgConnection $body
        #[cfg(feature = "async")]
        impl $capability for $crate::backend::AsyncPgConnectionWrapper $body
    };
}

/// `for_postgres_connections` for MySQL.
#[cfg(feature = "mysql")]
macro_rules! for_mysql_connections {
    (impl $capability:path => $body:tt) => {
        impl $capability for diesel::MysqlConnection $body
        #[cfg(feature = "async")]
        impl $capability for $crate::backend::AsyncMysqlConnectionWrapper $body
    };
}

#[cfg(feature = "mysql")]
pub(crate) use for_mysql_connections;
#[cfg(feature = "postgres")]
pub(crate) use for_postgres_connections;

#[cfg(feature = "postgres")]
for_postgres_connections! { impl sealed::Sealed => {} }
#[cfg(feature = "postgres")]
for_postgres_connections! { impl DatabaseConnection => {
    const BACKEND: BackendKind = BackendKind::Postgres;
} }

#[cfg(feature = "mysql")]
for_mysql_connections! { impl sealed::Sealed => {} }
#[cfg(feature = "mysql")]
for_mysql_connections! { impl DatabaseConnection => {
    const BACKEND: BackendKind = BackendKind::Mysql;
} }

#[cfg(feature = "sqlite")]
impl sealed::Sealed for diesel::SqliteConnection {}
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
impl DatabaseConnection for diesel::SqliteConnection {
    const BACKEND: BackendKind = BackendKind::Sqlite;
}
