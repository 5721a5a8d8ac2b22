//! The command line's grammar: Alembic's commands and their options, as clap
//! derive structs.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub(crate) use super::fleet::FleetArgs;

/// The whole command line.
#[derive(Debug, Parser)]
#[command(
    version,
    about = "Schema migrations for diesel applications: Alembic's commands on retort's revision files",
    disable_help_subcommand = true
)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub(crate) struct GlobalArgs {
    /// The database: postgres://..., mysql://..., sqlite://FILE or a file
    /// path [default: the variable the config file's url_env names
    /// (DATABASE_URL), then its url].
    #[arg(long, global = true)]
    pub(crate) url: Option<String>,

    /// The migrations directory [default: RETORT_MIGRATIONS, then the config
    /// file's, then the one the program was built with].
    #[arg(long, value_name = "DIR", global = true)]
    pub(crate) migrations: Option<PathBuf>,

    /// The config file [default: RETORT_CONFIG, then retort.toml or
    /// Cargo.toml's [package.metadata.retort], from here up].
    #[arg(long, value_name = "FILE", global = true)]
    pub(crate) config: Option<PathBuf>,

    /// The config file's named environment ([environments.NAME]) to use
    /// [default: RETORT_ENV].
    #[arg(long = "env", value_name = "NAME", global = true)]
    pub(crate) environment: Option<String>,

    /// How long each statement of a revision waits for a lock before the
    /// revision is retried: 500ms, 5s, 2m, or off [default:
    /// RETORT_LOCK_TIMEOUT, then the config file's, then 5s].
    #[arg(long, value_name = "DURATION", global = true, value_parser = parse_timeout)]
    pub(crate) lock_timeout: Option<Timeout>,

    /// How long each statement of a revision may run (PostgreSQL), or off
    /// [default: RETORT_STATEMENT_TIMEOUT, then the config file's, then off].
    #[arg(long, value_name = "DURATION", global = true, value_parser = parse_timeout)]
    pub(crate) statement_timeout: Option<Timeout>,

    /// Print only errors and the data asked for (no progress or summary lines).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub(crate) quiet: bool,

    /// Print more: the database and directory used, each revision's details.
    #[arg(short, long, global = true)]
    pub(crate) verbose: bool,

    /// When to colour the output: auto (on a terminal, unless NO_COLOR is
    /// set), always, or never.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto, global = true)]
    pub(crate) color: ColorChoice,

    /// Accept applied revisions whose file changed since (`stamp` then
    /// re-records their checksums).
    #[arg(long, global = true)]
    pub(crate) allow_edited: bool,

    /// Accept applied revisions that no file declares any more.
    #[arg(long, global = true)]
    pub(crate) allow_missing: bool,
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always, even into a pipe or a file.
    Always,
    /// Never.
    Never,
}

/// A limit in time, or none (`off`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Timeout(pub(crate) Option<std::time::Duration>);

fn parse_timeout(text: &str) -> Result<Timeout, String> {
    super::config::parse_duration(text)
        .map(Timeout)
        .map_err(|()| format!("`{text}` is not {}", super::config::DURATION_EXPECTED))
}

/// The commands, with Alembic's names and meanings.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Create the migrations directory, and a commented retort.toml beside
    /// it when no config file is found.
    Init,

    /// Show the settings in force and where each came from (a flag, an
    /// environment variable, the config file or the default), the URL's
    /// password hidden.
    Config,

    /// Write a new revision file: empty, or with --autogenerate the changes
    /// that bring the database to the models.
    Revision(RevisionArgs),

    /// Apply revisions up to TARGET (head, heads, +N, a revision, or one
    /// relative to a revision: REV+N, REV-N).
    Upgrade(UpgradeArgs),

    /// Revert revisions back to TARGET (base, -N, a revision, or one
    /// relative to a revision: REV-N, REV+N).
    Downgrade(DowngradeArgs),

    /// Show the revision(s) the database is at.
    Current {
        #[command(flatten)]
        fleet: FleetArgs,
    },

    /// Show the heads: revisions no other revision follows.
    Heads {
        /// Count dependencies (--depends-on) as parents: a head another
        /// revision depends on is not shown.
        #[arg(long)]
        resolve_dependencies: bool,
    },

    /// Show the branch points: revisions followed by more than one revision.
    Branches,

    /// List revisions, newest first.
    History(HistoryArgs),

    /// Show one revision: its header and its SQL.
    Show {
        /// A revision id or a unique prefix of one (or head).
        revision: String,
    },

    /// Write a revision that joins two or more heads.
    Merge(MergeArgs),

    /// Open a revision's file in $VISUAL or $EDITOR, then check it still
    /// reads.
    Edit {
        /// A revision id, a unique prefix, a branch label, LABEL@head or
        /// head.
        revision: String,
    },

    /// Replace every revision from the first up to REV with one baseline
    /// revision that builds the same schema, checked on scratch databases
    /// made on the URL's server; databases that applied those revisions
    /// are recorded as at the baseline on their next upgrade, with no SQL
    /// run.
    Squash(SquashArgs),

    /// Record REV as where the database is, without running any SQL.
    Stamp {
        /// head, heads, base or a revision.
        revision: String,

        #[command(flatten)]
        fleet: FleetArgs,
    },

    /// Fail (exit 1) when the models and the database differ, listing the
    /// operations a new revision would hold.
    Check(CheckArgs),

    /// Print a completion script for SHELL: `source <(retort completions
    /// bash)`, or save it where the shell loads completions from.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },

    /// Print the manual page (roff), or write one page per command into DIR.
    Man {
        /// Write NAME.1 and NAME-COMMAND.1 for each command into DIR
        /// instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// `revision`.
#[derive(Debug, Args)]
pub(crate) struct RevisionArgs {
    /// What the revision does, in a few words.
    #[arg(short, long)]
    pub(crate) message: String,

    /// Fill the revision with the changes that bring the database to the
    /// models (needs the models and the database).
    #[arg(long)]
    pub(crate) autogenerate: bool,

    /// Write a data migration: a revision whose up section runs the Rust
    /// step NAME (`-- retort:run NAME`), which the application registers
    /// with `Migrator::step`.
    #[arg(long, value_name = "NAME", conflicts_with = "autogenerate")]
    pub(crate) step: Option<String>,

    /// With --autogenerate, write the revision even when nothing differs.
    #[arg(long, requires = "autogenerate")]
    pub(crate) empty: bool,

    /// With --autogenerate, write lock-friendly steps (PostgreSQL: indexes
    /// built CONCURRENTLY, constraints NOT VALID then validated), one
    /// revision per step.
    #[arg(long, requires = "autogenerate")]
    pub(crate) online: bool,

    /// The revision the new one follows [default: the single head]; `base`
    /// starts a new root, LABEL@head follows a branch's head.
    #[arg(long, value_name = "REV", conflicts_with = "autogenerate")]
    pub(crate) head: Option<String>,

    /// With --head, let the new revision follow a revision that is not a
    /// head (a new branch from there).
    #[arg(long, requires = "head")]
    pub(crate) splice: bool,

    /// A name for the branch the revision starts: LABEL and LABEL@head
    /// become targets.
    #[arg(long, value_name = "LABEL", value_delimiter = ',')]
    pub(crate) branch_label: Vec<String>,

    /// Revisions to apply before this one without being its parents (a
    /// dependency on another branch).
    #[arg(long, value_name = "REV", value_delimiter = ',')]
    pub(crate) depends_on: Vec<String>,

    /// The revision's id instead of a random one: 12 lowercase hex digits.
    #[arg(long, value_name = "ID")]
    pub(crate) rev_id: Option<String>,

    /// With --autogenerate, also write the change for these databases
    /// (postgresql, mysql, sqlite), each in sections of its own, besides
    /// the connected one.
    #[arg(
        long,
        requires = "autogenerate",
        value_delimiter = ',',
        value_name = "DATABASES",
        value_parser = parse_backend
    )]
    pub(crate) backends: Vec<crate::BackendKind>,
}

/// A database's name as revision files write it.
fn parse_backend(name: &str) -> Result<crate::BackendKind, String> {
    crate::BackendKind::from_label(name).ok_or_else(|| {
        format!("`{name}` is not a database retort knows: postgresql, mysql or sqlite")
    })
}

/// `squash`.
#[derive(Debug, Args)]
pub(crate) struct SquashArgs {
    /// The last revision to replace: an id or unique prefix, a branch
    /// label, LABEL@head, or head.
    #[arg(long, value_name = "REV")]
    pub(crate) to: String,

    /// The baseline's message [default: squash of N revisions up to REV].
    #[arg(short, long)]
    pub(crate) message: Option<String>,

    /// Leave data steps (INSERT, UPDATE, DELETE, `-- retort:run`,
    /// `-- retort:backfill`) out of the baseline: fresh databases get the
    /// schema without the rows they wrote.
    #[arg(long, conflicts_with = "keep_data_steps")]
    pub(crate) drop_data_steps: bool,

    /// Carry data steps into the baseline, in order, after its DDL.
    #[arg(long)]
    pub(crate) keep_data_steps: bool,

    /// The baseline's id instead of a random one: 12 lowercase hex digits.
    #[arg(long, value_name = "ID")]
    pub(crate) rev_id: Option<String>,
}

/// `upgrade`.
#[derive(Debug, Args)]
pub(crate) struct UpgradeArgs {
    /// head, heads, +N, a revision, or REV+N / REV-N (e.g. ae10-1: the
    /// revision before ae10); with --sql, FROM:TO is allowed.
    #[arg(default_value = "head")]
    pub(crate) target: String,

    /// Print the SQL instead of running it (offline: only the URL's scheme is used).
    #[arg(long, conflicts_with = "targets")]
    pub(crate) sql: bool,

    #[command(flatten)]
    pub(crate) fleet: FleetArgs,
}

/// `downgrade`.
#[derive(Debug, Args)]
pub(crate) struct DowngradeArgs {
    /// base, -N, a revision, or REV-N / REV+N (e.g. ae10-1: the revision
    /// before ae10); with --sql, FROM:TO is allowed (FROM defaults to head).
    #[arg(allow_hyphen_values = true)]
    pub(crate) target: String,

    /// Print the SQL instead of running it (offline: only the URL's scheme is used).
    #[arg(long, conflicts_with = "targets")]
    pub(crate) sql: bool,

    #[command(flatten)]
    pub(crate) fleet: FleetArgs,
}

/// `history`.
#[derive(Debug, Args)]
pub(crate) struct HistoryArgs {
    /// Only revisions in LOWER:UPPER (each a revision, base, head, current,
    /// or empty), both ends included.
    #[arg(short = 'r', long, value_name = "RANGE")]
    pub(crate) rev_range: Option<String>,

    /// Mark the revisions the database is at (needs the database).
    #[arg(short = 'i', long)]
    pub(crate) indicate_current: bool,
}

/// `merge`.
#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// `heads`, or two or more revisions.
    #[arg(required = true, num_args = 1..)]
    pub(crate) revisions: Vec<String>,

    /// What the merge is for.
    #[arg(short, long)]
    pub(crate) message: String,

    /// A name for the branch the merge starts.
    #[arg(long, value_name = "LABEL", value_delimiter = ',')]
    pub(crate) branch_label: Vec<String>,

    /// The merge's id instead of a random one: 12 lowercase hex digits.
    #[arg(long, value_name = "ID")]
    pub(crate) rev_id: Option<String>,
}

/// `check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Also fail when a pending revision holds a destructive operation
    /// (dropping a table or column, narrowing a type, ...).
    #[arg(long, conflicts_with = "targets")]
    pub(crate) destructive: bool,

    /// Instead, lint the pending revisions for statements that block the
    /// application (a lock held for a table scan, rewrite or copy) and name
    /// the safe alternative, with the rules of the connected database:
    /// PostgreSQL's or MySQL's (SQLite has none). Needs no models.
    #[arg(long, conflicts_with = "destructive")]
    pub(crate) online: bool,

    #[command(flatten)]
    pub(crate) fleet: FleetArgs,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_grammar_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn alembic_spellings_parse() {
        let cli = Cli::try_parse_from(["migrate", "revision", "--autogenerate", "-m", "add email"])
            .unwrap();
        assert!(matches!(
            cli.command,
            Command::Revision(RevisionArgs { autogenerate: true, ref message, .. }) if message == "add email"
        ));
        let cli = Cli::try_parse_from(["migrate", "upgrade", "--sql"]).unwrap();
        assert!(
            matches!(cli.command, Command::Upgrade(UpgradeArgs { sql: true, ref target, .. }) if target == "head")
        );
        let cli = Cli::try_parse_from(["migrate", "downgrade", "-1"]).unwrap();
        assert!(
            matches!(cli.command, Command::Downgrade(DowngradeArgs { ref target, .. }) if target == "-1")
        );
        let cli = Cli::try_parse_from(["migrate", "current", "-v"]).unwrap();
        assert!(cli.global.verbose);
        let cli = Cli::try_parse_from([
            "migrate",
            "history",
            "-r",
            "base:head",
            "--indicate-current",
        ])
        .unwrap();
        assert!(matches!(
            cli.command,
            Command::History(HistoryArgs { indicate_current: true, rev_range: Some(ref range) }) if range == "base:head"
        ));
        let cli = Cli::try_parse_from(["migrate", "merge", "heads", "-m", "merge"]).unwrap();
        assert!(
            matches!(cli.command, Command::Merge(MergeArgs { ref revisions, .. }) if revisions == &["heads"])
        );
    }
}
