//! The test support keeps every test in a database of its own.

use crate::support;

use support::{backend_tests, TestBackend, TestDatabase};

/// Two tests create the same table in parallel: each sees only its own.
fn writer<C: TestBackend>(db: &TestDatabase<C>, marker: &str) {
    let mut conn = db.connect();
    conn.batch_execute("CREATE TABLE collide (marker VARCHAR(20) NOT NULL)")
        .expect("a fresh database has no table named collide");
    conn.batch_execute(&format!("INSERT INTO collide (marker) VALUES ('{marker}')"))
        .expect("insert");
    std::thread::sleep(std::time::Duration::from_millis(200));
    let foreign = conn
        .execute(&format!("DELETE FROM collide WHERE marker <> '{marker}'"))
        .expect("delete");
    assert_eq!(foreign, 0, "another test's row leaked into this database");
    let own = conn
        .execute(&format!("DELETE FROM collide WHERE marker = '{marker}'"))
        .expect("delete");
    assert_eq!(own, 1, "this test's row is missing");
}

fn first_writer<C: TestBackend>(db: &TestDatabase<C>) {
    writer(db, "first");
}

fn second_writer<C: TestBackend>(db: &TestDatabase<C>) {
    writer(db, "second");
}

/// A dropped test database is gone: nothing accumulates on the server.
fn dropped_databases_are_gone<C: TestBackend>(db: &TestDatabase<C>) {
    let again = C::create_database().expect("the backend is reachable");
    let (url, name) = (again.url.clone(), again.name.clone());
    assert_ne!(name, db.name, "each database gets its own name");
    drop(again);
    match C::NAME {
        "sqlite" => assert!(!std::path::Path::new(&url).exists(), "{url} still exists"),
        _ => assert!(
            C::establish(&url).is_err(),
            "test database {name} still accepts connections after being dropped"
        ),
    }
}

backend_tests!(first_writer, second_writer, dropped_databases_are_gone);

/// CI asks for every backend; each must be compiled in, or its tests would
/// silently not exist.
#[test]
fn required_backends_are_compiled_in() {
    let compiled = [
        ("postgres", cfg!(feature = "postgres")),
        ("mysql", cfg!(feature = "mysql")),
        ("sqlite", cfg!(feature = "sqlite")),
    ];
    for (name, present) in compiled {
        assert!(
            present || !support::backend_required(name),
            "RETORT_REQUIRE_BACKENDS asks for {name} but the `{name}` feature is off"
        );
    }
}
