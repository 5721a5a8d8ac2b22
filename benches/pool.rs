//! Checkout + `SELECT 1` on PostgreSQL from 1, 4 and 16 threads, pool of 8:
//! retort's pool with `PrePing::IfIdleFor(1 s)` and `PrePing::Always`
//! against plain r2d2 over diesel's `ConnectionManager` with
//! `test_on_check_out` true (r2d2's default: a `SELECT 1` ping per checkout)
//! and false. Throughput is in operations per second (criterion's elem/s).
//!
//! ```text
//! cargo bench --bench pool --features postgres -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! The server is `RETORT_BENCH_PG_URL`, by default
//! `postgres://postgres@127.0.0.1:5432/postgres`.
//!
//! A second group, `pool_checkout_only`, measures what the pool itself
//! costs per checkout and return, without a database round trip (one
//! in-memory SQLite connection, one thread): retort's bookkeeping (pre-ping
//! decision, recycle check, metrics, overflow check) against r2d2's.

use std::thread;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use diesel::r2d2::ConnectionManager;
use diesel::{PgConnection, RunQueryDsl};
use retort::pool::{PoolConfig, PrePing};

const POOL_SIZE: u32 = 8;

fn url() -> String {
    std::env::var("RETORT_BENCH_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn select_one(conn: &mut PgConnection) {
    diesel::sql_query("SELECT 1")
        .execute(conn)
        .expect("SELECT 1");
}

/// Runs `iters` operations spread over `threads` threads and returns the
/// wall time, scaled to exactly `iters` operations.
fn run_on_threads(threads: u64, iters: u64, operation: &(dyn Fn() + Sync)) -> Duration {
    let per_thread = iters.div_ceil(threads).max(1);
    let start = Instant::now();
    thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                for _ in 0..per_thread {
                    operation();
                }
            });
        }
    });
    let elapsed = start.elapsed();
    elapsed.mul_f64(iters as f64 / (per_thread * threads) as f64)
}

fn retort_pool(pre_ping: PrePing) -> retort::pool::Pool<PgConnection> {
    let pool = PoolConfig::new(url())
        .pool_size(POOL_SIZE)
        .max_overflow(0)
        .pre_ping(pre_ping)
        .build::<PgConnection>()
        .expect("retort pool");
    // Open all eight, as r2d2 does at build.
    let warm: Vec<_> = (0..POOL_SIZE).map(|_| pool.get().expect("warm")).collect();
    drop(warm);
    pool
}

fn r2d2_pool(test_on_check_out: bool) -> r2d2::Pool<ConnectionManager<PgConnection>> {
    r2d2::Pool::builder()
        .max_size(POOL_SIZE)
        .test_on_check_out(test_on_check_out)
        .build(ConnectionManager::new(url()))
        .expect("r2d2 pool")
}

fn checkout_and_select(c: &mut Criterion) {
    let if_idle = retort_pool(PrePing::IfIdleFor(Duration::from_secs(1)));
    let always = retort_pool(PrePing::Always);
    let r2d2_checked = r2d2_pool(true);
    let r2d2_unchecked = r2d2_pool(false);

    for threads in [1_u64, 4, 16] {
        let mut group = c.benchmark_group(format!("pool_checkout_select1/threads_{threads}"));
        group.throughput(Throughput::Elements(1));
        group.bench_function(BenchmarkId::from_parameter("retort_if_idle_for_1s"), |b| {
            b.iter_custom(|iters| {
                run_on_threads(threads, iters, &|| {
                    select_one(&mut if_idle.get().expect("checkout"))
                })
            })
        });
        group.bench_function(BenchmarkId::from_parameter("retort_always"), |b| {
            b.iter_custom(|iters| {
                run_on_threads(threads, iters, &|| {
                    select_one(&mut always.get().expect("checkout"))
                })
            })
        });
        group.bench_function(BenchmarkId::from_parameter("r2d2_test_on_check_out"), |b| {
            b.iter_custom(|iters| {
                run_on_threads(threads, iters, &|| {
                    select_one(&mut r2d2_checked.get().expect("checkout"))
                })
            })
        });
        group.bench_function(BenchmarkId::from_parameter("r2d2_no_check"), |b| {
            b.iter_custom(|iters| {
                run_on_threads(threads, iters, &|| {
                    select_one(&mut r2d2_unchecked.get().expect("checkout"))
                })
            })
        });
        group.finish();
    }

    let if_idle_metrics = if_idle.metrics();
    eprintln!(
        "retort IfIdleFor(1s): {} checkouts, {} pings, {} waits, checkout p50 {:?}, p99 {:?}",
        if_idle_metrics.checkouts,
        if_idle_metrics.pings,
        if_idle_metrics.waits,
        if_idle_metrics.checkout_latency.p50(),
        if_idle_metrics.checkout_latency.p99()
    );
}

fn checkout_only(c: &mut Criterion) {
    use diesel::SqliteConnection;

    let retort = PoolConfig::new(":memory:")
        .pool_size(1)
        .max_overflow(0)
        .pre_ping(PrePing::IfIdleFor(Duration::from_secs(1)))
        .build::<SqliteConnection>()
        .expect("retort pool");
    let plain = r2d2::Pool::builder()
        .max_size(1)
        .test_on_check_out(false)
        .build(ConnectionManager::<SqliteConnection>::new(":memory:"))
        .expect("r2d2 pool");
    let mut group = c.benchmark_group("pool_checkout_only");
    group.throughput(Throughput::Elements(1));
    group.bench_function("retort_if_idle_for_1s", |b| {
        b.iter(|| drop(retort.get().expect("checkout")))
    });
    group.bench_function("r2d2_no_check", |b| {
        b.iter(|| drop(plain.get().expect("checkout")))
    });
    group.finish();
}

criterion_group!(benches, checkout_and_select, checkout_only);
criterion_main!(benches);
