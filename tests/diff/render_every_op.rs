//! Every op's SQL runs on every real database: for each change, create the
//! base schema from nothing, insert a row, apply the change and its reverse,
//! check the row after each, and drop everything again (the drops are ops
//! too).

use crate::support;

use retort::{diff, render::render, BackendKind, Column, Index, IndexPart, Schema, SqlType, Table};
use retort_core::scenarios::{scenarios, Scenario, BASE_ROWS};
use support::{backend_tests, try_apply_statements, TestBackend, TestDatabase};

/// Runs statements as the runner does; panics naming the step and the
/// failing statement.
fn apply<C: TestBackend>(conn: &mut C, what: &str, statements: &[String]) {
    if let Err(failed) = try_apply_statements(conn, statements) {
        panic!("{what}: {failed}\nin {statements:#?}");
    }
}

fn every_op_runs<C: TestBackend>(db: &TestDatabase<C>) {
    let backend = C::BACKEND.backend();
    let mut conn = db.connect();
    let empty = Schema::default();
    let mut ran = 0;
    for scenario in scenarios() {
        let Scenario {
            name,
            from,
            to,
            row_after: Some(row),
            refused_by,
        } = scenario
        else {
            continue;
        };
        if refused_by.contains(&C::BACKEND.label()) {
            continue;
        }
        let create = diff(&empty, &from);
        apply(&mut conn, name, &render(&create, backend).expect("renders"));
        for insert in BASE_ROWS {
            conn.execute(insert).expect("the base rows");
        }

        let up = diff(&from, &to);
        assert!(!up.is_empty(), "{name} changes something");
        apply(&mut conn, name, &render(&up, backend).expect("renders"));
        let found = format!("SELECT COUNT(*) AS n FROM {row}");
        assert_eq!(conn.select_count(&found), 1, "{name}: {found}");
        assert_eq!(
            conn.select_count("SELECT COUNT(*) AS n FROM teams WHERE id = 1 AND name = 'red'"),
            1
        );

        apply(
            &mut conn,
            name,
            &render(&up.reverse(), backend).expect("the reverse renders"),
        );
        assert_eq!(
            conn.select_count("SELECT COUNT(*) AS n FROM users WHERE id = 1 AND email = 'a@x' AND mood = 'happy' AND team_id = 1"),
            1,
            "{name}: the reverse kept the row"
        );

        apply(
            &mut conn,
            name,
            &render(&create.reverse(), backend).expect("the drops render"),
        );
        ran += 1;
    }
    // Two changes make a foreign key deferrable, which MySQL refuses; one
    // makes a unique constraint deferrable and one adds an exclusion
    // constraint, which only PostgreSQL has.
    let expected = match C::BACKEND {
        BackendKind::Postgres => 31,
        BackendKind::Sqlite => 29,
        BackendKind::Mysql => 27,
    };
    assert_eq!(ran, expected, "every change with a row to look up ran");
}

/// Expression and partial indexes, where the database has them.
fn expression_and_partial_indexes<C: TestBackend>(db: &TestDatabase<C>) {
    let backend = C::BACKEND.backend();
    let mut conn = db.connect();
    let table = |indexes: Vec<Index>| {
        let mut table = Table::new("notes")
            .column(Column::new("id", SqlType::Integer))
            .column(Column::new("body", SqlType::Varchar(100)).nullable());
        table.indexes = indexes;
        Schema::new(vec![table])
    };
    apply(
        &mut conn,
        "create",
        &render(&diff(&Schema::default(), &table(vec![])), backend).expect("renders"),
    );
    let partial = Index {
        name: "ix_notes_body".into(),
        parts: vec![IndexPart::Column("body".into())],
        unique: true,
        predicate: Some("body IS NOT NULL".into()),
        ..Index::default()
    };
    let expression = Index {
        name: "ix_notes_lower_body".into(),
        parts: vec![IndexPart::Expression("lower(body)".into())],
        unique: false,
        predicate: None,
        ..Index::default()
    };
    let up = diff(&table(vec![]), &table(vec![partial, expression]));
    match render(&up, backend) {
        Ok(statements) => {
            assert_ne!(C::BACKEND, BackendKind::Mysql, "MySQL has no partial index");
            apply(&mut conn, "indexes", &statements);
            conn.execute("INSERT INTO notes (id, body) VALUES (1, NULL), (2, NULL), (3, 'a')")
                .expect("NULLs are outside the partial unique index");
            assert!(conn
                .execute("INSERT INTO notes (id, body) VALUES (4, 'a')")
                .is_err());
            apply(
                &mut conn,
                "indexes down",
                &render(&up.reverse(), backend).expect("renders"),
            );
            conn.execute("INSERT INTO notes (id, body) VALUES (4, 'a')")
                .expect("the unique index is gone");
        }
        Err(error) => {
            assert_eq!(C::BACKEND, BackendKind::Mysql, "{error}");
            assert!(
                error.to_string().contains("partial index ix_notes_body"),
                "{error}"
            );
        }
    }
}

backend_tests!(every_op_runs, expression_and_partial_indexes);
