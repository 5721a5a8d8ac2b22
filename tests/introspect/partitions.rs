//! Declarative partitioning: a partitioned table and its partitions are
//! created, read back, attached, detached and re-keyed on PostgreSQL, and
//! refused with a message naming the table on MySQL and SQLite.

use crate::support;

use diesel::connection::SimpleConnection;
use retort::autogen::pending_changes;
use retort::diff::WarningKind;
use retort::{
    autogenerate, BackendKind, Column, Index, Migrations, Model, PartitionBound, PartitionKey,
    PrimaryKey, Schema, SqlType, Table,
};
use support::{backend_tests, TestBackend, TestDatabase};

/// A table partitioned by range of `created_at`, with an index the
/// partitions inherit.
fn events() -> Table {
    Table::new("events")
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new("region", SqlType::Text))
        .column(Column::new("created_at", SqlType::Date))
        .primary_key(PrimaryKey {
            name: Some("pk_events".into()),
            columns: vec!["id".into(), "created_at".into()],
            ..Default::default()
        })
        .index(Index::on_columns("ix_events_region", ["region"]))
        .partition_by(PartitionKey::range(["created_at"]))
}

fn month(name: &str, from: &str, to: &str) -> Table {
    Table::new(name).partition_of(
        "events",
        PartitionBound::range([format!("'{from}'")], [format!("'{to}'")]),
    )
}

/// `events` with January (its own index), February and a default partition
/// that is itself partitioned by hash of `id`, in two.
fn declared() -> Schema {
    Schema::new(vec![
        events(),
        month("events_2024_01", "2024-01-01", "2024-02-01")
            .index(Index::on_columns("ix_events_2024_01_id", ["id"])),
        month("events_2024_02", "2024-02-01", "2024-03-01"),
        Table::new("events_other")
            .partition_of("events", PartitionBound::Default)
            .partition_by(PartitionKey::hash(["id"])),
        hashed(0),
        hashed(1),
    ])
}

fn hashed(remainder: u32) -> Table {
    Table::new(format!("events_other_{remainder}")).partition_of(
        "events_other",
        PartitionBound::Hash {
            modulus: 2,
            remainder,
        },
    )
}

/// Autogenerates `schema` into the database behind `conn` and applies it;
/// returns the revision's text.
fn apply<C: TestBackend>(
    conn: &mut C,
    dir: &std::path::Path,
    schema: &Schema,
    message: &str,
) -> String {
    let path = autogenerate(conn, schema, dir, message)
        .unwrap()
        .expect("a change needs a revision");
    let text = std::fs::read_to_string(&path).unwrap();
    let migrations = Migrations::from_dir(dir).unwrap();
    if let Err(error) = retort::migrate_to_head(conn, &migrations) {
        panic!("applying failed: {error}\n{text}");
    }
    text
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;
    use diesel::PgConnection;

    /// Created in dependency order, read back as declared (inherited
    /// indexes and keys are not read on the partitions), and rows go where
    /// the bounds send them.
    #[test]
    fn partitions_are_created_and_read_back_as_declared() {
        support::run::<PgConnection>(|db| {
            let mut conn = db.connect();
            let dir = tempfile::tempdir().unwrap();
            let text = apply(&mut conn, dir.path(), &declared(), "events");
            assert!(
                text.contains(r#"PARTITION BY RANGE ("created_at")"#)
                    && text.contains(
                        r#"CREATE TABLE "events_2024_01" PARTITION OF "events" FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')"#
                    )
                    && text.contains(
                        r#"CREATE TABLE "events_other" PARTITION OF "events" DEFAULT PARTITION BY HASH ("id")"#
                    ),
                "{text}"
            );
            let read = retort::introspect(&mut conn).unwrap();
            assert_eq!(read, declared());
            assert!(pending_changes(&mut conn, &declared()).unwrap().is_empty());
            conn.batch_execute(
                "INSERT INTO events VALUES (1, 'us', '2024-01-15'), (2, 'eu', '2030-01-01')",
            )
            .unwrap();
            assert_eq!(
                conn.select_count("SELECT COUNT(*) AS n FROM events_2024_01"),
                1
            );
            assert_eq!(
                conn.select_count("SELECT COUNT(*) AS n FROM events_other"),
                1
            );
        });
    }

    /// A new partition is created; a plain table that becomes a partition
    /// is attached with its rows, and detached again by the down section.
    #[test]
    fn partitions_are_added_attached_and_detached() {
        support::run::<PgConnection>(|db| {
            let mut conn = db.connect();
            let dir = tempfile::tempdir().unwrap();
            apply(&mut conn, dir.path(), &declared(), "events");
            conn.batch_execute(
                "CREATE TABLE events_2024_03 (LIKE events); \
                 INSERT INTO events_2024_03 VALUES (3, 'us', '2024-03-02');",
            )
            .unwrap();
            let mut target = declared();
            target
                .tables
                .push(month("events_2024_03", "2024-03-01", "2024-04-01"));
            target
                .tables
                .push(month("events_2024_04", "2024-04-01", "2024-05-01"));
            let changes = pending_changes(&mut conn, &target).unwrap();
            let words: Vec<String> = changes.ops().iter().map(ToString::to_string).collect();
            assert_eq!(
                words,
                [
                    "add table events_2024_04",
                    "attach events_2024_03 to events FOR VALUES FROM ('2024-03-01') TO ('2024-04-01')",
                ]
            );
            assert!(changes.warnings().is_empty(), "{:?}", changes.warnings());
            let text = apply(&mut conn, dir.path(), &target, "march and april");
            assert!(
                text.contains(r#"ALTER TABLE "events" DETACH PARTITION "events_2024_03""#),
                "the down section detaches: {text}"
            );
            assert!(pending_changes(&mut conn, &target).unwrap().is_empty());
            assert_eq!(conn.select_count("SELECT COUNT(*) AS n FROM events"), 1);

            // Back down: March is a plain table again, with its row.
            let migrations = Migrations::from_dir(dir.path()).unwrap();
            retort::Migrator::new(&migrations)
                .downgrade(&mut conn, "-1")
                .unwrap();
            assert!(pending_changes(&mut conn, &declared())
                .unwrap()
                .ops()
                .iter()
                .all(|op| op.to_string() == "drop table events_2024_03"));
            assert_eq!(
                conn.select_count("SELECT COUNT(*) AS n FROM events_2024_03"),
                1
            );
        });
    }

    /// Partitions the models do not declare (a partition manager's) are
    /// left alone; once the models declare some, the others are dropped.
    #[test]
    fn undeclared_partitions_are_left_alone_until_the_models_declare_some() {
        support::run::<PgConnection>(|db| {
            let mut conn = db.connect();
            let dir = tempfile::tempdir().unwrap();
            let parent_only = Schema::new(vec![events()]);
            apply(&mut conn, dir.path(), &parent_only, "events");
            conn.batch_execute(
                "CREATE TABLE events_2024_05 PARTITION OF events \
                 FOR VALUES FROM ('2024-05-01') TO ('2024-06-01')",
            )
            .unwrap();
            assert!(pending_changes(&mut conn, &parent_only).unwrap().is_empty());
            let words: Vec<String> = pending_changes(&mut conn, &declared())
                .unwrap()
                .ops()
                .iter()
                .map(ToString::to_string)
                .filter(|op| op.starts_with("drop"))
                .collect();
            assert_eq!(words, ["drop table events_2024_05"]);
        });
    }

    /// A partition key cannot change in place: the table is dropped and
    /// created again with its partitions, and the warning says what to do.
    #[test]
    fn a_new_partition_key_rebuilds_with_a_warning() {
        support::run::<PgConnection>(|db| {
            let mut conn = db.connect();
            let dir = tempfile::tempdir().unwrap();
            apply(&mut conn, dir.path(), &declared(), "events");
            let mut target = declared();
            target.tables[0].partition_by = Some(PartitionKey::range(["id", "created_at"]));
            target.tables[1].partition_of.as_mut().unwrap().bound =
                PartitionBound::range(["0", "MINVALUE"], ["100", "MINVALUE"]);
            target.tables[2].partition_of.as_mut().unwrap().bound =
                PartitionBound::range(["100", "MINVALUE"], ["200", "MINVALUE"]);
            let changes = pending_changes(&mut conn, &target).unwrap();
            let rebuild: Vec<&str> = changes
                .warnings()
                .iter()
                .filter(|warning| warning.kind == WarningKind::Rebuild)
                .map(|warning| warning.message.as_str())
                .collect();
            assert_eq!(rebuild.len(), 1, "{:?}", changes.warnings());
            assert!(
                rebuild[0].contains("table events goes from PARTITION BY RANGE (created_at) to PARTITION BY RANGE (id, created_at)")
                    && rebuild[0].contains("INSERT INTO ... SELECT"),
                "{}",
                rebuild[0]
            );
            assert!(changes
                .warnings()
                .iter()
                .all(|warning| warning.kind != WarningKind::PossibleRename));
            apply(&mut conn, dir.path(), &target, "rekey");
            assert_eq!(retort::introspect(&mut conn).unwrap(), target);
        });
    }

    /// `#[model(partition_by = "...")]` makes a partitioned table.
    #[test]
    fn the_derive_declares_a_partition_key() {
        #[derive(Model)]
        #[model(
            table = "readings",
            primary_key(columns("id", "sensor")),
            partition_by = "LIST (sensor)"
        )]
        #[allow(dead_code)]
        struct Reading {
            id: i64,
            sensor: String,
        }
        let table = Reading::table();
        assert_eq!(table.partition_by, Some(PartitionKey::list(["sensor"])));
        support::run::<PgConnection>(|db| {
            let mut conn = db.connect();
            let dir = tempfile::tempdir().unwrap();
            let schema = Schema::new(vec![
                table.clone(),
                Table::new("readings_a").partition_of("readings", PartitionBound::list(["'a'"])),
            ]);
            apply(&mut conn, dir.path(), &schema, "readings");
            assert!(pending_changes(&mut conn, &schema).unwrap().is_empty());
        });
    }
}

/// Where there is no declarative partitioning, a partitioned table is
/// refused before any SQL is written, naming it.
fn partitioning_is_refused_elsewhere<C: TestBackend>(db: &TestDatabase<C>) {
    if C::BACKEND == BackendKind::Postgres {
        return;
    }
    let mut conn = db.connect();
    let dir = tempfile::tempdir().unwrap();
    let error = autogenerate(&mut conn, &declared(), dir.path(), "events")
        .expect_err("no partitioning here")
        .to_string();
    assert!(
        error.contains("cannot partition table events by RANGE (created_at)"),
        "{error}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

backend_tests!(partitioning_is_refused_elsewhere);
