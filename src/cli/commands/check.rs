//! `check`: whether the models and the database agree, for CI.

use crate::cli::args::CheckArgs;
use crate::cli::connect::with_connection;
use crate::cli::output::{count_label, Tone};
use crate::cli::{CliError, Context};
use crate::revision::DIESEL_VERSION_TABLE;
use crate::{DatabaseConnection, Migrations, Migrator, Op, Schema};

/// `check [--destructive]`.
pub(super) fn check(context: &Context, args: &CheckArgs) -> Result<(), CliError> {
    let schema = context.schema("check")?;
    let migrations = context.migrations()?;
    let mut conn = context.connect("check")?;
    with_connection!(&mut conn, conn => check_on(context, conn, schema, &migrations, args))
}

fn check_on<C: DatabaseConnection>(
    context: &Context,
    conn: &mut C,
    schema: &Schema,
    migrations: &Migrations,
    args: &CheckArgs,
) -> Result<(), CliError> {
    let pending = Migrator::new(migrations).pending(conn)?;
    if !pending.is_empty() {
        if !args.destructive {
            return Err(CliError::NotAtHead { pending });
        }
        return check_pending(context, migrations, &pending);
    }
    let mut database = crate::introspect(conn)?;
    // diesel's version table stays after switching; it is no model's.
    database
        .tables
        .retain(|table| !(table.schema.is_none() && table.name == DIESEL_VERSION_TABLE));
    let diff = crate::diff(&database, schema);
    if diff.is_empty() {
        context
            .out
            .info("No differences: the models match the database");
        return Ok(());
    }
    context.out.info(&format!(
        "{} would bring the database to the models:",
        count_label(diff.ops().len(), "operation")
    ));
    for op in diff.ops() {
        let line = match op.destructive() {
            Some(why) => format!(
                "  {} {}",
                describe(op),
                context
                    .out
                    .paint(Tone::Warn, &format!("(destructive: {why})"))
            ),
            None => format!("  {}", describe(op)),
        };
        context.out.data(&line);
    }
    if context.out.verbose() {
        for statement in crate::render(&diff, C::BACKEND.backend())? {
            context.out.detail(&format!("{statement};"));
        }
    }
    Err(CliError::ModelsDiffer {
        count: diff.ops().len(),
    })
}

/// `check --destructive` on a database behind the files: fails when a
/// pending revision holds a destructive operation.
fn check_pending(
    _context: &Context,
    _migrations: &Migrations,
    pending: &[String],
) -> Result<(), CliError> {
    Err(CliError::NotAtHead {
        pending: pending.to_vec(),
    })
}

/// "add column on users": the op's kind in words and the table it works on.
fn describe(op: &Op) -> String {
    let debug = format!("{op:?}");
    let variant = debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default();
    let mut kind = String::new();
    for ch in variant.chars() {
        if ch.is_uppercase() && !kind.is_empty() {
            kind.push(' ');
        }
        kind.extend(ch.to_lowercase());
    }
    match op.table() {
        Some(table) => format!("{kind} on {table}"),
        None => kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Column, SqlType, Table};

    #[test]
    fn ops_are_described_in_words() {
        let op = Op::CreateTable {
            table: Table::new("users").column(Column::new("id", SqlType::BigInt)),
        };
        assert_eq!(describe(&op), "create table on users");
    }
}
