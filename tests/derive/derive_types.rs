//! Every Rust type retort maps, through `ColumnType`, in a derived model;
//! enums through `#[derive(SqlEnum)]`; users' own types.

// The models are declarations: their fields are never read.
#![allow(dead_code)]

use retort::{Column, ColumnType, Model, SqlEnum, SqlType, Table};

fn columns(table: Table) -> Vec<(String, SqlType, bool)> {
    table
        .columns
        .into_iter()
        .map(
            |Column {
                 name, ty, nullable, ..
             }| (name, ty, nullable),
        )
        .collect()
}

fn col(name: &str, ty: SqlType, nullable: bool) -> (String, SqlType, bool) {
    (name.to_owned(), ty, nullable)
}

#[derive(Model)]
struct Builtins {
    #[model(primary_key)]
    id: i64,
    flag: bool,
    small: i16,
    int: i32,
    big: i64,
    single: f32,
    double: f64,
    text: String,
    bytes: Vec<u8>,
    maybe_flag: Option<bool>,
    maybe_bytes: Option<Vec<u8>>,
}

#[test]
fn builtin_types() {
    assert_eq!(
        columns(Builtins::table()),
        vec![
            col("id", SqlType::BigInt, false),
            col("flag", SqlType::Boolean, false),
            col("small", SqlType::SmallInt, false),
            col("int", SqlType::Integer, false),
            col("big", SqlType::BigInt, false),
            col("single", SqlType::Real, false),
            col("double", SqlType::Double, false),
            col("text", SqlType::Text, false),
            col("bytes", SqlType::Binary, false),
            col("maybe_flag", SqlType::Boolean, true),
            col("maybe_bytes", SqlType::Binary, true),
        ]
    );
}

#[derive(SqlEnum)]
enum TicketState {
    Open,
    InProgress,
    #[sql_enum(rename = "done")]
    Closed,
}

#[derive(SqlEnum)]
#[sql_enum(name = "prio")]
enum Priority {
    Low,
    High,
}

#[derive(Model)]
struct Ticket {
    #[model(primary_key)]
    id: i64,
    state: TicketState,
    priority: Option<Priority>,
}

#[test]
fn sql_enums_are_field_types() {
    let state = SqlType::Enum {
        name: "ticket_state".into(),
        values: vec!["open".into(), "in_progress".into(), "done".into()],
    };
    let priority = SqlType::Enum {
        name: "prio".into(),
        values: vec!["low".into(), "high".into()],
    };
    assert_eq!(TicketState::sql_type(), state);
    assert_eq!(
        columns(Ticket::table()),
        vec![
            col("id", SqlType::BigInt, false),
            col("state", state, false),
            col("priority", priority, true),
        ]
    );
}

/// A user's own newtype.
struct Email(#[allow(dead_code)] String);

impl ColumnType for Email {
    fn sql_type() -> SqlType {
        SqlType::Varchar(320)
    }
}

#[derive(Model)]
struct Contact {
    #[model(primary_key)]
    id: i64,
    email: Email,
    backup: Option<Email>,
}

#[test]
fn users_implement_column_type_for_their_own_types() {
    assert_eq!(
        columns(Contact::table()),
        vec![
            col("id", SqlType::BigInt, false),
            col("email", SqlType::Varchar(320), false),
            col("backup", SqlType::Varchar(320), true),
        ]
    );
}

#[cfg(feature = "chrono")]
#[test]
fn chrono_types() {
    #[derive(Model)]
    struct Event {
        #[model(primary_key)]
        id: i64,
        day: chrono::NaiveDate,
        at: chrono::NaiveTime,
        local: chrono::NaiveDateTime,
        instant: chrono::DateTime<chrono::Utc>,
        maybe: Option<chrono::NaiveDate>,
    }
    assert_eq!(
        columns(Event::table()),
        vec![
            col("id", SqlType::BigInt, false),
            col("day", SqlType::Date, false),
            col("at", SqlType::Time, false),
            col("local", SqlType::Timestamp, false),
            col("instant", SqlType::TimestampTz, false),
            col("maybe", SqlType::Date, true),
        ]
    );
}

#[cfg(feature = "uuid")]
#[test]
fn uuid_keys_are_not_identity_columns() {
    #[derive(Model)]
    struct Session {
        #[model(primary_key)]
        id: uuid::Uuid,
        parent: Option<uuid::Uuid>,
    }
    let table = Session::table();
    assert!(!table.columns[0].identity);
    assert_eq!(
        columns(table),
        vec![
            col("id", SqlType::Uuid, false),
            col("parent", SqlType::Uuid, true),
        ]
    );
}

#[cfg(feature = "serde_json")]
#[test]
fn serde_json_values() {
    #[derive(Model)]
    struct Document {
        #[model(primary_key)]
        id: i64,
        body: serde_json::Value,
        extra: Option<serde_json::Value>,
    }
    assert_eq!(
        columns(Document::table()),
        vec![
            col("id", SqlType::BigInt, false),
            col("body", SqlType::Json, false),
            col("extra", SqlType::Json, true),
        ]
    );
}

#[cfg(feature = "bigdecimal")]
#[test]
fn bigdecimal_is_numeric() {
    #[derive(Model)]
    struct Price {
        #[model(primary_key)]
        id: i64,
        amount: bigdecimal::BigDecimal,
        #[model(precision = 10, scale = 2)]
        rounded: bigdecimal::BigDecimal,
    }
    assert_eq!(
        columns(Price::table()),
        vec![
            col("id", SqlType::BigInt, false),
            col(
                "amount",
                SqlType::Numeric {
                    precision: None,
                    scale: None
                },
                false
            ),
            col(
                "rounded",
                SqlType::Numeric {
                    precision: Some(10),
                    scale: Some(2)
                },
                false
            ),
        ]
    );
}
