//! `#[model(diesel_table)]`: the models are migrated, then rows of every
//! column type the derive supports are inserted, loaded, updated, filtered
//! and joined through the generated `diesel::table!`s, on each backend.

use crate::support;

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
#[cfg(feature = "postgres")]
use diesel::pg::data_types::PgInterval;
use diesel::prelude::*;
use diesel::BelongingToDsl;
use retort::{Model, SqlEnum};
#[cfg(feature = "postgres")]
use std::ops::Bound;

/// A team's standing: a PostgreSQL enumeration type, a MySQL `ENUM`, checked
/// text on SQLite.
#[derive(SqlEnum, Debug, Clone, Copy, PartialEq)]
#[sql_enum(name = "team_standing")]
pub enum Standing {
    Active,
    #[sql_enum(rename = "on-hold")]
    OnHold,
    Closed,
}

/// A team users belong to.
#[derive(
    Model, Queryable, Selectable, Insertable, AsChangeset, Identifiable, Debug, Clone, PartialEq,
)]
#[model(table = "teams", diesel_table)]
#[diesel(table_name = teams)]
pub struct Team {
    #[model(primary_key, autoincrement = false)]
    pub id: i64,
    #[model(max_length = 100)]
    pub name: String,
    pub standing: Standing,
    pub previous_standing: Option<Standing>,
}

/// Numbers, text, bytes and flags, plain and nullable.
#[derive(
    Model,
    Queryable,
    Selectable,
    Insertable,
    AsChangeset,
    Associations,
    Identifiable,
    Debug,
    Clone,
    PartialEq,
)]
#[model(table = "scalars", diesel_table)]
#[diesel(table_name = scalars, belongs_to(Team))]
pub struct Scalar {
    #[model(primary_key, autoincrement = false)]
    pub id: i64,
    pub small: i16,
    pub int: i32,
    pub real: f32,
    pub double: f64,
    pub flag: bool,
    pub text: String,
    #[model(max_length = 40)]
    pub varchar: String,
    #[model(sql_type = "char(3)")]
    pub code: String,
    pub bytes: Vec<u8>,
    #[model(sql_type = "bigint")]
    pub counter: i64,
    /// Stored under another name than the field's.
    #[model(column = "label_text")]
    pub label: String,
    pub maybe_int: Option<i32>,
    pub maybe_text: Option<String>,
    #[model(references = "teams.id", on_delete = "cascade")]
    pub team_id: Option<i64>,
}

/// Decimals, dates and times, plain and nullable.
#[derive(Model, Queryable, Selectable, Insertable, AsChangeset, Debug, Clone, PartialEq)]
#[model(table = "dated", diesel_table)]
#[diesel(table_name = dated)]
pub struct Dated {
    #[model(primary_key)]
    pub id: i32,
    #[model(precision = 10, scale = 2)]
    pub price: BigDecimal,
    pub day: NaiveDate,
    pub at: NaiveTime,
    pub stamp: NaiveDateTime,
    pub maybe_day: Option<NaiveDate>,
    #[model(sql_type = "timestamp")]
    pub maybe_stamp: Option<NaiveDateTime>,
}

/// The types diesel loads with PostgreSQL's own SQL types: time zones,
/// UUIDs and JSON (see `retort::query::sql_types`).
#[cfg(feature = "postgres")]
#[derive(Model, Queryable, Selectable, Insertable, AsChangeset, Debug, Clone, PartialEq)]
#[model(table = "pg_typed", diesel_table)]
#[diesel(table_name = pg_typed)]
pub struct PgTyped {
    #[model(primary_key)]
    pub id: uuid::Uuid,
    pub moment: DateTime<Utc>,
    pub doc: serde_json::Value,
    pub maybe_moment: Option<DateTime<Utc>>,
    pub maybe_uid: Option<uuid::Uuid>,
    pub maybe_doc: Option<serde_json::Value>,
    #[model(sql_type = "timestamptz")]
    pub written_as_sql: DateTime<Utc>,
    #[model(sql_type = "jsonb")]
    pub settings: serde_json::Value,
}

/// PostgreSQL's ranges (a pair of bounds, or `sql_type`) and multiranges;
/// [`PgVarious`] has its arrays, intervals, MAC addresses, `citext` and
/// times with a precision.
#[cfg(feature = "postgres")]
#[derive(Model, Queryable, Selectable, Insertable, AsChangeset, Debug, Clone, PartialEq)]
#[model(table = "pg_ranged", diesel_table)]
#[diesel(table_name = pg_ranged, treat_none_as_null = true)]
pub struct PgRanged {
    #[model(primary_key)]
    pub id: i32,
    pub ints: (Bound<i32>, Bound<i32>),
    pub bigs: Option<(Bound<i64>, Bound<i64>)>,
    pub days: (Bound<NaiveDate>, Bound<NaiveDate>),
    pub stamps: (Bound<NaiveDateTime>, Bound<NaiveDateTime>),
    pub moments: (Bound<DateTime<Utc>>, Bound<DateTime<Utc>>),
    pub amounts: (Bound<BigDecimal>, Bound<BigDecimal>),
    #[model(sql_type = "int8range")]
    pub spelled_range: (Bound<i64>, Bound<i64>),
    #[model(sql_type = "int4multirange")]
    pub spans: Vec<(Bound<i32>, Bound<i32>)>,
}

/// The rest (diesel's tables have at most 16 columns).
#[cfg(feature = "postgres")]
#[derive(Model, Queryable, Selectable, Insertable, AsChangeset, Debug, Clone, PartialEq)]
#[model(table = "pg_various", diesel_table)]
#[diesel(table_name = pg_various, treat_none_as_null = true)]
pub struct PgVarious {
    #[model(primary_key)]
    pub id: i32,
    #[model(sql_type = "integer[]")]
    pub numbers: Vec<i32>,
    #[model(sql_type = "varchar(20)[]")]
    pub codes: Option<Vec<String>>,
    #[model(sql_type = "interval")]
    pub wait: PgInterval,
    #[model(sql_type = "interval day to second(3)")]
    pub maybe_wait: Option<PgInterval>,
    #[model(sql_type = "macaddr")]
    pub mac: [u8; 6],
    #[model(sql_type = "citext")]
    pub nick: String,
    #[model(sql_type = "timestamp(3)")]
    pub coarse: NaiveDateTime,
    #[model(sql_type = "time(0)")]
    pub second: NaiveTime,
    #[model(sql_type = "timestamp(3) with time zone")]
    pub coarse_moment: Option<DateTime<Utc>>,
}

/// MySQL's one-byte, three-byte and unsigned integers and `YEAR`;
/// [`MysqlTexts`] has `SET`, the sized text and blob types and times with a
/// precision.
#[cfg(feature = "mysql")]
#[derive(Model, Queryable, Selectable, Insertable, AsChangeset, Debug, Clone, PartialEq)]
#[model(table = "mysql_typed", diesel_table)]
#[diesel(table_name = mysql_typed, treat_none_as_null = true)]
pub struct MysqlTyped {
    #[model(primary_key)]
    pub id: i32,
    #[model(sql_type = "tinyint")]
    pub tiny: i8,
    #[model(sql_type = "tinyint unsigned")]
    pub tiny_count: u8,
    #[model(sql_type = "smallint unsigned")]
    pub port: u16,
    #[model(sql_type = "mediumint")]
    pub medium: i32,
    #[model(sql_type = "mediumint unsigned")]
    pub medium_count: u32,
    #[model(sql_type = "int unsigned")]
    pub hits: Option<u32>,
    #[model(sql_type = "bigint unsigned")]
    pub big: u64,
    #[model(sql_type = "year")]
    pub year: i16,
}

/// The rest (diesel's tables have at most 16 columns).
#[cfg(feature = "mysql")]
#[derive(Model, Queryable, Selectable, Insertable, AsChangeset, Debug, Clone, PartialEq)]
#[model(table = "mysql_texts", diesel_table)]
#[diesel(table_name = mysql_texts, treat_none_as_null = true)]
pub struct MysqlTexts {
    #[model(primary_key)]
    pub id: i32,
    #[model(sql_type = "set('red','green','blue')")]
    pub colours: String,
    #[model(sql_type = "tinytext")]
    pub title: String,
    #[model(sql_type = "mediumtext")]
    pub body: String,
    #[model(sql_type = "longtext")]
    pub notes: Option<String>,
    #[model(sql_type = "tinyblob")]
    pub thumb: Vec<u8>,
    #[model(sql_type = "longblob")]
    pub blob: Vec<u8>,
    #[model(sql_type = "datetime(3)")]
    pub at: NaiveDateTime,
    #[model(sql_type = "time(3)")]
    pub clock: NaiveTime,
    #[model(sql_type = "timestamp(3)")]
    pub stamp: Option<NaiveDateTime>,
}

retort::diesel_tables!(teams, scalars, dated);
#[cfg(feature = "postgres")]
retort::diesel_tables!(pg_ranged, pg_various);
#[cfg(feature = "mysql")]
retort::diesel_tables!(mysql_typed, mysql_texts);

fn scalar(id: i64, team_id: Option<i64>) -> Scalar {
    Scalar {
        id,
        small: -7,
        int: 2_000_000_000,
        real: 1.5,
        double: -2.25,
        flag: true,
        text: "a long text \u{e9}\u{1f980}".into(),
        varchar: "short".into(),
        code: "abc".into(),
        bytes: vec![0, 1, 2, 255],
        counter: 9_000_000_000,
        label: format!("label {id}"),
        maybe_int: None,
        maybe_text: Some("there".into()),
        team_id,
    }
}

#[cfg(feature = "postgres")]
fn moment(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn dated() -> Dated {
    let day = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    let at = NaiveTime::from_hms_micro_opt(23, 59, 58, 123_456).unwrap();
    Dated {
        id: 0,
        // SQLite keeps NUMERIC as a floating-point number: these values
        // are exact in binary, so they round-trip on every database.
        price: "12345678.75".parse().unwrap(),
        day,
        at,
        stamp: day.and_time(at),
        maybe_day: None,
        maybe_stamp: Some(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap().and_time(at)),
    }
}

#[cfg(feature = "postgres")]
fn pg_typed() -> PgTyped {
    PgTyped {
        id: uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
        moment: moment("2030-01-02T03:04:05.678901Z"),
        doc: serde_json::json!({"tags": ["a", "b"], "n": 3}),
        maybe_moment: None,
        maybe_uid: Some(uuid::Uuid::from_u128(42)),
        maybe_doc: Some(serde_json::json!([1, 2])),
        written_as_sql: moment("1999-12-31T23:59:59Z"),
        settings: serde_json::json!({}),
    }
}

macro_rules! diesel_table_tests {
    ($backend:ident, $feature:literal, $connection:ty, $setup:expr) => {
        #[cfg(feature = $feature)]
        mod $backend {
            use super::*;

            type Conn = $connection;

            /// Migrates the models and sets the session up as an
            /// application would.
            fn migrated(db: &support::TestDatabase<Conn>) -> Conn {
                let mut conn = db.connect();
                let setup: &str = $setup;
                if !setup.is_empty() {
                    diesel::connection::SimpleConnection::batch_execute(&mut conn, setup).unwrap();
                }
                support::apply_diff(
                    &mut conn,
                    &retort::Schema::new(Vec::new()),
                    &retort::schema![Team, Scalar, Dated],
                );
                conn
            }

            #[test]
            fn scalars_insert_load_update_and_filter() {
                support::run::<Conn>(|db| {
                    let conn = &mut migrated(db);
                    let team = Team {
                        id: 1,
                        name: "core".into(),
                        standing: Standing::OnHold,
                        previous_standing: None,
                    };
                    diesel::insert_into(teams::table)
                        .values(&team)
                        .execute(conn)
                        .unwrap();
                    let rows = vec![scalar(1, Some(1)), scalar(2, None)];
                    diesel::insert_into(scalars::table)
                        .values(&rows)
                        .execute(conn)
                        .unwrap();

                    let loaded: Vec<Scalar> = scalars::table
                        .order(scalars::id)
                        .select(Scalar::as_select())
                        .load(conn)
                        .unwrap();
                    assert_eq!(loaded, rows);

                    let mut changed = scalar(2, Some(1));
                    changed.small = 3;
                    changed.text = "changed".into();
                    changed.bytes = Vec::new();
                    changed.maybe_int = Some(-1);
                    diesel::update(scalars::table.find(2))
                        .set(&changed)
                        .execute(conn)
                        .unwrap();
                    diesel::update(scalars::table.find(2))
                        .set(scalars::counter.eq(scalars::counter + 1))
                        .execute(conn)
                        .unwrap();
                    changed.counter += 1;
                    let reloaded: Scalar = scalars::table
                        .find(2)
                        .select(Scalar::as_select())
                        .first(conn)
                        .unwrap();
                    assert_eq!(reloaded, changed);

                    let labelled: Vec<i64> = scalars::table
                        .filter(scalars::label.eq("label 1"))
                        .select(scalars::id)
                        .load(conn)
                        .unwrap();
                    assert_eq!(labelled, [1]);
                    let without: i64 = scalars::table
                        .filter(scalars::maybe_int.is_null())
                        .count()
                        .get_result(conn)
                        .unwrap();
                    assert_eq!(without, 1);
                });
            }

            #[test]
            fn enums_load_store_and_filter() {
                support::run::<Conn>(|db| {
                    let conn = &mut migrated(db);
                    let mut teams = vec![
                        Team {
                            id: 1,
                            name: "a".into(),
                            standing: Standing::Active,
                            previous_standing: None,
                        },
                        Team {
                            id: 2,
                            name: "b".into(),
                            standing: Standing::OnHold,
                            previous_standing: Some(Standing::Closed),
                        },
                    ];
                    diesel::insert_into(teams::table)
                        .values(&teams)
                        .execute(conn)
                        .unwrap();
                    let loaded: Vec<Team> = teams::table
                        .order(teams::id)
                        .select(Team::as_select())
                        .load(conn)
                        .unwrap();
                    assert_eq!(loaded, teams);

                    diesel::update(teams::table.filter(teams::standing.eq(Standing::Active)))
                        .set((
                            teams::standing.eq(Standing::Closed),
                            teams::previous_standing.eq(Standing::Active),
                        ))
                        .execute(conn)
                        .unwrap();
                    teams[0].standing = Standing::Closed;
                    teams[0].previous_standing = Some(Standing::Active);
                    let on_hold: Vec<String> = teams::table
                        .filter(teams::standing.eq(Standing::OnHold))
                        .select(teams::name)
                        .load(conn)
                        .unwrap();
                    assert_eq!(on_hold, ["b"]);
                    let reloaded: Vec<Team> = teams::table
                        .order(teams::id)
                        .select(Team::as_select())
                        .load(conn)
                        .unwrap();
                    assert_eq!(reloaded, teams);
                });
            }

            /// An `Option<Enum>` column: `Some`, `None` and plain values
            /// in inserts, updates, `eq` and `eq_any`, and NULL.
            #[test]
            fn nullable_enums_filter_with_eq_and_eq_any() {
                support::run::<Conn>(|db| {
                    let conn = &mut migrated(db);
                    let team = |id: i64, previous_standing: Option<Standing>| Team {
                        id,
                        name: format!("team {id}"),
                        standing: Standing::Active,
                        previous_standing,
                    };
                    diesel::insert_into(teams::table)
                        .values(&vec![
                            team(1, None),
                            team(2, Some(Standing::OnHold)),
                            team(3, Some(Standing::Closed)),
                        ])
                        .execute(conn)
                        .unwrap();
                    for (id, previous) in [(4, Some(Standing::Active)), (5, None)] {
                        diesel::insert_into(teams::table)
                            .values((
                                teams::id.eq(id),
                                teams::name.eq(format!("team {id}")),
                                teams::standing.eq(Standing::Active),
                                teams::previous_standing.eq(previous),
                            ))
                            .execute(conn)
                            .unwrap();
                    }
                    let closed: Vec<i64> = teams::table
                        .filter(teams::previous_standing.eq(Some(Standing::Closed)))
                        .select(teams::id)
                        .load(conn)
                        .unwrap();
                    assert_eq!(closed, [3]);
                    let listed: Vec<i64> = teams::table
                        .filter(
                            teams::previous_standing.eq_any([Standing::OnHold, Standing::Active]),
                        )
                        .order(teams::id)
                        .select(teams::id)
                        .load(conn)
                        .unwrap();
                    assert_eq!(listed, [2, 4]);
                    // NULL equals nothing, in a list too: `is_null` finds it.
                    let some_or_none: Vec<i64> = teams::table
                        .filter(teams::previous_standing.eq_any(vec![Some(Standing::Closed), None]))
                        .order(teams::id)
                        .select(teams::id)
                        .load(conn)
                        .unwrap();
                    assert_eq!(some_or_none, [3]);
                    let null: Vec<i64> = teams::table
                        .filter(teams::previous_standing.is_null())
                        .order(teams::id)
                        .select(teams::id)
                        .load(conn)
                        .unwrap();
                    assert_eq!(null, [1, 5]);
                    let not_listed: Vec<i64> = teams::table
                        .filter(teams::standing.ne_all(&[Standing::OnHold, Standing::Closed]))
                        .filter(teams::previous_standing.ne_all([Some(Standing::Active)]))
                        .order(teams::id)
                        .select(teams::id)
                        .load(conn)
                        .unwrap();
                    assert_eq!(not_listed, [2, 3]);

                    diesel::update(
                        teams::table.filter(
                            teams::previous_standing
                                .eq_any([Some(Standing::OnHold), Some(Standing::Closed)]),
                        ),
                    )
                    .set(teams::previous_standing.eq(None::<Standing>))
                    .execute(conn)
                    .unwrap();
                    diesel::update(teams::table.filter(teams::previous_standing.is_null()))
                        .set(teams::previous_standing.eq(Some(Standing::OnHold)))
                        .execute(conn)
                        .unwrap();
                    let loaded: Vec<(i64, Option<Standing>)> = teams::table
                        .order(teams::id)
                        .select((teams::id, teams::previous_standing))
                        .load(conn)
                        .unwrap();
                    assert_eq!(
                        loaded,
                        [
                            (1, Some(Standing::OnHold)),
                            (2, Some(Standing::OnHold)),
                            (3, Some(Standing::OnHold)),
                            (4, Some(Standing::Active)),
                            (5, Some(Standing::OnHold)),
                        ]
                    );
                });
            }

            #[test]
            fn foreign_keys_join() {
                support::run::<Conn>(|db| {
                    let conn = &mut migrated(db);
                    let team = Team {
                        id: 7,
                        name: "seven".into(),
                        standing: Standing::Active,
                        previous_standing: None,
                    };
                    diesel::insert_into(teams::table)
                        .values(&team)
                        .execute(conn)
                        .unwrap();
                    diesel::insert_into(scalars::table)
                        .values(&vec![
                            scalar(1, Some(7)),
                            scalar(2, None),
                            scalar(3, Some(7)),
                        ])
                        .execute(conn)
                        .unwrap();

                    let joined: Vec<(i64, String)> = scalars::table
                        .inner_join(teams::table)
                        .filter(teams::standing.eq(Standing::Active))
                        .order(scalars::id)
                        .select((scalars::id, teams::name))
                        .load(conn)
                        .unwrap();
                    assert_eq!(joined, [(1, "seven".to_owned()), (3, "seven".to_owned())]);

                    let left: Vec<(Scalar, Option<Team>)> = scalars::table
                        .left_join(teams::table)
                        .order(scalars::id)
                        .select((Scalar::as_select(), Option::<Team>::as_select()))
                        .load(conn)
                        .unwrap();
                    let teams_of: Vec<Option<i64>> = left
                        .iter()
                        .map(|(_, team)| team.as_ref().map(|team| team.id))
                        .collect();
                    assert_eq!(teams_of, [Some(7), None, Some(7)]);
                    assert_eq!(left[1].0, scalar(2, None));

                    let belonging: Vec<Scalar> = Scalar::belonging_to(&team)
                        .order(scalars::id)
                        .select(Scalar::as_select())
                        .load(conn)
                        .unwrap();
                    assert_eq!(belonging.len(), 2);
                });
            }

            #[test]
            fn decimals_dates_and_times_round_trip() {
                support::run::<Conn>(|db| {
                    let conn = &mut migrated(db);
                    let mut row = dated();
                    diesel::insert_into(dated::table)
                        .values((
                            dated::price.eq(&row.price),
                            dated::day.eq(row.day),
                            dated::at.eq(row.at),
                            dated::stamp.eq(row.stamp),
                            dated::maybe_day.eq(row.maybe_day),
                            dated::maybe_stamp.eq(row.maybe_stamp),
                        ))
                        .execute(conn)
                        .unwrap();
                    row.id = dated::table.select(dated::id).first(conn).unwrap();
                    let loaded: Dated =
                        dated::table.select(Dated::as_select()).first(conn).unwrap();
                    assert_eq!(loaded, row);

                    row.maybe_day = Some(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap());
                    row.maybe_stamp = None;
                    row.price = "-0.25".parse().unwrap();
                    diesel::update(dated::table.find(row.id))
                        .set(&row)
                        .execute(conn)
                        .unwrap();
                    diesel::update(dated::table.find(row.id))
                        .set(dated::maybe_stamp.eq(None::<NaiveDateTime>))
                        .execute(conn)
                        .unwrap();
                    let reloaded: Dated =
                        dated::table.select(Dated::as_select()).first(conn).unwrap();
                    assert_eq!(reloaded, row);

                    let found: i64 = dated::table
                        .filter(dated::day.eq(row.day))
                        .filter(dated::stamp.lt(row.stamp + chrono::Duration::seconds(1)))
                        .count()
                        .get_result(conn)
                        .unwrap();
                    assert_eq!(found, 1);
                });
            }
        }
    };
}

diesel_table_tests!(postgres, "postgres", diesel::PgConnection, "");
diesel_table_tests!(
    mysql,
    "mysql",
    diesel::MysqlConnection,
    "SET time_zone = '+00:00'"
);
diesel_table_tests!(sqlite, "sqlite", diesel::SqliteConnection, "");

/// Time zones, UUIDs and JSON through PostgreSQL's own SQL types.
#[cfg(feature = "postgres")]
#[test]
fn time_zones_uuids_and_json_round_trip_on_postgres() {
    support::run::<diesel::PgConnection>(|db| {
        let conn = &mut db.connect();
        support::apply_diff(
            conn,
            &retort::Schema::new(Vec::new()),
            &retort::schema![PgTyped],
        );
        let mut row = pg_typed();
        diesel::insert_into(pg_typed::table)
            .values(&row)
            .execute(conn)
            .unwrap();
        let loaded: PgTyped = pg_typed::table
            .select(PgTyped::as_select())
            .first(conn)
            .unwrap();
        assert_eq!(loaded, row);

        row.maybe_moment = Some(moment("2001-09-09T01:46:40.5Z"));
        row.maybe_uid = None;
        row.doc = serde_json::json!({"changed": true});
        diesel::update(pg_typed::table.find(row.id))
            .set((
                pg_typed::maybe_moment.eq(row.maybe_moment),
                pg_typed::maybe_uid.eq(row.maybe_uid),
                pg_typed::doc.eq(&row.doc),
            ))
            .execute(conn)
            .unwrap();
        let reloaded: PgTyped = pg_typed::table
            .select(PgTyped::as_select())
            .first(conn)
            .unwrap();
        assert_eq!(reloaded, row);

        let found: i64 = pg_typed::table
            .filter(pg_typed::moment.eq(row.moment))
            .filter(pg_typed::doc.eq(&row.doc))
            .count()
            .get_result(conn)
            .unwrap();
        assert_eq!(found, 1);
    });
}

#[cfg(feature = "postgres")]
fn pg_ranged() -> (PgRanged, PgVarious) {
    use Bound::{Excluded, Included, Unbounded};
    let day = |d| NaiveDate::from_ymd_opt(2024, 3, d).unwrap();
    let at = |h, milli| day(1).and_hms_milli_opt(h, 30, 15, milli).unwrap();
    let ranged = PgRanged {
        id: 1,
        // Discrete ranges as PostgreSQL keeps them: [lower, upper).
        ints: (Included(-5), Excluded(10)),
        bigs: Some((Included(1), Unbounded)),
        days: (Included(day(1)), Excluded(day(31))),
        stamps: (Excluded(at(1, 0)), Included(at(2, 500))),
        moments: (Unbounded, Excluded(moment("2030-01-02T03:04:05Z"))),
        amounts: (
            Included("0.5".parse().unwrap()),
            Included("99.25".parse().unwrap()),
        ),
        spelled_range: (Included(9_000_000_000), Excluded(9_000_000_010)),
        spans: vec![(Included(1), Excluded(3)), (Included(7), Unbounded)],
    };
    let various = PgVarious {
        id: 1,
        numbers: vec![3, -1, 2_000_000_000],
        codes: Some(vec!["a".into(), "bc".into()]),
        wait: PgInterval::new(90_000_000, 2, 1),
        maybe_wait: Some(PgInterval::from_microseconds(1_500_000)),
        mac: [0x08, 0x00, 0x2b, 0x01, 0x02, 0x03],
        nick: "MixedCase".into(),
        coarse: at(3, 125),
        second: NaiveTime::from_hms_opt(12, 0, 59).unwrap(),
        coarse_moment: Some(moment("2001-09-09T01:46:40.250Z")),
    };
    (ranged, various)
}

/// Ranges, multiranges, arrays, intervals, MAC addresses, `citext` and
/// times with a precision through the generated tables on PostgreSQL.
#[cfg(feature = "postgres")]
#[test]
fn ranges_arrays_and_intervals_round_trip_on_postgres() {
    support::run::<diesel::PgConnection>(|db| {
        let conn = &mut db.connect();
        diesel::connection::SimpleConnection::batch_execute(conn, "CREATE EXTENSION citext")
            .unwrap();
        support::apply_diff(
            conn,
            &retort::Schema::new(Vec::new()),
            &retort::schema![PgRanged, PgVarious],
        );
        let (mut ranged, mut various) = pg_ranged();
        let (mut other_ranged, mut other) = pg_ranged();
        other_ranged.id = 2;
        other_ranged.bigs = None;
        other_ranged.spans = Vec::new();
        other.id = 2;
        other.codes = None;
        other.maybe_wait = None;
        other.coarse_moment = None;
        other.numbers = Vec::new();
        other.nick = "other".into();
        diesel::insert_into(pg_ranged::table)
            .values(&vec![ranged.clone(), other_ranged.clone()])
            .execute(conn)
            .unwrap();
        diesel::insert_into(pg_various::table)
            .values(&vec![various.clone(), other.clone()])
            .execute(conn)
            .unwrap();
        let loaded: Vec<PgRanged> = pg_ranged::table
            .order(pg_ranged::id)
            .select(PgRanged::as_select())
            .load(conn)
            .unwrap();
        assert_eq!(loaded, [ranged.clone(), other_ranged]);
        let loaded: Vec<PgVarious> = pg_various::table
            .order(pg_various::id)
            .select(PgVarious::as_select())
            .load(conn)
            .unwrap();
        assert_eq!(loaded, [various.clone(), other]);

        ranged.ints = (Bound::Included(0), Bound::Excluded(1));
        ranged.bigs = None;
        ranged.spans = vec![(Bound::Unbounded, Bound::Excluded(0))];
        various.numbers.push(4);
        various.codes = Some(Vec::new());
        various.wait = PgInterval::from_days(3);
        various.mac = [0xff; 6];
        diesel::update(pg_ranged::table.find(ranged.id))
            .set(&ranged)
            .execute(conn)
            .unwrap();
        diesel::update(pg_various::table.find(various.id))
            .set(&various)
            .execute(conn)
            .unwrap();
        diesel::update(pg_various::table.find(various.id))
            .set(pg_various::maybe_wait.eq(None::<PgInterval>))
            .execute(conn)
            .unwrap();
        various.maybe_wait = None;
        let reloaded: PgRanged = pg_ranged::table
            .find(ranged.id)
            .select(PgRanged::as_select())
            .first(conn)
            .unwrap();
        assert_eq!(reloaded, ranged);
        let reloaded: PgVarious = pg_various::table
            .find(various.id)
            .select(PgVarious::as_select())
            .first(conn)
            .unwrap();
        assert_eq!(reloaded, various);

        // citext compares without case; each filter binds its type.
        let found: Vec<i32> = pg_various::table
            .inner_join(pg_ranged::table.on(pg_ranged::id.eq(pg_various::id)))
            .filter(pg_various::nick.eq("MIXEDCASE"))
            .filter(pg_various::numbers.eq(&various.numbers))
            .filter(pg_various::wait.eq(various.wait))
            .filter(pg_various::mac.eq(various.mac))
            .filter(pg_various::coarse.eq(various.coarse))
            .filter(pg_ranged::ints.eq(ranged.ints))
            .filter(pg_ranged::spans.eq(&ranged.spans))
            .filter(pg_ranged::bigs.is_null())
            .select(pg_various::id)
            .load(conn)
            .unwrap();
        assert_eq!(found, [1]);
    });
}

#[cfg(feature = "mysql")]
fn mysql_typed() -> (MysqlTyped, MysqlTexts) {
    let at = NaiveDate::from_ymd_opt(2024, 2, 29)
        .unwrap()
        .and_hms_milli_opt(23, 59, 58, 125)
        .unwrap();
    let typed = MysqlTyped {
        id: 1,
        tiny: -128,
        tiny_count: 255,
        port: 65_535,
        medium: -8_388_608,
        medium_count: 16_777_215,
        hits: Some(4_294_967_295),
        big: u64::MAX,
        year: 2155,
    };
    let texts = MysqlTexts {
        id: 1,
        colours: "red,blue".into(),
        title: "a title".into(),
        body: "a body \u{1f980}".into(),
        notes: None,
        thumb: vec![1, 2, 3],
        blob: vec![7; 70_000],
        at,
        clock: NaiveTime::from_hms_milli_opt(1, 2, 3, 456).unwrap(),
        stamp: Some(at),
    };
    (typed, texts)
}

/// MySQL's small, three-byte and unsigned integers, `YEAR`, `SET`, the
/// sized text and blob types and times with a precision through the
/// generated tables.
#[cfg(feature = "mysql")]
#[test]
fn unsigned_sized_and_precise_types_round_trip_on_mysql() {
    support::run::<diesel::MysqlConnection>(|db| {
        let conn = &mut db.connect();
        diesel::connection::SimpleConnection::batch_execute(conn, "SET time_zone = '+00:00'")
            .unwrap();
        support::apply_diff(
            conn,
            &retort::Schema::new(Vec::new()),
            &retort::schema![MysqlTyped, MysqlTexts],
        );
        let (mut typed, mut texts) = mysql_typed();
        diesel::insert_into(mysql_typed::table)
            .values(&typed)
            .execute(conn)
            .unwrap();
        diesel::insert_into(mysql_texts::table)
            .values(&texts)
            .execute(conn)
            .unwrap();
        let loaded: MysqlTyped = mysql_typed::table
            .select(MysqlTyped::as_select())
            .first(conn)
            .unwrap();
        assert_eq!(loaded, typed);
        let loaded: MysqlTexts = mysql_texts::table
            .select(MysqlTexts::as_select())
            .first(conn)
            .unwrap();
        assert_eq!(loaded, texts);

        typed.tiny = 127;
        typed.tiny_count = 0;
        typed.hits = None;
        typed.big = 1;
        typed.year = 1901;
        texts.colours = "green".into();
        texts.notes = Some("long".repeat(20_000));
        diesel::update(mysql_typed::table.find(typed.id))
            .set(&typed)
            .execute(conn)
            .unwrap();
        diesel::update(mysql_texts::table.find(texts.id))
            .set(&texts)
            .execute(conn)
            .unwrap();
        diesel::update(mysql_texts::table.find(texts.id))
            .set(mysql_texts::stamp.eq(None::<NaiveDateTime>))
            .execute(conn)
            .unwrap();
        texts.stamp = None;
        let reloaded: MysqlTyped = mysql_typed::table
            .select(MysqlTyped::as_select())
            .first(conn)
            .unwrap();
        assert_eq!(reloaded, typed);
        let reloaded: MysqlTexts = mysql_texts::table
            .select(MysqlTexts::as_select())
            .first(conn)
            .unwrap();
        assert_eq!(reloaded, texts);

        let found: Vec<i32> = mysql_typed::table
            .inner_join(mysql_texts::table.on(mysql_texts::id.eq(mysql_typed::id)))
            .filter(mysql_typed::port.eq(65_535))
            .filter(mysql_typed::big.eq(1))
            .filter(mysql_typed::year.eq(1901))
            .filter(mysql_typed::hits.is_null())
            .filter(mysql_texts::colours.eq("green"))
            .filter(mysql_texts::at.eq(texts.at))
            .select(mysql_typed::id)
            .load(conn)
            .unwrap();
        assert_eq!(found, [1]);
    });
}
