//! PostgreSQL.

// Reading the catalogs needs diesel's PostgreSQL types (arrays of key
// column positions), which only its `postgres` feature has.
#[cfg(feature = "postgres")]
pub(crate) mod catalog;
#[cfg(feature = "postgres")]
mod lock_limits;
pub(crate) mod normalize;
mod version_table;
mod volatile;

use super::{quote_with, with_precision, Backend, BackendKind};
use crate::schema::{implied_extensions, Schema, SqlType};
pub(crate) use volatile::{is_stable_function, is_volatile_default};

/// The PostgreSQL dialect.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PostgresBackend;

impl Backend for PostgresBackend {
    fn script_preamble(&self) -> &'static str {
        r#"-- Review it, then apply it with psql:
--   psql -d DATABASE_URL -f script.sql
-- The `\set ON_ERROR_STOP on` line below makes psql stop at the first error
-- (without it psql goes on to the next statement); a tool that does not know
-- the line refuses the script there, before anything runs. Each revision
-- commits with its version row, so one that fails records nothing and the
-- revisions before it stay applied; a `transaction off` revision is recorded
-- as 'running' before its first statement, so one that stopped part-way
-- says so.
\set ON_ERROR_STOP on
"#
    }

    fn version_table_sql(&self) -> String {
        version_table::create_table_sql()
    }

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

    fn type_sql(&self, ty: &SqlType) -> String {
        match ty {
            SqlType::SmallInt => "SMALLINT".into(),
            SqlType::Integer => "INTEGER".into(),
            SqlType::BigInt => "BIGINT".into(),
            SqlType::Real => "REAL".into(),
            SqlType::Double => "DOUBLE PRECISION".into(),
            SqlType::Numeric { precision, scale } => with_precision("NUMERIC", *precision, *scale),
            SqlType::Boolean => "BOOLEAN".into(),
            SqlType::Text => "TEXT".into(),
            SqlType::Varchar(length) => format!("VARCHAR({length})"),
            SqlType::VarcharUnbounded => "VARCHAR".into(),
            SqlType::Char(length) => format!("CHAR({length})"),
            SqlType::Binary => "BYTEA".into(),
            SqlType::Date => "DATE".into(),
            SqlType::Time => "TIME".into(),
            SqlType::Timestamp => "TIMESTAMP".into(),
            SqlType::TimestampTz => "TIMESTAMPTZ".into(),
            SqlType::Uuid => "UUID".into(),
            // jsonb: indexable and compact; a `json` column reads back as Custom("json").
            SqlType::Json => "JSONB".into(),
            // A named type, created by `CREATE TYPE ... AS ENUM` before use.
            SqlType::Enum { name, .. } => self.quote_identifier(name),
            ty @ super::one_database_types!() => super::type_sql_of_one_database(self, ty),
            SqlType::TimeWithPrecision(digits) => format!("TIME({digits})"),
            SqlType::TimestampWithPrecision(digits) => format!("TIMESTAMP({digits})"),
            SqlType::TimestampTzWithPrecision(digits) => format!("TIMESTAMPTZ({digits})"),
            SqlType::Custom(spelled) => spelled.clone(),
        }
    }

    fn keeps_column_collations(&self) -> bool {
        true
    }

    fn lacks_type(&self, ty: &SqlType) -> Option<&'static str> {
        match ty {
            SqlType::Array(inner) => self.lacks_type(inner),
            _ => super::mysql_only(ty),
        }
    }

    fn parse_type(&self, reported: &str) -> SqlType {
        normalize::parse_type(reported)
    }

    /// PostgreSQL before 18 stores every generated column.
    fn has_virtual_generated_columns(&self) -> bool {
        false
    }

    fn normalize_default(&self, ty: &SqlType, reported: &str) -> Option<String> {
        normalize::normalize_default(ty, reported)
    }

    /// Also declares the extensions the columns' types and the indexes'
    /// operator classes come from: the database has each once the schema
    /// is created. Sequences' default start and increment read as `None`.
    /// SQLite's table options and MySQL's engines are ignored.
    fn stored_form(&self, schema: &Schema) -> Schema {
        let mut stored = super::stored_form::columns_as_read_back(self, schema);
        super::stored_form::without_sqlite_options(&mut stored);
        super::stored_form::without_engines(&mut stored);
        let implied = implied_extensions(&stored);
        stored.extensions.extend(implied);
        for sequence in &mut stored.sequences {
            *sequence = sequence.clone().normalized();
        }
        stored
    }
}
