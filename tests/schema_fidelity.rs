//! What a real schema writes comes back as written, on each real server:
//! referential actions, and a rebuild from the introspected schema diffs
//! empty.

mod support;

use retort::{
    autogen::pending_changes, BackendKind, Column, ForeignKey, PrimaryKey, ReferentialAction,
    Schema, SqlType, Table,
};
use support::{backend_tests, TestBackend, TestDatabase};

/// The actions each database accepts: InnoDB refuses `SET DEFAULT`.
fn actions(kind: BackendKind) -> Vec<ReferentialAction> {
    let mut actions = vec![
        ReferentialAction::NoAction,
        ReferentialAction::Restrict,
        ReferentialAction::Cascade,
        ReferentialAction::SetNull,
    ];
    if kind != BackendKind::Mysql {
        actions.push(ReferentialAction::SetDefault);
    }
    actions
}

/// `parents`, and `children` with one foreign key per pair of actions.
fn every_action(kind: BackendKind) -> Schema {
    let parents = Table::new("parents")
        .column(Column::new("id", SqlType::Integer).identity())
        .primary_key(PrimaryKey {
            name: Some("pk_parents".into()),
            columns: vec!["id".into()],
        });
    let mut children = Table::new("children")
        .column(Column::new("id", SqlType::Integer).identity())
        .primary_key(PrimaryKey {
            name: Some("pk_children".into()),
            columns: vec!["id".into()],
        });
    for (at, on_delete) in actions(kind).into_iter().enumerate() {
        let on_update = actions(kind)[(at + 1) % actions(kind).len()];
        let column = format!("p{at}");
        children = children
            .column(Column::new(&column, SqlType::Integer).nullable())
            .foreign_key(ForeignKey {
                name: Some(format!("fk_children_{column}")),
                columns: vec![column],
                referenced_schema: None,
                referenced_table: "parents".into(),
                referenced_columns: vec!["id".into()],
                on_delete,
                on_update,
            });
    }
    Schema::new(vec![parents, children])
}

/// Every referential action, `NO ACTION` included, is created, read back and
/// compared as written: `NO ACTION` and `RESTRICT` are different actions
/// (they differ for deferred checks on PostgreSQL), so changing one into the
/// other is a change.
fn referential_actions_stay_as_written<C: TestBackend>(db: &TestDatabase<C>) {
    let kind = C::BACKEND;
    let mut conn = db.connect();
    let schema = every_action(kind);
    let dir = tempfile::tempdir().unwrap();
    let path = retort::autogenerate(&mut conn, &schema, dir.path(), "actions")
        .unwrap()
        .expect("an empty database needs a revision");
    let text = std::fs::read_to_string(&path).unwrap();
    // PostgreSQL and SQLite read an omitted action as NO ACTION; MariaDB
    // reads it as RESTRICT, so there it is spelled out.
    if kind == BackendKind::Mysql {
        assert!(text.contains("ON DELETE NO ACTION"), "{kind}: {text}");
    }
    retort::migrate_to_head(
        &mut conn,
        &retort::Migrations::from_dir(dir.path()).unwrap(),
    )
    .unwrap();
    let read = retort::introspect(&mut conn).unwrap();
    let keys = |schema: &Schema| {
        let mut keys = schema.table("children").unwrap().foreign_keys.clone();
        keys.sort_by(|a, b| a.name.cmp(&b.name));
        keys
    };
    assert_eq!(keys(&read), keys(&schema), "{kind}: actions read back");
    let left = pending_changes(&mut conn, &schema).unwrap();
    assert!(left.is_empty(), "{kind}: {:#?}", left.ops());

    let mut restricted = schema.clone();
    let children = restricted
        .tables
        .iter_mut()
        .find(|table| table.name == "children")
        .unwrap();
    let no_action = children
        .foreign_keys
        .iter_mut()
        .find(|key| key.on_delete == ReferentialAction::NoAction)
        .unwrap();
    no_action.on_delete = ReferentialAction::Restrict;
    let change = pending_changes(&mut conn, &restricted).unwrap();
    assert!(
        !change.is_empty(),
        "{kind}: NO ACTION -> RESTRICT is a change"
    );
}

/// A foreign key written with an explicit `NO ACTION` by hand reads back
/// `NO ACTION`, and a rebuild from what was read writes `NO ACTION` again.
fn hand_written_no_action_rebuilds_as_no_action<C: TestBackend>(db: &TestDatabase<C>) {
    let kind = C::BACKEND;
    let backend = kind.backend();
    let q = |name: &str| backend.quote_identifier(name);
    let mut conn = db.connect();
    conn.batch_execute(&format!(
        "CREATE TABLE {p} ({id} INTEGER NOT NULL PRIMARY KEY);
         CREATE TABLE {c} ({id} INTEGER NOT NULL PRIMARY KEY, {pid} INTEGER,
             CONSTRAINT {fk} FOREIGN KEY ({pid}) REFERENCES {p} ({id})
             ON DELETE NO ACTION ON UPDATE NO ACTION)",
        p = q("p"),
        c = q("c"),
        id = q("id"),
        pid = q("pid"),
        fk = q("fk_c_pid"),
    ))
    .expect("the DDL loads");
    let schema = retort::introspect(&mut conn).unwrap();
    let key = &schema.table("c").unwrap().foreign_keys[0];
    assert_eq!(
        (key.on_delete, key.on_update),
        (ReferentialAction::NoAction, ReferentialAction::NoAction),
        "{kind}"
    );
    support::run::<C>(|copy| {
        let mut copy = copy.connect();
        let dir = tempfile::tempdir().unwrap();
        let path = retort::autogenerate(&mut copy, &schema, dir.path(), "rebuild")
            .unwrap()
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("RESTRICT"), "{kind}: {text}");
        retort::migrate_to_head(
            &mut copy,
            &retort::Migrations::from_dir(dir.path()).unwrap(),
        )
        .unwrap();
        let again = retort::introspect(&mut copy).unwrap();
        assert_eq!(
            again.table("c").unwrap().foreign_keys,
            schema.table("c").unwrap().foreign_keys,
            "{kind}"
        );
    });
}

backend_tests!(
    referential_actions_stay_as_written,
    hand_written_no_action_rebuilds_as_no_action
);
