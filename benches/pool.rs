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
//! The server is retort-test-support's `RETORT_TEST_PG_URL`, by default
//! `postgres://postgres@127.0.0.1:5432/postgres`.
//!
//! A second group, `pool_checkout_only`, measures what the pool itself
//! costs per checkout and return, without a database round trip (one
//! in-memory SQLite connection, one thread): retort's bookkeeping (pre-ping
//! decision, recycle check, metrics, overflow check) against r2d2's.
//!
//! A third group, `statement_echo_off`, measures what the pool's statement
//! watch costs per statement when echo and the slow-statement log are off
//! (`SELECT 1` on one in-memory SQLite connection, held): a connection
//! checked out of retort's pool against a bare diesel connection.
//!
//! Criterion measures one contender after the other, so on a shared machine
//! a change of load between two of them moves their ratio.
//! `RETORT_BENCH_ROUNDS=N` measures the same rows interleaved instead:
//! within each group every contender runs in turn for
//! `RETORT_BENCH_PERIOD_MS` (200 ms unless set; 50 ms with
//! `RETORT_BENCH_QUICK`), N rounds, and the bench prints each one's median
//! and range of operations per second, and the ratios, both of the medians
//! and round by round (two contenders measured moments apart). The medians
//! also go to `RETORT_BENCH_FACTS` for `scripts/bench`'s table. Criterion's
//! options do not apply then; an argument names the groups to measure, as
//! criterion's filter does.
//!
//! ```text
//! RETORT_BENCH_ROUNDS=30 cargo bench --bench pool --features postgres
//! RETORT_BENCH_ROUNDS=30 cargo bench --bench pool --features postgres -- threads_16
//! ```

mod support;

use support::rounds::{self, selected};

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use diesel::r2d2::ConnectionManager;
use diesel::{PgConnection, RunQueryDsl, SqliteConnection};
use retort::pool::{PoolConfig, PrePing};

const POOL_SIZE: u32 = 8;

const THREADS: [usize; 3] = [1, 4, 16];

/// The `checkout_and_select` group for `threads` threads.
fn select_group(threads: usize) -> String {
    format!("pool_checkout_select1/threads_{threads}")
}

const CHECKOUT_ONLY_GROUP: &str = "pool_checkout_only";

const ECHO_OFF_GROUP: &str = "statement_echo_off";

/// One contender: its benchmark id and one operation.
type Contender = (&'static str, Box<dyn Fn() + Sync>);

/// The server's administrative database, retort-test-support's
/// `RETORT_TEST_PG_URL` (no table is made: the pools only `SELECT 1`).
fn url() -> String {
    retort_test_support::Server::Postgres
        .admin_url()
        .expect("PostgreSQL has an administrative URL")
}

fn select_one(conn: &mut PgConnection) {
    diesel::sql_query("SELECT 1")
        .execute(conn)
        .expect("SELECT 1");
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

/// The four PostgreSQL pools, each with a checkout + `SELECT 1`, and the
/// `IfIdleFor` pool again for its metrics.
fn select_contenders() -> (Vec<Contender>, retort::pool::Pool<PgConnection>) {
    let if_idle = retort_pool(PrePing::IfIdleFor(Duration::from_secs(1)));
    let always = retort_pool(PrePing::Always);
    let r2d2_checked = r2d2_pool(true);
    let r2d2_unchecked = r2d2_pool(false);
    let watched = if_idle.clone();
    let contenders: Vec<Contender> = vec![
        (
            "retort_if_idle_for_1s",
            Box::new(move || select_one(&mut if_idle.get().expect("checkout"))),
        ),
        (
            "retort_always",
            Box::new(move || select_one(&mut always.get().expect("checkout"))),
        ),
        (
            "r2d2_test_on_check_out",
            Box::new(move || select_one(&mut r2d2_checked.get().expect("checkout"))),
        ),
        (
            "r2d2_no_check",
            Box::new(move || select_one(&mut r2d2_unchecked.get().expect("checkout"))),
        ),
    ];
    (contenders, watched)
}

/// The two one-connection SQLite pools, each with a checkout and return.
fn checkout_only_contenders() -> Vec<Contender> {
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
    vec![
        (
            "retort_if_idle_for_1s",
            Box::new(move || drop(retort.get().expect("checkout"))),
        ),
        (
            "r2d2_no_check",
            Box::new(move || drop(plain.get().expect("checkout"))),
        ),
    ]
}

/// `SELECT 1` on a held in-memory SQLite connection: one checked out of
/// retort's pool (its watch on, echo off), and a bare one.
fn echo_off_contenders() -> Vec<Contender> {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    use std::sync::Mutex;

    let pool = PoolConfig::new(":memory:")
        .pool_size(1)
        .max_overflow(0)
        .build::<SqliteConnection>()
        .expect("retort pool");
    let pooled = Mutex::new(pool.get().expect("checkout"));
    let bare = Mutex::new(SqliteConnection::establish(":memory:").expect("a connection"));
    let run = |conn: &mut SqliteConnection| conn.batch_execute("SELECT 1").expect("SELECT 1");
    vec![
        (
            "retort_pooled_echo_off",
            Box::new(move || run(&mut pooled.lock().expect("the connection"))),
        ),
        (
            "diesel_bare",
            Box::new(move || run(&mut bare.lock().expect("the connection"))),
        ),
    ]
}

fn print_metrics(pool: &retort::pool::Pool<PgConnection>) {
    let metrics = pool.metrics();
    eprintln!(
        "retort IfIdleFor(1s): {} checkouts, {} pings, {} waits, checkout p50 {:?}, p99 {:?}",
        metrics.checkouts,
        metrics.pings,
        metrics.waits,
        metrics.checkout_latency.p50(),
        metrics.checkout_latency.p99()
    );
}

/// Runs `iters` operations spread over `threads` threads and returns the
/// wall time, scaled to exactly `iters` operations.
fn run_on_threads(threads: usize, iters: u64, operation: &(dyn Fn() + Sync)) -> Duration {
    if threads == 1 {
        // No thread to spawn: criterion times this call as a whole.
        let start = Instant::now();
        for _ in 0..iters {
            operation();
        }
        return start.elapsed();
    }
    let threads = threads as u64;
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

/// Operations per second of `operation` repeated on `threads` threads for
/// about `period`: the threads start together and stop at a flag, so the
/// clock is read twice per measurement, not per operation.
fn throughput(threads: usize, period: Duration, operation: &(dyn Fn() + Sync)) -> f64 {
    let stop = AtomicBool::new(false);
    let start_line = Barrier::new(threads + 1);
    thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    start_line.wait();
                    let mut done = 0_u64;
                    while !stop.load(Ordering::Relaxed) {
                        operation();
                        done += 1;
                    }
                    done
                })
            })
            .collect();
        start_line.wait();
        let start = Instant::now();
        thread::sleep(period);
        stop.store(true, Ordering::Relaxed);
        let done: u64 = workers
            .into_iter()
            .map(|worker| worker.join().expect("bench thread"))
            .sum();
        done as f64 / start.elapsed().as_secs_f64()
    })
}

fn bench_group(c: &mut Criterion, group: &str, threads: usize, contenders: &[Contender]) {
    let mut group = c.benchmark_group(group);
    group.throughput(Throughput::Elements(1));
    for (name, operation) in contenders {
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter_custom(|iters| run_on_threads(threads, iters, operation))
        });
    }
    group.finish();
}

fn checkout_and_select(c: &mut Criterion) {
    let (contenders, if_idle) = select_contenders();
    for threads in THREADS {
        bench_group(c, &select_group(threads), threads, &contenders);
    }
    print_metrics(&if_idle);
}

fn checkout_only(c: &mut Criterion) {
    bench_group(c, CHECKOUT_ONLY_GROUP, 1, &checkout_only_contenders());
}

fn echo_off(c: &mut Criterion) {
    bench_group(c, ECHO_OFF_GROUP, 1, &echo_off_contenders());
}

/// Measures `contenders` on `threads` threads in `rounds` interleaved
/// rounds, prints their medians and each retort pool's ratios to each r2d2
/// pool, and records each median for `scripts/bench`.
fn interleaved_group(group: &str, threads: usize, rounds: usize, contenders: &[Contender]) {
    let period = rounds::period();
    let mut runs: Vec<_> = contenders
        .iter()
        .map(|(_, operation)| move || throughput(threads, period, operation))
        .collect();
    let mut runs: Vec<&mut dyn FnMut() -> f64> = runs
        .iter_mut()
        .map(|run| run as &mut dyn FnMut() -> f64)
        .collect();
    let names: Vec<&str> = contenders.iter().map(|(name, _)| *name).collect();
    rounds::Group {
        row: "pool",
        group,
        ours: |name| name.starts_with("retort_"),
        peer: |name| name.starts_with("r2d2_"),
    }
    .compare(rounds, &names, &mut runs);
}

fn interleaved(rounds: usize) {
    let groups: Vec<_> = THREADS
        .into_iter()
        .map(|threads| (select_group(threads), threads))
        .filter(|(group, _)| selected(group))
        .collect();
    if !groups.is_empty() {
        let (contenders, if_idle) = select_contenders();
        for (group, threads) in groups {
            interleaved_group(&group, threads, rounds, &contenders);
        }
        print_metrics(&if_idle);
    }
    if selected(CHECKOUT_ONLY_GROUP) {
        interleaved_group(CHECKOUT_ONLY_GROUP, 1, rounds, &checkout_only_contenders());
    }
    if selected(ECHO_OFF_GROUP) {
        interleaved_group(ECHO_OFF_GROUP, 1, rounds, &echo_off_contenders());
    }
}

criterion_group!(benches, checkout_and_select, checkout_only, echo_off);

fn main() {
    match support::rounds::from_env(0) {
        0 => {
            benches();
            Criterion::default().configure_from_args().final_summary();
        }
        rounds => interleaved(rounds),
    }
}
