//! Recognising the history diesel_migrations ran, so a project switching to
//! retort does not run it again.
//!
//! Revisions read from diesel folders carry the version diesel records in
//! `__diesel_schema_migrations`. When retort's own version table does not
//! exist yet (the first run under retort), the versions diesel recorded
//! count as applied: reads report them so, and the first run records them
//! in `retort_migrations` before doing anything else. From then on retort's
//! table alone says what is applied, so reverting and re-applying such a
//! revision works like any other.

use std::collections::HashSet;

use super::Result;
use crate::backend::DatabaseConnection;
use crate::backend::{NewVersion, VersionStatus};
use crate::revision::RevisionGraph;

/// The positions of the diesel revisions that diesel recorded as run. No
/// query when the graph has no diesel revision.
pub(super) fn run_by_diesel<C: DatabaseConnection>(
    conn: &mut C,
    graph: &RevisionGraph,
) -> Result<Vec<usize>> {
    if graph
        .revisions()
        .iter()
        .all(|revision| revision.diesel_version.is_none())
    {
        return Ok(Vec::new());
    }
    let versions: HashSet<String> = conn.diesel_versions()?.into_iter().collect();
    Ok((0..graph.revisions().len())
        .filter(|&at| {
            graph
                .at(at)
                .diesel_version
                .as_ref()
                .is_some_and(|version| versions.contains(version))
        })
        .collect())
}

/// Records in retort's version table, in one transaction, the diesel
/// revisions diesel recorded as run that it does not hold yet. Called on
/// the first run, once the version table exists and the run lock (where
/// needed) is held.
pub(super) fn adopt<C: DatabaseConnection>(conn: &mut C, graph: &RevisionGraph) -> Result<()> {
    let run = run_by_diesel(conn, graph)?;
    if run.is_empty() {
        return Ok(());
    }
    conn.begin_locked()?;
    let written = (|| -> diesel::QueryResult<usize> {
        let recorded: HashSet<String> = conn
            .read_versions()?
            .into_iter()
            .map(|row| row.revision.to_string())
            .collect();
        let revisions: Vec<_> = run
            .iter()
            .map(|&at| graph.at(at))
            .filter(|revision| !recorded.contains(&revision.id))
            .collect();
        let parents: Vec<String> = revisions.iter().map(|r| r.parents.join(" ")).collect();
        let rows: Vec<NewVersion<'_>> = revisions
            .iter()
            .zip(&parents)
            .map(|(revision, parents)| NewVersion {
                revision: &revision.id,
                parents,
                message: &revision.message,
                checksum: revision.checksum_for(C::BACKEND),
                execution_ms: 0,
                status: VersionStatus::Applied,
            })
            .collect();
        conn.insert_versions(&rows)?;
        Ok(rows.len())
    })();
    match written {
        Ok(count) => {
            conn.commit()?;
            tracing::info!("Recorded {count} revision(s) diesel_migrations had run as applied");
            Ok(())
        }
        Err(error) => {
            let _ = conn.rollback();
            Err(error.into())
        }
    }
}
