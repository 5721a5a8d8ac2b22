//! Planning a run: where the database is (its version rows checked against
//! the files) and which revisions to run, in order.

use super::{diesel_history, Direction, MigrateErrorKind, Migrator, Result};
use crate::backend::{BackendKind, DatabaseConnection, VersionRow};
use crate::revision::{script_statements, step_names, Revision, RevisionGraph};

/// Where a database is: which revisions are applied, and any row an earlier
/// run left unfinished.
pub(super) struct DatabaseState {
    pub applied: Vec<bool>,
    pub unfinished: Option<UnfinishedRow>,
}

/// A version row whose status is not `applied`, with its status as stored
/// (which may be one no [`VersionStatus`](crate::backend::VersionStatus)
/// names).
pub(super) struct UnfinishedRow {
    pub revision: String,
    pub status: String,
}

impl Migrator<'_> {
    /// Reads the version table (empty when it does not exist) and checks it
    /// against the files.
    pub(super) fn read_state<C: DatabaseConnection>(
        &self,
        conn: &mut C,
        graph: &RevisionGraph,
    ) -> Result<DatabaseState> {
        conn.prepare_connection()?;
        match conn.read_versions() {
            Ok(rows) => self.check_rows(graph, rows, C::BACKEND),
            Err(error) => {
                if conn.version_table_exists()? {
                    // A concurrent run may have created it since the read.
                    return match conn.read_versions() {
                        Ok(rows) => self.check_rows(graph, rows, C::BACKEND),
                        Err(_) => Err(error.into()),
                    };
                }
                // Never migrated by retort: what diesel ran counts as applied.
                let mut state = self.check_rows(graph, Vec::new(), C::BACKEND)?;
                for at in diesel_history::run_by_diesel(conn, graph)? {
                    state.applied[at] = true;
                }
                Ok(state)
            }
        }
    }

    /// Checks version rows against the files: vanished and edited revisions,
    /// rows left unfinished.
    pub(super) fn check_rows(
        &self,
        graph: &RevisionGraph,
        rows: Vec<VersionRow>,
        backend: BackendKind,
    ) -> Result<DatabaseState> {
        let mut applied = vec![false; graph.revisions().len()];
        let mut unfinished = None;
        for (index, row) in rows.into_iter().enumerate() {
            // Rows usually come back in the order they were inserted, which
            // is mostly the graph's: try that before hashing the id.
            let at = match graph.revisions().get(index) {
                Some(revision) if row.revision == *revision.id => Some(index),
                _ => graph.position(row.revision.as_str()),
            };
            let Some(at) = at else {
                if self.allow_missing {
                    continue;
                }
                return Err(MigrateErrorKind::Missing {
                    revision: row.revision.to_string(),
                }
                .into());
            };
            let revision = graph.at(at);
            if row.checksum != *revision.checksum_for(backend) && !self.allow_edited {
                return Err(MigrateErrorKind::Edited {
                    revision: revision.id.clone(),
                    file: revision.file_name.clone(),
                }
                .into());
            }
            // (The read returns no status for `applied`: see `VersionRow`.)
            match row.status {
                None => applied[at] = true,
                Some(status) => {
                    if unfinished.is_none() {
                        unfinished = Some(UnfinishedRow {
                            revision: revision.id.clone(),
                            status,
                        });
                    }
                }
            }
        }
        Ok(DatabaseState {
            applied,
            unfinished,
        })
    }

    /// The revisions to run, in order, each checked to have SQL `backend`
    /// runs in that direction.
    pub(super) fn plan(
        &self,
        graph: &RevisionGraph,
        applied: &[bool],
        target: &str,
        direction: Direction,
        backend: BackendKind,
    ) -> Result<Vec<usize>> {
        let plan = match direction {
            Direction::Upgrade => graph.upgrade_plan(applied, target)?,
            Direction::Downgrade => graph.downgrade_plan(applied, target)?,
        };
        graph.check_runs_on(&plan, backend, direction == Direction::Downgrade)?;
        for &at in &plan {
            let revision = graph.at(at);
            if let Some(step) = step_names(section(revision, direction, backend))
                .into_iter()
                .find(|name| !self.steps.contains(name))
            {
                return Err(MigrateErrorKind::UnregisteredStep {
                    revision: revision.id.clone(),
                    file: revision.file_name.clone(),
                    step: step.to_owned(),
                    registered: self.steps.names(),
                }
                .into());
            }
        }
        Ok(plan)
    }
}

/// The SQL a revision runs on `backend` in a direction (the plan checked
/// that it has some).
pub(super) fn section(revision: &Revision, direction: Direction, backend: BackendKind) -> &str {
    match direction {
        Direction::Upgrade => revision.up_sql_for(backend),
        Direction::Downgrade => revision.down_sql_for(backend),
    }
    .unwrap_or_default()
}

/// Whether a revision's script starts by switching SQLite's foreign keys
/// off (see [`render::sqlite_pragmas`](crate::render::sqlite_pragmas)).
pub(super) fn needs_foreign_keys_off(
    revision: &Revision,
    direction: Direction,
    backend: crate::BackendKind,
) -> bool {
    let statements = script_statements(section(revision, direction, backend), backend);
    !crate::render::sqlite_pragmas(&statements).0.is_empty()
}
