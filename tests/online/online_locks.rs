//! The runner's lock timeouts against real servers: a revision altering a
//! table that another session's long transaction has locked waits politely
//! (gives up after the lock timeout, pauses, tries again) and succeeds once
//! the other transaction commits; if it never does, the revision fails after
//! its bounded attempts with an error naming it and the lock, and leaves the
//! database as it was.

use crate::online_support;
use crate::support;

use std::time::Duration;

use online_support::{write_revision, Blocker, OnlineBackend, WarningCounter};
use retort::{runner::MigrateErrorKind, BackendKind, Migrations, Migrator};
use support::{backend_tests, TestDatabase};

fn count<C: OnlineBackend>(conn: &mut C, sql: &str) -> i64 {
    conn.count(sql)
}

/// Creates `items` and a root revision that adds a column to it.
fn items_and_a_revision<C: OnlineBackend>(db: &TestDatabase<C>) -> tempfile::TempDir {
    let mut conn = db.connect();
    // language=SQL
    conn.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL)")
        .unwrap();
    // language=SQL
    conn.execute("INSERT INTO items (id, qty) VALUES (1, 10), (2, 20)")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_revision(
        dir.path(),
        1,
        "a1a1a1a1a1a1",
        None,
        true,
        "ALTER TABLE items ADD COLUMN note VARCHAR(20);",
        "ALTER TABLE items DROP COLUMN note;",
    );
    dir
}

/// [`items_and_a_revision`] followed by a `transaction off` revision
/// b2b2b2b2b2b2 with these sections.
fn items_and_an_index_revision<C: OnlineBackend>(
    db: &TestDatabase<C>,
    up: &str,
    down: &str,
) -> tempfile::TempDir {
    let dir = items_and_a_revision(db);
    write_revision(
        dir.path(),
        2,
        "b2b2b2b2b2b2",
        Some("a1a1a1a1a1a1"),
        false,
        up,
        down,
    );
    dir
}

fn has_note<C: OnlineBackend>(conn: &mut C) -> bool {
    let catalog = if C::BACKEND == BackendKind::Postgres {
        "table_catalog = current_database()"
    } else {
        "table_schema = DATABASE()"
    };
    count(
        conn,
        &format!(
            "SELECT COUNT(*) AS count FROM information_schema.columns WHERE {catalog} \
             AND table_name = 'items' AND column_name = 'note'"
        ),
    ) > 0
}

/// A short lock timeout and quick retries, so the tests take seconds.
fn patient(migrations: &Migrations, attempts: u32) -> Migrator<'_> {
    Migrator::new(migrations)
        .revision_lock_timeout(Some(Duration::from_millis(300)))
        .lock_retries(attempts, Duration::from_millis(200))
}

/// The blocker commits after 2.5 s: the revision gives up at least once,
/// retries, and is applied.
fn waits_retries_and_succeeds<C: OnlineBackend>(db: &TestDatabase<C>) {
    if C::BACKEND == BackendKind::Sqlite {
        return;
    }
    let dir = items_and_a_revision(db);
    let migrations = Migrations::from_dir(dir.path()).unwrap();
    let blocker = Blocker::hold(db.connect(), "items");
    let released = blocker.release_after(Duration::from_millis(2500));
    let warnings = WarningCounter::default();
    let mut conn = db.connect();
    let report = tracing::subscriber::with_default(warnings.clone(), || {
        patient(&migrations, 20).upgrade(&mut conn, "head")
    })
    .unwrap();
    released.join().unwrap();
    assert_eq!(report.revisions(), ["a1a1a1a1a1a1"]);
    assert!(has_note(&mut conn));
    assert!(
        warnings.count() >= 1,
        "the revision was blocked, so it must have retried at least once"
    );
}

/// The blocker never commits: the revision fails after exactly its attempts,
/// the error names the revision and the lock, nothing of it is left, and a
/// later run applies it.
fn gives_up_after_bounded_retries<C: OnlineBackend>(db: &TestDatabase<C>) {
    if C::BACKEND == BackendKind::Sqlite {
        return;
    }
    let dir = items_and_a_revision(db);
    let migrations = Migrations::from_dir(dir.path()).unwrap();
    let blocker = Blocker::hold(db.connect(), "items");
    let warnings = WarningCounter::default();
    let mut conn = db.connect();
    let error = tracing::subscriber::with_default(warnings.clone(), || {
        patient(&migrations, 3).upgrade(&mut conn, "head")
    })
    .unwrap_err();
    match error.kind() {
        MigrateErrorKind::LockNotAvailable {
            revision,
            attempts,
            as_before,
            object,
            ..
        } => {
            assert_eq!(revision, "a1a1a1a1a1a1");
            assert_eq!(*attempts, 3);
            assert!(*as_before);
            assert_eq!(object, "table items");
        }
        other => panic!("expected LockNotAvailable, got {other:?}"),
    }
    let message = error.to_string();
    assert!(message.contains("revision a1a1a1a1a1a1"), "{message}");
    assert!(message.contains("could not get the lock"), "{message}");
    assert!(message.contains("on table items"), "{message}");
    assert!(
        message.contains("the database is as it was before the revision"),
        "{message}"
    );
    assert_eq!(warnings.count(), 2, "two retries after the first attempt");
    assert!(!has_note(&mut conn));
    assert_eq!(
        count(&mut conn, "SELECT COUNT(*) AS count FROM retort_migrations"),
        0,
        "no version row is left behind"
    );
    blocker.release();
    assert_eq!(
        patient(&migrations, 3)
            .upgrade(&mut conn, "head")
            .unwrap()
            .revisions(),
        ["a1a1a1a1a1a1"]
    );
    assert!(has_note(&mut conn));
}

/// The runner's limits do not leak into the application's session: what it
/// set before a run is what it has after, for transactional and
/// `transaction off` revisions alike.
fn session_settings_are_put_back<C: OnlineBackend>(db: &TestDatabase<C>) {
    let (set, show) = match C::BACKEND {
        BackendKind::Postgres => (
            "SET lock_timeout = '7s'",
            "SELECT CAST(EXTRACT(EPOCH FROM current_setting('lock_timeout')::interval) AS BIGINT) AS count",
        ),
        BackendKind::Mysql => (
            "SET SESSION lock_wait_timeout = 7",
            "SELECT CAST(@@SESSION.lock_wait_timeout AS SIGNED) AS count",
        ),
        BackendKind::Sqlite => return,
    };
    let dir = items_and_an_index_revision(
        db,
        "CREATE INDEX ix_items_qty ON items (qty);",
        "DROP INDEX ix_items_qty ON items;",
    );
    let migrations = Migrations::from_dir(dir.path()).unwrap();
    let mut conn = db.connect();
    conn.execute(set).unwrap();
    patient(&migrations, 3).upgrade(&mut conn, "head").unwrap();
    assert_eq!(count(&mut conn, show), 7);
}

/// PostgreSQL: a `transaction off` revision building an index concurrently
/// behind a writer's open transaction gives up, leaving an invalid index,
/// and its retry from the top (`DROP INDEX CONCURRENTLY IF EXISTS` first)
/// builds a valid one once the writer commits.
fn a_concurrent_index_retries_from_the_top<C: OnlineBackend>(db: &TestDatabase<C>) {
    if C::BACKEND != BackendKind::Postgres {
        return;
    }
    let dir = items_and_an_index_revision(
        db,
        "DROP INDEX CONCURRENTLY IF EXISTS ix_items_qty;\nCREATE INDEX CONCURRENTLY ix_items_qty ON items (qty);",
        "DROP INDEX CONCURRENTLY IF EXISTS ix_items_qty;",
    );
    let migrations = Migrations::from_dir(dir.path()).unwrap();
    let mut conn = db.connect();
    patient(&migrations, 3)
        .upgrade(&mut conn, "a1a1a1a1a1a1")
        .unwrap();
    let blocker = Blocker::hold(db.connect(), "items");
    let released = blocker.release_after(Duration::from_millis(2500));
    let warnings = WarningCounter::default();
    tracing::subscriber::with_default(warnings.clone(), || {
        patient(&migrations, 30).upgrade(&mut conn, "head")
    })
    .unwrap();
    released.join().unwrap();
    assert!(warnings.count() >= 1, "the index build was blocked");
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) AS count FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             WHERE c.relname = 'ix_items_qty' AND i.indisvalid"
        ),
        1
    );
}

backend_tests!(
    waits_retries_and_succeeds,
    gives_up_after_bounded_retries,
    session_settings_are_put_back,
    a_concurrent_index_retries_from_the_top,
);
