//! Fleets on PostgreSQL: 1,000 tenant schemas in one database, and 50
//! databases, each taken through 20 revisions by one `Fleet::upgrade("head")`
//! (what `migrate upgrade head --targets FILE --parallel N` runs), from
//! empty and again as a no-op, at `--parallel` 1, 4 and 16. Its peer, the
//! loop Alembic users write (for each tenant, `command.upgrade` on that
//! tenant's connection), is `benches/peers/alembic_bench.py --rows fleet`,
//! on the same servers with the same DDL; `scripts/bench` runs both and
//! prints them side by side.
//!
//! Each parallelism gets new databases (schemas created empty, outside the
//! timing). The empty-to-head run is timed once per parallelism (it takes
//! seconds to a minute); the no-op run is the median of
//! `RETORT_BENCH_ROUNDS` runs (default 5). The figures go to standard
//! output and to the facts file `scripts/bench` reads.
//!
//! ```sh
//! cargo bench --features postgres --bench fleet
//! ```
//!
//! `RETORT_BENCH_QUICK=1` runs 20 schemas and 5 databases;
//! `RETORT_BENCH_FLEET_KINDS=databases` (or `schemas`) runs one of the two
//! fleets. The server is
//! retort-test-support's (`RETORT_TEST_PG_URL`).

mod support;

use std::time::Instant;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use retort::fleet::{Fleet, Target, TargetStatus};
use retort::{Migrations, Migrator};
use retort_test_support::{FreshDatabase, Server};
use support::rounds::median;

/// Revisions per target.
const REVISIONS: usize = 20;
/// The `--parallel` values measured.
const PARALLEL: [usize; 3] = [1, 4, 16];

/// The revisions: a table each, the DDL of benches/runner.rs.
fn migrations() -> Migrations {
    let mut files = Vec::with_capacity(REVISIONS);
    let mut parent = String::new();
    for n in 0..REVISIONS {
        let id = format!("{:012x}", 0xf1ee_0000_0000_u64 + n as u64);
        let name = format!("2024{n:010}_{id}_table_{n}.sql");
        let contents = format!(
            "-- retort:revision {id}\n-- retort:parents {parent}\n-- retort:message table {n}\n\
             -- retort:up\nCREATE TABLE t_{n} (\n    id BIGINT PRIMARY KEY,\n    name VARCHAR(255) NOT NULL,\n    \
             created_at TIMESTAMPTZ NOT NULL DEFAULT now()\n);\n-- retort:down\nDROP TABLE t_{n};\n"
        );
        files.push((leak(name), leak(contents)));
        parent = id;
    }
    let migrations = Migrations::from_embedded(Box::leak(files.into_boxed_slice()));
    migrations.graph().expect("generated revisions parse");
    migrations
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// A fleet's targets and the databases behind them, dropped with it.
struct Members {
    targets: Vec<Target>,
    _databases: Vec<FreshDatabase>,
}

/// `count` empty schemas `tenant_N` in one new database.
fn schemas(count: usize, parallel: usize) -> Members {
    let database = fresh(&format!("retort_bench_fleet_schemas_{parallel}"));
    let mut conn = PgConnection::establish(&database.url).expect("the bench database");
    let create: String = (0..count)
        .map(|at| format!("CREATE SCHEMA tenant_{at};"))
        .collect();
    // language=SQL
    conn.batch_execute(&create).expect("CREATE SCHEMA");
    Members {
        targets: (0..count)
            .map(|at| Target::new(database.url.clone()).schema(format!("tenant_{at}")))
            .collect(),
        _databases: vec![database],
    }
}

/// `count` new databases.
fn databases(count: usize, parallel: usize) -> Members {
    let databases: Vec<FreshDatabase> = (0..count)
        .map(|at| fresh(&format!("retort_bench_fleet_db_{parallel}_{at}")))
        .collect();
    Members {
        targets: databases
            .iter()
            .map(|database| Target::new(database.url.clone()))
            .collect(),
        _databases: databases,
    }
}

fn fresh(name: &str) -> FreshDatabase {
    FreshDatabase::named(Server::Postgres, name)
        .unwrap_or_else(|error| panic!("creating {name}: {error}"))
}

/// Runs the fleet to head and returns the seconds it took, after checking
/// that every target ended with `expected`.
fn upgrade(
    migrations: &Migrations,
    members: &Members,
    parallel: usize,
    expected: TargetStatus,
) -> f64 {
    let started = Instant::now();
    let report = Fleet::new(Migrator::new(migrations), members.targets.clone())
        .parallel(parallel)
        .upgrade("head")
        .expect("the fleet runs");
    let seconds = started.elapsed().as_secs_f64();
    if let Some(odd) = report
        .targets
        .iter()
        .find(|target| target.status != expected)
    {
        panic!(
            "{} ended {} ({:?}), not {expected}",
            odd.target,
            odd.status,
            odd.message()
        );
    }
    if expected == TargetStatus::Changed {
        assert!(report
            .targets
            .iter()
            .all(|target| target.report.steps().len() == REVISIONS));
    }
    seconds
}

fn main() {
    let quick = std::env::var_os("RETORT_BENCH_QUICK").is_some();
    let (schema_count, database_count) = if quick { (20, 5) } else { (1000, 50) };
    let rounds = support::rounds::from_env(5).max(1);
    if let Err(error) = FreshDatabase::named(Server::Postgres, "retort_bench_fleet_probe") {
        eprintln!("skipped: PostgreSQL unavailable: {error}");
        return;
    }
    let kinds = std::env::var("RETORT_BENCH_FLEET_KINDS")
        .unwrap_or_else(|_| "schemas,databases".to_owned());
    let migrations = migrations();
    for (kind, count) in [("schemas", schema_count), ("databases", database_count)] {
        if !kinds.split(',').any(|wanted| wanted.trim() == kind) {
            continue;
        }
        for parallel in PARALLEL {
            let members = match kind {
                "schemas" => schemas(count, parallel),
                _ => databases(count, parallel),
            };
            let empty_s = upgrade(&migrations, &members, parallel, TargetStatus::Changed);
            let noop: Vec<f64> = (0..rounds)
                .map(|_| upgrade(&migrations, &members, parallel, TargetStatus::Unchanged))
                .collect();
            let noop_s = median(&noop);
            println!(
                "fleet, {count} {kind} x {REVISIONS} revisions, --parallel {parallel}: \
                 from empty {empty_s:.2} s, no-op {noop_s:.3} s (median of {rounds})"
            );
            support::record_fact(&format!(
                r#"{{"row":"fleet","kind":"{kind}","targets":{count},"revisions":{REVISIONS},"parallel":{parallel},"empty_s":{empty_s},"noop_s":{noop_s},"rounds":{rounds}}}"#
            ));
        }
    }
}
