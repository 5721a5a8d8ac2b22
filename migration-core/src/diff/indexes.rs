//! Indexes of kept tables.

use super::tables::KeptTable;
use super::{removed, Op, TableName};
use crate::schema::{Index, Table};

/// Drops the indexes that go away.
pub(super) fn drop(ops: &mut Vec<Op>, pair: &KeptTable<'_>) {
    for index in removed(&pair.from.indexes, &pair.to.indexes) {
        ops.push(Op::DropIndex {
            table: TableName::of(pair.from),
            index: index.clone(),
        });
    }
}

/// Creates the new indexes.
pub(super) fn create(ops: &mut Vec<Op>, pair: &KeptTable<'_>) {
    for index in removed(&pair.to.indexes, &pair.from.indexes) {
        ops.push(Op::CreateIndex {
            table: TableName::of(pair.to),
            index: index.clone(),
        });
    }
}

/// The table's unique indexes, by name: keys a foreign key can rely on.
pub(super) fn unique_indexes(table: &Table) -> Vec<&Index> {
    let mut indexes: Vec<_> = table.indexes.iter().filter(|index| index.unique).collect();
    indexes.sort_by(|a, b| a.name.cmp(&b.name));
    indexes
}
