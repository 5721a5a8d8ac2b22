//! What can go wrong on the command line, each with a hint saying what to do.

use crate::{
    revision::RevisionError, runner::MigrateErrorKind, AutogenerateError, BackendKind,
    IntrospectError, MigrateError,
};

/// A command that failed: one sentence, and [`CliError::hint`] for the next
/// step. Messages never hold a password.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// No `--url` and no `DATABASE_URL`.
    #[error("`{command}` needs a database and none was given")]
    NoDatabaseUrl {
        /// The command.
        command: &'static str,
    },

    /// The URL names a database this program was built without.
    #[error("this program was built without {backend} support")]
    BackendNotCompiled {
        /// The database the URL names.
        backend: BackendKind,
        /// The cargo feature that adds it.
        feature: &'static str,
    },

    /// The database could not be reached.
    #[error("cannot connect to the {backend} database at {url}: {reason}")]
    Connect {
        /// The database.
        backend: BackendKind,
        /// The URL, password redacted.
        url: String,
        /// What the driver said, password redacted.
        reason: String,
    },

    /// The command compares or writes models, and none are compiled in.
    #[error("`{command}` needs the application's models, and this program has none compiled in")]
    NeedsModels {
        /// The command.
        command: &'static str,
    },

    /// The migrations directory is missing.
    #[error("the migrations directory {dir} does not exist")]
    NoMigrationsDirectory {
        /// The directory.
        dir: String,
    },

    /// `init` was asked to create a directory that already holds files.
    #[error("the migrations directory {dir} already exists and is not empty")]
    DirectoryNotEmpty {
        /// The directory.
        dir: String,
    },

    /// The migrations directory could not be created or read.
    #[error("cannot create the migrations directory {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },

    /// A file the command writes could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },

    /// The migration files, their graph, or a target.
    #[error(transparent)]
    Revision(#[from] RevisionError),

    /// A run failed.
    #[error(transparent)]
    Migrate(#[from] MigrateError),

    /// Reading the database's schema failed.
    #[error(transparent)]
    Introspect(#[from] IntrospectError),

    /// Autogenerate refused or failed.
    #[error(transparent)]
    Autogenerate(#[from] AutogenerateError),

    /// The changes cannot be written as this database's SQL.
    #[error(transparent)]
    Render(#[from] crate::render::RenderError),

    /// The database is behind the migration files, so comparing it with the
    /// models would report what those files already do.
    #[error("the database is not at head: {} revision(s) are pending ({})", .pending.len(), .pending.join(", "))]
    NotAtHead {
        /// The pending revisions, in order.
        pending: Vec<String>,
    },

    /// `check` found differences between the models and the database.
    #[error("the models and the database differ: {count} operation(s) are not in any revision")]
    ModelsDiffer {
        /// How many operations.
        count: usize,
    },

    /// `check --destructive` found destructive operations in pending revisions.
    #[error("pending revisions hold {count} destructive operation(s)")]
    DestructivePending {
        /// How many statements.
        count: usize,
    },

    /// `check --online` found statements that block the application.
    #[error(
        "pending revisions hold {count} statement(s) that block the application while they run"
    )]
    LockingStatements {
        /// How many findings.
        count: usize,
    },

    /// `merge` was given fewer than two revisions to join.
    #[error("`merge` needs two or more revisions to join, and {given} was given")]
    NothingToMerge {
        /// What was given, described.
        given: String,
    },

    /// `history -r` was given a range that is not `LOWER:UPPER`.
    #[error("range `{range}` is not LOWER:UPPER")]
    BadRange {
        /// The range as given.
        range: String,
    },

    /// The targets file cannot be read, or a line of it is not a target.
    #[error(transparent)]
    Targets(#[from] crate::fleet::TargetsError),

    /// A fleet cannot start: a target listed twice, a schema on a database
    /// that is not PostgreSQL, or migration files wrong for every target.
    #[error(transparent)]
    Fleet(#[from] crate::fleet::FleetError),

    /// The targets file lists no target.
    #[error("the targets file {path} lists no targets")]
    NoTargets {
        /// The file.
        path: String,
    },

    /// Targets of a fleet did not end where the command wanted them.
    #[error("{summary}")]
    FleetFailed {
        /// How many failed, could not be reached or were not started, of
        /// how many.
        summary: String,
        /// What to do: why the run stopped early, if it did, and how to go
        /// on.
        hint: String,
    },

    /// `revision --head REV` names a revision that is not a head.
    #[error("revision {revision} is not a head: a new revision after it starts a second branch")]
    NotAHead {
        /// The revision.
        revision: String,
    },

    /// `--rev-id` is not a revision id.
    #[error("`{id}` is not a revision id: it must be 12 lowercase hexadecimal digits")]
    BadRevisionId {
        /// The id as given.
        id: String,
    },

    /// `--rev-id` names a revision that exists.
    #[error("revision {id} already exists ({file})")]
    RevisionIdTaken {
        /// The id.
        id: String,
        /// The file declaring it.
        file: String,
    },

    /// `--branch-label` is a label another revision gives.
    #[error("branch label `{label}` is already given by revision {revision}")]
    BranchLabelTaken {
        /// The label.
        label: String,
        /// The revision giving it.
        revision: String,
    },

    /// `--branch-label` cannot name a branch.
    #[error("{problem}")]
    BadBranchLabel {
        /// Why.
        problem: String,
    },

    /// `edit` found neither `VISUAL` nor `EDITOR`.
    #[error("`edit` needs an editor, and neither VISUAL nor EDITOR is set")]
    NoEditor,

    /// The editor could not be started, or failed.
    #[error("the editor `{editor}` failed: {reason}")]
    Editor {
        /// The editor command.
        editor: String,
        /// What went wrong.
        reason: String,
    },

    /// The config file, or an environment variable the settings read,
    /// cannot be used.
    #[error(transparent)]
    Config(#[from] super::config::ConfigError),

    /// `squash` refused the chain, or could not write its files.
    #[error(transparent)]
    Squash(#[from] crate::squash::SquashError),

    /// `squash` could not make a scratch database to build the schema on.
    #[error("`squash` builds the schema on a scratch database, and {name} could not be made on the server at {url}: {reason}")]
    ScratchDatabase {
        /// The scratch database's name.
        name: String,
        /// The server's URL, password redacted.
        url: String,
        /// What the server said, password redacted.
        reason: String,
    },

    /// The baseline `squash` wrote does not build the schema the chain
    /// builds.
    #[error("the baseline would not build the schema the revisions up to {to} build ({} difference(s): {}); nothing was written", .differences.len(), .differences.join("; "))]
    SquashMismatch {
        /// The last replaced revision.
        to: String,
        /// What differs, as operations from the baseline's schema to the
        /// chain's.
        differences: Vec<String>,
    },

    /// `current` was used as a range end while the database is at several
    /// revisions.
    #[error("the database is at several revisions ({}), so `current` does not name one", .current.join(", "))]
    SeveralCurrent {
        /// Where the database is.
        current: Vec<String>,
    },
}

impl CliError {
    /// What to do next, for people. `program` is how the user runs the
    /// command (`retort`, `migrate`).
    pub fn hint(&self, program: &str) -> Option<String> {
        Some(match self {
            CliError::NoDatabaseUrl { .. } => {
                format!("give --url URL, set DATABASE_URL (or the variable the config file's url_env names), or put url in retort.toml (postgres://..., mysql://..., or an SQLite file path); `{program} config` shows what is in force")
            }
            CliError::NotAHead { revision } => format!(
                "to branch there on purpose, add --splice; to follow the head instead, leave out --head (`{program} heads` lists them; {revision}@head names the one after it)"
            ),
            CliError::RevisionIdTaken { .. } | CliError::BadRevisionId { .. } => {
                "leave out --rev-id for a random one".to_owned()
            }
            CliError::BranchLabelTaken { label, .. } => format!(
                "pick another name; `{label}@head` already names that branch's head"
            ),
            CliError::BadBranchLabel { .. } => {
                "name the branch with letters, digits, `_`, `-` and `.`, like `audit` or `billing-v2`".to_owned()
            }
            CliError::NoEditor => "set EDITOR, e.g. `EDITOR=vim`, or `EDITOR=\"code --wait\"`".to_owned(),
            CliError::Editor { .. } => "check EDITOR; the file is in the migrations directory to edit by hand".to_owned(),
            CliError::Config(super::config::ConfigError::UnknownEnvironment { .. }) => {
                "add it as [environments.NAME] to the config file, or name one it has".to_owned()
            }
            CliError::Config(super::config::ConfigError::Variable { name, .. }) => {
                format!("fix or unset {name}")
            }
            CliError::Config(_) => {
                format!("fix the file (`{program} init` in an empty directory writes a commented example), or name another with --config FILE")
            }
            CliError::BackendNotCompiled { feature, .. } => format!(
                "rebuild with retort's `{feature}` feature (the standalone binary: `cargo install retort-cli --features {feature}`)"
            ),
            CliError::Connect { .. } => {
                "check that the server is running and that the URL's host, port, user and database are right".to_owned()
            }
            CliError::NeedsModels { command } => format!(
                "run it from your application's binary with the models compiled in: put `fn main() {{ retort::cli::main(retort::schema![User, Team], \"migrations\") }}` in src/bin/migrate.rs, then `cargo run --bin migrate -- {command}`"
            ),
            CliError::NoMigrationsDirectory { .. } => {
                format!("create it with `{program} init`, or point at another with --migrations DIR")
            }
            CliError::DirectoryNotEmpty { .. } => {
                "it is ready to use; point at another directory with --migrations DIR to start afresh".to_owned()
            }
            CliError::NotAtHead { .. } => format!("apply them first with `{program} upgrade head`"),
            CliError::ModelsDiffer { .. } => format!(
                "write them into a revision with `{program} revision --autogenerate -m \"MESSAGE\"`"
            ),
            CliError::DestructivePending { .. } => {
                "review those revisions: keep the data (a rename hint, a copy) or accept the loss knowingly".to_owned()
            }
            CliError::LockingStatements { .. } => format!(
                "rewrite them as each finding says, or autogenerate with `{program} revision --autogenerate --online`"
            ),
            CliError::NothingToMerge { .. } => {
                format!("list the heads with `{program} heads`; `merge heads -m MSG` joins them all")
            }
            CliError::BadRange { .. } => {
                "write it like `base:head`, `ae10:` or `:current`".to_owned()
            }
            CliError::ScratchDatabase { .. } => {
                "the user of --url must be allowed to create databases there (PostgreSQL: CREATEDB; MySQL: CREATE); the database the URL names is not touched, so a local server of the same kind will do".to_owned()
            }
            CliError::SquashMismatch { .. } => {
                "squash up to an earlier revision, or report the difference: it is what retort cannot write back from the schema it reads".to_owned()
            }
            CliError::Squash(crate::squash::SquashError::Revision(error)) => {
                return revision_hint(error, program)
            }
            CliError::Squash(crate::squash::SquashError::DataStep { .. }) => {
                "a fresh database built from the baseline gets no rows from those steps with --drop-data-steps; --keep-data-steps runs them after the baseline's DDL".to_owned()
            }
            CliError::Squash(_) => format!("`{program} history` shows the graph; `{program} show REV` a revision"),
            CliError::SeveralCurrent { .. } => "name one of those revisions instead".to_owned(),
            CliError::NoTargets { .. } => {
                "list one target a line: a database URL, optionally followed by schema=NAME".to_owned()
            }
            CliError::FleetFailed { hint, .. } => hint.clone(),
            CliError::Fleet(crate::fleet::FleetError::Revision(error)) => {
                return revision_hint(error, program)
            }
            CliError::Fleet(crate::fleet::FleetError::Duplicate { .. }) => {
                "list each target once".to_owned()
            }
            CliError::Fleet(_) => {
                "list a database that is not PostgreSQL by its URL alone: it is a target of its own".to_owned()
            }
            CliError::Targets(_) => return None,
            CliError::Revision(error) => return revision_hint(error, program),
            CliError::Migrate(error) => match error.kind() {
                MigrateErrorKind::Revision(error) => return revision_hint(error, program),
                MigrateErrorKind::Edited { revision, .. } => format!(
                    "to accept the edit, run with --allow-edited, or `{program} --allow-edited stamp {revision}` to re-record its checksum"
                ),
                MigrateErrorKind::PartlyReplaced { last, .. } => format!(
                    "with the migrations directory as it was before the squash, run `{program} upgrade {last}`; then this directory's `{program} upgrade` goes on from the baseline"
                ),
                MigrateErrorKind::Missing { .. } => {
                    "to go on without its file, run with --allow-missing".to_owned()
                }
                MigrateErrorKind::UnregisteredStep { step, .. } => format!(
                    "to run it from this command line, register it in src/bin/migrate.rs: `retort::cli::main_with_steps(retort::schema![...], \"migrations\", |migrator| migrator.step(\"{step}\", fill))`"
                ),
                MigrateErrorKind::Unfinished { revision, .. }
                | MigrateErrorKind::StatementFailed {
                    revision,
                    rolled_back: false,
                    ..
                } => format!(
                    "`{program} current` shows the statement that failed; once the database is repaired, run `{program} stamp {revision}` if its changes are all in place, or stamp its parent if you undid them"
                ),
                _ => return None,
            },
            CliError::Autogenerate(error) => match error {
                AutogenerateError::Revision(error) => return revision_hint(error, program),
                AutogenerateError::NotUpToDate { .. } => {
                    format!("apply them first with `{program} upgrade head`")
                }
                AutogenerateError::MultipleHeads { .. } => {
                    format!("join them with `{program} merge heads -m \"merge\"`")
                }
                _ => return None,
            },
            CliError::Io { .. } | CliError::Write { .. } | CliError::Introspect(_) | CliError::Render(_) => return None,
        })
    }
}

fn revision_hint(error: &RevisionError, program: &str) -> Option<String> {
    Some(match error {
        RevisionError::UnknownTarget { .. } | RevisionError::AmbiguousTarget { .. } => {
            format!("list the revisions with `{program} history`")
        }
        RevisionError::MultipleHeads { .. } => {
            format!("join them with `{program} merge heads -m \"merge\"`")
        }
        RevisionError::NoSqlForBackend { revision, label, .. } => format!(
            "`{program} show {revision}` lists its sections; `{program} revision --autogenerate --backends {label}` writes new revisions with one for {label} too"
        ),
        RevisionError::Malformed { .. } | RevisionError::BadFileName { .. } => {
            "fix the file (see the migration file format in the README), or move it out of the migrations directory".to_owned()
        }
        _ => return None,
    })
}
