//! SQLite's catalog rows (read in `backend/sqlite/catalog.rs`) and the
//! `CREATE` statements' text (`create_sql.rs`) as the model: pure
//! functions, no I/O.
//!
//! Normalization rules are in `backend/sqlite/normalize.rs`. Decisions:
//!
//! - Identity: a rowid alias — the single-column `INTEGER PRIMARY KEY` of a
//!   rowid table, with or without `AUTOINCREMENT` — is `identity: true`:
//!   SQLite generates its value when an insert leaves it out, which is what
//!   identity means. No other column is.
//! - Names: SQLite keeps no catalog of constraint names; they are read from
//!   the `CREATE TABLE` text (`CONSTRAINT name PRIMARY KEY`, `UNIQUE`,
//!   `FOREIGN KEY`, `CHECK`, at table or column level). A constraint written
//!   without a name reads back with `name: None`. Unique constraints are the
//!   automatic indexes with origin `u`; `CREATE UNIQUE INDEX` is an index.
//! - Checks come from the `CREATE TABLE` text, expressions as written. A
//!   check `"col" IN ('a', ...)` on a `TEXT` column is retort's spelling of
//!   an enum: the column reads back as `Enum { name: "col", values }` and
//!   the check is not listed.
//! - Foreign keys that name no referenced columns reference the other
//!   table's primary key; they read back with those columns when that table
//!   is read too.
//! - Index expressions and partial-index predicates are the `CREATE INDEX`
//!   text as written; sort order is not modeled.
//! - `WITHOUT ROWID` and `STRICT` come from the `CREATE TABLE` text. A
//!   strict table's column types read back as declared (`INTEGER`, `TEXT`,
//!   ...).
//! - Tables have no comments in SQLite. Internal (`sqlite_%`) tables,
//!   virtual tables and their shadow tables (SQLite 3.37 and later mark
//!   them) are skipped.

#![cfg_attr(not(feature = "sqlite"), allow(dead_code))]

use std::collections::HashMap;

mod create_sql;

use create_sql::{enum_check, parse_create_index, parse_create_table, CreateTable};

use crate::backend::sqlite::catalog::{CatalogRows, ColumnRow, IndexRow, DEFAULT_NAMESPACE};
use crate::backend::sqlite::normalize::{normalize_default, parse_type};
use crate::introspect::assemble::{action_by_name, SchemaBuilder};
use crate::introspect::{IntrospectError, Result};
use crate::schema::{
    Column, ForeignKey, Generated, IdentityOptions, Index, IndexKeyOptions, IndexPart, PrimaryKey,
    Schema, SqlType, Table, UniqueConstraint,
};

/// The model from each namespace's rows: no I/O.
pub(crate) fn build_schema(namespaces: Vec<CatalogRows>) -> Result<Schema> {
    let mut schema = SchemaBuilder::new(DEFAULT_NAMESPACE);
    for rows in namespaces {
        let namespace = rows.namespace.clone();
        build_namespace(&mut schema, &namespace, rows)?;
    }
    Ok(schema.finish())
}

/// Adds one namespace's tables from its rows: no I/O.
pub(crate) fn build_namespace(
    schema: &mut SchemaBuilder,
    namespace: &str,
    rows: CatalogRows,
) -> Result<()> {
    for object in &rows.objects {
        match object.kind.as_str() {
            "view" => schema.add_view(
                namespace,
                &object.name,
                false,
                create_sql::view_query(&object.sql).to_owned(),
            ),
            _ => schema.add_trigger(
                namespace,
                &object.table_name,
                &object.name,
                object.sql.clone(),
            ),
        }
    }
    let mut written: HashMap<String, CreateTable> = HashMap::new();
    for table in &rows.tables {
        schema.add_table(namespace, &table.table_name, None);
        let create = table
            .sql
            .as_deref()
            .map(parse_create_table)
            .unwrap_or_default();
        if let Some(read) = schema.table_mut(namespace, &table.table_name) {
            read.sqlite_options = create.options;
        }
        written.insert(table.table_name.clone(), create);
    }
    let no_statement = CreateTable::default();

    for group in rows.columns.chunk_by(|a, b| a.table_name == b.table_name) {
        let name = &group[0].table_name;
        let create = written.get(name).unwrap_or(&no_statement);
        if let Some(table) = schema.table_mut(namespace, name) {
            discover_columns(table, group, create);
        }
    }

    let mut primary_keys: HashMap<String, Vec<String>> = HashMap::new();
    for table in schema.tables_mut() {
        if let Some(primary_key) = &table.primary_key {
            primary_keys.insert(table.name.clone(), primary_key.columns.clone());
        }
    }

    for group in rows
        .foreign_keys
        .chunk_by(|a, b| (&a.table_name, a.id) == (&b.table_name, b.id))
    {
        let first = &group[0];
        let object = || format!("a foreign key of {}", first.table_name);
        let action = |name: &str, what| {
            action_by_name(name).ok_or_else(|| IntrospectError::UnexpectedValue {
                object: object(),
                what,
                value: name.to_owned(),
            })
        };
        let columns: Vec<String> = group.iter().map(|row| row.column_name.clone()).collect();
        let referenced_columns: Option<Vec<String>> = group
            .iter()
            .map(|row| row.referenced_column.clone())
            .collect();
        let referenced_columns = referenced_columns
            .or_else(|| primary_keys.get(&first.referenced_table).cloned())
            .unwrap_or_default();
        let written_key = written.get_mut(&first.table_name).and_then(|create| {
            let at = create.foreign_keys.iter().position(|written| {
                written
                    .referenced_table
                    .eq_ignore_ascii_case(&first.referenced_table)
                    && same_names(&written.columns, &columns)
            })?;
            Some(create.foreign_keys.remove(at))
        });
        let (name, deferrable) =
            written_key.map_or((None, None), |written| (written.name, written.deferrable));
        let foreign_key = ForeignKey {
            name,
            columns,
            referenced_schema: None,
            referenced_table: first.referenced_table.clone(),
            referenced_columns,
            on_delete: action(&first.on_delete, "ON DELETE action")?,
            on_update: action(&first.on_update, "ON UPDATE action")?,
            deferrable,
        };
        if let Some(table) = schema.table_mut(namespace, &first.table_name) {
            table.foreign_keys.push(foreign_key);
        }
    }

    for group in rows
        .indexes
        .chunk_by(|a, b| (&a.table_name, &a.index_name) == (&b.table_name, &b.index_name))
    {
        let first = &group[0];
        let create = written.get(&first.table_name).unwrap_or(&no_statement);
        if let Some(table) = schema.table_mut(namespace, &first.table_name) {
            discover_index(table, group, create);
        }
    }
    Ok(())
}

/// Identifiers compare without regard to ASCII case in SQLite.
fn same_names(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.eq_ignore_ascii_case(b))
}

/// Columns, primary key, identity and checks (enums among them).
fn discover_columns(table: &mut Table, rows: &[ColumnRow], create: &CreateTable) {
    let mut key: Vec<(i32, String)> = Vec::new();
    for row in rows.iter().filter(|row| row.hidden != 1) {
        if row.pk > 0 {
            key.push((row.pk, row.column_name.clone()));
        }
        let ty = parse_type(&row.declared_type);
        // `hidden` 2: virtual, 3: stored; the expression is only in the
        // statement's text.
        let generated = row.hidden >= 2;
        let expression = create
            .generated
            .iter()
            .find(|(column, _)| column.eq_ignore_ascii_case(&row.column_name))
            .map(|(_, expression)| expression.clone());
        table.columns.push(Column {
            name: row.column_name.clone(),
            nullable: row.not_null == 0,
            default: if generated {
                None
            } else {
                row.default_value
                    .as_deref()
                    .and_then(|default| normalize_default(&ty, default))
            },
            identity: false,
            identity_options: IdentityOptions::default(),
            comment: None,
            collation: None,
            on_update: None,
            renamed_from: None,
            backfill: None,
            generated: expression
                .filter(|_| generated)
                .map(|expression| Generated {
                    expression,
                    stored: row.hidden == 3,
                }),
            ty,
        });
    }
    key.sort();
    if !key.is_empty() {
        let columns: Vec<String> = key.into_iter().map(|(_, name)| name).collect();
        if let [only] = columns.as_slice() {
            let rowid_alias = !create.options.without_rowid
                && rows.iter().any(|row| {
                    row.column_name == *only && row.declared_type.eq_ignore_ascii_case("INTEGER")
                });
            if rowid_alias {
                if let Some(column) = table.columns.iter_mut().find(|c| c.name == *only) {
                    column.identity = true;
                    column.default = None;
                }
            }
        }
        table.primary_key = Some(PrimaryKey {
            name: create.primary_key_name.clone(),
            columns,
            ..Default::default()
        });
    }
    for (column_name, collation) in &create.collations {
        let column = table
            .columns
            .iter_mut()
            .find(|column| column.name.eq_ignore_ascii_case(column_name));
        if let Some(column) = column {
            column.collation = Some(collation.clone());
        }
    }
    for check in &create.checks {
        if let Some((column_name, values)) = enum_check(&check.expression) {
            let column = table.columns.iter_mut().find(|column| {
                column.name.eq_ignore_ascii_case(&column_name) && column.ty == SqlType::Text
            });
            if let Some(column) = column {
                column.ty = SqlType::Enum {
                    name: column.name.clone(),
                    values,
                };
                continue;
            }
        }
        table.checks.push(check.clone());
    }
}

/// One index: a unique constraint (origin `u`), an index (origin `c`), or
/// the primary key's own (skipped).
fn discover_index(table: &mut Table, parts: &[IndexRow], create: &CreateTable) {
    let Some(first) = parts.first() else {
        return;
    };
    match first.origin.as_str() {
        "u" => {
            let columns: Vec<String> = parts
                .iter()
                .filter_map(|part| part.column_name.clone())
                .collect();
            let name = create
                .uniques
                .iter()
                .find(|unique| same_names(&unique.columns, &columns))
                .and_then(|unique| unique.name.clone());
            table.uniques.push(UniqueConstraint {
                name,
                columns,
                deferrable: None,
            });
        }
        "c" => {
            let written = first
                .sql
                .as_deref()
                .map(parse_create_index)
                .unwrap_or_default();
            table.indexes.push(Index {
                name: first.index_name.clone(),
                parts: parts
                    .iter()
                    .enumerate()
                    .map(|(at, part)| match &part.column_name {
                        Some(column) if part.column_id >= 0 => IndexPart::Column(column.clone()),
                        _ => IndexPart::Expression(
                            written.parts.get(at).cloned().unwrap_or_default(),
                        ),
                    })
                    .collect(),
                unique: first.is_unique != 0,
                predicate: written.predicate,
                key_options: key_options(parts),
                ..Index::default()
            });
        }
        _ => {}
    }
}

/// Each part's direction and collation; empty when all are the default
/// (ascending, `BINARY`).
fn key_options(parts: &[IndexRow]) -> Vec<IndexKeyOptions> {
    let options: Vec<IndexKeyOptions> = parts
        .iter()
        .map(|part| IndexKeyOptions {
            descending: part.descending != 0,
            collation: part
                .collation
                .clone()
                .filter(|collation| !collation.eq_ignore_ascii_case("BINARY")),
            ..IndexKeyOptions::default()
        })
        .collect();
    if options.iter().all(IndexKeyOptions::is_default) {
        Vec::new()
    } else {
        options
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::sqlite::catalog::{ForeignKeyRow, TableRow};
    use crate::schema::{CheckConstraint, ReferentialAction, Schema};

    fn column(table: &str, name: &str, declared: &str, pk: i32) -> ColumnRow {
        ColumnRow {
            table_name: table.into(),
            column_name: name.into(),
            declared_type: declared.into(),
            not_null: 1,
            default_value: None,
            pk,
            hidden: 0,
        }
    }

    fn build(rows: CatalogRows) -> Schema {
        let mut schema = SchemaBuilder::new(DEFAULT_NAMESPACE);
        build_namespace(&mut schema, DEFAULT_NAMESPACE, rows).expect("rows are consistent");
        schema.finish()
    }

    #[test]
    fn rows_and_create_statements_become_tables() {
        let track_sql = r#"CREATE TABLE "track" (
            "id" INTEGER NOT NULL, "name" NVARCHAR(200) NOT NULL DEFAULT 'x',
            "album_id" INTEGER, "mood" TEXT NOT NULL CHECK ("mood" IN ('a', 'b')),
            CONSTRAINT "pk_track" PRIMARY KEY ("id"),
            CONSTRAINT "uq_track_name" UNIQUE ("name"),
            CONSTRAINT "ck_track_name" CHECK (length(name) > 0),
            CONSTRAINT "fk_track_album" FOREIGN KEY ("album_id") REFERENCES "album" ON DELETE CASCADE)"#;
        let mut name = column("track", "name", "NVARCHAR(200)", 0);
        name.default_value = Some("'x'".into());
        let mut album_id = column("track", "album_id", "INTEGER", 0);
        album_id.not_null = 0;
        let index_row =
            |index: &str, origin: &str, column_id, column: Option<&str>, sql: Option<&str>| {
                IndexRow {
                    table_name: "track".into(),
                    index_name: index.into(),
                    is_unique: i32::from(origin == "u"),
                    origin: origin.into(),
                    column_id,
                    column_name: column.map(Into::into),
                    sql: sql.map(Into::into),
                    descending: 0,
                    collation: Some("BINARY".into()),
                }
            };
        let ix_sql = r#"CREATE INDEX "ix_track_lower" ON "track" (lower("name"), "album_id") WHERE "album_id" IS NOT NULL"#;
        let rows = CatalogRows {
            namespace: DEFAULT_NAMESPACE.into(),
            tables: vec![
                TableRow {
                    table_name: "album".into(),
                    sql: Some("CREATE TABLE album (id BIGINT PRIMARY KEY)".into()),
                },
                TableRow {
                    table_name: "track".into(),
                    sql: Some(track_sql.into()),
                },
            ],
            columns: vec![
                column("album", "id", "BIGINT", 1),
                column("track", "id", "INTEGER", 1),
                name,
                album_id,
                column("track", "mood", "TEXT", 0),
            ],
            indexes: vec![
                index_row("sqlite_autoindex_album_1", "pk", 0, Some("id"), None),
                index_row("ix_track_lower", "c", -2, None, Some(ix_sql)),
                index_row("ix_track_lower", "c", 2, Some("album_id"), Some(ix_sql)),
                index_row("sqlite_autoindex_track_1", "u", 1, Some("name"), None),
            ],
            foreign_keys: vec![ForeignKeyRow {
                table_name: "track".into(),
                id: 0,
                referenced_table: "album".into(),
                column_name: "album_id".into(),
                referenced_column: None,
                on_update: "NO ACTION".into(),
                on_delete: "CASCADE".into(),
            }],
            ..CatalogRows::default()
        };
        let album = Table::new("album")
            .column(Column::new("id", SqlType::BigInt))
            .primary_key(PrimaryKey {
                name: None,
                columns: vec!["id".into()],
                ..Default::default()
            });
        let track = Table::new("track")
            .column(Column::new("id", SqlType::Integer).identity())
            .column(
                Column::new("name", SqlType::Custom("NVARCHAR(200)".into())).default_expr("'x'"),
            )
            .column(Column::new("album_id", SqlType::Integer).nullable())
            .column(Column::new(
                "mood",
                SqlType::Enum {
                    name: "mood".into(),
                    values: vec!["a".into(), "b".into()],
                },
            ))
            .primary_key(PrimaryKey {
                name: Some("pk_track".into()),
                columns: vec!["id".into()],
                ..Default::default()
            })
            .unique(UniqueConstraint {
                name: Some("uq_track_name".into()),
                columns: vec!["name".into()],
                deferrable: None,
            })
            .check(CheckConstraint {
                name: Some("ck_track_name".into()),
                expression: "length(name) > 0".into(),
            })
            .foreign_key(ForeignKey {
                name: Some("fk_track_album".into()),
                columns: vec!["album_id".into()],
                referenced_schema: None,
                referenced_table: "album".into(),
                referenced_columns: vec!["id".into()],
                on_delete: ReferentialAction::Cascade,
                on_update: ReferentialAction::NoAction,
                deferrable: None,
            })
            .index(Index {
                name: "ix_track_lower".into(),
                parts: vec![
                    IndexPart::Expression(r#"lower("name")"#.into()),
                    IndexPart::Column("album_id".into()),
                ],
                unique: false,
                predicate: Some(r#""album_id" IS NOT NULL"#.into()),
                ..Index::default()
            });
        assert_eq!(build(rows), Schema::new(vec![album, track]));
    }

    #[test]
    fn only_a_rowid_alias_is_an_identity() {
        let rows = CatalogRows {
            tables: vec![
                TableRow {
                    table_name: "a".into(),
                    sql: Some("CREATE TABLE a (id INTEGER PRIMARY KEY) WITHOUT ROWID".into()),
                },
                TableRow {
                    table_name: "b".into(),
                    sql: Some("CREATE TABLE b (id INT PRIMARY KEY)".into()),
                },
                TableRow {
                    table_name: "c".into(),
                    sql: Some("CREATE TABLE c (id INTEGER PRIMARY KEY AUTOINCREMENT)".into()),
                },
            ],
            columns: vec![
                column("a", "id", "INTEGER", 1),
                column("b", "id", "INT", 1),
                column("c", "id", "INTEGER", 1),
            ],
            ..CatalogRows::default()
        };
        let schema = build(rows);
        let identity = |table: &str| schema.table(table).map(|t| t.columns[0].identity);
        assert_eq!(identity("a"), Some(false));
        assert_eq!(identity("b"), Some(false));
        assert_eq!(identity("c"), Some(true));
    }
}
