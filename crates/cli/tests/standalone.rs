//! The standalone `retort` binary (no models compiled in) against a fresh
//! database on each backend: the commands that need only the migrations
//! directory and a URL, and a clear refusal for those that need models.

mod binary;
#[path = "../../../tests/support/mod.rs"]
mod support;

use binary::{retort, write_migrations, CHILD, ROOT};
use support::{backend_tests, TestBackend, TestDatabase};

/// upgrade, current, heads, history, show, stamp, downgrade and offline SQL.
fn operator_session<C: TestBackend>(db: &TestDatabase<C>) {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    write_migrations(&dir);
    let url = db.url.as_str();

    let upgrade = retort(url, &dir, &["upgrade", "+1"]).ok();
    assert!(
        upgrade.stdout.contains(&format!("<base> -> {ROOT}")),
        "{upgrade}"
    );
    assert!(
        upgrade
            .stdout
            .contains(&format!("the database is at {ROOT}\n")),
        "{upgrade}"
    );
    let upgrade = retort(url, &dir, &["upgrade"]).ok();
    assert!(
        upgrade
            .stdout
            .contains(&format!("{ROOT} -> {CHILD}  add name  (")),
        "{upgrade}"
    );
    assert_eq!(
        retort(url, &dir, &["downgrade", "-1", "-q"]).ok().stdout,
        ""
    );
    assert_eq!(retort(url, &dir, &["upgrade", "--quiet"]).ok().stdout, "");
    let again = retort(url, &dir, &["upgrade"]).ok();
    assert_eq!(
        again.stdout,
        format!("Nothing to apply: the database is at {CHILD} (head)\n")
    );

    assert_eq!(
        retort(url, &dir, &["current", "-q"]).ok().stdout,
        format!("{CHILD} (head)\n")
    );
    assert_eq!(
        retort(url, &dir, &["heads", "-q"]).ok().stdout,
        format!("{CHILD} (head)\n")
    );
    assert_eq!(
        retort(url, &dir, &["history", "-r", "b0b0:", "-i"])
            .ok()
            .stdout,
        format!("{ROOT} -> {CHILD} (head) (current), add name\n")
    );
    let show = retort(url, &dir, &["show", "a0a0"]).ok();
    assert!(
        show.stdout.contains("Message: create items") && show.stdout.contains("DROP TABLE items;"),
        "{show}"
    );

    let stamp = retort(url, &dir, &["stamp", ROOT]).ok();
    assert!(
        stamp.stdout.contains(&format!("recorded at {ROOT}")),
        "{stamp}"
    );
    assert_eq!(
        retort(url, &dir, &["current", "-q"]).ok().stdout,
        format!("{ROOT}\n")
    );
    retort(url, &dir, &["stamp", "head"]).ok();

    let offline = retort(url, &dir, &["downgrade", "--sql", &format!("head:{ROOT}")]).ok();
    assert!(
        offline.stdout.contains("DROP COLUMN") && !offline.stdout.contains("DROP TABLE items"),
        "{offline}"
    );

    let downgrade = retort(url, &dir, &["downgrade", "base"]).ok();
    assert!(
        downgrade.stdout.contains("Reverted 2 revisions in "),
        "{downgrade}"
    );
    assert!(retort(url, &dir, &["current"])
        .ok()
        .stdout
        .contains("<base>"));
}

/// The commands that compare models refuse, pointing at the application's
/// own binary.
fn model_commands_say_they_need_models<C: TestBackend>(db: &TestDatabase<C>) {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    write_migrations(&dir);
    for args in [&["check"][..], &["revision", "--autogenerate", "-m", "x"]] {
        let run = retort(&db.url, &dir, args);
        assert_eq!(run.code, 1, "{run}");
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{run}");
        assert!(lines[0].contains("needs the application's models"), "{run}");
        assert!(
            lines[1].starts_with("hint: ") && lines[1].contains("retort::cli::main"),
            "{run}"
        );
    }
}

/// Two branches: `heads` and `branches` show them, `upgrade` asks for a
/// merge, `merge heads` writes one, and `revision -m` follows it.
fn branches_and_merges<C: TestBackend>(db: &TestDatabase<C>) {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    write_migrations(&dir);
    let other = "c0c0c0c0c0c3";
    std::fs::write(
        dir.join(format!("20240103000000_{other}_other_branch.sql")),
        format!("-- retort:revision {other}\n-- retort:parents {ROOT}\n-- retort:message other branch\n-- retort:up\nCREATE TABLE others (id INTEGER PRIMARY KEY);\n-- retort:down\nDROP TABLE others;\n"),
    )
    .unwrap();
    let url = db.url.as_str();

    assert_eq!(
        retort(url, &dir, &["heads", "-q"]).ok().stdout,
        format!("{CHILD} (head)\n{other} (head)\n")
    );
    let branches = retort(url, &dir, &["branches"]).ok();
    assert!(
        branches
            .stdout
            .starts_with(&format!("{ROOT} (branchpoint)\n")),
        "{branches}"
    );
    assert!(
        branches
            .stdout
            .contains(&format!("-> {other}, other branch")),
        "{branches}"
    );

    let upgrade = retort(url, &dir, &["upgrade"]);
    assert_eq!(upgrade.code, 1, "{upgrade}");
    assert!(
        upgrade
            .stderr
            .starts_with("error: the migrations have 2 heads"),
        "{upgrade}"
    );
    assert!(
        upgrade
            .stderr
            .contains("hint: join them with `retort merge heads"),
        "{upgrade}"
    );
    // The message names this program's commands, never another's.
    assert!(!upgrade.stderr.contains("migrate"), "{upgrade}");

    let revision = retort(url, &dir, &["revision", "-m", "after both"]);
    assert_eq!(
        revision.code, 1,
        "a revision after two heads would be a merge:\n{revision}"
    );
    assert!(revision.stderr.contains("2 heads"), "{revision}");

    let merge = retort(url, &dir, &["merge", "heads", "-m", "join branches"]).ok();
    let heads = retort(url, &dir, &["heads", "-q"]).ok().stdout;
    let merged = heads
        .strip_suffix(" (head)\n")
        .unwrap_or_else(|| panic!("one head: {heads}"));
    assert!(merge.stdout.contains(merged), "{merge}");
    let show = retort(url, &dir, &["show", merged]).ok();
    assert!(
        show.stdout.contains(&format!("Parents: {CHILD}, {other}")),
        "{show}"
    );

    retort(url, &dir, &["revision", "-m", "by hand"]).ok();
    let history = retort(url, &dir, &["history"]).ok().stdout;
    assert!(
        history.starts_with(&format!("{merged} -> ")) && history.contains(", by hand\n"),
        "{history}"
    );
    let report = retort(url, &dir, &["upgrade"]).ok();
    assert!(report.stdout.contains("Applied 5 revisions"), "{report}");
}

/// `--targets FILE`: the same commands over several databases, with a
/// summary, grouped `current`, JSON records; `check` still needs models.
fn a_fleet_of_databases<C: TestBackend>(db: &TestDatabase<C>) {
    let other = C::create_database().unwrap();
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    write_migrations(&dir);
    let file = work.path().join("targets.txt");
    std::fs::write(
        &file,
        format!(
            "# two tenants
{}
{}
",
            db.url, other.url
        ),
    )
    .unwrap();
    let file = file.to_str().unwrap();

    let upgrade = retort(
        &db.url,
        &dir,
        &["upgrade", "--targets", file, "--parallel", "2"],
    )
    .ok();
    assert!(
        upgrade.stdout.starts_with("2 targets in ") && upgrade.stdout.ends_with(": 2 at head\n"),
        "{upgrade}"
    );
    let current = retort(&db.url, &dir, &["current", "-q", "--targets", file]).ok();
    assert_eq!(current.stdout, format!("{CHILD} (head): 2 targets\n"));

    let downgrade = retort(
        &db.url,
        &dir,
        &["downgrade", "base", "--targets", file, "--format", "json"],
    )
    .ok();
    let records: Vec<&str> = downgrade.stdout.lines().collect();
    assert_eq!(records.len(), 2, "{downgrade}");
    for record in records {
        assert!(
            record.contains("\"status\":\"changed\"") && record.contains("\"to\":[]"),
            "{downgrade}"
        );
    }

    let check = retort(&db.url, &dir, &["check", "--targets", file]);
    assert_eq!(check.code, 1, "{check}");
    assert!(
        check.stderr.contains("needs the application's models"),
        "{check}"
    );
}

backend_tests!(
    operator_session,
    model_commands_say_they_need_models,
    branches_and_merges,
    a_fleet_of_databases
);
