//! What a run did.

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
