//! Check constraints of kept tables.

use super::tables::KeptTable;
use super::{removed, Op, TableName};

/// Drops the checks that go away.
pub(super) fn drop(ops: &mut Vec<Op>, pair: &KeptTable<'_>) {
    for check in removed(&pair.from.checks, &pair.to.checks) {
        ops.push(Op::DropCheck {
            table: TableName::of(pair.from),
            check: check.clone(),
        });
    }
}

/// Adds the new checks.
pub(super) fn add(ops: &mut Vec<Op>, pair: &KeptTable<'_>) {
    for check in removed(&pair.to.checks, &pair.from.checks) {
        ops.push(Op::AddCheck {
            table: TableName::of(pair.to),
            check: check.clone(),
        });
    }
}
