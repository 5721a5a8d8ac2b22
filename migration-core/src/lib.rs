//! The engine behind [retort](https://docs.rs/retort): the portable schema
//! model, one backend per database, and (in later modules) introspection,
//! diff, revisions and the runner.
//!
//! Most applications depend on the `retort` facade instead, which re-exports
//! what is public here.
//!
//! ```
//! use retort_core::schema::{Column, Schema, SqlType, Table};
//!
//! let schema = Schema::new(vec![Table::new("users")
//!     .column(Column::new("id", SqlType::BigInt).identity())
//!     .column(Column::new("email", SqlType::Varchar(255)))]);
//! assert!(schema.table("users").is_some());
//! ```

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod autogen;
pub mod backend;
pub mod diff;
pub mod introspect;
#[cfg(test)]
mod layers;
pub mod lint;
pub mod query;
pub mod render;
pub mod revision;
pub mod runner;
#[cfg(any(test, feature = "scenarios"))]
pub mod scenarios;
pub mod schema;
pub mod squash;

pub use autogen::{autogenerate, autogenerate_with, AutogenerateError, AutogenerateOptions};
pub use backend::{Backend, BackendKind, DatabaseConnection, BACKFILL_TABLE, VERSION_TABLE};
pub use diff::{diff, Diff, DiffWarning, Op};
pub use introspect::{introspect, introspect_with, IntrospectError, IntrospectOptions, ObjectKind};
pub use lint::{lint, lint_for, LintFinding};
pub use render::{render, RenderError};
pub use retort_redact::{redact_password_in, redact_url, REDACTED};
pub use revision::Migrations;
pub use runner::{migrate_to_head, MigrateError, Migrator, Report};
pub use schema::Model;
