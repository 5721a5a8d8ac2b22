//! Alembic's command set, with the application's models compiled in
//! (feature `cli`).
//!
//! A two-line binary in the application's crate:
//!
//! ```no_run
//! // src/bin/migrate.rs
//! # use retort::{Model, Table};
//! # struct User; impl Model for User { fn table() -> Table { Table::new("users") } }
//! # struct Team; impl Model for Team { fn table() -> Table { Table::new("teams") } }
//! fn main() {
//!     retort::cli::main(retort::schema![User, Team], "migrations")
//! }
//! ```
//!
//! ```text
//! cargo run --bin migrate -- revision --autogenerate -m "add email to users"
//! cargo run --bin migrate -- upgrade head | downgrade -1 | current | history | heads
//! cargo run --bin migrate -- merge heads -m "merge" | stamp REV | check | upgrade head --sql
//! ```
//!
//! The database comes from `--url`, `DATABASE_URL` or the config file
//! (`retort.toml`, or `[package.metadata.retort]` in `Cargo.toml`, found by
//! walking up from the working directory; `config` shows every setting and
//! where it came from); its scheme picks the
//! backend (`postgres://`, `mysql://`, `sqlite://FILE` or a plain file
//! path), which must be compiled in. The standalone `retort` binary (package
//! `retort-cli`) runs the same code through [`run`] with no models: every
//! command but `revision --autogenerate` and `check`.
//!
//! An application whose revisions run Rust steps (`-- retort:run NAME`)
//! registers them with [`main_with_steps`] instead, for each database it
//! runs on:
//!
//! ```no_run
//! // src/bin/migrate.rs
//! # use retort::{Model, Table};
//! # struct User; impl Model for User { fn table() -> Table { Table::new("users") } }
//! use retort::runner::StepResult;
//!
//! fn fill_emails(conn: &mut diesel::SqliteConnection) -> StepResult {
//!     // ... the data migration, on the revision's connection
//!     Ok(())
//! }
//!
//! fn main() {
//!     retort::cli::main_with_steps(retort::schema![User], "migrations", |migrator| {
//!         migrator.step("fill_emails", fill_emails)
//!     })
//! }
//! ```
//!
//! Exit codes: 0 on success, 1 when a command fails (including `check`
//! finding differences), 2 for a command line that does not parse.

mod args;
mod commands;
mod config;
mod connect;
mod error;
mod fleet;
mod output;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

pub use config::ConfigError;
pub use error::CliError;

use crate::{Migrations, Migrator, Schema};
use args::Cli;
use config::Settings;
use connect::{AnyConnection, DatabaseUrl};
use output::{one_line, Printer, Verbosity};

/// Runs the command line with `schema` as the models and `migrations_dir`
/// as the default migrations directory, then exits with the command's exit
/// code. The whole body of an application's `src/bin/migrate.rs`.
pub fn main(schema: Schema, migrations_dir: &str) -> ! {
    let code = run_to_code(Some(schema), migrations_dir, None, std::env::args_os());
    std::process::exit(i32::from(code))
}

/// What registers an application's Rust steps on a [`Migrator`]: called on
/// every migrator the commands make.
type RegisterSteps = dyn for<'m> Fn(Migrator<'m>) -> Migrator<'m> + Send + Sync;

/// [`main`] for an application whose revisions run Rust steps (`--
/// retort:run NAME`): `steps` registers them ([`Migrator::step`]) on every
/// migrator the commands make, so `upgrade` and `downgrade` run them as
/// [`Migrator::upgrade`] does. A step is registered for one connection
/// type: register it for each database the application runs on.
pub fn main_with_steps(
    schema: Schema,
    migrations_dir: &str,
    steps: impl for<'m> Fn(Migrator<'m>) -> Migrator<'m> + Send + Sync + 'static,
) -> ! {
    let code = run_to_code(
        Some(schema),
        migrations_dir,
        Some(Box::new(steps)),
        std::env::args_os(),
    );
    std::process::exit(i32::from(code))
}

/// [`run`] with the application's Rust steps, as [`main_with_steps`]
/// registers them.
///
/// ```
/// use retort::runner::StepResult;
///
/// # let dir = tempfile::tempdir()?;
/// let migrations = dir.path().join("migrations");
/// let code = retort::cli::run_with_steps(
///     None,
///     "migrations",
///     |migrator| migrator.step("nothing", |_: &mut diesel::SqliteConnection| -> StepResult { Ok(()) }),
///     ["migrate".as_ref(), "init".as_ref(), "--migrations".as_ref(), migrations.as_os_str()],
/// );
/// assert_eq!(code, std::process::ExitCode::SUCCESS);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn run_with_steps<I, T>(
    schema: Option<Schema>,
    migrations_dir: &str,
    steps: impl for<'m> Fn(Migrator<'m>) -> Migrator<'m> + Send + Sync + 'static,
    args: I,
) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    ExitCode::from(run_to_code(
        schema,
        migrations_dir,
        Some(Box::new(steps)),
        args,
    ))
}

/// Runs the command line given as `args` (the program name first, as
/// `std::env::args_os()` gives it) and returns its exit code. With
/// `schema: None`, the commands that need models (`revision --autogenerate`,
/// `check`) fail with a message saying so.
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// let migrations = dir.path().join("migrations");
/// let code = retort::cli::run(None, "migrations", [
///     "retort".as_ref(), "init".as_ref(), "--migrations".as_ref(), migrations.as_os_str(),
/// ]);
/// assert_eq!(code, std::process::ExitCode::SUCCESS);
/// assert!(migrations.is_dir());
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn run<I, T>(schema: Option<Schema>, migrations_dir: &str, args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    ExitCode::from(run_to_code(schema, migrations_dir, None, args))
}

fn run_to_code<I, T>(
    schema: Option<Schema>,
    migrations_dir: &str,
    steps: Option<Box<RegisterSteps>>,
    args: I,
) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let program = args
        .first()
        .and_then(|arg0| Path::new(arg0).file_stem())
        .and_then(|stem| stem.to_str())
        .unwrap_or("retort")
        .to_owned();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(error) => return usage_error(&error, &program),
    };
    let verbosity = if cli.global.quiet {
        Verbosity::Quiet
    } else if cli.global.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    // What clap itself knows needs no settings, so a broken config file
    // cannot keep them from working.
    match &cli.command {
        args::Command::Completions { shell } => {
            let mut command = args::Cli::command().name(program.clone());
            clap_complete::generate(*shell, &mut command, program, &mut std::io::stdout());
            return 0;
        }
        args::Command::Man { dir } => return man_pages(&program, dir.as_deref(), verbosity),
        _ => {}
    }
    let flags = config::Flags {
        config: cli.global.config,
        environment: cli.global.environment,
        url: cli.global.url,
        migrations: cli.global.migrations,
        lock_timeout: cli.global.lock_timeout.map(|timeout| timeout.0),
        statement_timeout: cli.global.statement_timeout.map(|timeout| timeout.0),
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let settings = match Settings::resolve(
        flags,
        &|name| std::env::var(name).ok(),
        &cwd,
        migrations_dir,
    ) {
        Ok(settings) => settings,
        Err(error) => {
            let error = CliError::from(error);
            let out = Printer::new(verbosity, cli.global.color, None);
            out.error(&error.to_string(), error.hint(&program).as_deref());
            return 1;
        }
    };
    let url = settings.url.as_ref().map(|url| url.value.clone());
    let context = Context {
        out: Printer::new(verbosity, cli.global.color, url.clone()),
        schema,
        migrations_dir: settings.migrations.value.clone(),
        url: url.map(DatabaseUrl::new),
        allow_edited: cli.global.allow_edited,
        allow_missing: cli.global.allow_missing,
        steps,
        settings,
        program,
    };
    match commands::execute(cli.command, &context) {
        Ok(()) => 0,
        Err(error) => {
            let hint = error.hint(&context.program);
            context.out.error(&error.to_string(), hint.as_deref());
            1
        }
    }
}

/// `man`: the manual page on stdout, or one page per command into `dir`.
fn man_pages(program: &str, dir: Option<&Path>, verbosity: Verbosity) -> u8 {
    let out = Printer::new(verbosity, args::ColorChoice::Auto, None);
    let command = args::Cli::command().name(program.to_owned());
    let written = match dir {
        None => clap_mangen::Man::new(command).render(&mut std::io::stdout().lock()),
        Some(dir) => {
            std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(command, dir))
        }
    };
    match (written, dir) {
        (Ok(()), Some(dir)) => {
            out.info(&format!(
                "Wrote the manual pages into {}; read them with `man -l {}/{program}.1`",
                dir.display(),
                dir.display()
            ));
            0
        }
        (Ok(()), None) => 0,
        (Err(source), _) => {
            let error = CliError::Write {
                path: dir.map_or_else(
                    || "the manual page".to_owned(),
                    |dir| dir.display().to_string(),
                ),
                source,
            };
            out.error(&error.to_string(), None);
            1
        }
    }
}

/// Prints clap's verdict: help and version as clap writes them, anything
/// else as one error line and a hint.
fn usage_error(error: &clap::Error, program: &str) -> u8 {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = error.print();
        return if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            2
        } else {
            0
        };
    }
    // clap writes the error (over one or more lines), then perhaps a tip,
    // the usage and a pointer to --help.
    let rendered = error.render().to_string();
    let lines: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    let is_after_message = |line: &&str| {
        line.starts_with("tip:")
            || line.starts_with("Usage:")
            || line.starts_with("For more information")
    };
    let message: Vec<&str> = lines
        .iter()
        .copied()
        .take_while(|line| !is_after_message(line))
        .collect();
    let message = message.join(" ");
    let message = message.strip_prefix("error:").unwrap_or(&message).trim();
    let tip = lines.iter().find_map(|line| line.strip_prefix("tip:"));
    let usage = lines.iter().find_map(|line| line.strip_prefix("Usage:"));
    let hint = match (tip, usage) {
        (Some(tip), _) => tip.trim().to_owned(),
        (None, Some(usage)) => format!("usage: {}; see `{program} --help`", usage.trim()),
        (None, None) => format!("see `{program} --help` for the commands and their options"),
    };
    let out = Printer::new(Verbosity::Normal, args::ColorChoice::Auto, None);
    out.error(&one_line(message), Some(&hint));
    2
}

/// What every command works with.
pub(crate) struct Context {
    /// The models, when compiled in.
    schema: Option<Schema>,
    migrations_dir: PathBuf,
    url: Option<DatabaseUrl>,
    /// `--allow-edited`.
    allow_edited: bool,
    /// `--allow-missing`.
    allow_missing: bool,
    /// The application's Rust steps ([`main_with_steps`]).
    steps: Option<Box<RegisterSteps>>,
    /// Every setting and where it came from.
    settings: Settings,
    /// How the user runs this program, for hints.
    program: String,
    out: Printer,
}

impl Context {
    /// The models, or the error saying `command` needs them.
    fn schema(&self, command: &'static str) -> Result<&Schema, CliError> {
        self.schema
            .as_ref()
            .ok_or(CliError::NeedsModels { command })
    }

    /// The migrations directory, checked to exist.
    fn migrations_dir(&self) -> Result<&Path, CliError> {
        if self.migrations_dir.is_dir() {
            Ok(&self.migrations_dir)
        } else {
            Err(CliError::NoMigrationsDirectory {
                dir: self.migrations_dir.display().to_string(),
            })
        }
    }

    /// Every revision in the migrations directory.
    fn migrations(&self) -> Result<Migrations, CliError> {
        let dir = self.migrations_dir()?;
        let migrations = Migrations::from_dir(dir)?;
        if self.out.verbose() {
            let count = migrations.graph()?.revisions().len();
            self.out.detail(&format!(
                "migrations: {} ({})",
                dir.display(),
                output::count_label(count, "revision")
            ));
        }
        Ok(migrations)
    }

    /// A migrator over `migrations` with the command line's options.
    fn migrator<'m>(&self, migrations: &'m Migrations) -> Migrator<'m> {
        let migrator = Migrator::new(migrations)
            .allow_edited_revisions(self.allow_edited)
            .allow_missing_revisions(self.allow_missing)
            .revision_lock_timeout(self.settings.lock_timeout.value)
            .revision_statement_timeout(self.settings.statement_timeout.value);
        match &self.steps {
            Some(register) => register(migrator),
            None => migrator,
        }
    }

    /// The tables autogenerate and `check` compare, as the settings'
    /// `include`, `exclude` and `exclude_kinds` say.
    fn compared_tables(&self) -> crate::autogen::AutogenerateOptions {
        crate::autogen::AutogenerateOptions::new()
            .include_tables(self.settings.include.value.iter().cloned())
            .exclude_tables(self.settings.exclude.value.iter().cloned())
            .exclude_kinds(self.settings.exclude_kinds.value.iter().copied())
    }

    /// The database URL, or the error saying `command` needs one.
    fn url(&self, command: &'static str) -> Result<&DatabaseUrl, CliError> {
        self.url.as_ref().ok_or(CliError::NoDatabaseUrl { command })
    }

    /// A connection to the database.
    fn connect(&self, command: &'static str) -> Result<AnyConnection, CliError> {
        let url = self.url(command)?;
        let conn = connect::connect(url)?;
        self.out
            .detail(&format!("database: {} at {}", url.backend(), url.shown()));
        Ok(conn)
    }
}
