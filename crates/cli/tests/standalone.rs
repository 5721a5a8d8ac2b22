//! The standalone `retort` binary (no models compiled in) against a fresh
//! database on each backend: the commands that need only the migrations
//! directory and a URL, and a clear refusal for those that need models.

#[path = "../../../tests/support/mod.rs"]
mod support;

use std::path::Path;

use assert_cmd::Command;
use support::{backend_tests, TestBackend, TestDatabase};

const ROOT: &str = "a0a0a0a0a0a1";
const CHILD: &str = "b0b0b0b0b0b2";

/// Two revisions: a table, then a column.
fn write_migrations(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join(format!("20240101000000_{ROOT}_create_items.sql")),
        format!("-- retort:revision {ROOT}\n-- retort:message create items\n-- retort:up\nCREATE TABLE items (id INTEGER PRIMARY KEY);\n-- retort:down\nDROP TABLE items;\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join(format!("20240102000000_{CHILD}_add_name.sql")),
        format!("-- retort:revision {CHILD}\n-- retort:parents {ROOT}\n-- retort:message add name\n-- retort:up\nALTER TABLE items ADD COLUMN name VARCHAR(50);\n-- retort:down\nALTER TABLE items DROP COLUMN name;\n"),
    )
    .unwrap();
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

fn retort(url: &str, dir: &Path, args: &[&str]) -> Run {
    let output = Command::cargo_bin("retort")
        .unwrap()
        .env("DATABASE_URL", url)
        .arg("--migrations")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn ok(run: Run) -> Run {
    assert_eq!(run.code, 0, "expected success:\n{run}");
    run
}

/// upgrade, current, heads, history, show, stamp, downgrade and offline SQL.
fn operator_session<C: TestBackend>(db: &TestDatabase<C>) {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    write_migrations(&dir);
    let url = db.url.as_str();

    let upgrade = ok(retort(url, &dir, &["upgrade", "+1"]));
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
    let upgrade = ok(retort(url, &dir, &["upgrade"]));
    assert!(
        upgrade
            .stdout
            .contains(&format!("{ROOT} -> {CHILD}  add name  (")),
        "{upgrade}"
    );
    assert_eq!(ok(retort(url, &dir, &["downgrade", "-1", "-q"])).stdout, "");
    assert_eq!(ok(retort(url, &dir, &["upgrade", "--quiet"])).stdout, "");
    let again = ok(retort(url, &dir, &["upgrade"]));
    assert_eq!(
        again.stdout,
        format!("Nothing to apply: the database is at {CHILD} (head)\n")
    );

    assert_eq!(
        ok(retort(url, &dir, &["current", "-q"])).stdout,
        format!("{CHILD} (head)\n")
    );
    assert_eq!(
        ok(retort(url, &dir, &["heads", "-q"])).stdout,
        format!("{CHILD} (head)\n")
    );
    assert_eq!(
        ok(retort(url, &dir, &["history", "-r", "b0b0:", "-i"])).stdout,
        format!("{ROOT} -> {CHILD} (head) (current), add name\n")
    );
    let show = ok(retort(url, &dir, &["show", "a0a0"]));
    assert!(
        show.stdout.contains("Message: create items") && show.stdout.contains("DROP TABLE items;"),
        "{show}"
    );

    let stamp = ok(retort(url, &dir, &["stamp", ROOT]));
    assert!(
        stamp.stdout.contains(&format!("recorded at {ROOT}")),
        "{stamp}"
    );
    assert_eq!(
        ok(retort(url, &dir, &["current", "-q"])).stdout,
        format!("{ROOT}\n")
    );
    ok(retort(url, &dir, &["stamp", "head"]));

    let offline = ok(retort(
        url,
        &dir,
        &["downgrade", "--sql", &format!("head:{ROOT}")],
    ));
    assert!(
        offline.stdout.contains("DROP COLUMN") && !offline.stdout.contains("DROP TABLE items"),
        "{offline}"
    );

    let downgrade = ok(retort(url, &dir, &["downgrade", "base"]));
    assert!(
        downgrade.stdout.contains("Reverted 2 revisions in "),
        "{downgrade}"
    );
    assert!(ok(retort(url, &dir, &["current"]))
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
        ok(retort(url, &dir, &["heads", "-q"])).stdout,
        format!("{CHILD} (head)\n{other} (head)\n")
    );
    let branches = ok(retort(url, &dir, &["branches"]));
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

    let merge = ok(retort(
        url,
        &dir,
        &["merge", "heads", "-m", "join branches"],
    ));
    let heads = ok(retort(url, &dir, &["heads", "-q"])).stdout;
    let merged = heads
        .strip_suffix(" (head)\n")
        .unwrap_or_else(|| panic!("one head: {heads}"));
    assert!(merge.stdout.contains(merged), "{merge}");
    let show = ok(retort(url, &dir, &["show", merged]));
    assert!(
        show.stdout.contains(&format!("Parents: {CHILD}, {other}")),
        "{show}"
    );

    ok(retort(url, &dir, &["revision", "-m", "by hand"]));
    let history = ok(retort(url, &dir, &["history"])).stdout;
    assert!(
        history.starts_with(&format!("{merged} -> ")) && history.contains(", by hand\n"),
        "{history}"
    );
    let report = ok(retort(url, &dir, &["upgrade"]));
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

    let upgrade = ok(retort(
        &db.url,
        &dir,
        &["upgrade", "--targets", file, "--parallel", "2"],
    ));
    assert!(
        upgrade.stdout.starts_with("2 targets in ") && upgrade.stdout.ends_with(": 2 at head\n"),
        "{upgrade}"
    );
    let current = ok(retort(&db.url, &dir, &["current", "-q", "--targets", file]));
    assert_eq!(current.stdout, format!("{CHILD} (head): 2 targets\n"));

    let downgrade = ok(retort(
        &db.url,
        &dir,
        &["downgrade", "base", "--targets", file, "--format", "json"],
    ));
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
