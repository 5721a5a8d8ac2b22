//! Enum types, known by name across the schema: created or changed before
//! any column uses them, dropped once no column does.

use std::collections::BTreeMap;

use super::tables::MatchedTables;
use super::{op, DiffWarning, EnumColumn, Op, TableName, WarningKind};
use crate::schema::{Column, Schema, SqlType};

/// The enum types of both sides.
pub(super) struct EnumTypes {
    from: BTreeMap<String, Vec<String>>,
    to: BTreeMap<String, Vec<String>>,
}

impl EnumTypes {
    /// Reads both sides' enum types; a conflicting definition is reported.
    pub fn of(from: &Schema, to: &Schema, warnings: &mut Vec<DiffWarning>) -> Self {
        EnumTypes {
            from: enums_of(from, warnings),
            to: enums_of(to, warnings),
        }
    }
}

/// Creates the new enum types and changes the values of the others.
pub(super) fn create_or_change(ops: &mut Vec<Op>, enums: &EnumTypes, tables: &MatchedTables<'_>) {
    for (name, values) in &enums.to {
        match enums.from.get(name) {
            None => ops.push(Op::CreateEnum {
                name: name.clone(),
                values: values.clone(),
            }),
            Some(old) if old != values => ops.push(op::enum_values_op(
                name.clone(),
                old.clone(),
                values.clone(),
                enum_columns(tables, name),
            )),
            Some(_) => {}
        }
    }
}

/// Drops the enum types no column uses any more.
pub(super) fn drop_unused(ops: &mut Vec<Op>, enums: &EnumTypes) {
    for (name, values) in &enums.from {
        if !enums.to.contains_key(name) {
            ops.push(Op::DropEnum {
                name: name.clone(),
                values: values.clone(),
            });
        }
    }
}

/// Every enum type the schema's columns use, by name; a second, different
/// definition of the same name is reported and ignored.
fn enums_of(schema: &Schema, conflicts: &mut Vec<DiffWarning>) -> BTreeMap<String, Vec<String>> {
    let mut enums: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for table in &schema.tables {
        for column in &table.columns {
            if let SqlType::Enum { name, values } = column.ty.element() {
                match enums.get(name) {
                    Some(known) if known != values => conflicts.push(DiffWarning {
                        kind: WarningKind::ConflictingEnum,
                        op: None,
                        message: format!(
                            "column {}.{} declares enum {name} with values {values:?}, but another column declares it with {known:?}: give the two enums different names",
                            table.name, column.name
                        ),
                    }),
                    Some(_) => {}
                    None => {
                        enums.insert(name.clone(), values.clone());
                    }
                }
            }
        }
    }
    enums
}

/// The columns of the `from` side whose type is the enum `name`, with their
/// default after the diff when they keep that type.
fn enum_columns(tables: &MatchedTables<'_>, name: &str) -> Vec<EnumColumn> {
    let uses =
        |column: &Column| matches!(&column.ty, SqlType::Enum { name: used, .. } if used == name);
    let mut columns = Vec::new();
    let from_tables = tables
        .kept
        .iter()
        .map(|pair| (pair.from, Some(pair)))
        .chain(tables.dropped.iter().map(|table| (*table, None)));
    for (table, pair) in from_tables {
        for column in table.columns.iter().filter(|column| uses(column)) {
            let kept = pair.and_then(|pair| {
                pair.columns
                    .iter()
                    .find(|(old, new)| old.name == column.name && uses(new))
                    .map(|(_, new)| *new)
            });
            columns.push(EnumColumn {
                table: TableName::of(table),
                column: column.name.clone(),
                default: column.default.clone(),
                new_default: kept.and_then(|new| new.default.clone()),
            });
        }
    }
    columns.sort_by(|a, b| (&a.table, &a.column).cmp(&(&b.table, &b.column)));
    columns
}
