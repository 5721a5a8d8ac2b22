use retort::SqlEnum;

#[derive(SqlEnum)]
#[sql_enum(nmae = "state")]
enum State {
    Open,
    Closed(String),
    #[sql_enum(rename = "open")]
    Reopened,
}

#[derive(SqlEnum)]
struct NotAnEnum {
    value: i32,
}

#[derive(SqlEnum)]
enum Empty {}

fn main() {}
