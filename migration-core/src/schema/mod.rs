//! The portable schema model: plain data describing tables, with no I/O.
//!
//! Models produce it ([`Model::table`]), introspection reads it from a live
//! database, and the diff compares two of them. Everything here is `Clone`,
//! `Debug`, `Eq` and serde-serializable.
//!
//! # Equality
//!
//! Equality is semantic where order carries no meaning:
//!
//! - a [`Schema`]'s tables compare as a set, keyed by namespace and name;
//! - a [`Table`]'s columns compare in order, while its indexes, unique
//!   constraints, foreign keys and checks compare as multisets;
//! - rename hints (`renamed_from`) and backfill hints (`backfill`) are
//!   instructions for the diff and autogenerate, not state, and are never
//!   compared;
//! - everything else, names of constraints included, compares exactly.
//!
//! ```
//! use retort_core::schema::{Column, Index, Schema, SqlType, Table};
//!
//! let users = Table::new("users")
//!     .column(Column::new("id", SqlType::BigInt))
//!     .index(Index::on_columns("ix_users_a", ["a"]))
//!     .index(Index::on_columns("ix_users_b", ["b"]));
//! let mut reordered = users.clone();
//! reordered.indexes.reverse();
//! assert_eq!(users, reordered);
//! assert_eq!(
//!     Schema::new(vec![users.clone(), Table::new("teams")]),
//!     Schema::new(vec![Table::new("teams"), users]),
//! );
//! ```

mod column;
mod column_type;
mod constraint;
#[doc(hidden)]
pub mod derive_support;
mod domain;
mod extension;
pub mod naming;
mod objects;
mod partition;
mod range;
mod sequence;
mod sql_type;
mod sqlite_options;
mod table;
mod unordered;

use serde::{Deserialize, Serialize};

use unordered::same_elements;

pub use column::{Column, Generated, IdentityOptions};
pub use column_type::ColumnType;
pub use constraint::{
    CheckConstraint, Deferral, ExclusionConstraint, ForeignKey, Index, IndexKeyOptions, IndexPart,
    PrimaryKey, ReferentialAction, UniqueConstraint,
};
pub use domain::Domain;
pub(crate) use extension::implied_extensions;
pub use extension::Extension;
pub use objects::{Function, Trigger, UndeclaredObjects, View};
pub use partition::{PartitionBound, PartitionKey, PartitionMethod, PartitionOf};
pub use range::RangeType;
pub use sequence::Sequence;
pub use sql_type::SqlType;
pub use sqlite_options::SqliteTableOptions;
pub use table::Table;

/// A set of tables, and the functions, views and triggers beside them:
/// what the models describe, or what a database holds.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Schema {
    /// The tables, in no particular order.
    pub tables: Vec<Table>,
    /// Functions and procedures, in no particular order.
    #[serde(default)]
    pub functions: Vec<Function>,
    /// Views, in no particular order.
    #[serde(default)]
    pub views: Vec<View>,
    /// Triggers, in no particular order.
    #[serde(default)]
    pub triggers: Vec<Trigger>,
    /// What a diff to this schema does with functions, views, triggers,
    /// domains and extensions it does not declare: reported by default, never dropped. An
    /// instruction for the diff, not state: never compared.
    #[serde(default)]
    pub undeclared: UndeclaredObjects,
    /// The domains (PostgreSQL), in no particular order.
    #[serde(default)]
    pub domains: Vec<Domain>,
    /// The extensions (PostgreSQL), in no particular order.
    #[serde(default)]
    pub extensions: Vec<Extension>,
    /// The sequences no column owns (PostgreSQL), in no particular order.
    #[serde(default)]
    pub sequences: Vec<Sequence>,
}

impl Schema {
    /// A schema holding these tables.
    pub fn new(tables: Vec<Table>) -> Self {
        Schema {
            tables,
            ..Schema::default()
        }
    }

    /// This schema with a function, declared by its whole `CREATE
    /// FUNCTION` statement.
    ///
    /// ```
    /// use retort_core::schema::Schema;
    ///
    /// let schema = Schema::default()
    ///     .function("touch", "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at = now(); RETURN NEW; END $$")
    ///     .trigger("touch_users", "users", "CREATE TRIGGER touch_users BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch()")
    ///     .view("active_users", "SELECT id FROM users WHERE active");
    /// assert_eq!((schema.functions.len(), schema.triggers.len(), schema.views.len()), (1, 1, 1));
    /// ```
    pub fn function(mut self, name: impl Into<String>, sql: impl Into<String>) -> Self {
        self.functions.push(Function::new(name, sql));
        self
    }

    /// This schema with a procedure, declared by its whole `CREATE
    /// PROCEDURE` statement.
    pub fn procedure(mut self, name: impl Into<String>, sql: impl Into<String>) -> Self {
        self.functions.push(Function::procedure(name, sql));
        self
    }

    /// This schema with a view, declared by its query.
    pub fn view(mut self, name: impl Into<String>, query: impl Into<String>) -> Self {
        self.views.push(View::new(name, query));
        self
    }

    /// This schema with a PostgreSQL materialized view, declared by its
    /// query.
    pub fn materialized_view(mut self, name: impl Into<String>, query: impl Into<String>) -> Self {
        self.views.push(View::materialized(name, query));
        self
    }

    /// This schema with a trigger on `table`, declared by its whole `CREATE
    /// TRIGGER` statement.
    pub fn trigger(
        mut self,
        name: impl Into<String>,
        table: impl Into<String>,
        sql: impl Into<String>,
    ) -> Self {
        self.triggers.push(Trigger::new(name, table, sql));
        self
    }

    /// This schema with the functions, views, triggers, domains and
    /// extensions the database holds and it does not declare dropped by a diff to it, instead of
    /// reported and left alone.
    pub fn drop_undeclared_objects(mut self) -> Self {
        self.undeclared = UndeclaredObjects::Drop;
        self
    }

    /// This schema with one more domain (PostgreSQL), created before the
    /// tables whose columns use it. The database's domains that the schema
    /// does not declare are reported and left alone, unless
    /// [`drop_undeclared_objects`](Self::drop_undeclared_objects).
    pub fn domain(mut self, domain: Domain) -> Self {
        self.domains.push(domain);
        self
    }

    /// This schema with one more extension (PostgreSQL), created before
    /// the types, domains, functions and tables that may use it. The
    /// extensions the columns' types and the indexes' operator classes
    /// come from (`citext`, `postgis`, `pg_trgm`) need not be declared.
    /// The database's extensions that the schema does not declare or use
    /// are reported and left alone, unless
    /// [`drop_undeclared_objects`](Self::drop_undeclared_objects).
    pub fn extension(mut self, extension: Extension) -> Self {
        self.extensions.push(extension);
        self
    }

    /// This schema with one more sequence (PostgreSQL) that no column owns,
    /// created before the tables whose defaults call `nextval` on it. The
    /// database's sequences that the schema does not declare are reported
    /// and left alone, unless
    /// [`drop_undeclared_objects`](Self::drop_undeclared_objects).
    pub fn sequence(mut self, sequence: Sequence) -> Self {
        self.sequences.push(sequence);
        self
    }

    /// The table with this name in any namespace, if any.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|table| table.name == name)
    }

    /// The table with this namespace and name, if any.
    pub fn table_in(&self, schema: Option<&str>, name: &str) -> Option<&Table> {
        self.tables
            .iter()
            .find(|table| table.qualified_name() == (schema, name))
    }

    fn tables_by_name(&self) -> Vec<&Table> {
        let mut tables: Vec<&Table> = self.tables.iter().collect();
        tables.sort_by(|a, b| a.qualified_name().cmp(&b.qualified_name()));
        tables
    }
}

impl PartialEq for Schema {
    fn eq(&self, other: &Self) -> bool {
        self.tables.len() == other.tables.len()
            && self.tables_by_name() == other.tables_by_name()
            && unordered::same_elements(&self.functions, &other.functions)
            && unordered::same_elements(&self.views, &other.views)
            && unordered::same_elements(&self.triggers, &other.triggers)
            && same_elements(&self.domains, &other.domains)
            && same_elements(&self.extensions, &other.extensions)
            && same_elements(&self.sequences, &other.sequences)
    }
}

impl Eq for Schema {}

/// A Rust type that describes one table.
///
/// `#[derive(Model)]` implements it; a hand-written implementation works the
/// same way:
///
/// ```
/// use retort_core::schema::{Column, Model, PrimaryKey, SqlType, Table};
///
/// struct Team;
///
/// impl Model for Team {
///     fn table() -> Table {
///         Table::new("teams")
///             .column(Column::new("id", SqlType::BigInt).identity())
///             .column(Column::new("name", SqlType::Text))
///             .primary_key(PrimaryKey {
///                 name: Some("pk_teams".into()),
///                 columns: vec!["id".into()],
///                 ..Default::default()
///             })
///     }
/// }
///
/// assert_eq!(Team::table().columns.len(), 2);
/// ```
pub trait Model {
    /// The table this type describes.
    fn table() -> Table;
}

#[cfg(test)]
mod tests;
