//! Migration files and the revision graph they form.
//!
//! A migrations directory holds one SQL file per revision, named
//! `<UTC yyyymmddHHMMSS>_<revision>_<slug>.sql` (see [`Revision`] for the
//! format). [`Migrations`] reads them at run time ([`Migrations::from_dir`])
//! or embeds them at compile time (`retort::embed_migrations!`), and checks
//! the graph their parents form: no duplicate ids, no unknown parents, no
//! cycles.
//!
//! A diesel project's folders (`<version>_<name>/up.sql` and `down.sql`)
//! in the same directory are read too, as a linear chain of revisions that
//! retort files follow (see `DIESEL_VERSION_TABLE` for how their history is
//! recognised).

mod diesel;
mod error;
mod file;
mod graph;
mod new;
mod retarget;
mod script;
mod split;

use std::path::Path;
use std::sync::{Arc, OnceLock};

pub use diesel::{diesel_revision_id, diesel_version, DIESEL_VERSION_TABLE};
pub use error::RevisionError;
pub use file::{
    check_branch_label, checksum, is_revision_id, parse_revision, Revision, REVISION_ID_LENGTH,
};
pub use graph::RevisionGraph;
pub(crate) use graph::Target;
pub use new::{BackendSql, NewRevision};
pub(crate) use retarget::retarget_references;
pub(crate) use script::backfill_directive;
pub use script::{
    actions, has_backfill, script_statements, step_name, step_names, Action, Backfill,
    BATCH_PLACEHOLDER,
};
pub use split::split_statements;

/// The migrations of an application: every revision file, parsed and checked.
///
/// Read them from a directory at run time:
///
/// ```no_run
/// # fn main() -> Result<(), retort_core::revision::RevisionError> {
/// let migrations = retort_core::Migrations::from_dir("migrations")?;
/// println!("heads: {:?}", migrations.graph()?.heads());
/// # Ok(()) }
/// ```
///
/// or embed them in the binary, so a deployed application needs no files:
///
/// ```ignore
/// static MIGRATIONS: retort::Migrations = retort::embed_migrations!("migrations");
/// ```
///
/// Embedded files are parsed on first use; a problem with them is returned
/// by the first call that needs them (and by [`Migrations::graph`]).
pub struct Migrations {
    embedded: &'static [(&'static str, &'static str)],
    graph: OnceLock<Result<RevisionGraph, RevisionError>>,
}

impl Migrations {
    /// Reads and checks every `*.sql` file in `dir`, and every diesel
    /// migration folder (a subdirectory holding `up.sql`); other files are
    /// ignored.
    ///
    /// # Errors
    ///
    /// [`RevisionError`] naming the file (and line) when the directory cannot
    /// be read, a file is misnamed or malformed, or the revisions do not form
    /// a graph (duplicate ids, unknown parents, cycles).
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Migrations, RevisionError> {
        let dir = dir.as_ref();
        let io_error = |path: &Path, source: std::io::Error| RevisionError::Io {
            path: path.display().to_string(),
            source: Arc::new(source),
        };
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(|error| io_error(dir, error))? {
            let entry = entry.map_err(|error| io_error(dir, error))?;
            let path = entry.path();
            let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                for file in ["up.sql", "down.sql", "metadata.toml"] {
                    let inside = path.join(file);
                    if inside.is_file() {
                        let contents = std::fs::read_to_string(&inside)
                            .map_err(|error| io_error(&inside, error))?;
                        files.push((format!("{name}/{file}"), contents));
                    }
                }
                continue;
            }
            if !name.ends_with(".sql") || !path.is_file() {
                continue;
            }
            let contents =
                std::fs::read_to_string(&path).map_err(|error| io_error(&path, error))?;
            files.push((name.to_owned(), contents));
        }
        files.sort();
        let graph = build_graph(
            files
                .iter()
                .map(|(name, contents)| (name.as_str(), contents.as_str())),
        )?;
        Ok(Migrations {
            embedded: &[],
            graph: OnceLock::from(Ok(graph)),
        })
    }

    /// Migrations made of `revisions` (for the scratch databases `squash`
    /// builds).
    ///
    /// # Errors
    ///
    /// The revisions do not form a graph.
    pub(crate) fn from_revisions(revisions: Vec<Revision>) -> Result<Migrations, RevisionError> {
        Ok(Migrations {
            embedded: &[],
            graph: OnceLock::from(Ok(RevisionGraph::new(revisions)?)),
        })
    }

    /// Migrations from `(file name, contents)` pairs embedded at compile
    /// time, parsed on first use. `embed_migrations!` expands to this.
    #[doc(hidden)]
    pub const fn from_embedded(files: &'static [(&'static str, &'static str)]) -> Migrations {
        Migrations {
            embedded: files,
            graph: OnceLock::new(),
        }
    }

    /// The revision graph.
    ///
    /// # Errors
    ///
    /// For embedded migrations, the problem with the files, if any (the same
    /// errors as [`Migrations::from_dir`]).
    pub fn graph(&self) -> Result<&RevisionGraph, RevisionError> {
        self.graph
            .get_or_init(|| {
                let mut files: Vec<(&str, &str)> = self.embedded.to_vec();
                files.sort();
                build_graph(files.into_iter())
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl std::fmt::Debug for Migrations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.graph() {
            Ok(graph) => f
                .debug_struct("Migrations")
                .field("revisions", &graph.revisions().len())
                .field("heads", &graph.heads())
                .finish(),
            Err(error) => f.debug_struct("Migrations").field("error", &error).finish(),
        }
    }
}

/// Parses files given in name order (`<folder>/up.sql` and the like for
/// diesel folders) and builds their graph.
fn build_graph<'a>(
    files: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<RevisionGraph, RevisionError> {
    let (diesel_files, retort_files): (Vec<_>, Vec<_>) =
        files.partition(|(name, _)| diesel::is_diesel_file(name));
    let folders = diesel::group_folders(diesel_files.into_iter());
    // diesel's history comes first, so its revisions lead the order.
    let mut revisions = diesel::diesel_revisions(
        folders
            .into_iter()
            .filter(|folder| folder.up.is_some() || folder.down.is_some())
            .collect(),
    )?;
    for (name, contents) in retort_files {
        revisions.push(parse_revision(name, contents)?);
    }
    RevisionGraph::new(revisions)
}
