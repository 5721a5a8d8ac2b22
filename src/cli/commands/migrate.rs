//! The commands that move the database: `upgrade`, `downgrade` (online or
//! as offline SQL with `--sql`) and `stamp`.

use std::time::{Duration, Instant};

use crate::cli::args::{DowngradeArgs, UpgradeArgs};
use crate::cli::connect::with_connection;
use crate::cli::output::{count_label, duration_label, Tone};
use crate::cli::{CliError, Context};
use crate::{runner::Direction, DatabaseConnection, Migrations, Migrator, Report};

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
    let steps = script
        .lines()
        .filter(|line| line.starts_with("-- NOT RUN BY THIS SCRIPT:"))
        .count();
    if steps > 0 {
        context.out.warn(&format!(
            "the script cannot run {}: each is marked `-- NOT RUN BY THIS SCRIPT` where the application must run it",
            count_label(steps, "Rust step")
        ));
    }
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
    let mut migrator = context.migrator(migrations);
    if !context.out.quiet() && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        migrator = migrator.on_backfill_progress(draw_backfill_progress);
    }
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

/// A backfill's progress as one line on the terminal, redrawn in place:
/// `[#######.............] 35% users: 70000 rows in 70 batches, about 12 s left`.
fn draw_backfill_progress(progress: &crate::runner::BackfillProgress) {
    use std::io::Write as _;
    const WIDTH: usize = 20;
    let share = match (progress.next_key, progress.remaining) {
        (None, _) => 1.0,
        (Some(_), Some(left)) => {
            let elapsed = progress.elapsed.as_secs_f64();
            elapsed / (elapsed + left.as_secs_f64()).max(f64::MIN_POSITIVE)
        }
        (Some(_), None) => 0.0,
    };
    let filled = ((share * WIDTH as f64).round() as usize).min(WIDTH);
    let left = match (progress.next_key, progress.remaining) {
        (None, _) => "done".to_owned(),
        (Some(_), Some(left)) => format!("about {} s left", left.as_secs()),
        (Some(_), None) => "estimating".to_owned(),
    };
    let mut stderr = std::io::stderr().lock();
    let _ = write!(
        stderr,
        "\r[{}{}] {:>3.0}% {}: {} rows in {} batches, {left}\x1b[K",
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        share * 100.0,
        progress.table,
        progress.rows,
        progress.batches,
    );
    if progress.next_key.is_none() {
        let _ = writeln!(stderr);
    }
    let _ = stderr.flush();
}
