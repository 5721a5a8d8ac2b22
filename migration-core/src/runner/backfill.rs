//! Revisions with a batched backfill (`-- retort:backfill`): run action by
//! action, each in a short transaction of its own, the progress kept in
//! [`BACKFILL_TABLE`] so that a run killed part-way resumes from its last
//! committed batch.
//!
//! Such a revision cannot be one transaction (that would be the one long
//! UPDATE the backfill avoids), so:
//!
//! - each statement and each step runs in a transaction together with the
//!   progress row that says it is done (where DDL is transactional;
//!   statement by statement on MySQL); a SQLite table rebuild, from its
//!   `PRAGMA foreign_keys = OFF` to its `PRAGMA foreign_keys = ON`, runs as
//!   one action: the pragmas outside the transaction, the rest in it;
//! - each batch runs `statement` with `{batch}` bound to one key range
//!   `lo <= key < hi`, and commits with the progress row that names the
//!   next range; the next range starts at the smallest key at or above
//!   `hi`, so gaps in the keys cost nothing and rows added at the end of
//!   the table meanwhile are covered;
//! - the revision's version row is written only after its last action, in
//!   the transaction that removes its progress row.
//!
//! A failure leaves the progress row: the next run, after the cause is
//! fixed, goes on from the action that failed (from its batch, for a
//! backfill). The run holds the run lock throughout, so two processes
//! never backfill the same revision.

use std::time::{Duration, Instant};

use super::plan::section;
use super::record;
use super::{Direction, MigrateErrorKind, Migrator, Result};
use crate::backend::{BackfillRow, DatabaseConnection, BACKFILL_TABLE};
use crate::revision::{actions, Action, Backfill, Revision, RevisionError};
use crate::schema::SqlType;

/// How often a backfill logs its progress.
const LOG_EVERY: Duration = Duration::from_secs(2);

/// Where a backfill is, for its progress log and
/// [`Migrator::on_backfill_progress`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BackfillProgress {
    /// The revision.
    pub revision: String,
    /// The table it walks.
    pub table: String,
    /// Rows updated so far (counting earlier runs).
    pub rows: i64,
    /// Batches committed so far (counting earlier runs).
    pub batches: i64,
    /// The key the next batch starts at; `None` when done.
    pub next_key: Option<i64>,
    /// The table's largest key when the backfill last looked.
    pub last_key: Option<i64>,
    /// Time spent by this run.
    pub elapsed: Duration,
    /// What is left, estimated from the rate of this run; `None` until
    /// there is a rate.
    pub remaining: Option<Duration>,
}

/// The label of a direction in the progress table.
fn label(direction: Direction) -> &'static str {
    match direction {
        Direction::Upgrade => "up",
        Direction::Downgrade => "down",
    }
}

/// What a backfill's estimate of the time left stands on: this run's
/// start, in time, rows and keys.
struct RunStats {
    started: Instant,
    rows_before: i64,
    first_key: Option<i64>,
}

/// A function told of each backfill's progress
/// ([`Migrator::on_backfill_progress`]).
#[derive(Clone, Default)]
pub(super) struct ProgressListener<'m>(pub(super) Option<std::sync::Arc<Listener<'m>>>);

/// What [`Migrator::on_backfill_progress`] takes.
type Listener<'m> = dyn Fn(&BackfillProgress) + Send + Sync + 'm;

impl std::fmt::Debug for ProgressListener<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "Some(..)" } else { "None" })
    }
}

/// An action of the revision that failed.
struct ActionFailure {
    index: usize,
    statement: String,
    source: diesel::result::Error,
}

impl Migrator<'_> {
    /// Runs a revision whose section has a backfill (under the run lock),
    /// from where an earlier run left it. `None` when another process did
    /// it first.
    pub(super) fn run_with_progress<C: DatabaseConnection>(
        &self,
        conn: &mut C,
        revision: &Revision,
        direction: Direction,
    ) -> Result<Option<Duration>> {
        let status = conn.version_status(&revision.id)?;
        let done = match direction {
            Direction::Upgrade => status.is_some(),
            Direction::Downgrade => status.is_none(),
        };
        if done {
            return Ok(None);
        }
        let direction_label = label(direction);
        let first_line = revision.up_line_for(C::BACKEND).unwrap_or(1);
        let script = actions(section(revision, direction, C::BACKEND), C::BACKEND).map_err(
            |(line, problem)| RevisionError::Malformed {
                file: revision.file_name.clone(),
                line: first_line + line,
                problem,
            },
        )?;
        conn.create_backfill_table()?;
        let mut progress = conn
            .read_backfill(&revision.id, direction_label)?
            .unwrap_or_default();
        let resume_at = usize::try_from(progress.action_index).unwrap_or(0);
        if resume_at > 0 || progress.next_key.is_some() {
            tracing::info!(
                revision = %revision.id,
                "Resuming revision {} at action {} of {} ({} rows in {} batches done before)",
                revision.id,
                resume_at + 1,
                script.len(),
                progress.rows_done,
                progress.batches,
            );
        }
        let started = Instant::now();
        let saved = conn.limit_session(&self.limits)?;
        let mut outcome = Ok(());
        let mut index = resume_at;
        while index < script.len() {
            let mut next = index + 1;
            outcome = match (&script[index], rebuild_end(&script, index)) {
                (_, Some(end)) => {
                    next = end + 1;
                    self.rebuild_with_progress(
                        conn,
                        revision,
                        direction_label,
                        index,
                        &script[index..=end],
                    )
                }
                (
                    Action::Backfill {
                        backfill,
                        statement,
                    },
                    None,
                ) => self.backfill(
                    conn,
                    revision,
                    direction_label,
                    index,
                    backfill,
                    statement,
                    &mut progress,
                ),
                (other, None) => self.action_with_progress(
                    conn,
                    revision,
                    direction_label,
                    index,
                    &other.describe(),
                ),
            };
            if outcome.is_err() {
                break;
            }
            progress = BackfillRow {
                action_index: i32::try_from(next).unwrap_or(i32::MAX),
                ..BackfillRow::default()
            };
            index = next;
        }
        conn.restore_session(&saved)?;
        if let Err(failure) = outcome {
            return Err(MigrateErrorKind::DataMigrationFailed {
                revision: revision.id.clone(),
                file: revision.file_name.clone(),
                index: failure.index + 1,
                statement: failure.statement,
                table: BACKFILL_TABLE,
                source: failure.source,
            }
            .into());
        }
        let duration = started.elapsed();
        self.record_with_progress(conn, revision, direction, duration)?;
        Ok(Some(duration))
    }

    /// One statement or step, committed with the progress row that says it
    /// is done (in one transaction where DDL is transactional).
    fn action_with_progress<C: DatabaseConnection>(
        &self,
        conn: &mut C,
        revision: &Revision,
        direction: &str,
        index: usize,
        statement: &str,
    ) -> std::result::Result<(), ActionFailure> {
        let failure = |source| ActionFailure {
            index,
            statement: statement.to_owned(),
            source,
        };
        let done = BackfillRow {
            action_index: i32::try_from(index + 1).unwrap_or(i32::MAX),
            ..BackfillRow::default()
        };
        if !C::BACKEND.backend().transactional_ddl() {
            self.steps.execute(conn, statement).map_err(failure)?;
            return conn
                .save_backfill(&revision.id, direction, &done)
                .map_err(failure);
        }
        in_transaction(conn, &self.limits, |conn| {
            self.steps.execute(conn, statement)?;
            conn.save_backfill(&revision.id, direction, &done)
        })
        .map_err(failure)
    }

    /// A SQLite table rebuild (`actions` from its `PRAGMA foreign_keys =
    /// OFF` to its `PRAGMA foreign_keys = ON`, the first at `index`): the
    /// pragmas around the transaction, as SQLite ignores them inside one,
    /// and every statement between in one transaction with the progress row
    /// that says the rebuild is done, so a run killed part-way starts the
    /// rebuild again from the top.
    fn rebuild_with_progress<C: DatabaseConnection>(
        &self,
        conn: &mut C,
        revision: &Revision,
        direction: &str,
        index: usize,
        actions: &[Action],
    ) -> std::result::Result<(), ActionFailure> {
        let statements: Vec<String> = actions.iter().map(Action::describe).collect();
        let (before, body, after) = crate::render::sqlite_pragmas(&statements);
        let failure = |at: usize, statement: &str, source| ActionFailure {
            index: index + at,
            statement: statement.to_owned(),
            source,
        };
        for statement in before {
            conn.batch_execute(statement)
                .map_err(|source| failure(0, statement, source))?;
        }
        let done = BackfillRow {
            action_index: i32::try_from(index + actions.len()).unwrap_or(i32::MAX),
            ..BackfillRow::default()
        };
        let mut failed_at = (0, String::new());
        let outcome = in_transaction(conn, &self.limits, |conn| {
            for (at, statement) in body.iter().enumerate() {
                failed_at = (at + before.len(), statement.clone());
                self.steps.execute(conn, statement)?;
            }
            failed_at = (
                statements.len() - 1,
                "saving the backfill progress".to_owned(),
            );
            conn.save_backfill(&revision.id, direction, &done)
        })
        .map_err(|source| failure(failed_at.0, &failed_at.1, source));
        for statement in after {
            let restored = conn
                .batch_execute(statement)
                .map_err(|source| failure(statements.len() - 1, statement, source));
            if outcome.is_ok() {
                restored?;
            }
        }
        outcome
    }

    /// Runs a backfill batch by batch from where `progress` says, each
    /// batch committed with the progress row naming the next.
    #[allow(clippy::too_many_arguments)]
    fn backfill<C: DatabaseConnection>(
        &self,
        conn: &mut C,
        revision: &Revision,
        direction: &str,
        index: usize,
        backfill: &Backfill,
        statement: &str,
        progress: &mut BackfillRow,
    ) -> std::result::Result<(), ActionFailure> {
        let failure = |source| ActionFailure {
            index,
            statement: statement.to_owned(),
            source,
        };
        check_key(conn, backfill).map_err(failure)?;
        let backend = C::BACKEND.backend();
        let (schema, name) = backfill.table_parts();
        let table = backend.quote_qualified(schema, name);
        let key = backend.quote_identifier(&backfill.key);
        let mut next = conn
            .next_key(&table, &key, progress.next_key)
            .map_err(failure)?;
        let run = RunStats {
            started: Instant::now(),
            rows_before: progress.rows_done,
            first_key: next,
        };
        let mut last_log = Instant::now();
        while let Some(lo) = next {
            let hi = lo.saturating_add(backfill.batch);
            let mut attempts = 1;
            let row = loop {
                let batch = in_transaction(conn, &self.limits, |conn| {
                    let rows = conn.run_backfill_batch(statement, &key, lo, hi)?;
                    let row = BackfillRow {
                        action_index: i32::try_from(index).unwrap_or(i32::MAX),
                        next_key: Some(hi),
                        rows_done: progress
                            .rows_done
                            .saturating_add(i64::try_from(rows).unwrap_or(i64::MAX)),
                        batches: progress.batches + 1,
                    };
                    conn.save_backfill(&revision.id, direction, &row)?;
                    Ok(row)
                });
                match batch {
                    Ok(row) => break row,
                    Err(source)
                        if conn.lock_not_available(&source) && attempts < self.retry.attempts =>
                    {
                        let pause = self.retry.backoff(attempts);
                        tracing::warn!(
                            revision = %revision.id,
                            "A batch of the backfill of {} in revision {} could not get its lock ({}), trying again in {} ms",
                            backfill.table,
                            revision.id,
                            source,
                            pause.as_millis()
                        );
                        std::thread::sleep(pause);
                        attempts += 1;
                    }
                    Err(source) => return Err(failure(source)),
                }
            };
            *progress = row;
            next = if hi == i64::MAX {
                None
            } else {
                conn.next_key(&table, &key, Some(hi)).map_err(failure)?
            };
            if next.is_none() || last_log.elapsed() >= LOG_EVERY {
                last_log = Instant::now();
                let last = conn.last_key(&table, &key).map_err(failure)?;
                self.report_progress(revision, backfill, progress, &run, next, last);
            }
            if next.is_some() && !backfill.pause.is_zero() {
                std::thread::sleep(backfill.pause);
            }
        }
        if run.first_key.is_none() {
            self.report_progress(revision, backfill, progress, &run, None, None);
        }
        Ok(())
    }

    /// Logs where a backfill is and tells the listener, if any.
    fn report_progress(
        &self,
        revision: &Revision,
        backfill: &Backfill,
        progress: &BackfillRow,
        run: &RunStats,
        next: Option<i64>,
        last: Option<i64>,
    ) {
        let elapsed = run.started.elapsed();
        let remaining = (|| {
            let done_keys = next?.checked_sub(run.first_key?)?;
            let left_keys = last?.checked_sub(next?)?.checked_add(1)?;
            (done_keys > 0).then(|| elapsed.mul_f64(left_keys as f64 / done_keys as f64))
        })();
        let rate = (progress.rows_done - run.rows_before) as f64 / elapsed.as_secs_f64().max(0.001);
        tracing::info!(
            revision = %revision.id,
            table = %backfill.table,
            rows = progress.rows_done,
            batches = progress.batches,
            "Backfill of {} in revision {}: {} rows in {} batches, {rate:.0} rows/s, {}",
            backfill.table,
            revision.id,
            progress.rows_done,
            progress.batches,
            match (next, remaining) {
                (None, _) => "done".to_owned(),
                (Some(_), Some(left)) => format!("about {} s left", left.as_secs()),
                (Some(_), None) => "time left not known yet".to_owned(),
            },
        );
        if let Some(listener) = &self.progress_listener.0 {
            listener(&BackfillProgress {
                revision: revision.id.clone(),
                table: backfill.table.clone(),
                rows: progress.rows_done,
                batches: progress.batches,
                next_key: next,
                last_key: last,
                elapsed,
                remaining,
            });
        }
    }

    /// Writes the version row (or removes it, reverting) and forgets the
    /// progress, in one transaction.
    fn record_with_progress<C: DatabaseConnection>(
        &self,
        conn: &mut C,
        revision: &Revision,
        direction: Direction,
        duration: Duration,
    ) -> Result<()> {
        in_transaction(conn, &self.limits, |conn| {
            match direction {
                Direction::Upgrade => {
                    record::insert_applied(conn, &[(revision, record::millis(duration))])?
                }
                Direction::Downgrade => conn.delete_version(&revision.id)?,
            }
            conn.delete_backfill(&revision.id, label(direction))
        })?;
        Ok(())
    }
}

/// Runs `work` in a transaction holding the migration lock and the
/// revision's lock limits; rolled back when it fails.
fn in_transaction<C: DatabaseConnection, T>(
    conn: &mut C,
    limits: &crate::backend::LockLimits,
    work: impl FnOnce(&mut C) -> diesel::QueryResult<T>,
) -> diesel::QueryResult<T> {
    conn.begin_locked()?;
    let outcome = conn.limit_transaction(limits).and_then(|()| work(conn));
    match outcome {
        Ok(value) => {
            conn.commit()?;
            Ok(value)
        }
        Err(error) => {
            // The work's error is the one that matters.
            let _ = conn.rollback();
            Err(error)
        }
    }
}

/// Where the SQLite table rebuild that starts at `at` ends (the index of
/// its `PRAGMA foreign_keys = ON`), if one starts there.
fn rebuild_end(script: &[Action], at: usize) -> Option<usize> {
    let is = |action: &Action, pragma: &str| matches!(action, Action::Sql(sql) if sql == pragma);
    if !is(script.get(at)?, crate::render::SQLITE_FOREIGN_KEYS_OFF) {
        return None;
    }
    script[at..]
        .iter()
        .position(|action| is(action, crate::render::SQLITE_FOREIGN_KEYS_ON))
        .map(|end| at + end)
}

/// Refuses a key column that is not an integer, before the first batch.
fn check_key<C: DatabaseConnection>(conn: &mut C, backfill: &Backfill) -> diesel::QueryResult<()> {
    let (schema, name) = backfill.table_parts();
    let mut options = crate::IntrospectOptions::new().tables([name]);
    if let Some(schema) = schema {
        options = options.namespace(schema);
    }
    let found = crate::introspect_with(conn, &options).map_err(|error| {
        diesel::result::Error::QueryBuilderError(
            format!(
                "cannot read table {} to check the backfill's key: {error}",
                backfill.table
            )
            .into(),
        )
    })?;
    let problem = match found.tables.iter().find(|table| table.name == name) {
        None => Some(format!(
            "the backfill's table {} does not exist: name an existing table with `table=`",
            backfill.table
        )),
        Some(table) => match table.columns.iter().find(|column| column.name == backfill.key) {
            None => Some(format!(
                "table {} has no column {}: name its integer key with `key=`",
                backfill.table, backfill.key
            )),
            Some(column)
                if !matches!(
                    column.ty,
                    SqlType::SmallInt | SqlType::Integer | SqlType::BigInt
                ) =>
            {
                Some(format!(
                    "the backfill's key {}.{} is a {:?} column: batches are ranges of an integer column; name one with `key=` (the primary key, or an identity column added for the purpose)",
                    backfill.table, backfill.key, column.ty
                ))
            }
            Some(_) => None,
        },
    };
    match problem {
        Some(problem) => Err(diesel::result::Error::QueryBuilderError(problem.into())),
        None => Ok(()),
    }
}
