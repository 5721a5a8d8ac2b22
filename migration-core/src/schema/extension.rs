//! Extensions (PostgreSQL): `CREATE EXTENSION` for the types, operator
//! classes and functions a schema uses from one (`citext`, `postgis`,
//! `pg_trgm`).
//!
//! An extension is known by its name alone: a database holds each at most
//! once, whatever schema its objects live in. A schema declares the ones
//! it wants with [`Schema::extension`](super::Schema::extension); on
//! PostgreSQL, a column of type [`SqlType::CiText`](super::SqlType::CiText),
//! [`Geometry`](super::SqlType::Geometry) or
//! [`Geography`](super::SqlType::Geography), and an index with a `*_trgm_ops`
//! operator class, declare theirs without being asked.
//!
//! ```
//! use retort_core::schema::{Column, Extension, Schema, SqlType, Table};
//!
//! let schema = Schema::new(vec![Table::new("users")
//!     .column(Column::new("email", SqlType::CiText))])
//! .extension(Extension::new("pgcrypto"));
//! assert_eq!(schema.extensions[0].name, "pgcrypto");
//! ```

use serde::{Deserialize, Serialize};

use super::{Schema, SqlType};

/// An extension: `CREATE EXTENSION IF NOT EXISTS name [SCHEMA schema]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Extension {
    /// The extension's name (`citext`).
    pub name: String,
    /// The schema its objects are created in when retort creates it;
    /// `None` for the connection's default. Read back from the database,
    /// but not compared: an extension that lives elsewhere is the same
    /// extension (`ALTER EXTENSION ... SET SCHEMA` moves it, by hand).
    #[serde(default)]
    pub schema: Option<String>,
}

impl Extension {
    /// The extension `name`, created in the connection's default schema.
    pub fn new(name: impl Into<String>) -> Self {
        Extension {
            name: name.into(),
            schema: None,
        }
    }

    /// This extension, created in `schema`.
    pub fn in_schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = Some(schema.into());
        self
    }
}

/// Two extensions are the same when they have the same name.
impl PartialEq for Extension {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Extension {}

/// The extension a type comes from (PostgreSQL), if any.
fn extension_of_type(ty: &SqlType) -> Option<&'static str> {
    match ty.element() {
        SqlType::CiText => Some("citext"),
        SqlType::Geometry { .. } | SqlType::Geography { .. } => Some("postgis"),
        _ => None,
    }
}

/// The extension an operator class comes from (PostgreSQL), if any.
fn extension_of_operator_class(class: &str) -> Option<&'static str> {
    class.ends_with("_trgm_ops").then_some("pg_trgm")
}

/// The extensions `schema`'s columns and indexes use and it does not
/// declare, by name, each once: what a PostgreSQL database must have
/// created before the tables.
pub(crate) fn implied_extensions(schema: &Schema) -> Vec<Extension> {
    let mut names: Vec<&'static str> = Vec::new();
    for table in &schema.tables {
        let types = table
            .columns
            .iter()
            .filter_map(|column| extension_of_type(&column.ty));
        let classes = table.indexes.iter().flat_map(|index| {
            index.key_options.iter().filter_map(|options| {
                extension_of_operator_class(options.operator_class.as_deref()?)
            })
        });
        names.extend(types.chain(classes));
    }
    for domain in &schema.domains {
        names.extend(extension_of_type(&domain.ty));
    }
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .filter(|name| {
            !schema
                .extensions
                .iter()
                .any(|declared| declared.name == *name)
        })
        .map(Extension::new)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Column, Index, Table};

    #[test]
    fn types_and_operator_classes_imply_their_extensions_once() {
        let schema = Schema::new(vec![Table::new("places")
            .column(Column::new("name", SqlType::CiText))
            .column(Column::new(
                "aliases",
                SqlType::Array(Box::new(SqlType::CiText)),
            ))
            .column(Column::new(
                "spot",
                SqlType::Geometry {
                    shape: Some("Point".into()),
                    srid: Some(4326),
                },
            ))
            .column(Column::new("title", SqlType::Text))
            .index(
                Index::on_columns("ix_title_trgm", ["title"]).operator_class("gin_trgm_ops"),
            )])
        .extension(Extension::new("postgis").in_schema("gis"));
        let implied: Vec<String> = implied_extensions(&schema)
            .into_iter()
            .map(|extension| extension.name)
            .collect();
        // PostGIS is declared (in a schema of its own): not implied again.
        assert_eq!(implied, ["citext", "pg_trgm"]);
        assert!(implied_extensions(&Schema::default()).is_empty());
    }
}
