//! The commands that move the database: `upgrade`, `downgrade` (online or
//! as offline SQL with `--sql`) and `stamp`.

use std::time::{Duration, Instant};

use crate::cli::args::{DowngradeArgs, UpgradeArgs};
use crate::cli::connect::with_connection;
use crate::cli::output::{count_label, duration_label, Tone};
use crate::cli::{CliError, Context};
use crate::{DatabaseConnection, Direction, Migrations, Migrator, Report};

/// `upgrade [TARGET] [--sql]`.
pub(super) fn upgrade(context: &Context, args: &UpgradeArgs) -> Result<(), CliError> {
    if args.sql {
        return offline_sql(context, "upgrade", &args.target, "base");
    }
    run(context, "upgrade", Direction::Upgrade, &args.target)
}

/// `downgrade TARGET [--sql]`.
pub(super) fn downgrade(context: &Context, args: &DowngradeArgs) -> Result<(), CliError> {
    if args.sql {
        return offline_sql(context, "downgrade", &args.target, "head");
    }
    run(context, "downgrade", Direction::Downgrade, &args.target)
}

/// `stamp REV`.
pub(super) fn stamp(context: &Context, target: &str) -> Result<(), CliError> {
    let migrations = context.migrations()?;
    let mut conn = context.connect("stamp")?;
    with_connection!(&mut conn, conn => {
        let migrator = context.migrator(&migrations);
        let report = migrator.stamp(conn, target)?;
        for revision in &report.re_recorded {
            context.out.info(&format!(
                "Re-recorded the checksum of revision {}: its file was edited after it was applied, and the edit is accepted from now on",
                context.out.paint(Tone::Name, revision)
            ));
        }
        for revision in &report.forgotten {
            context.out.info(&format!(
                "Removed revision {} from the version table: no migration file declares it",
                context.out.paint(Tone::Name, revision)
            ));
        }
        let at = position(context, &migrator, &migrator.current(conn)?);
        context.out.info(&format!("Stamped {target}: the database is recorded at {at}, no SQL was run"));
        Ok(())
    })
}

/// The script `FROM:TO` (or `default_from` to `TO`) for the URL's database,
/// printed instead of run.
fn offline_sql(
    context: &Context,
    command: &'static str,
    target: &str,
    default_from: &str,
) -> Result<(), CliError> {
    let migrations = context.migrations()?;
    let backend = context.url(command)?.backend();
    let (from, to) = target.split_once(':').unwrap_or((default_from, target));
    let script = context.migrator(&migrations).sql(backend, from, to)?;
    context.out.data(script.trim_end());
    Ok(())
}

fn run(
    context: &Context,
    command: &'static str,
    direction: Direction,
    target: &str,
) -> Result<(), CliError> {
    let migrations = context.migrations()?;
    let mut conn = context.connect(command)?;
    with_connection!(&mut conn, conn => run_on(context, conn, &migrations, direction, target))
}

fn run_on<C: DatabaseConnection>(
    context: &Context,
    conn: &mut C,
    migrations: &Migrations,
    direction: Direction,
    target: &str,
) -> Result<(), CliError> {
    let migrator = context.migrator(migrations);
    let started = Instant::now();
    let result = match direction {
        Direction::Upgrade => migrator.upgrade(conn, target),
        Direction::Downgrade => migrator.downgrade(conn, target),
    };
    let report = match result {
        Ok(report) => report,
        Err(error) => {
            error
                .report()
                .steps()
                .iter()
                .for_each(|step| context.out.step(step));
            return Err(error.into());
        }
    };
    report
        .steps()
        .iter()
        .for_each(|step| context.out.step(step));
    let at = position(context, &migrator, &migrator.current(conn)?);
    context.out.info(&summary(
        context,
        &report,
        direction,
        started.elapsed(),
        &at,
    ));
    Ok(())
}

/// "Applied 2 revisions in 35 ms; the database is at 3f2a9c1b7d04 (head)".
fn summary(
    context: &Context,
    report: &Report,
    direction: Direction,
    elapsed: Duration,
    at: &str,
) -> String {
    let verb = match direction {
        Direction::Upgrade => "Applied",
        Direction::Downgrade => "Reverted",
    };
    if report.is_empty() {
        let what = match direction {
            Direction::Upgrade => "apply",
            Direction::Downgrade => "revert",
        };
        return format!("Nothing to {what}: the database is at {at}");
    }
    format!(
        "{} {} in {}; the database is at {at}",
        context.out.paint(Tone::Good, verb),
        count_label(report.steps().len(), "revision"),
        duration_label(elapsed),
    )
}

/// Where the database is, for people: `<base>`, or each current revision
/// with `(head)` after the heads.
pub(super) fn position(context: &Context, migrator: &Migrator<'_>, current: &[String]) -> String {
    if current.is_empty() {
        return "<base>".to_owned();
    }
    let heads = migrator.heads();
    current
        .iter()
        .map(|id| {
            let id_shown = context.out.paint(Tone::Name, id);
            if heads.contains(id) {
                format!("{id_shown} (head)")
            } else {
                id_shown
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
