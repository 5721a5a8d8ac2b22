//! Primary keys and unique constraints of kept tables. (Tables created or
//! dropped carry theirs with them.)

use super::tables::KeptTable;
use super::{removed, Op, TableName};

/// Drops the unique constraints that go away.
pub(super) fn drop_uniques(ops: &mut Vec<Op>, pair: &KeptTable<'_>) {
    for unique in removed(&pair.from.uniques, &pair.to.uniques) {
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

/// Adds the new unique constraints.
pub(super) fn add_uniques(ops: &mut Vec<Op>, pair: &KeptTable<'_>) {
    for unique in removed(&pair.to.uniques, &pair.from.uniques) {
        ops.push(Op::AddUnique {
            table: TableName::of(pair.to),
            unique: unique.clone(),
        });
    }
}
