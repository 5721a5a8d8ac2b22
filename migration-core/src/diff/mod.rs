//! The difference between two schemas, as an ordered list of reversible ops.
//!
//! ```
//! use retort_core::diff::{diff, Op};
//! use retort_core::schema::{Column, Schema, SqlType, Table};
//!
//! let before = Schema::new(vec![Table::new("users")
//!     .column(Column::new("id", SqlType::BigInt))
//!     .column(Column::new("name", SqlType::Text))]);
//! let after = Schema::new(vec![Table::new("users")
//!     .column(Column::new("id", SqlType::BigInt))
//!     .column(Column::new("full_name", SqlType::Text).renamed_from("name"))]);
//!
//! let up = diff(&before, &after);
//! assert!(matches!(&up.ops()[0], Op::RenameColumn { from, to, .. } if from == "name" && to == "full_name"));
//! assert!(up.warnings().is_empty());
//! assert!(diff(&after, &after).is_empty());
//! assert_eq!(up.reverse().reverse().ops(), up.ops());
//! ```
//!
//! # Order
//!
//! The ops run safely in the order given:
//!
//! 1. enum types are created or changed (before any column uses them);
//! 2. foreign keys that go away, or whose columns or referenced keys change,
//!    are dropped; columns stop being generated (identity, `AUTO_INCREMENT`);
//!    then the indexes, uniques, checks and primary keys that go away are
//!    dropped;
//! 3. tables, then columns, are dropped (referencing tables first; a
//!    table's last column first, so the reverse adds them back in order;
//!    of a table whose columns are all replaced, the first one after the
//!    new ones are added);
//! 4. tables, then columns, are renamed (so everything after names them by
//!    their new names);
//! 5. tables are created (referenced tables first, foreign keys that would
//!    point forward added at the end), then columns added and altered,
//!    then table comments set;
//! 6. primary keys, uniques, checks and indexes are added, then foreign
//!    keys, then columns start being generated (MySQL wants the key first);
//! 7. enum types no column uses any more are dropped.
//!
//! The reverse runs the reverse of each op in the reverse order, so it is as
//! safe as the diff itself.
//!
//! # Renames
//!
//! Renames come only from `renamed_from` hints on tables and columns. A
//! column dropped and another of the same type added to the same table is
//! kept as a drop and an add, and reported by [`Diff::warnings`] with the hint
//! that would make it a rename.
//!
//! # Enums
//!
//! An enum type is known by its name across the schema. Enum ops change the
//! type itself (PostgreSQL); the columns' own [`Op::AlterColumn`] carries the
//! new values for databases whose enums are inline (MySQL's `ENUM(...)`,
//! SQLite's `CHECK`). Renderers skip what their database does not need.

mod apply;
mod op;
mod order;
mod words;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::schema::{Column, ForeignKey, IndexPart, PrimaryKey, Schema, SqlType, Table};

pub(crate) use apply::apply;
pub use op::{ColumnChanges, EnumColumn, Op, TableName};

/// What a diff warns about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WarningKind {
    /// The op may lose data, or fail on a table that has rows.
    Destructive,
    /// A drop and an add look like a rename that has no `renamed_from`
    /// hint: as written, the values are lost.
    PossibleRename,
    /// The schema describes the same enum type with different values.
    ConflictingEnum,
    /// A `renamed_from` hint names a table or column that does not exist,
    /// so the new one is created empty.
    UnmatchedHint,
}

/// A warning about a diff, for the revision file and for `check`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffWarning {
    /// What kind of warning this is.
    pub kind: WarningKind,
    /// The index in [`Diff::ops`] of the op it is about.
    pub op: Option<usize>,
    /// The warning, for people.
    pub message: String,
}

impl fmt::Display for DiffWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The ordered, reversible ops that turn one schema into another; see the
/// [module documentation](self) for their order.
#[derive(Clone)]
pub struct Diff {
    ops: Vec<Op>,
    warnings: Vec<DiffWarning>,
    /// The schema the ops start from (renderers that rebuild whole tables
    /// read the tables from here and from `to`); empty when there is no op.
    pub(crate) from: Schema,
    pub(crate) to: Schema,
}

impl fmt::Debug for Diff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Diff")
            .field("ops", &self.ops)
            .field("warnings", &self.warnings)
            .finish_non_exhaustive()
    }
}

impl Diff {
    /// Whether the two schemas are the same: no op to run.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The ops, in the order they must run.
    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// Destructive ops and drop+add pairs that look like renames, in op
    /// order. Autogenerate writes one `-- retort:warning` line per warning.
    pub fn warnings(&self) -> &[DiffWarning] {
        &self.warnings
    }

    /// Whether any op may lose data or fail on a table that has rows.
    pub fn is_destructive(&self) -> bool {
        self.ops.iter().any(|op| op.destructive().is_some())
    }

    /// This diff with `first` run before its ops and `last` after them:
    /// what a renderer adds that only its database needs.
    pub(crate) fn wrapped(&self, first: Vec<Op>, last: Vec<Op>) -> Diff {
        let shift = first.len();
        let mut ops = first;
        ops.extend(self.ops.iter().cloned());
        ops.extend(last);
        let warnings = self
            .warnings
            .iter()
            .map(|warning| DiffWarning {
                op: warning.op.map(|at| at + shift),
                ..warning.clone()
            })
            .collect();
        Diff {
            ops,
            warnings,
            from: self.from.clone(),
            to: self.to.clone(),
        }
    }

    /// The diff that undoes this one: the down migration.
    pub fn reverse(&self) -> Diff {
        let ops: Vec<Op> = self.ops.iter().rev().map(Op::reverse).collect();
        let warnings = warnings_for(&ops, Vec::new());
        Diff {
            ops,
            warnings,
            from: self.to.clone(),
            to: self.from.clone(),
        }
    }
}

/// The ops that turn `from` into `to`; see the [module documentation](self).
pub fn diff(from: &Schema, to: &Schema) -> Diff {
    let mut conflicts = Vec::new();
    let from_enums = enums_of(from, &mut conflicts);
    let to_enums = enums_of(to, &mut conflicts);
    let tables = match_tables(from, to);
    let mut ops = Vec::new();

    // 1. Enum types.
    for (name, values) in &to_enums {
        match from_enums.get(name) {
            None => ops.push(Op::CreateEnum {
                name: name.clone(),
                values: values.clone(),
            }),
            Some(old) if old != values => ops.push(op::enum_values_op(
                name.clone(),
                old.clone(),
                values.clone(),
                enum_columns(&tables, name),
            )),
            Some(_) => {}
        }
    }

    let unstable = unstable_key_tables(&tables);
    let key_changes = key_changes(&tables);
    let create_plan = order::plan(&tables.created, &unstable);
    let drop_plan = order::plan(&tables.dropped, &unstable);

    // 2. Foreign keys, then other keys, indexes and checks that go away.
    let mut disturbed_adds: Vec<(TableName, ForeignKey)> = Vec::new();
    for (table, foreign_key) in drop_plan.deferred.iter().rev() {
        ops.push(Op::DropForeignKey {
            table: table.clone(),
            foreign_key: foreign_key.clone(),
        });
    }
    for pair in &tables.kept {
        let name = TableName::of(pair.from);
        for foreign_key in removed(&pair.from.foreign_keys, &pair.to.foreign_keys) {
            ops.push(Op::DropForeignKey {
                table: name.clone(),
                foreign_key: foreign_key.clone(),
            });
        }
        for foreign_key in disturbed_foreign_keys(pair, &key_changes) {
            ops.push(Op::DropForeignKey {
                table: name.clone(),
                foreign_key: foreign_key.clone(),
            });
            disturbed_adds.push((TableName::of(pair.to), foreign_key.clone()));
        }
    }
    // A column stops being generated before its key goes (MySQL keeps an
    // AUTO_INCREMENT column in a key), and starts after its key exists.
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
    for pair in &tables.kept {
        let name = TableName::of(pair.from);
        for index in removed(&pair.from.indexes, &pair.to.indexes) {
            ops.push(Op::DropIndex {
                table: name.clone(),
                index: index.clone(),
            });
        }
        for unique in removed(&pair.from.uniques, &pair.to.uniques) {
            ops.push(Op::DropUnique {
                table: name.clone(),
                unique: unique.clone(),
            });
        }
        for check in removed(&pair.from.checks, &pair.to.checks) {
            ops.push(Op::DropCheck {
                table: name.clone(),
                check: check.clone(),
            });
        }
        if pair.primary_key_changes() {
            if let Some(primary_key) = &pair.from.primary_key {
                ops.push(Op::DropPrimaryKey {
                    table: name.clone(),
                    primary_key: primary_key.clone(),
                });
            }
        }
    }

    // 3. Tables, then columns, dropped.
    for table in drop_plan.tables.iter().rev() {
        ops.push(Op::DropTable {
            table: table.clone(),
        });
    }
    // Last column first, so that the reverse adds them back in their order.
    // A table whose columns are all replaced keeps its first one until the
    // new ones are added: MySQL cannot drop a table's last column.
    let mut last_drops: Vec<Option<Column>> = Vec::with_capacity(tables.kept.len());
    for pair in &tables.kept {
        let replaced = pair.columns.is_empty() && !pair.to.columns.is_empty();
        let mut last = None;
        for (at, column) in pair.from.columns.iter().enumerate().rev() {
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

    // 4. Renames.
    for pair in &tables.kept {
        if pair.from.name != pair.to.name {
            ops.push(Op::RenameTable {
                schema: pair.to.schema.clone(),
                from: pair.from.name.clone(),
                to: pair.to.name.clone(),
            });
        }
    }
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

    // 5. Tables created, columns added and altered, comments.
    for table in &create_plan.tables {
        // (Into an empty database, an old hint is no news.)
        let hint = table
            .renamed_from
            .as_ref()
            .filter(|_| !from.tables.is_empty());
        if let Some(old) = hint {
            conflicts.push(DiffWarning {
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
    for (at, pair) in tables.kept.iter().enumerate() {
        let name = TableName::of(pair.to);
        for column in &pair.to.columns {
            if !pair.columns.iter().any(|(_, new)| new.name == column.name) {
                if let Some(old) = &column.renamed_from {
                    conflicts.push(DiffWarning {
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
        for (old, new) in &pair.columns {
            // (Identity changes are not this op's; see below.)
            let changes = ColumnChanges {
                identity: false,
                ..ColumnChanges::between(old, new)
            };
            if changes.is_empty() {
                continue;
            }
            let mut old = without_hint(old);
            old.name.clone_from(&new.name);
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
    }
    for pair in &tables.kept {
        if pair.from.comment != pair.to.comment {
            ops.push(Op::SetTableComment {
                table: TableName::of(pair.to),
                old: pair.from.comment.clone(),
                new: pair.to.comment.clone(),
            });
        }
    }

    // 6. Keys, checks and indexes added, then foreign keys.
    for pair in &tables.kept {
        let name = TableName::of(pair.to);
        if pair.primary_key_changes() {
            if let Some(primary_key) = &pair.to.primary_key {
                ops.push(Op::AddPrimaryKey {
                    table: name.clone(),
                    primary_key: primary_key.clone(),
                });
            }
        }
        for unique in removed(&pair.to.uniques, &pair.from.uniques) {
            ops.push(Op::AddUnique {
                table: name.clone(),
                unique: unique.clone(),
            });
        }
        for check in removed(&pair.to.checks, &pair.from.checks) {
            ops.push(Op::AddCheck {
                table: name.clone(),
                check: check.clone(),
            });
        }
        for index in removed(&pair.to.indexes, &pair.from.indexes) {
            ops.push(Op::CreateIndex {
                table: name.clone(),
                index: index.clone(),
            });
        }
    }
    for pair in &tables.kept {
        let name = TableName::of(pair.to);
        for foreign_key in removed(&pair.to.foreign_keys, &pair.from.foreign_keys) {
            ops.push(Op::AddForeignKey {
                table: name.clone(),
                foreign_key: foreign_key.clone(),
            });
        }
    }
    for (name, foreign_key) in &disturbed_adds {
        ops.push(Op::AddForeignKey {
            table: name.clone(),
            foreign_key: foreign_key.clone(),
        });
    }
    for (table, foreign_key) in &create_plan.deferred {
        ops.push(Op::AddForeignKey {
            table: table.clone(),
            foreign_key: foreign_key.clone(),
        });
    }
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

    // 7. Enum types no longer used.
    for (name, values) in &from_enums {
        if !to_enums.contains_key(name) {
            ops.push(Op::DropEnum {
                name: name.clone(),
                values: values.clone(),
            });
        }
    }

    let warnings = warnings_for(&ops, conflicts);
    // Renderers read the schemas only to render ops: with none, the
    // schemas (thousands of tables, for an application that is up to date)
    // are not copied.
    let (from, to) = if ops.is_empty() {
        (Schema::default(), Schema::default())
    } else {
        (from.clone(), to.clone())
    };
    Diff {
        ops,
        warnings,
        from,
        to,
    }
}

/// A table present on both sides, with its columns matched.
struct KeptTable<'a> {
    from: &'a Table,
    to: &'a Table,
    /// Matched columns, in the order of `to`.
    columns: Vec<(&'a Column, &'a Column)>,
}

impl KeptTable<'_> {
    /// Whether the primary key is another one: other columns (a renamed
    /// column is still the same column) or another name. A key that only
    /// follows a column's rename stays, which MySQL needs when that column
    /// is `AUTO_INCREMENT` (it must be in a key at all times).
    fn primary_key_changes(&self) -> bool {
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
        });
        renamed != self.to.primary_key
    }
}

struct MatchedTables<'a> {
    kept: Vec<KeptTable<'a>>,
    created: Vec<&'a Table>,
    dropped: Vec<&'a Table>,
}

fn match_tables<'a>(from: &'a Schema, to: &'a Schema) -> MatchedTables<'a> {
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
                columns: match_columns(old, table),
            }),
            _ => created.push(table),
        }
    }
    let dropped: Vec<&Table> = from_tables
        .iter()
        .filter(|(name, _)| !taken.contains(*name))
        .map(|(_, table)| *table)
        .collect();
    MatchedTables {
        kept,
        created,
        dropped,
    }
}

fn match_columns<'a>(from: &'a Table, to: &'a Table) -> Vec<(&'a Column, &'a Column)> {
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

/// Tables (by their names on either side) whose primary key, uniques or
/// unique indexes change, or whose columns change type: the foreign keys
/// that tables created or dropped by the diff have onto them are added
/// after the table's new keys, and dropped before its old keys go.
fn unstable_key_tables(tables: &MatchedTables<'_>) -> BTreeSet<TableName> {
    let mut unstable = BTreeSet::new();
    for pair in &tables.kept {
        let keys_change = pair.primary_key_changes()
            || !removed(&pair.from.uniques, &pair.to.uniques).is_empty()
            || !removed(&pair.to.uniques, &pair.from.uniques).is_empty()
            || unique_indexes(pair.from) != unique_indexes(pair.to)
            || pair.columns.iter().any(|(old, new)| old.ty != new.ty);
        if keys_change {
            unstable.insert(TableName::of(pair.from));
            unstable.insert(TableName::of(pair.to));
        }
    }
    unstable
}

fn unique_indexes(table: &Table) -> Vec<&crate::schema::Index> {
    let mut indexes: Vec<_> = table.indexes.iter().filter(|index| index.unique).collect();
    indexes.sort_by(|a, b| a.name.cmp(&b.name));
    indexes
}

/// What changes under the foreign keys that point at one kept table.
#[derive(Default)]
struct KeyChanges<'a> {
    /// The column sets of its keys (primary key, uniques, unique indexes)
    /// that go away or change: a foreign key relies on the key on exactly
    /// its referenced columns, and PostgreSQL and MySQL refuse to drop that
    /// key while the foreign key exists.
    going: Vec<Vec<&'a str>>,
    /// Its columns (by their old names) whose type changes: the foreign
    /// keys on them must be declared again for the new type.
    retyped: Vec<&'a str>,
}

impl KeyChanges<'_> {
    /// Whether a foreign key onto these columns must be dropped first and
    /// added again last.
    fn disturb(&self, referenced_columns: &[String]) -> bool {
        let mut columns: Vec<&str> = referenced_columns.iter().map(String::as_str).collect();
        columns.sort_unstable();
        self.going.contains(&columns)
            || referenced_columns
                .iter()
                .any(|column| self.retyped.contains(&column.as_str()))
    }
}

/// For each kept table (by its names on either side), what changes under
/// the foreign keys that point at it. Keys only added change nothing under
/// them.
fn key_changes<'a>(tables: &MatchedTables<'a>) -> BTreeMap<TableName, KeyChanges<'a>> {
    let sorted = |mut columns: Vec<&'a str>| {
        columns.sort_unstable();
        columns
    };
    let mut changes = BTreeMap::new();
    for pair in &tables.kept {
        let mut going = Vec::new();
        if pair.primary_key_changes() {
            if let Some(key) = &pair.from.primary_key {
                going.push(sorted(key.columns.iter().map(String::as_str).collect()));
            }
        }
        for unique in removed(&pair.from.uniques, &pair.to.uniques) {
            going.push(sorted(unique.columns.iter().map(String::as_str).collect()));
        }
        let (from_indexes, to_indexes) = (unique_indexes(pair.from), unique_indexes(pair.to));
        for index in removed(&from_indexes, &to_indexes) {
            let columns = index.parts.iter().filter_map(|part| match part {
                IndexPart::Column(column) => Some(column.as_str()),
                IndexPart::Expression(_) => None,
            });
            going.push(sorted(columns.collect()));
        }
        let retyped: Vec<&str> = pair
            .columns
            .iter()
            .filter(|(old, new)| old.ty != new.ty)
            .map(|(old, _)| old.name.as_str())
            .collect();
        if going.is_empty() && retyped.is_empty() {
            continue;
        }
        let changed = KeyChanges { going, retyped };
        if TableName::of(pair.to) != TableName::of(pair.from) {
            changes.insert(
                TableName::of(pair.to),
                KeyChanges {
                    going: changed.going.clone(),
                    retyped: changed.retyped.clone(),
                },
            );
        }
        changes.insert(TableName::of(pair.from), changed);
    }
    changes
}

/// Foreign keys of a kept table that stay as they are but must be dropped
/// and added again: the key they rely on goes away or changes, or their
/// own or referenced columns change type. A key added to the referenced
/// table disturbs nothing. (MySQL also needs this around an index on the
/// key's own columns that goes away; its renderer adds that. SQLite
/// renders a key dropped and added again unchanged as nothing.)
fn disturbed_foreign_keys<'a>(
    pair: &KeptTable<'a>,
    changes: &BTreeMap<TableName, KeyChanges<'_>>,
) -> Vec<&'a ForeignKey> {
    let retyped: Vec<&str> = pair
        .columns
        .iter()
        .filter(|(old, new)| old.ty != new.ty)
        .map(|(old, _)| old.name.as_str())
        .collect();
    pair.from
        .foreign_keys
        .iter()
        .filter(|foreign_key| pair.to.foreign_keys.contains(foreign_key))
        .filter(|foreign_key| {
            let target = TableName {
                schema: foreign_key.referenced_schema.clone(),
                name: foreign_key.referenced_table.clone(),
            };
            changes
                .get(&target)
                .is_some_and(|changes| changes.disturb(&foreign_key.referenced_columns))
                || foreign_key
                    .columns
                    .iter()
                    .any(|column| retyped.contains(&column.as_str()))
        })
        .collect()
}

/// The elements of `old` that `new` does not have, as multisets.
pub(crate) fn removed<'a, T: PartialEq>(old: &'a [T], new: &[T]) -> Vec<&'a T> {
    let mut unmatched: Vec<&T> = new.iter().collect();
    old.iter()
        .filter(
            |item| match unmatched.iter().position(|other| other == item) {
                Some(at) => {
                    unmatched.swap_remove(at);
                    false
                }
                None => true,
            },
        )
        .collect()
}

fn without_hints(table: &Table) -> Table {
    Table {
        renamed_from: None,
        columns: table.columns.iter().map(without_hint).collect(),
        ..table.clone()
    }
}

fn without_hint(column: &Column) -> Column {
    Column {
        renamed_from: None,
        ..column.clone()
    }
}

/// Every enum type the schema's columns use, by name; a second, different
/// definition of the same name is reported and ignored.
fn enums_of(schema: &Schema, conflicts: &mut Vec<DiffWarning>) -> BTreeMap<String, Vec<String>> {
    let mut enums: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for table in &schema.tables {
        for column in &table.columns {
            if let SqlType::Enum { name, values } = &column.ty {
                match enums.get(name) {
                    Some(known) if known != values => conflicts.push(DiffWarning {
                        kind: WarningKind::ConflictingEnum,
                        op: None,
                        message: format!(
                            "column {}.{} declares enum {name} with values {values:?}, but another column declares it with {known:?}: give the two enums different names",
                            table.name, column.name
                        ),
                    }),
                    Some(_) => {}
                    None => {
                        enums.insert(name.clone(), values.clone());
                    }
                }
            }
        }
    }
    enums
}

/// The columns of the `from` side whose type is the enum `name`, with their
/// default after the diff when they keep that type.
fn enum_columns(tables: &MatchedTables<'_>, name: &str) -> Vec<EnumColumn> {
    let uses =
        |column: &Column| matches!(&column.ty, SqlType::Enum { name: used, .. } if used == name);
    let mut columns = Vec::new();
    let from_tables = tables
        .kept
        .iter()
        .map(|pair| (pair.from, Some(pair)))
        .chain(tables.dropped.iter().map(|table| (*table, None)));
    for (table, pair) in from_tables {
        for column in table.columns.iter().filter(|column| uses(column)) {
            let kept = pair.and_then(|pair| {
                pair.columns
                    .iter()
                    .find(|(old, new)| old.name == column.name && uses(new))
                    .map(|(_, new)| *new)
            });
            columns.push(EnumColumn {
                table: TableName::of(table),
                column: column.name.clone(),
                default: column.default.clone(),
                new_default: kept.and_then(|new| new.default.clone()),
            });
        }
    }
    columns.sort_by(|a, b| (&a.table, &a.column).cmp(&(&b.table, &b.column)));
    columns
}

/// Destructive ops and drop+add pairs that look like renames.
fn warnings_for(ops: &[Op], mut warnings: Vec<DiffWarning>) -> Vec<DiffWarning> {
    for (at, op) in ops.iter().enumerate() {
        if let Some(message) = op.destructive() {
            warnings.push(DiffWarning {
                kind: WarningKind::Destructive,
                op: Some(at),
                message,
            });
        }
    }
    // Drops run before the renames and adds after them, in both directions:
    // follow each dropped column's table through the renames.
    let mut renames: BTreeMap<TableName, TableName> = BTreeMap::new();
    for op in ops {
        if let Op::RenameTable { schema, from, to } = op {
            let from = TableName {
                schema: schema.clone(),
                name: from.clone(),
            };
            let to = TableName {
                schema: schema.clone(),
                name: to.clone(),
            };
            let start = renames
                .iter()
                .find(|(_, now)| **now == from)
                .map(|(start, _)| start.clone())
                .unwrap_or(from);
            renames.insert(start, to);
        }
    }
    let renamed = |table: &TableName| renames.get(table).unwrap_or(table).clone();
    let dropped_columns: BTreeMap<TableName, Vec<&Column>> =
        ops.iter().fold(BTreeMap::new(), |mut dropped, op| {
            if let Op::DropColumn { table, column } = op {
                dropped
                    .entry(renamed(table))
                    .or_insert_with(Vec::new)
                    .push(column);
            }
            dropped
        });
    let dropped_tables: Vec<&Table> = ops
        .iter()
        .filter_map(|op| match op {
            Op::DropTable { table } => Some(table),
            _ => None,
        })
        .collect();
    for (at, op) in ops.iter().enumerate() {
        match op {
            Op::AddColumn { table, column } => {
                let lookalike = dropped_columns
                    .get(table)
                    .and_then(|dropped| dropped.iter().find(|dropped| dropped.ty == column.ty));
                if let Some(dropped) = lookalike {
                    warnings.push(DiffWarning {
                        kind: WarningKind::PossibleRename,
                        op: Some(at),
                        message: format!(
                            "column {table}.{} is dropped and {table}.{} added with the same type: if this is a rename, mark the field `#[model(renamed_from = \"{}\")]` to keep its values",
                            dropped.name, column.name, dropped.name
                        ),
                    });
                }
            }
            Op::CreateTable { table } => {
                let shape = |table: &Table| -> Vec<(String, SqlType)> {
                    table
                        .columns
                        .iter()
                        .map(|column| (column.name.clone(), column.ty.clone()))
                        .collect()
                };
                let lookalike = dropped_tables.iter().find(|dropped| {
                    !table.columns.is_empty()
                        && dropped.schema == table.schema
                        && dropped.columns.len() == table.columns.len()
                        && shape(dropped) == shape(table)
                });
                if let Some(dropped) = lookalike {
                    warnings.push(DiffWarning {
                        kind: WarningKind::PossibleRename,
                        op: Some(at),
                        message: format!(
                            "table {} is dropped and {} created with the same columns: if this is a rename, mark the model `#[model(renamed_from = \"{}\")]` to keep its rows",
                            TableName::of(dropped), TableName::of(table), dropped.name
                        ),
                    });
                }
            }
            _ => {}
        }
    }
    warnings.sort_by_key(|warning| warning.op);
    warnings
}

#[cfg(test)]
mod tests;
