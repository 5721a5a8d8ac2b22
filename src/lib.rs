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
//!             .primary_key(PrimaryKey {
//!                 name: Some("pk_users".into()),
//!                 columns: vec!["id".into()],
//!                 ..Default::default()
//!             })
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

// The root holds what an application writes: models and their schema,
// migrations and the start-up call, autogenerate, introspection, the pool.
// Everything else is under its module.

#[cfg(feature = "async")]
#[cfg_attr(docsrs, doc(cfg(feature = "async")))]
pub use migrate_async::{migrate_to_head_async, AsyncMigrationConnection};
/// Autogenerate (`retort::autogenerate(&mut conn, &models, "migrations", "message")`);
/// its options under [`autogen`].
pub use retort_core::autogen::{self, autogenerate, AutogenerateError};
/// The diff (`retort::diff(&from, &to)`); its ops and warnings under
/// [`diff`](mod@diff) (`retort::diff::Op`, ...).
pub use retort_core::diff::{self, diff, Diff};
/// The online-migration lint (`retort::lint::lint(&revision)` on PostgreSQL,
/// `retort::lint::lint_for(BackendKind::Mysql, &revision)` for any database).
pub use retort_core::lint::{self};
/// Rendering a diff as one database's SQL
/// (`retort::render::render(&diff, backend)`).
pub use retort_core::render::{self};
/// Migration files, the revision graph, and diesel migration folders.
pub use retort_core::revision::{self, Migrations};
/// Applying and reverting revisions; the reports, Rust steps and the
/// error's kinds under [`runner`].
pub use retort_core::runner::{self, migrate_to_head, MigrateError, Migrator, Report};
pub use retort_core::schema::{
    CheckConstraint, Column, Deferral, Domain, ExclusionConstraint, Extension, ForeignKey,
    Function, Generated, IdentityOptions, Index, IndexKeyOptions, IndexPart, Model, PartitionBound,
    PartitionKey, PartitionMethod, PartitionOf, PrimaryKey, RangeType, ReferentialAction, Schema,
    Sequence, SqlType, SqliteTableOptions, Table, Trigger, UndeclaredObjects, UniqueConstraint,
    View,
};
/// One baseline revision in place of the chain up to a revision (what
/// `retort squash` does).
pub use retort_core::squash::{self};
pub use retort_core::{
    introspect, introspect_with, IntrospectError, IntrospectOptions, ObjectKind,
};
pub use retort_core::{Backend, BackendKind, DatabaseConnection, BACKFILL_TABLE};
pub use retort_derive::embed_migrations;

mod any_connection;
pub mod build;
pub mod fleet;
#[cfg(feature = "async")]
mod migrate_async;
#[cfg(any(feature = "cli", feature = "testing"))]
mod scratch;
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
///
/// With `#[model(diesel_table)]`, a field of the enum loads and stores
/// through diesel, and `col.eq(UserStatus::Active)` binds on a plain or a
/// nullable column. diesel binds `Option<UserStatus>` (`col.eq(Some(..))`)
/// and `eq_any`'s lists through `ToSql`, which needs `Debug`: derive it,
/// `#[derive(Debug, SqlEnum)]`.
pub use retort_derive::SqlEnum;

/// What the code generated by `#[derive(Model)]` and `#[derive(SqlEnum)]`
/// names. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use diesel;
    pub use retort_core::query;
    pub use retort_core::schema::derive_support::*;

    /// Compiles only when a `T` field can hold the values of an `ST`
    /// column; `#[model(diesel_table)]` names it at the field.
    pub fn holds_sql_type<T: ?Sized + query::HoldsSqlType<ST>, ST>() {}
}

/// Querying through the tables `#[model(diesel_table)]` generates: which
/// diesel SQL type each column has, and which field types hold it. See
/// [`retort_core::query`] for the table of types.
///
/// One description serves the migrations and the queries:
///
/// ```
/// # #[cfg(feature = "sqlite")]
/// # mod example {
/// use diesel::prelude::*;
/// use retort::{Model, SqlEnum};
///
/// #[derive(SqlEnum, Debug, PartialEq)]
/// pub enum Plan {
///     Free,
///     Paid,
/// }
///
/// #[derive(Model, Queryable, Selectable, Insertable, Debug, PartialEq)]
/// #[model(table = "users", diesel_table)]
/// #[diesel(table_name = users)]
/// pub struct User {
///     #[model(primary_key)]
///     pub id: i64,
///     #[model(unique, max_length = 255)]
///     pub email: String,
///     pub plan: Plan,
///     pub display_name: Option<String>,
/// }
///
/// pub fn run() -> Result<(), Box<dyn std::error::Error>> {
///     let mut conn = SqliteConnection::establish(":memory:")?;
///     // What a migration made from the model would run.
///     let diff = retort::diff(&retort::Schema::new(Vec::new()), &retort::schema![User]);
///     for statement in retort::render(&diff, retort::BackendKind::Sqlite.backend())? {
///         diesel::connection::SimpleConnection::batch_execute(&mut conn, &statement)?;
///     }
///
///     let ada = User { id: 1, email: "ada@example.com".into(), plan: Plan::Paid, display_name: None };
///     diesel::insert_into(users::table).values(&ada).execute(&mut conn)?;
///     let paying: Vec<User> = users::table
///         .filter(users::plan.eq(Plan::Paid))
///         .select(User::as_select())
///         .load(&mut conn)?;
///     assert_eq!(paying, [ada]);
///     Ok(())
/// }
/// # }
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # #[cfg(feature = "sqlite")]
/// # example::run()?;
/// # Ok(())
/// # }
/// ```
pub mod query {
    pub use retort_core::query::*;
}

/// Lets the generated tables of several models appear in one query (a
/// join, or a subquery): diesel's `allow_tables_to_appear_in_same_query!`
/// for every pair. Name each table's module (the table's name, or
/// `diesel_table = "..."`).
///
/// ```ignore
/// retort::diesel_tables!(users, teams, orders);
/// ```
#[macro_export]
macro_rules! diesel_tables {
    ($($table:ident),+ $(,)?) => {
        $crate::__private::diesel::allow_tables_to_appear_in_same_query!($($table),+);
    };
}

/// Where a hand-written `schema.rs` (what `diesel print-schema` writes)
/// disagrees with the tables `#[model(diesel_table)]` generates: columns on
/// one side only, SQL types (diesel's aliases, `Int8` and `BigInt`, are the
/// same type), nullability and primary keys. Name each pair as
/// `schema_rs_table => generated_table`, both `table!` modules. Read off the
/// tables' types, without a database; tables of up to 32 columns.
///
/// Keep it in a test while moving off `schema.rs`: when it is empty, the
/// queries compile against the generated tables exactly as they did against
/// `schema.rs`, and `schema.rs` can go.
///
/// ```
/// # #[cfg(feature = "sqlite")]
/// # mod example {
/// use retort::Model;
///
/// /// What `diesel print-schema` wrote.
/// mod schema {
///     diesel::table! {
///         users (id) {
///             id -> Int8,
///             email -> Varchar,
///             display_name -> Nullable<Varchar>,
///         }
///     }
/// }
///
/// /// The model, which now generates `users`.
/// mod models {
///     use retort::Model;
///
///     #[derive(Model)]
///     #[model(table = "users", diesel_table)]
///     pub struct User {
///         #[model(primary_key)]
///         pub id: i64,
///         #[model(unique, max_length = 255)]
///         pub email: String,
///         pub display_name: String,
///     }
/// }
///
/// pub fn run() {
///     let differences = retort::schema_rs_differences!(schema::users => models::users);
///     assert_eq!(
///         differences.to_string(),
///         "column users.display_name is nullable in schema.rs but NOT NULL in the model: \
///          make the field an `Option<...>`, or add a revision that makes the column NOT NULL",
///     );
/// }
/// # }
/// # fn main() {
/// # #[cfg(feature = "sqlite")]
/// # example::run();
/// # }
/// ```
#[macro_export]
macro_rules! schema_rs_differences {
    ($($($schema_rs:ident)::+ => $($model:ident)::+),+ $(,)?) => {{
        let mut differences = ::std::vec::Vec::new();
        $(
            differences.extend($crate::query::table_differences(
                &$crate::table_shape!($($schema_rs)::+),
                &$crate::table_shape!($($model)::+),
            ));
        )+
        $crate::query::SchemaRsDifferences(differences)
    }};
}

#[doc(inline)]
pub use retort_core::table_shape;

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

    /// A database URL with its password replaced, for messages and logs.
    pub use retort_core::redact_url;
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

// Names that moved from the root to their modules. Each keeps working, with
// a deprecation warning naming its new place.

/// Moved to [`diff::Op`].
#[deprecated(note = "moved to `retort::diff::Op`")]
pub type Op = diff::Op;

/// Moved to [`diff::DiffWarning`].
#[deprecated(note = "moved to `retort::diff::DiffWarning`")]
pub type DiffWarning = diff::DiffWarning;

/// Moved to [`lint::LintFinding`].
#[deprecated(note = "moved to `retort::lint::LintFinding`")]
pub type LintFinding = lint::LintFinding;

/// Moved to [`render::RenderError`].
#[deprecated(note = "moved to `retort::render::RenderError`")]
pub type RenderError = render::RenderError;

/// Moved to [`autogen::AutogenerateOptions`].
#[deprecated(note = "moved to `retort::autogen::AutogenerateOptions`")]
pub type AutogenerateOptions = autogen::AutogenerateOptions;

/// Moved to [`revision::BackendSql`].
#[deprecated(note = "moved to `retort::revision::BackendSql`")]
pub type BackendSql = revision::BackendSql;

/// Moved to [`revision::NewRevision`].
#[deprecated(note = "moved to `retort::revision::NewRevision`")]
pub type NewRevision = revision::NewRevision;

/// Moved to [`revision::Revision`].
#[deprecated(note = "moved to `retort::revision::Revision`")]
pub type Revision = revision::Revision;

/// Moved to [`revision::RevisionError`].
#[deprecated(note = "moved to `retort::revision::RevisionError`")]
pub type RevisionError = revision::RevisionError;

/// Moved to [`runner::Direction`].
#[deprecated(note = "moved to `retort::runner::Direction`")]
pub type Direction = runner::Direction;

/// Moved to [`runner::MigrateErrorKind`].
#[deprecated(note = "moved to `retort::runner::MigrateErrorKind`")]
pub type MigrateErrorKind = runner::MigrateErrorKind;

/// Moved to [`runner::ReportStep`].
#[deprecated(note = "moved to `retort::runner::ReportStep`")]
pub type ReportStep = runner::ReportStep;

/// Moved to [`runner::StampReport`].
#[deprecated(note = "moved to `retort::runner::StampReport`")]
pub type StampReport = runner::StampReport;

/// Moved to [`runner::UnfinishedRevision`].
#[deprecated(note = "moved to `retort::runner::UnfinishedRevision`")]
pub type UnfinishedRevision = runner::UnfinishedRevision;

/// Moved to [`runner::BackfillProgress`].
#[deprecated(note = "moved to `retort::runner::BackfillProgress`")]
pub type BackfillProgress = runner::BackfillProgress;

/// Moved to [`runner::StepFailed`].
#[deprecated(note = "moved to `retort::runner::StepFailed`")]
pub type StepFailed = runner::StepFailed;

/// Moved to [`runner::StepResult`].
#[deprecated(note = "moved to `retort::runner::StepResult`")]
pub type StepResult = runner::StepResult;

/// Moved to [`lint::lint`].
#[deprecated(note = "moved to `retort::lint::lint`")]
pub fn lint(revision: &revision::Revision) -> Vec<lint::LintFinding> {
    lint::lint(revision)
}

/// Moved to [`lint::lint_for`].
#[deprecated(note = "moved to `retort::lint::lint_for`")]
pub fn lint_for(kind: BackendKind, revision: &revision::Revision) -> Vec<lint::LintFinding> {
    lint::lint_for(kind, revision)
}

/// Moved to [`render::render`].
///
/// # Errors
///
/// As for [`render::render`].
#[deprecated(note = "moved to `retort::render::render`")]
pub fn render(diff: &Diff, backend: &dyn Backend) -> Result<Vec<String>, render::RenderError> {
    render::render(diff, backend)
}

/// Moved to [`autogen::autogenerate_with`].
///
/// # Errors
///
/// As for [`autogen::autogenerate_with`].
#[deprecated(note = "moved to `retort::autogen::autogenerate_with`")]
pub fn autogenerate_with<C: DatabaseConnection>(
    conn: &mut C,
    target: &Schema,
    dir: impl AsRef<std::path::Path>,
    message: &str,
    options: &autogen::AutogenerateOptions,
) -> Result<Option<std::path::PathBuf>, AutogenerateError> {
    autogen::autogenerate_with(conn, target, dir, message, options)
}

/// Moved to [`pool::redact_url`].
#[deprecated(note = "moved to `retort::pool::redact_url`")]
pub fn redact_url(url: &str) -> String {
    pool::redact_url(url)
}
