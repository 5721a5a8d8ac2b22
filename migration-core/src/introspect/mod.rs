//! Reading a live database into the [`Schema`] model.
//!
//! [`introspect`] reads every table of the connection's default namespace;
//! [`introspect_with`] chooses the namespaces and the tables. Either way the
//! number of queries is fixed — it does not grow with the number of tables —
//! and the table filter is applied inside the catalog queries, so tables left
//! out are never read.
//!
//! ```no_run
//! # #[cfg(feature = "sqlite")]
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use diesel::Connection;
//! use retort_core::introspect::{introspect_with, IntrospectOptions};
//!
//! let mut conn = diesel::SqliteConnection::establish("app.db")?;
//! let schema = introspect_with(&mut conn, &IntrospectOptions::new().tables(["users", "teams"]))?;
//! for table in &schema.tables {
//!     println!("{} has {} columns", table.name, table.columns.len());
//! }
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "sqlite"))]
//! # fn main() {}
//! ```
//!
//! # What is read
//!
//! Tables, columns in order (type, nullability, default, identity, comment),
//! primary keys, unique constraints, indexes (column order, uniqueness,
//! partial-index predicates and expression parts as the database's text,
//! the access method, each key part's collation, operator class, direction
//! and nulls order, `INCLUDE` columns and `NULLS NOT DISTINCT`),
//! foreign keys (columns, target, `ON DELETE`/`ON UPDATE`, name), check
//! constraints (name and expression), PostgreSQL enums and MySQL inline
//! `ENUM`s. Beside the tables, functions, views and triggers are read as
//! definitions, in the same fixed number of queries:
//!
//! - **PostgreSQL**: functions and procedures (`pg_get_functiondef`),
//!   simple aggregates (a `CREATE AGGREGATE` made from `pg_aggregate`),
//!   views and materialized views (`pg_get_viewdef`), triggers
//!   (`pg_get_triggerdef`).
//! - **MySQL/MariaDB**: stored functions and procedures (a `CREATE` made
//!   from `information_schema.ROUTINES` and `PARAMETERS`, the body as
//!   written), views (`information_schema.VIEWS`, without the qualifier
//!   of their own database), triggers (a `CREATE TRIGGER` made from
//!   `information_schema.TRIGGERS`).
//! - **SQLite**: views and triggers as written (`sqlite_master`); SQLite
//!   stores no functions.
//!
//! With a table filter, only the views it names and the triggers of the
//! tables it names are read, and no function. Types come back through each backend's
//! [`Backend::parse_type`](crate::Backend::parse_type) and defaults through
//! [`Backend::normalize_default`](crate::Backend::normalize_default), so a
//! column retort created reads back as the type and default it meant.
//!
//! # What is never in the result
//!
//! - The version table [`VERSION_TABLE`](crate::VERSION_TABLE), and
//!   diesel_migrations' `__diesel_schema_migrations`, which stays after a
//!   project switches to retort: bookkeeping, not the application's schema.
//! - Sequences and types that no column uses.
//! - What an extension owns (its functions, views), and PostgreSQL's
//!   internal triggers (those of foreign keys) and the clones of a
//!   partitioned table's triggers on its partitions.
//! - SQLite's internal tables (`sqlite_%`) and virtual tables.
//!
//! # What is read approximately
//!
//! Nothing here fails on what the model cannot hold; it reads what fits:
//!
//! - Types retort does not model (`money`, `point`, `interval week`, user
//!   range types, ...) come back as [`SqlType::Custom`] spelled as the
//!   database spells them (`money`, `varbinary(16)`); an array of
//!   such a type is an [`SqlType::Array`] of the `Custom` type.
//! - A PostgreSQL column typed by a domain comes back as `Custom` with the
//!   domain's name (`year`), not the base type, so re-creating the column
//!   keeps the domain and its checks; the domains of the schemas read (not
//!   those an extension made) are [`Schema::domains`](crate::schema::Schema::domains),
//!   read only when no table filter is given.
//! - Generated (computed) columns are read as plain columns without a default;
//!   the generation expression is not modeled.
//! - MySQL prefix lengths, index options (`WITH (fillfactor = ...)`),
//!   tablespaces and PostgreSQL exclusion constraints are not modeled and
//!   not reported. An operator class is named unqualified; a collation on
//!   an index part is reported when it is not the column's own (on SQLite:
//!   when it is not `BINARY`).
//!
//! # Per database
//!
//! Types read back as [`Backend::type_sql`](crate::Backend::type_sql)
//! spelled them, with these deliberate exceptions and decisions:
//!
//! - **All**: `NUMERIC(p, 0)` reads back as `Numeric { Some(p), None }` on
//!   PostgreSQL and MySQL (the same type). Defaults read back in the form a
//!   model writes: literals without casts (`'draft'`, not
//!   `'draft'::character varying`), numbers bare and without padding
//!   (`1.5`, not `1.50`), booleans as `true`/`false`, `NULL` as no default.
//!   Identity columns have no default.
//! - **PostgreSQL**: a partitioned table reads with its key
//!   ([`Table::partition_by`](crate::schema::Table::partition_by)) and each
//!   partition as a table of its own with its parent and bounds
//!   ([`Table::partition_of`](crate::schema::Table::partition_of)), without
//!   columns (they are the parent's) and without what it inherits from the
//!   parent (the indexes attached to the parent's, the keys and checks
//!   cloned from it): those are read once, on the parent. `GENERATED ... AS IDENTITY` and serial (`nextval(...)`)
//!   columns are identities. Constraint names read back as they are. Enums
//!   are `Enum { name, values }` in sort order; `json` (as opposed to
//!   `jsonb`) is `Custom("json")`. `timestamp(6)`, `timestamptz(6)` and
//!   `time(6)` are the plain time types (six digits is the default).
//! - **MySQL/MariaDB**: `AUTO_INCREMENT` columns are identities. The primary
//!   key's name (always `PRIMARY`) reads back as `None`. Every unique index
//!   on plain columns reads back as a unique constraint (MySQL makes no
//!   difference). The index InnoDB creates for a foreign key is not
//!   reported. Inline `ENUM`s read back named after their column. `CHAR(36)`
//!   reads back as `Uuid`; an unconstrained `DECIMAL` as `decimal(10,0)`. A
//!   foreign key declared without actions reads back `RESTRICT`, InnoDB's
//!   default; `NO ACTION` written out reads back `NO ACTION`. MariaDB's `JSON` (`longtext` with a `json_valid` check) is
//!   `Json`, without the check. `current_timestamp(6)` on retort's time types
//!   reads back as `CURRENT_TIMESTAMP`.
//! - **SQLite**: declared types are kept as written (`NVARCHAR(200)` is
//!   `Custom("NVARCHAR(200)")`). The rowid alias — a single-column
//!   `INTEGER PRIMARY KEY`, with or without `AUTOINCREMENT`, in a rowid
//!   table — is an identity: SQLite generates its value. Constraint names
//!   and checks come from the `CREATE TABLE` text; a constraint written
//!   without a name reads back with `None`. A `TEXT` column with a check
//!   `"col" IN ('a', ...)` reads back as `Enum { name: "col", values }`,
//!   without the check. No comments.
//!
//! [`SqlType::Custom`]: crate::schema::SqlType::Custom
//! [`SqlType::Array`]: crate::schema::SqlType::Array

pub(crate) mod assemble;
#[cfg(feature = "postgres")]
mod domains;
mod error;
mod mysql;
mod options;
#[cfg(feature = "postgres")]
mod partitions;
#[cfg(feature = "postgres")]
mod postgres;
mod sqlite;

pub use error::{IntrospectError, Result};
pub use options::{IntrospectOptions, ObjectKind};

use crate::backend::catalog::CatalogError;
use crate::backend::DatabaseConnection;
use crate::schema::Schema;

/// Reads every table of the connection's default namespace (PostgreSQL's
/// `current_schema()`, MySQL's current database, SQLite's `main`).
///
/// The result never includes the version table `retort_migrations`. See the
/// [module documentation](self) for what is read and what is skipped.
///
/// # Errors
///
/// [`IntrospectError::Query`] when a catalog query fails (lost connection,
/// missing privileges); [`IntrospectError::NoDefaultNamespace`] when a
/// PostgreSQL connection's `search_path` names no existing schema.
pub fn introspect<C: DatabaseConnection>(conn: &mut C) -> Result<Schema> {
    introspect_with(conn, &IntrospectOptions::default())
}

/// Reads the tables chosen by `options`: the namespaces to read, the only
/// table names to read when given, the table patterns to include and
/// exclude, and the kinds of objects to leave out. The table filter is
/// applied in the catalog queries, before anything is read.
///
/// Tables in the connection's default namespace have `schema: None`; tables
/// in other namespaces carry the namespace's name.
///
/// # Errors
///
/// As [`introspect`].
pub fn introspect_with<C: DatabaseConnection>(
    conn: &mut C,
    options: &IntrospectOptions,
) -> Result<Schema> {
    let read = conn
        .read_catalog(&options.namespaces, &options.table_filter())
        .map_err(|error| match error {
            CatalogError::Query { what, source } => IntrospectError::Query {
                backend: C::BACKEND,
                what,
                source,
            },
            CatalogError::NoDefaultNamespace => IntrospectError::NoDefaultNamespace,
        })?;
    match read {
        #[cfg(feature = "postgres")]
        crate::backend::catalog::Catalog::Postgres(rows) => {
            postgres::build_schema(rows).map(|schema| options.retain(schema))
        }
        #[cfg(feature = "mysql")]
        crate::backend::catalog::Catalog::Mysql(rows) => {
            mysql::build_schema(rows).map(|schema| options.retain(schema))
        }
        #[cfg(feature = "sqlite")]
        crate::backend::catalog::Catalog::Sqlite(namespaces) => {
            sqlite::build_schema(namespaces).map(|schema| options.retain(schema))
        }
    }
}
