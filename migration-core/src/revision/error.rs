//! What can be wrong with a migrations directory, its graph or a target.

use std::sync::Arc;

/// A problem with the migration files, the revision graph they form, or a
/// target such as `head` or `+2`.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RevisionError {
    /// The migrations directory or one of its files could not be read.
    #[error("cannot read migrations at {path}: {source}")]
    Io {
        /// The directory or file.
        path: String,
        /// What the operating system said.
        source: Arc<std::io::Error>,
    },

    /// A `.sql` file in the migrations directory is not named
    /// `<yyyymmddHHMMSS>_<revision>_<slug>.sql`.
    #[error("migration file {file} is misnamed: {problem}; name it `<yyyymmddHHMMSS>_<revision>_<slug>.sql`")]
    BadFileName {
        /// The file's name.
        file: String,
        /// What is wrong with it.
        problem: String,
    },

    /// A migration file does not follow the format.
    #[error("{file}:{line}: {problem}")]
    Malformed {
        /// The file's name.
        file: String,
        /// The line, counting from 1.
        line: usize,
        /// What is wrong there.
        problem: String,
    },

    /// Two files declare the same revision id.
    #[error("revision {revision} is declared by two files, {first} and {second}: give one of them a new id")]
    DuplicateRevision {
        /// The id.
        revision: String,
        /// The first file declaring it.
        first: String,
        /// The second file declaring it.
        second: String,
    },

    /// A revision names a parent no file declares.
    #[error(
        "revision {revision} ({file}) names parent {parent}, which no migration file declares"
    )]
    UnknownParent {
        /// The revision naming the parent.
        revision: String,
        /// Its file.
        file: String,
        /// The missing parent.
        parent: String,
    },

    /// A revision depends on a revision no file declares.
    #[error(
        "revision {revision} ({file}) depends on {dependency}, which no migration file declares"
    )]
    UnknownDependency {
        /// The revision naming the dependency.
        revision: String,
        /// Its file.
        file: String,
        /// The missing dependency.
        dependency: String,
    },

    /// Two revisions give the same branch label.
    #[error("branch label `{label}` is given by both {first} and {second}")]
    DuplicateBranchLabel {
        /// The label.
        label: String,
        /// The first revision giving it.
        first: String,
        /// The second.
        second: String,
    },

    /// A baseline replaces a revision that a file still declares, or that
    /// another baseline replaces too.
    #[error("revision {revision} is replaced by baseline {baseline} ({file}) but {other}: remove that file, or the id from the baseline's `-- retort:replaces` line")]
    StillReplaced {
        /// The replaced revision.
        revision: String,
        /// The baseline replacing it.
        baseline: String,
        /// The baseline's file.
        file: String,
        /// What else declares it: a file, or another baseline.
        other: String,
    },

    /// `NAME@head` names a branch with several heads.
    #[error("`{target}` names a branch with {} heads ({}): name one of them", .heads.len(), .heads.join(", "))]
    BranchHasSeveralHeads {
        /// The target as given.
        target: String,
        /// The heads of the branch.
        heads: Vec<String>,
    },

    /// The parents form a cycle.
    #[error("revisions {} form a cycle through their parents: a revision cannot follow itself", .revisions.join(", "))]
    Cycle {
        /// The revisions on or behind the cycle.
        revisions: Vec<String>,
    },

    /// No revision id starts with the target.
    #[error("unknown revision `{target}`: no revision id starts with it (targets are head, heads, base, +N, -N, a revision id or unique prefix, or one followed by +N or -N)")]
    UnknownTarget {
        /// The target as given.
        target: String,
    },

    /// More than one revision id starts with the target.
    #[error("revision prefix `{target}` is ambiguous: it could be {}; give more digits", .candidates.join(", "))]
    AmbiguousTarget {
        /// The prefix as given.
        target: String,
        /// Every revision it could mean.
        candidates: Vec<String>,
    },

    /// The target does not make sense for the operation.
    #[error("target `{target}` cannot be used to {operation}: use {expected}")]
    InvalidTarget {
        /// The target as given.
        target: String,
        /// `upgrade`, `downgrade`, `stamp`, ...
        operation: &'static str,
        /// The targets that can.
        expected: &'static str,
    },

    /// `+N` or `-N` asks for more revisions than there are to apply or revert.
    #[error(
        "target `{target}` asks for more revisions than the {available} there are to {operation}"
    )]
    RelativeOutOfRange {
        /// The target as given.
        target: String,
        /// `upgrade` or `downgrade`.
        operation: &'static str,
        /// How many there are.
        available: usize,
    },

    /// A target relative to a revision (`ae10+1`, `ae10-1`) walks past a
    /// branch point or a merge, where the next step is not one revision.
    #[error("target `{target}` is not one revision: {revision} has {relation} {}; name the one you mean", .candidates.join(" and "))]
    BranchedTarget {
        /// The target as given.
        target: String,
        /// The revision where the walk branches.
        revision: String,
        /// `children` or `parents`.
        relation: &'static str,
        /// Where it could go next.
        candidates: Vec<String>,
    },

    /// `head` was asked for but the graph has several.
    #[error("the migrations have {} heads ({}): join them with a merge revision (`merge heads`), or upgrade to `heads` to apply every branch", .heads.len(), .heads.join(", "))]
    MultipleHeads {
        /// Every head.
        heads: Vec<String>,
    },

    /// A downgrade reaches a revision that has no down section.
    #[error(
        "revision {revision} ({file}) has no `-- retort:down` section, so it cannot be reverted"
    )]
    Irreversible {
        /// The revision.
        revision: String,
        /// Its file.
        file: String,
    },

    /// A revision to run has no SQL for the connected database: its file
    /// has sections only for others.
    #[error(
        "revision {revision} ({file}) has no SQL for {backend}: it has sections for {} only; add a `-- retort:up {label}` section (autogenerate writes one per database it is asked for), or run it on one of those databases",
        .has.join(", ")
    )]
    NoSqlForBackend {
        /// The revision.
        revision: String,
        /// Its file.
        file: String,
        /// The connected database, for people (`PostgreSQL`).
        backend: String,
        /// The connected database's section label (`postgresql`).
        label: String,
        /// The databases the file has sections for.
        has: Vec<String>,
    },
}
