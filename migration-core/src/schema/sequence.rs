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

/// A sequence: `CREATE SEQUENCE name [START WITH n] [INCREMENT BY m]
/// [MINVALUE n] [MAXVALUE n] [CACHE n] [CYCLE]`, a `bigint` sequence.
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
    /// `MINVALUE`; `None` for the default (1 counting up, the smallest
    /// `bigint` counting down).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<i64>,
    /// `MAXVALUE`; `None` for the default (the largest `bigint` counting
    /// up, -1 counting down).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<i64>,
    /// `CACHE`: how many values a session takes at once; `None` for 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<i64>,
    /// `CYCLE`: past its last value it starts again from its first,
    /// instead of failing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cycle: bool,
}

impl Sequence {
    /// A sequence of the default namespace counting from 1 by 1.
    pub fn new(name: impl Into<String>) -> Self {
        Sequence {
            schema: None,
            name: name.into(),
            start: None,
            increment: None,
            min_value: None,
            max_value: None,
            cache: None,
            cycle: false,
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

    /// This sequence giving no value below `min_value`.
    pub fn min_value(mut self, min_value: i64) -> Self {
        self.min_value = Some(min_value);
        self
    }

    /// This sequence giving no value above `max_value`.
    pub fn max_value(mut self, max_value: i64) -> Self {
        self.max_value = Some(max_value);
        self
    }

    /// This sequence handing `cache` values at once to each session.
    pub fn cache(mut self, cache: i64) -> Self {
        self.cache = Some(cache);
        self
    }

    /// This sequence starting again from its first value once past its
    /// last.
    pub fn cycle(mut self) -> Self {
        self.cycle = true;
        self
    }

    /// Whether it has no `MINVALUE`, `MAXVALUE`, `CACHE` or `CYCLE` of its
    /// own (an identity's sequence, whose options are only start and
    /// increment, may stand for it).
    pub fn has_default_bounds(&self) -> bool {
        let normalized = self.clone().normalized();
        normalized.min_value.is_none()
            && normalized.max_value.is_none()
            && normalized.cache.is_none()
            && !normalized.cycle
    }

    /// Its namespace and name.
    pub fn qualified_name(&self) -> (Option<&str>, &str) {
        (self.schema.as_deref(), &self.name)
    }

    /// The first value it gives: its start, or else its `MINVALUE`
    /// counting up and its `MAXVALUE` counting down.
    pub fn first_value(&self) -> i64 {
        self.start.unwrap_or_else(|| {
            let bound = if self.descending() {
                self.max_value
            } else {
                self.min_value
            };
            bound.unwrap_or_else(|| first_value(None, self.increment))
        })
    }

    /// Whether it counts down.
    fn descending(&self) -> bool {
        self.increment.is_some_and(|increment| increment < 0)
    }

    /// This sequence with each option that is the default spelled as
    /// `None` (or `false`), as the database reads it back.
    pub fn normalized(self) -> Self {
        let increment = self.increment.filter(|&increment| increment != 1);
        let descending = increment.is_some_and(|increment| increment < 0);
        let (default_min, default_max) = if descending {
            (i64::MIN, -1)
        } else {
            (1, i64::MAX)
        };
        let min_value = self.min_value.filter(|&min| min != default_min);
        let max_value = self.max_value.filter(|&max| max != default_max);
        let bounded = Sequence {
            increment,
            min_value,
            max_value,
            start: None,
            ..self.clone()
        };
        let start = self.start.filter(|&start| start != bounded.first_value());
        Sequence {
            start,
            cache: self.cache.filter(|&cache| cache != 1),
            ..bounded
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

    #[test]
    fn default_bounds_read_as_none_and_a_start_at_the_bound_as_no_start() {
        let read = Sequence::new("ring")
            .start(1)
            .increment(1)
            .min_value(1)
            .max_value(i64::MAX)
            .cache(1)
            .normalized();
        assert_eq!(read, Sequence::new("ring"));
        assert!(read.has_default_bounds());
        let down = Sequence::new("down")
            .increment(-1)
            .min_value(i64::MIN)
            .max_value(-1)
            .start(-1)
            .normalized();
        assert_eq!(down, Sequence::new("down").increment(-1));
        let bounded = Sequence::new("ring").min_value(10).max_value(12).cycle();
        assert_eq!(bounded.first_value(), 10);
        assert_eq!(bounded.clone().start(10).normalized(), bounded);
        assert!(!bounded.has_default_bounds());
        assert_eq!(
            Sequence::new("tens")
                .increment(-10)
                .max_value(100)
                .first_value(),
            100
        );
        assert!(!Sequence::new("cached").cache(20).has_default_bounds());
    }
}
