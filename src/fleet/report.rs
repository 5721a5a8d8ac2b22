//! What a fleet run did: one report per target, in the order the targets
//! were given, and why the run stopped early, if it did.

use std::fmt;
use std::time::Duration;

use super::Target;
use crate::{runner::UnfinishedRevision, AutogenerateError, BackendKind, MigrateError, Report};

/// How one target ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TargetStatus {
    /// The command changed the target (applied, reverted or stamped).
    Changed,
    /// The target was at the goal already, or the command only reads
    /// (`current`, `check` finding nothing).
    Unchanged,
    /// The command failed on the target (see [`TargetReport::error`]).
    Failed,
    /// The target's database could not be reached.
    Unreachable,
    /// The target was not started: the run stopped first.
    Skipped,
}

impl TargetStatus {
    /// The status as the JSON report spells it: `changed`, `unchanged`,
    /// `failed`, `unreachable`, `skipped`.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetStatus::Changed => "changed",
            TargetStatus::Unchanged => "unchanged",
            TargetStatus::Failed => "failed",
            TargetStatus::Unreachable => "unreachable",
            TargetStatus::Skipped => "skipped",
        }
    }

    /// Whether the target ended where the command wanted it.
    pub fn is_ok(self) -> bool {
        matches!(self, TargetStatus::Changed | TargetStatus::Unchanged)
    }
}

impl fmt::Display for TargetStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why one target failed or could not be reached. Messages never hold a
/// password; [`TargetReport::message`] gives one safe line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    /// The database could not be reached.
    #[error("cannot connect: {reason}")]
    Unreachable {
        /// What the driver said, password removed.
        reason: String,
    },

    /// The target's URL names a database this program was built without.
    #[error("this program was built without {backend} support (retort's `{feature}` feature)")]
    BackendNotCompiled {
        /// The database the URL names.
        backend: BackendKind,
        /// The cargo feature that adds it.
        feature: &'static str,
    },

    /// The target's schema does not exist in its database.
    #[error("schema {schema} does not exist; create it, or let the fleet create missing schemas")]
    NoSchema {
        /// The schema.
        schema: String,
    },

    /// Selecting or creating the target's schema failed.
    #[error("cannot select schema {schema}: {source}")]
    Schema {
        /// The schema.
        schema: String,
        /// The database's error.
        source: diesel::result::Error,
    },

    /// The run, or reading where the target is, failed.
    #[error(transparent)]
    Migrate(#[from] MigrateError),

    /// `check`: comparing the models with the target failed.
    #[error(transparent)]
    Autogenerate(#[from] AutogenerateError),

    /// `check`: the target is behind the migration files.
    #[error("not at head: {} revision(s) are pending ({})", .pending.len(), .pending.join(", "))]
    NotAtHead {
        /// The pending revisions, in order.
        pending: Vec<String>,
    },

    /// `check`: the models and the target differ.
    #[error("the models and the database differ: {} operation(s) are not in any revision", .operations.len())]
    ModelsDiffer {
        /// Each operation a new revision would hold.
        operations: Vec<String>,
    },
}

/// What happened on one target.
#[derive(Debug)]
#[non_exhaustive]
pub struct TargetReport {
    /// The target.
    pub target: Target,
    /// How it ended.
    pub status: TargetStatus,
    /// Whether it ran among the canaries.
    pub canary: bool,
    /// Where it was before (its current revisions; empty at base), when
    /// that could be read.
    pub from: Option<Vec<String>>,
    /// Where it is after, when that could be read.
    pub to: Option<Vec<String>>,
    /// The revisions applied or reverted, with their timings (also those
    /// done before a failure).
    pub report: Report,
    /// A revision an earlier run left part-way (`current`).
    pub unfinished: Option<UnfinishedRevision>,
    /// The revisions not applied yet (`pending`, `check`).
    pub pending: Vec<String>,
    /// Why it failed or could not be reached.
    pub error: Option<TargetError>,
    /// How long the target took, connecting included.
    pub duration: Duration,
}

impl TargetReport {
    pub(crate) fn new(target: Target, canary: bool) -> TargetReport {
        TargetReport {
            target,
            status: TargetStatus::Skipped,
            canary,
            from: None,
            to: None,
            report: Report::default(),
            unfinished: None,
            pending: Vec::new(),
            error: None,
            duration: Duration::ZERO,
        }
    }

    /// The error as one line, with the target's password removed (drivers
    /// may echo their connection string).
    pub fn message(&self) -> Option<String> {
        let error = self.error.as_ref()?.to_string();
        let line = error.split_whitespace().collect::<Vec<_>>().join(" ");
        Some(retort_core::redact_password_in(&line, self.target.url()))
    }
}

/// Why a run stopped before every target was started.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// A target failed and the run does not continue on errors: no target
    /// was started after it, those running were finished.
    Failure {
        /// The target that failed first.
        target: Target,
    },
    /// A canary failed or could not be reached: no target after the
    /// canaries was started.
    Canary {
        /// How many canaries did not end at the goal.
        failed: usize,
    },
}

/// What a fleet run did.
#[derive(Debug)]
#[non_exhaustive]
pub struct FleetReport {
    /// One report per target, in the order the targets were given.
    pub targets: Vec<TargetReport>,
    /// Why the run stopped early, if it did.
    pub stopped: Option<StopReason>,
    /// How long the whole run took.
    pub duration: Duration,
}

impl FleetReport {
    /// Whether every target ended where the command wanted it.
    pub fn is_success(&self) -> bool {
        self.targets.iter().all(|report| report.status.is_ok())
    }

    /// How many targets ended with `status`.
    pub fn count(&self, status: TargetStatus) -> usize {
        self.targets
            .iter()
            .filter(|report| report.status == status)
            .count()
    }
}

/// What a progress callback is told each time a target finishes.
#[derive(Debug)]
#[non_exhaustive]
pub struct Progress<'r> {
    /// The target that just finished.
    pub finished: &'r TargetReport,
    /// Targets finished at the goal so far.
    pub done: usize,
    /// Targets failed so far.
    pub failed: usize,
    /// Targets found unreachable so far.
    pub unreachable: usize,
    /// Targets not finished yet.
    pub remaining: usize,
    /// Every target of the run.
    pub total: usize,
    /// Time since the run started.
    pub elapsed: Duration,
}
