//! Domains (PostgreSQL): a named base type with its own checks, default and
//! `NOT NULL`, which columns use as their type.
//!
//! A column typed by a domain has [`SqlType::Custom`] with the domain's
//! name; the domain itself is declared once on the [`Schema`](super::Schema)
//! with [`Schema::domain`](super::Schema::domain), so the database gets its
//! `CREATE DOMAIN` before the tables that use it.
//!
//! ```
//! use retort_core::schema::{CheckConstraint, Column, Domain, Schema, SqlType, Table};
//!
//! let year = Domain::new("year", SqlType::Integer).check(CheckConstraint {
//!     name: Some("year_check".into()),
//!     expression: "VALUE >= 1901 AND VALUE <= 2155".into(),
//! });
//! let schema = Schema::new(vec![Table::new("film")
//!     .column(Column::new("release_year", SqlType::Custom("year".into())).nullable())])
//! .domain(year);
//! assert_eq!(schema.domains[0].name, "year");
//! ```

use serde::{Deserialize, Serialize};

use super::unordered::same_elements;
use super::{CheckConstraint, SqlType};

/// A domain: `CREATE DOMAIN name AS ty [DEFAULT ..] [NOT NULL] [CHECK ..]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Domain {
    /// The domain's namespace (PostgreSQL schema); `None` for the
    /// connection's default.
    #[serde(default)]
    pub schema: Option<String>,
    /// The domain's name, which columns use as [`SqlType::Custom`].
    pub name: String,
    /// The base type.
    pub ty: SqlType,
    /// Whether `NULL` is allowed (`false` for `NOT NULL`).
    pub nullable: bool,
    /// The default SQL expression, as the database's text.
    #[serde(default)]
    pub default: Option<String>,
    /// The checks on `VALUE`; compared in any order.
    #[serde(default)]
    pub checks: Vec<CheckConstraint>,
}

impl Domain {
    /// A nullable domain over `ty` with no default and no check.
    pub fn new(name: impl Into<String>, ty: SqlType) -> Self {
        Domain {
            schema: None,
            name: name.into(),
            ty,
            nullable: true,
            default: None,
            checks: Vec::new(),
        }
    }

    /// This domain in namespace `schema`.
    pub fn in_schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = Some(schema.into());
        self
    }

    /// This domain refusing `NULL`.
    pub fn not_null(mut self) -> Self {
        self.nullable = false;
        self
    }

    /// This domain with a default SQL expression.
    pub fn default_expr(mut self, expression: impl Into<String>) -> Self {
        self.default = Some(expression.into());
        self
    }

    /// This domain with one more check on `VALUE`.
    pub fn check(mut self, check: CheckConstraint) -> Self {
        self.checks.push(check);
        self
    }

    /// Its namespace and name, by which domains are matched.
    pub fn qualified_name(&self) -> (Option<&str>, &str) {
        (self.schema.as_deref(), &self.name)
    }
}

impl PartialEq for Domain {
    fn eq(&self, other: &Self) -> bool {
        self.schema == other.schema
            && self.name == other.name
            && self.ty == other.ty
            && self.nullable == other.nullable
            && self.default == other.default
            && same_elements(&self.checks, &other.checks)
    }
}

impl Eq for Domain {}
