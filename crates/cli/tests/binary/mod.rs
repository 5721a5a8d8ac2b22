//! What the standalone binary's tests share: running `retort` with none of
//! the machine's settings leaking in, reading what it printed, and a
//! directory of two revisions.

// Each test binary uses its own part of this module.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::Path;

use assert_cmd::Command;

/// The first revision of [`write_migrations`]: creates `items`.
pub const ROOT: &str = "a0a0a0a0a0a1";
/// The second revision of [`write_migrations`]: adds `items.name`.
pub const CHILD: &str = "b0b0b0b0b0b2";

/// The variables a run starts without, so the machine's own never leak in.
const CLEARED: [&str; 11] = [
    "DATABASE_URL",
    "OTHER_URL",
    "RETORT_CONFIG",
    "RETORT_ENV",
    "RETORT_MIGRATIONS",
    "RETORT_BACKENDS",
    "RETORT_LOCK_TIMEOUT",
    "RETORT_STATEMENT_TIMEOUT",
    "NO_COLOR",
    "VISUAL",
    "EDITOR",
];

/// Two revisions in `dir`: [`ROOT`] creates `items`, [`CHILD`] adds a column.
pub fn write_migrations(dir: &Path) {
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

/// What one run of the binary did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
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

impl Run {
    /// Asserts success.
    pub fn ok(self) -> Run {
        assert_eq!(self.code, 0, "expected success:\n{self}");
        self
    }

    /// Asserts exit code 1 with one error line and a hint; the error line.
    pub fn failed(&self) -> &str {
        assert_eq!(self.code, 1, "expected failure:\n{self}");
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert!(
            matches!(lines.as_slice(), [error, hint] if error.starts_with("error: ") && hint.starts_with("hint: ")),
            "expected an error and a hint:\n{self}"
        );
        lines[0]
    }
}

/// The `retort` binary with none of the settings' variables set.
pub fn command() -> Command {
    let mut command = Command::cargo_bin("retort").unwrap();
    for name in CLEARED {
        command.env_remove(name);
    }
    command
}

/// Runs `command` to its end.
pub fn run(command: &mut Command) -> Run {
    let output = command.output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `retort --migrations DIR ARGS` with `DATABASE_URL` set to `url`.
pub fn retort<S: AsRef<OsStr>>(url: &str, dir: &Path, args: &[S]) -> Run {
    run(command()
        .env("DATABASE_URL", url)
        .arg("--migrations")
        .arg(dir)
        .args(args))
}
