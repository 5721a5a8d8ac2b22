//! An application that carries its migrations in the binary and applies them
//! at start-up.
//!
//! ```sh
//! cargo run -p retort-example-embedded -- app.db
//! ```
//!
//! `build.rs` calls `retort::build::rerun_if_changed("migrations")`, so a
//! revision file added to `migrations/` is embedded by the next `cargo
//! build`, not left out until something else forces a rebuild.

use diesel::Connection;

static MIGRATIONS: retort::Migrations = retort::embed_migrations!("migrations");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| ":memory:".to_owned());
    let mut conn = diesel::SqliteConnection::establish(&path)?;
    let report = retort::migrate_to_head(&mut conn, &MIGRATIONS)?;
    for step in report.steps() {
        println!(
            "applied {} {} ({:?})",
            step.revision, step.message, step.duration
        );
    }
    let current = retort::Migrator::new(&MIGRATIONS).current(&mut conn)?;
    println!("database at {}", current.join(", "));
    Ok(())
}

#[cfg(test)]
mod tests {
    use diesel::{Connection, SqliteConnection};
    use retort::testing::{
        assert_single_head, assert_up_down_consistency, assert_upgrade_from_base,
    };

    use super::MIGRATIONS;

    fn memory() -> SqliteConnection {
        SqliteConnection::establish(":memory:").expect("SQLite opens a database in memory")
    }

    #[test]
    fn migrations_have_a_single_head() {
        assert_single_head(&MIGRATIONS);
    }

    #[test]
    fn migrations_upgrade_from_base() {
        assert_upgrade_from_base(&mut memory(), &MIGRATIONS);
    }

    /// Each revision up, down and up again; every down restores the schema.
    #[test]
    fn every_down_undoes_its_up() {
        assert_up_down_consistency(&mut memory(), &MIGRATIONS);
    }

    /// The binary embeds every file now in `migrations/`: a file added since
    /// the last build would be missing here without the build script.
    #[test]
    fn every_file_in_the_directory_is_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let on_disk = std::fs::read_dir(dir)
            .unwrap()
            .filter(|entry| {
                entry
                    .as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|ext| ext == "sql")
            })
            .count();
        assert_eq!(MIGRATIONS.graph().unwrap().revisions().len(), on_disk);
    }
}
