//! 10,000 revision files, against diesel_migrations on the same migrations
//! in its own layout (one directory of `up.sql`/`down.sql` per migration):
//!
//! - `load`: reading the directory into memory with the revision graph
//!   checked (`Migrations::from_dir` + `graph()`), against diesel's
//!   `FileBasedMigrations::from_path` + `migrations()`;
//! - `heads` and `history`: what those commands cost, loading included
//!   (diesel has no such commands; its `migrations()` is the nearest);
//! - `noop_upgrade`: `upgrade head` on a PostgreSQL database where all
//!   10,000 are applied, against diesel's `run_pending_migrations`, both
//!   with the migrations already in memory (read from the files once, as
//!   `embed_migrations!` would give them);
//! - once, not by criterion: applying all 10,000 to an empty database with
//!   each tool (seconds each; printed, not repeated).
//!
//! ```sh
//! cargo bench --bench revisions --features postgres -- --warm-up-time 1 --measurement-time 5
//! ```
//!
//! PostgreSQL comes from retort-test-support (`RETORT_TEST_PG_URL`);
//! `RETORT_BENCH_MANY`
//! sets the number of revisions (default 10,000; `scripts/bench --quick`
//! uses 200). Ratios are printed at the end.

mod support;

use std::path::Path;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use diesel::migration::MigrationSource;
use diesel::pg::Pg;
use diesel::{Connection, PgConnection};
use diesel_migrations::{
    EmbeddedMigration, EmbeddedMigrations, EmbeddedName, FileBasedMigrations, MigrationHarness,
    TomlMetadataWrapper,
};
use retort::{Migrations, Migrator};
use retort_test_support::{FreshDatabase, Server};

fn revision_count() -> usize {
    std::env::var("RETORT_BENCH_MANY")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000)
}

/// A database created for one contender and dropped after it
/// (retort-test-support's, on the server `RETORT_TEST_PG_URL` names).
struct Scratch {
    database: FreshDatabase,
}

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let name = format!("retort_bench_many_{tag}_{}", std::process::id());
        let database = FreshDatabase::named(Server::Postgres, &name)
            .unwrap_or_else(|error| panic!("creating the bench database: {error}"));
        Scratch { database }
    }

    fn connect(&self) -> PgConnection {
        PgConnection::establish(&self.database.url).expect("connect to the bench database")
    }
}

/// Writes `count` revisions, a chain of small tables, in both layouts:
/// `dir/retort/*.sql` and `dir/diesel/<version>_<name>/{up,down}.sql`.
fn generate(dir: &Path, count: usize) {
    let retort_dir = dir.join("retort");
    std::fs::create_dir_all(&retort_dir).unwrap();
    let mut parent = String::new();
    for n in 0..count {
        let id = format!("{:012x}", 0xbe00_0000_0000_u64 + n as u64);
        let up = format!("CREATE TABLE t_{n} (id BIGINT PRIMARY KEY, name TEXT NOT NULL);\n");
        let down = format!("DROP TABLE t_{n};\n");
        let stamp = format!("2024{n:010}");
        std::fs::write(
            retort_dir.join(format!("{stamp}_{id}_table_{n}.sql")),
            format!(
                "-- retort:revision {id}\n-- retort:parents {parent}\n-- retort:message table {n}\n-- retort:up\n{up}-- retort:down\n{down}"
            ),
        )
        .unwrap();
        let diesel_dir = dir.join("diesel").join(format!("{stamp}_table_{n}"));
        std::fs::create_dir_all(&diesel_dir).unwrap();
        std::fs::write(diesel_dir.join("up.sql"), &up).unwrap();
        std::fs::write(diesel_dir.join("down.sql"), &down).unwrap();
        parent = id;
    }
}

fn load_retort(dir: &Path) -> Migrations {
    let migrations = Migrations::from_dir(dir).expect("the revisions load");
    migrations.graph().expect("the graph is sound");
    migrations
}

fn load_diesel(dir: &Path) -> FileBasedMigrations {
    let migrations = FileBasedMigrations::from_path(dir).expect("diesel finds the migrations");
    let list = MigrationSource::<Pg>::migrations(&migrations).expect("diesel reads them");
    assert!(!list.is_empty());
    migrations
}

/// diesel's migrations in memory, as `embed_migrations!` gives them (read
/// from the files once), so both tools' no-op runs start from memory.
fn embedded_diesel(dir: &Path) -> &'static [EmbeddedMigration] {
    let leak = |text: String| -> &'static str { Box::leak(text.into_boxed_str()) };
    let mut folders: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    folders.sort();
    let migrations: Vec<EmbeddedMigration> = folders
        .iter()
        .map(|folder| {
            EmbeddedMigration::new(
                leak(std::fs::read_to_string(folder.join("up.sql")).unwrap()),
                Some(leak(
                    std::fs::read_to_string(folder.join("down.sql")).unwrap(),
                )),
                EmbeddedName::new(leak(
                    folder.file_name().unwrap().to_string_lossy().into_owned(),
                )),
                TomlMetadataWrapper::new(true),
            )
        })
        .collect();
    Box::leak(migrations.into_boxed_slice())
}

fn mean_ns(group: &str, id: &str) -> Option<f64> {
    let home = std::env::var_os("CRITERION_HOME").map_or_else(
        || {
            std::env::var_os("CARGO_TARGET_DIR")
                .map_or_else(|| "target".into(), std::path::PathBuf::from)
                .join("criterion")
        },
        std::path::PathBuf::from,
    );
    let text =
        std::fs::read_to_string(home.join(group).join(id).join("new/estimates.json")).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    value["mean"]["point_estimate"].as_f64()
}

fn bench(c: &mut Criterion) {
    let count = revision_count();
    let work = tempfile::tempdir().unwrap();
    generate(work.path(), count);
    let retort_dir = work.path().join("retort");
    let diesel_dir = work.path().join("diesel");
    let group_name = format!("revisions_{count}");

    let mut group = c.benchmark_group(&group_name);
    group.sample_size(10);
    group.bench_function("retort_load", |b| b.iter(|| load_retort(&retort_dir)));
    group.bench_function("diesel_load", |b| b.iter(|| load_diesel(&diesel_dir)));
    group.bench_function("retort_heads", |b| {
        b.iter(|| load_retort(&retort_dir).graph().unwrap().heads().len())
    });
    group.bench_function("retort_history", |b| {
        b.iter(|| {
            let migrations = load_retort(&retort_dir);
            let lines: usize = Migrator::new(&migrations)
                .history()
                .unwrap()
                .iter()
                .map(|revision| revision.message().len())
                .sum();
            lines
        })
    });

    // Applying everything once per tool, timed by hand: seconds each.
    let retort_db = Scratch::new("retort");
    let migrations = load_retort(&retort_dir);
    let mut conn = retort_db.connect();
    let started = Instant::now();
    retort::migrate_to_head(&mut conn, &migrations).expect("retort applies them");
    let retort_apply = started.elapsed();
    let diesel_db = Scratch::new("diesel");
    let diesel_set = embedded_diesel(&diesel_dir);
    let mut diesel_conn = diesel_db.connect();
    let started = Instant::now();
    diesel_conn
        .run_pending_migrations(EmbeddedMigrations::new(diesel_set))
        .expect("diesel applies them");
    let diesel_apply = started.elapsed();

    group.bench_function("retort_noop_upgrade", |b| {
        b.iter(|| {
            let report = Migrator::new(&migrations)
                .upgrade(&mut conn, "head")
                .unwrap();
            assert!(report.is_empty());
        })
    });
    group.bench_function("diesel_noop_run_pending", |b| {
        b.iter(|| {
            let ran = diesel_conn
                .run_pending_migrations(EmbeddedMigrations::new(diesel_set))
                .unwrap();
            assert!(ran.is_empty());
        })
    });
    group.finish();

    println!("\n{count} revisions on PostgreSQL:");
    println!(
        "  apply all from empty, once: retort {:.1} s, diesel_migrations {:.1} s, retort / diesel_migrations = {:.3}",
        retort_apply.as_secs_f64(),
        diesel_apply.as_secs_f64(),
        retort_apply.as_secs_f64() / diesel_apply.as_secs_f64()
    );
    let ms = |id: &str| mean_ns(&group_name, id).map(|ns| ns / 1e6);
    for (label, ours, theirs) in [
        ("load from disk", "retort_load", Some("diesel_load")),
        ("heads (load included)", "retort_heads", None),
        ("history (load included)", "retort_history", None),
        (
            "no-op upgrade head",
            "retort_noop_upgrade",
            Some("diesel_noop_run_pending"),
        ),
    ] {
        match (ms(ours), theirs.and_then(ms)) {
            (Some(a), Some(b)) => println!(
                "  {label}: retort {a:.1} ms, diesel_migrations {b:.1} ms, retort / diesel_migrations = {:.3}",
                a / b
            ),
            (Some(a), None) => println!("  {label}: retort {a:.1} ms"),
            _ => println!("  {label}: no estimate"),
        }
    }
    support::record_fact(&format!(
        "{{\"many_revisions\": {count}, \"retort_apply_s\": {:.3}, \"diesel_apply_s\": {:.3}}}",
        retort_apply.as_secs_f64(),
        diesel_apply.as_secs_f64()
    ));
}

criterion_group!(benches, bench);
criterion_main!(benches);
