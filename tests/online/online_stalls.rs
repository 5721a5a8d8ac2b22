//! How long the application's queries stall while a risky change runs
//! behind another session's long transaction, with and without online mode.
//!
//! For each change kind, against a table of `RETORT_STALL_ROWS` rows
//! (20,000 by default, so each test takes seconds in CI; the 1,000,000
//! with `RETORT_STALL_ROWS=1000000`), three runs:
//!
//! - **offline, no lock timeout**: the plain revision, waiting for its lock
//!   as long as it takes (what retort did before lock timeouts);
//! - **offline, lock timeout**: the plain revision with a 200 ms lock
//!   timeout and retries;
//! - **online**: the online revisions with the same timeout and retries.
//!
//! Each run: two application threads read and write random rows of `items`
//! throughout; a third session holds a transaction that has written to
//! `items` for 1.2 s while `autogenerate` + `migrate_to_head` run. The test
//! asserts behaviour only: each run ends with the schema equal to the
//! target, and, in the online runs of the lock-safe kinds, the application's
//! reads and writes kept completing while the blocker held its lock. The
//! longest stalls are printed (`--no-capture`), not asserted.

use crate::online_support;
use crate::support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use online_support::{base_schema, change_kinds, Blocker, OnlineBackend};
use retort::{autogen::AutogenerateOptions, BackendKind, Migrations, Migrator, Schema};
use support::{backend_tests, TestDatabase};

/// How long the blocking transaction holds its lock.
const HOLD: Duration = Duration::from_millis(1200);

fn rows() -> i64 {
    std::env::var("RETORT_STALL_ROWS")
        .ok()
        .and_then(|rows| rows.parse().ok())
        .unwrap_or(20_000)
}

/// How a run migrates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    OfflineWaiting,
    OfflineWithTimeout,
    Online,
}

/// What the application saw during one run.
#[derive(Debug, Default)]
struct Stalls {
    longest_read: Duration,
    longest_write: Duration,
    reads_while_held: usize,
    writes_while_held: usize,
}

/// One query's kind and when it started and ended.
type Timing = (bool, Instant, Instant);

/// Creates the base schema and fills `items`.
fn prepare<C: OnlineBackend>(db: &TestDatabase<C>) {
    let mut conn = db.connect();
    let create = retort::diff(&Schema::default(), &base_schema());
    for statement in retort::render::render(&create, C::BACKEND.backend()).unwrap() {
        conn.execute(&statement).unwrap();
    }
    let rows = rows();
    // language=SQL
    let fill = match C::BACKEND {
        BackendKind::Postgres => format!(
            "INSERT INTO items (id, sku, qty, team_id) SELECT g, 'sku-' || g, g % 100, NULL FROM generate_series(1, {rows}) AS g"
        ),
        _ => format!(
            "INSERT INTO items (id, sku, qty, team_id) SELECT seq, CONCAT('sku-', seq), seq % 100, NULL FROM seq_1_to_{rows}"
        ),
    };
    conn.execute(&fill).unwrap();
    conn.execute("INSERT INTO teams (id, name) VALUES (1, 'one')")
        .unwrap();
    if C::BACKEND == BackendKind::Postgres {
        conn.execute("ANALYZE items").unwrap();
    }
}

/// Reads or writes random rows until `stop`, recording each query's time.
fn application<C: OnlineBackend>(
    mut conn: C,
    write: bool,
    stop: Arc<AtomicBool>,
    timings: Arc<Mutex<Vec<Timing>>>,
) {
    let rows = rows();
    let mut at: i64 = if write { 17 } else { 3 };
    while !stop.load(Ordering::SeqCst) {
        // Row 1 is the blocker's; every other row is fair game.
        at = (at * 7919 + 13) % (rows - 1) + 2;
        // language=SQL
        let sql = if write {
            format!("UPDATE items SET qty = qty + 1 WHERE id = {at}")
        } else {
            format!("SELECT COUNT(*) AS count FROM items WHERE id = {at}")
        };
        let started = Instant::now();
        if write {
            conn.execute(&sql).unwrap();
        } else {
            conn.count(&sql);
        }
        timings
            .lock()
            .unwrap()
            .push((write, started, Instant::now()));
    }
}

/// One run: the change to `target` in `mode` behind a blocker.
fn run<C: OnlineBackend>(target: &Schema, mode: Mode) -> Option<Stalls> {
    let db = C::create_database().ok()?;
    prepare(&db);
    let dir = tempfile::tempdir().unwrap();
    let mut conn = db.connect();
    let options = AutogenerateOptions::new().online(mode == Mode::Online);
    retort::autogen::autogenerate_with(&mut conn, target, dir.path(), "change", &options)
        .unwrap()
        .expect("the change writes a revision");
    let migrations = Migrations::from_dir(dir.path()).unwrap();
    let migrator = match mode {
        Mode::OfflineWaiting => Migrator::new(&migrations).revision_lock_timeout(None),
        Mode::OfflineWithTimeout | Mode::Online => Migrator::new(&migrations)
            .revision_lock_timeout(Some(Duration::from_millis(200)))
            .lock_retries(100, Duration::from_millis(100)),
    };

    let stop = Arc::new(AtomicBool::new(false));
    let timings = Arc::new(Mutex::new(Vec::new()));
    let workers: Vec<_> = [false, true]
        .into_iter()
        .map(|write| {
            let (conn, stop, timings) = (db.connect(), stop.clone(), timings.clone());
            std::thread::spawn(move || application(conn, write, stop, timings))
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let blocker = Blocker::hold(db.connect(), "items");
    let held = Instant::now();
    let released = blocker.release_after(HOLD);
    let outcome = migrator.upgrade(&mut conn, "head");
    released.join().unwrap();
    let released_at = held + HOLD;
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::SeqCst);
    for worker in workers {
        worker.join().unwrap();
    }
    outcome.unwrap_or_else(|error| panic!("{mode:?}: {error}"));
    let remaining = retort::autogen::pending_changes(&mut conn, target).unwrap();
    assert!(
        remaining.is_empty(),
        "{mode:?}: the schema differs from the target: {remaining:?}"
    );

    let mut stalls = Stalls::default();
    for (write, started, ended) in timings.lock().unwrap().iter() {
        let took = *ended - *started;
        let during = *ended > held && *ended < released_at;
        if *write {
            stalls.longest_write = stalls.longest_write.max(took);
            stalls.writes_while_held += usize::from(during);
        } else {
            stalls.longest_read = stalls.longest_read.max(took);
            stalls.reads_while_held += usize::from(during);
        }
    }
    Some(stalls)
}

/// One change kind in every mode; prints the stalls.
fn stalls_of<C: OnlineBackend>(kind: &str) {
    if C::BACKEND == BackendKind::Sqlite || (C::BACKEND == BackendKind::Mysql && !mysql_runs(kind))
    {
        return;
    }
    let (_, target, lock_safe) = change_kinds()
        .into_iter()
        .find(|(name, _, _)| *name == kind)
        .expect("a change kind");
    for mode in [Mode::OfflineWaiting, Mode::OfflineWithTimeout, Mode::Online] {
        let Some(stalls) = run::<C>(&target, mode) else {
            return;
        };
        println!(
            "stall {} {kind:16} {mode:18?} rows {}: longest read {:>5} ms, longest write {:>5} ms; completed while the blocker held: {} reads, {} writes",
            C::NAME,
            rows(),
            stalls.longest_read.as_millis(),
            stalls.longest_write.as_millis(),
            stalls.reads_while_held,
            stalls.writes_while_held,
        );
        if mode == Mode::Online && lock_safe {
            assert!(
                stalls.reads_while_held > 0 && stalls.writes_while_held > 0,
                "{kind}: online, the application's queries kept completing while the blocker held: {stalls:?}"
            );
        }
    }
}

/// The kinds MySQL/MariaDB can make without copying the table (the others
/// are written offline with a warning, so their runs would measure nothing
/// new). Not `add unique`: on MariaDB a unique key on a TEXT column is a
/// hash over a hidden virtual column, which only a table copy can add, so
/// the server refuses `ALGORITHM=INPLACE` (as online mode means it to).
fn mysql_runs(kind: &str) -> bool {
    matches!(kind, "create index" | "drop index" | "set not null")
}

/// One test per change kind, so they run in parallel; each database the
/// test support reaches, skipping SQLite.
macro_rules! stall_tests {
    ($($test:ident => $kind:literal),* $(,)?) => {
        $(
            fn $test<C: OnlineBackend>(_: &TestDatabase<C>) {
                stalls_of::<C>($kind);
            }
        )*
        backend_tests!($($test),*);
    };
}

stall_tests!(
    create_index => "create index",
    drop_index => "drop index",
    add_foreign_key => "add foreign key",
    add_check => "add check",
    add_unique => "add unique",
    set_not_null => "set not null",
    change_type => "change type",
);
