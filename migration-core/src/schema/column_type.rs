//! Mapping Rust types to column types.

use std::ops::Bound;

use super::{RangeType, SqlType};

/// A Rust type that can be stored in a column: it names the column's
/// [`SqlType`] and whether the column accepts `NULL`.
///
/// `#[derive(Model)]` asks each field's type for its column type through this
/// trait, so the mapping follows the type, not how it is spelled. `Option<T>`
/// is `T`'s type, nullable. `#[derive(SqlEnum)]` implements it for enums.
///
/// | Rust type | [`SqlType`] |
/// | --- | --- |
/// | `bool` | `Boolean` |
/// | `i16`, `i32`, `i64` | `SmallInt`, `Integer`, `BigInt` |
/// | `f32`, `f64` | `Real`, `Double` |
/// | `String` | `Text` |
/// | `Vec<u8>` | `Binary` |
/// | `chrono::NaiveDate`, `NaiveTime`, `NaiveDateTime` (feature `chrono`) | `Date`, `Time`, `Timestamp` |
/// | `chrono::DateTime<Utc>` (feature `chrono`) | `TimestampTz` |
/// | `uuid::Uuid` (feature `uuid`) | `Uuid` |
/// | `serde_json::Value` (feature `serde_json`) | `Json` |
/// | `bigdecimal::BigDecimal` (feature `bigdecimal`) | `Numeric` (database's default precision) |
///
/// Implement it for your own types, such as a newtype:
///
/// ```
/// use retort_core::schema::{ColumnType, SqlType};
///
/// struct Email(String);
///
/// impl ColumnType for Email {
///     fn sql_type() -> SqlType {
///         SqlType::Varchar(320)
///     }
/// }
///
/// assert_eq!(<Option<Email>>::sql_type(), SqlType::Varchar(320));
/// assert_eq!(<Option<Email>>::NULLABLE, true);
/// ```
#[diagnostic::on_unimplemented(
    message = "retort does not know which column type stores `{Self}`",
    label = "`{Self}` does not implement `ColumnType`",
    note = "add `#[model(sql_type = \"...\")]` to the field to name the column type, \
            or implement `retort::ColumnType` for `{Self}`",
    note = "enable retort's `chrono`, `uuid`, `serde_json` or `bigdecimal` feature \
            if `{Self}` comes from one of those crates"
)]
pub trait ColumnType {
    /// Whether the column accepts `NULL`. Only `Option<T>` says yes.
    const NULLABLE: bool = false;

    /// The column's type.
    fn sql_type() -> SqlType;
}

impl<T: ColumnType> ColumnType for Option<T> {
    const NULLABLE: bool = true;

    fn sql_type() -> SqlType {
        T::sql_type()
    }
}

macro_rules! column_types {
    ($($rust:ty => $sql:expr),* $(,)?) => {
        $(
            impl ColumnType for $rust {
                fn sql_type() -> SqlType {
                    $sql
                }
            }
        )*
    };
}

column_types! {
    bool => SqlType::Boolean,
    i16 => SqlType::SmallInt,
    i32 => SqlType::Integer,
    i64 => SqlType::BigInt,
    f32 => SqlType::Real,
    f64 => SqlType::Double,
    String => SqlType::Text,
    Vec<u8> => SqlType::Binary,
    // PostgreSQL's ranges, as diesel reads them: a pair of bounds.
    (Bound<i32>, Bound<i32>) => SqlType::Range(RangeType::Integer),
    (Bound<i64>, Bound<i64>) => SqlType::Range(RangeType::BigInt),
}

#[cfg(feature = "chrono")]
column_types! {
    chrono::NaiveDate => SqlType::Date,
    chrono::NaiveTime => SqlType::Time,
    chrono::NaiveDateTime => SqlType::Timestamp,
    chrono::DateTime<chrono::Utc> => SqlType::TimestampTz,
    (Bound<chrono::NaiveDate>, Bound<chrono::NaiveDate>) => SqlType::Range(RangeType::Date),
    (Bound<chrono::NaiveDateTime>, Bound<chrono::NaiveDateTime>) => {
        SqlType::Range(RangeType::Timestamp)
    },
    (Bound<chrono::DateTime<chrono::Utc>>, Bound<chrono::DateTime<chrono::Utc>>) => {
        SqlType::Range(RangeType::TimestampTz)
    },
}

#[cfg(feature = "uuid")]
column_types! {
    uuid::Uuid => SqlType::Uuid,
}

#[cfg(feature = "serde_json")]
column_types! {
    serde_json::Value => SqlType::Json,
}

#[cfg(feature = "bigdecimal")]
column_types! {
    bigdecimal::BigDecimal => SqlType::Numeric { precision: None, scale: None },
    (Bound<bigdecimal::BigDecimal>, Bound<bigdecimal::BigDecimal>) => {
        SqlType::Range(RangeType::Numeric)
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::schema::derive_support::column;

    #[test]
    fn option_is_the_inner_type_made_nullable() {
        assert_eq!(<Option<i64>>::sql_type(), SqlType::BigInt);
        assert!(column::<Option<i64>>("a").nullable);
        assert!(!column::<i64>("a").nullable);
    }

    #[test]
    fn builtin_types_map_to_their_portable_type() {
        assert_eq!(bool::sql_type(), SqlType::Boolean);
        assert_eq!(i16::sql_type(), SqlType::SmallInt);
        assert_eq!(i32::sql_type(), SqlType::Integer);
        assert_eq!(f32::sql_type(), SqlType::Real);
        assert_eq!(f64::sql_type(), SqlType::Double);
        assert_eq!(String::sql_type(), SqlType::Text);
        assert_eq!(<Vec<u8>>::sql_type(), SqlType::Binary);
        assert_eq!(
            <(Bound<i64>, Bound<i64>)>::sql_type(),
            SqlType::Range(RangeType::BigInt)
        );
    }
}
