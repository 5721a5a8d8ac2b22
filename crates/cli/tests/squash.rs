//! `retort squash --to REV` through the standalone binary, on each backend:
//! the baseline builds the schema the replaced chain builds, a database
//! that applied the chain goes on from the baseline without running its
//! SQL, and what a baseline cannot stand in for is refused.

mod binary;
#[path = "../../../tests/support/mod.rs"]
mod support;

use std::path::Path;

use binary::retort;
use support::{backend_tests, TestBackend, TestDatabase};

const CREATE: &str = "a1a1a1a1a1a1";
const NAME: &str = "b2b2b2b2b2b2";
const TAGS: &str = "c3c3c3c3c3c3";
const LATER: &str = "d4d4d4d4d4d4";
const BASELINE: &str = "ba5e11e00001";

/// Writes a revision file.
fn revision(dir: &Path, stamp: u32, id: &str, parents: &str, up: &str, down: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join(format!("20240101{stamp:06}_{id}_r.sql")),
        format!("-- retort:revision {id}\n-- retort:parents {parents}\n-- retort:message revision {id}\n-- retort:up\n{up}\n-- retort:down\n{down}\n"),
    )
    .unwrap();
}

/// create items -> add name and its index -> tags -> (later) add price.
fn write_chain(dir: &Path) {
    revision(
        dir,
        1,
        CREATE,
        "",
        "CREATE TABLE items (id INTEGER PRIMARY KEY, title VARCHAR(20) NOT NULL);",
        "DROP TABLE items;",
    );
    revision(
        dir,
        2,
        NAME,
        CREATE,
        "ALTER TABLE items ADD COLUMN name VARCHAR(50);\nCREATE INDEX ix_items_name ON items (name);",
        "DROP INDEX ix_items_name;\nALTER TABLE items DROP COLUMN name;",
    );
    revision(
        dir,
        3,
        TAGS,
        NAME,
        "CREATE TABLE tags (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL, label VARCHAR(30) DEFAULT 'new', FOREIGN KEY (item_id) REFERENCES items (id));",
        "DROP TABLE tags;",
    );
    revision(
        dir,
        4,
        LATER,
        TAGS,
        "ALTER TABLE items ADD COLUMN price INTEGER;",
        "ALTER TABLE items DROP COLUMN price;",
    );
}

/// The names of the files in `dir`, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn file_of(dir: &Path, id: &str) -> String {
    let name = files(dir)
        .into_iter()
        .find(|name| name.contains(id))
        .unwrap_or_else(|| panic!("no file for {id} in {:?}", files(dir)));
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// The schema of `db`, through a new connection.
fn schema_of<C: TestBackend>(db: &TestDatabase<C>) -> retort::Schema {
    retort::introspect(&mut db.connect()).unwrap()
}

/// Which of the revisions these tests write the version table of `db`
/// holds, in this order: the chain, the later ones, the baseline.
fn recorded<C: TestBackend>(db: &TestDatabase<C>) -> Vec<&'static str> {
    let mut conn = db.connect();
    [CREATE, NAME, TAGS, LATER, "e5e5e5e5e5e5", BASELINE]
        .into_iter()
        .filter(|id| {
            conn.select_count(&format!(
                "SELECT COUNT(*) AS n FROM retort_migrations WHERE revision = '{id}'"
            )) == 1
        })
        .collect()
}

/// The baseline builds what the chain built; a database that applied the
/// chain is recorded as at the baseline with no DDL run, keeps its rows,
/// and goes on with the revisions after it.
fn squashed_chain_builds_the_same_schema<C: TestBackend>(db: &TestDatabase<C>) {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    write_chain(&dir);
    let url = db.url.as_str();

    // `db` applied the old chain up to TAGS and holds a row.
    retort(url, &dir, &["upgrade", TAGS]).ok();
    db.connect()
        .execute("INSERT INTO items (id, title, name) VALUES (7, 'kept', 'row')")
        .unwrap();
    // The reference: the old chain on a fresh database.
    let original = C::create_database().unwrap();
    retort(&original.url, &dir, &["upgrade", TAGS]).ok();

    let squash = retort(url, &dir, &["squash", "--to", TAGS, "--rev-id", BASELINE]).ok();
    assert!(
        squash
            .stdout
            .contains("Replaced 3 revisions up to c3c3c3c3c3c3 with baseline ba5e11e00001"),
        "{squash}"
    );
    // The chain's files are gone; the baseline names what it replaces,
    // and the later revision follows it.
    let names = files(&dir);
    let ids: Vec<&str> = names.iter().map(|name| &name[15..27]).collect();
    assert_eq!(ids, [LATER, BASELINE], "{names:?}");
    let baseline = file_of(&dir, BASELINE);
    assert!(
        baseline.contains(&format!("-- retort:replaces {CREATE} {NAME} {TAGS}\n")),
        "{baseline}"
    );
    assert!(baseline.contains("-- retort:parents\n"), "{baseline}");
    assert!(
        file_of(&dir, LATER).contains(&format!("-- retort:parents {BASELINE}\n")),
        "{}",
        file_of(&dir, LATER)
    );

    // A fresh database built from the baseline has the chain's schema.
    let fresh = C::create_database().unwrap();
    retort(&fresh.url, &dir, &["upgrade", BASELINE]).ok();
    assert_eq!(schema_of(&fresh), schema_of(&original));

    // The database that applied the old chain: no DDL for the baseline
    // (it would fail on tables that exist), its row kept, the baseline
    // recorded in place of the replaced rows, then the later revision.
    let upgrade = retort(url, &dir, &["upgrade"]).ok();
    assert!(
        upgrade.stdout.contains(&format!("{BASELINE} -> {LATER}")),
        "{upgrade}"
    );
    assert!(!upgrade.stdout.contains("<base> ->"), "{upgrade}");
    assert_eq!(recorded(db), [LATER, BASELINE]);
    assert_eq!(
        db.connect()
            .select_count("SELECT COUNT(*) AS n FROM items WHERE title = 'kept'"),
        1
    );
    let current = retort(url, &dir, &["current"]).ok();
    assert!(current.stdout.contains(LATER), "{current}");

    // Both ends agree with a fresh database taken to head.
    retort(&fresh.url, &dir, &["upgrade"]).ok();
    assert_eq!(schema_of(&fresh), schema_of(db));
}

/// A database that applied only part of the replaced chain cannot be
/// placed, and says how to go on.
fn part_of_the_chain_is_refused<C: TestBackend>(db: &TestDatabase<C>) {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    write_chain(&dir);
    let url = db.url.as_str();
    retort(url, &dir, &["upgrade", CREATE]).ok();
    retort(url, &dir, &["squash", "--to", TAGS, "--rev-id", BASELINE]).ok();
    let refused = retort(url, &dir, &["upgrade"]);
    let error = refused.failed();
    assert!(
        error.contains(&format!(
            "the database is at revision {CREATE}, part of the history that baseline {BASELINE}"
        )) && error.contains(&format!(
            "upgrade it to {TAGS} with the migration files from before the squash"
        )),
        "{refused}"
    );
    assert_eq!(recorded(db), [CREATE]);
}

/// Data steps are refused unless dropped or kept; kept ones run after the
/// baseline's DDL.
fn data_steps_need_a_decision<C: TestBackend>(db: &TestDatabase<C>) {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    write_chain(&dir);
    revision(
        &dir,
        5,
        "e5e5e5e5e5e5",
        LATER,
        "INSERT INTO items (id, title) VALUES (1, 'seed');",
        "DELETE FROM items WHERE id = 1;",
    );
    revision(
        &dir,
        6,
        "f6f6f6f6f6f6",
        "e5e5e5e5e5e5",
        "CREATE INDEX ix_items_title ON items (title);",
        "DROP INDEX ix_items_title;",
    );
    let url = db.url.as_str();
    let before = files(&dir);
    let refused = retort(url, &dir, &["squash", "--to", "head"]);
    let error = refused.failed();
    assert!(
        error.contains("revision e5e5e5e5e5e5")
            && error.contains("INSERT INTO items (id, title) VALUES (1, 'seed')")
            && error.contains("--drop-data-steps")
            && error.contains("--keep-data-steps"),
        "{refused}"
    );
    assert_eq!(files(&dir), before, "a refused squash writes nothing");

    let kept = work.path().join("kept");
    std::fs::create_dir_all(&kept).unwrap();
    for name in &before {
        std::fs::copy(dir.join(name), kept.join(name)).unwrap();
    }
    retort(
        url,
        &kept,
        &[
            "squash",
            "--to",
            "head",
            "--keep-data-steps",
            "--rev-id",
            BASELINE,
        ],
    )
    .ok();
    let baseline = file_of(&kept, BASELINE);
    let insert = baseline
        .find("INSERT INTO items")
        .unwrap_or_else(|| panic!("{baseline}"));
    let create = baseline.find("CREATE TABLE").unwrap();
    assert!(create < insert, "{baseline}");
    retort(url, &kept, &["upgrade"]).ok();
    assert_eq!(
        db.connect()
            .select_count("SELECT COUNT(*) AS n FROM items WHERE title = 'seed'"),
        1
    );

    retort(
        url,
        &dir,
        &[
            "squash",
            "--to",
            "head",
            "--drop-data-steps",
            "--rev-id",
            BASELINE,
        ],
    )
    .ok();
    assert!(!file_of(&dir, BASELINE).contains("INSERT"));
}

backend_tests!(
    squashed_chain_builds_the_same_schema,
    part_of_the_chain_is_refused,
    data_steps_need_a_decision,
);

/// Rust steps, merges and branches inside the chain are refused with the
/// revision and what to do; the files stay as they were.
#[cfg(feature = "sqlite")]
#[test]
fn steps_merges_and_branches_are_refused() {
    let work = tempfile::tempdir().unwrap();
    let url = work.path().join("app.db");
    let url = url.to_str().unwrap();

    let dir = work.path().join("steps");
    write_chain(&dir);
    std::fs::write(
        dir.join("20240101000009_e5e5e5e5e5e5_fill.sql"),
        format!("-- retort:revision e5e5e5e5e5e5\n-- retort:parents {LATER}\n-- retort:up\n-- retort:run fill_prices\n"),
    )
    .unwrap();
    let refused = retort(url, &dir, &["squash", "--to", "e5e5e5e5e5e5"]);
    let error = refused.failed();
    assert!(
        error.contains("revision e5e5e5e5e5e5") && error.contains("-- retort:run fill_prices"),
        "{refused}"
    );

    let dir = work.path().join("branches");
    write_chain(&dir);
    revision(
        &dir,
        5,
        "e5e5e5e5e5e5",
        NAME,
        "CREATE TABLE notes (id INTEGER PRIMARY KEY);",
        "DROP TABLE notes;",
    );
    let refused = retort(url, &dir, &["squash", "--to", TAGS]);
    let error = refused.failed();
    assert!(
        error.contains(&format!(
            "revision {NAME} in the history of {TAGS} is also followed by e5e5e5e5e5e5"
        )),
        "{refused}"
    );
    revision(
        &dir,
        6,
        "f6f6f6f6f6f6",
        &format!("{LATER} e5e5e5e5e5e5"),
        "",
        "",
    );
    let refused = retort(url, &dir, &["squash", "--to", "head"]);
    let error = refused.failed();
    assert!(
        error.contains("revision f6f6f6f6f6f6 in the history of f6f6f6f6f6f6 is a merge"),
        "{refused}"
    );
    assert_eq!(files(&dir).len(), 6);

    let refused = retort(url, &dir, &["squash", "--to", CREATE]);
    assert!(refused.failed().contains("nothing to squash"), "{refused}");
}
