//! The diesel connections retort works through.

use crate::backend::BackendKind;

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
/// Each area that talks to a database (introspection, the runner's version
/// table and lock) defines a `#[doc(hidden)]` capability trait, implements it
/// for the three connection types next to its backend code, and adds it here
/// as a supertrait, so generic code above needs only this one bound.
///
/// Every such connection can be pooled (`R2D2Connection`, `Send`), so code
/// generic over `C: DatabaseConnection` can build a `retort::pool::Pool<C>`.
pub trait DatabaseConnection:
    diesel::Connection
    + diesel::r2d2::R2D2Connection
    + Send
    + sealed::Sealed
    + crate::introspect::IntrospectCatalog
    + crate::backend::VersionTableConnection
    + 'static
{
    /// The database behind this connection.
    const BACKEND: BackendKind;
}

#[cfg(feature = "postgres")]
impl sealed::Sealed for diesel::PgConnection {}
#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
impl DatabaseConnection for diesel::PgConnection {
    const BACKEND: BackendKind = BackendKind::Postgres;
}

#[cfg(feature = "mysql")]
impl sealed::Sealed for diesel::MysqlConnection {}
#[cfg(feature = "mysql")]
#[cfg_attr(docsrs, doc(cfg(feature = "mysql")))]
impl DatabaseConnection for diesel::MysqlConnection {
    const BACKEND: BackendKind = BackendKind::Mysql;
}

#[cfg(feature = "sqlite")]
impl sealed::Sealed for diesel::SqliteConnection {}
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
impl DatabaseConnection for diesel::SqliteConnection {
    const BACKEND: BackendKind = BackendKind::Sqlite;
}
