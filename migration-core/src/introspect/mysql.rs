//! MySQL's and MariaDB's catalog rows (read in `backend/mysql/catalog.rs`)
//! as the model: pure functions, no I/O.
//!
//! Normalization rules are in `backend/mysql/normalize.rs`. Decisions:
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
//!   default, which behaves as `NO ACTION`); actions declared explicitly,
//!   `NO ACTION` included, read back as declared and are compared exactly.
//! - MariaDB's `JSON` columns (`longtext` with a `json_valid` check named
//!   after the column, or after its name before a rename) read as `Json`,
//!   without that check.
//! - Functional index parts are read on MySQL 8 (`EXPRESSION`); MariaDB has
//!   none. Prefix lengths are not modeled.
//! - A table's collation is read only where it is not its database's
//!   default, and a column's only where it is not its table's: an
//!   unchanged schema reads the same on servers with other defaults. The
//!   character set is the collation's own and is not kept apart.
//! - `ON UPDATE CURRENT_TIMESTAMP` reads as the column's `on_update`,
//!   spelled as a default is.
//! - A table's engine is read where it is not `InnoDB`.

#![cfg_attr(not(feature = "mysql"), allow(dead_code))]

use std::collections::HashMap;

use crate::backend::mysql::catalog::{
    CatalogRows, CheckRow, ColumnRow, ForeignKeyActionRow, IndexRow, ParameterRow, RoutineRow,
    TriggerRow, ViewRow,
};
use crate::backend::mysql::normalize::{normalize_default, parse_type};
use crate::backend::mysql::stored_engine;
use crate::backend::spelling::quote_literal;
use crate::backend::{Backend, MysqlBackend};
use crate::introspect::assemble::{action_by_name, SchemaBuilder};
use crate::introspect::{IntrospectError, Result};
use crate::schema::{
    CheckConstraint, Column, ForeignKey, Generated, IdentityOptions, Index, IndexKeyOptions,
    IndexPart, PrimaryKey, Schema, SqlType, Table, UniqueConstraint,
};

/// The model from the catalog's rows: no I/O.
pub(crate) fn build_schema(rows: CatalogRows) -> Result<Schema> {
    let mut schema = SchemaBuilder::new(&rows.default_schema);
    let mut table_collations: HashMap<(&str, &str), &str> = HashMap::new();
    for table in &rows.tables {
        schema.add_table(&table.schema_name, &table.table_name, table.comment.clone());
        if let Some(collation) = &table.collation {
            table_collations.insert((&table.schema_name, &table.table_name), collation);
        }
        if let Some(added) = schema.table_mut(&table.schema_name, &table.table_name) {
            added.collation = table
                .collation
                .clone()
                .filter(|collation| Some(collation) != table.schema_collation.as_ref());
            added.engine = stored_engine(table.engine.as_deref());
        }
    }
    for row in &rows.columns {
        let mut column = discover_column(row, rows.mariadb);
        let table_collation = table_collations
            .get(&(row.schema_name.as_str(), row.table_name.as_str()))
            .copied();
        column.collation = row
            .collation
            .clone()
            .filter(|collation| Some(collation.as_str()) != table_collation);
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
            deferrable: None,
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
    discover_objects(
        &mut schema,
        &rows.routines,
        &rows.parameters,
        &rows.views,
        &rows.triggers,
    );
    Ok(schema.finish())
}

/// Stored routines and triggers as `CREATE` statements made from their
/// parts (the server keeps their bodies as written); views as the query
/// the server rewrote, without the qualifier of their own database (a
/// rebuild in another database reads its own tables).
fn discover_objects(
    schema: &mut SchemaBuilder,
    routines: &[RoutineRow],
    parameters: &[ParameterRow],
    views: &[ViewRow],
    triggers: &[TriggerRow],
) {
    for routine in routines {
        let own = |parameter: &&ParameterRow| {
            parameter.schema_name == routine.schema_name && parameter.routine_name == routine.name
        };
        let definition = routine_definition(routine, parameters.iter().filter(own));
        let procedure = routine.kind.eq_ignore_ascii_case("PROCEDURE");
        schema.add_function(&routine.schema_name, &routine.name, procedure, definition);
    }
    for view in views {
        let qualifier = format!("{}.", MysqlBackend.quote_identifier(&view.schema_name));
        let definition = view.definition.replace(&qualifier, "");
        schema.add_view(&view.schema_name, &view.name, false, definition);
    }
    for trigger in triggers {
        // language=SQL
        let definition = format!(
            "CREATE TRIGGER {} {} {} ON {} FOR EACH ROW {}",
            MysqlBackend.quote_identifier(&trigger.name),
            trigger.timing,
            trigger.event,
            MysqlBackend.quote_identifier(&trigger.table_name),
            trigger.statement
        );
        schema.add_trigger(
            &trigger.schema_name,
            &trigger.table_name,
            &trigger.name,
            definition,
        );
    }
}

/// `CREATE FUNCTION name(params) RETURNS type [characteristics] body`, the
/// characteristics written only where they are not the defaults.
fn routine_definition<'a>(
    routine: &RoutineRow,
    parameters: impl Iterator<Item = &'a ParameterRow>,
) -> String {
    let procedure = routine.kind.eq_ignore_ascii_case("PROCEDURE");
    let parameters: Vec<String> = parameters
        .map(|parameter| {
            let name = MysqlBackend.quote_identifier(&parameter.name);
            match parameter.mode.as_deref().filter(|_| procedure) {
                Some(mode) => format!("{mode} {name} {}", parameter.ty),
                None => format!("{name} {}", parameter.ty),
            }
        })
        .collect();
    // language=SQL
    let mut sql = format!(
        "CREATE {} {}({})",
        if procedure { "PROCEDURE" } else { "FUNCTION" },
        MysqlBackend.quote_identifier(&routine.name),
        parameters.join(", ")
    );
    if let Some(returns) = routine.returns.as_deref().filter(|_| !procedure) {
        sql.push_str(" RETURNS ");
        sql.push_str(returns);
    }
    if routine.deterministic.eq_ignore_ascii_case("YES") {
        sql.push_str(" DETERMINISTIC");
    }
    if !routine.data_access.eq_ignore_ascii_case("CONTAINS SQL") {
        sql.push(' ');
        sql.push_str(&routine.data_access);
    }
    if routine.security.eq_ignore_ascii_case("INVOKER") {
        sql.push_str(" SQL SECURITY INVOKER");
    }
    if !routine.comment.is_empty() {
        sql.push_str(" COMMENT ");
        sql.push_str(&quote_literal(&routine.comment));
    }
    sql.push('\n');
    sql.push_str(routine.body.as_deref().unwrap_or_default());
    sql
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
    let stored = extra.contains("stored generated") || extra.contains("persistent generated");
    let generated = (stored || extra.contains("virtual generated"))
        .then(|| row.generation_expression.clone())
        .flatten()
        .filter(|expression| !expression.is_empty())
        .map(|expression| Generated { expression, stored });
    let default = if identity || generated.is_some() {
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
    // `on update current_timestamp()` (MariaDB), `DEFAULT_GENERATED on
    // update CURRENT_TIMESTAMP` (MySQL 8).
    let on_update = extra
        .split_once("on update ")
        .and_then(|(_, expression)| normalize_default(&ty, expression));
    Column {
        name: row.column_name.clone(),
        nullable: row.is_nullable.eq_ignore_ascii_case("YES"),
        default,
        identity,
        comment: row.comment.clone().filter(|comment| !comment.is_empty()),
        collation: None,
        on_update,
        renamed_from: None,
        backfill: None,
        generated,
        identity_options: IdentityOptions::default(),
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
            ..Default::default()
        });
        return;
    }
    let unique = first.non_unique == 0;
    let method = match first.index_type.to_ascii_uppercase().as_str() {
        "BTREE" => None,
        other => Some(other.to_ascii_lowercase()),
    };
    let key_options: Vec<IndexKeyOptions> = parts
        .iter()
        .map(|part| IndexKeyOptions {
            descending: part.collation.as_deref() == Some("D"),
            ..IndexKeyOptions::default()
        })
        .collect();
    let plain = method.is_none() && key_options.iter().all(IndexKeyOptions::is_default);
    if let Some(columns) = &columns {
        if unique && plain {
            table.uniques.push(UniqueConstraint {
                name: Some(first.index_name.clone()),
                columns: columns.clone(),
                deferrable: None,
            });
            return;
        }
        let made_for_a_foreign_key = table.foreign_keys.iter().any(|foreign_key| {
            foreign_key.columns == *columns
                && (foreign_key.name.as_deref() == Some(first.index_name.as_str())
                    || foreign_key.columns.first() == Some(&first.index_name))
        });
        if made_for_a_foreign_key && plain {
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
        key_options: if plain || key_options.iter().all(IndexKeyOptions::is_default) {
            Vec::new()
        } else {
            key_options
        },
        method,
        ..Index::default()
    });
}

/// One check; MariaDB's `json_valid` check on a `longtext` column makes it
/// a JSON column instead. The check is named after the column, or after its
/// old name: MariaDB keeps the check's name when the column is renamed.
fn discover_check(table: &mut Table, check: &CheckRow) {
    let json_column = table.columns.iter_mut().find(|column| {
        column.ty == SqlType::LongText
            && check.expression == format!("json_valid(`{}`)", column.name.replace('`', "``"))
    });
    if let Some(column) = json_column {
        // MariaDB's JSON is `longtext COLLATE utf8mb4_bin`.
        column.ty = SqlType::Json;
        column.collation = None;
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
    use crate::backend::mysql::catalog::{ForeignKeyRow, TableRow};
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
            generation_expression: Some(String::new()),
            comment: Some(String::new()),
            collation: None,
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
            index_type: "BTREE".into(),
            collation: Some("A".into()),
        }
    }

    /// `FULLTEXT` and `SPATIAL` read as methods, `D` as a descending part;
    /// a unique index with a descending part stays an index.
    #[test]
    fn index_types_and_descending_parts_are_read() {
        let fulltext = IndexRow {
            index_type: "FULLTEXT".into(),
            collation: None,
            ..index_part("ft_body", 1, "body")
        };
        let descending = IndexRow {
            collation: Some("D".into()),
            ..index_part("uq_recent", 0, "at")
        };
        let rows = CatalogRows {
            default_schema: "app".into(),
            tables: vec![TableRow {
                schema_name: "app".into(),
                table_name: "c".into(),
                comment: None,
                collation: None,
                schema_collation: None,
                engine: None,
            }],
            columns: vec![column("body", "text"), column("at", "int(11)")],
            indexes: vec![fulltext, descending],
            ..CatalogRows::default()
        };
        let schema = build_schema(rows).expect("rows are consistent");
        let table = schema.table("c").expect("c is read");
        assert!(table.uniques.is_empty());
        assert_eq!(
            table.indexes,
            [
                Index::on_columns("ft_body", ["body"]).using("fulltext"),
                Index::on_columns("uq_recent", ["at"]).unique().key(
                    0,
                    IndexKeyOptions {
                        descending: true,
                        ..IndexKeyOptions::default()
                    }
                ),
            ]
        );
    }

    /// Collations are kept where they differ from the level above; `ON
    /// UPDATE` reads as a default does.
    #[test]
    fn collations_that_differ_and_on_update_are_read() {
        let mut name = column("name", "varchar(40)");
        name.collation = Some("utf8mb4_bin".into());
        let mut title = column("title", "varchar(40)");
        title.collation = Some("utf8mb4_unicode_ci".into());
        let mut at = column("at", "timestamp");
        at.column_default = Some("current_timestamp()".into());
        at.extra = Some("on update current_timestamp()".into());
        let rows = CatalogRows {
            default_schema: "app".into(),
            mariadb: true,
            tables: vec![TableRow {
                schema_name: "app".into(),
                table_name: "c".into(),
                comment: None,
                collation: Some("utf8mb4_bin".into()),
                schema_collation: Some("utf8mb4_general_ci".into()),
                engine: None,
            }],
            columns: vec![name, title, at],
            ..CatalogRows::default()
        };
        let schema = build_schema(rows).expect("rows are consistent");
        let expected = Table::new("c")
            .collation("utf8mb4_bin")
            .column(Column::new("name", SqlType::Varchar(40)))
            .column(Column::new("title", SqlType::Varchar(40)).collation("utf8mb4_unicode_ci"))
            .column(
                Column::new("at", SqlType::TimestampTzWithPrecision(0))
                    .default_expr("CURRENT_TIMESTAMP")
                    .on_update("CURRENT_TIMESTAMP"),
            );
        assert_eq!(schema.table("c"), Some(&expected));
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
                collation: Some("utf8mb4_general_ci".into()),
                schema_collation: Some("utf8mb4_general_ci".into()),
                engine: None,
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
            ..CatalogRows::default()
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
            deferrable: None,
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
                ..Default::default()
            })
            .index(Index::on_columns("ix_status", ["status", "flag"]))
            .unique(UniqueConstraint {
                name: Some("uq_status".into()),
                columns: vec!["status".into()],
                deferrable: None,
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

    #[test]
    fn generated_columns_keep_their_expression_and_kind_and_no_default() {
        let mut total = column("total", "bigint(20)");
        total.extra = Some("STORED GENERATED".into());
        total.generation_expression = Some("`price` * `quantity`".into());
        total.column_default = Some("NULL".into());
        let mut label = column("label", "varchar(20)");
        label.extra = Some("VIRTUAL GENERATED".into());
        label.generation_expression = Some("lcase(`sku`)".into());
        let total = discover_column(&total, true);
        assert_eq!(
            total.generated,
            Some(Generated {
                expression: "`price` * `quantity`".into(),
                stored: true
            })
        );
        assert_eq!(total.default, None);
        assert_eq!(
            discover_column(&label, false).generated,
            Some(Generated {
                expression: "lcase(`sku`)".into(),
                stored: false
            })
        );
        assert_eq!(
            discover_column(&column("plain", "int(11)"), true).generated,
            None
        );
    }
}
