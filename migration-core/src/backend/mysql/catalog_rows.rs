//! Raw rows of MySQL's and MariaDB's `information_schema`, as the
//! introspection queries return them: one struct per query, no
//! interpretation.

#![cfg_attr(not(feature = "mysql"), allow(dead_code))]

use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::QueryableByName;

/// The current database and the server's version (to tell MariaDB, whose
/// catalog differs in places, from MySQL).
/// <https://mariadb.com/kb/en/information-functions/>
#[derive(Debug, QueryableByName)]
pub(crate) struct ServerRow {
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) database: Option<String>,
    #[diesel(sql_type = Text)]
    pub(crate) version: String,
}

/// One base table (`information_schema.TABLES`).
/// <https://dev.mysql.com/doc/refman/8.0/en/information-schema-tables-table.html>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct TableRow {
    #[diesel(sql_type = Text)]
    pub(crate) schema_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) table_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) comment: Option<String>,
}

/// One column (`information_schema.COLUMNS`), in ordinal order.
/// <https://dev.mysql.com/doc/refman/8.0/en/information-schema-columns-table.html>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct ColumnRow {
    #[diesel(sql_type = Text)]
    pub(crate) schema_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) table_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) column_name: String,
    /// `COLUMN_TYPE`: `varchar(255)`, `enum('a','b')`, `int(11)`.
    #[diesel(sql_type = Text)]
    pub(crate) column_type: String,
    /// `YES` or `NO`.
    #[diesel(sql_type = Text)]
    pub(crate) is_nullable: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) column_default: Option<String>,
    /// `auto_increment`, `DEFAULT_GENERATED`, `VIRTUAL GENERATED`, ...
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) extra: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) comment: Option<String>,
}

/// One key part of an index (`information_schema.STATISTICS`), including
/// the primary key (`PRIMARY`) and unique keys.
/// <https://dev.mysql.com/doc/refman/8.0/en/information-schema-statistics-table.html>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct IndexRow {
    #[diesel(sql_type = Text)]
    pub(crate) schema_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) table_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) index_name: String,
    #[diesel(sql_type = BigInt)]
    pub(crate) non_unique: i64,
    /// `None` for a functional key part (MySQL 8).
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) column_name: Option<String>,
    /// A functional key part's expression (MySQL 8; always `None` on MariaDB).
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) expression: Option<String>,
}

/// One column of a foreign key (`KEY_COLUMN_USAGE`).
/// <https://dev.mysql.com/doc/refman/8.0/en/information-schema-key-column-usage-table.html>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct ForeignKeyRow {
    #[diesel(sql_type = Text)]
    pub(crate) schema_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) table_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) constraint_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) column_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) referenced_schema: Option<String>,
    #[diesel(sql_type = Text)]
    pub(crate) referenced_table: String,
    #[diesel(sql_type = Text)]
    pub(crate) referenced_column: String,
}

/// A foreign key's actions (`REFERENTIAL_CONSTRAINTS`).
/// <https://dev.mysql.com/doc/refman/8.0/en/information-schema-referential-constraints-table.html>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct ForeignKeyActionRow {
    #[diesel(sql_type = Text)]
    pub(crate) schema_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) table_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) constraint_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) on_update: String,
    #[diesel(sql_type = Text)]
    pub(crate) on_delete: String,
}

/// One check constraint (`information_schema.CHECK_CONSTRAINTS`).
/// <https://mariadb.com/kb/en/information-schema-check_constraints-table/>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct CheckRow {
    #[diesel(sql_type = Text)]
    pub(crate) schema_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) table_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) constraint_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) expression: String,
}
