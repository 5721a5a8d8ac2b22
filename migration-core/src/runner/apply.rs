//! Applying and reverting revisions: in batches of transactions where the
//! database allows, statement by statement under the run lock where it
//! does not, trying again those that could not get their lock.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use super::plan::{needs_foreign_keys_off, section};
use super::record;
use super::retry::locked_object;
use super::steps::Steps;
use super::{Direction, MigrateError, MigrateErrorKind, Migrator, Report, ReportStep, Result};
use crate::backend::{DatabaseConnection, LockLimits, VersionStatus};
use crate::revision::{has_backfill, script_statements, Revision, RevisionGraph};

/// The most revisions one transaction applies (PostgreSQL, SQLite): few
/// enough to stay clear of PostgreSQL's lock table, many enough that
/// commits do not dominate.
const BATCH: usize = 100;

impl Migrator<'_> {
    pub(super) fn run_locked<C: DatabaseConnection>(
        &self,
        conn: &mut C,
        graph: &RevisionGraph,
        target: &str,
        direction: Direction,
        run_locked: &mut bool,
        report: &mut Report,
    ) -> Result<()> {
        let mut state = self.check_rows(graph, conn.read_versions()?, C::BACKEND)?;
        let mut plan = self.plan(graph, &state.applied, target, direction, C::BACKEND)?;
        let has_backfill = |at: usize| has_backfill(section(graph.at(at), direction, C::BACKEND));
        let needs_run_lock = state.unfinished.is_some()
            || plan
                .iter()
                .any(|&at| !graph.at(at).transactional || has_backfill(at));
        if needs_run_lock && !*run_locked {
            // Outside-a-transaction work needs the lock that spans the run;
            // an unfinished row may belong to a process still running it.
            self.lock_run(conn)?;
            *run_locked = true;
            state = self.check_rows(graph, conn.read_versions()?, C::BACKEND)?;
            plan = self.plan(graph, &state.applied, target, direction, C::BACKEND)?;
        }
        if let Some(row) = state.unfinished {
            let failure = conn.version_failure(&row.revision)?;
            return Err(record::unfinished(row, failure).into());
        }
        if !state.adopted.is_empty() {
            record::record_baselines(conn, graph, &state.adopted)?;
        }
        let transactional_ddl = C::BACKEND.backend().transactional_ddl();
        let in_transaction =
            |at: usize| transactional_ddl && graph.at(at).transactional && !has_backfill(at);
        // (position in the plan, failed attempts) of the revision that last
        // could not get its lock.
        let mut lock_failures: (usize, u32) = (usize::MAX, 0);
        let mut next = 0;
        while next < plan.len() {
            if has_backfill(plan[next]) {
                let revision = graph.at(plan[next]);
                if let Some(duration) = self.run_with_progress(conn, revision, direction)? {
                    report.push(step(revision, direction, duration));
                }
                next += 1;
                continue;
            }
            if !in_transaction(plan[next]) {
                let revision = graph.at(plan[next]);
                let statements =
                    script_statements(section(revision, direction, C::BACKEND), C::BACKEND);
                if let Some(duration) =
                    self.run_outside_transaction(conn, revision, &statements, direction)?
                {
                    report.push(step(revision, direction, duration));
                }
                next += 1;
                continue;
            }
            // A revision that must run with SQLite's foreign keys off (a
            // table rebuild) gets a transaction of its own, so no other
            // revision runs unchecked.
            let alone = |at: usize| needs_foreign_keys_off(graph.at(at), direction, C::BACKEND);
            let batch: Vec<&Revision> = if alone(plan[next]) {
                vec![graph.at(plan[next])]
            } else {
                plan[next..]
                    .iter()
                    .take_while(|&&at| in_transaction(at) && !alone(at))
                    .take(BATCH)
                    .map(|&at| graph.at(at))
                    .collect()
            };
            let start = next;
            next += batch.len();
            match run_batch(conn, &batch, direction, &self.limits, &self.steps) {
                Ok(steps) => steps.into_iter().for_each(|done| report.push(done)),
                Err(BatchError::Statement { at, failure }) => {
                    // The batch was rolled back with the failing revision:
                    // apply the revisions before it again, so the run ends
                    // where it would have with one transaction each.
                    if at > 0 {
                        run_batch(conn, &batch[..at], direction, &self.limits, &self.steps)
                            .map_err(BatchError::into_error)?
                            .into_iter()
                            .for_each(|done| report.push(done));
                    }
                    if failure.lock_not_available {
                        let position = start + at;
                        let attempts = if lock_failures.0 == position {
                            lock_failures.1 + 1
                        } else {
                            1
                        };
                        lock_failures = (position, attempts);
                        if attempts < self.retry.attempts {
                            self.pause_before_retry(&failure, attempts);
                            next = position;
                            continue;
                        }
                        return Err(self.lock_not_available(failure, attempts, true));
                    }
                    return Err(failure.into_error(true));
                }
                Err(BatchError::Other(error)) => return Err(error),
            }
        }
        Ok(())
    }

    /// Logs and sleeps before trying again a revision that could not get
    /// its lock for the `attempts`-th time.
    fn pause_before_retry(&self, failure: &StatementFailure<'_>, attempts: u32) {
        let pause = self.retry.backoff(attempts);
        tracing::warn!(
            revision = %failure.revision.id,
            attempt = attempts,
            "Revision {} could not get its lock on {} ({}), trying again in {} ms ({} of {} attempts failed): {}",
            failure.revision.id,
            locked_object(&failure.statement),
            failure.source,
            pause.as_millis(),
            attempts,
            self.retry.attempts,
            failure.statement,
        );
        std::thread::sleep(pause);
    }

    /// The error for a revision that could not get its lock on any attempt.
    fn lock_not_available(
        &self,
        failure: StatementFailure<'_>,
        attempts: u32,
        as_before: bool,
    ) -> MigrateError {
        MigrateErrorKind::LockNotAvailable {
            revision: failure.revision.id.clone(),
            file: failure.revision.file_name.clone(),
            index: failure.index + 1,
            object: locked_object(&failure.statement),
            lock_timeout: self
                .limits
                .lock_timeout
                .map_or_else(|| "no limit".to_owned(), |limit| format!("{limit:?}")),
            attempts,
            as_before,
            statement: failure.statement,
            source: failure.source,
        }
        .into()
    }

    /// Runs one revision statement by statement outside a transaction
    /// (MySQL, or `transaction off`), under the run lock and the session's
    /// lock limits, marking it `running` first and `failed` with the
    /// statement if one fails. `None` when another process did it first.
    fn run_outside_transaction<C: DatabaseConnection>(
        &self,
        conn: &mut C,
        revision: &Revision,
        statements: &[String],
        direction: Direction,
    ) -> Result<Option<Duration>> {
        let Some((running, failed)) = record::start(conn, revision, direction)? else {
            return Ok(None);
        };
        let saved = conn.limit_session(&self.limits)?;
        let started = Instant::now();
        let outcome = self.run_statements(conn, revision, statements, running);
        conn.restore_session(&saved)?;
        if let Err((failure, attempts)) = outcome {
            if failure.lock_not_available && failure.index == 0 {
                // Nothing took effect: leave no trace, so the next run
                // simply tries again.
                record::forget_attempt(conn, revision, direction)?;
                return Err(self.lock_not_available(failure, attempts, true));
            }
            let message = failure.source.to_string();
            record::fail(conn, revision, failed, &failure.statement, &message)?;
            return Err(if failure.lock_not_available {
                self.lock_not_available(failure, attempts, false)
            } else {
                failure.into_error(false)
            });
        }
        let duration = started.elapsed();
        record::finish(conn, revision, direction, duration)?;
        Ok(Some(duration))
    }

    /// Runs the statements of a revision outside a transaction, trying
    /// again those that could not get their lock; the failure and the
    /// attempts made when one fails for good.
    fn run_statements<'r, C: DatabaseConnection>(
        &self,
        conn: &mut C,
        revision: &'r Revision,
        statements: &[String],
        running: VersionStatus,
    ) -> std::result::Result<(), (StatementFailure<'r>, u32)> {
        // PostgreSQL's transaction-off revisions start again from the top
        // (a CREATE INDEX CONCURRENTLY that gave up leaves an invalid index
        // the revision's own DROP INDEX IF EXISTS removes); MySQL resumes
        // at the statement, as its DDL commits one statement at a time.
        let from_the_top = C::BACKEND.backend().transactional_ddl();
        let mut attempts = 1;
        let mut index = 0;
        while index < statements.len() {
            let statement = &statements[index];
            let failure = |source: diesel::result::Error, lock_not_available| StatementFailure {
                revision,
                index,
                statement: statement.clone(),
                lock_not_available,
                source,
            };
            if let Err(source) = record::running_statement(conn, revision, running, statement) {
                return Err((failure(source, false), attempts));
            }
            match self.steps.execute(conn, statement) {
                Ok(()) => index += 1,
                Err(source) => {
                    let lock_not_available = conn.lock_not_available(&source);
                    let failure = failure(source, lock_not_available);
                    if !lock_not_available || attempts >= self.retry.attempts {
                        return Err((failure, attempts));
                    }
                    self.pause_before_retry(&failure, attempts);
                    attempts += 1;
                    if from_the_top {
                        index = 0;
                    }
                }
            }
        }
        Ok(())
    }
}

/// The report entry for a revision that ran, logged as it is made.
fn step(revision: &Revision, direction: Direction, duration: Duration) -> ReportStep {
    log_step(revision, direction, duration);
    ReportStep {
        revision: revision.id.clone(),
        parents: revision.parents.clone(),
        message: revision.message.clone(),
        direction,
        duration,
    }
}

/// A statement of a revision that failed.
struct StatementFailure<'r> {
    revision: &'r Revision,
    /// Which statement, counting from 0.
    index: usize,
    statement: String,
    /// Whether it failed only because it could not get a lock in time.
    lock_not_available: bool,
    source: diesel::result::Error,
}

impl StatementFailure<'_> {
    /// The error for a failure not retried; `rolled_back` when the revision
    /// ran in a transaction.
    fn into_error(self, rolled_back: bool) -> MigrateError {
        MigrateErrorKind::StatementFailed {
            revision: self.revision.id.clone(),
            file: self.revision.file_name.clone(),
            index: self.index + 1,
            statement: self.statement,
            rolled_back,
            source: self.source,
        }
        .into()
    }
}

/// Why a batch failed.
enum BatchError<'r> {
    /// A statement of the revision at position `at` in the batch failed.
    Statement {
        at: usize,
        failure: StatementFailure<'r>,
    },
    /// Anything else.
    Other(MigrateError),
}

impl BatchError<'_> {
    fn into_error(self) -> MigrateError {
        match self {
            BatchError::Statement { failure, .. } => failure.into_error(true),
            BatchError::Other(error) => error,
        }
    }
}

impl<E: Into<MigrateError>> From<E> for BatchError<'_> {
    fn from(error: E) -> Self {
        BatchError::Other(error.into())
    }
}

/// Runs consecutive revisions and their version-row changes in one
/// transaction holding the migration lock and limited by `limits`, skipping
/// those another process has done meanwhile. Each revision commits with its
/// version row; a failure rolls the whole batch back.
///
/// A SQLite table rebuild's leading `PRAGMA foreign_keys = OFF` runs before
/// the transaction and its trailing `PRAGMA foreign_keys = ON` after it,
/// whether it commits or rolls back: SQLite ignores the pragma inside a
/// transaction.
fn run_batch<'r, C: DatabaseConnection>(
    conn: &mut C,
    batch: &[&'r Revision],
    direction: Direction,
    limits: &LockLimits,
    steps: &Steps<'_>,
) -> std::result::Result<Vec<ReportStep>, BatchError<'r>> {
    let scripts: Vec<Vec<String>> = batch
        .iter()
        .map(|revision| script_statements(section(revision, direction, C::BACKEND), C::BACKEND))
        .collect();
    // Such a revision runs in a batch of its own (see `run_locked`).
    let (before, _, after) = match scripts.as_slice() {
        [script] => crate::render::sqlite_pragmas(script),
        _ => (&[][..], &[][..], &[][..]),
    };
    for statement in before {
        conn.batch_execute(statement)?;
    }
    let outcome = run_batch_in_transaction(conn, batch, &scripts, direction, limits, steps);
    for statement in after {
        let restored = conn.batch_execute(statement);
        if outcome.is_ok() {
            restored?;
        }
    }
    outcome
}

/// [`run_batch`]'s transaction: every statement of every script but the
/// pragmas around it.
fn run_batch_in_transaction<'r, C: DatabaseConnection>(
    conn: &mut C,
    batch: &[&'r Revision],
    scripts: &[Vec<String>],
    direction: Direction,
    limits: &LockLimits,
    rust_steps: &Steps<'_>,
) -> std::result::Result<Vec<ReportStep>, BatchError<'r>> {
    conn.begin_locked()?;
    let outcome = (|| -> std::result::Result<Vec<ReportStep>, BatchError<'r>> {
        conn.limit_transaction(limits)?;
        let recorded: HashSet<String> = conn
            .read_versions()?
            .into_iter()
            .map(|row| row.revision.to_string())
            .collect();
        let mut steps = Vec::with_capacity(batch.len());
        let mut rows = Vec::with_capacity(batch.len());
        for (at, revision) in batch.iter().enumerate() {
            let to_do = match direction {
                Direction::Upgrade => !recorded.contains(&revision.id),
                Direction::Downgrade => recorded.contains(&revision.id),
            };
            if !to_do {
                continue;
            }
            let started = Instant::now();
            let (leading, body, _) = crate::render::sqlite_pragmas(&scripts[at]);
            for (index, statement) in body.iter().enumerate() {
                let index = index + leading.len();
                rust_steps
                    .execute(conn, statement)
                    .map_err(|source| BatchError::Statement {
                        at,
                        failure: StatementFailure {
                            revision,
                            index,
                            statement: statement.clone(),
                            lock_not_available: conn.lock_not_available(&source),
                            source,
                        },
                    })?;
            }
            let duration = started.elapsed();
            match direction {
                Direction::Upgrade => rows.push((*revision, record::millis(duration))),
                Direction::Downgrade => conn.delete_version(&revision.id)?,
            }
            steps.push((revision, duration));
        }
        record::insert_applied(conn, &rows)?;
        Ok(steps
            .into_iter()
            .map(|(revision, duration)| step(revision, direction, duration))
            .collect())
    })();
    match outcome {
        Ok(steps) => {
            conn.commit()?;
            Ok(steps)
        }
        Err(error) => {
            // The error that matters is the statement's; a failed rollback
            // leaves nothing committed either.
            let _ = conn.rollback();
            Err(error)
        }
    }
}

/// "Running upgrade a -> b, message (12 ms)".
fn log_step(revision: &Revision, direction: Direction, duration: Duration) {
    let parents = if revision.parents.is_empty() {
        "<base>".to_owned()
    } else {
        revision.parents.join(", ")
    };
    let millis = duration.as_millis();
    match direction {
        Direction::Upgrade => tracing::info!(
            "Running upgrade {parents} -> {}, {} ({millis} ms)",
            revision.id,
            revision.message
        ),
        Direction::Downgrade => tracing::info!(
            "Running downgrade {} -> {parents}, {} ({millis} ms)",
            revision.id,
            revision.message
        ),
    }
}
