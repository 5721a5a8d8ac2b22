//! Data migrations on every backend: Rust steps between SQL statements
//! (`-- retort:run NAME`) and batched, resumable backfills
//! (`-- retort:backfill ...`), including a run killed with SIGKILL
//! part-way through a backfill and resumed by the next.

use crate::support;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use retort::{runner::MigrateErrorKind, runner::StepResult, Migrations, Migrator};
use support::{backend_tests, TestBackend, TestDatabase};

const FIRST: &str = "a1a1a1a1a1a1";
const SECOND: &str = "b2b2b2b2b2b2";

/// Writes revision `id` (after `parent`) into `dir`.
fn write_revision(dir: &Path, stamp: u32, id: &str, parent: Option<&str>, body: &str) {
    let parents = parent
        .map(|parent| format!("-- retort:parents {parent}\n"))
        .unwrap_or_default();
    std::fs::write(
        dir.join(format!("20240101{stamp:06}_{id}_data.sql")),
        format!("-- retort:revision {id}\n{parents}-- retort:message data\n{body}"),
    )
    .unwrap();
}

fn migrations(dir: &Path) -> Migrations {
    Migrations::from_dir(dir).unwrap_or_else(|error| panic!("{error}"))
}

/// The count a query of one `n` column returns.
fn count<C: TestBackend>(conn: &mut C, sql: &str) -> i64 {
    conn.select_count(sql)
}

/// A step runs after the statements before its line and before those
/// after it, inside the revision.
fn steps_run_in_order_between_statements<C: TestBackend>(db: &TestDatabase<C>) {
    let dir = tempfile::tempdir().unwrap();
    write_revision(
        dir.path(),
        1,
        FIRST,
        None,
        "-- retort:up\nCREATE TABLE log (n BIGINT NOT NULL);\nINSERT INTO log (n) VALUES (1);\n-- retort:run second\nINSERT INTO log (n) SELECT COUNT(*) + 1 FROM log;\n-- retort:down\nDROP TABLE log;\n",
    );
    let migrations = migrations(dir.path());
    let seen = AtomicUsize::new(0);
    let mut conn = db.connect();
    let report = Migrator::new(&migrations)
        .step("second", |conn: &mut C| -> StepResult {
            let before = conn.select_count("SELECT COUNT(*) AS n FROM log");
            seen.store(usize::try_from(before)?, Ordering::SeqCst);
            conn.batch_execute("INSERT INTO log (n) VALUES (2)")?;
            Ok(())
        })
        .upgrade(&mut conn, "head")
        .unwrap();
    assert_eq!(report.revisions(), [FIRST]);
    assert_eq!(
        seen.load(Ordering::SeqCst),
        1,
        "the step saw the rows before it"
    );
    assert_eq!(count(&mut conn, "SELECT COUNT(*) AS n FROM log"), 3);
    assert_eq!(
        count(&mut conn, "SELECT COUNT(*) AS n FROM log WHERE n = 3"),
        1,
        "the statement after the step saw its row"
    );
    // With nothing left to run, no step is needed.
    let again = retort::migrate_to_head(&mut conn, &migrations);
    assert!(again.is_ok_and(|report| report.is_empty()));
}

/// A revision naming a step nobody registered is refused before anything
/// runs, even the revisions before it.
fn an_unregistered_step_is_refused_before_anything_runs<C: TestBackend>(db: &TestDatabase<C>) {
    let dir = tempfile::tempdir().unwrap();
    write_revision(
        dir.path(),
        1,
        FIRST,
        None,
        "-- retort:up\nCREATE TABLE before_it (id INTEGER);\n",
    );
    write_revision(
        dir.path(),
        2,
        SECOND,
        Some(FIRST),
        "-- retort:up\nCREATE TABLE during_it (id INTEGER);\n-- retort:run fill_emails\n",
    );
    let migrations = migrations(dir.path());
    let mut conn = db.connect();
    let error = Migrator::new(&migrations)
        .step("another", |_: &mut C| -> StepResult { Ok(()) })
        .upgrade(&mut conn, "head")
        .unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error.kind(), MigrateErrorKind::UnregisteredStep { step, revision, .. } if step == "fill_emails" && revision == SECOND),
        "{message}"
    );
    for part in [
        "fill_emails",
        SECOND,
        "Migrator::new(&migrations).step(",
        "another",
        "nothing was run",
    ] {
        assert!(message.contains(part), "{part:?} missing from: {message}");
    }
    assert!(
        conn.batch_execute("SELECT id FROM before_it").is_err(),
        "the first revision ran"
    );
    assert!(Migrator::new(&migrations)
        .current(&mut conn)
        .unwrap()
        .is_empty());
    // The revision before it can still be applied on its own.
    retort::Migrator::new(&migrations)
        .upgrade(&mut conn, FIRST)
        .unwrap();
}

/// A failing step fails its revision like a failing statement: rolled back
/// whole on PostgreSQL and SQLite, recorded as failed with the step's line
/// and error on MySQL.
fn a_failing_step_fails_its_revision<C: TestBackend>(db: &TestDatabase<C>) {
    let dir = tempfile::tempdir().unwrap();
    write_revision(
        dir.path(),
        1,
        FIRST,
        None,
        "-- retort:up\nCREATE TABLE accounts (id INTEGER NOT NULL, note VARCHAR(50));\n",
    );
    write_revision(
        dir.path(),
        2,
        SECOND,
        Some(FIRST),
        "-- retort:up\nINSERT INTO accounts (id, note) VALUES (1, 'before the step');\n-- retort:run explode\nINSERT INTO accounts (id, note) VALUES (2, 'after the step');\n",
    );
    let migrations = migrations(dir.path());
    let mut conn = db.connect();
    let migrator = Migrator::new(&migrations).step("explode", |conn: &mut C| -> StepResult {
        conn.batch_execute("INSERT INTO accounts (id, note) VALUES (3, 'from the step')")?;
        Err("the ledger does not balance".into())
    });
    let error = migrator.upgrade(&mut conn, "head").unwrap_err();
    let message = error.to_string();
    for part in [
        "step `explode` failed: the ledger does not balance",
        SECOND,
        "-- retort:run explode",
    ] {
        assert!(message.contains(part), "{part:?} missing from: {message}");
    }
    assert_eq!(error.report().revisions(), [FIRST]);
    let rows = count(&mut conn, "SELECT COUNT(*) AS n FROM accounts");
    let unfinished = migrator.unfinished(&mut conn).unwrap();
    if C::BACKEND == retort::BackendKind::Mysql {
        // The statement before the step and the step's own write took
        // effect; the revision is recorded as failed at the step.
        assert_eq!(rows, 2, "{message}");
        let unfinished = unfinished.expect("the revision is recorded as failed");
        assert_eq!(unfinished.revision, SECOND);
        assert_eq!(unfinished.status, "failed");
        assert_eq!(
            unfinished.statement.as_deref(),
            Some("-- retort:run explode")
        );
        assert!(
            unfinished
                .error
                .as_deref()
                .is_some_and(|error| error.contains("the ledger does not balance")),
            "{unfinished:?}"
        );
        assert!(message.contains("recorded as failed"), "{message}");
    } else {
        assert_eq!(rows, 0, "the revision was rolled back whole: {message}");
        assert!(unfinished.is_none());
        assert!(message.contains("rolled back"), "{message}");
        assert_eq!(migrator.current(&mut conn).unwrap(), [FIRST]);
    }
}

/// The rows of the backfill tests: ids 1..=count with gaps (every seventh
/// missing), `hits` counting how often the backfill touched each.
fn create_users<C: TestBackend>(conn: &mut C, count: i64) {
    conn.batch_execute(
        "CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY, username VARCHAR(50) NOT NULL, email VARCHAR(100), hits INTEGER NOT NULL DEFAULT 0)",
    )
    .unwrap();
    conn.batch_execute("CREATE TABLE poison (flag INTEGER NOT NULL)")
        .unwrap();
    conn.batch_execute("INSERT INTO poison (flag) VALUES (0)")
        .unwrap();
    let ids: Vec<i64> = (1..=count).filter(|id| id % 7 != 0).collect();
    for chunk in ids.chunks(500) {
        let values: Vec<String> = chunk
            .iter()
            .map(|id| format!("({id}, 'user{id}')"))
            .collect();
        conn.batch_execute(&format!(
            "INSERT INTO users (id, username) VALUES {}",
            values.join(", ")
        ))
        .unwrap();
    }
}

/// The backfill revision: fills `email`, counts each touch in `hits`, and
/// fails on user 1500 while `poison.flag` is 1 (the NOT NULL `hits` set to
/// NULL).
fn write_backfill(dir: &Path, batch: u32, pause: &str) {
    write_revision(
        dir,
        1,
        FIRST,
        None,
        "-- retort:up\nALTER TABLE users ADD COLUMN note VARCHAR(20);\n-- retort:down\nALTER TABLE users DROP COLUMN note;\n",
    );
    write_revision(
        dir,
        2,
        SECOND,
        Some(FIRST),
        &format!(
            "-- retort:up\nUPDATE users SET note = 'before' WHERE id = 1;\n-- retort:backfill table=users key=id batch={batch} pause={pause}\nUPDATE users SET email = CONCAT(username, '@example.com'), hits = CASE WHEN id = 1500 AND (SELECT flag FROM poison) = 1 THEN NULL ELSE hits + 1 END WHERE email IS NULL AND {{batch}};\nUPDATE users SET note = 'after' WHERE id = 2;\n",
        ),
    );
}

/// Every row is updated exactly once, the statements around the backfill
/// run once, the progress row is gone and the revision is recorded.
fn a_backfill_updates_every_row_once<C: TestBackend>(db: &TestDatabase<C>) {
    let mut conn = db.connect();
    create_users(&mut conn, 2500);
    let dir = tempfile::tempdir().unwrap();
    write_backfill(dir.path(), 100, "0");
    let migrations = migrations(dir.path());
    let progress = std::sync::Mutex::new(Vec::new());
    let report = Migrator::new(&migrations)
        .on_backfill_progress(|update| progress.lock().unwrap().push(update.clone()))
        .upgrade(&mut conn, "head")
        .unwrap();
    assert_eq!(report.revisions(), [FIRST, SECOND]);
    let users = count(&mut conn, "SELECT COUNT(*) AS n FROM users");
    assert_eq!(users, 2143);
    assert_eq!(
        count(&mut conn, "SELECT COUNT(*) AS n FROM users WHERE hits = 1"),
        users,
        "every row exactly once"
    );
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) AS n FROM users WHERE email = CONCAT(username, '@example.com')"
        ),
        users
    );
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) AS n FROM users WHERE note IS NOT NULL"
        ),
        2
    );
    assert_eq!(
        count(
            &mut conn,
            &format!("SELECT COUNT(*) AS n FROM {}", retort::BACKFILL_TABLE)
        ),
        0
    );
    let last = progress
        .lock()
        .unwrap()
        .last()
        .cloned()
        .expect("progress was reported");
    assert_eq!((last.rows, last.batches, last.next_key), (2143, 25, None));
    // The bookkeeping table is not part of the schema.
    let schema = retort::introspect(&mut conn).unwrap();
    assert!(schema
        .tables
        .iter()
        .all(|table| table.name != retort::BACKFILL_TABLE));
}

/// A batch that fails stops the run with the revision unrecorded and the
/// committed batches kept; the next run goes on from the failed batch, so
/// no row is updated twice.
fn a_failed_backfill_resumes_where_it_stopped<C: TestBackend>(db: &TestDatabase<C>) {
    let mut conn = db.connect();
    create_users(&mut conn, 2500);
    conn.batch_execute("UPDATE poison SET flag = 1").unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_backfill(dir.path(), 100, "0");
    let migrations = migrations(dir.path());
    let migrator = Migrator::new(&migrations);
    let error = migrator.upgrade(&mut conn, "head").unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error.kind(), MigrateErrorKind::DataMigrationFailed { .. }),
        "{message}"
    );
    for part in [SECOND, "retort_backfill_progress", "run again"] {
        assert!(message.contains(part), "{part:?} missing from: {message}");
    }
    assert_eq!(
        migrator.current(&mut conn).unwrap(),
        [FIRST],
        "recorded only at the end"
    );
    // The batches before the one holding user 1500 are committed: the
    // touched rows are a prefix of the keys, and 1500 is not in it.
    let touched = count(&mut conn, "SELECT COUNT(*) AS n FROM users WHERE hits = 1");
    // Users 1..1400 hold 1200 rows, users below 1500 hold 1285.
    assert!(
        (1200..1285).contains(&touched),
        "{touched} rows before the failed batch"
    );
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) AS n FROM users WHERE hits = 1 AND id > (SELECT MIN(id) FROM users WHERE hits = 0)"
        ),
        0
    );
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) AS n FROM users WHERE hits = 1 AND id >= 1500"
        ),
        0
    );
    assert_eq!(
        count(&mut conn, "SELECT COUNT(*) AS n FROM users WHERE hits > 1"),
        0
    );
    conn.batch_execute("UPDATE poison SET flag = 0").unwrap();
    let report = migrator.upgrade(&mut conn, "head").unwrap();
    assert_eq!(report.revisions(), [SECOND]);
    assert_eq!(
        count(&mut conn, "SELECT COUNT(*) AS n FROM users WHERE hits = 1"),
        count(&mut conn, "SELECT COUNT(*) AS n FROM users"),
        "every row exactly once across both runs"
    );
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) AS n FROM users WHERE note = 'before'"
        ),
        1
    );
}

/// A process killed with SIGKILL in the middle of a backfill: the revision
/// is not recorded, the committed batches stay, and the next run finishes
/// the rest without touching a row twice.
#[cfg(unix)]
fn a_killed_backfill_resumes<C: TestBackend>(db: &TestDatabase<C>) {
    let mut conn = db.connect();
    create_users(&mut conn, 3000);
    let dir = tempfile::tempdir().unwrap();
    write_backfill(dir.path(), 50, "40ms");
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "data_migrations::child_runs_a_backfill",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(CHILD_URL, &db.url)
        .env(CHILD_BACKEND, C::NAME)
        .env(CHILD_DIR, dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let progress = format!(
        "SELECT CAST(COALESCE(MAX(batches), 0) AS {}) AS n FROM {}",
        if C::NAME == "mysql" {
            "SIGNED"
        } else {
            "BIGINT"
        },
        retort::BACKFILL_TABLE
    );
    loop {
        // The table appears with the backfill; SQLite may be busy with a
        // commit of the child's.
        let batches = conn.try_count(&progress).unwrap_or(0);
        if batches >= 5 {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the child finished before it could be killed"
        );
        assert!(Instant::now() < deadline, "the backfill never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    // SIGKILL: no unwinding, no clean-up.
    child.kill().unwrap();
    child.wait().unwrap();

    let migrations = migrations(dir.path());
    let migrator = Migrator::new(&migrations);
    assert_eq!(
        migrator.current(&mut conn).unwrap(),
        [FIRST],
        "recorded only at the end"
    );
    let touched = count(&mut conn, "SELECT COUNT(*) AS n FROM users WHERE hits = 1");
    let total = count(&mut conn, "SELECT COUNT(*) AS n FROM users");
    assert!(
        touched > 0 && touched < total,
        "killed part-way: {touched} of {total}"
    );
    let report = migrator.upgrade(&mut conn, "head").unwrap();
    assert_eq!(report.revisions(), [SECOND]);
    assert_eq!(
        count(&mut conn, "SELECT COUNT(*) AS n FROM users WHERE hits = 1"),
        total,
        "every row exactly once across the killed run and the resumed one"
    );
    assert_eq!(
        count(
            &mut conn,
            &format!("SELECT COUNT(*) AS n FROM {}", retort::BACKFILL_TABLE)
        ),
        0
    );
}

const CHILD_URL: &str = "RETORT_DATA_MIGRATION_CHILD_URL";
const CHILD_BACKEND: &str = "RETORT_DATA_MIGRATION_CHILD_BACKEND";
const CHILD_DIR: &str = "RETORT_DATA_MIGRATION_CHILD_DIR";

/// The process [`a_killed_backfill_resumes`] starts and kills: this test
/// binary, running only this test, which migrates the database the
/// environment names. Run by the harness on its own, it does nothing.
#[test]
fn child_runs_a_backfill() {
    let (Ok(url), Ok(backend), Ok(dir)) = (
        std::env::var(CHILD_URL),
        std::env::var(CHILD_BACKEND),
        std::env::var(CHILD_DIR),
    ) else {
        return;
    };
    fn run<C: TestBackend>(url: &str, dir: &str) {
        let mut conn = C::establish(url).unwrap();
        let migrations = migrations(Path::new(dir));
        Migrator::new(&migrations)
            .upgrade(&mut conn, "head")
            .unwrap();
    }
    match backend.as_str() {
        #[cfg(feature = "postgres")]
        "postgres" => run::<diesel::PgConnection>(&url, &dir),
        #[cfg(feature = "mysql")]
        "mysql" => run::<diesel::MysqlConnection>(&url, &dir),
        #[cfg(feature = "sqlite")]
        "sqlite" => run::<diesel::SqliteConnection>(&url, &dir),
        other => panic!("unknown backend {other}"),
    }
}

/// A backfill on a key that is not an integer is refused before its first
/// batch, naming the column and what to do.
fn a_non_integer_key_is_refused<C: TestBackend>(db: &TestDatabase<C>) {
    let mut conn = db.connect();
    create_users(&mut conn, 10);
    let dir = tempfile::tempdir().unwrap();
    write_revision(
        dir.path(),
        1,
        FIRST,
        None,
        "-- retort:up\n-- retort:backfill table=users key=username\nUPDATE users SET hits = hits + 1 WHERE {batch};\n",
    );
    let migrations = migrations(dir.path());
    let message = Migrator::new(&migrations)
        .upgrade(&mut conn, "head")
        .unwrap_err()
        .to_string();
    for part in ["users.username", "integer column", "key="] {
        assert!(message.contains(part), "{part:?} missing from: {message}");
    }
    assert_eq!(
        count(&mut conn, "SELECT COUNT(*) AS n FROM users WHERE hits > 0"),
        0
    );
}

#[cfg(unix)]
backend_tests!(a_killed_backfill_resumes);

// Models are read through `Model::table()`, not their fields.
#[allow(dead_code)]
mod members {
    use retort::Model;

    /// People who sign in.
    #[derive(Model)]
    #[model(table = "members")]
    pub struct Before {
        #[model(primary_key)]
        pub id: i64,
        #[model(max_length = 50)]
        pub username: String,
    }

    /// People who sign in.
    #[derive(Model)]
    #[model(table = "members")]
    pub struct After {
        #[model(primary_key)]
        pub id: i64,
        #[model(max_length = 50)]
        pub username: String,
        /// A `NOT NULL` column the existing rows get from their username.
        #[model(max_length = 100, backfill = "CONCAT(username, '@example.com')")]
        pub email: String,
    }
}

/// A `NOT NULL` field with `backfill` added to a table that has rows:
/// autogenerate writes add-nullable, a batched backfill, then NOT NULL
/// (through a validated check on PostgreSQL); `migrate_to_head` applies
/// it keeping and filling every row; the column is NOT NULL; the models
/// then match the database; the downgrade drops the column.
fn autogenerate_expands_backfills_and_contracts<C: TestBackend>(db: &TestDatabase<C>) {
    let mut conn = db.connect();
    let dir = tempfile::tempdir().unwrap();
    let after = retort::schema![members::After];
    let rows = members_with_rows(&mut conn, dir.path());

    let path = retort::autogenerate(&mut conn, &after, dir.path(), "emails")
        .unwrap()
        .expect("a revision adding the column");
    let text = std::fs::read_to_string(&path).unwrap();
    for part in [
        "-- retort:backfill table=members key=id batch=1000\nUPDATE ",
        "CONCAT(username, '@example.com')",
        " IS NULL AND {batch};",
    ] {
        assert!(text.contains(part), "{part:?} missing from:\n{text}");
    }
    if C::BACKEND == retort::BackendKind::Postgres {
        for part in [
            r#"ADD CONSTRAINT "members_email_not_null" CHECK ("email" IS NOT NULL) NOT VALID;"#,
            r#"VALIDATE CONSTRAINT "members_email_not_null";"#,
            r#"ALTER COLUMN "email" SET NOT NULL;"#,
            r#"DROP CONSTRAINT "members_email_not_null";"#,
        ] {
            assert!(text.contains(part), "{part:?} missing from:\n{text}");
        }
    }
    let migrations = migrations(dir.path());
    let revision = migrations
        .graph()
        .unwrap()
        .revisions()
        .iter()
        .find(|revision| revision.message() == "emails")
        .expect("the revision is read back");
    let findings = retort::lint::lint_for(C::BACKEND, revision);
    assert!(
        findings
            .iter()
            .all(|finding| finding.rule != "not-null-column-without-default"),
        "{findings:?}"
    );
    if C::BACKEND == retort::BackendKind::Postgres {
        assert!(findings.is_empty(), "{findings:?}");
    }

    let report = retort::migrate_to_head(&mut conn, &migrations).unwrap();
    assert_eq!(report.revisions().len(), 1);
    assert_filled_then_dropped(&mut conn, dir.path(), rows);
}

/// The same in online mode: the expand's steps, the backfill as a revision
/// of its own, then the contract's steps (on PostgreSQL, the `NOT VALID`
/// check committed before it is validated).
fn online_autogenerate_expands_backfills_and_contracts<C: TestBackend>(db: &TestDatabase<C>) {
    let mut conn = db.connect();
    let dir = tempfile::tempdir().unwrap();
    let after = retort::schema![members::After];
    let rows = members_with_rows(&mut conn, dir.path());
    retort::autogen::autogenerate_with(
        &mut conn,
        &after,
        dir.path(),
        "emails",
        &retort::autogen::AutogenerateOptions::new().online(true),
    )
    .unwrap()
    .expect("revisions adding the column");
    let migrations = migrations(dir.path());
    let backfills = migrations
        .graph()
        .unwrap()
        .revisions()
        .iter()
        .filter(|revision| {
            revision
                .up_sql_for(C::BACKEND)
                .is_some_and(retort::revision::has_backfill)
        })
        .count();
    assert_eq!(backfills, 1, "the backfill is one revision");
    retort::migrate_to_head(&mut conn, &migrations).unwrap();
    assert_filled_then_dropped(&mut conn, dir.path(), rows);
}

/// Creates `members` (the `Before` model) through a first revision, with
/// 2143 rows whose keys have gaps; returns the row count.
fn members_with_rows<C: TestBackend>(conn: &mut C, dir: &Path) -> i64 {
    retort::autogenerate(conn, &retort::schema![members::Before], dir, "members")
        .unwrap()
        .expect("a first revision");
    retort::migrate_to_head(conn, &migrations(dir)).unwrap();
    for chunk in (1..=2500).collect::<Vec<i64>>().chunks(500) {
        let values: Vec<String> = chunk.iter().map(|n| format!("('user{n}')")).collect();
        conn.batch_execute(&format!(
            "INSERT INTO members (username) VALUES {}",
            values.join(", ")
        ))
        .unwrap();
    }
    // Gaps in the keys, as a table that has lived has.
    conn.batch_execute("DELETE FROM members WHERE id % 7 = 0")
        .unwrap();
    let rows = count(conn, "SELECT COUNT(*) AS n FROM members");
    assert_eq!(rows, 2143);
    rows
}

/// After the revisions of `dir` are applied: every row kept and filled,
/// the column NOT NULL and no check left, the models matching the
/// database; then, reverted to the first revision, the column dropped and
/// the rows kept.
fn assert_filled_then_dropped<C: TestBackend>(conn: &mut C, dir: &Path, rows: i64) {
    let after = retort::schema![members::After];
    assert_eq!(count(conn, "SELECT COUNT(*) AS n FROM members"), rows);
    assert_eq!(
        count(
            conn,
            "SELECT COUNT(*) AS n FROM members WHERE email = CONCAT(username, '@example.com')"
        ),
        rows,
        "every row filled from the expression"
    );
    let schema = retort::introspect(conn).unwrap();
    let table = schema
        .tables
        .iter()
        .find(|table| table.name == "members")
        .expect("members");
    let email = table
        .columns
        .iter()
        .find(|column| column.name == "email")
        .expect("the email column");
    assert!(!email.nullable, "email is NOT NULL");
    assert!(
        table.checks.is_empty(),
        "the NOT NULL check is dropped: {:?}",
        table.checks
    );
    assert_eq!(
        retort::autogenerate(conn, &after, dir, "again").unwrap(),
        None,
        "the models match the database"
    );
    assert_eq!(
        count(
            conn,
            &format!("SELECT COUNT(*) AS n FROM {}", retort::BACKFILL_TABLE)
        ),
        0
    );

    let migrations = migrations(dir);
    let first = migrations
        .graph()
        .unwrap()
        .revisions()
        .iter()
        .find(|revision| revision.message() == "members")
        .map(|revision| revision.id().to_owned())
        .expect("the first revision");
    Migrator::new(&migrations).downgrade(conn, &first).unwrap();
    let schema = retort::introspect(conn).unwrap();
    let table = schema
        .tables
        .iter()
        .find(|table| table.name == "members")
        .expect("members");
    assert!(
        table.columns.iter().all(|column| column.name != "email"),
        "the downgrade drops the column"
    );
    assert_eq!(count(conn, "SELECT COUNT(*) AS n FROM members"), rows);
}

backend_tests!(
    autogenerate_expands_backfills_and_contracts,
    online_autogenerate_expands_backfills_and_contracts,
);

backend_tests!(
    steps_run_in_order_between_statements,
    an_unregistered_step_is_refused_before_anything_runs,
    a_failing_step_fails_its_revision,
    a_backfill_updates_every_row_once,
    a_failed_backfill_resumes_where_it_stopped,
    a_non_integer_key_is_refused,
);

/// Offline, a step is a comment saying the application must run it, and
/// a backfill one statement with a warning.
#[test]
fn offline_sql_marks_steps_and_backfills() {
    let dir = tempfile::tempdir().unwrap();
    write_revision(
        dir.path(),
        1,
        FIRST,
        None,
        "-- retort:up\nCREATE TABLE t (id INTEGER, v INTEGER);\n-- retort:run fill_v\n-- retort:backfill table=t key=id\nUPDATE t SET v = 1 WHERE {batch};\n",
    );
    let migrations = migrations(dir.path());
    let script = Migrator::new(&migrations)
        .sql(retort::BackendKind::Postgres, "base", "head")
        .unwrap();
    for part in [
        "-- WARNING: this script cannot run the Rust steps `fill_v`",
        "-- retort:run fill_v\n-- NOT RUN BY THIS SCRIPT: the Rust step `fill_v` runs here",
        "ONE statement over the whole table",
        "UPDATE t SET v = 1 WHERE 1 = 1;",
    ] {
        assert!(script.contains(part), "{part:?} missing from:\n{script}");
    }
}
