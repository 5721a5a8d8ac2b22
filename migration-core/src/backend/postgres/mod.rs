//! PostgreSQL.

use super::{quote_with, Backend, BackendKind};

/// The PostgreSQL dialect.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PostgresBackend;

impl Backend for PostgresBackend {
    fn kind(&self) -> BackendKind {
        BackendKind::Postgres
    }

    fn quote_identifier(&self, identifier: &str) -> String {
        quote_with('"', identifier)
    }

    fn max_identifier_length(&self) -> usize {
        // NAMEDATALEN - 1: longer names are silently truncated.
        63
    }
}
