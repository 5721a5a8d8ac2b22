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
    let mut clause = format!(
        "{}PRIMARY KEY ({})",
        constraint_name(backend, primary_key.name.as_deref()),
        column_list(backend, &primary_key.columns)
    );
    if let Some(deferral) = primary_key.deferrable {
        clause.push(' ');
        clause.push_str(deferral.as_sql());
    }
    clause
}

pub(crate) fn unique_clause(backend: &dyn Backend, unique: &UniqueConstraint) -> String {
    let mut clause = format!(
        "{}UNIQUE ({})",
        constraint_name(backend, unique.name.as_deref()),
        column_list(backend, &unique.columns)
    );
    if let Some(deferral) = unique.deferrable {
        clause.push(' ');
        clause.push_str(deferral.as_sql());
    }
    clause
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
    if let Some(deferral) = foreign_key.deferrable {
        clause.push(' ');
        clause.push_str(deferral.as_sql());
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

/// What a database's `CREATE INDEX` can say beyond columns, expressions
/// and uniqueness. An index asking for more is refused with an error that
/// names it, never written in a form the database would read differently.
pub(crate) struct IndexSyntax {
    /// Where the access method goes: `USING gin` after the table
    /// (PostgreSQL), a keyword before `INDEX` (MySQL's `FULLTEXT`,
    /// `SPATIAL`), or nowhere (SQLite).
    pub(crate) methods: IndexMethods,
    /// `COLLATE` per key part.
    pub(crate) collation: bool,
    /// An operator class per key part.
    pub(crate) operator_class: bool,
    /// `NULLS FIRST` / `NULLS LAST`.
    pub(crate) nulls_order: bool,
    /// `INCLUDE (...)` and `NULLS NOT DISTINCT`.
    pub(crate) include_and_nulls_not_distinct: bool,
    /// `WHERE` (partial indexes).
    pub(crate) predicate: bool,
}

/// See [`IndexSyntax::methods`].
pub(crate) enum IndexMethods {
    /// `USING <method>` after the table.
    Using,
    /// `CREATE <METHOD> INDEX`, for these methods only.
    Prefix(&'static [&'static str]),
    /// The default method only.
    None,
}

/// `CREATE [UNIQUE] INDEX "name" ON "table" [USING method] (parts)
/// [INCLUDE (...)] [NULLS NOT DISTINCT] [WHERE predicate]`; expressions are
/// wrapped in parentheses, each part followed by its collation, operator
/// class and order.
///
/// # Errors
///
/// The index asks for something `syntax` cannot say.
pub(crate) fn create_index(
    backend: &dyn Backend,
    syntax: &IndexSyntax,
    table: &TableName,
    index: &Index,
) -> Result<String, RenderError> {
    let unsupported = |what: &str| RenderError::Unsupported {
        backend: backend.kind().display_name(),
        what: format!("create index {} on {table} {what}", index.name),
    };
    let method = index.method_name();
    let (prefix, using) = match (&method, &syntax.methods) {
        (None, _) => (String::new(), String::new()),
        (Some(method), IndexMethods::Using) => (String::new(), format!(" USING {method}")),
        (Some(method), IndexMethods::Prefix(known)) if known.contains(&method.as_str()) => {
            (format!("{} ", method.to_ascii_uppercase()), String::new())
        }
        (Some(method), _) => return Err(unsupported(&format!("using {method}"))),
    };
    let mut parts = Vec::with_capacity(index.parts.len());
    for (at, part) in index.parts.iter().enumerate() {
        let mut sql = match part {
            IndexPart::Column(column) => backend.quote_identifier(column),
            IndexPart::Expression(expression) => format!("({expression})"),
        };
        let options = index.key_options_at(at);
        if let Some(collation) = &options.collation {
            if !syntax.collation {
                return Err(unsupported(&format!("with collation {collation}")));
            }
            sql.push_str(" COLLATE ");
            sql.push_str(&backend.quote_identifier(collation));
        }
        if let Some(class) = &options.operator_class {
            if !syntax.operator_class {
                return Err(unsupported(&format!("with operator class {class}")));
            }
            sql.push(' ');
            sql.push_str(class);
        }
        if options.descending {
            sql.push_str(" DESC");
        }
        if let Some(first) = options
            .nulls_first
            .filter(|&first| first != options.descending)
        {
            if !syntax.nulls_order {
                return Err(unsupported("with NULLS FIRST/LAST"));
            }
            sql.push_str(if first { " NULLS FIRST" } else { " NULLS LAST" });
        }
        parts.push(sql);
    }
    // language=SQL
    let mut sql = format!(
        "CREATE {}{prefix}INDEX {} ON {}{using} ({})",
        if index.unique { "UNIQUE " } else { "" },
        backend.quote_identifier(&index.name),
        table_sql(backend, table),
        parts.join(", ")
    );
    if !index.include.is_empty() {
        if !syntax.include_and_nulls_not_distinct {
            return Err(unsupported("with INCLUDE columns"));
        }
        sql.push_str(&format!(
            " INCLUDE ({})",
            column_list(backend, &index.include)
        ));
    }
    if index.nulls_not_distinct {
        if !syntax.include_and_nulls_not_distinct {
            return Err(unsupported("with NULLS NOT DISTINCT"));
        }
        sql.push_str(" NULLS NOT DISTINCT");
    }
    if let Some(predicate) = &index.predicate {
        if !syntax.predicate {
            return Err(RenderError::Unsupported {
                backend: backend.kind().display_name(),
                what: format!("create partial index {} on {table}", index.name),
            });
        }
        sql.push_str(" WHERE ");
        sql.push_str(predicate);
    }
    Ok(sql)
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
