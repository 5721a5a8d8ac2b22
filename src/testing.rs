//! Assertions that prove a migrations directory is sound, for your own
//! `#[test]`s: the checks pytest-alembic gives Alembic users.
//!
//! Each function takes a connection to a throwaway database (SQLite in
//! memory, or a fresh PostgreSQL or MySQL database made for the test) and
//! panics with a message that names the revision at fault and lists the
//! schema operations that differ. Enable the `testing` feature in
//! `[dev-dependencies]`:
//!
//! ```toml
//! [dev-dependencies]
//! retort = { version = "0.1", features = ["testing"] }
//! ```
//!
//! ```
//! # #[cfg(feature = "sqlite")]
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use diesel::Connection;
//! use retort::testing::{
//!     assert_models_match_migrations, assert_single_head, assert_up_down_consistency,
//!     assert_upgrade_from_base,
//! };
//! use retort::{Column, Migrations, PrimaryKey, Schema, SqlType, Table};
//!
//! # let dir = std::env::temp_dir().join(format!("retort-testing-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir)?;
//! # std::fs::write(dir.join("20240101000001_a1a1a1a1a1a1_create_users.sql"), "\
//! # -- retort:revision a1a1a1a1a1a1\n-- retort:up\n\
//! # CREATE TABLE users (id INTEGER NOT NULL, email VARCHAR(255) NOT NULL, CONSTRAINT pk_users PRIMARY KEY (id));\n\
//! # -- retort:down\nDROP TABLE users;\n")?;
//! // In a real test: `static MIGRATIONS: Migrations = retort::embed_migrations!("migrations");`
//! let migrations = Migrations::from_dir(&dir)?;
//! let models = Schema::new(vec![Table::new("users")
//!     .column(Column::new("id", SqlType::Integer).identity())
//!     .column(Column::new("email", SqlType::Varchar(255)))
//!     .primary_key(PrimaryKey {
//!         name: Some("pk_users".into()),
//!         columns: vec!["id".into()],
//!         ..Default::default()
//!     })]);
//!
//! assert_single_head(&migrations);
//! assert_upgrade_from_base(&mut diesel::SqliteConnection::establish(":memory:")?, &migrations);
//! assert_up_down_consistency(&mut diesel::SqliteConnection::establish(":memory:")?, &migrations);
//! assert_models_match_migrations(
//!     &mut diesel::SqliteConnection::establish(":memory:")?,
//!     &migrations,
//!     &models, // in a real test: retort::schema![User, ...]
//! );
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "sqlite"))]
//! # fn main() {}
//! ```
//!
//! The functions that migrate expect a database at base (never migrated):
//! give each its own fresh database, as above.

use std::fmt::Write as _;

use retort_core::revision::{Revision, RevisionGraph};

use crate::{diff, introspect, DatabaseConnection, Diff, Migrations, Migrator, Report, Schema};

mod database;

pub use database::{TestDatabase, TestDatabaseError};

/// Upgrades the database to just before `revision` (an id or unique
/// prefix): every revision it descends from is applied, and neither it nor
/// anything after it. The first step of a data-migration test: upgrade to
/// before the revision, insert rows as the old schema had them, upgrade to
/// the revision, and assert on what it made of them.
///
/// ```
/// # #[cfg(feature = "sqlite")]
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use diesel::connection::SimpleConnection;
/// use diesel::Connection;
/// # let dir = std::env::temp_dir().join(format!("retort-upgrade-before-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// # std::fs::write(dir.join("20240101000001_a1a1a1a1a1a1_users.sql"), "-- retort:revision a1a1a1a1a1a1\n\
/// #     -- retort:up\nCREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT NOT NULL);\n")?;
/// # std::fs::write(dir.join("20240101000002_b2b2b2b2b2b2_emails.sql"), "-- retort:revision b2b2b2b2b2b2\n\
/// #     -- retort:parents a1a1a1a1a1a1\n-- retort:up\nALTER TABLE users ADD COLUMN email TEXT;\n\
/// #     UPDATE users SET email = username || '@example.com';\n")?;
/// let migrations = retort::Migrations::from_dir(&dir)?;
/// let db = retort::testing::TestDatabase::create("sqlite://")?;
/// let mut conn: diesel::SqliteConnection = db.connect()?;
///
/// retort::testing::upgrade_before(&mut conn, &migrations, "b2b2b2b2b2b2");
/// conn.batch_execute("INSERT INTO users (id, username) VALUES (1, 'ada')")?;
/// retort::Migrator::new(&migrations).upgrade(&mut conn, "b2b2b2b2b2b2")?;
/// # #[derive(diesel::QueryableByName)]
/// # struct Email { #[diesel(sql_type = diesel::sql_types::Text)] email: String }
/// let emails: Vec<Email> = diesel::RunQueryDsl::load(diesel::sql_query("SELECT email FROM users"), &mut conn)?;
/// assert_eq!(emails[0].email, "ada@example.com");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(())
/// # }
/// # #[cfg(not(feature = "sqlite"))]
/// # fn main() {}
/// ```
///
/// # Panics
///
/// When the files do not parse, `revision` names no revision (or several),
/// the database already has `revision` applied, or an upgrade fails.
#[track_caller]
pub fn upgrade_before<C: DatabaseConnection>(
    conn: &mut C,
    migrations: &Migrations,
    revision: &str,
) -> Report {
    const CALL: &str = "upgrade_before";
    let graph = graph_of(migrations);
    let found = graph
        .find(revision)
        .unwrap_or_else(|error| panic!("{CALL}: {error}"));
    let migrator = Migrator::new(migrations);
    let pending = migrator
        .pending(conn)
        .unwrap_or_else(|error| panic!("{CALL}: cannot read where the database is: {error}"));
    if !pending.iter().any(|id| id == found.id()) {
        panic!(
            "{CALL}: revision {} is already applied to the database, so it cannot be brought \
             to before it; give the test a fresh database",
            found.id()
        );
    }
    let mut report = Report::default();
    for parent in found.parents() {
        match migrator.upgrade(conn, parent) {
            Ok(done) => report.extend(done),
            Err(error) => panic!(
                "{CALL}: upgrading to {parent}, a parent of {}, failed: {error}",
                describe_revision(found)
            ),
        }
    }
    report
}

/// Asserts that the migrations have exactly one head: no two branches wait
/// for a merge, so `migrate_to_head` can run. Needs no database.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let dir = std::env::temp_dir().join(format!("retort-single-head-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// # std::fs::write(dir.join("20240101000001_a1a1a1a1a1a1_init.sql"),
/// #     "-- retort:revision a1a1a1a1a1a1\n-- retort:up\nSELECT 1;\n")?;
/// let migrations = retort::Migrations::from_dir(&dir)?;
/// retort::testing::assert_single_head(&migrations);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(())
/// # }
/// ```
///
/// # Panics
///
/// When the files do not parse, when there is no revision, or when there are
/// several heads (the message names them and the `merge heads` command).
#[track_caller]
pub fn assert_single_head(migrations: &Migrations) {
    let graph = graph_of(migrations);
    match graph.heads().as_slice() {
        [_] => {}
        [] => panic!("assert_single_head: the migrations have no revision, so no head"),
        heads => panic!(
            "assert_single_head: the migrations have {} heads: {}; \
             join them with a merge revision (`merge heads`), whose parents are all of them",
            heads.len(),
            heads.join(", ")
        ),
    }
}

/// Asserts that every revision applies, in order, to a database at base:
/// `upgrade heads` from nothing succeeds.
///
/// # Panics
///
/// When the database is not at base, or a revision fails (the message names
/// it, its file and the statement, as [`MigrateError`](crate::MigrateError)
/// does).
#[track_caller]
pub fn assert_upgrade_from_base<C: DatabaseConnection>(conn: &mut C, migrations: &Migrations) {
    expect_base(conn, migrations, "assert_upgrade_from_base");
    if let Err(error) = Migrator::new(migrations).upgrade(conn, "heads") {
        panic!("assert_upgrade_from_base: upgrading from base to heads failed: {error}");
    }
}

/// Asserts that the migrations build what the models describe: after
/// upgrading to head, autogenerate would write nothing (Alembic's
/// `check`): [`retort::autogen::pending_changes`](crate::autogen::pending_changes)
/// is empty.
///
/// The comparison is autogenerate's: the models in the form the database
/// stores them (MySQL keeps no primary key name, SQLite no comments), so a
/// model that `#[derive(Model)]` names in full matches on every backend.
///
/// # Panics
///
/// When the upgrade fails (several heads included), introspection fails, or
/// the database differs from the models; the message lists the operations a
/// new revision would need.
#[track_caller]
pub fn assert_models_match_migrations<C: DatabaseConnection>(
    conn: &mut C,
    migrations: &Migrations,
    models: &Schema,
) {
    const CHECK: &str = "assert_models_match_migrations";
    if let Err(error) = Migrator::new(migrations).upgrade(conn, "head") {
        panic!("{CHECK}: upgrading to head failed: {error}");
    }
    let head = graph_of(migrations).heads().join(", ");
    let missing = crate::autogen::pending_changes(conn, models).unwrap_or_else(|error| {
        panic!("{CHECK}: reading the database after upgrading to head {head} failed: {error}")
    });
    if !missing.is_empty() {
        panic!(
            "{CHECK}: the database at head {head} differs from the models; \
             a new revision needs these operations (autogenerate writes them):\n{}",
            describe(&missing)
        );
    }
}

/// Asserts the "stairway": every revision, in order from base, applies, its
/// down section reverts it to exactly the schema before it, and it applies
/// again to the same schema as the first time.
///
/// ```
/// # #[cfg(feature = "sqlite")]
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use diesel::Connection;
/// # let dir = std::env::temp_dir().join(format!("retort-stairway-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// # std::fs::write(dir.join("20240101000001_a1a1a1a1a1a1_init.sql"), "-- retort:revision a1a1a1a1a1a1\n\
/// #     -- retort:up\nCREATE TABLE t (id INTEGER);\n-- retort:down\nDROP TABLE t;\n")?;
/// let migrations = retort::Migrations::from_dir(&dir)?;
/// let mut conn = diesel::SqliteConnection::establish(":memory:")?;
/// retort::testing::assert_up_down_consistency(&mut conn, &migrations);
/// // The database ends at the last revision, every revision applied once more.
/// assert_eq!(retort::Migrator::new(&migrations).current(&mut conn)?, ["a1a1a1a1a1a1"]);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(())
/// # }
/// # #[cfg(not(feature = "sqlite"))]
/// # fn main() {}
/// ```
///
/// # Panics
///
/// When the database is not at base, a revision has no down section, an up
/// or down section fails, or the schema after a down differs from the schema
/// before its up (or the second up differs from the first). The message names
/// the revision and its file, and lists the operations that differ.
#[track_caller]
pub fn assert_up_down_consistency<C: DatabaseConnection>(conn: &mut C, migrations: &Migrations) {
    const CHECK: &str = "assert_up_down_consistency";
    expect_base(conn, migrations, CHECK);
    let migrator = Migrator::new(migrations);
    for revision in graph_of(migrations).revisions() {
        let name = describe_revision(revision);
        let before = schema_of(conn, CHECK, &format!("before {name}"));

        step(conn, &migrator, revision, "+1", "up", CHECK);
        let after_up = schema_of(conn, CHECK, &format!("after the up section of {name}"));

        step(conn, &migrator, revision, "-1", "down", CHECK);
        let after_down = schema_of(conn, CHECK, &format!("after the down section of {name}"));
        let left_behind = diff(&before, &after_down);
        if !left_behind.is_empty() {
            panic!(
                "{CHECK}: the down section of {name} does not restore the schema before its up \
                 section; from the schema before up to the schema after down:\n{}",
                describe(&left_behind)
            );
        }

        step(
            conn,
            &migrator,
            revision,
            "+1",
            "up (again, after down)",
            CHECK,
        );
        let after_again = schema_of(conn, CHECK, &format!("after applying {name} again"));
        let drift = diff(&after_up, &after_again);
        if !drift.is_empty() {
            panic!(
                "{CHECK}: applying {name} again after its down section gives another schema \
                 than the first time; from the first to the second:\n{}",
                describe(&drift)
            );
        }
    }
}

/// Runs one `+1` or `-1` step and checks it ran `revision`.
#[track_caller]
fn step<C: DatabaseConnection>(
    conn: &mut C,
    migrator: &Migrator<'_>,
    revision: &Revision,
    target: &str,
    section: &str,
    check: &str,
) {
    let name = describe_revision(revision);
    let result = if target.starts_with('-') {
        migrator.downgrade(conn, target)
    } else {
        migrator.upgrade(conn, target)
    };
    match result {
        Ok(report) if report.revisions() == [revision.id()] => {}
        Ok(report) => panic!(
            "{check}: running {section} of {name} ran {:?} instead",
            report.revisions()
        ),
        Err(error) => panic!("{check}: {section} of {name} failed: {error}"),
    }
}

/// Panics unless no revision is applied to the database.
#[track_caller]
fn expect_base<C: DatabaseConnection>(conn: &mut C, migrations: &Migrations, check: &str) {
    match Migrator::new(migrations).current(conn) {
        Ok(current) if current.is_empty() => {}
        Ok(current) => panic!(
            "{check}: needs a database at base (never migrated), but this one is at {}; \
             give the test a fresh database",
            current.join(", ")
        ),
        Err(error) => panic!("{check}: cannot read where the database is: {error}"),
    }
}

#[track_caller]
fn graph_of(migrations: &Migrations) -> &RevisionGraph {
    migrations
        .graph()
        .unwrap_or_else(|error| panic!("the migration files are not valid: {error}"))
}

#[track_caller]
fn schema_of<C: DatabaseConnection>(conn: &mut C, check: &str, when: &str) -> Schema {
    introspect(conn)
        .unwrap_or_else(|error| panic!("{check}: cannot read the schema {when}: {error}"))
}

fn describe_revision(revision: &Revision) -> String {
    format!(
        "revision {} ({}, \"{}\")",
        revision.id(),
        revision.file_name(),
        revision.message()
    )
}

/// One op per line, as `Diff`'s `Debug` shows it.
fn describe(diff: &Diff) -> String {
    let mut out = String::new();
    for op in diff.ops() {
        // Writing to a String cannot fail.
        let _ = writeln!(out, "  - {op:?}");
    }
    out
}
