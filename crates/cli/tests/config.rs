//! The settings' layers, driven as a user drives them: `retort.toml` (or
//! `[package.metadata.retort]`) found from a subdirectory, beaten by
//! environment variables, beaten by flags; named environments; `retort
//! config` naming where each value came from without the password; and the
//! commands clap answers alone (completions, man pages, colour).

mod binary;
#[path = "../../../tests/support/mod.rs"]
mod support;

use std::path::Path;

use binary::{command, run, write_migrations, Run, CHILD, ROOT};
use support::{backend_tests, TestBackend, TestDatabase};

/// What a test puts in a PostgreSQL URL's password to check it is never
/// printed (the test server trusts every local connection).
const PASSWORD: &str = "s3cret-pw";

/// Runs `retort args` in `cwd` with only `vars` of the settings' variables
/// set.
fn retort<S: AsRef<std::ffi::OsStr>>(cwd: &Path, vars: &[(&str, &str)], args: &[S]) -> Run {
    let run = run(command()
        .current_dir(cwd)
        .envs(vars.iter().copied())
        .args(args));
    assert!(
        !run.stdout.contains(PASSWORD) && !run.stderr.contains(PASSWORD),
        "the password was printed:\n{run}"
    );
    run
}

/// The database's URL, with a password on PostgreSQL.
fn url_of<C: TestBackend>(db: &TestDatabase<C>) -> String {
    if C::NAME != "postgres" {
        return db.url.clone();
    }
    let mut url = url::Url::parse(&db.url).unwrap();
    url.set_password(Some(PASSWORD)).unwrap();
    url.to_string()
}

/// The line of `retort config` for `key`.
fn config_line<'a>(run: &'a Run, key: &str) -> &'a str {
    run.stdout
        .lines()
        .find(|line| line.starts_with(&format!("{key} = ")))
        .unwrap_or_else(|| panic!("no {key} line:\n{run}"))
}

/// Where the database is, as `current -q` prints it (empty at base).
fn current(cwd: &Path, vars: &[(&str, &str)], args: &[&str]) -> String {
    let mut all = args.to_vec();
    all.extend(["current", "-q"]);
    retort(cwd, vars, &all).ok().stdout
}

/// Flags beat environment variables, which beat the file, which beats the
/// defaults; `--env` picks a table of the file; `config` says which layer
/// each value came from.
fn flags_beat_variables_beat_the_file<C: TestBackend>(db: &TestDatabase<C>) {
    let other = C::create_database().unwrap();
    let (url, other_url) = (url_of(db), url_of(&other));
    let project = tempfile::tempdir().unwrap();
    let root = project.path();
    write_migrations(&root.join("db/migrations"));
    let file = root.join("retort.toml");
    std::fs::write(
        &file,
        format!(
            "migrations = \"db/migrations\"\nurl = \"{url}\"\nlock_timeout = \"2s\"\n\n[environments.other]\nurl_env = \"OTHER_URL\"\nlock_timeout = \"3s\"\n"
        ),
    )
    .unwrap();
    let deep = root.join("src/bin");
    std::fs::create_dir_all(&deep).unwrap();

    // The file alone, found from two directories down: its URL and its
    // migrations directory (relative to the file).
    let upgrade = retort(&deep, &[], &["upgrade"]).ok();
    assert!(upgrade.stdout.contains("Applied 2 revisions"), "{upgrade}");
    assert_eq!(current(&deep, &[], &[]), format!("{CHILD} (head)\n"));
    let config = retort(&deep, &[], &["config"]).ok();
    let shown_file = file.display().to_string();
    assert!(
        config
            .stdout
            .starts_with(&format!("# config file: {shown_file}\n")),
        "{config}"
    );
    assert!(
        config_line(&config, "url").ends_with(&format!("  # {shown_file}")),
        "{config}"
    );
    assert_eq!(
        config_line(&config, "migrations"),
        format!(
            "migrations = {:?}  # {shown_file}",
            root.join("db/migrations").display().to_string()
        )
    );
    assert_eq!(
        config_line(&config, "lock_timeout"),
        format!("lock_timeout = \"2s\"  # {shown_file}")
    );
    assert_eq!(
        config_line(&config, "statement_timeout"),
        "statement_timeout = \"off\"  # default"
    );
    if C::NAME == "postgres" {
        assert!(config_line(&config, "url").contains(":***@"), "{config}");
    }

    // DATABASE_URL beats the file's url: the other database is at base.
    let env = [("DATABASE_URL", other_url.as_str())];
    assert_eq!(current(&deep, &env, &[]), "");
    let config = retort(&deep, &env, &["config", "--lock-timeout", "4s"]).ok();
    assert!(
        config_line(&config, "url").ends_with("  # environment variable DATABASE_URL"),
        "{config}"
    );
    assert_eq!(
        config_line(&config, "lock_timeout"),
        "lock_timeout = \"4s\"  # flag --lock-timeout"
    );

    // --url beats DATABASE_URL.
    assert_eq!(
        current(&deep, &env, &["--url", &url]),
        format!("{CHILD} (head)\n")
    );
    let config = retort(&deep, &env, &["--url", &url, "config"]).ok();
    assert!(
        config_line(&config, "url").ends_with("  # flag --url"),
        "{config}"
    );

    // A named environment, by flag or by RETORT_ENV: its url_env names
    // the variable, its lock_timeout beats the top's, and the rest falls
    // through to the top.
    let other_env = [("OTHER_URL", other_url.as_str())];
    assert_eq!(current(&deep, &other_env, &["--env", "other"]), "");
    let by_variable = [
        ("OTHER_URL", other_url.as_str()),
        ("RETORT_ENV", "other"),
        ("RETORT_LOCK_TIMEOUT", "7s"),
    ];
    let upgrade = retort(&deep, &by_variable, &["upgrade", "+1"]).ok();
    assert!(upgrade.stdout.contains("Applied 1 revision"), "{upgrade}");
    assert_eq!(
        current(&deep, &other_env, &["--env", "other"]),
        format!("{ROOT}\n")
    );
    let config = retort(&deep, &other_env, &["config", "--env", "other"]).ok();
    assert!(
        config
            .stdout
            .contains("# environment: other  (flag --env)\n"),
        "{config}"
    );
    assert_eq!(
        config_line(&config, "url_env"),
        format!("url_env = \"OTHER_URL\"  # {shown_file} [environments.other]")
    );
    assert_eq!(
        config_line(&config, "lock_timeout"),
        format!("lock_timeout = \"3s\"  # {shown_file} [environments.other]")
    );
    let config = retort(&deep, &by_variable, &["config"]).ok();
    assert_eq!(
        config_line(&config, "lock_timeout"),
        "lock_timeout = \"7s\"  # environment variable RETORT_LOCK_TIMEOUT"
    );
    // The first database is untouched by all that.
    assert_eq!(current(&deep, &[], &[]), format!("{CHILD} (head)\n"));

    // The migrations directory: RETORT_MIGRATIONS beats the file, and
    // --migrations beats RETORT_MIGRATIONS.
    let elsewhere = root.join("elsewhere");
    let moved = [("RETORT_MIGRATIONS", elsewhere.to_str().unwrap())];
    let missing = retort(&deep, &moved, &["heads"]);
    assert_eq!(missing.code, 1, "{missing}");
    assert!(
        missing.stderr.starts_with(&format!(
            "error: the migrations directory {} does not exist",
            elsewhere.display()
        )),
        "{missing}"
    );
    let flagged = retort(
        &deep,
        &moved,
        &[
            "--migrations",
            root.join("db/migrations").to_str().unwrap(),
            "heads",
            "-q",
        ],
    )
    .ok();
    assert_eq!(flagged.stdout, format!("{CHILD} (head)\n"));

    // An environment the file does not have.
    let unknown = retort(&deep, &[], &["--env", "staging", "current"]);
    assert_eq!(unknown.code, 1, "{unknown}");
    assert!(
        unknown.stderr.starts_with(&format!(
            "error: the environment `staging` is not in {shown_file}, which has other\nhint: "
        )),
        "{unknown}"
    );
}

/// `[package.metadata.retort]` in the crate's Cargo.toml, and `init`
/// writing a commented retort.toml that then is in force.
fn cargo_metadata_and_init<C: TestBackend>(db: &TestDatabase<C>) {
    let url = url_of(db);
    let project = tempfile::tempdir().unwrap();
    let root = project.path();
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[package.metadata.retort]\nmigrations = \"sql\"\nurl_env = \"APP_DB\"\n",
    )
    .unwrap();
    write_migrations(&root.join("sql"));
    let upgrade = retort(root, &[("APP_DB", &url)], &["upgrade"]).ok();
    assert!(upgrade.stdout.contains("Applied 2 revisions"), "{upgrade}");
    let config = retort(root, &[("APP_DB", &url)], &["config"]).ok();
    assert!(
        config_line(&config, "url_env").ends_with("Cargo.toml [package.metadata.retort]"),
        "{config}"
    );

    let fresh = tempfile::tempdir().unwrap();
    let init = retort(fresh.path(), &[], &["init"]).ok();
    let written = fresh.path().join("retort.toml");
    assert!(
        init.stdout
            .contains(&format!("Wrote {}", written.display())),
        "{init}"
    );
    let template = std::fs::read_to_string(&written).unwrap();
    assert!(
        template.contains("migrations = \"migrations\"")
            && template.contains("# [environments.staging]"),
        "{template}"
    );
    write_migrations(&fresh.path().join("migrations"));
    let config = retort(fresh.path(), &[("DATABASE_URL", &url)], &["config"]).ok();
    assert!(
        config_line(&config, "migrations").ends_with(&format!("  # {}", written.display())),
        "{config}"
    );
    // A broken file is an error naming it, the table and the key.
    std::fs::write(&written, "[environments.ci]\nurl_environment = \"X\"\n").unwrap();
    let broken = retort(fresh.path(), &[("DATABASE_URL", &url)], &["current"]);
    assert_eq!(broken.code, 1, "{broken}");
    assert!(
        broken
            .stderr
            .contains("[environments.ci]: unknown key `url_environment`"),
        "{broken}"
    );
}

backend_tests!(flags_beat_variables_beat_the_file, cargo_metadata_and_init);

/// Completion scripts for each shell name the commands; a broken config
/// file does not stop them.
#[test]
fn completions_for_each_shell() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("retort.toml"), "not toml at all = = =").unwrap();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef retort"),
        ("fish", "complete -c retort"),
    ] {
        let run = retort(dir.path(), &[], &["completions", shell]).ok();
        assert!(run.stdout.contains(marker), "{shell}:\n{run}");
        for command in ["upgrade", "downgrade", "history", "config"] {
            assert!(run.stdout.contains(command), "{shell} lacks {command}");
        }
    }
    let bad = retort(dir.path(), &[], &["completions", "tcsh"]);
    assert_eq!(bad.code, 2, "{bad}");
}

/// `man` prints the page; `man --dir` writes one per command.
#[test]
fn man_pages() {
    let dir = tempfile::tempdir().unwrap();
    let page = retort(dir.path(), &[], &["man"]).ok();
    assert!(
        page.stdout.starts_with(".ie") || page.stdout.contains(".TH retort"),
        "{page}"
    );
    assert!(page.stdout.contains("upgrade"), "{page}");
    let out = dir.path().join("man");
    retort(dir.path(), &[], &["man", "--dir", out.to_str().unwrap()]).ok();
    for name in ["retort.1", "retort-upgrade.1", "retort-config.1"] {
        assert!(out.join(name).is_file(), "{name} missing");
    }
}

/// `--color always` colours a pipe; `never` and the default do not.
#[cfg(feature = "sqlite")]
#[test]
fn colour_as_asked() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    write_migrations(&dir);
    let db = work.path().join("app.db");
    let db = db.to_str().unwrap();
    let base = ["--url", db, "--migrations", dir.to_str().unwrap()];
    let with = |extra: &[&'static str]| -> Vec<String> {
        base.iter()
            .chain(extra)
            .map(|arg| (*arg).to_owned())
            .collect()
    };
    let coloured = retort(
        work.path(),
        &[],
        &with(&["--color", "always", "upgrade", "+1"]),
    )
    .ok();
    assert!(
        coloured.stdout.contains(&format!("\x1b[36m{ROOT}\x1b[0m")),
        "{coloured}"
    );
    let plain = retort(work.path(), &[], &with(&["upgrade"])).ok();
    assert!(!plain.stdout.contains('\x1b'), "{plain}");
    let never = retort(
        work.path(),
        &[],
        &with(&["--color", "never", "downgrade", "-1"]),
    )
    .ok();
    assert!(!never.stdout.contains('\x1b'), "{never}");
    let bad = retort(
        work.path(),
        &[],
        &with(&["--color", "sometimes", "current"]),
    );
    assert_eq!(bad.code, 2, "{bad}");
}

/// The config file's `[lint]` levels decide what `check --online` does with
/// a rule's findings: fail (the default), warn and pass, or say nothing.
#[cfg(feature = "postgres")]
#[test]
fn lint_levels_from_the_config_file() {
    support::run::<diesel::PgConnection>(|db| {
        let url = url_of(db);
        let project = tempfile::tempdir().unwrap();
        let root = project.path();
        let dir = root.join("migrations");
        write_migrations(&dir);
        retort(root, &[("DATABASE_URL", &url)], &["upgrade"]).ok();
        std::fs::write(
            dir.join("20240103000000_c0c0c0c0c0c3_index_name.sql"),
            format!("-- retort:revision c0c0c0c0c0c3\n-- retort:parents {CHILD}\n-- retort:up\nCREATE INDEX ix_items_name ON items (name);\n-- retort:down\nDROP INDEX ix_items_name;\n"),
        )
        .unwrap();
        let vars = [("DATABASE_URL", url.as_str())];
        let check = |levels: &str| {
            std::fs::write(root.join("retort.toml"), levels).unwrap();
            retort(root, &vars, &["check", "--online"])
        };

        let failed = check("");
        assert_eq!(failed.code, 1, "{failed}");
        assert!(
            failed
                .stdout
                .contains(": warning [create-index-without-concurrently]: CREATE INDEX"),
            "{failed}"
        );

        let warned = check("[lint]\ncreate-index-without-concurrently = \"warn\"\n").ok();
        assert!(
            warned
                .stdout
                .contains("[create-index-without-concurrently]"),
            "{warned}"
        );
        assert!(
            warned
                .stdout
                .contains("1 finding the config file's [lint] levels make warnings only"),
            "{warned}"
        );
        let config = retort(root, &vars, &["config"]).ok();
        assert!(
            config_line(&config, "lint")
                .starts_with("lint = { \"create-index-without-concurrently\" = \"warn\" }  # "),
            "{config}"
        );

        let allowed = check("[lint]\ncreate-index-without-concurrently = \"allow\"\n").ok();
        assert!(
            !allowed.stdout.contains("create-index-without-concurrently"),
            "{allowed}"
        );
        assert!(
            allowed.stdout.contains("none blocks the application"),
            "{allowed}"
        );

        let unknown = check("[lint]\ncreate-index = \"allow\"\n");
        assert_eq!(unknown.code, 1, "{unknown}");
        assert!(
            unknown
                .stderr
                .contains("`lint` names rule `create-index`, which the lint does not have"),
            "{unknown}"
        );
    });
}
