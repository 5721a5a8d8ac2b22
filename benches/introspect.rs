//! Introspection of 10, 100 and 1000 tables (10 columns, an index, a unique
//! constraint and a foreign key each) on each backend compiled in and
//! reachable, read in bulk by `retort::introspect`, against the
//! table-by-table alternative (one `introspect_with` per table name, the way
//! per-table reflection reads) measured in the same run at 10 and 100
//! tables.
//!
//! ```sh
//! cargo bench --bench introspect --all-features -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! Servers: `RETORT_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) and `RETORT_TEST_MYSQL_URL`
//! (default `mysql://root@127.0.0.1:3306/test`); an unreachable one is
//! skipped with a message. Each size gets a fresh database, dropped at the end.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
#[cfg(any(feature = "postgres", feature = "mysql"))]
use diesel::connection::SimpleConnection;
use retort::{Backend, DatabaseConnection, IntrospectOptions, SqlType};

const SIZES: [usize; 3] = [10, 100, 1000];
/// Table-by-table reading is only measured up to this many tables.
const PER_TABLE_UP_TO: usize = 100;

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
struct BenchDatabase {
    url: String,
    drop_sql: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for BenchDatabase {
    fn drop(&mut self) {
        if let Some((admin_url, sql)) = &self.drop_sql {
            drop_database(admin_url, sql);
        }
    }
}

fn drop_database(admin_url: &str, sql: &str) {
    #[cfg(feature = "postgres")]
    if admin_url.starts_with("postgres") {
        if let Ok(mut admin) = <diesel::PgConnection as diesel::Connection>::establish(admin_url) {
            let _ = admin.batch_execute(sql);
        }
    }
    #[cfg(feature = "mysql")]
    if admin_url.starts_with("mysql") {
        if let Ok(mut admin) = <diesel::MysqlConnection as diesel::Connection>::establish(admin_url)
        {
            let _ = admin.batch_execute(sql);
        }
    }
    let _ = (admin_url, sql);
}

/// A fresh server database named `name`, or why there is none.
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn server_database<C: DatabaseConnection>(
    admin_url: &str,
    name: &str,
    create: String,
    drop: String,
) -> Result<BenchDatabase, String> {
    let mut admin = C::establish(admin_url).map_err(|error| error.to_string())?;
    admin
        .batch_execute(&drop)
        .map_err(|error| error.to_string())?;
    admin
        .batch_execute(&create)
        .map_err(|error| error.to_string())?;
    let mut url = url::Url::parse(admin_url).map_err(|error| error.to_string())?;
    url.set_path(&format!("/{name}"));
    Ok(BenchDatabase {
        url: url.to_string(),
        drop_sql: Some((admin_url.to_owned(), drop)),
        _dir: None,
    })
}

fn bench_backend<C: DatabaseConnection>(
    c: &mut Criterion,
    make_database: impl Fn(usize) -> Result<BenchDatabase, String>,
) {
    let kind = C::BACKEND;
    let backend = kind.backend();
    let mut group = c.benchmark_group(format!("introspect/{kind}"));
    group.sample_size(10);
    for size in SIZES {
        let database = match make_database(size) {
            Ok(database) => database,
            Err(reason) => {
                eprintln!("skipped {kind}: {}", retort::redact_url(&reason));
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
        group.bench_with_input(BenchmarkId::new("bulk", size), &size, |b, _| {
            b.iter(|| {
                let schema = retort::introspect(&mut conn).expect("introspect");
                assert_eq!(schema.tables.len(), size);
                black_box(schema)
            })
        });
        if size <= PER_TABLE_UP_TO {
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

fn introspection(c: &mut Criterion) {
    let run = std::process::id();
    #[cfg(feature = "postgres")]
    {
        let admin = std::env::var("RETORT_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        bench_backend::<diesel::PgConnection>(c, |size| {
            let name = format!("retort_bench_{run}_{size}");
            server_database::<diesel::PgConnection>(
                &admin,
                &name,
                format!("CREATE DATABASE \"{name}\""),
                format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
            )
        });
    }
    #[cfg(feature = "mysql")]
    {
        let admin = std::env::var("RETORT_TEST_MYSQL_URL")
            .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into());
        bench_backend::<diesel::MysqlConnection>(c, |size| {
            let name = format!("retort_bench_{run}_{size}");
            server_database::<diesel::MysqlConnection>(
                &admin,
                &name,
                format!("CREATE DATABASE `{name}`"),
                format!("DROP DATABASE IF EXISTS `{name}`"),
            )
        });
    }
    #[cfg(feature = "sqlite")]
    bench_backend::<diesel::SqliteConnection>(c, |size| {
        let dir = tempfile::tempdir().map_err(|error| error.to_string())?;
        let path = dir.path().join(format!("bench_{size}.db"));
        Ok(BenchDatabase {
            url: path.to_string_lossy().into_owned(),
            drop_sql: None,
            _dir: Some(dir),
        })
    });
    let _ = run;
}

criterion_group!(benches, introspection);
criterion_main!(benches);
