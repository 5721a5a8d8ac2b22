//! The types only some databases have, on each real server: a table with
//! every such type the database has is created from a schema, reads back
//! with the same types, diffs empty against its model and stores a value;
//! a database that lacks one refuses it at render time, naming the column.

use crate::support;

use retort::{
    autogen::pending_changes, diff::diff, render::render, render::RenderError, BackendKind, Column,
    PrimaryKey, RangeType, Schema, SqlType, Table,
};
use support::{backend_tests, TestBackend, TestDatabase};

/// Every type that exists on some databases only, with a value of it as an
/// SQL literal on the databases that have it.
fn new_types() -> Vec<(SqlType, &'static str)> {
    let array = |element: SqlType| SqlType::Array(Box::new(element));
    let mood = SqlType::Enum {
        name: "mood".into(),
        values: vec!["happy".into(), "sad".into()],
    };
    vec![
        (SqlType::VarcharUnbounded, "'any length'"),
        (array(SqlType::Integer), "'{1,2}'"),
        (array(SqlType::Text), "'{\"a b\",c}'"),
        (array(SqlType::Varchar(20)), "'{x}'"),
        (array(mood), "'{sad,happy}'"),
        (array(array(SqlType::BigInt)), "'{{1,2},{3,4}}'"),
        (SqlType::Interval, "'1 day 02:00:00'"),
        (SqlType::Inet, "'192.168.0.1/24'"),
        (SqlType::Cidr, "'10.0.0.0/8'"),
        (SqlType::MacAddr, "'08:00:2b:01:02:03'"),
        (SqlType::TsVector, "'fat cat'"),
        (SqlType::UnsignedSmallInt, "65535"),
        (SqlType::UnsignedInteger, "4294967295"),
        (SqlType::UnsignedBigInt, "18446744073709551615"),
        (SqlType::Year, "2024"),
        (
            SqlType::Set {
                values: vec!["a".into(), "b c".into(), "it's".into()],
            },
            "'a,it''s'",
        ),
        (SqlType::TinyInt, "-128"),
        (SqlType::UnsignedTinyInt, "255"),
        (SqlType::MediumInt, "-8388608"),
        (SqlType::UnsignedMediumInt, "16777215"),
        (SqlType::TinyText, "'tiny'"),
        (SqlType::MediumText, "'medium'"),
        (SqlType::LongText, "'long'"),
        (SqlType::TinyBlob, "X'00FF'"),
        (SqlType::MediumBlob, "X'01FF'"),
        (SqlType::LongBlob, "X'02FF'"),
        (SqlType::Bit(5), "B'10101'"),
        (SqlType::TimeWithPrecision(0), "'12:30:45'"),
        (SqlType::TimeWithPrecision(3), "'12:30:45.123'"),
        (SqlType::TimestampWithPrecision(0), "'2024-01-02 03:04:05'"),
        (
            SqlType::TimestampWithPrecision(3),
            "'2024-01-02 03:04:05.123'",
        ),
        (
            SqlType::TimestampTzWithPrecision(0),
            "'2024-01-02 03:04:05'",
        ),
        (
            SqlType::TimestampTzWithPrecision(2),
            "'2024-01-02 03:04:05.12'",
        ),
        (
            SqlType::IntervalFields {
                fields: Some("day to second".into()),
                precision: Some(3),
            },
            "'1 day 02:00:00.123'",
        ),
        (
            SqlType::IntervalFields {
                fields: None,
                precision: Some(0),
            },
            "'5 seconds'",
        ),
        (
            SqlType::IntervalFields {
                fields: Some("year".into()),
                precision: None,
            },
            "'2 years'",
        ),
        (SqlType::Range(RangeType::Integer), "'[1,10)'"),
        (SqlType::Range(RangeType::BigInt), "'[1,10000000000)'"),
        (SqlType::Range(RangeType::Numeric), "'[1.5,2.5]'"),
        (
            SqlType::Range(RangeType::Timestamp),
            "'[2024-01-01 00:00,2024-02-01 00:00)'",
        ),
        (
            SqlType::Range(RangeType::TimestampTz),
            "'[2024-01-01 00:00+00,2024-02-01 00:00+00)'",
        ),
        (SqlType::Range(RangeType::Date), "'[2024-01-01,2024-02-01)'"),
        (SqlType::MultiRange(RangeType::Integer), "'{[1,5), [7,9)}'"),
        (
            SqlType::MultiRange(RangeType::Date),
            "'{[2024-01-01,2024-02-01)}'",
        ),
        (SqlType::TsQuery, "'fat & cat'"),
        (SqlType::CiText, "'MiXeD'"),
        (
            SqlType::Geometry {
                shape: Some("Point".into()),
                srid: Some(4326),
            },
            "'SRID=4326;POINT(1 2)'",
        ),
        (
            SqlType::Geometry {
                shape: None,
                srid: None,
            },
            "'LINESTRING(0 0, 1 1)'",
        ),
        (
            SqlType::Geography {
                shape: Some("Point".into()),
                srid: Some(4326),
            },
            "'SRID=4326;POINT(1 2)'",
        ),
    ]
}

/// The extensions the types of [`new_types`] come from, created in the
/// database `db` (PostGIS in a schema of its own, on the database's search
/// path, so that its `spatial_ref_sys` table is not one of the tables read).
fn create_extensions<C: TestBackend>(db: &TestDatabase<C>) {
    if C::BACKEND != BackendKind::Postgres {
        return;
    }
    db.connect()
        .batch_execute(&format!(
            "CREATE EXTENSION IF NOT EXISTS citext; \
             CREATE SCHEMA postgis; \
             CREATE EXTENSION postgis SCHEMA postgis; \
             ALTER DATABASE \"{}\" SET search_path = public, postgis;",
            db.name
        ))
        .expect("citext and postgis are installed (scripts/test --prepare-only installs them)");
}

/// The columns `c0`, `c1`, ... of the new types `kind` has.
fn typed_columns(kind: BackendKind) -> Vec<(Column, &'static str)> {
    new_types()
        .into_iter()
        .filter(|(ty, _)| kind.backend().lacks_type(ty).is_none())
        .enumerate()
        .map(|(at, (ty, value))| (Column::new(format!("c{at}"), ty).nullable(), value))
        .collect()
}

fn typed_schema(kind: BackendKind) -> Schema {
    let mut table = Table::new("typed")
        .column(Column::new("id", SqlType::Integer).identity())
        .primary_key(PrimaryKey {
            name: Some("pk_typed".into()),
            columns: vec!["id".into()],
            ..Default::default()
        });
    for (column, _) in typed_columns(kind) {
        table = table.column(column);
    }
    Schema::new(vec![table])
}

/// Created from the schema, each column reads back as its type, the model
/// diffs empty against the database, and a value stored in each column
/// compares equal to the literal it came from.
fn every_type_round_trips<C: TestBackend>(db: &TestDatabase<C>) {
    let kind = C::BACKEND;
    let backend = kind.backend();
    let schema = typed_schema(kind);
    create_extensions(db);
    let mut conn = db.connect();
    let dir = tempfile::tempdir().unwrap();
    retort::autogenerate(&mut conn, &schema, dir.path(), "typed")
        .unwrap()
        .expect("an empty database needs a revision");
    retort::migrate_to_head(
        &mut conn,
        &retort::Migrations::from_dir(dir.path()).unwrap(),
    )
    .unwrap();

    let read = retort::introspect(&mut conn).unwrap();
    let types = |schema: &Schema| -> Vec<(String, SqlType)> {
        schema
            .table("typed")
            .unwrap()
            .columns
            .iter()
            .map(|column| (column.name.clone(), column.ty.clone()))
            .collect()
    };
    // An array of arrays is one array type on PostgreSQL (documented).
    let as_read = |(name, ty): (String, SqlType)| match ty {
        SqlType::Array(_) => (name, SqlType::Array(Box::new(ty.element().clone()))),
        ty => (name, ty),
    };
    let expected: Vec<_> = types(&schema).into_iter().map(as_read).collect();
    assert_eq!(types(&read), expected, "{kind}: types read back");
    let left = pending_changes(&mut conn, &schema).unwrap();
    assert!(left.is_empty(), "{kind}: {:#?}", left.ops());

    let columns = typed_columns(kind);
    if columns.is_empty() {
        return;
    }
    let q = |name: &str| backend.quote_identifier(name);
    let names: Vec<String> = columns.iter().map(|(column, _)| q(&column.name)).collect();
    let values: Vec<&str> = columns.iter().map(|(_, value)| *value).collect();
    conn.execute(&format!(
        "INSERT INTO {} ({}, {}) VALUES (1, {})",
        q("typed"),
        q("id"),
        names.join(", "),
        values.join(", ")
    ))
    .unwrap();
    for (column, value) in &columns {
        let found = conn.select_count(&format!(
            "SELECT COUNT(*) AS n FROM {} WHERE {} = {value}",
            q("typed"),
            q(&column.name)
        ));
        assert_eq!(
            found, 1,
            "{kind}: {} {} reads back {value}",
            column.name, column.ty
        );
    }
}

backend_tests!(every_type_round_trips);

/// A database without a type refuses a column of it when the DDL is
/// rendered, naming the table, the column and the type.
#[test]
fn a_database_without_a_type_refuses_it_naming_the_column() {
    let mut refused = 0;
    for kind in BackendKind::ALL {
        let backend = kind.backend();
        for (ty, _) in new_types() {
            if backend.lacks_type(&ty).is_none() {
                continue;
            }
            refused += 1;
            let schema = Schema::new(vec![Table::new("typed")
                .column(Column::new("id", SqlType::Integer))
                .column(Column::new("odd", ty.clone()))]);
            let error = render(&diff(&Schema::new(Vec::new()), &schema), backend)
                .expect_err("a type the database lacks is refused");
            assert!(
                matches!(&error, RenderError::UnsupportedType { table, column, .. }
                    if table == "typed" && column == "odd"),
                "{kind}: {error:?}"
            );
            let message = error.to_string();
            assert!(
                message.contains("column odd of table typed")
                    && message.contains(&ty.to_string())
                    && message.contains(kind.display_name()),
                "{kind}: {message}"
            );
        }
    }
    assert!(refused > 0, "some database lacks one of the types");
}
