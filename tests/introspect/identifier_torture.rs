//! Hostile identifiers on every backend: table and column names with
//! spaces, quotes, backticks, unicode, upper case and reserved words, and
//! names at each database's length limit (PostgreSQL 63 bytes, MySQL 64
//! characters), with the generated constraint names that must be shortened.
//! Each schema is created from nothing, introspected back to itself (the
//! diff is empty both ways), renamed, and dropped.

use crate::support;

use retort::naming::{self, MAX_IDENTIFIER_BYTES};
use retort::{
    BackendKind, Column, ForeignKey, Index, PrimaryKey, ReferentialAction, Schema, SqlType, Table,
    UniqueConstraint,
};
use support::{apply_diff, backend_tests, write_revision, TestBackend, TestDatabase};

/// Names that need quoting on every database.
const HOSTILE_COLUMNS: &[&str] = &[
    "select",
    "user",
    "Mixed Case",
    "with space",
    "quote\"d",
    "back`tick",
    "it's",
    "ünïcödé 列",
    "semi;colon -- not a comment",
];

/// The longest name `kind` keeps, built from `stem` and two-byte characters
/// so that bytes and characters differ: 63 bytes on PostgreSQL, 64
/// characters (128 bytes) on MySQL, 200 characters on SQLite.
fn longest_name(kind: BackendKind, stem: &str) -> String {
    let mut name = stem.to_owned();
    match kind {
        BackendKind::Postgres => {
            while name.len() + 2 <= MAX_IDENTIFIER_BYTES {
                name.push('é');
            }
            while name.len() < MAX_IDENTIFIER_BYTES {
                name.push('x');
            }
            assert_eq!(name.len(), 63);
        }
        BackendKind::Mysql => {
            while name.chars().count() < 64 {
                name.push('é');
            }
        }
        BackendKind::Sqlite => {
            while name.chars().count() < 200 {
                name.push('é');
            }
        }
    }
    name
}

fn primary_key(kind: BackendKind, table: &str) -> PrimaryKey {
    PrimaryKey {
        // MySQL calls every primary key PRIMARY; it reads back unnamed.
        name: (kind != BackendKind::Mysql).then(|| naming::primary_key_name(table)),
        columns: vec!["id".into()],
        ..Default::default()
    }
}

fn index(table: &str, columns: &[&str]) -> Index {
    Index::on_columns(naming::index_name(table, columns), columns.iter().copied())
}

/// The schema under torture. `order_table` is the name of the table the
/// others reference (renamed in the second step).
fn tortured(kind: BackendKind, order_table: &str, select_column: &str) -> Schema {
    let mut order = Table::new(order_table).column(Column::new("id", SqlType::BigInt));
    for &name in HOSTILE_COLUMNS {
        let name = if name == "select" {
            select_column
        } else {
            name
        };
        order = order.column(Column::new(name, SqlType::Varchar(40)).nullable());
    }
    order = order
        .primary_key(primary_key(kind, order_table))
        .unique(UniqueConstraint {
            name: Some(naming::unique_name(order_table, &[select_column])),
            columns: vec![select_column.into()],
            deferrable: None,
        })
        .index(index(order_table, &["Mixed Case", "quote\"d"]))
        .index(index(order_table, &["back`tick"]));

    let accounts_name = "User Accounts";
    let order_id = "order id";
    let accounts = Table::new(accounts_name)
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new(order_id, SqlType::BigInt).nullable())
        .primary_key(primary_key(kind, accounts_name))
        .index(index(accounts_name, &[order_id]))
        .foreign_key(ForeignKey {
            name: Some(naming::foreign_key_name(
                accounts_name,
                &[order_id],
                order_table,
            )),
            columns: vec![order_id.into()],
            referenced_schema: None,
            referenced_table: order_table.into(),
            referenced_columns: vec!["id".into()],
            on_delete: ReferentialAction::Cascade,
            on_update: ReferentialAction::NoAction,
            deferrable: None,
        });

    // A table and columns at the length limit: every generated name on it
    // is too long and must be shortened, distinct and the same each time.
    let long_table = longest_name(kind, "long_table_");
    let long_a = longest_name(kind, "long_column_a_");
    let long_b = longest_name(kind, "long_column_b_");
    let long = Table::new(&long_table)
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new(&long_a, SqlType::Integer).nullable())
        .column(Column::new(&long_b, SqlType::Integer).nullable())
        .primary_key(primary_key(kind, &long_table))
        .unique(UniqueConstraint {
            name: Some(naming::unique_name(&long_table, &[&long_a, &long_b])),
            columns: vec![long_a.clone(), long_b.clone()],
            deferrable: None,
        })
        .index(index(&long_table, &[&long_a]))
        .index(index(&long_table, &[&long_b]));

    Schema::new(vec![order, accounts, long])
}

/// Every generated constraint and index name of a schema.
fn generated_names(schema: &Schema) -> Vec<String> {
    let mut names = Vec::new();
    for table in &schema.tables {
        names.extend(table.primary_key.iter().filter_map(|key| key.name.clone()));
        names.extend(
            table
                .uniques
                .iter()
                .filter_map(|unique| unique.name.clone()),
        );
        names.extend(table.indexes.iter().map(|index| index.name.clone()));
        names.extend(table.foreign_keys.iter().filter_map(|key| key.name.clone()));
    }
    names
}

#[test]
fn shortened_names_are_unique_stable_and_within_the_limit() {
    for kind in BackendKind::ALL {
        let schema = tortured(kind, "order", "select");
        let names = generated_names(&schema);
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique.len(),
            names.len(),
            "{kind}: names collide: {names:#?}"
        );
        for name in &names {
            assert!(
                name.len() <= MAX_IDENTIFIER_BYTES,
                "{kind}: {name} is too long"
            );
        }
        assert_eq!(
            names,
            generated_names(&tortured(kind, "order", "select")),
            "the same input gives the same names"
        );
    }
}

/// One character over the limit is refused before any SQL runs, naming the
/// object: PostgreSQL would cut it silently and every later diff would
/// drop and re-create it.
#[test]
fn names_over_the_limit_are_refused() {
    for kind in BackendKind::ALL {
        let mut long = longest_name(kind, "t_");
        if kind == BackendKind::Sqlite {
            long = "é".repeat(513);
        } else {
            long.push('x');
        }
        for schema in [
            Schema::new(vec![
                Table::new(&long).column(Column::new("id", SqlType::BigInt))
            ]),
            Schema::new(vec![
                Table::new("t").column(Column::new(&long, SqlType::BigInt))
            ]),
            Schema::new(vec![Table::new("t")
                .column(Column::new("id", SqlType::BigInt))
                .index(Index::on_columns(&long, ["id"]))]),
        ] {
            let error = retort::render::render(
                &retort::diff(&Schema::new(Vec::new()), &schema),
                kind.backend(),
            )
            .expect_err("a name over the limit");
            let message = error.to_string();
            assert!(
                matches!(error, retort::render::RenderError::IdentifierTooLong { .. })
                    && message.contains(&long)
                    && message.contains("keeps at most"),
                "{kind}: {message}"
            );
        }
    }
}

/// The tortured schema, and the same with the referenced table (reserved
/// word to unicode with quotes and backticks) and a reserved-word column
/// renamed.
fn created_and_renamed(kind: BackendKind) -> (Schema, Schema) {
    let created = tortured(kind, "order", "select");
    let renamed_table = "Örder \"Items\" `✓`";
    let mut renamed = tortured(kind, renamed_table, "from");
    renamed.tables[0].renamed_from = Some("order".into());
    let select = renamed.tables[0]
        .columns
        .iter_mut()
        .find(|column| column.name == "from")
        .expect("the renamed column");
    select.renamed_from = Some("select".into());
    // Renaming a table keeps its constraints' and indexes' names.
    renamed.tables[0].primary_key = created.tables[0].primary_key.clone();
    renamed.tables[0].indexes = created.tables[0].indexes.clone();
    renamed.tables[1].foreign_keys[0].name = created.tables[1].foreign_keys[0].name.clone();
    renamed.tables[0].uniques[0].name = created.tables[0].uniques[0].name.clone();
    (created, renamed)
}

fn hostile_names_round_trip<C: TestBackend>(db: &TestDatabase<C>) {
    let kind = C::BACKEND;
    let mut conn = db.connect();
    let empty = Schema::new(Vec::new());
    let (created, renamed) = created_and_renamed(kind);

    apply_diff(&mut conn, &empty, &created);
    expect_database_is(&mut conn, &created, "after creating");

    let plan = retort::diff(&created, &renamed);
    assert!(
        plan.ops()
            .iter()
            .any(|op| matches!(op, retort::diff::Op::RenameTable { .. })),
        "a rename, not a drop and create: {plan:#?}"
    );
    apply_diff(&mut conn, &created, &renamed);
    expect_database_is(&mut conn, &renamed, "after renaming");

    apply_diff(&mut conn, &renamed, &empty);
    expect_database_is(&mut conn, &empty, "after dropping");
}

/// The same changes as revision files run by the runner: the statement
/// splitter must keep `;`, `--`, quotes and backticks inside quoted names,
/// and `retort::testing`'s stairway and model check must hold.
fn hostile_names_through_revision_files<C: TestBackend>(db: &TestDatabase<C>) {
    let kind = C::BACKEND;
    let (created, renamed) = created_and_renamed(kind);
    let empty = Schema::new(Vec::new());
    let dir = tempfile::tempdir().expect("a temporary directory");
    write_revision(dir.path(), "a1a1a1a1a1a1", None, kind, &empty, &created);
    write_revision(
        dir.path(),
        "b2b2b2b2b2b2",
        Some("a1a1a1a1a1a1"),
        kind,
        &created,
        &renamed,
    );
    let migrations = retort::Migrations::from_dir(dir.path()).expect("the revisions parse");
    if kind == BackendKind::Sqlite {
        let rename = &migrations.graph().expect("a graph").revisions()[1];
        assert!(
            rename
                .up_sql()
                .starts_with(retort::render::SQLITE_FOREIGN_KEYS_OFF),
            "on SQLite the rename rebuilds the referencing table, so the runner must run \
             the rebuild's pragmas outside its transaction: {}",
            rename.up_sql()
        );
    }

    retort::testing::assert_up_down_consistency(&mut db.connect(), &migrations);
    support::run::<C>(|fresh| {
        retort::testing::assert_models_match_migrations(&mut fresh.connect(), &migrations, &renamed)
    });
}

/// The live database reads back as `expected`: the diff is empty both ways.
fn expect_database_is<C: TestBackend>(conn: &mut C, expected: &Schema, when: &str) {
    let live =
        retort::introspect(conn).unwrap_or_else(|error| panic!("introspect {when}: {error}"));
    let missing = retort::diff(&live, expected);
    assert!(
        missing.is_empty(),
        "{} {when}: the database differs from the schema: {missing:#?}\nlive: {live:#?}",
        C::BACKEND
    );
    assert!(retort::diff(expected, &live).is_empty());
}

backend_tests!(
    hostile_names_round_trip,
    hostile_names_through_revision_files
);
