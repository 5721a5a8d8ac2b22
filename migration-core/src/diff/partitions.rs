//! Partitioned tables and their partitions (PostgreSQL).
//!
//! - A partition is created after its parent and dropped before it (see
//!   `table_order`); its columns are its parent's, so they are not
//!   compared.
//! - A table that becomes a partition, stops being one or moves to other
//!   bounds is attached or detached ([`Op::SetPartitionOf`]): detached
//!   before any table is dropped, attached once every table exists.
//! - A partition key cannot change in place: a table whose key changes (or
//!   that becomes, or stops being, partitioned) is dropped and created
//!   again with its partitions, and [`WarningKind::Rebuild`] says so and
//!   what to write instead to keep the rows.
//! - The partitions of a partitioned table for which the target declares no
//!   partition at all are left alone: they are managed elsewhere (a
//!   partition manager, a scheduled job), not by the models. Once the
//!   target declares one partition of a table, it declares them all, and
//!   the others are dropped.

use std::collections::BTreeSet;

use super::tables::{KeptTable, MatchedTables};
use super::{DiffWarning, Op, TableName, WarningKind};
use crate::schema::{PartitionOf, Schema, Table};

/// The parent of a partition.
pub(super) fn parent(partition: &PartitionOf) -> TableName {
    TableName {
        schema: partition.parent_schema.clone(),
        name: partition.parent.clone(),
    }
}

/// Whether the columns of a kept table are compared: not when it is, or
/// becomes, a partition (its columns are its parent's).
pub(super) fn compares_columns(pair: &KeptTable<'_>) -> bool {
    pair.from.partition_of.is_none() && pair.to.partition_of.is_none()
}

/// The tables whose partition key changes, which PostgreSQL cannot alter.
fn rekeyed(tables: &MatchedTables<'_>) -> BTreeSet<TableName> {
    tables
        .kept
        .iter()
        .filter(|pair| pair.from.partition_by != pair.to.partition_by)
        .map(|pair| TableName::of(pair.to))
        .collect()
}

/// Sorts the matched tables for partitioning: a table whose key changes is
/// dropped and created again, with its partitions on both sides; the
/// partitions left alone (see the module documentation) are not dropped.
pub(super) fn adjust<'a>(tables: &mut MatchedTables<'a>, to: &'a Schema) {
    let rekeyed = rekeyed(tables);
    // The partitions of a table created again are created again, theirs too.
    let mut rebuilt_names = rekeyed.clone();
    loop {
        let before = rebuilt_names.len();
        for pair in &tables.kept {
            for table in [pair.from, pair.to] {
                let parent = table.partition_of.as_ref().map(parent);
                if parent.is_some_and(|parent| rebuilt_names.contains(&parent)) {
                    rebuilt_names.insert(TableName::of(table));
                }
            }
        }
        if rebuilt_names.len() == before {
            break;
        }
    }
    let rebuilt = |table: &Table| rebuilt_names.contains(&TableName::of(table));
    let (rebuilt_pairs, kept): (Vec<KeptTable<'a>>, Vec<KeptTable<'a>>) =
        std::mem::take(&mut tables.kept)
            .into_iter()
            .partition(|pair| rebuilt(pair.from) || rebuilt(pair.to));
    tables.kept = kept;
    for pair in rebuilt_pairs {
        tables.dropped.push(pair.from);
        tables.created.push(pair.to);
    }
    let declared_parents: BTreeSet<TableName> = to
        .tables
        .iter()
        .filter_map(|table| table.partition_of.as_ref().map(parent))
        .collect();
    let target_tables: BTreeSet<TableName> = to.tables.iter().map(TableName::of).collect();
    tables.dropped.retain(|table| {
        let Some(partition) = &table.partition_of else {
            return true;
        };
        let parent = parent(partition);
        let left_alone = target_tables.contains(&parent)
            && !rekeyed.contains(&parent)
            && !declared_parents.contains(&parent);
        !left_alone
    });
}

/// Detaches the kept tables that stop being partitions, or whose parent or
/// bounds change.
pub(super) fn detach(ops: &mut Vec<Op>, tables: &MatchedTables<'_>) {
    for pair in &tables.kept {
        if let Some(old) = &pair.from.partition_of {
            if pair.to.partition_of.as_ref() != Some(old) {
                ops.push(Op::SetPartitionOf {
                    table: TableName::of(pair.from),
                    old: Some(old.clone()),
                    new: None,
                });
            }
        }
    }
}

/// Attaches the kept tables that become partitions, or whose parent or
/// bounds change (detached by [`detach`]).
pub(super) fn attach(ops: &mut Vec<Op>, tables: &MatchedTables<'_>) {
    for pair in &tables.kept {
        if let Some(new) = &pair.to.partition_of {
            if pair.from.partition_of.as_ref() != Some(new) {
                ops.push(Op::SetPartitionOf {
                    table: TableName::of(pair.to),
                    old: None,
                    new: Some(new.clone()),
                });
            }
        }
    }
}

/// A warning on each table created again because its partition key
/// changes, saying what to write to keep its rows.
pub(super) fn rebuild_warnings(
    ops: &[Op],
    tables: &MatchedTables<'_>,
    warnings: &mut Vec<DiffWarning>,
) {
    let dropped: Vec<&Table> = tables.dropped.clone();
    for (at, op) in ops.iter().enumerate() {
        let Op::CreateTable { table } = op else {
            continue;
        };
        let name = TableName::of(table);
        let Some(old) = dropped.iter().find(|old| TableName::of(old) == name) else {
            continue;
        };
        if old.partition_by == table.partition_by {
            continue;
        }
        let key = |table: &Table| match &table.partition_by {
            Some(key) => format!("PARTITION BY {key}"),
            None => "no partitioning".to_owned(),
        };
        warnings.push(DiffWarning {
            kind: WarningKind::Rebuild,
            op: Some(at),
            message: format!(
                "table {name} goes from {} to {}, which PostgreSQL cannot change in place: it is dropped and created again with its partitions, empty; to keep the rows, edit this revision to create the new table under another name, copy the rows (INSERT INTO ... SELECT ...), drop the old table and rename the new one",
                key(old),
                key(table)
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{diff, Diff};
    use crate::schema::{Column, PartitionBound, PartitionKey, SqlType};

    fn events(key: PartitionKey) -> Table {
        Table::new("events")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("at", SqlType::Date))
            .partition_by(key)
    }

    fn month(name: &str, from: &str) -> Table {
        Table::new(name).partition_of("events", PartitionBound::range([from], ["MAXVALUE"]))
    }

    fn words(diff: &Diff) -> Vec<String> {
        diff.ops().iter().map(ToString::to_string).collect()
    }

    #[test]
    fn partitions_are_created_after_their_parent_and_dropped_before_it() {
        let to = Schema::new(vec![
            month("events_1", "'2024-01-01'"),
            events(PartitionKey::range(["at"])),
        ]);
        let up = diff(&Schema::default(), &to);
        assert_eq!(words(&up), ["add table events", "add table events_1"]);
        assert_eq!(
            words(&up.reverse()),
            ["drop table events_1", "drop table events"]
        );
    }

    #[test]
    fn a_table_that_becomes_a_partition_is_attached_with_its_columns() {
        let plain = Table::new("events_0")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("at", SqlType::Date));
        let from = Schema::new(vec![plain]);
        let to = Schema::new(vec![
            events(PartitionKey::range(["at"])),
            month("events_0", "MINVALUE"),
        ]);
        let up = diff(&from, &to);
        assert_eq!(
            words(&up),
            [
                "add table events",
                "attach events_0 to events FOR VALUES FROM (MINVALUE) TO (MAXVALUE)"
            ]
        );
        assert_eq!(
            words(&up.reverse()),
            ["detach partition events_0 from events", "drop table events"]
        );
    }

    #[test]
    fn undeclared_partitions_are_left_alone_until_one_is_declared() {
        let parent = events(PartitionKey::range(["at"]));
        let from = Schema::new(vec![parent.clone(), month("events_1", "'2024-01-01'")]);
        assert!(diff(&from, &Schema::new(vec![parent.clone()])).is_empty());
        let declared = Schema::new(vec![parent, month("events_2", "'2025-01-01'")]);
        assert_eq!(
            words(&diff(&from, &declared)),
            ["drop table events_1", "add table events_2"]
        );
    }

    #[test]
    fn a_new_key_rebuilds_the_table_and_its_partitions_with_a_warning() {
        let from = Schema::new(vec![
            events(PartitionKey::range(["at"])),
            month("events_1", "'2024-01-01'"),
        ]);
        let to = Schema::new(vec![
            events(PartitionKey::list(["id"])),
            Table::new("events_1").partition_of("events", PartitionBound::list(["1"])),
        ]);
        let up = diff(&from, &to);
        assert_eq!(
            words(&up),
            [
                "drop table events_1",
                "drop table events",
                "add table events",
                "add table events_1"
            ]
        );
        let rebuilds: Vec<&DiffWarning> = up
            .warnings()
            .iter()
            .filter(|warning| warning.kind == WarningKind::Rebuild)
            .collect();
        assert_eq!(rebuilds.len(), 1, "{:?}", up.warnings());
        assert_eq!(rebuilds[0].op, Some(2));
        assert!(up
            .warnings()
            .iter()
            .all(|warning| warning.kind != WarningKind::PossibleRename));
    }
}
