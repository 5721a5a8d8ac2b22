//! Extensions (PostgreSQL), known by name: created before anything else,
//! so the types, domains, functions and indexes that use them can be made;
//! dropped after everything else.
//!
//! An extension the database holds and `to` does not declare follows the
//! rule of every object declared beside the tables ([`super::objects`]):
//! it is reported ([`WarningKind::Unmanaged`](super::WarningKind::Unmanaged))
//! and left alone, unless `to` says
//! [`UndeclaredObjects::Drop`](crate::schema::UndeclaredObjects::Drop).

use super::objects::match_declared;
use super::{DiffWarning, Op};
use crate::schema::{Extension, Schema};

/// The extensions' ops: those `to` declares and `from` lacks, created
/// (to run first), and those dropped (to run last).
pub(super) struct ExtensionOps {
    pub(super) created: Vec<Op>,
    pub(super) dropped: Vec<Op>,
}

/// The ops that bring `from`'s extensions to `to`'s; undeclared ones are
/// reported in `warnings` unless `to` drops them.
pub(super) fn plan(from: &Schema, to: &Schema, warnings: &mut Vec<DiffWarning>) -> ExtensionOps {
    let matched = match_declared(&from.extensions, &to.extensions, to.undeclared, warnings);
    ExtensionOps {
        created: sorted(matched.created)
            .map(|extension| Op::CreateExtension { extension })
            .collect(),
        dropped: sorted(matched.dropped)
            .map(|extension| Op::DropExtension { extension })
            .collect(),
    }
}

/// The extensions by name, so the ops come in a stable order.
fn sorted(mut extensions: Vec<&Extension>) -> impl Iterator<Item = Extension> + '_ {
    extensions.sort_by(|a, b| a.name.cmp(&b.name));
    extensions.into_iter().cloned()
}
