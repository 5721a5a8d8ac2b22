//! Sequences no column owns (PostgreSQL), known by namespace and name:
//! created or changed before any table, so defaults can call them; dropped
//! once the tables and columns whose defaults called them are gone.
//!
//! A sequence the database holds and `to` does not declare follows the
//! rule of every object declared beside the tables ([`super::objects`]):
//! reported and left alone, unless `to` says
//! [`UndeclaredObjects::Drop`](crate::schema::UndeclaredObjects::Drop).

use super::objects::match_declared;
use super::{DiffWarning, Op};
use crate::schema::{Schema, Sequence};

/// The sequences' ops: created and changed (to run first), and dropped
/// (to run after the tables).
pub(super) struct SequenceOps {
    pub(super) created: Vec<Op>,
    pub(super) dropped: Vec<Op>,
}

/// The ops that bring `from`'s sequences to `to`'s.
pub(super) fn plan(from: &Schema, to: &Schema, warnings: &mut Vec<DiffWarning>) -> SequenceOps {
    let matched = match_declared(&from.sequences, &to.sequences, to.undeclared, warnings);
    let mut created: Vec<Op> = sorted(matched.created)
        .map(|sequence| Op::CreateSequence { sequence })
        .collect();
    let mut changed = matched.changed;
    changed.sort_by(|(a, _), (b, _)| a.qualified_name().cmp(&b.qualified_name()));
    created.extend(changed.into_iter().map(|(old, new)| Op::AlterSequence {
        old: old.clone(),
        new: new.clone(),
    }));
    SequenceOps {
        created,
        dropped: sorted(matched.dropped)
            .map(|sequence| Op::DropSequence { sequence })
            .collect(),
    }
}

/// The sequences by namespace and name, so the ops come in a stable order.
fn sorted(mut sequences: Vec<&Sequence>) -> impl Iterator<Item = Sequence> + '_ {
    sequences.sort_by(|a, b| a.qualified_name().cmp(&b.qualified_name()));
    sequences.into_iter().cloned()
}
