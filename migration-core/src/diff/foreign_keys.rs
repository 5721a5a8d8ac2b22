//! Foreign keys: the order tables are created and dropped in around them,
//! the keys of kept tables that go away or come, and those that must be
//! dropped and added again because what they rely on changes.

use std::collections::{BTreeMap, BTreeSet};

use super::indexes::unique_indexes;
use super::table_order::{table_order, TableOrder};
use super::tables::{KeptTable, MatchedTables};
use super::{removed, Op, TableName};
use crate::schema::{ForeignKey, IndexPart};

/// What the foreign-key ops of one diff need to know before any is pushed.
pub(super) struct Plan<'a> {
    /// The tables created, in order, with the foreign keys added after.
    pub create: TableOrder,
    /// The tables dropped, in reverse order, with the foreign keys dropped
    /// before.
    pub drop: TableOrder,
    key_changes: BTreeMap<TableName, KeyChanges<'a>>,
}

impl<'a> Plan<'a> {
    pub fn new(tables: &MatchedTables<'a>) -> Self {
        let unstable = unstable_key_tables(tables);
        Plan {
            create: table_order(&tables.created, &unstable),
            drop: table_order(&tables.dropped, &unstable),
            key_changes: key_changes(tables),
        }
    }
}

/// Drops the foreign keys that go away or that what they rely on disturbs
/// (dropped tables' deferred keys first); returns the disturbed ones, to
/// be added again by [`add`].
pub(super) fn drop(
    ops: &mut Vec<Op>,
    tables: &MatchedTables<'_>,
    plan: &Plan<'_>,
) -> Vec<(TableName, ForeignKey)> {
    let mut disturbed_adds: Vec<(TableName, ForeignKey)> = Vec::new();
    for (table, foreign_key) in plan.drop.deferred.iter().rev() {
        ops.push(Op::DropForeignKey {
            table: table.clone(),
            foreign_key: foreign_key.clone(),
        });
    }
    for pair in &tables.kept {
        let name = TableName::of(pair.from);
        let deferrals = deferral_changes(pair, &plan.key_changes);
        for foreign_key in removed(&pair.from.foreign_keys, &pair.to.foreign_keys) {
            if deferrals
                .iter()
                .any(|(old, _)| std::ptr::eq(*old, foreign_key))
            {
                continue;
            }
            ops.push(Op::DropForeignKey {
                table: name.clone(),
                foreign_key: foreign_key.clone(),
            });
        }
        for foreign_key in disturbed_foreign_keys(pair, &plan.key_changes) {
            ops.push(Op::DropForeignKey {
                table: name.clone(),
                foreign_key: foreign_key.clone(),
            });
            disturbed_adds.push((TableName::of(pair.to), foreign_key.clone()));
        }
    }
    disturbed_adds
}

/// Changes the deferral of the foreign keys of kept tables where only that
/// changes, adds their new foreign keys, then the disturbed ones again,
/// then the created tables' deferred ones.
pub(super) fn add(
    ops: &mut Vec<Op>,
    tables: &MatchedTables<'_>,
    plan: &Plan<'_>,
    disturbed_adds: Vec<(TableName, ForeignKey)>,
) {
    for pair in &tables.kept {
        let name = TableName::of(pair.to);
        let deferrals = deferral_changes(pair, &plan.key_changes);
        for (old, new) in &deferrals {
            ops.push(Op::SetForeignKeyDeferral {
                table: name.clone(),
                old: (*old).clone(),
                new: (*new).clone(),
            });
        }
        for foreign_key in removed(&pair.to.foreign_keys, &pair.from.foreign_keys) {
            if deferrals
                .iter()
                .any(|(_, new)| std::ptr::eq(*new, foreign_key))
            {
                continue;
            }
            ops.push(Op::AddForeignKey {
                table: name.clone(),
                foreign_key: foreign_key.clone(),
            });
        }
    }
    for (table, foreign_key) in disturbed_adds {
        ops.push(Op::AddForeignKey { table, foreign_key });
    }
    for (table, foreign_key) in &plan.create.deferred {
        ops.push(Op::AddForeignKey {
            table: table.clone(),
            foreign_key: foreign_key.clone(),
        });
    }
}

/// The foreign keys of a kept table whose deferral alone changes, as
/// (old, new) pairs: changed in place rather than dropped and added
/// again. Not those without a name (the change must name them), nor those
/// the key they rely on or a column type changes under: they are dropped
/// and added again around that change.
fn deferral_changes<'a>(
    pair: &KeptTable<'a>,
    changes: &BTreeMap<TableName, KeyChanges<'_>>,
) -> Vec<(&'a ForeignKey, &'a ForeignKey)> {
    let mut added = removed(&pair.to.foreign_keys, &pair.from.foreign_keys);
    let mut pairs = Vec::new();
    for old in removed(&pair.from.foreign_keys, &pair.to.foreign_keys) {
        if old.name.is_none() || disturbed(pair, changes, old) {
            continue;
        }
        let same_but_deferral = |new: &&ForeignKey| {
            new.deferrable != old.deferrable
                && **new
                    == ForeignKey {
                        deferrable: new.deferrable,
                        ..old.clone()
                    }
        };
        if let Some(at) = added.iter().position(same_but_deferral) {
            pairs.push((old, added.swap_remove(at)));
        }
    }
    pairs
}

/// Tables (by their names on either side) whose primary key, uniques or
/// unique indexes change, or whose columns change type: the foreign keys
/// that tables created or dropped by the diff have onto them are added
/// after the table's new keys, and dropped before its old keys go.
fn unstable_key_tables(tables: &MatchedTables<'_>) -> BTreeSet<TableName> {
    let mut unstable = BTreeSet::new();
    for pair in &tables.kept {
        let keys_change = pair.primary_key_changes()
            || !removed(&pair.from.uniques, &pair.to.uniques).is_empty()
            || !removed(&pair.to.uniques, &pair.from.uniques).is_empty()
            || unique_indexes(pair.from) != unique_indexes(pair.to)
            || pair.columns.iter().any(|(old, new)| old.ty != new.ty);
        if keys_change {
            unstable.insert(TableName::of(pair.from));
            unstable.insert(TableName::of(pair.to));
        }
    }
    unstable
}

/// What changes under the foreign keys that point at one kept table.
#[derive(Default)]
struct KeyChanges<'a> {
    /// The column sets of its keys (primary key, uniques, unique indexes)
    /// that go away or change: a foreign key relies on the key on exactly
    /// its referenced columns, and PostgreSQL and MySQL refuse to drop that
    /// key while the foreign key exists.
    going: Vec<Vec<&'a str>>,
    /// Its columns (by their old names) whose type changes: the foreign
    /// keys on them must be declared again for the new type.
    retyped: Vec<&'a str>,
}

impl KeyChanges<'_> {
    /// Whether a foreign key onto these columns must be dropped first and
    /// added again last.
    fn disturb(&self, referenced_columns: &[String]) -> bool {
        let mut columns: Vec<&str> = referenced_columns.iter().map(String::as_str).collect();
        columns.sort_unstable();
        self.going.contains(&columns)
            || referenced_columns
                .iter()
                .any(|column| self.retyped.contains(&column.as_str()))
    }
}

/// For each kept table (by its names on either side), what changes under
/// the foreign keys that point at it. Keys only added change nothing under
/// them.
fn key_changes<'a>(tables: &MatchedTables<'a>) -> BTreeMap<TableName, KeyChanges<'a>> {
    let sorted = |mut columns: Vec<&'a str>| {
        columns.sort_unstable();
        columns
    };
    let mut changes = BTreeMap::new();
    for pair in &tables.kept {
        let mut going = Vec::new();
        if pair.primary_key_changes() {
            if let Some(key) = &pair.from.primary_key {
                going.push(sorted(key.columns.iter().map(String::as_str).collect()));
            }
        }
        for unique in removed(&pair.from.uniques, &pair.to.uniques) {
            going.push(sorted(unique.columns.iter().map(String::as_str).collect()));
        }
        let (from_indexes, to_indexes) = (unique_indexes(pair.from), unique_indexes(pair.to));
        for index in removed(&from_indexes, &to_indexes) {
            let columns = index.parts.iter().filter_map(|part| match part {
                IndexPart::Column(column) => Some(column.as_str()),
                IndexPart::Expression(_) => None,
            });
            going.push(sorted(columns.collect()));
        }
        let retyped: Vec<&str> = pair
            .columns
            .iter()
            .filter(|(old, new)| old.ty != new.ty)
            .map(|(old, _)| old.name.as_str())
            .collect();
        if going.is_empty() && retyped.is_empty() {
            continue;
        }
        let changed = KeyChanges { going, retyped };
        if TableName::of(pair.to) != TableName::of(pair.from) {
            changes.insert(
                TableName::of(pair.to),
                KeyChanges {
                    going: changed.going.clone(),
                    retyped: changed.retyped.clone(),
                },
            );
        }
        changes.insert(TableName::of(pair.from), changed);
    }
    changes
}

/// Foreign keys of a kept table that stay as they are but must be dropped
/// and added again: the key they rely on goes away or changes, or their
/// own or referenced columns change type. A key added to the referenced
/// table disturbs nothing. (MySQL also needs this around an index on the
/// key's own columns that goes away; its renderer adds that. SQLite
/// renders a key dropped and added again unchanged as nothing.)
fn disturbed_foreign_keys<'a>(
    pair: &KeptTable<'a>,
    changes: &BTreeMap<TableName, KeyChanges<'_>>,
) -> Vec<&'a ForeignKey> {
    pair.from
        .foreign_keys
        .iter()
        .filter(|foreign_key| pair.to.foreign_keys.contains(foreign_key))
        .filter(|foreign_key| disturbed(pair, changes, foreign_key))
        .collect()
}

/// Whether the key `foreign_key` of `pair` relies on, or the type of one
/// of its own or referenced columns, changes.
fn disturbed(
    pair: &KeptTable<'_>,
    changes: &BTreeMap<TableName, KeyChanges<'_>>,
    foreign_key: &ForeignKey,
) -> bool {
    let target = TableName {
        schema: foreign_key.referenced_schema.clone(),
        name: foreign_key.referenced_table.clone(),
    };
    changes
        .get(&target)
        .is_some_and(|changes| changes.disturb(&foreign_key.referenced_columns))
        || pair
            .columns
            .iter()
            .any(|(old, new)| old.ty != new.ty && foreign_key.columns.contains(&old.name))
}
