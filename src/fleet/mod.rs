//! Fleets: one command over many databases and schemas (a database or a
//! schema per tenant, on several servers), with bounded parallelism, a
//! canary, and a report per target.
//!
//! ```no_run
//! use retort::fleet::{read_targets, Fleet, TargetStatus};
//! use retort::{Migrations, Migrator};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let migrations = Migrations::from_dir("migrations")?;
//! // postgres://app@db1/shop schema=tenant_1, mysql://app@db2/tenant_2, ...
//! let targets = read_targets("tenants.txt")?;
//! let report = Fleet::new(Migrator::new(&migrations), targets)
//!     .parallel(8) // at most 8 connections open at once per server
//!     .canary(5) // the first 5 targets first; any failure stops the rest
//!     .on_progress(|progress| {
//!         eprintln!("{} done, {} failed, {} to go", progress.done, progress.failed, progress.remaining)
//!     })
//!     .upgrade("head")?;
//! for target in &report.targets {
//!     if target.status != TargetStatus::Unchanged {
//!         println!("{}: {} {}", target.target, target.status, target.message().unwrap_or_default());
//!     }
//! }
//! assert!(report.is_success());
//! # Ok(()) }
//! ```
//!
//! Each target keeps every guarantee of a single-database run (the
//! migration lock, each revision exactly once, a failure rolled back or
//! recorded): the fleet runs [`Migrator`] on each target, on a connection of
//! its own.
//!
//! - **Targets**: database URLs (PostgreSQL, MySQL, SQLite files) and
//!   PostgreSQL schemas inside a database ([`Target::schema`]). A schema
//!   target runs with that schema alone on the `search_path`, so its
//!   version table and the revisions' unqualified names are the schema's.
//!   A targets file lists one a line ([`read_targets`]).
//! - **Parallelism**: at most [`Fleet::parallel`] connections open at once
//!   per server (1 by default); schema targets of one database reuse a
//!   worker's connection.
//! - **Canary**: [`Fleet::canary`] runs the first K targets first; if any
//!   of them fails or cannot be reached, no other target is started.
//! - **Failures**: a target that fails stops the run (no target is
//!   started after it; those running finish) unless
//!   [`Fleet::continue_on_error`]. A target that cannot be reached is
//!   reported and does not stop the others. `current`, `pending` and
//!   `check` change nothing, so they visit every target and run no canary.
//! - **Re-running** the same command after a stop picks up where it left
//!   off: a target at the goal costs one query (two for a schema target,
//!   whose first selects the schema).
//! - **Progress**: a callback after each target ([`Fleet::on_progress`]),
//!   and tracing events: each target runs in a `fleet_target` span (so the
//!   runner's own lines carry the target), and its end is an event at
//!   `info` level (`warn` when it failed or could not be reached).

mod report;
mod target;
mod work;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Instant;

pub use report::{FleetReport, Progress, StopReason, TargetError, TargetReport, TargetStatus};
pub use target::{parse_targets, read_targets, Target, TargetsError};

use crate::{revision::RevisionError, Migrator, Schema};
use work::{Held, Job, Work};

/// A problem with the whole run, found before any target is started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FleetError {
    /// A target is listed twice.
    #[error("{target} is listed twice")]
    Duplicate {
        /// The target, password removed.
        target: String,
    },

    /// A target cannot be run as given (a schema on a database that is not
    /// PostgreSQL, an empty schema name).
    #[error("{target}: {problem}")]
    InvalidTarget {
        /// The target, password removed.
        target: String,
        /// What is wrong.
        problem: String,
    },

    /// The migration files, or the revision to go to (`head` with several
    /// heads, say), are wrong for every target alike.
    #[error(transparent)]
    Revision(#[from] RevisionError),
}

/// A callback told of each finished target.
type ProgressCallback<'a> = Box<dyn Fn(&Progress<'_>) + Send + Sync + 'a>;

/// One command over many targets: build with [`Fleet::new`], choose the
/// options, then run [`upgrade`](Fleet::upgrade),
/// [`downgrade`](Fleet::downgrade), [`stamp`](Fleet::stamp),
/// [`current`](Fleet::current), [`pending`](Fleet::pending) or
/// [`check`](Fleet::check).
pub struct Fleet<'a, 'm> {
    migrator: Migrator<'m>,
    targets: Vec<Target>,
    parallel: usize,
    canary: usize,
    continue_on_error: bool,
    create_schemas: bool,
    progress: Option<ProgressCallback<'a>>,
}

impl<'a, 'm> Fleet<'a, 'm> {
    /// A fleet running `migrator` (with its options: allowing edited
    /// revisions, lock timeouts, ...) on `targets`, one at a time, with no
    /// canary, stopping at the first failure.
    pub fn new(migrator: Migrator<'m>, targets: Vec<Target>) -> Fleet<'a, 'm> {
        Fleet {
            migrator,
            targets,
            parallel: 1,
            canary: 0,
            continue_on_error: false,
            create_schemas: false,
            progress: None,
        }
    }

    /// At most `connections` connections open at once to each server (a
    /// PostgreSQL or MySQL host and port; every SQLite file counts as one
    /// local server), so that many targets of a server run at once. 1 by
    /// default; 0 counts as 1.
    pub fn parallel(mut self, connections: usize) -> Fleet<'a, 'm> {
        self.parallel = connections.max(1);
        self
    }

    /// Runs the first `targets` targets first (with the same parallelism);
    /// if any of them fails or cannot be reached, no other target is
    /// started. 0 (the default) runs no canary.
    pub fn canary(mut self, targets: usize) -> Fleet<'a, 'm> {
        self.canary = targets;
        self
    }

    /// Goes on starting targets after one failed, instead of stopping
    /// (those running always finish). A failing canary stops the run
    /// either way.
    pub fn continue_on_error(mut self, continue_on_error: bool) -> Fleet<'a, 'm> {
        self.continue_on_error = continue_on_error;
        self
    }

    /// Creates a schema target's schema when it does not exist (`upgrade`
    /// and `stamp` only), for tenants being set up. Off by default: a
    /// missing schema fails its target, so a misspelt name in a targets
    /// file is not migrated as a new tenant.
    pub fn create_schemas(mut self, create: bool) -> Fleet<'a, 'm> {
        self.create_schemas = create;
        self
    }

    /// Calls `callback` each time a target finishes, one call at a time,
    /// with the counts so far.
    pub fn on_progress(
        mut self,
        callback: impl Fn(&Progress<'_>) + Send + Sync + 'a,
    ) -> Fleet<'a, 'm> {
        self.progress = Some(Box::new(callback));
        self
    }

    /// The targets, in the order they run.
    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    /// Applies revisions up to `to` on every target (see
    /// [`Migrator::upgrade`]). A target at `head` already costs one query.
    ///
    /// # Errors
    ///
    /// [`FleetError`] before any target starts: the targets or the
    /// migration files are wrong, or `to` is `head` while the files have
    /// several heads. What happens on each target is in the report.
    pub fn upgrade(&self, to: &str) -> Result<FleetReport, FleetError> {
        self.run(Job::Upgrade(to))
    }

    /// Reverts revisions back to `to` on every target (see
    /// [`Migrator::downgrade`]).
    ///
    /// # Errors
    ///
    /// As for [`Fleet::upgrade`].
    pub fn downgrade(&self, to: &str) -> Result<FleetReport, FleetError> {
        self.run(Job::Downgrade(to))
    }

    /// Records `to` as where every target is, running no SQL (see
    /// [`Migrator::stamp`]).
    ///
    /// # Errors
    ///
    /// As for [`Fleet::upgrade`].
    pub fn stamp(&self, to: &str) -> Result<FleetReport, FleetError> {
        self.run(Job::Stamp(to))
    }

    /// Where every target is ([`TargetReport::to`]), and any revision an
    /// earlier run left part-way ([`TargetReport::unfinished`]).
    ///
    /// # Errors
    ///
    /// As for [`Fleet::upgrade`].
    pub fn current(&self) -> Result<FleetReport, FleetError> {
        self.run(Job::Current)
    }

    /// The revisions each target has still to apply
    /// ([`TargetReport::pending`]).
    ///
    /// # Errors
    ///
    /// As for [`Fleet::upgrade`].
    pub fn pending(&self) -> Result<FleetReport, FleetError> {
        self.run(Job::Pending)
    }

    /// Whether each target is at head and matches `models`: a target that
    /// is behind, or differs, fails with [`TargetError::NotAtHead`] or
    /// [`TargetError::ModelsDiffer`].
    ///
    /// # Errors
    ///
    /// As for [`Fleet::upgrade`].
    pub fn check(&self, models: &Schema) -> Result<FleetReport, FleetError> {
        self.run(Job::Check(models))
    }

    fn run(&self, job: Job<'_>) -> Result<FleetReport, FleetError> {
        self.validate(job)?;
        let started = Instant::now();
        let total = self.targets.len();
        // Reading changes nothing: no canary, and every target is visited.
        let canaries = if job.reads_only() {
            0
        } else {
            self.canary.min(total)
        };
        let continue_on_error = self.continue_on_error || job.reads_only();
        let state = State {
            reports: Mutex::new(Progressed {
                reports: self
                    .targets
                    .iter()
                    .enumerate()
                    .map(|(at, target)| TargetReport::new(target.clone(), at < canaries))
                    .collect(),
                finished: 0,
                done: 0,
                failed: 0,
                unreachable: 0,
            }),
            stop: AtomicBool::new(false),
            first_failure: Mutex::new(None),
            started,
        };
        let work = Work {
            migrator: &self.migrator,
            job,
            create_schemas: self.create_schemas,
            canaries,
            continue_on_error,
        };
        let mut stopped = None;
        if canaries > 0 {
            self.run_phase(&work, &state, 0..canaries);
            let progressed = lock(&state.reports);
            let failed = progressed.reports[..canaries]
                .iter()
                .filter(|report| !report.status.is_ok())
                .count();
            if failed > 0 {
                stopped = Some(StopReason::Canary { failed });
            }
        }
        if stopped.is_none() {
            self.run_phase(&work, &state, canaries..total);
        }
        if stopped.is_none() {
            stopped = lock(&state.first_failure)
                .take()
                .map(|at| StopReason::Failure {
                    target: self.targets[at].clone(),
                })
                .filter(|_| lock(&state.reports).finished < total);
        }
        let targets = match state.reports.into_inner() {
            Ok(progressed) => progressed.reports,
            Err(poisoned) => poisoned.into_inner().reports,
        };
        Ok(FleetReport {
            targets,
            stopped,
            duration: started.elapsed(),
        })
    }

    /// Checks what is wrong for every target alike, before any starts.
    fn validate(&self, job: Job<'_>) -> Result<(), FleetError> {
        let mut seen = HashSet::new();
        for target in &self.targets {
            if let Some(problem) = target.problem() {
                return Err(FleetError::InvalidTarget {
                    target: target.to_string(),
                    problem,
                });
            }
            if !seen.insert(target) {
                return Err(FleetError::Duplicate {
                    target: target.to_string(),
                });
            }
        }
        let graph_problem = self.migrator.history().err().map(|error| error.into_kind());
        if let Some(crate::runner::MigrateErrorKind::Revision(error)) = graph_problem {
            return Err(error.into());
        }
        let heads = self.migrator.heads();
        let names_one_head = matches!(job, Job::Upgrade("head") | Job::Stamp("head"));
        if names_one_head && heads.len() > 1 {
            return Err(RevisionError::MultipleHeads { heads }.into());
        }
        Ok(())
    }

    /// Runs the targets at `range`: per server, `parallel` workers taking
    /// the server's targets in order, until they run out or the run stops.
    fn run_phase(&self, work: &Work<'_, '_>, state: &State, range: std::ops::Range<usize>) {
        let mut servers: Vec<(String, VecDeque<usize>)> = Vec::new();
        let mut by_server: HashMap<String, usize> = HashMap::new();
        for at in range {
            let server = self.targets[at].server();
            let slot = *by_server.entry(server.clone()).or_insert_with(|| {
                servers.push((server, VecDeque::new()));
                servers.len() - 1
            });
            servers[slot].1.push_back(at);
        }
        let queues: Vec<Mutex<VecDeque<usize>>> = servers
            .into_iter()
            .map(|(_, queue)| Mutex::new(queue))
            .collect();
        // Workers log to the caller's subscriber, inside the caller's span.
        let dispatch = tracing::dispatcher::get_default(Clone::clone);
        let caller = tracing::Span::current();
        std::thread::scope(|scope| {
            for queue in &queues {
                let workers = self.parallel.min(lock(queue).len());
                for _ in 0..workers {
                    let (dispatch, caller) = (&dispatch, &caller);
                    scope.spawn(move || {
                        tracing::dispatcher::with_default(dispatch, || {
                            caller.in_scope(|| self.worker(work, state, queue));
                        });
                    });
                }
            }
        });
    }

    /// One worker: takes targets from its server's queue until it is empty
    /// or the run stops, holding at most one connection.
    fn worker(&self, work: &Work<'_, '_>, state: &State, queue: &Mutex<VecDeque<usize>>) {
        let mut held: Option<Held> = None;
        loop {
            if state.stop.load(Ordering::SeqCst) {
                return;
            }
            let Some(at) = lock(queue).pop_front() else {
                return;
            };
            let target = &self.targets[at];
            let mut report = TargetReport::new(target.clone(), at < work.canaries);
            {
                let span = tracing::info_span!("fleet_target", target = %target);
                let _entered = span.enter();
                work.run(target, &mut held, &mut report);
                log_finished(&report);
            }
            if report.status == TargetStatus::Failed && !work.continue_on_error {
                let mut first = lock(&state.first_failure);
                if first.is_none() {
                    *first = Some(at);
                }
                state.stop.store(true, Ordering::SeqCst);
            }
            self.finish(state, at, report);
        }
    }

    /// Records a finished target and tells the progress callback.
    fn finish(&self, state: &State, at: usize, report: TargetReport) {
        let mut progressed = lock(&state.reports);
        match report.status {
            TargetStatus::Failed => progressed.failed += 1,
            TargetStatus::Unreachable => progressed.unreachable += 1,
            _ => progressed.done += 1,
        }
        progressed.finished += 1;
        progressed.reports[at] = report;
        if let Some(callback) = &self.progress {
            let progress = Progress {
                finished: &progressed.reports[at],
                done: progressed.done,
                failed: progressed.failed,
                unreachable: progressed.unreachable,
                remaining: self.targets.len() - progressed.finished,
                total: self.targets.len(),
                elapsed: state.started.elapsed(),
            };
            callback(&progress);
        }
    }
}

/// What the workers of a run share.
struct State {
    reports: Mutex<Progressed>,
    /// Set when no further target may start.
    stop: AtomicBool,
    /// The target that failed first, when failures stop the run.
    first_failure: Mutex<Option<usize>>,
    started: Instant,
}

/// The reports so far and their counts.
struct Progressed {
    reports: Vec<TargetReport>,
    finished: usize,
    done: usize,
    failed: usize,
    unreachable: usize,
}

/// Locks `mutex`, also after a worker panicked holding it (the data is
/// counts and reports, whole at every step).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The tracing event for a finished target.
fn log_finished(report: &TargetReport) {
    let millis = report.duration.as_millis();
    let to = report
        .to
        .as_ref()
        .map(|at| position(at))
        .unwrap_or_else(|| "unknown".to_owned());
    match report.message() {
        None => tracing::info!(
            status = report.status.as_str(),
            steps = report.report.steps().len(),
            "Target {} {} ({millis} ms), at {to}",
            report.target,
            report.status
        ),
        Some(message) => tracing::warn!(
            status = report.status.as_str(),
            "Target {} {} ({millis} ms): {message}",
            report.target,
            report.status
        ),
    }
}

/// `<base>`, or the revisions joined with commas.
fn position(at: &[String]) -> String {
    if at.is_empty() {
        "<base>".to_owned()
    } else {
        at.join(", ")
    }
}
