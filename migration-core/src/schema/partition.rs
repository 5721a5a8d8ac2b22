//! Declarative partitioning (PostgreSQL): a partitioned table's key, and a
//! partition's parent and bounds.
//!
//! A partitioned table is a [`Table`](super::Table) with a
//! [`partition_by`](super::Table::partition_by) key; each partition is a
//! table of its own in the schema, with [`partition_of`](super::Table::partition_of)
//! naming its parent and its bounds. A partition's columns are its
//! parent's: its `columns` stay empty. Its own indexes, constraints and
//! foreign keys (those not inherited from the parent) are its own.
//!
//! ```
//! use retort_core::schema::{Column, PartitionBound, PartitionKey, SqlType, Table};
//!
//! let events = Table::new("events")
//!     .column(Column::new("id", SqlType::BigInt))
//!     .column(Column::new("created_at", SqlType::TimestampTz))
//!     .partition_by(PartitionKey::range(["created_at"]));
//! let january = Table::new("events_2024_01").partition_of(
//!     "events",
//!     PartitionBound::range(["'2024-01-01 00:00:00+00'"], ["'2024-02-01 00:00:00+00'"]),
//! );
//! assert_eq!(events.partition_by.unwrap().to_string(), "RANGE (created_at)");
//! assert_eq!(
//!     january.partition_of.unwrap().bound.to_string(),
//!     "FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2024-02-01 00:00:00+00')"
//! );
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use super::IndexPart;

/// How rows are sent to partitions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartitionMethod {
    /// By ranges of the key (`PARTITION BY RANGE`).
    Range,
    /// By lists of the key's values (`PARTITION BY LIST`).
    List,
    /// By the key's hash (`PARTITION BY HASH`).
    Hash,
}

impl PartitionMethod {
    /// The SQL keyword: `RANGE`, `LIST` or `HASH`.
    pub fn keyword(self) -> &'static str {
        match self {
            PartitionMethod::Range => "RANGE",
            PartitionMethod::List => "LIST",
            PartitionMethod::Hash => "HASH",
        }
    }
}

/// A partitioned table's key: `RANGE (created_at)`, `LIST (region)`,
/// `HASH (id)`, or expressions (`RANGE (date_trunc('day'::text, at))`,
/// kept as PostgreSQL's `pg_get_partkeydef` prints them).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PartitionKey {
    /// The partitioning method.
    pub method: PartitionMethod,
    /// The key's columns and expressions, in key order.
    pub parts: Vec<IndexPart>,
}

impl PartitionKey {
    /// A key of `method` on these columns.
    pub fn new<S: Into<String>>(
        method: PartitionMethod,
        columns: impl IntoIterator<Item = S>,
    ) -> Self {
        PartitionKey {
            method,
            parts: columns
                .into_iter()
                .map(|column| IndexPart::Column(column.into()))
                .collect(),
        }
    }

    /// `RANGE` on these columns.
    pub fn range<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Self {
        PartitionKey::new(PartitionMethod::Range, columns)
    }

    /// `LIST` on these columns.
    pub fn list<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Self {
        PartitionKey::new(PartitionMethod::List, columns)
    }

    /// `HASH` on these columns.
    pub fn hash<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Self {
        PartitionKey::new(PartitionMethod::Hash, columns)
    }
}

/// `RANGE (a, lower(b))`: columns by name, expressions as written.
impl fmt::Display for PartitionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<&str> = self
            .parts
            .iter()
            .map(|part| match part {
                IndexPart::Column(name) | IndexPart::Expression(name) => name.as_str(),
            })
            .collect();
        write!(f, "{} ({})", self.method.keyword(), parts.join(", "))
    }
}

/// Which rows a partition holds. Values are SQL text as PostgreSQL prints
/// them in `pg_get_expr(relpartbound, oid)` (`'2024-01-01 00:00:00+00'`,
/// `42`, `MINVALUE`): a model that writes them the same way compares equal
/// to what the database reads back.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartitionBound {
    /// `FOR VALUES FROM (from) TO (to)`, one value per key part.
    Range {
        /// The lower bounds, included.
        from: Vec<String>,
        /// The upper bounds, excluded.
        to: Vec<String>,
    },
    /// `FOR VALUES IN (values)`.
    List {
        /// The values.
        values: Vec<String>,
    },
    /// `FOR VALUES WITH (MODULUS m, REMAINDER r)`.
    Hash {
        /// The modulus.
        modulus: u32,
        /// The remainder.
        remainder: u32,
    },
    /// `DEFAULT`: the rows no other partition takes.
    Default,
}

impl PartitionBound {
    /// `FOR VALUES FROM (from) TO (to)`.
    pub fn range<S: Into<String>, T: Into<String>>(
        from: impl IntoIterator<Item = S>,
        to: impl IntoIterator<Item = T>,
    ) -> Self {
        PartitionBound::Range {
            from: from.into_iter().map(Into::into).collect(),
            to: to.into_iter().map(Into::into).collect(),
        }
    }

    /// `FOR VALUES IN (values)`.
    pub fn list<S: Into<String>>(values: impl IntoIterator<Item = S>) -> Self {
        PartitionBound::List {
            values: values.into_iter().map(Into::into).collect(),
        }
    }
}

/// The bound as PostgreSQL writes it: `FOR VALUES FROM ('a') TO ('b')`,
/// `FOR VALUES IN (1, 2)`, `FOR VALUES WITH (modulus 4, remainder 0)`,
/// `DEFAULT`.
impl fmt::Display for PartitionBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartitionBound::Range { from, to } => write!(
                f,
                "FOR VALUES FROM ({}) TO ({})",
                from.join(", "),
                to.join(", ")
            ),
            PartitionBound::List { values } => {
                write!(f, "FOR VALUES IN ({})", values.join(", "))
            }
            PartitionBound::Hash { modulus, remainder } => write!(
                f,
                "FOR VALUES WITH (modulus {modulus}, remainder {remainder})"
            ),
            PartitionBound::Default => f.write_str("DEFAULT"),
        }
    }
}

/// What makes a table a partition: its parent and its bounds.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PartitionOf {
    /// The parent's namespace, `None` for the connection's default (as
    /// [`Table::schema`](super::Table::schema)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_schema: Option<String>,
    /// The partitioned parent table.
    pub parent: String,
    /// The rows this partition holds.
    pub bound: PartitionBound,
}
