//! Keys, indexes and constraints.
//!
//! Names are optional where a database may not keep them (SQLite forgets the
//! names of foreign keys; MySQL calls every primary key `PRIMARY`); indexes
//! always have one.

use serde::{Deserialize, Serialize};

/// A table's primary key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PrimaryKey {
    /// The constraint's name, where the database keeps one.
    pub name: Option<String>,
    /// The key's columns, in key order.
    pub columns: Vec<String>,
}

/// One element of an index key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexPart {
    /// A column, by name.
    Column(String),
    /// An expression, kept as the database's text (`lower(email)`).
    Expression(String),
}

/// An index. Unique indexes that back a unique constraint are listed as
/// [`UniqueConstraint`]s instead.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Index {
    /// The index's name.
    pub name: String,
    /// The key, in order.
    pub parts: Vec<IndexPart>,
    /// Whether the index enforces uniqueness.
    pub unique: bool,
    /// The `WHERE` clause of a partial index, as the database's text.
    pub predicate: Option<String>,
}

impl Index {
    /// A plain index on columns.
    pub fn on_columns<S: Into<String>>(
        name: impl Into<String>,
        columns: impl IntoIterator<Item = S>,
    ) -> Self {
        Index {
            name: name.into(),
            parts: columns
                .into_iter()
                .map(|column| IndexPart::Column(column.into()))
                .collect(),
            unique: false,
            predicate: None,
        }
    }

    /// Makes the index unique.
    pub fn unique(mut self) -> Self {
        self.unique = true;
        self
    }

    /// The names of the key's columns, skipping expressions.
    pub fn column_names(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|part| match part {
            IndexPart::Column(name) => Some(name.as_str()),
            IndexPart::Expression(_) => None,
        })
    }
}

/// A `UNIQUE` constraint.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UniqueConstraint {
    /// The constraint's name, where the database keeps one.
    pub name: Option<String>,
    /// The constrained columns, in order.
    pub columns: Vec<String>,
}

/// What a foreign key does when the row it references is deleted or updated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferentialAction {
    /// `NO ACTION`, every database's default.
    #[default]
    NoAction,
    /// `RESTRICT`.
    Restrict,
    /// `CASCADE`.
    Cascade,
    /// `SET NULL`.
    SetNull,
    /// `SET DEFAULT`.
    SetDefault,
}

impl ReferentialAction {
    /// The action as SQL spells it (`ON DELETE <this>`).
    pub fn as_sql(self) -> &'static str {
        match self {
            ReferentialAction::NoAction => "NO ACTION",
            ReferentialAction::Restrict => "RESTRICT",
            ReferentialAction::Cascade => "CASCADE",
            ReferentialAction::SetNull => "SET NULL",
            ReferentialAction::SetDefault => "SET DEFAULT",
        }
    }
}

/// A `FOREIGN KEY` constraint.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ForeignKey {
    /// The constraint's name, where the database keeps one.
    pub name: Option<String>,
    /// The referencing columns, in order.
    pub columns: Vec<String>,
    /// The referenced table's namespace, when it is not the default one.
    pub referenced_schema: Option<String>,
    /// The referenced table.
    pub referenced_table: String,
    /// The referenced columns, matching `columns` one for one.
    pub referenced_columns: Vec<String>,
    /// `ON DELETE`.
    pub on_delete: ReferentialAction,
    /// `ON UPDATE`.
    pub on_update: ReferentialAction,
}

/// A `CHECK` constraint.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CheckConstraint {
    /// The constraint's name, where the database keeps one.
    pub name: Option<String>,
    /// The boolean SQL expression, as the database's text.
    pub expression: String,
}
