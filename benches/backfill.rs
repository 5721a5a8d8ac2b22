//! The lesson's data migration on a busy PostgreSQL table, as one statement
//! and as a batched backfill through the runner: how long the application's
//! writes stall while it runs (issue #20, point 5).
//!
//! A `users` table of `RETORT_BENCH_BACKFILL_ROWS` rows (default 2,000,000;
//! `RETORT_BENCH_QUICK`: 50,000) takes short single-row updates from
//! `RETORT_BENCH_WRITERS` threads (default 16), each on its own connection,
//! throughout. Then, with the writers going:
//!
//! - **one statement**: `UPDATE users SET email = username || '@example.com'`;
//! - **backfill**: the same `UPDATE` in a revision, after `-- retort:backfill
//!   table=users key=id batch=1000` (`WHERE email IS NULL AND {batch}`),
//!   applied by `Migrator::upgrade`.
//!
//! Before each, `email` is dropped and added again empty, and the table
//! vacuumed, so both start from the same state. For each, and for a quiet
//! window with no migration (the baseline), the latencies of the writes
//! that started while it ran: median, p99, p99.9 and the longest (the longest
//! stall any writer saw), and the total time. The figures go to standard
//! output and to the facts file `scripts/bench` reads.
//!
//! ```text
//! cargo bench --features postgres --bench backfill
//! RETORT_BENCH_BACKFILL_ROWS=200000 cargo bench --features postgres --bench backfill
//! ```
//!
//! Server: retort-test-support's `RETORT_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`).

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::sql_types::BigInt;
use diesel::{Connection, PgConnection, RunQueryDsl};
use retort::{Migrations, Migrator};
use retort_test_support::{FreshDatabase, Server};

/// How many key values one batch of the backfill covers.
const BATCH: i64 = 1000;

/// The lesson's data migration, as one statement.
// language=SQL
const ONE_STATEMENT: &str = "UPDATE users SET email = username || '@example.com'";

/// The same, as the revision's batched backfill.
fn backfill_revision() -> String {
    format!(
        "-- retort:revision 0b0b0b0b0b0b\n-- retort:message fill emails\n-- retort:up\n\
         -- retort:backfill table=users key=id batch={BATCH}\n\
         UPDATE users SET email = username || '@example.com' WHERE email IS NULL AND {{batch}};\n"
    )
}

fn env_number(name: &str) -> Option<i64> {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
}

/// One write: when it started and how long it took.
type Write = (Instant, Duration);

/// The writer threads: each updates random single rows, one statement per
/// transaction, until stopped, and keeps every write's start and latency.
struct Writers {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<Vec<Write>>>,
}

impl Writers {
    fn start(url: &str, count: usize, rows: i64) -> Writers {
        let stop = Arc::new(AtomicBool::new(false));
        let threads = (0..count)
            .map(|thread| {
                let stop = Arc::clone(&stop);
                let url = url.to_owned();
                std::thread::spawn(move || {
                    let mut conn = PgConnection::establish(&url).expect("a writer's connection");
                    // xorshift64*, seeded per thread: no two threads walk
                    // the same rows.
                    let mut state = 0x9E37_79B9_7F4A_7C15_u64 ^ (thread as u64 + 1);
                    let mut writes = Vec::new();
                    while !stop.load(Ordering::Relaxed) {
                        state ^= state >> 12;
                        state ^= state << 25;
                        state ^= state >> 27;
                        let random = state.wrapping_mul(0x2545_F491_4F6C_DD1D);
                        let id = (random % rows as u64) as i64 + 1;
                        let started = Instant::now();
                        // language=SQL
                        diesel::sql_query("UPDATE users SET hits = hits + 1 WHERE id = $1")
                            .bind::<BigInt, _>(id)
                            .execute(&mut conn)
                            .expect("a writer's update");
                        writes.push((started, started.elapsed()));
                    }
                    writes
                })
            })
            .collect();
        Writers { stop, threads }
    }

    fn stop(self) -> Vec<Write> {
        self.stop.store(true, Ordering::Relaxed);
        self.threads
            .into_iter()
            .flat_map(|thread| thread.join().expect("a writer thread"))
            .collect()
    }
}

/// What the writers saw while one variant ran.
struct Seen {
    total: Duration,
    writes: usize,
    median: Duration,
    p99: Duration,
    p999: Duration,
    longest: Duration,
}

impl Seen {
    /// The writes that started in `[from, from + total]`.
    fn of(writes: &[Write], from: Instant, total: Duration) -> Seen {
        let mut latencies: Vec<Duration> = writes
            .iter()
            .filter(|(started, _)| *started >= from && *started <= from + total)
            .map(|(_, latency)| *latency)
            .collect();
        latencies.sort_unstable();
        let at = |fraction: f64| {
            latencies
                .get(
                    ((latencies.len() as f64 * fraction) as usize)
                        .min(latencies.len().saturating_sub(1)),
                )
                .copied()
                .unwrap_or_default()
        };
        Seen {
            total,
            writes: latencies.len(),
            median: at(0.5),
            p99: at(0.99),
            p999: at(0.999),
            longest: latencies.last().copied().unwrap_or_default(),
        }
    }

    fn print(&self, name: &str) {
        println!(
            "{name:<14} total {:>8.2} s   writes {:>7} ({:>6.0}/s)   writer latency: median {:>6.2} ms, p99 {:>8.2} ms, p99.9 {:>8.2} ms, max {:>9.2} ms",
            self.total.as_secs_f64(),
            self.writes,
            self.writes as f64 / self.total.as_secs_f64().max(0.001),
            ms(self.median),
            ms(self.p99),
            ms(self.p999),
            ms(self.longest),
        );
    }

    fn json(&self) -> String {
        format!(
            r#"{{"total_s":{},"writes":{},"median_ms":{},"p99_ms":{},"p999_ms":{},"max_ms":{}}}"#,
            self.total.as_secs_f64(),
            self.writes,
            ms(self.median),
            ms(self.p99),
            ms(self.p999),
            ms(self.longest)
        )
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Empties `email` without touching the rows (dropping a column and adding
/// a nullable one change only the catalog) and vacuums, so each variant
/// starts from the same table.
fn reset(conn: &mut PgConnection) {
    // language=SQL
    conn.batch_execute(
        "ALTER TABLE users DROP COLUMN email; ALTER TABLE users ADD COLUMN email VARCHAR(100)",
    )
    .expect("resetting users.email");
    // Alone: PostgreSQL runs the statements of one batch in one
    // transaction, and VACUUM refuses to run in one.
    conn.batch_execute("VACUUM ANALYZE users")
        .expect("vacuuming users");
}

/// Runs `migrate` with the writers going (after a second of warm-up) and
/// returns what they saw while it ran.
fn under_load(url: &str, writers: usize, rows: i64, migrate: impl FnOnce()) -> Seen {
    let running = Writers::start(url, writers, rows);
    std::thread::sleep(Duration::from_secs(1));
    let from = Instant::now();
    migrate();
    let total = from.elapsed();
    std::thread::sleep(Duration::from_millis(500));
    Seen::of(&running.stop(), from, total)
}

fn main() {
    let quick = std::env::var_os("RETORT_BENCH_QUICK").is_some();
    let rows = env_number("RETORT_BENCH_BACKFILL_ROWS")
        .unwrap_or(if quick { 50_000 } else { 2_000_000 })
        .max(1);
    let writers = env_number("RETORT_BENCH_WRITERS").unwrap_or(16).max(1) as usize;

    let name = format!("retort_bench_backfill_{}", std::process::id());
    let database = match FreshDatabase::named(Server::Postgres, &name) {
        Ok(database) => database,
        Err(error) => {
            eprintln!("skipped: PostgreSQL unavailable: {error}");
            return;
        }
    };
    let url = database.url.clone();
    let mut conn = PgConnection::establish(&url).expect("the bench database");
    let filling = Instant::now();
    // language=SQL
    conn.batch_execute(&format!(
        "CREATE TABLE users (id BIGINT PRIMARY KEY, username VARCHAR(50) NOT NULL, email VARCHAR(100), hits INTEGER NOT NULL DEFAULT 0);
         INSERT INTO users (id, username) SELECT n, 'user' || n FROM generate_series(1, {rows}) AS n"
    ))
    .expect("filling users");
    conn.batch_execute("VACUUM ANALYZE users")
        .expect("vacuuming users");
    eprintln!(
        "users: {rows} rows in {:.1} s; {writers} writers",
        filling.elapsed().as_secs_f64()
    );

    // The writers alone, for comparison.
    let baseline = under_load(&url, writers, rows, || {
        std::thread::sleep(Duration::from_secs(3))
    });

    reset(&mut conn);
    let single = under_load(&url, writers, rows, || {
        conn.batch_execute(ONE_STATEMENT)
            .expect("the one-statement UPDATE");
    });

    reset(&mut conn);
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(
        dir.path()
            .join("20240101000000_0b0b0b0b0b0b_fill_emails.sql"),
        backfill_revision(),
    )
    .expect("writing the revision");
    let migrations = Migrations::from_dir(dir.path()).expect("the revision");
    let batched = under_load(&url, writers, rows, || {
        Migrator::new(&migrations)
            .upgrade(&mut conn, "head")
            .expect("the backfill");
    });
    // language=SQL
    conn.batch_execute("DO $$ BEGIN IF EXISTS (SELECT 1 FROM users WHERE email IS NULL) THEN RAISE EXCEPTION 'rows left unfilled'; END IF; END $$")
        .expect("every row filled");

    let batches = (rows + BATCH - 1) / BATCH;
    println!(
        "UPDATE users SET email = username || '@example.com' on PostgreSQL, {rows} rows, {writers} writers doing single-row updates"
    );
    baseline.print("no migration");
    single.print("one statement");
    batched.print("backfill");
    println!(
        "backfill: {batches} batches of {BATCH} keys, {:.2} ms per batch on average; longest writer stall {:.1} batches",
        ms(batched.total) / batches as f64,
        ms(batched.longest) / (ms(batched.total) / batches as f64)
    );
    support::record_fact(&format!(
        r#"{{"row":"backfill","rows":{rows},"writers":{writers},"batch":{BATCH},"baseline":{},"one_statement":{},"backfill":{}}}"#,
        baseline.json(),
        single.json(),
        batched.json()
    ));

    drop(conn);
    drop(database);
}
