//! PostgreSQL DDL: named enum types, identity columns, `ALTER COLUMN ...
//! TYPE ... USING`, `COMMENT ON`.

use super::{partitions, PostgresBackend};
use crate::backend::Backend;
use crate::diff::{EnumColumn, Op, TableName};
use crate::render::{self, RenderError};
use crate::schema::{Column, Deferral, ExclusionConstraint, IdentityOptions, SqlType, Table};

/// `GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY [(START WITH n INCREMENT
/// BY m)]`, the options only where they are not the default.
fn identity_clause(options: &IdentityOptions) -> String {
    let generated = if options.always {
        "ALWAYS"
    } else {
        "BY DEFAULT"
    };
    let numbering = super::sequences::numbering(options.start, options.increment);
    if numbering.is_empty() {
        format!("GENERATED {generated} AS IDENTITY")
    } else {
        format!("GENERATED {generated} AS IDENTITY ({numbering})")
    }
}

/// `"name" TYPE [GENERATED ... AS IDENTITY] [NOT NULL] [DEFAULT x |
/// GENERATED ALWAYS AS (x) STORED]`.
fn column_definition(backend: &PostgresBackend, column: &Column) -> String {
    let mut sql = format!(
        "{} {}{}",
        backend.quote_identifier(&column.name),
        backend.type_sql(&column.ty),
        collate(backend, column)
    );
    if column.identity {
        sql.push(' ');
        sql.push_str(&identity_clause(&column.identity_options));
    }
    if !column.nullable {
        sql.push_str(" NOT NULL");
    }
    if let Some(generated) = &column.generated {
        // Only STORED: a virtual column is refused before rendering.
        sql.push_str(&format!(
            " GENERATED ALWAYS AS ({}) STORED",
            generated.expression
        ));
    } else if let Some(default) = &column.default {
        sql.push_str(" DEFAULT ");
        sql.push_str(default);
    }
    sql
}

/// ` COLLATE "c"` for a column with a collation of its own; nothing for
/// one with its type's.
fn collate(backend: &PostgresBackend, column: &Column) -> String {
    column
        .collation
        .as_deref()
        .map(|collation| format!(" COLLATE {}", backend.quote_identifier(collation)))
        .unwrap_or_default()
}

/// `COMMENT ON COLUMN "t"."c" IS '...'` (or `IS NULL`).
fn column_comment(
    backend: &PostgresBackend,
    table: &TableName,
    column: &str,
    comment: Option<&str>,
) -> String {
    // language=SQL
    format!(
        "COMMENT ON COLUMN {}.{} IS {}",
        render::table_sql(backend, table),
        backend.quote_identifier(column),
        comment_literal(backend, comment)
    )
}

fn table_comment(backend: &PostgresBackend, table: &TableName, comment: Option<&str>) -> String {
    // language=SQL
    format!(
        "COMMENT ON TABLE {} IS {}",
        render::table_sql(backend, table),
        comment_literal(backend, comment)
    )
}

fn comment_literal(backend: &PostgresBackend, comment: Option<&str>) -> String {
    comment.map_or_else(
        || "NULL".to_owned(),
        |comment| backend.string_literal(comment),
    )
}

fn create_table(
    backend: &PostgresBackend,
    table: &Table,
    out: &mut Vec<String>,
) -> Result<(), RenderError> {
    let name = TableName::of(table);
    out.push(match &table.partition_of {
        Some(partition) => partitions::create_partition(backend, &name, table, partition),
        None => {
            let columns = table
                .columns
                .iter()
                .map(|column| column_definition(backend, column))
                .collect();
            let suffix = partitions::partition_by_suffix(backend, table);
            render::create_table(backend, &name, table, columns, true, &suffix)
        }
    });
    if table.comment.is_some() {
        out.push(table_comment(backend, &name, table.comment.as_deref()));
    }
    for column in &table.columns {
        if column.comment.is_some() {
            out.push(column_comment(
                backend,
                &name,
                &column.name,
                column.comment.as_deref(),
            ));
        }
    }
    for index in &table.indexes {
        out.push(render::create_index(backend, &INDEX_SYNTAX, &name, index)?);
    }
    for exclusion in &table.exclusions {
        out.push(add_exclusion(backend, &name, exclusion));
    }
    Ok(())
}

/// The `USING` cast a type change needs, if any. Only where PostgreSQL has
/// no assignment cast: an explicit cast to `VARCHAR(n)` would silently
/// truncate, where the assignment cast fails on a value too long. Casts to
/// string types, and within numbers or within dates and times, are
/// assignment casts; enums convert through text.
fn using_cast(
    backend: &PostgresBackend,
    column: &str,
    old: &SqlType,
    new: &SqlType,
) -> Option<String> {
    use SqlType::*;
    let string = |ty: &SqlType| matches!(ty, Text | Varchar(_) | VarcharUnbounded | Char(_));
    let number = |ty: &SqlType| {
        matches!(
            ty,
            SmallInt | Integer | BigInt | Real | Double | Numeric { .. }
        )
    };
    let temporal = |ty: &SqlType| matches!(ty, Date | Timestamp | TimestampTz);
    if string(new) || (number(old) && number(new)) || (temporal(old) && temporal(new)) {
        return None;
    }
    let through_text = matches!(old, Enum { .. }) || matches!(new, Enum { .. });
    Some(format!(
        "{}{}::{}",
        backend.quote_identifier(column),
        if through_text { "::text" } else { "" },
        backend.type_sql(new)
    ))
}

/// `SET GENERATED ALWAYS SET START WITH 1 ...`: what changes between two
/// identities' options, a default option set back to its value.
fn identity_changes(old: &IdentityOptions, new: &IdentityOptions) -> String {
    let mut changes = Vec::new();
    if old.always != new.always {
        changes.push(if new.always {
            "SET GENERATED ALWAYS".to_owned()
        } else {
            "SET GENERATED BY DEFAULT".to_owned()
        });
    }
    if old.increment != new.increment {
        changes.push(format!("SET INCREMENT BY {}", new.increment.unwrap_or(1)));
    }
    if old.first_value() != new.first_value() {
        changes.push(format!("SET START WITH {}", new.first_value()));
    }
    changes.join(" ")
}

fn alter_column(
    backend: &PostgresBackend,
    table: &TableName,
    old: &Column,
    new: &Column,
    out: &mut Vec<String>,
) {
    let column = backend.quote_identifier(&new.name);
    let alter = |action: String| {
        render::alter_table(backend, table, &format!("ALTER COLUMN {column} {action}"))
    };
    if old.identity && !new.identity {
        out.push(alter("DROP IDENTITY IF EXISTS".into()));
    }
    // Two versions of one enum type are the same PostgreSQL type: the enum
    // ops change its values.
    let same_enum = matches!((&old.ty, &new.ty),
        (SqlType::Enum { name: a, .. }, SqlType::Enum { name: b, .. }) if a == b);
    let retyped = old.ty != new.ty && !same_enum;
    if retyped {
        // The old default may not convert: drop it first, set the new after.
        if old.default.is_some() {
            out.push(alter("DROP DEFAULT".into()));
        }
        let using = using_cast(backend, &new.name, &old.ty, &new.ty)
            .map(|cast| format!(" USING {cast}"))
            .unwrap_or_default();
        out.push(alter(format!(
            "TYPE {}{}{using}",
            backend.type_sql(&new.ty),
            collate(backend, new)
        )));
        if let Some(default) = &new.default {
            out.push(alter(format!("SET DEFAULT {default}")));
        }
    } else if old.collation != new.collation {
        // The type's own collation is "default".
        let collation = new.collation.as_deref().unwrap_or("default");
        out.push(alter(format!(
            "TYPE {} COLLATE {}",
            backend.type_sql(&new.ty),
            backend.quote_identifier(collation)
        )));
    }
    if !retyped && old.default != new.default && !(same_enum && old.ty != new.ty) {
        // (When one enum's values change, the enum op sets the default.)
        match &new.default {
            Some(default) => out.push(alter(format!("SET DEFAULT {default}"))),
            None => out.push(alter("DROP DEFAULT".into())),
        }
    }
    if old.nullable != new.nullable {
        out.push(alter(
            if new.nullable {
                "DROP NOT NULL"
            } else {
                "SET NOT NULL"
            }
            .into(),
        ));
    }
    if new.identity && !old.identity {
        let options = &new.identity_options;
        out.push(alter(format!("ADD {}", identity_clause(options))));
        // The sequence starts after the values already there, or where
        // the options say on an empty table.
        // language=SQL
        out.push(format!(
            "SELECT setval(pg_get_serial_sequence({}, {}), COALESCE(MAX({column}) + 1, {}), false) FROM {}",
            backend.string_literal(&render::table_sql(backend, table)),
            backend.string_literal(&new.name),
            options.first_value(),
            render::table_sql(backend, table)
        ));
    } else if new.identity {
        let changes = identity_changes(&old.identity_options, &new.identity_options);
        if !changes.is_empty() {
            out.push(alter(changes));
        }
    }
    if old.comment != new.comment {
        out.push(column_comment(
            backend,
            table,
            &new.name,
            new.comment.as_deref(),
        ));
    }
}

/// `ALTER TYPE ... ADD VALUE`, each new value placed before the old value
/// that follows it.
fn add_enum_values(
    backend: &PostgresBackend,
    name: &str,
    old: &[String],
    new: &[String],
    out: &mut Vec<String>,
) {
    let mut present: Vec<&String> = old.iter().collect();
    for (at, value) in new.iter().enumerate() {
        if present.contains(&value) {
            continue;
        }
        let position = match new[at + 1..].iter().find(|next| present.contains(next)) {
            Some(next) => format!(" BEFORE {}", backend.string_literal(next)),
            None => match new[..at]
                .iter()
                .rev()
                .find(|previous| present.contains(previous))
            {
                Some(previous) => format!(" AFTER {}", backend.string_literal(previous)),
                None => String::new(),
            },
        };
        // language=SQL
        out.push(format!(
            "ALTER TYPE {} ADD VALUE {}{position}",
            backend.quote_identifier(name),
            backend.string_literal(value)
        ));
        present.push(value);
    }
}

/// Renames the old type away, creates the new one, converts every column
/// through text (its default dropped before and the new one set after),
/// drops the old type.
fn replace_enum_values(
    backend: &PostgresBackend,
    name: &str,
    values: &[String],
    columns: &[EnumColumn],
    out: &mut Vec<String>,
) {
    let old_name = format!("{name}__retort_old");
    // language=SQL
    out.push(format!(
        "ALTER TYPE {} RENAME TO {}",
        backend.quote_identifier(name),
        backend.quote_identifier(&old_name)
    ));
    out.push(create_enum(backend, name, values));
    for column in columns {
        let quoted = backend.quote_identifier(&column.column);
        let alter = |action: String| {
            render::alter_table(
                backend,
                &column.table,
                &format!("ALTER COLUMN {quoted} {action}"),
            )
        };
        if column.default.is_some() {
            out.push(alter("DROP DEFAULT".into()));
        }
        out.push(alter(format!(
            "TYPE {} USING {quoted}::text::{}",
            backend.quote_identifier(name),
            backend.quote_identifier(name)
        )));
        if let Some(default) = &column.new_default {
            out.push(alter(format!("SET DEFAULT {default}")));
        }
    }
    // language=SQL
    out.push(format!("DROP TYPE {}", backend.quote_identifier(&old_name)));
}

fn create_enum(backend: &PostgresBackend, name: &str, values: &[String]) -> String {
    // language=SQL
    format!(
        "CREATE TYPE {} AS ENUM ({})",
        backend.quote_identifier(name),
        render::literal_list(backend, values)
    )
}

/// PostgreSQL's functions (`CREATE OR REPLACE`, bodies checked when they
/// run, so a function may come before the tables it reads, as `pg_dump`
/// writes them), materialized views, and triggers dropped with their table.
const OBJECT_SYNTAX: render::ObjectSyntax = render::ObjectSyntax {
    replace_function: Some(render::ReplaceFunction::OrReplace),
    // language=SQL
    before_function: Some("SET LOCAL check_function_bodies = off"),
    materialized_views: true,
    trigger_drop_names_table: true,
    drop_names_arguments: true,
};

pub(super) fn render_op(
    backend: &PostgresBackend,
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
        Op::CreateEnum { name, values } => out.push(create_enum(backend, name, values)),
        // language=SQL
        Op::DropEnum { name, .. } => {
            out.push(format!("DROP TYPE {}", backend.quote_identifier(name)))
        }
        Op::AddEnumValues {
            name,
            old_values,
            new_values,
            columns,
        } => {
            add_enum_values(backend, name, old_values, new_values, out);
            // A default naming a new value fails until the transaction
            // that added it commits: PostgreSQL's rule for ADD VALUE.
            for column in columns
                .iter()
                .filter(|column| column.default != column.new_default)
            {
                let action = match &column.new_default {
                    Some(default) => format!("SET DEFAULT {default}"),
                    None => "DROP DEFAULT".to_owned(),
                };
                out.push(render::alter_table(
                    backend,
                    &column.table,
                    &format!(
                        "ALTER COLUMN {} {action}",
                        backend.quote_identifier(&column.column)
                    ),
                ));
            }
        }
        Op::ReplaceEnumValues {
            name,
            new_values,
            columns,
            ..
        } => replace_enum_values(backend, name, new_values, columns, out),
        Op::CreateSequence { sequence } => {
            out.push(super::sequences::create_sequence(backend, sequence));
        }
        Op::AlterSequence { new, .. } => out.push(super::sequences::alter_sequence(backend, new)),
        Op::DropSequence { sequence } => {
            out.push(super::sequences::drop_sequence(backend, sequence));
        }
        Op::CreateExtension { extension } => {
            out.push(super::extensions::create_extension(backend, extension));
        }
        Op::DropExtension { extension } => {
            out.push(super::extensions::drop_extension(backend, extension));
        }
        Op::CreateDomain { domain } => out.push(super::domains::create_domain(backend, domain)),
        Op::DropDomain { domain } => out.push(super::domains::drop_domain(backend, domain)),
        Op::AlterDomain { old, new } => super::domains::alter_domain(backend, old, new, out)?,
        Op::CreateTable { table } => create_table(backend, table, out)?,
        Op::DropTable { table } => out.push(render::drop_table(backend, &TableName::of(table))),
        Op::RenameTable { schema, from, to } => {
            let table = TableName {
                schema: schema.clone(),
                name: from.clone(),
            };
            out.push(render::alter_table(
                backend,
                &table,
                &format!("RENAME TO {}", backend.quote_identifier(to)),
            ));
        }
        Op::AddColumn { table, column } => {
            out.push(render::alter_table(
                backend,
                table,
                &format!("ADD COLUMN {}", column_definition(backend, column)),
            ));
            if column.comment.is_some() {
                out.push(column_comment(
                    backend,
                    table,
                    &column.name,
                    column.comment.as_deref(),
                ));
            }
        }
        Op::DropColumn { table, column } => {
            out.push(render::drop_column(backend, table, &column.name))
        }
        Op::RenameColumn { table, from, to } => {
            out.push(render::rename_column(backend, table, from, to))
        }
        Op::AlterColumn { table, old, new } => alter_column(backend, table, old, new, out),
        Op::SetColumnGeneration { table, new, .. } if new.generated.is_none() => {
            out.push(render::alter_table(
                backend,
                table,
                &format!(
                    "ALTER COLUMN {} DROP EXPRESSION",
                    backend.quote_identifier(&new.name)
                ),
            ))
        }
        // PostgreSQL makes no plain column generated in place: dropped and
        // added, its values computed again.
        Op::SetColumnGeneration { table, old, new } => {
            render_op(
                backend,
                &Op::DropColumn {
                    table: table.clone(),
                    column: old.clone(),
                },
                out,
            )?;
            render_op(
                backend,
                &Op::AddColumn {
                    table: table.clone(),
                    column: new.clone(),
                },
                out,
            )?;
        }
        Op::SetTableComment { table, new, .. } => {
            out.push(table_comment(backend, table, new.as_deref()))
        }
        // Refused before rendering: PostgreSQL has no table collation.
        Op::SetTableCollation { .. } => {}
        // SQLite's alone: PostgreSQL ignores them.
        Op::SetSqliteTableOptions { .. } => {}
        // MySQL's alone: PostgreSQL has no engines.
        Op::SetTableEngine { .. } => {}
        Op::CreateIndex { table, index } => {
            out.push(render::create_index(backend, &INDEX_SYNTAX, table, index)?)
        }
        Op::DropIndex { table, index } => {
            // language=SQL
            out.push(format!(
                "DROP INDEX {}",
                backend.quote_qualified(table.schema.as_deref(), &index.name)
            ));
        }
        Op::AddPrimaryKey { table, primary_key } => out.push(render::alter_table(
            backend,
            table,
            &format!("ADD {}", render::primary_key_clause(backend, primary_key)),
        )),
        Op::DropPrimaryKey { table, primary_key } => {
            // PostgreSQL names an unnamed primary key `<table>_pkey`.
            let name = primary_key
                .name
                .clone()
                .unwrap_or_else(|| format!("{}_pkey", table.name));
            out.push(drop_constraint(backend, table, &name));
        }
        Op::AddUnique { table, unique } => out.push(render::alter_table(
            backend,
            table,
            &format!("ADD {}", render::unique_clause(backend, unique)),
        )),
        Op::DropUnique { table, unique } => {
            let name =
                render::required_name(backend, table, unique.name.as_deref(), "unique constraint")?;
            out.push(drop_constraint(backend, table, name));
        }
        Op::AddForeignKey { table, foreign_key } => out.push(render::alter_table(
            backend,
            table,
            &format!("ADD {}", render::foreign_key_clause(backend, foreign_key)),
        )),
        Op::SetForeignKeyDeferral { table, new, .. } => {
            let name = render::required_name(backend, table, new.name.as_deref(), "foreign key")?;
            let when = match new.deferrable {
                None => "NOT DEFERRABLE",
                Some(Deferral::InitiallyImmediate) => "DEFERRABLE INITIALLY IMMEDIATE",
                Some(Deferral::InitiallyDeferred) => "DEFERRABLE INITIALLY DEFERRED",
            };
            out.push(render::alter_table(
                backend,
                table,
                &format!("ALTER CONSTRAINT {} {when}", backend.quote_identifier(name)),
            ));
        }
        Op::DropForeignKey { table, foreign_key } => {
            let name =
                render::required_name(backend, table, foreign_key.name.as_deref(), "foreign key")?;
            out.push(drop_constraint(backend, table, name));
        }
        Op::AddCheck { table, check } => out.push(render::alter_table(
            backend,
            table,
            &format!("ADD {}", render::check_clause(backend, check)),
        )),
        Op::DropCheck { table, check } => {
            let name =
                render::required_name(backend, table, check.name.as_deref(), "check constraint")?;
            out.push(drop_constraint(backend, table, name));
        }
        Op::AddExclusion { table, exclusion } => {
            out.push(add_exclusion(backend, table, exclusion));
        }
        Op::DropExclusion { table, exclusion } => {
            out.push(drop_constraint(backend, table, &exclusion.name));
        }
        Op::SetPartitionOf { table, old, new } => {
            partitions::set_partition_of(backend, table, old.as_ref(), new.as_ref(), out)
        }
    }
    Ok(())
}

/// `ALTER TABLE t ADD CONSTRAINT name EXCLUDE USING ...`.
fn add_exclusion(
    backend: &PostgresBackend,
    table: &TableName,
    exclusion: &ExclusionConstraint,
) -> String {
    render::alter_table(
        backend,
        table,
        &format!(
            "ADD CONSTRAINT {} {}",
            backend.quote_identifier(&exclusion.name),
            exclusion.definition
        ),
    )
}

fn drop_constraint(backend: &PostgresBackend, table: &TableName, name: &str) -> String {
    render::alter_table(
        backend,
        table,
        &format!("DROP CONSTRAINT {}", backend.quote_identifier(name)),
    )
}

/// PostgreSQL's indexes say everything the model holds.
pub(super) const INDEX_SYNTAX: render::IndexSyntax = render::IndexSyntax {
    methods: render::IndexMethods::Using,
    collation: true,
    operator_class: true,
    nulls_order: true,
    include_and_nulls_not_distinct: true,
    predicate: true,
};
