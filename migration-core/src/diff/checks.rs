//! Check and exclusion constraints of kept tables: constraints defined by
//! an expression, dropped when they go away or change and added after.

use super::tables::KeptTable;
use super::{removed, Op, TableName};

/// Drops the checks and exclusion constraints that go away.
pub(super) fn drop(ops: &mut Vec<Op>, pair: &KeptTable<'_>) {
    for check in removed(&pair.from.checks, &pair.to.checks) {
        ops.push(Op::DropCheck {
            table: TableName::of(pair.from),
            check: check.clone(),
        });
    }
    for exclusion in removed(&pair.from.exclusions, &pair.to.exclusions) {
        ops.push(Op::DropExclusion {
            table: TableName::of(pair.from),
            exclusion: exclusion.clone(),
        });
    }
}

/// Adds the new checks and exclusion constraints.
pub(super) fn add(ops: &mut Vec<Op>, pair: &KeptTable<'_>) {
    for check in removed(&pair.to.checks, &pair.from.checks) {
        ops.push(Op::AddCheck {
            table: TableName::of(pair.to),
            check: check.clone(),
        });
    }
    for exclusion in removed(&pair.to.exclusions, &pair.from.exclusions) {
        ops.push(Op::AddExclusion {
            table: TableName::of(pair.to),
            exclusion: exclusion.clone(),
        });
    }
}
