//! PostgreSQL's online sequences: each risky op as the statements that keep
//! reads and writes going while it runs.

use std::collections::HashSet;

use super::PostgresBackend;
use crate::backend::Backend;
use crate::diff::{Diff, Op, TableName};
use crate::render::{self, plain, Phase, RenderError, RenderedStep};
use crate::schema::{Column, Deferral, Index, IndexPart, SqlType};

/// The steps of an online migration of `diff`.
pub(super) fn render_online(
    backend: &PostgresBackend,
    diff: &Diff,
) -> Result<Vec<RenderedStep>, RenderError> {
    // A table this diff creates has no rows yet: nothing waits on it.
    let created: HashSet<TableName> = diff
        .ops()
        .iter()
        .filter_map(|op| match op {
            Op::CreateTable { table } => Some(TableName::of(table)),
            _ => None,
        })
        .collect();
    render::steps(diff, |op| phases(backend, op, &created))
}

/// One op's phases.
fn phases(
    backend: &PostgresBackend,
    op: &Op,
    created: &HashSet<TableName>,
) -> Result<Vec<Phase>, RenderError> {
    let new_table = |table: &TableName| created.contains(table);
    Ok(match op {
        Op::CreateIndex { table, index } if !new_table(table) => vec![Phase::outside_transaction(
            build_index(backend, table, index)?,
            vec![drop_index(backend, table, &index.name)],
        )],
        Op::DropIndex { table, index } => vec![Phase::outside_transaction(
            vec![drop_index(backend, table, &index.name)],
            build_index(backend, table, index)?,
        )],
        Op::AddForeignKey { table, foreign_key } if !new_table(table) => {
            let name =
                render::required_name(backend, table, foreign_key.name.as_deref(), "foreign key")?;
            not_valid_then_validate(
                backend,
                table,
                name,
                &render::foreign_key_clause(backend, foreign_key),
            )
        }
        Op::AddCheck { table, check } if !new_table(table) => {
            let name =
                render::required_name(backend, table, check.name.as_deref(), "check constraint")?;
            not_valid_then_validate(backend, table, name, &render::check_clause(backend, check))
        }
        Op::AddUnique { table, unique } if !new_table(table) => {
            let name =
                render::required_name(backend, table, unique.name.as_deref(), "unique constraint")?;
            let columns = &unique.columns;
            attach_index(backend, table, name, columns, "UNIQUE", unique.deferrable)?
        }
        Op::AddPrimaryKey { table, primary_key } if !new_table(table) => {
            // PostgreSQL's name for an unnamed key.
            let name = primary_key
                .name
                .clone()
                .unwrap_or_else(|| format!("{}_pkey", table.name));
            let columns = &primary_key.columns;
            let deferrable = primary_key.deferrable;
            attach_index(backend, table, &name, columns, "PRIMARY KEY", deferrable)?
        }
        Op::AlterColumn { table, old, new } if !new_table(table) => {
            alter_column(backend, op, table, old, new)?
        }
        Op::AddColumn { table, column }
            if !new_table(table)
                && column
                    .default
                    .as_deref()
                    .is_some_and(crate::backend::postgres::is_volatile_default) =>
        {
            vec![plain(backend, op)?.warn(format!(
                "adding {table}.{} with the volatile default {} rewrites {table} under ACCESS EXCLUSIVE (reads and writes wait): on a big table add it without a default, SET DEFAULT for new rows, and backfill the rest in batches",
                column.name,
                column.default.as_deref().unwrap_or_default()
            ))]
        }
        Op::AddColumn { table, column } if !new_table(table) && column.generated.is_some() => {
            vec![plain(backend, op)?.warn(format!(
                "adding the generated column {table}.{} computes it for every row, rewriting {table} under ACCESS EXCLUSIVE (reads and writes wait): on a big table add a plain column, backfill it in batches and keep it up to date with a trigger",
                column.name
            ))]
        }
        _ => vec![plain(backend, op)?],
    })
}

/// `DROP INDEX CONCURRENTLY IF EXISTS` (clearing an invalid index a failed
/// build left) and `CREATE INDEX CONCURRENTLY`.
fn build_index(
    backend: &PostgresBackend,
    table: &TableName,
    index: &Index,
) -> Result<Vec<String>, RenderError> {
    let create = render::create_index(backend, &super::ddl::INDEX_SYNTAX, table, index)?;
    Ok(vec![
        drop_index(backend, table, &index.name),
        create.replacen("INDEX ", "INDEX CONCURRENTLY ", 1),
    ])
}

fn drop_index(backend: &PostgresBackend, table: &TableName, name: &str) -> String {
    // language=SQL
    format!(
        "DROP INDEX CONCURRENTLY IF EXISTS {}",
        backend.quote_qualified(table.schema.as_deref(), name)
    )
}

/// `ADD <clause> NOT VALID` (a moment's lock), then, once that commits,
/// `VALIDATE CONSTRAINT` (which lets reads and writes go on).
fn not_valid_then_validate(
    backend: &PostgresBackend,
    table: &TableName,
    name: &str,
    clause: &str,
) -> Vec<Phase> {
    let quoted = backend.quote_identifier(name);
    vec![
        Phase::in_transaction(
            vec![render::alter_table(
                backend,
                table,
                &format!("ADD {clause} NOT VALID"),
            )],
            vec![render::alter_table(
                backend,
                table,
                &format!("DROP CONSTRAINT IF EXISTS {quoted}"),
            )],
        ),
        Phase::in_transaction(
            vec![render::alter_table(
                backend,
                table,
                &format!("VALIDATE CONSTRAINT {quoted}"),
            )],
            Vec::new(),
        )
        .after_commit(),
    ]
}

/// A unique index built concurrently, then attached as the constraint
/// (`UNIQUE` or `PRIMARY KEY`) `name`, which takes the index's name,
/// deferrable as `deferrable` says.
fn attach_index(
    backend: &PostgresBackend,
    table: &TableName,
    name: &str,
    columns: &[String],
    kind: &str,
    deferrable: Option<Deferral>,
) -> Result<Vec<Phase>, RenderError> {
    let index = Index {
        name: name.to_owned(),
        parts: columns.iter().cloned().map(IndexPart::Column).collect(),
        unique: true,
        predicate: None,
        ..Index::default()
    };
    let quoted = backend.quote_identifier(name);
    let deferral = deferrable.map_or(String::new(), |deferral| format!(" {}", deferral.as_sql()));
    Ok(vec![
        Phase::outside_transaction(
            build_index(backend, table, &index)?,
            vec![drop_index(backend, table, name)],
        ),
        Phase::in_transaction(
            vec![render::alter_table(
                backend,
                table,
                &format!("ADD CONSTRAINT {quoted} {kind} USING INDEX {quoted}{deferral}"),
            )],
            vec![render::alter_table(
                backend,
                table,
                &format!("DROP CONSTRAINT {quoted}"),
            )],
        )
        .after_commit(),
    ])
}

/// A column change: `SET NOT NULL` through a validated check, a rewriting
/// type change flagged, the rest as offline.
fn alter_column(
    backend: &PostgresBackend,
    op: &Op,
    table: &TableName,
    old: &Column,
    new: &Column,
) -> Result<Vec<Phase>, RenderError> {
    let mut phases = Vec::new();
    let sets_not_null = old.nullable && !new.nullable;
    let rest = Column {
        nullable: old.nullable,
        ..new.clone()
    };
    if sets_not_null {
        if rest != *old {
            let rest = Op::AlterColumn {
                table: table.clone(),
                old: old.clone(),
                new: rest,
            };
            phases.push(plain(backend, &rest)?);
        }
    } else {
        phases.push(plain(backend, op)?);
    }
    if old.ty != new.ty && rewrites(&old.ty, &new.ty) {
        if let Some(phase) = phases.first_mut() {
            phase.warnings.push(format!(
                "changing {table}.{} from {} to {} rewrites {table} and its indexes under ACCESS EXCLUSIVE (reads and writes wait for the whole rewrite): on a big table expand and contract instead: add a column of the new type, backfill it in batches, write both from the application, switch reads to it, then drop the old column",
                new.name,
                backend.type_sql(&old.ty),
                backend.type_sql(&new.ty)
            ));
            for statement in phase
                .up
                .iter_mut()
                .filter(|statement| statement.contains(" TYPE "))
            {
                *statement = format!(
                    "-- rewrites the table: expand/contract instead on a big table (new column, backfill in batches, swap)\n{statement}"
                );
            }
        }
    }
    if sets_not_null {
        let check = not_null_check_name(backend, table, &new.name);
        let quoted_check = backend.quote_identifier(&check);
        let column = backend.quote_identifier(&new.name);
        let alter = |action: String| render::alter_table(backend, table, &action);
        phases.push(Phase::in_transaction(
            vec![alter(format!(
                "ADD CONSTRAINT {quoted_check} CHECK ({column} IS NOT NULL) NOT VALID"
            ))],
            vec![alter(format!("DROP CONSTRAINT IF EXISTS {quoted_check}"))],
        ));
        // PostgreSQL 12+ sees the validated check and skips SET NOT NULL's
        // scan.
        phases.push(
            Phase::in_transaction(
                vec![
                    alter(format!("VALIDATE CONSTRAINT {quoted_check}")),
                    alter(format!("ALTER COLUMN {column} SET NOT NULL")),
                    alter(format!("DROP CONSTRAINT {quoted_check}")),
                ],
                vec![alter(format!("ALTER COLUMN {column} DROP NOT NULL"))],
            )
            .after_commit(),
        );
    }
    Ok(phases)
}

/// Whether changing a column's type rewrites the table: all but the
/// binary-compatible changes (a longer VARCHAR, VARCHAR to TEXT or to
/// VARCHAR without a length, and between those two) and a
/// change of an enum's values.
fn rewrites(old: &SqlType, new: &SqlType) -> bool {
    // Two versions of one enum are one PostgreSQL type: the enum ops
    // change its values.
    let same_enum = matches!((old, new),
        (SqlType::Enum { name: a, .. }, SqlType::Enum { name: b, .. }) if a == b);
    !same_enum
        && !matches!(
            (old, new),
            (SqlType::Varchar(from), SqlType::Varchar(to)) if to >= from
        )
        && !matches!(
            (old, new),
            (
                SqlType::Varchar(_) | SqlType::VarcharUnbounded | SqlType::Text,
                SqlType::Text | SqlType::VarcharUnbounded
            )
        )
}

/// `<table>_<column>_not_null`, cut to PostgreSQL's identifier length.
fn not_null_check_name(backend: &PostgresBackend, table: &TableName, column: &str) -> String {
    let mut name = format!("{}_{column}_not_null", table.name);
    let max = backend.max_identifier_length();
    while name.len() > max {
        name.pop();
    }
    name
}
