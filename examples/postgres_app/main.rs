//! A PostgreSQL application's start-up: a pool, `migrate_to_head`, queries
//! from a few threads through the model's generated `diesel::table!`, and
//! the pool's metrics.
//!
//! ```text
//! DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!     cargo run --example postgres_app --features postgres,chrono
//! ```
//!
//! Without a reachable server it says so and exits cleanly. It creates the
//! table `retort_example_notes` (and `retort_migrations`) in that database.

use std::time::Duration;

use diesel::prelude::*;
use retort::pool::{Pool, PoolConfig, PoolError, PrePing};

mod models;

use models::{notes, NewNote, Note};

/// The migrations, embedded in the binary.
static MIGRATIONS: retort::Migrations =
    retort::embed_migrations!("examples/postgres_app_migrations");

/// Any error, from any thread.
type AnyError = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), AnyError> {
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let pool = match PoolConfig::new(url.clone())
        .pool_size(4)
        .max_overflow(2)
        .timeout(Duration::from_secs(3))
        .pre_ping(PrePing::IfIdleFor(Duration::from_secs(1)))
        .recycle(Duration::from_secs(300))
        .build::<diesel::PgConnection>()
    {
        Ok(pool) => pool,
        Err(error @ PoolError::Connect { .. }) => {
            println!(
                "skipped: PostgreSQL is unreachable at {}: {error}",
                retort::pool::redact_url(&url)
            );
            return Ok(());
        }
        Err(error) => return Err(error.into()),
    };

    // Start-up: apply whatever revisions are pending (one query when none).
    let report = retort::migrate_to_head(&mut *pool.get()?, &MIGRATIONS)?;
    for step in report.steps() {
        println!(
            "applied {} {} ({} ms)",
            step.revision,
            step.message,
            step.duration.as_millis()
        );
    }

    // Serve "requests": each thread checks a connection out and writes.
    std::thread::scope(|scope| -> Result<(), AnyError> {
        let workers: Vec<_> = (0..8)
            .map(|worker| {
                let pool = &pool;
                scope.spawn(move || write_note(pool, worker))
            })
            .collect();
        for worker in workers {
            worker.join().map_err(|_| "a worker thread panicked")??;
        }
        Ok(())
    })?;
    let conn = &mut *pool.get()?;
    let count: i64 = notes::table.count().get_result(conn)?;
    println!("{count} notes in retort_example_notes");
    let latest: Note = notes::table
        .order(notes::id.desc())
        .select(Note::as_select())
        .first(conn)?;
    println!(
        "latest: note {} \"{}\" at {}",
        latest.id, latest.body, latest.written_at
    );

    let metrics = pool.metrics();
    println!(
        "pool: {} checkouts ({} waited), {} connections opened, {} closed, checkout latency p50 {:?} p99 {:?}",
        metrics.checkouts,
        metrics.waits,
        metrics.connections_opened,
        metrics.connections_closed,
        metrics.checkout_latency.p50(),
        metrics.checkout_latency.p99(),
    );
    Ok(())
}

/// One request: a checkout and an insert.
fn write_note(pool: &Pool<diesel::PgConnection>, worker: usize) -> Result<(), AnyError> {
    let mut conn = pool.get()?;
    let body = format!("written by worker {worker}");
    diesel::insert_into(notes::table)
        .values(NewNote { body: &body })
        .execute(&mut *conn)?;
    Ok(())
}
