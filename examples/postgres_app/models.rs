// The application's one model: what its migrations create, and the
// `diesel::table!` (`notes`) its queries go through. (tests/cli.rs compiles
// this file too, to check the migrations against it.)

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use retort::Model;

/// A note a worker wrote.
#[derive(Model, Queryable, Selectable, Debug)]
#[model(table = "retort_example_notes", diesel_table = "notes")]
#[diesel(table_name = notes)]
pub struct Note {
    #[model(primary_key)]
    pub id: i64,
    pub body: String,
    #[model(default = "CURRENT_TIMESTAMP")]
    pub written_at: DateTime<Utc>,
}

/// A note to insert: the database numbers and stamps it.
#[derive(Insertable)]
#[diesel(table_name = notes)]
pub struct NewNote<'a> {
    pub body: &'a str,
}
