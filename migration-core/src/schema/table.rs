//! Tables.

use serde::{Deserialize, Serialize};

use super::unordered::same_elements;
use super::{
    CheckConstraint, Column, ExclusionConstraint, ForeignKey, Index, PartitionBound, PartitionKey,
    PartitionOf, PrimaryKey, SqliteTableOptions, UniqueConstraint,
};

/// One table: its columns in order, its keys, indexes and constraints.
///
/// Equality follows what the database means, not how the lists happen to be
/// ordered: columns compare in order (their order is visible to `SELECT *`),
/// while indexes, unique constraints, foreign keys and checks compare as
/// multisets. The [`renamed_from`](Table::renamed_from) hint is not compared.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Table {
    /// The table's name.
    pub name: String,
    /// The table's namespace (PostgreSQL schema, MySQL database, SQLite
    /// attached database); `None` for the connection's default.
    pub schema: Option<String>,
    /// The columns, in table order.
    pub columns: Vec<Column>,
    /// The primary key, if any.
    pub primary_key: Option<PrimaryKey>,
    /// Indexes other than those backing the primary key or a unique
    /// constraint.
    pub indexes: Vec<Index>,
    /// Unique constraints.
    pub uniques: Vec<UniqueConstraint>,
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// Check constraints.
    pub checks: Vec<CheckConstraint>,
    /// Exclusion constraints (PostgreSQL).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclusions: Vec<ExclusionConstraint>,
    /// The table's comment.
    pub comment: Option<String>,
    /// The table's default collation for its text columns (MySQL's
    /// `COLLATE = utf8mb4_bin`, which also chooses the character set), when
    /// it is not the database's default; `None` for the default. The
    /// database's own default reads back as `None`: name a collation here
    /// only where it differs, or the model never matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// The name this table had before, when it is being renamed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// The partition key of a partitioned table (PostgreSQL's `PARTITION
    /// BY`); see [`PartitionKey`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_by: Option<PartitionKey>,
    /// The parent and bounds of a partition (PostgreSQL's `PARTITION OF`).
    /// A partition's columns are its parent's: `columns` stays empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_of: Option<PartitionOf>,
    /// SQLite's `WITHOUT ROWID` and `STRICT` (see [`Table::without_rowid`]
    /// and [`Table::strict`]); ignored elsewhere.
    #[serde(default, skip_serializing_if = "SqliteTableOptions::is_default")]
    pub sqlite_options: SqliteTableOptions,
    /// MySQL's storage engine (`MyISAM`, `MEMORY`, `ARCHIVE`, ...) when it
    /// is not `InnoDB`; `None` for `InnoDB`, the default. Compared as the
    /// server spells it (`myisam` is `MyISAM`). Ignored elsewhere (see
    /// [`Table::engine`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
}

impl Table {
    /// An empty table in the default namespace.
    pub fn new(name: impl Into<String>) -> Self {
        Table {
            name: name.into(),
            ..Table::default()
        }
    }

    /// Appends a column.
    pub fn column(mut self, column: Column) -> Self {
        self.columns.push(column);
        self
    }

    /// Sets the primary key.
    pub fn primary_key(mut self, primary_key: PrimaryKey) -> Self {
        self.primary_key = Some(primary_key);
        self
    }

    /// Adds an index.
    pub fn index(mut self, index: Index) -> Self {
        self.indexes.push(index);
        self
    }

    /// Adds a unique constraint.
    pub fn unique(mut self, unique: UniqueConstraint) -> Self {
        self.uniques.push(unique);
        self
    }

    /// Adds a foreign key.
    pub fn foreign_key(mut self, foreign_key: ForeignKey) -> Self {
        self.foreign_keys.push(foreign_key);
        self
    }

    /// Adds a check constraint.
    pub fn check(mut self, check: CheckConstraint) -> Self {
        self.checks.push(check);
        self
    }

    /// Adds an exclusion constraint (PostgreSQL).
    pub fn exclusion(mut self, exclusion: ExclusionConstraint) -> Self {
        self.exclusions.push(exclusion);
        self
    }

    /// Makes the table partitioned by `key`.
    pub fn partition_by(mut self, key: PartitionKey) -> Self {
        self.partition_by = Some(key);
        self
    }

    /// Makes the table a partition of `parent` (in the same namespace)
    /// holding the rows of `bound`. Its columns are the parent's.
    pub fn partition_of(mut self, parent: impl Into<String>, bound: PartitionBound) -> Self {
        self.partition_of = Some(PartitionOf {
            parent_schema: self.schema.clone(),
            parent: parent.into(),
            bound,
        });
        self
    }

    /// Sets the table's default collation (see [`Table::collation`]).
    pub fn collation(mut self, collation: impl Into<String>) -> Self {
        self.collation = Some(collation.into());
        self
    }

    /// Stores the table with this MySQL storage engine (`ENGINE =
    /// MyISAM`) instead of `InnoDB`. A change of engine copies the table
    /// (`ALTER TABLE .. ENGINE = ..`), keeping its rows, except where the
    /// new engine keeps none (`BLACKHOLE`) or only until a restart
    /// (`MEMORY`), which autogenerate warns of.
    ///
    /// PostgreSQL and SQLite have no engines and ignore it: a model shared
    /// by several databases may set it, and it makes no change there.
    pub fn engine(mut self, engine: impl Into<String>) -> Self {
        self.engine = Some(engine.into());
        self
    }

    /// Makes the table `WITHOUT ROWID` on SQLite: its rows are stored in
    /// its primary key's B-tree, which it must have. No column of it can
    /// be an identity there (SQLite numbers rows only through the rowid):
    /// both are refused when the migration is rendered, naming the table.
    ///
    /// PostgreSQL and MySQL have no such option and ignore it: a model
    /// shared by several databases may set it, and it makes no change
    /// there.
    pub fn without_rowid(mut self) -> Self {
        self.sqlite_options.without_rowid = true;
        self
    }

    /// Makes the table `STRICT` on SQLite (3.37 and later): a value that
    /// is not of its column's type is refused instead of stored as it
    /// comes. A strict table's columns are `INTEGER`, `REAL`, `TEXT`,
    /// `BLOB` or `ANY`, so each model type is written as the one that
    /// stores what diesel writes for it: the integer types and `Boolean`
    /// as `INTEGER`, `Real` and `Double` as `REAL`, the text types, enums,
    /// dates, times, timestamps and `Json` as `TEXT`, `Binary` as `BLOB`
    /// (and read back as such). A type with no such storage (`Numeric`,
    /// `Uuid`, a custom type other than those five names, `INT` and
    /// `ANY`) is refused, naming the column: declare its storage with
    /// `SqlType::Custom("TEXT")` (`sql_type = "TEXT"` in the derive).
    ///
    /// PostgreSQL and MySQL have no such option and ignore it: a model
    /// shared by several databases may set it, and it makes no change
    /// there.
    pub fn strict(mut self) -> Self {
        self.sqlite_options.strict = true;
        self
    }

    /// The column with this name, if any.
    pub fn find_column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|column| column.name == name)
    }

    /// The namespace and name, for ordering and lookups.
    pub fn qualified_name(&self) -> (Option<&str>, &str) {
        (self.schema.as_deref(), &self.name)
    }
}

impl PartialEq for Table {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.schema == other.schema
            && self.columns == other.columns
            && self.primary_key == other.primary_key
            && self.comment == other.comment
            && self.partition_by == other.partition_by
            && self.partition_of == other.partition_of
            && self.collation == other.collation
            && self.sqlite_options == other.sqlite_options
            && self.engine == other.engine
            && same_elements(&self.indexes, &other.indexes)
            && same_elements(&self.uniques, &other.uniques)
            && same_elements(&self.foreign_keys, &other.foreign_keys)
            && same_elements(&self.checks, &other.checks)
            && same_elements(&self.exclusions, &other.exclusions)
    }
}

impl Eq for Table {}
