//! Golden SQL for every op on every backend: each scenario is a diff,
//! rendered up and down.

use super::*;
use crate::backend::BackendKind;
use crate::diff::diff;
use crate::scenarios::{base, changed, column, mood, scenarios, users, Scenario};
use crate::schema::Schema;

fn rendered(diff: &crate::diff::Diff, kind: BackendKind) -> String {
    match render(diff, kind.backend()) {
        Ok(statements) => statements
            .iter()
            .map(|statement| format!("{statement};\n"))
            .collect(),
        Err(error) => format!("error: {error}\n"),
    }
}

fn golden(kind: BackendKind) -> String {
    let mut text = String::new();
    for Scenario { name, from, to, .. } in scenarios() {
        let up = diff(&from, &to);
        assert!(!up.is_empty(), "scenario {name} changes nothing");
        text.push_str(&format!("-- {name}: up\n{}", rendered(&up, kind)));
        for warning in up.warnings() {
            text.push_str(&format!("-- warning: {warning}\n"));
        }
        text.push_str(&format!(
            "-- {name}: down\n{}\n",
            rendered(&up.reverse(), kind)
        ));
    }
    text
}

#[test]
fn postgres_sql_for_every_op() {
    insta::assert_snapshot!(golden(BackendKind::Postgres));
}

#[test]
fn mysql_sql_for_every_op() {
    insta::assert_snapshot!(golden(BackendKind::Mysql));
}

#[test]
fn sqlite_sql_for_every_op() {
    insta::assert_snapshot!(golden(BackendKind::Sqlite));
}

#[test]
fn mysql_escapes_backslashes_in_literals() {
    let backend = BackendKind::Mysql.backend();
    assert_eq!(backend.string_literal(r"a\b'c"), r"'a\\b''c'");
    assert_eq!(
        backend.type_sql(&mood(&[r"x\y"])),
        r"ENUM('x\\y')",
        "enum values are literals too"
    );
    assert_eq!(
        BackendKind::Postgres.backend().string_literal(r"a\b'c"),
        r"'a\b''c'"
    );
}

#[test]
fn unnamed_constraints_cannot_be_dropped_by_name() {
    let mut unnamed = users();
    unnamed.uniques[0].name = None;
    let mut without = unnamed.clone();
    without.uniques.clear();
    let up = diff(&Schema::new(vec![unnamed]), &Schema::new(vec![without]));
    let error = render(&up, BackendKind::Postgres.backend()).expect_err("no name to drop");
    assert_eq!(
        error.to_string(),
        "unique constraint on table users has no name, so PostgreSQL cannot drop it: give it a name in the model or drop it by hand"
    );
    // SQLite rebuilds the table, which needs no name.
    assert!(render(&up, BackendKind::Sqlite.backend()).is_ok());
}

#[test]
fn sqlite_rebuild_pragmas_split_off() {
    let up = diff(
        &base(),
        &changed(|users| column(users, "name").nullable = false),
    );
    let statements = render(&up, BackendKind::Sqlite.backend()).expect("renders");
    let (before, body, after) = sqlite_pragmas(&statements);
    assert_eq!(before, [SQLITE_FOREIGN_KEYS_OFF]);
    assert_eq!(after, [SQLITE_FOREIGN_KEYS_ON]);
    assert_eq!(body.len(), statements.len() - 2);
    let plain = vec!["CREATE INDEX x ON t (a)".to_owned()];
    assert_eq!(sqlite_pragmas(&plain), (&[][..], &plain[..], &[][..]));
}

/// Every scenario as its online steps: each step's transaction mode, up,
/// down and warnings.
fn online_golden(kind: BackendKind) -> String {
    let mut text = String::new();
    for Scenario { name, from, to, .. } in scenarios() {
        text.push_str(&format!("-- {name}\n"));
        match super::render_online(&diff(&from, &to), kind.backend()) {
            Ok(steps) => {
                for (at, step) in steps.iter().enumerate() {
                    text.push_str(&format!(
                        "-- step {} ({})\n",
                        at + 1,
                        if step.transactional {
                            "transaction"
                        } else {
                            "transaction off"
                        }
                    ));
                    for warning in &step.warnings {
                        text.push_str(&format!("-- warning: {warning}\n"));
                    }
                    for statement in &step.up {
                        text.push_str(&format!("{statement};\n"));
                    }
                    text.push_str("-- down\n");
                    match &step.down {
                        Some(down) => {
                            for statement in down {
                                text.push_str(&format!("{statement};\n"));
                            }
                        }
                        None => text.push_str("-- (none)\n"),
                    }
                }
            }
            Err(error) => text.push_str(&format!("error: {error}\n")),
        }
        text.push('\n');
    }
    text
}

#[test]
fn postgres_online_steps_for_every_op() {
    insta::assert_snapshot!(online_golden(BackendKind::Postgres));
}

#[test]
fn mysql_online_steps_for_every_op() {
    insta::assert_snapshot!(online_golden(BackendKind::Mysql));
}

/// `slots` with a deferred primary key, and `bookings` referencing it
/// when `referenced`.
fn deferred_slots(referenced: bool) -> Schema {
    use crate::schema::{Column, Deferral, ForeignKey, PrimaryKey, SqlType, Table};
    let slots = Table::new("slots")
        .column(Column::new("id", SqlType::Integer))
        .primary_key(
            PrimaryKey {
                name: Some("pk_slots".into()),
                columns: vec!["id".into()],
                ..Default::default()
            }
            .deferrable(Deferral::InitiallyDeferred),
        );
    let bookings = Table::new("bookings")
        .column(Column::new("slot_id", SqlType::Integer))
        .foreign_key(ForeignKey {
            name: Some("fk_bookings_slot".into()),
            columns: vec!["slot_id".into()],
            referenced_table: "slots".into(),
            referenced_columns: vec!["id".into()],
            ..ForeignKey::default()
        });
    Schema::new(if referenced {
        vec![slots, bookings]
    } else {
        vec![slots]
    })
}

#[test]
fn deferrable_primary_keys_render_on_postgres_only() {
    let up = diff(&Schema::default(), &deferred_slots(false));
    assert_eq!(
        rendered(&up, BackendKind::Postgres),
        "CREATE TABLE \"slots\" (\n    \"id\" INTEGER NOT NULL,\n    CONSTRAINT \"pk_slots\" PRIMARY KEY (\"id\") DEFERRABLE INITIALLY DEFERRED\n);\n"
    );
    for kind in [BackendKind::Mysql, BackendKind::Sqlite] {
        let error = render(&up, kind.backend()).expect_err("no deferrable primary keys");
        assert!(
            error
                .to_string()
                .contains("make primary key pk_slots of table slots DEFERRABLE"),
            "{kind:?}: {error}"
        );
    }
    let referenced = diff(&Schema::default(), &deferred_slots(true));
    let error = render(&referenced, BackendKind::Postgres.backend())
        .expect_err("PostgreSQL refuses the reference");
    assert!(
        error.to_string().contains(
            "reference the deferrable primary key pk_slots of table slots from foreign key \
             fk_bookings_slot of table bookings"
        ),
        "{error}"
    );
}
