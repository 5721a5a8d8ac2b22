//! The quickstart: models become a schema, on an SQLite file.
//!
//! ```text
//! cargo run --example quickstart
//! ```

use diesel::{Connection, SqliteConnection};
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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let database = "quickstart.db";
    let _conn = SqliteConnection::establish(database)?;
    println!("opened {database}");

    let schema = retort::schema![Team, User];
    for table in &schema.tables {
        println!("table {}", table.name);
        for column in &table.columns {
            let null = if column.nullable { "NULL" } else { "NOT NULL" };
            println!("  {:<14} {:?} {null}", column.name, column.ty);
        }
        for foreign_key in &table.foreign_keys {
            println!(
                "  {} references {}",
                foreign_key.name.as_deref().unwrap_or("foreign key"),
                foreign_key.referenced_table
            );
        }
    }
    Ok(())
}
