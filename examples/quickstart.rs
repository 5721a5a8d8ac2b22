//! The quickstart, on an SQLite file: models become a first revision in
//! `./migrations`, `migrate_to_head` applies it to `./quickstart.db`, and a
//! second model version becomes a second revision; a user is then stored and
//! loaded through the tables the models generate. Run it again: the
//! database already matches the latest models, so nothing is written.
//! Delete `quickstart.db` and `migrations/` to start over.
//!
//! ```text
//! cargo run --example quickstart
//! ```

use diesel::prelude::*;
use retort::{Migrations, Migrator, Model, Schema};

/// A team of users. `diesel_table` also generates diesel's `teams` table!,
/// which the queries below go through.
#[derive(Model)]
#[model(table = "teams", diesel_table)]
pub struct Team {
    #[model(primary_key)]
    pub id: i64,
    #[model(max_length = 100, unique)]
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

/// The second version of the models: users get a time zone. It also
/// generates diesel's `users` table!, the one the queries use.
#[allow(dead_code)]
mod version_2 {
    use diesel::prelude::*;
    use retort::Model;

    use super::teams;

    retort::diesel_tables!(teams, users);

    /// Someone who signs in.
    #[derive(Model, Queryable, Selectable, Debug)]
    #[model(table = "users", diesel_table)]
    #[diesel(table_name = users)]
    pub struct User {
        #[model(primary_key)]
        pub id: i64,
        #[model(unique, max_length = 255)]
        pub email: String,
        /// Name shown on the profile page.
        pub display_name: Option<String>,
        #[model(references = "teams.id", on_delete = "cascade", index)]
        pub team_id: Option<i64>,
        /// IANA time zone, for showing times.
        #[model(max_length = 64, default = "'UTC'")]
        pub time_zone: String,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let database = "quickstart.db";
    let dir = "migrations";
    let mut conn = SqliteConnection::establish(database)?;
    println!("opened {database}");

    // A new project starts from the first version of its models; a rerun
    // goes straight to the latest, which the database already matches.
    let new_project = !std::path::Path::new(dir).exists();
    if new_project {
        step(
            &mut conn,
            dir,
            &retort::schema![Team, User],
            "create teams and users",
        )?;
    }
    step(
        &mut conn,
        dir,
        &retort::schema![Team, version_2::User],
        "add users.time_zone",
    )?;

    // Queries go through the tables the models generate.
    diesel::insert_or_ignore_into(teams::table)
        .values((teams::id.eq(1), teams::name.eq("core")))
        .execute(&mut conn)?;
    diesel::insert_or_ignore_into(version_2::users::table)
        .values((
            version_2::users::email.eq("ada@example.com"),
            version_2::users::team_id.eq(Some(1)),
        ))
        .execute(&mut conn)?;
    let members: Vec<version_2::User> = version_2::users::table
        .inner_join(teams::table)
        .filter(teams::name.eq("core"))
        .select(version_2::User::as_select())
        .load(&mut conn)?;
    for user in &members {
        println!("core: {} ({})", user.email, user.time_zone);
    }

    let migrations = Migrations::from_dir(dir)?;
    let migrator = Migrator::new(&migrations);
    println!("current: {}", migrator.current(&mut conn)?.join(", "));
    println!("history:");
    for revision in migrator.history()? {
        println!("  {} {}", revision.id(), revision.message());
    }
    Ok(())
}

/// Autogenerates a revision for `models` (if they differ from the database)
/// and applies everything pending.
fn step(
    conn: &mut SqliteConnection,
    dir: &str,
    models: &Schema,
    message: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    match retort::autogenerate(conn, models, dir, message)? {
        Some(path) => println!("wrote {}", path.display()),
        None => println!("{message}: the database already matches, nothing written"),
    }
    let migrations = Migrations::from_dir(dir)?;
    let report = retort::migrate_to_head(conn, &migrations)?;
    for ran in report.steps() {
        println!(
            "applied {} {} ({} ms)",
            ran.revision,
            ran.message,
            ran.duration.as_millis()
        );
    }
    Ok(())
}
