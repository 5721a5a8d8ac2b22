//! Reading a database's catalog: the first two stages of introspection.
//!
//! Each backend's `catalog.rs` holds its catalog queries and the raw rows
//! they return (`*Row`, one struct per query); it reads them in a fixed
//! number of queries, whatever the number of tables, with the table filter
//! applied in the queries. [`introspect`](crate::introspect()) turns the
//! rows into the schema model without further I/O.

use super::backfill::BACKFILL_TABLE;
use super::version_table::{DIESEL_VERSION_TABLE, VERSION_TABLE};

/// The bookkeeping tables a catalog read leaves out: retort's version
/// table and backfill progress, and diesel_migrations' version table.
#[cfg_attr(
    not(any(feature = "postgres", feature = "mysql", feature = "sqlite")),
    allow(dead_code)
)]
pub(crate) const BOOKKEEPING_TABLES: [&str; 3] =
    [VERSION_TABLE, BACKFILL_TABLE, DIESEL_VERSION_TABLE];

/// Why a catalog read failed.
#[derive(Debug)]
pub enum CatalogError {
    /// A query failed.
    Query {
        /// What it reads (`columns`, `foreign keys`).
        what: &'static str,
        /// diesel's error.
        source: diesel::result::Error,
    },
    /// No namespace was named and the connection has no default one.
    NoDefaultNamespace,
}

impl CatalogError {
    /// Wraps a failed query reading `what`.
    #[cfg_attr(
        not(any(feature = "postgres", feature = "mysql", feature = "sqlite")),
        allow(dead_code)
    )]
    pub(crate) fn query(what: &'static str) -> impl FnOnce(diesel::result::Error) -> CatalogError {
        move |source| CatalogError::Query { what, source }
    }
}

/// The rows one catalog read returned, in the database's own shape.
#[derive(Debug)]
pub enum Catalog {
    /// PostgreSQL's rows.
    #[cfg(feature = "postgres")]
    Postgres(super::postgres::catalog::CatalogRows),
    /// MySQL's or MariaDB's rows.
    #[cfg(feature = "mysql")]
    Mysql(super::mysql::catalog::CatalogRows),
    /// SQLite's rows, one set per namespace.
    #[cfg(feature = "sqlite")]
    Sqlite(Vec<super::sqlite::catalog::CatalogRows>),
}

/// Reading one database's catalog: implemented for each diesel connection
/// in its backend's `catalog.rs`; a sealed supertrait of
/// [`DatabaseConnection`](super::DatabaseConnection).
pub trait ReadCatalog {
    /// The rows of the tables of `namespaces` (the connection's default
    /// namespace when empty) named in `tables` (all when empty).
    fn read_catalog(
        &mut self,
        namespaces: &[String],
        tables: &[String],
    ) -> Result<Catalog, CatalogError>;
}
