//! The runner on PostgreSQL with 1000 revisions:
//!
//! - `apply_1000`: applying all of them to an empty database with
//!   `migrate_to_head`, against the same DDL executed raw on one connection
//!   (the floor: no bookkeeping at all), statement by statement as
//!   autocommits (`raw_ddl_floor`) and inside one transaction
//!   (`raw_ddl_one_transaction`, which is how retort applies consecutive
//!   revisions), and against diesel_migrations' `run_pending_migrations`;
//! - `noop_startup`: the start-up call when everything is applied, against
//!   diesel_migrations.
//!
//! Both tools get their migrations in memory, as an application embedding
//! them would (retort's `Migrations::from_embedded`, diesel's
//! `EmbeddedMigrations`), generated at start into a temporary directory.
//! Connecting and creating/dropping the database are outside the timings.
//!
//! ```sh
//! cargo bench --bench runner --features postgres -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! PostgreSQL comes from retort-test-support (`RETORT_TEST_PG_URL`, default
//! `postgres://postgres@127.0.0.1:5432/postgres`). Ratios are printed at
//! the end. `RETORT_BENCH_REVISIONS=20` generates 20 revisions instead of
//! 1000 (group `apply_20`), as `scripts/bench --quick` does.
//!
//! Besides criterion's groups, which time one contender after the other,
//! both contenders are also timed alternately and compared by medians, so
//! load that comes and goes on a shared machine hits both alike:
//! `RETORT_BENCH_ROUNDS` rounds of applying every revision (default 5; each
//! takes seconds) and `RETORT_BENCH_NOOP_ROUNDS` no-op start-up calls each
//! (default 500; well under a second). 0 skips them. To time only the
//! start-up call:
//!
//! ```sh
//! RETORT_BENCH_ROUNDS=0 cargo bench --bench runner --features postgres -- noop_startup
//! ```

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, QueryResult};
use diesel_migrations::{
    EmbeddedMigration, EmbeddedMigrations, EmbeddedName, MigrationHarness, TomlMetadataWrapper,
};
use retort::Migrations;
use retort_test_support::{FreshDatabase, Server};

/// How many revisions are generated: `RETORT_BENCH_REVISIONS`, by default
/// 1000.
fn revision_count() -> usize {
    std::env::var("RETORT_BENCH_REVISIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000)
}

/// PostgreSQL's administrative URL (retort-test-support's
/// `RETORT_TEST_PG_URL`).
fn admin_url() -> String {
    Server::Postgres
        .admin_url()
        .expect("PostgreSQL has an administrative URL")
}

/// A database created for one contender and dropped after it.
struct Scratch {
    database: FreshDatabase,
}

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let name = format!("retort_bench_{tag}_{}", std::process::id());
        let database = FreshDatabase::named(Server::Postgres, &name)
            .unwrap_or_else(|error| panic!("creating the bench database: {error}"));
        Scratch { database }
    }

    fn connect(&self) -> PgConnection {
        PgConnection::establish(&self.database.url).expect("connect to the bench database")
    }

    /// Empties the database again: a new `public` schema, cheaper than a new
    /// database (PostgreSQL checkpoints at every `DROP DATABASE`).
    fn empty(&self) {
        // language=SQL
        self.connect()
            .batch_execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            .expect("empty the bench database");
    }
}

/// One generated revision.
struct Generated {
    up: &'static str,
    down: &'static str,
    retort_file: (&'static str, &'static str),
    diesel_name: &'static str,
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// Writes `count` revisions in both tools' layouts under `dir` and returns
/// them as read back.
fn generate(dir: &Path, count: usize) -> Vec<Generated> {
    let retort_dir = dir.join("retort");
    std::fs::create_dir_all(&retort_dir).unwrap();
    let mut parent = String::new();
    let mut generated = Vec::with_capacity(count);
    for n in 0..count {
        let id = format!("{:012x}", 0xbe00_0000_0000_u64 + n as u64);
        let up = format!(
            "CREATE TABLE t_{n} (\n    id BIGINT PRIMARY KEY,\n    name VARCHAR(255) NOT NULL,\n    created_at TIMESTAMPTZ NOT NULL DEFAULT now()\n);\n"
        );
        let down = format!("DROP TABLE t_{n};\n");
        let stamp = format!("2024{:010}", n);
        let file_name = format!("{stamp}_{id}_table_{n}.sql");
        let contents = format!(
            "-- retort:revision {id}\n-- retort:parents {parent}\n-- retort:message table {n}\n-- retort:up\n{up}-- retort:down\n{down}"
        );
        std::fs::write(retort_dir.join(&file_name), &contents).unwrap();
        let diesel_dir = dir.join("diesel").join(format!("{stamp}_table_{n}"));
        std::fs::create_dir_all(&diesel_dir).unwrap();
        std::fs::write(diesel_dir.join("up.sql"), &up).unwrap();
        std::fs::write(diesel_dir.join("down.sql"), &down).unwrap();
        generated.push(Generated {
            up: leak(up),
            down: leak(down),
            retort_file: (leak(file_name), leak(contents)),
            diesel_name: leak(format!("{stamp}_table_{n}")),
        });
        parent = id;
    }
    generated
}

fn retort_migrations(generated: &[Generated]) -> Migrations {
    let files: Vec<(&'static str, &'static str)> =
        generated.iter().map(|g| g.retort_file).collect();
    let migrations = Migrations::from_embedded(Box::leak(files.into_boxed_slice()));
    migrations.graph().expect("generated revisions parse");
    migrations
}

fn diesel_migrations_of(generated: &[Generated]) -> &'static [EmbeddedMigration] {
    let migrations: Vec<EmbeddedMigration> = generated
        .iter()
        .map(|g| {
            EmbeddedMigration::new(
                g.up,
                Some(g.down),
                EmbeddedName::new(g.diesel_name),
                TomlMetadataWrapper::new(true),
            )
        })
        .collect();
    Box::leak(migrations.into_boxed_slice())
}

/// The floor: every revision's DDL, one autocommit each.
fn raw_ddl(conn: &mut PgConnection, generated: &[Generated]) {
    for g in generated {
        conn.batch_execute(g.up).unwrap();
    }
}

/// The floor for applying in one transaction, as retort does.
fn raw_ddl_in_one_transaction(conn: &mut PgConnection, generated: &[Generated]) {
    conn.transaction(|conn| {
        for g in generated {
            conn.batch_execute(g.up)?;
        }
        QueryResult::Ok(())
    })
    .unwrap();
}

/// Times `apply` on an emptied database and a new connection per
/// iteration.
fn time_on_empty_database(
    scratch: &Scratch,
    iterations: u64,
    mut apply: impl FnMut(&mut PgConnection),
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iterations {
        scratch.empty();
        let mut conn = scratch.connect();
        let started = Instant::now();
        apply(&mut conn);
        total += started.elapsed();
    }
    total
}

/// Where criterion writes its estimates: `CRITERION_HOME`, else
/// `$CARGO_TARGET_DIR/criterion`, else `target/criterion` (as criterion
/// itself chooses, short of asking `cargo metadata`).
fn criterion_home() -> std::path::PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return home.into();
    }
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| "target".into(), std::path::PathBuf::from)
        .join("criterion")
}

fn mean_ns(c: &Criterion, group: &str, id: &str) -> Option<f64> {
    let _ = c;
    let path = criterion_home()
        .join(group)
        .join(id)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    value["mean"]["point_estimate"].as_f64()
}

fn bench(c: &mut Criterion) {
    if PgConnection::establish(&admin_url()).is_err() {
        eprintln!(
            "skipped: PostgreSQL unreachable at {}",
            retort::pool::redact_url(&admin_url())
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let revisions = revision_count();
    let generated = generate(dir.path(), revisions);
    let retort_set = retort_migrations(&generated);
    let diesel_set = diesel_migrations_of(&generated);
    // Reading the generated directory back must give the same revisions.
    let from_dir = Migrations::from_dir(dir.path().join("retort")).unwrap();
    assert_eq!(from_dir.graph().unwrap().revisions().len(), revisions);

    let apply_group = format!("apply_{revisions}");
    let mut apply = c.benchmark_group(&apply_group);
    // Each iteration empties a database: ten of them, not criterion's
    // 1 + 2 + ... + 10.
    apply.sample_size(10).sampling_mode(SamplingMode::Flat);
    let (raw_db, raw_tx_db) = (Scratch::new("raw"), Scratch::new("raw_tx"));
    let (retort_apply_db, diesel_apply_db) = (Scratch::new("retort"), Scratch::new("diesel"));
    apply.bench_function("raw_ddl_floor", |b| {
        b.iter_custom(|iterations| {
            time_on_empty_database(&raw_db, iterations, |conn| raw_ddl(conn, &generated))
        })
    });
    apply.bench_function("raw_ddl_one_transaction", |b| {
        b.iter_custom(|iterations| {
            time_on_empty_database(&raw_tx_db, iterations, |conn| {
                raw_ddl_in_one_transaction(conn, &generated)
            })
        })
    });
    apply.bench_function("retort_migrate_to_head", |b| {
        b.iter_custom(|iterations| {
            time_on_empty_database(&retort_apply_db, iterations, |conn| {
                let report = retort::migrate_to_head(conn, &retort_set).unwrap();
                assert_eq!(report.steps().len(), revisions);
            })
        })
    });
    apply.bench_function("diesel_run_pending_migrations", |b| {
        b.iter_custom(|iterations| {
            time_on_empty_database(&diesel_apply_db, iterations, |conn| {
                let applied = conn
                    .run_pending_migrations(diesel_set_ref(diesel_set))
                    .unwrap();
                assert_eq!(applied.len(), revisions);
            })
        })
    });
    apply.finish();

    // Both databases hold every revision; one no-op call each is counted
    // before the timings.
    let retort_db = Scratch::new("retort_noop");
    let mut retort_conn = retort_db.connect();
    retort::migrate_to_head(&mut retort_conn, &retort_set).unwrap();
    let diesel_db = Scratch::new("diesel_noop");
    let mut diesel_conn = diesel_db.connect();
    diesel_conn
        .run_pending_migrations(diesel_set_ref(diesel_set))
        .unwrap();
    let retort_queries = {
        let count = support::count_queries(&mut retort_conn);
        retort::migrate_to_head(&mut retort_conn, &retort_set).unwrap();
        support::take(&count)
    };
    let diesel_queries = {
        let count = support::count_queries(&mut diesel_conn);
        diesel_conn
            .run_pending_migrations(diesel_set_ref(diesel_set))
            .unwrap();
        support::take(&count)
    };
    println!("noop_startup: retort {retort_queries} queries, diesel_migrations {diesel_queries}");
    support::record_fact(&format!(
        r#"{{"row":"startup","retort_queries":{retort_queries},"diesel_queries":{diesel_queries}}}"#
    ));

    let mut noop = c.benchmark_group("noop_startup");
    noop.bench_function("retort_migrate_to_head", |b| {
        b.iter(|| {
            let report = retort::migrate_to_head(&mut retort_conn, &retort_set).unwrap();
            assert!(report.is_empty());
        })
    });
    noop.bench_function("diesel_run_pending_migrations", |b| {
        b.iter(|| {
            let applied = diesel_conn
                .run_pending_migrations(diesel_set_ref(diesel_set))
                .unwrap();
            assert!(applied.is_empty());
        })
    });
    noop.finish();

    // Criterion times one contender after the other; on a shared machine
    // the load can change between them. Alternate single calls as well and
    // compare medians.
    let noop_rounds = std::env::var("RETORT_BENCH_NOOP_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(500);
    let measured = support::rounds::interleave(
        noop_rounds,
        &mut [
            &mut || {
                let started = Instant::now();
                retort::migrate_to_head(&mut retort_conn, &retort_set).unwrap();
                started.elapsed().as_secs_f64()
            },
            &mut || {
                let started = Instant::now();
                diesel_conn
                    .run_pending_migrations(diesel_set_ref(diesel_set))
                    .unwrap();
                started.elapsed().as_secs_f64()
            },
        ],
    );
    if noop_rounds > 0 {
        let [ours, theirs] = [0, 1].map(|at| support::rounds::median(&measured[at]));
        println!(
            "\nnoop_startup interleaved, median of {noop_rounds} calls each: retort {:.3} ms, diesel_migrations {:.3} ms, retort / diesel_migrations = {:.3}",
            ours * 1e3,
            theirs * 1e3,
            ours / theirs
        );
    }

    // The machine may be shared: criterion measures one contender after the
    // other, so load that comes and goes skews their ratio. Interleave them
    // too, round by round, and compare medians.
    let rounds = support::rounds::from_env(5);
    let seconds = |duration: Duration| duration.as_secs_f64();
    let measured = support::rounds::interleave(
        rounds,
        &mut [
            &mut || {
                seconds(time_on_empty_database(&raw_db, 1, |conn| {
                    raw_ddl(conn, &generated)
                }))
            },
            &mut || {
                seconds(time_on_empty_database(&raw_tx_db, 1, |conn| {
                    raw_ddl_in_one_transaction(conn, &generated)
                }))
            },
            &mut || {
                seconds(time_on_empty_database(&retort_apply_db, 1, |conn| {
                    retort::migrate_to_head(conn, &retort_set).unwrap();
                }))
            },
            &mut || {
                seconds(time_on_empty_database(&diesel_apply_db, 1, |conn| {
                    conn.run_pending_migrations(diesel_set_ref(diesel_set))
                        .unwrap();
                }))
            },
        ],
    );
    if rounds > 0 {
        let [raw, raw_tx, ours, theirs] =
            [0, 1, 2, 3].map(|at| support::rounds::median(&measured[at]));
        println!("\ninterleaved, median of {rounds} rounds of applying {revisions} revisions:");
        println!(
            "  raw DDL floor {:.0} ms (in one transaction {:.0} ms), retort {:.0} ms, diesel_migrations {:.0} ms",
            raw * 1e3,
            raw_tx * 1e3,
            ours * 1e3,
            theirs * 1e3
        );
        println!(
            "  retort / raw floor = {:.3} (in one transaction {:.3}), retort / diesel_migrations = {:.3}",
            ours / raw,
            ours / raw_tx,
            ours / theirs
        );
    }

    let ratio = |group: &str, a: &str, b: &str| match (mean_ns(c, group, a), mean_ns(c, group, b)) {
        (Some(a_ns), Some(b_ns)) => println!(
            "{group}: {a} / {b} = {:.3} ({:.1} ms vs {:.1} ms)",
            a_ns / b_ns,
            a_ns / 1e6,
            b_ns / 1e6
        ),
        _ => println!("{group}: no estimates for {a} and {b}"),
    };
    println!("\nratios (means of this run):");
    ratio(&apply_group, "retort_migrate_to_head", "raw_ddl_floor");
    ratio(
        &apply_group,
        "retort_migrate_to_head",
        "raw_ddl_one_transaction",
    );
    ratio(
        &apply_group,
        "retort_migrate_to_head",
        "diesel_run_pending_migrations",
    );
    ratio(
        "noop_startup",
        "retort_migrate_to_head",
        "diesel_run_pending_migrations",
    );
    if let Some(ns) = mean_ns(c, "noop_startup", "retort_migrate_to_head") {
        println!("noop_startup: retort_migrate_to_head = {:.3} ms", ns / 1e6);
    }
}

/// diesel takes its migration source by value: a new (free) wrapper around
/// the same static slice, as `diesel_migrations::embed_migrations!` gives.
fn diesel_set_ref(set: &'static [EmbeddedMigration]) -> EmbeddedMigrations {
    EmbeddedMigrations::new(set)
}

criterion_group!(benches, bench);
criterion_main!(benches);
