//! The order tables are created in: referenced tables first.

use std::collections::BTreeSet;

use super::TableName;
use crate::schema::{ForeignKey, Table};

/// Tables in creation order, and the foreign keys that cannot be declared
/// with their table (they point at a table created later, in a cycle, or at
/// a kept table whose keys change in the same diff): those are added after
/// every table exists. Dropping runs the plan backwards.
pub(super) struct Plan {
    /// The tables, each without its deferred foreign keys.
    pub tables: Vec<Table>,
    /// Foreign keys added separately, by table.
    pub deferred: Vec<(TableName, ForeignKey)>,
}

pub(super) fn plan(tables: &[&Table], unstable: &BTreeSet<TableName>) -> Plan {
    let names: BTreeSet<TableName> = tables.iter().map(|table| TableName::of(table)).collect();
    let target = |foreign_key: &ForeignKey| TableName {
        schema: foreign_key.referenced_schema.clone(),
        name: foreign_key.referenced_table.clone(),
    };
    let mut remaining: Vec<&Table> = tables.to_vec();
    let mut created: BTreeSet<TableName> = BTreeSet::new();
    let mut plan = Plan {
        tables: Vec::new(),
        deferred: Vec::new(),
    };
    while !remaining.is_empty() {
        let ready = remaining.iter().position(|table| {
            let own = TableName::of(table);
            table.foreign_keys.iter().all(|foreign_key| {
                let target = target(foreign_key);
                target == own || !names.contains(&target) || created.contains(&target)
            })
        });
        // In a cycle, the first remaining table goes first and its forward
        // foreign keys are deferred.
        let table = remaining.remove(ready.unwrap_or(0));
        let own = TableName::of(table);
        let mut declared = table.clone();
        declared.foreign_keys.clear();
        for foreign_key in &table.foreign_keys {
            let target = target(foreign_key);
            let inline = target == own
                || if names.contains(&target) {
                    created.contains(&target)
                } else {
                    !unstable.contains(&target)
                };
            if inline {
                declared.foreign_keys.push(foreign_key.clone());
            } else {
                plan.deferred.push((own.clone(), foreign_key.clone()));
            }
        }
        created.insert(own);
        plan.tables.push(declared);
    }
    plan
}
