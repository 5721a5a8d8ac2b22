//! Keys, indexes and constraints.
//!
//! Names are optional where a database may not keep them (SQLite forgets the
//! names of foreign keys; MySQL calls every primary key `PRIMARY`); indexes
//! always have one.

use serde::{Deserialize, Serialize};

/// A table's primary key.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PrimaryKey {
    /// The constraint's name, where the database keeps one.
    pub name: Option<String>,
    /// The key's columns, in key order.
    pub columns: Vec<String>,
    /// Whether the key is `DEFERRABLE`, and when it is checked then;
    /// `None` for a key checked after each statement. Only PostgreSQL has
    /// deferrable primary keys; MySQL, MariaDB and SQLite refuse a schema
    /// that asks for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferrable: Option<Deferral>,
}

impl PrimaryKey {
    /// Makes the key deferrable, checked as `deferral` says, so that a
    /// transaction may swap two rows' keys and have uniqueness checked
    /// at the end. PostgreSQL refuses a foreign key that references a
    /// deferrable key, so no other table may reference this one.
    pub fn deferrable(mut self, deferral: Deferral) -> Self {
        self.deferrable = Some(deferral);
        self
    }
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

/// How one key part of an index sorts and compares: what `CREATE INDEX`
/// writes after the column or expression. The default is what a bare
/// column gets: its own collation, the type's default operator class,
/// ascending, nulls where the direction puts them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IndexKeyOptions {
    /// `COLLATE`, when not the column's own collation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// The operator class (`text_pattern_ops`, `gin_trgm_ops`), when not the
    /// default for the type (PostgreSQL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_class: Option<String>,
    /// `DESC`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub descending: bool,
    /// `NULLS FIRST` (`Some(true)`) or `NULLS LAST` (`Some(false)`);
    /// `None` for the direction's default (PostgreSQL: last when
    /// ascending, first when descending).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nulls_first: Option<bool>,
}

impl IndexKeyOptions {
    /// The same options with `nulls_first` left out where it is the
    /// direction's default, so two spellings of one key compare equal.
    fn normalized(&self) -> IndexKeyOptions {
        IndexKeyOptions {
            nulls_first: self.nulls_first.filter(|&first| first != self.descending),
            ..self.clone()
        }
    }

    /// Whether these are the options a bare column gets.
    pub fn is_default(&self) -> bool {
        self.normalized() == IndexKeyOptions::default()
    }
}

/// An index. Unique indexes that back a unique constraint are listed as
/// [`UniqueConstraint`]s instead.
///
/// Equality is semantic: `btree` is the default method, key options that
/// are all default equal no options, and `NULLS LAST` on an ascending key
/// equals saying nothing.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Index {
    /// The index's name.
    pub name: String,
    /// The key, in order.
    pub parts: Vec<IndexPart>,
    /// Whether the index enforces uniqueness.
    pub unique: bool,
    /// The `WHERE` clause of a partial index, as the database's text.
    pub predicate: Option<String>,
    /// The access method, as the database names it: `gin`, `gist`, `hash`,
    /// `brin`, `spgist` (PostgreSQL), `fulltext`, `spatial` (MySQL); `None`
    /// for the default B-tree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Per key part, at the same place as in `parts`: collation, operator
    /// class, order. Empty (or shorter than `parts`) where every remaining
    /// part has the default options.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_options: Vec<IndexKeyOptions>,
    /// `INCLUDE` columns, stored in the index but not part of its key
    /// (PostgreSQL).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// `NULLS NOT DISTINCT`: a unique index that treats nulls as equal
    /// (PostgreSQL 15).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nulls_not_distinct: bool,
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
            ..Index::default()
        }
    }

    /// Makes the index unique.
    pub fn unique(mut self) -> Self {
        self.unique = true;
        self
    }

    /// Uses the access method `method` (`gin`, `gist`, `fulltext`, ...).
    pub fn using(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    /// Gives the key part at `at` (0 for the first) these options.
    pub fn key(mut self, at: usize, options: IndexKeyOptions) -> Self {
        if self.key_options.len() <= at {
            self.key_options.resize(at + 1, IndexKeyOptions::default());
        }
        self.key_options[at] = options;
        self
    }

    /// Gives every key part the operator class `class` (`gin_trgm_ops`).
    pub fn operator_class(mut self, class: &str) -> Self {
        self.key_options
            .resize(self.parts.len(), IndexKeyOptions::default());
        for options in &mut self.key_options {
            options.operator_class = Some(class.to_owned());
        }
        self
    }

    /// Adds `INCLUDE` columns.
    pub fn include<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.include.extend(columns.into_iter().map(Into::into));
        self
    }

    /// Makes the index treat nulls as equal (`NULLS NOT DISTINCT`).
    pub fn nulls_not_distinct(mut self) -> Self {
        self.nulls_not_distinct = true;
        self
    }

    /// The names of the key's columns, skipping expressions.
    pub fn column_names(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|part| match part {
            IndexPart::Column(name) => Some(name.as_str()),
            IndexPart::Expression(_) => None,
        })
    }

    /// The options of the key part at `at`: the default when none are set.
    pub fn key_options_at(&self, at: usize) -> IndexKeyOptions {
        self.key_options.get(at).cloned().unwrap_or_default()
    }

    /// Whether every key part has the default options.
    pub fn has_default_key_options(&self) -> bool {
        self.key_options.iter().all(IndexKeyOptions::is_default)
    }

    /// The access method, lowercase, `None` for the default B-tree.
    pub fn method_name(&self) -> Option<String> {
        self.method
            .as_deref()
            .map(str::to_ascii_lowercase)
            .filter(|method| method != "btree")
    }

    /// What equality compares: the key options normalized, one per part,
    /// and the method as [`Index::method_name`].
    fn compared(&self) -> impl PartialEq + std::hash::Hash + '_ {
        let options: Vec<IndexKeyOptions> = (0..self.parts.len().max(self.key_options.len()))
            .map(|at| self.key_options_at(at).normalized())
            .collect();
        (
            (&self.name, &self.parts, self.unique, &self.predicate),
            self.method_name(),
            options,
            (&self.include, self.nulls_not_distinct),
        )
    }
}

impl PartialEq for Index {
    fn eq(&self, other: &Self) -> bool {
        self.compared() == other.compared()
    }
}

impl Eq for Index {}

impl std::hash::Hash for Index {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.compared().hash(state);
    }
}

/// A `UNIQUE` constraint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UniqueConstraint {
    /// The constraint's name, where the database keeps one.
    pub name: Option<String>,
    /// The constrained columns, in order.
    pub columns: Vec<String>,
    /// Whether the constraint is `DEFERRABLE`, and when it is checked
    /// then; `None` for one checked after each statement. Only
    /// PostgreSQL has deferrable unique constraints; MySQL, MariaDB and
    /// SQLite refuse a schema that asks for one. (PostgreSQL lets no
    /// foreign key reference a deferrable one.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferrable: Option<Deferral>,
}

impl UniqueConstraint {
    /// Makes the constraint deferrable, checked as `deferral` says.
    pub fn deferrable(mut self, deferral: Deferral) -> Self {
        self.deferrable = Some(deferral);
        self
    }
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

/// When a deferrable constraint is checked: `DEFERRABLE` and its
/// `INITIALLY` clause (PostgreSQL; SQLite on foreign keys). A constraint
/// that is not deferrable is checked after each statement, and no
/// transaction can put that off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Deferral {
    /// `DEFERRABLE INITIALLY IMMEDIATE` (or `DEFERRABLE` alone): checked
    /// after each statement, unless a transaction says `SET CONSTRAINTS
    /// ... DEFERRED` (PostgreSQL). SQLite accepts it and checks such a
    /// key after each statement, as one that is not deferrable.
    InitiallyImmediate,
    /// `DEFERRABLE INITIALLY DEFERRED`: checked when the transaction
    /// commits, so it may insert a child row before its parent.
    InitiallyDeferred,
}

impl Deferral {
    /// The clause as retort writes it after the constraint: `DEFERRABLE`
    /// or `DEFERRABLE INITIALLY DEFERRED`.
    pub fn as_sql(self) -> &'static str {
        match self {
            Deferral::InitiallyImmediate => "DEFERRABLE",
            Deferral::InitiallyDeferred => "DEFERRABLE INITIALLY DEFERRED",
        }
    }
}

/// A `FOREIGN KEY` constraint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    /// Whether the key is `DEFERRABLE`, and when it is checked then;
    /// `None` for a key checked after each statement. PostgreSQL and
    /// SQLite have deferrable keys; MySQL and MariaDB refuse a schema that
    /// asks for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferrable: Option<Deferral>,
}

impl ForeignKey {
    /// Makes the key deferrable, checked as `deferral` says.
    pub fn deferrable(mut self, deferral: Deferral) -> Self {
        self.deferrable = Some(deferral);
        self
    }
}

/// An exclusion constraint (PostgreSQL): no two rows may match each other
/// under every operator of the definition (`EXCLUDE USING gist (room WITH
/// =, during WITH &&)`: no two bookings of one room overlap). Kept as the
/// database prints it (`pg_get_constraintdef`), with its `WHERE` and
/// `DEFERRABLE` if any; autogenerate takes the database's spelling of a
/// definition that differs only in spacing, quoting, parentheses and
/// letter case.
///
/// ```
/// use retort_core::schema::ExclusionConstraint;
///
/// let no_overlap = ExclusionConstraint::new(
///     "bookings_no_overlap",
///     "EXCLUDE USING gist (room WITH =, during WITH &&)",
/// );
/// assert_eq!(no_overlap.name, "bookings_no_overlap");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ExclusionConstraint {
    /// The constraint's name.
    pub name: String,
    /// `EXCLUDE USING method (element WITH operator, ...) [WHERE (...)]`.
    pub definition: String,
}

impl ExclusionConstraint {
    /// The constraint `name` with this `EXCLUDE ...` definition.
    pub fn new(name: impl Into<String>, definition: impl Into<String>) -> Self {
        ExclusionConstraint {
            name: name.into(),
            definition: definition.into(),
        }
    }
}

/// A `CHECK` constraint.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CheckConstraint {
    /// The constraint's name, where the database keeps one.
    pub name: Option<String>,
    /// The boolean SQL expression, as the database's text.
    pub expression: String,
}
