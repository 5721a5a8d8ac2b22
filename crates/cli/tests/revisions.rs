//! Alembic's revision options on the standalone `retort` binary, against a
//! fresh database on each backend: `--head` (and `--splice`), branch labels
//! and `LABEL@head` targets, `--depends-on`, `--rev-id`, `merge
//! --branch-label`, `edit`, `show` and `history --verbose` with labels and
//! dependencies, `heads --resolve-dependencies`, and offline SQL ranges.

mod binary;
#[path = "../../../tests/support/mod.rs"]
mod support;

use std::path::Path;

use binary::{command, retort, run, write_migrations, Run, CHILD, ROOT};
use support::{backend_tests, TestBackend, TestDatabase};
const AUDIT: &str = "c0c0c0c0c0c3";
const AUDIT_LOG: &str = "d0d0d0d0d0d4";
const NEEDS_AUDIT: &str = "e0e0e0e0e0e5";
const JOINED: &str = "f0f0f0f0f0f6";

/// `retort` with `EDITOR` set to `editor`.
fn retort_editing(url: &str, dir: &Path, editor: &str, args: &[&str]) -> Run {
    run(command()
        .env("DATABASE_URL", url)
        .env("EDITOR", editor)
        .arg("--migrations")
        .arg(dir)
        .args(args))
}

/// The text of the file of revision `id`.
fn file_of(dir: &Path, id: &str) -> String {
    let path = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.to_str().unwrap().contains(id))
        .unwrap_or_else(|| panic!("no file for {id}"));
    std::fs::read_to_string(path).unwrap()
}

/// A second root labelled `audit`, a revision on it found by
/// `audit@head`, and a revision on the main line that depends on it.
fn labels_heads_and_dependencies<C: TestBackend>(db: &TestDatabase<C>) {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    write_migrations(&dir);
    let url = db.url.as_str();

    let root = retort(
        url,
        &dir,
        &[
            "revision",
            "-m",
            "audit root",
            "--head",
            "base",
            "--branch-label",
            "audit",
            "--rev-id",
            AUDIT,
        ],
    )
    .ok();
    assert!(root.stdout.contains(AUDIT), "{root}");
    let text = file_of(&dir, AUDIT);
    assert!(
        text.contains("-- retort:parents\n") && text.contains("-- retort:branch-labels audit\n"),
        "{text}"
    );
    retort(
        url,
        &dir,
        &[
            "revision",
            "-m",
            "audit log",
            "--head",
            "audit@head",
            "--rev-id",
            AUDIT_LOG,
        ],
    )
    .ok();
    assert!(file_of(&dir, AUDIT_LOG).contains(&format!("-- retort:parents {AUDIT}\n")));

    // Two heads now: a plain revision must say where it goes.
    let ambiguous = retort(url, &dir, &["revision", "-m", "where"]);
    assert!(ambiguous.failed().contains("2 heads"), "{ambiguous}");
    retort(
        url,
        &dir,
        &[
            "revision",
            "-m",
            "needs audit",
            "--head",
            CHILD,
            "--depends-on",
            "audit@head",
            "--rev-id",
            NEEDS_AUDIT,
        ],
    )
    .ok();
    let text = file_of(&dir, NEEDS_AUDIT);
    assert!(
        text.contains(&format!("-- retort:parents {CHILD}\n"))
            && text.contains(&format!("-- retort:depends-on {AUDIT_LOG}\n")),
        "{text}"
    );

    assert_eq!(
        retort(url, &dir, &["heads", "-q"]).ok().stdout,
        format!("{AUDIT_LOG} (head)\n{NEEDS_AUDIT} (head)\n")
    );
    assert_eq!(
        retort(url, &dir, &["heads", "-q", "--resolve-dependencies"])
            .ok()
            .stdout,
        format!("{NEEDS_AUDIT} (head)\n")
    );

    let show = retort(url, &dir, &["show", NEEDS_AUDIT]).ok();
    assert!(
        show.stdout
            .contains(&format!("Parents: {CHILD}\nDepends on: {AUDIT_LOG}\n")),
        "{show}"
    );
    let show = retort(url, &dir, &["show", "audit"]).ok();
    assert!(
        show.stdout.contains(&format!(
            "Revision ID: {AUDIT}\nParents: <base>\nBranch labels: audit\n"
        )),
        "{show}"
    );
    let show = retort(url, &dir, &["show", "audit@head"]).ok();
    assert!(
        show.stdout.contains(&format!("Revision ID: {AUDIT_LOG}\n"))
            && show.stdout.contains("Branch: audit\n"),
        "{show}"
    );

    let history = retort(url, &dir, &["history"]).ok();
    assert!(
        history
            .stdout
            .contains(&format!("<base> -> {AUDIT} (audit), audit root\n")),
        "{history}"
    );
    let verbose = retort(
        url,
        &dir,
        &["history", "--verbose", "-r", "audit:audit@head"],
    )
    .ok();
    assert!(
        verbose
            .stdout
            .contains(&format!("\n{AUDIT_LOG} (head)\nParents: {AUDIT}\nPath: ")),
        "{verbose}"
    );
    assert!(
        verbose.stdout.contains(&format!(
            "{AUDIT} (audit)\nParents: <base>\nBranch labels: audit\nPath: "
        )),
        "{verbose}"
    );
    assert!(!verbose.stdout.contains(ROOT), "{verbose}");

    // Offline ranges: FROM:TO for upgrade, LABEL@head as an end.
    let script = retort(url, &dir, &["upgrade", "--sql", &format!("{ROOT}:{CHILD}")]).ok();
    assert!(
        script.stdout.contains("ADD COLUMN name") && !script.stdout.contains("CREATE TABLE items"),
        "{script}"
    );
    let script = retort(
        url,
        &dir,
        &["downgrade", "--sql", &format!("{CHILD}:{ROOT}")],
    )
    .ok();
    assert!(
        script.stdout.contains("DROP COLUMN name") && !script.stdout.contains("DROP TABLE items"),
        "{script}"
    );

    // Upgrading to the revision that depends on the audit branch applies
    // that branch first; reverting the audit root reverts what depends on it.
    let upgrade = retort(url, &dir, &["upgrade", NEEDS_AUDIT]).ok();
    assert!(upgrade.stdout.contains("Applied 5 revisions"), "{upgrade}");
    let audit_at = upgrade.stdout.find(&format!("-> {AUDIT_LOG}")).unwrap();
    let needs_at = upgrade.stdout.find(&format!("-> {NEEDS_AUDIT}")).unwrap();
    assert!(audit_at < needs_at, "{upgrade}");
    let downgrade = retort(url, &dir, &["downgrade", "audit"]).ok();
    assert!(
        downgrade.stdout.contains("Reverted 2 revisions"),
        "{downgrade}"
    );
    assert!(
        downgrade
            .stdout
            .contains(&format!("downgrade {NEEDS_AUDIT} -> {CHILD}")),
        "{downgrade}"
    );
    let current = retort(url, &dir, &["current", "-q"]).ok();
    let mut at: Vec<&str> = current.stdout.lines().collect();
    at.sort_unstable();
    assert_eq!(at, [CHILD, AUDIT], "{current}");
    retort(url, &dir, &["upgrade", "heads"]).ok();
}

/// `--head` on a revision that is not a head needs `--splice`; ids and
/// labels are checked; `merge` takes a label and an id.
fn splices_ids_labels_and_merges<C: TestBackend>(db: &TestDatabase<C>) {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    write_migrations(&dir);
    let url = db.url.as_str();

    let not_head = retort(url, &dir, &["revision", "-m", "fork", "--head", "a0a0"]);
    assert!(
        not_head
            .failed()
            .contains(&format!("revision {ROOT} is not a head")),
        "{not_head}"
    );
    assert!(not_head.stderr.contains("--splice"), "{not_head}");
    retort(
        url,
        &dir,
        &[
            "revision",
            "-m",
            "fork",
            "--head",
            "a0a0",
            "--splice",
            "--rev-id",
            AUDIT,
            "--branch-label",
            "fork",
        ],
    )
    .ok();
    assert!(file_of(&dir, AUDIT).contains(&format!("-- retort:parents {ROOT}\n")));

    let taken = retort(
        url,
        &dir,
        &["revision", "-m", "x", "--head", "fork", "--rev-id", AUDIT],
    );
    assert!(
        taken
            .failed()
            .contains(&format!("revision {AUDIT} already exists")),
        "{taken}"
    );
    let bad = retort(
        url,
        &dir,
        &["revision", "-m", "x", "--head", "fork", "--rev-id", "XYZ"],
    );
    assert!(bad.failed().contains("`XYZ` is not a revision id"), "{bad}");
    let shared = retort(
        url,
        &dir,
        &[
            "revision",
            "-m",
            "x",
            "--head",
            CHILD,
            "--branch-label",
            "fork",
        ],
    );
    assert!(
        shared.failed().contains(&format!(
            "branch label `fork` is already given by revision {AUDIT}"
        )),
        "{shared}"
    );
    let reserved = retort(
        url,
        &dir,
        &[
            "revision",
            "-m",
            "x",
            "--head",
            CHILD,
            "--branch-label",
            "head",
        ],
    );
    assert!(reserved.failed().contains("reserve"), "{reserved}");
    let unknown = retort(
        url,
        &dir,
        &[
            "revision",
            "-m",
            "x",
            "--head",
            CHILD,
            "--depends-on",
            "nowhere",
        ],
    );
    assert!(unknown.failed().contains("nowhere"), "{unknown}");
    let refused = retort(
        url,
        &dir,
        &["revision", "--autogenerate", "-m", "x", "--head", CHILD],
    );
    assert_eq!(refused.code, 2, "{refused}");

    let merge = retort(
        url,
        &dir,
        &[
            "merge",
            "heads",
            "-m",
            "join",
            "--branch-label",
            "joined",
            "--rev-id",
            JOINED,
        ],
    )
    .ok();
    assert!(merge.stdout.contains(JOINED), "{merge}");
    let show = retort(url, &dir, &["show", "joined"]).ok();
    assert!(
        show.stdout.contains(&format!("Revision ID: {JOINED}\nParents: {CHILD}, {AUDIT}\nBranch labels: joined\nBranch: fork\n")),
        "{show}"
    );
    let upgrade = retort(url, &dir, &["upgrade", "joined@head"]).ok();
    assert!(upgrade.stdout.contains("Applied 4 revisions"), "{upgrade}");
}

/// `edit REV` runs $EDITOR on the file and reads it back.
fn edit_opens_the_editor<C: TestBackend>(db: &TestDatabase<C>) {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    write_migrations(&dir);
    let url = db.url.as_str();

    let edited = retort_editing(
        url,
        &dir,
        "sed -i -e s/VARCHAR(50)/VARCHAR(80)/",
        &["edit", "head"],
    )
    .ok();
    assert!(edited.stdout.contains("Edited "), "{edited}");
    assert!(file_of(&dir, CHILD).contains("VARCHAR(80)"));

    let broken = retort_editing(
        url,
        &dir,
        "sed -i -e s/retort:up/retort:upp/",
        &["edit", "a0a0"],
    );
    assert!(
        broken
            .failed()
            .contains("unknown directive `-- retort:upp`"),
        "{broken}"
    );
    std::fs::write(
        dir.join(format!("20240101000000_{ROOT}_create_items.sql")),
        file_of(&dir, ROOT).replace("retort:upp", "retort:up"),
    )
    .unwrap();

    let none = retort(url, &dir, &["edit", "head"]);
    assert!(
        none.failed().contains("neither VISUAL nor EDITOR is set"),
        "{none}"
    );
    let failing = retort_editing(url, &dir, "false", &["edit", "head"]);
    assert!(
        failing.failed().contains("the editor `false` failed"),
        "{failing}"
    );
}

backend_tests!(
    labels_heads_and_dependencies,
    splices_ids_labels_and_merges,
    edit_opens_the_editor
);
