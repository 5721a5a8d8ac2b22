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
    /// Squash baselines the database is at because it applied the chain
    /// they replace, with no row of their own yet: counted as applied, and
    /// recorded by the next run that takes the lock.
    pub adopted: Vec<usize>,
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
        // (baseline, position in its `replaces` list) of each applied row
        // of a replaced revision.
        let mut replaced: Vec<(usize, usize)> = Vec::new();
        for (index, row) in rows.into_iter().enumerate() {
            // Rows usually come back in the order they were inserted, which
            // is mostly the graph's: try that before hashing the id.
            let at = match graph.revisions().get(index) {
                Some(revision) if row.revision == *revision.id => Some(index),
                _ => graph.position(row.revision.as_str()),
            };
            let Some(at) = at else {
                if let Some(baseline) = graph.replaced_by(row.revision.as_str()) {
                    match row.status {
                        None => {
                            let order = graph
                                .at(baseline)
                                .replaces
                                .iter()
                                .position(|id| row.revision == **id)
                                .unwrap_or_default();
                            replaced.push((baseline, order));
                        }
                        Some(status) => {
                            if unfinished.is_none() {
                                unfinished = Some(UnfinishedRow {
                                    revision: row.revision.to_string(),
                                    status,
                                });
                            }
                        }
                    }
                    continue;
                }
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
        let adopted = adopt_baselines(graph, &replaced, &mut applied)?;
        Ok(DatabaseState {
            applied,
            unfinished,
            adopted,
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

/// Marks as applied each baseline whose last replaced revision the
/// database applied (`replaced`: baseline and position in its list, per
/// applied row) and that has no row of its own, and returns them. A
/// database that applied only the start of a baseline's chain is an error.
fn adopt_baselines(
    graph: &RevisionGraph,
    replaced: &[(usize, usize)],
    applied: &mut [bool],
) -> Result<Vec<usize>> {
    let mut adopted: Vec<usize> = Vec::new();
    for &(baseline, _) in replaced {
        if applied[baseline] || adopted.contains(&baseline) {
            continue;
        }
        let revision = graph.at(baseline);
        let last = revision.replaces.len().saturating_sub(1);
        let newest = replaced
            .iter()
            .filter(|(of, _)| *of == baseline)
            .map(|&(_, order)| order)
            .max()
            .unwrap_or_default();
        if newest != last {
            return Err(MigrateErrorKind::PartlyReplaced {
                at: revision.replaces[newest].clone(),
                baseline: revision.id.clone(),
                file: revision.file_name.clone(),
                last: revision.replaces[last].clone(),
            }
            .into());
        }
        adopted.push(baseline);
    }
    for &baseline in &adopted {
        applied[baseline] = true;
    }
    Ok(adopted)
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
