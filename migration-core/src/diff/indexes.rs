//! Indexes of kept tables.

use super::tables::KeptTable;
use super::{removed, Op, TableName};
use crate::schema::{Index, IndexPart, Table};

/// Drops the indexes that go away, and those on a column that is dropped
/// and added again (the database would drop them with it).
pub(super) fn drop(ops: &mut Vec<Op>, pair: &KeptTable<'_>) {
    for index in changed(
        &pair.from.indexes,
        &pair.to.indexes,
        &pair.recreated_columns(true),
    ) {
        ops.push(Op::DropIndex {
            table: TableName::of(pair.from),
            index: index.clone(),
        });
    }
}

/// Creates the new indexes, and again those [`drop`] dropped with a
/// column.
pub(super) fn create(ops: &mut Vec<Op>, pair: &KeptTable<'_>) {
    for index in changed(
        &pair.to.indexes,
        &pair.from.indexes,
        &pair.recreated_columns(false),
    ) {
        ops.push(Op::CreateIndex {
            table: TableName::of(pair.to),
            index: index.clone(),
        });
    }
}

/// The indexes of `old` not in `new`, and those that name one of
/// `recreated` (a column, or a word of an expression or predicate).
fn changed<'a>(old: &'a [Index], new: &[Index], recreated: &[&str]) -> Vec<&'a Index> {
    let mut changed = removed(old, new);
    for index in old {
        if !changed.iter().any(|taken| std::ptr::eq(*taken, index)) && mentions(index, recreated) {
            changed.push(index);
        }
    }
    changed
}

/// Whether `index` names one of `columns`.
pub(super) fn mentions(index: &Index, columns: &[&str]) -> bool {
    let in_text = |text: &str| columns.iter().any(|column| text_names(text, column));
    index.parts.iter().any(|part| match part {
        IndexPart::Column(name) => columns.contains(&name.as_str()),
        IndexPart::Expression(text) => in_text(text),
    }) || index
        .include
        .iter()
        .any(|name| columns.contains(&name.as_str()))
        || index.predicate.as_deref().is_some_and(in_text)
}

/// Whether `text` has `name` as a whole word (quoted or not).
pub(super) fn text_names(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        !word(before) && !word(after)
    })
}

/// The table's unique indexes, by name: keys a foreign key can rely on.
pub(super) fn unique_indexes(table: &Table) -> Vec<&Index> {
    let mut indexes: Vec<_> = table.indexes.iter().filter(|index| index.unique).collect();
    indexes.sort_by(|a, b| a.name.cmp(&b.name));
    indexes
}
