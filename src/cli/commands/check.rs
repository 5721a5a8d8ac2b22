//! `check`: whether the models and the database agree, for CI.

use crate::cli::args::CheckArgs;
use crate::cli::config::LintLevel;
use crate::cli::connect::with_connection;
use crate::cli::output::{count_label, Tone};
use crate::cli::{CliError, Context};
use crate::{DatabaseConnection, Migrations, Schema};

/// `check [--destructive | --online]`.
pub(super) fn check(context: &Context, args: &CheckArgs) -> Result<(), CliError> {
    if args.online {
        let migrations = context.migrations()?;
        let mut conn = context.connect("check --online")?;
        return with_connection!(&mut conn, conn => lint_pending(context, conn, &migrations));
    }
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
    let pending = context.migrator(migrations).pending(conn)?;
    if !pending.is_empty() {
        if !args.destructive {
            return Err(CliError::NotAtHead { pending });
        }
        return check_pending(context, migrations, &pending);
    }
    // What autogenerate would write: the models in the database's stored
    // form, so spellings the database chose are not differences.
    let diff = crate::autogen::pending_changes_with(conn, schema, &context.compared_tables())?;
    // Objects the models do not declare are left alone: said, not failed.
    for warning in diff
        .warnings()
        .iter()
        .filter(|warning| warning.kind == crate::diff::WarningKind::Unmanaged)
    {
        context.out.warn(&warning.message);
    }
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
        let text = op.to_string();
        let text = context.out.paint(tone_of(&text), &text);
        let line = match op.destructive() {
            Some(why) => format!(
                "  {text} {}",
                context
                    .out
                    .paint(Tone::Warn, &format!("(destructive: {why})"))
            ),
            None => format!("  {text}"),
        };
        context.out.data(&line);
    }
    if context.out.verbose() {
        for statement in crate::render::render(&diff, C::BACKEND.backend())? {
            context.out.detail(&format!("{statement};"));
        }
    }
    Err(CliError::ModelsDiffer {
        count: diff.ops().len(),
    })
}

/// `check --destructive` on a database behind the files: fails when a
/// pending revision holds a destructive operation, as the
/// `-- retort:warning` lines autogenerate wrote into it say. The models are
/// not compared: the database does not have those revisions yet.
fn check_pending(
    context: &Context,
    migrations: &Migrations,
    pending: &[String],
) -> Result<(), CliError> {
    let graph = migrations.graph()?;
    let mut count = 0;
    for id in pending {
        let revision = graph.find(id)?;
        for warning in revision
            .warnings()
            .iter()
            .filter(|warning| is_destructive(warning))
        {
            count += 1;
            context.out.data(&format!(
                "  {} ({}): {}",
                context.out.paint(Tone::Name, revision.id()),
                revision.file_name(),
                context.out.paint(Tone::Warn, warning)
            ));
        }
    }
    if count > 0 {
        return Err(CliError::DestructivePending { count });
    }
    context.out.info(&format!(
        "{} pending, none destructive; the models are compared once they are applied",
        count_label(pending.len(), "revision")
    ));
    Ok(())
}

/// `check --online`: the lint's findings on every pending revision, with
/// the connected database's rules.
fn lint_pending<C: DatabaseConnection>(
    context: &Context,
    conn: &mut C,
    migrations: &Migrations,
) -> Result<(), CliError> {
    if crate::lint::rule_ids(C::BACKEND).is_empty() {
        context.out.info(&format!(
            "{} has one writer and no online DDL, so the lint has no rules for it; nothing to check",
            C::BACKEND.display_name()
        ));
        return Ok(());
    }
    let pending = context.migrator(migrations).pending(conn)?;
    let graph = migrations.graph()?;
    let (mut count, mut warned) = (0, 0);
    for id in &pending {
        for finding in crate::lint::lint_for(C::BACKEND, graph.find(id)?) {
            match context.settings.lint_level(finding.rule) {
                LintLevel::Allow => continue,
                LintLevel::Warn => warned += 1,
                LintLevel::Error => count += 1,
            }
            context.out.data(&finding.to_string());
        }
    }
    if count > 0 {
        return Err(CliError::LockingStatements { count });
    }
    if warned > 0 {
        context.out.info(&format!(
            "{} pending; {} the config file's [lint] levels make warnings only",
            count_label(pending.len(), "revision"),
            count_label(warned, "finding")
        ));
        return Ok(());
    }
    context.out.info(&format!(
        "{} pending, none blocks the application",
        count_label(pending.len(), "revision")
    ));
    Ok(())
}

/// Whether an autogenerate warning is about losing data: every warning but
/// the note that a revision has no down section.
fn is_destructive(warning: &str) -> bool {
    !warning.starts_with("no down section")
}

/// The colour of an operation in a diff, by what it does: green for what
/// it adds, red for what it drops, yellow for what it changes.
fn tone_of(op: &str) -> Tone {
    match op.split_whitespace().next() {
        Some("add" | "create") => Tone::Good,
        Some("drop") => Tone::Bad,
        _ => Tone::Warn,
    }
}
