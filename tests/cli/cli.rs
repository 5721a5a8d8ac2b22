//! The command line driven as a user drives it: the `migrate` example (an
//! application's `src/bin/migrate.rs`, models compiled in) run as a process
//! against a fresh database on each backend.
//!
//! The example is built by `cargo test` / `cargo nextest run` with the `cli`
//! feature; running this file alone needs `--examples` (or `--example
//! migrate`) so it is built too.

#![cfg(feature = "cli")]

use crate::support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use support::{backend_tests, migrate_binary, TestBackend, TestDatabase};

/// What a test puts in a URL's password to check it is never printed.
const PASSWORD: &str = "s3cret-pw";

/// One invocation of the CLI.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn ok(&self) -> &Run {
        assert_eq!(self.code, 0, "expected success, got:\n{self}");
        self
    }

    /// Asserts the run failed with `code`, printing one `error:` line and
    /// at most one `hint:` line on stderr, and returns the error line.
    fn failed_with(&self, code: i32) -> &str {
        assert_eq!(self.code, code, "expected exit code {code}, got:\n{self}");
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert!(
            matches!(lines.as_slice(), [error] if error.starts_with("error: "))
                || matches!(lines.as_slice(), [error, hint] if error.starts_with("error: ") && hint.starts_with("hint: ")),
            "expected one error line and at most a hint, got:\n{self}"
        );
        lines[0]
    }

    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
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

/// Runs `migrate` with the database URL in `DATABASE_URL` and `dir` as the
/// migrations directory.
fn migrate(url: &str, dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(migrate_binary())
        .env("DATABASE_URL", url)
        .env_remove("NO_COLOR")
        .arg("--migrations")
        .arg(dir)
        .args(args)
        .output()
        .expect("the migrate example runs");
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        !run.all().contains(PASSWORD),
        "the password was printed:\n{run}"
    );
    assert!(
        !run.all().contains("\x1b["),
        "colour off a terminal:\n{run}"
    );
    run
}

/// The test database's URL; on PostgreSQL (trust authentication, so any
/// password is accepted) with a password in it.
fn url_of<C: TestBackend>(db: &TestDatabase<C>) -> String {
    if C::NAME != "postgres" {
        return db.url.clone();
    }
    let mut url = url::Url::parse(&db.url).unwrap();
    url.set_password(Some(PASSWORD)).unwrap();
    url.to_string()
}

/// The one revision file in `dir`.
fn revision_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "sql"))
        .collect();
    files.sort();
    files
}

/// The revision id in a file name `<stamp>_<id>_<slug>.sql`.
fn id_of(file: &Path) -> String {
    let name = file.file_name().unwrap().to_str().unwrap();
    name.split('_').nth(1).unwrap().to_owned()
}

/// init -> revision --autogenerate -> upgrade -> check -> downgrade ->
/// history, reading what a person reads.
fn full_session<C: TestBackend>(db: &TestDatabase<C>) {
    let url = url_of(db);
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");

    let init = migrate(&url, &dir, &["init"]);
    assert!(
        init.ok()
            .stdout
            .contains("Created the migrations directory"),
        "{init}"
    );
    assert!(dir.is_dir());

    let revision = migrate(
        &url,
        &dir,
        &["revision", "--autogenerate", "-m", "create tables"],
    );
    revision.ok();
    let files = revision_files(&dir);
    assert_eq!(files.len(), 1, "{revision}");
    let id = id_of(&files[0]);
    assert!(revision.stdout.contains(&id), "{revision}");
    let contents = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        contents.contains("users") && contents.contains("teams"),
        "{contents}"
    );

    let upgrade = migrate(&url, &dir, &["upgrade"]);
    upgrade.ok();
    let step = upgrade
        .stdout
        .lines()
        .find(|line| line.starts_with("upgrade"))
        .unwrap_or_else(|| panic!("no step line:\n{upgrade}"));
    assert!(
        step.contains(&format!("<base> -> {id}"))
            && step.contains("create tables")
            && step.ends_with(" ms)"),
        "{step}"
    );
    assert!(
        upgrade.stdout.contains("Applied 1 revision in ")
            && upgrade
                .stdout
                .contains(&format!("the database is at {id} (head)")),
        "{upgrade}"
    );

    let check = migrate(&url, &dir, &["check"]);
    assert!(check.ok().stdout.contains("No differences"), "{check}");

    let current = migrate(&url, &dir, &["current", "-q"]);
    assert_eq!(current.ok().stdout, format!("{id} (head)\n"));

    let verbose = migrate(&url, &dir, &["current", "-v"]);
    if C::NAME == "postgres" {
        assert!(verbose.ok().stdout.contains(":***@"), "{verbose}");
    }

    let downgrade = migrate(&url, &dir, &["downgrade", "-1"]);
    downgrade.ok();
    assert!(
        downgrade
            .stdout
            .contains(&format!("downgrade {id} -> <base>")),
        "{downgrade}"
    );
    assert!(
        downgrade.stdout.contains("Reverted 1 revision in "),
        "{downgrade}"
    );

    let history = migrate(&url, &dir, &["history", "--indicate-current"]);
    assert_eq!(
        history.ok().stdout,
        format!("<base> -> {id} (head), create tables\n")
    );

    let offline = migrate(&url, &dir, &["upgrade", "--sql"]);
    assert!(
        offline.ok().stdout.contains("retort_migrations"),
        "{offline}"
    );
    assert!(offline.stdout.contains("users"), "{offline}");
}

/// `check` fails with exit code 1 and lists the operations when the database
/// has drifted from the models.
fn check_lists_the_differences<C: TestBackend>(db: &TestDatabase<C>) {
    let url = url_of(db);
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    migrate(&url, &dir, &["init"]).ok();
    migrate(
        &url,
        &dir,
        &["revision", "--autogenerate", "-m", "create tables"],
    )
    .ok();

    let behind = migrate(&url, &dir, &["check"]);
    let error = behind.failed_with(1);
    assert!(error.contains("not at head"), "{behind}");

    migrate(&url, &dir, &["upgrade", "head"]).ok();
    db.connect()
        .execute("CREATE TABLE drifted (id INTEGER PRIMARY KEY)")
        .unwrap();
    db.connect()
        .execute("ALTER TABLE users ADD COLUMN time_zone VARCHAR(40)")
        .unwrap();
    let check = migrate(&url, &dir, &["check"]);
    let error = check.failed_with(1);
    assert!(error.contains("differ: 2 operation(s)"), "{check}");
    // Every object by name, as Alembic's check lists them.
    assert!(check.stdout.contains("  drop table drifted "), "{check}");
    assert!(
        check.stdout.contains("  drop column users.time_zone "),
        "{check}"
    );
    assert!(check.stdout.contains("destructive"), "{check}");
    // Asked for colour into a pipe, the diff reads as one: what it drops
    // in red, the warning in yellow.
    let coloured = Command::new(migrate_binary())
        .env("DATABASE_URL", &url)
        .args(["--color", "always", "--migrations"])
        .arg(&dir)
        .arg("check")
        .output()
        .unwrap();
    let coloured = String::from_utf8_lossy(&coloured.stdout);
    assert!(
        coloured.contains("  \x1b[1;31mdrop table drifted\x1b[0m \x1b[33m(destructive"),
        "{coloured}"
    );
    db.connect()
        .execute("ALTER TABLE users DROP COLUMN time_zone")
        .unwrap();

    // The drift written into a revision: behind it, `check` wants an
    // upgrade, and `check --destructive` names the destructive operation.
    let revision = migrate(
        &url,
        &dir,
        &["revision", "--autogenerate", "-m", "drop drifted"],
    );
    assert!(
        revision
            .ok()
            .stderr
            .contains("warning: drops table drifted"),
        "{revision}"
    );
    let behind = migrate(&url, &dir, &["check"]);
    assert!(behind.failed_with(1).contains("not at head"), "{behind}");
    let destructive = migrate(&url, &dir, &["check", "--destructive"]);
    assert!(
        destructive
            .failed_with(1)
            .contains("1 destructive operation"),
        "{destructive}"
    );
    assert!(
        destructive.stdout.contains("drops table drifted"),
        "{destructive}"
    );

    migrate(&url, &dir, &["upgrade", "-q"]).ok();
    let clean = migrate(&url, &dir, &["check", "--destructive"]);
    assert!(clean.ok().stdout.contains("No differences"), "{clean}");

    // Nothing to write: no file, unless --empty.
    let unchanged = migrate(&url, &dir, &["revision", "--autogenerate", "-m", "nothing"]);
    assert!(unchanged.ok().stdout.contains("No changes"), "{unchanged}");
    assert_eq!(revision_files(&dir).len(), 2);
    migrate(
        &url,
        &dir,
        &["revision", "--autogenerate", "--empty", "-m", "nothing"],
    )
    .ok();
    assert_eq!(revision_files(&dir).len(), 3);
}

/// Unknown command, unknown target, malformed file: one error line, a hint,
/// a non-zero exit.
fn bad_input_is_one_clear_line<C: TestBackend>(db: &TestDatabase<C>) {
    let url = url_of(db);
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    migrate(&url, &dir, &["init"]).ok();

    let unknown = migrate(&url, &dir, &["frobnicate"]);
    assert!(unknown.failed_with(2).contains("frobnicate"), "{unknown}");

    let typo = migrate(&url, &dir, &["upgrde"]);
    typo.failed_with(2);
    assert!(
        typo.stderr.contains("'upgrade'"),
        "the hint suggests the command:\n{typo}"
    );

    let no_target = migrate(&url, &dir, &["downgrade"]);
    assert!(no_target.failed_with(2).contains("<TARGET>"), "{no_target}");
    assert!(
        no_target.stderr.contains("hint: usage: migrate downgrade ")
            && no_target
                .stderr
                .ends_with("<TARGET>; see `migrate --help`\n"),
        "{no_target}"
    );

    let range = migrate(&url, &dir, &["history", "-r", "nonsense"]);
    assert!(range.failed_with(1).contains("LOWER:UPPER"), "{range}");

    let target = migrate(&url, &dir, &["upgrade", "abcdef"]);
    assert!(
        target.failed_with(1).contains("unknown revision `abcdef`"),
        "{target}"
    );
    assert!(
        target.stderr.contains("history"),
        "the hint names `history`:\n{target}"
    );

    std::fs::write(
        dir.join("20240101000000_0a1b2c3d4e5f_broken.sql"),
        "-- retort:revision 0a1b2c3d4e5f\nCREATE TABLE t (id INT);\n-- retort:up\n",
    )
    .unwrap();
    let malformed = migrate(&url, &dir, &["upgrade"]);
    let error = malformed.failed_with(1);
    assert!(
        error.contains("20240101000000_0a1b2c3d4e5f_broken.sql:2"),
        "{malformed}"
    );

    let missing = migrate(&url, &work.path().join("nowhere"), &["heads"]);
    assert!(
        missing.failed_with(1).contains("does not exist"),
        "{missing}"
    );
    assert!(missing.stderr.contains("init"), "{missing}");
}

/// An applied revision whose file was edited, or that lost its file: the
/// run refuses with a hint naming the flag, the flag lets it go on, and
/// `stamp` says that it re-recorded the checksum or removed the row.
fn edited_and_missing_revisions_can_be_accepted<C: TestBackend>(db: &TestDatabase<C>) {
    let url = url_of(db);
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    migrate(&url, &dir, &["init"]).ok();
    migrate(&url, &dir, &["revision", "--autogenerate", "-m", "tables"]).ok();
    migrate(&url, &dir, &["revision", "-m", "nothing yet"]).ok();
    migrate(&url, &dir, &["upgrade"]).ok();
    // Both files may carry the same second in their names: tell them apart
    // by their message.
    let mut files = revision_files(&dir);
    files.sort_by_key(|file| {
        std::fs::read_to_string(file)
            .unwrap()
            .contains("nothing yet")
    });
    let (first, second) = (id_of(&files[0]), id_of(&files[1]));

    // A line added at the end of the up section.
    let edited = std::fs::read_to_string(&files[0]).unwrap().replacen(
        "\n-- retort:down",
        "\n-- reviewed again\n-- retort:down",
        1,
    );
    std::fs::write(&files[0], edited).unwrap();
    let refused = migrate(&url, &dir, &["current"]);
    assert!(refused.failed_with(1).contains("has changed"), "{refused}");
    assert!(
        refused
            .stderr
            .contains("hint: to accept the edit, run with --allow-edited"),
        "{refused}"
    );
    migrate(&url, &dir, &["current", "--allow-edited"]).ok();
    let stamp = migrate(&url, &dir, &["stamp", "head"]);
    assert!(
        stamp
            .ok()
            .stdout
            .contains(&format!("Re-recorded the checksum of revision {first}")),
        "{stamp}"
    );
    migrate(&url, &dir, &["current"]).ok();

    std::fs::remove_file(&files[1]).unwrap();
    let refused = migrate(&url, &dir, &["current"]);
    assert!(
        refused
            .failed_with(1)
            .contains("no migration file declares it"),
        "{refused}"
    );
    assert!(refused.stderr.contains("--allow-missing"), "{refused}");
    let current = migrate(&url, &dir, &["--allow-missing", "current", "-q"]);
    assert_eq!(current.ok().stdout, format!("{first} (head)\n"));
    let stamp = migrate(&url, &dir, &["stamp", "head"]);
    assert!(
        stamp
            .ok()
            .stdout
            .contains(&format!("Removed revision {second} from the version table")),
        "{stamp}"
    );
    migrate(&url, &dir, &["current"]).ok();
}

/// `revision --autogenerate --backends ...` writes one file with a section
/// per database, `show` lists them, and the connected database runs its
/// own; an unknown database is a usage error.
fn autogenerate_writes_a_section_per_database<C: TestBackend>(db: &TestDatabase<C>) {
    let url = url_of(db);
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    migrate(&url, &dir, &["init"]).ok();
    let revision = migrate(
        &url,
        &dir,
        &[
            "revision",
            "--autogenerate",
            "--backends",
            "postgresql,mysql,sqlite",
            "-m",
            "tables",
        ],
    );
    revision.ok();
    let file = std::fs::read_to_string(&revision_files(&dir)[0]).unwrap();
    for label in ["postgresql", "mysql", "sqlite"] {
        assert!(file.contains(&format!("-- retort:up {label}\n")), "{file}");
        assert!(
            file.contains(&format!("-- retort:down {label}\n")),
            "{file}"
        );
    }
    let show = migrate(&url, &dir, &["show", "head"]);
    let connected = C::BACKEND.label();
    assert!(
        show.ok()
            .stdout
            .contains(&format!("Databases: {connected}, ")),
        "{show}"
    );
    migrate(&url, &dir, &["upgrade"]).ok();
    migrate(&url, &dir, &["check"]).ok();

    let unknown = migrate(
        &url,
        &dir,
        &[
            "revision",
            "--autogenerate",
            "--backends",
            "oracle",
            "-m",
            "x",
        ],
    );
    assert!(unknown.failed_with(2).contains("`oracle`"), "{unknown}");
}

/// `revision --autogenerate` with the id, branch label and dependency
/// given; `--head` is refused with it (autogenerate follows the database).
fn autogenerate_takes_an_id_a_label_and_a_dependency<C: TestBackend>(db: &TestDatabase<C>) {
    let url = url_of(db);
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    migrate(&url, &dir, &["init"]).ok();
    migrate(
        &url,
        &dir,
        &[
            "revision",
            "-m",
            "audit",
            "--head",
            "base",
            "--branch-label",
            "audit",
            "--rev-id",
            "0000000000a1",
        ],
    )
    .ok();
    migrate(&url, &dir, &["upgrade", "audit"]).ok();
    let revision = migrate(
        &url,
        &dir,
        &[
            "revision",
            "--autogenerate",
            "-m",
            "create tables",
            "--rev-id",
            "0123456789ab",
            "--branch-label",
            "app",
            "--depends-on",
            "audit",
        ],
    );
    revision.ok();
    let files = revision_files(&dir);
    let file = files
        .iter()
        .find(|file| id_of(file) == "0123456789ab")
        .unwrap_or_else(|| panic!("no file with the id given:\n{revision}"));
    let text = std::fs::read_to_string(file).unwrap();
    assert!(
        text.contains("-- retort:parents 0000000000a1\n")
            && text.contains("-- retort:branch-labels app\n")
            && text.contains("-- retort:depends-on 0000000000a1\n")
            && text.contains("users"),
        "{text}"
    );
    let show = migrate(&url, &dir, &["show", "app@head"]);
    assert!(
        show.ok().stdout.starts_with("Revision ID: 0123456789ab\n"),
        "{show}"
    );
    let refused = migrate(
        &url,
        &dir,
        &["revision", "--autogenerate", "-m", "x", "--head", "app"],
    );
    assert_eq!(refused.code, 2, "{refused}");
    let taken = migrate(
        &url,
        &dir,
        &[
            "revision",
            "--autogenerate",
            "-m",
            "x",
            "--branch-label",
            "app",
        ],
    );
    assert!(
        taken
            .failed_with(1)
            .contains("branch label `app` is already given"),
        "{taken}"
    );
}

/// Alembic's targets relative to a revision: `upgrade REV-1` stops before
/// REV, `downgrade REV-1` reverts REV and what follows.
fn relative_targets<C: TestBackend>(db: &TestDatabase<C>) {
    let url = url_of(db);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/migrations/linear");
    migrate(&url, &dir, &["upgrade", "c3c3-1"]).ok();
    let current = migrate(&url, &dir, &["current", "-q"]);
    assert_eq!(current.ok().stdout, "b2b2b2b2b2b2\n");
    migrate(&url, &dir, &["upgrade", "head"]).ok();
    migrate(&url, &dir, &["downgrade", "b2b2-1"]).ok();
    let current = migrate(&url, &dir, &["current", "-q"]);
    assert_eq!(current.ok().stdout, "a1a1a1a1a1a1\n");
    let branched = migrate(&url, &dir, &["upgrade", "c3c3+1"]);
    assert!(branched.failed_with(1).contains("`c3c3+1`"), "{branched}");
}

/// The config file's `exclude` and `include` keep tables another tool owns
/// out of `check` and autogenerate.
fn table_filters_leave_other_tables_alone<C: TestBackend>(db: &TestDatabase<C>) {
    let url = url_of(db);
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    migrate(&url, &dir, &["init"]).ok();
    migrate(
        &url,
        &dir,
        &["revision", "--autogenerate", "-m", "create tables"],
    )
    .ok();
    migrate(&url, &dir, &["upgrade", "head"]).ok();
    db.connect()
        .execute("CREATE TABLE legacy_audit (id INTEGER PRIMARY KEY)")
        .unwrap();
    let config = work.path().join("filters.toml");
    let config = config.to_str().unwrap();
    let with = |filters: &str, args: &[&str]| {
        std::fs::write(config, filters).unwrap();
        let mut all = vec!["--config", config];
        all.extend(args);
        migrate(&url, &dir, &all)
    };

    let check = with("", &["check"]);
    check.failed_with(1);
    assert!(
        check.stdout.contains("  drop table legacy_audit "),
        "{check}"
    );

    let filters = "exclude = [\"legacy_*\"]\n";
    let check = with(filters, &["check"]);
    check.ok();
    assert!(check.stdout.contains("No differences"), "{check}");
    let autogenerate = with(
        filters,
        &["revision", "--autogenerate", "-m", "nothing to do"],
    );
    autogenerate.ok();
    assert!(autogenerate.stdout.contains("No changes"), "{autogenerate}");
    assert_eq!(revision_files(&dir).len(), 1);
    let shown = with(filters, &["config"]);
    assert!(
        shown.ok().stdout.contains("exclude = [\"legacy_*\"]  # "),
        "{shown}"
    );

    let check = with("include = [\"users\", \"teams\"]\n", &["check"]);
    check.ok();
    assert!(check.stdout.contains("No differences"), "{check}");
}

/// The config file's `exclude_kinds` keeps kinds of objects another tool
/// owns (here an index made by hand) out of `check` and autogenerate; a
/// kind it does not know is one clear error listing the kinds.
fn kind_filters_leave_other_objects_alone<C: TestBackend>(db: &TestDatabase<C>) {
    let url = url_of(db);
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    migrate(&url, &dir, &["init"]).ok();
    migrate(
        &url,
        &dir,
        &["revision", "--autogenerate", "-m", "create tables"],
    )
    .ok();
    migrate(&url, &dir, &["upgrade", "head"]).ok();
    db.connect()
        .execute("CREATE INDEX ix_by_hand ON teams (id)")
        .unwrap();
    let config = work.path().join("kinds.toml");
    let config = config.to_str().unwrap();
    let with = |filters: &str, args: &[&str]| {
        std::fs::write(config, filters).unwrap();
        let mut all = vec!["--config", config];
        all.extend(args);
        migrate(&url, &dir, &all)
    };

    let check = with("", &["check"]);
    check.failed_with(1);
    assert!(check.stdout.contains("drop index ix_by_hand"), "{check}");

    let kinds = "exclude_kinds = [\"indexes\", \"partitions\"]\n";
    let check = with(kinds, &["check"]);
    check.ok();
    assert!(check.stdout.contains("No differences"), "{check}");
    let autogenerate = with(kinds, &["revision", "--autogenerate", "-m", "nothing"]);
    assert!(
        autogenerate.ok().stdout.contains("No changes"),
        "{autogenerate}"
    );
    let shown = with(kinds, &["config"]);
    assert!(
        shown
            .ok()
            .stdout
            .contains("exclude_kinds = [\"indexes\", \"partitions\"]  # "),
        "{shown}"
    );

    let bad = with("exclude_kinds = [\"views\"]\n", &["check"]);
    let error = bad.failed_with(1);
    assert!(
        error.contains(
            "`exclude_kinds` must be a list of kinds of objects among partitions, indexes"
        ),
        "{bad}"
    );
}

backend_tests!(
    kind_filters_leave_other_objects_alone,
    table_filters_leave_other_tables_alone,
    relative_targets,
    full_session,
    check_lists_the_differences,
    bad_input_is_one_clear_line,
    edited_and_missing_revisions_can_be_accepted,
    autogenerate_writes_a_section_per_database,
    autogenerate_takes_an_id_a_label_and_a_dependency
);

/// `revision --step NAME` writes a data-migration skeleton that reads
/// back; `upgrade` refuses it until the application registers the step,
/// and `upgrade --sql` marks the step and warns.
#[cfg(feature = "sqlite")]
#[test]
fn a_step_skeleton_is_refused_until_registered() {
    support::run::<diesel::SqliteConnection>(|db| {
        let work = tempfile::tempdir().unwrap();
        let dir = work.path().join("migrations");
        migrate(&db.url, &dir, &["init"]).ok();
        let written = migrate(
            &db.url,
            &dir,
            &["revision", "-m", "fill emails", "--step", "fill_emails"],
        );
        assert!(
            written.ok().stdout.contains(".step(\"fill_emails\""),
            "{written}"
        );
        let file = revision_files(&dir).pop().unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains("\n-- retort:run fill_emails\n"), "{text}");
        let refused = migrate(&db.url, &dir, &["upgrade"]);
        assert!(
            refused.failed_with(1).contains("`fill_emails`"),
            "{refused}"
        );
        let offline = migrate(&db.url, &dir, &["upgrade", "--sql"]);
        assert!(
            offline
                .ok()
                .stdout
                .contains("-- NOT RUN BY THIS SCRIPT: the Rust step `fill_emails` runs here"),
            "{offline}"
        );
        assert!(
            offline
                .stderr
                .contains("warning: the script cannot run 1 Rust step"),
            "{offline}"
        );
        let bad = migrate(
            &db.url,
            &dir,
            &["revision", "-m", "x", "--step", "two words"],
        );
        assert!(bad.failed_with(1).contains("`two words`"), "{bad}");
    });
}

/// `run_with_steps`, what `main_with_steps` runs: `upgrade` runs the
/// application's Rust step where its revision says, between the statements
/// around it; without the step the same revision is refused.
#[cfg(feature = "sqlite")]
#[test]
fn registered_steps_run_from_the_command_line() {
    use diesel::connection::SimpleConnection;
    use retort::runner::StepResult;
    use std::process::ExitCode;

    support::run::<diesel::SqliteConnection>(|db| {
        let work = tempfile::tempdir().unwrap();
        let dir = work.path().join("migrations");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(
            dir.join("20240101000001_a1a1a1a1a1a1_fill.sql"),
            "-- retort:revision a1a1a1a1a1a1\n-- retort:message fill\n-- retort:up\nCREATE TABLE log (n INTEGER NOT NULL);\n-- retort:run fill_log\nINSERT INTO log (n) SELECT COUNT(*) + 1 FROM log;\n-- retort:down\nDROP TABLE log;\n",
        )
        .unwrap();
        let args = vec![
            "migrate".to_owned(),
            "--quiet".to_owned(),
            "--url".to_owned(),
            db.url.clone(),
            "--migrations".to_owned(),
            dir.display().to_string(),
            "upgrade".to_owned(),
        ];
        let refused = retort::cli::run(None, "migrations", args.clone());
        assert_ne!(
            refused,
            ExitCode::SUCCESS,
            "an unregistered step is refused"
        );
        let mut conn = db.connect();
        assert!(
            conn.batch_execute("SELECT n FROM log").is_err(),
            "nothing ran"
        );

        let code = retort::cli::run_with_steps(
            None,
            "migrations",
            |migrator| {
                migrator.step(
                    "fill_log",
                    |conn: &mut diesel::SqliteConnection| -> StepResult {
                        conn.batch_execute("INSERT INTO log (n) VALUES (1)")?;
                        Ok(())
                    },
                )
            },
            args,
        );
        assert_eq!(code, ExitCode::SUCCESS);
        assert_eq!(conn.select_count("SELECT COUNT(*) AS n FROM log"), 2);
        assert_eq!(
            conn.select_count("SELECT COUNT(*) AS n FROM log WHERE n = 2"),
            1,
            "the statement after the step saw its row"
        );
    });
}

/// A revision MySQL left failed part-way: `upgrade` names the statement
/// and says what to do with this program's command; `current` and `history`
/// show the revision as failed with the statement and the error.
#[cfg(feature = "mysql")]
#[test]
fn a_failed_mysql_revision_is_shown_with_its_statement() {
    support::run::<diesel::MysqlConnection>(|db| {
        let work = tempfile::tempdir().unwrap();
        let dir = work.path().join("migrations");
        migrate(&db.url, &dir, &["init"]).ok();
        let revision = "f1f1f1f1f1f1";
        std::fs::write(
            dir.join(format!("20240101000000_{revision}_twice.sql")),
            format!("-- retort:revision {revision}\n-- retort:message twice\n-- retort:up\nCREATE TABLE twice (id INT);\nCREATE TABLE twice (id INT);\n-- retort:down\nDROP TABLE twice;\n"),
        )
        .unwrap();
        let upgrade = migrate(&db.url, &dir, &["upgrade"]);
        assert!(
            upgrade.failed_with(1).contains("failed at statement 2"),
            "{upgrade}"
        );
        assert!(
            upgrade.stderr.contains(&format!("hint: `migrate current` shows the statement that failed; once the database is repaired, run `migrate stamp {revision}`")),
            "{upgrade}"
        );

        let current = migrate(&db.url, &dir, &["current"]);
        let shown = &current.ok().stdout;
        assert!(shown.contains(&format!("{revision} (failed)")), "{current}");
        assert!(
            shown.contains("failed at: CREATE TABLE twice (id INT)"),
            "{current}"
        );
        assert!(
            shown.contains("error: ") && shown.contains("already exists"),
            "{current}"
        );

        let history = migrate(&db.url, &dir, &["history", "--indicate-current"]);
        let shown = &history.ok().stdout;
        assert!(
            shown.contains(&format!("<base> -> {revision} (head) (failed), twice")),
            "{history}"
        );
        assert!(
            shown.contains("failed at: CREATE TABLE twice (id INT)"),
            "{history}"
        );
    });
}

/// An unreachable server: one line naming the database (password
/// redacted), a hint, exit code 1; on every backend compiled in.
#[test]
fn unreachable_databases_fail_in_one_line() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    std::fs::create_dir(&dir).unwrap();
    let mut urls = Vec::new();
    if cfg!(feature = "sqlite") {
        let file = work.path().join("no/such/directory/app.db");
        urls.push(file.display().to_string());
    }
    if cfg!(feature = "postgres") {
        urls.push(format!("postgres://app:{PASSWORD}@127.0.0.1:1/shop"));
    }
    if cfg!(feature = "mysql") {
        urls.push(format!("mysql://app:{PASSWORD}@127.0.0.1:1/shop"));
    }
    for url in urls {
        // `--help` shows that DATABASE_URL is read, never its value.
        migrate(&url, &dir, &["upgrade", "--help"]).ok();
        let run = migrate(&url, &dir, &["current"]);
        let error = run.failed_with(1);
        assert!(error.contains("cannot connect"), "{url}: {run}");
        assert!(
            run.stderr
                .contains("hint: check that the server is running"),
            "{run}"
        );
    }
}

/// No URL at all: the error says how to give one.
#[test]
fn a_missing_url_is_explained() {
    let work = tempfile::tempdir().unwrap();
    let output = Command::new(migrate_binary())
        .env_remove("DATABASE_URL")
        .args(["--migrations"])
        .arg(work.path())
        .arg("current")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("needs a database") && stderr.contains("DATABASE_URL"),
        "{stderr}"
    );
}

/// `revision --autogenerate --online` writes lock-friendly steps that
/// `check --online` passes; a hand-written blocking revision fails it with
/// the rule, the line and the safe alternative.
/// Writes a revision after the head whose up section is `up` (its one
/// statement on line 5) and asserts that `check --online` fails naming
/// `rule`, `file:5:` and the safe alternative (`fix`).
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn assert_the_lint_flags(url: &str, dir: &Path, (up, down): (&str, &str), rule: &str, fix: &str) {
    let heads = migrate(url, dir, &["heads"]).ok().stdout.clone();
    let head = heads.split_whitespace().next().unwrap().to_owned();
    let mut blocking = retort::revision::NewRevision::new(vec![head], "blocking change").up([up]);
    blocking.down = Some(vec![down.into()]);
    let file = blocking.write(dir).unwrap();
    let found = migrate(url, dir, &["check", "--online"]);
    let error = found.failed_with(1).to_owned();
    assert!(error.contains("block"), "{found}");
    assert!(
        found.stdout.contains(rule)
            && found.stdout.contains(&format!(
                "{}:5:",
                file.file_name().unwrap().to_str().unwrap()
            ))
            && found.stdout.contains(fix),
        "{found}"
    );
}

#[cfg(feature = "postgres")]
#[test]
fn online_revisions_and_the_lint() {
    support::run::<diesel::PgConnection>(|db| {
        let url = url_of(db);
        let work = tempfile::tempdir().unwrap();
        let dir = work.path().join("migrations");
        migrate(&url, &dir, &["init"]).ok();
        migrate(
            &url,
            &dir,
            &["revision", "--autogenerate", "-m", "create tables"],
        )
        .ok();
        migrate(&url, &dir, &["upgrade"]).ok();

        // The index the models want goes missing: online, it comes back
        // concurrently, outside a transaction.
        db.connect()
            .execute(r#"DROP INDEX "ix_users_team_id""#)
            .unwrap();
        migrate(
            &url,
            &dir,
            &["revision", "--autogenerate", "--online", "-m", "index"],
        )
        .ok();
        // One step: the foreign key on those columns is left alone.
        let index_steps: Vec<String> = revision_files(&dir)
            .iter()
            .map(|file| std::fs::read_to_string(file).unwrap())
            .filter(|text| text.contains("-- retort:message index"))
            .collect();
        let [concurrent] = index_steps.as_slice() else {
            panic!("one online revision, not {index_steps:#?}");
        };
        assert!(
            concurrent.contains("CREATE INDEX CONCURRENTLY")
                && concurrent.contains("-- retort:transaction off")
                && !concurrent.contains("FOREIGN KEY"),
            "{concurrent}"
        );
        let clean = migrate(&url, &dir, &["check", "--online"]);
        assert!(clean.ok().stdout.contains("none blocks"), "{clean}");
        migrate(&url, &dir, &["upgrade"]).ok();
        migrate(&url, &dir, &["check"]).ok();

        assert_the_lint_flags(
            &url,
            &dir,
            (
                r#"CREATE INDEX "ix_teams_name" ON "teams" ("name")"#,
                r#"DROP INDEX "ix_teams_name""#,
            ),
            "create-index-without-concurrently",
            "CONCURRENTLY",
        );
    });
}

/// On MySQL, `revision --autogenerate --online` asks for an online
/// algorithm and `check --online` passes it; a hand-written revision that
/// changes a column's type without one fails with the MySQL rule, the line
/// and the safe alternative, as on PostgreSQL.
#[cfg(feature = "mysql")]
#[test]
fn online_revisions_and_the_mysql_lint() {
    support::run::<diesel::MysqlConnection>(|db| {
        let url = url_of(db);
        let work = tempfile::tempdir().unwrap();
        let dir = work.path().join("migrations");
        migrate(&url, &dir, &["init"]).ok();
        migrate(
            &url,
            &dir,
            &["revision", "--autogenerate", "-m", "create tables"],
        )
        .ok();
        let created = migrate(&url, &dir, &["check", "--online"]);
        assert!(
            created
                .ok()
                .stdout
                .contains("1 revision pending, none blocks"),
            "a revision creating its tables blocks nobody: {created}"
        );
        migrate(&url, &dir, &["upgrade"]).ok();

        // The column the models want goes missing: online, it comes back
        // instantly.
        db.connect()
            .execute("ALTER TABLE `users` DROP COLUMN `display_name`")
            .unwrap();
        migrate(
            &url,
            &dir,
            &["revision", "--autogenerate", "--online", "-m", "column"],
        )
        .ok();
        let added = revision_files(&dir)
            .iter()
            .map(|file| std::fs::read_to_string(file).unwrap())
            .find(|text| text.contains("-- retort:message column"))
            .expect("the online revision");
        assert!(added.contains("ALGORITHM=INSTANT"), "{added}");
        let clean = migrate(&url, &dir, &["check", "--online"]);
        assert!(clean.ok().stdout.contains("none blocks"), "{clean}");
        migrate(&url, &dir, &["upgrade"]).ok();
        migrate(&url, &dir, &["check"]).ok();

        assert_the_lint_flags(
            &url,
            &dir,
            (
                "ALTER TABLE `teams` MODIFY COLUMN `name` VARCHAR(200) NOT NULL",
                "ALTER TABLE `teams` MODIFY COLUMN `name` VARCHAR(100) NOT NULL",
            ),
            "[column-type-change]",
            "ALGORITHM=INPLACE, LOCK=NONE",
        );
    });
}

/// SQLite has no online DDL: `check --online` says there is nothing to
/// check, and passes.
#[cfg(feature = "sqlite")]
#[test]
fn the_lint_has_nothing_to_check_on_sqlite() {
    support::run::<diesel::SqliteConnection>(|db| {
        let work = tempfile::tempdir().unwrap();
        let dir = work.path().join("migrations");
        migrate(&db.url, &dir, &["init"]).ok();
        migrate(
            &db.url,
            &dir,
            &["revision", "--autogenerate", "-m", "create tables"],
        )
        .ok();
        let run = migrate(&db.url, &dir, &["check", "--online"]);
        assert!(
            run.ok().all().contains("no online DDL") && run.all().contains("nothing to check"),
            "{run}"
        );
    });
}

/// The PostgreSQL example's model, as the example compiles it.
#[cfg(all(feature = "postgres", feature = "chrono"))]
mod postgres_app_models {
    include!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/postgres_app/models.rs"
    ));
}

/// `examples/postgres_app` run as its user runs it, against a fresh
/// PostgreSQL database: its migrations apply at start-up, its workers write
/// through the model's generated table, a second start applies nothing, and
/// autogenerate from its model finds nothing left to change.
#[cfg(all(feature = "postgres", feature = "chrono"))]
#[test]
fn the_postgres_example_migrates_and_queries_a_fresh_database() {
    use diesel::prelude::*;
    use postgres_app_models::{notes, Note};

    support::run::<diesel::PgConnection>(|db| {
        let start = || {
            let output = Command::new(support::example_binary("postgres_app"))
                .env("DATABASE_URL", &db.url)
                .output()
                .expect("the postgres_app example runs");
            let run = Run {
                code: output.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            };
            run.ok();
            run
        };
        let first = start();
        let applied: Vec<&str> = first
            .stdout
            .lines()
            .filter(|line| line.starts_with("applied "))
            .collect();
        assert_eq!(applied.len(), 2, "{first}");
        assert!(
            applied[0].starts_with("applied a1b2c3d4e5f6 create notes ")
                && applied[1].contains(" notes as the model declares them "),
            "{first}"
        );
        assert!(
            first
                .stdout
                .lines()
                .any(|line| line == "8 notes in retort_example_notes"),
            "{first}"
        );
        let second = start();
        assert!(!second.stdout.contains("applied "), "{second}");
        assert!(
            second
                .stdout
                .lines()
                .any(|line| line == "16 notes in retort_example_notes"),
            "{second}"
        );

        let conn = &mut db.connect();
        let written: Vec<Note> = notes::table
            .order(notes::id)
            .select(Note::as_select())
            .load(conn)
            .unwrap();
        let ids: Vec<i64> = written.iter().map(|note| note.id).collect();
        assert_eq!(ids, (1..=16).collect::<Vec<i64>>());
        let mut bodies: Vec<&str> = written.iter().map(|note| note.body.as_str()).collect();
        bodies.sort_unstable();
        let mut expected: Vec<String> = (0..8)
            .flat_map(|worker| vec![format!("written by worker {worker}"); 2])
            .collect();
        expected.sort_unstable();
        assert_eq!(bodies, expected);
        let stamped_today = written
            .iter()
            .all(|note| (chrono::Utc::now() - note.written_at) < chrono::Duration::minutes(10));
        assert!(stamped_today, "{written:?}");

        let work = tempfile::tempdir().unwrap();
        let dir = work.path().join("migrations");
        std::fs::create_dir(&dir).unwrap();
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/postgres_app_migrations");
        for file in revision_files(&source) {
            std::fs::copy(&file, dir.join(file.file_name().unwrap())).unwrap();
        }
        let left =
            retort::autogenerate(conn, &retort::schema![Note], &dir, "anything left").unwrap();
        assert_eq!(
            left.map(|file| std::fs::read_to_string(file).unwrap()),
            None,
            "the migrations leave the database as the model declares it"
        );
    });
}
