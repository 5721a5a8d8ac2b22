//! Reading MySQL's and MariaDB's catalog: six bulk queries on
//! `information_schema` filtered by schema (plus one for the current database
//! and the server's version), whatever the number of tables, then pure
//! functions from their rows to the model.
//!
//! Normalization rules are in `normalize.rs`. Decisions:
//!
//! - The primary key is always named `PRIMARY` by MySQL: it reads back with
//!   `name: None`. Other constraint and index names read back as they are.
//! - MySQL makes no difference between a `UNIQUE` constraint and a unique
//!   index: every unique index on plain columns reads back as a
//!   [`UniqueConstraint`]; one with a functional part as a unique [`Index`].
//! - InnoDB creates an index for a foreign key that has none, named after the
//!   constraint (or, for an unnamed one, its first column). That index is the
//!   foreign key's, not the model's: a non-unique index on exactly the foreign
//!   key's columns and named that way is not reported.
//! - `AUTO_INCREMENT` columns read as `identity: true` with no default.
//! - Enums are inline and read back named after their column.
//! - A foreign key declared without actions reads back `RESTRICT` (InnoDB's
//!   default, which behaves as `NO ACTION`); actions declared explicitly read
//!   back as declared.
//! - MariaDB's `JSON` columns (`longtext` with a `json_valid` check named
//!   after the column, or after its name before a rename) read as `Json`,
//!   without that check.
//! - Functional index parts are read on MySQL 8 (`EXPRESSION`); MariaDB has
//!   none. Prefix lengths are not modeled.

#![cfg_attr(not(feature = "mysql"), allow(dead_code))]

use std::collections::HashMap;

use super::catalog_rows::{
    CheckRow, ColumnRow, ForeignKeyActionRow, ForeignKeyRow, IndexRow, TableRow,
};
use super::normalize::{normalize_default, parse_type};
use crate::backend::spelling::quote_literal;
use crate::introspect::assemble::{action_by_name, SchemaBuilder};
use crate::introspect::{IntrospectError, Result};
use crate::schema::{
    CheckConstraint, Column, ForeignKey, Index, IndexPart, PrimaryKey, Schema, SqlType, Table,
    UniqueConstraint,
};

// Each query reads the tables chosen by `{selected}`, which the introspector
// replaces with `<schema column> IN (?, ...) AND <table column> <> ?` and,
// when names are given, `AND <table column> IN (?, ...)`.

// language=SQL
const SERVER: &str = "SELECT DATABASE() AS `database`, VERSION() AS version";

// language=SQL
const TABLES: &str = "SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS table_name, \
            TABLE_COMMENT AS comment \
     FROM information_schema.TABLES \
     WHERE TABLE_TYPE = 'BASE TABLE' AND {selected} \
     ORDER BY TABLE_SCHEMA, TABLE_NAME";

// language=SQL
const COLUMNS: &str = "SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS table_name, \
            COLUMN_NAME AS column_name, COLUMN_TYPE AS column_type, \
            IS_NULLABLE AS is_nullable, COLUMN_DEFAULT AS column_default, \
            EXTRA AS extra, COLUMN_COMMENT AS comment \
     FROM information_schema.COLUMNS \
     WHERE {selected} \
     ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION";

// language=SQL
const INDEXES_MARIADB: &str = "SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS table_name, \
            INDEX_NAME AS index_name, CAST(NON_UNIQUE AS SIGNED) AS non_unique, \
            COLUMN_NAME AS column_name, NULL AS expression \
     FROM information_schema.STATISTICS \
     WHERE {selected} \
     ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

// language=SQL
const INDEXES_MYSQL: &str = "SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS table_name, \
            INDEX_NAME AS index_name, CAST(NON_UNIQUE AS SIGNED) AS non_unique, \
            COLUMN_NAME AS column_name, EXPRESSION AS expression \
     FROM information_schema.STATISTICS \
     WHERE {selected} \
     ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

// language=SQL
const FOREIGN_KEY_COLUMNS: &str = "SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS table_name, \
            CONSTRAINT_NAME AS constraint_name, COLUMN_NAME AS column_name, \
            REFERENCED_TABLE_SCHEMA AS referenced_schema, \
            REFERENCED_TABLE_NAME AS referenced_table, \
            REFERENCED_COLUMN_NAME AS referenced_column \
     FROM information_schema.KEY_COLUMN_USAGE \
     WHERE REFERENCED_TABLE_NAME IS NOT NULL AND {selected} \
     ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION";

// Read apart from the columns: MariaDB joins two information_schema tables
// an order of magnitude slower than it reads both.
// language=SQL
const FOREIGN_KEY_ACTIONS: &str =
    "SELECT CONSTRAINT_SCHEMA AS schema_name, TABLE_NAME AS table_name, \
            CONSTRAINT_NAME AS constraint_name, \
            UPDATE_RULE AS on_update, DELETE_RULE AS on_delete \
     FROM information_schema.REFERENTIAL_CONSTRAINTS \
     WHERE {selected}";

// language=SQL
const CHECKS_MARIADB: &str = "SELECT CONSTRAINT_SCHEMA AS schema_name, TABLE_NAME AS table_name, \
            CONSTRAINT_NAME AS constraint_name, CHECK_CLAUSE AS expression \
     FROM information_schema.CHECK_CONSTRAINTS \
     WHERE {selected} \
     ORDER BY CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME";

// language=SQL
const CHECKS_MYSQL: &str = "SELECT tc.TABLE_SCHEMA AS schema_name, tc.TABLE_NAME AS table_name, \
            tc.CONSTRAINT_NAME AS constraint_name, cc.CHECK_CLAUSE AS expression \
     FROM information_schema.TABLE_CONSTRAINTS tc \
     JOIN information_schema.CHECK_CONSTRAINTS cc \
       ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME \
     WHERE tc.CONSTRAINT_TYPE = 'CHECK' AND {selected} \
     ORDER BY tc.TABLE_SCHEMA, tc.TABLE_NAME, tc.CONSTRAINT_NAME";

/// Everything the queries returned, ready for [`build_schema`].
#[derive(Debug, Default)]
pub(crate) struct CatalogRows {
    pub(crate) default_schema: String,
    /// MariaDB prints `COLUMN_DEFAULT` literals quoted; MySQL 8 does not.
    pub(crate) mariadb: bool,
    pub(crate) tables: Vec<TableRow>,
    pub(crate) columns: Vec<ColumnRow>,
    pub(crate) indexes: Vec<IndexRow>,
    pub(crate) foreign_keys: Vec<ForeignKeyRow>,
    pub(crate) foreign_key_actions: Vec<ForeignKeyActionRow>,
    pub(crate) checks: Vec<CheckRow>,
}

#[cfg(feature = "mysql")]
mod live {
    use diesel::mysql::Mysql;
    use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
    use diesel::sql_types::Text;
    use diesel::{sql_query, RunQueryDsl};

    use super::super::catalog_rows::ServerRow;
    use super::*;
    use crate::backend::BackendKind;
    use crate::introspect::BOOKKEEPING_TABLES;
    use crate::introspect::{IntrospectCatalog, IntrospectOptions};

    /// `template` with `{selected}` filled in for the given columns, and the
    /// values bound in the order they appear.
    fn selected(
        template: &'static str,
        schema_column: &str,
        table_column: &str,
        namespaces: &[String],
        tables: &[String],
    ) -> BoxedSqlQuery<'static, Mysql, SqlQuery> {
        let placeholders = |count: usize| vec!["?"; count].join(", ");
        let mut condition = format!(
            "{schema_column} IN ({}) AND {table_column} NOT IN ({})",
            placeholders(namespaces.len()),
            placeholders(BOOKKEEPING_TABLES.len())
        );
        if !tables.is_empty() {
            condition.push_str(&format!(
                " AND {table_column} IN ({})",
                placeholders(tables.len())
            ));
        }
        let mut query = sql_query(template.replace("{selected}", &condition)).into_boxed();
        for namespace in namespaces {
            query = query.bind::<Text, _>(namespace.clone());
        }
        for table in BOOKKEEPING_TABLES {
            query = query.bind::<Text, _>(table);
        }
        for table in tables {
            query = query.bind::<Text, _>(table.clone());
        }
        query
    }

    impl IntrospectCatalog for diesel::MysqlConnection {
        fn introspect_catalog(&mut self, options: &IntrospectOptions) -> Result<Schema> {
            let failed = |what| IntrospectError::query(BackendKind::Mysql, what);
            let server = sql_query(SERVER)
                .get_result::<ServerRow>(self)
                .map_err(failed("the current database"))?;
            let default_schema = match (server.database, options.namespaces.is_empty()) {
                (Some(name), _) => name,
                (None, true) => return Err(IntrospectError::NoDefaultNamespace),
                (None, false) => String::new(),
            };
            let mariadb = server.version.contains("MariaDB");
            let namespaces = if options.namespaces.is_empty() {
                vec![default_schema.clone()]
            } else {
                options.namespaces.clone()
            };
            let names = &options.tables;
            let (indexes, checks, check_schema, check_table) = if mariadb {
                (
                    INDEXES_MARIADB,
                    CHECKS_MARIADB,
                    "CONSTRAINT_SCHEMA",
                    "TABLE_NAME",
                )
            } else {
                (
                    INDEXES_MYSQL,
                    CHECKS_MYSQL,
                    "tc.TABLE_SCHEMA",
                    "tc.TABLE_NAME",
                )
            };
            let rows = CatalogRows {
                tables: selected(TABLES, "TABLE_SCHEMA", "TABLE_NAME", &namespaces, names)
                    .load(self)
                    .map_err(failed("tables"))?,
                columns: selected(COLUMNS, "TABLE_SCHEMA", "TABLE_NAME", &namespaces, names)
                    .load(self)
                    .map_err(failed("columns"))?,
                indexes: selected(indexes, "TABLE_SCHEMA", "TABLE_NAME", &namespaces, names)
                    .load(self)
                    .map_err(failed("indexes"))?,
                foreign_keys: selected(
                    FOREIGN_KEY_COLUMNS,
                    "TABLE_SCHEMA",
                    "TABLE_NAME",
                    &namespaces,
                    names,
                )
                .load(self)
                .map_err(failed("foreign keys"))?,
                foreign_key_actions: selected(
                    FOREIGN_KEY_ACTIONS,
                    "CONSTRAINT_SCHEMA",
                    "TABLE_NAME",
                    &namespaces,
                    names,
                )
                .load(self)
                .map_err(failed("foreign key actions"))?,
                checks: selected(checks, check_schema, check_table, &namespaces, names)
                    .load(self)
                    .map_err(failed("check constraints"))?,
                default_schema,
                mariadb,
            };
            build_schema(rows)
        }
    }
}

/// The model from the catalog's rows: no I/O.
pub(crate) fn build_schema(rows: CatalogRows) -> Result<Schema> {
    let mut schema = SchemaBuilder::new(&rows.default_schema);
    for table in rows.tables {
        schema.add_table(&table.schema_name, &table.table_name, table.comment);
    }
    for row in &rows.columns {
        let column = discover_column(row, rows.mariadb);
        if let Some(table) = schema.table_mut(&row.schema_name, &row.table_name) {
            table.columns.push(column);
        }
    }
    let actions: HashMap<(&str, &str, &str), &ForeignKeyActionRow> = rows
        .foreign_key_actions
        .iter()
        .map(|row| {
            let key = (
                row.schema_name.as_str(),
                row.table_name.as_str(),
                row.constraint_name.as_str(),
            );
            (key, row)
        })
        .collect();
    for group in rows.foreign_keys.chunk_by(|a, b| {
        (&a.schema_name, &a.table_name, &a.constraint_name)
            == (&b.schema_name, &b.table_name, &b.constraint_name)
    }) {
        let first = &group[0];
        let object = || {
            format!(
                "foreign key {} on {}",
                first.constraint_name, first.table_name
            )
        };
        let key = (
            first.schema_name.as_str(),
            first.table_name.as_str(),
            first.constraint_name.as_str(),
        );
        let Some(rules) = actions.get(&key) else {
            return Err(IntrospectError::UnexpectedValue {
                object: object(),
                what: "foreign key without a REFERENTIAL_CONSTRAINTS row",
                value: first.constraint_name.clone(),
            });
        };
        let action = |name: &str, what| {
            action_by_name(name).ok_or_else(|| IntrospectError::UnexpectedValue {
                object: object(),
                what,
                value: name.to_owned(),
            })
        };
        let foreign_key = ForeignKey {
            name: Some(first.constraint_name.clone()),
            columns: group.iter().map(|row| row.column_name.clone()).collect(),
            referenced_schema: first
                .referenced_schema
                .as_deref()
                .and_then(|namespace| schema.namespace(namespace)),
            referenced_table: first.referenced_table.clone(),
            referenced_columns: group
                .iter()
                .map(|row| row.referenced_column.clone())
                .collect(),
            on_delete: action(&rules.on_delete, "ON DELETE action")?,
            on_update: action(&rules.on_update, "ON UPDATE action")?,
        };
        if let Some(table) = schema.table_mut(&first.schema_name, &first.table_name) {
            table.foreign_keys.push(foreign_key);
        }
    }
    for group in rows.indexes.chunk_by(|a, b| {
        (&a.schema_name, &a.table_name, &a.index_name)
            == (&b.schema_name, &b.table_name, &b.index_name)
    }) {
        let first = &group[0];
        if let Some(table) = schema.table_mut(&first.schema_name, &first.table_name) {
            discover_index(table, group);
        }
    }
    for check in &rows.checks {
        if let Some(table) = schema.table_mut(&check.schema_name, &check.table_name) {
            discover_check(table, check);
        }
    }
    Ok(schema.finish())
}

fn discover_column(row: &ColumnRow, mariadb: bool) -> Column {
    let ty = match parse_type(&row.column_type) {
        SqlType::Enum { values, .. } => SqlType::Enum {
            name: row.column_name.clone(),
            values,
        },
        other => other,
    };
    let extra = row.extra.as_deref().unwrap_or("").to_ascii_lowercase();
    let identity = extra.contains("auto_increment");
    let generated = extra.contains("virtual generated") || extra.contains("stored generated");
    let default = if identity || generated {
        None
    } else {
        row.column_default.as_deref().and_then(|reported| {
            // MySQL 8 prints literals bare and flags expressions.
            let quoted;
            let reported = if mariadb
                || extra.contains("default_generated")
                || ty == SqlType::Boolean
                || ty.is_integer()
                || matches!(
                    ty,
                    SqlType::Real | SqlType::Double | SqlType::Numeric { .. }
                ) {
                reported
            } else {
                quoted = quote_literal(reported);
                &quoted
            };
            normalize_default(&ty, reported)
        })
    };
    Column {
        name: row.column_name.clone(),
        nullable: row.is_nullable.eq_ignore_ascii_case("YES"),
        default,
        identity,
        comment: row.comment.clone().filter(|comment| !comment.is_empty()),
        renamed_from: None,
        ty,
    }
}

/// One index from its key parts: the primary key, a unique constraint, the
/// index InnoDB made for a foreign key (dropped), or an index.
fn discover_index(table: &mut Table, parts: &[IndexRow]) {
    let Some(first) = parts.first() else {
        return;
    };
    let columns: Option<Vec<String>> = parts.iter().map(|part| part.column_name.clone()).collect();
    if first.index_name == "PRIMARY" {
        table.primary_key = Some(PrimaryKey {
            name: None,
            columns: columns.unwrap_or_default(),
        });
        return;
    }
    let unique = first.non_unique == 0;
    if let Some(columns) = &columns {
        if unique {
            table.uniques.push(UniqueConstraint {
                name: Some(first.index_name.clone()),
                columns: columns.clone(),
            });
            return;
        }
        let made_for_a_foreign_key = table.foreign_keys.iter().any(|foreign_key| {
            foreign_key.columns == *columns
                && (foreign_key.name.as_deref() == Some(first.index_name.as_str())
                    || foreign_key.columns.first() == Some(&first.index_name))
        });
        if made_for_a_foreign_key {
            return;
        }
    }
    table.indexes.push(Index {
        name: first.index_name.clone(),
        parts: parts
            .iter()
            .map(|part| match (&part.column_name, &part.expression) {
                (Some(column), _) => IndexPart::Column(column.clone()),
                (None, expression) => IndexPart::Expression(expression.clone().unwrap_or_default()),
            })
            .collect(),
        unique,
        predicate: None,
    });
}

/// One check; MariaDB's `json_valid` check on a `longtext` column makes it
/// a JSON column instead. The check is named after the column, or after its
/// old name: MariaDB keeps the check's name when the column is renamed.
fn discover_check(table: &mut Table, check: &CheckRow) {
    let json_column = table.columns.iter_mut().find(|column| {
        column.ty == SqlType::Custom("longtext".into())
            && check.expression == format!("json_valid(`{}`)", column.name.replace('`', "``"))
    });
    if let Some(column) = json_column {
        column.ty = SqlType::Json;
        return;
    }
    table.checks.push(CheckConstraint {
        name: Some(check.constraint_name.clone()),
        expression: check.expression.clone(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::ReferentialAction;

    fn column(name: &str, column_type: &str) -> ColumnRow {
        ColumnRow {
            schema_name: "app".into(),
            table_name: "c".into(),
            column_name: name.into(),
            column_type: column_type.into(),
            is_nullable: "NO".into(),
            column_default: None,
            extra: Some(String::new()),
            comment: Some(String::new()),
        }
    }

    fn index_part(index: &str, non_unique: i64, column: &str) -> IndexRow {
        IndexRow {
            schema_name: "app".into(),
            table_name: "c".into(),
            index_name: index.into(),
            non_unique,
            column_name: Some(column.into()),
            expression: None,
        }
    }

    fn foreign_key(name: &str, column: &str) -> ForeignKeyRow {
        ForeignKeyRow {
            schema_name: "app".into(),
            table_name: "c".into(),
            constraint_name: name.into(),
            column_name: column.into(),
            referenced_schema: Some("app".into()),
            referenced_table: "p".into(),
            referenced_column: "id".into(),
        }
    }

    fn actions(name: &str, on_delete: &str) -> ForeignKeyActionRow {
        ForeignKeyActionRow {
            schema_name: "app".into(),
            table_name: "c".into(),
            constraint_name: name.into(),
            on_update: "NO ACTION".into(),
            on_delete: on_delete.into(),
        }
    }

    #[test]
    fn rows_become_a_table_without_innodb_s_own_indexes() {
        let mut id = column("id", "int(11)");
        id.extra = Some("auto_increment".into());
        let mut status = column("status", "enum('a','it''s')");
        status.column_default = Some("'a'".into());
        status.comment = Some("the status".into());
        let mut flag = column("flag", "tinyint(1)");
        flag.is_nullable = "YES".into();
        flag.column_default = Some("1".into());
        let rows = CatalogRows {
            default_schema: "app".into(),
            mariadb: true,
            tables: vec![TableRow {
                schema_name: "app".into(),
                table_name: "c".into(),
                comment: Some(String::new()),
            }],
            columns: vec![
                id,
                column("pid", "int(11)"),
                column("qid", "int(11)"),
                column("doc", "longtext"),
                status,
                flag,
            ],
            indexes: vec![
                index_part("PRIMARY", 0, "id"),
                index_part("fk_named", 1, "pid"),
                index_part("ix_status", 1, "status"),
                index_part("ix_status", 1, "flag"),
                index_part("qid", 1, "qid"),
                index_part("uq_status", 0, "status"),
            ],
            foreign_keys: vec![
                foreign_key("c_ibfk_1", "qid"),
                foreign_key("fk_named", "pid"),
            ],
            foreign_key_actions: vec![
                actions("fk_named", "RESTRICT"),
                actions("c_ibfk_1", "CASCADE"),
            ],
            checks: vec![
                CheckRow {
                    schema_name: "app".into(),
                    table_name: "c".into(),
                    // Renamed from `document`: the check keeps its name.
                    constraint_name: "document".into(),
                    expression: "json_valid(`doc`)".into(),
                },
                CheckRow {
                    schema_name: "app".into(),
                    table_name: "c".into(),
                    constraint_name: "ck_pid".into(),
                    expression: "`pid` > 0".into(),
                },
            ],
        };
        let schema = build_schema(rows).expect("rows are consistent");
        let fk = |name: &str, column: &str, on_delete| ForeignKey {
            name: Some(name.into()),
            columns: vec![column.into()],
            referenced_schema: None,
            referenced_table: "p".into(),
            referenced_columns: vec!["id".into()],
            on_delete,
            on_update: ReferentialAction::NoAction,
        };
        let expected = Table::new("c")
            .column(Column::new("id", SqlType::Integer).identity())
            .column(Column::new("pid", SqlType::Integer))
            .column(Column::new("qid", SqlType::Integer))
            .column(Column::new("doc", SqlType::Json))
            .column(
                Column::new(
                    "status",
                    SqlType::Enum {
                        name: "status".into(),
                        values: vec!["a".into(), "it's".into()],
                    },
                )
                .default_expr("'a'")
                .comment("the status"),
            )
            .column(
                Column::new("flag", SqlType::Boolean)
                    .nullable()
                    .default_expr("true"),
            )
            .primary_key(PrimaryKey {
                name: None,
                columns: vec!["id".into()],
            })
            .index(Index::on_columns("ix_status", ["status", "flag"]))
            .unique(UniqueConstraint {
                name: Some("uq_status".into()),
                columns: vec!["status".into()],
            })
            .foreign_key(fk("c_ibfk_1", "qid", ReferentialAction::Cascade))
            .foreign_key(fk("fk_named", "pid", ReferentialAction::Restrict))
            .check(CheckConstraint {
                name: Some("ck_pid".into()),
                expression: "`pid` > 0".into(),
            });
        assert_eq!(schema, Schema::new(vec![expected]));
    }

    #[test]
    fn mysql_8_bare_literal_defaults_are_quoted() {
        let mut status = column("status", "varchar(10)");
        status.column_default = Some("it's".into());
        let mut created = column("created", "timestamp(6)");
        created.column_default = Some("CURRENT_TIMESTAMP(6)".into());
        created.extra = Some("DEFAULT_GENERATED".into());
        assert_eq!(
            discover_column(&status, false).default.as_deref(),
            Some("'it''s'")
        );
        assert_eq!(
            discover_column(&created, false).default.as_deref(),
            Some("CURRENT_TIMESTAMP")
        );
    }
}
