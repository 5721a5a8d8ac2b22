//! The portable column types.

use serde::{Deserialize, Serialize};

use super::RangeType;

/// A column's type, spelled the same way for every database.
///
/// Each backend renders these in its own dialect and normalizes what its
/// catalog reports back to them, so a column retort created reads back as the
/// type it meant. A type retort does not model is kept as [`SqlType::Custom`],
/// spelled as the database spells it.
///
/// Some types exist on one database only (PostgreSQL's arrays, MySQL's
/// `SET`): rendering a column of such a type for a database that lacks it
/// fails with [`RenderError::UnsupportedType`] naming the column, rather
/// than writing SQL the database would refuse or read back as another type.
///
/// The enum is `#[non_exhaustive]`: databases have more types than retort
/// models yet, and each one retort learns becomes a new variant, so a
/// `match` needs a `_` arm (a type it does not know can be handled as its
/// [`Display`](std::fmt::Display) spelling).
///
/// [`RenderError::UnsupportedType`]: crate::render::RenderError::UnsupportedType
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SqlType {
    /// A 2-byte integer.
    SmallInt,
    /// A 4-byte integer.
    Integer,
    /// An 8-byte integer.
    BigInt,
    /// A 4-byte floating-point number.
    Real,
    /// An 8-byte floating-point number.
    Double,
    /// An exact decimal number; `None` leaves the database's default.
    Numeric {
        /// Total number of significant digits.
        precision: Option<u32>,
        /// Number of digits after the decimal point.
        scale: Option<u32>,
    },
    /// A boolean (MySQL stores it as `tinyint(1)`).
    Boolean,
    /// Text of unbounded length.
    Text,
    /// Text of at most this many characters.
    Varchar(u32),
    /// `VARCHAR` without a length: text of any length (PostgreSQL's
    /// `character varying`, SQLite's declared `VARCHAR`). MySQL and MariaDB
    /// need a length: there, use [`SqlType::Text`] or [`SqlType::Varchar`].
    VarcharUnbounded,
    /// Text of exactly this many characters, padded.
    Char(u32),
    /// A byte string of unbounded length.
    Binary,
    /// A calendar date.
    Date,
    /// A time of day without a time zone.
    Time,
    /// A date and time without a time zone.
    Timestamp,
    /// A point in time, with a time zone.
    TimestampTz,
    /// A UUID (a native type on PostgreSQL; a fixed-width string elsewhere).
    Uuid,
    /// A JSON document.
    Json,
    /// An enumeration: a named type on PostgreSQL, an inline `ENUM(...)` on
    /// MySQL, a checked text column on SQLite.
    Enum {
        /// The type's name (PostgreSQL's `CREATE TYPE` name).
        name: String,
        /// The allowed values, in their declared order.
        values: Vec<String>,
    },
    /// A span of time (PostgreSQL's `interval`, without a field
    /// restriction or precision).
    Interval,
    /// An IPv4 or IPv6 host address, with an optional netmask (PostgreSQL's
    /// `inet`).
    Inet,
    /// An IPv4 or IPv6 network (PostgreSQL's `cidr`).
    Cidr,
    /// A MAC address (PostgreSQL's `macaddr`).
    MacAddr,
    /// A document prepared for full-text search (PostgreSQL's `tsvector`).
    TsVector,
    /// An array of another type (PostgreSQL's `integer[]`, `varchar(20)[]`,
    /// an enum's `mood[]`). PostgreSQL does not tell a two-dimensional
    /// array's type from a one-dimensional one: `Array(Array(t))` is stored,
    /// and reads back, as `Array(t)`.
    Array(Box<SqlType>),
    /// A 2-byte integer without a sign, 0 to 65535 (MySQL's `SMALLINT
    /// UNSIGNED`).
    UnsignedSmallInt,
    /// A 4-byte integer without a sign (MySQL's `INT UNSIGNED`).
    UnsignedInteger,
    /// An 8-byte integer without a sign (MySQL's `BIGINT UNSIGNED`).
    UnsignedBigInt,
    /// A year, 1901 to 2155 (MySQL's `YEAR`).
    Year,
    /// A set of the allowed values, any number of them at once (MySQL's
    /// `SET('a', 'b')`).
    Set {
        /// The allowed values, in their declared order.
        values: Vec<String>,
    },
    /// A 1-byte integer, -128 to 127 (MySQL's `TINYINT`; `TINYINT(1)` is
    /// [`SqlType::Boolean`]).
    TinyInt,
    /// A 1-byte integer without a sign, 0 to 255 (MySQL's `TINYINT
    /// UNSIGNED`).
    UnsignedTinyInt,
    /// A 3-byte integer (MySQL's `MEDIUMINT`).
    MediumInt,
    /// A 3-byte integer without a sign, 0 to 16777215 (MySQL's `MEDIUMINT
    /// UNSIGNED`).
    UnsignedMediumInt,
    /// Text of at most 255 bytes (MySQL's `TINYTEXT`).
    TinyText,
    /// Text of at most 16 MiB (MySQL's `MEDIUMTEXT`).
    MediumText,
    /// Text of at most 4 GiB (MySQL's `LONGTEXT`).
    LongText,
    /// A byte string of at most 255 bytes (MySQL's `TINYBLOB`).
    TinyBlob,
    /// A byte string of at most 16 MiB (MySQL's `MEDIUMBLOB`).
    MediumBlob,
    /// A byte string of at most 4 GiB (MySQL's `LONGBLOB`).
    LongBlob,
    /// A string of this many bits, 1 to 64 on MySQL (`BIT(n)`; PostgreSQL's
    /// `bit(n)`).
    Bit(u32),
    /// A time of day with this many digits of fractional seconds, 0 to 6
    /// (`TIME(3)`; MySQL's plain `TIME` is `TimeWithPrecision(0)`). Six
    /// digits is [`SqlType::Time`], and reads back as it.
    TimeWithPrecision(u32),
    /// A date and time with this many digits of fractional seconds, 0 to 6
    /// (PostgreSQL's `timestamp(3)`; MySQL's `DATETIME(3)`, and its plain
    /// `DATETIME` is `TimestampWithPrecision(0)`). Six digits is
    /// [`SqlType::Timestamp`], and reads back as it.
    TimestampWithPrecision(u32),
    /// A point in time with this many digits of fractional seconds, 0 to 6
    /// (PostgreSQL's `timestamp(3) with time zone`; MySQL's `TIMESTAMP(3)`,
    /// and its plain `TIMESTAMP` is `TimestampTzWithPrecision(0)`). Six
    /// digits is [`SqlType::TimestampTz`], and reads back as it.
    TimestampTzWithPrecision(u32),
    /// An interval restricted to some fields, or with a precision of
    /// fractional seconds (PostgreSQL's `interval day to second(3)`,
    /// `interval year`, `interval(0)`). Without either it is
    /// [`SqlType::Interval`], and reads back as it.
    IntervalFields {
        /// The fields, lowercase as PostgreSQL prints them: `year`,
        /// `month`, `day`, `hour`, `minute`, `second`, `year to month`,
        /// `day to hour`, `day to minute`, `day to second`, `hour to
        /// minute`, `hour to second` or `minute to second`.
        fields: Option<String>,
        /// Digits of fractional seconds, 0 to 6.
        precision: Option<u32>,
    },
    /// A range of values (PostgreSQL's `int4range`, `tstzrange`, ...).
    Range(RangeType),
    /// A set of non-overlapping ranges (PostgreSQL 14's `int4multirange`,
    /// ...).
    MultiRange(RangeType),
    /// A full-text search query (PostgreSQL's `tsquery`).
    TsQuery,
    /// Case-insensitive text (PostgreSQL's `citext`, from the extension of
    /// that name, which must be created in the database first).
    CiText,
    /// A PostGIS geometry, with an optional shape and spatial reference
    /// (`geometry(Point, 4326)`; the `postgis` extension must be created
    /// in the database first).
    Geometry {
        /// The shape as PostGIS prints it (`Point`, `LineString`,
        /// `Polygon`, `MultiPolygon`, `PointZ`, ...); `None`: any.
        shape: Option<String>,
        /// The spatial reference id (`4326`); `None`: unknown (0).
        srid: Option<u32>,
    },
    /// A PostGIS geography (coordinates on the spheroid), with an optional
    /// shape and spatial reference (`geography(Point, 4326)`). A geography
    /// with a shape and no SRID has 4326, and reads back with it.
    Geography {
        /// The shape, as for [`SqlType::Geometry`].
        shape: Option<String>,
        /// The spatial reference id.
        srid: Option<u32>,
    },
    /// Any other type, spelled as the database spells it.
    Custom(String),
}

impl SqlType {
    /// Whether the type is one of the integer types, signed or not.
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            SqlType::SmallInt
                | SqlType::Integer
                | SqlType::BigInt
                | SqlType::UnsignedSmallInt
                | SqlType::UnsignedInteger
                | SqlType::UnsignedBigInt
                | SqlType::TinyInt
                | SqlType::UnsignedTinyInt
                | SqlType::MediumInt
                | SqlType::UnsignedMediumInt
        )
    }

    /// The type of an array's elements (of the innermost array, for an
    /// array of arrays); any other type itself.
    ///
    /// ```
    /// use retort_core::schema::SqlType;
    ///
    /// let tags = SqlType::Array(Box::new(SqlType::Varchar(20)));
    /// assert_eq!(tags.element(), &SqlType::Varchar(20));
    /// assert_eq!(tags.to_string(), "VARCHAR(20)[]");
    /// ```
    pub fn element(&self) -> &SqlType {
        match self {
            SqlType::Array(inner) => inner.element(),
            other => other,
        }
    }
}

/// The type in words a reader of any database knows: `BIGINT`,
/// `VARCHAR(255)`, `NUMERIC(10, 2)`, an enum by its name and values, a
/// custom type as the database spells it.
///
/// ```
/// use retort_core::schema::SqlType;
///
/// assert_eq!(SqlType::Varchar(255).to_string(), "VARCHAR(255)");
/// assert_eq!(SqlType::Numeric { precision: Some(10), scale: Some(2) }.to_string(), "NUMERIC(10, 2)");
/// ```
impl std::fmt::Display for SqlType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SqlType::SmallInt => f.write_str("SMALLINT"),
            SqlType::Integer => f.write_str("INTEGER"),
            SqlType::BigInt => f.write_str("BIGINT"),
            SqlType::Real => f.write_str("REAL"),
            SqlType::Double => f.write_str("DOUBLE PRECISION"),
            SqlType::Numeric {
                precision: Some(precision),
                scale: Some(scale),
            } => write!(f, "NUMERIC({precision}, {scale})"),
            SqlType::Numeric {
                precision: Some(precision),
                scale: None,
            } => write!(f, "NUMERIC({precision})"),
            SqlType::Numeric { .. } => f.write_str("NUMERIC"),
            SqlType::Boolean => f.write_str("BOOLEAN"),
            SqlType::Text => f.write_str("TEXT"),
            SqlType::Varchar(length) => write!(f, "VARCHAR({length})"),
            SqlType::VarcharUnbounded => f.write_str("VARCHAR"),
            SqlType::Char(length) => write!(f, "CHAR({length})"),
            SqlType::Binary => f.write_str("BINARY"),
            SqlType::Date => f.write_str("DATE"),
            SqlType::Time => f.write_str("TIME"),
            SqlType::Timestamp => f.write_str("TIMESTAMP"),
            SqlType::TimestampTz => f.write_str("TIMESTAMP WITH TIME ZONE"),
            SqlType::Uuid => f.write_str("UUID"),
            SqlType::Json => f.write_str("JSON"),
            SqlType::Enum { name, values } => write!(f, "enum {name} ({})", values.join(", ")),
            SqlType::Interval => f.write_str("INTERVAL"),
            SqlType::Inet => f.write_str("INET"),
            SqlType::Cidr => f.write_str("CIDR"),
            SqlType::MacAddr => f.write_str("MACADDR"),
            SqlType::TsVector => f.write_str("TSVECTOR"),
            SqlType::Array(inner) => write!(f, "{inner}[]"),
            SqlType::UnsignedSmallInt => f.write_str("SMALLINT UNSIGNED"),
            SqlType::UnsignedInteger => f.write_str("INTEGER UNSIGNED"),
            SqlType::UnsignedBigInt => f.write_str("BIGINT UNSIGNED"),
            SqlType::Year => f.write_str("YEAR"),
            SqlType::Set { values } => write!(f, "SET ({})", values.join(", ")),
            SqlType::TinyInt => f.write_str("TINYINT"),
            SqlType::UnsignedTinyInt => f.write_str("TINYINT UNSIGNED"),
            SqlType::MediumInt => f.write_str("MEDIUMINT"),
            SqlType::UnsignedMediumInt => f.write_str("MEDIUMINT UNSIGNED"),
            SqlType::TinyText => f.write_str("TINYTEXT"),
            SqlType::MediumText => f.write_str("MEDIUMTEXT"),
            SqlType::LongText => f.write_str("LONGTEXT"),
            SqlType::TinyBlob => f.write_str("TINYBLOB"),
            SqlType::MediumBlob => f.write_str("MEDIUMBLOB"),
            SqlType::LongBlob => f.write_str("LONGBLOB"),
            SqlType::Bit(length) => write!(f, "BIT({length})"),
            SqlType::TimeWithPrecision(digits) => write!(f, "TIME({digits})"),
            SqlType::TimestampWithPrecision(digits) => write!(f, "TIMESTAMP({digits})"),
            SqlType::TimestampTzWithPrecision(digits) => {
                write!(f, "TIMESTAMP({digits}) WITH TIME ZONE")
            }
            SqlType::IntervalFields { fields, precision } => {
                f.write_str("INTERVAL")?;
                if let Some(fields) = fields {
                    write!(f, " {}", fields.to_uppercase())?;
                }
                match precision {
                    Some(digits) => write!(f, "({digits})"),
                    None => Ok(()),
                }
            }
            SqlType::Range(range) => f.write_str(&range.range_name().to_uppercase()),
            SqlType::MultiRange(range) => f.write_str(&range.multirange_name().to_uppercase()),
            SqlType::TsQuery => f.write_str("TSQUERY"),
            SqlType::CiText => f.write_str("CITEXT"),
            SqlType::Geometry { shape, srid } => spatial(f, "GEOMETRY", shape.as_deref(), *srid),
            SqlType::Geography { shape, srid } => spatial(f, "GEOGRAPHY", shape.as_deref(), *srid),
            SqlType::Custom(spelled) => f.write_str(spelled),
        }
    }
}

/// `GEOMETRY`, `GEOMETRY(Point)`, `GEOMETRY(Point, 4326)`,
/// `GEOMETRY(Geometry, 4326)`: PostGIS's spelling.
fn spatial(
    f: &mut std::fmt::Formatter<'_>,
    name: &str,
    shape: Option<&str>,
    srid: Option<u32>,
) -> std::fmt::Result {
    match (shape, srid) {
        (None, None) => f.write_str(name),
        (Some(shape), None) => write!(f, "{name}({shape})"),
        (shape, Some(srid)) => write!(f, "{name}({}, {srid})", shape.unwrap_or("Geometry")),
    }
}
