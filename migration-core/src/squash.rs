//! Squash: one baseline revision in place of the chain of revisions from
//! the first one up to a given one.
//!
//! A project with thousands of revisions pays for each of them on every
//! fresh database and in every listing. Squashing up to `REV` folds the
//! chain from the root to `REV` into a baseline whose SQL creates the
//! schema that chain builds:
//!
//! 1. [`plan`] picks the chain and refuses what a baseline cannot stand in
//!    for: a merge or a branch inside it, a dependency outside it, a
//!    diesel folder, statements squash cannot read back (views, functions,
//!    triggers...), and data steps (`INSERT`, `UPDATE`, `DELETE`, `--
//!    retort:run`, `-- retort:backfill`) unless told to drop or keep them
//!    ([`DataSteps`]).
//! 2. The caller applies [`Squash::scratch_migrations`] to a fresh scratch
//!    database and reads its schema back (`introspect`).
//! 3. [`Squash::baseline`] renders that schema as a new root revision, one
//!    section per database, that names the revisions it replaces
//!    (`-- retort:replaces`, covered by its checksum) and carries the kept
//!    data steps after its DDL. The caller checks it: applied alone to
//!    another scratch database, it must give the same schema.
//! 4. [`Squash::write`] writes it, points the revisions that followed (or
//!    depended on) the chain at it, and deletes the chain's files.
//!
//! A database that applied the chain is at the baseline: the runner
//! recognises the last replaced revision in its version table, records
//! the baseline in place of the replaced rows without running its SQL, and
//! goes on with the revisions after it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::backend::BackendKind;
use crate::diff::diff;
use crate::render::{render, RenderError};
use crate::revision::{
    actions, retarget_references, Action, Migrations, NewRevision, Revision, RevisionError,
    RevisionGraph,
};
use crate::schema::Schema;

/// What to do with data steps in the chain: statements that change rows
/// rather than the schema, Rust steps and backfills.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum DataSteps {
    /// Refuse to squash, naming the first one.
    #[default]
    Refuse,
    /// Leave them out of the baseline: a fresh database gets the schema
    /// without the rows they wrote.
    Drop,
    /// Carry them into the baseline, in order, after its DDL (where the
    /// schema is the final one, so a step written for an older shape of a
    /// table fails there, and the check of the baseline says so).
    Keep,
}

/// Why a chain cannot be squashed, or a file could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SquashError {
    /// The migration files, their graph or the target.
    #[error(transparent)]
    Revision(#[from] RevisionError),

    /// The schema cannot be written as a database's SQL.
    #[error(transparent)]
    Render(#[from] RenderError),

    /// The target is the first revision: nothing comes before it.
    #[error("revision {revision} is the first revision, so there is nothing to squash into it")]
    NothingToSquash {
        /// The revision.
        revision: String,
    },

    /// A revision of the chain joins two branches.
    #[error("revision {revision} in the history of {to} is a merge (of {}): squash replaces one line of history, so squash up to a revision before the merge, or ask for the merge itself only once its branches are squashed", .parents.join(", "))]
    Merge {
        /// The merge.
        revision: String,
        /// Its parents.
        parents: Vec<String>,
        /// The squash target.
        to: String,
    },

    /// A revision of the chain starts a branch that is not in the chain.
    #[error("revision {revision} in the history of {to} is also followed by {child}, which is not in that history: squashing up to {to} would leave that branch without its parent; merge the branches first, or squash up to {revision}")]
    Branch {
        /// The branch point.
        revision: String,
        /// Its child outside the chain.
        child: String,
        /// The squash target.
        to: String,
    },

    /// A revision of the chain depends on one outside it.
    #[error("revision {revision} depends on {dependency}, which is not in the history of {to}: squash up to a revision whose history holds both")]
    Dependency {
        /// The revision.
        revision: String,
        /// Its dependency.
        dependency: String,
        /// The squash target.
        to: String,
    },

    /// The chain holds a diesel migration folder.
    #[error("revision {revision} is the diesel migration folder {folder}: squash replaces retort's own files only; squash up to a revision after the diesel folders once every database has moved to retort, after moving the folders out")]
    DieselFolder {
        /// The revision.
        revision: String,
        /// The folder.
        folder: String,
    },

    /// A revision of the chain changes rows, and no [`DataSteps`] choice
    /// was made.
    #[error("revision {revision} ({file}) holds a data step, which a baseline built from the schema would lose: {step}; pass --drop-data-steps to leave data steps out of the baseline, or --keep-data-steps to carry them into it after its DDL")]
    DataStep {
        /// The revision.
        revision: String,
        /// Its file.
        file: String,
        /// The statement or directive.
        step: String,
    },

    /// A revision of the chain runs a statement that changes something
    /// introspection does not read back, so the baseline would lose it.
    #[error("revision {revision} ({file}) runs a statement squash cannot rebuild from the schema it reads back (tables, columns, keys, indexes, checks, enums and comments; not views, functions, triggers, sequences, extensions or grants): {statement}; squash up to a revision before it")]
    NotReadBack {
        /// The revision.
        revision: String,
        /// Its file.
        file: String,
        /// The statement, shortened.
        statement: String,
    },

    /// A file could not be read, written or removed.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: String,
        /// What the operating system said.
        source: Arc<std::io::Error>,
    },
}

/// A chain chosen to be squashed: see the [module documentation](self).
#[derive(Debug)]
pub struct Squash<'g> {
    graph: &'g RevisionGraph,
    /// The chain, root first; the last is the target.
    chain: Vec<&'g Revision>,
    data: DataSteps,
}

/// Chooses the chain from the root up to `to` (a revision id, unique
/// prefix, branch label, `LABEL@head`, or `head`) and checks that a
/// baseline can replace it.
///
/// # Errors
///
/// [`SquashError`] naming the revision that stands in the way and what
/// to do.
pub fn plan<'g>(
    graph: &'g RevisionGraph,
    to: &str,
    data: DataSteps,
) -> Result<Squash<'g>, SquashError> {
    let target = if to == "head" {
        let head = graph
            .single_head()?
            .ok_or_else(|| RevisionError::UnknownTarget {
                target: to.to_owned(),
            })?;
        graph.at(head)
    } else {
        graph.find(to)?
    };
    let to = target.id.clone();
    let mut chain = vec![target];
    loop {
        let revision = chain[chain.len() - 1];
        match revision.parents.as_slice() {
            [] => break,
            [parent] => chain.push(graph.find(parent)?),
            parents => {
                return Err(SquashError::Merge {
                    revision: revision.id.clone(),
                    parents: parents.to_vec(),
                    to,
                })
            }
        }
    }
    chain.reverse();
    if chain.len() < 2 {
        return Err(SquashError::NothingToSquash { revision: to });
    }
    let in_chain = |id: &str| chain.iter().any(|revision| revision.id == id);
    for (at, revision) in chain.iter().enumerate() {
        if let Some(folder) = revision
            .diesel_version
            .as_ref()
            .map(|_| &revision.file_name)
        {
            return Err(SquashError::DieselFolder {
                revision: revision.id.clone(),
                folder: folder.clone(),
            });
        }
        if let Some(dependency) = revision.depends_on.iter().find(|id| !in_chain(id)) {
            return Err(SquashError::Dependency {
                revision: revision.id.clone(),
                dependency: dependency.clone(),
                to,
            });
        }
        if at + 1 < chain.len() {
            if let Some(child) = graph
                .children(&revision.id)
                .into_iter()
                .find(|child| !in_chain(&child.id))
            {
                return Err(SquashError::Branch {
                    revision: revision.id.clone(),
                    child: child.id.clone(),
                    to,
                });
            }
        }
        check_statements(revision, data)?;
    }
    Ok(Squash { graph, chain, data })
}

impl Squash<'_> {
    /// The revisions the baseline replaces, oldest first: those of an
    /// earlier baseline in the chain, then the chain's own.
    pub fn replaced(&self) -> Vec<String> {
        let mut replaced = Vec::new();
        for revision in &self.chain {
            replaced.extend(revision.replaces.iter().cloned());
            replaced.push(revision.id.clone());
        }
        replaced
    }

    /// The revisions of the chain, oldest first.
    pub fn chain(&self) -> impl Iterator<Item = &Revision> + '_ {
        self.chain.iter().copied()
    }

    /// The chain as migrations of their own, to apply to a scratch database
    /// and read back: its revisions with their Rust steps (`-- retort:run`)
    /// left out, as the scratch run has no steps registered.
    ///
    /// # Errors
    ///
    /// Never in practice: the chain is part of a checked graph.
    pub fn scratch_migrations(&self) -> Result<Migrations, SquashError> {
        Ok(without_steps(
            self.chain.iter().map(|revision| (*revision).clone()),
        )?)
    }

    /// The baseline: a new root revision whose up section creates `schema`
    /// (the chain's result, read back from a scratch database) for each of
    /// `backends` (the first is the database `schema` was read from; the
    /// others get the same schema in their spelling), followed by the kept
    /// data steps; its down section drops it all. It replaces
    /// [`Squash::replaced`] and takes the chain's branch labels.
    ///
    /// # Errors
    ///
    /// A database cannot express part of the schema.
    pub fn baseline(
        &self,
        schema: &Schema,
        backends: &[BackendKind],
        message: &str,
    ) -> Result<NewRevision, SquashError> {
        let mut baseline = NewRevision::new(Vec::new(), message);
        baseline.replaces = self.replaced();
        baseline.branch_labels = self
            .chain
            .iter()
            .flat_map(|revision| revision.branch_labels.iter().cloned())
            .collect();
        for (at, &backend) in backends.iter().enumerate() {
            let changes = diff(&Schema::default(), &backend.backend().stored_form(schema));
            let mut up = render(&changes, backend.backend())?;
            if self.data == DataSteps::Keep {
                up.extend(self.kept_steps(backend));
            }
            let down = match render(&changes.reverse(), backend.backend()) {
                Ok(down) => Some(down),
                Err(error) => {
                    baseline
                        .warnings
                        .push(format!("{}: no down section: {error}", backend.label()));
                    None
                }
            };
            if at == 0 {
                baseline.backend = Some(backend);
                baseline.up = up;
                baseline.down = down;
            } else {
                baseline.warnings.push(format!(
                    "{}: written from the schema {} built; review it",
                    backend.label(),
                    backends[0].display_name()
                ));
                baseline
                    .other_backends
                    .push(crate::revision::BackendSql { backend, up, down });
            }
        }
        Ok(baseline)
    }

    /// The data steps of the chain for `backend`, in order, as lines of an
    /// up section.
    fn kept_steps(&self, backend: BackendKind) -> Vec<String> {
        let mut kept = Vec::new();
        for revision in &self.chain {
            let Some(up) = revision.up_sql_for(backend) else {
                continue;
            };
            for action in actions(up, backend).unwrap_or_default() {
                match action {
                    Action::Sql(statement) => {
                        if statement_kind(&statement) == StatementKind::Data {
                            kept.push(statement);
                        }
                    }
                    Action::Run(name) => kept.push(format!("-- retort:run {name}")),
                    Action::Backfill {
                        backfill,
                        statement,
                    } => kept.push(format!(
                        "-- retort:backfill table={} key={} batch={} pause={}ms\n{statement}",
                        backfill.table,
                        backfill.key,
                        backfill.batch,
                        backfill.pause.as_millis()
                    )),
                }
            }
        }
        kept
    }

    /// Writes `baseline` into `dir`, points the revisions that follow or
    /// depend on the chain at it, and removes the chain's files. Returns
    /// the baseline's path.
    ///
    /// # Errors
    ///
    /// A file could not be written or removed (the baseline is written
    /// first, the chain's files removed last, so a failure leaves every
    /// revision readable), or the directory no longer reads as a graph.
    pub fn write(&self, dir: &Path, baseline: &NewRevision) -> Result<PathBuf, SquashError> {
        let path = baseline.write(dir)?;
        let replaced: Vec<String> = self.chain.iter().map(|r| r.id.clone()).collect();
        for revision in self.graph.revisions() {
            let refers = revision
                .parents
                .iter()
                .chain(&revision.depends_on)
                .any(|id| replaced.contains(id));
            if !refers || replaced.contains(&revision.id) {
                continue;
            }
            let file = dir.join(&revision.file_name);
            let io = |action, source| SquashError::Io {
                action,
                path: file.display().to_string(),
                source: Arc::new(source),
            };
            let contents = std::fs::read_to_string(&file).map_err(|error| io("read", error))?;
            std::fs::write(
                &file,
                retarget_references(&contents, &replaced, &baseline.id),
            )
            .map_err(|error| io("write", error))?;
        }
        for revision in &self.chain {
            let file = dir.join(&revision.file_name);
            std::fs::remove_file(&file).map_err(|source| SquashError::Io {
                action: "remove",
                path: file.display().to_string(),
                source: Arc::new(source),
            })?;
        }
        Migrations::from_dir(dir)?;
        Ok(path)
    }
}

/// Migrations of `revisions` with their Rust steps left out: what a
/// scratch database, with no steps registered, can run.
///
/// # Errors
///
/// The revisions do not form a graph.
pub fn without_steps(
    revisions: impl IntoIterator<Item = Revision>,
) -> Result<Migrations, RevisionError> {
    let revisions = revisions
        .into_iter()
        .map(|mut revision| {
            for section in &mut revision.sections {
                section.up = drop_step_lines(&section.up);
                section.down = section.down.as_deref().map(drop_step_lines);
            }
            revision
        })
        .collect();
    Migrations::from_revisions(revisions)
}

fn drop_step_lines(sql: &str) -> String {
    sql.lines()
        .filter(|line| crate::revision::step_name(line.trim_end()).is_none())
        .map(|line| format!("{line}\n"))
        .collect()
}

/// What a statement of the chain does, as far as squash is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StatementKind {
    /// Changes the schema in a way introspection reads back.
    Schema,
    /// Changes or reads rows.
    Data,
    /// Changes something introspection does not read back.
    Other,
}

/// Refuses the statements of `revision`'s sections that a baseline cannot
/// stand in for.
fn check_statements(revision: &Revision, data: DataSteps) -> Result<(), SquashError> {
    for section in &revision.sections {
        let kind = section.backend.unwrap_or(BackendKind::Postgres);
        for action in actions(&section.up, kind).unwrap_or_default() {
            let step = match &action {
                Action::Sql(statement) => match statement_kind(statement) {
                    StatementKind::Schema => continue,
                    StatementKind::Data => action.describe(),
                    StatementKind::Other => {
                        return Err(SquashError::NotReadBack {
                            revision: revision.id.clone(),
                            file: revision.file_name.clone(),
                            statement: shorten(statement),
                        })
                    }
                },
                Action::Run(_) | Action::Backfill { .. } => action.describe(),
            };
            if data == DataSteps::Refuse {
                return Err(SquashError::DataStep {
                    revision: revision.id.clone(),
                    file: revision.file_name.clone(),
                    step: shorten(&step),
                });
            }
        }
    }
    Ok(())
}

/// The statement on one line, at most 80 characters.
fn shorten(statement: &str) -> String {
    let line = statement.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 80 {
        format!("{}...", line.chars().take(77).collect::<String>())
    } else {
        line
    }
}

/// Classifies a statement by its leading keywords (after any comments).
fn statement_kind(statement: &str) -> StatementKind {
    let text: String = statement
        .lines()
        .filter(|line| !line.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase();
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == '(' || c == ';')
        .filter(|word| !word.is_empty())
        .take(3)
        .collect();
    match words.as_slice() {
        [] => StatementKind::Schema,
        ["INSERT", ..] => {
            // A copy between tables (a SQLite table rebuild, its guards)
            // moves no row into a fresh database; rows written as values do.
            if text.contains("VALUES") || !text.contains("SELECT") {
                StatementKind::Data
            } else {
                StatementKind::Schema
            }
        }
        ["UPDATE" | "DELETE" | "REPLACE" | "MERGE" | "COPY" | "TRUNCATE" | "SELECT" | "CALL"
        | "WITH", ..] => StatementKind::Data,
        ["CREATE", "TABLE" | "INDEX" | "TYPE", ..]
        | ["CREATE", "UNIQUE", "INDEX", ..]
        | ["CREATE", "TEMP" | "TEMPORARY", "TABLE", ..]
        | ["ALTER", "TABLE" | "TYPE", ..]
        | ["DROP", "TABLE" | "INDEX" | "TYPE", ..]
        | ["COMMENT", "ON", ..]
        | ["RENAME", "TABLE", ..]
        | ["PRAGMA" | "SET" | "ANALYZE", ..] => StatementKind::Schema,
        _ => StatementKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_told_apart() {
        for schema in [
            "CREATE TABLE t (id INT)",
            "create unique index ix on t (a)",
            "-- why\nALTER TABLE t ADD COLUMN a INT",
            "INSERT INTO \"retort_new_t\" (\"a\") SELECT \"a\" FROM \"t\"",
            "PRAGMA foreign_keys = OFF",
            "COMMENT ON TABLE t IS 'x'",
        ] {
            assert_eq!(statement_kind(schema), StatementKind::Schema, "{schema}");
        }
        for data in [
            "INSERT INTO t (a) VALUES (1)",
            "insert into t default values",
            "UPDATE t SET a = 1",
            "DELETE FROM t",
        ] {
            assert_eq!(statement_kind(data), StatementKind::Data, "{data}");
        }
        for other in [
            "CREATE VIEW v AS SELECT 1",
            "CREATE OR REPLACE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql",
            "CREATE EXTENSION pgcrypto",
        ] {
            assert_eq!(statement_kind(other), StatementKind::Other, "{other}");
        }
    }
}
