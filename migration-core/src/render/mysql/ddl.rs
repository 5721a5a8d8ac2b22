//! MySQL and MariaDB DDL: inline enums and comments, `MODIFY COLUMN` with
//! every attribute of the column, `AUTO_INCREMENT`.

use super::foreign_key_indexes::{index_left_behind, lift_foreign_keys_off_going_indexes};
use super::MysqlBackend;
use crate::backend::Backend;
use crate::diff::{Diff, Op, TableName};
use crate::render::{self, RenderError};
use crate::schema::{Column, Generated, Index, Table};

/// `` `name` TYPE [COLLATE c] NOT NULL|NULL [DEFAULT x] [ON UPDATE y]
/// [AUTO_INCREMENT] [COMMENT '...'] ``: everything `MODIFY COLUMN` must
/// repeat.
fn column_definition(backend: &MysqlBackend, column: &Column) -> String {
    let collation = column
        .collation
        .as_deref()
        .map(|collation| format!(" COLLATE {}", backend.quote_identifier(collation)))
        .unwrap_or_default();
    if let Some(generated) = &column.generated {
        // MariaDB takes neither NULL nor NOT NULL here, nor a default.
        let mut sql = format!(
            "{} {}{collation} GENERATED ALWAYS AS ({}) {}",
            backend.quote_identifier(&column.name),
            backend.type_sql(&column.ty),
            generated.expression,
            if generated.stored {
                "STORED"
            } else {
                "VIRTUAL"
            }
        );
        if let Some(comment) = &column.comment {
            sql.push_str(" COMMENT ");
            sql.push_str(&backend.string_literal(comment));
        }
        return sql;
    }
    let mut sql = format!(
        "{} {}{collation} {}",
        backend.quote_identifier(&column.name),
        backend.type_sql(&column.ty),
        if column.nullable { "NULL" } else { "NOT NULL" }
    );
    if let Some(default) = &column.default {
        sql.push_str(" DEFAULT ");
        sql.push_str(default);
    }
    if let Some(expression) = &column.on_update {
        sql.push_str(" ON UPDATE ");
        sql.push_str(expression);
    }
    if column.identity {
        sql.push_str(" AUTO_INCREMENT");
    }
    if let Some(comment) = &column.comment {
        sql.push_str(" COMMENT ");
        sql.push_str(&backend.string_literal(comment));
    }
    sql
}

fn create_table(
    backend: &MysqlBackend,
    table: &Table,
    out: &mut Vec<String>,
) -> Result<(), RenderError> {
    let name = TableName::of(table);
    let columns = table
        .columns
        .iter()
        .map(|column| column_definition(backend, column))
        .collect();
    let mut suffix = table
        .collation
        .as_deref()
        .map(|collation| format!(" COLLATE = {}", backend.quote_identifier(collation)))
        .unwrap_or_default();
    if let Some(engine) = &table.engine {
        suffix.push_str(&format!(" ENGINE = {}", backend.quote_identifier(engine)));
    }
    if let Some(comment) = &table.comment {
        suffix.push_str(&format!(" COMMENT = {}", backend.string_literal(comment)));
    }
    out.push(render::create_table(
        backend, &name, table, columns, true, &suffix,
    ));
    for index in &table.indexes {
        out.push(create_index(backend, &name, index)?);
    }
    Ok(())
}

fn create_index(
    backend: &MysqlBackend,
    table: &TableName,
    index: &Index,
) -> Result<String, RenderError> {
    render::create_index(backend, &INDEX_SYNTAX, table, index)
}

/// MySQL's indexes: `FULLTEXT` and `SPATIAL` besides the B-tree, `DESC`
/// parts; no collation or operator class per part, no partial indexes.
const INDEX_SYNTAX: render::IndexSyntax = render::IndexSyntax {
    methods: render::IndexMethods::Prefix(&["fulltext", "spatial"]),
    collation: false,
    operator_class: false,
    nulls_order: false,
    include_and_nulls_not_distinct: false,
    predicate: false,
};

/// Every op's statements in turn, with what InnoDB needs around them (see
/// [`foreign_key_indexes`](super::foreign_key_indexes)).
pub(super) fn render_diff(backend: &MysqlBackend, diff: &Diff) -> Result<Vec<String>, RenderError> {
    let diff = lift_foreign_keys_off_going_indexes(diff);
    render::one_alter_per_table(backend, diff.ops(), |op, out| {
        render_op_of(backend, &diff, op, out)
    })
}

/// A generated column made plain, keeping its values: a stored one by
/// `MODIFY COLUMN`; a virtual one (which neither MySQL nor MariaDB makes
/// plain in place) through a stored copy beside it, made plain, that then
/// takes its place and name. A plain column made generated is dropped and
/// added, its values computed again.
fn set_column_generation(
    backend: &MysqlBackend,
    table: &TableName,
    old: &Column,
    new: &Column,
    out: &mut Vec<String>,
) {
    let quoted = backend.quote_identifier(&old.name);
    match &old.generated {
        Some(generated) if new.generated.is_none() && !generated.stored => {
            let copy_name = plain_copy_name(&old.name);
            let copy = Column {
                name: copy_name.clone(),
                generated: Some(Generated {
                    stored: true,
                    ..generated.clone()
                }),
                ..old.clone()
            };
            out.push(render::alter_table(
                backend,
                table,
                &format!(
                    "ADD COLUMN {} AFTER {quoted}",
                    column_definition(backend, &copy)
                ),
            ));
            let plain_copy = Column {
                name: copy_name.clone(),
                ..new.clone()
            };
            out.push(render::alter_table(
                backend,
                table,
                &format!("MODIFY COLUMN {}", column_definition(backend, &plain_copy)),
            ));
            out.push(render::alter_table(
                backend,
                table,
                &format!(
                    "DROP COLUMN {quoted}, CHANGE COLUMN {} {}",
                    backend.quote_identifier(&copy_name),
                    column_definition(backend, new)
                ),
            ));
        }
        Some(_) if new.generated.is_none() => out.push(render::alter_table(
            backend,
            table,
            &format!("MODIFY COLUMN {}", column_definition(backend, new)),
        )),
        _ => {
            out.push(render::drop_column(backend, table, &old.name));
            out.push(render::alter_table(
                backend,
                table,
                &format!("ADD COLUMN {}", column_definition(backend, new)),
            ));
        }
    }
}

/// The name of the stored copy a virtual column is made plain through:
/// the column's name (cut to fit MySQL's 64 characters) and a suffix no
/// model is likely to use.
fn plain_copy_name(column: &str) -> String {
    const SUFFIX: &str = "__retort_plain";
    let kept: String = column.chars().take(64 - SUFFIX.len()).collect();
    format!("{kept}{SUFFIX}")
}

/// An op's statements as part of `diff`: after a foreign key is dropped,
/// the index InnoDB made for it too.
pub(super) fn render_op_of(
    backend: &MysqlBackend,
    diff: &Diff,
    op: &Op,
    out: &mut Vec<String>,
) -> Result<(), RenderError> {
    render_op(backend, op, out)?;
    if let Some((table, name)) = index_left_behind(diff, op) {
        out.push(render::alter_table(
            backend,
            table,
            &format!("DROP INDEX {}", backend.quote_identifier(name)),
        ));
    }
    Ok(())
}

/// MySQL's routines (replaced by dropping and creating them), views and
/// triggers (named per database).
const OBJECT_SYNTAX: render::ObjectSyntax = render::ObjectSyntax {
    replace_function: Some(render::ReplaceFunction::DropAndCreate),
    before_function: None,
    materialized_views: false,
    trigger_drop_names_table: false,
    drop_names_arguments: false,
};

pub(super) fn render_op(
    backend: &MysqlBackend,
    op: &Op,
    out: &mut Vec<String>,
) -> Result<(), RenderError> {
    match op {
        Op::CreateFunction { .. }
        | Op::DropFunction { .. }
        | Op::ReplaceFunction { .. }
        | Op::CreateView { .. }
        | Op::DropView { .. }
        | Op::CreateTrigger { .. }
        | Op::DropTrigger { .. } => {
            render::render_object_op(backend, &OBJECT_SYNTAX, op, out)?;
        }
        // Enums are inline: the columns' MODIFY carries the values.
        Op::CreateEnum { .. }
        | Op::DropEnum { .. }
        | Op::AddEnumValues { .. }
        | Op::ReplaceEnumValues { .. } => {}
        // Refused before rendering: MySQL has no domains, no extensions.
        Op::CreateDomain { .. } | Op::DropDomain { .. } | Op::AlterDomain { .. } => {}
        Op::CreateExtension { .. } | Op::DropExtension { .. } => {}
        Op::CreateSequence { .. } | Op::DropSequence { .. } | Op::AlterSequence { .. } => {}
        Op::CreateTable { table } => create_table(backend, table, out)?,
        Op::DropTable { table } => out.push(render::drop_table(backend, &TableName::of(table))),
        Op::RenameTable { schema, from, to } => {
            // The new name is qualified too: unqualified, MySQL would move
            // the table to the connection's database.
            // language=SQL
            out.push(format!(
                "RENAME TABLE {} TO {}",
                backend.quote_qualified(schema.as_deref(), from),
                backend.quote_qualified(schema.as_deref(), to)
            ));
        }
        Op::AddColumn { table, column } => out.push(render::alter_table(
            backend,
            table,
            &format!("ADD COLUMN {}", column_definition(backend, column)),
        )),
        Op::DropColumn { table, column } => {
            out.push(render::drop_column(backend, table, &column.name))
        }
        Op::RenameColumn { table, from, to } => {
            out.push(render::rename_column(backend, table, from, to))
        }
        Op::SetColumnGeneration { table, old, new } => {
            set_column_generation(backend, table, old, new, out)
        }
        Op::AlterColumn { table, new, .. } => out.push(render::alter_table(
            backend,
            table,
            &format!("MODIFY COLUMN {}", column_definition(backend, new)),
        )),
        Op::SetTableCollation {
            table,
            new,
            columns,
            ..
        } => {
            let mut changes = vec![format!(
                "COLLATE = {}",
                new.as_deref().map_or_else(
                    || "DEFAULT".to_owned(),
                    |name| backend.quote_identifier(name)
                )
            )];
            changes.extend(
                columns
                    .iter()
                    .map(|column| format!("MODIFY COLUMN {}", column_definition(backend, column))),
            );
            out.push(render::alter_table(backend, table, &changes.join(", ")));
        }
        // SQLite's alone: MySQL ignores them.
        Op::SetSqliteTableOptions { .. } => {}
        Op::SetTableEngine { table, new, .. } => out.push(render::alter_table(
            backend,
            table,
            &format!(
                "ENGINE = {}",
                backend.quote_identifier(new.as_deref().unwrap_or("InnoDB"))
            ),
        )),
        Op::SetTableComment { table, new, .. } => out.push(render::alter_table(
            backend,
            table,
            &format!(
                "COMMENT = {}",
                backend.string_literal(new.as_deref().unwrap_or(""))
            ),
        )),
        Op::CreateIndex { table, index } => out.push(create_index(backend, table, index)?),
        Op::DropIndex { table, index } => out.push(drop_index(backend, table, &index.name)),
        Op::AddPrimaryKey { table, primary_key } => out.push(render::alter_table(
            backend,
            table,
            &format!(
                "ADD PRIMARY KEY ({})",
                render::column_list(backend, &primary_key.columns)
            ),
        )),
        Op::DropPrimaryKey { table, .. } => {
            out.push(render::alter_table(backend, table, "DROP PRIMARY KEY"))
        }
        Op::AddUnique { table, unique } => out.push(render::alter_table(
            backend,
            table,
            &format!("ADD {}", render::unique_clause(backend, unique)),
        )),
        Op::DropUnique { table, unique } => {
            let name =
                render::required_name(backend, table, unique.name.as_deref(), "unique constraint")?;
            out.push(drop_index(backend, table, name));
        }
        Op::AddForeignKey { table, foreign_key } => out.push(render::alter_table(
            backend,
            table,
            &format!("ADD {}", render::foreign_key_clause(backend, foreign_key)),
        )),
        Op::DropForeignKey { table, foreign_key } => {
            let name =
                render::required_name(backend, table, foreign_key.name.as_deref(), "foreign key")?;
            out.push(render::alter_table(
                backend,
                table,
                &format!("DROP FOREIGN KEY {}", backend.quote_identifier(name)),
            ));
        }
        Op::SetForeignKeyDeferral { table, new, .. } => {
            return Err(RenderError::Unsupported {
                backend: backend.kind().display_name(),
                what: format!(
                    "make foreign key {} of table {table} {} (every foreign key is checked \
                     after each statement there)",
                    new.name.as_deref().unwrap_or(""),
                    new.deferrable
                        .map_or("NOT DEFERRABLE", |deferral| deferral.as_sql())
                ),
            })
        }
        Op::AddCheck { table, check } => out.push(render::alter_table(
            backend,
            table,
            &format!("ADD {}", render::check_clause(backend, check)),
        )),
        Op::DropCheck { table, check } => {
            let name =
                render::required_name(backend, table, check.name.as_deref(), "check constraint")?;
            out.push(render::alter_table(
                backend,
                table,
                &format!("DROP CONSTRAINT {}", backend.quote_identifier(name)),
            ));
        }
        // Refused before rendering: MySQL has no exclusion constraints.
        Op::AddExclusion { .. } | Op::DropExclusion { .. } => {}
        // MySQL's partitioning is not declarative partitioning of tables.
        Op::SetPartitionOf { table, .. } => {
            return Err(RenderError::Unsupported {
                backend: backend.kind().display_name(),
                what: format!("attach or detach partition {table}"),
            })
        }
    }
    Ok(())
}

fn drop_index(backend: &MysqlBackend, table: &TableName, name: &str) -> String {
    // language=SQL
    format!(
        "DROP INDEX {} ON {}",
        backend.quote_identifier(name),
        render::table_sql(backend, table)
    )
}

#[cfg(test)]
mod tests {
    use super::plain_copy_name;

    #[test]
    fn the_plain_copy_of_a_virtual_column_fits_mysqls_64_characters() {
        assert_eq!(plain_copy_name("total"), "total__retort_plain");
        let long = "é".repeat(70);
        let copy = plain_copy_name(&long);
        assert_eq!(copy.chars().count(), 64);
        assert!(copy.ends_with("__retort_plain"), "{copy}");
    }
}
