//! MySQL and MariaDB.

use super::{quote_with, Backend, BackendKind};

/// The MySQL and MariaDB dialect.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MysqlBackend;

impl Backend for MysqlBackend {
    fn kind(&self) -> BackendKind {
        BackendKind::Mysql
    }

    fn quote_identifier(&self, identifier: &str) -> String {
        quote_with('`', identifier)
    }

    fn max_identifier_length(&self) -> usize {
        // Longer names are refused with an error.
        64
    }
}
