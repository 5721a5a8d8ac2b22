//! SQLite.

pub(crate) mod catalog;
pub(crate) mod normalize;
mod version_table;

use super::{quote_with, stored_form, with_precision, Backend, BackendKind};
use crate::schema::{Schema, SqlType, Table};

/// The SQLite dialect.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SqliteBackend;

impl Backend for SqliteBackend {
    fn script_preamble(&self) -> &'static str {
        r#"-- Review it, then apply it with the sqlite3 shell:
--   sqlite3 app.db < script.sql
-- The `.bail on` line below makes the shell stop at the first error (without
-- it the shell goes on to the next statement); a tool that does not know the
-- line refuses the script there, before anything runs. Each revision commits
-- with its version row, so one that fails records nothing and the revisions
-- before it stay applied.
.bail on
"#
    }

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
            SqlType::VarcharUnbounded => "VARCHAR".into(),
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
        super::postgres_only(ty)
            .or_else(|| super::mysql_only(ty))
            .or_else(|| super::not_on_sqlite(ty))
    }

    fn parse_type(&self, reported: &str) -> SqlType {
        normalize::parse_type(reported)
    }

    fn normalize_default(&self, ty: &SqlType, reported: &str) -> Option<String> {
        normalize::normalize_default(ty, reported)
    }

    /// Besides types and defaults: no comments, no engines, enums named after their
    /// columns, and an identity primary key is the rowid alias, an
    /// `INTEGER PRIMARY KEY` column, as is a single-column primary key
    /// declared `INTEGER`. No other column is an identity. A `STRICT`
    /// table's columns have the types it stores them as
    /// ([`SqliteBackend::strict_type_sql`]). A `WITHOUT ROWID` table has no
    /// rowid alias: its columns are left as declared, so that an identity
    /// among them is refused when rendered.
    fn stored_form(&self, schema: &Schema) -> Schema {
        let strict_typed;
        let schema = if schema
            .tables
            .iter()
            .any(|table| table.sqlite_options.strict)
        {
            strict_typed = self.with_strict_storage(schema);
            &strict_typed
        } else {
            schema
        };
        let mut stored = stored_form::columns_as_read_back(self, schema);
        stored_form::without_comments(&mut stored);
        stored_form::without_engines(&mut stored);
        stored_form::without_identity_options(&mut stored);
        stored_form::enums_named_after_columns(&mut stored);
        for table in &mut stored.tables {
            if table.sqlite_options.without_rowid {
                continue;
            }
            self.integer_primary_key_as_identity(table);
            let rowid_alias = rowid_alias(table).map(str::to_owned);
            for column in &mut table.columns {
                if Some(&column.name) == rowid_alias.as_ref() {
                    column.ty = SqlType::Integer;
                } else {
                    column.identity = false;
                }
            }
        }
        stored
    }
}

impl SqliteBackend {
    /// How a column of type `ty` is declared in a `STRICT` table, whose
    /// columns are `INTEGER`, `INT`, `REAL`, `TEXT`, `BLOB` or `ANY`: as
    /// the one that stores what diesel writes for `ty` (an integer or a
    /// boolean as `INTEGER`; a float as `REAL`; text, an enum, a date, a
    /// time, a timestamp or JSON as `TEXT`; bytes as `BLOB`), or a custom
    /// type that is one of those six names as written. `None` for a type
    /// with no such storage (`Numeric`, which would lose digits as `REAL`
    /// and arithmetic as `TEXT`; `Uuid`, which diesel does not store on
    /// SQLite; any other custom type): a strict table refuses it.
    pub fn strict_type_sql(&self, ty: &SqlType) -> Option<String> {
        let storage = match ty {
            SqlType::SmallInt | SqlType::Integer | SqlType::BigInt | SqlType::Boolean => "INTEGER",
            SqlType::Real | SqlType::Double => "REAL",
            SqlType::Text
            | SqlType::Varchar(_)
            | SqlType::VarcharUnbounded
            | SqlType::Char(_)
            | SqlType::Enum { .. }
            | SqlType::Date
            | SqlType::Time
            | SqlType::Timestamp
            | SqlType::TimestampTz
            | SqlType::TimeWithPrecision(_)
            | SqlType::TimestampWithPrecision(_)
            | SqlType::TimestampTzWithPrecision(_)
            | SqlType::Json => "TEXT",
            SqlType::Binary => "BLOB",
            SqlType::Custom(spelled) => {
                let spelled = spelled.trim();
                return STRICT_TYPES
                    .iter()
                    .any(|name| spelled.eq_ignore_ascii_case(name))
                    .then(|| spelled.to_owned());
            }
            _ => return None,
        };
        Some(storage.to_owned())
    }

    /// `schema` with the columns of its `STRICT` tables typed as they are
    /// stored there (enums stay enums: their `CHECK` reads back); a type
    /// with no strict storage is left to be refused when rendered.
    fn with_strict_storage(&self, schema: &Schema) -> Schema {
        let mut typed = schema.clone();
        for table in typed
            .tables
            .iter_mut()
            .filter(|table| table.sqlite_options.strict)
        {
            for column in &mut table.columns {
                if matches!(column.ty, SqlType::Enum { .. }) {
                    continue;
                }
                if let Some(storage) = self.strict_type_sql(&column.ty) {
                    column.ty = self.parse_type(&storage);
                }
            }
        }
        typed
    }

    /// A single-column primary key declared `INTEGER` is a rowid alias
    /// whether or not the model says identity: SQLite fills it in when an
    /// insert leaves it out, and reads it back as an identity without a
    /// default.
    fn integer_primary_key_as_identity(&self, table: &mut Table) {
        let Some([only]) = table.primary_key.as_ref().map(|key| key.columns.as_slice()) else {
            return;
        };
        let only = only.clone();
        if let Some(column) = table.columns.iter_mut().find(|column| column.name == only) {
            if self.type_sql(&column.ty).eq_ignore_ascii_case("INTEGER")
                && column.generated.is_none()
            {
                column.identity = true;
                column.default = None;
            }
        }
    }
}

/// The types a `STRICT` table's columns may have
/// (<https://www.sqlite.org/stricttables.html>).
pub(crate) const STRICT_TYPES: [&str; 6] = ["INTEGER", "INT", "REAL", "TEXT", "BLOB", "ANY"];

/// The identity column that is the table's whole primary key: the column
/// declared `INTEGER PRIMARY KEY AUTOINCREMENT`, an alias of the rowid. A
/// `WITHOUT ROWID` table has none.
pub(crate) fn rowid_alias(table: &Table) -> Option<&str> {
    if table.sqlite_options.without_rowid {
        return None;
    }
    let key = table.primary_key.as_ref()?;
    match key.columns.as_slice() {
        [only]
            if table
                .find_column(only)
                .is_some_and(|column| column.identity) =>
        {
            Some(only.as_str())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Column, PrimaryKey};

    fn keyed(ty: SqlType) -> Schema {
        Schema::new(vec![Table::new("items")
            .column(Column::new("id", ty))
            .primary_key(PrimaryKey {
                name: None,
                columns: vec!["id".into()],
                ..Default::default()
            })])
    }

    /// SQLite reads an `INTEGER` primary key back as an identity, so a
    /// model that does not say identity must not differ from it.
    #[test]
    fn an_integer_primary_key_is_stored_as_the_identity_it_reads_back_as() {
        let stored = SqliteBackend.stored_form(&keyed(SqlType::Integer));
        assert!(stored.tables[0].columns[0].identity);
        let text = SqliteBackend.stored_form(&keyed(SqlType::Text));
        assert!(!text.tables[0].columns[0].identity);
    }

    /// A strict table's columns are stored as their strict types, enums
    /// stay enums; a `WITHOUT ROWID` table's `INTEGER` key is no rowid
    /// alias.
    #[test]
    fn the_options_shape_the_stored_form() {
        let mut schema = keyed(SqlType::BigInt);
        let table = std::mem::take(&mut schema.tables[0]);
        schema.tables[0] = table
            .column(Column::new("at", SqlType::Timestamp))
            .column(Column::new("on", SqlType::Boolean))
            .column(Column::new("blob", SqlType::Binary))
            .column(Column::new("ratio", SqlType::Double))
            .column(Column::new(
                "mood",
                SqlType::Enum {
                    name: "mood".into(),
                    values: vec!["ok".into()],
                },
            ))
            .strict();
        let stored = SqliteBackend.stored_form(&schema);
        let types: Vec<&SqlType> = stored.tables[0].columns.iter().map(|c| &c.ty).collect();
        assert_eq!(
            types,
            [
                &SqlType::Integer,
                &SqlType::Text,
                &SqlType::Integer,
                &SqlType::Binary,
                &SqlType::Real,
                &schema.tables[0].columns[5].ty,
            ]
        );
        // BIGINT is INTEGER there: the key is the rowid alias.
        assert!(stored.tables[0].columns[0].identity);
        let mut without_rowid = keyed(SqlType::Integer);
        without_rowid.tables[0].sqlite_options.without_rowid = true;
        let stored = SqliteBackend.stored_form(&without_rowid);
        assert!(!stored.tables[0].columns[0].identity);
    }
}
