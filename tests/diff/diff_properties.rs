//! Property tests of the diff on each real database: random schemas A and
//! B, B derived from A by a few random edits (columns added, dropped,
//! renamed, widened, made nullable or not, given other defaults; indexes,
//! uniques, foreign keys and checks added and dropped; tables added,
//! dropped and renamed).
//!
//! For each case, on a fresh schema: `diff(empty, A)` creates A and
//! `introspect` reads back exactly A; rows go into A; `diff(A, B)` applied
//! gives exactly B and every kept or renamed column keeps its values;
//! `diff(A, B).reverse()` applied gives exactly A again, with the values.
//!
//! 64 cases per backend; `RETORT_PROPTEST_CASES` (or `PROPTEST_CASES`)
//! asks for more. A failing case is shrunk and saved under
//! `tests/proptest-regressions/`, and replayed first from then on.
//!
//! The strategies only generate what a database keeps as written: each
//! backend's documented exceptions (`introspect` module docs) are generated
//! in the form the database reads back, and a comment says why wherever a
//! strategy leaves something out for one backend.

use crate::support;

use std::collections::BTreeSet;

use diesel::connection::SimpleConnection;
use diesel::{Connection, QueryableByName, RunQueryDsl};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};
use retort::{
    diff, render::render, BackendKind, CheckConstraint, Column, Deferral, ForeignKey, Index,
    IndexKeyOptions, IndexPart, PrimaryKey, RangeType, ReferentialAction, Schema, SqlType, Table,
    UniqueConstraint,
};
use support::{backend_tests, try_apply_statements, TestBackend, TestDatabase};

// ---------------------------------------------------------------------------
// Raw material: small numbers that the builders below turn into schemas.
// Shrinking the numbers and the lists shrinks the schemas.

#[derive(Clone, Debug)]
struct RawColumn {
    ty: u8,
    nullable: bool,
    default: Option<u8>,
    comment: bool,
    reserved: bool,
}

#[derive(Clone, Debug)]
struct RawTable {
    columns: Vec<RawColumn>,
    /// 0, 1 or 2 primary key columns (modulo 3).
    key: u8,
    identity: bool,
    uniques: Vec<(u8, u8)>,
    indexes: Vec<(u8, u8, bool)>,
    checks: Vec<u8>,
    /// Target table, ON DELETE, ON UPDATE, whether the columns accept NULL.
    foreign_keys: Vec<(u8, u8, u8, bool)>,
    comment: bool,
    reserved: bool,
}

/// One edit turning A into B; `kind` picks the edit, the others pick what
/// it applies to.
#[derive(Clone, Copy, Debug)]
struct RawEdit {
    kind: u8,
    table: u8,
    item: u8,
    choice: u8,
}

fn raw_column() -> impl Strategy<Value = RawColumn> {
    (
        any::<u8>(),
        any::<bool>(),
        proptest::option::weighted(0.4, any::<u8>()),
        proptest::bool::weighted(0.2),
        proptest::bool::weighted(0.15),
    )
        .prop_map(|(ty, nullable, default, comment, reserved)| RawColumn {
            ty,
            nullable,
            default,
            comment,
            reserved,
        })
}

fn raw_table() -> impl Strategy<Value = RawTable> {
    (
        proptest::collection::vec(raw_column(), 1..=5),
        any::<u8>(),
        any::<bool>(),
        proptest::collection::vec(any::<(u8, u8)>(), 0..=2),
        proptest::collection::vec(any::<(u8, u8, bool)>(), 0..=2),
        proptest::collection::vec(any::<u8>(), 0..=1),
        proptest::collection::vec(any::<(u8, u8, u8, bool)>(), 0..=2),
        proptest::bool::weighted(0.3),
        proptest::bool::weighted(0.2),
    )
        .prop_map(
            |(
                columns,
                key,
                identity,
                uniques,
                indexes,
                checks,
                foreign_keys,
                comment,
                reserved,
            )| {
                RawTable {
                    columns,
                    key,
                    identity,
                    uniques,
                    indexes,
                    checks,
                    foreign_keys,
                    comment,
                    reserved,
                }
            },
        )
}

fn raw_edit() -> impl Strategy<Value = RawEdit> {
    any::<(u8, u8, u8, u8)>().prop_map(|(kind, table, item, choice)| RawEdit {
        kind,
        table,
        item,
        choice,
    })
}

/// One property case: the two schemas, as each backend reads them back, and
/// the rows to put into A.
#[derive(Clone, Debug)]
struct Case {
    a: Schema,
    b: Schema,
    rows: usize,
    /// Picks which nullable values are `NULL`.
    nulls: u8,
}

fn case_strategy(kind: BackendKind) -> impl Strategy<Value = Case> {
    (
        proptest::collection::vec(raw_table(), 1..=4),
        proptest::collection::vec(raw_edit(), 0..=5),
        0..=3usize,
        any::<u8>(),
    )
        .prop_map(move |(tables, edits, rows, nulls)| {
            let mut builder = Builder::new(kind);
            let a = builder.schema_a(&tables);
            let mut b = a.clone();
            for edit in &edits {
                builder.edit(&a, &mut b, *edit);
            }
            Case {
                a: canonical(kind, a),
                b: canonical(kind, b),
                rows,
                nulls,
            }
        })
}

// ---------------------------------------------------------------------------
// What each backend can express.

const TABLE_WORDS: [&str; 4] = ["user", "order", "select", "group"];
const COLUMN_WORDS: [&str; 4] = ["from", "where", "table", "desc"];
const ENUM_VALUES: [&str; 3] = ["new", "it's ok", "done"];

fn placeholder_enum() -> SqlType {
    SqlType::Enum {
        name: String::new(),
        values: Vec::new(),
    }
}

fn numeric(precision: Option<u32>, scale: Option<u32>) -> SqlType {
    SqlType::Numeric { precision, scale }
}

/// Every type a column may have on this backend (an enum's name and values
/// are filled in per column).
fn column_types(kind: BackendKind) -> Vec<SqlType> {
    use SqlType::*;
    let mut types = vec![
        SmallInt,
        Integer,
        BigInt,
        Real,
        Double,
        numeric(Some(8), Some(2)),
        // NUMERIC(p, 0) reads back as NUMERIC(p): the same type.
        numeric(Some(6), None),
        Boolean,
        Text,
        Varchar(10),
        Varchar(40),
        Char(4),
        Binary,
        Date,
        Time,
        Timestamp,
        TimestampTz,
        Uuid,
        Json,
        placeholder_enum(),
        Custom(custom_type(kind).into()),
    ];
    // MySQL has no unconstrained DECIMAL (it reads back as DECIMAL(10)).
    if kind != BackendKind::Mysql {
        types.push(numeric(None, None));
    }
    types.extend(only_some_databases(kind));
    types
}

/// The types only some databases have, those this one has.
fn only_some_databases(kind: BackendKind) -> Vec<SqlType> {
    use SqlType::*;
    [
        VarcharUnbounded,
        Interval,
        Inet,
        Cidr,
        MacAddr,
        TsVector,
        Array(Box::new(Integer)),
        Array(Box::new(Text)),
        UnsignedSmallInt,
        UnsignedInteger,
        UnsignedBigInt,
        Year,
        Set {
            values: vec!["a".into(), "b c".into()],
        },
        TinyInt,
        UnsignedTinyInt,
        MediumInt,
        UnsignedMediumInt,
        TinyText,
        MediumText,
        LongText,
        TinyBlob,
        MediumBlob,
        LongBlob,
        Bit(8),
        TimeWithPrecision(0),
        TimestampWithPrecision(3),
        TimestampTzWithPrecision(0),
        TsQuery,
        IntervalFields {
            fields: Some("day to second".into()),
            precision: Some(3),
        },
        Range(RangeType::Integer),
        MultiRange(RangeType::Date),
    ]
    .into_iter()
    .filter(|ty| kind.backend().lacks_type(ty).is_none())
    .collect()
}

/// A type the database knows that retort does not model.
fn custom_type(kind: BackendKind) -> &'static str {
    match kind {
        BackendKind::Mysql => "varbinary(16)",
        BackendKind::Postgres => "name",
        BackendKind::Sqlite => "tsquery",
    }
}

/// Types that may be in a primary key, unique constraint, index or foreign
/// key: integers, bounded strings, dates and UUIDs, which every row value
/// below keeps distinct. (MySQL indexes TEXT only with a prefix length,
/// which the model has no place for.)
fn key_types(kind: BackendKind) -> Vec<SqlType> {
    use SqlType::*;
    let mut types = vec![
        SmallInt,
        Integer,
        BigInt,
        Varchar(10),
        Varchar(40),
        Char(4),
        Date,
        Uuid,
    ];
    if kind != BackendKind::Mysql {
        types.push(Text);
    }
    types
}

/// Defaults as a model writes them and the database reads them back.
fn default_choices(kind: BackendKind, ty: &SqlType) -> Vec<String> {
    use SqlType::*;
    let strings = |values: &[&str]| values.iter().map(|value| value.to_string()).collect();
    match ty {
        SmallInt | Integer | BigInt => strings(&["0", "7", "-1"]),
        Real | Double => strings(&["0", "0.5"]),
        Numeric {
            scale: Some(_) | None,
            ..
        } => strings(&["0", "3"]),
        Boolean => strings(&["true", "false"]),
        Text | Varchar(_) | VarcharUnbounded | Char(_) => strings(&["'x'", "'it''s'"]),
        Date => strings(&["'2024-01-01'"]),
        Time => strings(&["'12:00:00'"]),
        Timestamp => strings(&["CURRENT_TIMESTAMP", "'2024-01-01 00:00:00'"]),
        // PostgreSQL keeps a constant TIMESTAMPTZ default as a point in
        // time and prints it in the session's time zone, not as written.
        TimestampTz if kind == BackendKind::Postgres => strings(&["CURRENT_TIMESTAMP"]),
        TimestampTz => strings(&["CURRENT_TIMESTAMP", "'2024-01-01 00:00:00'"]),
        Uuid => strings(&["'00000000-0000-0000-0000-000000000000'"]),
        Json => strings(&["'{}'"]),
        Enum { values, .. } => values
            .iter()
            .map(|value| format!("'{}'", value.replace('\'', "''")))
            .collect(),
        Binary
        | Custom(_)
        | Interval
        | Inet
        | Cidr
        | MacAddr
        | TsVector
        | TsQuery
        | IntervalFields { .. }
        | Range(_)
        | MultiRange(_)
        | Array(_)
        | Year
        | Set { .. } => Vec::new(),
        UnsignedSmallInt | UnsignedInteger | UnsignedBigInt => strings(&["0", "7"]),
        TinyInt | MediumInt => strings(&["0", "7", "-1"]),
        UnsignedTinyInt | UnsignedMediumInt => strings(&["0", "7"]),
        TinyText | MediumText | LongText | TinyBlob | MediumBlob | LongBlob | Bit(_) => Vec::new(),
        TimeWithPrecision(_) => strings(&["'12:00:00'"]),
        // MySQL gives CURRENT_TIMESTAMP the column's precision: a model
        // with a precision writes `CURRENT_TIMESTAMP(3)`; constants only here.
        TimestampTzWithPrecision(_) if kind == BackendKind::Postgres => Vec::new(),
        TimestampWithPrecision(_) | TimestampTzWithPrecision(_) => {
            strings(&["'2024-01-01 00:00:00'"])
        }
        other => panic!("no defaults for {other:?}: add them here"),
    }
}

/// `c >= 0` as each database prints it back: PostgreSQL deparses it with
/// bare names (check columns have plain lowercase names), MySQL quotes
/// names, SQLite keeps the text as written.
fn check_expression(kind: BackendKind, column: &str) -> String {
    match kind {
        BackendKind::Postgres => format!("{column} >= 0"),
        _ => format!("{} >= 0", kind.backend().quote_identifier(column)),
    }
}

/// Whether a column may carry a `>= 0` check: an integer with a plain name
/// (MariaDB refuses checks on an `AUTO_INCREMENT` column, so no identity).
fn checkable(column: &Column) -> bool {
    column.ty.is_integer() && !column.identity && !COLUMN_WORDS.contains(&column.name.as_str())
}

/// The types a column's type may widen to on this backend, keeping every
/// value (`retort::diff` does not flag them destructive).
fn widenings(kind: BackendKind, column: &Column, indexed: bool, checked: bool) -> Vec<SqlType> {
    use SqlType::*;
    let text_allowed = kind != BackendKind::Mysql || !indexed;
    let mut options = match &column.ty {
        SmallInt => vec![Integer, BigInt],
        Integer => vec![BigInt],
        Real => vec![Double],
        Numeric {
            precision: Some(6),
            scale: None,
        } => vec![numeric(Some(8), Some(2))],
        Numeric {
            precision: Some(8),
            scale: Some(2),
        } => vec![numeric(Some(10), Some(2)), numeric(Some(12), Some(4))],
        Varchar(length) => vec![Varchar(length * 2)],
        Char(length) => vec![Varchar(*length), Varchar(40)],
        // (A constant default reads back in the session's time zone on
        // PostgreSQL: see `default_choices`.)
        Timestamp
            if kind == BackendKind::Postgres
                && column
                    .default
                    .as_deref()
                    .is_some_and(|d| d.starts_with('\'')) =>
        {
            Vec::new()
        }
        Timestamp => vec![TimestampTz],
        Enum { name, values } => {
            let mut appended = values.clone();
            appended.push("later".into());
            let mut prepended = vec!["early".to_owned()];
            prepended.extend(values.iter().cloned());
            [appended, prepended]
                .into_iter()
                .filter(|values| values.iter().collect::<BTreeSet<_>>().len() == values.len())
                .map(|values| Enum {
                    name: name.clone(),
                    values,
                })
                .collect()
        }
        _ => Vec::new(),
    };
    if text_allowed && matches!(column.ty, Varchar(_) | Char(_)) {
        options.push(Text);
        options.extend(
            only_some_databases(kind)
                .into_iter()
                .filter(|ty| *ty == VarcharUnbounded),
        );
    }
    if column.ty == VarcharUnbounded {
        options.push(Text);
    }
    // MySQL has no unconstrained DECIMAL. A check `c >= 0` reads back as
    // `c >= (0)::numeric` once PostgreSQL re-parses it for a NUMERIC
    // column, so no checked integer becomes one.
    let unbounded = kind != BackendKind::Mysql
        && !matches!(
            column.ty,
            Numeric {
                precision: None,
                ..
            }
        )
        && (matches!(column.ty, Numeric { .. }) || (column.ty.is_integer() && !checked));
    if unbounded {
        options.push(numeric(None, None));
    }
    if column.identity {
        // An identity stays an integer; on SQLite only an INTEGER is one.
        options.retain(|ty| ty.is_integer() && kind != BackendKind::Sqlite);
    }
    options
}

// ---------------------------------------------------------------------------
// Building A, and B from A.

/// Hands out names no other object of the case uses.
struct Builder {
    kind: BackendKind,
    next: u32,
    used_words: BTreeSet<&'static str>,
}

impl Builder {
    fn new(kind: BackendKind) -> Self {
        Builder {
            kind,
            next: 0,
            used_words: BTreeSet::new(),
        }
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{}", self.next)
    }

    /// A reserved word when asked and one is left, else `prefix<n>`.
    fn name(&mut self, words: &[&'static str], reserved: bool, prefix: &str) -> String {
        if reserved {
            if let Some(word) = words.iter().find(|word| !self.used_words.contains(*word)) {
                self.used_words.insert(word);
                return (*word).to_owned();
            }
        }
        self.fresh(prefix)
    }

    fn comment(&mut self) -> String {
        let n = self.fresh("");
        format!("it's note {n}")
    }

    /// A column of `types[ty % len]`; its default is one the type allows.
    fn column(&mut self, types: &[SqlType], raw: &RawColumn) -> Column {
        let name = self.name(&COLUMN_WORDS, raw.reserved, "c");
        let mut ty = types[raw.ty as usize % types.len()].clone();
        if let SqlType::Enum { .. } = ty {
            let count = 2 + raw.ty as usize % 2;
            ty = SqlType::Enum {
                name: format!("e_{name}"),
                values: ENUM_VALUES[..count]
                    .iter()
                    .map(|value| value.to_string())
                    .collect(),
            };
        }
        let choices = default_choices(self.kind, &ty);
        let default = raw
            .default
            .filter(|_| !choices.is_empty())
            .map(|at| choices[at as usize % choices.len()].clone());
        let mut column = Column::new(name, ty);
        column.nullable = raw.nullable;
        column.default = default;
        if raw.comment && self.kind != BackendKind::Sqlite {
            column.comment = Some(self.comment());
        }
        column
    }

    fn schema_a(&mut self, raw: &[RawTable]) -> Schema {
        let mut tables: Vec<Table> = raw.iter().map(|table| self.table(table)).collect();
        for (at, raw_table) in raw.iter().enumerate() {
            for &(target, on_delete, on_update, nullable) in &raw_table.foreign_keys {
                let target = tables[target as usize % tables.len()].clone();
                self.add_foreign_key_columns(
                    &mut tables[at],
                    &target,
                    on_delete,
                    on_update,
                    nullable,
                );
            }
        }
        Schema::new(tables)
    }

    fn table(&mut self, raw: &RawTable) -> Table {
        let kind = self.kind;
        let name = self.name(&TABLE_WORDS, raw.reserved, "t");
        let mut table = Table::new(name);
        let key_len = (raw.key as usize % 3).min(raw.columns.len());
        let all_types = column_types(kind);
        let keyable = key_types(kind);
        for (at, raw_column) in raw.columns.iter().enumerate() {
            let types = if at < key_len { &keyable } else { &all_types };
            let mut column = self.column(types, raw_column);
            if at < key_len {
                // Every database makes key columns NOT NULL.
                column.nullable = false;
            }
            table.columns.push(column);
        }
        if key_len > 0 {
            let columns: Vec<String> = table.columns[..key_len]
                .iter()
                .map(|column| column.name.clone())
                .collect();
            if key_len == 1 {
                let column = &mut table.columns[0];
                column.identity = match kind {
                    // A single INTEGER primary key is SQLite's rowid alias,
                    // which the database generates: always an identity.
                    // No other column can be one.
                    BackendKind::Sqlite => column.ty == SqlType::Integer,
                    _ => raw.identity && column.ty.is_integer(),
                };
                if column.identity {
                    column.default = None;
                }
            }
            table.primary_key = Some(PrimaryKey {
                // MySQL names every primary key PRIMARY.
                name: (kind != BackendKind::Mysql).then(|| format!("pk_{}", table.name)),
                columns,
                ..Default::default()
            });
        }
        for &(first, second) in &raw.uniques {
            if let Some(columns) = key_columns(kind, &table, first, second, &[]) {
                self.add_unique(&mut table, columns);
            }
        }
        for &(first, second, unique) in &raw.indexes {
            if let Some(columns) = key_columns(kind, &table, first, second, &[]) {
                self.add_index(&mut table, columns, unique, first ^ second);
            }
        }
        for &pick in &raw.checks {
            self.add_check(&mut table, pick, &[]);
        }
        if raw.comment && kind != BackendKind::Sqlite {
            table.comment = Some(self.comment());
        }
        table
    }

    fn add_unique(&mut self, table: &mut Table, columns: Vec<String>) {
        let taken = table
            .primary_key
            .as_ref()
            .is_some_and(|key| key.columns == columns)
            || table.uniques.iter().any(|unique| unique.columns == columns);
        if !taken {
            let name = self.fresh("uq_");
            table.uniques.push(UniqueConstraint {
                name: Some(name),
                columns,
                deferrable: None,
            });
        }
    }

    /// An index on `columns`; `shape` chooses what it asks for beyond
    /// them, among what the database has: a descending first key, NULLS
    /// FIRST, a hash index or an `INCLUDE` column (PostgreSQL), a collation
    /// (SQLite).
    fn add_index(&mut self, table: &mut Table, columns: Vec<String>, unique: bool, shape: u8) {
        let parts: Vec<IndexPart> = columns.iter().cloned().map(IndexPart::Column).collect();
        if table.indexes.iter().any(|index| index.parts == parts) {
            return;
        }
        let name = self.fresh("ix_");
        let mut index = Index {
            name,
            parts,
            // MySQL reads every unique index on columns back as a unique
            // constraint: it keeps no difference between the two.
            unique: unique && self.kind != BackendKind::Mysql,
            predicate: None,
            ..Index::default()
        };
        let descending = IndexKeyOptions {
            descending: true,
            ..IndexKeyOptions::default()
        };
        let hashable = |column: &str| {
            table.find_column(column).is_some_and(|column| {
                column.ty.is_integer() || matches!(column.ty, SqlType::Text | SqlType::Varchar(_))
            })
        };
        index = match (self.kind, shape % 4) {
            (_, 1) => index.key(0, descending),
            (BackendKind::Postgres, 2)
                if !index.unique && columns.len() == 1 && hashable(&columns[0]) =>
            {
                index.using("hash")
            }
            (BackendKind::Postgres, 2) => index.key(
                0,
                IndexKeyOptions {
                    nulls_first: Some(true),
                    ..IndexKeyOptions::default()
                },
            ),
            (BackendKind::Postgres, 3) => {
                let other = table
                    .columns
                    .iter()
                    .map(|column| column.name.clone())
                    .find(|column| !columns.contains(column));
                index.include(other)
            }
            (BackendKind::Sqlite, 2 | 3) => index.key(
                0,
                IndexKeyOptions {
                    collation: Some("NOCASE".into()),
                    ..IndexKeyOptions::default()
                },
            ),
            _ => index,
        };
        table.indexes.push(index);
    }

    fn add_check(&mut self, table: &mut Table, pick: u8, excluded: &[String]) {
        let candidates: Vec<String> = table
            .columns
            .iter()
            .filter(|column| checkable(column) && !excluded.contains(&column.name))
            // MariaDB refuses a check on a column a foreign key may change
            // (ON UPDATE CASCADE, SET NULL).
            .filter(|column| {
                self.kind != BackendKind::Mysql
                    || !table
                        .foreign_keys
                        .iter()
                        .any(|foreign_key| foreign_key.columns.contains(&column.name))
            })
            .map(|column| column.name.clone())
            .filter(|column| {
                !table
                    .checks
                    .iter()
                    .any(|check| check.expression == check_expression(self.kind, column))
            })
            .collect();
        if candidates.is_empty() {
            return;
        }
        let column = &candidates[pick as usize % candidates.len()];
        let name = self.fresh("ck_");
        table.checks.push(CheckConstraint {
            name: Some(name),
            expression: check_expression(self.kind, column),
        });
    }

    /// New columns in `table` matching `target`'s key, and a foreign key
    /// from them to it.
    fn add_foreign_key_columns(
        &mut self,
        table: &mut Table,
        target: &Table,
        on_delete: u8,
        on_update: u8,
        nullable: bool,
    ) {
        let Some(key) = referenceable_key(target) else {
            return;
        };
        let mut columns = Vec::new();
        for referenced in &key {
            let Some(column) = target.find_column(referenced) else {
                return;
            };
            let name = self.fresh("c");
            let mut new = Column::new(name.clone(), column.ty.clone());
            new.nullable = nullable;
            table.columns.push(new);
            columns.push(name);
        }
        self.add_foreign_key(table, target, columns, key, on_delete, on_update);
    }

    fn add_foreign_key(
        &mut self,
        table: &mut Table,
        target: &Table,
        columns: Vec<String>,
        referenced_columns: Vec<String>,
        on_delete: u8,
        on_update: u8,
    ) {
        let nullable = |table: &Table, names: &[String]| {
            names
                .iter()
                .map(|name| {
                    table
                        .find_column(name)
                        .is_some_and(|column| column.nullable)
                })
                .collect::<Vec<bool>>()
        };
        let referencing = nullable(table, &columns);
        let referenced = nullable(target, &referenced_columns);
        // MariaDB refuses ON UPDATE CASCADE from a NOT NULL column to one
        // that accepts NULL.
        let cascades_null = self.kind == BackendKind::Mysql
            && referenced.iter().any(|&accepts| accepts)
            && referencing.iter().any(|&accepts| !accepts);
        let set_null = referencing.iter().all(|&accepts| accepts);
        let action = |pick: u8, update: bool| {
            // SET DEFAULT is left out: InnoDB refuses it.
            match pick % 4 {
                0 => ReferentialAction::NoAction,
                1 => ReferentialAction::Restrict,
                2 if update && cascades_null => ReferentialAction::NoAction,
                2 => ReferentialAction::Cascade,
                _ if set_null => ReferentialAction::SetNull,
                _ => ReferentialAction::NoAction,
            }
        };
        let target = &target.name;
        // InnoDB shares the index it makes for a foreign key with later keys
        // on the same leading columns, under the first key's name: retort
        // does not model that index, so MySQL gets one key per columns.
        let duplicate = table.foreign_keys.iter().any(|foreign_key| {
            (foreign_key.columns == columns && foreign_key.referenced_table == *target)
                || (self.kind == BackendKind::Mysql
                    && (foreign_key.columns.starts_with(&columns)
                        || columns.starts_with(&foreign_key.columns)))
        });
        if duplicate {
            return;
        }
        let name = self.fresh("fk_");
        table.foreign_keys.push(ForeignKey {
            name: Some(name),
            columns,
            referenced_schema: None,
            referenced_table: target.to_owned(),
            referenced_columns,
            on_delete: action(on_delete, false),
            on_update: action(on_update, true),
            deferrable: deferral(self.kind, on_delete / 4),
        });
    }

    /// Applies one edit to `b`, when it fits; `a` is the schema B started
    /// from.
    fn edit(&mut self, a: &Schema, b: &mut Schema, edit: RawEdit) {
        let kind = self.kind;
        if edit.kind % 18 == 14 {
            self.add_table(b, edit);
            return;
        }
        if b.tables.is_empty() {
            return;
        }
        let at = edit.table as usize % b.tables.len();
        let item = edit.item as usize;
        let choice = edit.choice;
        match edit.kind % 18 {
            0 => {
                let types = column_types(kind);
                let raw = RawColumn {
                    ty: choice,
                    nullable: item % 2 == 0,
                    default: Some(edit.item / 2),
                    comment: false,
                    reserved: item % 5 == 0,
                };
                let mut column = self.column(&types, &raw);
                if column.default.is_none() {
                    // Added to a table with rows: NULL or a default.
                    column.nullable = true;
                }
                b.tables[at].columns.push(column);
            }
            1 => {
                let table = &b.tables[at];
                // ADD COLUMN appends, and the diff does not model column
                // positions: the reverse re-adds a dropped column at the
                // end, so only a table's last columns of A are dropped.
                let last_of_a = table
                    .columns
                    .iter()
                    .rposition(|column| origin(a, table, column).is_some());
                let candidates: Vec<String> = table
                    .columns
                    .iter()
                    .enumerate()
                    .filter(|(position, _)| Some(*position) == last_of_a)
                    .map(|(_, column)| column)
                    .filter(|column| {
                        !in_primary_key(table, &column.name)
                            && !foreign_key_involved(a, b, table, column)
                            // The reverse adds the column back to a table
                            // with rows: it must accept NULL or have a
                            // default, and be in no unique key or check,
                            // which that one value in every row may fail.
                            // (As it is in A, which the reverse adds back.)
                            && origin(a, table, column).is_some_and(|(table, column)| {
                                (column.nullable || column.default.is_some())
                                    && !constrained(kind, table, &column.name)
                            })
                    })
                    .map(|column| column.name.clone())
                    .collect();
                if candidates.is_empty() || table.columns.len() < 2 {
                    return;
                }
                let name = candidates[item % candidates.len()].clone();
                drop_column(kind, &mut b.tables[at], &name);
            }
            2 => {
                let table = &b.tables[at];
                let column = &table.columns[item % table.columns.len()];
                let old = column.name.clone();
                let checked = table
                    .checks
                    .iter()
                    .any(|check| check.expression == check_expression(kind, &old));
                let new = self.name(&COLUMN_WORDS, choice % 4 == 0 && !checked, "c");
                rename_column(kind, a, b, at, &old, &new);
            }
            3 => {
                let table = &b.tables[at];
                let column = &table.columns[item % table.columns.len()];
                // SQLite: a single-column key turning INTEGER would become
                // the rowid alias, an identity.
                let sqlite_key = kind == BackendKind::Sqlite
                    && table
                        .primary_key
                        .as_ref()
                        .is_some_and(|key| key.columns.len() == 1)
                    && in_primary_key(table, &column.name);
                if foreign_key_involved(a, b, table, column) || sqlite_key {
                    return;
                }
                let checked = table
                    .checks
                    .iter()
                    .any(|check| check.expression == check_expression(kind, &column.name));
                let options = widenings(kind, column, indexed(table, &column.name), checked);
                if options.is_empty() {
                    return;
                }
                let ty = options[choice as usize % options.len()].clone();
                let count = b.tables[at].columns.len();
                b.tables[at].columns[item % count].ty = ty;
            }
            4 => {
                let table = &b.tables[at];
                let column = &table.columns[item % table.columns.len()];
                let set_null = table.foreign_keys.iter().any(|foreign_key| {
                    foreign_key.columns.contains(&column.name)
                        && [foreign_key.on_delete, foreign_key.on_update]
                            .contains(&ReferentialAction::SetNull)
                });
                // (MariaDB refuses some nullability changes of foreign key
                // columns; see `add_foreign_key`.)
                let mysql_key =
                    kind == BackendKind::Mysql && foreign_key_involved(a, b, table, column);
                if in_primary_key(table, &column.name) || column.identity || set_null || mysql_key {
                    return;
                }
                // A column B adds has no value in A's rows but its default.
                if column.nullable && column.default.is_none() && origin(a, table, column).is_none()
                {
                    return;
                }
                let count = b.tables[at].columns.len();
                let column = &mut b.tables[at].columns[item % count];
                column.nullable = !column.nullable;
            }
            5 => {
                let table = &b.tables[at];
                let count = table.columns.len();
                // A NOT NULL column B adds needs its default: A's rows have
                // no value for it.
                let added = origin(a, table, &table.columns[item % count]).is_none();
                // (Nor a default for every row under a unique key or check:
                // see `same_in_every_row`; nor under a foreign key, whose
                // rows would all point at the default's value, which the
                // referenced table need not hold.)
                let name = &table.columns[item % count].name;
                let constrained_new = added
                    && origin_table(a, table).is_some()
                    && (constrained(kind, table, name) || in_foreign_key(b, &table.name, name));
                let column = &mut b.tables[at].columns[item % count];
                if column.identity || constrained_new {
                    return;
                }
                let mut choices: Vec<Option<String>> = default_choices(kind, &column.ty)
                    .into_iter()
                    .map(Some)
                    .collect();
                if column.nullable || !added {
                    choices.push(None);
                }
                choices.retain(|default| *default != column.default);
                if let Some(default) = choices.get(choice as usize % choices.len().max(1)) {
                    column.default = default.clone();
                }
            }
            6 => {
                let excluded = same_in_every_row(a, &b.tables[at]);
                let table = &mut b.tables[at];
                if let Some(columns) = key_columns(kind, table, edit.item, choice, &excluded) {
                    self.add_index(table, columns, choice % 3 == 0, choice / 3);
                }
            }
            7 => {
                let table = &mut b.tables[at];
                if !table.indexes.is_empty() {
                    let at = item % table.indexes.len();
                    table.indexes.remove(at);
                }
            }
            8 => {
                let excluded = same_in_every_row(a, &b.tables[at]);
                let table = &mut b.tables[at];
                if let Some(columns) = key_columns(kind, table, edit.item, choice, &excluded) {
                    self.add_unique(table, columns);
                }
            }
            9 => {
                let table = &b.tables[at];
                let candidates: Vec<usize> = (0..table.uniques.len())
                    .filter(|&unique| !referenced(b, table, &table.uniques[unique].columns))
                    .collect();
                if !candidates.is_empty() {
                    let unique = candidates[item % candidates.len()];
                    b.tables[at].uniques.remove(unique);
                }
            }
            10 => self.edit_add_foreign_key(a, b, at, edit),
            11 => {
                let table = &mut b.tables[at];
                if !table.foreign_keys.is_empty() {
                    let at = item % table.foreign_keys.len();
                    // Where keys can be deferrable, half the time the key
                    // changes when it is checked instead of going.
                    if kind != BackendKind::Mysql && choice % 2 == 1 {
                        let foreign_key = &mut table.foreign_keys[at];
                        let now = foreign_key.deferrable;
                        foreign_key.deferrable = (1..3)
                            .map(|step| deferral(kind, choice / 2 + step))
                            .find(|other| *other != now)
                            .unwrap_or(now);
                    } else {
                        table.foreign_keys.remove(at);
                    }
                }
            }
            12 => {
                let excluded = same_in_every_row(a, &b.tables[at]);
                self.add_check(&mut b.tables[at], choice, &excluded);
            }
            13 => {
                let table = &mut b.tables[at];
                if !table.checks.is_empty() {
                    let at = item % table.checks.len();
                    table.checks.remove(at);
                }
            }
            15 => {
                // The reverse creates a dropped table empty: rows of
                // another table that referenced it would fail the foreign
                // key the reverse adds back.
                let table = &b.tables[at];
                let referenced_by_another = |schema: &Schema, name: &str| {
                    schema.tables.iter().any(|other| {
                        other.name != name
                            && other
                                .foreign_keys
                                .iter()
                                .any(|foreign_key| foreign_key.referenced_table == name)
                    })
                };
                let a_name = origin_table(a, table).map(|from| from.name.clone());
                if referenced_by_another(b, &table.name)
                    || a_name.is_some_and(|name| referenced_by_another(a, &name))
                {
                    return;
                }
                let name = b.tables[at].name.clone();
                b.tables.remove(at);
                for table in &mut b.tables {
                    table
                        .foreign_keys
                        .retain(|foreign_key| foreign_key.referenced_table != name);
                }
            }
            16 => {
                let old = b.tables[at].name.clone();
                let new = self.name(&TABLE_WORDS, choice % 3 == 0, "t");
                let table = &mut b.tables[at];
                if table.renamed_from.is_none() && a.table(&old).is_some() {
                    table.renamed_from = Some(old.clone());
                }
                table.name.clone_from(&new);
                for table in &mut b.tables {
                    for foreign_key in &mut table.foreign_keys {
                        if foreign_key.referenced_table == old {
                            foreign_key.referenced_table.clone_from(&new);
                        }
                    }
                }
            }
            _ => {
                // Comments: SQLite keeps none.
                if kind == BackendKind::Sqlite {
                    return;
                }
                let comment = self.comment();
                let table = &mut b.tables[at];
                let toggle = |old: &Option<String>| match old {
                    Some(_) => None,
                    None => Some(comment.clone()),
                };
                if choice % 2 == 0 {
                    table.comment = toggle(&table.comment);
                } else {
                    let count = table.columns.len();
                    let column = &mut table.columns[item % count];
                    column.comment = toggle(&column.comment);
                }
            }
        }
    }

    fn add_table(&mut self, b: &mut Schema, edit: RawEdit) {
        let raw = RawTable {
            columns: vec![
                RawColumn {
                    ty: edit.table,
                    nullable: false,
                    default: None,
                    comment: false,
                    reserved: false,
                },
                RawColumn {
                    ty: edit.item,
                    nullable: edit.choice % 2 == 0,
                    default: Some(edit.choice),
                    comment: false,
                    reserved: edit.choice % 7 == 0,
                },
            ],
            key: 1,
            identity: edit.choice % 3 == 0,
            uniques: Vec::new(),
            indexes: vec![(1, 0, false)],
            checks: Vec::new(),
            foreign_keys: Vec::new(),
            comment: false,
            reserved: edit.choice % 5 == 0,
        };
        let mut table = self.table(&raw);
        if edit.choice % 2 == 1 && !b.tables.is_empty() {
            let target = b.tables[edit.item as usize % b.tables.len()].clone();
            self.add_foreign_key_columns(
                &mut table,
                &target,
                edit.choice / 4,
                edit.choice / 16,
                true,
            );
        }
        b.tables.push(table);
    }

    /// A foreign key from an existing column of A of the same type as the
    /// target's key column of A (each row's values match the target row
    /// with the same number), or from new columns that are NULL in every
    /// row.
    fn edit_add_foreign_key(&mut self, a: &Schema, b: &mut Schema, at: usize, edit: RawEdit) {
        let kind = self.kind;
        let target = b.tables[edit.choice as usize % b.tables.len()].clone();
        let Some(key) = referenceable_key(&target) else {
            return;
        };
        let table = &b.tables[at];
        // Both columns hold A's values of one type, row by row.
        let type_in_a = |table: &Table, column: &Column| {
            origin(a, table, column).map(|(_, column)| column.ty.clone())
        };
        let existing: Vec<String> = match key.as_slice() {
            [only] => {
                let referenced = target.find_column(only);
                let referenced_in_a = referenced.and_then(|column| type_in_a(&target, column));
                table
                    .columns
                    .iter()
                    .filter(|column| Some(&column.ty) == referenced.map(|column| &column.ty))
                    .filter(|column| {
                        referenced_in_a.is_some() && type_in_a(table, column) == referenced_in_a
                    })
                    .filter(|column| !column.identity)
                    // (MariaDB: no foreign key on a checked column, as in
                    // `add_check`.)
                    .filter(|column| {
                        kind != BackendKind::Mysql
                            || !table.checks.iter().any(|check| {
                                check.expression == check_expression(kind, &column.name)
                            })
                    })
                    .filter(|column| !(table.name == target.name && column.name == *only))
                    .map(|column| column.name.clone())
                    .collect()
            }
            _ => Vec::new(),
        };
        let table = &mut b.tables[at];
        if existing.is_empty() {
            self.add_foreign_key_columns(table, &target, edit.item, edit.item / 4, true);
        } else {
            let column = existing[edit.item as usize % existing.len()].clone();
            self.add_foreign_key(table, &target, vec![column], key, edit.item, edit.item / 4);
        }
    }
}

/// The columns B adds to a table of A that get their default in every
/// row: no unique key or check (`-1` fails `>= 0`) goes on them.
fn same_in_every_row(a: &Schema, table: &Table) -> Vec<String> {
    if origin_table(a, table).is_none() {
        return Vec::new();
    }
    table
        .columns
        .iter()
        .filter(|column| column.default.is_some() && origin(a, table, column).is_none())
        .map(|column| column.name.clone())
        .collect()
}

/// One or two key-typed columns of the table, picked by `first` and
/// `second` (`second` may pick none), none of them `excluded`.
fn key_columns(
    kind: BackendKind,
    table: &Table,
    first: u8,
    second: u8,
    excluded: &[String],
) -> Option<Vec<String>> {
    let keyable = key_types(kind);
    let candidates: Vec<&str> = table
        .columns
        .iter()
        .filter(|column| keyable.contains(&column.ty) && !excluded.contains(&column.name))
        .map(|column| column.name.as_str())
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let first = candidates[first as usize % candidates.len()];
    let mut columns = vec![first.to_owned()];
    let second = second as usize % (candidates.len() + 1);
    if second > 0 && candidates[second - 1] != first {
        columns.push(candidates[second - 1].to_owned());
    }
    Some(columns)
}

/// The columns a foreign key to this table may reference: its primary key,
/// or else its first unique constraint.
/// When a foreign key is checked, picked by `pick`: not deferrable, or
/// deferrable initially immediate or deferred where the database has
/// deferrable keys (not MySQL).
fn deferral(kind: BackendKind, pick: u8) -> Option<Deferral> {
    match pick % 3 {
        _ if kind == BackendKind::Mysql => None,
        0 => None,
        1 => Some(Deferral::InitiallyImmediate),
        _ => Some(Deferral::InitiallyDeferred),
    }
}

fn referenceable_key(table: &Table) -> Option<Vec<String>> {
    table
        .primary_key
        .as_ref()
        .map(|key| key.columns.clone())
        .or_else(|| table.uniques.first().map(|unique| unique.columns.clone()))
}

fn in_primary_key(table: &Table, column: &str) -> bool {
    table
        .primary_key
        .as_ref()
        .is_some_and(|key| key.columns.iter().any(|name| name == column))
}

fn indexed(table: &Table, column: &str) -> bool {
    let named = |columns: &[String]| columns.iter().any(|name| name == column);
    table
        .primary_key
        .as_ref()
        .is_some_and(|key| named(&key.columns))
        || table.uniques.iter().any(|unique| named(&unique.columns))
        || table
            .indexes
            .iter()
            .any(|index| index.column_names().any(|name| name == column) || named(&index.include))
}

/// Whether a column is in a unique constraint, a unique index or a check.
fn constrained(kind: BackendKind, table: &Table, column: &str) -> bool {
    let named = |columns: &[String]| columns.iter().any(|name| name == column);
    table.uniques.iter().any(|unique| named(&unique.columns))
        || table
            .indexes
            .iter()
            .any(|index| index.unique && index.column_names().any(|name| name == column))
        || table
            .checks
            .iter()
            .any(|check| check.expression == check_expression(kind, column))
}

/// Whether a foreign key of `schema` references exactly these columns of
/// `table`.
fn referenced(schema: &Schema, table: &Table, columns: &[String]) -> bool {
    schema.tables.iter().any(|other| {
        other.foreign_keys.iter().any(|foreign_key| {
            foreign_key.referenced_table == table.name && foreign_key.referenced_columns == columns
        })
    })
}

/// Whether a column is on either end of a foreign key in `schema`.
fn in_foreign_key(schema: &Schema, table: &str, column: &str) -> bool {
    schema.tables.iter().any(|other| {
        other.foreign_keys.iter().any(|foreign_key| {
            (other.name == table && foreign_key.columns.iter().any(|name| name == column))
                || (foreign_key.referenced_table == table
                    && foreign_key
                        .referenced_columns
                        .iter()
                        .any(|name| name == column))
        })
    })
}

/// Whether a column of B is on either end of a foreign key, in B or (as the
/// column it comes from) in A: its type must then match on both ends.
fn foreign_key_involved(a: &Schema, b: &Schema, table: &Table, column: &Column) -> bool {
    in_foreign_key(b, &table.name, &column.name)
        || origin(a, table, column)
            .is_some_and(|(table, column)| in_foreign_key(a, &table.name, &column.name))
}

/// The table of A that a table of B comes from.
fn origin_table<'a>(a: &'a Schema, table: &Table) -> Option<&'a Table> {
    a.table(table.renamed_from.as_deref().unwrap_or(&table.name))
}

/// The table and column of A that a column of B comes from.
fn origin<'a>(a: &'a Schema, table: &Table, column: &Column) -> Option<(&'a Table, &'a Column)> {
    let table = origin_table(a, table)?;
    let column = table.find_column(column.renamed_from.as_deref().unwrap_or(&column.name))?;
    Some((table, column))
}

fn drop_column(kind: BackendKind, table: &mut Table, name: &str) {
    let named = |columns: &[String]| columns.iter().any(|column| column == name);
    table.columns.retain(|column| column.name != name);
    table.uniques.retain(|unique| !named(&unique.columns));
    table.indexes.retain(|index| {
        !index.column_names().any(|column| column == name) && !named(&index.include)
    });
    table
        .checks
        .retain(|check| check.expression != check_expression(kind, name));
    table
        .foreign_keys
        .retain(|foreign_key| !named(&foreign_key.columns));
}

/// Renames a column of `b.tables[at]` everywhere B names it, with a
/// `renamed_from` hint when it is a column of A.
fn rename_column(kind: BackendKind, a: &Schema, b: &mut Schema, at: usize, old: &str, new: &str) {
    let rename = |columns: &mut Vec<String>| {
        for column in columns.iter_mut() {
            if column == old {
                *column = new.to_owned();
            }
        }
    };
    let table_name = b.tables[at].name.clone();
    let from_a = {
        let table = &b.tables[at];
        table
            .find_column(old)
            .and_then(|column| origin(a, table, column))
            .is_some()
    };
    let table = &mut b.tables[at];
    for column in &mut table.columns {
        if column.name == old {
            if column.renamed_from.is_none() && from_a {
                column.renamed_from = Some(old.to_owned());
            }
            column.name = new.to_owned();
        }
    }
    if let Some(key) = &mut table.primary_key {
        rename(&mut key.columns);
    }
    for unique in &mut table.uniques {
        rename(&mut unique.columns);
    }
    for index in &mut table.indexes {
        for part in &mut index.parts {
            if *part == IndexPart::Column(old.to_owned()) {
                *part = IndexPart::Column(new.to_owned());
            }
        }
        rename(&mut index.include);
    }
    for check in &mut table.checks {
        if check.expression == check_expression(kind, old) {
            check.expression = check_expression(kind, new);
        }
    }
    for foreign_key in &mut table.foreign_keys {
        rename(&mut foreign_key.columns);
    }
    for table in &mut b.tables {
        for foreign_key in &mut table.foreign_keys {
            if foreign_key.referenced_table == table_name {
                rename(&mut foreign_key.referenced_columns);
            }
        }
    }
}

/// The schema as the backend reads it back: MySQL's and SQLite's enums are
/// inline, named after their column.
fn canonical(kind: BackendKind, mut schema: Schema) -> Schema {
    if kind != BackendKind::Postgres {
        for table in &mut schema.tables {
            for column in &mut table.columns {
                if let SqlType::Enum { name, .. } = &mut column.ty {
                    name.clone_from(&column.name);
                }
            }
        }
    }
    schema
}

// ---------------------------------------------------------------------------
// Rows: row `i` of every table holds value `i` of each column's type, so
// keys are unique and a foreign key's row `i` references the target's row
// `i`. A nullable column is NULL in some rows, unless B needs a value there.

/// Value `row` of a type, as an SQL literal.
fn literal(kind: BackendKind, ty: &SqlType, row: usize) -> String {
    use SqlType::*;
    let string = |value: &str| kind.backend().string_literal(value);
    match ty {
        SmallInt | Integer | BigInt | UnsignedSmallInt | UnsignedInteger | UnsignedBigInt
        | TinyInt | UnsignedTinyInt | MediumInt | UnsignedMediumInt => format!("{}", 10 + row),
        TinyText | MediumText | LongText => string(&format!("v{row}")),
        TinyBlob | MediumBlob | LongBlob => format!("X'{row:02x}FF'"),
        Bit(length) => format!("B'{:0width$b}'", row + 1, width = *length as usize),
        Year => format!("{}", 2000 + row),
        Set { values } => string(&values[row % values.len()]),
        Real | Double => format!("{}.5", row),
        Numeric {
            scale: Some(_) | None,
            precision: Some(6),
        } => format!("{row}"),
        Numeric { .. } => format!("{row}.25"),
        Boolean => if row % 2 == 0 { "TRUE" } else { "FALSE" }.into(),
        Text | Varchar(_) | VarcharUnbounded => string(&format!("v{row}")),
        Char(length) => string(&format!(
            "{:z<width$}",
            format!("v{row}"),
            width = *length as usize
        )),
        Binary => match kind {
            BackendKind::Postgres => format!("'\\x{row:02x}ff'::bytea"),
            _ => format!("X'{row:02x}FF'"),
        },
        Date => string(&format!("2024-01-{:02}", row + 1)),
        Time | TimeWithPrecision(_) => string(&format!("03:04:{:02}", row)),
        Timestamp | TimestampTz | TimestampWithPrecision(_) | TimestampTzWithPrecision(_) => {
            string(&format!("2024-01-02 03:04:{:02}", row))
        }
        Uuid => string(&format!("00000000-0000-0000-0000-{row:012}")),
        Json => string(&format!("{{\"k\": {row}}}")),
        Enum { values, .. } => string(&values[row % values.len()]),
        Custom(_) | TsVector | TsQuery => string(&format!("w{row}")),
        IntervalFields { .. } => string(&format!("{row} days")),
        Range(_) => string(&format!("[{row},{})", row + 1)),
        MultiRange(_) => string(&format!("{{[2024-01-{:02},2024-02-01)}}", row + 1)),
        Interval => string(&format!("{row} days")),
        Inet => string(&format!("10.0.0.{row}")),
        Cidr => string(&format!("10.{row}.0.0/16")),
        MacAddr => string(&format!("08:00:2b:01:02:{row:02x}")),
        Array(element) => format!(
            "ARRAY[{}]::{}",
            literal(kind, element, row),
            kind.backend().type_sql(ty)
        ),
        other => panic!("no values for {other:?}: add them here"),
    }
}

/// The values of A's rows, by table of A: per row, per column, a literal or
/// `None` for NULL.
type Rows = Vec<(String, Vec<String>, Vec<Vec<Option<String>>>)>;

fn rows_for(kind: BackendKind, case: &Case) -> Rows {
    // Columns of A that must hold a value in every row: B makes them NOT
    // NULL, or a foreign key (in A or B) references them.
    let mut needs_value: BTreeSet<(String, String)> = BTreeSet::new();
    for table in &case.a.tables {
        for foreign_key in &table.foreign_keys {
            for column in &foreign_key.referenced_columns {
                needs_value.insert((foreign_key.referenced_table.clone(), column.clone()));
            }
        }
    }
    for table in &case.b.tables {
        for column in &table.columns {
            if let Some((from_table, from_column)) = origin(&case.a, table, column) {
                if !column.nullable {
                    needs_value.insert((from_table.name.clone(), from_column.name.clone()));
                }
            }
        }
        for foreign_key in &table.foreign_keys {
            let Some(target) = case.b.table(&foreign_key.referenced_table) else {
                continue;
            };
            for name in &foreign_key.referenced_columns {
                let column = target.find_column(name);
                if let Some((from_table, from_column)) =
                    column.and_then(|column| origin(&case.a, target, column))
                {
                    needs_value.insert((from_table.name.clone(), from_column.name.clone()));
                }
            }
        }
    }
    case.a
        .tables
        .iter()
        .enumerate()
        .map(|(table_at, table)| {
            let columns = table.columns.iter().map(|c| c.name.clone()).collect();
            let rows = (0..case.rows)
                .map(|row| {
                    table
                        .columns
                        .iter()
                        .enumerate()
                        .map(|(column_at, column)| {
                            let spin = case.nulls as usize + table_at * 31 + column_at * 7 + row;
                            let null = column.nullable
                                && !needs_value
                                    .contains(&(table.name.clone(), column.name.clone()))
                                && spin % 3 == 0;
                            (!null).then(|| literal(kind, &column.ty, row))
                        })
                        .collect()
                })
                .collect();
            (table.name.clone(), columns, rows)
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Running it on a database.

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// What the property needs from a connection beyond [`TestBackend`].
pub(crate) trait PropertyBackend: TestBackend {
    /// A connection to an empty database, for one case.
    fn fresh(db: &TestDatabase<Self>, case: u32) -> Result<Self, String>;

    /// Reads a count.
    fn count(&mut self, sql: &str) -> Result<i64, String>;

    /// The statements around inserts that must not check foreign keys
    /// (rows referencing rows of a later table, or of a cycle).
    fn without_foreign_key_checks() -> (&'static str, &'static str);
}

macro_rules! count_by_sql_query {
    () => {
        fn count(&mut self, sql: &str) -> Result<i64, String> {
            diesel::sql_query(sql)
                .get_result::<Counted>(self)
                .map(|counted| counted.n)
                .map_err(|error| format!("{sql}: {error}"))
        }
    };
}

#[cfg(feature = "postgres")]
impl PropertyBackend for diesel::PgConnection {
    count_by_sql_query!();

    fn fresh(db: &TestDatabase<Self>, _case: u32) -> Result<Self, String> {
        let mut conn = db.connect();
        conn.batch_execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            .map_err(|error| format!("resetting the schema: {error}"))?;
        Ok(conn)
    }

    fn without_foreign_key_checks() -> (&'static str, &'static str) {
        (
            "SET session_replication_role = replica",
            "SET session_replication_role = DEFAULT",
        )
    }
}

#[cfg(feature = "mysql")]
impl PropertyBackend for diesel::MysqlConnection {
    count_by_sql_query!();

    fn fresh(db: &TestDatabase<Self>, _case: u32) -> Result<Self, String> {
        let mut conn = db.connect();
        conn.batch_execute(&format!(
            "DROP DATABASE `{0}`; \
             CREATE DATABASE `{0}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; \
             USE `{0}`",
            db.name
        ))
        .map_err(|error| format!("re-creating the database: {error}"))?;
        Ok(conn)
    }

    fn without_foreign_key_checks() -> (&'static str, &'static str) {
        ("SET FOREIGN_KEY_CHECKS = 0", "SET FOREIGN_KEY_CHECKS = 1")
    }
}

#[cfg(feature = "sqlite")]
impl PropertyBackend for diesel::SqliteConnection {
    count_by_sql_query!();

    fn fresh(db: &TestDatabase<Self>, case: u32) -> Result<Self, String> {
        // A new file beside the test's, removed with its directory.
        let url = format!("{}.case{case}", db.url);
        Self::establish(&url).map_err(|error| format!("opening {url}: {error}"))
    }

    fn without_foreign_key_checks() -> (&'static str, &'static str) {
        ("PRAGMA foreign_keys = OFF", "PRAGMA foreign_keys = ON")
    }
}

/// Renders `diff(from, to)` and applies it; returns the diff.
fn migrate<C: PropertyBackend>(
    conn: &mut C,
    from: &Schema,
    to: &Schema,
    step: &str,
) -> Result<retort::Diff, TestCaseError> {
    let up = diff(from, to);
    run_diff(conn, &up, step)?;
    Ok(up)
}

fn run_diff<C: PropertyBackend>(
    conn: &mut C,
    diff: &retort::Diff,
    step: &str,
) -> Result<(), TestCaseError> {
    let statements = render(diff, C::BACKEND.backend())
        .map_err(|error| fail(format!("{step}: rendering {diff:#?}: {error}")))?;
    try_apply_statements(conn, &statements).map_err(|error| {
        fail(format!(
            "{step}: applying {statements:#?} failed: {error}\nops: {:#?}",
            diff.ops()
        ))
    })
}

fn fail(message: String) -> TestCaseError {
    TestCaseError::fail(message)
}

/// `introspect` reads back exactly `expected`.
fn expect_schema<C: PropertyBackend>(
    conn: &mut C,
    expected: &Schema,
    step: &str,
) -> Result<(), TestCaseError> {
    let actual =
        retort::introspect(conn).map_err(|error| fail(format!("{step}: introspect: {error}")))?;
    if actual == *expected {
        return Ok(());
    }
    let mut differing = String::new();
    for table in &expected.tables {
        let found = actual.table(&table.name);
        if found != Some(table) {
            differing.push_str(&format!(
                "\ntable {}:\n  expected {table:?}\n  read     {found:?}",
                table.name
            ));
        }
    }
    for table in &actual.tables {
        if expected.table(&table.name).is_none() {
            differing.push_str(&format!("\nunexpected table {table:?}"));
        }
    }
    Err(fail(format!(
        "{step}: introspect differs from the schema;{differing}\n\
         diff(expected, read) = {:#?}",
        diff(expected, &actual).ops()
    )))
}

fn insert_rows<C: PropertyBackend>(conn: &mut C, rows: &Rows) -> Result<(), TestCaseError> {
    let backend = C::BACKEND.backend();
    let (off, on) = C::without_foreign_key_checks();
    let mut statements = vec![off.to_owned()];
    for (table, columns, values) in rows {
        if values.is_empty() {
            continue;
        }
        let columns: Vec<String> = columns
            .iter()
            .map(|column| backend.quote_identifier(column))
            .collect();
        let tuples: Vec<String> = values
            .iter()
            .map(|row| {
                let row: Vec<&str> = row
                    .iter()
                    .map(|value| value.as_deref().unwrap_or("NULL"))
                    .collect();
                format!("({})", row.join(", "))
            })
            .collect();
        statements.push(format!(
            "INSERT INTO {} ({}) VALUES {}",
            backend.quote_identifier(table),
            columns.join(", "),
            tuples.join(", ")
        ));
    }
    statements.push(on.to_owned());
    for statement in &statements {
        conn.execute(statement)
            .map_err(|error| fail(format!("inserting rows: {statement}: {error}")))?;
    }
    Ok(())
}

/// A table of A that B keeps, with the columns B keeps.
struct Kept {
    /// Its name in A and in B.
    names: (String, String),
    /// Each kept column's name in A and in B.
    columns: Vec<(String, String)>,
}

fn kept(a: &Schema, b: &Schema) -> Vec<Kept> {
    b.tables
        .iter()
        .filter_map(|table| {
            let from = origin_table(a, table)?;
            let columns = table
                .columns
                .iter()
                .filter_map(|column| {
                    let (_, from_column) = origin(a, table, column)?;
                    Some((from_column.name.clone(), column.name.clone()))
                })
                .collect();
            Some(Kept {
                names: (from.name.clone(), table.name.clone()),
                columns,
            })
        })
        .collect()
}

/// Which schema's names to check the values under.
#[derive(Clone, Copy)]
enum Side {
    A,
    B,
}

/// Every row of A is still in each kept table, with the same values in
/// every kept column.
fn expect_values<C: PropertyBackend>(
    conn: &mut C,
    kept: &[Kept],
    side: Side,
    rows: &Rows,
    step: &str,
) -> Result<(), TestCaseError> {
    let backend = C::BACKEND.backend();
    let pick = |(a, b): &(String, String)| match side {
        Side::A => a.clone(),
        Side::B => b.clone(),
    };
    for table in kept {
        let Some((_, a_columns, values)) = rows.iter().find(|(name, _, _)| *name == table.names.0)
        else {
            continue;
        };
        // (column's name on this side, its position in A's rows)
        let columns: Vec<(String, usize)> = table
            .columns
            .iter()
            .filter_map(|names| {
                let at = a_columns.iter().position(|name| *name == names.0)?;
                Some((pick(names), at))
            })
            .collect();
        let quoted_table = backend.quote_identifier(&pick(&table.names));
        let total = conn
            .count(&format!("SELECT COUNT(*) AS n FROM {quoted_table}"))
            .map_err(|error| fail(format!("{step}: {error}")))?;
        if total != values.len() as i64 {
            return Err(fail(format!(
                "{step}: table {quoted_table} has {total} rows, A had {}",
                values.len()
            )));
        }
        if columns.is_empty() {
            continue;
        }
        for row in values {
            let conditions: Vec<String> = columns
                .iter()
                .map(|(column, at)| {
                    let column = backend.quote_identifier(column);
                    match &row[*at] {
                        Some(value) => format!("{column} = {value}"),
                        None => format!("{column} IS NULL"),
                    }
                })
                .collect();
            let same =
                |other: &&Vec<Option<String>>| columns.iter().all(|(_, at)| other[*at] == row[*at]);
            let expected = values.iter().filter(same).count() as i64;
            let sql = format!(
                "SELECT COUNT(*) AS n FROM {quoted_table} WHERE {}",
                conditions.join(" AND ")
            );
            let found = conn
                .count(&sql)
                .map_err(|error| fail(format!("{step}: {error}")))?;
            if found != expected {
                return Err(fail(format!(
                    "{step}: {sql} found {found} rows, expected {expected}"
                )));
            }
        }
    }
    Ok(())
}

fn property<C: PropertyBackend>(conn: &mut C, case: &Case) -> Result<(), TestCaseError> {
    let kind = C::BACKEND;
    migrate(conn, &Schema::default(), &case.a, "creating A from empty")?;
    expect_schema(conn, &case.a, "after creating A")?;
    let rows = rows_for(kind, case);
    insert_rows(conn, &rows)?;

    let kept = kept(&case.a, &case.b);
    let up = migrate(conn, &case.a, &case.b, "diff(A, B)")?;
    expect_schema(conn, &case.b, "after diff(A, B)")?;
    expect_values(conn, &kept, Side::B, &rows, "after diff(A, B)")?;

    run_diff(conn, &up.reverse(), "diff(A, B).reverse()")?;
    expect_schema(conn, &case.a, "after the reverse")?;
    expect_values(conn, &kept, Side::A, &rows, "after the reverse")?;
    Ok(())
}

/// A property test runner's settings: `default_cases` cases, or what
/// `RETORT_PROPTEST_CASES` or `PROPTEST_CASES` asks for; failures saved
/// in `regressions` and replayed first. Each case runs DDL on a server:
/// shrink for a while, not forever.
pub(crate) fn runner_config(
    default_cases: u32,
    regressions: &'static str,
    source_file: &'static str,
) -> Config {
    let cases = ["RETORT_PROPTEST_CASES", "PROPTEST_CASES"]
        .iter()
        .find_map(|name| std::env::var(name).ok()?.parse().ok())
        .unwrap_or(default_cases);
    Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(regressions))),
        source_file: Some(source_file),
        max_shrink_iters: 512,
        ..Config::default()
    }
}

fn regressions_file(kind: BackendKind) -> &'static str {
    match kind {
        BackendKind::Postgres => "tests/proptest-regressions/diff_properties_postgres.txt",
        BackendKind::Mysql => "tests/proptest-regressions/diff_properties_mysql.txt",
        BackendKind::Sqlite => "tests/proptest-regressions/diff_properties_sqlite.txt",
    }
}

fn diff_round_trips_keep_schema_and_values<C: PropertyBackend>(db: &TestDatabase<C>) {
    let config = runner_config(64, regressions_file(C::BACKEND), file!());
    let mut runner = TestRunner::new(config);
    let counter = std::sync::atomic::AtomicU32::new(0);
    let result = runner.run(&case_strategy(C::BACKEND), |case| {
        let number = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut conn = C::fresh(db, number).map_err(fail)?;
        property(&mut conn, &case)
    });
    if let Err(error) = result {
        panic!("{}: {error}", C::NAME);
    }
}

backend_tests!(diff_round_trips_keep_schema_and_values);
