//! The warnings of a diff: destructive ops, and drops and adds that look
//! like renames.

use std::collections::BTreeMap;

use super::{DiffWarning, Op, TableName, WarningKind};
use crate::schema::{Column, SqlType, Table};

/// Destructive ops and drop+add pairs that look like renames.
pub(super) fn warnings_for(ops: &[Op], mut warnings: Vec<DiffWarning>) -> Vec<DiffWarning> {
    for (at, op) in ops.iter().enumerate() {
        if let Some(message) = op.destructive() {
            warnings.push(DiffWarning {
                kind: WarningKind::Destructive,
                op: Some(at),
                message,
            });
        }
    }
    // Drops run before the renames and adds after them, in both directions:
    // follow each dropped column's table through the renames.
    let mut renames: BTreeMap<TableName, TableName> = BTreeMap::new();
    for op in ops {
        if let Op::RenameTable { schema, from, to } = op {
            let from = TableName {
                schema: schema.clone(),
                name: from.clone(),
            };
            let to = TableName {
                schema: schema.clone(),
                name: to.clone(),
            };
            let start = renames
                .iter()
                .find(|(_, now)| **now == from)
                .map(|(start, _)| start.clone())
                .unwrap_or(from);
            renames.insert(start, to);
        }
    }
    let renamed = |table: &TableName| renames.get(table).unwrap_or(table).clone();
    let dropped_columns: BTreeMap<TableName, Vec<&Column>> =
        ops.iter().fold(BTreeMap::new(), |mut dropped, op| {
            if let Op::DropColumn { table, column } = op {
                dropped
                    .entry(renamed(table))
                    .or_insert_with(Vec::new)
                    .push(column);
            }
            dropped
        });
    let dropped_tables: Vec<&Table> = ops
        .iter()
        .filter_map(|op| match op {
            Op::DropTable { table } => Some(table),
            _ => None,
        })
        .collect();
    for (at, op) in ops.iter().enumerate() {
        match op {
            Op::AddColumn { table, column } => {
                let lookalike = dropped_columns.get(table).and_then(|dropped| {
                    // The same name is a column dropped and added again
                    // (a changed generation expression), no rename.
                    dropped
                        .iter()
                        .find(|dropped| dropped.ty == column.ty && dropped.name != column.name)
                });
                if let Some(dropped) = lookalike {
                    warnings.push(DiffWarning {
                        kind: WarningKind::PossibleRename,
                        op: Some(at),
                        message: format!(
                            "column {table}.{} is dropped and {table}.{} added with the same type: if this is a rename, mark the field `#[model(renamed_from = \"{}\")]` to keep its values",
                            dropped.name, column.name, dropped.name
                        ),
                    });
                }
            }
            Op::CreateTable { table } => {
                let shape = |table: &Table| -> Vec<(String, SqlType)> {
                    table
                        .columns
                        .iter()
                        .map(|column| (column.name.clone(), column.ty.clone()))
                        .collect()
                };
                let lookalike = dropped_tables.iter().find(|dropped| {
                    !table.columns.is_empty()
                        && dropped.schema == table.schema
                        && dropped.name != table.name
                        && dropped.columns.len() == table.columns.len()
                        && shape(dropped) == shape(table)
                });
                if let Some(dropped) = lookalike {
                    warnings.push(DiffWarning {
                        kind: WarningKind::PossibleRename,
                        op: Some(at),
                        message: format!(
                            "table {} is dropped and {} created with the same columns: if this is a rename, mark the model `#[model(renamed_from = \"{}\")]` to keep its rows",
                            TableName::of(dropped), TableName::of(table), dropped.name
                        ),
                    });
                }
            }
            _ => {}
        }
    }
    warnings.sort_by_key(|warning| warning.op);
    warnings
}
