//! SQLite.

mod catalog_rows;
mod create_sql;
mod ddl;
mod introspect;
mod normalize;
mod version_table;

use super::{quote_with, with_precision, Backend, BackendKind};
use crate::diff::{Diff, Op};
use crate::render::RenderError;
use crate::schema::SqlType;

/// The SQLite dialect.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SqliteBackend;

impl Backend for SqliteBackend {
    fn version_table_sql(&self) -> String {
        version_table::create_table_sql()
    }

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

    fn type_sql(&self, ty: &SqlType) -> String {
        // SQLite keeps the declared type as written and derives an affinity
        // from it; these spellings give each type the affinity that suits it
        // and read back unambiguously.
        match ty {
            SqlType::SmallInt => "SMALLINT".into(),
            SqlType::Integer => "INTEGER".into(),
            SqlType::BigInt => "BIGINT".into(),
            SqlType::Real => "REAL".into(),
            SqlType::Double => "DOUBLE".into(),
            SqlType::Numeric { precision, scale } => with_precision("NUMERIC", *precision, *scale),
            SqlType::Boolean => "BOOLEAN".into(),
            SqlType::Text => "TEXT".into(),
            SqlType::Varchar(length) => format!("VARCHAR({length})"),
            SqlType::Char(length) => format!("CHAR({length})"),
            SqlType::Binary => "BLOB".into(),
            SqlType::Date => "DATE".into(),
            SqlType::Time => "TIME".into(),
            SqlType::Timestamp => "TIMESTAMP".into(),
            SqlType::TimestampTz => "TIMESTAMPTZ".into(),
            SqlType::Uuid => "UUID".into(),
            SqlType::Json => "JSON".into(),
            // Text restricted by a CHECK constraint the renderer adds.
            SqlType::Enum { .. } => "TEXT".into(),
            SqlType::Custom(spelled) => spelled.clone(),
        }
    }

    fn render_op(&self, op: &Op, out: &mut Vec<String>) -> Result<(), RenderError> {
        ddl::render_op(self, op, out)
    }

    fn render_diff(&self, diff: &Diff) -> Result<Vec<String>, RenderError> {
        ddl::render_diff(self, diff)
    }

    fn parse_type(&self, reported: &str) -> SqlType {
        normalize::parse_type(reported)
    }

    fn normalize_default(&self, ty: &SqlType, reported: &str) -> Option<String> {
        normalize::normalize_default(ty, reported)
    }
}
