//! Raw rows of SQLite's schema table joined with its pragma table-valued
//! functions, as the introspection queries return them: one struct per
//! query, no interpretation.

#![cfg_attr(not(feature = "sqlite"), allow(dead_code))]

use diesel::sql_types::{Integer, Nullable, Text};
use diesel::QueryableByName;

/// One table and its `CREATE TABLE` text (`sqlite_schema`).
/// <https://www.sqlite.org/schematab.html>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct TableRow {
    #[diesel(sql_type = Text)]
    pub(crate) table_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) sql: Option<String>,
}

/// One column (`pragma_table_xinfo`).
/// <https://www.sqlite.org/pragma.html#pragma_table_xinfo>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct ColumnRow {
    #[diesel(sql_type = Text)]
    pub(crate) table_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) column_name: String,
    /// The declared type, as written.
    #[diesel(sql_type = Text)]
    pub(crate) declared_type: String,
    #[diesel(sql_type = Integer)]
    pub(crate) not_null: i32,
    /// The default as written in the DDL.
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) default_value: Option<String>,
    /// The column's position in the primary key, from 1; 0 if not in it.
    #[diesel(sql_type = Integer)]
    pub(crate) pk: i32,
    /// 0 normal, 1 hidden (virtual tables), 2 and 3 generated.
    #[diesel(sql_type = Integer)]
    pub(crate) hidden: i32,
}

/// One key column of an index (`pragma_index_list` × `pragma_index_info`),
/// with the index's `CREATE INDEX` text.
/// <https://www.sqlite.org/pragma.html#pragma_index_list>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct IndexRow {
    #[diesel(sql_type = Text)]
    pub(crate) table_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) index_name: String,
    #[diesel(sql_type = Integer)]
    pub(crate) is_unique: i32,
    /// `c` (CREATE INDEX), `u` (UNIQUE constraint) or `pk`.
    #[diesel(sql_type = Text)]
    pub(crate) origin: String,
    /// The column's number; -2 for an expression.
    #[diesel(sql_type = Integer)]
    pub(crate) column_id: i32,
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) column_name: Option<String>,
    /// `CREATE INDEX` text; `None` for automatic indexes.
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) sql: Option<String>,
}

/// One column of a foreign key (`pragma_foreign_key_list`).
/// <https://www.sqlite.org/pragma.html#pragma_foreign_key_list>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct ForeignKeyRow {
    #[diesel(sql_type = Text)]
    pub(crate) table_name: String,
    #[diesel(sql_type = Integer)]
    pub(crate) id: i32,
    #[diesel(sql_type = Text)]
    pub(crate) referenced_table: String,
    #[diesel(sql_type = Text)]
    pub(crate) column_name: String,
    /// `None` when the key references the other table's primary key.
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) referenced_column: Option<String>,
    #[diesel(sql_type = Text)]
    pub(crate) on_update: String,
    #[diesel(sql_type = Text)]
    pub(crate) on_delete: String,
}
