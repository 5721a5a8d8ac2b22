//! Reading PostgreSQL's catalog: five bulk queries on `pg_catalog` (plus one
//! for the default schema), whatever the number of tables, then pure
//! functions from their rows to the model.
//!
//! Every table query starts from the same `selected` tables: ordinary and
//! partitioned tables (`relkind` `r`, `p`) that are not partitions, in the
//! chosen schemas, named as the filter asks, never the version table.
//! Normalization rules are in `normalize.rs`. Decisions:
//!
//! - Identity: `GENERATED ... AS IDENTITY` columns and serial columns (a
//!   `nextval(...)` default) read as `identity: true` with no default.
//! - Enums read as `Enum { name, values }`: the type's unqualified name and
//!   its labels in sort order. Domains read as `Custom` with the domain's name.
//! - Constraint names read back as they are. Indexes that back a primary key,
//!   unique or exclusion constraint are not listed as indexes; a unique index
//!   created with `CREATE UNIQUE INDEX` is an index with `unique: true`.
//! - Foreign keys that PostgreSQL clones onto partitions (`conparentid <> 0`)
//!   are not read; the parent's constraint is.
//! - A check's expression is `pg_get_expr`'s pretty text without the outer
//!   parentheses (`price > 0::numeric`).

#![cfg_attr(not(feature = "postgres"), allow(dead_code))]

use std::collections::HashMap;

use super::catalog_rows::{ColumnRow, ConstraintRow, EnumValueRow, IndexRow, TableRow};
use super::normalize::{is_serial_default, normalize_default, parse_type};
use crate::introspect::assemble::SchemaBuilder;
use crate::introspect::text::strip_outer_parens;
use crate::introspect::{IntrospectError, Result};
use crate::schema::{
    CheckConstraint, Column, ForeignKey, Index, IndexPart, PrimaryKey, ReferentialAction, Schema,
    SqlType, UniqueConstraint,
};

/// The tables every query reads from. Binds: `$1` schemas (`text[]`), `$2`
/// the bookkeeping tables (`text[]`), `$3` table names (`text[]`, empty for all).
macro_rules! with_selected_tables {
    ($query:literal) => {
        concat!(
            "WITH selected AS ( \
               SELECT c.oid, n.nspname::text AS schema_name, c.relname::text AS table_name \
               FROM pg_catalog.pg_class c \
               JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
               WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition \
                 AND n.nspname = ANY($1) AND c.relname <> ALL($2) \
                 AND (cardinality($3::text[]) = 0 OR c.relname = ANY($3)) \
             ) ",
            $query
        )
    };
}

// language=SQL
const DEFAULT_SCHEMA: &str = "SELECT current_schema()::text AS name";

// language=SQL
const TABLES: &str = with_selected_tables!(
    "SELECT s.oid::int8 AS oid, s.schema_name, s.table_name, d.description AS comment \
     FROM selected s \
     LEFT JOIN pg_catalog.pg_description d \
       ON d.objoid = s.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0 \
     ORDER BY s.schema_name, s.table_name"
);

// language=SQL
const COLUMNS: &str = with_selected_tables!(
    "SELECT s.oid::int8 AS table_oid, a.attname::text AS column_name, \
            pg_catalog.format_type(a.atttypid, a.atttypmod) AS type_name, \
            t.typtype::text AS type_kind, t.oid::int8 AS type_oid, \
            t.typname::text AS type_short_name, a.attnotnull AS not_null, \
            a.attidentity::text AS identity, a.attgenerated::text AS generated, \
            pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS default_expr, \
            ds.description AS comment \
     FROM selected s \
     JOIN pg_catalog.pg_attribute a ON a.attrelid = s.oid \
     JOIN pg_catalog.pg_type t ON t.oid = a.atttypid \
     LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
     LEFT JOIN pg_catalog.pg_description ds \
       ON ds.objoid = s.oid AND ds.classoid = 'pg_catalog.pg_class'::regclass \
      AND ds.objsubid = a.attnum \
     WHERE a.attnum > 0 AND NOT a.attisdropped \
     ORDER BY s.oid, a.attnum"
);

// language=SQL
const ENUM_VALUES: &str = "SELECT e.enumtypid::int8 AS type_oid, e.enumlabel::text AS label \
     FROM pg_catalog.pg_enum e ORDER BY e.enumtypid, e.enumsortorder";

// language=SQL
const CONSTRAINTS: &str = with_selected_tables!(
    "SELECT s.oid::int8 AS table_oid, con.conname::text AS constraint_name, \
            con.contype::text AS kind, \
            (SELECT a.attname::text FROM pg_catalog.pg_attribute a \
             WHERE a.attrelid = con.conrelid AND a.attnum = k.attnum) AS column_name, \
            rn.nspname::text AS referenced_schema, rc.relname::text AS referenced_table, \
            (SELECT ra.attname::text FROM pg_catalog.pg_attribute ra \
             WHERE ra.attrelid = con.confrelid AND ra.attnum = con.confkey[k.ord]) \
              AS referenced_column, \
            con.confupdtype::text AS on_update, con.confdeltype::text AS on_delete, \
            CASE WHEN con.contype = 'c' \
                 THEN pg_catalog.pg_get_expr(con.conbin, con.conrelid, true) END \
              AS check_expression \
     FROM selected s \
     JOIN pg_catalog.pg_constraint con ON con.conrelid = s.oid \
     LEFT JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) ON true \
     LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid \
     LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace \
     WHERE con.contype IN ('p', 'u', 'f', 'c') AND con.conparentid = 0 \
     ORDER BY s.oid, con.oid, k.ord"
);

// language=SQL
const INDEXES: &str = with_selected_tables!(
    "SELECT s.oid::int8 AS table_oid, ic.relname::text AS index_name, \
            i.indisunique AS is_unique, \
            (SELECT a.attname::text FROM pg_catalog.pg_attribute a \
             WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[k.ord - 1] \
               AND i.indkey[k.ord - 1] <> 0) AS column_name, \
            CASE WHEN i.indkey[k.ord - 1] = 0 \
                 THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int4, true) END \
              AS definition, \
            pg_catalog.pg_get_expr(i.indpred, i.indrelid, true) AS predicate \
     FROM selected s \
     JOIN pg_catalog.pg_index i ON i.indrelid = s.oid \
     JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid \
     CROSS JOIN LATERAL generate_series(1, i.indnkeyatts::int4) AS k(ord) \
     WHERE NOT EXISTS ( \
       SELECT 1 FROM pg_catalog.pg_constraint con \
       WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid \
         AND con.contype IN ('p', 'u', 'x')) \
     ORDER BY s.oid, i.indexrelid, k.ord"
);

/// Everything the queries returned, ready for [`build_schema`].
#[derive(Debug, Default)]
pub(crate) struct CatalogRows {
    pub(crate) default_schema: String,
    pub(crate) tables: Vec<TableRow>,
    pub(crate) columns: Vec<ColumnRow>,
    pub(crate) enum_values: Vec<EnumValueRow>,
    pub(crate) constraints: Vec<ConstraintRow>,
    pub(crate) indexes: Vec<IndexRow>,
}

#[cfg(feature = "postgres")]
mod live {
    use diesel::pg::Pg;
    use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
    use diesel::sql_types::{Array, Text};
    use diesel::{sql_query, RunQueryDsl};

    use super::super::catalog_rows::DefaultSchemaRow;
    use super::*;
    use crate::backend::BackendKind;
    use crate::introspect::BOOKKEEPING_TABLES;
    use crate::introspect::{IntrospectCatalog, IntrospectOptions};

    fn selected(
        sql: &'static str,
        namespaces: &[String],
        tables: &[String],
    ) -> BoxedSqlQuery<'static, Pg, SqlQuery> {
        sql_query(sql)
            .into_boxed()
            .bind::<Array<Text>, _>(namespaces.to_vec())
            .bind::<Array<Text>, _>(BOOKKEEPING_TABLES.to_vec())
            .bind::<Array<Text>, _>(tables.to_vec())
    }

    impl IntrospectCatalog for diesel::PgConnection {
        fn introspect_catalog(&mut self, options: &IntrospectOptions) -> Result<Schema> {
            let failed = |what| IntrospectError::query(BackendKind::Postgres, what);
            let default_schema = sql_query(DEFAULT_SCHEMA)
                .get_result::<DefaultSchemaRow>(self)
                .map_err(failed("the default schema"))?
                .name;
            let default_schema = match (default_schema, options.namespaces.is_empty()) {
                (Some(name), _) => name,
                (None, true) => return Err(IntrospectError::NoDefaultNamespace),
                (None, false) => String::new(),
            };
            let namespaces = if options.namespaces.is_empty() {
                vec![default_schema.clone()]
            } else {
                options.namespaces.clone()
            };
            let tables = &options.tables;
            let rows = CatalogRows {
                tables: selected(TABLES, &namespaces, tables)
                    .load(self)
                    .map_err(failed("tables"))?,
                columns: selected(COLUMNS, &namespaces, tables)
                    .load(self)
                    .map_err(failed("columns"))?,
                enum_values: sql_query(ENUM_VALUES)
                    .load(self)
                    .map_err(failed("enum values"))?,
                constraints: selected(CONSTRAINTS, &namespaces, tables)
                    .load(self)
                    .map_err(failed("constraints"))?,
                indexes: selected(INDEXES, &namespaces, tables)
                    .load(self)
                    .map_err(failed("indexes"))?,
                default_schema,
            };
            build_schema(rows)
        }
    }
}

/// The model from the catalog's rows: no I/O.
pub(crate) fn build_schema(rows: CatalogRows) -> Result<Schema> {
    let mut schema = SchemaBuilder::new(&rows.default_schema);
    let mut names: HashMap<i64, (String, String)> = HashMap::new();
    for table in rows.tables {
        schema.add_table(&table.schema_name, &table.table_name, table.comment);
        names.insert(table.oid, (table.schema_name, table.table_name));
    }

    let mut enums: HashMap<i64, Vec<String>> = HashMap::new();
    for value in rows.enum_values {
        enums.entry(value.type_oid).or_default().push(value.label);
    }

    for row in rows.columns {
        let column = discover_column(&row, &enums);
        if let Some((namespace, name)) = names.get(&row.table_oid) {
            if let Some(table) = schema.table_mut(namespace, name) {
                table.columns.push(column);
            }
        }
    }

    for group in rows
        .constraints
        .chunk_by(|a, b| (a.table_oid, &a.constraint_name) == (b.table_oid, &b.constraint_name))
    {
        if let Some((namespace, name)) = names.get(&group[0].table_oid) {
            discover_constraint(&mut schema, namespace, name, group)?;
        }
    }

    for group in rows
        .indexes
        .chunk_by(|a, b| (a.table_oid, &a.index_name) == (b.table_oid, &b.index_name))
    {
        let first = &group[0];
        let index = Index {
            name: first.index_name.clone(),
            parts: group
                .iter()
                .map(|part| match &part.column_name {
                    Some(column) => IndexPart::Column(column.clone()),
                    None => IndexPart::Expression(part.definition.clone().unwrap_or_default()),
                })
                .collect(),
            unique: first.is_unique,
            predicate: first.predicate.clone(),
        };
        if let Some((namespace, name)) = names.get(&first.table_oid) {
            if let Some(table) = schema.table_mut(namespace, name) {
                table.indexes.push(index);
            }
        }
    }
    Ok(schema.finish())
}

/// One column: its type (enums by their values), identity and default.
fn discover_column(row: &ColumnRow, enums: &HashMap<i64, Vec<String>>) -> Column {
    let ty = match row.type_kind.as_str() {
        "e" => SqlType::Enum {
            name: row.type_short_name.clone(),
            values: enums.get(&row.type_oid).cloned().unwrap_or_default(),
        },
        "d" => SqlType::Custom(row.type_name.clone()),
        _ => parse_type(&row.type_name),
    };
    let serial = row.default_expr.as_deref().is_some_and(is_serial_default);
    let identity = !row.identity.is_empty() || serial;
    let default = if identity || !row.generated.is_empty() {
        None
    } else {
        row.default_expr
            .as_deref()
            .and_then(|default| normalize_default(&ty, default))
    };
    Column {
        name: row.column_name.clone(),
        nullable: !row.not_null,
        default,
        identity,
        comment: row.comment.clone(),
        renamed_from: None,
        ty,
    }
}

/// One constraint from its rows (one per key column, in key order).
fn discover_constraint(
    schema: &mut SchemaBuilder,
    namespace: &str,
    table_name: &str,
    rows: &[ConstraintRow],
) -> Result<()> {
    let Some(first) = rows.first() else {
        return Ok(());
    };
    let name = Some(first.constraint_name.clone());
    let columns: Vec<String> = rows
        .iter()
        .filter_map(|row| row.column_name.clone())
        .collect();
    let object = || format!("constraint {} on {table_name}", first.constraint_name);
    let referenced_schema = first
        .referenced_schema
        .as_deref()
        .and_then(|namespace| schema.namespace(namespace));
    let Some(table) = schema.table_mut(namespace, table_name) else {
        return Ok(());
    };
    match first.kind.as_str() {
        "p" => table.primary_key = Some(PrimaryKey { name, columns }),
        "u" => table.uniques.push(UniqueConstraint { name, columns }),
        "f" => table.foreign_keys.push(ForeignKey {
            name,
            columns,
            referenced_schema,
            referenced_table: first.referenced_table.clone().unwrap_or_default(),
            referenced_columns: rows
                .iter()
                .filter_map(|row| row.referenced_column.clone())
                .collect(),
            on_delete: referential_action(&first.on_delete).ok_or_else(|| {
                IntrospectError::UnexpectedValue {
                    object: object(),
                    what: "ON DELETE action",
                    value: first.on_delete.clone(),
                }
            })?,
            on_update: referential_action(&first.on_update).ok_or_else(|| {
                IntrospectError::UnexpectedValue {
                    object: object(),
                    what: "ON UPDATE action",
                    value: first.on_update.clone(),
                }
            })?,
        }),
        "c" => table.checks.push(CheckConstraint {
            name,
            expression: strip_outer_parens(first.check_expression.as_deref().unwrap_or(""))
                .to_owned(),
        }),
        _ => {}
    }
    Ok(())
}

/// `confupdtype`/`confdeltype` codes.
fn referential_action(code: &str) -> Option<ReferentialAction> {
    match code {
        "a" => Some(ReferentialAction::NoAction),
        "r" => Some(ReferentialAction::Restrict),
        "c" => Some(ReferentialAction::Cascade),
        "n" => Some(ReferentialAction::SetNull),
        "d" => Some(ReferentialAction::SetDefault),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Table;

    /// A made-up oid per table name.
    fn oid(table: &str) -> i64 {
        table.bytes().map(i64::from).sum()
    }

    fn column(table: &str, name: &str, type_name: &str) -> ColumnRow {
        ColumnRow {
            table_oid: oid(table),
            column_name: name.into(),
            type_name: type_name.into(),
            type_kind: "b".into(),
            type_oid: 23,
            type_short_name: type_name.into(),
            not_null: true,
            identity: String::new(),
            generated: String::new(),
            default_expr: None,
            comment: None,
        }
    }

    fn constraint(table: &str, name: &str, kind: &str, column: &str) -> ConstraintRow {
        ConstraintRow {
            table_oid: oid(table),
            constraint_name: name.into(),
            kind: kind.into(),
            column_name: Some(column.into()),
            referenced_schema: None,
            referenced_table: None,
            referenced_column: None,
            on_update: " ".into(),
            on_delete: " ".into(),
            check_expression: None,
        }
    }

    fn table(schema: &str, name: &str) -> TableRow {
        TableRow {
            oid: oid(name),
            schema_name: schema.into(),
            table_name: name.into(),
            comment: None,
        }
    }

    #[test]
    fn rows_become_tables_with_keys_constraints_and_indexes() {
        let mut id = column("film", "film_id", "integer");
        id.default_expr = Some("nextval('film_film_id_seq'::regclass)".into());
        let mut rating = column("film", "rating", "mpaa_rating");
        rating.type_kind = "e".into();
        rating.type_oid = 16400;
        rating.not_null = false;
        rating.default_expr = Some("'G'::mpaa_rating".into());
        let mut year = column("film", "release_year", "year");
        year.type_kind = "d".into();
        year.comment = Some("the year".into());
        let mut fk = constraint("film", "film_language_id_fkey", "f", "language_id");
        fk.referenced_schema = Some("public".into());
        fk.referenced_table = Some("language".into());
        fk.referenced_column = Some("language_id".into());
        fk.on_update = "c".into();
        fk.on_delete = "r".into();
        let mut check = constraint("film", "film_len_check", "c", "length");
        check.check_expression = Some("(length > 0)".into());
        let index_part = |column: Option<&str>, definition: &str| IndexRow {
            table_oid: oid("film"),
            index_name: "idx_title".into(),
            is_unique: false,
            column_name: column.map(Into::into),
            definition: (column.is_none()).then(|| definition.into()),
            predicate: Some("length > 10".into()),
        };
        let rows = CatalogRows {
            default_schema: "public".into(),
            tables: vec![table("public", "film"), table("audit", "log")],
            columns: vec![
                id,
                column("film", "language_id", "integer"),
                column("film", "length", "smallint"),
                rating,
                year,
                column("film", "title", "character varying(255)"),
                column("not_selected", "x", "integer"),
            ],
            enum_values: ["G", "PG", "R"]
                .into_iter()
                .map(|label| EnumValueRow {
                    type_oid: 16400,
                    label: label.into(),
                })
                .collect(),
            constraints: vec![
                check,
                fk,
                constraint("film", "film_pkey", "p", "film_id"),
                constraint("film", "film_title_key", "u", "title"),
                constraint("film", "film_title_key", "u", "length"),
            ],
            indexes: vec![
                index_part(None, "lower(title::text)"),
                index_part(Some("length"), "length"),
            ],
        };
        let schema = build_schema(rows).expect("rows are consistent");
        let mut log = Table::new("log");
        log.schema = Some("audit".into());
        let film = Table::new("film")
            .column(Column::new("film_id", SqlType::Integer).identity())
            .column(Column::new("language_id", SqlType::Integer))
            .column(Column::new("length", SqlType::SmallInt))
            .column(
                Column::new(
                    "rating",
                    SqlType::Enum {
                        name: "mpaa_rating".into(),
                        values: vec!["G".into(), "PG".into(), "R".into()],
                    },
                )
                .nullable()
                .default_expr("'G'"),
            )
            .column(Column::new("release_year", SqlType::Custom("year".into())).comment("the year"))
            .column(Column::new("title", SqlType::Varchar(255)))
            .primary_key(PrimaryKey {
                name: Some("film_pkey".into()),
                columns: vec!["film_id".into()],
            })
            .unique(UniqueConstraint {
                name: Some("film_title_key".into()),
                columns: vec!["title".into(), "length".into()],
            })
            .foreign_key(ForeignKey {
                name: Some("film_language_id_fkey".into()),
                columns: vec!["language_id".into()],
                referenced_schema: None,
                referenced_table: "language".into(),
                referenced_columns: vec!["language_id".into()],
                on_delete: ReferentialAction::Restrict,
                on_update: ReferentialAction::Cascade,
            })
            .check(CheckConstraint {
                name: Some("film_len_check".into()),
                expression: "length > 0".into(),
            })
            .index(Index {
                name: "idx_title".into(),
                parts: vec![
                    IndexPart::Expression("lower(title::text)".into()),
                    IndexPart::Column("length".into()),
                ],
                unique: false,
                predicate: Some("length > 10".into()),
            });
        assert_eq!(schema, Schema::new(vec![film, log]));
    }

    #[test]
    fn an_unknown_action_is_an_error_naming_the_constraint() {
        let mut fk = constraint("t", "t_fk", "f", "a");
        fk.on_delete = "z".into();
        let rows = CatalogRows {
            default_schema: "public".into(),
            tables: vec![table("public", "t")],
            constraints: vec![fk],
            ..CatalogRows::default()
        };
        let error = build_schema(rows).expect_err("z is no action");
        assert!(error.to_string().contains("t_fk"), "{error}");
    }
}
