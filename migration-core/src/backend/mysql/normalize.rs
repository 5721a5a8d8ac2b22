//! How MySQL and MariaDB report types and defaults, read back into the model.
//!
//! Types arrive as `information_schema.COLUMNS.COLUMN_TYPE` spells them
//! (MariaDB and MySQL 5.7 add display widths: `int(11)`, `bigint(20)`):
//!
//! | reported | read as |
//! |---|---|
//! | `smallint`, `int`, `bigint`, with or without a display width | `SmallInt`, `Integer`, `BigInt` |
//! | `tinyint(1)` (what `BOOLEAN` becomes) | `Boolean` |
//! | `float`, `double` | `Real`, `Double` |
//! | `decimal(p,s)` | `Numeric`; a scale of 0 reads as `None` |
//! | `text`, `blob`, `date`, `json` | `Text`, `Binary`, `Date`, `Json` |
//! | `varchar(n)`, `char(n)` | `Varchar(n)`, `Char(n)` — but `char(36)` reads as `Uuid` |
//! | `time(6)`, `datetime(6)`, `timestamp(6)` | `Time`, `Timestamp`, `TimestampTz` |
//! | `time`, `datetime(3)`, `timestamp` (other precisions, none being 0) | `TimeWithPrecision(0)`, `TimestampWithPrecision(3)`, `TimestampTzWithPrecision(0)` |
//! | `tinyint`, `tinyint(4)`, `mediumint(9)`, with `unsigned` | `TinyInt`, `MediumInt`, `UnsignedTinyInt`, `UnsignedMediumInt` |
//! | `tinytext`, `mediumtext`, `longtext`, `tinyblob`, `mediumblob`, `longblob` | the types of those names |
//! | `bit(n)` (`bit` is `bit(1)`) | `Bit(n)` |
//! | `enum('a','b')` | `Enum` with those values; the introspector names it after its column |
//! | `smallint(5) unsigned`, `int unsigned`, `bigint(20) unsigned` | `UnsignedSmallInt`, `UnsignedInteger`, `UnsignedBigInt` |
//! | `year`, `year(4)` | `Year` |
//! | `set('a','b')` | `Set` with those values |
//! | anything else (`int(5) unsigned zerofill`, `geometry`, `point`) | `Custom` as reported |
//!
//! MariaDB's `JSON` is `longtext` with a `CHECK (json_valid(col))` named
//! after the column: the introspector reads such a column as `Json` and drops
//! that check.
//!
//! Deliberate exceptions to "`type_sql(t)` reads back as `t`":
//!
//! - MySQL has no unconstrained `DECIMAL`: `Numeric { None, None }` is stored
//!   as `decimal(10,0)` and reads back as `Numeric { Some(10), None }`;
//!   `Numeric { Some(p), Some(0) }` reads back with `scale: None`.
//! - `Char(36)` reads back as `Uuid` (retort spells `Uuid` `CHAR(36)`).
//! - Enums are inline: the type's name does not survive, and it reads back
//!   as the column's name.
//! - A time type with precision 6 reads back as the plain type
//!   (`TimestampWithPrecision(6)` as `Timestamp`): retort's `DATETIME(6)`.
//!
//! Defaults arrive as MariaDB prints `COLUMN_DEFAULT` (the introspector
//! quotes MySQL 8's bare literals first): `NULL` is no default, string
//! literals are quoted (`'draft'`), `current_timestamp()` reads as
//! `CURRENT_TIMESTAMP` — and so does `current_timestamp(6)` on `Time`,
//! `Timestamp` and `TimestampTz`, which have microseconds (MariaDB gives a
//! `CURRENT_TIMESTAMP` default the column's precision; other precisions are
//! kept: `CURRENT_TIMESTAMP(3)` on a `TimestampWithPrecision(3)`), and
//! on a boolean column `1`/`0` read as `true`/`false`. String literals read
//! with doubled quotes (`'it''s'` for MariaDB's `'it\'s'`), other
//! backslash escapes as written, and a time literal on a time type with
//! fractional seconds loses the zeros MySQL pads its fraction with (`'12:30:00'` for
//! `'12:30:00.000000'`).

use crate::backend::spelling::{
    canonical_default, literal_list, quote_literal, unquote_literal, TypeSpelling,
};
use crate::schema::SqlType;

/// Reads a type as `COLUMN_TYPE` (or a DDL spelling) gives it. An enum comes
/// back with an empty name, for the introspector to fill in.
pub(crate) fn parse_type(reported: &str) -> SqlType {
    let spelled = TypeSpelling::parse(reported);
    let custom = || SqlType::Custom(reported.trim().to_owned());
    // `smallint(5) unsigned` (MariaDB, MySQL 5.7), `smallint unsigned` (MySQL 8).
    let (name, suffix) = match spelled.name.strip_suffix(" unsigned") {
        Some(name) if spelled.arguments.is_none() => (name, "unsigned"),
        _ => (spelled.name.as_str(), spelled.suffix.as_str()),
    };
    if suffix == "unsigned" {
        let width = spelled.numbers().map_or(0, |numbers| numbers.len());
        return match (name, width) {
            ("tinyint", 0 | 1) => SqlType::UnsignedTinyInt,
            ("smallint", 0 | 1) => SqlType::UnsignedSmallInt,
            ("mediumint", 0 | 1) => SqlType::UnsignedMediumInt,
            ("int" | "integer", 0 | 1) => SqlType::UnsignedInteger,
            ("bigint", 0 | 1) => SqlType::UnsignedBigInt,
            _ => custom(),
        };
    }
    if !suffix.is_empty() {
        return custom();
    }
    if name == "enum" || name == "set" {
        let values = spelled
            .arguments
            .as_ref()
            .and_then(|arguments| literal_list(&arguments.join(",")));
        return match values {
            Some(values) if name == "set" => SqlType::Set { values },
            Some(values) => SqlType::Enum {
                name: String::new(),
                values,
            },
            None => custom(),
        };
    }
    let numbers = match &spelled.arguments {
        None => Vec::new(),
        Some(_) => match spelled.numbers() {
            Some(numbers) => numbers,
            None => return custom(),
        },
    };
    match (spelled.name.as_str(), numbers.as_slice()) {
        ("smallint", [] | [_]) => SqlType::SmallInt,
        ("int" | "integer", [] | [_]) => SqlType::Integer,
        ("bigint", [] | [_]) => SqlType::BigInt,
        ("tinyint" | "bool" | "boolean", [1]) | ("bool" | "boolean", []) => SqlType::Boolean,
        ("tinyint", [] | [_]) => SqlType::TinyInt,
        ("mediumint", [] | [_]) => SqlType::MediumInt,
        ("float", []) => SqlType::Real,
        ("double", []) => SqlType::Double,
        ("decimal" | "numeric", []) => SqlType::Numeric {
            precision: None,
            scale: None,
        },
        ("decimal" | "numeric", [precision]) => SqlType::Numeric {
            precision: Some(*precision),
            scale: None,
        },
        ("decimal" | "numeric", [precision, scale]) => SqlType::Numeric {
            precision: Some(*precision),
            scale: (*scale != 0).then_some(*scale),
        },
        ("text", []) => SqlType::Text,
        ("tinytext", []) => SqlType::TinyText,
        ("mediumtext", []) => SqlType::MediumText,
        ("longtext", []) => SqlType::LongText,
        ("tinyblob", []) => SqlType::TinyBlob,
        ("mediumblob", []) => SqlType::MediumBlob,
        ("longblob", []) => SqlType::LongBlob,
        ("bit", []) => SqlType::Bit(1),
        ("bit", [length]) => SqlType::Bit(*length),
        ("varchar", [length]) => SqlType::Varchar(*length),
        ("char", [36]) => SqlType::Uuid,
        ("char", [length]) => SqlType::Char(*length),
        ("blob", []) => SqlType::Binary,
        ("date", []) => SqlType::Date,
        ("time", [6]) => SqlType::Time,
        ("datetime", [6]) => SqlType::Timestamp,
        ("timestamp", [6]) => SqlType::TimestampTz,
        ("time", []) => SqlType::TimeWithPrecision(0),
        ("datetime", []) => SqlType::TimestampWithPrecision(0),
        ("timestamp", []) => SqlType::TimestampTzWithPrecision(0),
        ("time", [digits]) => SqlType::TimeWithPrecision(*digits),
        ("datetime", [digits]) => SqlType::TimestampWithPrecision(*digits),
        ("timestamp", [digits]) => SqlType::TimestampTzWithPrecision(*digits),
        ("json", []) => SqlType::Json,
        ("year", [] | [4]) => SqlType::Year,
        _ => custom(),
    }
}

/// Normalizes a default as MariaDB prints `COLUMN_DEFAULT`.
pub(crate) fn normalize_default(ty: &SqlType, reported: &str) -> Option<String> {
    let reported = reported.trim();
    let lowered = reported.to_ascii_lowercase();
    if let Some(arguments) = lowered.strip_prefix("current_timestamp") {
        // retort's time types all have microseconds, and MariaDB gives the
        // default the column's precision: `(6)` on them says nothing.
        return Some(match arguments {
            "" | "()" => "CURRENT_TIMESTAMP".to_owned(),
            "(6)" if microseconds(ty) => "CURRENT_TIMESTAMP".to_owned(),
            precision => format!("CURRENT_TIMESTAMP{precision}"),
        });
    }
    let reported = doubled_quotes(reported);
    match unquote_literal(&reported) {
        Some(value) => canonical_default(ty, &quote_literal(without_zero_fraction(ty, &value))),
        None => canonical_default(ty, &reported),
    }
}

/// A string literal with its quotes doubled, as a model writes it: MariaDB
/// prints the default of a `TEXT` or `BLOB` column with backslash-escaped
/// quotes (`'it\'s'`), other defaults with doubled ones (`'it''s'`). Other
/// backslash escapes are kept as they are (the default stays MySQL's SQL);
/// anything but one literal is returned unchanged.
fn doubled_quotes(reported: &str) -> String {
    let Some(inner) = reported
        .strip_prefix('\'')
        .and_then(|rest| rest.strip_suffix('\''))
    else {
        return reported.to_owned();
    };
    let mut literal = String::with_capacity(reported.len());
    literal.push('\'');
    let mut chars = inner.chars();
    while let Some(ch) = chars.next() {
        match (ch, chars.clone().next()) {
            ('\\', Some('\'')) => {
                chars.next();
                literal.push_str("''");
            }
            ('\\', Some(next)) => {
                chars.next();
                literal.push(ch);
                literal.push(next);
            }
            _ => literal.push(ch),
        }
    }
    literal.push('\'');
    literal
}

/// A time literal without the zeros MySQL pads its fraction with to the
/// column's precision on time types that keep fractions: `'12:00:00.000000'`
/// is `'12:00:00'`, `'12:00:00.500000'` is `'12:00:00.5'`.
fn without_zero_fraction<'v>(ty: &SqlType, value: &'v str) -> &'v str {
    match value.rsplit_once('.') {
        Some((_, fraction))
            if fractional_seconds(ty)
                && !fraction.is_empty()
                && fraction.bytes().all(|digit| digit.is_ascii_digit()) =>
        {
            value.trim_end_matches('0').trim_end_matches('.')
        }
        _ => value,
    }
}

/// Whether retort gives the type microseconds (`TIME(6)`, `DATETIME(6)`,
/// `TIMESTAMP(6)`).
fn microseconds(ty: &SqlType) -> bool {
    matches!(
        ty,
        SqlType::Time | SqlType::Timestamp | SqlType::TimestampTz
    )
}

/// Whether the time type keeps fractional seconds, whose literals MySQL pads
/// with zeros to the column's precision.
fn fractional_seconds(ty: &SqlType) -> bool {
    match ty {
        SqlType::TimeWithPrecision(digits)
        | SqlType::TimestampWithPrecision(digits)
        | SqlType::TimestampTzWithPrecision(digits) => *digits > 0,
        other => microseconds(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::tests::every_type_on;
    use crate::backend::{Backend, MysqlBackend};

    /// What MariaDB 10.11 reports in `COLUMN_TYPE` for each of `type_sql`'s
    /// spellings (the integration tests check it on the server).
    fn reported(ty: &SqlType) -> String {
        match ty {
            SqlType::SmallInt => "smallint(6)".into(),
            SqlType::Integer => "int(11)".into(),
            SqlType::BigInt => "bigint(20)".into(),
            SqlType::Numeric {
                precision: Some(p),
                scale,
            } => format!("decimal({p},{})", scale.unwrap_or(0)),
            SqlType::Numeric { .. } => "decimal(10,0)".into(),
            SqlType::Boolean => "tinyint(1)".into(),
            SqlType::UnsignedSmallInt => "smallint(5) unsigned".into(),
            SqlType::TinyInt => "tinyint(4)".into(),
            SqlType::UnsignedTinyInt => "tinyint(3) unsigned".into(),
            SqlType::MediumInt => "mediumint(9)".into(),
            SqlType::UnsignedMediumInt => "mediumint(8) unsigned".into(),
            SqlType::TimeWithPrecision(0) => "time".into(),
            SqlType::TimestampWithPrecision(0) => "datetime".into(),
            SqlType::TimestampTzWithPrecision(0) => "timestamp".into(),
            SqlType::UnsignedInteger => "int(10) unsigned".into(),
            SqlType::UnsignedBigInt => "bigint(20) unsigned".into(),
            SqlType::Year => "year(4)".into(),
            SqlType::Enum { values, .. } => format!(
                "enum({})",
                values
                    .iter()
                    .map(|value| format!("'{}'", value.replace('\'', "''")))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            other => MysqlBackend.type_sql(other).to_ascii_lowercase(),
        }
    }

    /// The documented exceptions: what a type reads back as on MySQL.
    fn stored(ty: &SqlType) -> SqlType {
        match ty {
            SqlType::Numeric {
                precision: None,
                scale: None,
            } => SqlType::Numeric {
                precision: Some(10),
                scale: None,
            },
            SqlType::Enum { values, .. } => SqlType::Enum {
                name: String::new(),
                values: values.clone(),
            },
            other => other.clone(),
        }
    }

    #[test]
    fn every_type_reads_back_from_its_catalog_spelling() {
        for ty in every_type_on(&MysqlBackend) {
            assert_eq!(
                MysqlBackend.parse_type(&reported(&ty)),
                stored(&ty),
                "{ty:?}"
            );
        }
    }

    #[test]
    fn mysql_8_spellings_without_display_widths_read_the_same() {
        assert_eq!(parse_type("int"), SqlType::Integer);
        assert_eq!(parse_type("bigint"), SqlType::BigInt);
        assert_eq!(parse_type("tinyint(1)"), SqlType::Boolean);
        assert_eq!(parse_type("char(36)"), SqlType::Uuid);
    }

    #[test]
    fn unknown_types_keep_their_spelling() {
        for spelled in [
            "int(10) unsigned zerofill",
            "geometry",
            "tinyint(3) zerofill",
        ] {
            assert_eq!(parse_type(spelled), SqlType::Custom(spelled.into()));
        }
    }

    #[test]
    fn small_integers_sized_text_bits_and_time_precisions_in_each_servers_spelling() {
        for (spelled, ty) in [
            ("tinyint(4)", SqlType::TinyInt),
            ("tinyint", SqlType::TinyInt),
            ("tinyint(3) unsigned", SqlType::UnsignedTinyInt),
            ("tinyint unsigned", SqlType::UnsignedTinyInt),
            ("mediumint(9)", SqlType::MediumInt),
            ("mediumint(8) unsigned", SqlType::UnsignedMediumInt),
            ("longtext", SqlType::LongText),
            ("mediumblob", SqlType::MediumBlob),
            ("bit(1)", SqlType::Bit(1)),
            ("bit(64)", SqlType::Bit(64)),
            ("datetime", SqlType::TimestampWithPrecision(0)),
            ("datetime(3)", SqlType::TimestampWithPrecision(3)),
            ("datetime(6)", SqlType::Timestamp),
            ("timestamp", SqlType::TimestampTzWithPrecision(0)),
            ("time(3)", SqlType::TimeWithPrecision(3)),
            ("time", SqlType::TimeWithPrecision(0)),
        ] {
            assert_eq!(parse_type(spelled), ty, "{spelled}");
        }
    }

    #[test]
    fn unsigned_integers_year_and_set_in_each_servers_spelling() {
        assert_eq!(
            parse_type("smallint(5) unsigned"),
            SqlType::UnsignedSmallInt
        );
        assert_eq!(parse_type("int(10) unsigned"), SqlType::UnsignedInteger);
        assert_eq!(parse_type("int unsigned"), SqlType::UnsignedInteger);
        assert_eq!(parse_type("bigint(20) unsigned"), SqlType::UnsignedBigInt);
        assert_eq!(parse_type("year(4)"), SqlType::Year);
        assert_eq!(parse_type("year"), SqlType::Year);
        assert_eq!(
            parse_type("set('a','it''s')"),
            SqlType::Set {
                values: vec!["a".into(), "it's".into()]
            }
        );
    }

    #[test]
    fn escaped_quotes_and_zero_microseconds_read_in_standard_form() {
        assert_eq!(
            normalize_default(&SqlType::Text, r"'it\'s'").as_deref(),
            Some("'it''s'")
        );
        assert_eq!(
            normalize_default(&SqlType::Text, "'it''s'").as_deref(),
            Some("'it''s'")
        );
        assert_eq!(
            normalize_default(&SqlType::Time, "'12:30:00.000000'").as_deref(),
            Some("'12:30:00'")
        );
        assert_eq!(
            normalize_default(&SqlType::Time, "'12:30:00.250000'").as_deref(),
            Some("'12:30:00.25'")
        );
        assert_eq!(
            normalize_default(&SqlType::Text, "'1.000'").as_deref(),
            Some("'1.000'")
        );
    }

    #[test]
    fn defaults_read_as_a_model_writes_them() {
        assert_eq!(normalize_default(&SqlType::Text, "NULL"), None);
        assert_eq!(
            normalize_default(&SqlType::Varchar(9), "'draft'").as_deref(),
            Some("'draft'")
        );
        assert_eq!(
            normalize_default(&SqlType::Boolean, "1").as_deref(),
            Some("true")
        );
        assert_eq!(
            normalize_default(&SqlType::Boolean, "0").as_deref(),
            Some("false")
        );
        assert_eq!(
            normalize_default(&SqlType::Integer, "-1").as_deref(),
            Some("-1")
        );
        assert_eq!(
            normalize_default(&SqlType::TimestampTz, "current_timestamp()").as_deref(),
            Some("CURRENT_TIMESTAMP")
        );
        assert_eq!(
            normalize_default(&SqlType::TimestampTz, "current_timestamp(6)").as_deref(),
            Some("CURRENT_TIMESTAMP")
        );
        assert_eq!(
            normalize_default(&SqlType::Time, "'12:00:00.000000'").as_deref(),
            Some("'12:00:00'"),
            "MariaDB pads a time default to the column's microseconds"
        );
        assert_eq!(
            normalize_default(&SqlType::Timestamp, "'2024-01-01 00:00:00.500000'").as_deref(),
            Some("'2024-01-01 00:00:00.5'")
        );
        assert_eq!(
            normalize_default(&SqlType::Varchar(20), "'1.000000'").as_deref(),
            Some("'1.000000'"),
            "only time types are padded"
        );
        assert_eq!(
            normalize_default(&SqlType::Text, r"'it\'s'").as_deref(),
            Some("'it''s'"),
            "MariaDB escapes the quote in a TEXT column's default"
        );
        assert_eq!(
            normalize_default(&SqlType::Text, r"'a\\b'").as_deref(),
            Some(r"'a\\b'"),
            "other escapes stay as a MySQL model writes them"
        );
        let datetime_3 = SqlType::TimestampWithPrecision(3);
        assert_eq!(
            normalize_default(&datetime_3, "current_timestamp(3)").as_deref(),
            Some("CURRENT_TIMESTAMP(3)")
        );
        assert_eq!(
            normalize_default(&datetime_3, "'2024-01-01 00:00:00.500'").as_deref(),
            Some("'2024-01-01 00:00:00.5'")
        );
        assert_eq!(
            normalize_default(&SqlType::TimestampTzWithPrecision(0), "current_timestamp()")
                .as_deref(),
            Some("CURRENT_TIMESTAMP")
        );
    }
}
