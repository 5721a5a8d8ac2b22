//! Sequences (PostgreSQL) that no column owns: numbered by the columns
//! whose default calls `nextval('name')`, one sequence for one column or
//! shared by several tables.
//!
//! A sequence an identity or serial column owns is that column's
//! ([`Column::identity_options`](super::Column::identity_options)), not one
//! of these.
//!
//! ```
//! use retort_core::schema::{Column, Schema, Sequence, SqlType, Table};
//!
//! let schema = Schema::new(vec![Table::new("orders").column(
//!     Column::new("number", SqlType::BigInt).default_expr("nextval('order_numbers')"),
//! )])
//! .sequence(Sequence::new("order_numbers").start(1000));
//! assert_eq!(schema.sequences[0].start, Some(1000));
//! ```

use serde::{Deserialize, Serialize};

/// A sequence: `CREATE SEQUENCE name [START WITH n] [INCREMENT BY m]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Sequence {
    /// The namespace, if not the default.
    #[serde(default)]
    pub schema: Option<String>,
    /// The sequence's name.
    pub name: String,
    /// `START WITH`; `None` for the default (1 counting up, -1 down).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    /// `INCREMENT BY`; `None` for 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub increment: Option<i64>,
}

impl Sequence {
    /// A sequence of the default namespace counting from 1 by 1.
    pub fn new(name: impl Into<String>) -> Self {
        Sequence {
            schema: None,
            name: name.into(),
            start: None,
            increment: None,
        }
    }

    /// This sequence starting at `start`.
    pub fn start(mut self, start: i64) -> Self {
        self.start = Some(start);
        self
    }

    /// This sequence stepping by `increment`.
    pub fn increment(mut self, increment: i64) -> Self {
        self.increment = Some(increment);
        self
    }

    /// Its namespace and name.
    pub fn qualified_name(&self) -> (Option<&str>, &str) {
        (self.schema.as_deref(), &self.name)
    }

    /// The first value it gives.
    pub fn first_value(&self) -> i64 {
        first_value(self.start, self.increment)
    }

    /// This sequence with a start or increment that is the default spelled
    /// as `None`, as the database reads it back.
    pub fn normalized(self) -> Self {
        let (start, increment) = normalized_numbering(self.start, self.increment);
        Sequence {
            start,
            increment,
            ..self
        }
    }
}

/// The first value a sequence with this `START WITH` and `INCREMENT BY`
/// gives: the start, or PostgreSQL's default, 1 counting up and -1 down.
pub(super) fn first_value(start: Option<i64>, increment: Option<i64>) -> i64 {
    match (start, increment) {
        (Some(start), _) => start,
        (None, Some(increment)) if increment < 0 => -1,
        _ => 1,
    }
}

/// `START WITH` and `INCREMENT BY` with a value that is the default
/// spelled as `None`, as the database reads them back: a sequence's, an
/// identity's.
pub(super) fn normalized_numbering(
    start: Option<i64>,
    increment: Option<i64>,
) -> (Option<i64>, Option<i64>) {
    let increment = increment.filter(|&increment| increment != 1);
    let start = start.filter(|&start| start != first_value(None, increment));
    (start, increment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_numbering_reads_as_none_counting_up_or_down() {
        assert_eq!(normalized_numbering(Some(1), Some(1)), (None, None));
        assert_eq!(normalized_numbering(Some(-1), Some(-1)), (None, Some(-1)));
        assert_eq!(normalized_numbering(Some(1), Some(-1)), (Some(1), Some(-1)));
        assert_eq!(
            normalized_numbering(Some(100), Some(5)),
            (Some(100), Some(5))
        );
        assert_eq!(first_value(None, Some(-3)), -1);
    }
}
