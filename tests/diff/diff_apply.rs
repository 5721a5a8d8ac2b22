//! A diff rendered for each real database keeps every row: create schema A
//! from nothing, insert rows, apply diff(A, B), check every kept and renamed
//! column kept its values, apply the reverse, check again.

use crate::support;

use retort::{
    diff, render::render, BackendKind, CheckConstraint, Column, ForeignKey, Index, PrimaryKey,
    ReferentialAction, Schema, SqlType, Table, UniqueConstraint,
};
use support::{apply_statements, backend_tests, try_apply_statements, TestBackend, TestDatabase};

/// Renders `diff(from, to)` for the connection's database and applies it.
fn migrate<C: TestBackend>(conn: &mut C, from: &Schema, to: &Schema) -> retort::Diff {
    let up = diff(from, to);
    let statements = render(&up, C::BACKEND.backend())
        .unwrap_or_else(|error| panic!("rendering {up:?}: {error}"));
    apply_statements(conn, &statements);
    up
}

fn key(name: &str, columns: &[&str]) -> PrimaryKey {
    PrimaryKey {
        name: Some(name.into()),
        columns: columns.iter().map(|column| column.to_string()).collect(),
        ..Default::default()
    }
}

fn foreign_key(name: &str, column: &str, table: &str, on_delete: ReferentialAction) -> ForeignKey {
    ForeignKey {
        name: Some(name.into()),
        columns: vec![column.into()],
        referenced_schema: None,
        referenced_table: table.into(),
        referenced_columns: vec!["id".into()],
        on_delete,
        on_update: ReferentialAction::NoAction,
        deferrable: None,
    }
}

fn status(values: &[&str]) -> SqlType {
    SqlType::Enum {
        name: "user_status".into(),
        values: values.iter().map(|value| value.to_string()).collect(),
    }
}

fn schema_a() -> Schema {
    Schema::new(vec![
        Table::new("teams")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("name", SqlType::Varchar(100)))
            .primary_key(key("pk_teams", &["id"]))
            .unique(UniqueConstraint {
                name: Some("uq_teams_name".into()),
                columns: vec!["name".into()],
                deferrable: None,
            }),
        Table::new("users")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("email", SqlType::Varchar(100)))
            .column(Column::new("name", SqlType::Varchar(50)).nullable())
            .column(Column::new("age", SqlType::Integer).nullable())
            .column(Column::new("team_id", SqlType::BigInt).nullable())
            .column(Column::new("status", status(&["active", "banned"])).default_expr("'active'"))
            .column(Column::new("legacy", SqlType::Text).nullable())
            .primary_key(key("pk_users", &["id"]))
            .foreign_key(foreign_key(
                "fk_users_team",
                "team_id",
                "teams",
                ReferentialAction::NoAction,
            ))
            .index(Index::on_columns("ix_users_age", ["age"])),
        Table::new("old_logs")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("body", SqlType::Text))
            .primary_key(key("pk_old_logs", &["id"])),
        Table::new("doomed").column(Column::new("id", SqlType::Integer)),
    ])
}

fn schema_b() -> Schema {
    let mut teams = schema_a().tables[0].clone();
    teams.comment = Some("Teams".into());
    teams
        .columns
        .push(Column::new("motto", SqlType::Text).nullable());
    let mut logs = schema_a().tables[2].clone();
    logs.name = "logs".into();
    logs.renamed_from = Some("old_logs".into());
    Schema::new(vec![
        teams,
        Table::new("users")
            .column(Column::new("id", SqlType::BigInt))
            .column(
                Column::new("mail", SqlType::Varchar(200))
                    .renamed_from("email")
                    .comment("login"),
            )
            .column(
                Column::new("name", SqlType::Text)
                    .nullable()
                    .default_expr("'anon'"),
            )
            .column(Column::new("age", SqlType::BigInt).nullable())
            .column(Column::new("team_id", SqlType::BigInt).nullable())
            .column(
                Column::new("status", status(&["active", "banned", "pending"]))
                    .default_expr("'active'"),
            )
            .column(Column::new("score", SqlType::Integer).default_expr("0"))
            .primary_key(key("pk_users", &["id"]))
            .foreign_key(foreign_key(
                "fk_users_team",
                "team_id",
                "teams",
                ReferentialAction::Cascade,
            ))
            .index(Index::on_columns("ix_users_team_age", ["team_id", "age"]))
            .unique(UniqueConstraint {
                name: Some("uq_users_mail".into()),
                columns: vec!["mail".into()],
                deferrable: None,
            })
            .check(CheckConstraint {
                name: Some("ck_users_age".into()),
                expression: "age >= 0".into(),
            }),
        logs,
        Table::new("tags")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("user_id", SqlType::BigInt))
            .column(Column::new("label", SqlType::Varchar(20)))
            .primary_key(key("pk_tags", &["id"]))
            .foreign_key(foreign_key(
                "fk_tags_user",
                "user_id",
                "users",
                ReferentialAction::NoAction,
            )),
    ])
}

fn changes_keep_every_value<C: TestBackend>(db: &TestDatabase<C>) {
    let mut conn = db.connect();
    let a = schema_a();
    let b = schema_b();
    migrate(&mut conn, &Schema::default(), &a);
    conn.batch_execute(
        "INSERT INTO teams (id, name) VALUES (1, 'red'), (2, 'blue');
         INSERT INTO users (id, email, name, age, team_id, status, legacy)
             VALUES (1, 'a@x', 'Ann', 30, 1, 'active', 'x'), (2, 'b@x', NULL, NULL, 2, 'banned', NULL);
         INSERT INTO old_logs (id, body) VALUES (1, 'hello');
         INSERT INTO doomed (id) VALUES (7);",
    )
    .expect("rows fit schema A");

    let up = migrate(&mut conn, &a, &b);
    assert!(up
        .ops()
        .iter()
        .any(|op| matches!(op, retort::diff::Op::RenameColumn { from, .. } if from == "email")));
    assert_eq!(
        conn.select_count(
            "SELECT COUNT(*) AS n FROM users WHERE id = 1 AND mail = 'a@x' AND name = 'Ann' \
             AND age = 30 AND team_id = 1 AND status = 'active' AND score = 0"
        ),
        1,
        "user 1 kept every value, the renamed column included"
    );
    assert_eq!(
        conn.select_count(
            "SELECT COUNT(*) AS n FROM users WHERE id = 2 AND mail = 'b@x' AND name IS NULL \
             AND age IS NULL AND team_id = 2 AND status = 'banned' AND score = 0"
        ),
        1,
        "user 2 kept every value"
    );
    assert_eq!(conn.select_count("SELECT COUNT(*) AS n FROM teams"), 2);
    assert_eq!(
        conn.select_count("SELECT COUNT(*) AS n FROM logs WHERE id = 1 AND body = 'hello'"),
        1,
        "the renamed table kept its row"
    );
    // B's new parts work: a new enum value, defaults, the new table's key.
    conn.batch_execute(
        "INSERT INTO users (id, mail, age, status) VALUES (3, 'c@x', 5, 'pending');
         INSERT INTO tags (id, user_id, label) VALUES (1, 1, 'vip');",
    )
    .expect("rows fit schema B");
    assert_eq!(
        conn.select_count(
            "SELECT COUNT(*) AS n FROM users WHERE id = 3 AND name = 'anon' AND score = 0"
        ),
        1
    );
    assert!(
        conn.execute("INSERT INTO users (id, mail, age) VALUES (4, 'd@x', -1)")
            .is_err(),
        "the new check holds"
    );
    assert!(
        conn.execute("INSERT INTO users (id, mail) VALUES (5, 'a@x')")
            .is_err(),
        "the new unique constraint holds"
    );

    // Down: rows that only fit B go first.
    conn.execute("DELETE FROM users WHERE id = 3")
        .expect("delete the row only B allows");
    apply_statements(
        &mut conn,
        &render(&up.reverse(), C::BACKEND.backend()).expect("the reverse renders"),
    );
    assert_eq!(
        conn.select_count(
            "SELECT COUNT(*) AS n FROM users WHERE id = 1 AND email = 'a@x' AND name = 'Ann' \
             AND age = 30 AND team_id = 1 AND status = 'active' AND legacy IS NULL"
        ),
        1,
        "user 1 is back under its old column names with its values"
    );
    assert_eq!(
        conn.select_count(
            "SELECT COUNT(*) AS n FROM users WHERE id = 2 AND email = 'b@x' AND name IS NULL \
             AND team_id = 2 AND status = 'banned'"
        ),
        1
    );
    assert_eq!(
        conn.select_count("SELECT COUNT(*) AS n FROM old_logs WHERE body = 'hello'"),
        1
    );
    assert_eq!(conn.select_count("SELECT COUNT(*) AS n FROM doomed"), 0);
    assert_eq!(conn.select_count("SELECT COUNT(*) AS n FROM teams"), 2);
    // And forward again, from the state the reverse left.
    migrate(&mut conn, &a, &b);
    assert_eq!(
        conn.select_count("SELECT COUNT(*) AS n FROM users WHERE mail = 'a@x' AND age = 30"),
        1
    );
}

/// `user`, `order`, `select`: reserved words as table, column, index and
/// constraint names.
fn reserved_words_work_as_names<C: TestBackend>(db: &TestDatabase<C>) {
    let backend = C::BACKEND.backend();
    let q = |name: &str| backend.quote_identifier(name);
    let user = Table::new("user")
        .column(Column::new("select", SqlType::Integer))
        .column(Column::new("order", SqlType::Varchar(20)).nullable())
        .primary_key(key("primary", &["select"]));
    let order = Table::new("order")
        .column(Column::new("from", SqlType::Integer))
        .column(Column::new("group", SqlType::Integer).nullable())
        .primary_key(key("pk_order", &["from"]))
        .foreign_key(ForeignKey {
            name: Some("where".into()),
            columns: vec!["group".into()],
            referenced_schema: None,
            referenced_table: "user".into(),
            referenced_columns: vec!["select".into()],
            on_delete: ReferentialAction::NoAction,
            on_update: ReferentialAction::NoAction,
            deferrable: None,
        })
        .index(Index::on_columns("table", ["group"]));
    let a = Schema::new(vec![user.clone(), order.clone()]);
    let mut conn = db.connect();
    migrate(&mut conn, &Schema::default(), &a);
    conn.batch_execute(&format!(
        "INSERT INTO {user} ({select}, {order}) VALUES (1, 'first');
         INSERT INTO {order} ({from}, {group}) VALUES (10, 1);",
        user = q("user"),
        order = q("order"),
        select = q("select"),
        from = q("from"),
        group = q("group"),
    ))
    .expect("rows fit");

    let mut select = order.clone();
    select.name = "select".into();
    select.renamed_from = Some("order".into());
    select.columns[0] = Column::new("where", SqlType::Integer).renamed_from("from");
    select.primary_key = Some(key("pk_order", &["where"]));
    select.foreign_keys[0].referenced_columns = vec!["select".into()];
    select
        .columns
        .push(Column::new("desc", SqlType::Text).nullable());
    let mut renamed_user = user.clone();
    renamed_user.columns[1] = Column::new("table", SqlType::Varchar(40))
        .nullable()
        .renamed_from("order");
    let b = Schema::new(vec![renamed_user, select]);
    let up = migrate(&mut conn, &a, &b);
    let check = format!(
        "SELECT COUNT(*) AS n FROM {select} JOIN {user} ON {user}.{select_column} = {select}.{group} \
         WHERE {select}.{where_} = 10 AND {user}.{table} = 'first'",
        select = q("select"),
        user = q("user"),
        select_column = q("select"),
        group = q("group"),
        where_ = q("where"),
        table = q("table"),
    );
    assert_eq!(
        conn.select_count(&check),
        1,
        "renamed tables and columns kept their values"
    );

    apply_statements(
        &mut conn,
        &render(&up.reverse(), backend).expect("the reverse renders"),
    );
    let check = format!(
        "SELECT COUNT(*) AS n FROM {order} JOIN {user} ON {user}.{select} = {order}.{group} \
         WHERE {order}.{from} = 10 AND {user}.{order} = 'first'",
        order = q("order"),
        user = q("user"),
        select = q("select"),
        group = q("group"),
        from = q("from"),
    );
    assert_eq!(
        conn.select_count(&check),
        1,
        "the reverse restored names and values"
    );
}

/// A type change that would cut values fails instead, and the values stay.
fn narrowing_fails_rather_than_truncating<C: TestBackend>(db: &TestDatabase<C>) {
    let table = |ty: SqlType| {
        Schema::new(vec![Table::new("notes")
            .column(Column::new("id", SqlType::Integer))
            .column(Column::new("body", ty))
            .column(Column::new("amount", SqlType::BigInt))
            .primary_key(key("pk_notes", &["id"]))])
    };
    let mut conn = db.connect();
    migrate(&mut conn, &Schema::default(), &table(SqlType::Varchar(20)));
    conn.execute("INSERT INTO notes (id, body, amount) VALUES (1, 'abcdefgh', 100000)")
        .expect("a row");
    let narrow = diff(&table(SqlType::Varchar(20)), &table(SqlType::Varchar(3)));
    assert!(narrow.is_destructive(), "narrowing is flagged");
    let statements = render(&narrow, C::BACKEND.backend()).expect("renders");
    let applied = try_apply_statements(&mut conn, &statements);
    if C::BACKEND == BackendKind::Sqlite {
        // SQLite does not enforce lengths: the rebuild keeps the value.
        applied.expect("SQLite keeps every value");
    } else {
        assert!(applied.is_err(), "{statements:?} must fail, not truncate");
    }
    assert_eq!(
        conn.select_count("SELECT COUNT(*) AS n FROM notes WHERE body = 'abcdefgh'"),
        1,
        "the value is whole"
    );
}

/// An index that comes on a foreign key's columns, and goes again, leaves
/// the key alone (but for MySQL, where the key is lifted off the index
/// that goes), keeps the rows, and the database reads back as the models
/// say: InnoDB drops the index it made for the key as the new one comes.
fn an_index_on_foreign_key_columns_comes_and_goes<C: TestBackend>(db: &TestDatabase<C>) {
    let schema = |indexed: bool| {
        let members = Table::new("members")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("team_id", SqlType::BigInt))
            .primary_key(key("pk_members", &["id"]))
            .foreign_key(foreign_key(
                "fk_members_team",
                "team_id",
                "teams",
                ReferentialAction::Cascade,
            ));
        let members = if indexed {
            members.index(Index::on_columns("ix_members_team_id", ["team_id"]))
        } else {
            members
        };
        Schema::new(vec![
            Table::new("teams")
                .column(Column::new("id", SqlType::BigInt))
                .primary_key(key("pk_teams", &["id"])),
            members,
        ])
    };
    let mut conn = db.connect();
    migrate(&mut conn, &Schema::default(), &schema(false));
    conn.execute("INSERT INTO teams (id) VALUES (1)")
        .expect("a team");
    conn.execute("INSERT INTO members (id, team_id) VALUES (1, 1)")
        .expect("a member");
    for (from, to) in [(schema(false), schema(true)), (schema(true), schema(false))] {
        let statements = render(&diff(&from, &to), C::BACKEND.backend()).expect("renders");
        let index_goes = from.tables[1].indexes.len() > to.tables[1].indexes.len();
        let touches_key = statements.iter().any(|sql| sql.contains("FOREIGN KEY"));
        // MySQL refuses to drop an index a key uses: the key is lifted off.
        let lifted = C::BACKEND == BackendKind::Mysql && index_goes;
        assert_eq!(touches_key, lifted, "{statements:#?}");
        apply_statements(&mut conn, &statements);
        let drift = retort::autogen::pending_changes(&mut conn, &to).expect("reads back");
        assert!(drift.is_empty(), "after {statements:?}: {drift:?}");
    }
    assert_eq!(
        conn.select_count("SELECT COUNT(*) AS n FROM members WHERE team_id = 1"),
        1
    );
    // The key still holds.
    assert!(try_apply_statements(
        &mut conn,
        &["INSERT INTO members (id, team_id) VALUES (2, 99)".to_owned()]
    )
    .is_err());
}

/// Keys that come and go on a referenced table, and a column that changes
/// type there, leave the foreign keys pointing at it alone on every
/// database, in the plain and the online render: only a key that a foreign
/// key relies on going away disturbs it. The rows stay, the database reads
/// back as the models say, and the key still holds.
fn keys_on_a_referenced_table_leave_its_foreign_keys_alone<C: TestBackend>(db: &TestDatabase<C>) {
    let schema = |unique: bool, unique_index: bool, wide: bool| {
        let name_type = SqlType::Varchar(if wide { 200 } else { 100 });
        let mut teams = Table::new("teams")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("name", name_type))
            .column(Column::new("code", SqlType::Varchar(10)))
            .primary_key(key("pk_teams", &["id"]));
        if unique {
            teams = teams.unique(UniqueConstraint {
                name: Some("uq_teams_name".into()),
                columns: vec!["name".into()],
                deferrable: None,
            });
        }
        if unique_index {
            let mut index = Index::on_columns("ix_teams_code", ["code"]);
            index.unique = true;
            teams = teams.index(index);
        }
        let members = Table::new("members")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("team_id", SqlType::BigInt))
            .primary_key(key("pk_members", &["id"]))
            .foreign_key(foreign_key(
                "fk_members_team",
                "team_id",
                "teams",
                ReferentialAction::Cascade,
            ));
        Schema::new(vec![teams, members])
    };
    let mut conn = db.connect();
    migrate(&mut conn, &Schema::default(), &schema(false, false, false));
    conn.execute("INSERT INTO teams (id, name, code) VALUES (1, 'a', 'x')")
        .expect("a team");
    conn.execute("INSERT INTO members (id, team_id) VALUES (1, 1)")
        .expect("a member");
    let steps = [
        schema(false, false, false),
        schema(true, false, false),
        schema(true, true, false),
        schema(true, true, true),
        schema(false, false, false),
    ];
    for pair in steps.windows(2) {
        let (from, to) = (&pair[0], &pair[1]);
        let up = diff(from, to);
        let statements = render(&up, C::BACKEND.backend()).expect("renders");
        assert!(
            !statements.iter().any(|sql| sql.contains("fk_members_team")),
            "{statements:#?}"
        );
        for step in retort::render::render_online(&up, C::BACKEND.backend()).expect("renders") {
            assert!(
                !step.up.iter().any(|sql| sql.contains("fk_members_team")),
                "{:#?}",
                step.up
            );
        }
        apply_statements(&mut conn, &statements);
        let drift = retort::autogen::pending_changes(&mut conn, to).expect("reads back");
        assert!(drift.is_empty(), "after {statements:?}: {drift:?}");
    }
    assert_eq!(
        conn.select_count("SELECT COUNT(*) AS n FROM members WHERE team_id = 1"),
        1
    );
    assert!(try_apply_statements(
        &mut conn,
        &["INSERT INTO members (id, team_id) VALUES (2, 99)".to_owned()]
    )
    .is_err());
}

/// Five changes to one table render as one `ALTER TABLE` on PostgreSQL and
/// MySQL (one lock, one table copy), apply, keep every row, and read back
/// as the models say; the reverse too. SQLite rebuilds the table once.
fn several_changes_to_one_table_are_one_statement<C: TestBackend>(db: &TestDatabase<C>) {
    let before = Schema::new(vec![Table::new("orders")
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new("amount", SqlType::Integer))
        .column(Column::new("label", SqlType::Varchar(20)))
        .column(Column::new("legacy", SqlType::Integer).nullable())
        .primary_key(key("pk_orders", &["id"]))]);
    let mut orders = before.tables[0].clone();
    orders.columns[1].ty = SqlType::BigInt;
    orders.columns[2].ty = SqlType::Varchar(80);
    orders.columns[2].default = Some("'none'".into());
    orders.columns.remove(3);
    let after = Schema::new(vec![orders
        .column(Column::new("note", SqlType::Text).nullable())
        .check(CheckConstraint {
            name: Some("ck_orders_amount".into()),
            expression: "amount >= 0".into(),
        })]);
    let mut conn = db.connect();
    migrate(&mut conn, &Schema::default(), &before);
    conn.execute("INSERT INTO orders (id, amount, label) VALUES (1, 10, 'a'), (2, 20, 'b')")
        .expect("rows");
    for (from, to) in [(&before, &after), (&after, &before)] {
        let statements = render(&diff(from, to), C::BACKEND.backend()).expect("renders");
        if C::BACKEND != BackendKind::Sqlite {
            assert_eq!(statements.len(), 1, "{statements:#?}");
            assert!(statements[0].starts_with("ALTER TABLE"), "{statements:#?}");
        }
        apply_statements(&mut conn, &statements);
        let drift = retort::autogen::pending_changes(&mut conn, to).expect("reads back");
        assert!(drift.is_empty(), "after {statements:?}: {drift:?}");
        assert_eq!(
            conn.select_count("SELECT COUNT(*) AS n FROM orders WHERE amount IN (10, 20)"),
            2
        );
    }
}

backend_tests!(
    changes_keep_every_value,
    reserved_words_work_as_names,
    narrowing_fails_rather_than_truncating,
    an_index_on_foreign_key_columns_comes_and_goes,
    keys_on_a_referenced_table_leave_its_foreign_keys_alone,
    several_changes_to_one_table_are_one_statement
);
