//! Carrying out ops on a schema value, as a database carries out their
//! SQL: what a diff leaves of a schema without a database to ask.
//!
//! Autogenerate uses it to write one change for several databases: the
//! connected database's diff, reversed onto the models, gives the models
//! as they were before the change, from which each other database's own
//! diff follows in that database's spelling.

use super::op::{Op, TableName};
use crate::schema::{Column, Schema, SqlType, Table};

/// `schema` after `ops`, in order. An op that names a table or column the
/// schema does not have changes nothing.
pub(crate) fn apply(mut schema: Schema, ops: &[Op]) -> Schema {
    for op in ops {
        apply_op(&mut schema, op);
    }
    schema
}

fn table_mut<'s>(schema: &'s mut Schema, name: &TableName) -> Option<&'s mut Table> {
    schema
        .tables
        .iter_mut()
        .find(|table| TableName::of(table) == *name)
}

fn column_mut<'t>(table: &'t mut Table, name: &str) -> Option<&'t mut Column> {
    table.columns.iter_mut().find(|column| column.name == name)
}

/// Sets the values of the enum columns an enum op lists.
fn set_enum_values(schema: &mut Schema, op: &Op) {
    let (Op::AddEnumValues {
        name,
        new_values,
        columns,
        ..
    }
    | Op::ReplaceEnumValues {
        name,
        new_values,
        columns,
        ..
    }) = op
    else {
        return;
    };
    for enum_column in columns {
        let Some(table) = table_mut(schema, &enum_column.table) else {
            continue;
        };
        if let Some(column) = column_mut(table, &enum_column.column) {
            column.ty = SqlType::Enum {
                name: name.clone(),
                values: new_values.clone(),
            };
            column.default.clone_from(&enum_column.new_default);
        }
    }
}

fn apply_op(schema: &mut Schema, op: &Op) {
    match op {
        // Enum types live in their columns' types.
        Op::CreateEnum { .. } | Op::DropEnum { .. } => {}
        Op::AddEnumValues { .. } | Op::ReplaceEnumValues { .. } => set_enum_values(schema, op),
        Op::CreateSequence { sequence } => schema.sequences.push(sequence.clone()),
        Op::DropSequence { sequence } => schema
            .sequences
            .retain(|kept| kept.qualified_name() != sequence.qualified_name()),
        Op::AlterSequence { new, .. } => {
            for sequence in &mut schema.sequences {
                if sequence.qualified_name() == new.qualified_name() {
                    *sequence = new.clone();
                }
            }
        }
        Op::CreateExtension { extension } => schema.extensions.push(extension.clone()),
        Op::DropExtension { extension } => schema.extensions.retain(|kept| kept != extension),
        Op::CreateDomain { domain } => schema.domains.push(domain.clone()),
        Op::DropDomain { domain } => schema
            .domains
            .retain(|kept| kept.qualified_name() != domain.qualified_name()),
        Op::AlterDomain { new, .. } => {
            for domain in &mut schema.domains {
                if domain.qualified_name() == new.qualified_name() {
                    *domain = new.clone();
                }
            }
        }
        Op::CreateTable { table } => schema.tables.push(table.clone()),
        Op::DropTable { table } => {
            let name = TableName::of(table);
            schema.tables.retain(|kept| TableName::of(kept) != name);
        }
        Op::RenameTable {
            schema: namespace,
            from,
            to,
        } => {
            let name = TableName {
                schema: namespace.clone(),
                name: from.clone(),
            };
            if let Some(table) = table_mut(schema, &name) {
                table.name.clone_from(to);
            }
        }
        Op::CreateFunction { function } => schema.functions.push(function.clone()),
        Op::DropFunction { function } => remove_first(&mut schema.functions, function),
        Op::ReplaceFunction { old, new } => {
            remove_first(&mut schema.functions, old);
            schema.functions.push(new.clone());
        }
        Op::CreateView { view } => schema.views.push(view.clone()),
        Op::DropView { view } => remove_first(&mut schema.views, view),
        Op::CreateTrigger { trigger } => schema.triggers.push(trigger.clone()),
        Op::DropTrigger { trigger } => remove_first(&mut schema.triggers, trigger),
        _ => {
            let Some(name) = op.table() else { return };
            if let Some(table) = table_mut(schema, &name) {
                apply_to_table(table, op);
            }
        }
    }
}

fn apply_to_table(table: &mut Table, op: &Op) {
    match op {
        Op::AddColumn { column, .. } => table.columns.push(column.clone()),
        Op::DropColumn { column, .. } => table.columns.retain(|kept| kept.name != column.name),
        Op::RenameColumn { from, to, .. } => {
            if let Some(column) = column_mut(table, from) {
                column.name.clone_from(to);
            }
            for key in table.primary_key.iter_mut() {
                rename_in(&mut key.columns, from, to);
            }
        }
        Op::AlterColumn { old, new, .. } | Op::SetColumnGeneration { old, new, .. } => {
            if let Some(column) = column_mut(table, &old.name) {
                *column = new.clone();
            }
        }
        Op::SetTableComment { new, .. } => table.comment.clone_from(new),
        Op::SetTableCollation { new, .. } => table.collation.clone_from(new),
        Op::SetSqliteTableOptions { new, .. } => table.sqlite_options = *new,
        Op::SetTableEngine { new, .. } => table.engine.clone_from(new),
        Op::SetPartitionOf { new, .. } => table.partition_of.clone_from(new),
        Op::CreateIndex { index, .. } => table.indexes.push(index.clone()),
        Op::DropIndex { index, .. } => table.indexes.retain(|kept| kept.name != index.name),
        Op::AddPrimaryKey { primary_key, .. } => table.primary_key = Some(primary_key.clone()),
        Op::DropPrimaryKey { .. } => table.primary_key = None,
        Op::AddUnique { unique, .. } => table.uniques.push(unique.clone()),
        Op::DropUnique { unique, .. } => remove_first(&mut table.uniques, unique),
        Op::AddForeignKey { foreign_key, .. } => table.foreign_keys.push(foreign_key.clone()),
        Op::DropForeignKey { foreign_key, .. } => {
            remove_first(&mut table.foreign_keys, foreign_key)
        }
        Op::SetForeignKeyDeferral { old, new, .. } => {
            if let Some(kept) = table.foreign_keys.iter_mut().find(|kept| *kept == old) {
                kept.deferrable = new.deferrable;
            }
        }
        Op::AddCheck { check, .. } => table.checks.push(check.clone()),
        Op::DropCheck { check, .. } => remove_first(&mut table.checks, check),
        Op::AddExclusion { exclusion, .. } => table.exclusions.push(exclusion.clone()),
        Op::DropExclusion { exclusion, .. } => remove_first(&mut table.exclusions, exclusion),
        _ => {}
    }
}

fn rename_in(columns: &mut [String], from: &str, to: &str) {
    for column in columns.iter_mut().filter(|column| *column == from) {
        *column = to.to_owned();
    }
}

/// Removes the element equal to `item`, or else the one of the same name
/// (the database may spell its definition otherwise).
fn remove_first<T: PartialEq + Named>(items: &mut Vec<T>, item: &T) {
    let at = items.iter().position(|kept| kept == item).or_else(|| {
        item.name()
            .and_then(|name| items.iter().position(|kept| kept.name() == Some(name)))
    });
    if let Some(at) = at {
        items.remove(at);
    }
}

/// A constraint that may have a name.
trait Named {
    fn name(&self) -> Option<&str>;
}

impl Named for crate::schema::UniqueConstraint {
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
}

impl Named for crate::schema::ForeignKey {
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
}

impl Named for crate::schema::Function {
    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

impl Named for crate::schema::View {
    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

impl Named for crate::schema::Trigger {
    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

impl Named for crate::schema::CheckConstraint {
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
}

impl Named for crate::schema::ExclusionConstraint {
    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::apply;
    use crate::diff::diff;
    use crate::schema::{Column, Index, Schema, SqlType, Table, UniqueConstraint};

    #[test]
    fn a_diff_carried_out_gives_its_target_and_its_reverse_its_source() {
        let before = Schema::new(vec![
            Table::new("teams")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("name", SqlType::Text)),
            Table::new("old").column(Column::new("id", SqlType::BigInt)),
        ]);
        let after = Schema::new(vec![
            Table::new("teams")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("title", SqlType::Varchar(80)).renamed_from("name"))
                .column(Column::new("motto", SqlType::Text).nullable())
                .unique(UniqueConstraint {
                    name: Some("uq_teams_title".into()),
                    columns: vec!["title".into()],
                    deferrable: None,
                })
                .index(Index::on_columns("ix_teams_motto", ["motto"])),
            Table::new("new").column(Column::new("id", SqlType::BigInt)),
        ]);
        let changes = diff(&before, &after);
        assert!(diff(&apply(before.clone(), changes.ops()), &after).is_empty());
        assert!(diff(&apply(after, changes.reverse().ops()), &before).is_empty());
    }
}
