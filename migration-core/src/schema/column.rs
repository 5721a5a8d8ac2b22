//! Columns.

use serde::{Deserialize, Serialize};

use super::SqlType;

/// One column of a table.
///
/// Two columns are equal when every field but the [`renamed_from`] and
/// [`backfill`] hints is equal: the hints tell the diff and autogenerate
/// how to get here, they are not part of the schema's state.
///
/// [`renamed_from`]: Column::renamed_from
/// [`backfill`]: Column::backfill
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Column {
    /// The column's name as the database knows it.
    pub name: String,
    /// The column's type.
    pub ty: SqlType,
    /// Whether the column accepts `NULL`.
    pub nullable: bool,
    /// The default value, as an SQL expression (`'draft'`, `0`, `now()`).
    pub default: Option<String>,
    /// Whether the database generates the value (identity, serial,
    /// `AUTO_INCREMENT`, SQLite's `INTEGER PRIMARY KEY AUTOINCREMENT`).
    pub identity: bool,
    /// The column's comment.
    pub comment: Option<String>,
    /// The collation the column's values compare and sort by (MySQL's
    /// `COLLATE utf8mb4_bin`, PostgreSQL's `COLLATE "C"`), when it is not
    /// its table's (MySQL) or its type's (PostgreSQL) default; `None` for
    /// the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// The expression MySQL stores in the column whenever its row is
    /// updated (`ON UPDATE CURRENT_TIMESTAMP`); MySQL and MariaDB only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_update: Option<String>,
    /// The name this column had before, when it is being renamed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// The SQL expression that fills the column's existing rows when
    /// autogenerate adds it `NOT NULL` without a default to a table that
    /// exists: the column is added nullable, filled in batches from this
    /// expression (`-- retort:backfill`), then made `NOT NULL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backfill: Option<String>,
    /// The expression the database computes the column from
    /// (`GENERATED ALWAYS AS (price * quantity) STORED`); `None` for a
    /// column that holds what is written to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<Generated>,
}

/// How a generated column gets its value (see [`Column::generated`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generated {
    /// The SQL expression, over the row's other columns: `price * quantity`.
    pub expression: String,
    /// Whether the value is computed when the row is written and kept
    /// (`STORED`), or computed when it is read (`VIRTUAL`). PostgreSQL
    /// before 18 has only stored generated columns.
    pub stored: bool,
}

impl Column {
    /// A `NOT NULL` column with no default, no identity and no comment.
    pub fn new(name: impl Into<String>, ty: SqlType) -> Self {
        Column {
            name: name.into(),
            ty,
            nullable: false,
            default: None,
            identity: false,
            comment: None,
            collation: None,
            on_update: None,
            renamed_from: None,
            backfill: None,
            generated: None,
        }
    }

    /// Makes the column accept `NULL`.
    pub fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }

    /// Sets the default value, an SQL expression.
    pub fn default_expr(mut self, expression: impl Into<String>) -> Self {
        self.default = Some(expression.into());
        self
    }

    /// Makes the database generate the column's value.
    pub fn identity(mut self) -> Self {
        self.identity = true;
        self
    }

    /// Sets the column's comment.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    /// Sets the column's collation (see [`Column::collation`]).
    pub fn collation(mut self, collation: impl Into<String>) -> Self {
        self.collation = Some(collation.into());
        self
    }

    /// Sets the expression MySQL stores on every update of the row (see
    /// [`Column::on_update`]): `CURRENT_TIMESTAMP`.
    pub fn on_update(mut self, expression: impl Into<String>) -> Self {
        self.on_update = Some(expression.into());
        self
    }

    /// Records the column's previous name, so the diff renames it.
    pub fn renamed_from(mut self, old_name: impl Into<String>) -> Self {
        self.renamed_from = Some(old_name.into());
        self
    }

    /// Makes the column a stored generated column, computed from
    /// `expression` whenever its row is written (`GENERATED ALWAYS AS
    /// (expression) STORED`), on every backend.
    pub fn generated(mut self, expression: impl Into<String>) -> Self {
        self.generated = Some(Generated {
            expression: expression.into(),
            stored: true,
        });
        self
    }

    /// Makes the column a virtual generated column, computed from
    /// `expression` whenever it is read (`GENERATED ALWAYS AS (expression)
    /// VIRTUAL`): MySQL, MariaDB and SQLite; PostgreSQL refuses it.
    pub fn generated_virtual(mut self, expression: impl Into<String>) -> Self {
        self.generated = Some(Generated {
            expression: expression.into(),
            stored: false,
        });
        self
    }

    /// Sets the expression that fills the existing rows when the column is
    /// added `NOT NULL` to a table that has rows (see [`Column::backfill`]),
    /// in the SQL of the database it runs on: `username || '@example.com'`.
    pub fn backfill(mut self, expression: impl Into<String>) -> Self {
        self.backfill = Some(expression.into());
        self
    }
}

impl PartialEq for Column {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.ty == other.ty
            && self.nullable == other.nullable
            && self.default == other.default
            && self.identity == other.identity
            && self.comment == other.comment
            && self.collation == other.collation
            && self.on_update == other.on_update
            && self.generated == other.generated
    }
}

impl Eq for Column {}
