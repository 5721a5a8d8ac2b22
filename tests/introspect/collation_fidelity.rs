//! Collations and `ON UPDATE`: a column's own collation on every
//! database, and on MySQL and MariaDB a table's default collation and `ON
//! UPDATE CURRENT_TIMESTAMP`, are created, read back, changed and changed
//! back; the databases without them refuse a model that names them.

use crate::support;

use retort::{
    autogen::pending_changes, diff::diff, render::render, render::RenderError, BackendKind, Column,
    PrimaryKey, Schema, SqlType, Table,
};
use support::{apply_diff, backend_tests, TestBackend, TestDatabase};

fn notes(table_collation: &str, code_collation: Option<&str>) -> Schema {
    let mut code = Column::new("code", SqlType::Varchar(10));
    code.collation = code_collation.map(str::to_owned);
    Schema::new(vec![Table::new("notes")
        .collation(table_collation)
        .column(Column::new("id", SqlType::Integer).identity())
        .column(Column::new("title", SqlType::Varchar(40)))
        .column(code)
        .column(Column::new("body", SqlType::Text).nullable())
        .column(
            Column::new("at", SqlType::TimestampTzWithPrecision(0))
                .default_expr("CURRENT_TIMESTAMP")
                .on_update("CURRENT_TIMESTAMP"),
        )
        .primary_key(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
            ..Default::default()
        })])
}

/// Created, the table reads back as modeled; a new table collation
/// reaches the columns that follow it; the reverse restores both.
#[cfg(feature = "mysql")]
#[test]
fn mysql_collations_and_on_update_are_created_changed_and_restored() {
    use diesel::MysqlConnection;
    support::run::<MysqlConnection>(|db| {
        let mut conn = db.connect();
        let first = notes("utf8mb4_bin", Some("utf8mb4_general_ci"));
        apply_diff(&mut conn, &Schema::default(), &first);
        let read = retort::introspect(&mut conn).unwrap();
        assert_eq!(read.table("notes"), first.table("notes"));
        assert!(pending_changes(&mut conn, &first).unwrap().is_empty());
        let collation_of = |conn: &mut MysqlConnection, column: &str, collation: &str| {
            conn.select_count(&format!(
                "SELECT COUNT(*) AS n FROM information_schema.COLUMNS \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'notes' \
                 AND COLUMN_NAME = '{column}' AND COLLATION_NAME = '{collation}'"
            ))
        };
        assert_eq!(collation_of(&mut conn, "title", "utf8mb4_bin"), 1);

        // The table's collation changes (to one that is not the test
        // database's default, utf8mb4_unicode_ci); `code` now follows it.
        let second = notes("utf8mb4_general_ci", None);
        let change = diff(&read, &second);
        assert!(
            change.ops().iter().any(
                |op| op.to_string() == "set the collation of table notes to utf8mb4_general_ci"
            ),
            "{:#?}",
            change.ops()
        );
        apply_diff(&mut conn, &read, &second);
        let left = pending_changes(&mut conn, &second).unwrap();
        assert!(left.is_empty(), "{:#?}", left.ops());
        for column in ["title", "code", "body"] {
            assert_eq!(
                collation_of(&mut conn, column, "utf8mb4_general_ci"),
                1,
                "{column} follows the table's new collation"
            );
        }

        // And back.
        let read = retort::introspect(&mut conn).unwrap();
        apply_diff(&mut conn, &read, &first);
        assert!(pending_changes(&mut conn, &first).unwrap().is_empty());
        assert_eq!(collation_of(&mut conn, "title", "utf8mb4_bin"), 1);
        assert_eq!(collation_of(&mut conn, "code", "utf8mb4_general_ci"), 1);
    });
}

fn names(collation: Option<&str>) -> Schema {
    let mut name = Column::new("name", SqlType::Varchar(40));
    name.collation = collation.map(str::to_owned);
    Schema::new(vec![Table::new("names")
        .column(Column::new("id", SqlType::Integer).identity())
        .column(name)
        .column(Column::new("plain", SqlType::Text).nullable())
        .primary_key(PrimaryKey {
            name: Some("pk_names".into()),
            columns: vec!["id".into()],
            ..Default::default()
        })])
}

/// A column's own collation on each database: created and read back,
/// changed to another and to the default, and back, the column keeping its
/// rows (SQLite rebuilds the table).
fn column_collations_are_created_changed_and_dropped<C: TestBackend>(db: &TestDatabase<C>) {
    let (first, second) = match C::BACKEND {
        BackendKind::Postgres => ("C", "POSIX"),
        BackendKind::Mysql => ("utf8mb4_bin", "utf8mb4_general_ci"),
        BackendKind::Sqlite => ("NOCASE", "RTRIM"),
    };
    let mut conn = db.connect();
    let mut from = Schema::default();
    for collation in [Some(first), Some(second), None, Some(first)] {
        let to = names(collation);
        apply_diff(&mut conn, &from, &to);
        if from.tables.is_empty() {
            conn.execute("INSERT INTO names (name) VALUES ('b'), ('B'), ('a')")
                .unwrap();
        }
        let read = retort::introspect(&mut conn).unwrap();
        assert_eq!(
            read.table("names"),
            C::BACKEND.backend().stored_form(&to).table("names"),
            "{}: {collation:?}",
            C::NAME
        );
        let left = pending_changes(&mut conn, &to).unwrap();
        assert!(left.is_empty(), "{collation:?}: {:#?}", left.ops());
        from = read;
    }
    assert_eq!(conn.select_count("SELECT COUNT(*) AS n FROM names"), 3);
}

backend_tests!(column_collations_are_created_changed_and_dropped);

/// PostgreSQL and SQLite refuse a table collation and `ON UPDATE` when the
/// DDL is rendered, naming the table (and column).
#[test]
fn databases_without_them_refuse_table_collations_and_on_update() {
    for kind in [BackendKind::Postgres, BackendKind::Sqlite] {
        let backend = kind.backend();
        let error = render(
            &diff(&Schema::default(), &notes("utf8mb4_bin", None)),
            backend,
        )
        .expect_err("refused");
        assert!(
            matches!(&error, RenderError::Unsupported { what, .. } if what.contains("table notes")),
            "{kind}: {error}"
        );
        let mut on_update = notes("x", None);
        on_update.tables[0].collation = None;
        let error = render(&diff(&Schema::default(), &on_update), backend).expect_err("refused");
        assert!(
            error
                .to_string()
                .contains("column at of table notes ON UPDATE"),
            "{kind}: {error}"
        );
    }
}
