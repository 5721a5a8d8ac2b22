//! Expand, backfill, contract: a `NOT NULL` column without a default that
//! a diff adds to an existing table, and whose model says how to fill it
//! (`#[model(backfill = "...")]`, [`Column::backfill`]), is written as
//!
//! 1. the column added nullable (with the rest of the diff);
//! 2. a batched backfill of the rows from the expression
//!    (`-- retort:backfill table=T key=K batch=1000` and `UPDATE T SET col =
//!    expr WHERE col IS NULL AND {batch}`), on the table's single integer
//!    primary key; one `UPDATE`, with a comment saying why, for a table
//!    that has none;
//! 3. the column made `NOT NULL`: on PostgreSQL through a validated `CHECK
//!    (col IS NOT NULL) NOT VALID`, so no exclusive lock is held while the
//!    rows are scanned; a `MODIFY` on MySQL/MariaDB; a table rebuild
//!    keeping every row on SQLite.
//!
//! A revision with a backfill runs statement by statement, each in a short
//! transaction of its own (see the runner's `backfill` module), so the
//! backfill never becomes one long transaction.

use crate::backend::BackendKind;
use crate::diff::{diff, Diff, Op, TableName};
use crate::render::{self, RenderError};
use crate::revision::backfill_directive;
use crate::schema::{Column, Schema, SqlType, Table};

/// How many key values one batch of a generated backfill covers.
const BATCH: i64 = 1000;

/// A column to add nullable, fill, and make `NOT NULL`.
struct Filled {
    table: TableName,
    column: String,
    expression: String,
}

/// A diff split into expand, backfill, contract.
pub(super) struct Expansion {
    /// The diff with the filled columns added nullable.
    pub(super) expand: Diff,
    /// The statement that fills each column, in `backend`'s dialect.
    pub(super) fills: Vec<String>,
    /// The filled columns made `NOT NULL`.
    pub(super) contract: Diff,
}

impl Expansion {
    /// The up statements, in order: the expand, the backfills, the
    /// contract.
    ///
    /// # Errors
    ///
    /// [`RenderError`] when the database cannot express a change.
    pub(super) fn up(&self, backend: BackendKind) -> Result<Vec<String>, RenderError> {
        let dialect = backend.backend();
        let mut up = render::render(&self.expand, dialect)?;
        up.extend(self.fills.iter().cloned());
        up.extend(render::render_set_not_null(&self.contract, dialect)?);
        Ok(up)
    }
}

/// `changes` as expand, backfill, contract for `backend`, or `None` when
/// it adds no column that needs it.
pub(super) fn expansion(changes: &Diff, backend: BackendKind) -> Option<Expansion> {
    let filled: Vec<Filled> = changes
        .ops()
        .iter()
        .filter_map(|op| match op {
            Op::AddColumn { table, column }
                if !column.nullable && column.default.is_none() && !column.identity =>
            {
                Some(Filled {
                    table: table.clone(),
                    column: column.name.clone(),
                    expression: column.backfill.clone()?,
                })
            }
            _ => None,
        })
        .collect();
    if filled.is_empty() {
        return None;
    }
    // The models with the columns nullable: what the expand reaches, the
    // renames included, and where the contract starts.
    let mut expanded = changes.to.clone();
    for fill in &filled {
        if let Some(column) = column_mut(&mut expanded, fill) {
            column.nullable = true;
        }
    }
    let target = without_hints(&changes.to);
    Some(Expansion {
        expand: diff(&changes.from, &expanded),
        fills: filled
            .iter()
            .map(|fill| fill_statement(fill, &target, backend))
            .collect(),
        contract: diff(&without_hints(&expanded), &target),
    })
}

/// The backfill of one column: the directive and its `UPDATE`, or one
/// `UPDATE` when the table has no key to batch on.
fn fill_statement(fill: &Filled, target: &Schema, backend: BackendKind) -> String {
    let dialect = backend.backend();
    let column = dialect.quote_identifier(&fill.column);
    // language=SQL
    let update = format!(
        "UPDATE {} SET {column} = {} WHERE {column} IS NULL",
        render::table_sql(dialect, &fill.table),
        fill.expression
    );
    let table = find_table(target, &fill.table);
    let directive = table.and_then(integer_key).and_then(|key| {
        let name = match &fill.table.schema {
            Some(schema) => format!("{schema}.{}", fill.table.name),
            None => fill.table.name.clone(),
        };
        backfill_directive(&name, key, BATCH)
    });
    match directive {
        Some(directive) => format!(
            "{directive}\n{update} AND {}",
            crate::revision::BATCH_PLACEHOLDER
        ),
        None => format!(
            "-- {} has no single integer primary key to batch on (or its names cannot be written in `-- retort:backfill`): one UPDATE fills every row\n{update}",
            fill.table
        ),
    }
}

/// The table's primary key, when it is one integer column.
fn integer_key(table: &Table) -> Option<&str> {
    let key = table.primary_key.as_ref()?;
    let [column] = key.columns.as_slice() else {
        return None;
    };
    let integer = table.columns.iter().any(|candidate| {
        candidate.name == *column
            && matches!(
                candidate.ty,
                SqlType::SmallInt | SqlType::Integer | SqlType::BigInt
            )
    });
    integer.then_some(column.as_str())
}

fn find_table<'s>(schema: &'s Schema, name: &TableName) -> Option<&'s Table> {
    schema
        .tables
        .iter()
        .find(|table| TableName::of(table) == *name)
}

fn column_mut<'s>(schema: &'s mut Schema, fill: &Filled) -> Option<&'s mut Column> {
    schema
        .tables
        .iter_mut()
        .find(|table| TableName::of(table) == fill.table)?
        .columns
        .iter_mut()
        .find(|column| column.name == fill.column)
}

/// `schema` without rename hints: the contract starts from the renamed
/// tables and columns.
fn without_hints(schema: &Schema) -> Schema {
    let mut schema = schema.clone();
    for table in &mut schema.tables {
        table.renamed_from = None;
        for column in &mut table.columns {
            column.renamed_from = None;
        }
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::PrimaryKey;

    /// `users` with the key `key` (columns `id BIGINT` and `name TEXT`),
    /// and with `email` added `NOT NULL` when `email` says how to fill it.
    fn users(key: &[&str], email: Option<Column>) -> Schema {
        let mut table = Table::new("users")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("name", SqlType::Text))
            .primary_key(PrimaryKey {
                name: None,
                columns: key.iter().map(|column| (*column).to_owned()).collect(),
                ..Default::default()
            });
        if let Some(email) = email {
            table = table.column(email);
        }
        Schema::new(vec![table])
    }

    fn filled_email() -> Column {
        Column::new("email", SqlType::Varchar(100)).backfill("name || '@example.com'")
    }

    fn up(key: &[&str], email: Column, backend: BackendKind) -> Option<Vec<String>> {
        let changes = diff(&users(key, None), &users(key, Some(email)));
        expansion(&changes, backend).map(|expansion| expansion.up(backend).unwrap())
    }

    #[test]
    fn a_filled_column_is_added_nullable_backfilled_in_batches_then_made_not_null() {
        let up = up(&["id"], filled_email(), BackendKind::Postgres).expect("an expansion");
        assert_eq!(
            up,
            [
                r#"ALTER TABLE "users" ADD COLUMN "email" VARCHAR(100)"#,
                "-- retort:backfill table=users key=id batch=1000\nUPDATE \"users\" SET \"email\" = name || '@example.com' WHERE \"email\" IS NULL AND {batch}",
                r#"ALTER TABLE "users" ADD CONSTRAINT "users_email_not_null" CHECK ("email" IS NOT NULL) NOT VALID"#,
                r#"ALTER TABLE "users" VALIDATE CONSTRAINT "users_email_not_null""#,
                r#"ALTER TABLE "users" ALTER COLUMN "email" SET NOT NULL"#,
                r#"ALTER TABLE "users" DROP CONSTRAINT "users_email_not_null""#,
            ]
        );
        let mysql = self::up(&["id"], filled_email(), BackendKind::Mysql).expect("an expansion");
        assert_eq!(
            mysql.last().map(String::as_str),
            Some("ALTER TABLE `users` MODIFY COLUMN `email` VARCHAR(100) NOT NULL")
        );
    }

    #[test]
    fn a_table_without_a_single_integer_key_is_filled_by_one_update_that_says_why() {
        for key in [&["id", "name"][..], &["name"][..], &[][..]] {
            let up = up(key, filled_email(), BackendKind::Postgres).expect("an expansion");
            let fill = &up[1];
            assert!(
                fill.starts_with("-- users has no single integer primary key to batch on"),
                "{key:?}: {fill}"
            );
            assert!(
                !fill.contains("\n-- retort:backfill") && !fill.contains("{batch}"),
                "{key:?}: {fill}"
            );
            assert!(
                fill.ends_with("UPDATE \"users\" SET \"email\" = name || '@example.com' WHERE \"email\" IS NULL"),
                "{key:?}: {fill}"
            );
        }
    }

    #[test]
    fn only_a_not_null_column_without_a_default_with_backfill_is_expanded() {
        for email in [
            Column::new("email", SqlType::Varchar(100)),
            filled_email().nullable(),
            filled_email().default_expr("''"),
        ] {
            assert_eq!(
                up(&["id"], email.clone(), BackendKind::Postgres),
                None,
                "{email:?}"
            );
        }
        // A table the diff creates has no rows to fill.
        let created = diff(&Schema::default(), &users(&["id"], Some(filled_email())));
        assert!(expansion(&created, BackendKind::Postgres).is_none());
    }
}
