//! The quickstart: models become a schema, on an SQLite file.
//!
//! ```text
//! cargo run --example quickstart
//! ```

use diesel::{Connection, SqliteConnection};
use retort::{Column, ForeignKey, Model, PrimaryKey, ReferentialAction, SqlType, Table};

/// A team of users.
struct Team;

impl Model for Team {
    fn table() -> Table {
        Table::new("teams")
            .column(Column::new("id", SqlType::BigInt).identity())
            .column(Column::new("name", SqlType::Varchar(100)))
            .primary_key(PrimaryKey {
                name: Some("pk_teams".into()),
                columns: vec!["id".into()],
            })
    }
}

/// Someone who signs in.
struct User;

impl Model for User {
    fn table() -> Table {
        Table::new("users")
            .column(Column::new("id", SqlType::BigInt).identity())
            .column(Column::new("email", SqlType::Varchar(255)))
            .column(Column::new("display_name", SqlType::Text).nullable())
            .column(Column::new("team_id", SqlType::BigInt).nullable())
            .primary_key(PrimaryKey {
                name: Some("pk_users".into()),
                columns: vec!["id".into()],
            })
            .foreign_key(ForeignKey {
                name: Some("fk_users_team_id_teams".into()),
                columns: vec!["team_id".into()],
                referenced_schema: None,
                referenced_table: "teams".into(),
                referenced_columns: vec!["id".into()],
                on_delete: ReferentialAction::Cascade,
                on_update: ReferentialAction::NoAction,
            })
    }
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
    }
    Ok(())
}
