//! retort's MySQL lint calibrated on the real server (MariaDB here, MySQL
//! where `RETORT_TEST_MYSQL_URL` points at one):
//!
//! - what the lint calls safe because it asks for an online algorithm, the
//!   server accepts with exactly those clauses, without copying a row;
//! - what the lint calls metadata only, the server changes without
//!   copying, with or without an algorithm clause;
//! - what the lint flags as copying the table, the server refuses under
//!   `ALGORITHM=INPLACE, LOCK=NONE` (and under `LOCK=NONE` alone), and,
//!   without a clause, makes by copying every row, silently.
//!
//! A copy shows in the statement's count of affected rows: `ALTER TABLE`
//! with `ALGORITHM=COPY` counts the rows it copied, in place or instantly
//! it counts none.

#![cfg(feature = "mysql")]

use crate::support;

use retort::BackendKind;
use support::TestBackend;

/// The rows `items` holds, so a copy counts them.
const ROWS: usize = 3;

/// A fresh `items` table with [`ROWS`] rows, and the `parents` they
/// reference.
fn items(conn: &mut diesel::MysqlConnection) {
    for sql in [
        // language=SQL
        "DROP TABLE IF EXISTS items",
        // language=SQL
        "DROP TABLE IF EXISTS parents",
        // language=SQL
        "CREATE TABLE parents (id BIGINT NOT NULL, PRIMARY KEY (id)) ENGINE=InnoDB",
        // language=SQL
        "CREATE TABLE items (id BIGINT NOT NULL, qty INT NOT NULL, sku VARCHAR(20) NULL, parent_id BIGINT NULL, \
         PRIMARY KEY (id), INDEX ix_items_qty (qty), CONSTRAINT ck_items_id CHECK (id > 0)) ENGINE=InnoDB",
        // language=SQL
        "INSERT INTO parents (id) VALUES (1)",
        // language=SQL
        "INSERT INTO items (id, qty, sku, parent_id) VALUES (1, 1, 'a', 1), (2, 2, 'b', 1), (3, 3, 'c', 1)",
    ] {
        conn.execute(sql).unwrap_or_else(|error| panic!("{sql}: {error}"));
    }
}

/// The MySQL rules flagging `sql`.
fn rules(sql: &str) -> Vec<&'static str> {
    retort::lint::lint_sql_for(BackendKind::Mysql, "calibration.sql", sql, 1, true)
        .into_iter()
        .map(|finding| finding.rule)
        .collect()
}

/// Runs `sql`, which must succeed, and returns the rows it copied.
fn copied(conn: &mut diesel::MysqlConnection, sql: &str) -> usize {
    conn.execute(sql)
        .unwrap_or_else(|error| panic!("the server refuses `{sql}`: {error}"))
}

/// Runs `sql`, which the server must refuse for its algorithm or lock, and
/// returns the server's message.
fn refused(conn: &mut diesel::MysqlConnection, sql: &str) -> String {
    match conn.execute(sql) {
        Ok(rows) => panic!("the server accepts `{sql}` ({rows} rows copied)"),
        Err(error) => {
            let message = error.to_string();
            assert!(
                message.contains("is not supported"),
                "`{sql}` fails for another reason: {message}"
            );
            message
        }
    }
}

/// Statements the lint does not flag, each with the rule that flags it
/// without its algorithm clause: the server runs them without copying.
const ONLINE: &[(&str, &str, &str)] = &[
    (
        "ALTER TABLE items ADD COLUMN note TEXT NULL",
        ", ALGORITHM=INSTANT",
        "alter-table-without-online-algorithm",
    ),
    (
        "CREATE INDEX ix_items_sku ON items (sku)",
        " ALGORITHM=INPLACE LOCK=NONE",
        "create-index-without-online-algorithm",
    ),
    (
        "CREATE UNIQUE INDEX ix_items_qty_sku ON items (qty, sku)",
        " ALGORITHM=INPLACE LOCK=NONE",
        "create-index-without-online-algorithm",
    ),
    (
        "ALTER TABLE items MODIFY COLUMN qty INT NOT NULL COMMENT 'how many'",
        ", ALGORITHM=INPLACE, LOCK=NONE",
        "column-type-change",
    ),
    (
        "ALTER TABLE items MODIFY COLUMN sku VARCHAR(40) NULL",
        ", ALGORITHM=INPLACE, LOCK=NONE",
        "column-type-change",
    ),
    (
        "ALTER TABLE items DROP COLUMN parent_id",
        ", ALGORITHM=INPLACE, LOCK=NONE",
        "alter-table-without-online-algorithm",
    ),
    (
        "ALTER TABLE items ADD CONSTRAINT uq_items_sku UNIQUE (sku)",
        ", ALGORITHM=INPLACE, LOCK=NONE",
        "alter-table-without-online-algorithm",
    ),
    (
        "ALTER TABLE items DROP PRIMARY KEY, ADD PRIMARY KEY (id, qty)",
        ", ALGORITHM=INPLACE, LOCK=NONE",
        "alter-table-without-online-algorithm",
    ),
];

#[test]
fn what_the_lint_calls_online_the_server_runs_without_copying() {
    support::run::<diesel::MysqlConnection>(|db| {
        let mut conn = db.connect();
        for (sql, clauses, rule) in ONLINE {
            items(&mut conn);
            assert_eq!(rules(sql), [*rule], "{sql}");
            let online = format!("{sql}{clauses}");
            assert_eq!(rules(&online), [] as [&str; 0], "{online}");
            assert_eq!(copied(&mut conn, &online), 0, "{online}");
        }
    });
}

#[test]
fn a_foreign_key_with_checks_off_is_added_online() {
    support::run::<diesel::MysqlConnection>(|db| {
        let mut conn = db.connect();
        items(&mut conn);
        let statements = [
            // language=SQL
            "SET foreign_key_checks = 0",
            // language=SQL
            "ALTER TABLE items ADD CONSTRAINT fk_items_parent FOREIGN KEY (parent_id) REFERENCES parents (id), ALGORITHM=INPLACE, LOCK=NONE",
            // language=SQL
            "SET foreign_key_checks = 1",
        ];
        let revision: String = statements.iter().map(|sql| format!("{sql};\n")).collect();
        assert_eq!(rules(&revision), [] as [&str; 0]);
        assert_eq!(
            rules(statements[1]),
            ["foreign-key-with-checks-on"],
            "the same statement with the checks on"
        );
        for sql in statements {
            assert_eq!(copied(&mut conn, sql), 0, "{sql}");
        }
    });
}

/// Statements the lint lets through without any clause, as metadata only,
/// each with the clause that makes the server prove it: instantly where it
/// can, and a dropped index in place without a lock. (Renaming a table
/// takes an exclusive metadata lock for an instant, as every DDL statement
/// does at its end, so it refuses `LOCK=NONE`.)
const METADATA_ONLY: &[(&str, &str)] = &[
    (
        "ALTER TABLE items RENAME COLUMN sku TO code",
        ", ALGORITHM=INSTANT",
    ),
    (
        "ALTER TABLE items COMMENT = 'what we sell'",
        ", ALGORITHM=INSTANT",
    ),
    (
        "ALTER TABLE items ALTER COLUMN qty SET DEFAULT 0",
        ", ALGORITHM=INSTANT",
    ),
    (
        "ALTER TABLE items DROP CONSTRAINT ck_items_id",
        ", ALGORITHM=INSTANT",
    ),
    ("ALTER TABLE items RENAME TO goods", ", ALGORITHM=INSTANT"),
    (
        "ALTER TABLE items DROP INDEX ix_items_qty",
        ", ALGORITHM=INPLACE, LOCK=NONE",
    ),
];

#[test]
fn what_the_lint_calls_metadata_only_the_server_changes_without_copying() {
    support::run::<diesel::MysqlConnection>(|db| {
        let mut conn = db.connect();
        for (sql, clauses) in METADATA_ONLY {
            assert_eq!(rules(sql), [] as [&str; 0], "{sql}");
            for sql in [format!("{sql}{clauses}"), sql.to_string()] {
                // language=SQL
                conn.execute("DROP TABLE IF EXISTS goods").unwrap();
                items(&mut conn);
                assert_eq!(copied(&mut conn, &sql), 0, "{sql}");
            }
        }
    });
}

/// Statements the lint flags as copying the table, with the rule; the
/// ones it flags whatever they ask for are flagged with the clauses too.
const COPYING: &[(&str, &str, bool)] = &[
    (
        "ALTER TABLE items MODIFY COLUMN qty BIGINT NOT NULL",
        "column-type-change",
        false,
    ),
    (
        "ALTER TABLE items MODIFY COLUMN sku CHAR(36) NULL",
        "column-type-change",
        false,
    ),
    (
        "ALTER TABLE items CHANGE COLUMN sku code TEXT NULL",
        "column-type-change",
        false,
    ),
    (
        "ALTER TABLE items CONVERT TO CHARACTER SET latin1",
        "column-type-change",
        false,
    ),
    (
        "ALTER TABLE items ADD CONSTRAINT fk_items_parent FOREIGN KEY (parent_id) REFERENCES parents (id)",
        "foreign-key-with-checks-on",
        true,
    ),
    (
        "ALTER TABLE items ADD CONSTRAINT ck_items_qty CHECK (qty >= 0)",
        "add-check-constraint",
        true,
    ),
    ("ALTER TABLE items DROP PRIMARY KEY", "drop-primary-key", true),
];

#[test]
fn what_the_lint_calls_copying_the_server_refuses_online_and_copies_silently() {
    support::run::<diesel::MysqlConnection>(|db| {
        let mut conn = db.connect();
        for (sql, rule, whatever_it_asks) in COPYING {
            items(&mut conn);
            assert_eq!(rules(sql), [*rule], "{sql}");
            for clauses in [", ALGORITHM=INPLACE, LOCK=NONE", ", LOCK=NONE"] {
                let online = format!("{sql}{clauses}");
                let expected: &[&str] = if *whatever_it_asks { &[*rule] } else { &[] };
                assert_eq!(rules(&online), expected, "{online}");
                refused(&mut conn, &online);
            }
            assert_eq!(copied(&mut conn, sql), ROWS, "{sql} copies every row");
        }
    });
}
