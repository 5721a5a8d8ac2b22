//! MySQL's and MariaDB's catalog: ten bulk queries on `information_schema`
//! filtered by schema (plus one for the current database and the server's
//! version), whatever the number of tables, and the raw rows they return,
//! one struct per query, no interpretation (`introspect/mysql.rs` turns
//! them into the model).

#![cfg_attr(not(feature = "mysql"), allow(dead_code))]

#[cfg(feature = "mysql")]
use diesel::mysql::Mysql;
#[cfg(feature = "mysql")]
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::QueryableByName;
#[cfg(feature = "mysql")]
use diesel::{sql_query, RunQueryDsl};

#[cfg(feature = "mysql")]
use crate::backend::catalog::{
    Catalog, CatalogError, NamePattern, ReadCatalog, TableFilter, BOOKKEEPING_TABLES,
};

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
    /// `TABLE_COLLATION`: the table's default collation.
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) collation: Option<String>,
    /// The database's default collation (`SCHEMATA.DEFAULT_COLLATION_NAME`).
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) schema_collation: Option<String>,
    /// `ENGINE`: `InnoDB`, `MyISAM`, `MEMORY`, `Aria` (MariaDB), ...
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) engine: Option<String>,
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
    /// `GENERATION_EXPRESSION`: a generated column's expression, as the
    /// server rewrote it (`` `price` * `quantity` ``); empty otherwise.
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) generation_expression: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) comment: Option<String>,
    /// `COLLATION_NAME`; `None` for a column that holds no text.
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) collation: Option<String>,
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
    /// `INDEX_TYPE`: `BTREE`, `FULLTEXT`, `SPATIAL` or `HASH`.
    #[diesel(sql_type = Text)]
    pub(crate) index_type: String,
    /// `COLLATION`: `A` ascending, `D` descending, `None` unsorted
    /// (`FULLTEXT`, `HASH`).
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) collation: Option<String>,
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

/// One stored function or procedure (`information_schema.ROUTINES`).
/// <https://mariadb.com/kb/en/information-schema-routines-table/>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct RoutineRow {
    #[diesel(sql_type = Text)]
    pub(crate) schema_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) name: String,
    /// `FUNCTION` or `PROCEDURE`.
    #[diesel(sql_type = Text)]
    pub(crate) kind: String,
    /// A function's return type (`DTD_IDENTIFIER`).
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) returns: Option<String>,
    /// `YES` or `NO`.
    #[diesel(sql_type = Text)]
    pub(crate) deterministic: String,
    /// `CONTAINS SQL`, `NO SQL`, `READS SQL DATA` or `MODIFIES SQL DATA`.
    #[diesel(sql_type = Text)]
    pub(crate) data_access: String,
    /// `DEFINER` or `INVOKER`.
    #[diesel(sql_type = Text)]
    pub(crate) security: String,
    #[diesel(sql_type = Text)]
    pub(crate) comment: String,
    /// The body as written.
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) body: Option<String>,
}

/// One parameter of a stored routine (`information_schema.PARAMETERS`).
/// <https://mariadb.com/kb/en/information-schema-parameters-table/>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct ParameterRow {
    #[diesel(sql_type = Text)]
    pub(crate) schema_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) routine_name: String,
    /// `IN`, `OUT` or `INOUT` (procedures only).
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) mode: Option<String>,
    #[diesel(sql_type = Text)]
    pub(crate) name: String,
    /// The type as declared (`DTD_IDENTIFIER`).
    #[diesel(sql_type = Text)]
    pub(crate) ty: String,
}

/// One view (`information_schema.VIEWS`).
/// <https://mariadb.com/kb/en/information-schema-views-table/>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct ViewRow {
    #[diesel(sql_type = Text)]
    pub(crate) schema_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) name: String,
    /// The query, as the server rewrote it (names qualified).
    #[diesel(sql_type = Text)]
    pub(crate) definition: String,
}

/// One trigger (`information_schema.TRIGGERS`).
/// <https://mariadb.com/kb/en/information-schema-triggers-table/>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct TriggerRow {
    #[diesel(sql_type = Text)]
    pub(crate) schema_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) name: String,
    #[diesel(sql_type = Text)]
    pub(crate) table_name: String,
    /// `BEFORE` or `AFTER`.
    #[diesel(sql_type = Text)]
    pub(crate) timing: String,
    /// `INSERT`, `UPDATE` or `DELETE`.
    #[diesel(sql_type = Text)]
    pub(crate) event: String,
    /// The body as written.
    #[diesel(sql_type = Text)]
    pub(crate) statement: String,
}

// Each query reads the tables chosen by `{selected}`, which the introspector
// replaces with `<schema column> IN (?, ...) AND <table column> <> ?` and,
// when names are given, `AND <table column> IN (?, ...)`.

// language=SQL
const SERVER: &str = "SELECT DATABASE() AS `database`, VERSION() AS version";

// language=SQL
const TABLES: &str = "SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS table_name, \
            TABLE_COMMENT AS comment, TABLE_COLLATION AS collation, ENGINE AS engine, \
            (SELECT s.DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA s \
             WHERE s.SCHEMA_NAME = TABLE_SCHEMA) AS schema_collation \
     FROM information_schema.TABLES \
     WHERE TABLE_TYPE = 'BASE TABLE' AND {selected} \
     ORDER BY TABLE_SCHEMA, TABLE_NAME";

// language=SQL
const COLUMNS: &str = "SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS table_name, \
            COLUMN_NAME AS column_name, COLUMN_TYPE AS column_type, \
            IS_NULLABLE AS is_nullable, COLUMN_DEFAULT AS column_default, \
            EXTRA AS extra, GENERATION_EXPRESSION AS generation_expression, \
            COLUMN_COMMENT AS comment, COLLATION_NAME AS collation \
     FROM information_schema.COLUMNS \
     WHERE {selected} \
     ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION";

// language=SQL
const INDEXES_MARIADB: &str = "SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS table_name, \
            INDEX_NAME AS index_name, CAST(NON_UNIQUE AS SIGNED) AS non_unique, \
            COLUMN_NAME AS column_name, NULL AS expression, \
            INDEX_TYPE AS index_type, COLLATION AS collation \
     FROM information_schema.STATISTICS \
     WHERE {selected} \
     ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

// language=SQL
const INDEXES_MYSQL: &str = "SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS table_name, \
            INDEX_NAME AS index_name, CAST(NON_UNIQUE AS SIGNED) AS non_unique, \
            COLUMN_NAME AS column_name, EXPRESSION AS expression, \
            INDEX_TYPE AS index_type, COLLATION AS collation \
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

/// Everything the queries returned, ready for introspection's last stage.
/// The stored routines of the databases read; `{selected}` is replaced by
/// the namespace filter (no table: read only when no table filter is
/// given).
// language=SQL
const ROUTINES: &str = "SELECT ROUTINE_SCHEMA AS schema_name, ROUTINE_NAME AS name, \
            ROUTINE_TYPE AS kind, \
            CASE WHEN ROUTINE_TYPE = 'FUNCTION' THEN DTD_IDENTIFIER END AS returns, \
            IS_DETERMINISTIC AS `deterministic`, SQL_DATA_ACCESS AS data_access, \
            SECURITY_TYPE AS security, ROUTINE_COMMENT AS comment, ROUTINE_DEFINITION AS body \
     FROM information_schema.ROUTINES \
     WHERE {selected} \
     ORDER BY ROUTINE_SCHEMA, ROUTINE_NAME";

/// Their parameters, in order.
// language=SQL
const PARAMETERS: &str = "SELECT SPECIFIC_SCHEMA AS schema_name, SPECIFIC_NAME AS routine_name, \
            PARAMETER_MODE AS mode, PARAMETER_NAME AS name, DTD_IDENTIFIER AS ty \
     FROM information_schema.PARAMETERS \
     WHERE ORDINAL_POSITION > 0 AND {selected} \
     ORDER BY SPECIFIC_SCHEMA, SPECIFIC_NAME, ORDINAL_POSITION";

// language=SQL
const VIEWS: &str = "SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS name, \
            VIEW_DEFINITION AS definition \
     FROM information_schema.VIEWS \
     WHERE {selected} \
     ORDER BY TABLE_SCHEMA, TABLE_NAME";

// language=SQL
const TRIGGERS: &str = "SELECT TRIGGER_SCHEMA AS schema_name, TRIGGER_NAME AS name, \
            EVENT_OBJECT_TABLE AS table_name, ACTION_TIMING AS timing, \
            EVENT_MANIPULATION AS event, ACTION_STATEMENT AS statement \
     FROM information_schema.TRIGGERS \
     WHERE {selected} \
     ORDER BY TRIGGER_SCHEMA, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER";

#[derive(Debug, Default)]
pub struct CatalogRows {
    pub(crate) default_schema: String,
    /// MariaDB prints `COLUMN_DEFAULT` literals quoted; MySQL 8 does not.
    pub(crate) mariadb: bool,
    pub(crate) tables: Vec<TableRow>,
    pub(crate) columns: Vec<ColumnRow>,
    pub(crate) indexes: Vec<IndexRow>,
    pub(crate) foreign_keys: Vec<ForeignKeyRow>,
    pub(crate) foreign_key_actions: Vec<ForeignKeyActionRow>,
    pub(crate) checks: Vec<CheckRow>,
    pub(crate) routines: Vec<RoutineRow>,
    pub(crate) parameters: Vec<ParameterRow>,
    pub(crate) views: Vec<ViewRow>,
    pub(crate) triggers: Vec<TriggerRow>,
}

/// Runs the catalog queries for the tables of `namespaces` (the current
/// database when empty) named in `tables` (all when empty).
#[cfg(feature = "mysql")]
pub(crate) fn read_catalog(
    conn: &mut impl diesel::connection::LoadConnection<Backend = diesel::mysql::Mysql>,
    namespaces: &[String],
    tables: &TableFilter,
) -> Result<CatalogRows, CatalogError> {
    let failed = CatalogError::query;
    let server = sql_query(SERVER)
        .get_result::<ServerRow>(conn)
        .map_err(failed("the current database"))?;
    let default_schema = match (server.database, namespaces.is_empty()) {
        (Some(name), _) => name,
        (None, true) => return Err(CatalogError::NoDefaultNamespace),
        (None, false) => String::new(),
    };
    let mariadb = server.version.contains("MariaDB");
    let namespaces = if namespaces.is_empty() {
        vec![default_schema.clone()]
    } else {
        namespaces.to_vec()
    };
    let names = tables;
    // Routines belong to no table: read only when every table is.
    let reads_every_table = names.reads_every_table();
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
    Ok(CatalogRows {
        tables: selected(
            TABLES,
            "TABLE_SCHEMA",
            "TABLE_NAME",
            &namespaces,
            names,
            &default_schema,
        )
        .load(conn)
        .map_err(failed("tables"))?,
        columns: selected(
            COLUMNS,
            "TABLE_SCHEMA",
            "TABLE_NAME",
            &namespaces,
            names,
            &default_schema,
        )
        .load(conn)
        .map_err(failed("columns"))?,
        indexes: selected(
            indexes,
            "TABLE_SCHEMA",
            "TABLE_NAME",
            &namespaces,
            names,
            &default_schema,
        )
        .load(conn)
        .map_err(failed("indexes"))?,
        foreign_keys: selected(
            FOREIGN_KEY_COLUMNS,
            "TABLE_SCHEMA",
            "TABLE_NAME",
            &namespaces,
            names,
            &default_schema,
        )
        .load(conn)
        .map_err(failed("foreign keys"))?,
        foreign_key_actions: selected(
            FOREIGN_KEY_ACTIONS,
            "CONSTRAINT_SCHEMA",
            "TABLE_NAME",
            &namespaces,
            names,
            &default_schema,
        )
        .load(conn)
        .map_err(failed("foreign key actions"))?,
        checks: selected(
            checks,
            check_schema,
            check_table,
            &namespaces,
            names,
            &default_schema,
        )
        .load(conn)
        .map_err(failed("check constraints"))?,
        routines: if reads_every_table {
            selected(
                ROUTINES,
                "ROUTINE_SCHEMA",
                "''",
                &namespaces,
                names,
                &default_schema,
            )
            .load(conn)
            .map_err(failed("routines"))?
        } else {
            Vec::new()
        },
        parameters: if reads_every_table {
            selected(
                PARAMETERS,
                "SPECIFIC_SCHEMA",
                "''",
                &namespaces,
                names,
                &default_schema,
            )
            .load(conn)
            .map_err(failed("routine parameters"))?
        } else {
            Vec::new()
        },
        views: selected(
            VIEWS,
            "TABLE_SCHEMA",
            "TABLE_NAME",
            &namespaces,
            names,
            &default_schema,
        )
        .load(conn)
        .map_err(failed("views"))?,
        triggers: selected(
            TRIGGERS,
            "TRIGGER_SCHEMA",
            "EVENT_OBJECT_TABLE",
            &namespaces,
            names,
            &default_schema,
        )
        .load(conn)
        .map_err(failed("triggers"))?,
        default_schema,
        mariadb,
    })
}

#[cfg(feature = "mysql")]
/// `template` with `{selected}` filled in for the given columns, and the
/// values bound in the order they appear.
fn selected(
    template: &'static str,
    schema_column: &str,
    table_column: &str,
    namespaces: &[String],
    filter: &TableFilter,
    default_schema: &str,
) -> BoxedSqlQuery<'static, Mysql, SqlQuery> {
    let placeholders = |count: usize| vec!["?"; count].join(", ");
    let tables = &filter.tables;
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
    // A pattern's schema part never matches the default schema's tables
    // (see `NamePattern`).
    let any_of = |patterns: &[NamePattern]| -> String {
        let one = |pattern: &NamePattern| match pattern.namespace {
            Some(_) => format!(
                "({table_column} LIKE BINARY ? AND {schema_column} <> ? \
                 AND {schema_column} LIKE BINARY ?)"
            ),
            None => format!("{table_column} LIKE BINARY ?"),
        };
        patterns.iter().map(one).collect::<Vec<_>>().join(" OR ")
    };
    if !filter.include.is_empty() {
        condition.push_str(&format!(" AND ({})", any_of(&filter.include)));
    }
    if !filter.exclude.is_empty() {
        condition.push_str(&format!(" AND NOT ({})", any_of(&filter.exclude)));
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
    for pattern in filter.include.iter().chain(&filter.exclude) {
        query = query.bind::<Text, _>(pattern.table_like());
        if let Some(namespace) = pattern.namespace_like() {
            query = query
                .bind::<Text, _>(default_schema.to_owned())
                .bind::<Text, _>(namespace);
        }
    }
    query
}

#[cfg(feature = "mysql")]
crate::backend::connection::for_mysql_connections! { impl ReadCatalog => {
    fn read_catalog(
        &mut self,
        namespaces: &[String],
        tables: &TableFilter,
    ) -> Result<Catalog, CatalogError> {
        read_catalog(self, namespaces, tables).map(Catalog::Mysql)
    }
} }
