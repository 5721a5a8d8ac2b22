//! Switching from diesel_migrations: a diesel `migrations/` directory is
//! read as a chain of revisions, and what diesel already ran is recognised
//! instead of being run again.

use crate::support;

use diesel::migration::MigrationSource;
use diesel_migrations::{FileBasedMigrations, MigrationHarness};
use retort::revision::diesel_revision_id;
use retort::{Migrations, Migrator};
use support::{backend_tests, TestBackend, TestDatabase};

/// Two diesel folders and one retort file that follows them.
const PROJECT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/diesel_project");
static EMBEDDED: Migrations = retort::embed_migrations!("tests/fixtures/diesel_project");

const RETORT_REVISION: &str = "5eed00000001";

fn users_id() -> String {
    diesel_revision_id("20240101000000")
}

fn posts_id() -> String {
    diesel_revision_id("20240102000000")
}

fn tables<C: TestBackend>(conn: &mut C) -> Vec<String> {
    let mut names: Vec<String> = retort::introspect(conn)
        .unwrap()
        .tables
        .into_iter()
        .map(|table| table.name)
        .collect();
    names.sort();
    names
}

fn retort_rows<C: TestBackend>(conn: &mut C) -> usize {
    conn.execute("UPDATE retort_migrations SET message = message")
        .unwrap()
}

#[test]
fn the_folders_read_as_a_chain_the_retort_file_follows() {
    for migrations in [&Migrations::from_dir(PROJECT).unwrap(), &EMBEDDED] {
        let graph = migrations.graph().unwrap();
        let ids: Vec<&str> = graph.revisions().iter().map(|r| r.id()).collect();
        assert_eq!(ids, [users_id().as_str(), &posts_id(), RETORT_REVISION]);
        assert_eq!(graph.heads(), [RETORT_REVISION]);
        let users = graph.find(&users_id()).unwrap();
        assert_eq!(users.diesel_version(), Some("20240101000000"));
        assert_eq!(users.message(), "create users");
        assert_eq!(users.down_sql(), Some("DROP TABLE users;\n"));
    }
}

/// diesel ran its two migrations; retort recognises them, applies only its
/// own revision, and from then on its table alone decides.
fn history_diesel_ran_is_not_run_again<C>(db: &TestDatabase<C>)
where
    C: TestBackend + MigrationHarness<<C as diesel::Connection>::Backend>,
    FileBasedMigrations: MigrationSource<<C as diesel::Connection>::Backend>,
{
    let mut conn = db.connect();
    let diesel_dir = FileBasedMigrations::from_path(PROJECT).unwrap();
    let ran = conn.run_pending_migrations(diesel_dir).unwrap();
    assert_eq!(
        ran.len(),
        2,
        "diesel runs the folders and ignores the retort file"
    );

    let migrator = Migrator::new(&EMBEDDED);
    assert_eq!(migrator.current(&mut conn).unwrap(), [posts_id()]);
    assert_eq!(migrator.pending(&mut conn).unwrap(), [RETORT_REVISION]);

    // CREATE TABLE users would fail if diesel's history ran again.
    let report = retort::migrate_to_head(&mut conn, &EMBEDDED).unwrap();
    assert_eq!(report.revisions(), [RETORT_REVISION]);
    assert_eq!(retort_rows(&mut conn), 3);
    // diesel's table is bookkeeping: introspection (so autogenerate and
    // `check`) leaves it out, as it does retort's.
    assert_eq!(tables(&mut conn), ["posts", "users"]);

    // Reverted by retort, diesel's rows no longer count: upgrading runs the
    // diesel revisions' SQL again.
    let reverted = migrator.downgrade(&mut conn, "base").unwrap();
    assert_eq!(reverted.revisions().len(), 3);
    assert!(tables(&mut conn).is_empty());
    let report = migrator.upgrade(&mut conn, "head").unwrap();
    assert_eq!(
        report.revisions(),
        [users_id().as_str(), &posts_id(), RETORT_REVISION]
    );
    // diesel's table is bookkeeping: introspection (so autogenerate and
    // `check`) leaves it out, as it does retort's.
    assert_eq!(tables(&mut conn), ["posts", "users"]);
}

/// A new database (no diesel table): every revision runs.
fn a_fresh_database_runs_the_diesel_revisions<C: TestBackend>(db: &TestDatabase<C>) {
    let mut conn = db.connect();
    let report = retort::migrate_to_head(&mut conn, &EMBEDDED).unwrap();
    assert_eq!(
        report.revisions(),
        [users_id().as_str(), &posts_id(), RETORT_REVISION]
    );
    assert_eq!(tables(&mut conn), ["posts", "users"]);
}

backend_tests!(
    history_diesel_ran_is_not_run_again,
    a_fresh_database_runs_the_diesel_revisions
);
