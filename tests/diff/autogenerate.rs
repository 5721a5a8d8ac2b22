//! Autogenerate on each real database: models become a first revision that
//! `migrate_to_head` applies; unchanged models then write nothing; a second
//! model version becomes a second revision that keeps the rows, renames
//! instead of dropping, and reverts.

// The models are schema: the tests migrate them and never read their fields.
#![allow(dead_code)]

use crate::support;

use std::path::Path;

use retort::{autogenerate, AutogenerateError, Migrations, Migrator, Model, Schema, SqlEnum};
use support::{backend_tests, TestBackend, TestDatabase};

#[derive(SqlEnum)]
#[sql_enum(name = "team_tier")]
pub enum Tier {
    Free,
    Paid,
}

/// A team of users.
#[derive(Model)]
#[model(table = "teams", unique(columns("name", "tier")))]
pub struct Team {
    #[model(primary_key)]
    pub id: i64,
    #[model(max_length = 100)]
    pub name: String,
    #[model(default = "'free'")]
    pub tier: Tier,
    #[model(precision = 10, scale = 2, default = "0")]
    pub budget: String,
    /// When the team was made.
    #[model(default = "CURRENT_TIMESTAMP")]
    pub created_at: chrono::NaiveDateTime,
}

/// Someone who signs in.
#[derive(Model)]
#[model(table = "users", check(name = "adult", expr = "age >= 18"))]
pub struct User {
    #[model(primary_key)]
    pub id: i64,
    #[model(unique, max_length = 255)]
    pub email: String,
    /// Name shown on the profile page.
    pub display_name: Option<String>,
    pub age: i32,
    #[model(default = "true")]
    pub active: bool,
    pub score: Option<f64>,
    pub avatar: Option<Vec<u8>>,
    pub born_on: Option<chrono::NaiveDate>,
    pub settings: Option<serde_json::Value>,
    pub external_id: Option<uuid::Uuid>,
    #[model(references = "teams.id", on_delete = "cascade", index)]
    pub team_id: Option<i64>,
}

/// An order: a reserved word as a table name.
#[derive(Model)]
#[model(table = "order")]
pub struct Order {
    #[model(primary_key)]
    pub id: i32,
    #[model(references = "users.id", on_delete = "set null")]
    pub user: Option<i64>,
    #[model(default = "'new'", max_length = 20)]
    pub select: String,
}

// Models are read through `Model::table()`, not their fields.
#[allow(dead_code)]
mod v2 {
    use retort::Model;

    /// A team of users.
    #[derive(Model)]
    #[model(table = "teams", unique(columns("name", "tier")))]
    pub struct Team {
        #[model(primary_key)]
        pub id: i64,
        #[model(max_length = 100)]
        pub name: String,
        #[model(default = "'free'")]
        pub tier: super::Tier,
        #[model(precision = 10, scale = 2, default = "0")]
        pub budget: String,
        /// When the team was made.
        #[model(default = "CURRENT_TIMESTAMP")]
        pub created_at: chrono::NaiveDateTime,
        /// New in version 2.
        pub motto: Option<String>,
    }

    /// Someone who signs in: `display_name` is now `nickname`.
    #[derive(Model)]
    #[model(table = "users", check(name = "adult", expr = "age >= 18"))]
    pub struct User {
        #[model(primary_key)]
        pub id: i64,
        #[model(unique, max_length = 255)]
        pub email: String,
        /// Name shown on the profile page.
        #[model(renamed_from = "display_name")]
        pub nickname: Option<String>,
        pub age: i32,
        #[model(default = "true")]
        pub active: bool,
        pub score: Option<f64>,
        pub avatar: Option<Vec<u8>>,
        pub born_on: Option<chrono::NaiveDate>,
        pub settings: Option<serde_json::Value>,
        pub external_id: Option<uuid::Uuid>,
        #[model(references = "teams.id", on_delete = "cascade", index)]
        pub team_id: Option<i64>,
    }
}

fn version_1() -> Schema {
    retort::schema![Team, User, Order]
}

fn version_2() -> Schema {
    retort::schema![v2::Team, v2::User, Order]
}

/// Autogenerates into `dir` and expects a file.
fn generate<C: TestBackend>(conn: &mut C, models: &Schema, dir: &Path, message: &str) -> String {
    let path = autogenerate(conn, models, dir, message)
        .unwrap_or_else(|error| panic!("autogenerate {message}: {error}"))
        .unwrap_or_else(|| panic!("autogenerate {message} wrote nothing"));
    std::fs::read_to_string(path).unwrap()
}

fn upgrade<C: TestBackend>(conn: &mut C, dir: &Path) -> Migrations {
    let migrations = Migrations::from_dir(dir).unwrap();
    retort::migrate_to_head(conn, &migrations).unwrap_or_else(|error| {
        let files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
            .collect();
        panic!("migrate_to_head: {error}\n{}", files.join("\n"))
    });
    migrations
}

/// What is still different, for a failure message.
fn still_different<C: TestBackend>(conn: &mut C, models: &Schema) -> String {
    let changes = retort::autogen::pending_changes(conn, models).unwrap();
    format!("{:#?}", changes.ops())
}

fn unchanged_models_write_nothing<C: TestBackend>(db: &TestDatabase<C>) {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = db.connect();
    let first = generate(
        &mut conn,
        &version_1(),
        dir.path(),
        "create teams and users",
    );
    assert!(first.contains("-- retort:parents\n"), "{first}");
    upgrade(&mut conn, dir.path());
    let again = autogenerate(&mut conn, &version_1(), dir.path(), "nothing").unwrap();
    assert!(
        again.is_none(),
        "unchanged models wrote {again:?}; still different: {}",
        still_different(&mut conn, &version_1())
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

fn a_second_version_renames_adds_and_reverts<C: TestBackend>(db: &TestDatabase<C>) {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = db.connect();
    generate(&mut conn, &version_1(), dir.path(), "first");
    let first = upgrade(&mut conn, dir.path());
    let first_head = Migrator::new(&first).heads();
    conn.execute("INSERT INTO teams (id, name) VALUES (1, 'core')")
        .unwrap();
    conn.execute(
        "INSERT INTO users (id, email, display_name, age, team_id) VALUES (7, 'a@b.c', 'Ada', 36, 1)",
    )
    .unwrap();

    let second = generate(&mut conn, &version_2(), dir.path(), "nickname and motto");
    assert!(
        second.contains(&format!("-- retort:parents {}\n", first_head[0])),
        "{second}"
    );
    let up = second.split("-- retort:down").next().unwrap();
    assert!(up.to_uppercase().contains("RENAME"), "{second}");
    assert!(!up.contains("DROP COLUMN"), "{second}");
    let migrations = upgrade(&mut conn, dir.path());
    assert_eq!(
        conn.select_count("SELECT COUNT(*) AS n FROM users WHERE nickname = 'Ada' AND id = 7"),
        1
    );
    assert!(
        autogenerate(&mut conn, &version_2(), dir.path(), "nothing")
            .unwrap()
            .is_none(),
        "{}",
        still_different(&mut conn, &version_2())
    );

    Migrator::new(&migrations)
        .downgrade(&mut conn, "-1")
        .unwrap();
    assert_eq!(
        conn.select_count("SELECT COUNT(*) AS n FROM users WHERE display_name = 'Ada'"),
        1
    );
    let back = retort::autogen::pending_changes(&mut conn, &version_1()).unwrap();
    assert!(back.is_empty(), "{:#?}", back.ops());
}

fn a_database_behind_its_migrations_is_refused<C: TestBackend>(db: &TestDatabase<C>) {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = db.connect();
    let first = generate(&mut conn, &version_1(), dir.path(), "first");
    let id = first
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("-- retort:revision "))
        .unwrap()
        .to_owned();
    let error = autogenerate(&mut conn, &version_2(), dir.path(), "second").unwrap_err();
    assert!(
        matches!(&error, AutogenerateError::NotUpToDate { pending, .. } if pending == std::slice::from_ref(&id)),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains(&id) && message.contains("upgrade the database to head"),
        "{message}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

fn destructive_changes_are_flagged<C: TestBackend>(db: &TestDatabase<C>) {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = db.connect();
    generate(&mut conn, &version_1(), dir.path(), "first");
    upgrade(&mut conn, dir.path());
    let without_orders = retort::schema![Team, User];
    let text = generate(&mut conn, &without_orders, dir.path(), "drop orders");
    let warnings: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with("-- retort:warning "))
        .collect();
    assert_eq!(warnings.len(), 1, "{text}");
    assert!(warnings[0].contains("order"), "{text}");
    let migrations = upgrade(&mut conn, dir.path());
    let newest = Migrator::new(&migrations).history().unwrap()[0].clone();
    assert_eq!(newest.warnings().len(), 1);
}

/// Applies the revisions in `dir` to a fresh `K` database and expects it to
/// match `models` afterwards, but for comments when the revisions were
/// written on SQLite, which stores none and so cannot tell that one
/// changed.
fn applies_on<K: TestBackend>(dir: &Path, models: &Schema, written_on: retort::BackendKind) {
    support::run::<K>(|db| {
        let mut conn = db.connect();
        upgrade(&mut conn, dir);
        let drift = retort::autogen::pending_changes(&mut conn, models).unwrap();
        let unseen = |op: &retort::diff::Op| {
            written_on == retort::BackendKind::Sqlite
                && match op {
                    retort::diff::Op::SetTableComment { .. } => true,
                    retort::diff::Op::AlterColumn { old, new, .. } => {
                        let mut old = old.clone();
                        old.comment.clone_from(&new.comment);
                        old == *new
                    }
                    _ => false,
                }
        };
        let missing: Vec<_> = drift.ops().iter().filter(|op| !unseen(op)).collect();
        assert!(
            missing.is_empty(),
            "{} after the revision: {missing:#?}",
            K::NAME
        );
    });
}

/// One revision carries the change for every database: autogenerated on
/// one with the others asked for, it names its sections, and each database
/// runs its own and ends matching the models, both versions.
fn one_revision_carries_sql_for_every_database<C: TestBackend>(db: &TestDatabase<C>) {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = db.connect();
    let options = retort::autogen::AutogenerateOptions::new().backends(retort::BackendKind::ALL);
    for (models, message) in [(version_1(), "create"), (version_2(), "second version")] {
        let path =
            retort::autogen::autogenerate_with(&mut conn, &models, dir.path(), message, &options)
                .unwrap()
                .unwrap();
        let file = std::fs::read_to_string(path).unwrap();
        for kind in retort::BackendKind::ALL {
            assert!(
                file.contains(&format!("-- retort:up {}\n", kind.label())),
                "{file}"
            );
        }
        assert!(
            file.find(&format!("-- retort:up {}", C::BACKEND.label()))
                < file.find("-- retort:down"),
            "the connected database's sections come first:\n{file}"
        );
        upgrade(&mut conn, dir.path());
    }
    #[cfg(feature = "postgres")]
    applies_on::<diesel::PgConnection>(dir.path(), &version_2(), C::BACKEND);
    #[cfg(feature = "mysql")]
    applies_on::<diesel::MysqlConnection>(dir.path(), &version_2(), C::BACKEND);
    #[cfg(feature = "sqlite")]
    applies_on::<diesel::SqliteConnection>(dir.path(), &version_2(), C::BACKEND);
}

backend_tests!(
    unchanged_models_write_nothing,
    a_second_version_renames_adds_and_reverts,
    a_database_behind_its_migrations_is_refused,
    destructive_changes_are_flagged,
    one_revision_carries_sql_for_every_database,
);

#[test]
fn several_heads_ask_for_a_merge() {
    let dir = tempfile::tempdir().unwrap();
    for (id, name) in [("aaaaaaaaaaaa", "a"), ("bbbbbbbbbbbb", "b")] {
        std::fs::write(
            dir.path().join(format!("20260101000000_{id}_{name}.sql")),
            format!("-- retort:revision {id}\n-- retort:up\nSELECT 1;\n"),
        )
        .unwrap();
    }
    let mut conn = <diesel::SqliteConnection as diesel::Connection>::establish(":memory:").unwrap();
    let error = autogenerate(&mut conn, &version_1(), dir.path(), "x").unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("aaaaaaaaaaaa")
            && message.contains("bbbbbbbbbbbb")
            && message.contains("merge heads"),
        "{message}"
    );
}

#[test]
fn a_missing_directory_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("migrations");
    let mut conn = <diesel::SqliteConnection as diesel::Connection>::establish(":memory:").unwrap();
    let path = autogenerate(&mut conn, &version_1(), &migrations, "first")
        .unwrap()
        .unwrap();
    assert_eq!(path.parent(), Some(migrations.as_path()));
}

/// Every type, each with a default where the type takes one, NOT NULL and
/// nullable, with comments: what a model can say about a column.
fn every_type_and_default(kind: retort::BackendKind) -> Schema {
    use retort::{Column, PrimaryKey, SqlType, Table};
    let custom = match kind {
        retort::BackendKind::Mysql => "varbinary(16)",
        _ => "tsvector",
    };
    let with_defaults: Vec<(SqlType, Option<&str>)> = vec![
        (SqlType::SmallInt, Some("1")),
        (SqlType::Integer, Some("-2")),
        (SqlType::BigInt, Some("3")),
        (SqlType::Real, Some("1.5")),
        (SqlType::Double, Some("2.25")),
        (
            SqlType::Numeric {
                precision: Some(10),
                scale: Some(2),
            },
            Some("9.99"),
        ),
        (
            SqlType::Numeric {
                precision: Some(10),
                scale: None,
            },
            Some("10"),
        ),
        (
            SqlType::Numeric {
                precision: None,
                scale: None,
            },
            Some("5"),
        ),
        (SqlType::Boolean, Some("false")),
        (SqlType::Text, Some("'it''s'")),
        (SqlType::Varchar(255), Some("'abc'")),
        (SqlType::Char(3), Some("'xyz'")),
        (SqlType::Binary, None),
        (SqlType::Date, Some("'2024-01-31'")),
        (SqlType::Time, Some("'12:30:00'")),
        (SqlType::Timestamp, Some("CURRENT_TIMESTAMP")),
        (SqlType::TimestampTz, Some("CURRENT_TIMESTAMP")),
        (SqlType::Uuid, None),
        (SqlType::Json, None),
        (
            SqlType::Enum {
                name: "mood".into(),
                values: vec!["happy".into(), "it's ok".into()],
            },
            Some("'happy'"),
        ),
        (SqlType::Custom(custom.into()), None),
    ];
    let mut table = Table::new("every_type")
        .column(Column::new("id", SqlType::BigInt).identity())
        .primary_key(PrimaryKey {
            name: Some("pk_every_type".into()),
            columns: vec!["id".into()],
            ..Default::default()
        });
    table.comment = Some("One column of every type.".into());
    for (at, (ty, default)) in with_defaults.into_iter().enumerate() {
        let mut required = Column::new(format!("c{at}"), ty.clone()).comment(format!("type {at}"));
        if let Some(default) = default {
            required = required.default_expr(default);
        }
        table = table
            .column(required)
            .column(Column::new(format!("n{at}"), ty).nullable());
    }
    Schema::new(vec![table])
}

fn every_type_and_default_diffs_empty_once_applied<C: TestBackend>(db: &TestDatabase<C>) {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = db.connect();
    let models = every_type_and_default(C::BACKEND);
    generate(&mut conn, &models, dir.path(), "every type");
    upgrade(&mut conn, dir.path());
    let again = autogenerate(&mut conn, &models, dir.path(), "nothing").unwrap();
    assert!(
        again.is_none(),
        "{}: unchanged models wrote a revision; still different: {}",
        C::NAME,
        still_different(&mut conn, &models)
    );
}

backend_tests!(every_type_and_default_diffs_empty_once_applied);
