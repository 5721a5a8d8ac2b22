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
//! | `Range` | `Range<...>` (PostgreSQL) | `(Bound<T>, Bound<T>)`, written so or `sql_type = "int4range"` (`int8range`, `numrange`, `tsrange`, `tstzrange`, `daterange`) |
//! | `MultiRange` | `Multirange<...>` (PostgreSQL) | `Vec<(Bound<T>, Bound<T>)>`, `sql_type = "int4multirange"`, … |
//! | `Array` | `Array<...>` (PostgreSQL) | `Vec<T>`, `sql_type = "integer[]"` (any type above, then `[]`) |
//! | `Interval`, `IntervalFields` | `Interval` (PostgreSQL) | `diesel::pg::data_types::PgInterval`, `sql_type = "interval"` |
//! | `MacAddr` | `MacAddr` (PostgreSQL) | `[u8; 6]`, `sql_type = "macaddr"` |
//! | `CiText` | `Citext` (PostgreSQL) | `String`, `sql_type = "citext"` |
//! | `TinyInt`, `MediumInt`, `Year` | `TinyInt`, `Integer`, `SmallInt` | `i8` (MySQL), `i32`, `i16` |
//! | `UnsignedTinyInt` … `UnsignedBigInt` | `Unsigned<...>` (MySQL) | `u8`, `u16`, `u32` (`MEDIUMINT UNSIGNED` too), `u64`, `sql_type = "int unsigned"`, … |
//! | `Set` | `Text` | `String` (`"red,blue"`), `sql_type = "set('red','blue')"` |
//! | `TinyText` … `LongText`, `TinyBlob` … `LongBlob` | `Text`, `Binary` | `String`, `Vec<u8>` |
//! | `TimeWithPrecision`, `TimestampWithPrecision`, `TimestampTzWithPrecision` | `Time`, `Timestamp`, [`sql_types::TimestampTz`] | as without a precision (`sql_type = "time(3)"`, `"datetime(3)"`, `"timestamp(3) with time zone"`) |
//!
//! The types a database lacks are refused when rendered for it, and their
//! diesel types exist only with that database's feature (`Range`, `Array`,
//! … with `postgres`; `Unsigned` with `mysql`).
//!
//! Any other column type needs `#[model(diesel_type = "...")]` on its field,
//! which names its diesel SQL type (the derive says so at the attribute): the
//! types diesel has no SQL type for (`tsvector` and `tsquery`, PostGIS's
//! `geometry` and `geography`, `bit(n)`: crates such as
//! `diesel_full_text_search` and `postgis_diesel` provide them), an array of
//! an enum, and `inet` and `cidr` (`diesel::sql_types::Inet` and `Cidr`,
//! loaded with diesel's `ipnet-address` or `network-address` feature). A
//! field with `diesel_type` is not checked against its column.
//!
//! `Option<T>` is `Nullable<...>` of `T`'s type.
//!
//! A `#[derive(SqlEnum)]` enum binds as itself in `eq`, inserts and
//! updates; in `eq(Some(..))` on a nullable column and in `eq_any`'s lists
//! diesel binds it through `ToSql`, which needs it to be `Debug`:
//! `#[derive(Debug, SqlEnum)]`.

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
