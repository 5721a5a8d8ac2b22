//! How SQLite reports types and defaults, read back into the model.
//!
//! SQLite keeps each column's declared type as written (`pragma_table_info`
//! returns it verbatim), so nothing is lost or renamed: retort's own
//! spellings (`SMALLINT`, `INTEGER`, `BIGINT`, `REAL`, `DOUBLE`,
//! `NUMERIC(p, s)`, `BOOLEAN`, `TEXT`, `VARCHAR(n)`, `VARCHAR`, `CHAR(n)`, `BLOB`,
//! `DATE`, `TIME`, `TIMESTAMP`, `TIMESTAMPTZ`, `UUID`, `JSON`, and the time
//! types with a precision, `TIMESTAMP(3)`: precision 6 is the plain type),
//! in any letter case, read back as their types; every other declared type reads back as
//! `Custom` exactly as written (Chinook's `NVARCHAR(200)`, `DATETIME`, `INT`).
//!
//! The one deliberate exception: an `Enum` is `TEXT` plus a
//! `CHECK ("col" IN ('a', 'b'))`; the type alone reads back as `Text`, and
//! the introspector turns a `TEXT` column with such a check back into
//! `Enum { name: <the column's name>, values }` and drops the check.
//!
//! Defaults are kept as written in the DDL, then the shared rules apply
//! (`NULL` is no default; on a boolean column `TRUE`/`1` read as `true` and
//! `FALSE`/`0` as `false`; quoted numbers on numeric columns read bare).

use crate::backend::spelling::{canonical_default, TypeSpelling};
use crate::schema::SqlType;

/// Reads a declared type.
pub(crate) fn parse_type(declared: &str) -> SqlType {
    let spelled = TypeSpelling::parse(declared);
    let custom = || SqlType::Custom(declared.trim().to_owned());
    if !spelled.suffix.is_empty() {
        return custom();
    }
    let numbers = match &spelled.arguments {
        None => Vec::new(),
        Some(_) => match spelled.numbers() {
            Some(numbers) => numbers,
            None => return custom(),
        },
    };
    match (spelled.name.as_str(), numbers.as_slice()) {
        ("smallint", []) => SqlType::SmallInt,
        ("integer", []) => SqlType::Integer,
        ("bigint", []) => SqlType::BigInt,
        ("real", []) => SqlType::Real,
        ("double", []) => SqlType::Double,
        ("numeric", []) => SqlType::Numeric {
            precision: None,
            scale: None,
        },
        ("numeric", [precision]) => SqlType::Numeric {
            precision: Some(*precision),
            scale: None,
        },
        ("numeric", [precision, scale]) => SqlType::Numeric {
            precision: Some(*precision),
            scale: Some(*scale),
        },
        ("boolean", []) => SqlType::Boolean,
        ("text", []) => SqlType::Text,
        ("varchar", [length]) => SqlType::Varchar(*length),
        ("varchar", []) => SqlType::VarcharUnbounded,
        ("char", [length]) => SqlType::Char(*length),
        ("blob", []) => SqlType::Binary,
        ("date", []) => SqlType::Date,
        ("time", [] | [6]) => SqlType::Time,
        ("timestamp", [] | [6]) => SqlType::Timestamp,
        ("timestamptz", [] | [6]) => SqlType::TimestampTz,
        ("time", [digits]) => SqlType::TimeWithPrecision(*digits),
        ("timestamp", [digits]) => SqlType::TimestampWithPrecision(*digits),
        ("timestamptz", [digits]) => SqlType::TimestampTzWithPrecision(*digits),
        ("uuid", []) => SqlType::Uuid,
        ("json", []) => SqlType::Json,
        _ => custom(),
    }
}

/// Normalizes a default as written in the DDL.
pub(crate) fn normalize_default(ty: &SqlType, written: &str) -> Option<String> {
    canonical_default(ty, written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::tests::every_type_on;
    use crate::backend::{Backend, SqliteBackend};

    #[test]
    fn every_type_reads_back_from_its_declared_spelling() {
        for ty in every_type_on(&SqliteBackend) {
            let expected = match &ty {
                SqlType::Enum { .. } => SqlType::Text,
                other => other.clone(),
            };
            let declared = SqliteBackend.type_sql(&ty);
            assert_eq!(SqliteBackend.parse_type(&declared), expected, "{declared}");
            assert_eq!(
                SqliteBackend.parse_type(&declared.to_ascii_lowercase()),
                expected
            );
        }
    }

    #[test]
    fn other_declared_types_read_back_as_written() {
        for declared in ["NVARCHAR(200)", "DATETIME", "INT", "", "UNSIGNED BIG INT"] {
            assert_eq!(parse_type(declared), SqlType::Custom(declared.into()));
        }
    }

    #[test]
    fn defaults_read_as_a_model_writes_them() {
        assert_eq!(
            normalize_default(&SqlType::Boolean, "TRUE").as_deref(),
            Some("true")
        );
        assert_eq!(
            normalize_default(&SqlType::Boolean, "0").as_deref(),
            Some("false")
        );
        assert_eq!(
            normalize_default(&SqlType::Text, "'draft'").as_deref(),
            Some("'draft'")
        );
        assert_eq!(normalize_default(&SqlType::Text, "NULL"), None);
        assert_eq!(
            normalize_default(&SqlType::Integer, "'-1'").as_deref(),
            Some("-1")
        );
        assert_eq!(
            normalize_default(&SqlType::Timestamp, "CURRENT_TIMESTAMP").as_deref(),
            Some("CURRENT_TIMESTAMP")
        );
    }
}
