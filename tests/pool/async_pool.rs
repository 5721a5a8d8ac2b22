//! `retort::pool::AsyncPool` and `retort::migrate_to_head_async` on the real
//! servers: the sync pool's semantics on tokio, cancellation, killed
//! sessions, echo, Prometheus series, and start-up migrations from many
//! tasks at once. Also the sync pool's echo and Prometheus series, which
//! share the async pool's code.

use crate::logs;
use crate::support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use diesel::sql_types::Text;
use diesel::IntoSql;
use diesel_async::{AsyncConnection, SimpleAsyncConnection, TransactionManager};
use logs::LogBuffer;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use rand::{Rng, SeedableRng};
use retort::pool::{AsyncPool, CloseReason, PoolConfig, PoolError, PoolEvent, PrePing};
use retort::{AsyncMigrationConnection, Migrations};
use support::server::Server;
use support::{TestBackend, TestDatabase};

/// A sync test backend and its diesel-async connection.
trait AsyncBackend: TestBackend {
    type Async: AsyncMigrationConnection;

    /// Runs `SELECT <text>` with `text` as a bind value.
    async fn select_bound(conn: &mut Self::Async, text: &str) -> diesel::QueryResult<()>;
}

macro_rules! async_backend {
    ($sync:ty, $async:ty) => {
        impl AsyncBackend for $sync {
            type Async = $async;

            async fn select_bound(conn: &mut $async, text: &str) -> diesel::QueryResult<()> {
                let query = diesel::select(text.to_owned().into_sql::<Text>());
                diesel_async::RunQueryDsl::execute(query, conn)
                    .await
                    .map(drop)
            }
        }
    };
}

#[cfg(feature = "postgres")]
async_backend!(diesel::PgConnection, diesel_async::AsyncPgConnection);
#[cfg(feature = "mysql")]
async_backend!(diesel::MysqlConnection, diesel_async::AsyncMysqlConnection);
#[cfg(feature = "sqlite")]
async_backend!(
    diesel::SqliteConnection,
    diesel_async::sync_connection_wrapper::SyncConnectionWrapper<diesel::SqliteConnection>
);

/// Instantiates async tests once per backend, each on its own runtime.
macro_rules! async_tests {
    ($($test:ident),* $(,)?) => {
        $(
            mod $test {
                #[cfg(feature = "postgres")]
                #[test]
                fn postgres() {
                    $crate::support::run::<diesel::PgConnection>(|db| super::block_on(super::$test(db)));
                }

                #[cfg(feature = "mysql")]
                #[test]
                fn mysql() {
                    $crate::support::run::<diesel::MysqlConnection>(|db| super::block_on(super::$test(db)));
                }

                #[cfg(feature = "sqlite")]
                #[test]
                fn sqlite() {
                    $crate::support::run::<diesel::SqliteConnection>(|db| super::block_on(super::$test(db)));
                }
            }
        )*
    };
}

/// Instantiates async tests for the backends with a server.
macro_rules! async_server_tests {
    ($($test:ident),* $(,)?) => {
        $(
            mod $test {
                #[cfg(feature = "postgres")]
                #[test]
                fn postgres() {
                    $crate::support::run::<diesel::PgConnection>(|db| super::block_on(super::$test(db)));
                }

                #[cfg(feature = "mysql")]
                #[test]
                fn mysql() {
                    $crate::support::run::<diesel::MysqlConnection>(|db| super::block_on(super::$test(db)));
                }
            }
        )*
    };
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(future)
}

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

async fn select_one<C: AsyncConnection>(conn: &mut C) {
    conn.batch_execute("SELECT 1").await.expect("SELECT 1");
}

async fn overflow_timeout_and_events<C: AsyncBackend>(db: &TestDatabase<C>) {
    let (config, events) = recorded(config(db).pool_size(2).max_overflow(1));
    let pool: AsyncPool<C::Async> = config
        .timeout(Duration::from_millis(300))
        .build_async()
        .await
        .unwrap();
    assert_eq!(
        pool.state().connections,
        1,
        "build opens the first connection"
    );

    let mut held = Vec::new();
    for _ in 0..3 {
        let mut conn = pool.get().await.unwrap();
        select_one(&mut *conn).await;
        held.push(conn);
    }
    assert_eq!(pool.state().connections, 3);
    assert_eq!(pool.state().idle_connections, 0);

    let started = Instant::now();
    match pool.get().await {
        Err(PoolError::Exhausted {
            pool_size: 2,
            max_overflow: 1,
            max_size: 3,
            ..
        }) => {}
        other => panic!("expected exhaustion, got {other:?}"),
    }
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(300), "{waited:?}");

    drop(held);
    // The third connection returned was beyond pool_size: closed.
    assert_eq!(closes(&events, CloseReason::Overflow), 1);
    assert_eq!(pool.state().connections, 2);
    assert_eq!(pool.state().idle_connections, 2);

    let metrics = pool.metrics();
    assert_eq!(metrics.checkouts, 3);
    assert_eq!(metrics.timeouts, 1);
    assert_eq!(metrics.connections_opened, 3);
    assert_eq!(metrics.overflow_closed, 1);

    let events = events.lock().unwrap();
    let count = |wanted: fn(&PoolEvent) -> bool| events.iter().filter(|e| wanted(e)).count();
    assert_eq!(count(|e| matches!(e, PoolEvent::Connect { .. })), 3);
    assert_eq!(count(|e| matches!(e, PoolEvent::Checkout { .. })), 3);
    assert_eq!(count(|e| matches!(e, PoolEvent::Checkin { .. })), 3);
}

async fn waiters_are_served_first_come_first_served<C: AsyncBackend>(db: &TestDatabase<C>) {
    let pool: AsyncPool<C::Async> = config(db)
        .pool_size(1)
        .max_overflow(0)
        .build_async()
        .await
        .unwrap();
    let held = pool.get().await.unwrap();
    let order = Arc::new(Mutex::new(Vec::new()));
    let mut waiters = Vec::new();
    for number in 0..8 {
        let waiter_pool = pool.clone();
        let order = Arc::clone(&order);
        waiters.push(tokio::spawn(async move {
            let conn = waiter_pool.get().await.unwrap();
            order.lock().unwrap().push(number);
            tokio::time::sleep(Duration::from_millis(5)).await;
            drop(conn);
        }));
        // Each waiter queues before the next is spawned.
        while pool.metrics().waits < number as u64 + 1 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    drop(held);
    for waiter in waiters {
        waiter.await.unwrap();
    }
    assert_eq!(*order.lock().unwrap(), (0..8).collect::<Vec<_>>());
}

async fn pre_ping_recycle_and_idle_timeout<C: AsyncBackend>(db: &TestDatabase<C>) {
    // Always pings at every checkout.
    let pool: AsyncPool<C::Async> = config(db)
        .pre_ping(PrePing::Always)
        .build_async()
        .await
        .unwrap();
    for _ in 0..5 {
        drop(pool.get().await.unwrap());
    }
    assert_eq!(pool.metrics().pings, 5);

    // Never does not; IfIdleFor only after the interval.
    let pool: AsyncPool<C::Async> = config(db)
        .pre_ping(PrePing::IfIdleFor(Duration::from_millis(100)))
        .build_async()
        .await
        .unwrap();
    drop(pool.get().await.unwrap());
    drop(pool.get().await.unwrap());
    assert_eq!(pool.metrics().pings, 0);
    tokio::time::sleep(Duration::from_millis(150)).await;
    drop(pool.get().await.unwrap());
    assert_eq!(pool.metrics().pings, 1);

    // Recycle replaces a connection older than the limit at checkout.
    let (config_with_events, events) = recorded(config(db).pool_size(1).max_overflow(0));
    let pool: AsyncPool<C::Async> = config_with_events
        .recycle(Duration::from_millis(100))
        .build_async()
        .await
        .unwrap();
    let first = pool.get().await.unwrap().connection_id();
    tokio::time::sleep(Duration::from_millis(150)).await;
    let second = pool.get().await.unwrap().connection_id();
    assert_ne!(first, second, "the old connection was recycled");
    assert_eq!(closes(&events, CloseReason::Recycled), 1);
    assert_eq!(pool.metrics().recycled, 1);

    // Idle timeout closes connections while the pool is quiet.
    let pool: AsyncPool<C::Async> = config(db)
        .idle_timeout(Duration::from_millis(100))
        .build_async()
        .await
        .unwrap();
    let a = pool.get().await.unwrap();
    let b = pool.get().await.unwrap();
    drop((a, b));
    assert_eq!(pool.state().idle_connections, 2);
    let deadline = Instant::now() + Duration::from_secs(5);
    while pool.state().connections > 0 {
        assert!(
            Instant::now() < deadline,
            "idle connections were not closed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // And the pool opens a new one when asked.
    select_one(&mut *pool.get().await.unwrap()).await;
}

async fn on_connect_transactions_invalidate_and_detach<C: AsyncBackend>(db: &TestDatabase<C>) {
    let (config, events) = recorded(
        config(db)
            .pool_size(1)
            .max_overflow(0)
            .on_connect("CREATE TEMPORARY TABLE session_marker (id INTEGER)"),
    );
    let pool: AsyncPool<C::Async> = config.build_async().await.unwrap();
    // on_connect ran on the connection: its temporary table is there.
    let mut conn = pool.get().await.unwrap();
    conn.batch_execute("INSERT INTO session_marker (id) VALUES (1)")
        .await
        .expect("on_connect created the session's table");
    let id = conn.connection_id();
    drop(conn);

    // A connection returned inside a transaction is closed, not reused.
    let mut conn = pool.get().await.unwrap();
    assert_eq!(conn.connection_id(), id, "the idle connection is reused");
    <C::Async as AsyncConnection>::TransactionManager::begin_transaction(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    assert_eq!(closes(&events, CloseReason::Broken), 1);
    let conn = pool.get().await.unwrap();
    assert_ne!(conn.connection_id(), id);

    // invalidate() closes it too.
    let id = conn.connection_id();
    conn.invalidate();
    assert_eq!(closes(&events, CloseReason::Broken), 2);
    let conn = pool.get().await.unwrap();
    assert_ne!(conn.connection_id(), id);

    // detach() takes it out of the pool and frees its slot.
    let mut detached = conn.detach();
    select_one(&mut detached).await;
    assert_eq!(closes(&events, CloseReason::Detached), 1);
    assert_eq!(pool.state().connections, 0);
    let conn = tokio::time::timeout(Duration::from_secs(5), pool.get())
        .await
        .expect("the detached connection's slot is free")
        .unwrap();
    drop(conn);
}

/// Thousands of `get()` calls cancelled at random points, while tasks hold
/// and return connections, leave no slot or connection lost.
async fn cancelled_waits_leave_the_pool_whole<C: AsyncBackend>(db: &TestDatabase<C>) {
    let pool: AsyncPool<C::Async> = config(db)
        .pool_size(3)
        .max_overflow(2)
        .pre_ping(PrePing::Always)
        .build_async()
        .await
        .unwrap();
    let max = 5;
    let mut tasks = Vec::new();
    for worker in 0..20_u64 {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            let mut rng = rand::rngs::StdRng::seed_from_u64(worker);
            let mut served = 0_u32;
            for _ in 0..100 {
                let cancel_after = Duration::from_micros(rng.random_range(0..20_000));
                if let Ok(Ok(mut conn)) = tokio::time::timeout(cancel_after, pool.get()).await {
                    served += 1;
                    if rng.random_bool(0.5) {
                        // Cancel a query too, half way through a round trip.
                        let _ = tokio::time::timeout(
                            Duration::from_micros(rng.random_range(0..500)),
                            conn.batch_execute("SELECT 1"),
                        )
                        .await;
                    }
                }
            }
            served
        }));
    }
    let mut served = 0;
    for task in tasks {
        served += task.await.unwrap();
    }
    assert!(served > 0, "some checkouts were served");

    let state = pool.state();
    assert!(state.connections <= max, "{state:?}");
    assert_eq!(state.connections, state.idle_connections, "{state:?}");
    // Every slot can still be taken, and each connection works.
    let mut held = Vec::new();
    for _ in 0..max {
        let mut conn = tokio::time::timeout(Duration::from_secs(10), pool.get())
            .await
            .expect("a slot was lost")
            .expect("a connection");
        select_one(&mut *conn).await;
        held.push(conn);
    }
    assert_eq!(pool.state().connections, max);
    let metrics = pool.metrics();
    assert!(
        metrics.connections_opened - metrics.connections_closed <= u64::from(max),
        "{metrics:?}"
    );
}

/// A server that ends every session of the pool under load: with pre-ping,
/// the application sees no error.
async fn killed_sessions_give_no_errors_with_pre_ping<C: AsyncBackend + Server>(
    db: &TestDatabase<C>,
) {
    let pool: AsyncPool<C::Async> = config(db)
        .pool_size(4)
        .max_overflow(2)
        .pre_ping(PrePing::Always)
        .build_async()
        .await
        .unwrap();
    let mut admin = db.connect();
    let mut errors = Vec::new();
    for round in 0..5 {
        let mut tasks = Vec::new();
        for _ in 0..32 {
            let pool = pool.clone();
            tasks.push(tokio::spawn(async move {
                let mut conn = pool.get().await.map_err(|error| error.to_string())?;
                conn.batch_execute("SELECT 1")
                    .await
                    .map_err(|error| error.to_string())
            }));
        }
        for task in tasks {
            if let Err(error) = task.await.unwrap() {
                errors.push(format!("round {round}: {error}"));
            }
        }
        C::kill_other_sessions(&mut admin);
        let deadline = Instant::now() + Duration::from_secs(5);
        while C::other_sessions(&mut admin) > 0 {
            assert!(Instant::now() < deadline, "the server kept the sessions");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    assert!(errors.is_empty(), "{errors:?}");
    assert!(pool.metrics().failed_pings >= 4, "{:?}", pool.metrics());
}

/// Every line logged through `tracing` by this test binary.
fn logs() -> &'static LogBuffer {
    static LOGS: OnceLock<LogBuffer> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = LogBuffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("one global subscriber");
        buffer
    })
}

/// The logged lines that contain `marker`.
fn lines_with(marker: &str) -> Vec<String> {
    logs()
        .text()
        .lines()
        .filter(|line| line.contains(marker))
        .map(str::to_owned)
        .collect()
}

async fn echo_logs_statements_not_their_binds<C: AsyncBackend>(db: &TestDatabase<C>) {
    logs();
    let marker = support::unique_name();
    let pool: AsyncPool<C::Async> = config(db).echo(true).build_async().await.unwrap();
    let mut conn = pool.get().await.unwrap();
    let id = conn.connection_id();
    conn.batch_execute(&format!("SELECT 1 /* {marker} plain */"))
        .await
        .unwrap();
    C::select_bound(&mut *conn, &format!("{marker} hunter2"))
        .await
        .unwrap();
    drop(conn);

    let plain = lines_with(&format!("{marker} plain"));
    assert_eq!(plain.len(), 1, "{plain:?}");
    assert!(plain[0].contains(" INFO "), "{}", plain[0]);
    assert!(plain[0].contains("retort::sql"), "{}", plain[0]);
    assert!(
        plain[0].contains(&format!("connection_id={id}")),
        "{}",
        plain[0]
    );
    assert!(plain[0].contains("elapsed_ms="), "{}", plain[0]);
    // The bound statement is logged, its value is not.
    assert!(lines_with(&format!("{marker} hunter2")).is_empty());
    let all = logs().text();
    assert!(
        !all.contains(&format!("{marker} hunter2")),
        "a bind value was logged"
    );

    // With echo_binds the value is shown.
    let pool: AsyncPool<C::Async> = config(db)
        .echo(true)
        .echo_binds(true)
        .build_async()
        .await
        .unwrap();
    let mut conn = pool.get().await.unwrap();
    C::select_bound(&mut *conn, &format!("{marker} shown"))
        .await
        .unwrap();
    assert_eq!(lines_with(&format!("{marker} shown")).len(), 1);

    // Slow statements are logged at WARN with echo off; fast ones are not.
    let pool: AsyncPool<C::Async> = config(db)
        .slow_statement(Duration::from_millis(50))
        .build_async()
        .await
        .unwrap();
    let mut conn = pool.get().await.unwrap();
    conn.batch_execute(&format!("SELECT 1 /* {marker} fast */"))
        .await
        .unwrap();
    conn.batch_execute(&slow_statement::<C>(&marker))
        .await
        .unwrap();
    assert!(lines_with(&format!("{marker} fast")).is_empty());
    let slow = lines_with(&format!("{marker} slow"));
    assert_eq!(slow.len(), 1, "{slow:?}");
    assert!(slow[0].contains(" WARN "), "{}", slow[0]);
    assert!(slow[0].contains("slow statement"), "{}", slow[0]);
}

/// A statement that takes at least 100 ms on `C`'s database.
fn slow_statement<C: TestBackend>(marker: &str) -> String {
    match C::NAME {
        "postgres" => format!("SELECT pg_sleep(0.1) /* {marker} slow */"),
        "mysql" => format!("SELECT SLEEP(0.1) /* {marker} slow */"),
        // A recursive count to a few million.
        _ => format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000) \
             SELECT count(*) FROM n /* {marker} slow */"
        ),
    }
}

/// The Prometheus exporter this test binary reports to.
fn prometheus() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        metrics::set_global_recorder(recorder).expect("one global recorder");
        handle
    })
}

/// The value of each series of `pool` in the exporter's text.
fn series(pool: &str) -> BTreeMap<String, f64> {
    let label = format!("pool=\"{pool}\"");
    prometheus()
        .render()
        .lines()
        .filter(|line| !line.starts_with('#') && line.contains(&label))
        .filter_map(|line| {
            let (name, value) = line.rsplit_once(' ')?;
            Some((
                name.replace(&label, "")
                    .replace("{,", "{")
                    .replace(",}", "}"),
                value.parse().ok()?,
            ))
        })
        .collect()
}

async fn prometheus_sees_checkouts_waits_and_timeouts<C: AsyncBackend>(db: &TestDatabase<C>) {
    prometheus();
    let name = support::unique_name();
    let pool: AsyncPool<C::Async> = config(db)
        .name(&name)
        .pool_size(1)
        .max_overflow(1)
        .timeout(Duration::from_millis(200))
        .build_async()
        .await
        .unwrap();
    let a = pool.get().await.unwrap();
    let b = pool.get().await.unwrap();
    // Both in use, one of them overflow; a third waits and times out.
    let waiting = {
        let pool = pool.clone();
        tokio::spawn(async move { pool.get().await.map(drop) })
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    while series(&name).get("retort_pool_waiting{}") != Some(&1.0) {
        assert!(Instant::now() < deadline, "{:?}", series(&name));
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let busy = series(&name);
    assert_eq!(
        busy["retort_pool_connections{state=\"in_use\"}"], 2.0,
        "{busy:?}"
    );
    assert_eq!(
        busy["retort_pool_connections{state=\"idle\"}"], 0.0,
        "{busy:?}"
    );
    assert_eq!(busy["retort_pool_overflow_in_use{}"], 1.0, "{busy:?}");
    assert_eq!(busy["retort_pool_max_connections{}"], 2.0, "{busy:?}");
    assert!(waiting.await.unwrap().is_err());
    drop((a, b));

    let done = series(&name);
    assert_eq!(done["retort_pool_checkouts_total{}"], 2.0, "{done:?}");
    assert_eq!(done["retort_pool_timeouts_total{}"], 1.0, "{done:?}");
    assert_eq!(done["retort_pool_waiting{}"], 0.0, "{done:?}");
    assert_eq!(
        done["retort_pool_connections_opened_total{}"], 2.0,
        "{done:?}"
    );
    assert_eq!(
        done["retort_pool_connections_closed_total{reason=\"overflow\"}"], 1.0,
        "{done:?}"
    );
    assert_eq!(
        done["retort_pool_connections{state=\"in_use\"}"], 0.0,
        "{done:?}"
    );
    assert_eq!(
        done["retort_pool_connections{state=\"idle\"}"], 1.0,
        "{done:?}"
    );
    assert_eq!(
        done["retort_pool_checkout_wait_seconds_count{}"], 2.0,
        "{done:?}"
    );
    assert_eq!(done["retort_pool_pings_failed_total{}"], 0.0, "{done:?}");
}

/// The linear fixture: three revisions, embedded once per test binary.
fn linear_migrations() -> &'static Migrations {
    static MIGRATIONS: OnceLock<Migrations> = OnceLock::new();
    MIGRATIONS.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/migrations/linear");
        Migrations::from_dir(dir).unwrap()
    })
}

/// Sixteen tasks, each with a pool of its own as replicas have, migrate at
/// once: each revision runs exactly once, and all see the head.
async fn sixteen_tasks_migrate_each_revision_once<C: AsyncBackend>(db: &TestDatabase<C>) {
    let migrations = linear_migrations();
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let config = config(db).pool_size(2).timeout(Duration::from_secs(30));
        tasks.push(tokio::spawn(async move {
            let pool: AsyncPool<C::Async> = config.build_async().await.unwrap();
            let report = retort::migrate_to_head_async(&pool, migrations)
                .await
                .unwrap();
            // The pool still serves after the migration.
            select_one(&mut *pool.get().await.unwrap()).await;
            report.steps().len()
        }));
    }
    let mut applied = 0;
    for task in tasks {
        applied += task.await.unwrap();
    }
    assert_eq!(applied, 3, "each revision ran once across the tasks");
    let mut conn = db.connect();
    assert_eq!(
        conn.select_count("SELECT COUNT(*) AS n FROM retort_migrations"),
        3
    );
    assert_eq!(conn.select_count("SELECT COUNT(*) AS n FROM posts"), 1);
    // Another start-up is a no-op.
    let pool: AsyncPool<C::Async> = config(db).build_async().await.unwrap();
    let report = retort::migrate_to_head_async(&pool, migrations)
        .await
        .unwrap();
    assert!(report.steps().is_empty());
}

/// A failing revision's error comes back as it does from the sync runner.
async fn a_failing_migration_is_reported<C: AsyncBackend>(db: &TestDatabase<C>) {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/migrations/failing");
    let failing: &'static Migrations = Box::leak(Box::new(Migrations::from_dir(dir).unwrap()));
    let pool: AsyncPool<C::Async> = config(db).build_async().await.unwrap();
    let error = retort::migrate_to_head_async(&pool, failing)
        .await
        .expect_err("the second revision fails");
    assert!(
        matches!(
            error.kind(),
            retort::runner::MigrateErrorKind::StatementFailed { .. }
        ),
        "{error}"
    );
    assert_eq!(error.report().steps().len(), 1, "{error}");
}

/// An unreachable database is an error naming the pool's failure.
#[cfg(feature = "postgres")]
#[test]
fn migrating_without_a_connection_is_an_error() {
    block_on(async {
        let result = PoolConfig::new("postgres://retort:secret@127.0.0.1:1/nowhere")
            .timeout(Duration::from_millis(500))
            .build_async::<diesel_async::AsyncPgConnection>()
            .await;
        let error = result.expect_err("nothing listens on port 1");
        let message = error.to_string();
        assert!(message.contains("cannot connect"), "{message}");
        assert!(!message.contains("secret"), "{message}");
    });
}

async_tests!(
    overflow_timeout_and_events,
    waiters_are_served_first_come_first_served,
    pre_ping_recycle_and_idle_timeout,
    on_connect_transactions_invalidate_and_detach,
    cancelled_waits_leave_the_pool_whole,
    echo_logs_statements_not_their_binds,
    prometheus_sees_checkouts_waits_and_timeouts,
    sixteen_tasks_migrate_each_revision_once,
    a_failing_migration_is_reported,
);
async_server_tests!(killed_sessions_give_no_errors_with_pre_ping);

/// The sync pool logs and reports through the same code.
fn sync_pool_echoes_and_reports<C: TestBackend>(db: &TestDatabase<C>) {
    logs();
    prometheus();
    let marker = support::unique_name();
    let pool = config(db)
        .name(&marker)
        .echo(true)
        .slow_statement(Duration::from_millis(50))
        .build::<C>()
        .unwrap();
    let mut conn = pool.get().unwrap();
    conn.batch_execute(&format!("SELECT 1 /* {marker} sync */"))
        .unwrap();
    conn.batch_execute(&slow_statement::<C>(&marker)).unwrap();
    drop(conn);
    let echoed = lines_with(&format!("{marker} sync"));
    assert_eq!(echoed.len(), 1, "{echoed:?}");
    assert!(
        echoed[0].contains(" INFO ") && echoed[0].contains("retort::sql"),
        "{echoed:?}"
    );
    let slow = lines_with(&format!("{marker} slow"));
    assert_eq!(slow.len(), 1, "{slow:?}");
    assert!(slow[0].contains(" WARN "), "{slow:?}");

    let reported = series(&marker);
    assert_eq!(
        reported["retort_pool_checkouts_total{}"], 1.0,
        "{reported:?}"
    );
    assert_eq!(
        reported["retort_pool_connections{state=\"idle\"}"], 1.0,
        "{reported:?}"
    );
    assert_eq!(
        reported["retort_pool_connections{state=\"in_use\"}"], 0.0,
        "{reported:?}"
    );
}

support::backend_tests!(sync_pool_echoes_and_reports);
