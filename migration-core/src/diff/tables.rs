//! Tables: which tables of the two schemas are the same table (by name or
//! by a `renamed_from` hint), and the ops that drop, rename, create and
//! comment them, and set SQLite's table options.

use std::collections::{BTreeMap, BTreeSet};

use super::indexes::text_names;
use super::table_order::TableOrder;
use super::{columns, partitions, DiffWarning, Op, TableName, WarningKind};
use crate::schema::{Column, PrimaryKey, Schema, SqlType, Table};

/// A table present on both sides, with its columns matched.
pub(super) struct KeptTable<'a> {
    pub from: &'a Table,
    pub to: &'a Table,
    /// Matched columns, in the order of `to`.
    pub columns: Vec<(&'a Column, &'a Column)>,
}

impl KeptTable<'_> {
    /// The columns dropped and added again (see [`KeptTable::recreates`]),
    /// by their names before the diff (`before`) or after it.
    pub fn recreated_columns(&self, before: bool) -> Vec<&str> {
        self.columns
            .iter()
            .filter(|(old, new)| self.recreates(old, new))
            .map(|(old, new)| {
                if before {
                    old.name.as_str()
                } else {
                    new.name.as_str()
                }
            })
            .collect()
    }

    /// Whether the matched column is dropped and added again, its values
    /// computed again: its generation changes (no database alters a
    /// generation expression in place, nor a column into or out of being
    /// generated), or it is generated from a column whose type changes
    /// (PostgreSQL cannot change the type under it).
    pub fn recreates(&self, old: &Column, new: &Column) -> bool {
        if old.generated != new.generated {
            return true;
        }
        let Some(generated) = &new.generated else {
            return false;
        };
        self.columns
            .iter()
            .filter(|(old, new)| old.ty != new.ty)
            .any(|(_, retyped)| text_names(&generated.expression, &retyped.name))
    }

    /// Whether the primary key is another one: other columns (a renamed
    /// column is still the same column), another name or another deferral
    /// (PostgreSQL's `ALTER CONSTRAINT` does not apply to primary keys). A key that only
    /// follows a column's rename stays, which MySQL needs when that column
    /// is `AUTO_INCREMENT` (it must be in a key at all times).
    pub fn primary_key_changes(&self) -> bool {
        let renamed = self.from.primary_key.as_ref().map(|key| PrimaryKey {
            name: key.name.clone(),
            columns: key
                .columns
                .iter()
                .map(|column| {
                    self.columns
                        .iter()
                        .find(|(old, _)| old.name == *column)
                        .map_or_else(|| column.clone(), |(_, new)| new.name.clone())
                })
                .collect(),
            deferrable: key.deferrable,
        });
        renamed != self.to.primary_key
    }
}

/// The tables of both sides, sorted into kept, created and dropped.
pub(super) struct MatchedTables<'a> {
    pub kept: Vec<KeptTable<'a>>,
    pub created: Vec<&'a Table>,
    pub dropped: Vec<&'a Table>,
}

pub(super) fn match_tables<'a>(from: &'a Schema, to: &'a Schema) -> MatchedTables<'a> {
    let by_name = |schema: &'a Schema| -> BTreeMap<(Option<&'a str>, &'a str), &'a Table> {
        schema
            .tables
            .iter()
            .map(|table| (table.qualified_name(), table))
            .collect()
    };
    let from_tables = by_name(from);
    let to_tables = by_name(to);
    let mut kept = Vec::new();
    let mut created = Vec::new();
    let mut taken = BTreeSet::new();
    for (&(schema, name), &table) in &to_tables {
        let same = from_tables.get(&(schema, name));
        let renamed = || {
            let old = table.renamed_from.as_deref()?;
            if to_tables.contains_key(&(schema, old)) {
                return None;
            }
            from_tables.get(&(schema, old))
        };
        match same.or_else(renamed) {
            Some(&old) if taken.insert(old.qualified_name()) => kept.push(KeptTable {
                from: old,
                to: table,
                columns: columns::match_columns(old, table),
            }),
            _ => created.push(table),
        }
    }
    let dropped: Vec<&Table> = from_tables
        .iter()
        .filter(|(name, _)| !taken.contains(*name))
        .map(|(_, table)| *table)
        .collect();
    let mut tables = MatchedTables {
        kept,
        created,
        dropped,
    };
    partitions::adjust(&mut tables, to);
    tables
}

/// Drops the tables that go away, referencing tables first.
pub(super) fn drop(ops: &mut Vec<Op>, order: &TableOrder) {
    for table in order.tables.iter().rev() {
        ops.push(Op::DropTable {
            table: table.clone(),
        });
    }
}

/// Renames the kept tables whose name changes.
pub(super) fn rename(ops: &mut Vec<Op>, tables: &MatchedTables<'_>) {
    for pair in &tables.kept {
        if pair.from.name != pair.to.name {
            ops.push(Op::RenameTable {
                schema: pair.to.schema.clone(),
                from: pair.from.name.clone(),
                to: pair.to.name.clone(),
            });
        }
    }
}

/// Creates the new tables, referenced tables first; a `renamed_from` hint
/// that matched nothing is reported.
pub(super) fn create(
    ops: &mut Vec<Op>,
    warnings: &mut Vec<DiffWarning>,
    from: &Schema,
    order: &TableOrder,
) {
    for table in &order.tables {
        // (Into an empty database, an old hint is no news.)
        let hint = table
            .renamed_from
            .as_ref()
            .filter(|_| !from.tables.is_empty());
        if let Some(old) = hint {
            warnings.push(DiffWarning {
                kind: WarningKind::UnmatchedHint,
                op: Some(ops.len()),
                message: format!(
                    "table {} is marked `renamed_from = \"{old}\"`, but there is no table {old}: it is created empty",
                    TableName::of(table)
                ),
            });
        }
        ops.push(Op::CreateTable {
            table: without_hints(table),
        });
    }
}

/// Sets the default collation of kept tables whose collation changes, with
/// the text columns that follow it on both sides, as they are before their
/// own changes (see [`Op::SetTableCollation`]).
pub(super) fn set_collations(ops: &mut Vec<Op>, tables: &MatchedTables<'_>) {
    for pair in &tables.kept {
        if pair.from.collation == pair.to.collation {
            continue;
        }
        let columns = pair
            .columns
            .iter()
            .filter(|(old, new)| {
                old.collation.is_none() && new.collation.is_none() && holds_text(&old.ty)
            })
            .map(|(old, new)| Column {
                name: new.name.clone(),
                // Generated only once its key exists (see `columns`).
                identity: old.identity && new.identity,
                ..columns::without_hint(old)
            })
            .collect();
        ops.push(Op::SetTableCollation {
            table: TableName::of(pair.to),
            old: pair.from.collation.clone(),
            new: pair.to.collation.clone(),
            columns,
        });
    }
}

/// Whether a column of this type stores text in a collation.
fn holds_text(ty: &SqlType) -> bool {
    matches!(
        ty,
        SqlType::Text
            | SqlType::Varchar(_)
            | SqlType::VarcharUnbounded
            | SqlType::Char(_)
            | SqlType::TinyText
            | SqlType::MediumText
            | SqlType::LongText
            | SqlType::Uuid
            | SqlType::Enum { .. }
            | SqlType::Set { .. }
    )
}

/// Sets the comments of kept tables whose comment changes.
pub(super) fn set_comments(ops: &mut Vec<Op>, tables: &MatchedTables<'_>) {
    set_changed(
        ops,
        tables,
        |table| &table.comment,
        |table, old, new| Op::SetTableComment { table, old, new },
    );
}

/// Sets SQLite's `WITHOUT ROWID` and `STRICT` on kept tables whose
/// options change (a rebuild there).
pub(super) fn set_sqlite_options(ops: &mut Vec<Op>, tables: &MatchedTables<'_>) {
    set_changed(
        ops,
        tables,
        |table| &table.sqlite_options,
        |table, old, new| Op::SetSqliteTableOptions { table, old, new },
    );
}

/// Sets the MySQL engine of the kept tables whose engine changes.
pub(super) fn set_engines(ops: &mut Vec<Op>, tables: &MatchedTables<'_>) {
    set_changed(
        ops,
        tables,
        |table| &table.engine,
        |table, old, new| Op::SetTableEngine { table, old, new },
    );
}

/// For each kept table whose `property` changes, the op `set` makes from
/// the table's name and the property before and after.
fn set_changed<T: PartialEq + Clone>(
    ops: &mut Vec<Op>,
    tables: &MatchedTables<'_>,
    property: impl Fn(&Table) -> &T,
    set: impl Fn(TableName, T, T) -> Op,
) {
    for pair in &tables.kept {
        let (old, new) = (property(pair.from), property(pair.to));
        if old != new {
            ops.push(set(TableName::of(pair.to), old.clone(), new.clone()));
        }
    }
}

fn without_hints(table: &Table) -> Table {
    Table {
        renamed_from: None,
        columns: table.columns.iter().map(columns::without_hint).collect(),
        ..table.clone()
    }
}
