//! `retort::pool` on the real servers: the guard, exhaustion, overflow,
//! recycle, pre-ping, `on_connect`, discarding, metrics and SQLite defaults.
//! The fault tests (killed sessions, an unreachable server) are in
//! `pool_faults.rs`.

use crate::support;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::connection::{SimpleConnection, TransactionManager};
use retort::pool::{CloseReason, Pool, PoolConfig, PoolError, PoolEvent, PrePing};
use support::{backend_tests, TestBackend, TestDatabase};

/// A configuration for the test database that fails fast enough for a test.
fn config<C: TestBackend>(db: &TestDatabase<C>) -> PoolConfig {
    PoolConfig::new(db.url.clone()).timeout(Duration::from_secs(10))
}

/// Every event a pool emits, in order.
fn recorded(config: PoolConfig) -> (PoolConfig, Arc<Mutex<Vec<PoolEvent>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&events);
    let config = config.on_event(move |event| sink.lock().unwrap().push(event.clone()));
    (config, events)
}

fn closes(events: &Mutex<Vec<PoolEvent>>, wanted: CloseReason) -> usize {
    events
        .lock()
        .unwrap()
        .iter()
        .filter(|event| matches!(event, PoolEvent::Close { reason, .. } if *reason == wanted))
        .count()
}

/// Leaves a mark on the server session behind a connection: a temporary
/// table, which only that session sees.
fn mark_session<C: TestBackend>(conn: &mut C) {
    conn.batch_execute("CREATE TEMPORARY TABLE retort_marker (id INTEGER)")
        .expect("create a temporary table");
}

/// Whether this connection is the session [`mark_session`] marked.
fn is_marked<C: TestBackend>(conn: &mut C) -> bool {
    conn.execute("DELETE FROM retort_marker").is_ok()
}

fn select_one<C: TestBackend>(conn: &mut C) {
    conn.batch_execute("SELECT 1").expect("SELECT 1");
}

fn guard_derefs_to_the_diesel_connection<C: TestBackend>(db: &TestDatabase<C>) {
    let pool = config(db).pool_size(1).build::<C>().unwrap();
    let mut guard = pool.get().unwrap();
    let conn: &mut C = &mut guard;
    conn.batch_execute("CREATE TABLE items (id INTEGER)")
        .unwrap();
    assert_eq!(
        conn.execute("INSERT INTO items (id) VALUES (1)").unwrap(),
        1
    );
    // What `retort::migrate_to_head(&mut *pool.get()?, ..)` relies on.
    fn takes_any_connection<D: retort::DatabaseConnection>(conn: &mut D) {
        conn.batch_execute("DELETE FROM items").unwrap();
    }
    takes_any_connection(&mut *guard);
    assert_eq!(guard.execute("DELETE FROM items").unwrap(), 0);
}

#[cfg(feature = "postgres")]
#[test]
fn a_postgres_guard_is_a_mut_pg_connection() {
    support::run::<diesel::PgConnection>(|db| {
        let pool = config(db).build::<diesel::PgConnection>().unwrap();
        let mut guard = pool.get().unwrap();
        // The spelling users write: `migrate_to_head(&mut *pool.get()?, ..)`.
        #[allow(clippy::explicit_auto_deref)]
        let conn: &mut diesel::PgConnection = &mut *guard;
        select_one(conn);
    });
}

#[test]
fn a_pool_is_clone_send_and_sync() {
    fn assert_shareable<T: Clone + Send + Sync + 'static>() {}
    #[cfg(feature = "postgres")]
    assert_shareable::<Pool<diesel::PgConnection>>();
    #[cfg(feature = "mysql")]
    assert_shareable::<Pool<diesel::MysqlConnection>>();
    #[cfg(feature = "sqlite")]
    assert_shareable::<Pool<diesel::SqliteConnection>>();
}

fn an_exhausted_pool_fails_after_timeout_naming_its_size<C: TestBackend>(db: &TestDatabase<C>) {
    let timeout = Duration::from_millis(300);
    let pool = config(db)
        .pool_size(2)
        .max_overflow(1)
        .timeout(timeout)
        .build::<C>()
        .unwrap();
    let held: Vec<_> = (0..3).map(|_| pool.get().unwrap()).collect();
    let start = Instant::now();
    let error = pool.get().map(drop).unwrap_err();
    assert!(
        start.elapsed() >= timeout,
        "gave up after {:?}",
        start.elapsed()
    );
    assert!(
        matches!(
            error,
            PoolError::Exhausted {
                pool_size: 2,
                max_overflow: 1,
                max_size: 3,
                ..
            }
        ),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("exhausted"), "{message}");
    assert!(message.contains("all 3 connections"), "{message}");
    assert!(message.contains("pool_size 2"), "{message}");
    assert_eq!(pool.metrics().timeouts, 1);
    drop(held);
    select_one(&mut *pool.get().unwrap());
}

/// The server's count of sessions on the test database, where it has one.
trait ServerSessions: TestBackend {
    fn sessions(_db: &TestDatabase<Self>) -> Option<i64> {
        None
    }
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[cfg(feature = "postgres")]
impl ServerSessions for diesel::PgConnection {
    fn sessions(db: &TestDatabase<Self>) -> Option<i64> {
        let mut admin = db.connect();
        // language=SQL
        let sql = "SELECT COUNT(*) AS n FROM pg_stat_activity \
                   WHERE datname = current_database() AND pid <> pg_backend_pid()";
        let count: Count = diesel::RunQueryDsl::get_result(diesel::sql_query(sql), &mut admin)
            .expect("count sessions");
        Some(count.n)
    }
}

#[cfg(feature = "mysql")]
impl ServerSessions for diesel::MysqlConnection {
    fn sessions(db: &TestDatabase<Self>) -> Option<i64> {
        let mut admin = db.connect();
        // language=SQL
        let sql = "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST \
                   WHERE DB = DATABASE() AND ID <> CONNECTION_ID()";
        let count: Count = diesel::RunQueryDsl::get_result(diesel::sql_query(sql), &mut admin)
            .expect("count sessions");
        Some(count.n)
    }
}

#[cfg(feature = "sqlite")]
impl ServerSessions for diesel::SqliteConnection {}

/// Waits (up to 5 s: servers end sessions asynchronously) until the server
/// reports `expected` sessions, and returns the last count.
fn settled_sessions<C: ServerSessions>(db: &TestDatabase<C>, expected: i64) -> Option<i64> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let count = C::sessions(db)?;
        if count == expected || Instant::now() > deadline {
            return Some(count);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn overflow_connections_are_closed_when_returned<C: ServerSessions>(db: &TestDatabase<C>) {
    let (config, events) = recorded(config(db).pool_size(2).max_overflow(2));
    let pool = config.build::<C>().unwrap();
    let held: Vec<_> = (0..4).map(|_| pool.get().unwrap()).collect();
    assert_eq!(pool.state().connections, 4);
    drop(held);
    assert_eq!(pool.state().connections, 2, "{:?}", pool.state());
    assert_eq!(pool.state().idle_connections, 2);
    let metrics = pool.metrics();
    assert_eq!(metrics.overflow_closed, 2);
    assert_eq!(metrics.connections_closed, 2);
    assert_eq!(closes(&events, CloseReason::Overflow), 2);
    if let Some(sessions) = settled_sessions(db, 2) {
        assert_eq!(sessions, 2, "the server still sees the overflow sessions");
    }
}

fn concurrent_checkouts_never_open_more_than_pool_size_plus_overflow<C: TestBackend>(
    db: &TestDatabase<C>,
) {
    let open = Arc::new(AtomicI64::new(0));
    let most = Arc::new(AtomicI64::new(0));
    let (open_counter, most_counter) = (Arc::clone(&open), Arc::clone(&most));
    let pool = config(db)
        .pool_size(2)
        .max_overflow(2)
        .on_event(move |event| match event {
            PoolEvent::Connect { .. } => {
                let now = open_counter.fetch_add(1, Ordering::SeqCst) + 1;
                most_counter.fetch_max(now, Ordering::SeqCst);
            }
            PoolEvent::Close { .. } => {
                open_counter.fetch_sub(1, Ordering::SeqCst);
            }
            _ => {}
        })
        .build::<C>()
        .unwrap();
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                for _ in 0..25 {
                    let mut conn = pool.get().unwrap();
                    select_one(&mut *conn);
                    std::thread::sleep(Duration::from_millis(1));
                }
            });
        }
    });
    assert!(
        most.load(Ordering::SeqCst) <= 4,
        "{} open at once",
        most.load(Ordering::SeqCst)
    );
    // r2d2 may have opened a connection for a waiter that a returned
    // connection served first; it is beyond pool_size, so it is closed at
    // its first return.
    let deadline = Instant::now() + Duration::from_secs(5);
    while open.load(Ordering::SeqCst) > 2 {
        assert!(
            Instant::now() < deadline,
            "{} connections stay open beyond pool_size",
            open.load(Ordering::SeqCst)
        );
        drop(pool.get().unwrap());
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(pool.state().connections as i64, open.load(Ordering::SeqCst));
    assert!(pool.metrics().checkouts >= 200);
}

fn recycle_replaces_an_old_connection_at_its_next_checkout<C: TestBackend>(db: &TestDatabase<C>) {
    let recycle = Duration::from_millis(300);
    let (config, events) = recorded(
        config(db)
            .pool_size(1)
            .max_overflow(0)
            .pre_ping(PrePing::Never)
            .recycle(recycle),
    );
    let pool = config.build::<C>().unwrap();
    let first = {
        let mut conn = pool.get().unwrap();
        mark_session(&mut *conn);
        conn.connection_id()
    };
    {
        let mut conn = pool.get().unwrap();
        assert_eq!(
            conn.connection_id(),
            first,
            "a young connection was replaced"
        );
        assert!(is_marked(&mut *conn));
    }
    std::thread::sleep(recycle + Duration::from_millis(100));
    let mut conn = pool.get().unwrap();
    assert_ne!(
        conn.connection_id(),
        first,
        "an old connection was handed out"
    );
    assert!(
        !is_marked(&mut *conn),
        "the old server session was handed out"
    );
    assert_eq!(pool.metrics().recycled, 1);
    assert_eq!(closes(&events, CloseReason::Recycled), 1);
}

fn pre_ping_if_idle_for_pings_only_connections_idle_longer<C: TestBackend>(db: &TestDatabase<C>) {
    let idle = Duration::from_millis(300);
    let pool = config(db)
        .pool_size(1)
        .pre_ping(PrePing::IfIdleFor(idle))
        .build::<C>()
        .unwrap();
    let before = pool.metrics().pings;
    for _ in 0..3 {
        select_one(&mut *pool.get().unwrap());
    }
    assert_eq!(pool.metrics().pings, before, "a busy connection was pinged");
    std::thread::sleep(idle + Duration::from_millis(100));
    select_one(&mut *pool.get().unwrap());
    assert_eq!(
        pool.metrics().pings,
        before + 1,
        "an idle connection was not pinged"
    );

    let always = config(db)
        .pool_size(1)
        .pre_ping(PrePing::Always)
        .build::<C>()
        .unwrap();
    let before = always.metrics().pings;
    for _ in 0..3 {
        select_one(&mut *always.get().unwrap());
    }
    assert_eq!(always.metrics().pings, before + 3);

    let never = config(db)
        .pool_size(1)
        .pre_ping(PrePing::Never)
        .build::<C>()
        .unwrap();
    std::thread::sleep(Duration::from_millis(50));
    for _ in 0..3 {
        select_one(&mut *never.get().unwrap());
    }
    assert_eq!(never.metrics().pings, 0);
}

fn on_connect_runs_on_every_new_connection<C: TestBackend>(db: &TestDatabase<C>) {
    let pool = config(db)
        .pool_size(2)
        .max_overflow(0)
        .on_connect("CREATE TEMPORARY TABLE retort_session (id INTEGER)")
        .on_connect("INSERT INTO retort_session (id) VALUES (1)")
        .build::<C>()
        .unwrap();
    let mut first = pool.get().unwrap();
    let mut second = pool.get().unwrap();
    assert_ne!(first.connection_id(), second.connection_id());
    for conn in [&mut first, &mut second] {
        assert_eq!(conn.execute("DELETE FROM retort_session").unwrap(), 1);
    }

    let error = config(db)
        .timeout(Duration::from_millis(500))
        .on_connect("SELECT * FROM retort_no_such_table")
        .build::<C>()
        .unwrap_err();
    assert!(matches!(error, PoolError::Connect { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains("on_connect statement 1 failed"),
        "{message}"
    );
    assert!(message.contains("retort_no_such_table"), "{message}");
}

fn a_connection_returned_inside_a_transaction_is_closed<C: TestBackend>(db: &TestDatabase<C>) {
    let (config, events) = recorded(config(db).pool_size(1).max_overflow(0));
    let pool = config.build::<C>().unwrap();
    let first = {
        let mut conn = pool.get().unwrap();
        mark_session(&mut *conn);
        C::TransactionManager::begin_transaction(&mut *conn).unwrap();
        conn.connection_id()
    };
    assert_eq!(pool.metrics().discarded, 1);
    assert_eq!(pool.state().connections, 0);
    assert_eq!(closes(&events, CloseReason::Broken), 1);
    let mut conn = pool.get().unwrap();
    assert_ne!(conn.connection_id(), first);
    assert!(
        !is_marked(&mut *conn),
        "the session with an open transaction came back"
    );
}

fn a_connection_dropped_by_a_panicking_thread_is_closed<C: TestBackend>(db: &TestDatabase<C>) {
    let pool = config(db)
        .pool_size(1)
        .max_overflow(0)
        .build::<C>()
        .unwrap();
    let outcome = std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let _conn = pool.get().unwrap();
                panic!("a request handler fails while holding a connection");
            })
            .join()
    });
    assert!(outcome.is_err());
    assert_eq!(pool.metrics().discarded, 1);
    select_one(&mut *pool.get().unwrap());
}

fn an_invalidated_connection_is_closed_instead_of_returned<C: TestBackend>(db: &TestDatabase<C>) {
    let (config, events) = recorded(config(db).pool_size(2).max_overflow(0));
    let pool = config.build::<C>().unwrap();
    let conn = pool.get().unwrap();
    let first = conn.connection_id();
    conn.invalidate();
    assert_eq!(pool.state().connections, 0);
    assert_eq!(pool.metrics().discarded, 1);
    assert_eq!(closes(&events, CloseReason::Broken), 1);
    assert_ne!(pool.get().unwrap().connection_id(), first);
}

fn metrics_count_checkouts_waits_connections_and_latency<C: TestBackend>(db: &TestDatabase<C>) {
    let pool = config(db)
        .pool_size(1)
        .max_overflow(1)
        .build::<C>()
        .unwrap();
    let start = pool.metrics();
    assert_eq!(
        start.connections_opened, 1,
        "build opens the first connection"
    );
    assert_eq!(start.checkouts, 0);
    let first = pool.get().unwrap();
    let second = pool.get().unwrap(); // no idle connection: waits for a new one
    drop(second); // beyond pool_size: closed
    drop(first);
    select_one(&mut *pool.get().unwrap());
    let metrics = pool.metrics();
    assert_eq!(metrics.checkouts, 3);
    assert_eq!(metrics.waits, 1);
    assert_eq!(metrics.timeouts, 0);
    assert_eq!(metrics.connections_opened, 2);
    assert_eq!(metrics.connections_closed, 1);
    assert_eq!(metrics.overflow_closed, 1);
    assert_eq!(metrics.connect_failures, 0);
    let latency = &metrics.checkout_latency;
    assert_eq!(latency.count, 3);
    assert!(latency.p50() <= latency.p99() && latency.p99() <= latency.max);
    assert!(latency.max > Duration::ZERO);
    assert_eq!(latency.buckets().last().map(|(_, count)| count), Some(3));
}

backend_tests!(
    guard_derefs_to_the_diesel_connection,
    an_exhausted_pool_fails_after_timeout_naming_its_size,
    overflow_connections_are_closed_when_returned,
    concurrent_checkouts_never_open_more_than_pool_size_plus_overflow,
    recycle_replaces_an_old_connection_at_its_next_checkout,
    pre_ping_if_idle_for_pings_only_connections_idle_longer,
    on_connect_runs_on_every_new_connection,
    a_connection_returned_inside_a_transaction_is_closed,
    a_connection_dropped_by_a_panicking_thread_is_closed,
    an_invalidated_connection_is_closed_instead_of_returned,
    metrics_count_checkouts_waits_connections_and_latency,
);

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;
    use diesel::SqliteConnection;

    #[derive(diesel::QueryableByName)]
    struct Value {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }

    fn pragma(conn: &mut SqliteConnection, sql: &str) -> String {
        diesel::RunQueryDsl::get_result::<Value>(diesel::sql_query(sql), conn)
            .expect(sql)
            .value
    }

    const SCHEMA: &str = "CREATE TABLE teams (id INTEGER PRIMARY KEY);
        CREATE TABLE players (id INTEGER PRIMARY KEY, team_id INTEGER REFERENCES teams (id));";

    #[test]
    fn defaults_enforce_foreign_keys_wait_for_locks_and_use_wal() {
        support::run::<SqliteConnection>(|db| {
            let pool = config(db).build::<SqliteConnection>().unwrap();
            let mut conn = pool.get().unwrap();
            conn.batch_execute(SCHEMA).unwrap();
            let orphan = conn.execute("INSERT INTO players (id, team_id) VALUES (1, 42)");
            assert!(orphan.is_err(), "a row pointing at no team was accepted");
            // language=SQL
            let mode = "SELECT CAST(journal_mode AS TEXT) AS value FROM pragma_journal_mode";
            assert_eq!(pragma(&mut conn, mode), "wal");
            // language=SQL
            let busy = "SELECT CAST(timeout AS TEXT) AS value FROM pragma_busy_timeout";
            assert_eq!(pragma(&mut conn, busy), "5000");
        });
    }

    #[test]
    fn defaults_can_be_overridden() {
        support::run::<SqliteConnection>(|db| {
            let pool = config(db)
                .sqlite_foreign_keys(false)
                .sqlite_wal(false)
                .sqlite_busy_timeout(Some(Duration::from_millis(1234)))
                .build::<SqliteConnection>()
                .unwrap();
            let mut conn = pool.get().unwrap();
            conn.batch_execute(SCHEMA).unwrap();
            assert_eq!(
                conn.execute("INSERT INTO players (id, team_id) VALUES (1, 42)")
                    .unwrap(),
                1
            );
            // language=SQL
            let mode = "SELECT CAST(journal_mode AS TEXT) AS value FROM pragma_journal_mode";
            assert_eq!(pragma(&mut conn, mode), "delete");
            // language=SQL
            let busy = "SELECT CAST(timeout AS TEXT) AS value FROM pragma_busy_timeout";
            assert_eq!(pragma(&mut conn, busy), "1234");
        });
    }

    /// SQLite does not wait through `busy_timeout` for the lock that
    /// switches a database to WAL while another connection is about to
    /// write (another replica starting, or switching too): the build used to
    /// fail at once with "database is locked". The switch now waits for the
    /// writer as long as `busy_timeout` allows, and no longer.
    #[test]
    fn the_switch_to_wal_waits_for_a_writer_within_busy_timeout() {
        support::run::<SqliteConnection>(|db| {
            let mut writer = db.connect();
            writer.batch_execute(SCHEMA).unwrap();
            writer.batch_execute("BEGIN IMMEDIATE").unwrap();
            let impatient = config(db)
                .sqlite_busy_timeout(None)
                .build::<SqliteConnection>()
                .map(drop)
                .unwrap_err()
                .to_string();
            assert!(
                impatient.contains("SQLite default `PRAGMA journal_mode = WAL` failed")
                    && impatient.contains("database is locked"),
                "{impatient}"
            );
            let patient = config(db).sqlite_busy_timeout(Some(Duration::from_secs(10)));
            let building = std::thread::spawn(move || patient.build::<SqliteConnection>());
            std::thread::sleep(Duration::from_millis(300));
            writer.batch_execute("COMMIT").unwrap();
            let pool = building.join().unwrap().unwrap();
            // language=SQL
            let mode = "SELECT CAST(journal_mode AS TEXT) AS value FROM pragma_journal_mode";
            assert_eq!(pragma(&mut pool.get().unwrap(), mode), "wal");
        });
    }

    /// A file SQLite cannot open fails the build at once with SQLite's
    /// reason, not after the pool's whole `timeout`.
    #[test]
    fn a_file_that_cannot_be_opened_fails_the_build_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("no-such-directory").join("app.db");
        let patient = Duration::from_secs(120);
        let start = std::time::Instant::now();
        let error = PoolConfig::new(url.to_string_lossy())
            .timeout(patient)
            .build::<SqliteConnection>()
            .map(drop)
            .unwrap_err();
        assert!(
            start.elapsed() < patient / 4,
            "waited {:?}",
            start.elapsed()
        );
        assert!(
            error
                .to_string()
                .contains("Unable to open the database file"),
            "{error}"
        );
    }

    #[test]
    fn an_in_memory_database_keeps_its_journal() {
        let pool = PoolConfig::new(":memory:")
            .pool_size(1)
            .build::<SqliteConnection>()
            .unwrap();
        let mut conn = pool.get().unwrap();
        // language=SQL
        let mode = "SELECT CAST(journal_mode AS TEXT) AS value FROM pragma_journal_mode";
        assert_eq!(pragma(&mut conn, mode), "memory");
    }
}
