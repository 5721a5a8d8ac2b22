//! Primary keys and unique constraints of kept tables. (Tables created or
//! dropped carry theirs with them.)

use super::tables::KeptTable;
use super::{removed, Op, TableName};
use crate::schema::UniqueConstraint;

/// Drops the unique constraints that go away, and those on a column that
/// is dropped and added again.
pub(super) fn drop_uniques(ops: &mut Vec<Op>, pair: &KeptTable<'_>) {
    for unique in changed_uniques(
        &pair.from.uniques,
        &pair.to.uniques,
        &pair.recreated_columns(true),
    ) {
        ops.push(Op::DropUnique {
            table: TableName::of(pair.from),
            unique: unique.clone(),
        });
    }
}

/// Drops the primary key if it is another one after the diff.
pub(super) fn drop_primary_key(ops: &mut Vec<Op>, pair: &KeptTable<'_>) {
    if pair.primary_key_changes() {
        if let Some(primary_key) = &pair.from.primary_key {
            ops.push(Op::DropPrimaryKey {
                table: TableName::of(pair.from),
                primary_key: primary_key.clone(),
            });
        }
    }
}

/// Adds the new primary key, if it is another one.
pub(super) fn add_primary_key(ops: &mut Vec<Op>, pair: &KeptTable<'_>) {
    if pair.primary_key_changes() {
        if let Some(primary_key) = &pair.to.primary_key {
            ops.push(Op::AddPrimaryKey {
                table: TableName::of(pair.to),
                primary_key: primary_key.clone(),
            });
        }
    }
}

/// Adds the new unique constraints, and again those [`drop_uniques`]
/// dropped with a column.
pub(super) fn add_uniques(ops: &mut Vec<Op>, pair: &KeptTable<'_>) {
    for unique in changed_uniques(
        &pair.to.uniques,
        &pair.from.uniques,
        &pair.recreated_columns(false),
    ) {
        ops.push(Op::AddUnique {
            table: TableName::of(pair.to),
            unique: unique.clone(),
        });
    }
}

/// The unique constraints of `old` not in `new`, and those on one of
/// `recreated`.
fn changed_uniques<'a>(
    old: &'a [UniqueConstraint],
    new: &[UniqueConstraint],
    recreated: &[&str],
) -> Vec<&'a UniqueConstraint> {
    let mut changed = removed(old, new);
    for unique in old {
        let on_recreated = unique
            .columns
            .iter()
            .any(|column| recreated.contains(&column.as_str()));
        if on_recreated && !changed.iter().any(|taken| std::ptr::eq(*taken, unique)) {
            changed.push(unique);
        }
    }
    changed
}
