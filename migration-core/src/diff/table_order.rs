//! The order tables are created and dropped in: a topological sort over
//! their foreign keys, referenced tables first, and partitions after their
//! parent.

use std::collections::{BTreeMap, BTreeSet};

use super::TableName;
use crate::schema::{ForeignKey, Table};

/// Tables in creation order, and the foreign keys that cannot be declared
/// with their table (they point at a table created later, in a cycle, or at
/// a kept table whose keys change in the same diff): those are added after
/// every table exists. Dropping runs this order backwards.
pub(super) struct TableOrder {
    /// The tables, each without its deferred foreign keys.
    pub tables: Vec<Table>,
    /// Foreign keys added separately, by table.
    pub deferred: Vec<(TableName, ForeignKey)>,
}

fn target(foreign_key: &ForeignKey) -> TableName {
    TableName {
        schema: foreign_key.referenced_schema.clone(),
        name: foreign_key.referenced_table.clone(),
    }
}

/// Kahn's topological sort over the references between `tables`, taking
/// tables in the given order when several are ready; in a cycle, the first
/// remaining table goes first and its forward foreign keys are deferred.
pub(super) fn table_order(tables: &[&Table], unstable: &BTreeSet<TableName>) -> TableOrder {
    let position: BTreeMap<TableName, usize> = tables
        .iter()
        .enumerate()
        .map(|(at, table)| (TableName::of(table), at))
        .collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); tables.len()];
    let mut waiting_for: Vec<usize> = vec![0; tables.len()];
    for (at, table) in tables.iter().enumerate() {
        // A partition waits for its parent as for a referenced table.
        let parent = table.partition_of.as_ref().map(super::partitions::parent);
        let referenced: BTreeSet<usize> = table
            .foreign_keys
            .iter()
            .map(target)
            .chain(parent)
            .filter_map(|name| position.get(&name).copied())
            .filter(|&other| other != at)
            .collect();
        waiting_for[at] = referenced.len();
        for other in referenced {
            dependents[other].push(at);
        }
    }
    let mut ready: BTreeSet<usize> = (0..tables.len())
        .filter(|&at| waiting_for[at] == 0)
        .collect();
    let mut remaining: BTreeSet<usize> = (0..tables.len()).collect();
    let mut created = vec![false; tables.len()];
    let mut order = TableOrder {
        tables: Vec::with_capacity(tables.len()),
        deferred: Vec::new(),
    };
    while let Some(&next) = ready.first().or_else(|| remaining.first()) {
        ready.remove(&next);
        remaining.remove(&next);
        let table = tables[next];
        let own = TableName::of(table);
        let mut declared = table.clone();
        declared.foreign_keys.clear();
        for foreign_key in &table.foreign_keys {
            let target = target(foreign_key);
            let inline = target == own
                || match position.get(&target) {
                    Some(&other) => created[other],
                    None => !unstable.contains(&target),
                };
            if inline {
                declared.foreign_keys.push(foreign_key.clone());
            } else {
                order.deferred.push((own.clone(), foreign_key.clone()));
            }
        }
        created[next] = true;
        order.tables.push(declared);
        for &dependent in &dependents[next] {
            if !created[dependent] {
                waiting_for[dependent] -= 1;
                if waiting_for[dependent] == 0 {
                    ready.insert(dependent);
                }
            }
        }
    }
    order
}
