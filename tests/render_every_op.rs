//! Every op's SQL runs on every real database: for each change, create the
//! base schema from nothing, insert a row, apply the change and its reverse,
//! check the row after each, and drop everything again (the drops are ops
//! too).

mod support;

use retort::{
    diff, render::render, BackendKind, CheckConstraint, Column, ForeignKey, Index, IndexPart,
    PrimaryKey, ReferentialAction, Schema, SqlType, Table, UniqueConstraint,
};
use support::{backend_tests, try_apply_statements, TestBackend, TestDatabase};

/// Runs statements as the runner does; panics naming the step and the
/// failing statement.
fn apply<C: TestBackend>(conn: &mut C, what: &str, statements: &[String]) {
    if let Err(failed) = try_apply_statements(conn, statements) {
        panic!("{what}: {failed}\nin {statements:#?}");
    }
}

fn mood(values: &[&str]) -> SqlType {
    SqlType::Enum {
        name: "mood".into(),
        values: values.iter().map(|value| value.to_string()).collect(),
    }
}

fn key(name: &str, columns: &[&str]) -> PrimaryKey {
    PrimaryKey {
        name: Some(name.into()),
        columns: columns.iter().map(|column| column.to_string()).collect(),
    }
}

fn base() -> Schema {
    Schema::new(vec![
        Table::new("teams")
            .column(Column::new("id", SqlType::BigInt).identity())
            .column(Column::new("name", SqlType::Varchar(100)))
            .primary_key(key("pk_teams", &["id"])),
        Table::new("users")
            .column(Column::new("id", SqlType::BigInt).identity())
            .column(Column::new("email", SqlType::Varchar(255)).comment("login; it's unique"))
            .column(
                Column::new("name", SqlType::Text)
                    .nullable()
                    .default_expr("'anon'"),
            )
            .column(Column::new("mood", mood(&["happy", "sad"])).default_expr("'happy'"))
            .column(Column::new("team_id", SqlType::BigInt).nullable())
            .primary_key(key("pk_users", &["id"]))
            .unique(UniqueConstraint {
                name: Some("uq_users_email".into()),
                columns: vec!["email".into()],
            })
            .check(CheckConstraint {
                name: Some("ck_users_email".into()),
                expression: "email <> ''".into(),
            })
            .foreign_key(ForeignKey {
                name: Some("fk_users_team".into()),
                columns: vec!["team_id".into()],
                referenced_schema: None,
                referenced_table: "teams".into(),
                referenced_columns: vec!["id".into()],
                on_delete: ReferentialAction::SetNull,
                on_update: ReferentialAction::NoAction,
            })
            .index(Index::on_columns("ix_users_team", ["team_id"])),
    ])
}

fn changed(change: impl FnOnce(&mut Table)) -> Schema {
    let mut schema = base();
    if let Some(users) = schema.tables.iter_mut().find(|table| table.name == "users") {
        change(users);
    }
    schema
}

fn column<'a>(table: &'a mut Table, name: &str) -> &'a mut Column {
    table
        .columns
        .iter_mut()
        .find(|column| column.name == name)
        .expect("the change names a column of the table")
}

/// Each change, and the table and condition that find the row after it.
fn changes() -> Vec<(&'static str, Schema, &'static str)> {
    let users_row = "users WHERE id = 1 AND email = 'a@x'";
    vec![
        (
            "rename table",
            changed(|users| {
                users.name = "people".into();
                users.renamed_from = Some("users".into());
            }),
            "people WHERE id = 1 AND email = 'a@x'",
        ),
        (
            "add nullable column",
            changed(|users| {
                users
                    .columns
                    .push(Column::new("age", SqlType::Integer).nullable())
            }),
            "users WHERE id = 1 AND age IS NULL",
        ),
        (
            "add not null column with default",
            changed(|users| {
                users
                    .columns
                    .push(Column::new("score", SqlType::Integer).default_expr("7"))
            }),
            "users WHERE id = 1 AND score = 7",
        ),
        (
            "drop column",
            changed(|users| users.columns.retain(|column| column.name != "name")),
            users_row,
        ),
        (
            "rename column",
            changed(|users| {
                let name = column(users, "name");
                name.name = "full_name".into();
                name.renamed_from = Some("name".into());
            }),
            "users WHERE id = 1 AND full_name = 'Ann'",
        ),
        (
            "widen type",
            changed(|users| column(users, "email").ty = SqlType::Varchar(320)),
            users_row,
        ),
        (
            "change type with a default",
            changed(|users| column(users, "name").ty = SqlType::Varchar(80)),
            "users WHERE id = 1 AND name = 'Ann'",
        ),
        (
            "refuse null",
            changed(|users| column(users, "name").nullable = false),
            "users WHERE id = 1 AND name = 'Ann'",
        ),
        (
            "change default",
            changed(|users| column(users, "name").default = Some("'nobody'".into())),
            users_row,
        ),
        (
            "drop default",
            changed(|users| column(users, "name").default = None),
            users_row,
        ),
        (
            "column comment",
            changed(|users| column(users, "email").comment = Some(r"a \ backslash".into())),
            users_row,
        ),
        (
            "table comment",
            changed(|users| users.comment = Some("everyone's".into())),
            users_row,
        ),
        (
            "create index",
            changed(|users| {
                users
                    .indexes
                    .push(Index::on_columns("ix_users_team_email", ["team_id", "email"]).unique())
            }),
            users_row,
        ),
        (
            "drop index",
            changed(|users| users.indexes.clear()),
            users_row,
        ),
        (
            "add unique",
            changed(|users| {
                users.uniques.push(UniqueConstraint {
                    name: Some("uq_users_email_team".into()),
                    columns: vec!["email".into(), "team_id".into()],
                })
            }),
            users_row,
        ),
        (
            "drop unique",
            changed(|users| users.uniques.clear()),
            users_row,
        ),
        (
            "change foreign key",
            changed(|users| users.foreign_keys[0].on_delete = ReferentialAction::Cascade),
            users_row,
        ),
        (
            "drop foreign key",
            changed(|users| users.foreign_keys.clear()),
            users_row,
        ),
        (
            "add check",
            changed(|users| {
                users.checks.push(CheckConstraint {
                    name: Some("ck_users_email_length".into()),
                    expression: "length(email) < 300".into(),
                })
            }),
            users_row,
        ),
        (
            "drop check",
            changed(|users| users.checks.clear()),
            users_row,
        ),
        (
            "change primary key",
            changed(|users| {
                users.primary_key = Some(key("pk_users", &["id", "email"]));
                column(users, "id").identity = false;
            }),
            users_row,
        ),
        (
            "add enum values",
            changed(|users| column(users, "mood").ty = mood(&["meh", "happy", "sad", "ecstatic"])),
            "users WHERE id = 1 AND mood = 'happy'",
        ),
        (
            "replace enum values",
            changed(|users| {
                let mood_column = column(users, "mood");
                mood_column.ty = mood(&["sad", "happy", "it's ok"]);
                mood_column.default = Some("'sad'".into());
            }),
            "users WHERE id = 1 AND mood = 'happy'",
        ),
        (
            "enum to text",
            changed(|users| column(users, "mood").ty = SqlType::Text),
            "users WHERE id = 1 AND mood = 'happy'",
        ),
        (
            "new table",
            {
                let mut schema = base();
                schema.tables.push(
                    Table::new("badges")
                        .column(Column::new("id", SqlType::BigInt))
                        .column(Column::new("user_id", SqlType::BigInt))
                        .column(Column::new("kind", mood(&["happy", "sad"])))
                        .primary_key(key("pk_badges", &["id"]))
                        .foreign_key(ForeignKey {
                            name: Some("fk_badges_user".into()),
                            columns: vec!["user_id".into()],
                            referenced_schema: None,
                            referenced_table: "users".into(),
                            referenced_columns: vec!["id".into()],
                            on_delete: ReferentialAction::Cascade,
                            on_update: ReferentialAction::NoAction,
                        }),
                );
                schema
            },
            users_row,
        ),
        (
            "start generating a column",
            {
                let mut schema = base();
                schema.tables[0].columns[0].identity = false;
                schema
            },
            users_row,
        ),
    ]
}

fn every_op_runs<C: TestBackend>(db: &TestDatabase<C>) {
    let backend = C::BACKEND.backend();
    let mut conn = db.connect();
    let empty = Schema::default();
    for (name, target, row) in changes() {
        let create = diff(&empty, &base());
        apply(&mut conn, name, &render(&create, backend).expect("renders"));
        conn.execute("INSERT INTO teams (id, name) VALUES (1, 'red')")
            .expect("a team");
        conn.execute(
            "INSERT INTO users (id, email, name, mood, team_id) VALUES (1, 'a@x', 'Ann', 'happy', 1)",
        )
        .expect("a user");

        let up = diff(&base(), &target);
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
    }
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
