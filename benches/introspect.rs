//! Introspection of 10, 100, 500 and 1000 tables (10 columns, an index, a
//! unique constraint and a foreign key each) on each backend compiled in and
//! reachable:
//!
//! - `bulk`: `retort::introspect` alone;
//! - `introspect_diff`: what autogenerate costs when nothing changed,
//!   `retort::autogen::pending_changes` (introspect, both sides in the
//!   database's stored form, then `diff`) against the models' schema (the
//!   schema read once before, so the diff is empty, as Alembic's
//!   `compare_metadata` against matching metadata is);
//! - `diff_alone`: `diff` of that schema against itself, no database;
//! - `per_table`: the table-by-table alternative (one `introspect_with` per
//!   table name, the way per-table reflection reads), at 10 and 100 tables
//!   (at 10 only with `RETORT_BENCH_QUICK`).
//!
//! Each size also prints the number of queries one introspection issues
//! (counted with diesel's instrumentation on a second connection, outside
//! the timings) and, when `RETORT_BENCH_FACTS` names a file, appends it
//! there as a JSON line for `scripts/bench`. `RETORT_BENCH_QUICK=1` measures
//! 10 and 100 tables only.
//!
//! ```sh
//! cargo bench --bench introspect --all-features -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! Servers: retort-test-support's `RETORT_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) and `RETORT_TEST_MYSQL_URL`
//! (default `mysql://root@127.0.0.1:3306/test`); an unreachable one is
//! skipped with a message. Each size gets a fresh database, dropped at the end.

mod support;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
#[cfg(any(feature = "postgres", feature = "mysql"))]
use retort::{Backend, DatabaseConnection, IntrospectOptions, SqlType};
use retort_test_support::{FreshDatabase, Server};

/// Table counts measured; `RETORT_BENCH_QUICK` keeps the first two.
const SIZES: [usize; 4] = [10, 100, 500, 1000];
/// Table-by-table reading is only measured up to this many tables (10 with
/// `RETORT_BENCH_QUICK`).
fn per_table_up_to() -> usize {
    if quick() {
        10
    } else {
        100
    }
}

fn quick() -> bool {
    std::env::var_os("RETORT_BENCH_QUICK").is_some()
}

/// DDL for `count` tables, each with 10 columns, an index, a unique
/// constraint and a foreign key to `t0000`.
fn tables_ddl(backend: &dyn Backend, count: usize) -> String {
    let q = |name: &str| backend.quote_identifier(name);
    let (big, text, int) = (
        backend.type_sql(&SqlType::BigInt),
        backend.type_sql(&SqlType::Varchar(100)),
        backend.type_sql(&SqlType::Integer),
    );
    let mut ddl = String::new();
    for at in 0..count {
        let table = format!("t{at:04}");
        let mut columns = vec![
            format!("{} {big} NOT NULL PRIMARY KEY", q("id")),
            format!("{} {big} NULL", q("parent_id")),
        ];
        for c in 1..=8 {
            let ty = if c % 2 == 0 { &int } else { &text };
            columns.push(format!("{} {ty} NULL", q(&format!("c{c}"))));
        }
        columns.push(format!(
            "CONSTRAINT {} UNIQUE ({})",
            q(&format!("uq_{table}")),
            q("c1")
        ));
        columns.push(format!(
            "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
            q(&format!("fk_{table}")),
            q("parent_id"),
            q("t0000"),
            q("id")
        ));
        ddl.push_str(&format!(
            "CREATE TABLE {} ({});\nCREATE INDEX {} ON {} ({});\n",
            q(&table),
            columns.join(", "),
            q(&format!("ix_{table}")),
            q(&table),
            q("c3")
        ));
    }
    ddl
}

/// A database made for the benchmark, dropped with this value.
type BenchDatabase = FreshDatabase;

fn sizes() -> &'static [usize] {
    if quick() {
        &SIZES[..2]
    } else {
        &SIZES
    }
}

/// The number of queries one `introspect` issues on a connection of its
/// own.
fn count_introspect_queries<C: DatabaseConnection>(url: &str) -> Result<usize, String> {
    let mut conn = C::establish(url).map_err(|error| error.to_string())?;
    let count = support::count_queries(&mut conn);
    retort::introspect(&mut conn).map_err(|error| error.to_string())?;
    Ok(support::take(&count))
}

/// Prints a query count and hands it to `scripts/bench`.
fn record_query_count(kind: retort::BackendKind, size: usize, queries: usize) {
    println!("introspect/{kind}: {queries} queries at {size} tables");
    support::record_fact(&format!(
        r#"{{"row":"autogenerate","backend":"{kind}","tables":{size},"queries":{queries}}}"#
    ));
}

fn bench_backend<C: DatabaseConnection>(
    c: &mut Criterion,
    make_database: impl Fn(usize) -> Result<BenchDatabase, String>,
) {
    let kind = C::BACKEND;
    let backend = kind.backend();
    let mut group = c.benchmark_group(format!("introspect/{kind}"));
    group.sample_size(10);
    for &size in sizes() {
        let database = match make_database(size) {
            Ok(database) => database,
            Err(reason) => {
                eprintln!("skipped {kind}: {}", retort::pool::redact_url(&reason));
                return;
            }
        };
        let mut conn = match C::establish(&database.url) {
            Ok(conn) => conn,
            Err(error) => {
                eprintln!("skipped {kind}: {error}");
                return;
            }
        };
        if let Err(error) = conn.batch_execute(&tables_ddl(backend, size)) {
            eprintln!("skipped {kind} at {size} tables: {error}");
            return;
        }
        match count_introspect_queries::<C>(&database.url) {
            Ok(queries) => record_query_count(kind, size, queries),
            Err(error) => eprintln!("{kind}: cannot count queries: {error}"),
        }
        group.bench_with_input(BenchmarkId::new("bulk", size), &size, |b, _| {
            b.iter(|| {
                let schema = retort::introspect(&mut conn).expect("introspect");
                assert_eq!(schema.tables.len(), size);
                black_box(schema)
            })
        });
        let models = retort::introspect(&mut conn).expect("introspect");
        group.bench_with_input(BenchmarkId::new("introspect_diff", size), &size, |b, _| {
            b.iter(|| {
                let diff =
                    retort::autogen::pending_changes(&mut conn, &models).expect("introspect");
                assert!(diff.is_empty(), "{kind}: {diff:?}");
                black_box(diff)
            })
        });
        group.bench_with_input(BenchmarkId::new("diff_alone", size), &size, |b, _| {
            b.iter(|| {
                let diff = retort::diff(&models, &models);
                assert!(diff.is_empty(), "{kind}: {diff:?}");
                black_box(diff)
            })
        });
        if size <= per_table_up_to() {
            let names: Vec<String> = (0..size).map(|at| format!("t{at:04}")).collect();
            group.bench_with_input(BenchmarkId::new("per_table", size), &size, |b, _| {
                b.iter(|| {
                    for name in &names {
                        let options = IntrospectOptions::new().tables([name.as_str()]);
                        let schema = retort::introspect_with(&mut conn, &options)
                            .expect("introspect one table");
                        black_box(schema);
                    }
                })
            });
        }
        drop(conn);
        drop(database);
    }
    group.finish();
}

/// Hands the compiled-in SQLite's version to `scripts/bench`'s facts.
#[cfg(feature = "sqlite")]
fn record_sqlite_version() {
    use diesel::{Connection, RunQueryDsl};
    let version = diesel::SqliteConnection::establish(":memory:")
        .map_err(|error| error.to_string())
        .and_then(|mut conn| {
            diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>(
                "sqlite_version()",
            ))
            .get_result::<String>(&mut conn)
            .map_err(|error| error.to_string())
        });
    match version {
        Ok(version) => support::record_fact(&format!(
            r#"{{"fact":"SQLite (retort, bundled)","value":"{version}"}}"#
        )),
        Err(error) => eprintln!("cannot read the SQLite version: {error}"),
    }
}

fn introspection(c: &mut Criterion) {
    let run = std::process::id();
    #[cfg(feature = "sqlite")]
    record_sqlite_version();
    #[cfg(feature = "postgres")]
    bench_backend::<diesel::PgConnection>(c, |size| {
        FreshDatabase::named(Server::Postgres, &format!("retort_bench_{run}_{size}"))
    });
    #[cfg(feature = "mysql")]
    bench_backend::<diesel::MysqlConnection>(c, |size| {
        FreshDatabase::named(Server::Mysql, &format!("retort_bench_{run}_{size}"))
    });
    #[cfg(feature = "sqlite")]
    bench_backend::<diesel::SqliteConnection>(c, |size| {
        FreshDatabase::named(Server::Sqlite, &format!("bench_{size}"))
    });
    let _ = run;
}

criterion_group!(benches, introspection);
criterion_main!(benches);
