//! Querying through the diesel tables `#[model(diesel_table)]` generates.
//!
//! A generated table names, for each column, the diesel SQL type that holds
//! the column's retort type on every enabled backend: diesel's own type where
//! one exists everywhere (`BigInt`, `Text`, `Timestamp`, …), and a type from
//! [`sql_types`] where diesel spells it differently per database
//! (`TIMESTAMPTZ`, `UUID`, `JSON`: see there which database's type is used
//! when several are enabled). The derive reads the SQL type off the
//! attributes or the field's type as written, and asks [`HoldsSqlType`] of
//! every field, so a guess that does not fit is a compile error at the field.
//!
//! `diesel::table!` and diesel's derives name `diesel` by path: the crate
//! using `diesel_table` depends on diesel, as every diesel application does.
//!
//! | retort type | diesel SQL type | Rust type |
//! | --- | --- | --- |
//! | `SmallInt`, `Integer`, `BigInt` | `SmallInt`, `Integer`, `BigInt` | `i16`, `i32`, `i64` |
//! | `Real`, `Double` | `Float`, `Double` | `f32`, `f64` |
//! | `Numeric` | `Numeric` | `bigdecimal::BigDecimal` |
//! | `Boolean` | `Bool` | `bool` |
//! | `Text`, `Varchar(n)`, `Char(n)` | `Text` | `String` |
//! | `Binary` | `Binary` | `Vec<u8>` |
//! | `Date`, `Time`, `Timestamp` | `Date`, `Time`, `Timestamp` | chrono's `NaiveDate`, `NaiveTime`, `NaiveDateTime` |
//! | `TimestampTz` | [`sql_types::TimestampTz`] | `chrono::DateTime<Utc>` (PostgreSQL, SQLite) |
//! | `Uuid` | [`sql_types::Uuid`] | `uuid::Uuid` (PostgreSQL), `String` |
//! | `Json` | [`sql_types::Json`] | `serde_json::Value` |
//! | `Enum` | [`sql_types::Enum<E>`](sql_types::Enum) | the `#[derive(SqlEnum)]` enum `E` |
//!
//! Any other field type needs `#[model(diesel_type = "...")]`.
//!
//! `Option<T>` is `Nullable<...>` of `T`'s type.

//!
//! Moving from a `schema.rs` that `diesel print-schema` wrote: compare each
//! of its tables with the generated one (`retort::schema_rs_differences!`,
//! built on [`table_shape!`](crate::table_shape) and
//! [`table_differences`]) and fix what differs before dropping it.

mod field_type;
mod schema_rs;
pub mod sql_types;
#[doc(hidden)]
pub mod table_shape;

pub use field_type::HoldsSqlType;
pub use schema_rs::{table_differences, SchemaRsDifferences, TableDifference};
pub use table_shape::{ColumnShape, ColumnTuple, TableShape};
