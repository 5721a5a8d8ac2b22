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
//! - `async`: [`pool::AsyncPool`] for diesel-async connections on tokio,
//!   and [`migrate_to_head_async`].
//! - `metrics`: every pool reports through the `metrics` crate (Prometheus
//!   and other exporters).
//! - `testing`: the `retort::testing` module, assertions for your own tests that the
//!   migrations are sound.

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "async")]
#[cfg_attr(docsrs, doc(cfg(feature = "async")))]
pub use migrate_async::{migrate_to_head_async, AsyncMigrationConnection};
/// Autogenerate (`retort::autogenerate(&mut conn, &models, "migrations", "message")`) and its module.
pub use retort_core::autogen::{
    self, autogenerate, autogenerate_with, AutogenerateError, AutogenerateOptions,
};
/// The diff (`retort::diff(&from, &to)`) and its module (`retort::diff::TableName`, ...).
pub use retort_core::diff::{self, diff, Diff, DiffWarning, Op};
/// The online-migration lint (`retort::lint(&revision)` on PostgreSQL,
/// `retort::lint_for(BackendKind::Mysql, &revision)` for any database) and
/// its findings.
pub use retort_core::lint::{self, lint, lint_for, LintFinding};
/// Rendering a diff as one database's SQL (`retort::render(&diff, backend)`).
pub use retort_core::render::{self, render, RenderError};
/// Migration files, the revision graph, and diesel migration folders.
pub use retort_core::revision::{
    self, BackendSql, Migrations, NewRevision, Revision, RevisionError,
};
pub use retort_core::runner::{
    migrate_to_head, BackfillProgress, Direction, MigrateError, MigrateErrorKind, Migrator, Report,
    ReportStep, StampReport, StepFailed, StepResult, UnfinishedRevision,
};
pub use retort_core::schema::{
    CheckConstraint, Column, ForeignKey, Index, IndexPart, Model, PrimaryKey, ReferentialAction,
    Schema, SqlType, Table, UniqueConstraint,
};
pub use retort_core::{introspect, introspect_with, IntrospectError, IntrospectOptions};
pub use retort_core::{redact_url, Backend, BackendKind, DatabaseConnection, BACKFILL_TABLE};
pub use retort_derive::embed_migrations;

mod any_connection;
pub mod build;
pub mod fleet;
#[cfg(feature = "async")]
mod migrate_async;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

pub use retort_core::schema::{naming, ColumnType};

/// `#[derive(Model)]`: a struct with named fields becomes a table. The name
/// `Model` is both this derive and the [`Model`](trait@Model) trait it
/// implements, so one `use retort::Model;` brings both.
///
/// ```
/// use retort::Model;
///
/// /// Someone who signs in.
/// #[derive(Model)]
/// #[model(table = "users")]
/// pub struct User {
///     #[model(primary_key)]
///     pub id: i64,
///     #[model(unique, max_length = 255)]
///     pub email: String,
///     /// Name shown on the profile page.
///     pub display_name: Option<String>,
///     #[model(references = "teams.id", on_delete = "cascade", index)]
///     pub team_id: Option<i64>,
/// }
///
/// let table = User::table();
/// assert_eq!(table.name, "users");
/// assert_eq!(table.comment.as_deref(), Some("Someone who signs in."));
/// assert!(table.columns[0].identity, "a single integer key is an identity column");
/// assert_eq!(table.columns[2].comment.as_deref(), Some("Name shown on the profile page."));
/// assert_eq!(table.foreign_keys[0].name.as_deref(), Some("fk_users_team_id_teams"));
/// ```
///
/// Every key, used once:
///
/// ```
/// use retort::{Model, SqlEnum, SqlType};
///
/// #[derive(SqlEnum)]
/// pub enum Status {
///     Active,
///     #[sql_enum(rename = "on-hold")]
///     OnHold,
/// }
///
/// /// Things for sale.
/// #[derive(Model)]
/// #[model(
///     table = "products",
///     schema = "shop",
///     renamed_from = "items",
///     comment = "Things we sell",
///     crate = "::retort",
///     index(columns("vendor_id", "stock_keeping_unit"), name = "ix_products_by_vendor", unique),
///     unique(columns("vendor_id", "title")),
///     check(name = "cheap_enough", expr = "price < 1000000"),
/// )]
/// pub struct Product {
///     #[model(primary_key, autoincrement = false)]
///     pub id: i64,
///     #[model(column = "stock_keeping_unit", sql_type = "varchar(20)")]
///     pub sku: String,
///     #[model(max_length = 200, renamed_from = "name")]
///     pub title: String,
///     #[model(precision = 10, scale = 2, check = "price > 0")]
///     pub price: String,
///     #[model(references = "shop.vendors.id", on_delete = "cascade", on_update = "restrict", index)]
///     pub vendor_id: i64,
///     #[model(unique, default = "'?'", comment = "Public code")]
///     pub code: String,
///     pub status: Status,
///     #[model(skip)]
///     pub cached_label: Vec<std::cell::Cell<u8>>,
/// }
///
/// let table = Product::table();
/// assert_eq!(table.schema.as_deref(), Some("shop"));
/// assert_eq!(table.comment.as_deref(), Some("Things we sell"));
/// assert!(!table.columns[0].identity);
/// assert_eq!(table.columns[1].name, "stock_keeping_unit");
/// assert_eq!(table.columns[1].ty, SqlType::Varchar(20));
/// assert_eq!(table.columns[3].ty, SqlType::Numeric { precision: Some(10), scale: Some(2) });
/// assert_eq!(
///     table.columns[6].ty,
///     SqlType::Enum { name: "status".into(), values: vec!["active".into(), "on-hold".into()] },
/// );
/// assert_eq!(table.columns.len(), 7);
/// ```
pub use retort_derive::Model;

/// `#[derive(SqlEnum)]`: a fieldless enum becomes an SQL enumeration type and
/// can be the type of a model's field.
///
/// ```
/// use retort::{ColumnType, SqlEnum, SqlType};
///
/// #[derive(SqlEnum)]
/// #[sql_enum(name = "user_status")]
/// pub enum UserStatus {
///     Active,
///     PendingReview,
///     #[sql_enum(rename = "banned!")]
///     Banned,
/// }
///
/// assert_eq!(
///     UserStatus::sql_type(),
///     SqlType::Enum {
///         name: "user_status".into(),
///         values: vec!["active".into(), "pending_review".into(), "banned!".into()],
///     },
/// );
/// ```
pub use retort_derive::SqlEnum;

/// What the code generated by `#[derive(Model)]` and `#[derive(SqlEnum)]`
/// names. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use retort_core::schema::derive_support::*;
}

/// The connection pool: r2d2 with SQLAlchemy's pool size, overflow,
/// pre-ping and recycle at checkout, events and metrics. See [`retort_pool`].
///
/// ```
/// # #[cfg(feature = "sqlite")]
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use retort::pool::{PoolConfig, PrePing};
///
/// let pool = PoolConfig::new(":memory:")
///     .pool_size(1)
///     .pre_ping(PrePing::IfIdleFor(Duration::from_secs(1)))
///     .build::<diesel::SqliteConnection>()?;
/// let mut guard = pool.get()?;
/// let conn: &mut diesel::SqliteConnection = &mut guard;
/// diesel::connection::SimpleConnection::batch_execute(conn, "SELECT 1")?;
/// # Ok(())
/// # }
/// # #[cfg(not(feature = "sqlite"))]
/// # fn main() {}
/// ```
pub mod pool {
    pub use retort_pool::*;

    /// Re-exported here as it was before the pool stood on its own: a pool
    /// takes any [`PoolConnection`], which every `DatabaseConnection` is.
    pub use retort_core::DatabaseConnection;
}

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

#[cfg(feature = "cli")]
#[cfg_attr(docsrs, doc(cfg(feature = "cli")))]
pub mod cli;
