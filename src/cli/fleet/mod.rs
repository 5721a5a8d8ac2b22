//! `--targets FILE`: `upgrade`, `downgrade`, `stamp`, `current` and
//! `check` on every target a file lists (one a line: a database URL,
//! optionally followed by `schema=NAME`), through [`crate::fleet`].

mod display;

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::args::{CheckArgs, Command};
use super::output::count_label;
use super::{CliError, Context};
use crate::fleet::{read_targets, Fleet, FleetReport};
use crate::BackendKind;
use display::Display;

/// The options of a command run over a fleet.
#[derive(Debug, Args)]
pub(crate) struct FleetArgs {
    /// Run on every target FILE lists instead of --url: one a line, a
    /// database URL optionally followed by schema=NAME (a PostgreSQL
    /// schema); `#` starts a comment.
    #[arg(long, value_name = "FILE")]
    pub(crate) targets: Option<PathBuf>,

    /// With --targets: at most N connections open at once to each server.
    #[arg(long, value_name = "N", default_value_t = 1, requires = "targets")]
    pub(crate) parallel: usize,

    /// With --targets: run the first K targets first, and start no other
    /// if any of them fails or cannot be reached.
    #[arg(long, value_name = "K", default_value_t = 0, requires = "targets")]
    pub(crate) canary: usize,

    /// With --targets: go on starting targets after one failed (without
    /// it, no target starts after the first failure).
    #[arg(long, requires = "targets")]
    pub(crate) continue_on_error: bool,

    /// With --targets (upgrade and stamp): create a target's schema when it
    /// does not exist.
    #[arg(long, requires = "targets")]
    pub(crate) create_schemas: bool,

    /// With --targets: `text` for people, or `json`: one JSON record per
    /// target on stdout (the target with its password removed, from, to,
    /// status, error, duration).
    #[arg(long, value_enum, default_value_t = Format::Text, requires = "targets")]
    pub(crate) format: Format,
}

/// How a fleet's report is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Lines for people, a progress bar on a terminal, and a summary.
    Text,
    /// One JSON object per target, a line each.
    Json,
}

/// The command a fleet runs.
#[derive(Clone, Copy)]
enum Verb<'a> {
    Upgrade(&'a str),
    Downgrade(&'a str),
    Stamp(&'a str),
    Current,
    Check(&'a CheckArgs),
}

/// Runs `command` over a fleet when it is given `--targets`; `None` when
/// it is not, for the single-database commands to run it.
pub(crate) fn execute(command: &Command, context: &Context) -> Option<Result<(), CliError>> {
    let (args, verb) = match command {
        Command::Upgrade(args) => (&args.fleet, Verb::Upgrade(&args.target)),
        Command::Downgrade(args) => (&args.fleet, Verb::Downgrade(&args.target)),
        Command::Stamp { revision, fleet } => (fleet, Verb::Stamp(revision)),
        Command::Current { fleet } => (fleet, Verb::Current),
        Command::Check(args) => (&args.fleet, Verb::Check(args)),
        _ => return None,
    };
    let path = args.targets.as_ref()?;
    Some(run(context, args, path, verb))
}

fn run(
    context: &Context,
    args: &FleetArgs,
    path: &std::path::Path,
    verb: Verb<'_>,
) -> Result<(), CliError> {
    let targets = read_targets(path)?;
    if targets.is_empty() {
        return Err(CliError::NoTargets {
            path: path.display().to_string(),
        });
    }
    let models = match verb {
        Verb::Check(check) if !check.online => Some(context.schema("check")?),
        _ => None,
    };
    let migrations = context.migrations()?;
    let migrator = context.migrator(&migrations);
    let display = Display::new(
        context,
        args.format,
        targets.len(),
        migrator.heads(),
        matches!(verb, Verb::Current),
        matches!(verb, Verb::Current | Verb::Check(_)),
    );
    let fleet = Fleet::new(migrator, targets)
        .parallel(args.parallel)
        .canary(args.canary)
        .continue_on_error(args.continue_on_error)
        .create_schemas(args.create_schemas)
        .on_progress(|progress| display.progress(progress));
    let report = match (verb, models) {
        (Verb::Upgrade(to), _) => fleet.upgrade(to),
        (Verb::Downgrade(to), _) => fleet.downgrade(to),
        (Verb::Stamp(to), _) => fleet.stamp(to),
        (Verb::Current, _) => fleet.current(),
        (Verb::Check(_), Some(models)) => fleet.check(models),
        (Verb::Check(_), None) => fleet.pending(),
    }?;
    display.finish(&report);
    let mut locking = 0;
    match verb {
        Verb::Current => display.positions(&report),
        Verb::Check(check) if check.online => {
            locking = lint_pending(&migrations, &report, &display)?;
        }
        _ => {}
    }
    display.summary(&report);
    if !report.is_success() {
        return Err(display.failure(&report));
    }
    if locking > 0 {
        return Err(CliError::LockingStatements { count: locking });
    }
    Ok(())
}

/// `check --online --targets`: the lint's findings on each revision still
/// pending on some target, with the rules of that target's database, each
/// revision once per database.
fn lint_pending(
    migrations: &crate::Migrations,
    report: &FleetReport,
    display: &Display<'_>,
) -> Result<usize, CliError> {
    let graph = migrations.graph()?;
    let mut linted: Vec<(BackendKind, &str)> = Vec::new();
    let mut count = 0;
    for target in &report.targets {
        let backend = target.target.backend();
        for id in &target.pending {
            if linted.contains(&(backend, id.as_str())) {
                continue;
            }
            linted.push((backend, id.as_str()));
            let on = report
                .targets
                .iter()
                .filter(|other| other.target.backend() == backend && other.pending.contains(id))
                .count();
            for finding in crate::lint::lint_for(backend, graph.find(id)?) {
                count += 1;
                display.finding(&format!(
                    "{finding} (pending on {} of {backend})",
                    count_label(on, "target")
                ));
            }
        }
    }
    if count == 0 {
        display.note(&format!(
            "{} pending on some target, none blocks the application",
            count_label(linted.len(), "revision")
        ));
    }
    Ok(count)
}
