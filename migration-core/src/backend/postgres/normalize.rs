//! How PostgreSQL reports types and defaults, read back into the model.
//!
//! Types arrive as `format_type(atttypid, atttypmod)` spells them:
//!
//! | reported | read as |
//! |---|---|
//! | `smallint`, `integer`, `bigint` (and `int2`/`int4`/`int8`, `int`) | `SmallInt`, `Integer`, `BigInt` |
//! | `real`, `double precision` (`float4`, `float8`) | `Real`, `Double` |
//! | `numeric`, `numeric(p,s)` (`decimal`) | `Numeric`; a scale of 0 reads as `None`: `NUMERIC(p)` *is* `numeric(p,0)` |
//! | `boolean`, `text`, `bytea`, `date`, `uuid` | `Boolean`, `Text`, `Binary`, `Date`, `Uuid` |
//! | `character varying(n)`, `character(n)` | `Varchar(n)`, `Char(n)` |
//! | `character varying` (no length) | `VarcharUnbounded` |
//! | `time without time zone`, `timestamp without time zone`, `timestamp with time zone` | `Time`, `Timestamp`, `TimestampTz` |
//! | the same with precision 6 (`timestamp(6) with time zone`): the default and finest precision | `Time`, `Timestamp`, `TimestampTz` |
//! | `jsonb` | `Json` (`json` stays `Custom("json")`) |
//! | `interval`, `inet`, `cidr`, `macaddr`, `tsvector` | `Interval`, `Inet`, `Cidr`, `MacAddr`, `TsVector` |
//! | `t[]` (any dimensions, any size) | `Array(t)`, `t` read by these rules (an enum array by the introspector) |
//! | an enum type | `Enum { name, values }` with the values in sort order (read by the introspector, which knows the type is an enum) |
//! | the same with another precision (`timestamp(3) without time zone`, `time(0) without time zone`) | `TimestampWithPrecision(3)`, `TimeWithPrecision(0)`, `TimestampTzWithPrecision(p)` |
//! | `bit(n)` | `Bit(n)` |
//! | `interval day to second(3)`, `interval(0)`, `interval year` | `IntervalFields { fields, precision }` |
//! | `int4range` ... `daterange`, `int4multirange` ... `datemultirange` | `Range(RangeType)`, `MultiRange(RangeType)` |
//! | `tsquery` | `TsQuery` |
//! | `citext`, `geometry(Point,4326)`, `geography`, qualified or not (`public.citext`) | `CiText`, `Geometry { shape, srid }`, `Geography { shape, srid }`: shape `Geometry` and SRID 0 are none; a geography with a shape and no SRID has 4326 |
//! | anything else: domains, `time(3) with time zone`, `bit varying(n)` | `Custom` as reported (`text[]`, `year`) |
//!
//! The one deliberate exception to "`type_sql(t)` reads back as `t`":
//! `Numeric { precision: Some(p), scale: Some(0) }` reads back with
//! `scale: None` (the same type). Likewise a time type written with
//! precision 6 reads back without it (`TimestampWithPrecision(6)` as
//! `Timestamp`): a rebuild writes `timestamp`, which stores and rounds
//! exactly as `timestamp(6)` does.
//!
//! Defaults arrive as `pg_get_expr` prints them. `nextval(...)` defaults are
//! serial columns: the introspector reports them as `identity` with no
//! default, like `GENERATED ... AS IDENTITY` columns. A literal followed only
//! by casts loses the casts (`'draft'::character varying` → `'draft'`,
//! `'G'::mpaa_rating` → `'G'`); then the shared rules apply (`NULL` → none,
//! booleans `true`/`false`, quoted numbers on numeric columns bare:
//! `'-1'::integer` → `-1`). Other expressions (`now()`, `CURRENT_TIMESTAMP`)
//! are kept as PostgreSQL prints them.

use crate::backend::spelling::{canonical_default, literal_before_casts, TypeSpelling};
use crate::schema::{RangeType, SqlType};

/// Reads a type as `format_type` (or a DDL spelling) gives it.
pub(crate) fn parse_type(reported: &str) -> SqlType {
    // `integer[]`, `integer[][]` and `integer[3]` are one type: PostgreSQL
    // keeps neither dimensions nor sizes.
    let trimmed = reported.trim();
    if let Some(element) = array_element(trimmed) {
        return match parse_type(element) {
            SqlType::Array(inner) => SqlType::Array(inner),
            inner => SqlType::Array(Box::new(inner)),
        };
    }
    if let Some(ty) = parse_interval(trimmed).or_else(|| parse_named(trimmed)) {
        return ty;
    }
    let spelled = TypeSpelling::parse(reported);
    let custom = || SqlType::Custom(reported.trim().to_owned());
    match &spelled.arguments {
        None => match spelled.name.as_str() {
            "smallint" | "int2" => SqlType::SmallInt,
            "integer" | "int" | "int4" => SqlType::Integer,
            "bigint" | "int8" => SqlType::BigInt,
            "real" | "float4" => SqlType::Real,
            "double precision" | "float8" => SqlType::Double,
            "numeric" | "decimal" => SqlType::Numeric {
                precision: None,
                scale: None,
            },
            "boolean" | "bool" => SqlType::Boolean,
            "text" => SqlType::Text,
            "character varying" | "varchar" => SqlType::VarcharUnbounded,
            "bytea" => SqlType::Binary,
            "date" => SqlType::Date,
            "time" | "time without time zone" => SqlType::Time,
            "timestamp" | "timestamp without time zone" => SqlType::Timestamp,
            "timestamptz" | "timestamp with time zone" => SqlType::TimestampTz,
            "uuid" => SqlType::Uuid,
            "jsonb" => SqlType::Json,
            "interval" => SqlType::Interval,
            "inet" => SqlType::Inet,
            "cidr" => SqlType::Cidr,
            "macaddr" => SqlType::MacAddr,
            "tsvector" => SqlType::TsVector,
            _ => custom(),
        },
        // Six digits is PostgreSQL's finest and default precision:
        // `timestamp(6)` is `timestamp`. Other precisions stay as spelled.
        Some(_) if spelled.numbers().as_deref() == Some(&[6]) => {
            match (spelled.name.as_str(), spelled.suffix.as_str()) {
                ("time", "" | "without time zone") => SqlType::Time,
                ("timestamp", "" | "without time zone") => SqlType::Timestamp,
                ("timestamp", "with time zone") | ("timestamptz", "") => SqlType::TimestampTz,
                _ => custom(),
            }
        }
        Some(_) if ["time", "timestamp", "timestamptz"].contains(&spelled.name.as_str()) => {
            match (
                spelled.name.as_str(),
                spelled.suffix.as_str(),
                spelled.numbers().as_deref(),
            ) {
                ("time", "" | "without time zone", Some([digits])) => {
                    SqlType::TimeWithPrecision(*digits)
                }
                ("timestamp", "" | "without time zone", Some([digits])) => {
                    SqlType::TimestampWithPrecision(*digits)
                }
                ("timestamp", "with time zone", Some([digits]))
                | ("timestamptz", "", Some([digits])) => SqlType::TimestampTzWithPrecision(*digits),
                _ => custom(),
            }
        }
        Some(_) if !spelled.suffix.is_empty() => custom(),
        Some(_) => match (spelled.name.as_str(), spelled.numbers().as_deref()) {
            ("character varying" | "varchar", Some([length])) => SqlType::Varchar(*length),
            ("character" | "char" | "bpchar", Some([length])) => SqlType::Char(*length),
            ("bit", Some([length])) => SqlType::Bit(*length),
            ("numeric" | "decimal", Some([precision])) => SqlType::Numeric {
                precision: Some(*precision),
                scale: None,
            },
            ("numeric" | "decimal", Some([precision, scale])) => SqlType::Numeric {
                precision: Some(*precision),
                scale: (*scale != 0).then_some(*scale),
            },
            _ => custom(),
        },
    }
}

/// The fields an interval may be restricted to, as PostgreSQL prints them.
const INTERVAL_FIELDS: [&str; 13] = [
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "second",
    "year to month",
    "day to hour",
    "day to minute",
    "day to second",
    "hour to minute",
    "hour to second",
    "minute to second",
];

/// `interval day to second(3)`, `interval(0)`, `interval year` as
/// [`SqlType::IntervalFields`]; plain `interval` is left to the table of
/// names. `None` for anything else.
fn parse_interval(spelled: &str) -> Option<SqlType> {
    let lower = spelled.to_ascii_lowercase();
    let rest = lower.strip_prefix("interval")?;
    if rest.trim().is_empty() || !rest.starts_with([' ', '(']) {
        return None;
    }
    let (words, precision) = match rest.trim_end().strip_suffix(')') {
        Some(head) => {
            let open = head.rfind('(')?;
            let digits = head[open + 1..].trim().parse::<u32>().ok()?;
            (head[..open].trim(), Some(digits))
        }
        None => (rest.trim(), None),
    };
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    let fields = match words.as_str() {
        "" => None,
        named => Some(
            INTERVAL_FIELDS
                .into_iter()
                .find(|fields| *fields == named)?
                .to_owned(),
        ),
    };
    Some(SqlType::IntervalFields { fields, precision })
}

/// The types read by their name alone, or by their name and a PostGIS
/// modifier: `tsquery`, `citext`, the range and multirange types,
/// `geometry(Point,4326)`, `geography`. An extension's type may come
/// qualified by its schema (`public.citext`, when that schema is not on
/// the search path): the schema is dropped.
fn parse_named(spelled: &str) -> Option<SqlType> {
    let (name, modifier) = match spelled.find('(') {
        Some(open) => (&spelled[..open], Some(spelled[open..].trim())),
        None => (spelled, None),
    };
    let name = name.trim().to_ascii_lowercase();
    let unqualified = name.rsplit('.').next().unwrap_or(&name);
    let extension = |ty: &str| unqualified == ty;
    match modifier {
        None if name == "tsquery" => Some(SqlType::TsQuery),
        None if extension("citext") => Some(SqlType::CiText),
        None => RangeType::from_range_name(&name)
            .map(SqlType::Range)
            .or_else(|| RangeType::from_multirange_name(&name).map(SqlType::MultiRange))
            .or_else(|| spatial(unqualified, None)),
        Some(modifier) => spatial(unqualified, Some(modifier)),
    }
}

/// `geometry`, `geography(Point,4326)`: the shape (`Geometry`, PostGIS's
/// name for any shape, is none) and the SRID (0 is none; a geography's
/// default is 4326).
fn spatial(name: &str, modifier: Option<&str>) -> Option<SqlType> {
    if name != "geometry" && name != "geography" {
        return None;
    }
    let (shape, srid) = match modifier {
        None => (None, None),
        Some(modifier) => {
            let inner = modifier.strip_prefix('(')?.strip_suffix(')')?;
            let mut parts = inner.split(',').map(str::trim);
            let shape = parts.next().filter(|shape| !shape.is_empty())?;
            let srid = match parts.next() {
                Some(srid) => Some(srid.parse::<u32>().ok()?),
                None => None,
            };
            if parts.next().is_some() {
                return None;
            }
            let shape = (!shape.eq_ignore_ascii_case("geometry")).then(|| shape.to_owned());
            (shape, srid.filter(|&srid| srid != 0))
        }
    };
    Some(match name {
        "geometry" => SqlType::Geometry { shape, srid },
        _ => SqlType::Geography {
            srid: srid.or(shape.as_ref().map(|_| 4326)),
            shape,
        },
    })
}

/// The element type's spelling of an array type's (`text` of `text[]`,
/// `integer[]` of `integer[][]`, `int` of `int[3]`).
fn array_element(spelled: &str) -> Option<&str> {
    let open = spelled.strip_suffix(']')?.rfind('[')?;
    let size = &spelled[open + 1..spelled.len() - 1];
    size.chars()
        .all(|ch| ch.is_ascii_digit())
        .then(|| spelled[..open].trim_end())
}

/// Whether a default makes the column a serial one.
// Only PostgreSQL's introspection, compiled with its feature, uses it.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub(crate) fn is_serial_default(reported: &str) -> bool {
    reported.trim_start().starts_with("nextval(")
}

/// Normalizes a default as `pg_get_expr` prints it.
pub(crate) fn normalize_default(ty: &SqlType, reported: &str) -> Option<String> {
    let reported = reported.trim();
    let without_casts = literal_before_casts(reported).unwrap_or(reported);
    let without_casts = if without_casts.to_ascii_uppercase().starts_with("NULL::") {
        "NULL"
    } else {
        without_casts
    };
    if let Some(sequence) = nextval_argument(without_casts) {
        // `nextval('order_numbers')` as PostgreSQL prints it back.
        return Some(format!("nextval({sequence}::regclass)"));
    }
    canonical_default(ty, without_casts)
}

/// The quoted sequence name of a `nextval('name')` or
/// `nextval('name'::regclass)` call.
pub(crate) fn nextval_argument(default: &str) -> Option<&str> {
    let inner = default.strip_prefix("nextval(")?.strip_suffix(')')?.trim();
    let name = inner.strip_suffix("::regclass").unwrap_or(inner).trim();
    (name.starts_with('\'') && name.ends_with('\'') && name.len() >= 2).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::tests::every_type_on;
    use crate::backend::{Backend, PostgresBackend};

    /// What `format_type` reports for each of `type_sql`'s spellings, as seen
    /// on PostgreSQL 15 (the integration tests check it on the server).
    fn reported(ty: &SqlType) -> String {
        match ty {
            SqlType::SmallInt => "smallint".into(),
            SqlType::Integer => "integer".into(),
            SqlType::BigInt => "bigint".into(),
            SqlType::Real => "real".into(),
            SqlType::Double => "double precision".into(),
            SqlType::Numeric {
                precision: Some(p),
                scale,
            } => format!("numeric({p},{})", scale.unwrap_or(0)),
            SqlType::Numeric { .. } => "numeric".into(),
            SqlType::Boolean => "boolean".into(),
            SqlType::Text => "text".into(),
            SqlType::Varchar(n) => format!("character varying({n})"),
            SqlType::VarcharUnbounded => "character varying".into(),
            SqlType::Char(n) => format!("character({n})"),
            SqlType::Binary => "bytea".into(),
            SqlType::Date => "date".into(),
            SqlType::Time => "time without time zone".into(),
            SqlType::Timestamp => "timestamp without time zone".into(),
            SqlType::TimestampTz => "timestamp with time zone".into(),
            SqlType::Uuid => "uuid".into(),
            SqlType::Json => "jsonb".into(),
            SqlType::Enum { name, .. } => name.clone(),
            SqlType::Interval => "interval".into(),
            SqlType::Inet => "inet".into(),
            SqlType::Cidr => "cidr".into(),
            SqlType::MacAddr => "macaddr".into(),
            SqlType::TsVector => "tsvector".into(),
            SqlType::Array(inner) => format!("{}[]", reported(inner)),
            SqlType::Bit(n) => format!("bit({n})"),
            SqlType::TimeWithPrecision(p) => format!("time({p}) without time zone"),
            SqlType::TimestampWithPrecision(p) => format!("timestamp({p}) without time zone"),
            SqlType::TimestampTzWithPrecision(p) => format!("timestamp({p}) with time zone"),
            SqlType::TsQuery => "tsquery".into(),
            // Qualified, as when `public` is not on the search path.
            SqlType::CiText => "public.citext".into(),
            SqlType::IntervalFields { fields, precision } => {
                let fields = fields.as_ref().map(|f| format!(" {f}")).unwrap_or_default();
                let precision = precision.map(|p| format!("({p})")).unwrap_or_default();
                format!("interval{fields}{precision}")
            }
            SqlType::Range(range) => range.range_name().into(),
            SqlType::MultiRange(range) => range.multirange_name().into(),
            SqlType::Geometry { shape, srid } | SqlType::Geography { shape, srid } => {
                let name = if matches!(ty, SqlType::Geometry { .. }) {
                    "geometry"
                } else {
                    "geography"
                };
                match (shape, srid) {
                    (None, None) => name.into(),
                    (shape, srid) => format!(
                        "{name}({},{})",
                        shape.as_deref().unwrap_or("Geometry"),
                        srid.unwrap_or(0)
                    ),
                }
            }
            SqlType::Custom(spelled) => spelled.clone(),
            // MySQL's types: PostgreSQL refuses them (`lacks_type`).
            other => PostgresBackend.type_sql(other),
        }
    }

    #[test]
    fn every_type_reads_back_from_its_catalog_spelling_and_its_ddl() {
        for ty in every_type_on(&PostgresBackend) {
            if matches!(ty, SqlType::Enum { .. }) {
                // Enums are recognized by their pg_type entry, not spelling.
                continue;
            }
            assert_eq!(PostgresBackend.parse_type(&reported(&ty)), ty, "catalog");
            assert_eq!(
                PostgresBackend.parse_type(&PostgresBackend.type_sql(&ty)),
                ty,
                "DDL"
            );
        }
    }

    #[test]
    fn unknown_types_keep_their_spelling() {
        for spelled in [
            "interval week",
            "year",
            "json",
            "time(3) with time zone",
            "time(6) with time zone",
            "bit varying(5)",
            "public.\"bıgınt\"",
        ] {
            assert_eq!(parse_type(spelled), SqlType::Custom(spelled.into()));
        }
        assert_eq!(
            parse_type("numeric(10,0)"),
            SqlType::Numeric {
                precision: Some(10),
                scale: None
            }
        );
    }

    #[test]
    fn arrays_read_as_their_elements_whatever_their_dimensions() {
        let varchar = SqlType::Array(Box::new(SqlType::Varchar(20)));
        assert_eq!(parse_type("character varying(20)[]"), varchar);
        assert_eq!(parse_type("VARCHAR(20)[][]"), varchar);
        assert_eq!(parse_type("varchar(20)[3]"), varchar);
        assert_eq!(
            parse_type("tsquery[]"),
            SqlType::Array(Box::new(SqlType::TsQuery))
        );
        assert_eq!(parse_type("int[x]"), SqlType::Custom("int[x]".into()));
    }

    #[test]
    fn precision_six_is_the_plain_time_type() {
        assert_eq!(
            parse_type("timestamp(6) without time zone"),
            SqlType::Timestamp
        );
        assert_eq!(
            parse_type("timestamp(6) with time zone"),
            SqlType::TimestampTz
        );
        assert_eq!(parse_type("time(6) without time zone"), SqlType::Time);
        assert_eq!(parse_type("timestamp(6)"), SqlType::Timestamp);
    }

    #[test]
    fn defaults_lose_their_casts() {
        let varchar = SqlType::Varchar(20);
        assert_eq!(
            normalize_default(&varchar, "'draft'::character varying").as_deref(),
            Some("'draft'")
        );
        assert_eq!(
            normalize_default(&varchar, "'it''s'::text").as_deref(),
            Some("'it''s'")
        );
        assert_eq!(
            normalize_default(&SqlType::Integer, "'-1'::integer").as_deref(),
            Some("-1")
        );
        assert_eq!(
            normalize_default(&SqlType::Integer, "0").as_deref(),
            Some("0")
        );
        assert_eq!(
            normalize_default(
                &SqlType::Numeric {
                    precision: Some(4),
                    scale: Some(2)
                },
                "4.99"
            )
            .as_deref(),
            Some("4.99")
        );
        assert_eq!(
            normalize_default(&SqlType::Boolean, "true").as_deref(),
            Some("true")
        );
        assert_eq!(
            normalize_default(&SqlType::TimestampTz, "now()").as_deref(),
            Some("now()")
        );
        assert_eq!(
            normalize_default(&SqlType::TimestampTz, "CURRENT_TIMESTAMP").as_deref(),
            Some("CURRENT_TIMESTAMP")
        );
        assert_eq!(normalize_default(&SqlType::Text, "NULL::text"), None);
        assert_eq!(
            normalize_default(&SqlType::Custom("text[]".into()), "'{}'::text[]").as_deref(),
            Some("'{}'")
        );
        assert!(is_serial_default(
            "nextval('public.actor_actor_id_seq'::regclass)"
        ));
        assert!(!is_serial_default("0"));
    }
}
