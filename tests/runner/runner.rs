//! The runner against real databases: targets, round trips, failures,
//! integrity, concurrent starters, killed processes and offline SQL.

use crate::logs;
use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::sql_types::{BigInt, Text};
use diesel::{sql_query, Connection, RunQueryDsl};
use logs::logged_while;
use retort::{
    revision::RevisionError, runner::Direction, runner::MigrateErrorKind, BackendKind, Migrations,
    Migrator,
};
use support::{apply_with_client, backend_tests, run_client, TestBackend, TestDatabase};

/// Set in the environment of a child process started by a test.
const CHILD_URL: &str = "RETORT_RUNNER_CHILD_URL";
const CHILD_DIR: &str = "RETORT_RUNNER_CHILD_DIR";

#[derive(diesel::QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    count: i64,
}

#[derive(diesel::QueryableByName, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    spelled: String,
}

/// What these tests need beyond the shared support, per database.
trait RunnerBackend: TestBackend {
    /// A statement that takes `seconds` seconds.
    fn sleep_sql(seconds: u32) -> String;
    /// `SELECT COUNT(*) AS count ...`
    fn count(&mut self, sql: &str) -> i64;
    /// Every column of every table, from the catalog.
    fn columns(&mut self) -> Vec<ColumnRow>;
    /// Whether another connection is inside the slow statement.
    fn someone_is_sleeping(&mut self) -> bool;
    /// Whether a table exists.
    fn has_table(&mut self, table: &str) -> bool;
}

macro_rules! count_by_sql_query {
    () => {
        fn count(&mut self, sql: &str) -> i64 {
            sql_query(sql)
                .get_result::<CountRow>(self)
                .unwrap_or_else(|error| panic!("{sql}: {error}"))
                .count
        }
    };
}

#[cfg(feature = "postgres")]
impl RunnerBackend for diesel::PgConnection {
    count_by_sql_query!();

    fn sleep_sql(seconds: u32) -> String {
        format!("SELECT pg_sleep({seconds})")
    }

    fn columns(&mut self) -> Vec<ColumnRow> {
        sql_query(
            "SELECT table_name::text AS table_name, column_name::text AS column_name, \
             data_type || coalesce('(' || character_maximum_length || ')', '') || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS spelled \
             FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
        )
        .load(self)
        .unwrap()
    }

    fn someone_is_sleeping(&mut self) -> bool {
        self.count(
            "SELECT COUNT(*) AS count FROM pg_stat_activity WHERE datname = current_database() \
             AND state = 'active' AND query LIKE 'SELECT pg_sleep%'",
        ) > 0
    }

    fn has_table(&mut self, table: &str) -> bool {
        self.count(&format!(
            "SELECT COUNT(*) AS count FROM pg_tables WHERE schemaname = 'public' AND tablename = '{table}'"
        )) > 0
    }
}

#[cfg(feature = "mysql")]
impl RunnerBackend for diesel::MysqlConnection {
    count_by_sql_query!();

    fn sleep_sql(seconds: u32) -> String {
        format!("SELECT SLEEP({seconds})")
    }

    fn columns(&mut self) -> Vec<ColumnRow> {
        sql_query(
            "SELECT CAST(table_name AS CHAR) AS table_name, CAST(column_name AS CHAR) AS column_name, \
             CAST(CONCAT(column_type, ' ', is_nullable, ' ', coalesce(column_default, '')) AS CHAR) AS spelled \
             FROM information_schema.columns WHERE table_schema = DATABASE() ORDER BY table_name, ordinal_position",
        )
        .load(self)
        .unwrap()
    }

    fn someone_is_sleeping(&mut self) -> bool {
        self.count(
            "SELECT COUNT(*) AS count FROM information_schema.processlist \
             WHERE db = DATABASE() AND info LIKE 'SELECT SLEEP%'",
        ) > 0
    }

    fn has_table(&mut self, table: &str) -> bool {
        self.count(&format!(
            "SELECT COUNT(*) AS count FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '{table}'"
        )) > 0
    }
}

#[cfg(feature = "sqlite")]
impl RunnerBackend for diesel::SqliteConnection {
    count_by_sql_query!();

    fn sleep_sql(seconds: u32) -> String {
        // SQLite has no sleep: count long enough to take a while.
        format!(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {}) SELECT sum(x) FROM c",
            u64::from(seconds) * 3_000_000
        )
    }

    fn columns(&mut self) -> Vec<ColumnRow> {
        sql_query(
            "SELECT m.name AS table_name, p.name AS column_name, \
             p.type || ' ' || p.\"notnull\" || ' ' || coalesce(p.dflt_value, '') || ' ' || p.pk AS spelled \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid",
        )
        .load(self)
        .unwrap()
    }

    fn someone_is_sleeping(&mut self) -> bool {
        // The slow revision holds the write lock: BEGIN IMMEDIATE is refused.
        use diesel::connection::SimpleConnection;
        self.batch_execute("PRAGMA busy_timeout = 0").unwrap();
        let sleeping = match self.batch_execute("BEGIN IMMEDIATE") {
            Ok(()) => {
                self.batch_execute("ROLLBACK").unwrap();
                false
            }
            Err(_) => true,
        };
        self.batch_execute("PRAGMA busy_timeout = 10000").unwrap();
        sleeping
    }

    fn has_table(&mut self, table: &str) -> bool {
        self.count(&format!(
            "SELECT COUNT(*) AS count FROM sqlite_master WHERE type = 'table' AND name = '{table}'"
        )) > 0
    }
}

fn fixture(name: &str) -> Migrations {
    Migrations::from_dir(fixture_dir(name)).unwrap()
}

fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/migrations")
        .join(name)
}

/// A temporary migrations directory holding a copy of a fixture.
fn copy_of(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture_dir(name)).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

fn write_revision(dir: &Path, stamp: u32, id: &str, parent: Option<&str>, up: &str, down: &str) {
    let contents = format!(
        "-- retort:revision {id}\n-- retort:parents {}\n-- retort:message revision {id}\n-- retort:up\n{up}\n-- retort:down\n{down}\n",
        parent.unwrap_or("")
    );
    std::fs::write(dir.join(format!("20240101{stamp:06}_{id}_r.sql")), contents).unwrap();
}

fn kind<C: RunnerBackend>() -> MigrateErrorKindMatcher {
    MigrateErrorKindMatcher(C::BACKEND)
}

/// Which outcome each database gives for a failure outside a transaction.
struct MigrateErrorKindMatcher(BackendKind);

impl MigrateErrorKindMatcher {
    fn rolls_back(&self) -> bool {
        self.0 != BackendKind::Mysql
    }
}

fn version_rows<C: RunnerBackend>(conn: &mut C) -> i64 {
    conn.count("SELECT COUNT(*) AS count FROM retort_migrations")
}

/// Applies, reverts and re-applies a linear history with every target form.
fn linear_round_trip<C: RunnerBackend>(db: &TestDatabase<C>) {
    let migrations = fixture("linear");
    let migrator = Migrator::new(&migrations);
    let mut conn = db.connect();
    assert!(migrator.current(&mut conn).unwrap().is_empty());
    assert_eq!(migrator.pending(&mut conn).unwrap().len(), 3);

    let report = retort::migrate_to_head(&mut conn, &migrations).unwrap();
    assert_eq!(
        report.revisions(),
        ["a1a1a1a1a1a1", "b2b2b2b2b2b2", "c3c3c3c3c3c3"]
    );
    assert!(report
        .steps()
        .iter()
        .all(|step| step.direction == Direction::Upgrade));
    assert_eq!(migrator.current(&mut conn).unwrap(), ["c3c3c3c3c3c3"]);
    assert_eq!(
        conn.count("SELECT COUNT(*) AS count FROM posts WHERE title = 'semi;colon ''quoted'''"),
        1
    );
    assert!(retort::migrate_to_head(&mut conn, &migrations)
        .unwrap()
        .is_empty());
    assert!(migrator.pending(&mut conn).unwrap().is_empty());

    let report = migrator.downgrade(&mut conn, "-1").unwrap();
    assert_eq!(report.revisions(), ["c3c3c3c3c3c3"]);
    assert_eq!(report.steps()[0].direction, Direction::Downgrade);
    assert!(!conn.has_table("posts"));
    assert_eq!(migrator.current(&mut conn).unwrap(), ["b2b2b2b2b2b2"]);

    assert_eq!(
        migrator.downgrade(&mut conn, "base").unwrap().revisions(),
        ["b2b2b2b2b2b2", "a1a1a1a1a1a1"]
    );
    assert!(!conn.has_table("users"));
    assert_eq!(version_rows(&mut conn), 0);

    assert_eq!(
        migrator.upgrade(&mut conn, "+2").unwrap().revisions(),
        ["a1a1a1a1a1a1", "b2b2b2b2b2b2"]
    );
    assert_eq!(
        migrator.upgrade(&mut conn, "c3c3").unwrap().revisions(),
        ["c3c3c3c3c3c3"]
    );
    assert_eq!(
        migrator
            .downgrade(&mut conn, "a1a1a1a1a1a1")
            .unwrap()
            .revisions(),
        ["c3c3c3c3c3c3", "b2b2b2b2b2b2"]
    );
    assert_eq!(migrator.current(&mut conn).unwrap(), ["a1a1a1a1a1a1"]);
    assert_eq!(
        migrator.upgrade(&mut conn, "heads").unwrap().len_for_test(),
        2
    );
    assert_eq!(migrator.current(&mut conn).unwrap(), ["c3c3c3c3c3c3"]);

    // Bad targets change nothing and say why.
    let error = migrator.upgrade(&mut conn, "+1").unwrap_err();
    assert!(
        matches!(
            error.kind(),
            MigrateErrorKind::Revision(RevisionError::RelativeOutOfRange { .. })
        ),
        "{error}"
    );
    let error = migrator.downgrade(&mut conn, "zzz").unwrap_err();
    assert!(
        error.to_string().contains("unknown revision `zzz`"),
        "{error}"
    );
    assert_eq!(version_rows(&mut conn), 3);
}

trait ReportLen {
    fn len_for_test(&self) -> usize;
}

impl ReportLen for retort::Report {
    fn len_for_test(&self) -> usize {
        self.steps().len()
    }
}

/// Two heads: head names both and the merge command; heads applies both;
/// the merge applies on top; reverting it restores both heads.
fn branches_and_merges<C: RunnerBackend>(db: &TestDatabase<C>) {
    let branched = fixture("branched");
    let mut conn = db.connect();
    let error = retort::migrate_to_head(&mut conn, &branched).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("b2b2b2b2b2b2")
            && message.contains("cccccc000003")
            && message.contains("merge heads"),
        "{message}"
    );
    assert!(Migrator::new(&branched)
        .current(&mut conn)
        .unwrap()
        .is_empty());

    let migrator = Migrator::new(&branched);
    assert_eq!(
        migrator.upgrade(&mut conn, "heads").unwrap().len_for_test(),
        3
    );
    assert_eq!(
        migrator.current(&mut conn).unwrap(),
        ["b2b2b2b2b2b2", "cccccc000003"]
    );

    let merged = fixture("merged");
    let migrator = Migrator::new(&merged);
    assert_eq!(
        retort::migrate_to_head(&mut conn, &merged)
            .unwrap()
            .revisions(),
        ["d4d4d4d4d4d4"]
    );
    assert_eq!(migrator.current(&mut conn).unwrap(), ["d4d4d4d4d4d4"]);
    assert!(conn.has_table("team_tags"));

    assert_eq!(
        migrator.downgrade(&mut conn, "-1").unwrap().revisions(),
        ["d4d4d4d4d4d4"]
    );
    assert_eq!(
        migrator.current(&mut conn).unwrap(),
        ["b2b2b2b2b2b2", "cccccc000003"]
    );
    // Reverting one branch leaves the other.
    assert_eq!(
        migrator.downgrade(&mut conn, "-1").unwrap().revisions(),
        ["cccccc000003"]
    );
    assert_eq!(migrator.current(&mut conn).unwrap(), ["b2b2b2b2b2b2"]);
    assert!(conn.has_table("teams") && !conn.has_table("tags"));
}

/// A revision failing at its second statement: rolled back where DDL is
/// transactional; recorded as failed on MySQL, and every later run refuses
/// until it is resolved with stamp.
fn failure_at_the_second_statement<C: RunnerBackend>(db: &TestDatabase<C>) {
    let migrations = fixture("failing");
    let migrator = Migrator::new(&migrations);
    let mut conn = db.connect();
    let error = retort::migrate_to_head(&mut conn, &migrations).unwrap_err();
    assert_eq!(error.report().revisions(), ["a1a1a1a1a1a1"], "{error}");
    match error.kind() {
        MigrateErrorKind::StatementFailed {
            revision,
            index,
            statement,
            rolled_back,
            ..
        } => {
            assert_eq!((revision.as_str(), *index), ("f2f2f2f2f2f2", 2));
            assert!(
                statement.starts_with("INSERT INTO no_such_table"),
                "{statement}"
            );
            assert_eq!(*rolled_back, kind::<C>().rolls_back());
        }
        other => panic!("expected a failed statement, got {other}"),
    }
    assert!(!conn.has_table("never_created"));
    assert_eq!(migrator.current(&mut conn).unwrap(), ["a1a1a1a1a1a1"]);

    if kind::<C>().rolls_back() {
        assert!(
            !conn.has_table("created_before_failure"),
            "the failed revision was not rolled back"
        );
        // The next run tries again and fails the same way: never silently.
        let again = retort::migrate_to_head(&mut conn, &migrations).unwrap_err();
        assert!(
            matches!(again.kind(), MigrateErrorKind::StatementFailed { .. }),
            "{again}"
        );
        return;
    }

    // MySQL: the first statement took effect; every later run refuses.
    assert!(conn.has_table("created_before_failure"));
    for _ in 0..2 {
        let refused = retort::migrate_to_head(&mut conn, &migrations).unwrap_err();
        let message = refused.to_string();
        assert!(
            matches!(refused.kind(), MigrateErrorKind::Unfinished { .. }),
            "{message}"
        );
        assert!(
            message.contains("f2f2f2f2f2f2")
                && message.contains("INSERT INTO no_such_table")
                && message.contains("stamp"),
            "{message}"
        );
    }
    // The documented way out: finish the revision by hand, then stamp it.
    conn.execute("CREATE TABLE never_created (id INTEGER NOT NULL PRIMARY KEY)")
        .unwrap();
    migrator.stamp(&mut conn, "f2f2f2f2f2f2").unwrap();
    assert!(retort::migrate_to_head(&mut conn, &migrations)
        .unwrap()
        .is_empty());
    assert_eq!(migrator.current(&mut conn).unwrap(), ["f2f2f2f2f2f2"]);
}

/// An applied revision whose file was edited or vanished is an error naming
/// it, unless allowed.
fn edited_and_vanished_revisions<C: RunnerBackend>(db: &TestDatabase<C>) {
    let dir = copy_of("linear");
    let mut conn = db.connect();
    retort::migrate_to_head(&mut conn, &Migrations::from_dir(dir.path()).unwrap()).unwrap();

    let file = dir
        .path()
        .join("20240101000002_b2b2b2b2b2b2_add_user_name.sql");
    let original = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, original.replace("VARCHAR(100)", "VARCHAR(200)")).unwrap();
    let edited = Migrations::from_dir(dir.path()).unwrap();
    let error = retort::migrate_to_head(&mut conn, &edited).unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error.kind(), MigrateErrorKind::Edited { .. }),
        "{message}"
    );
    assert!(
        message.contains("b2b2b2b2b2b2") && message.contains("add_user_name.sql"),
        "{message}"
    );
    assert!(Migrator::new(&edited)
        .allow_edited_revisions(true)
        .upgrade(&mut conn, "head")
        .unwrap()
        .is_empty());
    std::fs::write(&file, original).unwrap();

    std::fs::remove_file(
        dir.path()
            .join("20240101000003_c3c3c3c3c3c3_create_posts.sql"),
    )
    .unwrap();
    let vanished = Migrations::from_dir(dir.path()).unwrap();
    let error = retort::migrate_to_head(&mut conn, &vanished).unwrap_err();
    assert!(
        matches!(error.kind(), MigrateErrorKind::Missing { revision } if revision == "c3c3c3c3c3c3"),
        "{error}"
    );
    let tolerant = Migrator::new(&vanished).allow_missing_revisions(true);
    assert!(tolerant.upgrade(&mut conn, "head").unwrap().is_empty());
    assert_eq!(tolerant.current(&mut conn).unwrap(), ["b2b2b2b2b2b2"]);
}

/// The version table changed behind the runner's back: the start-up call,
/// which reads it without the lock when nothing is pending, still reports
/// each change exactly as a full run does, on every backend. Comparisons are
/// byte for byte, whatever the column's collation (MySQL's ignore case and
/// trailing spaces).
fn tampered_version_rows_are_caught_at_start_up<C: RunnerBackend>(db: &TestDatabase<C>) {
    const B: &str = "b2b2b2b2b2b2";
    const C3: &str = "c3c3c3c3c3c3";
    let migrations = fixture("linear");
    let mut conn = db.connect();
    retort::migrate_to_head(&mut conn, &migrations).unwrap();
    let start_up = |conn: &mut C| retort::migrate_to_head(conn, &migrations);
    let b_checksum = migrations
        .graph()
        .unwrap()
        .find(B)
        .unwrap()
        .checksum()
        .to_owned();
    let set = |conn: &mut C, assignments: &str, revision: &str| {
        conn.execute(&format!(
            "UPDATE retort_migrations SET {assignments} WHERE revision = '{revision}'"
        ))
        .unwrap();
    };

    // A recorded checksum edited: another value, or the same in capitals.
    for checksum in ["0".repeat(64), b_checksum.to_uppercase()] {
        set(&mut conn, &format!("checksum = '{checksum}'"), B);
        let error = start_up(&mut conn).unwrap_err();
        assert!(
            matches!(error.kind(), MigrateErrorKind::Edited { revision, file }
                if revision == B && file == "20240101000002_b2b2b2b2b2b2_add_user_name.sql"),
            "{checksum}: {error}"
        );
    }
    set(&mut conn, &format!("checksum = '{b_checksum}'"), B);
    assert!(start_up(&mut conn).unwrap().is_empty());

    // A status other than `applied`, down to its case and spaces: the run
    // refuses as after a failure (MySQL's `failed` state).
    for status in ["failed", "APPLIED", "applied "] {
        set(
            &mut conn,
            &format!(
                "status = '{status}', failed_statement = 'CREATE TABLE posts', failure = 'boom'"
            ),
            C3,
        );
        let error = start_up(&mut conn).unwrap_err();
        assert!(
            matches!(error.kind(), MigrateErrorKind::Unfinished { revision, state, statement, failure }
                if revision == C3 && state == status
                    && statement.as_deref() == Some("CREATE TABLE posts")
                    && failure.as_deref() == Some("boom")),
            "{status:?}: {error}"
        );
    }
    set(
        &mut conn,
        "status = 'applied', failed_statement = NULL, failure = NULL",
        C3,
    );
    assert!(start_up(&mut conn).unwrap().is_empty());

    // A row for a revision no file declares.
    conn.execute(
        "INSERT INTO retort_migrations (revision, parents, message, checksum) \
         VALUES ('ffffffffffff', 'c3c3c3c3c3c3', 'unknown', 'x')",
    )
    .unwrap();
    let error = start_up(&mut conn).unwrap_err();
    assert!(
        matches!(error.kind(), MigrateErrorKind::Missing { revision } if revision == "ffffffffffff"),
        "{error}"
    );
    conn.execute("DELETE FROM retort_migrations WHERE revision = 'ffffffffffff'")
        .unwrap();
    assert!(start_up(&mut conn).unwrap().is_empty());

    // A row deleted: the revision counts as not applied and runs again,
    // which fails on the table it created.
    conn.execute(&format!(
        "DELETE FROM retort_migrations WHERE revision = '{C3}'"
    ))
    .unwrap();
    let error = start_up(&mut conn).unwrap_err();
    assert!(
        matches!(error.kind(), MigrateErrorKind::StatementFailed { revision, index: 1, .. }
            if revision == C3),
        "{error}"
    );
}

/// Every step is logged through `tracing` as Alembic words it, with its
/// time: "Running upgrade a -> b, message (12 ms)".
fn each_step_is_logged<C: RunnerBackend>(db: &TestDatabase<C>) {
    let migrations = fixture("linear");
    let migrator = Migrator::new(&migrations);
    let mut conn = db.connect();
    let logs = logged_while(|| {
        retort::migrate_to_head(&mut conn, &migrations).unwrap();
        migrator.downgrade(&mut conn, "-1").unwrap();
    });
    let steps: Vec<&str> = logs
        .lines()
        .filter_map(|line| line.split_once("Running ").map(|(_, step)| step))
        .collect();
    let expected = [
        "upgrade <base> -> a1a1a1a1a1a1, create users (",
        "upgrade a1a1a1a1a1a1 -> b2b2b2b2b2b2, add name to users (",
        "upgrade b2b2b2b2b2b2 -> c3c3c3c3c3c3, create posts (",
        "downgrade c3c3c3c3c3c3 -> b2b2b2b2b2b2, create posts (",
    ];
    assert_eq!(steps.len(), expected.len(), "{logs}");
    for (step, expected) in steps.iter().zip(expected) {
        let millis = step
            .strip_prefix(expected)
            .and_then(|rest| rest.strip_suffix(" ms)"));
        assert!(
            millis.is_some_and(|millis| millis.parse::<u64>().is_ok()),
            "`{step}` is not `{expected}N ms)`"
        );
    }
}

/// Start-up with nothing to do costs one query (two on SQLite, which also
/// checks its busy timeout).
fn a_no_op_start_up_is_one_query<C: RunnerBackend>(db: &TestDatabase<C>) {
    let migrations = fixture("linear");
    let mut conn = db.connect();
    retort::migrate_to_head(&mut conn, &migrations).unwrap();
    let queries = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&queries);
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { .. } = event {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    });
    assert!(retort::migrate_to_head(&mut conn, &migrations)
        .unwrap()
        .is_empty());
    let expected = if C::BACKEND == BackendKind::Sqlite {
        2
    } else {
        1
    };
    assert_eq!(queries.load(Ordering::Relaxed), expected);
    conn.set_instrumentation(None::<Box<dyn Instrumentation>>);
}

/// Starts this test binary as a child that runs `migrate_to_head`.
fn spawn_child(url: &str, dir: &Path) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "runner::child_process_entry",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_URL, url)
        .env(CHILD_DIR, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Revisions for the concurrency tests: each records that it ran in `runs`,
/// so a revision applied twice shows.
fn counting_revisions(dir: &Path, count: u32, slow: Option<&str>) {
    write_revision(
        dir,
        0,
        "000000000000",
        None,
        "CREATE TABLE runs (rev VARCHAR(20) NOT NULL);",
        "DROP TABLE runs;",
    );
    let mut parent = "000000000000".to_owned();
    for n in 1..=count {
        let id = format!("{n:012x}");
        let mut up =
            format!("CREATE TABLE t_{n} (id INTEGER);\nINSERT INTO runs (rev) VALUES ('{id}');");
        if n == 1 {
            if let Some(slow) = slow {
                up = format!("{slow};\n{up}");
            }
        }
        write_revision(
            dir,
            n,
            &id,
            Some(&parent),
            &up,
            &format!("DROP TABLE t_{n};\nDELETE FROM runs WHERE rev = '{id}';"),
        );
        parent = id;
    }
}

/// Eight processes start at once, several times: each revision runs exactly
/// once and every process succeeds.
fn concurrent_starters<C: RunnerBackend>(db: &TestDatabase<C>) {
    let dir = tempfile::tempdir().unwrap();
    counting_revisions(dir.path(), 6, None);
    let migrations = Migrations::from_dir(dir.path()).unwrap();
    let mut conn = db.connect();
    for round in 0..3 {
        let children: Vec<Child> = (0..8).map(|_| spawn_child(&db.url, dir.path())).collect();
        let mut applied = 0;
        for child in children {
            let output = child.wait_with_output().unwrap();
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(
                output.status.success(),
                "round {round}: a starter failed: {stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
            applied += stdout
                .lines()
                .find_map(|line| line.strip_prefix("applied: "))
                .map_or(0, |ids| ids.split_whitespace().count());
        }
        assert_eq!(applied, 7, "round {round}: revisions applied in total");
        assert_eq!(
            conn.count("SELECT COUNT(*) AS count FROM runs"),
            6,
            "round {round}"
        );
        assert_eq!(version_rows(&mut conn), 7);
        Migrator::new(&migrations)
            .downgrade(&mut conn, "base")
            .unwrap();
    }
}

/// A process killed with SIGKILL in the middle of a long revision; the next
/// run succeeds (on MySQL, after the documented stamp).
fn killed_in_the_middle_of_a_revision<C: RunnerBackend>(db: &TestDatabase<C>) {
    let dir = tempfile::tempdir().unwrap();
    counting_revisions(dir.path(), 2, Some(&C::sleep_sql(2)));
    let migrations = Migrations::from_dir(dir.path()).unwrap();
    let mut conn = db.connect();
    let mut child = spawn_child(&db.url, dir.path());
    let deadline = Instant::now() + Duration::from_secs(30);
    // The slow statement is running, seen twice 300 ms apart (on SQLite the
    // probe sees the write lock, which the rest of the run holds briefly).
    loop {
        assert!(
            Instant::now() < deadline,
            "the child never reached the slow revision"
        );
        if conn.someone_is_sleeping() {
            std::thread::sleep(Duration::from_millis(300));
            if conn.someone_is_sleeping() {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    drop(conn);
    let mut conn = db.connect();

    if C::BACKEND == BackendKind::Mysql {
        let error = retort::migrate_to_head(&mut conn, &migrations).unwrap_err();
        let message = error.to_string();
        assert!(
            matches!(error.kind(), MigrateErrorKind::Unfinished { .. })
                && message.contains("000000000001")
                && message.contains("SLEEP(2)")
                && message.contains("interrupted"),
            "{message}"
        );
        // Nothing of it took effect: record it as not applied and go on.
        Migrator::new(&migrations)
            .stamp(&mut conn, "000000000000")
            .unwrap();
    }
    let report = retort::migrate_to_head(&mut conn, &migrations).unwrap();
    if C::BACKEND == BackendKind::Mysql {
        assert_eq!(report.revisions(), ["000000000001", "000000000002"]);
    } else {
        // The killed transaction took the first revision with it.
        assert_eq!(
            report.revisions(),
            ["000000000000", "000000000001", "000000000002"]
        );
    }
    assert_eq!(conn.count("SELECT COUNT(*) AS count FROM runs"), 2);
}

/// The offline script, applied with the database's own client, gives the
/// same schema and version rows as the runner.
fn offline_sql_matches_the_runner<C: RunnerBackend>(db: &TestDatabase<C>) {
    let migrations = fixture("merged");
    let migrator = Migrator::new(&migrations);
    let mut by_runner = db.connect();
    migrator.upgrade(&mut by_runner, "head").unwrap();

    let Ok(other) = C::create_database() else {
        panic!("a second {} database", C::NAME)
    };
    apply_with_client(&other, &migrator.sql(C::BACKEND, "base", "head").unwrap());
    let mut by_hand = other.connect();
    assert_eq!(by_hand.columns(), by_runner.columns());
    assert!(by_runner
        .columns()
        .iter()
        .any(|column| column.table_name == "team_tags"));
    // The runner accepts the hand-applied database as up to date.
    assert_eq!(migrator.current(&mut by_hand).unwrap(), ["d4d4d4d4d4d4"]);
    assert!(retort::migrate_to_head(&mut by_hand, &migrations)
        .unwrap()
        .is_empty());

    // And back down by hand.
    apply_with_client(&other, &migrator.sql(C::BACKEND, "head", "base").unwrap());
    assert!(migrator.current(&mut by_hand).unwrap().is_empty());
    assert!(!by_hand.has_table("users"));
}

/// The shop the offline-script tests migrate: orders cascade from users,
/// so a table rebuild of `users` with foreign keys on would delete them.
/// (The fields are read only by the derive.)
#[allow(dead_code)]
mod shop_before {
    use retort::Model;

    #[derive(Model)]
    #[model(table = "users")]
    pub struct User {
        #[model(primary_key)]
        pub id: i64,
        #[model(max_length = 50)]
        pub name: String,
    }

    #[derive(Model)]
    #[model(table = "orders")]
    pub struct Order {
        #[model(primary_key)]
        pub id: i64,
        #[model(references = "users.id", on_delete = "cascade")]
        pub user_id: i64,
    }
}

/// The shop after a check on `users.name`: SQLite rebuilds `users` for it.
#[allow(dead_code)]
mod shop_after {
    use retort::Model;

    #[derive(Model)]
    #[model(table = "users")]
    pub struct User {
        #[model(primary_key)]
        pub id: i64,
        #[model(max_length = 50, check = "name <> 'al'")]
        pub name: String,
    }

    pub use super::shop_before::Order;
}

/// Offline scripts applied the way their header says, with the database's
/// own client (foreign keys on, for SQLite): a table rebuild keeps every
/// row and is recorded; a statement that fails stops the script, leaves
/// every row and the schema as they were, and records nothing (MySQL: the
/// revision stays `running`, and the runner refuses to go on).
fn offline_scripts_stop_at_the_first_error<C: RunnerBackend>(db: &TestDatabase<C>) {
    let dir = tempfile::tempdir().unwrap();
    let before = retort::schema![shop_before::User, shop_before::Order];
    let after = retort::schema![shop_after::User, shop_after::Order];
    let mut conn = db.connect();
    retort::autogenerate(&mut conn, &before, dir.path(), "shop").unwrap();
    retort::migrate_to_head(&mut conn, &Migrations::from_dir(dir.path()).unwrap()).unwrap();
    retort::autogenerate(&mut conn, &after, dir.path(), "names are long").unwrap();
    let migrations = Migrations::from_dir(dir.path()).unwrap();
    let migrator = Migrator::new(&migrations);
    let first = migrator.history().unwrap().last().unwrap().id().to_owned();
    let second = migrator.heads()[0].clone();
    assert_ne!(first, second);

    for short_name in [false, true] {
        let Ok(other) = C::create_database() else {
            panic!("a second {} database", C::NAME)
        };
        apply_with_client(&other, &migrator.sql(C::BACKEND, "base", &first).unwrap());
        let mut by_hand = other.connect();
        let names = if short_name {
            "('alice'), ('carol'), ('dave'), ('al')"
        } else {
            "('alice'), ('carol'), ('dave')"
        };
        by_hand
            .execute(&format!("INSERT INTO users (name) VALUES {names}"))
            .unwrap();
        by_hand
            .execute("INSERT INTO orders (user_id) VALUES (1), (1), (2), (3), (3)")
            .unwrap();
        let users = if short_name { 4 } else { 3 };

        let output = run_client(&other, &migrator.sql(C::BACKEND, &first, &second).unwrap());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(by_hand.count("SELECT COUNT(*) AS count FROM users"), users);
        assert_eq!(by_hand.count("SELECT COUNT(*) AS count FROM orders"), 5);
        assert_eq!(
            by_hand.count(
                "SELECT COUNT(*) AS count FROM orders JOIN users ON users.id = orders.user_id"
            ),
            5,
            "every order keeps its user"
        );
        if !short_name {
            assert!(output.status.success(), "{}: {stderr}", C::NAME);
            assert_eq!(
                migrator.current(&mut by_hand).unwrap(),
                std::slice::from_ref(&second)
            );
            let drift = retort::autogen::pending_changes(&mut by_hand, &after).unwrap();
            assert!(
                drift.is_empty(),
                "the schema is the recorded head's: {drift:?}"
            );
            assert!(retort::migrate_to_head(&mut by_hand, &migrations)
                .unwrap()
                .is_empty());
            continue;
        }
        assert!(!output.status.success(), "the client reports the failure");
        assert!(
            stderr.contains("ck_users_name"),
            "the client names the check that failed: {stderr}"
        );
        let drift = retort::autogen::pending_changes(&mut by_hand, &before).unwrap();
        assert!(
            drift.is_empty(),
            "nothing of the failed revision is left: {drift:?}"
        );
        if C::BACKEND == BackendKind::Mysql {
            let error = retort::migrate_to_head(&mut by_hand, &migrations).unwrap_err();
            assert!(
                matches!(error.kind(), MigrateErrorKind::Unfinished { revision, .. } if *revision == second),
                "{error}"
            );
        } else {
            assert_eq!(
                migrator.current(&mut by_hand).unwrap(),
                std::slice::from_ref(&first)
            );
            assert_eq!(
                by_hand.count(&format!(
                    "SELECT COUNT(*) AS count FROM retort_migrations WHERE revision = '{second}'"
                )),
                0
            );
        }
    }
}

/// A revision whose file has SQL for other databases only is refused before
/// anything runs (no version table, not even the revisions before it), with
/// an error naming it and the databases it has; a database it has a section
/// for runs that section, and records that section's checksum, so editing
/// another database's section is not an edit to it.
fn sections_for_other_databases_are_refused_before_anything_runs<C: RunnerBackend>(
    db: &TestDatabase<C>,
) {
    let dir = tempfile::tempdir().unwrap();
    write_revision(
        dir.path(),
        1,
        "a1a1a1a1a1a1",
        None,
        "CREATE TABLE a (id INTEGER);",
        "DROP TABLE a;",
    );
    let sections = |postgres: &str| {
        format!(
            "-- retort:revision b2b2b2b2b2b2\n-- retort:parents a1a1a1a1a1a1\n-- retort:message b\n\
             -- retort:up postgresql\n{postgres}\n-- retort:down postgresql\nDROP TABLE b;\n\
             -- retort:up sqlite\nCREATE TABLE b (id INTEGER PRIMARY KEY AUTOINCREMENT);\n-- retort:down sqlite\nDROP TABLE b;\n"
        )
    };
    let second = dir.path().join("20240101000002_b2b2b2b2b2b2_b.sql");
    std::fs::write(
        &second,
        sections("CREATE TABLE b (id BIGSERIAL PRIMARY KEY);"),
    )
    .unwrap();
    let migrations = Migrations::from_dir(dir.path()).unwrap();
    let mut conn = db.connect();

    if C::BACKEND == BackendKind::Mysql {
        let error = retort::migrate_to_head(&mut conn, &migrations).unwrap_err();
        assert!(
            matches!(
                error.kind(),
                MigrateErrorKind::Revision(RevisionError::NoSqlForBackend { revision, has, .. })
                    if revision == "b2b2b2b2b2b2" && has == &["PostgreSQL", "SQLite"]
            ),
            "{error}"
        );
        assert!(error.to_string().contains("-- retort:up mysql"), "{error}");
        assert!(!conn.has_table("retort_migrations"), "nothing was touched");
        assert!(!conn.has_table("a"), "nothing was touched");
        assert!(Migrator::new(&migrations)
            .sql(BackendKind::Mysql, "base", "head")
            .is_err());
        return;
    }
    let report = retort::migrate_to_head(&mut conn, &migrations).unwrap();
    assert_eq!(report.revisions(), ["a1a1a1a1a1a1", "b2b2b2b2b2b2"]);
    assert!(conn.has_table("b"));

    // Another database's section edited: not an edit to this database.
    let other = if C::BACKEND == BackendKind::Postgres {
        std::fs::read_to_string(&second)
            .unwrap()
            .replace("AUTOINCREMENT);", "AUTOINCREMENT, note TEXT);")
    } else {
        sections("CREATE TABLE b (id BIGINT PRIMARY KEY);")
    };
    std::fs::write(&second, other).unwrap();
    let migrations = Migrations::from_dir(dir.path()).unwrap();
    assert!(retort::migrate_to_head(&mut conn, &migrations)
        .unwrap()
        .is_empty());
    // Its own section edited: an edit.
    let own = std::fs::read_to_string(&second).unwrap().replace(
        &format!("-- retort:down {}", C::BACKEND.label()),
        &format!("SELECT 1;\n-- retort:down {}", C::BACKEND.label()),
    );
    std::fs::write(&second, own).unwrap();
    let migrations = Migrations::from_dir(dir.path()).unwrap();
    let error = retort::migrate_to_head(&mut conn, &migrations).unwrap_err();
    assert!(
        matches!(error.kind(), MigrateErrorKind::Edited { .. }),
        "{error}"
    );
}

/// A `-- retort:transaction off` revision (PostgreSQL's `CREATE INDEX
/// CONCURRENTLY`, which refuses to run in a transaction) applies and is
/// recorded like any other.
fn a_revision_without_a_transaction<C: RunnerBackend>(db: &TestDatabase<C>) {
    let dir = copy_of("linear");
    let concurrently = if C::BACKEND == BackendKind::Postgres {
        "CONCURRENTLY "
    } else {
        ""
    };
    std::fs::write(
        dir.path().join("20240101000004_d4d4d4d4d4d4_index_email.sql"),
        format!(
            "-- retort:revision d4d4d4d4d4d4\n-- retort:parents c3c3c3c3c3c3\n-- retort:transaction off\n-- retort:up\nCREATE INDEX {concurrently}ix_users_email ON users (email);\n-- retort:down\nDROP INDEX {concurrently}ix_users_email{};\n",
            if C::BACKEND == BackendKind::Mysql { " ON users" } else { "" }
        ),
    )
    .unwrap();
    let migrations = Migrations::from_dir(dir.path()).unwrap();
    let migrator = Migrator::new(&migrations);
    let mut conn = db.connect();
    let report = retort::migrate_to_head(&mut conn, &migrations).unwrap();
    assert_eq!(report.revisions().len(), 4);
    assert_eq!(migrator.current(&mut conn).unwrap(), ["d4d4d4d4d4d4"]);
    assert_eq!(
        conn.count("SELECT COUNT(*) AS count FROM retort_migrations WHERE status = 'applied'"),
        4
    );
    assert_eq!(
        migrator.downgrade(&mut conn, "-1").unwrap().revisions(),
        ["d4d4d4d4d4d4"]
    );
    assert_eq!(migrator.current(&mut conn).unwrap(), ["c3c3c3c3c3c3"]);
}

/// MySQL: a run waits for another holder of the migration lock only as long
/// as `lock_timeout`, then says so.
fn the_mysql_lock_times_out_with_a_clear_error<C: RunnerBackend>(db: &TestDatabase<C>) {
    if C::BACKEND != BackendKind::Mysql {
        return;
    }
    let migrations = fixture("linear");
    let mut holder = db.connect();
    assert_eq!(
        holder.count("SELECT GET_LOCK(CONCAT('retort_', MD5(DATABASE())), 0) AS count"),
        1
    );
    let mut conn = db.connect();
    let error = Migrator::new(&migrations)
        .lock_timeout(Duration::from_secs(1))
        .upgrade(&mut conn, "head")
        .unwrap_err();
    assert!(
        matches!(error.kind(), MigrateErrorKind::LockTimeout { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("timed out after 1 s"), "{error}");
    holder
        .execute("DO RELEASE_LOCK(CONCAT('retort_', MD5(DATABASE())))")
        .unwrap();
    assert_eq!(
        retort::migrate_to_head(&mut conn, &migrations)
            .unwrap()
            .revisions()
            .len(),
        3
    );
}

/// MySQL runs the text of `/*! ... */` comments, and so does the runner:
/// a mysqldump-style revision that turns foreign-key checks off to create
/// a table before the one it references applies.
fn mysql_runs_executable_comments<C: RunnerBackend>(db: &TestDatabase<C>) {
    if C::BACKEND != BackendKind::Mysql {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write_revision(
        dir.path(),
        1,
        "d1d1d1d1d1d1",
        None,
        "/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;\n\
         CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, \
         CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES parent (id));\n\
         CREATE TABLE parent (id INT PRIMARY KEY);\n\
         /*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;",
        "DROP TABLE child;\nDROP TABLE parent;",
    );
    let migrations = Migrations::from_dir(dir.path()).unwrap();
    let mut conn = db.connect();
    retort::migrate_to_head(&mut conn, &migrations).unwrap();
    assert_eq!(
        conn.count("SELECT @@FOREIGN_KEY_CHECKS AS count"),
        1,
        "the dump's last comment turned the checks back on"
    );
}

backend_tests!(
    mysql_runs_executable_comments,
    a_revision_without_a_transaction,
    the_mysql_lock_times_out_with_a_clear_error,
    linear_round_trip,
    branches_and_merges,
    failure_at_the_second_statement,
    edited_and_vanished_revisions,
    tampered_version_rows_are_caught_at_start_up,
    a_no_op_start_up_is_one_query,
    each_step_is_logged,
    concurrent_starters,
    killed_in_the_middle_of_a_revision,
    offline_sql_matches_the_runner,
    offline_scripts_stop_at_the_first_error,
    sections_for_other_databases_are_refused_before_anything_runs,
);

/// The child process's body: runs `migrate_to_head` and prints what it
/// applied. Does nothing when run as an ordinary test.
#[test]
fn child_process_entry() {
    let (Ok(url), Ok(dir)) = (std::env::var(CHILD_URL), std::env::var(CHILD_DIR)) else {
        return;
    };
    let migrations = Migrations::from_dir(dir).unwrap();
    let report = match BackendKind::from_url(&url) {
        #[cfg(feature = "postgres")]
        BackendKind::Postgres => retort::migrate_to_head(
            &mut diesel::PgConnection::establish(&url).unwrap(),
            &migrations,
        ),
        #[cfg(feature = "mysql")]
        BackendKind::Mysql => retort::migrate_to_head(
            &mut diesel::MysqlConnection::establish(&url).unwrap(),
            &migrations,
        ),
        #[cfg(feature = "sqlite")]
        BackendKind::Sqlite => retort::migrate_to_head(
            &mut diesel::SqliteConnection::establish(&url).unwrap(),
            &migrations,
        ),
        #[allow(unreachable_patterns)]
        other => panic!("{other} is not compiled in"),
    };
    match report {
        // On a line of its own: libtest prints the test's name before it.
        Ok(report) => println!("\napplied: {}", report.revisions().join(" ")),
        Err(error) => panic!("migrate_to_head failed: {error}"),
    }
}
