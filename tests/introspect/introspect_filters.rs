//! Filters on what is read, like Alembic's `include_name` and
//! `include_object`: table patterns and kinds of objects left out are not
//! read, not compared, and so never dropped, on each real server.

use crate::support;

use retort::autogen::{pending_changes, pending_changes_with, AutogenerateOptions};
use retort::{
    introspect_with, Column, ForeignKey, Index, IntrospectOptions, ObjectKind, PrimaryKey,
    ReferentialAction, Schema, SqlType, Table,
};
use support::{backend_tests, TestBackend, TestDatabase};

fn table(name: &str) -> Table {
    Table::new(name)
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new("team_id", SqlType::BigInt).nullable())
        .primary_key(PrimaryKey {
            name: Some(format!("pk_{name}")),
            columns: vec!["id".into()],
            ..Default::default()
        })
}

/// `teams`, `users` (an index and a foreign key to teams) and two tables
/// another tool owns, `legacy_orders` and `legacy_users`.
fn everything() -> Schema {
    let users = table("users")
        .index(Index::on_columns("ix_users_team_id", ["team_id"]))
        .foreign_key(ForeignKey {
            name: Some("fk_users_team".into()),
            columns: vec!["team_id".into()],
            referenced_schema: None,
            referenced_table: "teams".into(),
            referenced_columns: vec!["id".into()],
            on_delete: ReferentialAction::Cascade,
            on_update: ReferentialAction::NoAction,
            deferrable: None,
        });
    Schema::new(vec![
        table("teams"),
        users,
        table("legacy_orders"),
        table("legacy_users"),
    ])
}

fn names(schema: &Schema) -> Vec<&str> {
    let mut names: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
    names.sort_unstable();
    names
}

fn filters_choose_what_is_read<C: TestBackend>(db: &TestDatabase<C>) {
    let mut conn = db.connect();
    let dir = tempfile::tempdir().unwrap();
    retort::autogenerate(&mut conn, &everything(), dir.path(), "all")
        .unwrap()
        .unwrap();
    retort::migrate_to_head(
        &mut conn,
        &retort::Migrations::from_dir(dir.path()).unwrap(),
    )
    .unwrap();

    let read = |options: IntrospectOptions| introspect_with(&mut db.connect(), &options).unwrap();
    assert_eq!(
        names(&read(IntrospectOptions::new().exclude(["legacy_*"]))),
        ["teams", "users"]
    );
    assert_eq!(
        names(&read(
            IntrospectOptions::new().include(["*_users", "teams"])
        )),
        ["legacy_users", "teams"]
    );
    assert_eq!(
        names(&read(
            IntrospectOptions::new()
                .include(["*users"])
                .exclude(["legacy_*"])
        )),
        ["users"]
    );
    // `%` and `_` are characters like any other, not SQL wildcards.
    assert!(read(IntrospectOptions::new().include(["legacy%", "user_"]))
        .tables
        .is_empty());
    // A qualified pattern names another namespace, not the default one.
    assert_eq!(
        names(&read(IntrospectOptions::new().exclude(["*.legacy_*"]))).len(),
        4
    );

    let kinds = read(
        IntrospectOptions::new().exclude_kinds([ObjectKind::Indexes, ObjectKind::ForeignKeys]),
    );
    let users = kinds.table("users").unwrap();
    assert!(users.indexes.is_empty() && users.foreign_keys.is_empty());
    assert!(users.primary_key.is_some());

    // What is not read is not compared: the models without the legacy
    // tables, indexes or foreign keys diff empty with the right options,
    // and would drop them without.
    let mut models = everything();
    models
        .tables
        .retain(|table| !table.name.starts_with("legacy_"));
    for table in &mut models.tables {
        table.indexes.clear();
        table.foreign_keys.clear();
    }
    let dropped: Vec<String> = pending_changes(&mut conn, &models)
        .unwrap()
        .ops()
        .iter()
        .map(ToString::to_string)
        .filter(|op| op.starts_with("drop"))
        .collect();
    assert_eq!(dropped.len(), 4, "{dropped:?}");
    let options = AutogenerateOptions::new()
        .exclude_tables(["legacy_*"])
        .exclude_kinds([ObjectKind::Indexes, ObjectKind::ForeignKeys]);
    let left = pending_changes_with(&mut conn, &models, &options).unwrap();
    assert!(left.is_empty(), "{:?}", left.ops());
}

backend_tests!(filters_choose_what_is_read);

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;
    use diesel::connection::SimpleConnection;
    use diesel::PgConnection;

    /// PostGIS's `spatial_ref_sys` in the application's schema is never
    /// read (the extension owns it); another team's table and a partition
    /// manager's partitions are left alone by name and by kind.
    #[test]
    fn postgis_and_a_partition_managers_tables_are_left_alone() {
        support::run::<PgConnection>(|db| {
            let mut conn = db.connect();
            conn.batch_execute(
                "CREATE EXTENSION postgis; \
                 CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at); \
                 CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01'); \
                 CREATE TABLE places (id bigint CONSTRAINT pk_places PRIMARY KEY, spot geometry(Point, 4326)); \
                 CREATE TABLE billing_ledger (id bigint);",
            )
            .unwrap();
            let events = Table::new("events")
                .column(Column::new("id", SqlType::BigInt).nullable())
                .column(Column::new("at", SqlType::Date).nullable())
                .partition_by(retort::PartitionKey::range(["at"]));
            let mut places = table("places");
            places.columns[1] = Column::new(
                "spot",
                SqlType::Geometry {
                    shape: Some("Point".into()),
                    srid: Some(4326),
                },
            )
            .nullable();
            let models = Schema::new(vec![events, places]);
            let all: Vec<String> = pending_changes(&mut conn, &models)
                .unwrap()
                .ops()
                .iter()
                .map(ToString::to_string)
                .collect();
            assert!(
                all.contains(&"drop table billing_ledger".to_string()),
                "{all:?}"
            );
            assert!(
                !all.iter().any(|op| op.contains("spatial_ref_sys")),
                "the extension's table was read: {all:?}"
            );
            let options = AutogenerateOptions::new()
                .exclude_tables(["billing_ledger"])
                .exclude_kinds([ObjectKind::Partitions]);
            let left = pending_changes_with(&mut conn, &models, &options).unwrap();
            assert!(left.is_empty(), "{:?}", left.ops());
            let read = introspect_with(
                &mut conn,
                &IntrospectOptions::new()
                    .exclude(["billing_ledger"])
                    .exclude_kinds([ObjectKind::Partitions]),
            )
            .unwrap();
            assert_eq!(names(&read), ["events", "places"]);
        });
    }
}
