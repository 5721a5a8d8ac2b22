//! Golden SQL for every op on every backend: each scenario is a diff,
//! rendered up and down.

use super::*;
use crate::backend::BackendKind;
use crate::diff::diff;
use crate::schema::{
    CheckConstraint, Column, ForeignKey, Index, IndexPart, PrimaryKey, ReferentialAction, Schema,
    SqlType, Table, UniqueConstraint,
};

fn mood(values: &[&str]) -> SqlType {
    SqlType::Enum {
        name: "mood".into(),
        values: values.iter().map(|value| value.to_string()).collect(),
    }
}

fn teams() -> Table {
    Table::new("teams")
        .column(Column::new("id", SqlType::BigInt).identity())
        .column(Column::new("name", SqlType::Varchar(100)))
        .primary_key(PrimaryKey {
            name: Some("pk_teams".into()),
            columns: vec!["id".into()],
        })
}

fn users() -> Table {
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
        .primary_key(PrimaryKey {
            name: Some("pk_users".into()),
            columns: vec!["id".into()],
        })
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
        .index(Index::on_columns("ix_users_team", ["team_id"]))
}

fn base() -> Schema {
    let mut users = users();
    users.comment = Some("people who log in".into());
    Schema::new(vec![teams(), users])
}

/// `base()` with one change made to the users table.
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
        .expect("the scenario names a column of the table")
}

/// Each change to render, as the schemas before and after it.
pub(crate) fn scenarios() -> Vec<(&'static str, Schema, Schema)> {
    vec![
        ("create tables", Schema::default(), base()),
        (
            "rename table",
            base(),
            changed(|users| {
                users.name = "people".into();
                users.renamed_from = Some("users".into());
            }),
        ),
        (
            "add nullable column",
            base(),
            changed(|users| {
                users
                    .columns
                    .push(Column::new("age", SqlType::Integer).nullable())
            }),
        ),
        (
            "add not null column with default",
            base(),
            changed(|users| {
                users
                    .columns
                    .push(Column::new("score", SqlType::Integer).default_expr("0"))
            }),
        ),
        (
            "drop column",
            base(),
            changed(|users| users.columns.retain(|column| column.name != "name")),
        ),
        (
            "rename column",
            base(),
            changed(|users| {
                let name = column(users, "name");
                name.name = "full_name".into();
                name.renamed_from = Some("name".into());
            }),
        ),
        (
            "alter type",
            base(),
            changed(|users| column(users, "email").ty = SqlType::Varchar(320)),
        ),
        (
            "alter type that needs a cast",
            base(),
            changed(|users| column(users, "email").ty = SqlType::Uuid),
        ),
        (
            "alter type with a default",
            base(),
            changed(|users| column(users, "name").ty = SqlType::Varchar(80)),
        ),
        (
            "alter nullability",
            base(),
            changed(|users| column(users, "name").nullable = false),
        ),
        (
            "alter default",
            base(),
            changed(|users| column(users, "name").default = Some("'nobody'".into())),
        ),
        (
            "drop default",
            base(),
            changed(|users| column(users, "name").default = None),
        ),
        (
            "alter identity",
            Schema::new(vec![Table::new("teams")
                .column(Column::new("id", SqlType::BigInt))
                .primary_key(PrimaryKey {
                    name: Some("pk_teams".into()),
                    columns: vec!["id".into()],
                })]),
            Schema::new(vec![Table::new("teams")
                .column(Column::new("id", SqlType::BigInt).identity())
                .primary_key(PrimaryKey {
                    name: Some("pk_teams".into()),
                    columns: vec!["id".into()],
                })]),
        ),
        (
            "alter column comment",
            base(),
            changed(|users| column(users, "email").comment = Some(r"a \ backslash".into())),
        ),
        (
            "table comment",
            base(),
            changed(|users| users.comment = Some("everyone".into())),
        ),
        (
            "create index",
            base(),
            changed(|users| {
                users.indexes.push(Index {
                    name: "ix_users_lower_email".into(),
                    parts: vec![IndexPart::Expression("lower(email)".into())],
                    unique: true,
                    predicate: None,
                    ..Index::default()
                })
            }),
        ),
        (
            "partial index",
            base(),
            changed(|users| {
                users.indexes.push(Index {
                    name: "ix_users_named".into(),
                    parts: vec![IndexPart::Column("name".into())],
                    unique: false,
                    predicate: Some("name IS NOT NULL".into()),
                    ..Index::default()
                })
            }),
        ),
        ("drop index", base(), changed(|users| users.indexes.clear())),
        (
            // The foreign key on those columns stays as it is.
            "index on a foreign key's columns",
            changed(|users| users.indexes.clear()),
            base(),
        ),
        (
            "add unique",
            base(),
            changed(|users| {
                users.uniques.push(UniqueConstraint {
                    name: Some("uq_users_name_team".into()),
                    columns: vec!["name".into(), "team_id".into()],
                })
            }),
        ),
        (
            "drop unique",
            base(),
            changed(|users| users.uniques.clear()),
        ),
        (
            "change foreign key",
            base(),
            changed(|users| users.foreign_keys[0].on_delete = ReferentialAction::Cascade),
        ),
        ("drop check", base(), changed(|users| users.checks.clear())),
        (
            "add check",
            base(),
            changed(|users| {
                users.checks.push(CheckConstraint {
                    name: Some("ck_users_name".into()),
                    expression: "length(name) > 1".into(),
                })
            }),
        ),
        (
            "change primary key",
            base(),
            changed(|users| {
                users.primary_key = Some(PrimaryKey {
                    name: Some("pk_users".into()),
                    columns: vec!["id".into(), "email".into()],
                });
                column(users, "id").identity = false;
            }),
        ),
        (
            "add enum value",
            base(),
            changed(|users| column(users, "mood").ty = mood(&["happy", "meh", "sad", "ecstatic"])),
        ),
        (
            "replace enum values",
            base(),
            changed(|users| {
                let mood_column = column(users, "mood");
                mood_column.ty = mood(&["sad", "it's ok"]);
                mood_column.default = Some("'sad'".into());
            }),
        ),
        (
            "enum column to text",
            base(),
            changed(|users| column(users, "mood").ty = SqlType::Text),
        ),
        (
            "alter the default of an enum column",
            base(),
            changed(|users| column(users, "mood").default = Some("'sad'".into())),
        ),
        (
            // InnoDB gave the key an index of its own: it goes too.
            "drop a foreign key no index serves",
            changed(|users| users.indexes.clear()),
            changed(|users| {
                users.indexes.clear();
                users.foreign_keys.clear();
            }),
        ),
        (
            "reserved words",
            Schema::default(),
            Schema::new(vec![
                Table::new("user")
                    .column(Column::new("select", SqlType::Integer))
                    .primary_key(PrimaryKey {
                        name: None,
                        columns: vec!["select".into()],
                    }),
                Table::new("order")
                    .column(Column::new("from", SqlType::Integer))
                    .column(Column::new("group", SqlType::Integer).nullable())
                    .foreign_key(ForeignKey {
                        name: Some("where".into()),
                        columns: vec!["group".into()],
                        referenced_schema: None,
                        referenced_table: "user".into(),
                        referenced_columns: vec!["select".into()],
                        on_delete: ReferentialAction::NoAction,
                        on_update: ReferentialAction::NoAction,
                    })
                    .index(Index::on_columns("table", ["from"])),
            ]),
        ),
    ]
}

fn rendered(diff: &crate::diff::Diff, kind: BackendKind) -> String {
    match render(diff, kind.backend()) {
        Ok(statements) => statements
            .iter()
            .map(|statement| format!("{statement};\n"))
            .collect(),
        Err(error) => format!("error: {error}\n"),
    }
}

fn golden(kind: BackendKind) -> String {
    let mut text = String::new();
    for (name, from, to) in scenarios() {
        let up = diff(&from, &to);
        assert!(!up.is_empty(), "scenario {name} changes nothing");
        text.push_str(&format!("-- {name}: up\n{}", rendered(&up, kind)));
        for warning in up.warnings() {
            text.push_str(&format!("-- warning: {warning}\n"));
        }
        text.push_str(&format!(
            "-- {name}: down\n{}\n",
            rendered(&up.reverse(), kind)
        ));
    }
    text
}

#[test]
fn postgres_sql_for_every_op() {
    insta::assert_snapshot!(golden(BackendKind::Postgres));
}

#[test]
fn mysql_sql_for_every_op() {
    insta::assert_snapshot!(golden(BackendKind::Mysql));
}

#[test]
fn sqlite_sql_for_every_op() {
    insta::assert_snapshot!(golden(BackendKind::Sqlite));
}

#[test]
fn mysql_escapes_backslashes_in_literals() {
    let backend = BackendKind::Mysql.backend();
    assert_eq!(backend.string_literal(r"a\b'c"), r"'a\\b''c'");
    assert_eq!(
        backend.type_sql(&mood(&[r"x\y"])),
        r"ENUM('x\\y')",
        "enum values are literals too"
    );
    assert_eq!(
        BackendKind::Postgres.backend().string_literal(r"a\b'c"),
        r"'a\b''c'"
    );
}

#[test]
fn unnamed_constraints_cannot_be_dropped_by_name() {
    let mut unnamed = users();
    unnamed.uniques[0].name = None;
    let mut without = unnamed.clone();
    without.uniques.clear();
    let up = diff(&Schema::new(vec![unnamed]), &Schema::new(vec![without]));
    let error = render(&up, BackendKind::Postgres.backend()).expect_err("no name to drop");
    assert_eq!(
        error.to_string(),
        "unique constraint on table users has no name, so PostgreSQL cannot drop it: give it a name in the model or drop it by hand"
    );
    // SQLite rebuilds the table, which needs no name.
    assert!(render(&up, BackendKind::Sqlite.backend()).is_ok());
}

#[test]
fn sqlite_rebuild_pragmas_split_off() {
    let up = diff(
        &base(),
        &changed(|users| column(users, "name").nullable = false),
    );
    let statements = render(&up, BackendKind::Sqlite.backend()).expect("renders");
    let (before, body, after) = sqlite_pragmas(&statements);
    assert_eq!(before, [SQLITE_FOREIGN_KEYS_OFF]);
    assert_eq!(after, [SQLITE_FOREIGN_KEYS_ON]);
    assert_eq!(body.len(), statements.len() - 2);
    let plain = vec!["CREATE INDEX x ON t (a)".to_owned()];
    assert_eq!(sqlite_pragmas(&plain), (&[][..], &plain[..], &[][..]));
}

/// Every scenario as its online steps: each step's transaction mode, up,
/// down and warnings.
fn online_golden(kind: BackendKind) -> String {
    let mut text = String::new();
    for (name, from, to) in scenarios() {
        text.push_str(&format!("-- {name}\n"));
        match super::render_online(&diff(&from, &to), kind.backend()) {
            Ok(steps) => {
                for (at, step) in steps.iter().enumerate() {
                    text.push_str(&format!(
                        "-- step {} ({})\n",
                        at + 1,
                        if step.transactional {
                            "transaction"
                        } else {
                            "transaction off"
                        }
                    ));
                    for warning in &step.warnings {
                        text.push_str(&format!("-- warning: {warning}\n"));
                    }
                    for statement in &step.up {
                        text.push_str(&format!("{statement};\n"));
                    }
                    text.push_str("-- down\n");
                    match &step.down {
                        Some(down) => {
                            for statement in down {
                                text.push_str(&format!("{statement};\n"));
                            }
                        }
                        None => text.push_str("-- (none)\n"),
                    }
                }
            }
            Err(error) => text.push_str(&format!("error: {error}\n")),
        }
        text.push('\n');
    }
    text
}

#[test]
fn postgres_online_steps_for_every_op() {
    insta::assert_snapshot!(online_golden(BackendKind::Postgres));
}

#[test]
fn mysql_online_steps_for_every_op() {
    insta::assert_snapshot!(online_golden(BackendKind::Mysql));
}
