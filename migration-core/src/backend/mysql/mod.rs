//! MySQL and MariaDB.

pub(crate) mod catalog;
#[cfg(feature = "mysql")]
mod lock_limits;
pub(crate) mod normalize;
mod version_table;

use super::{quote_with, stored_form, with_precision, Backend, BackendKind};
use crate::schema::{Schema, SqlType};

/// The MySQL and MariaDB dialect.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MysqlBackend;

impl Backend for MysqlBackend {
    fn script_preamble(&self) -> &'static str {
        r#"-- Review it, then apply it with the mysql client in batch mode:
--   mysql DATABASE < script.sql
-- In batch mode the client stops at the first error. Never apply it with
-- --force or with `source`, which go on after an error. MySQL commits each
-- DDL statement at once, so each revision is recorded as 'running' before its
-- first statement and 'applied' after its last: one that stopped part-way
-- stays 'running', and retort refuses to go on until it is repaired by hand
-- and recorded with `stamp`.
"#
    }

    fn version_table_sql(&self) -> String {
        version_table::create_table_sql()
    }

    fn transactional_ddl(&self) -> bool {
        false
    }

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

    fn identifier_length(&self, identifier: &str) -> usize {
        identifier.chars().count()
    }

    fn spells_out_default_referential_actions(&self) -> bool {
        true
    }

    fn type_sql(&self, ty: &SqlType) -> String {
        match ty {
            SqlType::SmallInt => "SMALLINT".into(),
            SqlType::Integer => "INT".into(),
            SqlType::BigInt => "BIGINT".into(),
            SqlType::Real => "FLOAT".into(),
            SqlType::Double => "DOUBLE".into(),
            SqlType::Numeric { precision, scale } => with_precision("DECIMAL", *precision, *scale),
            // MySQL's BOOLEAN is an alias that reads back as tinyint(1).
            SqlType::Boolean => "TINYINT(1)".into(),
            SqlType::Text => "TEXT".into(),
            SqlType::Varchar(length) => format!("VARCHAR({length})"),
            // Refused by `lacks_type`: MySQL's VARCHAR needs a length.
            SqlType::VarcharUnbounded => "VARCHAR".into(),
            SqlType::Char(length) => format!("CHAR({length})"),
            SqlType::Binary => "BLOB".into(),
            SqlType::Date => "DATE".into(),
            SqlType::Time => "TIME(6)".into(),
            // Microseconds kept; DATETIME has no 2038 limit.
            SqlType::Timestamp => "DATETIME(6)".into(),
            // TIMESTAMP converts to and from UTC, the nearest thing MySQL has
            // to a time-zone-aware type (its range ends in 2038).
            SqlType::TimestampTz => "TIMESTAMP(6)".into(),
            SqlType::Uuid => "CHAR(36)".into(),
            SqlType::Json => "JSON".into(),
            // MySQL enums are inline: the type's name does not survive.
            SqlType::Enum { values, .. } => {
                let quoted: Vec<String> =
                    values.iter().map(|value| string_literal(value)).collect();
                format!("ENUM({})", quoted.join(", "))
            }
            ty @ super::one_database_types!() => super::type_sql_of_one_database(self, ty),
            SqlType::TimeWithPrecision(digits) => format!("TIME({digits})"),
            SqlType::TimestampWithPrecision(digits) => format!("DATETIME({digits})"),
            SqlType::TimestampTzWithPrecision(digits) => format!("TIMESTAMP({digits})"),
            SqlType::Custom(spelled) => spelled.clone(),
        }
    }

    fn keeps_table_collations(&self) -> bool {
        true
    }

    fn keeps_column_collations(&self) -> bool {
        true
    }

    fn has_on_update(&self) -> bool {
        true
    }

    fn lacks_type(&self, ty: &SqlType) -> Option<&'static str> {
        match ty {
            SqlType::VarcharUnbounded => Some(
                "MySQL and MariaDB need a length on VARCHAR: use Text, or Varchar(n) \
                 with a length",
            ),
            _ => super::postgres_only(ty),
        }
    }

    fn string_literal(&self, value: &str) -> String {
        string_literal(value)
    }

    fn parse_type(&self, reported: &str) -> SqlType {
        normalize::parse_type(reported)
    }

    fn normalize_default(&self, ty: &SqlType, reported: &str) -> Option<String> {
        normalize::normalize_default(ty, reported)
    }

    /// Besides types and defaults: the primary key's name is always
    /// `PRIMARY` (read as none), enums are named after their columns, unique
    /// indexes are unique constraints, an unconstrained `DECIMAL` is
    /// `DECIMAL(10, 0)`, and a column's collation that is its table's reads
    /// as none. Referential actions are kept as written: MariaDB
    /// and MySQL keep an explicit `NO ACTION` apart from `RESTRICT`, and
    /// retort always spells actions out there. A generated column accepts
    /// `NULL`: MariaDB refuses `NOT NULL` on one, so retort writes none.
    /// SQLite's table options are ignored. An engine reads back as the
    /// server spells it, and `InnoDB` as none.
    fn stored_form(&self, schema: &Schema) -> Schema {
        let mut stored = stored_form::columns_as_read_back(self, schema);
        for column in stored
            .tables
            .iter_mut()
            .flat_map(|table| &mut table.columns)
        {
            if column.generated.is_some() {
                column.nullable = true;
            }
        }
        stored_form::enums_named_after_columns(&mut stored);
        stored_form::without_identity_options(&mut stored);
        stored_form::unique_indexes_as_constraints(&mut stored);
        stored_form::without_sqlite_options(&mut stored);
        for table in &mut stored.tables {
            if let Some(key) = &mut table.primary_key {
                key.name = None;
            }
            table.engine = stored_engine(table.engine.as_deref());
            let table_collation = table.collation.clone();
            for column in &mut table.columns {
                // A column's collation reads back only where it is not its
                // table's, and ON UPDATE as a default does.
                if column.collation.is_some() && column.collation == table_collation {
                    column.collation = None;
                }
                column.on_update = column
                    .on_update
                    .as_deref()
                    .and_then(|expression| self.normalize_default(&column.ty, expression));
                if let SqlType::Numeric {
                    precision: precision @ None,
                    ..
                } = &mut column.ty
                {
                    *precision = Some(10);
                }
            }
        }
        stored
    }
}

/// A MySQL string literal: quotes doubled and backslashes escaped, since
/// MySQL reads `\` as an escape in string literals (unless
/// `NO_BACKSLASH_ESCAPES`, where `\\` would be two backslashes: retort
/// expects the default SQL mode here).
pub(crate) fn string_literal(value: &str) -> String {
    let mut literal = String::with_capacity(value.len() + 2);
    literal.push('\'');
    for ch in value.chars() {
        match ch {
            '\'' => literal.push_str("''"),
            '\\' => literal.push_str("\\\\"),
            ch => literal.push(ch),
        }
    }
    literal.push('\'');
    literal
}

/// The engines as the server spells them (`SHOW ENGINES` on MySQL 8 and
/// MariaDB 10.11).
const ENGINES: &[&str] = &[
    "InnoDB",
    "MyISAM",
    "MEMORY",
    "ARCHIVE",
    "CSV",
    "BLACKHOLE",
    "MRG_MyISAM",
    "FEDERATED",
    "Aria",
    "SEQUENCE",
    "ROCKSDB",
];

/// A table's engine as it reads back: spelled as the server spells it
/// (`myisam` is `MyISAM`; an engine it does not know as written), and
/// `None` for `InnoDB`, the default (`ENGINE = innodb` and no `ENGINE` are
/// the same).
pub(crate) fn stored_engine(engine: Option<&str>) -> Option<String> {
    let engine = engine?.trim();
    let spelled = ENGINES
        .iter()
        .find(|known| known.eq_ignore_ascii_case(engine))
        .map_or(engine, |known| known);
    (spelled != "InnoDB").then(|| spelled.to_owned())
}

#[cfg(test)]
mod tests {
    use super::{stored_engine, string_literal};

    #[test]
    fn engines_read_as_the_server_spells_them_and_innodb_as_none() {
        assert_eq!(stored_engine(Some("myisam")).as_deref(), Some("MyISAM"));
        assert_eq!(stored_engine(Some(" Memory ")).as_deref(), Some("MEMORY"));
        assert_eq!(stored_engine(Some("INNODB")), None);
        assert_eq!(stored_engine(Some("Spider")).as_deref(), Some("Spider"));
        assert_eq!(stored_engine(None), None);
    }

    #[test]
    fn literals_escape_quotes_and_backslashes() {
        assert_eq!(string_literal(r"it's a \ path"), r"'it''s a \\ path'");
    }
}
