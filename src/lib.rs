//! retort: schema migrations for diesel applications.
//!
//! Annotated model structs are the source of truth. retort diffs them against
//! a live database, writes reviewable migration files, applies them at
//! start-up, and hands the application a tuned connection pool. It works on
//! PostgreSQL, MySQL/MariaDB and SQLite.
//!
//! ```
//! use retort::{Column, Model, PrimaryKey, Schema, SqlType, Table};
//!
//! struct User;
//!
//! impl Model for User {
//!     fn table() -> Table {
//!         Table::new("users")
//!             .column(Column::new("id", SqlType::BigInt).identity())
//!             .column(Column::new("email", SqlType::Varchar(255)))
//!             .primary_key(PrimaryKey { name: Some("pk_users".into()), columns: vec!["id".into()] })
//!     }
//! }
//!
//! let schema: Schema = retort::schema![User];
//! assert_eq!(schema.tables[0].name, "users");
//! ```
//!
//! # Features
//!
//! - `sqlite` (default): SQLite, with libsqlite3 compiled in, so the default
//!   build needs no system library and no server.
//! - `postgres`: PostgreSQL (links libpq).
//! - `mysql`: MySQL and MariaDB (links libmysqlclient or libmariadb).

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use retort_core::revision::{Migrations, Revision, RevisionError};
pub use retort_core::runner::{
    migrate_to_head, Direction, MigrateError, MigrateErrorKind, Migrator, Report, ReportStep,
};
pub use retort_core::schema::{
    CheckConstraint, Column, ForeignKey, Index, IndexPart, Model, PrimaryKey, ReferentialAction,
    Schema, SqlType, Table, UniqueConstraint,
};
pub use retort_core::{redact_url, Backend, BackendKind, DatabaseConnection};
pub use retort_derive::embed_migrations;

pub mod build;

/// Builds a [`Schema`] from model types.
///
/// ```
/// # use retort::{Model, Table};
/// # struct User; impl Model for User { fn table() -> Table { Table::new("users") } }
/// # struct Team; impl Model for Team { fn table() -> Table { Table::new("teams") } }
/// let schema = retort::schema![User, Team];
/// assert_eq!(schema.tables.len(), 2);
/// ```
#[macro_export]
macro_rules! schema {
    ($($model:ty),* $(,)?) => {
        $crate::Schema::new(::std::vec![$(<$model as $crate::Model>::table()),*])
    };
}
