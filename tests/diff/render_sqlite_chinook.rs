//! SQLite's table rebuild on a real schema: Chinook's `Track`, referenced by
//! `InvoiceLine` and `PlaylistTrack`, rebuilt for a type change keeps all
//! 3503 rows, its indexes and every foreign key; and its guards turn a
//! forgotten pragma, a foreign key violation or a trigger into an error
//! instead of lost rows.

#![cfg(feature = "sqlite")]

use crate::support;

use diesel::connection::SimpleConnection;
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};
use retort::{
    diff,
    render::{self, render},
    Column, ForeignKey, Index, PrimaryKey, Schema, SqlType, Table,
};

const CHINOOK: &str = include_str!("../fixtures/chinook/Chinook_Sqlite.sql");

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count(conn: &mut SqliteConnection, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .get_result::<Counted>(conn)
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
        .n
}

fn references(column: &str, table: &str) -> ForeignKey {
    ForeignKey {
        name: None,
        columns: vec![column.into()],
        referenced_schema: None,
        referenced_table: table.into(),
        referenced_columns: vec![column.into()],
        on_delete: Default::default(),
        on_update: Default::default(),
        deferrable: None,
    }
}

/// Chinook's `Track` as its SQL file declares it.
fn track(composer: SqlType) -> Table {
    Table::new("Track")
        .column(Column::new("TrackId", SqlType::Integer))
        .column(Column::new("Name", SqlType::Custom("NVARCHAR(200)".into())))
        .column(Column::new("AlbumId", SqlType::Integer).nullable())
        .column(Column::new("MediaTypeId", SqlType::Integer))
        .column(Column::new("GenreId", SqlType::Integer).nullable())
        .column(Column::new("Composer", composer).nullable())
        .column(Column::new("Milliseconds", SqlType::Integer))
        .column(Column::new("Bytes", SqlType::Integer).nullable())
        .column(Column::new(
            "UnitPrice",
            SqlType::Numeric {
                precision: Some(10),
                scale: Some(2),
            },
        ))
        .primary_key(PrimaryKey {
            name: Some("PK_Track".into()),
            columns: vec!["TrackId".into()],
            ..Default::default()
        })
        .foreign_key(references("AlbumId", "Album"))
        .foreign_key(references("GenreId", "Genre"))
        .foreign_key(references("MediaTypeId", "MediaType"))
        .index(Index::on_columns("IFK_TrackAlbumId", ["AlbumId"]))
        .index(Index::on_columns("IFK_TrackGenreId", ["GenreId"]))
        .index(Index::on_columns("IFK_TrackMediaTypeId", ["MediaTypeId"]))
}

/// The rebuild of `Track` for `Composer NVARCHAR(220)` → `TEXT`.
fn rebuild_track() -> (Vec<String>, Vec<String>) {
    let before = Schema::new(vec![track(SqlType::Custom("NVARCHAR(220)".into()))]);
    let after = Schema::new(vec![track(SqlType::Text)]);
    let up = diff(&before, &after);
    let backend = retort::BackendKind::Sqlite.backend();
    (
        render(&up, backend).expect("renders"),
        render(&up.reverse(), backend).expect("the reverse renders"),
    )
}

/// As the runner runs it: pragmas outside, the rest in one transaction.
fn apply(conn: &mut SqliteConnection, statements: &[String]) -> diesel::QueryResult<()> {
    let (before, body, after) = render::sqlite_pragmas(statements);
    for statement in before {
        conn.batch_execute(statement)?;
    }
    let result = conn.transaction(|conn| {
        for statement in body {
            conn.batch_execute(statement)?;
        }
        Ok(())
    });
    for statement in after {
        conn.batch_execute(statement)?;
    }
    result
}

fn chinook(db: &support::TestDatabase<SqliteConnection>) -> SqliteConnection {
    let mut conn = db.connect();
    conn.batch_execute(CHINOOK).expect("Chinook loads");
    assert_eq!(count(&mut conn, "SELECT COUNT(*) AS n FROM Track"), 3503);
    conn.batch_execute("CREATE TABLE track_before AS SELECT * FROM Track")
        .expect("a copy to compare with");
    conn
}

/// Rows of `Track` that differ from the copy taken before, both ways.
fn changed_rows(conn: &mut SqliteConnection) -> i64 {
    count(
        conn,
        "SELECT COUNT(*) AS n FROM (
             SELECT * FROM (SELECT * FROM track_before EXCEPT SELECT * FROM Track)
             UNION ALL
             SELECT * FROM (SELECT * FROM Track EXCEPT SELECT * FROM track_before))",
    )
}

fn assert_intact(conn: &mut SqliteConnection) {
    assert_eq!(count(conn, "SELECT COUNT(*) AS n FROM Track"), 3503);
    assert_eq!(changed_rows(conn), 0, "every row kept every value");
    assert_eq!(count(conn, "SELECT COUNT(*) AS n FROM InvoiceLine"), 2240);
    assert_eq!(count(conn, "SELECT COUNT(*) AS n FROM PlaylistTrack"), 8715);
    assert_eq!(
        count(conn, "SELECT COUNT(*) AS n FROM pragma_foreign_key_check"),
        0
    );
}

#[test]
fn rebuilding_track_keeps_every_row_and_reference() {
    support::run::<SqliteConnection>(|db| {
        let mut conn = chinook(db);
        conn.batch_execute("CREATE VIEW track_names AS SELECT Name FROM Track")
            .expect("a view on Track");
        let (up, down) = rebuild_track();
        assert!(up
            .iter()
            .any(|statement| statement.starts_with("DROP TABLE \"Track\"")));
        apply(&mut conn, &up).expect("the rebuild runs");
        assert_intact(&mut conn);
        assert_eq!(
            count(
                &mut conn,
                "SELECT COUNT(*) AS n FROM pragma_table_info('Track') WHERE name = 'Composer' AND type = 'TEXT'"
            ),
            1,
            "the type changed"
        );
        assert_eq!(
            count(
                &mut conn,
                "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'index' AND tbl_name = 'Track' AND name LIKE 'IFK_%'"
            ),
            3,
            "the indexes are back"
        );
        assert_eq!(
            count(&mut conn, "SELECT COUNT(*) AS n FROM pragma_foreign_key_list('InvoiceLine') WHERE \"table\" = 'Track'"),
            1,
            "InvoiceLine still references Track"
        );
        assert_eq!(
            count(
                &mut conn,
                "SELECT COUNT(*) AS n FROM pragma_foreign_keys WHERE foreign_keys = 1"
            ),
            1,
            "foreign keys are enforced again"
        );
        assert_eq!(
            count(&mut conn, "SELECT COUNT(*) AS n FROM track_names"),
            3503,
            "the view reads the rebuilt table"
        );
        // Still enforced on the rebuilt table.
        assert!(conn
            .batch_execute("UPDATE Track SET AlbumId = 99999 WHERE TrackId = 1")
            .is_err());

        apply(&mut conn, &down).expect("the reverse runs");
        assert_intact(&mut conn);
        assert_eq!(
            count(
                &mut conn,
                "SELECT COUNT(*) AS n FROM pragma_table_info('Track') WHERE name = 'Composer' AND type = 'NVARCHAR(220)'"
            ),
            1
        );
    });
}

#[test]
fn a_rebuild_with_foreign_keys_enforced_refuses_to_run() {
    support::run::<SqliteConnection>(|db| {
        let mut conn = chinook(db);
        let (up, _) = rebuild_track();
        // A runner that forgets to run the pragma outside the transaction:
        // inside one, SQLite ignores it, and dropping Track would be a
        // DELETE with foreign keys enforced.
        let error = conn
            .transaction(|conn| {
                for statement in &up {
                    conn.batch_execute(statement)?;
                }
                Ok::<_, diesel::result::Error>(())
            })
            .expect_err("the guard stops it");
        assert!(
            error.to_string().contains("PRAGMA foreign_keys = OFF"),
            "{error}"
        );
        assert_intact(&mut conn);
    });
}

#[test]
fn a_rebuild_that_leaves_a_foreign_key_violation_rolls_back() {
    support::run::<SqliteConnection>(|db| {
        let mut conn = chinook(db);
        conn.batch_execute(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO InvoiceLine (InvoiceLineId, InvoiceId, TrackId, UnitPrice, Quantity)
                 VALUES (99999, 1, 99999, 0.99, 1);
             PRAGMA foreign_keys = ON;",
        )
        .expect("an orphan row");
        let (up, _) = rebuild_track();
        let error = apply(&mut conn, &up).expect_err("the foreign key check fails");
        assert!(error.to_string().contains("foreign_key_check"), "{error}");
        assert_eq!(
            count(
                &mut conn,
                "SELECT COUNT(*) AS n FROM pragma_table_info('Track') WHERE name = 'Composer' AND type = 'NVARCHAR(220)'"
            ),
            1,
            "rolled back"
        );
        assert_eq!(changed_rows(&mut conn), 0);
    });
}

#[test]
fn a_rebuild_refuses_to_drop_triggers() {
    support::run::<SqliteConnection>(|db| {
        let mut conn = chinook(db);
        conn.batch_execute("CREATE TRIGGER track_touch AFTER UPDATE ON Track BEGIN SELECT 1; END;")
            .expect("a trigger");
        let (up, _) = rebuild_track();
        let error = apply(&mut conn, &up).expect_err("the trigger guard fails");
        assert!(error.to_string().contains("triggers"), "{error}");
        assert_eq!(
            count(
                &mut conn,
                "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'trigger' AND name = 'track_touch'"
            ),
            1
        );
        assert_intact(&mut conn);
    });
}
