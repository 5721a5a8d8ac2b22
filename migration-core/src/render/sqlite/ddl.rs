//! SQLite DDL: what SQLite can change in place is altered in place; every
//! other change to a table becomes one rebuild of that table (SQLite's
//! documented twelve steps, <https://www.sqlite.org/lang_altertable.html#otheralter>),
//! guarded so that it never runs with foreign keys enforced and never
//! commits a foreign key violation.

use std::collections::BTreeMap;

use super::{table_options, SqliteBackend};
use crate::backend::sqlite::rowid_alias;
use crate::backend::Backend;
use crate::diff::{Diff, Op, TableName};
use crate::render::{self, RenderError, SQLITE_FOREIGN_KEYS_OFF, SQLITE_FOREIGN_KEYS_ON};
use crate::schema::{Column, ForeignKey, Schema, SqlType, Table};

const GUARD: &str = "retort_rebuild_guard";

/// `"c" TYPE [PRIMARY KEY AUTOINCREMENT] [NOT NULL] [DEFAULT x] [CHECK (enum)]`.
fn column_definition(backend: &SqliteBackend, table: &Table, column: &Column) -> String {
    let name = backend.quote_identifier(&column.name);
    let mut sql = if rowid_alias(table) == Some(column.name.as_str()) {
        // Only a column declared exactly `INTEGER PRIMARY KEY` aliases the
        // rowid, and only such a column may be AUTOINCREMENT. The key's
        // name goes with it, as a column constraint.
        let key_name = table
            .primary_key
            .as_ref()
            .and_then(|key| key.name.as_deref())
            .map(|key_name| format!(" CONSTRAINT {}", backend.quote_identifier(key_name)))
            .unwrap_or_default();
        format!("{name} INTEGER{key_name} PRIMARY KEY AUTOINCREMENT")
    } else {
        format!(
            "{name} {}",
            table_options::type_sql(backend, table, &column.ty)
        )
    };
    if let Some(collation) = &column.collation {
        sql.push_str(" COLLATE ");
        sql.push_str(&backend.quote_identifier(collation));
    }
    if !column.nullable {
        sql.push_str(" NOT NULL");
    }
    if let Some(generated) = &column.generated {
        sql.push_str(&format!(
            " GENERATED ALWAYS AS ({}) {}",
            generated.expression,
            if generated.stored {
                "STORED"
            } else {
                "VIRTUAL"
            }
        ));
    } else if let Some(default) = &column.default {
        sql.push_str(" DEFAULT ");
        sql.push_str(default);
    }
    if let SqlType::Enum { values, .. } = &column.ty {
        sql.push_str(&format!(
            " CHECK ({name} IN ({}))",
            render::literal_list(backend, values)
        ));
    }
    sql
}

/// Whether the table's primary key is declared on its identity column.
fn has_rowid_alias(table: &Table) -> bool {
    rowid_alias(table).is_some()
}

fn create_table(backend: &SqliteBackend, name: &TableName, table: &Table, out: &mut Vec<String>) {
    let columns = table
        .columns
        .iter()
        .map(|column| column_definition(backend, table, column))
        .collect();
    out.push(render::create_table(
        backend,
        name,
        table,
        columns,
        !has_rowid_alias(table),
        &table_options::suffix(table),
    ));
}

fn create_indexes(
    backend: &SqliteBackend,
    name: &TableName,
    table: &Table,
    out: &mut Vec<String>,
) -> Result<(), RenderError> {
    for index in &table.indexes {
        out.push(render::create_index(backend, &INDEX_SYNTAX, name, index)?);
    }
    Ok(())
}

/// Whether `ALTER TABLE ADD COLUMN` can add this column: SQLite refuses a
/// NOT NULL column without a default, non-constant defaults, and stored
/// generated columns (it would have to compute them for every row).
fn can_add_in_place(column: &Column) -> bool {
    if let Some(generated) = &column.generated {
        return !generated.stored && column.nullable;
    }
    let constant_default = column.default.as_deref().is_none_or(|default| {
        let upper = default.trim().to_ascii_uppercase();
        !upper.starts_with('(') && !upper.starts_with("CURRENT_")
    });
    !column.identity && constant_default && (column.nullable || column.default.is_some())
}

/// Whether SQLite can carry out the op on an existing table without
/// rebuilding it.
fn in_place(op: &Op) -> bool {
    match op {
        Op::AddColumn { column, .. } => can_add_in_place(column),
        Op::AlterColumn { .. } => {
            let changes = op.column_changes();
            !(changes.ty
                || changes.nullability
                || changes.default
                || changes.identity
                || changes.collation)
        }
        Op::DropColumn { .. }
        | Op::AddPrimaryKey { .. }
        | Op::DropPrimaryKey { .. }
        | Op::AddUnique { .. }
        | Op::DropUnique { .. }
        | Op::AddForeignKey { .. }
        | Op::DropForeignKey { .. }
        | Op::SetForeignKeyDeferral { .. }
        | Op::SetSqliteTableOptions { .. }
        | Op::SetColumnGeneration { .. }
        | Op::AddCheck { .. }
        | Op::DropCheck { .. } => false,
        _ => true,
    }
}

fn tables_by_name(schema: &Schema) -> BTreeMap<TableName, &Table> {
    schema
        .tables
        .iter()
        .map(|table| (TableName::of(table), table))
        .collect()
}

/// One table followed through the ops.
struct Tracked {
    /// Its name before the diff, unless the diff creates it.
    original: Option<TableName>,
    /// Its name as the ops run.
    current: TableName,
    /// Foreign keys the ops drop or add: a key dropped and added again
    /// unchanged (other databases need that around an index change) needs
    /// no rebuild.
    foreign_keys: Vec<ForeignKey>,
    /// Its columns as the ops run: current name, and the column of `from`
    /// whose values it holds.
    columns: Vec<(String, Option<String>)>,
    created: bool,
    dropped: bool,
    rebuild: bool,
    last_op: usize,
}

pub(super) fn render_diff(
    backend: &SqliteBackend,
    diff: &Diff,
) -> Result<Vec<String>, RenderError> {
    let from_tables = tables_by_name(&diff.from);
    let to_tables = tables_by_name(&diff.to);
    // Pass 1: follow every table through the ops; decide which to rebuild.
    let mut tracked: Vec<Tracked> = diff
        .from
        .tables
        .iter()
        .map(|table| Tracked {
            original: Some(TableName::of(table)),
            foreign_keys: Vec::new(),
            current: TableName::of(table),
            columns: table
                .columns
                .iter()
                .map(|column| (column.name.clone(), Some(column.name.clone())))
                .collect(),
            created: false,
            dropped: false,
            rebuild: false,
            last_op: 0,
        })
        .collect();
    let mut by_name: BTreeMap<TableName, usize> = tracked
        .iter()
        .enumerate()
        .map(|(at, table)| (table.current.clone(), at))
        .collect();
    let mut owner: Vec<Option<usize>> = Vec::with_capacity(diff.ops().len());
    for (at, op) in diff.ops().iter().enumerate() {
        let Some(name) = op.table() else {
            owner.push(None);
            continue;
        };
        let index = match (op, by_name.get(&name)) {
            (Op::CreateTable { .. }, _) => {
                tracked.push(Tracked {
                    original: None,
                    foreign_keys: Vec::new(),
                    current: name.clone(),
                    columns: Vec::new(),
                    created: true,
                    dropped: false,
                    rebuild: false,
                    last_op: at,
                });
                by_name.insert(name.clone(), tracked.len() - 1);
                tracked.len() - 1
            }
            (_, Some(&index)) => index,
            (_, None) => {
                return Err(RenderError::Unsupported {
                    backend: backend.kind().display_name(),
                    what: format!(
                        "find table {name}, which the diff changes but does not describe"
                    ),
                })
            }
        };
        owner.push(Some(index));
        let table = &mut tracked[index];
        table.last_op = at;
        match op {
            Op::AddForeignKey { foreign_key, .. } | Op::DropForeignKey { foreign_key, .. } => {
                table.foreign_keys.push(foreign_key.clone());
            }
            _ if !in_place(op) => table.rebuild = true,
            _ => {}
        }
        match op {
            Op::DropTable { .. } => {
                table.dropped = true;
                by_name.remove(&name);
            }
            Op::RenameTable { to, .. } => {
                by_name.remove(&name);
                table.current.name.clone_from(to);
                by_name.insert(table.current.clone(), index);
            }
            Op::RenameColumn { from, to, .. } => {
                for (column, _) in &mut table.columns {
                    if column == from {
                        column.clone_from(to);
                    }
                }
            }
            Op::AddColumn { column, .. } => table.columns.push((column.name.clone(), None)),
            Op::DropColumn { column, .. } => table.columns.retain(|(name, _)| *name != column.name),
            _ => {}
        }
    }

    for table in &mut tracked {
        let before = table
            .original
            .as_ref()
            .and_then(|name| from_tables.get(name));
        let after = to_tables.get(&table.current);
        let unchanged = |foreign_key: &ForeignKey| {
            before.is_some_and(|before| before.foreign_keys.contains(foreign_key))
                && after.is_some_and(|after| after.foreign_keys.contains(foreign_key))
        };
        if !table.foreign_keys.iter().all(unchanged) {
            table.rebuild = true;
        }
    }

    // Pass 2: the statements.
    let mut body = Vec::new();
    let mut rebuilds = false;
    for (at, op) in diff.ops().iter().enumerate() {
        let Some(index) = owner[at] else {
            // Enum types: the columns' CHECK constraints carry the values.
            // Views and triggers: statements of their own.
            render::render_object_op(backend, &OBJECT_SYNTAX, op, &mut body)?;
            continue;
        };
        let table = &tracked[index];
        if table.created {
            if let Op::CreateTable { table: created } = op {
                let name = TableName::of(created);
                let full = to_tables.get(&name).copied().unwrap_or(created);
                create_table(backend, &name, full, &mut body);
                create_indexes(backend, &name, full, &mut body)?;
            }
            continue;
        }
        if table.dropped {
            if let Op::DropTable { table: dropped } = op {
                body.push(render::drop_table(backend, &TableName::of(dropped)));
            }
            continue;
        }
        if !table.rebuild {
            match op {
                Op::AddForeignKey { .. } | Op::DropForeignKey { .. } => {}
                // Declared as the table declares its columns (a STRICT
                // table's types).
                Op::AddColumn {
                    table: name,
                    column,
                } => {
                    let target = to_tables.get(&table.current).copied();
                    add_column(backend, name, target, column, &mut body);
                }
                _ => render_op(backend, op, &mut body)?,
            }
            continue;
        }
        if let Op::RenameTable { .. } = op {
            render_op(backend, op, &mut body)?;
        }
        if at == table.last_op {
            rebuilds = true;
            rebuild(backend, &to_tables, table, &mut body)?;
        }
    }
    if !rebuilds {
        return Ok(body);
    }
    let mut statements = vec![SQLITE_FOREIGN_KEYS_OFF.to_owned()];
    statements.extend(guard_start(backend));
    statements.extend(body);
    statements.extend(guard_end(backend));
    statements.push(SQLITE_FOREIGN_KEYS_ON.to_owned());
    Ok(statements)
}

/// Create the new table under a temporary name, copy the rows (renamed
/// columns mapped), drop the old table, rename the new one, re-create the
/// indexes.
fn rebuild(
    backend: &SqliteBackend,
    to_tables: &BTreeMap<TableName, &Table>,
    table: &Tracked,
    out: &mut Vec<String>,
) -> Result<(), RenderError> {
    let name = &table.current;
    let target = *to_tables
        .get(name)
        .ok_or_else(|| RenderError::Unsupported {
            backend: backend.kind().display_name(),
            what: format!("rebuild table {name}, which the target schema does not describe"),
        })?;
    let temporary = TableName {
        schema: name.schema.clone(),
        name: format!("retort_new_{}", name.name),
    };
    // language=SQL
    out.push(format!(
        "INSERT INTO {} (\"step\", \"ok\") SELECT 'no_triggers', count(*) = 0 FROM {} WHERE \"type\" = 'trigger' AND \"tbl_name\" = {}",
        backend.quote_identifier(GUARD),
        backend.quote_qualified(name.schema.as_deref(), "sqlite_master"),
        backend.string_literal(&name.name)
    ));
    create_table(backend, &temporary, target, out);
    // Generated columns are computed again, never copied (SQLite refuses
    // to write them).
    let copied: Vec<(&str, &str)> = target
        .columns
        .iter()
        .filter(|column| column.generated.is_none())
        .filter_map(|column| {
            table
                .columns
                .iter()
                .find(|(current, _)| *current == column.name)
                .and_then(|(_, source)| source.as_deref())
                .map(|source| (column.name.as_str(), source))
        })
        .collect();
    if !copied.is_empty() {
        let into: Vec<String> = copied
            .iter()
            .map(|(to, _)| backend.quote_identifier(to))
            .collect();
        let from: Vec<String> = copied
            .iter()
            .map(|(_, from)| backend.quote_identifier(from))
            .collect();
        // language=SQL
        out.push(format!(
            "INSERT INTO {} ({}) SELECT {} FROM {}",
            render::table_sql(backend, &temporary),
            into.join(", "),
            from.join(", "),
            render::table_sql(backend, name)
        ));
    }
    out.push(render::drop_table(backend, name));
    // Legacy renaming leaves views and triggers that name the table alone
    // (they name it again once the rename is done) instead of failing on
    // the table missing for a moment.
    out.push("PRAGMA legacy_alter_table = ON".to_owned());
    out.push(render::alter_table(
        backend,
        &temporary,
        &format!("RENAME TO {}", backend.quote_identifier(&name.name)),
    ));
    out.push("PRAGMA legacy_alter_table = OFF".to_owned());
    create_indexes(backend, name, target, out)?;
    Ok(())
}

/// A temporary table whose named checks turn the guards into errors.
fn guard_start(backend: &SqliteBackend) -> Vec<String> {
    let guard = backend.quote_identifier(GUARD);
    vec![
        // language=SQL
        format!(
            "CREATE TEMP TABLE {guard} (\n    \"step\" TEXT NOT NULL,\n    \"ok\" BOOLEAN NOT NULL,\n    \
             CONSTRAINT \"a table rebuild must run after PRAGMA foreign_keys = OFF, outside the transaction\" CHECK (\"step\" <> 'foreign_keys_off' OR \"ok\"),\n    \
             CONSTRAINT \"a table to rebuild has triggers, which the rebuild would drop: drop them first and create them again after\" CHECK (\"step\" <> 'no_triggers' OR \"ok\"),\n    \
             CONSTRAINT \"the table rebuild leaves rows that violate a foreign key: see PRAGMA foreign_key_check\" CHECK (\"step\" <> 'foreign_key_check' OR \"ok\")\n)"
        ),
        // language=SQL
        format!("INSERT INTO {guard} (\"step\", \"ok\") SELECT 'foreign_keys_off', NOT \"foreign_keys\" FROM pragma_foreign_keys"),
    ]
}

fn guard_end(backend: &SqliteBackend) -> Vec<String> {
    let guard = backend.quote_identifier(GUARD);
    vec![
        // language=SQL
        format!("INSERT INTO {guard} (\"step\", \"ok\") SELECT 'foreign_key_check', count(*) = 0 FROM pragma_foreign_key_check"),
        // language=SQL
        format!("DROP TABLE {guard}"),
    ]
}

/// `ALTER TABLE ADD COLUMN`, the column declared as `table` (the table
/// after the diff, when known) declares its columns.
fn add_column(
    backend: &SqliteBackend,
    name: &TableName,
    table: Option<&Table>,
    column: &Column,
    out: &mut Vec<String>,
) {
    // Only its options: an added column is never the rowid alias.
    let bare = Table {
        sqlite_options: table.map(|table| table.sqlite_options).unwrap_or_default(),
        ..Table::default()
    };
    out.push(render::alter_table(
        backend,
        name,
        &format!("ADD COLUMN {}", column_definition(backend, &bare, column)),
    ));
}

/// The in-place statements; ops that need a rebuild are only rendered
/// through [`render_diff`].
pub(super) fn render_op(
    backend: &SqliteBackend,
    op: &Op,
    out: &mut Vec<String>,
) -> Result<(), RenderError> {
    match op {
        // Enums are text with a CHECK; comments are not kept by SQLite.
        Op::CreateEnum { .. }
        | Op::DropEnum { .. }
        | Op::AddEnumValues { .. }
        | Op::ReplaceEnumValues { .. }
        | Op::SetTableComment { .. }
        // Refused before rendering: SQLite has no domains, no extensions.
        | Op::CreateDomain { .. }
        | Op::DropDomain { .. }
        | Op::AlterDomain { .. }
        | Op::CreateExtension { .. }
        | Op::DropExtension { .. }
        | Op::CreateSequence { .. }
        | Op::DropSequence { .. }
        | Op::AlterSequence { .. }
        // Refused before rendering: SQLite has no exclusion constraints.
        | Op::AddExclusion { .. }
        | Op::DropExclusion { .. }
        // Refused before rendering: SQLite has no table collation.
        | Op::SetTableCollation { .. }
        // MySQL's alone: SQLite has no engines.
        | Op::SetTableEngine { .. } => {}
        Op::CreateTable { table } => {
            let name = TableName::of(table);
            create_table(backend, &name, table, out);
            create_indexes(backend, &name, table, out)?;
        }
        Op::DropTable { table } => out.push(render::drop_table(backend, &TableName::of(table))),
        Op::RenameTable { schema, from, to } => out.push(render::alter_table(
            backend,
            &TableName {
                schema: schema.clone(),
                name: from.clone(),
            },
            &format!("RENAME TO {}", backend.quote_identifier(to)),
        )),
        Op::AddColumn { table, column } if can_add_in_place(column) => {
            add_column(backend, table, None, column, out)
        }
        Op::RenameColumn { table, from, to } => out.push(render::rename_column(backend, table, from, to)),
        Op::AlterColumn { .. } if in_place(op) => {}
        Op::CreateIndex { table, index } => {
            out.push(render::create_index(backend, &INDEX_SYNTAX, table, index)?)
        }
        Op::DropIndex { table, index } => {
            // language=SQL
            out.push(format!(
                "DROP INDEX {}",
                backend.quote_qualified(table.schema.as_deref(), &index.name)
            ));
        }
        Op::CreateFunction { .. }
        | Op::DropFunction { .. }
        | Op::ReplaceFunction { .. }
        | Op::CreateView { .. }
        | Op::DropView { .. }
        | Op::CreateTrigger { .. }
        | Op::DropTrigger { .. } => {
            render::render_object_op(backend, &OBJECT_SYNTAX, op, out)?;
        }
        _ => {
            return Err(RenderError::Unsupported {
                backend: backend.kind().display_name(),
                what: format!(
                    "change table {} in place ({op:?}): render the whole diff, which rebuilds the table",
                    op.table().map(|name| name.to_string()).unwrap_or_default()
                ),
            })
        }
    }
    Ok(())
}

/// SQLite has views and triggers, and no functions but the application's
/// own (registered on each connection, not stored).
const OBJECT_SYNTAX: render::ObjectSyntax = render::ObjectSyntax {
    replace_function: None,
    before_function: None,
    materialized_views: false,
    trigger_drop_names_table: false,
    drop_names_arguments: false,
};

/// SQLite's indexes: `COLLATE` and `DESC` per part, partial indexes; one
/// method, no operator classes.
const INDEX_SYNTAX: render::IndexSyntax = render::IndexSyntax {
    methods: render::IndexMethods::None,
    collation: true,
    operator_class: false,
    nulls_order: false,
    include_and_nulls_not_distinct: false,
    predicate: true,
};
