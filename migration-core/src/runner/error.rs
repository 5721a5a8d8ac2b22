//! What can go wrong applying revisions.

use std::fmt;

use super::report::Report;
use crate::backend::VersionStatus;
use crate::revision::RevisionError;

/// A failed run: what went wrong, and what was applied before it
/// ([`MigrateError::report`]).
#[derive(Debug)]
pub struct MigrateError {
    kind: Box<MigrateErrorKind>,
    report: Report,
}

/// `Result` with [`MigrateError`].
pub type Result<T, E = MigrateError> = std::result::Result<T, E>;

impl MigrateError {
    /// What went wrong.
    pub fn kind(&self) -> &MigrateErrorKind {
        &self.kind
    }

    /// What was applied (or reverted) before it went wrong: those revisions
    /// are committed and recorded.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// What went wrong, owned.
    pub fn into_kind(self) -> MigrateErrorKind {
        *self.kind
    }

    pub(crate) fn with_report(mut self, report: Report) -> MigrateError {
        self.report = report;
        self
    }
}

impl fmt::Display for MigrateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        let done = self.report.steps();
        if !done.is_empty() {
            let ids: Vec<&str> = done.iter().map(|step| step.revision.as_str()).collect();
            write!(
                f,
                " (before it, {} revision(s) ran and are committed: {})",
                done.len(),
                ids.join(", ")
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for MigrateError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&*self.kind)
    }
}

impl<E: Into<MigrateErrorKind>> From<E> for MigrateError {
    fn from(kind: E) -> MigrateError {
        MigrateError {
            kind: Box::new(kind.into()),
            report: Report::default(),
        }
    }
}

/// How to get past a revision MySQL left half-applied; shared by the
/// messages that need it.
const RESOLVE: &str = "repair the database by hand, then stamp this revision if its changes are now all in place (or its parent if you undid them), and run again";

/// The state after a lock failure part-way outside a transaction.
const RESOLVE_LOCK: &str = "the statements before it took effect (they ran outside a transaction) and the revision is recorded as failed: repair the database by hand, then stamp this revision if its changes are now all in place (or its parent if you undid them)";

/// What went wrong in a run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MigrateErrorKind {
    /// The migration files, their graph or the target.
    #[error(transparent)]
    Revision(#[from] RevisionError),

    /// The database refused a query on the version table or the lock.
    #[error("database error on the version table retort_migrations: {0}")]
    Database(#[from] diesel::result::Error),

    /// A statement of a revision failed. Where the revision ran in a
    /// transaction it was rolled back; otherwise it is recorded as failed
    /// and later runs refuse until it is resolved.
    #[error("revision {revision} ({file}) failed at statement {index}: {source}; {}; the statement: {statement}", if *.rolled_back { "it was rolled back and the database is as it was before it" } else { "the statements before it took effect (this database commits DDL at once) and the revision is recorded as failed: repair the database by hand, then stamp this revision if its changes are now all in place (or its parent if you undid them), and run again" })]
    StatementFailed {
        /// The revision.
        revision: String,
        /// Its file.
        file: String,
        /// Which statement failed, counting from 1.
        index: usize,
        /// The statement.
        statement: String,
        /// Whether the revision was rolled back as a whole.
        rolled_back: bool,
        /// The database's error.
        source: diesel::result::Error,
    },

    /// An earlier run left a revision failed or unfinished outside a
    /// transaction; nothing more runs until it is resolved.
    #[error("revision {revision} {}{}{}: {RESOLVE}",
        describe_state(.state),
        .statement.as_ref().map(|s| format!(" at the statement: {s}")).unwrap_or_default(),
        .failure.as_ref().map(|e| format!(" (error: {e})")).unwrap_or_default())]
    Unfinished {
        /// The revision.
        revision: String,
        /// Its status in the version table as stored (`failed`, `running`,
        /// ...; see [`VersionStatus`]).
        state: String,
        /// The statement that failed or was running.
        statement: Option<String>,
        /// The database's error, when it failed.
        failure: Option<String>,
    },

    /// An applied revision's file has changed since.
    #[error("revision {revision} was applied but its file {file} has changed since (its checksum differs): restore the file and put the change in a new revision, or allow edited revisions (`Migrator::allow_edited_revisions`); stamping re-records its checksum")]
    Edited {
        /// The revision.
        revision: String,
        /// Its file.
        file: String,
    },

    /// An applied revision has no file any more.
    #[error("revision {revision} is applied to the database but no migration file declares it: restore its file, or allow missing revisions (`Migrator::allow_missing_revisions`)")]
    Missing {
        /// The revision.
        revision: String,
    },

    /// The database applied part of the chain a squash baseline replaces,
    /// but not its last revision, so it is neither at the baseline nor
    /// before it.
    #[error("the database is at revision {at}, part of the history that baseline {baseline} ({file}) replaces up to {last}: it cannot be recognised as at the baseline, and applying the baseline would create what is already there; upgrade it to {last} with the migration files from before the squash (from version control), then run again")]
    PartlyReplaced {
        /// The newest replaced revision the database applied.
        at: String,
        /// The baseline.
        baseline: String,
        /// The baseline's file.
        file: String,
        /// The last revision the baseline replaces.
        last: String,
    },

    /// A statement of a revision could not get the lock it needs within the
    /// revision lock timeout, on every attempt: another session holds a
    /// conflicting lock (typically a long transaction on the same table).
    #[error("revision {revision} ({file}) could not get the lock statement {index} needs on {object} within {lock_timeout}, in {attempts} attempt(s): another session holds a conflicting lock on it, such as a long-running transaction; {}; run again once that session is done, or raise `Migrator::revision_lock_timeout` or `Migrator::lock_retries`; the statement: {statement}", if *.as_before { "the database is as it was before the revision" } else { RESOLVE_LOCK })]
    LockNotAvailable {
        /// The revision.
        revision: String,
        /// Its file.
        file: String,
        /// Which statement could not get its lock, counting from 1.
        index: usize,
        /// The statement.
        statement: String,
        /// What the statement locks, as read from it (`table "items"`).
        object: String,
        /// The lock timeout each attempt had.
        lock_timeout: String,
        /// How many times the revision was tried.
        attempts: u32,
        /// Whether the database is as it was before the revision (rolled
        /// back, or nothing of it took effect).
        as_before: bool,
        /// The database's error.
        source: diesel::result::Error,
    },

    /// No connection to run the migrations on: the pool could not hand one
    /// out (the database is down, or every connection stayed checked out).
    #[error("no connection to migrate on: {0}")]
    Connection(#[source] Box<dyn std::error::Error + Send + Sync>),

    /// A revision to run has a `-- retort:run NAME` line for a step that
    /// was not registered with [`Migrator::step`](super::Migrator::step).
    /// Nothing ran.
    #[error("revision {revision} ({file}) runs the Rust step `{step}` (`-- retort:run {step}`), which is not registered{}: register it with `Migrator::new(&migrations).step(\"{step}\", |conn| ...)` before upgrading (`migrate_to_head` registers none); nothing was run", if .registered.is_empty() { String::new() } else { format!(" (the registered steps are {})", .registered.join(", ")) })]
    UnregisteredStep {
        /// The revision.
        revision: String,
        /// Its file.
        file: String,
        /// The step's name.
        step: String,
        /// The steps that are registered.
        registered: Vec<String>,
    },

    /// A statement, step or batch of a revision with a backfill failed.
    /// What ran before it is committed, and the progress is kept: the next
    /// run goes on from the action that failed.
    #[error("revision {revision} ({file}) failed at statement {index}: {source}; the revision has a batched backfill, so it runs in short transactions: what ran before this statement is committed and its progress is kept in {table}; fix the cause and run again to go on from here (the revision is recorded as applied only after its last batch); the statement: {statement}")]
    DataMigrationFailed {
        /// The revision.
        revision: String,
        /// Its file.
        file: String,
        /// Which statement (or step, or backfill) failed, counting from 1.
        index: usize,
        /// The statement, or the step's line.
        statement: String,
        /// The progress table.
        table: &'static str,
        /// The database's error (or the step's).
        source: diesel::result::Error,
    },

    /// Another process held the migration lock for longer than the timeout.
    #[error("timed out after {seconds} s waiting for the migration lock {lock} held by another migrating process; raise `Migrator::lock_timeout` if its migrations are long")]
    LockTimeout {
        /// The lock's name.
        lock: String,
        /// How long the run waited.
        seconds: u64,
    },
}

fn describe_state(state: &str) -> &'static str {
    match VersionStatus::from_stored(state) {
        Some(VersionStatus::Failed) => "failed part-way in an earlier run",
        Some(VersionStatus::Running) => {
            "was interrupted in an earlier run (the process died or lost its connection)"
        }
        Some(VersionStatus::RevertFailed) => {
            "failed part-way while being reverted in an earlier run"
        }
        Some(VersionStatus::Reverting) => "was interrupted while being reverted in an earlier run",
        Some(VersionStatus::Applied) | None => "is in an unknown state in the version table",
    }
}
