//! SQL every dialect writes the same way, given its quoting and types.

use crate::backend::Backend;
use crate::diff::{Op, TableName};
use crate::render::RenderError;
use crate::schema::{
    CheckConstraint, ForeignKey, Index, IndexPart, PrimaryKey, Table, UniqueConstraint,
};

/// `"schema"."table"`.
pub(crate) fn table_sql<B: Backend + ?Sized>(backend: &B, table: &TableName) -> String {
    backend.quote_qualified(table.schema.as_deref(), &table.name)
}

/// `"a", "b"`.
pub(crate) fn column_list(backend: &dyn Backend, columns: &[String]) -> String {
    columns
        .iter()
        .map(|column| backend.quote_identifier(column))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `CONSTRAINT "name" ` when the constraint has a name.
pub(crate) fn constraint_name(backend: &dyn Backend, name: Option<&str>) -> String {
    name.map(|name| format!("CONSTRAINT {} ", backend.quote_identifier(name)))
        .unwrap_or_default()
}

pub(crate) fn primary_key_clause(backend: &dyn Backend, primary_key: &PrimaryKey) -> String {
    format!(
        "{}PRIMARY KEY ({})",
        constraint_name(backend, primary_key.name.as_deref()),
        column_list(backend, &primary_key.columns)
    )
}

pub(crate) fn unique_clause(backend: &dyn Backend, unique: &UniqueConstraint) -> String {
    format!(
        "{}UNIQUE ({})",
        constraint_name(backend, unique.name.as_deref()),
        column_list(backend, &unique.columns)
    )
}

pub(crate) fn check_clause(backend: &dyn Backend, check: &CheckConstraint) -> String {
    format!(
        "{}CHECK ({})",
        constraint_name(backend, check.name.as_deref()),
        check.expression
    )
}

pub(crate) fn foreign_key_clause(backend: &dyn Backend, foreign_key: &ForeignKey) -> String {
    let mut clause = format!(
        "{}FOREIGN KEY ({}) REFERENCES {} ({})",
        constraint_name(backend, foreign_key.name.as_deref()),
        column_list(backend, &foreign_key.columns),
        backend.quote_qualified(
            foreign_key.referenced_schema.as_deref(),
            &foreign_key.referenced_table
        ),
        column_list(backend, &foreign_key.referenced_columns)
    );
    let spell_defaults = backend.spells_out_default_referential_actions();
    if spell_defaults || foreign_key.on_delete != Default::default() {
        clause.push_str(" ON DELETE ");
        clause.push_str(foreign_key.on_delete.as_sql());
    }
    if spell_defaults || foreign_key.on_update != Default::default() {
        clause.push_str(" ON UPDATE ");
        clause.push_str(foreign_key.on_update.as_sql());
    }
    clause
}

/// `CREATE TABLE` from already rendered column definitions, followed by the
/// table's keys and constraints (the primary key only if `with_primary_key`)
/// and `suffix` (table options).
pub(crate) fn create_table(
    backend: &dyn Backend,
    name: &TableName,
    table: &Table,
    columns: Vec<String>,
    with_primary_key: bool,
    suffix: &str,
) -> String {
    let mut parts = columns;
    if with_primary_key {
        if let Some(primary_key) = &table.primary_key {
            parts.push(primary_key_clause(backend, primary_key));
        }
    }
    parts.extend(
        table
            .uniques
            .iter()
            .map(|unique| unique_clause(backend, unique)),
    );
    parts.extend(
        table
            .checks
            .iter()
            .map(|check| check_clause(backend, check)),
    );
    parts.extend(
        table
            .foreign_keys
            .iter()
            .map(|foreign_key| foreign_key_clause(backend, foreign_key)),
    );
    // language=SQL
    format!(
        "CREATE TABLE {} (\n    {}\n){suffix}",
        table_sql(backend, name),
        parts.join(",\n    ")
    )
}

/// `CREATE [UNIQUE] INDEX "name" ON "table" (parts) [WHERE predicate]`;
/// expressions are wrapped in parentheses.
pub(crate) fn create_index(backend: &dyn Backend, table: &TableName, index: &Index) -> String {
    let parts: Vec<String> = index
        .parts
        .iter()
        .map(|part| match part {
            IndexPart::Column(column) => backend.quote_identifier(column),
            IndexPart::Expression(expression) => format!("({expression})"),
        })
        .collect();
    // language=SQL
    let mut sql = format!(
        "CREATE {}INDEX {} ON {} ({})",
        if index.unique { "UNIQUE " } else { "" },
        backend.quote_identifier(&index.name),
        table_sql(backend, table),
        parts.join(", ")
    );
    if let Some(predicate) = &index.predicate {
        sql.push_str(" WHERE ");
        sql.push_str(predicate);
    }
    sql
}

/// `ALTER TABLE "t" <action>`.
pub(crate) fn alter_table(backend: &dyn Backend, table: &TableName, action: &str) -> String {
    // language=SQL
    format!("ALTER TABLE {} {action}", table_sql(backend, table))
}

/// Renders `ops` in order with `render_op`, joining into one `ALTER TABLE`
/// the clauses of consecutive ops on one table that the backend lets share
/// a statement ([`Backend::shares_alter_table`]) and that render as
/// `ALTER TABLE` statements of that table only. PostgreSQL then takes the
/// table's lock once, and MySQL copies a table once, not once per change.
pub(crate) fn one_alter_per_table<B: super::Ddl + ?Sized>(
    backend: &B,
    ops: &[Op],
    mut render_op: impl FnMut(&Op, &mut Vec<String>) -> Result<(), RenderError>,
) -> Result<Vec<String>, RenderError> {
    let mut out = Vec::new();
    // The table the clauses gathered so far alter, its prefix, the clauses.
    let mut group: Option<(TableName, String, Vec<String>)> = None;
    for op in ops {
        let mut rendered = Vec::new();
        render_op(op, &mut rendered)?;
        let shared = op
            .table()
            .filter(|_| backend.shares_alter_table(op))
            .and_then(|table| {
                // language=SQL
                let prefix = format!("ALTER TABLE {} ", table_sql(backend, &table));
                let clauses: Option<Vec<String>> = rendered
                    .iter()
                    .map(|statement| statement.strip_prefix(&prefix).map(str::to_owned))
                    .collect();
                Some((table, prefix, clauses?))
            });
        match shared {
            Some((table, prefix, clauses)) => match &mut group {
                Some((grouped, _, gathered)) if *grouped == table => gathered.extend(clauses),
                _ => {
                    flush(&mut group, &mut out);
                    group = Some((table, prefix, clauses));
                }
            },
            None => {
                flush(&mut group, &mut out);
                out.extend(rendered);
            }
        }
    }
    flush(&mut group, &mut out);
    Ok(out)
}

/// Writes the gathered clauses as one statement: as rendered when there is
/// one, each on a line of its own when there are several.
fn flush(group: &mut Option<(TableName, String, Vec<String>)>, out: &mut Vec<String>) {
    match group.take() {
        Some((_, prefix, clauses)) if clauses.len() == 1 => {
            out.push(format!("{prefix}{}", clauses[0]));
        }
        Some((_, prefix, clauses)) if !clauses.is_empty() => {
            out.push(format!(
                "{}\n    {}",
                prefix.trim_end(),
                clauses.join(",\n    ")
            ));
        }
        _ => {}
    }
}

pub(crate) fn drop_table(backend: &dyn Backend, table: &TableName) -> String {
    // language=SQL
    format!("DROP TABLE {}", table_sql(backend, table))
}

pub(crate) fn rename_column(
    backend: &dyn Backend,
    table: &TableName,
    from: &str,
    to: &str,
) -> String {
    alter_table(
        backend,
        table,
        &format!(
            "RENAME COLUMN {} TO {}",
            backend.quote_identifier(from),
            backend.quote_identifier(to)
        ),
    )
}

pub(crate) fn drop_column(backend: &dyn Backend, table: &TableName, column: &str) -> String {
    alter_table(
        backend,
        table,
        &format!("DROP COLUMN {}", backend.quote_identifier(column)),
    )
}

/// The name a dropped constraint must have.
pub(crate) fn required_name<'a>(
    backend: &dyn Backend,
    table: &TableName,
    name: Option<&'a str>,
    kind: &'static str,
) -> Result<&'a str, super::RenderError> {
    name.ok_or_else(|| super::RenderError::UnnamedConstraint {
        table: table.to_string(),
        kind,
        backend: backend.kind().display_name(),
    })
}

/// `('a', 'b')`: a list of string literals.
pub(crate) fn literal_list(backend: &dyn Backend, values: &[String]) -> String {
    values
        .iter()
        .map(|value| backend.string_literal(value))
        .collect::<Vec<_>>()
        .join(", ")
}
