//! Columns of kept tables: matched by name or by a `renamed_from` hint, and
//! the ops that drop, rename, add and alter them, and that make them stop
//! and start being generated (identity, `AUTO_INCREMENT`). A generated
//! column that becomes plain keeps its values; one whose generation
//! expression changes, that becomes generated, or that is generated from a
//! column whose type changes, is dropped and added again.

use super::partitions::compares_columns;
use super::tables::MatchedTables;
use super::{ColumnChanges, DiffWarning, Op, TableName, WarningKind};
use crate::schema::{Column, Table};

pub(super) fn match_columns<'a>(from: &'a Table, to: &'a Table) -> Vec<(&'a Column, &'a Column)> {
    let mut matched: Vec<(&Column, &Column)> = Vec::new();
    for column in &to.columns {
        let same = from.find_column(&column.name);
        let renamed = || {
            let old = column.renamed_from.as_deref()?;
            if to.find_column(old).is_some() {
                return None;
            }
            from.find_column(old)
        };
        if let Some(old) = same.or_else(renamed) {
            if !matched.iter().any(|(taken, _)| taken.name == old.name) {
                matched.push((old, column));
            }
        }
    }
    matched
}

/// A column stops being generated before its key goes (MySQL keeps an
/// `AUTO_INCREMENT` column in a key), and starts after its key exists: see
/// [`start_generating`].
pub(super) fn stop_generating(ops: &mut Vec<Op>, tables: &MatchedTables<'_>) {
    for pair in &tables.kept {
        for (old, new) in &pair.columns {
            if old.identity && !new.identity {
                let old = without_hint(old);
                ops.push(Op::AlterColumn {
                    table: TableName::of(pair.from),
                    new: Column {
                        identity: false,
                        ..old.clone()
                    },
                    old,
                });
            }
        }
    }
}

/// Drops the columns that go away, last column first, so that the reverse
/// adds them back in their order. A table whose columns are all replaced
/// keeps its first one until the new ones are added (MySQL cannot drop a
/// table's last column): that one is returned, by kept table, for
/// [`add_and_alter`] to drop.
pub(super) fn drop(ops: &mut Vec<Op>, tables: &MatchedTables<'_>) -> Vec<Option<Column>> {
    let mut last_drops: Vec<Option<Column>> = Vec::with_capacity(tables.kept.len());
    for pair in &tables.kept {
        let replaced = pair.columns.is_empty() && !pair.to.columns.is_empty();
        let mut last = None;
        let compared = if compares_columns(pair) {
            &pair.from.columns[..]
        } else {
            &[]
        };
        for (at, column) in compared.iter().enumerate().rev() {
            if !pair.columns.iter().any(|(old, _)| old.name == column.name) {
                if replaced && at == 0 {
                    last = Some(column.clone());
                    continue;
                }
                ops.push(Op::DropColumn {
                    table: TableName::of(pair.from),
                    column: column.clone(),
                });
            }
        }
        last_drops.push(last);
    }
    last_drops
}

/// Renames the matched columns whose name changes (their tables already
/// have their new names).
pub(super) fn rename(ops: &mut Vec<Op>, tables: &MatchedTables<'_>) {
    for pair in &tables.kept {
        for (old, new) in &pair.columns {
            if old.name != new.name {
                ops.push(Op::RenameColumn {
                    table: TableName::of(pair.to),
                    from: old.name.clone(),
                    to: new.name.clone(),
                });
            }
        }
    }
}

/// Adds the new columns of each kept table, drops the column [`drop`] kept
/// back, then alters the matched columns that change (identity aside); a
/// `renamed_from` hint that matched nothing is reported.
pub(super) fn add_and_alter(
    ops: &mut Vec<Op>,
    warnings: &mut Vec<DiffWarning>,
    tables: &MatchedTables<'_>,
    mut last_drops: Vec<Option<Column>>,
) {
    for (at, pair) in tables.kept.iter().enumerate() {
        let name = TableName::of(pair.to);
        if !compares_columns(pair) {
            continue;
        }
        for column in &pair.to.columns {
            if !pair.columns.iter().any(|(_, new)| new.name == column.name) {
                if let Some(old) = &column.renamed_from {
                    warnings.push(DiffWarning {
                        kind: WarningKind::UnmatchedHint,
                        op: Some(ops.len()),
                        message: format!(
                            "column {name}.{} is marked `renamed_from = \"{old}\"`, but {} has no column {old}: it is added empty",
                            column.name,
                            TableName::of(pair.from)
                        ),
                    });
                }
                ops.push(Op::AddColumn {
                    table: name.clone(),
                    column: without_hint(column),
                });
            }
        }
        if let Some(column) = last_drops[at].take() {
            ops.push(Op::DropColumn {
                table: name.clone(),
                column,
            });
        }
        // A generated column that becomes plain keeps its values, before
        // any other column changes (PostgreSQL changes no type under it);
        // other recreated columns (see `KeptTable::recreates`) are dropped
        // before the other columns change and added after them.
        let mut added_again = Vec::new();
        for (old, new) in &pair.columns {
            let mut old = without_hint(old);
            old.name.clone_from(&new.name);
            if becomes_plain(&old, new) {
                let plain = Column {
                    generated: None,
                    ..old.clone()
                };
                ops.push(Op::SetColumnGeneration {
                    table: name.clone(),
                    old,
                    new: plain,
                });
            } else if pair.recreates(&old, new) {
                ops.push(Op::DropColumn {
                    table: name.clone(),
                    column: old,
                });
                added_again.push(without_hint(new));
            }
        }
        for (old, new) in &pair.columns {
            let mut old = without_hint(old);
            old.name.clone_from(&new.name);
            if becomes_plain(&old, new) {
                old.generated = None;
            } else if pair.recreates(&old, new) {
                continue;
            }
            // (Identity changes are not this op's; see below.)
            let changes = ColumnChanges {
                identity: false,
                ..ColumnChanges::between(&old, new)
            };
            // An identity that stays one may change its options
            // (PostgreSQL's `ALWAYS`, start, increment) in place.
            let options_change =
                old.identity && new.identity && old.identity_options != new.identity_options;
            if changes.is_empty() && !options_change {
                continue;
            }
            // Identity changes run on their own, before and after the keys;
            // a column that stays generated says so (MySQL's MODIFY COLUMN
            // repeats AUTO_INCREMENT or drops it).
            let generated = old.identity && new.identity;
            old.identity = generated;
            let new = Column {
                identity: generated,
                ..without_hint(new)
            };
            ops.push(Op::AlterColumn {
                table: name.clone(),
                old,
                new,
            });
        }
        for column in added_again {
            ops.push(Op::AddColumn {
                table: name.clone(),
                column,
            });
        }
    }
}

/// Whether a generated column becomes plain, keeping its values
/// ([`Op::SetColumnGeneration`]).
fn becomes_plain(old: &Column, new: &Column) -> bool {
    old.generated.is_some() && new.generated.is_none()
}

/// Columns start being generated once their key exists; see
/// [`stop_generating`].
pub(super) fn start_generating(ops: &mut Vec<Op>, tables: &MatchedTables<'_>) {
    for pair in &tables.kept {
        for (old, new) in &pair.columns {
            if new.identity && !old.identity {
                let new = without_hint(new);
                ops.push(Op::AlterColumn {
                    table: TableName::of(pair.to),
                    old: Column {
                        identity: false,
                        ..new.clone()
                    },
                    new,
                });
            }
        }
    }
}

pub(super) fn without_hint(column: &Column) -> Column {
    Column {
        renamed_from: None,
        ..column.clone()
    }
}
