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
//! 0. views and triggers that go away or change are dropped, and so are
//!    the views that read a table or column the diff drops, renames or
//!    changes the type of (created again at the end);
//! 1. extensions are created (before anything uses their types, operator
//!    classes or functions); enum types, then domains, then sequences, are
//!    created or changed (before any column uses them),
//!    then functions are created or replaced (before the defaults,
//!    indexes and triggers that call them);
//! 2. foreign keys that go away, or whose columns or referenced keys change,
//!    are dropped; columns stop being generated (identity, `AUTO_INCREMENT`);
//!    then the indexes, uniques, checks and primary keys that go away are
//!    dropped; partitions that leave their parent or change bounds are
//!    detached;
//! 3. tables, then columns, are dropped (referencing tables first; a
//!    table's last column first, so the reverse adds them back in order;
//!    of a table whose columns are all replaced, the first one after the
//!    new ones are added);
//! 4. tables, then columns, are renamed (so everything after names them by
//!    their new names);
//! 5. tables are created (referenced tables first, foreign keys that would
//!    point forward added at the end), then columns added and altered,
//!    then table comments, SQLite's table options and MySQL's engines
//!    set, then partitions
//!    attached;
//! 6. primary keys, uniques, checks and indexes are added, then foreign
//!    keys, then columns start being generated (MySQL wants the key first);
//! 7. domains, sequences, then enum types, that no column uses any more
//!    are dropped;
//! 8. functions that name a table the diff creates (a `SETOF customer`
//!    result) and aggregates, then triggers, then views (a view after the
//!    views it reads), are created; functions that go away are dropped;
//! 9. extensions that go away are dropped.
//!
//! # Functions, views, triggers, domains and extensions
//!
//! They are matched by name (a trigger by its table and name; an extension
//! by its name alone, wherever its objects live) and compared
//! by definition up to spacing and letter case
//! ([`same_definition`]; a domain by its type, default, nullability and
//! checks). One the database
//! holds and the target does not declare is reported
//! ([`WarningKind::Unmanaged`]) and left alone, unless the target says
//! [`UndeclaredObjects::Drop`](crate::schema::UndeclaredObjects::Drop).
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
//! # Partitions
//!
//! A partition is created after its parent and dropped before it; its
//! columns are its parent's and are not compared. A partition key cannot
//! change in place: the table is dropped and created again with its
//! partitions, with a [`WarningKind::Rebuild`] warning. The partitions of
//! a table for which the target declares none are left alone (managed
//! elsewhere); see [`Op::SetPartitionOf`] for attaching and detaching.
//!
//! # Enums
//!
//! An enum type is known by its name across the schema. Enum ops change the
//! type itself (PostgreSQL); the columns' own [`Op::AlterColumn`] carries the
//! new values for databases whose enums are inline (MySQL's `ENUM(...)`,
//! SQLite's `CHECK`). Renderers skip what their database does not need.

mod apply;
mod checks;
mod columns;
mod domains;
mod enums;
mod extensions;
mod foreign_keys;
mod indexes;
mod keys;
pub(crate) mod objects;
mod op;
pub(crate) mod overloads;
mod partitions;
mod sequences;
mod table_order;
mod tables;
mod warnings;
mod words;

use std::fmt;

use crate::schema::Schema;

use warnings::warnings_for;

pub(crate) use apply::apply;
pub(crate) use domains::changed_checks as domain_check_changes;
pub use objects::same_definition;
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
    /// The database cannot make the change in place (a partition key that
    /// changes): the table is dropped and created again, empty, and the
    /// message says what to write instead to keep its rows.
    Rebuild,
    /// The database holds an object (function, view, trigger, ...) that
    /// the models do not declare: it is left alone, not dropped.
    Unmanaged,
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
///
/// Each kind of object has its module (`tables`, `columns`, `keys`,
/// `checks`, `indexes`, `foreign_keys`, `enums`, `domains`, `extensions`); this function only says
/// in which order their ops run.
pub fn diff(from: &Schema, to: &Schema) -> Diff {
    let mut warnings = Vec::new();
    let enum_types = enums::EnumTypes::of(from, to, &mut warnings);
    let tables = tables::match_tables(from, to);
    let references = foreign_keys::Plan::new(&tables);
    let mut ops = Vec::new();
    let extensions = extensions::plan(from, to, &mut warnings);
    let sequences = sequences::plan(from, to, &mut warnings);

    // 1. Extensions, enum types, domains, then functions (after the
    // objects step below).
    ops.extend(extensions.created);
    enums::create_or_change(&mut ops, &enum_types, &tables);
    domains::create_or_alter(&mut ops, from, to);
    ops.extend(sequences.created);
    let functions_at = ops.len();

    // 2. Foreign keys, then other keys, indexes and checks that go away.
    let disturbed = foreign_keys::drop(&mut ops, &tables, &references);
    columns::stop_generating(&mut ops, &tables);
    for pair in &tables.kept {
        indexes::drop(&mut ops, pair);
        keys::drop_uniques(&mut ops, pair);
        checks::drop(&mut ops, pair);
        keys::drop_primary_key(&mut ops, pair);
    }
    partitions::detach(&mut ops, &tables);

    // 3. Tables, then columns, dropped.
    tables::drop(&mut ops, &references.drop);
    let last_drops = columns::drop(&mut ops, &tables);

    // 4. Renames.
    tables::rename(&mut ops, &tables);
    columns::rename(&mut ops, &tables);

    // 5. Tables created, table collations set, columns added and altered,
    // comments.
    tables::create(&mut ops, &mut warnings, from, &references.create);
    tables::set_collations(&mut ops, &tables);
    columns::add_and_alter(&mut ops, &mut warnings, &tables, last_drops);
    tables::set_comments(&mut ops, &tables);
    tables::set_sqlite_options(&mut ops, &tables);
    tables::set_engines(&mut ops, &tables);
    partitions::attach(&mut ops, &tables);

    // 6. Keys, checks and indexes added, then foreign keys, then columns
    // start being generated.
    for pair in &tables.kept {
        keys::add_primary_key(&mut ops, pair);
        keys::add_uniques(&mut ops, pair);
        checks::add(&mut ops, pair);
        indexes::create(&mut ops, pair);
    }
    foreign_keys::add(&mut ops, &tables, &references, disturbed);
    columns::start_generating(&mut ops, &tables);

    // 7. Domains, then enum types, no longer used.
    domains::drop(&mut ops, &mut warnings, from, to);
    ops.extend(sequences.dropped);
    enums::drop_unused(&mut ops, &enum_types);

    // Functions, views and triggers around the table changes.
    let objects = objects::plan(from, to, &ops, &mut warnings);
    ops.splice(functions_at..functions_at, objects.functions);
    ops.splice(0..0, objects.first);
    ops.extend(objects.last);
    // 9. Extensions no longer declared, when the target drops them.
    ops.extend(extensions.dropped);

    partitions::rebuild_warnings(&ops, &tables, &mut warnings);
    let warnings = warnings_for(&ops, warnings);
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

#[cfg(test)]
mod tests;
