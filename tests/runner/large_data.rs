//! Changes that rewrite a whole table keep every row: a SQLite table rebuild
//! (as a revision file run by the runner) and a PostgreSQL type change on a
//! large table. Rows are made and copied
//! by the database (a recursive CTE, `generate_series`, the rebuild's
//! `INSERT ... SELECT`), never through this process: the rendered change is
//! a handful of statements whatever the number of rows.
//!
//! 1,000,000 rows by default; `RETORT_LARGE_DATA_ROWS` sets another count.

use crate::support;

use diesel::sql_types::BigInt;
use diesel::RunQueryDsl;
use retort::{Column, Index, PrimaryKey, Schema, SqlType, Table};
#[cfg(feature = "postgres")]
use support::apply_diff;
use support::TestBackend;

fn rows() -> i64 {
    std::env::var("RETORT_LARGE_DATA_ROWS")
        .ok()
        .and_then(|rows| rows.parse().ok())
        .unwrap_or(1_000_000)
}

/// What must survive: the number of rows and sums over every column.
#[derive(diesel::QueryableByName, Debug, PartialEq, Eq)]
struct Fingerprint {
    #[diesel(sql_type = BigInt)]
    count: i64,
    #[diesel(sql_type = BigInt)]
    ids: i64,
    #[diesel(sql_type = BigInt)]
    amounts: i64,
    #[diesel(sql_type = BigInt)]
    note_lengths: i64,
}

// language=SQL
const FINGERPRINT: &str = "SELECT CAST(COUNT(*) AS BIGINT) AS count, \
     CAST(COALESCE(SUM(id), 0) AS BIGINT) AS ids, \
     CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS amounts, \
     CAST(COALESCE(SUM(LENGTH(note)), 0) AS BIGINT) AS note_lengths \
     FROM ledger";

/// Reads the [`Fingerprint`], whatever the connection.
trait Fingerprinted: TestBackend {
    fn fingerprint(&mut self) -> Fingerprint;
}

macro_rules! fingerprint_by_sql_query {
    ($connection:ty, $feature:literal) => {
        #[cfg(feature = $feature)]
        impl Fingerprinted for $connection {
            fn fingerprint(&mut self) -> Fingerprint {
                diesel::sql_query(FINGERPRINT)
                    .get_result(self)
                    .unwrap_or_else(|error| panic!("{FINGERPRINT}: {error}"))
            }
        }
    };
}
fingerprint_by_sql_query!(diesel::PgConnection, "postgres");
fingerprint_by_sql_query!(diesel::SqliteConnection, "sqlite");

/// `ledger` with `amount` of type `amount`.
fn ledger(amount: SqlType) -> Schema {
    Schema::new(vec![Table::new("ledger")
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new("amount", amount))
        .column(Column::new("note", SqlType::Varchar(40)).nullable())
        .primary_key(PrimaryKey {
            name: Some("pk_ledger".into()),
            columns: vec!["id".into()],
            ..Default::default()
        })
        .index(Index::on_columns("ix_ledger_amount", ["amount"]))])
}

/// What a full copy would keep, computed from the formula the rows were
/// made with, so a lost or changed row cannot hide behind a lost insert.
fn expected(rows: i64) -> Fingerprint {
    let note_lengths: i64 = (1..=rows)
        .filter(|i| i % 10 != 0)
        .map(|i| 5 + i.to_string().len() as i64)
        .sum();
    Fingerprint {
        count: rows,
        ids: rows * (rows + 1) / 2,
        amounts: rows * (rows + 1),
        note_lengths,
    }
}

/// This process's peak resident memory (Linux's `VmHWM`), if known.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Fills the table made from `before` with `fill`, runs `change` (from
/// `before` to `after`), and checks every row survived.
fn keeps_every_row<C: Fingerprinted>(
    conn: &mut C,
    fill: &str,
    before: &Schema,
    after: &Schema,
    change: impl FnOnce(&mut C),
) {
    let rows = rows();
    let filled = conn
        .execute(fill)
        .unwrap_or_else(|error| panic!("{fill}: {error}"));
    assert_eq!(filled as i64, rows);
    let wanted = expected(rows);
    assert_eq!(conn.fingerprint(), wanted, "the rows as made");

    let statements = retort::render::render(&retort::diff(before, after), C::BACKEND.backend())
        .expect("the change renders");
    assert!(
        statements.len() < 20,
        "a few statements whatever the row count: {statements:#?}"
    );
    let peak_before = peak_memory_kib();
    change(conn);
    if let (Some(before), Some(after)) = (peak_before, peak_memory_kib()) {
        // The rows take tens of megabytes; through this process they would
        // raise its peak by at least that.
        assert!(
            after.saturating_sub(before) < 16 * 1024,
            "the change raised this process's peak memory from {before} KiB to {after} KiB"
        );
    }

    assert_eq!(conn.fingerprint(), wanted, "every row after the change");
    let live = retort::introspect(conn).expect("introspect");
    assert!(
        retort::diff(&live, after).is_empty(),
        "the change took effect: {live:#?}"
    );
}

/// Through the runner, as an application applies an autogenerated revision:
/// the rebuild runs with foreign keys off outside its transaction.
#[cfg(feature = "sqlite")]
#[test]
fn a_sqlite_table_rebuild_keeps_every_row() {
    use retort::BackendKind;

    support::run::<diesel::SqliteConnection>(|db| {
        let mut conn = db.connect();
        let before = ledger(SqlType::Integer);
        let after = ledger(SqlType::BigInt);
        let dir = tempfile::tempdir().expect("a temporary directory");
        let empty = Schema::new(Vec::new());
        support::write_revision(
            dir.path(),
            "a1a1a1a1a1a1",
            None,
            BackendKind::Sqlite,
            &empty,
            &before,
        );
        let created = retort::Migrations::from_dir(dir.path()).expect("the revision parses");
        retort::migrate_to_head(&mut conn, &created).expect("the table is created");

        // language=SQL
        let fill = format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {}) \
             INSERT INTO ledger (id, amount, note) \
             SELECT i, 2 * i, CASE WHEN i % 10 = 0 THEN NULL ELSE 'note ' || i END FROM n",
            rows()
        );
        keeps_every_row(&mut conn, &fill, &before, &after, |conn| {
            support::write_revision(
                dir.path(),
                "b2b2b2b2b2b2",
                Some("a1a1a1a1a1a1"),
                BackendKind::Sqlite,
                &before,
                &after,
            );
            let migrations = retort::Migrations::from_dir(dir.path()).expect("the revisions parse");
            let rebuild = &migrations.graph().expect("a graph").revisions()[1];
            assert!(
                rebuild.up_sql().contains("INSERT INTO") && rebuild.up_sql().contains("SELECT"),
                "a type change on SQLite is a rebuild that copies in the database: {}",
                rebuild.up_sql()
            );
            let report = retort::migrate_to_head(conn, &migrations).expect("the rebuild runs");
            assert_eq!(report.revisions(), ["b2b2b2b2b2b2"]);
        });
    });
}

#[cfg(feature = "postgres")]
#[test]
fn a_postgres_type_change_keeps_every_row() {
    support::run::<diesel::PgConnection>(|db| {
        let mut conn = db.connect();
        // language=SQL
        let fill = format!(
            "INSERT INTO ledger (id, amount, note) \
             SELECT i, 2 * i, CASE WHEN i % 10 = 0 THEN NULL ELSE 'note ' || i END \
             FROM generate_series(1, {}) AS i",
            rows()
        );
        let (before, after) = (ledger(SqlType::Integer), ledger(SqlType::BigInt));
        apply_diff(&mut conn, &Schema::new(Vec::new()), &before);
        keeps_every_row(&mut conn, &fill, &before, &after, |conn| {
            apply_diff(conn, &before, &after)
        });
    });
}
