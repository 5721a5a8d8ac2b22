//! MySQL's and MariaDB's online DDL: each `ALTER TABLE` asks for an
//! algorithm that lets reads and writes go on, so the server refuses
//! (instead of copying the table under a lock) where it cannot; a change
//! only a table copy can make is written as offline, with a warning.

use super::foreign_key_indexes::lift_foreign_keys_off_going_indexes;
use super::{ddl, MysqlBackend};
use crate::backend::Backend;
use crate::diff::{Diff, Op};
use crate::render::{self, RenderError, RenderedStep};

/// How an op's statements may run online.
enum Online {
    /// Metadata only (`ALGORITHM=INSTANT`: MySQL 8.0, MariaDB 10.3+).
    Instant,
    /// Rebuilt in place while reads and writes go on.
    InPlace,
    /// Only by copying the table, blocking writes: what the warning says.
    Copies(&'static str),
    /// Nothing to ask for (no table is altered).
    AsIs,
}

fn online(op: &Op) -> Online {
    match op {
        Op::AddColumn { column, .. } if column.generated.as_ref().is_some_and(|g| g.stored) => {
            Online::Copies("adding a stored generated column, computed for every row")
        }
        Op::AddColumn { .. } => Online::Instant,
        Op::DropColumn { .. }
        | Op::RenameColumn { .. }
        | Op::CreateIndex { .. }
        | Op::DropIndex { .. }
        | Op::AddPrimaryKey { .. }
        | Op::AddUnique { .. }
        | Op::DropUnique { .. }
        | Op::DropForeignKey { .. } => Online::InPlace,
        Op::AlterColumn { old, new, .. } if old.collation != new.collation => {
            Online::Copies("changing a column's collation")
        }
        Op::AlterColumn { old, new, .. } if old.ty == new.ty && old.identity == new.identity => {
            Online::InPlace
        }
        Op::AlterColumn { old, new, .. } if old.ty == new.ty => {
            Online::Copies("adding or removing AUTO_INCREMENT")
        }
        Op::AlterColumn { .. } => Online::Copies("changing a column's type"),
        Op::AddForeignKey { .. } => {
            Online::Copies("adding a foreign key with foreign_key_checks on")
        }
        Op::AddCheck { .. } => Online::Copies("adding a check constraint, which checks every row"),
        Op::SetTableCollation { columns, .. } if !columns.is_empty() => {
            Online::Copies("converting a table's text columns to another collation")
        }
        Op::DropPrimaryKey { .. } => Online::Copies("dropping a primary key"),
        Op::SetTableEngine { .. } => Online::Copies("moving a table to another engine"),
        _ => Online::AsIs,
    }
}

/// The statements of `op`, part of `diff`, asking for its online algorithm.
fn statements(backend: &MysqlBackend, diff: &Diff, op: &Op) -> Result<Vec<String>, RenderError> {
    let mut out = Vec::new();
    ddl::render_op_of(backend, diff, op, &mut out)?;
    let (alter, index) = match online(op) {
        Online::Instant => (", ALGORITHM=INSTANT", " ALGORITHM=INSTANT"),
        Online::InPlace => (
            ", ALGORITHM=INPLACE, LOCK=NONE",
            " ALGORITHM=INPLACE LOCK=NONE",
        ),
        Online::Copies(_) | Online::AsIs => return Ok(out),
    };
    // MariaDB takes no algorithm on `DROP INDEX ... ON`: drop through
    // `ALTER TABLE`, which takes one everywhere.
    let dropped = match op {
        Op::DropIndex { table, index } => Some((table, index.name.as_str())),
        Op::DropUnique { table, unique } => unique.name.as_deref().map(|name| (table, name)),
        _ => None,
    };
    if let Some((table, name)) = dropped {
        let quoted = backend.quote_identifier(name);
        // language=SQL
        let drop_on = format!(
            "DROP INDEX {quoted} ON {}",
            render::table_sql(backend, table)
        );
        for statement in out.iter_mut().filter(|statement| **statement == drop_on) {
            *statement = render::alter_table(backend, table, &format!("DROP INDEX {quoted}"));
        }
    }
    for statement in &mut out {
        if statement.starts_with("ALTER TABLE") {
            statement.push_str(alter);
        } else if statement.starts_with("CREATE INDEX")
            || statement.starts_with("CREATE UNIQUE INDEX")
        {
            statement.push_str(index);
        }
    }
    Ok(out)
}

/// One step: MySQL commits each DDL statement on its own anyway.
pub(super) fn render_online(
    backend: &MysqlBackend,
    diff: &Diff,
) -> Result<Vec<RenderedStep>, RenderError> {
    let mut step = RenderedStep {
        transactional: true,
        up: Vec::new(),
        down: Some(Vec::new()),
        warnings: Vec::new(),
    };
    let up = lift_foreign_keys_off_going_indexes(diff);
    for op in up.ops() {
        step.up.extend(statements(backend, &up, op)?);
        if let Online::Copies(what) = online(op) {
            step.warnings.push(format!(
                "{what} may copy the table{}, blocking writes to it until the copy ends: on a big table run it with an online schema change tool (gh-ost, pt-online-schema-change)",
                table_of(op).map(|table| format!(" {table}")).unwrap_or_default()
            ));
        }
    }
    let reverse = diff.reverse();
    let reverse = lift_foreign_keys_off_going_indexes(&reverse);
    let mut down = Vec::new();
    for op in reverse.ops() {
        match statements(backend, &reverse, op) {
            Ok(statements) => down.extend(statements),
            Err(error) => {
                step.warnings.push(format!("no down section: {error}"));
                step.down = None;
                return Ok(vec![step]);
            }
        }
    }
    step.down = Some(down);
    Ok(vec![step])
}

/// The table an op changes, for messages.
fn table_of(op: &Op) -> Option<String> {
    match op {
        Op::AlterColumn { table, .. }
        | Op::AddColumn { table, .. }
        | Op::AddForeignKey { table, .. }
        | Op::AddCheck { table, .. }
        | Op::DropPrimaryKey { table, .. } => Some(render::table_sql(&MysqlBackend, table)),
        _ => None,
    }
}
