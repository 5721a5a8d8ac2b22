//! Checkout + `SELECT 1` on PostgreSQL from 16, 64 and 256 concurrent tokio
//! tasks, every pool holding 8 connections: retort's `AsyncPool` with
//! `PrePing::IfIdleFor(1 s)` and `PrePing::Always`, against bb8 and deadpool through
//! diesel-async's `pooled_connection`, each with its own check on and off
//! (bb8's `test_on_check_out`, deadpool's `RecyclingMethod::Verified` and
//! `Fast`), and retort's sync pool (`PrePing::IfIdleFor(1 s)`) through
//! `tokio::task::spawn_blocking`, the way an async service uses a blocking
//! pool today. Throughput is in operations per second (criterion's elem/s).
//!
//! ```text
//! cargo bench --bench async_pool --features postgres,async -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! The server is retort-test-support's `RETORT_TEST_PG_URL`, by default
//! `postgres://postgres@127.0.0.1:5432/postgres`. The runtime is tokio's
//! multi-threaded one with a worker per core.
//!
//! A second group, `async_pool_checkout_only`, measures what an async pool
//! itself costs per checkout and return, without a database round trip (one
//! in-memory SQLite connection behind diesel-async's
//! `SyncConnectionWrapper`, one task, checks off; `AsyncPool` with
//! `IfIdleFor(1 s)`, which never pings a connection in constant use).
//!
//! `RETORT_BENCH_ROUNDS=N` measures the rows in interleaved rounds instead
//! of criterion's one-after-the-other runs, as `benches/pool.rs` does (see
//! its header): every contender runs in turn for `RETORT_BENCH_PERIOD_MS`
//! (200 ms unless set; 50 ms with `RETORT_BENCH_QUICK`), N rounds; the bench
//! prints medians, ranges and ratios and records the medians in
//! `RETORT_BENCH_FACTS` for `scripts/bench`'s table. An argument names the
//! groups to measure.
//!
//! ```text
//! RETORT_BENCH_ROUNDS=30 cargo bench --bench async_pool --features postgres,async
//! RETORT_BENCH_ROUNDS=30 cargo bench --bench async_pool --features postgres,async -- tasks_256
//! ```

mod support;

use support::rounds::{self, selected};

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use diesel_async::pooled_connection::{
    bb8, deadpool, AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::AsyncPgConnection;
use retort::pool::{AsyncPool, PoolConfig, PrePing};
use tokio::runtime::Runtime;

const POOL_SIZE: u32 = 8;

const TASKS: [usize; 3] = [16, 64, 256];

/// The checkout + `SELECT 1` group for `tasks` tasks.
fn select_group(tasks: usize) -> String {
    format!("async_pool_checkout_select1/tasks_{tasks}")
}

const CHECKOUT_ONLY_GROUP: &str = "async_pool_checkout_only";

type AsyncSqlite = SyncConnectionWrapper<diesel::SqliteConnection>;

/// The server's administrative database, retort-test-support's
/// `RETORT_TEST_PG_URL` (no table is made: the pools only `SELECT 1`).
fn url() -> String {
    retort_test_support::Server::Postgres
        .admin_url()
        .expect("PostgreSQL has an administrative URL")
}

/// One pool and what one task does with it per operation. Each contender
/// is a type of its own, so that the measuring loop is compiled for it and
/// costs every contender the same: no boxed future per operation.
trait Operation: Clone + Send + Sync + 'static {
    fn run(&self) -> impl Future<Output = ()> + Send;
}

async fn select_one_async(conn: &mut AsyncPgConnection) {
    use diesel_async::RunQueryDsl;
    // language=SQL
    diesel::sql_query("SELECT 1")
        .execute(conn)
        .await
        .expect("SELECT 1");
}

/// retort's `AsyncPool`.
#[derive(Clone)]
struct RetortSelect(AsyncPool<AsyncPgConnection>);

impl Operation for RetortSelect {
    async fn run(&self) {
        select_one_async(&mut self.0.get().await.expect("retort checkout")).await;
    }
}

/// bb8 through diesel-async's manager; its check is `test_on_check_out`
/// (a `SELECT 1` before each checkout when on).
#[derive(Clone)]
struct Bb8Select(bb8::Pool<AsyncPgConnection>);

impl Operation for Bb8Select {
    async fn run(&self) {
        select_one_async(&mut self.0.get().await.expect("bb8 checkout")).await;
    }
}

/// deadpool through diesel-async's manager; its check is the recycling
/// method (`Verified`: a `SELECT 1` when a connection is reused; `Fast`:
/// none).
#[derive(Clone)]
struct DeadpoolSelect(deadpool::Pool<AsyncPgConnection>);

impl Operation for DeadpoolSelect {
    async fn run(&self) {
        select_one_async(&mut self.0.get().await.expect("deadpool checkout")).await;
    }
}

/// retort's blocking pool, a checkout and a query on a blocking thread.
#[derive(Clone)]
struct SyncSpawnBlocking(retort::pool::Pool<diesel::PgConnection>);

impl Operation for SyncSpawnBlocking {
    async fn run(&self) {
        let pool = self.0.clone();
        tokio::task::spawn_blocking(move || {
            use diesel::RunQueryDsl;
            let mut conn = pool.get().expect("retort checkout");
            // language=SQL
            diesel::sql_query("SELECT 1")
                .execute(&mut *conn)
                .expect("SELECT 1");
        })
        .await
        .expect("blocking task");
    }
}

#[derive(Clone)]
struct RetortCheckout(AsyncPool<AsyncSqlite>);

impl Operation for RetortCheckout {
    async fn run(&self) {
        drop(self.0.get().await.expect("retort checkout"));
    }
}

#[derive(Clone)]
struct Bb8Checkout(bb8::Pool<AsyncSqlite>);

impl Operation for Bb8Checkout {
    async fn run(&self) {
        drop(self.0.get().await.expect("bb8 checkout"));
    }
}

#[derive(Clone)]
struct DeadpoolCheckout(deadpool::Pool<AsyncSqlite>);

impl Operation for DeadpoolCheckout {
    async fn run(&self) {
        drop(self.0.get().await.expect("deadpool checkout"));
    }
}

/// Operations per second of `operation` repeated by `tasks` tasks for about
/// `period`. The tasks start together; an operation counts when it ends
/// before the stop, and the clock stops at the stop, so the drain of the
/// tasks still waiting then is not measured.
async fn throughput<O: Operation>(operation: O, tasks: usize, period: Duration) -> f64 {
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let start_line = Arc::new(tokio::sync::Barrier::new(tasks + 1));
    let workers: Vec<_> = (0..tasks)
        .map(|_| {
            let (operation, stop, done, start_line) = (
                operation.clone(),
                Arc::clone(&stop),
                Arc::clone(&done),
                Arc::clone(&start_line),
            );
            tokio::spawn(async move {
                start_line.wait().await;
                let mut mine = 0_u64;
                loop {
                    operation.run().await;
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    mine += 1;
                }
                done.fetch_add(mine, Ordering::Relaxed);
            })
        })
        .collect();
    start_line.wait().await;
    let start = Instant::now();
    tokio::time::sleep(period).await;
    stop.store(true, Ordering::Relaxed);
    let elapsed = start.elapsed();
    for worker in workers {
        worker.await.expect("bench task");
    }
    done.load(Ordering::Relaxed) as f64 / elapsed.as_secs_f64()
}

/// The wall time of `iters` operations spread over `tasks` tasks, scaled
/// to exactly `iters` operations (for criterion's `iter_custom`).
async fn timed<O: Operation>(operation: O, tasks: usize, iters: u64) -> Duration {
    let per_task = iters.div_ceil(tasks as u64).max(1);
    let start = Instant::now();
    let workers: Vec<_> = (0..tasks)
        .map(|_| {
            let operation = operation.clone();
            tokio::spawn(async move {
                for _ in 0..per_task {
                    operation.run().await;
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.expect("bench task");
    }
    start
        .elapsed()
        .mul_f64(iters as f64 / (per_task * tasks as u64) as f64)
}

/// Operations per second with this many tasks for about this long.
type MeasureThroughput = Box<dyn Fn(&Runtime, usize, Duration) -> f64>;

/// The wall time of this many operations spread over this many tasks.
type MeasureTime = Box<dyn Fn(&Runtime, usize, u64) -> Duration>;

/// One contender: its benchmark id and, type-erased, its two ways of being
/// measured.
struct Contender {
    name: &'static str,
    throughput: MeasureThroughput,
    timed: MeasureTime,
}

impl Contender {
    fn new<O: Operation>(name: &'static str, operation: O) -> Self {
        let for_timed = operation.clone();
        Self {
            name,
            throughput: Box::new(move |runtime, tasks, period| {
                runtime.block_on(throughput(operation.clone(), tasks, period))
            }),
            timed: Box::new(move |runtime, tasks, iters| {
                runtime.block_on(timed(for_timed.clone(), tasks, iters))
            }),
        }
    }
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn manager<C>(url: String, recycling_method: RecyclingMethod<C>) -> AsyncDieselConnectionManager<C>
where
    C: diesel_async::AsyncConnection + 'static,
{
    let mut config = ManagerConfig::default();
    config.recycling_method = recycling_method;
    AsyncDieselConnectionManager::new_with_config(url, config)
}

async fn bb8_pool<C>(url: String, size: u32, test_on_check_out: bool) -> bb8::Pool<C>
where
    C: diesel_async::pooled_connection::PoolableConnection + 'static,
    AsyncDieselConnectionManager<C>: ::bb8::ManageConnection<Connection = C>,
{
    // bb8's check is `test_on_check_out`; diesel-async's `is_valid` runs
    // the recycling method's query, so keep it `Verified` for bb8.
    bb8::Pool::builder()
        .max_size(size)
        .min_idle(Some(size))
        .test_on_check_out(test_on_check_out)
        .build(manager(url, RecyclingMethod::Verified))
        .await
        .expect("bb8 pool")
}

fn deadpool_pool<C>(
    url: String,
    size: u32,
    recycling_method: RecyclingMethod<C>,
) -> deadpool::Pool<C>
where
    C: diesel_async::pooled_connection::PoolableConnection + 'static,
    AsyncDieselConnectionManager<C>: ::deadpool::managed::Manager<Type = C>,
{
    deadpool::Pool::builder(manager(url, recycling_method))
        .max_size(size as usize)
        .build()
        .expect("deadpool pool")
}

/// Opens all of `pool`'s connections at once, as bb8 does at build.
async fn warm_deadpool<C>(pool: &deadpool::Pool<C>, size: u32)
where
    AsyncDieselConnectionManager<C>:
        ::deadpool::managed::Manager<Type = C, Error = diesel_async::pooled_connection::PoolError>,
{
    let mut held = Vec::new();
    for _ in 0..size {
        held.push(pool.get().await.expect("deadpool warm-up"));
    }
}

/// retort's `AsyncPool` of `size` connections, all opened.
async fn async_pool<C: retort::pool::AsyncPoolConnection>(
    url: String,
    size: u32,
    pre_ping: PrePing,
) -> AsyncPool<C> {
    let pool = PoolConfig::new(url)
        .pool_size(size)
        .max_overflow(0)
        .pre_ping(pre_ping)
        .build_async::<C>()
        .await
        .expect("retort async pool");
    let mut held = Vec::new();
    for _ in 0..size {
        held.push(pool.get().await.expect("retort warm-up"));
    }
    drop(held);
    pool
}

fn sync_pool(pre_ping: PrePing) -> retort::pool::Pool<diesel::PgConnection> {
    let pool = PoolConfig::new(url())
        .pool_size(POOL_SIZE)
        .max_overflow(0)
        .pre_ping(pre_ping)
        .build::<diesel::PgConnection>()
        .expect("retort pool");
    let warm: Vec<_> = (0..POOL_SIZE).map(|_| pool.get().expect("warm")).collect();
    drop(warm);
    pool
}

/// The PostgreSQL pools, each with a checkout + `SELECT 1`.
fn select_contenders(runtime: &Runtime) -> Vec<Contender> {
    let url = url();
    runtime.block_on(async {
        let deadpool_verified = deadpool_pool(url.clone(), POOL_SIZE, RecyclingMethod::Verified);
        let deadpool_fast = deadpool_pool(url.clone(), POOL_SIZE, RecyclingMethod::Fast);
        warm_deadpool(&deadpool_verified, POOL_SIZE).await;
        warm_deadpool(&deadpool_fast, POOL_SIZE).await;
        let spawn_blocking =
            tokio::task::spawn_blocking(|| sync_pool(PrePing::IfIdleFor(Duration::from_secs(1))))
                .await
                .expect("building the sync pool");
        let if_idle = PrePing::IfIdleFor(Duration::from_secs(1));
        vec![
            Contender::new(
                "retort_if_idle_for_1s",
                RetortSelect(async_pool(url.clone(), POOL_SIZE, if_idle).await),
            ),
            Contender::new(
                "retort_always",
                RetortSelect(async_pool(url.clone(), POOL_SIZE, PrePing::Always).await),
            ),
            Contender::new(
                "retort_sync_spawn_blocking",
                SyncSpawnBlocking(spawn_blocking),
            ),
            Contender::new(
                "bb8_test_on_check_out",
                Bb8Select(bb8_pool(url.clone(), POOL_SIZE, true).await),
            ),
            Contender::new(
                "bb8_no_check",
                Bb8Select(bb8_pool(url.clone(), POOL_SIZE, false).await),
            ),
            Contender::new("deadpool_verified", DeadpoolSelect(deadpool_verified)),
            Contender::new("deadpool_fast", DeadpoolSelect(deadpool_fast)),
        ]
    })
}

/// The one-connection in-memory SQLite pools, each with a checkout and
/// return.
fn checkout_only_contenders(runtime: &Runtime) -> Vec<Contender> {
    runtime.block_on(async {
        let deadpool_fast = deadpool_pool(":memory:".to_owned(), 1, RecyclingMethod::Fast);
        warm_deadpool(&deadpool_fast, 1).await;
        let if_idle = PrePing::IfIdleFor(Duration::from_secs(1));
        vec![
            Contender::new(
                "retort_if_idle_for_1s",
                RetortCheckout(async_pool(":memory:".to_owned(), 1, if_idle).await),
            ),
            Contender::new(
                "bb8_no_check",
                Bb8Checkout(bb8_pool(":memory:".to_owned(), 1, false).await),
            ),
            Contender::new("deadpool_fast", DeadpoolCheckout(deadpool_fast)),
        ]
    })
}

fn bench_group(
    c: &mut Criterion,
    runtime: &Runtime,
    group: &str,
    tasks: usize,
    contenders: &[Contender],
) {
    let mut group = c.benchmark_group(group);
    group.throughput(Throughput::Elements(1));
    for contender in contenders {
        group.bench_function(BenchmarkId::from_parameter(contender.name), |b| {
            b.iter_custom(|iters| (contender.timed)(runtime, tasks, iters))
        });
    }
    group.finish();
}

fn checkout_and_select(c: &mut Criterion) {
    let runtime = runtime();
    let contenders = select_contenders(&runtime);
    for tasks in TASKS {
        bench_group(c, &runtime, &select_group(tasks), tasks, &contenders);
    }
}

fn checkout_only(c: &mut Criterion) {
    let runtime = runtime();
    let contenders = checkout_only_contenders(&runtime);
    bench_group(c, &runtime, CHECKOUT_ONLY_GROUP, 1, &contenders);
}

/// Measures `contenders` with `tasks` tasks in `rounds` interleaved
/// rounds, prints their medians and each retort pool's ratios to each
/// peer, and records each median for `scripts/bench`.
fn interleaved_group(
    runtime: &Runtime,
    group: &str,
    tasks: usize,
    rounds: usize,
    contenders: &[Contender],
) {
    let period = rounds::period();
    let mut runs: Vec<_> = contenders
        .iter()
        .map(|contender| move || (contender.throughput)(runtime, tasks, period))
        .collect();
    let mut runs: Vec<&mut dyn FnMut() -> f64> = runs
        .iter_mut()
        .map(|run| run as &mut dyn FnMut() -> f64)
        .collect();
    let names: Vec<&str> = contenders.iter().map(|contender| contender.name).collect();
    rounds::Group {
        row: "async_pool",
        group,
        ours: |name| name.starts_with("retort_"),
        peer: |name| !name.starts_with("retort_"),
    }
    .compare(rounds, &names, &mut runs);
}

fn interleaved(rounds: usize) {
    let runtime = runtime();
    let groups: Vec<_> = TASKS
        .into_iter()
        .map(|tasks| (select_group(tasks), tasks))
        .filter(|(group, _)| selected(group))
        .collect();
    if !groups.is_empty() {
        let contenders = select_contenders(&runtime);
        for (group, tasks) in groups {
            interleaved_group(&runtime, &group, tasks, rounds, &contenders);
        }
    }
    if selected(CHECKOUT_ONLY_GROUP) {
        let contenders = checkout_only_contenders(&runtime);
        interleaved_group(&runtime, CHECKOUT_ONLY_GROUP, 1, rounds, &contenders);
    }
}

criterion_group!(benches, checkout_and_select, checkout_only);

fn main() {
    match support::rounds::from_env(0) {
        0 => {
            benches();
            Criterion::default().configure_from_args().final_summary();
        }
        rounds => interleaved(rounds),
    }
}
