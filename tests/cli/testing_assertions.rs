//! `retort::testing` on the project's own migrations (the embedded example's
//! and the test fixtures) on every backend, and each assertion failing, with
//! a message naming the revision and the operations, on a deliberately
//! broken migration set.

use crate::support;

use std::panic::{catch_unwind, AssertUnwindSafe};

use diesel::Connection;
use std::path::PathBuf;

use retort::testing::{
    assert_models_match_migrations, assert_single_head, assert_up_down_consistency,
    assert_upgrade_from_base, upgrade_before,
};
use retort::{BackendKind, Column, Migrations, Migrator, PrimaryKey, Schema, SqlType, Table};
use support::{backend_tests, TestBackend, TestDatabase};

fn fixture(name: &str) -> Migrations {
    from_dir(&format!("tests/fixtures/migrations/{name}"))
}

/// The migrations `examples/embedded-migrations` embeds.
fn example() -> Migrations {
    from_dir("examples/embedded-migrations/migrations")
}

fn from_dir(relative: &str) -> Migrations {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative);
    Migrations::from_dir(&dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
}

/// Runs `check`, which must panic, and returns its message.
fn panic_message(check: impl FnOnce()) -> String {
    let payload = match catch_unwind(AssertUnwindSafe(check)) {
        Ok(()) => panic!("the assertion passed on a broken migration set"),
        Err(payload) => payload,
    };
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

fn assert_mentions(message: &str, wanted: &[&str]) {
    for part in wanted {
        assert!(message.contains(part), "{part:?} missing from: {message}");
    }
}

/// The models the `linear` fixture (and the example) builds, as each
/// database reports them: SQL written without constraint names gets the
/// database's own (`users_pkey` on PostgreSQL; MySQL's primary key and
/// SQLite's inline one read back unnamed), and SQLite's `INTEGER PRIMARY
/// KEY` is a rowid alias, so an identity column.
fn linear_models(kind: BackendKind) -> Schema {
    let key = |table: &str| PrimaryKey {
        name: (kind == BackendKind::Postgres).then(|| format!("{table}_pkey")),
        columns: vec!["id".into()],
        ..Default::default()
    };
    let id = || {
        let column = Column::new("id", SqlType::Integer);
        if kind == BackendKind::Sqlite {
            column.identity()
        } else {
            column
        }
    };
    Schema::new(vec![
        Table::new("users")
            .column(id())
            .column(Column::new("email", SqlType::Varchar(255)))
            .column(Column::new("name", SqlType::Varchar(100)).nullable())
            .primary_key(key("users")),
        Table::new("posts")
            .column(id())
            .column(Column::new("user_id", SqlType::Integer))
            .column(Column::new("title", SqlType::Varchar(200)))
            .primary_key(key("posts")),
    ])
}

#[test]
fn the_project_migrations_have_a_single_head() {
    assert_single_head(&example());
    assert_single_head(&fixture("linear"));
    assert_single_head(&fixture("merged"));
}

#[test]
fn two_branches_fail_single_head_naming_both() {
    let message = panic_message(|| assert_single_head(&fixture("branched")));
    assert_mentions(
        &message,
        &["2 heads", "b2b2b2b2b2b2", "cccccc000003", "merge heads"],
    );
}

fn upgrade_from_base_passes_and_fails<C: TestBackend>(db: &TestDatabase<C>) {
    assert_upgrade_from_base(&mut db.connect(), &example());
    let mut conn = db.connect();
    let message = panic_message(|| assert_upgrade_from_base(&mut conn, &example()));
    assert_mentions(&message, &["needs a database at base", "c3c3c3c3c3c3"]);

    // The fixture's second revision inserts into a table that does not exist.
    run_on_fresh::<C>(|conn| {
        let message = panic_message(|| assert_upgrade_from_base(conn, &fixture("failing")));
        assert_mentions(&message, &["f2f2f2f2f2f2", "no_such_table", "statement 2"]);
    });
    run_on_fresh::<C>(|conn| assert_upgrade_from_base(conn, &fixture("merged")));
}

fn up_down_consistency_passes_on_the_project_migrations<C: TestBackend>(db: &TestDatabase<C>) {
    let mut conn = db.connect();
    let migrations = example();
    assert_up_down_consistency(&mut conn, &migrations);
    assert_eq!(
        Migrator::new(&migrations).current(&mut conn).unwrap(),
        ["c3c3c3c3c3c3"],
        "the stairway ends at the head"
    );
    run_on_fresh::<C>(|conn| assert_up_down_consistency(conn, &fixture("merged")));
}

fn up_down_consistency_names_a_down_that_leaves_something_behind<C: TestBackend>(
    db: &TestDatabase<C>,
) {
    let mut conn = db.connect();
    let message = panic_message(|| assert_up_down_consistency(&mut conn, &fixture("leaky_down")));
    assert_mentions(
        &message,
        &[
            "the down section of revision e2e2e2e2e2e2",
            "20240101000002_e2e2e2e2e2e2_index_emails.sql",
            "CreateIndex",
            "ix_users_email",
        ],
    );
    assert!(
        !message.contains("a1a1a1a1a1a1"),
        "only the faulty revision is named: {message}"
    );
}

fn up_down_consistency_names_a_revision_without_down<C: TestBackend>(db: &TestDatabase<C>) {
    let mut conn = db.connect();
    let message = panic_message(|| assert_up_down_consistency(&mut conn, &fixture("irreversible")));
    assert_mentions(
        &message,
        &[
            "down of revision e3e3e3e3e3e3",
            "no `-- retort:down` section",
        ],
    );
}

fn models_match_the_migrations<C: TestBackend>(db: &TestDatabase<C>) {
    assert_models_match_migrations(
        &mut db.connect(),
        &fixture("linear"),
        &linear_models(C::BACKEND),
    );
}

fn models_ahead_of_the_migrations_are_listed<C: TestBackend>(db: &TestDatabase<C>) {
    let mut models = linear_models(C::BACKEND);
    models.tables[0]
        .columns
        .push(Column::new("nickname", SqlType::Varchar(40)).nullable());
    models.tables.push(
        Table::new("tags")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("label", SqlType::Text)),
    );
    let mut conn = db.connect();
    let message =
        panic_message(|| assert_models_match_migrations(&mut conn, &fixture("linear"), &models));
    assert_mentions(
        &message,
        &[
            "head c3c3c3c3c3c3",
            "AddColumn",
            "nickname",
            "CreateTable",
            "tags",
        ],
    );

    run_on_fresh::<C>(|conn| {
        let message =
            panic_message(|| assert_models_match_migrations(conn, &fixture("branched"), &models));
        assert_mentions(&message, &["upgrading to head failed", "merge"]);
    });
}

/// Runs `test` on another fresh database of the same backend.
fn run_on_fresh<C: TestBackend>(test: impl FnOnce(&mut C)) {
    support::run::<C>(|db| test(&mut db.connect()));
}

/// `upgrade_before` stops right before the revision; targets relative to
/// a revision move from it; `upgrade_before` on a database past the
/// revision panics naming it.
fn upgrade_before_and_relative_targets<C: TestBackend>(db: &TestDatabase<C>) {
    let migrations = fixture("linear");
    let migrator = Migrator::new(&migrations);
    let mut conn = db.connect();
    let report = upgrade_before(&mut conn, &migrations, "c3c3");
    assert_eq!(report.revisions(), ["a1a1a1a1a1a1", "b2b2b2b2b2b2"]);
    assert_eq!(migrator.current(&mut conn).unwrap(), ["b2b2b2b2b2b2"]);
    migrator.downgrade(&mut conn, "b2b2-1").unwrap();
    assert_eq!(migrator.current(&mut conn).unwrap(), ["a1a1a1a1a1a1"]);
    migrator.upgrade(&mut conn, "a1a1+2").unwrap();
    assert_eq!(migrator.current(&mut conn).unwrap(), ["c3c3c3c3c3c3"]);
    migrator.downgrade(&mut conn, "head-2").unwrap();
    assert_eq!(migrator.current(&mut conn).unwrap(), ["a1a1a1a1a1a1"]);
    let past = panic_message(|| {
        upgrade_before(&mut conn, &migrations, "a1a1");
    });
    assert_mentions(
        &past,
        &["upgrade_before", "a1a1a1a1a1a1", "already applied"],
    );
    let error = migrator
        .upgrade(&mut conn, "c3c3+1")
        .unwrap_err()
        .to_string();
    assert_mentions(&error, &["c3c3+1", "go forward"]);
    // From a fresh database, before the root is base: nothing runs.
    run_on_fresh::<C>(|fresh| {
        assert!(upgrade_before(fresh, &migrations, "a1a1").is_empty());
        assert!(Migrator::new(&migrations)
            .current(fresh)
            .unwrap()
            .is_empty());
    });
}

/// `TestDatabase::create` makes a database of its own that takes tables,
/// a second one does not see them, and `Drop` removes it.
fn test_database_is_fresh_and_dropped<C: TestBackend>(db: &TestDatabase<C>) {
    let server = match C::NAME {
        "sqlite" => "sqlite://".to_owned(),
        _ => db.url.clone(),
    };
    let first = retort::testing::TestDatabase::create(&server).unwrap();
    let second = retort::testing::TestDatabase::create(&server).unwrap();
    assert_ne!(first.name(), second.name());
    assert_eq!(first.backend(), C::BACKEND);
    let mut conn: C = first.connect().unwrap();
    conn.batch_execute("CREATE TABLE only_here (id INTEGER)")
        .unwrap();
    let mut other: C = second.connect().unwrap();
    assert!(other.batch_execute("SELECT id FROM only_here").is_err());
    drop(conn);
    let url = first.url().to_owned();
    drop(first);
    match C::NAME {
        "sqlite" => assert!(!std::path::Path::new(&url).exists(), "{url} still exists"),
        _ => assert!(
            C::establish(&url).is_err(),
            "{url} still accepts connections"
        ),
    }
    if C::NAME != "sqlite" {
        let mut bad = url::Url::parse(&db.url).unwrap();
        bad.set_port(Some(1)).unwrap();
        bad.set_password(Some("hunter2")).unwrap();
        let error = retort::testing::TestDatabase::create(bad.as_str())
            .unwrap_err()
            .to_string();
        assert_mentions(&error, &["cannot create test database", ":1"]);
        assert!(!error.contains("hunter2"), "{error}");
    }
}

backend_tests!(
    upgrade_before_and_relative_targets,
    test_database_is_fresh_and_dropped,
    upgrade_from_base_passes_and_fails,
    up_down_consistency_passes_on_the_project_migrations,
    up_down_consistency_names_a_down_that_leaves_something_behind,
    up_down_consistency_names_a_revision_without_down,
    models_match_the_migrations,
    models_ahead_of_the_migrations_are_listed,
);

/// The documented use: SQLite in memory, nothing to set up.
#[cfg(feature = "sqlite")]
#[test]
fn every_assertion_runs_on_sqlite_in_memory() {
    let memory = || diesel::SqliteConnection::establish(":memory:").unwrap();
    let migrations = example();
    assert_single_head(&migrations);
    assert_upgrade_from_base(&mut memory(), &migrations);
    assert_up_down_consistency(&mut memory(), &migrations);
    assert_models_match_migrations(
        &mut memory(),
        &migrations,
        &linear_models(BackendKind::Sqlite),
    );
}
