//! Which Rust field types hold which diesel SQL types.

use diesel::sql_types::{
    BigInt, Binary, Bool, Double, Float, Integer, Nullable, SmallInt, SqlType, Text,
};

use super::sql_types::{Enum, SqlEnumType};

/// A Rust field type that can hold the values of a column of diesel SQL
/// type `ST`. `#[model(diesel_table)]` asks it of every field, so a field
/// that cannot hold its column's values (an `i32` for a `BIGINT` column, a
/// non-`Option` for a nullable one) is a compile error at the field.
///
/// Implement it for your own field types, next to diesel's `FromSql` and
/// `ToSql` for that SQL type:
///
/// ```
/// use retort_core::query::HoldsSqlType;
///
/// struct Email(String);
///
/// impl HoldsSqlType<diesel::sql_types::Text> for Email {}
/// ```
#[diagnostic::on_unimplemented(
    message = "a field of type `{Self}` cannot hold the values of its column, of diesel SQL type `{ST}`",
    label = "this type cannot hold the column's values",
    note = "use a field type that holds them (a nullable column needs an `Option`), or change \
            `sql_type`; for a type of your own, implement `retort::query::HoldsSqlType<{ST}>` for it"
)]
pub trait HoldsSqlType<ST> {}

impl<T: HoldsSqlType<ST>, ST: SqlType<IsNull = diesel::sql_types::is_nullable::NotNull>>
    HoldsSqlType<Nullable<ST>> for Option<T>
{
}

impl<E: SqlEnumType> HoldsSqlType<Enum<E>> for E {}

macro_rules! holds {
    ($($rust:ty => $sql:ty),* $(,)?) => {
        $(impl HoldsSqlType<$sql> for $rust {})*
    };
}

holds! {
    bool => Bool,
    i16 => SmallInt,
    i32 => Integer,
    i64 => BigInt,
    f32 => Float,
    f64 => Double,
    String => Text,
    Vec<u8> => Binary,
}

#[cfg(feature = "chrono")]
holds! {
    chrono::NaiveDate => diesel::sql_types::Date,
    chrono::NaiveTime => diesel::sql_types::Time,
    chrono::NaiveDateTime => diesel::sql_types::Timestamp,
}

// diesel loads `DateTime<Utc>` on PostgreSQL and SQLite only.
#[cfg(all(feature = "chrono", any(feature = "postgres", feature = "sqlite")))]
holds! {
    chrono::DateTime<chrono::Utc> => super::sql_types::TimestampTz,
}

// diesel loads `uuid::Uuid` on PostgreSQL only.
#[cfg(all(feature = "uuid", feature = "postgres"))]
holds! {
    uuid::Uuid => super::sql_types::Uuid,
}

#[cfg(feature = "serde_json")]
holds! {
    serde_json::Value => super::sql_types::Json,
}

#[cfg(feature = "bigdecimal")]
holds! {
    bigdecimal::BigDecimal => diesel::sql_types::Numeric,
}

// PostgreSQL's ranges as diesel reads them, a pair of bounds; its
// multiranges, a list of them; its arrays, a `Vec` (of `Option`s where the
// elements may be NULL).
#[cfg(feature = "postgres")]
impl<T: HoldsSqlType<ST>, ST: 'static> HoldsSqlType<diesel::sql_types::Range<ST>>
    for (std::ops::Bound<T>, std::ops::Bound<T>)
{
}

#[cfg(feature = "postgres")]
impl<T: HoldsSqlType<ST>, ST: 'static> HoldsSqlType<diesel::sql_types::Multirange<ST>>
    for Vec<(std::ops::Bound<T>, std::ops::Bound<T>)>
{
}

#[cfg(feature = "postgres")]
impl<T: HoldsSqlType<ST>, ST: 'static> HoldsSqlType<diesel::sql_types::Array<ST>> for Vec<T> {}

#[cfg(feature = "postgres")]
holds! {
    diesel::pg::data_types::PgInterval => diesel::sql_types::Interval,
    [u8; 6] => diesel::sql_types::MacAddr,
    String => diesel::sql_types::Citext,
}

// MySQL's one-byte and unsigned integers.
#[cfg(feature = "mysql")]
holds! {
    i8 => diesel::sql_types::TinyInt,
    u8 => diesel::sql_types::Unsigned<diesel::sql_types::TinyInt>,
    u16 => diesel::sql_types::Unsigned<SmallInt>,
    u32 => diesel::sql_types::Unsigned<Integer>,
    u64 => diesel::sql_types::Unsigned<BigInt>,
}
