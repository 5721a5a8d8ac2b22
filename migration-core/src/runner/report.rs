//! What a run did, what a stamp changed, and a revision a run left
//! unfinished.

use std::time::Duration;

/// Which way a revision ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Applied (its up section).
    Upgrade,
    /// Reverted (its down section).
    Downgrade,
}

/// One revision a run applied or reverted.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReportStep {
    /// The revision id.
    pub revision: String,
    /// Its parents.
    pub parents: Vec<String>,
    /// Its message.
    pub message: String,
    /// Applied or reverted.
    pub direction: Direction,
    /// How long its statements took.
    pub duration: Duration,
}

/// What a run applied or reverted, in order, with timings. Empty when there
/// was nothing to do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    steps: Vec<ReportStep>,
}

impl Report {
    /// The revisions, in the order they ran.
    pub fn steps(&self) -> &[ReportStep] {
        &self.steps
    }

    /// The ids of the revisions, in the order they ran.
    pub fn revisions(&self) -> Vec<&str> {
        self.steps
            .iter()
            .map(|step| step.revision.as_str())
            .collect()
    }

    /// Whether nothing ran.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    pub(crate) fn push(&mut self, step: ReportStep) {
        self.steps.push(step);
    }
}

/// Joins the reports of several runs, in order.
impl Extend<ReportStep> for Report {
    fn extend<I: IntoIterator<Item = ReportStep>>(&mut self, steps: I) {
        self.steps.extend(steps);
    }
}

impl IntoIterator for Report {
    type Item = ReportStep;
    type IntoIter = std::vec::IntoIter<ReportStep>;

    fn into_iter(self) -> Self::IntoIter {
        self.steps.into_iter()
    }
}

/// What [`Migrator::stamp`](super::Migrator::stamp) changed besides where
/// the database is recorded to be.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StampReport {
    /// Applied revisions whose file had changed since: their recorded
    /// checksum was replaced with the file's, so the edit is accepted from
    /// now on.
    pub re_recorded: Vec<String>,
    /// Revisions recorded as applied that no file declares: their rows
    /// were removed.
    pub forgotten: Vec<String>,
}

/// A revision an earlier run left part-way (MySQL, or `-- retort:transaction
/// off`): the runner refuses to go on until it is repaired and stamped.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnfinishedRevision {
    /// The revision id.
    pub revision: String,
    /// Its status in the version table: `failed` or `revert_failed` after a
    /// statement failed, `running` or `reverting` when the process died.
    pub status: String,
    /// The statement that failed, or that was running.
    pub statement: Option<String>,
    /// The database's error for that statement, when it failed.
    pub error: Option<String>,
}
