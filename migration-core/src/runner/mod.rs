//! Applying and reverting revisions: the version table, the migration lock,
//! checksums, and the start-up call [`migrate_to_head`].
//!
//! # How a run stays safe
//!
//! - **Start-up with nothing to do** reads the version table once, without
//!   the lock, checks every row against the files (id, checksum, status)
//!   and returns: one query (two on SQLite, which also checks its busy
//!   timeout). With something to do (a pending revision, a row left
//!   unfinished) the run takes the lock and reads again under it before
//!   acting. A long history costs per row, so the read carries little per
//!   row: the status of applied rows comes back as `NULL`, and ids and
//!   checksums decode without allocating.
//! - **PostgreSQL and SQLite**: revisions run in transactions together with
//!   their version rows, holding the migration lock
//!   (`pg_advisory_xact_lock`, a transaction-level lock that also works
//!   behind PgBouncer's transaction pooling, one per schema holding the
//!   version table; SQLite's `BEGIN IMMEDIATE` with a busy timeout). Consecutive revisions share a transaction, up to 100,
//!   so a long history applies at the speed of its DDL. If a statement
//!   fails, the batch is rolled back, the revisions before the failing one
//!   are applied again, and the run stops there: the database ends with
//!   every revision before it applied and nothing of the failing one, as if
//!   each revision had its own transaction. A process killed mid-run loses
//!   only its open transaction; the next run applies it again.
//! - **MySQL/MariaDB** commits DDL at once, so a revision cannot be rolled
//!   back. The run holds `GET_LOCK` throughout, marks the revision `running`
//!   before its first statement, and `failed` (with the statement and the
//!   error) if one fails. Every later run refuses, naming the revision and
//!   the statement, until someone repairs the database by hand and records
//!   the outcome with [`Migrator::stamp`]: the revision itself if its changes
//!   are now all in place, its parent if they were undone.
//! - **`-- retort:transaction off`** revisions (e.g. PostgreSQL's `CREATE
//!   INDEX CONCURRENTLY`) run like MySQL's: marked `running`, then `applied`
//!   or `failed`. On PostgreSQL they hold a session-level advisory lock, which
//!   needs a session (not a transaction-pooled) connection; on SQLite they
//!   are not guarded against concurrent starters.
//! - **Concurrent starters** each re-check, under the lock, whether a
//!   revision is still to do, so each revision runs exactly once and every
//!   caller returns `Ok`.
//! - **Lock timeouts**: each statement of a revision waits at most
//!   [`Migrator::revision_lock_timeout`] (5 s) for a lock on what it
//!   changes, so a migration stuck behind a long transaction does not make
//!   the application's queries queue behind it; a revision that failed only
//!   for that is tried again after a growing pause
//!   ([`Migrator::lock_retries`]), and after the last attempt fails with
//!   [`MigrateErrorKind::LockNotAvailable`], leaving the database as it was
//!   when nothing of the revision took effect. The failure is recognised by
//!   the server's message (diesel does not expose the SQLSTATE), so it
//!   needs the server's messages in English (`lc_messages`), the default.
//! - **Switching from diesel_migrations**: on the first run (no
//!   `retort_migrations` yet), the revisions read from diesel folders that
//!   `__diesel_schema_migrations` lists are recorded as applied, not run.
//! - **Integrity**: an applied revision whose up section changed (SHA-256) or
//!   whose file vanished is an error, unless [`Migrator::allow_edited_revisions`]
//!   or [`Migrator::allow_missing_revisions`] says otherwise.

mod backfill;
mod diesel_history;
mod error;
mod offline;
mod report;
mod retry;
mod steps;

use std::collections::HashSet;
use std::time::{Duration, Instant};

pub use backfill::BackfillProgress;
pub use error::{MigrateError, MigrateErrorKind, Result};
pub use report::{Direction, Report, ReportStep, StampReport, UnfinishedRevision};
use retry::{locked_object, RetryPolicy};
use steps::Steps;
pub use steps::{StepFailed, StepResult};

use crate::backend::{
    FailureRow, LockLimits, NewVersion, VersionRow, STATUS_APPLIED, STATUS_FAILED,
    STATUS_REVERTING, STATUS_REVERT_FAILED, STATUS_RUNNING,
};

/// The most revisions one transaction applies (PostgreSQL, SQLite): few
/// enough to stay clear of PostgreSQL's lock table, many enough that
/// commits do not dominate.
const BATCH: usize = 100;

use crate::backend::{BackendKind, DatabaseConnection};
use crate::revision::{
    has_backfill, script_statements, step_names, Migrations, Revision, RevisionGraph,
};

/// Applies every pending revision up to the single head: the call for
/// application start-up. Does one query when there is nothing to do.
///
/// ```no_run
/// # #[cfg(feature = "sqlite")] {
/// use diesel::Connection;
///
/// let migrations = retort_core::Migrations::from_dir("migrations")?;
/// let mut conn = diesel::SqliteConnection::establish("app.db")?;
/// let report = retort_core::migrate_to_head(&mut conn, &migrations)?;
/// println!("applied {:?}", report.revisions());
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`MigrateError`]: the migrations have several heads (the message names
/// them and the merge command), a file is malformed, an applied revision was
/// edited or vanished, an earlier run left a revision failed (MySQL), a
/// statement failed, or the database refused the version table. The error's
/// [`report`](MigrateError::report) lists what was applied before.
pub fn migrate_to_head<C: DatabaseConnection>(
    conn: &mut C,
    migrations: &Migrations,
) -> Result<Report> {
    Migrator::new(migrations).upgrade(conn, "head")
}

/// Applies, reverts and inspects revisions, with options.
///
/// Targets are `head` (the single head), `heads` (every branch), `base`
/// (before the first revision), `+N` / `-N` (revisions from where the
/// database is), a revision id or unique prefix of one, or a revision
/// followed by `+N` / `-N` (Alembic's relative identifiers: `ae10-1` is the
/// revision before `ae10`, `ae10+2` the second after it, `head-1` the one
/// before the head).
#[derive(Clone, Debug)]
pub struct Migrator<'m> {
    migrations: &'m Migrations,
    allow_edited: bool,
    allow_missing: bool,
    lock_timeout: Duration,
    limits: LockLimits,
    retry: RetryPolicy,
    steps: Steps<'m>,
    progress_listener: backfill::ProgressListener<'m>,
}

/// Where a database is: which revisions are applied, and any row an earlier
/// run left unfinished.
struct DatabaseState {
    applied: Vec<bool>,
    unfinished: Option<UnfinishedRow>,
}

/// A version row whose status is not `applied`.
struct UnfinishedRow {
    revision: String,
    status: String,
}

impl<'m> Migrator<'m> {
    /// A migrator over `migrations` with the default options: edited or
    /// vanished applied revisions are errors, the run lock (MySQL) is
    /// waited for up to 10 minutes, each statement of a revision waits at
    /// most 5 s for a table lock ([`Migrator::revision_lock_timeout`]), with
    /// no limit on how long it runs, and a revision that could not get its
    /// lock is tried 5 times in all, 1 s, 2 s, 4 s and 8 s apart
    /// ([`Migrator::lock_retries`]).
    pub fn new(migrations: &'m Migrations) -> Migrator<'m> {
        Migrator {
            migrations,
            allow_edited: false,
            allow_missing: false,
            lock_timeout: Duration::from_secs(600),
            limits: LockLimits {
                lock_timeout: Some(Duration::from_secs(5)),
                statement_timeout: None,
            },
            retry: RetryPolicy {
                attempts: 5,
                first_backoff: Duration::from_secs(1),
            },
            steps: Steps::default(),
            progress_listener: backfill::ProgressListener::default(),
        }
    }

    /// Calls `listener` with the progress of each batched backfill
    /// (`-- retort:backfill`) as it runs: about every 2 seconds and when
    /// it is done. The same figures go to `tracing` at `info` level
    /// whether or not a listener is set; a command line uses this to draw
    /// a progress bar.
    pub fn on_backfill_progress(
        mut self,
        listener: impl Fn(&BackfillProgress) + Send + Sync + 'm,
    ) -> Migrator<'m> {
        self.progress_listener = backfill::ProgressListener(Some(std::sync::Arc::new(listener)));
        self
    }

    /// Registers the Rust function that `-- retort:run NAME` lines of
    /// up or down sections run, at that point: after the SQL before the
    /// line, before the SQL after it, on the migration's connection and,
    /// where the revision runs in a transaction (PostgreSQL and SQLite
    /// unless `-- retort:transaction off`), inside it.
    ///
    /// ```no_run
    /// # #[cfg(feature = "sqlite")] {
    /// use diesel::connection::SimpleConnection;
    /// use diesel::{Connection, SqliteConnection};
    ///
    /// let migrations = retort_core::Migrations::from_dir("migrations")?;
    /// let mut conn = SqliteConnection::establish("app.db")?;
    /// retort_core::Migrator::new(&migrations)
    ///     .step("fill_emails", |conn: &mut SqliteConnection| -> retort_core::runner::StepResult {
    ///         conn.batch_execute("UPDATE users SET email = username || '@example.com'")?;
    ///         Ok(())
    ///     })
    ///     .upgrade(&mut conn, "head")?;
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// A run refuses, before anything runs, a revision that names a step
    /// nobody registered. A step that returns an error fails its revision
    /// as a failing statement does: rolled back with it where it runs in a
    /// transaction, recorded as failed with the step's line and error
    /// otherwise (MySQL). The step must not commit or roll back the
    /// transaction it runs in.
    ///
    /// The revision's checksum covers the `-- retort:run` line, not the
    /// function: keeping what a step does stable once its revision has run
    /// anywhere is the application's part, as it is for the SQL it calls.
    pub fn step<C, F>(mut self, name: &str, step: F) -> Migrator<'m>
    where
        C: DatabaseConnection,
        F: Fn(&mut C) -> StepResult + Send + Sync + 'm,
    {
        self.steps.register(name, step);
        self
    }

    /// How long each statement of a revision may wait for a lock on what it
    /// changes before giving up (the revision is then tried again, see
    /// [`Migrator::lock_retries`]); `None` waits for ever. 5 s by default.
    ///
    /// A statement waiting for a lock makes every later query on that table
    /// queue behind it: an `ALTER TABLE` behind a long transaction stalls
    /// the whole application for as long as it waits. Giving up after a few
    /// seconds and trying again later bounds that stall.
    ///
    /// PostgreSQL: `lock_timeout`, set with `SET LOCAL` in the revision's
    /// transaction once the migration lock is held (so it never limits
    /// waiting for another migrating process), or for the session around a
    /// `-- retort:transaction off` revision and put back after it. MySQL and
    /// MariaDB: the session's `lock_wait_timeout` (metadata locks, which DDL
    /// takes) and `innodb_lock_wait_timeout` (row locks), in whole seconds
    /// (at least 1), put back after each revision. SQLite: no effect (its
    /// writers wait for the busy timeout).
    pub fn revision_lock_timeout(mut self, timeout: Option<Duration>) -> Migrator<'m> {
        self.limits.lock_timeout = timeout;
        self
    }

    /// How long each statement of a revision may run before it is cancelled
    /// and the revision fails (PostgreSQL's `statement_timeout`, set like
    /// [`Migrator::revision_lock_timeout`]); `None`, the default, sets no
    /// limit: a limit must fit the longest legitimate statement, such as
    /// building an index on the largest table, or it wastes that work.
    /// PostgreSQL only.
    pub fn revision_statement_timeout(mut self, timeout: Option<Duration>) -> Migrator<'m> {
        self.limits.statement_timeout = timeout;
        self
    }

    /// How a revision that failed only because a statement could not get its
    /// lock within [`Migrator::revision_lock_timeout`] is tried again: at
    /// most `attempts` runs in all (1: never again), pausing `first_backoff`
    /// after the first failure and twice as long after each further one (at
    /// most 30 s). Each retry is logged at `warn` level. 5 attempts from 1 s
    /// by default.
    ///
    /// A revision in a transaction is rolled back and runs again from its
    /// start. Outside a transaction, a statement that could not get its lock
    /// took no effect: MySQL resumes at that statement; a PostgreSQL
    /// `-- retort:transaction off` revision runs again from its first
    /// statement, since a `CREATE INDEX CONCURRENTLY` that gave up leaves an
    /// invalid index behind (write such revisions to be re-runnable, e.g.
    /// `DROP INDEX CONCURRENTLY IF EXISTS` first, as online rendering does).
    pub fn lock_retries(mut self, attempts: u32, first_backoff: Duration) -> Migrator<'m> {
        self.retry = RetryPolicy {
            attempts: attempts.max(1),
            first_backoff,
        };
        self
    }

    /// Lets runs go on when an applied revision's file has changed since it
    /// was applied. For a deliberate edit (a comment, a fix that matches what
    /// the database already has); the new checksum is not recorded.
    pub fn allow_edited_revisions(mut self, allow: bool) -> Migrator<'m> {
        self.allow_edited = allow;
        self
    }

    /// Lets runs go on when an applied revision has no file any more (e.g.
    /// after squashing old revisions). Its row stays in the version table.
    pub fn allow_missing_revisions(mut self, allow: bool) -> Migrator<'m> {
        self.allow_missing = allow;
        self
    }

    /// How long a run waits for another process's run lock (MySQL's
    /// `GET_LOCK`) before failing; 10 minutes by default.
    pub fn lock_timeout(mut self, timeout: Duration) -> Migrator<'m> {
        self.lock_timeout = timeout;
        self
    }

    fn graph(&self) -> Result<&'m RevisionGraph> {
        Ok(self.migrations.graph()?)
    }

    /// The heads of the migration graph: revisions nothing follows. Empty
    /// when embedded migrations fail to parse (every other call returns that
    /// error).
    pub fn heads(&self) -> Vec<String> {
        self.migrations
            .graph()
            .map(|graph| graph.heads().into_iter().map(str::to_owned).collect())
            .unwrap_or_default()
    }

    /// Every revision, newest first (children before parents).
    ///
    /// # Errors
    ///
    /// The problem with embedded migration files, if any.
    pub fn history(&self) -> Result<Vec<&'m Revision>> {
        Ok(self.graph()?.revisions().iter().rev().collect())
    }

    /// The revisions applied to the database that no applied revision
    /// follows: where the database is. Empty for a database never migrated.
    ///
    /// # Errors
    ///
    /// The database refused to read the version table, or an applied revision
    /// vanished or was edited (unless allowed).
    pub fn current<C: DatabaseConnection>(&self, conn: &mut C) -> Result<Vec<String>> {
        let graph = self.graph()?;
        let state = self.read_state(conn, graph)?;
        Ok(graph
            .applied_heads(&state.applied)
            .into_iter()
            .map(|at| graph.at(at).id.clone())
            .collect())
    }

    /// The revisions not yet applied, in the order `upgrade(conn, "heads")`
    /// would apply them.
    ///
    /// # Errors
    ///
    /// As for [`Migrator::current`].
    pub fn pending<C: DatabaseConnection>(&self, conn: &mut C) -> Result<Vec<String>> {
        let graph = self.graph()?;
        let state = self.read_state(conn, graph)?;
        Ok((0..graph.revisions().len())
            .filter(|&at| !state.applied[at])
            .map(|at| graph.at(at).id.clone())
            .collect())
    }

    /// Applies revisions up to `target` (`head`, `heads`, `+N`, a revision).
    ///
    /// # Errors
    ///
    /// As for [`migrate_to_head`], and an unknown, ambiguous or unsuitable
    /// target.
    pub fn upgrade<C: DatabaseConnection>(&self, conn: &mut C, target: &str) -> Result<Report> {
        self.run(conn, target, Direction::Upgrade)
    }

    /// Reverts revisions back to `target` (`base`, `-N`, a revision: every
    /// applied revision after it is reverted). Reverting a merge restores its
    /// parents as heads.
    ///
    /// # Errors
    ///
    /// As for [`Migrator::upgrade`], and a revision without a down section.
    pub fn downgrade<C: DatabaseConnection>(&self, conn: &mut C, target: &str) -> Result<Report> {
        self.run(conn, target, Direction::Downgrade)
    }

    /// The revision an earlier run left part-way, if any (MySQL, or a
    /// `-- retort:transaction off` revision), with the statement that failed
    /// or was running and the database's error: what `current` shows next
    /// to where the database is.
    ///
    /// # Errors
    ///
    /// As for [`Migrator::current`].
    pub fn unfinished<C: DatabaseConnection>(
        &self,
        conn: &mut C,
    ) -> Result<Option<UnfinishedRevision>> {
        let graph = self.graph()?;
        let Some(row) = self.read_state(conn, graph)?.unfinished else {
            return Ok(None);
        };
        let failure = conn.version_failure(&row.revision)?;
        Ok(Some(UnfinishedRevision {
            revision: row.revision,
            status: row.status,
            statement: failure.failed_statement,
            error: failure.failure,
        }))
    }

    /// Records `target` (`head`, `heads`, `base`, a revision) as where the
    /// database is, without running any SQL: afterwards exactly the target
    /// and its ancestors are recorded as applied. Also the way past a
    /// revision MySQL left failed, once the database is repaired by hand.
    ///
    /// Stamping records each revision's checksum as its file has it now:
    /// an applied revision whose file was edited is accepted from then on,
    /// and rows of revisions no file declares are removed. The
    /// [`StampReport`] names both, and each is logged as a warning.
    ///
    /// # Errors
    ///
    /// An unknown target, or the database refused the version table.
    pub fn stamp<C: DatabaseConnection>(&self, conn: &mut C, target: &str) -> Result<StampReport> {
        let graph = self.graph()?;
        let marks = graph.stamp_set(target)?;
        conn.prepare_connection()?;
        conn.create_version_table()?;
        let run_lock = !C::BACKEND.backend().transactional_ddl();
        if run_lock {
            self.lock_run(conn)?;
        }
        let result = (|| -> Result<StampReport> {
            conn.begin_locked()?;
            let mut report = StampReport::default();
            let written = (|| -> diesel::QueryResult<()> {
                for row in conn.read_versions()? {
                    match graph.position(row.revision.as_str()) {
                        None => report.forgotten.push(row.revision.to_string()),
                        Some(at)
                            if marks[at]
                                && row.checksum != *graph.at(at).checksum_for(C::BACKEND) =>
                        {
                            report.re_recorded.push(row.revision.to_string());
                        }
                        Some(_) => {}
                    }
                }
                conn.delete_all_versions()?;
                for at in (0..marks.len()).filter(|&at| marks[at]) {
                    let revision = graph.at(at);
                    conn.insert_version(&NewVersion {
                        revision: &revision.id,
                        parents: &revision.parents.join(" "),
                        message: &revision.message,
                        checksum: revision.checksum_for(C::BACKEND),
                        execution_ms: 0,
                        status: STATUS_APPLIED,
                    })?;
                }
                Ok(())
            })();
            match written {
                Ok(()) => conn.commit()?,
                Err(error) => {
                    let _ = conn.rollback();
                    return Err(error.into());
                }
            }
            tracing::info!("Stamped {target}");
            for revision in &report.re_recorded {
                tracing::warn!(
                    revision = %revision,
                    "Stamp re-recorded the checksum of revision {revision}, whose file was edited after it was applied"
                );
            }
            for revision in &report.forgotten {
                tracing::warn!(
                    revision = %revision,
                    "Stamp removed the row of revision {revision}, which no migration file declares"
                );
            }
            Ok(report)
        })();
        if run_lock {
            conn.unlock_run()?;
        }
        result
    }

    /// The SQL a DBA can apply by hand to take a `backend` database from
    /// `from` to `to` (either direction): the version table's DDL, then
    /// each revision's statements with its version-row change, in a
    /// transaction where the database allows.
    ///
    /// # Errors
    ///
    /// An unknown or unsuitable target, a revision without a down section,
    /// or the problem with embedded migration files.
    pub fn sql(&self, backend: crate::BackendKind, from: &str, to: &str) -> Result<String> {
        Ok(offline::script(self.graph()?, backend.backend(), from, to)?)
    }

    fn lock_run<C: DatabaseConnection>(&self, conn: &mut C) -> Result<()> {
        if conn.lock_run(self.lock_timeout)? {
            Ok(())
        } else {
            Err(MigrateErrorKind::LockTimeout {
                lock: conn.run_lock_name().to_owned(),
                seconds: self.lock_timeout.as_secs(),
            }
            .into())
        }
    }

    /// Reads the version table (empty when it does not exist) and checks it
    /// against the files.
    fn read_state<C: DatabaseConnection>(
        &self,
        conn: &mut C,
        graph: &RevisionGraph,
    ) -> Result<DatabaseState> {
        conn.prepare_connection()?;
        match conn.read_versions() {
            Ok(rows) => self.check_rows(graph, rows, C::BACKEND),
            Err(error) => {
                if conn.version_table_exists()? {
                    // A concurrent run may have created it since the read.
                    return match conn.read_versions() {
                        Ok(rows) => self.check_rows(graph, rows, C::BACKEND),
                        Err(_) => Err(error.into()),
                    };
                }
                // Never migrated by retort: what diesel ran counts as applied.
                let mut state = self.check_rows(graph, Vec::new(), C::BACKEND)?;
                for at in diesel_history::run_by_diesel(conn, graph)? {
                    state.applied[at] = true;
                }
                Ok(state)
            }
        }
    }

    /// Checks version rows against the files: vanished and edited revisions,
    /// rows left unfinished.
    fn check_rows(
        &self,
        graph: &RevisionGraph,
        rows: Vec<VersionRow>,
        backend: BackendKind,
    ) -> Result<DatabaseState> {
        let mut applied = vec![false; graph.revisions().len()];
        let mut unfinished = None;
        for (index, row) in rows.into_iter().enumerate() {
            // Rows usually come back in the order they were inserted, which
            // is mostly the graph's: try that before hashing the id.
            let at = match graph.revisions().get(index) {
                Some(revision) if row.revision == *revision.id => Some(index),
                _ => graph.position(row.revision.as_str()),
            };
            let Some(at) = at else {
                if self.allow_missing {
                    continue;
                }
                return Err(MigrateErrorKind::Missing {
                    revision: row.revision.to_string(),
                }
                .into());
            };
            let revision = graph.at(at);
            if row.checksum != *revision.checksum_for(backend) && !self.allow_edited {
                return Err(MigrateErrorKind::Edited {
                    revision: revision.id.clone(),
                    file: revision.file_name.clone(),
                }
                .into());
            }
            match row.status {
                None => applied[at] = true,
                Some(status) => {
                    if unfinished.is_none() {
                        unfinished = Some(UnfinishedRow {
                            revision: revision.id.clone(),
                            status,
                        });
                    }
                }
            }
        }
        Ok(DatabaseState {
            applied,
            unfinished,
        })
    }

    /// The revisions to run, in order, each checked to have SQL `backend`
    /// runs in that direction.
    fn plan(
        &self,
        graph: &RevisionGraph,
        applied: &[bool],
        target: &str,
        direction: Direction,
        backend: BackendKind,
    ) -> Result<Vec<usize>> {
        let plan = match direction {
            Direction::Upgrade => graph.upgrade_plan(applied, target)?,
            Direction::Downgrade => graph.downgrade_plan(applied, target)?,
        };
        graph.check_runs_on(&plan, backend, direction == Direction::Downgrade)?;
        for &at in &plan {
            let revision = graph.at(at);
            if let Some(step) = step_names(section(revision, direction, backend))
                .into_iter()
                .find(|name| !self.steps.contains(name))
            {
                return Err(MigrateErrorKind::UnregisteredStep {
                    revision: revision.id.clone(),
                    file: revision.file_name.clone(),
                    step: step.to_owned(),
                    registered: self.steps.names(),
                }
                .into());
            }
        }
        Ok(plan)
    }

    fn run<C: DatabaseConnection>(
        &self,
        conn: &mut C,
        target: &str,
        direction: Direction,
    ) -> Result<Report> {
        let graph = self.graph()?;
        conn.prepare_connection()?;
        // The fast path: one read, nothing to do, no lock.
        let first_run = match conn.read_versions() {
            Ok(rows) => {
                let state = self.check_rows(graph, rows, C::BACKEND)?;
                if state.unfinished.is_none()
                    && self
                        .plan(graph, &state.applied, target, direction, C::BACKEND)?
                        .is_empty()
                {
                    return Ok(Report::default());
                }
                false
            }
            Err(_) => {
                let first_run = !conn.version_table_exists()?;
                if first_run && direction == Direction::Upgrade {
                    // Refuse a revision without SQL for this database before
                    // the version table is created.
                    let none = vec![false; graph.revisions().len()];
                    self.plan(graph, &none, target, direction, C::BACKEND)?;
                }
                first_run
            }
        };
        conn.create_version_table()?;
        let mut run_locked = false;
        if !C::BACKEND.backend().transactional_ddl() {
            self.lock_run(conn)?;
            run_locked = true;
        }
        let mut report = Report::default();
        let mut result = Ok(());
        if first_run {
            result = diesel_history::adopt(conn, graph);
        }
        if result.is_ok() {
            result = self.run_locked(conn, graph, target, direction, &mut run_locked, &mut report);
        }
        let unlocked = if run_locked {
            conn.unlock_run()
        } else {
            Ok(())
        };
        match (result, unlocked) {
            (Err(error), _) => Err(error.with_report(report)),
            (Ok(()), Err(error)) => Err(MigrateError::from(error).with_report(report)),
            (Ok(()), Ok(())) => Ok(report),
        }
    }

    fn run_locked<C: DatabaseConnection>(
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
            return Err(unfinished(row, failure).into());
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
        let status = conn.version_status(&revision.id)?;
        let (running, failed) = match direction {
            Direction::Upgrade => {
                if status.is_some() {
                    return Ok(None);
                }
                conn.insert_version(&NewVersion {
                    revision: &revision.id,
                    parents: &revision.parents.join(" "),
                    message: &revision.message,
                    checksum: revision.checksum_for(C::BACKEND),
                    execution_ms: 0,
                    status: STATUS_RUNNING,
                })?;
                (STATUS_RUNNING, STATUS_FAILED)
            }
            Direction::Downgrade => {
                if status.is_none() {
                    return Ok(None);
                }
                (STATUS_REVERTING, STATUS_REVERT_FAILED)
            }
        };
        let saved = conn.limit_session(&self.limits)?;
        let started = Instant::now();
        let outcome = self.run_statements(conn, revision, statements, running);
        conn.restore_session(&saved)?;
        if let Err((failure, attempts)) = outcome {
            if failure.lock_not_available && failure.index == 0 {
                // Nothing took effect: leave no trace, so the next run
                // simply tries again.
                match direction {
                    Direction::Upgrade => conn.delete_version(&revision.id)?,
                    Direction::Downgrade => {
                        conn.update_version(&revision.id, STATUS_APPLIED, 0, None, None)?
                    }
                }
                return Err(self.lock_not_available(failure, attempts, true));
            }
            let message = failure.source.to_string();
            conn.update_version(
                &revision.id,
                failed,
                0,
                Some(&failure.statement),
                Some(&message),
            )?;
            return Err(if failure.lock_not_available {
                self.lock_not_available(failure, attempts, false)
            } else {
                failure.into_error(false)
            });
        }
        let duration = started.elapsed();
        match direction {
            Direction::Upgrade => {
                conn.update_version(&revision.id, STATUS_APPLIED, millis(duration), None, None)?
            }
            Direction::Downgrade => conn.delete_version(&revision.id)?,
        }
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
        running: &str,
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
            if let Err(source) =
                conn.update_version(&revision.id, running, 0, Some(statement), None)
            {
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

/// The SQL a revision runs on `backend` in a direction (the plan checked
/// that it has some).
fn section(revision: &Revision, direction: Direction, backend: BackendKind) -> &str {
    match direction {
        Direction::Upgrade => revision.up_sql_for(backend),
        Direction::Downgrade => revision.down_sql_for(backend),
    }
    .unwrap_or_default()
}

/// Whether a revision's script starts by switching SQLite's foreign keys
/// off (see [`render::sqlite_pragmas`](crate::render::sqlite_pragmas)).
fn needs_foreign_keys_off(
    revision: &Revision,
    direction: Direction,
    backend: crate::BackendKind,
) -> bool {
    let statements = script_statements(section(revision, direction, backend), backend);
    !crate::render::sqlite_pragmas(&statements).0.is_empty()
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
                Direction::Upgrade => rows.push((revision, millis(duration))),
                Direction::Downgrade => conn.delete_version(&revision.id)?,
            }
            steps.push((revision, duration));
        }
        let parents: Vec<String> = rows
            .iter()
            .map(|(revision, _)| revision.parents.join(" "))
            .collect();
        let new_rows: Vec<NewVersion<'_>> = rows
            .iter()
            .zip(&parents)
            .map(|((revision, execution_ms), parents)| NewVersion {
                revision: &revision.id,
                parents,
                message: &revision.message,
                checksum: revision.checksum_for(C::BACKEND),
                execution_ms: *execution_ms,
                status: STATUS_APPLIED,
            })
            .collect();
        conn.insert_versions(&new_rows)?;
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

/// The error for a row an earlier run left unfinished.
fn unfinished(row: UnfinishedRow, failure: FailureRow) -> MigrateErrorKind {
    MigrateErrorKind::Unfinished {
        revision: row.revision,
        state: row.status,
        statement: failure.failed_statement,
        failure: failure.failure,
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

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}
