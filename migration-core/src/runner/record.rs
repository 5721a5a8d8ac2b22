//! Recording revisions in the version table: the rows the runner writes and
//! the statuses it moves them through.
//!
//! In a transaction a revision's row is inserted with its statements
//! ([`insert_applied`]), or deleted when it is reverted. Outside one (MySQL,
//! or `-- retort:transaction off`) the row says what is going on at each
//! step: [`start`] marks it `running` (`reverting`), then [`finish`] records
//! the outcome, [`fail`] the failed statement, or [`forget_attempt`] removes
//! every trace of an attempt that took no effect.

use std::time::Duration;

use super::plan::UnfinishedRow;
use super::{Direction, MigrateErrorKind, Result, StampReport};
use crate::backend::{BackendKind, DatabaseConnection, FailureRow, NewVersion, VersionStatus};
use crate::revision::{Revision, RevisionGraph};

/// Inserts the rows of revisions applied in the current transaction, with
/// how long each took, in one statement (a batch's worth at most).
pub(super) fn insert_applied<C: DatabaseConnection>(
    conn: &mut C,
    revisions: &[(&Revision, i64)],
) -> diesel::QueryResult<()> {
    let parents: Vec<String> = revisions
        .iter()
        .map(|(revision, _)| revision.parents.join(" "))
        .collect();
    let rows: Vec<NewVersion<'_>> = revisions
        .iter()
        .zip(&parents)
        .map(|((revision, execution_ms), parents)| {
            new_version(
                revision,
                parents,
                C::BACKEND,
                *execution_ms,
                VersionStatus::Applied,
            )
        })
        .collect();
    conn.insert_versions(&rows)
}

/// The row of `revision` as it runs on `backend`.
fn new_version<'r>(
    revision: &'r Revision,
    parents: &'r str,
    backend: BackendKind,
    execution_ms: i64,
    status: VersionStatus,
) -> NewVersion<'r> {
    NewVersion {
        revision: &revision.id,
        parents,
        message: &revision.message,
        checksum: revision.checksum_for(backend),
        execution_ms,
        status,
    }
}

/// Marks a revision about to run outside a transaction: `running` (a new
/// row) to apply it, `reverting` to revert it. Returns the statuses it
/// has while running and after a failure, or `None` when another process
/// has done it meanwhile.
pub(super) fn start<C: DatabaseConnection>(
    conn: &mut C,
    revision: &Revision,
    direction: Direction,
) -> Result<Option<(VersionStatus, VersionStatus)>> {
    let recorded = conn.version_status(&revision.id)?.is_some();
    match direction {
        Direction::Upgrade => {
            if recorded {
                return Ok(None);
            }
            let parents = revision.parents.join(" ");
            conn.insert_version(&new_version(
                revision,
                &parents,
                C::BACKEND,
                0,
                VersionStatus::Running,
            ))?;
            Ok(Some((VersionStatus::Running, VersionStatus::Failed)))
        }
        Direction::Downgrade => {
            if !recorded {
                return Ok(None);
            }
            Ok(Some((
                VersionStatus::Reverting,
                VersionStatus::RevertFailed,
            )))
        }
    }
}

/// Records the statement a revision running outside a transaction is
/// about to run, so a process that dies leaves it behind.
pub(super) fn running_statement<C: DatabaseConnection>(
    conn: &mut C,
    revision: &Revision,
    running: VersionStatus,
    statement: &str,
) -> diesel::QueryResult<()> {
    conn.update_version(&revision.id, running, 0, Some(statement), None)
}

/// Records that a revision run outside a transaction finished: applied in
/// `duration`, or reverted (its row removed).
pub(super) fn finish<C: DatabaseConnection>(
    conn: &mut C,
    revision: &Revision,
    direction: Direction,
    duration: Duration,
) -> diesel::QueryResult<()> {
    match direction {
        Direction::Upgrade => conn.update_version(
            &revision.id,
            VersionStatus::Applied,
            millis(duration),
            None,
            None,
        ),
        Direction::Downgrade => conn.delete_version(&revision.id),
    }
}

/// Removes the trace of an attempt outside a transaction of which nothing
/// took effect, so the next run simply tries again.
pub(super) fn forget_attempt<C: DatabaseConnection>(
    conn: &mut C,
    revision: &Revision,
    direction: Direction,
) -> diesel::QueryResult<()> {
    match direction {
        Direction::Upgrade => conn.delete_version(&revision.id),
        Direction::Downgrade => {
            conn.update_version(&revision.id, VersionStatus::Applied, 0, None, None)
        }
    }
}

/// Records that a revision run outside a transaction failed at `statement`.
pub(super) fn fail<C: DatabaseConnection>(
    conn: &mut C,
    revision: &Revision,
    failed: VersionStatus,
    statement: &str,
    error: &str,
) -> diesel::QueryResult<()> {
    conn.update_version(&revision.id, failed, 0, Some(statement), Some(error))
}

/// Records each squash baseline of `baselines` as applied in place of the
/// rows of the revisions it replaces, in one transaction and without
/// running its SQL: the database applied that chain, which built what the
/// baseline builds. Rows another run recorded meanwhile are left alone.
pub(super) fn record_baselines<C: DatabaseConnection>(
    conn: &mut C,
    graph: &RevisionGraph,
    baselines: &[usize],
) -> Result<()> {
    conn.begin_locked()?;
    let written = (|| -> diesel::QueryResult<Vec<&str>> {
        let rows: Vec<String> = conn
            .read_versions()?
            .into_iter()
            .map(|row| row.revision.to_string())
            .collect();
        let mut recorded = Vec::new();
        for &at in baselines {
            let baseline = graph.at(at);
            if rows.contains(&baseline.id) {
                continue;
            }
            insert_applied(conn, &[(baseline, 0)])?;
            for replaced in baseline.replaces.iter().filter(|id| rows.contains(id)) {
                conn.delete_version(replaced)?;
            }
            recorded.push(baseline.id.as_str());
        }
        Ok(recorded)
    })();
    match written {
        Ok(recorded) => {
            conn.commit()?;
            for baseline in recorded {
                tracing::info!(
                    revision = %baseline,
                    "Recorded baseline {baseline} as applied in place of the revisions it replaces, which this database had applied (no SQL ran)"
                );
            }
            Ok(())
        }
        Err(error) => {
            let _ = conn.rollback();
            Err(error.into())
        }
    }
}

/// Replaces every row with one per revision `marks` selects, each as its
/// file has it now, in the current transaction; reports the applied
/// revisions whose file changed since and the rows no file declares.
pub(super) fn restamp<C: DatabaseConnection>(
    conn: &mut C,
    graph: &RevisionGraph,
    marks: &[bool],
) -> diesel::QueryResult<StampReport> {
    let mut report = StampReport::default();
    for row in conn.read_versions()? {
        match graph.position(row.revision.as_str()) {
            None => report.forgotten.push(row.revision.to_string()),
            Some(at) if marks[at] && row.checksum != *graph.at(at).checksum_for(C::BACKEND) => {
                report.re_recorded.push(row.revision.to_string());
            }
            Some(_) => {}
        }
    }
    conn.delete_all_versions()?;
    // One row at a time: a history can outgrow a statement's binds.
    for at in (0..marks.len()).filter(|&at| marks[at]) {
        insert_applied(conn, &[(graph.at(at), 0)])?;
    }
    Ok(report)
}

/// The error for a row an earlier run left unfinished.
pub(super) fn unfinished(row: UnfinishedRow, failure: FailureRow) -> MigrateErrorKind {
    MigrateErrorKind::Unfinished {
        revision: row.revision,
        state: row.status,
        statement: failure.failed_statement,
        failure: failure.failure,
    }
}

/// A duration in whole milliseconds, as the version table keeps it.
pub(super) fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}
