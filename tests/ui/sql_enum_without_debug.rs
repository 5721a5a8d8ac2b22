use diesel::prelude::*;
use retort::{Model, SqlEnum};

// Without `Debug` a plain value binds; `Some(..)` (rustc gives up, E0275) and
// `eq_any` (rustc asks for `Debug`) need diesel's `ToSql`, which needs it.
#[derive(SqlEnum, Clone, Copy)]
enum Plan {
    Free,
    Paid,
}

#[derive(Model, Queryable, Selectable, Insertable)]
#[model(table = "accounts", diesel_table)]
#[diesel(table_name = accounts)]
struct Account {
    #[model(primary_key)]
    id: i64,
    plan: Plan,
    previous_plan: Option<Plan>,
}

fn plain_values_bind(conn: &mut diesel::SqliteConnection) -> QueryResult<Vec<i64>> {
    accounts::table
        .filter(accounts::plan.eq(Plan::Paid))
        .filter(accounts::previous_plan.eq(Plan::Free))
        .select(accounts::id)
        .load(conn)
}

fn some_needs_debug(conn: &mut diesel::SqliteConnection) -> QueryResult<Vec<i64>> {
    accounts::table
        .filter(accounts::previous_plan.eq(Some(Plan::Free)))
        .select(accounts::id)
        .load(conn)
}

fn eq_any_needs_debug(conn: &mut diesel::SqliteConnection) -> QueryResult<Vec<i64>> {
    accounts::table
        .filter(accounts::plan.eq_any([Plan::Free, Plan::Paid]))
        .select(accounts::id)
        .load(conn)
}

fn main() {}
