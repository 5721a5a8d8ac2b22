//! An application's `src/bin/migrate.rs`: Alembic's commands with the
//! models compiled in.
//!
//! ```text
//! cargo run --example migrate --features cli -- --url app.db init
//! cargo run --example migrate --features cli -- --url app.db revision --autogenerate -m "create tables"
//! cargo run --example migrate --features cli -- --url app.db upgrade
//! cargo run --example migrate --features cli -- --url app.db check
//! ```

use retort::Model;

/// A team of users.
#[derive(Model)]
#[model(table = "teams")]
pub struct Team {
    #[model(primary_key)]
    pub id: i64,
    #[model(max_length = 100)]
    pub name: String,
}

/// Someone who signs in.
#[derive(Model)]
#[model(table = "users")]
pub struct User {
    #[model(primary_key)]
    pub id: i64,
    #[model(unique, max_length = 255)]
    pub email: String,
    /// Name shown on the profile page.
    pub display_name: Option<String>,
    #[model(references = "teams.id", on_delete = "cascade", index)]
    pub team_id: Option<i64>,
}

fn main() {
    retort::cli::main(retort::schema![Team, User], "migrations")
}
