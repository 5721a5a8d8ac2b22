//! What an op does, in words a reviewer reads: every object it touches by
//! name, as Alembic's `check` lists them (`add column users.time_zone`,
//! `drop index ix_orders_total on orders`, `alter column orders.total type
//! INTEGER -> BIGINT`).

use std::fmt;

use super::domains::{domain_changes, domain_name};
use super::objects::DeclaredObject;
use super::op::{Op, TableName};
use super::partitions::parent;
use crate::schema::{Column, IndexPart};

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::CreateFunction { function } => {
                write!(f, "add {} {}", function.kind(), function.describe())
            }
            Op::DropFunction { function } => {
                write!(f, "drop {} {}", function.kind(), function.describe())
            }
            Op::ReplaceFunction { new, .. } => {
                write!(f, "replace {} {}", new.kind(), new.describe())
            }
            Op::CreateView { view } => write!(f, "add {} {}", view.kind(), view.describe()),
            Op::DropView { view } => write!(f, "drop {} {}", view.kind(), view.describe()),
            Op::CreateTrigger { trigger } => write!(f, "add trigger {}", trigger.describe()),
            Op::DropTrigger { trigger } => write!(f, "drop trigger {}", trigger.describe()),
            Op::CreateEnum { name, values } => {
                write!(f, "add enum {name} ({})", values.join(", "))
            }
            Op::DropEnum { name, .. } => write!(f, "drop enum {name}"),
            Op::AddEnumValues {
                name,
                old_values,
                new_values,
                ..
            } => {
                let added: Vec<&str> = new_values
                    .iter()
                    .filter(|value| !old_values.contains(value))
                    .map(String::as_str)
                    .collect();
                write!(f, "add values {} to enum {name}", added.join(", "))
            }
            Op::ReplaceEnumValues {
                name,
                old_values,
                new_values,
                ..
            } => write!(
                f,
                "replace the values of enum {name}: ({}) -> ({})",
                old_values.join(", "),
                new_values.join(", ")
            ),
            Op::CreateSequence { sequence } => write!(f, "add sequence {}", sequence.name),
            Op::DropSequence { sequence } => write!(f, "drop sequence {}", sequence.name),
            Op::AlterSequence { new, .. } => write!(
                f,
                "alter sequence {}: start {} increment {}",
                new.name,
                new.first_value(),
                new.increment.unwrap_or(1)
            ),
            Op::CreateExtension { extension } => write!(f, "add extension {}", extension.name),
            Op::DropExtension { extension } => write!(f, "drop extension {}", extension.name),
            Op::CreateDomain { domain } => {
                write!(f, "add domain {} {}", domain_name(domain), domain.ty)
            }
            Op::DropDomain { domain } => write!(f, "drop domain {}", domain_name(domain)),
            Op::AlterDomain { old, new } => {
                write!(f, "alter domain {}", domain_name(new))?;
                domain_changes(f, old, new)
            }
            Op::CreateTable { table } => write!(f, "add table {}", TableName::of(table)),
            Op::DropTable { table } => write!(f, "drop table {}", TableName::of(table)),
            Op::RenameTable { schema, from, to } => {
                let from = TableName {
                    schema: schema.clone(),
                    name: from.clone(),
                };
                write!(f, "rename table {from} to {to}")
            }
            Op::AddColumn { table, column } => {
                write!(f, "add column {table}.{} {}", column.name, column.ty)
            }
            Op::DropColumn { table, column } => write!(f, "drop column {table}.{}", column.name),
            Op::RenameColumn { table, from, to } => {
                write!(f, "rename column {table}.{from} to {to}")
            }
            Op::AlterColumn { table, old, new } => {
                write!(f, "alter column {table}.{} ", new.name)?;
                column_changes(f, old, new)
            }
            Op::SetTableCollation { table, new, .. } => match new {
                Some(collation) => write!(f, "set the collation of table {table} to {collation}"),
                None => write!(f, "give table {table} the database's default collation"),
            },
            Op::SetColumnGeneration { table, new, .. } => match &new.generated {
                Some(generated) => write!(
                    f,
                    "make column {table}.{} generated as ({})",
                    new.name, generated.expression
                ),
                None => write!(
                    f,
                    "make column {table}.{} plain, keeping its values",
                    new.name
                ),
            },
            Op::SetTableEngine { table, new, .. } => write!(
                f,
                "store table {table} with the {} engine",
                new.as_deref().unwrap_or("InnoDB")
            ),
            Op::SetSqliteTableOptions { table, new, .. } => {
                if new.is_default() {
                    write!(f, "make table {table} a plain rowid table")
                } else {
                    write!(f, "make table {table} {new}")
                }
            }
            Op::SetTableComment { table, new, .. } => match new {
                Some(_) => write!(f, "set the comment of table {table}"),
                None => write!(f, "drop the comment of table {table}"),
            },
            Op::CreateIndex { table, index } => write!(
                f,
                "add {}index {} on {table} ({})",
                if index.unique { "unique " } else { "" },
                index.name,
                parts(&index.parts)
            ),
            Op::DropIndex { table, index } => write!(f, "drop index {} on {table}", index.name),
            Op::AddPrimaryKey { table, primary_key } => write!(
                f,
                "add primary key {}on {table} ({})",
                named(primary_key.name.as_deref()),
                primary_key.columns.join(", ")
            ),
            Op::DropPrimaryKey { table, primary_key } => write!(
                f,
                "drop primary key {}on {table}",
                named(primary_key.name.as_deref())
            ),
            Op::AddUnique { table, unique } => write!(
                f,
                "add unique constraint {}on {table} ({})",
                named(unique.name.as_deref()),
                unique.columns.join(", ")
            ),
            Op::DropUnique { table, unique } => write!(
                f,
                "drop unique constraint {}on {table}",
                named(unique.name.as_deref())
            ),
            Op::AddForeignKey { table, foreign_key } => {
                let target = TableName {
                    schema: foreign_key.referenced_schema.clone(),
                    name: foreign_key.referenced_table.clone(),
                };
                write!(
                    f,
                    "add foreign key {}on {table} ({}) -> {target} ({})",
                    named(foreign_key.name.as_deref()),
                    foreign_key.columns.join(", "),
                    foreign_key.referenced_columns.join(", ")
                )
            }
            Op::DropForeignKey { table, foreign_key } => write!(
                f,
                "drop foreign key {}on {table}",
                named(foreign_key.name.as_deref())
            ),
            Op::SetForeignKeyDeferral { table, new, .. } => write!(
                f,
                "make foreign key {}on {table} {}",
                named(new.name.as_deref()),
                new.deferrable
                    .map_or("NOT DEFERRABLE", |deferral| deferral.as_sql())
            ),
            Op::AddCheck { table, check } => write!(
                f,
                "add check {}on {table} ({})",
                named(check.name.as_deref()),
                check.expression
            ),
            Op::DropCheck { table, check } => {
                write!(f, "drop check {}on {table}", named(check.name.as_deref()))
            }
            Op::AddExclusion { table, exclusion } => write!(
                f,
                "add exclusion constraint {} on {table} ({})",
                exclusion.name, exclusion.definition
            ),
            Op::DropExclusion { table, exclusion } => {
                write!(f, "drop exclusion constraint {} on {table}", exclusion.name)
            }
            Op::SetPartitionOf { table, old, new } => {
                if let Some(old) = old {
                    write!(f, "detach partition {table} from {}", parent(old))?;
                }
                if let (Some(_), Some(_)) = (old, new) {
                    f.write_str(", then ")?;
                }
                if let Some(new) = new {
                    write!(f, "attach {table} to {} {}", parent(new), new.bound)?;
                }
                Ok(())
            }
        }
    }
}

/// `name ` for a named object, nothing for an unnamed one.
fn named(name: Option<&str>) -> String {
    name.map(|name| format!("{name} ")).unwrap_or_default()
}

fn parts(parts: &[IndexPart]) -> String {
    parts
        .iter()
        .map(|part| match part {
            IndexPart::Column(column) => column.as_str(),
            IndexPart::Expression(expression) => expression.as_str(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Each way a column changes: `type INTEGER -> BIGINT, NOT NULL, default 0
/// -> none`.
fn column_changes(f: &mut fmt::Formatter<'_>, old: &Column, new: &Column) -> fmt::Result {
    let mut changes = Vec::new();
    if old.ty != new.ty {
        changes.push(format!("type {} -> {}", old.ty, new.ty));
    }
    if old.nullable != new.nullable {
        changes.push(if new.nullable { "NULL" } else { "NOT NULL" }.to_owned());
    }
    if old.default != new.default {
        let shown = |default: &Option<String>| default.clone().unwrap_or_else(|| "none".into());
        changes.push(format!(
            "default {} -> {}",
            shown(&old.default),
            shown(&new.default)
        ));
    }
    if old.identity != new.identity {
        changes.push(
            if new.identity {
                "generated as identity"
            } else {
                "no longer generated"
            }
            .to_owned(),
        );
    } else if new.identity && old.identity_options != new.identity_options {
        let (old, new) = (&old.identity_options, &new.identity_options);
        if old.always != new.always {
            changes.push(format!(
                "identity {}",
                if new.always { "ALWAYS" } else { "BY DEFAULT" }
            ));
        }
        if (old.start, old.increment) != (new.start, new.increment) {
            changes.push(format!(
                "identity start {} increment {}",
                new.first_value(),
                new.increment.unwrap_or(1)
            ));
        }
    }
    if old.comment != new.comment {
        changes.push("comment".to_owned());
    }
    let shown = |value: &Option<String>| value.clone().unwrap_or_else(|| "none".into());
    if old.collation != new.collation {
        changes.push(format!(
            "collation {} -> {}",
            shown(&old.collation),
            shown(&new.collation)
        ));
    }
    if old.on_update != new.on_update {
        changes.push(format!(
            "ON UPDATE {} -> {}",
            shown(&old.on_update),
            shown(&new.on_update)
        ));
    }
    f.write_str(&changes.join(", "))
}

#[cfg(test)]
mod tests {
    use crate::diff::{diff, Op};
    use crate::schema::{Column, Index, Schema, SqlType, Table};

    fn words(ops: &[Op]) -> Vec<String> {
        ops.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn each_op_names_every_object_it_touches() {
        let before = Schema::new(vec![Table::new("orders")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("total", SqlType::Integer))
            .index(Index::on_columns("ix_orders_total", ["total"]))]);
        let after = Schema::new(vec![Table::new("orders")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("total", SqlType::BigInt).nullable())
            .column(Column::new("time_zone", SqlType::Text).nullable())]);
        assert_eq!(
            words(diff(&before, &after).ops()),
            [
                "drop index ix_orders_total on orders",
                "add column orders.time_zone TEXT",
                "alter column orders.total type INTEGER -> BIGINT, NULL",
            ]
        );
    }
}
