//! Reading a database's catalog: the first two stages of introspection.
//!
//! Each backend's `catalog.rs` holds its catalog queries and the raw rows
//! they return (`*Row`, one struct per query); it reads them in a fixed
//! number of queries, whatever the number of tables, with the table filter
//! applied in the queries. [`introspect`](crate::introspect()) turns the
//! rows into the schema model without further I/O.

use super::backfill::BACKFILL_TABLE;
use super::version_table::{DIESEL_VERSION_TABLE, VERSION_TABLE};

/// The bookkeeping tables a catalog read leaves out: retort's version
/// table and backfill progress, and diesel_migrations' version table.
#[cfg_attr(
    not(any(feature = "postgres", feature = "mysql", feature = "sqlite")),
    allow(dead_code)
)]
pub(crate) const BOOKKEEPING_TABLES: [&str; 3] =
    [VERSION_TABLE, BACKFILL_TABLE, DIESEL_VERSION_TABLE];

/// Which tables a catalog read chooses: by exact name (all when none is
/// given), then by name patterns to include (all when none is given) and
/// to exclude. Tables left out are not read at all: the filter is applied
/// in the catalog queries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableFilter {
    /// The only table names to read, exactly.
    pub(crate) tables: Vec<String>,
    /// Tables read must match one of these.
    pub(crate) include: Vec<NamePattern>,
    /// Tables matching one of these are not read.
    pub(crate) exclude: Vec<NamePattern>,
}

impl TableFilter {
    /// Whether no table is left out by name or by an include pattern:
    /// then objects that belong to no table (functions) are read too.
    pub(crate) fn reads_every_table(&self) -> bool {
        self.tables.is_empty() && self.include.is_empty()
    }

    /// The filter for these names and patterns (see [`NamePattern::parse`]).
    pub(crate) fn new(tables: &[String], include: &[String], exclude: &[String]) -> Self {
        let parse = |patterns: &[String]| patterns.iter().map(|p| NamePattern::parse(p)).collect();
        TableFilter {
            tables: tables.to_vec(),
            include: parse(include),
            exclude: parse(exclude),
        }
    }

    /// Whether the table `name` of `namespace` (`None` for the default
    /// one) passes the patterns (the exact names aside).
    pub(crate) fn matches(&self, namespace: Option<&str>, name: &str) -> bool {
        let matching = |pattern: &NamePattern| pattern.matches(namespace, name);
        (self.include.is_empty() || self.include.iter().any(matching))
            && !self.exclude.iter().any(matching)
    }
}

/// A table name pattern: `users`, `audit_*`, `billing.*`, `*.tmp_*`. `*`
/// matches any run of characters; every other character matches itself.
/// A pattern with a dot names the namespace before it, and matches tables
/// outside the default namespace only (those a schema names `schema:
/// Some(..)`), as a table's qualified name does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NamePattern {
    /// The namespace part, `None` for any namespace.
    pub(crate) namespace: Option<String>,
    /// The table part.
    pub(crate) table: String,
}

impl NamePattern {
    /// `schema.table` or `table`, split at the first dot.
    pub(crate) fn parse(pattern: &str) -> Self {
        match pattern.split_once('.') {
            Some((namespace, table)) => NamePattern {
                namespace: Some(namespace.to_owned()),
                table: table.to_owned(),
            },
            None => NamePattern {
                namespace: None,
                table: pattern.to_owned(),
            },
        }
    }

    /// Whether the table `name` of `namespace` (`None` for the default
    /// one) matches.
    pub(crate) fn matches(&self, namespace: Option<&str>, name: &str) -> bool {
        self.matches_namespace(namespace) && glob_matches(&self.table, name)
    }

    /// Whether the namespace part matches `namespace` (`None` for the
    /// default one).
    pub(crate) fn matches_namespace(&self, namespace: Option<&str>) -> bool {
        match (&self.namespace, namespace) {
            (None, _) => true,
            (Some(pattern), Some(namespace)) => glob_matches(pattern, namespace),
            (Some(_), None) => false,
        }
    }

    /// The namespace part as an SQL `LIKE` pattern; `None` for any.
    #[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
    pub(crate) fn namespace_like(&self) -> Option<String> {
        self.namespace.as_deref().map(like)
    }

    /// The table part as an SQL `LIKE` pattern.
    #[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
    pub(crate) fn table_like(&self) -> String {
        like(&self.table)
    }
}

/// A `*` glob as an SQL `LIKE` pattern with `\` as the escape: `%`, `_`
/// and `\` escaped, `*` as `%`.
fn like(glob: &str) -> String {
    let mut out = String::with_capacity(glob.len());
    for ch in glob.chars() {
        match ch {
            '%' | '_' | '\\' => {
                out.push('\\');
                out.push(ch);
            }
            '*' => out.push('%'),
            other => out.push(other),
        }
    }
    out
}

/// Whether `text` matches `pattern`, in which `*` stands for any run of
/// characters (none included) and every other character for itself.
pub(crate) fn glob_matches(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// Why a catalog read failed.
#[derive(Debug)]
pub enum CatalogError {
    /// A query failed.
    Query {
        /// What it reads (`columns`, `foreign keys`).
        what: &'static str,
        /// diesel's error.
        source: diesel::result::Error,
    },
    /// No namespace was named and the connection has no default one.
    NoDefaultNamespace,
}

impl CatalogError {
    /// Wraps a failed query reading `what`.
    #[cfg_attr(
        not(any(feature = "postgres", feature = "mysql", feature = "sqlite")),
        allow(dead_code)
    )]
    pub(crate) fn query(what: &'static str) -> impl FnOnce(diesel::result::Error) -> CatalogError {
        move |source| CatalogError::Query { what, source }
    }
}

/// The rows one catalog read returned, in the database's own shape.
#[derive(Debug)]
pub enum Catalog {
    /// PostgreSQL's rows.
    #[cfg(feature = "postgres")]
    Postgres(super::postgres::catalog::CatalogRows),
    /// MySQL's or MariaDB's rows.
    #[cfg(feature = "mysql")]
    Mysql(super::mysql::catalog::CatalogRows),
    /// SQLite's rows, one set per namespace.
    #[cfg(feature = "sqlite")]
    Sqlite(Vec<super::sqlite::catalog::CatalogRows>),
}

/// Reading one database's catalog: implemented for each diesel connection
/// in its backend's `catalog.rs`; a sealed supertrait of
/// [`DatabaseConnection`](super::DatabaseConnection).
pub trait ReadCatalog {
    /// The rows of the tables of `namespaces` (the connection's default
    /// namespace when empty) that `tables` chooses.
    fn read_catalog(
        &mut self,
        namespaces: &[String],
        tables: &TableFilter,
    ) -> Result<Catalog, CatalogError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_names_and_namespaces() {
        let pattern = NamePattern::parse("audit.*_log");
        assert!(pattern.matches(Some("audit"), "user_log"));
        assert!(!pattern.matches(Some("public"), "user_log"));
        assert!(!pattern.matches(None, "user_log"));
        assert!(NamePattern::parse("spatial_ref_sys").matches(None, "spatial_ref_sys"));
        assert!(!NamePattern::parse("spatial").matches(None, "spatial_ref_sys"));
        assert_eq!(NamePattern::parse("a_%*").table_like(), "a\\_\\%%");
        assert_eq!(NamePattern::parse("t").namespace_like(), None);
        let filter = TableFilter::new(&[], &["*".into()], &["legacy_*".into()]);
        assert!(filter.matches(None, "users") && !filter.matches(None, "legacy_users"));
    }
}
