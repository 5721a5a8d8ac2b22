//! What a real schema writes comes back as written, on each real server:
//! referential actions, and a rebuild from the introspected schema diffs
//! empty.

use crate::support;

use diesel::connection::SimpleConnection;

use retort::{
    autogen::pending_changes, BackendKind, Column, ForeignKey, Generated, Index, IndexKeyOptions,
    IndexPart, Migrations, PrimaryKey, ReferentialAction, Schema, SqlType, Table,
};
use support::{backend_tests, upgrade_to, TestBackend, TestDatabase};

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
            ..Default::default()
        });
    let mut children = Table::new("children")
        .column(Column::new("id", SqlType::Integer).identity())
        .primary_key(PrimaryKey {
            name: Some("pk_children".into()),
            columns: vec!["id".into()],
            ..Default::default()
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
                deferrable: None,
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

/// Key options with a direction, nulls order and collation.
fn key(descending: bool, nulls_first: Option<bool>, collation: Option<&str>) -> IndexKeyOptions {
    IndexKeyOptions {
        descending,
        nulls_first,
        collation: collation.map(Into::into),
        ..IndexKeyOptions::default()
    }
}

/// A table with the indexes each database can express beyond plain
/// columns: methods, operator classes, collations, order, `INCLUDE`,
/// `NULLS NOT DISTINCT`.
fn indexed(kind: BackendKind) -> Schema {
    let (text, body) = match kind {
        BackendKind::Mysql => (SqlType::Varchar(100), SqlType::Text),
        _ => (SqlType::Text, SqlType::Text),
    };
    let mut docs = Table::new("docs")
        .column(Column::new("id", SqlType::Integer).identity())
        .column(Column::new("title", text))
        .column(Column::new("body", body))
        .column(Column::new("rank", SqlType::Integer).nullable())
        .primary_key(PrimaryKey {
            name: Some("pk_docs".into()),
            columns: vec!["id".into()],
            ..Default::default()
        })
        .index(
            Index::on_columns("ix_docs_rank_title", ["rank", "title"])
                .key(0, key(true, None, None)),
        );
    match kind {
        BackendKind::Postgres => {
            docs = docs
                .index(
                    Index::on_columns("ix_docs_title_pattern", ["title"])
                        .operator_class("text_pattern_ops"),
                )
                .index(
                    Index::on_columns("ix_docs_title_trgm", ["title"])
                        .using("gin")
                        .operator_class("gin_trgm_ops"),
                )
                .index(Index::on_columns("ix_docs_rank_hash", ["rank"]).using("hash"))
                .index(Index::on_columns("ix_docs_id_brin", ["id"]).using("brin"))
                .index(
                    Index::on_columns("ix_docs_title_c", ["title", "rank"])
                        .key(0, key(false, None, Some("C")))
                        .key(1, key(false, Some(true), None)),
                )
                .index(
                    Index::on_columns("ix_docs_rank_desc_last", ["rank"])
                        .key(0, key(true, Some(false), None)),
                )
                .index(
                    Index::on_columns("ix_docs_rank_covering", ["rank"])
                        .unique()
                        .include(["title"])
                        .nulls_not_distinct(),
                )
                .index(Index {
                    name: "ix_docs_body_search".into(),
                    parts: vec![IndexPart::Expression(
                        "to_tsvector('english'::regconfig, body)".into(),
                    )],
                    method: Some("gin".into()),
                    ..Index::default()
                });
        }
        BackendKind::Mysql => {
            docs = docs
                .index(Index::on_columns("ix_docs_body_fulltext", ["body"]).using("fulltext"))
                .index(
                    Index::on_columns("ix_docs_title_desc", ["title"])
                        .unique()
                        .key(0, key(true, None, None)),
                );
        }
        BackendKind::Sqlite => {
            docs = docs.index(
                Index::on_columns("ix_docs_title_nocase", ["title", "rank"])
                    .key(0, key(false, None, Some("NOCASE")))
                    .key(1, key(true, None, None)),
            );
        }
    }
    Schema::new(vec![docs])
}

/// Indexes with methods, operator classes, collations, order, `INCLUDE`
/// and `NULLS NOT DISTINCT` are created, read back exactly and compared:
/// a rebuild gives the same index, and a model asking for the plain
/// B-tree sees the difference.
fn indexes_read_back_in_full<C: TestBackend>(db: &TestDatabase<C>) {
    let kind = C::BACKEND;
    let mut conn = db.connect();
    // On PostgreSQL, the trigram operator class brings `CREATE EXTENSION
    // pg_trgm` into the revision.
    let schema = indexed(kind);
    let dir = tempfile::tempdir().unwrap();
    let path = retort::autogenerate(&mut conn, &schema, dir.path(), "indexes")
        .unwrap()
        .expect("an empty database needs a revision");
    if let Err(error) = retort::migrate_to_head(
        &mut conn,
        &retort::Migrations::from_dir(dir.path()).unwrap(),
    ) {
        panic!(
            "{kind}: {error}\n{}",
            std::fs::read_to_string(&path).unwrap()
        );
    }
    let read = retort::introspect(&mut conn).unwrap();
    let sorted = |schema: &Schema| {
        let mut indexes = schema.table("docs").unwrap().indexes.clone();
        indexes.sort_by(|a, b| a.name.cmp(&b.name));
        indexes
    };
    assert_eq!(sorted(&read), sorted(&schema), "{kind}: indexes read back");
    let left = pending_changes(&mut conn, &schema).unwrap();
    assert!(left.is_empty(), "{kind}: {:#?}", left.ops());

    // Each option is a change: every index made plain differs.
    for at in 0..schema.tables[0].indexes.len() {
        let mut plain = schema.clone();
        let index = &mut plain.tables[0].indexes[at];
        if index
            .parts
            .iter()
            .any(|part| matches!(part, IndexPart::Expression(_)))
        {
            continue;
        }
        let name = index.name.clone();
        *index = Index {
            unique: index.unique,
            ..Index::on_columns(
                name.clone(),
                index.column_names().map(str::to_owned).collect::<Vec<_>>(),
            )
        };
        assert!(
            !pending_changes(&mut conn, &plain).unwrap().is_empty(),
            "{kind}: {name} made plain is a change"
        );
    }
}

/// Pagila-style indexes written by hand read back with their method and
/// operator class, and a rebuild from what was read makes the same ones.
#[cfg(feature = "postgres")]
#[test]
fn postgres_hand_written_gin_and_pattern_indexes_rebuild() {
    support::run::<diesel::PgConnection>(|db| {
        let mut conn = db.connect();
        conn.batch_execute(
            r#"CREATE EXTENSION pg_trgm;
               CREATE TABLE film (film_id integer PRIMARY KEY, title text NOT NULL, fulltext tsvector);
               CREATE INDEX film_fulltext_idx ON film USING gist (fulltext);
               CREATE INDEX idx_title ON film USING btree (title text_pattern_ops);
               CREATE INDEX idx_title_trgm ON film USING gin (title gin_trgm_ops);
               CREATE INDEX idx_title_desc ON film (title DESC NULLS LAST);"#,
        )
        .unwrap();
        let schema = retort::introspect(&mut conn).unwrap();
        let film = schema.table("film").unwrap();
        let index = |name: &str| film.indexes.iter().find(|i| i.name == name).unwrap();
        assert_eq!(index("film_fulltext_idx").method.as_deref(), Some("gist"));
        assert_eq!(
            index("idx_title").key_options[0].operator_class.as_deref(),
            Some("text_pattern_ops")
        );
        assert_eq!(index("idx_title").method, None);
        assert_eq!(index("idx_title_trgm").method.as_deref(), Some("gin"));
        assert_eq!(
            index("idx_title_desc").key_options,
            [key(true, Some(false), None)]
        );
        support::run::<diesel::PgConnection>(|copy| {
            // The introspected schema brings its extensions along.
            let mut copy = copy.connect();
            let dir = tempfile::tempdir().unwrap();
            retort::autogenerate(&mut copy, &schema, dir.path(), "rebuild")
                .unwrap()
                .unwrap();
            retort::migrate_to_head(
                &mut copy,
                &retort::Migrations::from_dir(dir.path()).unwrap(),
            )
            .unwrap();
            let definitions = |conn: &mut diesel::PgConnection| {
                #[derive(diesel::QueryableByName)]
                struct Definition {
                    #[diesel(sql_type = diesel::sql_types::Text)]
                    definition: String,
                }
                let rows: Vec<Definition> = diesel::RunQueryDsl::load(
                    diesel::sql_query(
                        "SELECT indexdef AS definition FROM pg_indexes \
                         WHERE tablename = 'film' ORDER BY indexname",
                    ),
                    conn,
                )
                .unwrap();
                rows.into_iter()
                    .map(|row| row.definition)
                    .collect::<Vec<_>>()
            };
            assert_eq!(definitions(&mut copy), definitions(&mut conn));
        });
    });
}

backend_tests!(
    referential_actions_stay_as_written,
    hand_written_no_action_rebuilds_as_no_action,
    indexes_read_back_in_full
);

/// A model asks for an index's method and operator class.
#[derive(retort::Model)]
#[model(
    table = "articles",
    index(columns("title"), method = "gin", ops = "gin_trgm_ops"),
    index(columns("body"), name = "ix_articles_body_ft", method = "fulltext")
)]
#[allow(dead_code)]
struct Article {
    #[model(primary_key)]
    id: i64,
    title: String,
    body: String,
}

#[test]
fn the_derive_asks_for_methods_and_operator_classes() {
    use retort::Model;
    let table = Article::table();
    assert_eq!(
        table.indexes,
        [
            Index::on_columns("ix_articles_title", ["title"])
                .using("gin")
                .operator_class("gin_trgm_ops"),
            Index::on_columns("ix_articles_body_ft", ["body"]).using("fulltext"),
        ]
    );
}

/// Pagila's `year` and a `NOT NULL` domain with a default, and a table
/// whose columns use them; `changed` moves each domain's check, default
/// and nullability.
fn with_domains(changed: bool) -> Schema {
    use retort::{CheckConstraint, Domain};
    let year = Domain::new("year", SqlType::Integer).check(CheckConstraint {
        name: Some("year_check".into()),
        expression: if changed {
            "VALUE >= 1900 AND VALUE <= 2200".into()
        } else {
            "VALUE >= 1901 AND VALUE <= 2155".into()
        },
    });
    let code = Domain::new("code", SqlType::Varchar(8));
    let code = if changed {
        code.check(CheckConstraint {
            name: Some("code_not_blank".into()),
            expression: "VALUE::text <> ''::text".into(),
        })
    } else {
        code.not_null().default_expr("'none'")
    };
    let film = Table::new("film")
        .column(Column::new("film_id", SqlType::Integer).identity())
        .column(Column::new("release_year", SqlType::Custom("year".into())).nullable())
        .column(Column::new("code", SqlType::Custom("code".into())).nullable())
        .primary_key(PrimaryKey {
            name: Some("film_pkey".into()),
            columns: vec!["film_id".into()],
            ..Default::default()
        });
    Schema::new(vec![film]).domain(year).domain(code)
}

/// Domains are created before the tables that use them, read back as
/// declared (checks, default, `NOT NULL`), changed in place, and restored
/// by the down sections; the domains a model does not declare are reported
/// and left alone, and dropped only under `drop_undeclared_objects`.
#[cfg(feature = "postgres")]
#[test]
fn postgres_domains_are_created_read_changed_and_reverted() {
    use retort::Migrator;
    support::run::<diesel::PgConnection>(|db| {
        let mut conn = db.connect();
        let dir = tempfile::tempdir().unwrap();
        let first = with_domains(false);
        let path = retort::autogenerate(&mut conn, &first, dir.path(), "domains")
            .unwrap()
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let create_domain = text.find("CREATE DOMAIN \"year\"").expect(&text);
        assert!(create_domain < text.find("CREATE TABLE").unwrap(), "{text}");
        retort::migrate_to_head(&mut conn, &Migrations::from_dir(dir.path()).unwrap()).unwrap();
        let read = retort::introspect(&mut conn).unwrap();
        assert_eq!(read.domains.len(), 2, "{:#?}", read.domains);
        assert_eq!(read, first);
        assert!(pending_changes(&mut conn, &first).unwrap().is_empty());

        let second = with_domains(true);
        let change = pending_changes(&mut conn, &second).unwrap();
        assert!(
            change
                .ops()
                .iter()
                .all(|op| matches!(op, retort::diff::Op::AlterDomain { .. })),
            "{:#?}",
            change.ops()
        );
        retort::autogenerate(&mut conn, &second, dir.path(), "change")
            .unwrap()
            .unwrap();
        let migrations = Migrations::from_dir(dir.path()).unwrap();
        retort::migrate_to_head(&mut conn, &migrations).unwrap();
        assert_eq!(retort::introspect(&mut conn).unwrap(), second);
        conn.batch_execute("INSERT INTO film (release_year, code) VALUES (2199, NULL)")
            .unwrap();
        assert!(conn
            .batch_execute("INSERT INTO film (release_year) VALUES (2201)")
            .is_err());

        conn.batch_execute("DELETE FROM film").unwrap();
        Migrator::new(&migrations)
            .downgrade(&mut conn, "-1")
            .unwrap();
        assert_eq!(retort::introspect(&mut conn).unwrap(), first);

        // Domains the models do not declare are reported and left alone,
        // whether the models declare none or only some.
        let unmanaged = |changes: &retort::diff::Diff| -> Vec<String> {
            changes
                .warnings()
                .iter()
                .filter(|warning| warning.kind == retort::diff::WarningKind::Unmanaged)
                .map(|warning| warning.message.clone())
                .collect()
        };
        let mut undeclared = first.clone();
        undeclared.domains.clear();
        let changes = pending_changes(&mut conn, &undeclared).unwrap();
        assert!(changes.is_empty(), "{:#?}", changes.ops());
        assert_eq!(unmanaged(&changes).len(), 2, "{:#?}", changes.warnings());
        let mut only_year = first.clone();
        only_year.domains.retain(|domain| domain.name == "year");
        only_year
            .tables
            .iter_mut()
            .for_each(|table| table.columns.retain(|column| column.name != "code"));
        let changes = pending_changes(&mut conn, &only_year).unwrap();
        assert!(
            !changes
                .ops()
                .iter()
                .any(|op| matches!(op, retort::diff::Op::DropDomain { .. })),
            "{:#?}",
            changes.ops()
        );
        let reported = unmanaged(&changes);
        assert_eq!(reported.len(), 1, "{reported:#?}");
        assert!(reported[0].starts_with("domain code "), "{reported:#?}");
        // Asked to, the diff drops them (after the column that uses one).
        let dropping = only_year.drop_undeclared_objects();
        let changes = pending_changes(&mut conn, &dropping).unwrap();
        assert!(
            matches!(changes.ops().last(), Some(retort::diff::Op::DropDomain { domain }) if domain.name == "code"),
            "{:#?}",
            changes.ops()
        );
        assert!(unmanaged(&changes).is_empty());

        Migrator::new(&migrations)
            .downgrade(&mut conn, "base")
            .unwrap();
        assert!(retort::introspect(&mut conn).unwrap().domains.is_empty());
    });
}

/// MySQL and SQLite have no domains: a model declaring one is refused,
/// naming it.
fn domains_are_refused_elsewhere<C: TestBackend>(db: &TestDatabase<C>) {
    if C::BACKEND == BackendKind::Postgres {
        return;
    }
    let mut conn = db.connect();
    let dir = tempfile::tempdir().unwrap();
    let error = retort::autogenerate(&mut conn, &with_domains(false), dir.path(), "domains")
        .expect_err("no domains here");
    assert!(error.to_string().contains("domain year"), "{error}");
}

backend_tests!(domains_are_refused_elsewhere);

// Line items with two stored generated columns (no doc comment: it would
// be the table's comment).
#[derive(retort::Model)]
#[model(table = "line_items")]
#[allow(dead_code)]
struct LineItem {
    #[model(primary_key, autoincrement = false)]
    id: i64,
    price: i64,
    quantity: i32,
    #[model(generated = "price * quantity")]
    total: i64,
    #[model(generated = "quantity + 1", stored)]
    next_quantity: i32,
}

/// `table`'s column `name`.
fn column_of<'a>(schema: &'a Schema, table: &str, name: &str) -> &'a Column {
    schema
        .table(table)
        .and_then(|table| table.find_column(name))
        .unwrap_or_else(|| panic!("{table}.{name} is read"))
}

/// `LineItem`'s model with one column changed.
fn line_items_with(change: impl FnOnce(&mut Column)) -> Schema {
    let mut schema = retort::schema![LineItem];
    let total = schema.tables[0]
        .columns
        .iter_mut()
        .find(|column| column.name == "total")
        .unwrap();
    change(total);
    schema
}

/// Generated columns written in SQL are read with their expression and
/// whether they are stored, and the model that says the same diffs empty,
/// whatever the database did to the expression's spelling; the virtual
/// column MySQL and SQLite have reads as virtual.
fn generated_columns_written_in_sql_read_back<C: TestBackend>(db: &TestDatabase<C>) {
    let kind = C::BACKEND;
    let mut conn = db.connect();
    let (bigint, int, not_null) = match kind {
        BackendKind::Postgres => ("BIGINT", "INTEGER", "NOT NULL "),
        BackendKind::Mysql => ("BIGINT", "INT", ""),
        BackendKind::Sqlite => ("BIGINT", "INTEGER", "NOT NULL "),
    };
    conn.batch_execute(&format!(
        "CREATE TABLE line_items (id {bigint} NOT NULL, price {bigint} NOT NULL, quantity {int} NOT NULL,
             total {bigint} {not_null}GENERATED ALWAYS AS (price * quantity) STORED,
             next_quantity {int} {not_null}GENERATED ALWAYS AS ((quantity + 1)) STORED,
             CONSTRAINT pk_line_items PRIMARY KEY (id))"
    ))
    .expect("the DDL loads");
    let read = retort::introspect(&mut conn).unwrap();
    let total = column_of(&read, "line_items", "total");
    let generated = total.generated.as_ref().expect("total is generated");
    assert!(generated.stored, "{kind}: {total:?}");
    assert!(generated.expression.contains("price"), "{kind}: {total:?}");
    assert_eq!(total.default, None, "{kind}: the expression is no default");
    assert_eq!(column_of(&read, "line_items", "price").generated, None);
    let model = retort::schema![LineItem];
    let left = pending_changes(&mut conn, &model).unwrap();
    assert!(left.is_empty(), "{kind}: {:#?}", left.ops());

    conn.execute("INSERT INTO line_items (id, price, quantity) VALUES (1, 3, 4)")
        .unwrap();
    assert_eq!(
        conn.select_count(
            "SELECT COUNT(*) AS n FROM line_items WHERE total = 12 AND next_quantity = 5"
        ),
        1,
        "{kind}: the database computes the columns"
    );

    // Another expression is a change.
    let changed = line_items_with(|total| {
        total.generated.as_mut().unwrap().expression = "price * quantity * 2".into()
    });
    assert!(
        !pending_changes(&mut conn, &changed).unwrap().is_empty(),
        "{kind}"
    );

    if kind == BackendKind::Postgres {
        return;
    }
    conn.execute("ALTER TABLE line_items ADD COLUMN later INTEGER GENERATED ALWAYS AS (quantity - 1) VIRTUAL")
        .unwrap();
    let read = retort::introspect(&mut conn).unwrap();
    let later = column_of(&read, "line_items", "later");
    assert!(
        later
            .generated
            .as_ref()
            .is_some_and(|generated| !generated.stored),
        "{kind}: {later:?}"
    );
    let mut model = retort::schema![LineItem];
    model.tables[0].columns.push(
        Column::new("later", SqlType::Integer)
            .nullable()
            .generated_virtual("quantity - 1"),
    );
    let left = pending_changes(&mut conn, &model).unwrap();
    assert!(left.is_empty(), "{kind}: {:#?}", left.ops());
    let stored = {
        let mut stored = model.clone();
        stored.tables[0].columns.last_mut().unwrap().generated = Some(Generated {
            expression: "quantity - 1".into(),
            stored: true,
        });
        stored
    };
    assert!(
        !pending_changes(&mut conn, &stored).unwrap().is_empty(),
        "{kind}: virtual -> stored is a change"
    );
}

/// How many rows of `line_items` meet `condition`.
fn line_items_where<C: TestBackend>(conn: &mut C, condition: &str) -> i64 {
    conn.select_count(&format!(
        "SELECT COUNT(*) AS n FROM line_items WHERE {condition}"
    ))
}

/// A model's generated columns are created, their values computed; a
/// changed expression drops and adds the column, so its values are
/// computed again and every row stays; a change that rebuilds a SQLite
/// table keeps the rows and leaves the generated columns to the database;
/// stored <-> virtual is a change where the database has both, and a
/// virtual column is refused on PostgreSQL, naming it; each downgrade goes
/// back.
fn generated_columns_are_created_changed_and_rebuilt<C: TestBackend>(db: &TestDatabase<C>) {
    let kind = C::BACKEND;
    let mut conn = db.connect();
    let dir = tempfile::tempdir().unwrap();
    let count = line_items_where::<C>;
    let created = upgrade_to(
        &mut conn,
        &retort::schema![LineItem],
        dir.path(),
        "line items",
    )
    .0;
    assert!(
        created.contains("GENERATED ALWAYS AS (price * quantity) STORED"),
        "{kind}: {created}"
    );
    conn.execute("INSERT INTO line_items (id, price, quantity) VALUES (1, 3, 4), (2, 5, 6)")
        .unwrap();
    assert_eq!(
        count(
            &mut conn,
            "total = price * quantity AND next_quantity = quantity + 1"
        ),
        2,
        "{kind}"
    );

    let doubled = line_items_with(|total| {
        total.generated.as_mut().unwrap().expression = "price * quantity * 2".into()
    });
    let text = upgrade_to(&mut conn, &doubled, dir.path(), "double the total").0;
    assert!(
        !text.contains("-- retort:warning"),
        "{kind}: dropping a generated column loses nothing: {text}"
    );
    assert_eq!(
        count(
            &mut conn,
            "total = 2 * price * quantity AND next_quantity = quantity + 1"
        ),
        2,
        "{kind}: {text}"
    );
    conn.execute("INSERT INTO line_items (id, price, quantity) VALUES (3, 1, 1)")
        .unwrap();
    assert_eq!(count(&mut conn, "id = 3 AND total = 2"), 1, "{kind}");

    // A change SQLite makes by rebuilding the table, with the generated
    // columns in it: every row stays, the columns are computed again.
    let mut nullable = doubled.clone();
    for column in &mut nullable.tables[0].columns {
        if column.name == "price" || column.name == "total" {
            column.nullable = true;
        }
    }
    let text = upgrade_to(&mut conn, &nullable, dir.path(), "price may be unknown").0;
    if kind == BackendKind::Sqlite {
        assert!(
            text.contains(
                "INSERT INTO \"retort_new_line_items\" (\"id\", \"price\", \"quantity\") SELECT"
            ),
            "{text}"
        );
    }
    assert_eq!(
        count(
            &mut conn,
            "total = 2 * price * quantity AND next_quantity = quantity + 1"
        ),
        3,
        "{kind}: {text}"
    );
    conn.execute("INSERT INTO line_items (id, price, quantity) VALUES (4, NULL, 1)")
        .unwrap();
    assert_eq!(count(&mut conn, "id = 4 AND total IS NULL"), 1, "{kind}");

    let mut virtual_total = nullable.clone();
    let total = virtual_total.tables[0]
        .columns
        .iter_mut()
        .find(|c| c.name == "total")
        .unwrap();
    total.generated.as_mut().unwrap().stored = false;
    if kind == BackendKind::Postgres {
        let error = retort::autogenerate(&mut conn, &virtual_total, dir.path(), "virtual")
            .expect_err("PostgreSQL 15 has no virtual generated columns");
        assert!(
            error
                .to_string()
                .contains("column total of table line_items"),
            "{error}"
        );
    } else {
        let text = upgrade_to(
            &mut conn,
            &virtual_total,
            dir.path(),
            "compute the total on read",
        )
        .0;
        assert!(text.contains("VIRTUAL"), "{kind}: {text}");
        assert_eq!(
            count(&mut conn, "total = 2 * price * quantity"),
            3,
            "{kind}: {text}"
        );
    }

    // Back to the start: every revision's down section runs.
    conn.execute("DELETE FROM line_items WHERE id = 4").unwrap();
    let migrations = Migrations::from_dir(dir.path()).unwrap();
    let back = if kind == BackendKind::Postgres {
        "-2"
    } else {
        "-3"
    };
    retort::Migrator::new(&migrations)
        .downgrade(&mut conn, back)
        .unwrap();
    let left = pending_changes(&mut conn, &retort::schema![LineItem]).unwrap();
    assert!(left.is_empty(), "{kind}: {:#?}", left.ops());
    assert_eq!(
        count(&mut conn, "total = price * quantity AND price IS NOT NULL"),
        3,
        "{kind}"
    );
}

/// Generated columns made plain keep the values the database computed,
/// a stored one and (on MySQL and SQLite) a virtual one, and take values
/// of their own afterwards; the downgrade makes them generated again,
/// computed anew.
fn generated_columns_made_plain_keep_their_values<C: TestBackend>(db: &TestDatabase<C>) {
    let kind = C::BACKEND;
    let mut conn = db.connect();
    let dir = tempfile::tempdir().unwrap();
    let count = line_items_where::<C>;
    // A view reading the columns, and on SQLite a trigger on their table:
    // kept around the change both ways.
    let mut generated =
        retort::schema![LineItem].view("totals", "SELECT id, total, next_quantity FROM line_items");
    if kind == BackendKind::Sqlite {
        generated = generated.trigger(
            "line_items_touch",
            "line_items",
            "CREATE TRIGGER line_items_touch AFTER UPDATE OF price ON line_items BEGIN SELECT 1; END",
        );
    }
    if kind != BackendKind::Postgres {
        let next = generated.tables[0]
            .columns
            .iter_mut()
            .find(|column| column.name == "next_quantity")
            .unwrap();
        next.generated.as_mut().unwrap().stored = false;
    }
    upgrade_to(&mut conn, &generated, dir.path(), "line items");
    conn.execute("INSERT INTO line_items (id, price, quantity) VALUES (1, 3, 4), (2, 5, 6)")
        .unwrap();

    let mut plain = generated.clone();
    for column in &mut plain.tables[0].columns {
        column.generated = None;
    }
    let text = upgrade_to(&mut conn, &plain, dir.path(), "keep the totals").0;
    if kind == BackendKind::Postgres {
        assert!(text.contains("DROP EXPRESSION"), "{text}");
    }
    assert_eq!(
        count(
            &mut conn,
            "total = price * quantity AND next_quantity = quantity + 1"
        ),
        2,
        "{kind}: the computed values are kept\n{text}"
    );
    conn.execute("UPDATE line_items SET price = 100, quantity = 100 WHERE id = 1")
        .unwrap();
    assert_eq!(
        count(&mut conn, "id = 1 AND total = 12 AND next_quantity = 5"),
        1,
        "{kind}: plain columns keep their values"
    );
    conn.execute(
        "INSERT INTO line_items (id, price, quantity, total, next_quantity) VALUES (3, 1, 1, 99, 7)",
    )
    .unwrap();

    retort::Migrator::new(&Migrations::from_dir(dir.path()).unwrap())
        .downgrade(&mut conn, "-1")
        .unwrap();
    assert!(pending_changes(&mut conn, &generated).unwrap().is_empty());
    assert_eq!(
        count(
            &mut conn,
            "total = price * quantity AND next_quantity = quantity + 1"
        ),
        3,
        "{kind}: generated again, computed anew"
    );
    assert_eq!(
        conn.select_count("SELECT COUNT(*) AS n FROM totals"),
        3,
        "{kind}: the view is kept"
    );
}

backend_tests!(
    generated_columns_written_in_sql_read_back,
    generated_columns_are_created_changed_and_rebuilt,
    generated_columns_made_plain_keep_their_values
);

/// A model of citext emails with a trigram index, and pgcrypto declared.
#[cfg(feature = "postgres")]
fn with_extensions() -> Schema {
    Schema::new(vec![Table::new("members")
        .column(Column::new("id", SqlType::Integer))
        .column(Column::new("email", SqlType::CiText))
        .primary_key(PrimaryKey {
            name: Some("members_pkey".into()),
            columns: vec!["id".into()],
            ..Default::default()
        })
        .index(
            Index::on_columns("ix_members_email_trgm", ["email"])
                .using("gin")
                .operator_class("gin_trgm_ops"),
        )])
    .extension(retort::Extension::new("pgcrypto"))
}

/// The extensions a model uses (citext by a column, pg_trgm by an
/// operator class) and declares (pgcrypto) are created by the revision,
/// before the table, in a database that has none; applied by psql, the
/// database then diffs empty. Run again elsewhere (the offline script
/// into a database where a DBA made one already), `IF NOT EXISTS` lets it
/// through.
#[cfg(feature = "postgres")]
#[test]
fn postgres_extensions_are_created_for_what_the_models_use() {
    use retort::runner::Migrator;
    support::run::<diesel::PgConnection>(|db| {
        let schema = with_extensions();
        let mut conn = db.connect();
        let dir = tempfile::tempdir().unwrap();
        let path = retort::autogenerate(&mut conn, &schema, dir.path(), "extensions")
            .unwrap()
            .expect("an empty database needs a revision");
        let revision = std::fs::read_to_string(&path).unwrap();
        let at = |sql: &str| {
            revision
                .find(sql)
                .unwrap_or_else(|| panic!("{sql} missing from:\n{revision}"))
        };
        let table = at("CREATE TABLE");
        for name in ["citext", "pg_trgm", "pgcrypto"] {
            assert!(
                at(&format!("CREATE EXTENSION IF NOT EXISTS \"{name}\"")) < table,
                "{revision}"
            );
        }
        let migrations = Migrations::from_dir(dir.path()).unwrap();
        let script = Migrator::new(&migrations)
            .sql(BackendKind::Postgres, "base", "head")
            .unwrap();
        support::apply_with_client(db, &script);
        let read = retort::introspect(&mut conn).unwrap();
        let mut names: Vec<&str> = read.extensions.iter().map(|e| e.name.as_str()).collect();
        names.sort_unstable();
        assert_eq!(names, ["citext", "pg_trgm", "pgcrypto"]);
        let left = pending_changes(&mut conn, &schema).unwrap();
        assert!(left.is_empty(), "{:#?}", left.ops());
        assert!(left.warnings().is_empty(), "{:#?}", left.warnings());

        support::run::<diesel::PgConnection>(|other| {
            other
                .connect()
                .batch_execute("CREATE EXTENSION citext")
                .unwrap();
            support::apply_with_client(other, &script);
        });
    });
}

/// An extension the models neither declare nor use is reported and left
/// alone; asked to, the diff drops it last, and its reverse creates it
/// again.
#[cfg(feature = "postgres")]
#[test]
fn postgres_undeclared_extensions_are_reported_and_dropped_only_when_asked() {
    use retort::diff::{Op, WarningKind};
    support::run::<diesel::PgConnection>(|db| {
        let mut conn = db.connect();
        conn.batch_execute(
            "CREATE EXTENSION pgcrypto; CREATE EXTENSION citext; \
             CREATE TABLE members (id integer PRIMARY KEY, email citext NOT NULL)",
        )
        .unwrap();
        let models = retort::introspect(&mut conn).unwrap();
        let mut undeclared = models.clone();
        undeclared.extensions.clear();
        let changes = pending_changes(&mut conn, &undeclared).unwrap();
        assert!(changes.is_empty(), "{:#?}", changes.ops());
        let reported: Vec<&str> = changes
            .warnings()
            .iter()
            .filter(|warning| warning.kind == WarningKind::Unmanaged)
            .map(|warning| warning.message.as_str())
            .collect();
        // citext is used by a column, so it counts as declared.
        assert_eq!(reported.len(), 1, "{reported:#?}");
        assert!(
            reported[0].starts_with("extension pgcrypto "),
            "{reported:#?}"
        );

        let changes = pending_changes(&mut conn, &undeclared.drop_undeclared_objects()).unwrap();
        assert!(
            matches!(changes.ops(), [Op::DropExtension { extension }] if extension.name == "pgcrypto"),
            "{:#?}",
            changes.ops()
        );
        let postgres = BackendKind::Postgres.backend();
        let up = retort::render::render(&changes, postgres).unwrap();
        assert_eq!(up, ["DROP EXTENSION \"pgcrypto\""]);
        let down = retort::render::render(&changes.reverse(), postgres).unwrap();
        assert_eq!(down, ["CREATE EXTENSION IF NOT EXISTS \"pgcrypto\""]);
    });
}

/// MySQL and SQLite have no extensions: a model declaring one is refused,
/// naming it.
fn extensions_are_refused_elsewhere<C: TestBackend>(db: &TestDatabase<C>) {
    if C::BACKEND == BackendKind::Postgres {
        return;
    }
    let schema = Schema::new(vec![
        Table::new("members").column(Column::new("id", SqlType::Integer))
    ])
    .extension(retort::Extension::new("pgcrypto"));
    let dir = tempfile::tempdir().unwrap();
    let error = retort::autogenerate(&mut db.connect(), &schema, dir.path(), "extensions")
        .expect_err("no extensions here");
    assert!(error.to_string().contains("extension pgcrypto"), "{error}");
}

backend_tests!(extensions_are_refused_elsewhere);

/// Identity columns keep `ALWAYS` and their sequence's start and
/// increment: read back, rebuilt the same elsewhere (inserts then number
/// from the same start and refuse a given value), and changed in place.
#[cfg(feature = "postgres")]
#[test]
fn postgres_identity_options_rebuild_and_change_in_place() {
    use retort::IdentityOptions;
    support::run::<diesel::PgConnection>(|db| {
        let mut conn = db.connect();
        conn.batch_execute(
            "CREATE TABLE tickets (id bigint GENERATED ALWAYS AS IDENTITY \
               (START WITH 1000 INCREMENT BY 10) PRIMARY KEY, note text); \
             CREATE TABLE legacy (id serial PRIMARY KEY, \
               n bigint GENERATED BY DEFAULT AS IDENTITY (INCREMENT BY -1))",
        )
        .unwrap();
        let read = retort::introspect(&mut conn).unwrap();
        let options = |schema: &Schema, table: &str, column: &str| {
            schema
                .table(table)
                .unwrap()
                .find_column(column)
                .unwrap()
                .identity_options
        };
        let ticketing = IdentityOptions {
            always: true,
            start: Some(1000),
            increment: Some(10),
        };
        assert_eq!(options(&read, "tickets", "id"), ticketing);
        assert_eq!(options(&read, "legacy", "id"), IdentityOptions::default());
        let counting_down = IdentityOptions {
            increment: Some(-1),
            ..IdentityOptions::default()
        };
        assert_eq!(options(&read, "legacy", "n"), counting_down);

        support::run::<diesel::PgConnection>(|copy| {
            let mut copy = copy.connect();
            let dir = tempfile::tempdir().unwrap();
            upgrade_to(&mut copy, &read, dir.path(), "rebuild");
            copy.batch_execute("INSERT INTO tickets (note) VALUES ('a'), ('b')")
                .unwrap();
            assert_eq!(copy.select_count("SELECT MAX(id) AS n FROM tickets"), 1010);
            assert!(copy
                .batch_execute("INSERT INTO tickets (id, note) VALUES (1, 'given')")
                .is_err());

            // BY DEFAULT from 1 by 1 again, in place: the rows stay.
            let mut plain = read.clone();
            let tickets = plain
                .tables
                .iter_mut()
                .find(|t| t.name == "tickets")
                .unwrap();
            tickets.columns[0].identity_options = IdentityOptions::default();
            let change = pending_changes(&mut copy, &plain).unwrap();
            assert!(
                matches!(change.ops(), [retort::diff::Op::AlterColumn { .. }]),
                "{:#?}",
                change.ops()
            );
            let (_, migrations) = upgrade_to(&mut copy, &plain, dir.path(), "plain");
            assert_eq!(
                options(&retort::introspect(&mut copy).unwrap(), "tickets", "id"),
                IdentityOptions::default()
            );
            copy.batch_execute("INSERT INTO tickets (id, note) VALUES (1, 'given')")
                .unwrap();
            assert_eq!(copy.select_count("SELECT COUNT(*) AS n FROM tickets"), 3);
            // And back down: ALWAYS again, the rows kept.
            retort::runner::Migrator::new(&migrations)
                .downgrade(&mut copy, "-1")
                .unwrap();
            assert_eq!(
                options(&retort::introspect(&mut copy).unwrap(), "tickets", "id"),
                ticketing
            );
            assert!(copy
                .batch_execute("INSERT INTO tickets (id, note) VALUES (2, 'given')")
                .is_err());
            assert_eq!(copy.select_count("SELECT COUNT(*) AS n FROM tickets"), 3);
        });
    });
}

/// Exclusion constraints are read as PostgreSQL prints them, rebuilt
/// elsewhere (with the extension their operator classes come from), keep
/// refusing overlaps there, compare up to spelling, and are dropped by name.
#[cfg(feature = "postgres")]
#[test]
fn postgres_exclusion_constraints_rebuild_and_compare_by_definition() {
    use retort::diff::Op;
    support::run::<diesel::PgConnection>(|db| {
        let mut conn = db.connect();
        conn.batch_execute(
            "CREATE EXTENSION btree_gist; \
             CREATE TABLE bookings (id integer PRIMARY KEY, room integer NOT NULL, \
               during tstzrange NOT NULL, \
               CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&))",
        )
        .unwrap();
        let read = retort::introspect(&mut conn).unwrap();
        let bookings = read.table("bookings").unwrap();
        assert_eq!(
            bookings.exclusions,
            [retort::ExclusionConstraint::new(
                "bookings_no_overlap",
                "EXCLUDE USING gist (room WITH =, during WITH &&)"
            )]
        );
        assert!(bookings.indexes.is_empty(), "{:#?}", bookings.indexes);

        // Spelled another way, the model is the same constraint.
        let mut respelled = read.clone();
        respelled.tables[0].exclusions[0].definition =
            "exclude using GIST (\"room\" with =, during with &&)".into();
        let same = pending_changes(&mut conn, &respelled).unwrap();
        assert!(same.is_empty(), "{:#?}", same.ops());

        let mut without = read.clone();
        without.tables[0].exclusions.clear();
        let drop = pending_changes(&mut conn, &without).unwrap();
        assert!(
            matches!(drop.ops(), [Op::DropExclusion { exclusion, .. }] if exclusion.name == "bookings_no_overlap"),
            "{:#?}",
            drop.ops()
        );

        support::run::<diesel::PgConnection>(|copy| {
            let mut copy = copy.connect();
            let dir = tempfile::tempdir().unwrap();
            upgrade_to(&mut copy, &read, dir.path(), "rebuild");
            copy.batch_execute(
                "INSERT INTO bookings VALUES (1, 7, '[2024-01-01 10:00, 2024-01-01 12:00)')",
            )
            .unwrap();
            let overlap = copy.batch_execute(
                "INSERT INTO bookings VALUES (2, 7, '[2024-01-01 11:00, 2024-01-01 13:00)')",
            );
            assert!(overlap.is_err(), "an overlapping booking was accepted");
            copy.batch_execute(
                "INSERT INTO bookings VALUES (3, 8, '[2024-01-01 11:00, 2024-01-01 13:00)')",
            )
            .unwrap();
        });
    });
}

/// MySQL and SQLite have no exclusion constraints: a model with one is
/// refused, naming it and its table.
fn exclusion_constraints_are_refused_elsewhere<C: TestBackend>(db: &TestDatabase<C>) {
    if C::BACKEND == BackendKind::Postgres {
        return;
    }
    let schema = Schema::new(vec![Table::new("bookings")
        .column(Column::new("id", SqlType::Integer))
        .exclusion(retort::ExclusionConstraint::new(
            "bookings_no_overlap",
            "EXCLUDE USING gist (id WITH =)",
        ))]);
    let dir = tempfile::tempdir().unwrap();
    let error = retort::autogenerate(&mut db.connect(), &schema, dir.path(), "exclusion")
        .expect_err("no exclusion constraints here");
    assert!(
        error
            .to_string()
            .contains("exclusion constraint bookings_no_overlap to table bookings"),
        "{error}"
    );
}

backend_tests!(exclusion_constraints_are_refused_elsewhere);

/// A sequence no column owns, shared by two tables' defaults, reads back
/// as a sequence and two defaults (not as identities), rebuilds elsewhere
/// with its start and increment, keeps numbering both tables from one
/// count there, and changes in place.
#[cfg(feature = "postgres")]
#[test]
fn postgres_free_sequences_rebuild_and_change_in_place() {
    use retort::{diff::Op, Sequence};
    support::run::<diesel::PgConnection>(|db| {
        let mut conn = db.connect();
        conn.batch_execute(
            "CREATE SEQUENCE doc_numbers START WITH 100 INCREMENT BY 5; \
             CREATE TABLE invoices (id serial PRIMARY KEY, \
               number bigint NOT NULL DEFAULT nextval('doc_numbers')); \
             CREATE TABLE receipts (id integer PRIMARY KEY, \
               number bigint NOT NULL DEFAULT nextval('doc_numbers'))",
        )
        .unwrap();
        let read = retort::introspect(&mut conn).unwrap();
        assert_eq!(
            read.sequences,
            [Sequence::new("doc_numbers").start(100).increment(5)]
        );
        let number = read
            .table("receipts")
            .unwrap()
            .find_column("number")
            .unwrap();
        assert!(!number.identity);
        assert_eq!(
            number.default.as_deref(),
            Some("nextval('doc_numbers'::regclass)")
        );
        // The serial column owns its sequence: an identity, no free sequence.
        assert!(read.table("invoices").unwrap().columns[0].identity);

        // A model spelling the default without the cast is the same.
        let mut model = read.clone();
        for table in &mut model.tables {
            for column in &mut table.columns {
                if column.name == "number" {
                    column.default = Some("nextval('doc_numbers')".into());
                }
            }
        }
        let same = pending_changes(&mut conn, &model).unwrap();
        assert!(same.is_empty(), "{:#?}", same.ops());

        support::run::<diesel::PgConnection>(|copy| {
            let mut copy = copy.connect();
            let dir = tempfile::tempdir().unwrap();
            let (text, _) = upgrade_to(&mut copy, &model, dir.path(), "rebuild");
            let created = text
                .find("CREATE SEQUENCE")
                .expect("the sequence is created");
            assert!(created < text.find("CREATE TABLE").unwrap(), "{text}");
            copy.batch_execute(
                "INSERT INTO invoices DEFAULT VALUES; INSERT INTO receipts (id) VALUES (1)",
            )
            .unwrap();
            assert_eq!(
                copy.select_count("SELECT number AS n FROM receipts WHERE id = 1"),
                105
            );

            // A new increment, in place: the rows and the count stay.
            let mut stepped = model.clone();
            stepped.sequences[0].increment = Some(10);
            let change = pending_changes(&mut copy, &stepped).unwrap();
            assert!(
                matches!(change.ops(), [Op::AlterSequence { .. }]),
                "{:#?}",
                change.ops()
            );
            upgrade_to(&mut copy, &stepped, dir.path(), "step");
            copy.batch_execute("INSERT INTO receipts (id) VALUES (2)")
                .unwrap();
            assert_eq!(
                copy.select_count("SELECT number AS n FROM receipts WHERE id = 2"),
                115
            );
        });
    });
}

/// A sequence's bounds, cache and cycling read back, rebuild the same (a
/// ring of three numbers comes round again), and change in place; an
/// unowned sequence with bounds of its own numbering a key column stays a
/// sequence (an identity's options would lose them).
#[cfg(feature = "postgres")]
#[test]
fn postgres_sequence_bounds_cache_and_cycle_rebuild_and_change_in_place() {
    use retort::Sequence;
    support::run::<diesel::PgConnection>(|db| {
        let mut conn = db.connect();
        conn.batch_execute(
            "CREATE SEQUENCE shifts MINVALUE 1 MAXVALUE 3 CYCLE CACHE 1; \
             CREATE SEQUENCE countdown INCREMENT BY -2 MAXVALUE 100 CACHE 20; \
             CREATE TABLE rotas (id integer PRIMARY KEY DEFAULT nextval('countdown'), \
               shift bigint NOT NULL DEFAULT nextval('shifts'))",
        )
        .unwrap();
        let read = retort::introspect(&mut conn).unwrap();
        assert_eq!(
            read.sequences,
            [
                Sequence::new("countdown")
                    .increment(-2)
                    .max_value(100)
                    .cache(20),
                Sequence::new("shifts").max_value(3).cycle(),
            ]
        );
        assert!(!read.table("rotas").unwrap().columns[0].identity);

        support::run::<diesel::PgConnection>(|copy| {
            let mut copy = copy.connect();
            let dir = tempfile::tempdir().unwrap();
            upgrade_to(&mut copy, &read, dir.path(), "rebuild");
            copy.batch_execute(
                "INSERT INTO rotas DEFAULT VALUES; INSERT INTO rotas DEFAULT VALUES; \
                 INSERT INTO rotas DEFAULT VALUES; INSERT INTO rotas DEFAULT VALUES",
            )
            .unwrap();
            assert_eq!(
                copy.select_count("SELECT sum(shift)::bigint AS n FROM rotas"),
                1 + 2 + 3 + 1,
                "the ring comes round again"
            );
            assert_eq!(
                copy.select_count("SELECT max(id)::bigint AS n FROM rotas"),
                100
            );

            // Bounds widened and cycling stopped, in place.
            let mut widened = read.clone();
            widened.sequences[1] = Sequence::new("shifts").max_value(5).cache(10);
            let (text, _) = upgrade_to(&mut copy, &widened, dir.path(), "widen");
            assert!(text.contains("ALTER SEQUENCE"), "{text}");
            assert!(!text.contains("DROP SEQUENCE"), "{text}");
            copy.batch_execute("INSERT INTO rotas DEFAULT VALUES")
                .unwrap();
            assert_eq!(copy.select_count("SELECT count(*) AS n FROM rotas"), 5);
        });
    });
}
