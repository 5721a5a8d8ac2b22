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

mod apply;
mod backfill;
mod diesel_history;
mod error;
mod offline;
mod plan;
mod record;
mod report;
mod retry;
mod steps;

use std::time::Duration;

pub use backfill::BackfillProgress;
pub use error::{MigrateError, MigrateErrorKind, Result};
pub use report::{Direction, Report, ReportStep, StampReport, UnfinishedRevision};
use retry::RetryPolicy;
use steps::Steps;
pub use steps::{StepFailed, StepResult};

pub use crate::backend::VersionStatus;
use crate::backend::{DatabaseConnection, LockLimits};
use crate::revision::{Migrations, Revision, RevisionGraph};

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
            let written = record::restamp(conn, graph, &marks);
            let report = match written {
                Ok(report) => {
                    conn.commit()?;
                    report
                }
                Err(error) => {
                    let _ = conn.rollback();
                    return Err(error.into());
                }
            };
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
                    && state.adopted.is_empty()
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
}
