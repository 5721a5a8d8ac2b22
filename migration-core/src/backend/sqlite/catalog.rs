//! SQLite's catalog: four bulk queries per namespace (`main` unless told
//! otherwise) — `sqlite_schema` joined with the `pragma_table_xinfo`,
//! `pragma_index_list`/`pragma_index_xinfo` and `pragma_foreign_key_list`
//! table-valued functions — whatever the number of tables, and the raw rows
//! they return, one struct per query, no interpretation
//! (`introspect/sqlite/` turns them, and the `CREATE` statements' text,
//! into the model).

#![cfg_attr(not(feature = "sqlite"), allow(dead_code))]

#[cfg(feature = "sqlite")]
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Integer, Nullable, Text};
#[cfg(feature = "sqlite")]
use diesel::sqlite::Sqlite;
use diesel::QueryableByName;
#[cfg(feature = "sqlite")]
use diesel::{sql_query, RunQueryDsl};

#[cfg(feature = "sqlite")]
use crate::backend::catalog::{
    Catalog, CatalogError, NamePattern, ReadCatalog, TableFilter, BOOKKEEPING_TABLES,
};
#[cfg(feature = "sqlite")]
use crate::backend::{Backend, SqliteBackend};

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

/// One key column of an index (`pragma_index_list` × `pragma_index_xinfo`),
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
    /// 1 for a descending key part.
    #[diesel(sql_type = Integer)]
    pub(crate) descending: i32,
    /// The key part's collation (`BINARY` unless the column or the index
    /// says otherwise).
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) collation: Option<String>,
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

/// One view or trigger and its `CREATE` text (`sqlite_schema`).
/// <https://www.sqlite.org/schematab.html>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct ObjectRow {
    /// `view` or `trigger`.
    #[diesel(sql_type = Text)]
    pub(crate) kind: String,
    #[diesel(sql_type = Text)]
    pub(crate) name: String,
    /// The table a trigger fires on (a view's own name).
    #[diesel(sql_type = Text)]
    pub(crate) table_name: String,
    /// The `CREATE VIEW` or `CREATE TRIGGER` statement, as written.
    #[diesel(sql_type = Text)]
    pub(crate) sql: String,
}

// Each query reads the namespace `{ns}` (a quoted identifier) and the tables
// chosen by `{selected}`, which the introspector replaces with the filter on
// `m.name`; the pragma functions take the namespace as a bound value.

// language=SQL
const TABLES: &str = "SELECT m.name AS table_name, m.sql AS sql \
     FROM {ns}.sqlite_master m \
     WHERE m.name NOT IN ( \
       SELECT t.name FROM pragma_table_list t WHERE t.schema = ? AND t.type = 'shadow') \
       AND {selected} \
     ORDER BY m.name";

// language=SQL
const COLUMNS: &str = "SELECT m.name AS table_name, p.name AS column_name, \
            p.type AS declared_type, p.\"notnull\" AS not_null, \
            p.dflt_value AS default_value, p.pk AS pk, p.hidden AS hidden \
     FROM {ns}.sqlite_master m \
     JOIN pragma_table_xinfo(m.name, ?) p \
     WHERE {selected} \
     ORDER BY m.name, p.cid";

// language=SQL
const INDEXES: &str = "SELECT m.name AS table_name, il.name AS index_name, \
            il.\"unique\" AS is_unique, il.origin AS origin, \
            ii.cid AS column_id, ii.name AS column_name, s.sql AS sql, \
            ii.\"desc\" AS descending, ii.coll AS collation \
     FROM {ns}.sqlite_master m \
     JOIN pragma_index_list(m.name, ?) il \
     JOIN pragma_index_xinfo(il.name, ?) ii \
     LEFT JOIN {ns}.sqlite_master s ON s.type = 'index' AND s.name = il.name \
     WHERE ii.key = 1 AND {selected} \
     ORDER BY m.name, il.name, ii.seqno";

// language=SQL
const FOREIGN_KEYS: &str = "SELECT m.name AS table_name, f.id AS id, \
            f.\"table\" AS referenced_table, f.\"from\" AS column_name, \
            f.\"to\" AS referenced_column, f.on_update AS on_update, f.on_delete AS on_delete \
     FROM {ns}.sqlite_master m \
     JOIN pragma_foreign_key_list(m.name, ?) f \
     WHERE {selected} \
     ORDER BY m.name, f.id, f.seq";

/// The views and triggers of namespace `{ns}`; `{selected}` is replaced by
/// the filter on names (a view's own, a trigger's table's).
// language=SQL
const OBJECTS: &str =
    "SELECT m.type AS kind, m.name AS name, m.tbl_name AS table_name, m.sql AS sql \
     FROM {ns}.sqlite_master m \
     WHERE m.type IN ('view', 'trigger') AND m.sql IS NOT NULL AND {selected} \
     ORDER BY m.type DESC, m.name";

/// The rows of one namespace, ready for introspection's last stage.
#[derive(Debug, Default)]
pub struct CatalogRows {
    /// The namespace read.
    pub(crate) namespace: String,
    pub(crate) tables: Vec<TableRow>,
    pub(crate) columns: Vec<ColumnRow>,
    pub(crate) indexes: Vec<IndexRow>,
    pub(crate) foreign_keys: Vec<ForeignKeyRow>,
    pub(crate) objects: Vec<ObjectRow>,
}

/// Runs the catalog queries for the tables of each of `namespaces` (`main`
/// when empty) that `tables` chooses: one set of rows per namespace.
#[cfg(feature = "sqlite")]
pub(crate) fn read_catalog(
    conn: &mut diesel::SqliteConnection,
    namespaces: &[String],
    tables: &TableFilter,
) -> Result<Vec<CatalogRows>, CatalogError> {
    let failed = CatalogError::query;
    let namespaces = if namespaces.is_empty() {
        vec![DEFAULT_NAMESPACE.to_owned()]
    } else {
        namespaces.to_vec()
    };
    let mut read = Vec::with_capacity(namespaces.len());
    for namespace in namespaces {
        read.push(CatalogRows {
            tables: selected(TABLES, &namespace, 1, tables)
                .load(conn)
                .map_err(failed("tables"))?,
            columns: selected(COLUMNS, &namespace, 1, tables)
                .load(conn)
                .map_err(failed("columns"))?,
            indexes: selected(INDEXES, &namespace, 2, tables)
                .load(conn)
                .map_err(failed("indexes"))?,
            foreign_keys: selected(FOREIGN_KEYS, &namespace, 1, tables)
                .load(conn)
                .map_err(failed("foreign keys"))?,
            objects: objects(&namespace, &tables.tables)
                .load(conn)
                .map_err(failed("views and triggers"))?,
            namespace,
        });
    }
    Ok(read)
}

#[cfg(feature = "sqlite")]
/// `template` for namespace `namespace`, its pragma arguments
/// (`pragma_arguments` of them) and the table filter bound in order.
fn selected(
    template: &'static str,
    namespace: &str,
    pragma_arguments: usize,
    filter: &TableFilter,
) -> BoxedSqlQuery<'static, Sqlite, SqlQuery> {
    let tables = &filter.tables;
    let mut condition = format!(
        "m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
         AND m.sql NOT LIKE 'CREATE VIRTUAL%' AND m.name NOT IN ({})",
        vec!["?"; BOOKKEEPING_TABLES.len()].join(", ")
    );
    if !tables.is_empty() {
        condition.push_str(&format!(
            " AND m.name IN ({})",
            vec!["?"; tables.len()].join(", ")
        ));
    }
    // The patterns that apply to this namespace's tables: a schema part
    // never matches `main`, the default (see `NamePattern`).
    let applicable = |patterns: &[NamePattern]| -> Vec<String> {
        let namespace = (namespace != DEFAULT_NAMESPACE).then_some(namespace);
        patterns
            .iter()
            .filter(|pattern| pattern.matches_namespace(namespace))
            .map(|pattern| sqlite_glob(&pattern.table))
            .collect()
    };
    let (include, exclude) = (applicable(&filter.include), applicable(&filter.exclude));
    let globs = |count: usize| vec!["m.name GLOB ?"; count].join(" OR ");
    match (filter.include.is_empty(), include.len()) {
        (true, _) => {}
        (false, 0) => condition.push_str(" AND 0"),
        (false, count) => condition.push_str(&format!(" AND ({})", globs(count))),
    }
    if !exclude.is_empty() {
        condition.push_str(&format!(" AND NOT ({})", globs(exclude.len())));
    }
    let sql = template
        .replace("{ns}", &SqliteBackend.quote_identifier(namespace))
        .replace("{selected}", &condition);
    let mut query = sql_query(sql).into_boxed();
    for _ in 0..pragma_arguments {
        query = query.bind::<Text, _>(namespace.to_owned());
    }
    for table in BOOKKEEPING_TABLES {
        query = query.bind::<Text, _>(table);
    }
    for table in tables {
        query = query.bind::<Text, _>(table.clone());
    }
    for glob in include.into_iter().chain(exclude) {
        query = query.bind::<Text, _>(glob);
    }
    query
}

/// A `*` pattern as SQLite's `GLOB` reads it: `?` and `[` match only
/// themselves.
#[cfg(feature = "sqlite")]
fn sqlite_glob(pattern: &str) -> String {
    pattern.replace('[', "[[]").replace('?', "[?]")
}

/// The views and triggers of `namespace`; with a table filter, the views it
/// names and the triggers of the tables it names.
#[cfg(feature = "sqlite")]
fn objects(namespace: &str, tables: &[String]) -> BoxedSqlQuery<'static, Sqlite, SqlQuery> {
    let condition = if tables.is_empty() {
        "1".to_owned()
    } else {
        let list = vec!["?"; tables.len()].join(", ");
        format!("(m.type = 'view' AND m.name IN ({list}) OR m.type = 'trigger' AND m.tbl_name IN ({list}))")
    };
    let sql = OBJECTS
        .replace("{ns}", &SqliteBackend.quote_identifier(namespace))
        .replace("{selected}", &condition);
    let mut query = sql_query(sql).into_boxed();
    for _ in 0..2 {
        for table in tables {
            query = query.bind::<Text, _>(table.clone());
        }
    }
    query
}

#[cfg(feature = "sqlite")]
impl ReadCatalog for diesel::SqliteConnection {
    fn read_catalog(
        &mut self,
        namespaces: &[String],
        tables: &TableFilter,
    ) -> Result<Catalog, CatalogError> {
        read_catalog(self, namespaces, tables).map(Catalog::Sqlite)
    }
}

/// SQLite's main database, reported as the default namespace.
pub(crate) const DEFAULT_NAMESPACE: &str = "main";
