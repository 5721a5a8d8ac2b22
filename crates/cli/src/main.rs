//! `retort`: apply, revert and inspect migrations from a directory and a
//! database URL, with no models compiled in.
//!
//! ```text
//! retort --url postgres://app@db/shop upgrade
//! retort --url app.db history --indicate-current
//! retort --url mysql://root@db/shop upgrade head --sql > upgrade.sql
//! ```
//!
//! It runs the same code as `retort::cli::main` in an application's
//! `src/bin/migrate.rs`, without models: the commands that compare models
//! with the database (`revision --autogenerate`, `check`) say so and point
//! at that binary.

use std::process::ExitCode;

fn main() -> ExitCode {
    retort::cli::run(None, "migrations", std::env::args_os())
}
