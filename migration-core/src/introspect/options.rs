//! Choosing what to read.

/// What [`introspect_with`](super::introspect_with) reads.
///
/// ```
/// use retort_core::introspect::IntrospectOptions;
///
/// let options = IntrospectOptions::new()
///     .namespace("public")
///     .namespace("audit")
///     .tables(["users", "log"]);
/// assert_eq!(options.namespaces, ["public", "audit"]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct IntrospectOptions {
    /// The namespaces to read (PostgreSQL schemas, MySQL databases, SQLite
    /// attached databases such as `main`). Empty: the connection's default
    /// namespace only. Tables in the default namespace are reported with
    /// `schema: None`, others with their namespace.
    pub namespaces: Vec<String>,
    /// The only table names to read, matched exactly. Empty: every table.
    /// The filter is applied in the catalog queries, before reading.
    pub tables: Vec<String>,
}

impl IntrospectOptions {
    /// Every table of the connection's default namespace.
    pub fn new() -> Self {
        IntrospectOptions::default()
    }

    /// Adds a namespace to read.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespaces.push(namespace.into());
        self
    }

    /// Reads only these tables (by exact name), in every chosen namespace.
    pub fn tables<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.tables.extend(names.into_iter().map(Into::into));
        self
    }
}
