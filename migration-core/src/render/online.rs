//! Online rendering: a diff as an ordered list of steps that keep a busy
//! database serving reads and writes while it changes.
//!
//! Each step becomes one revision file (see `AutogenerateOptions::online`).
//! A step is transactional unless it holds a statement PostgreSQL refuses
//! to run in a transaction (`CREATE INDEX CONCURRENTLY`); a statement that
//! must see an earlier one committed (`VALIDATE CONSTRAINT` after `ADD ...
//! NOT VALID`) starts a new step.

use crate::diff::{Diff, Op};

use super::{Ddl, RenderError};

/// One step of an online migration: one revision file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RenderedStep {
    /// Whether it runs in a transaction (`false` writes `-- retort:transaction
    /// off`).
    pub transactional: bool,
    /// The statements that apply it.
    pub up: Vec<String>,
    /// The statements that revert it, in order; `None` when the database
    /// cannot express the reverse (a warning says why).
    pub down: Option<Vec<String>>,
    /// What the reviewer must know: a change that still locks or rewrites
    /// the table, with the alternative.
    pub warnings: Vec<String>,
}

/// A piece of an op's online sequence, before steps are formed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Phase {
    /// Whether it can run in a transaction.
    pub(crate) transactional: bool,
    /// Whether it must start a new step, after what came before commits.
    pub(crate) after_commit: bool,
    pub(crate) up: Vec<String>,
    /// Its reverse, in the order to run it.
    pub(crate) down: Vec<String>,
    pub(crate) warnings: Vec<String>,
}

impl Phase {
    /// A phase that runs in a transaction with what came before.
    pub(crate) fn in_transaction(up: Vec<String>, down: Vec<String>) -> Phase {
        Phase {
            transactional: true,
            up,
            down,
            ..Phase::default()
        }
    }

    /// A phase that runs alone, outside a transaction.
    pub(crate) fn outside_transaction(up: Vec<String>, down: Vec<String>) -> Phase {
        Phase {
            transactional: false,
            after_commit: true,
            up,
            down,
            ..Phase::default()
        }
    }

    /// This phase, once what came before has committed.
    pub(crate) fn after_commit(mut self) -> Phase {
        self.after_commit = true;
        self
    }

    /// This phase with a warning for the reviewer.
    pub(crate) fn warn(mut self, warning: impl Into<String>) -> Phase {
        self.warnings.push(warning.into());
        self
    }
}

/// An op rendered as it is offline, with its reverse: what online
/// rendering falls back to for changes that lock nothing for long.
pub(crate) fn plain(backend: &dyn Ddl, op: &Op) -> Result<Phase, RenderError> {
    let mut up = Vec::new();
    backend.render_op(op, &mut up)?;
    let mut down = Vec::new();
    backend.render_op(&op.reverse(), &mut down)?;
    Ok(Phase::in_transaction(up, down))
}

/// Joins the phases of every op, in order, into steps: a phase joins the
/// step before it when both are transactional and it need not wait for a
/// commit. A step's down section runs its phases' reverses last first.
pub(crate) fn steps(
    diff: &Diff,
    mut phases_of: impl FnMut(&Op) -> Result<Vec<Phase>, RenderError>,
) -> Result<Vec<RenderedStep>, RenderError> {
    let mut steps: Vec<(RenderedStep, Vec<Vec<String>>)> = Vec::new();
    for op in diff.ops() {
        for phase in phases_of(op)? {
            let joins = phase.transactional
                && !phase.after_commit
                && steps.last().is_some_and(|(step, _)| step.transactional);
            if !joins {
                steps.push((
                    RenderedStep {
                        transactional: phase.transactional,
                        up: Vec::new(),
                        down: None,
                        warnings: Vec::new(),
                    },
                    Vec::new(),
                ));
            }
            let Some((step, downs)) = steps.last_mut() else {
                continue;
            };
            step.up.extend(phase.up);
            step.warnings.extend(phase.warnings);
            downs.push(phase.down);
        }
    }
    Ok(steps
        .into_iter()
        .map(|(mut step, downs)| {
            step.down = Some(downs.into_iter().rev().flatten().collect());
            step
        })
        .collect())
}
