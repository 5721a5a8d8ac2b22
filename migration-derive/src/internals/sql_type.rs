//! The small parser behind `#[model(sql_type = "...")]`: a type it knows
//! becomes that portable type, anything else stays as written
//! (`SqlType::Custom`).

/// A column type written in `sql_type`, mirroring `retort::SqlType` (without
/// `Enum`, which comes from `#[derive(SqlEnum)]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SqlTypeSpec {
    SmallInt,
    Integer,
    BigInt,
    Real,
    Double,
    Numeric {
        precision: Option<u32>,
        scale: Option<u32>,
    },
    Boolean,
    Text,
    Varchar(u32),
    Char(u32),
    Binary,
    Date,
    Time,
    Timestamp,
    TimestampTz,
    Uuid,
    Json,
    Custom(String),
}

/// Parses a type as a user writes it: case does not matter and spaces are
/// collapsed; what is not a known type is kept, trimmed, as a custom type.
pub fn parse_sql_type(text: &str) -> SqlTypeSpec {
    let normalized = normalize(text);
    let (base, arguments) = match normalized.split_once('(') {
        Some((base, rest)) => match rest.strip_suffix(')') {
            Some(arguments) => (base.trim(), Some(arguments)),
            None => return SqlTypeSpec::Custom(text.trim().to_owned()),
        },
        None => (normalized.as_str(), None),
    };
    let numbers = match arguments.map(parse_numbers) {
        Some(Some(numbers)) => numbers,
        Some(None) => return SqlTypeSpec::Custom(text.trim().to_owned()),
        None => Vec::new(),
    };
    let known = match (base, numbers.as_slice()) {
        ("smallint" | "int2", []) => Some(SqlTypeSpec::SmallInt),
        ("integer" | "int" | "int4", []) => Some(SqlTypeSpec::Integer),
        ("bigint" | "int8", []) => Some(SqlTypeSpec::BigInt),
        ("real" | "float4", []) => Some(SqlTypeSpec::Real),
        ("double precision" | "double" | "float8", []) => Some(SqlTypeSpec::Double),
        ("numeric" | "decimal", []) => Some(SqlTypeSpec::Numeric {
            precision: None,
            scale: None,
        }),
        ("numeric" | "decimal", [precision]) => Some(SqlTypeSpec::Numeric {
            precision: Some(*precision),
            scale: None,
        }),
        ("numeric" | "decimal", [precision, scale]) if scale <= precision => {
            Some(SqlTypeSpec::Numeric {
                precision: Some(*precision),
                scale: Some(*scale),
            })
        }
        ("boolean" | "bool", []) => Some(SqlTypeSpec::Boolean),
        ("text", []) => Some(SqlTypeSpec::Text),
        ("varchar" | "character varying", [length]) if *length > 0 => {
            Some(SqlTypeSpec::Varchar(*length))
        }
        ("char" | "character", [length]) if *length > 0 => Some(SqlTypeSpec::Char(*length)),
        ("bytea" | "blob", []) => Some(SqlTypeSpec::Binary),
        ("date", []) => Some(SqlTypeSpec::Date),
        ("time" | "time without time zone", []) => Some(SqlTypeSpec::Time),
        ("timestamp" | "timestamp without time zone" | "datetime", []) => {
            Some(SqlTypeSpec::Timestamp)
        }
        ("timestamptz" | "timestamp with time zone", []) => Some(SqlTypeSpec::TimestampTz),
        ("uuid", []) => Some(SqlTypeSpec::Uuid),
        ("json" | "jsonb", []) => Some(SqlTypeSpec::Json),
        _ => None,
    };
    known.unwrap_or_else(|| SqlTypeSpec::Custom(text.trim().to_owned()))
}

/// Lowercase, with runs of whitespace made one space and none around
/// parentheses and commas.
pub fn normalize(text: &str) -> String {
    let collapsed = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    collapsed
        .replace(" (", "(")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(" ,", ",")
        .replace(", ", ",")
}

fn parse_numbers(arguments: &str) -> Option<Vec<u32>> {
    arguments
        .split(',')
        .map(|number| number.trim().parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_types_in_any_case_and_spacing() {
        assert_eq!(parse_sql_type("BIGINT"), SqlTypeSpec::BigInt);
        assert_eq!(parse_sql_type("int4"), SqlTypeSpec::Integer);
        assert_eq!(parse_sql_type("smallint"), SqlTypeSpec::SmallInt);
        assert_eq!(parse_sql_type("Double  Precision"), SqlTypeSpec::Double);
        assert_eq!(parse_sql_type("float4"), SqlTypeSpec::Real);
        assert_eq!(parse_sql_type("bool"), SqlTypeSpec::Boolean);
        assert_eq!(parse_sql_type("text"), SqlTypeSpec::Text);
        assert_eq!(parse_sql_type("bytea"), SqlTypeSpec::Binary);
        assert_eq!(parse_sql_type("date"), SqlTypeSpec::Date);
        assert_eq!(parse_sql_type("time"), SqlTypeSpec::Time);
        assert_eq!(parse_sql_type("timestamp"), SqlTypeSpec::Timestamp);
        assert_eq!(
            parse_sql_type("timestamp with time zone"),
            SqlTypeSpec::TimestampTz
        );
        assert_eq!(parse_sql_type("TIMESTAMPTZ"), SqlTypeSpec::TimestampTz);
        assert_eq!(parse_sql_type("uuid"), SqlTypeSpec::Uuid);
        assert_eq!(parse_sql_type("jsonb"), SqlTypeSpec::Json);
        assert_eq!(parse_sql_type("json"), SqlTypeSpec::Json);
    }

    #[test]
    fn types_with_arguments() {
        assert_eq!(parse_sql_type("varchar(20)"), SqlTypeSpec::Varchar(20));
        assert_eq!(
            parse_sql_type("character varying ( 20 )"),
            SqlTypeSpec::Varchar(20)
        );
        assert_eq!(parse_sql_type("CHAR(2)"), SqlTypeSpec::Char(2));
        assert_eq!(
            parse_sql_type("numeric(10, 2)"),
            SqlTypeSpec::Numeric {
                precision: Some(10),
                scale: Some(2)
            }
        );
        assert_eq!(
            parse_sql_type("decimal(8)"),
            SqlTypeSpec::Numeric {
                precision: Some(8),
                scale: None
            }
        );
        assert_eq!(
            parse_sql_type("numeric"),
            SqlTypeSpec::Numeric {
                precision: None,
                scale: None
            }
        );
    }

    #[test]
    fn anything_else_is_kept_as_written() {
        assert_eq!(
            parse_sql_type(" citext "),
            SqlTypeSpec::Custom("citext".into())
        );
        assert_eq!(
            parse_sql_type("geometry(Point, 4326)"),
            SqlTypeSpec::Custom("geometry(Point, 4326)".into())
        );
        assert_eq!(
            parse_sql_type("varchar(0)"),
            SqlTypeSpec::Custom("varchar(0)".into())
        );
        assert_eq!(
            parse_sql_type("numeric(2, 5)"),
            SqlTypeSpec::Custom("numeric(2, 5)".into())
        );
        assert_eq!(
            parse_sql_type("varchar(20"),
            SqlTypeSpec::Custom("varchar(20".into())
        );
        assert_eq!(parse_sql_type("int[]"), SqlTypeSpec::Custom("int[]".into()));
    }
}
