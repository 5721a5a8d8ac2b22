//! SQLite.

use super::{quote_with, Backend, BackendKind};

/// The SQLite dialect.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SqliteBackend;

impl Backend for SqliteBackend {
    fn kind(&self) -> BackendKind {
        BackendKind::Sqlite
    }

    fn quote_identifier(&self, identifier: &str) -> String {
        quote_with('"', identifier)
    }

    fn max_identifier_length(&self) -> usize {
        // SQLite sets no limit; this keeps generated names readable.
        1024
    }
}
