//! The operations a diff is made of, each reversible.

use serde::{Deserialize, Serialize};

use crate::schema::{
    CheckConstraint, Column, Domain, ExclusionConstraint, Extension, ForeignKey, Function, Index,
    PartitionOf, PrimaryKey, Sequence, SqlType, SqliteTableOptions, Table, Trigger,
    UniqueConstraint, View,
};

/// A table's name as it is when an op runs: ops before the renames of a diff
/// name tables as they were, ops after them as they will be.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TableName {
    /// The namespace (PostgreSQL schema, MySQL database), if not the default.
    pub schema: Option<String>,
    /// The table's name.
    pub name: String,
}

impl TableName {
    /// The name of this table.
    pub fn of(table: &Table) -> Self {
        TableName {
            schema: table.schema.clone(),
            name: table.name.clone(),
        }
    }
}

impl std::fmt::Display for TableName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.schema {
            Some(schema) => write!(f, "{schema}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// A column whose type is an enumeration, as it is when an enum op runs:
/// PostgreSQL converts each of them when an enum's values are replaced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumColumn {
    /// The table holding the column.
    pub table: TableName,
    /// The column's name.
    pub column: String,
    /// The column's default before the op: dropped around the conversion.
    pub default: Option<String>,
    /// The column's default after the op. Enum ops set it themselves: a
    /// default that names a new value only becomes valid with the type.
    pub new_default: Option<String>,
}

impl EnumColumn {
    fn reverse(self) -> EnumColumn {
        EnumColumn {
            default: self.new_default,
            new_default: self.default,
            ..self
        }
    }
}

/// One change to a database's schema, carrying what its reverse needs.
///
/// Table names are as they are when the op runs (see [`TableName`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
// `AlterColumn` carries two whole columns, the others less: a diff holds a
// few ops, built once, and boxing the columns would change every `match` on
// the public variant.
#[allow(clippy::large_enum_variant)]
pub enum Op {
    /// Creates an enumeration type (PostgreSQL's `CREATE TYPE ... AS ENUM`;
    /// nothing on databases whose enums are inline).
    CreateEnum {
        /// The type's name.
        name: String,
        /// Its values, in order.
        values: Vec<String>,
    },
    /// Drops an enumeration type no column uses any more.
    DropEnum {
        /// The type's name.
        name: String,
        /// Its values, for the reverse.
        values: Vec<String>,
    },
    /// Adds values to an enumeration, keeping the old ones in their order
    /// (PostgreSQL's `ALTER TYPE ... ADD VALUE`).
    AddEnumValues {
        /// The type's name.
        name: String,
        /// The values before.
        old_values: Vec<String>,
        /// The values after: `old_values` with some inserted.
        new_values: Vec<String>,
        /// The columns of that type when the op runs.
        columns: Vec<EnumColumn>,
    },
    /// Replaces an enumeration's values (some removed or reordered): rows
    /// holding a removed value make the migration fail.
    ReplaceEnumValues {
        /// The type's name.
        name: String,
        /// The values before.
        old_values: Vec<String>,
        /// The values after.
        new_values: Vec<String>,
        /// The columns of that type when the op runs.
        columns: Vec<EnumColumn>,
    },
    /// Creates an extension (PostgreSQL's `CREATE EXTENSION IF NOT
    /// EXISTS`), before anything that may use it.
    CreateExtension {
        /// The extension as created.
        extension: Extension,
    },
    /// Drops an extension (`DROP EXTENSION`, which the database refuses
    /// while any object uses it), after everything else.
    DropExtension {
        /// The extension as it was, for the reverse.
        extension: Extension,
    },
    /// Creates a sequence no column owns (PostgreSQL's `CREATE SEQUENCE`).
    CreateSequence {
        /// The sequence as created.
        sequence: Sequence,
    },
    /// Drops a sequence no column owns.
    DropSequence {
        /// The sequence as it was, for the reverse.
        sequence: Sequence,
    },
    /// Changes a sequence's start or increment in place (`ALTER SEQUENCE`).
    AlterSequence {
        /// The sequence before.
        old: Sequence,
        /// The sequence after (same name).
        new: Sequence,
    },
    /// Creates a domain (PostgreSQL's `CREATE DOMAIN`) with its default,
    /// `NOT NULL` and checks.
    CreateDomain {
        /// The domain as created.
        domain: Domain,
    },
    /// Drops a domain no column uses any more.
    DropDomain {
        /// The domain as it was, for the reverse.
        domain: Domain,
    },
    /// Changes a domain's default, `NOT NULL` or checks in place
    /// (`ALTER DOMAIN`); a new base type cannot be, and is refused when
    /// rendered.
    AlterDomain {
        /// The domain before.
        old: Domain,
        /// The domain after (same name).
        new: Domain,
    },
    /// Creates a table with its primary key, uniques, checks, indexes,
    /// comments and the foreign keys that can be declared with it.
    CreateTable {
        /// The table as created.
        table: Table,
    },
    /// Drops a table and every row in it.
    DropTable {
        /// The table as it was, for the reverse.
        table: Table,
    },
    /// Renames a table (from a `renamed_from` hint).
    RenameTable {
        /// The namespace of both names.
        schema: Option<String>,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// Adds a column.
    AddColumn {
        /// The table.
        table: TableName,
        /// The new column.
        column: Column,
    },
    /// Drops a column and its values.
    DropColumn {
        /// The table.
        table: TableName,
        /// The column as it was, for the reverse.
        column: Column,
    },
    /// Renames a column (from a `renamed_from` hint), keeping its values.
    RenameColumn {
        /// The table.
        table: TableName,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// Changes a column's type, nullability, default, identity, comment,
    /// collation or `ON UPDATE` expression;
    /// [`Op::column_changes`] says which.
    AlterColumn {
        /// The table.
        table: TableName,
        /// The column before.
        old: Column,
        /// The column after (same name).
        new: Column,
    },
    /// Makes a generated column plain, keeping the values the database
    /// computed (PostgreSQL's `DROP EXPRESSION`; MySQL's `MODIFY COLUMN`
    /// of a stored column, a copy through a new column for a virtual one;
    /// a rebuild copying them on SQLite), or, reversed, a plain column
    /// generated, its values computed again (dropped and added).
    SetColumnGeneration {
        /// The table.
        table: TableName,
        /// The column before.
        old: Column,
        /// The column after: the same but for `generated`.
        new: Column,
    },
    /// Sets or removes a table's comment.
    SetTableComment {
        /// The table.
        table: TableName,
        /// The comment before.
        old: Option<String>,
        /// The comment after.
        new: Option<String>,
    },
    /// Sets or removes a table's default collation (MySQL), re-declaring
    /// the columns that follow it so they take the new one: MySQL changes
    /// only the default for columns declared later.
    SetTableCollation {
        /// The table.
        table: TableName,
        /// The collation before (`None`: the database's default).
        old: Option<String>,
        /// The collation after.
        new: Option<String>,
        /// The text columns without a collation of their own, as they are
        /// when the op runs.
        columns: Vec<Column>,
    },
    /// Sets a table's MySQL storage engine (`ALTER TABLE .. ENGINE = ..`,
    /// which copies the table); nothing on the databases that have none.
    SetTableEngine {
        /// The table.
        table: TableName,
        /// The engine before (`None`: `InnoDB`).
        old: Option<String>,
        /// The engine after (`None`: `InnoDB`).
        new: Option<String>,
    },
    /// Sets or clears SQLite's `WITHOUT ROWID` and `STRICT` on a table: a
    /// rebuild of the table on SQLite, keeping its rows; nothing on the
    /// databases that have no such options.
    SetSqliteTableOptions {
        /// The table.
        table: TableName,
        /// The options before.
        old: SqliteTableOptions,
        /// The options after.
        new: SqliteTableOptions,
    },
    /// Creates an index.
    CreateIndex {
        /// The table.
        table: TableName,
        /// The index.
        index: Index,
    },
    /// Drops an index.
    DropIndex {
        /// The table.
        table: TableName,
        /// The index as it was.
        index: Index,
    },
    /// Adds a primary key.
    AddPrimaryKey {
        /// The table.
        table: TableName,
        /// The key.
        primary_key: PrimaryKey,
    },
    /// Drops a primary key.
    DropPrimaryKey {
        /// The table.
        table: TableName,
        /// The key as it was.
        primary_key: PrimaryKey,
    },
    /// Adds a unique constraint.
    AddUnique {
        /// The table.
        table: TableName,
        /// The constraint.
        unique: UniqueConstraint,
    },
    /// Drops a unique constraint.
    DropUnique {
        /// The table.
        table: TableName,
        /// The constraint as it was.
        unique: UniqueConstraint,
    },
    /// Adds a foreign key.
    AddForeignKey {
        /// The referencing table.
        table: TableName,
        /// The key.
        foreign_key: ForeignKey,
    },
    /// Drops a foreign key.
    DropForeignKey {
        /// The referencing table.
        table: TableName,
        /// The key as it was.
        foreign_key: ForeignKey,
    },
    /// Changes when a foreign key is checked (its
    /// [`deferrable`](ForeignKey::deferrable)), the rest of it the same: in
    /// place on PostgreSQL (`ALTER CONSTRAINT`), by the table's rebuild on
    /// SQLite. Only for a key with a name.
    SetForeignKeyDeferral {
        /// The referencing table.
        table: TableName,
        /// The key as it was.
        old: ForeignKey,
        /// The key as it becomes.
        new: ForeignKey,
    },
    /// Adds a check constraint.
    AddCheck {
        /// The table.
        table: TableName,
        /// The constraint.
        check: CheckConstraint,
    },
    /// Drops a check constraint.
    DropCheck {
        /// The table.
        table: TableName,
        /// The constraint as it was.
        check: CheckConstraint,
    },
    /// Adds an exclusion constraint (PostgreSQL).
    AddExclusion {
        /// The table.
        table: TableName,
        /// The constraint.
        exclusion: ExclusionConstraint,
    },
    /// Drops an exclusion constraint.
    DropExclusion {
        /// The table.
        table: TableName,
        /// The constraint as it was.
        exclusion: ExclusionConstraint,
    },
    /// Detaches a partition from its parent (`old`), attaches a table to a
    /// partitioned parent (`new`), or both, keeping the rows (PostgreSQL's
    /// `ALTER TABLE parent DETACH PARTITION` / `ATTACH PARTITION`).
    SetPartitionOf {
        /// The partition.
        table: TableName,
        /// Its parent and bounds before.
        old: Option<PartitionOf>,
        /// Its parent and bounds after.
        new: Option<PartitionOf>,
    },
    /// Creates a function or procedure from its definition.
    CreateFunction {
        /// The function.
        function: Function,
    },
    /// Drops a function or procedure.
    DropFunction {
        /// The function as it was, for the reverse.
        function: Function,
    },
    /// Replaces a function's definition (`CREATE OR REPLACE` where the
    /// database has it).
    ReplaceFunction {
        /// The function before.
        old: Function,
        /// The function after (same name).
        new: Function,
    },
    /// Creates a view. A changed view, or one that reads a column that
    /// changes, is dropped and created again around the change.
    CreateView {
        /// The view.
        view: View,
    },
    /// Drops a view.
    DropView {
        /// The view as it was, for the reverse.
        view: View,
    },
    /// Creates a trigger.
    CreateTrigger {
        /// The trigger.
        trigger: Trigger,
    },
    /// Drops a trigger.
    DropTrigger {
        /// The trigger as it was, for the reverse.
        trigger: Trigger,
    },
}

/// What an [`Op::AlterColumn`] changes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ColumnChanges {
    /// The type changes.
    pub ty: bool,
    /// `NULL` becomes allowed or refused.
    pub nullability: bool,
    /// The default changes.
    pub default: bool,
    /// The column becomes, or stops being, generated by the database.
    pub identity: bool,
    /// The comment changes.
    pub comment: bool,
    /// The collation changes.
    pub collation: bool,
    /// The `ON UPDATE` expression changes.
    pub on_update: bool,
}

impl ColumnChanges {
    /// What differs between two versions of a column.
    pub fn between(old: &Column, new: &Column) -> Self {
        ColumnChanges {
            ty: old.ty != new.ty,
            nullability: old.nullable != new.nullable,
            default: old.default != new.default,
            identity: old.identity != new.identity,
            comment: old.comment != new.comment,
            collation: old.collation != new.collation,
            on_update: old.on_update != new.on_update,
        }
    }

    /// Whether nothing changes.
    pub fn is_empty(self) -> bool {
        self == ColumnChanges::default()
    }
}

impl Op {
    /// The op that undoes this one.
    pub fn reverse(&self) -> Op {
        match self.clone() {
            Op::CreateEnum { name, values } => Op::DropEnum { name, values },
            Op::DropEnum { name, values } => Op::CreateEnum { name, values },
            Op::AddEnumValues {
                name,
                old_values,
                new_values,
                columns,
            }
            | Op::ReplaceEnumValues {
                name,
                old_values,
                new_values,
                columns,
            } => enum_values_op(
                name,
                new_values,
                old_values,
                columns.into_iter().map(EnumColumn::reverse).collect(),
            ),
            Op::CreateSequence { sequence } => Op::DropSequence { sequence },
            Op::DropSequence { sequence } => Op::CreateSequence { sequence },
            Op::AlterSequence { old, new } => Op::AlterSequence { old: new, new: old },
            Op::CreateExtension { extension } => Op::DropExtension { extension },
            Op::DropExtension { extension } => Op::CreateExtension { extension },
            Op::CreateDomain { domain } => Op::DropDomain { domain },
            Op::DropDomain { domain } => Op::CreateDomain { domain },
            Op::AlterDomain { old, new } => Op::AlterDomain { old: new, new: old },
            Op::CreateTable { table } => Op::DropTable { table },
            Op::DropTable { table } => Op::CreateTable { table },
            Op::RenameTable { schema, from, to } => Op::RenameTable {
                schema,
                from: to,
                to: from,
            },
            Op::AddColumn { table, column } => Op::DropColumn { table, column },
            Op::DropColumn { table, column } => Op::AddColumn { table, column },
            Op::RenameColumn { table, from, to } => Op::RenameColumn {
                table,
                from: to,
                to: from,
            },
            Op::SetColumnGeneration { table, old, new } => Op::SetColumnGeneration {
                table,
                old: new,
                new: old,
            },
            Op::AlterColumn { table, old, new } => Op::AlterColumn {
                table,
                old: new,
                new: old,
            },
            Op::SetTableComment { table, old, new } => Op::SetTableComment {
                table,
                old: new,
                new: old,
            },
            Op::SetTableCollation {
                table,
                old,
                new,
                columns,
            } => Op::SetTableCollation {
                table,
                old: new,
                new: old,
                columns,
            },
            Op::SetSqliteTableOptions { table, old, new } => Op::SetSqliteTableOptions {
                table,
                old: new,
                new: old,
            },
            Op::SetTableEngine { table, old, new } => Op::SetTableEngine {
                table,
                old: new,
                new: old,
            },
            Op::CreateIndex { table, index } => Op::DropIndex { table, index },
            Op::DropIndex { table, index } => Op::CreateIndex { table, index },
            Op::AddPrimaryKey { table, primary_key } => Op::DropPrimaryKey { table, primary_key },
            Op::DropPrimaryKey { table, primary_key } => Op::AddPrimaryKey { table, primary_key },
            Op::AddUnique { table, unique } => Op::DropUnique { table, unique },
            Op::DropUnique { table, unique } => Op::AddUnique { table, unique },
            Op::AddForeignKey { table, foreign_key } => Op::DropForeignKey { table, foreign_key },
            Op::DropForeignKey { table, foreign_key } => Op::AddForeignKey { table, foreign_key },
            Op::SetForeignKeyDeferral { table, old, new } => Op::SetForeignKeyDeferral {
                table,
                old: new,
                new: old,
            },
            Op::AddCheck { table, check } => Op::DropCheck { table, check },
            Op::DropCheck { table, check } => Op::AddCheck { table, check },
            Op::AddExclusion { table, exclusion } => Op::DropExclusion { table, exclusion },
            Op::DropExclusion { table, exclusion } => Op::AddExclusion { table, exclusion },
            Op::SetPartitionOf { table, old, new } => Op::SetPartitionOf {
                table,
                old: new,
                new: old,
            },
            Op::CreateFunction { function } => Op::DropFunction { function },
            Op::DropFunction { function } => Op::CreateFunction { function },
            Op::ReplaceFunction { old, new } => Op::ReplaceFunction { old: new, new: old },
            Op::CreateView { view } => Op::DropView { view },
            Op::DropView { view } => Op::CreateView { view },
            Op::CreateTrigger { trigger } => Op::DropTrigger { trigger },
            Op::DropTrigger { trigger } => Op::CreateTrigger { trigger },
        }
    }

    /// The table this op works on, named as it is when the op runs; `None`
    /// for extensions, enum types, domains, functions, views and triggers (objects of
    /// their own, each rendered as statements of its own).
    pub fn table(&self) -> Option<TableName> {
        match self {
            Op::CreateEnum { .. }
            | Op::DropEnum { .. }
            | Op::AddEnumValues { .. }
            | Op::ReplaceEnumValues { .. }
            | Op::CreateFunction { .. }
            | Op::DropFunction { .. }
            | Op::ReplaceFunction { .. }
            | Op::CreateView { .. }
            | Op::DropView { .. }
            | Op::CreateTrigger { .. }
            | Op::DropTrigger { .. } => None,
            Op::CreateDomain { .. } | Op::DropDomain { .. } | Op::AlterDomain { .. } => None,
            Op::CreateExtension { .. } | Op::DropExtension { .. } => None,
            Op::CreateSequence { .. } | Op::DropSequence { .. } | Op::AlterSequence { .. } => None,
            Op::CreateTable { table } | Op::DropTable { table } => Some(TableName::of(table)),
            Op::RenameTable { schema, from, .. } => Some(TableName {
                schema: schema.clone(),
                name: from.clone(),
            }),
            Op::AddColumn { table, .. }
            | Op::DropColumn { table, .. }
            | Op::RenameColumn { table, .. }
            | Op::AlterColumn { table, .. }
            | Op::SetColumnGeneration { table, .. }
            | Op::SetTableComment { table, .. }
            | Op::SetTableCollation { table, .. }
            | Op::SetSqliteTableOptions { table, .. }
            | Op::SetTableEngine { table, .. }
            | Op::CreateIndex { table, .. }
            | Op::DropIndex { table, .. }
            | Op::AddPrimaryKey { table, .. }
            | Op::DropPrimaryKey { table, .. }
            | Op::AddUnique { table, .. }
            | Op::DropUnique { table, .. }
            | Op::AddForeignKey { table, .. }
            | Op::DropForeignKey { table, .. }
            | Op::SetForeignKeyDeferral { table, .. }
            | Op::AddCheck { table, .. }
            | Op::DropCheck { table, .. }
            | Op::AddExclusion { table, .. }
            | Op::DropExclusion { table, .. }
            | Op::SetPartitionOf { table, .. } => Some(table.clone()),
        }
    }

    /// For an [`Op::AlterColumn`], what it changes; empty for other ops.
    pub fn column_changes(&self) -> ColumnChanges {
        match self {
            Op::AlterColumn { old, new, .. } => ColumnChanges::between(old, new),
            _ => ColumnChanges::default(),
        }
    }

    /// Why this op may lose data or fail on a table that has rows, or
    /// `None` when it is safe: dropping a table or column, narrowing a type,
    /// refusing `NULL` or adding a `NOT NULL` column without a default,
    /// removing enum values, making a table `STRICT`, moving a table to an
    /// engine that keeps no rows or keeps them in memory.
    pub fn destructive(&self) -> Option<String> {
        match self {
            Op::DropTable { table } => Some(format!(
                "drops table {} and all its rows",
                TableName::of(table)
            )),
            // A generated column's values are computed from the row's
            // other columns: dropping it loses nothing.
            Op::DropColumn { column, .. } if column.generated.is_some() => None,
            Op::DropColumn { table, column } => Some(format!(
                "drops column {}.{} and its values",
                table, column.name
            )),
            Op::AddColumn { table, column }
                if !column.nullable
                    && column.default.is_none()
                    && !column.identity
                    && column.generated.is_none()
                    && column.backfill.is_none() =>
            {
                Some(format!(
                    "adds column {}.{} as NOT NULL without a default: this fails if the table has rows; mark the field `#[model(backfill = \"<SQL expression>\")]` to add it nullable, fill it in batches and then make it NOT NULL, or give it a default",
                    table, column.name
                ))
            }
            Op::AlterColumn { table, old, new } => {
                if old.ty != new.ty && !is_widening(&old.ty, &new.ty) {
                    Some(format!(
                        "changes column {}.{} from {:?} to {:?}: values that do not fit are lost or make the migration fail",
                        table, new.name, old.ty, new.ty
                    ))
                } else if old.nullable && !new.nullable {
                    Some(format!(
                        "makes column {}.{} NOT NULL: this fails if any row holds NULL",
                        table, new.name
                    ))
                } else {
                    None
                }
            }
            Op::SetColumnGeneration { table, old, new }
                if old.generated.is_none() && new.generated.is_some() =>
            {
                Some(format!(
                    "makes column {table}.{} generated: the values it holds are replaced by \
                     computed ones",
                    new.name
                ))
            }
            Op::SetTableEngine { table, new, .. } => match new.as_deref() {
                Some(engine) if engine.eq_ignore_ascii_case("blackhole") => Some(format!(
                    "stores table {table} with BLACKHOLE, which keeps no rows: every row is lost"
                )),
                Some(engine) if engine.eq_ignore_ascii_case("memory") => Some(format!(
                    "stores table {table} with MEMORY, which keeps its rows only until the \
                     server restarts"
                )),
                _ => None,
            },
            Op::SetSqliteTableOptions { table, old, new } if new.strict && !old.strict => {
                Some(format!(
                    "makes table {table} STRICT: a row holding a value its column's type \
                     cannot take (text in an INTEGER column) makes the migration fail"
                ))
            }
            Op::ReplaceEnumValues {
                name,
                old_values,
                new_values,
                ..
            } => {
                let removed: Vec<&String> = old_values
                    .iter()
                    .filter(|value| !new_values.contains(value))
                    .collect();
                (!removed.is_empty()).then(|| {
                    format!(
                        "removes values {removed:?} from enum {name}: rows holding them make the migration fail"
                    )
                })
            }
            _ => None,
        }
    }
}

/// The op that turns an enum's `old` values into `new`: adding values when
/// every old value keeps its place, replacing them otherwise.
pub(crate) fn enum_values_op(
    name: String,
    old_values: Vec<String>,
    new_values: Vec<String>,
    columns: Vec<EnumColumn>,
) -> Op {
    if is_subsequence(&old_values, &new_values) {
        Op::AddEnumValues {
            name,
            old_values,
            new_values,
            columns,
        }
    } else {
        Op::ReplaceEnumValues {
            name,
            old_values,
            new_values,
            columns,
        }
    }
}

fn is_subsequence(short: &[String], long: &[String]) -> bool {
    let mut long = long.iter();
    short.iter().all(|value| long.any(|other| other == value))
}

/// Whether every value of `from` fits in `to` unchanged.
pub(crate) fn is_widening(from: &SqlType, to: &SqlType) -> bool {
    use SqlType::*;
    match (from, to) {
        (SmallInt, Integer | BigInt) | (Integer, BigInt) | (Real, Double) => true,
        (Varchar(a), Varchar(b)) | (Char(a), Varchar(b)) => a <= b,
        (Varchar(_) | Char(_) | VarcharUnbounded, Text)
        | (Varchar(_) | Char(_) | Text, VarcharUnbounded) => true,
        (
            Numeric {
                precision: Some(p1),
                scale: s1,
            },
            Numeric {
                precision: Some(p2),
                scale: s2,
            },
        ) => {
            let (s1, s2) = (s1.unwrap_or(0), s2.unwrap_or(0));
            s2 >= s1 && p2 - s2.min(*p2) >= p1 - s1.min(*p1)
        }
        (
            Numeric { .. },
            Numeric {
                precision: None, ..
            },
        ) => true,
        (
            SmallInt | Integer | BigInt,
            Numeric {
                precision: None, ..
            },
        ) => true,
        (Timestamp, TimestampTz) => true,
        (Array(a), Array(b)) => is_widening(a, b),
        (UnsignedSmallInt, Integer | BigInt | UnsignedInteger | UnsignedBigInt)
        | (UnsignedInteger, BigInt | UnsignedBigInt) => true,
        (TinyInt, SmallInt | MediumInt | Integer | BigInt)
        | (MediumInt, Integer | BigInt)
        | (
            UnsignedTinyInt,
            SmallInt | UnsignedSmallInt | MediumInt | UnsignedMediumInt | Integer | UnsignedInteger
            | BigInt | UnsignedBigInt,
        )
        | (UnsignedMediumInt, Integer | UnsignedInteger | BigInt | UnsignedBigInt) => true,
        (TinyText, Text | MediumText | LongText)
        | (Text | Varchar(_) | Char(_), MediumText | LongText)
        | (MediumText, LongText)
        | (TinyBlob, Binary | MediumBlob | LongBlob)
        | (Binary, MediumBlob | LongBlob)
        | (MediumBlob, LongBlob) => true,
        (TimeWithPrecision(a), TimeWithPrecision(b))
        | (TimestampWithPrecision(a), TimestampWithPrecision(b))
        | (TimestampTzWithPrecision(a), TimestampTzWithPrecision(b)) => a <= b,
        (TimeWithPrecision(_), Time)
        | (TimestampWithPrecision(_), Timestamp | TimestampTz)
        | (TimestampTzWithPrecision(_), TimestampTz) => true,
        (Set { values: v1 }, Set { values: v2 }) => v2.starts_with(v1),
        (Enum { values: v1, .. }, Enum { values: v2, .. }) => {
            v1.iter().all(|value| v2.contains(value))
        }
        _ => false,
    }
}
