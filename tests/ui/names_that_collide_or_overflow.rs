use retort::Model;

#[derive(Model)]
#[model(
    table = "a_table_name_that_goes_on_and_on_well_past_what_postgres_keeps_whole",
    index(columns("email"), name = "ix_an_index_name_that_goes_on_and_on_well_past_what_postgres_keeps"),
    crate = "not a path"
)]
struct User {
    #[model(primary_key)]
    id: i64,
    email: String,
    #[model(column = "email")]
    backup_email: String,
}

fn main() {}
