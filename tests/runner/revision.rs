//! Migration files, the revision graph and embedding, without a database.

use std::path::{Path, PathBuf};

use retort::{revision::RevisionError, BackendKind, Migrations, Migrator};

static EMBEDDED: Migrations = retort::embed_migrations!("tests/fixtures/migrations/merged");

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/migrations")
        .join(name)
}

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, contents) in files {
        std::fs::write(dir.path().join(name), contents).unwrap();
    }
    dir
}

#[test]
fn a_directory_reads_into_a_graph() {
    let migrations = Migrations::from_dir(fixture("linear")).unwrap();
    let migrator = Migrator::new(&migrations);
    assert_eq!(migrator.heads(), ["c3c3c3c3c3c3"]);
    let history: Vec<&str> = migrator.history().unwrap().iter().map(|r| r.id()).collect();
    assert_eq!(history, ["c3c3c3c3c3c3", "b2b2b2b2b2b2", "a1a1a1a1a1a1"]);
}

#[test]
fn embedded_migrations_match_the_directory() {
    let from_dir = Migrations::from_dir(fixture("merged")).unwrap();
    let embedded: Vec<(&str, &str)> = EMBEDDED
        .graph()
        .unwrap()
        .revisions()
        .iter()
        .map(|r| (r.id(), r.checksum()))
        .collect();
    let read: Vec<(&str, &str)> = from_dir
        .graph()
        .unwrap()
        .revisions()
        .iter()
        .map(|r| (r.id(), r.checksum()))
        .collect();
    assert_eq!(embedded, read);
    assert_eq!(Migrator::new(&EMBEDDED).heads(), ["d4d4d4d4d4d4"]);
}

#[test]
fn branches_have_several_heads_and_head_names_them_all() {
    let migrations = Migrations::from_dir(fixture("branched")).unwrap();
    let migrator = Migrator::new(&migrations);
    assert_eq!(migrator.heads(), ["b2b2b2b2b2b2", "cccccc000003"]);
    let error = migrator
        .sql(BackendKind::Sqlite, "base", "head")
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("b2b2b2b2b2b2")
            && message.contains("cccccc000003")
            && message.contains("merge heads"),
        "{message}"
    );
    let script = migrator.sql(BackendKind::Sqlite, "base", "heads").unwrap();
    assert!(
        script.contains("CREATE TABLE teams") && script.contains("CREATE TABLE tags"),
        "{script}"
    );
}

#[test]
fn malformed_files_are_named_with_their_line() {
    let dir = dir_with(&[(
        "20240101000001_a1a1a1a1a1a1_x.sql",
        "-- retort:revision a1a1a1a1a1a1\n-- retort:message x\nCREATE TABLE t (id INT);\n-- retort:up\n",
    )]);
    let message = Migrations::from_dir(dir.path()).unwrap_err().to_string();
    assert!(
        message.starts_with("20240101000001_a1a1a1a1a1a1_x.sql:3:"),
        "{message}"
    );

    let dir = dir_with(&[(
        "create_users.sql",
        "-- retort:revision a1a1a1a1a1a1\n-- retort:up\n",
    )]);
    let error = Migrations::from_dir(dir.path()).unwrap_err();
    assert!(
        matches!(error, RevisionError::BadFileName { ref file, .. } if file == "create_users.sql"),
        "{error}"
    );
}

#[test]
fn graph_errors_name_the_revisions() {
    let dir = dir_with(&[(
        "20240101000001_a1a1a1a1a1a1_x.sql",
        "-- retort:revision a1a1a1a1a1a1\n-- retort:parents 999999999999\n-- retort:up\n",
    )]);
    let message = Migrations::from_dir(dir.path()).unwrap_err().to_string();
    assert!(
        message.contains("a1a1a1a1a1a1") && message.contains("999999999999"),
        "{message}"
    );

    let dir = dir_with(&[
        (
            "20240101000001_a1a1a1a1a1a1_x.sql",
            "-- retort:revision a1a1a1a1a1a1\n-- retort:up\n",
        ),
        (
            "20240101000002_a1a1a1a1a1a1_y.sql",
            "-- retort:revision a1a1a1a1a1a1\n-- retort:up\n",
        ),
    ]);
    assert!(matches!(
        Migrations::from_dir(dir.path()),
        Err(RevisionError::DuplicateRevision { .. })
    ));

    let dir = dir_with(&[
        (
            "20240101000001_a1a1a1a1a1a1_x.sql",
            "-- retort:revision a1a1a1a1a1a1\n-- retort:parents b2b2b2b2b2b2\n-- retort:up\n",
        ),
        (
            "20240101000002_b2b2b2b2b2b2_y.sql",
            "-- retort:revision b2b2b2b2b2b2\n-- retort:parents a1a1a1a1a1a1\n-- retort:up\n",
        ),
    ]);
    assert!(matches!(
        Migrations::from_dir(dir.path()),
        Err(RevisionError::Cycle { .. })
    ));
}

#[test]
fn targets_report_unknown_and_ambiguous_ids() {
    let migrations = Migrations::from_dir(fixture("merged")).unwrap();
    let migrator = Migrator::new(&migrations);
    let unknown = migrator
        .sql(BackendKind::Postgres, "base", "ffff")
        .unwrap_err()
        .to_string();
    assert!(unknown.contains("unknown revision `ffff`"), "{unknown}");
    // a1a1... and nothing else starts with "a"; "c" is c-prefixed only once in merged.
    let ambiguous = Migrations::from_dir(
        dir_with(&[
            (
                "20240101000001_abab00000001_x.sql",
                "-- retort:revision abab00000001\n-- retort:up\n",
            ),
            (
                "20240101000002_abab00000002_y.sql",
                "-- retort:revision abab00000002\n-- retort:parents abab00000001\n-- retort:up\n",
            ),
        ])
        .path(),
    )
    .unwrap();
    let message = Migrator::new(&ambiguous)
        .sql(BackendKind::Postgres, "base", "abab")
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("abab00000001") && message.contains("abab00000002"),
        "{message}"
    );
    let by_prefix = Migrator::new(&ambiguous)
        .sql(BackendKind::Postgres, "base", "abab00000001")
        .unwrap();
    assert!(by_prefix.contains("'abab00000001'") && !by_prefix.contains("'abab00000002'"));
}

#[test]
fn offline_sql_has_the_version_table_statements_and_rows() {
    let migrations = Migrations::from_dir(fixture("linear")).unwrap();
    let migrator = Migrator::new(&migrations);
    let up = migrator.sql(BackendKind::Postgres, "base", "head").unwrap();
    assert!(up.contains("CREATE TABLE IF NOT EXISTS \"retort_migrations\""));
    assert_eq!(up.matches("BEGIN;").count(), 3);
    assert!(up.contains("'semi;colon ''quoted'''"));
    assert!(up.contains("-- Running upgrade b2b2b2b2b2b2 -> c3c3c3c3c3c3, create posts"));
    let mysql = migrator.sql(BackendKind::Mysql, "base", "head").unwrap();
    assert!(
        !mysql.contains("BEGIN;"),
        "MySQL commits DDL at once: no transaction"
    );
    let down = migrator
        .sql(BackendKind::Sqlite, "head", "a1a1a1a1a1a1")
        .unwrap();
    assert!(down.contains("DROP TABLE posts;") && down.contains("DROP COLUMN name;"));
    assert!(!down.contains("DROP TABLE users"));
}

#[test]
fn embedded_errors_are_results_not_panics() {
    static BROKEN: Migrations =
        Migrations::from_embedded(&[("20240101000001_a1a1a1a1a1a1_x.sql", "-- retort:up\n")]);
    assert!(BROKEN.graph().is_err());
    assert!(Migrator::new(&BROKEN).heads().is_empty());
    assert!(Migrator::new(&BROKEN).history().is_err());
}

/// The README's migration file format examples are files retort reads as
/// the README says: the example with sections for two databases, and the
/// merge revision.
#[test]
fn the_readme_file_format_examples_read_as_described() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split("## The migration file format")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("the README has the file format section");
    let examples: Vec<&str> = section
        .split("```sql\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .collect();
    assert_eq!(examples.len(), 2, "{section}");

    let example = retort::revision::parse_revision(
        "20240101000000_3f2a9c1b7d04_add_email_to_users.sql",
        examples[0],
    )
    .unwrap();
    assert_eq!(example.parents(), ["0a1b2c3d4e5f"]);
    assert_eq!(example.message(), "add email to users");
    assert_eq!(example.warnings().len(), 1);
    assert_eq!(
        example.backends(),
        [BackendKind::Postgres, BackendKind::Sqlite]
    );
    assert!(!example.runs_on(BackendKind::Mysql));
    assert_eq!(
        example.checksum_for(BackendKind::Postgres),
        retort::revision::checksum(example.up_sql_for(BackendKind::Postgres).unwrap())
    );

    let merge =
        retort::revision::parse_revision("20240101000000_9c1d2e3f4a5b_merge.sql", examples[1])
            .unwrap();
    assert_eq!(merge.parents(), ["3f2a9c1b7d04", "7e8f9a0b1c2d"]);
    assert!(merge.backends().is_empty());
    assert_eq!(merge.down_sql(), Some(""));
}
