//! What can go wrong while reading a catalog.

use crate::backend::BackendKind;

/// `Result` with [`IntrospectError`] as the default error.
pub type Result<T, E = IntrospectError> = std::result::Result<T, E>;

/// An error while reading a database's schema.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IntrospectError {
    /// A catalog query failed: the connection was lost, or the user may not
    /// read the catalog.
    #[error("reading {what} from the {backend} catalog failed: {source}; check the connection and that the user may read the catalog")]
    Query {
        /// The database.
        backend: BackendKind,
        /// What the query reads (`columns`, `foreign keys`).
        what: &'static str,
        /// diesel's error.
        #[source]
        source: diesel::result::Error,
    },

    /// A diesel error outside a named catalog query.
    #[error("database error while reading the schema: {0}")]
    Database(#[from] diesel::result::Error),

    /// No namespace was named and the connection has no default one
    /// (PostgreSQL with an empty or dangling `search_path`).
    #[error("the connection has no default schema (its search_path names no existing schema); set search_path or name the schemas in IntrospectOptions::namespace")]
    NoDefaultNamespace,

    /// The catalog reported a value retort does not know, for an object it
    /// must read exactly.
    #[error("{object}: the catalog reports {what} `{value}`, which retort does not know; please report it")]
    UnexpectedValue {
        /// The table, column or constraint concerned.
        object: String,
        /// What the value is (`ON DELETE action`).
        what: &'static str,
        /// The value as the catalog gave it.
        value: String,
    },
}
