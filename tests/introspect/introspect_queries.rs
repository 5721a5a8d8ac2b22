//! Introspection reads in bulk: the number of queries does not grow with the
//! number of tables (counted with diesel's instrumentation).

use crate::support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::Connection;
use retort::{Backend, SqlType};
use support::{backend_tests, TestBackend, TestDatabase};

/// DDL for tables `from..to`, each with 10 columns, an index, a unique
/// constraint and a foreign key to `t0000`.
fn tables_ddl(backend: &dyn Backend, from: usize, to: usize) -> String {
    let q = |name: &str| backend.quote_identifier(name);
    let (big, text, int) = (
        backend.type_sql(&SqlType::BigInt),
        backend.type_sql(&SqlType::Varchar(100)),
        backend.type_sql(&SqlType::Integer),
    );
    let mut ddl = String::new();
    for at in from..to {
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

/// Counts the queries a connection starts.
fn count_queries<C: Connection>(conn: &mut C) -> Arc<AtomicUsize> {
    let count = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&count);
    let instrumentation = move |event: InstrumentationEvent<'_>| {
        if matches!(event, InstrumentationEvent::StartQuery { .. }) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    };
    conn.set_instrumentation(Box::new(instrumentation) as Box<dyn Instrumentation>);
    count
}

/// Reading 10 tables and reading 200 take the same number of queries.
fn query_count_does_not_grow_with_tables<C: TestBackend>(db: &TestDatabase<C>) {
    let backend = C::BACKEND.backend();
    let mut conn = db.connect();
    conn.batch_execute(&tables_ddl(backend, 0, 10))
        .expect("create 10 tables");
    let mut reader = db.connect();
    let count = count_queries(&mut reader);

    let ten = retort::introspect(&mut reader).expect("introspect 10 tables");
    let at_ten = count.swap(0, Ordering::Relaxed);
    assert_eq!(ten.tables.len(), 10);

    conn.batch_execute(&tables_ddl(backend, 10, 200))
        .expect("create 190 more tables");
    let two_hundred = retort::introspect(&mut reader).expect("introspect 200 tables");
    let at_two_hundred = count.swap(0, Ordering::Relaxed);
    assert_eq!(two_hundred.tables.len(), 200);
    let last = two_hundred.table("t0199").expect("the last table is read");
    assert_eq!(last.columns.len(), 10);
    assert_eq!(
        (
            last.indexes.len(),
            last.uniques.len(),
            last.foreign_keys.len()
        ),
        (1, 1, 1)
    );

    assert!(at_ten > 0, "the counter sees the queries");
    assert_eq!(
        at_ten,
        at_two_hundred,
        "{}: {at_ten} queries for 10 tables but {at_two_hundred} for 200",
        C::BACKEND
    );
    eprintln!("{}: {at_ten} queries at 10 and at 200 tables", C::BACKEND);
}

backend_tests!(query_count_does_not_grow_with_tables);
