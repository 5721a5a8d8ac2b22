//! PostgreSQL's built-in range types, by their element type.

use serde::{Deserialize, Serialize};

use super::SqlType;

/// The element type of one of PostgreSQL's built-in range (and multirange)
/// types: [`SqlType::Range`]`(RangeType::Integer)` is `int4range`,
/// [`SqlType::MultiRange`]`(RangeType::Integer)` is `int4multirange`.
///
/// ```
/// use retort_core::schema::{RangeType, SqlType};
///
/// assert_eq!(RangeType::TimestampTz.range_name(), "tstzrange");
/// assert_eq!(RangeType::Date.element(), SqlType::Date);
/// assert_eq!(RangeType::from_range_name("int8multirange"), None);
/// assert_eq!(RangeType::from_multirange_name("int8multirange"), Some(RangeType::BigInt));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RangeType {
    /// `int4range`.
    Integer,
    /// `int8range`.
    BigInt,
    /// `numrange`.
    Numeric,
    /// `tsrange`.
    Timestamp,
    /// `tstzrange`.
    TimestampTz,
    /// `daterange`.
    Date,
}

impl RangeType {
    /// Every range type.
    pub const ALL: [RangeType; 6] = [
        RangeType::Integer,
        RangeType::BigInt,
        RangeType::Numeric,
        RangeType::Timestamp,
        RangeType::TimestampTz,
        RangeType::Date,
    ];

    /// The range type's name (`int4range`).
    pub fn range_name(self) -> &'static str {
        match self {
            RangeType::Integer => "int4range",
            RangeType::BigInt => "int8range",
            RangeType::Numeric => "numrange",
            RangeType::Timestamp => "tsrange",
            RangeType::TimestampTz => "tstzrange",
            RangeType::Date => "daterange",
        }
    }

    /// The multirange type's name (`int4multirange`, PostgreSQL 14).
    pub fn multirange_name(self) -> &'static str {
        match self {
            RangeType::Integer => "int4multirange",
            RangeType::BigInt => "int8multirange",
            RangeType::Numeric => "nummultirange",
            RangeType::Timestamp => "tsmultirange",
            RangeType::TimestampTz => "tstzmultirange",
            RangeType::Date => "datemultirange",
        }
    }

    /// The type of the range's bounds.
    pub fn element(self) -> SqlType {
        match self {
            RangeType::Integer => SqlType::Integer,
            RangeType::BigInt => SqlType::BigInt,
            RangeType::Numeric => SqlType::Numeric {
                precision: None,
                scale: None,
            },
            RangeType::Timestamp => SqlType::Timestamp,
            RangeType::TimestampTz => SqlType::TimestampTz,
            RangeType::Date => SqlType::Date,
        }
    }

    /// The range type named `name` (`int4range`), if any.
    pub fn from_range_name(name: &str) -> Option<RangeType> {
        RangeType::ALL
            .into_iter()
            .find(|range| range.range_name() == name)
    }

    /// The range type whose multirange is named `name` (`int4multirange`),
    /// if any.
    pub fn from_multirange_name(name: &str) -> Option<RangeType> {
        RangeType::ALL
            .into_iter()
            .find(|range| range.multirange_name() == name)
    }
}
