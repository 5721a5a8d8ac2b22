//! What can stop autogenerate.

use crate::introspect::IntrospectError;
use crate::render::RenderError;
use crate::revision::RevisionError;
use crate::runner::MigrateError;

/// Why [`autogenerate`](super::autogenerate) wrote no revision.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AutogenerateError {
    /// The migrations directory could not be read or created, a file in it
    /// is malformed, or the new file could not be written.
    #[error(transparent)]
    Revision(#[from] RevisionError),

    /// The migrations have several heads, so a new revision would not know
    /// which one to follow.
    #[error("the migrations in {dir} have {} heads ({}): join them with a merge revision first (`merge heads`), then autogenerate", .heads.len(), .heads.join(", "))]
    MultipleHeads {
        /// The migrations directory.
        dir: String,
        /// Every head.
        heads: Vec<String>,
    },

    /// The database lacks revisions of the directory: a diff against it
    /// would write their changes a second time.
    #[error("the database is not up to date with {dir}: revision(s) {} are not applied; upgrade the database to head first, then autogenerate", .pending.join(", "))]
    NotUpToDate {
        /// The migrations directory.
        dir: String,
        /// The revisions not applied, in the order they would apply.
        pending: Vec<String>,
    },

    /// Reading the version table failed, or an applied revision was edited
    /// or vanished.
    #[error(transparent)]
    Migrate(#[from] MigrateError),

    /// Reading the database's schema failed.
    #[error(transparent)]
    Introspect(#[from] IntrospectError),

    /// The database cannot express a change the models ask for.
    #[error(transparent)]
    Render(#[from] RenderError),

    /// Online revisions were asked for with SQL for several databases:
    /// their steps are particular to the connected database.
    #[error("online revisions are written for the connected database ({backend}) only: autogenerate the other databases' SQL without --online, or one database at a time")]
    OnlineForSeveralBackends {
        /// The connected database.
        backend: &'static str,
    },
}
