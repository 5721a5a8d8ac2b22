//! What the online-migration tests share: a session holding a lock on a
//! table from another thread, revision files, and a count of the runner's
//! retry warnings.

#![allow(dead_code)]

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use diesel::sql_types::BigInt;
use diesel::{sql_query, RunQueryDsl};

use crate::support::TestBackend;

#[derive(diesel::QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    count: i64,
}

/// Queries these tests run on each backend.
pub trait OnlineBackend: TestBackend {
    /// The single `count` a `SELECT ... AS count` returns.
    fn count(&mut self, sql: &str) -> i64;
}

macro_rules! online_backend {
    ($($connection:ty),*) => {
        $(
            impl OnlineBackend for $connection {
                fn count(&mut self, sql: &str) -> i64 {
                    sql_query(sql)
                        .get_result::<CountRow>(self)
                        .unwrap_or_else(|error| panic!("{sql}: {error}"))
                        .count
                }
            }
        )*
    };
}

#[cfg(feature = "postgres")]
online_backend!(diesel::PgConnection);
#[cfg(feature = "mysql")]
online_backend!(diesel::MysqlConnection);
#[cfg(feature = "sqlite")]
online_backend!(diesel::SqliteConnection);

/// Another session inside a transaction that has written to a table, so it
/// holds a lock every `ALTER TABLE` of that table waits for (PostgreSQL's
/// `ROW EXCLUSIVE`, MySQL's shared metadata lock) until it commits.
pub struct Blocker {
    release: mpsc::Sender<()>,
    thread: Option<JoinHandle<()>>,
}

impl Blocker {
    /// Starts the transaction on `conn` in a thread and returns once it
    /// holds its lock on `table` (which has a column `id`).
    pub fn hold<C: TestBackend>(mut conn: C, table: &str) -> Blocker {
        let (held, is_held) = mpsc::channel();
        let (release, is_released) = mpsc::channel::<()>();
        // language=SQL
        let update = format!("UPDATE {table} SET id = id WHERE id = 1");
        let thread = std::thread::spawn(move || {
            conn.batch_execute("START TRANSACTION").unwrap();
            conn.batch_execute(&update).unwrap();
            held.send(()).unwrap();
            // Released by `release`, or when the Blocker is dropped.
            let _ = is_released.recv();
            conn.batch_execute("COMMIT").unwrap();
        });
        is_held.recv().expect("the blocking transaction started");
        Blocker {
            release,
            thread: Some(thread),
        }
    }

    /// Commits the transaction after `delay`, from its thread.
    pub fn release_after(self, delay: Duration) -> JoinHandle<()> {
        std::thread::spawn(move || {
            std::thread::sleep(delay);
            self.release();
        })
    }

    /// Commits the transaction now and waits for it.
    pub fn release(mut self) {
        let _ = self.release.send(());
        if let Some(thread) = self.thread.take() {
            thread.join().expect("the blocking thread ends cleanly");
        }
    }
}

impl Drop for Blocker {
    fn drop(&mut self) {
        let _ = self.release.send(());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Writes a revision file; `transactional: false` adds `-- retort:transaction off`.
pub fn write_revision(
    dir: &Path,
    stamp: u32,
    id: &str,
    parent: Option<&str>,
    transactional: bool,
    up: &str,
    down: &str,
) {
    let contents = format!(
        "-- retort:revision {id}\n-- retort:parents {}\n-- retort:message revision {id}\n{}-- retort:up\n{up}\n-- retort:down\n{down}\n",
        parent.unwrap_or(""),
        if transactional { "" } else { "-- retort:transaction off\n" }
    );
    std::fs::write(dir.join(format!("20240101{stamp:06}_{id}_r.sql")), contents).unwrap();
}

/// Counts `warn` events (the runner's retries) on the thread it is the
/// default subscriber of.
#[derive(Clone, Default)]
pub struct WarningCounter(Arc<AtomicUsize>);

impl WarningCounter {
    /// How many warnings were logged.
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl tracing::Subscriber for WarningCounter {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        if *event.metadata().level() == tracing::Level::WARN {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// `teams` and `items` as the application has them before a change:
/// `items` has an index on `qty` and nullable `sku` and `team_id`.
pub fn base_schema() -> retort::Schema {
    use retort::{Column, Index, PrimaryKey, SqlType, Table};
    let teams = Table::new("teams")
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new("name", SqlType::Text))
        .primary_key(PrimaryKey {
            name: Some("pk_teams".into()),
            columns: vec!["id".into()],
            ..Default::default()
        });
    let items = Table::new("items")
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new("sku", SqlType::Text).nullable())
        .column(Column::new("qty", SqlType::Integer).default_expr("0"))
        .column(Column::new("team_id", SqlType::BigInt).nullable())
        .primary_key(PrimaryKey {
            name: Some("pk_items".into()),
            columns: vec!["id".into()],
            ..Default::default()
        })
        .index(Index::on_columns("ix_items_qty", ["qty"]));
    retort::Schema::new(vec![teams, items])
}

/// Each risky change kind: its name and the schema after it (from
/// [`base_schema`]), and whether online rendering leaves it locking (a type
/// change that rewrites: flagged, with the expand/contract alternative).
pub fn change_kinds() -> Vec<(&'static str, retort::Schema, bool)> {
    use retort::{CheckConstraint, ForeignKey, Index, SqlType, UniqueConstraint};
    let changed = |change: &dyn Fn(&mut retort::Table)| {
        let mut schema = base_schema();
        let items = schema
            .tables
            .iter_mut()
            .find(|table| table.name == "items")
            .expect("items");
        change(items);
        schema
    };
    let column = |table: &mut retort::Table, name: &str| -> usize {
        table
            .columns
            .iter()
            .position(|column| column.name == name)
            .expect("the column")
    };
    vec![
        (
            "create index",
            changed(&|items| {
                items
                    .indexes
                    .push(Index::on_columns("ix_items_sku", ["sku"]))
            }),
            true,
        ),
        ("drop index", changed(&|items| items.indexes.clear()), true),
        (
            "add foreign key",
            changed(&|items| {
                items.foreign_keys.push(ForeignKey {
                    name: Some("fk_items_team".into()),
                    columns: vec!["team_id".into()],
                    referenced_schema: None,
                    referenced_table: "teams".into(),
                    referenced_columns: vec!["id".into()],
                    on_delete: Default::default(),
                    on_update: Default::default(),
                    deferrable: None,
                })
            }),
            true,
        ),
        (
            "add check",
            changed(&|items| {
                items.checks.push(CheckConstraint {
                    name: Some("ck_items_qty".into()),
                    expression: "qty >= 0".into(),
                })
            }),
            true,
        ),
        (
            "add unique",
            changed(&|items| {
                items.uniques.push(UniqueConstraint {
                    name: Some("uq_items_sku".into()),
                    columns: vec!["sku".into()],
                    deferrable: None,
                })
            }),
            true,
        ),
        (
            "set not null",
            changed(&|items| {
                let at = column(items, "sku");
                items.columns[at].nullable = false;
            }),
            true,
        ),
        (
            "change type",
            changed(&|items| {
                let at = column(items, "qty");
                items.columns[at].ty = SqlType::BigInt;
            }),
            false,
        ),
    ]
}
