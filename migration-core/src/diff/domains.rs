//! Domains (PostgreSQL), known by namespace and name: created or changed
//! before any table, so columns can use them; dropped once no column does.
//!
//! A domain the database holds and `to` does not declare follows the rule
//! of every object declared beside the tables ([`super::objects`]): it is
//! reported ([`WarningKind::Unmanaged`](super::WarningKind::Unmanaged)) and
//! left alone (an application that made its domains by hand, whose columns
//! name them), unless `to` says
//! [`UndeclaredObjects::Drop`](crate::schema::UndeclaredObjects::Drop).
//!
//! A domain whose base type changes cannot change in place (PostgreSQL has
//! no `ALTER DOMAIN ... TYPE`): the [`Op::AlterDomain`] carries it, and the
//! renderer refuses it naming the domain.

use std::fmt;

use super::objects::unmanaged;
use super::{DiffWarning, Op};
use crate::schema::{CheckConstraint, Domain, Schema, UndeclaredObjects};

/// Creates the domains `to` adds and changes those both have.
pub(super) fn create_or_alter(ops: &mut Vec<Op>, from: &Schema, to: &Schema) {
    for new in sorted(&to.domains) {
        match find(&from.domains, new) {
            None => ops.push(Op::CreateDomain {
                domain: new.clone(),
            }),
            Some(old) if old != new => ops.push(Op::AlterDomain {
                old: old.clone(),
                new: new.clone(),
            }),
            Some(_) => {}
        }
    }
}

/// Drops the domains `to` does not declare, once the tables and columns
/// that used them are gone, when `to` says [`UndeclaredObjects::Drop`];
/// otherwise reports each in `warnings` and leaves it alone.
pub(super) fn drop(ops: &mut Vec<Op>, warnings: &mut Vec<DiffWarning>, from: &Schema, to: &Schema) {
    for old in sorted(&from.domains) {
        if find(&to.domains, old).is_some() {
            continue;
        }
        match to.undeclared {
            UndeclaredObjects::Drop => ops.push(Op::DropDomain {
                domain: old.clone(),
            }),
            UndeclaredObjects::Report => warnings.push(unmanaged(old)),
        }
    }
}

fn find<'a>(domains: &'a [Domain], wanted: &Domain) -> Option<&'a Domain> {
    domains
        .iter()
        .find(|domain| domain.qualified_name() == wanted.qualified_name())
}

/// The domains by namespace and name, so the ops come in a stable order.
fn sorted(domains: &[Domain]) -> Vec<&Domain> {
    let mut sorted: Vec<&Domain> = domains.iter().collect();
    sorted.sort_by(|a, b| a.qualified_name().cmp(&b.qualified_name()));
    sorted
}

/// A domain's name, qualified when it is not in the default namespace.
pub(super) fn domain_name(domain: &Domain) -> String {
    match &domain.schema {
        Some(schema) => format!("{schema}.{}", domain.name),
        None => domain.name.clone(),
    }
}

/// Each way a domain changes, after a space: ` type INTEGER -> BIGINT, NOT
/// NULL, default none -> 0, drop check c, add check d`.
pub(super) fn domain_changes(
    f: &mut fmt::Formatter<'_>,
    old: &Domain,
    new: &Domain,
) -> fmt::Result {
    let mut changes = Vec::new();
    if old.ty != new.ty {
        changes.push(format!("type {} -> {}", old.ty, new.ty));
    }
    if old.nullable != new.nullable {
        changes.push(if new.nullable { "NULL" } else { "NOT NULL" }.to_owned());
    }
    if old.default != new.default {
        let shown = |default: &Option<String>| default.clone().unwrap_or_else(|| "none".into());
        changes.push(format!(
            "default {} -> {}",
            shown(&old.default),
            shown(&new.default)
        ));
    }
    let (dropped, added) = changed_checks(old, new);
    let name = |check: &CheckConstraint| {
        check
            .name
            .clone()
            .unwrap_or_else(|| check.expression.clone())
    };
    changes.extend(
        dropped
            .iter()
            .map(|check| format!("drop check {}", name(check))),
    );
    changes.extend(
        added
            .iter()
            .map(|check| format!("add check {}", name(check))),
    );
    write!(f, " {}", changes.join(", "))
}

/// The checks of `old` that `new` does not have, and those `new` adds.
pub(crate) fn changed_checks<'a>(
    old: &'a Domain,
    new: &'a Domain,
) -> (Vec<&'a CheckConstraint>, Vec<&'a CheckConstraint>) {
    (
        super::removed(&old.checks, &new.checks),
        super::removed(&new.checks, &old.checks),
    )
}
