//! SQLite's table options, `WITHOUT ROWID` and `STRICT`: what a table with
//! them must satisfy, and how its `CREATE TABLE` ends and its columns are
//! declared.

use crate::backend::{Backend, SqliteBackend};
use crate::render::RenderError;
use crate::schema::{SqlType, Table};

/// Refuses a `WITHOUT ROWID` table without a primary key or with an
/// identity column, and a `STRICT` table's column whose type has no strict
/// storage, naming the table and the column.
pub(super) fn check(backend: &SqliteBackend, table: &Table) -> Result<(), RenderError> {
    let refuse = |what: String| RenderError::Unsupported {
        backend: backend.kind().display_name(),
        what,
    };
    let options = table.sqlite_options;
    if options.without_rowid {
        if table.primary_key.is_none() {
            return Err(refuse(format!(
                "create table {} WITHOUT ROWID without a primary key (such a table stores its \
                 rows by their key): give it a primary key, or drop `without_rowid`",
                table.name
            )));
        }
        if let Some(column) = table.columns.iter().find(|column| column.identity) {
            return Err(refuse(format!(
                "number column {} of table {}, which is WITHOUT ROWID (SQLite numbers rows \
                 only through the rowid): make it no identity (`autoincrement = false`), or \
                 drop `without_rowid`",
                column.name, table.name
            )));
        }
    }
    if options.strict {
        let untyped = table
            .columns
            .iter()
            .find(|column| backend.strict_type_sql(&column.ty).is_none());
        if let Some(column) = untyped {
            return Err(refuse(format!(
                "declare column {} of table {}, which is STRICT, as {} (a STRICT table's \
                 columns are INTEGER, INT, REAL, TEXT, BLOB or ANY): declare the one that \
                 stores it, e.g. `SqlType::Custom(\"TEXT\")` (`sql_type = \"TEXT\"`), or \
                 drop `strict`",
                column.name,
                table.name,
                backend.type_sql(&column.ty)
            )));
        }
    }
    Ok(())
}

/// What follows a `CREATE TABLE`'s closing parenthesis: ` WITHOUT ROWID`,
/// ` STRICT`, ` WITHOUT ROWID, STRICT`, or nothing.
pub(super) fn suffix(table: &Table) -> String {
    if table.sqlite_options.is_default() {
        String::new()
    } else {
        format!(" {}", table.sqlite_options)
    }
}

/// How a column of type `ty` is declared in `table`: as its strict storage
/// in a `STRICT` table, as the backend spells it otherwise.
pub(super) fn type_sql(backend: &SqliteBackend, table: &Table, ty: &SqlType) -> String {
    table
        .sqlite_options
        .strict
        .then(|| backend.strict_type_sql(ty))
        .flatten()
        .unwrap_or_else(|| backend.type_sql(ty))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::SqliteBackend;
    use crate::diff::diff;
    use crate::render::render;
    use crate::schema::{Column, PrimaryKey, Schema};

    fn keyed(table: Table, column: &str) -> Table {
        table.primary_key(PrimaryKey {
            name: None,
            columns: vec![column.into()],
            ..Default::default()
        })
    }

    fn tags() -> Table {
        keyed(
            Table::new("tags")
                .column(Column::new("name", SqlType::Varchar(20)))
                .column(Column::new("uses", SqlType::BigInt))
                .column(Column::new("at", SqlType::TimestampTz).nullable()),
            "name",
        )
    }

    fn rendered(from: Vec<Table>, to: Vec<Table>) -> Vec<String> {
        render(&diff(&Schema::new(from), &Schema::new(to)), &SqliteBackend).expect("renders")
    }

    #[test]
    fn a_created_table_ends_with_its_options_and_declares_strict_types() {
        let statements = rendered(Vec::new(), vec![tags().without_rowid().strict()]);
        assert_eq!(
            statements,
            ["CREATE TABLE \"tags\" (\n    \"name\" TEXT NOT NULL,\n    \"uses\" INTEGER NOT NULL,\n    \"at\" TEXT,\n    PRIMARY KEY (\"name\")\n) WITHOUT ROWID, STRICT"]
        );
        let plain = rendered(Vec::new(), vec![tags()]);
        assert!(plain[0].ends_with(')'), "{}", plain[0]);
        assert!(plain[0].contains("\"uses\" BIGINT"), "{}", plain[0]);
    }

    /// A change of options is a rebuild whose new table has the target's
    /// options, and the reverse rebuilds it without them.
    #[test]
    fn a_change_of_options_rebuilds_the_table_both_ways() {
        let up = diff(
            &Schema::new(vec![tags()]),
            &Schema::new(vec![tags().strict()]),
        );
        assert_eq!(up.ops().len(), 1, "{:?}", up.ops());
        let created = |statements: Vec<String>| {
            statements
                .into_iter()
                .find(|statement| statement.starts_with("CREATE TABLE \"retort_new_tags\""))
                .expect("a rebuild")
        };
        let new = created(render(&up, &SqliteBackend).unwrap());
        assert!(new.ends_with(") STRICT"), "{new}");
        let old = created(render(&up.reverse(), &SqliteBackend).unwrap());
        assert!(old.ends_with(')') && old.contains("BIGINT"), "{old}");
    }

    /// A column added in place to a strict table is declared as it stores.
    #[test]
    fn a_column_added_to_a_strict_table_has_a_strict_type() {
        let statements = rendered(
            vec![tags().strict()],
            vec![tags()
                .strict()
                .column(Column::new("score", SqlType::Double).nullable())],
        );
        assert_eq!(
            statements,
            ["ALTER TABLE \"tags\" ADD COLUMN \"score\" REAL"]
        );
    }

    #[test]
    fn what_the_options_cannot_hold_is_refused_naming_it() {
        let refused = |table: Table| {
            check(&SqliteBackend, &table)
                .expect_err("refused")
                .to_string()
        };
        let keyless = Table::new("notes")
            .column(Column::new("body", SqlType::Text))
            .without_rowid();
        assert!(refused(keyless).contains("create table notes WITHOUT ROWID without a primary key"));
        let numbered = keyed(
            Table::new("notes").column(Column::new("id", SqlType::Integer).identity()),
            "id",
        )
        .without_rowid();
        assert!(
            refused(numbered).contains("number column id of table notes, which is WITHOUT ROWID")
        );
        for ty in [
            SqlType::Uuid,
            SqlType::Numeric {
                precision: None,
                scale: None,
            },
            SqlType::Custom("DECIMAL".into()),
        ] {
            let spelled = SqliteBackend.type_sql(&ty);
            let table = tags().column(Column::new("odd", ty)).strict();
            assert!(
                refused(table).contains(&format!(
                    "declare column odd of table tags, which is STRICT, as {spelled}"
                )),
                "{spelled}"
            );
        }
        assert!(check(&SqliteBackend, &tags().without_rowid().strict()).is_ok());
        let any = tags().column(Column::new("x", SqlType::Custom("any".into())));
        assert!(check(&SqliteBackend, &any.strict()).is_ok());
    }
}
