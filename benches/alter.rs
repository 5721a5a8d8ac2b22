//! Several changes to one MySQL table as one `ALTER TABLE` (what retort
//! renders) against one statement per change (what it rendered before, and
//! what a tool that renders op by op writes): InnoDB copies a table for
//! most changes, once per statement.
//!
//! A table of 1,000,000 rows (`RETORT_BENCH_QUICK`: 50,000) takes five
//! column changes (four wider types, one column made nullable), in rounds in which the two contenders take turns
//! (`RETORT_BENCH_ROUNDS`, default 3); after each measurement the reverse
//! diff, unmeasured, puts the table back. The medians go to the facts file
//! `scripts/bench` reads, and to standard output.
//!
//! ```text
//! cargo bench --features mysql --bench alter
//! ```
//!
//! Server: retort-test-support's `RETORT_TEST_MYSQL_URL` (default
//! `mysql://root@127.0.0.1:3306/test`).

mod support;

use std::time::Instant;

use diesel::connection::SimpleConnection;
use diesel::{Connection, MysqlConnection};
use retort::render::render_op;
use retort::{diff, render::render, BackendKind, Column, PrimaryKey, Schema, SqlType, Table};
use retort_test_support::{FreshDatabase, Server};
use support::rounds::{interleave, median, range};

/// The table before the changes.
fn before() -> Table {
    Table::new("orders")
        .column(Column::new("id", SqlType::BigInt).identity())
        .column(Column::new("amount", SqlType::Integer))
        .column(Column::new("quantity", SqlType::SmallInt))
        .column(Column::new("label", SqlType::Varchar(20)))
        .column(Column::new(
            "price",
            SqlType::Numeric {
                precision: Some(10),
                scale: Some(2),
            },
        ))
        .column(Column::new("placed_at", SqlType::Timestamp))
        .primary_key(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
            ..Default::default()
        })
}

/// Five changes a model refactoring brings: four wider types, and a
/// column made nullable.
fn after() -> Table {
    let mut table = before();
    table.columns[1].ty = SqlType::BigInt;
    table.columns[2].ty = SqlType::Integer;
    table.columns[3].ty = SqlType::Varchar(80);
    table.columns[4].ty = SqlType::Numeric {
        precision: Some(12),
        scale: Some(2),
    };
    table.columns[5].nullable = true;
    table
}

fn execute(conn: &mut MysqlConnection, statements: &[String]) -> f64 {
    let started = Instant::now();
    for statement in statements {
        if let Err(error) = conn.batch_execute(statement) {
            panic!("{statement}: {error}");
        }
    }
    started.elapsed().as_secs_f64()
}

fn main() {
    let quick = std::env::var_os("RETORT_BENCH_QUICK").is_some();
    let rows: u64 = if quick { 50_000 } else { 1_000_000 };
    let rounds = support::rounds::from_env(3).max(1);

    let name = format!("retort_bench_alter_{}", std::process::id());
    let database = match FreshDatabase::named(Server::Mysql, &name) {
        Ok(database) => database,
        Err(error) => {
            eprintln!("skipped: MySQL unavailable: {error}");
            return;
        }
    };
    let mut conn = MysqlConnection::establish(&database.url).expect("the bench database");

    let backend = BackendKind::Mysql.backend();
    let (from, to) = (Schema::new(vec![before()]), Schema::new(vec![after()]));
    let create = render(&diff(&Schema::default(), &from), backend).expect("renders");
    execute(&mut conn, &create);
    // A million rows from six digit tables joined.
    // language=SQL
    let digits = "(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 \
                  UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)";
    let fill = format!(
        "INSERT INTO `orders` (`amount`, `quantity`, `label`, `price`, `placed_at`) \
         SELECT n, n % 100, CONCAT('order ', n), n / 100, NOW() FROM (\
         SELECT a.d + 10 * b.d + 100 * c.d + 1000 * d.d + 10000 * e.d + 100000 * f.d AS n \
         FROM {digits} a, {digits} b, {digits} c, {digits} d, {digits} e, {digits} f) numbers \
         WHERE n < {rows}"
    );
    execute(&mut conn, &[fill]);

    let changes = diff(&from, &to);
    let combined = render(&changes, backend).expect("renders");
    let mut separate = Vec::new();
    for op in changes.ops() {
        separate.extend(render_op(op, backend).expect("renders"));
    }
    let reverse = render(&changes.reverse(), backend).expect("renders");
    assert_eq!(combined.len(), 1, "one statement: {combined:#?}");
    assert_eq!(separate.len(), 5, "five statements: {separate:#?}");

    let conn = std::cell::RefCell::new(conn);
    let measure = |statements: &[String]| {
        let mut conn = conn.borrow_mut();
        let took = execute(&mut conn, statements);
        execute(&mut conn, &reverse);
        took
    };
    let mut one = || measure(&combined);
    let mut five = || measure(&separate);
    let measured = interleave(rounds, &mut [&mut one, &mut five]);
    let (combined_s, separate_s) = (median(&measured[0]), median(&measured[1]));
    let ((low_one, high_one), (low_five, high_five)) = (range(&measured[0]), range(&measured[1]));
    println!(
        "5 column changes, MySQL, {rows} rows: one ALTER TABLE {combined_s:.2} s ({low_one:.2}-{high_one:.2}), \
         5 statements {separate_s:.2} s ({low_five:.2}-{high_five:.2}), {:.2}x, {rounds} rounds",
        separate_s / combined_s
    );
    support::record_fact(&format!(
        r#"{{"row":"alter","rows":{rows},"combined_s":{combined_s},"separate_s":{separate_s},"rounds":{rounds}}}"#
    ));

    drop(conn);
    drop(database);
}
