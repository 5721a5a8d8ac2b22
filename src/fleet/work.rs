//! One target's work: reach its database (or reuse the connection the
//! worker holds to it), select its schema, and run the command through the
//! public [`Migrator`] API, recording where the target was and is.

// Built without any backend, every target fails to connect, and what runs
// on a connection is never reached.
#![cfg_attr(
    not(any(feature = "postgres", feature = "mysql", feature = "sqlite")),
    allow(dead_code, unused_variables)
)]

use std::time::Instant;

use super::report::{TargetError, TargetReport, TargetStatus};
use super::Target;
use crate::any_connection::{
    establish, feature_of, with_connection, AnyConnection, EstablishError,
};
use crate::{DatabaseConnection, Migrator, Schema};

/// What the fleet does on each target.
#[derive(Clone, Copy, Debug)]
pub(super) enum Job<'a> {
    /// `Migrator::upgrade` to the target revision.
    Upgrade(&'a str),
    /// `Migrator::downgrade` to the target revision.
    Downgrade(&'a str),
    /// `Migrator::stamp` with the target revision.
    Stamp(&'a str),
    /// Where the target is, and a revision left part-way.
    Current,
    /// The revisions not applied yet.
    Pending,
    /// Whether the target is at head and matches the models.
    Check(&'a Schema),
}

impl Job<'_> {
    /// Whether the job may create a missing schema.
    fn creates(self) -> bool {
        matches!(self, Job::Upgrade(_) | Job::Stamp(_))
    }

    /// Whether the job only reads: a failure on one target then puts no
    /// other at risk, so every target is visited.
    pub(super) fn reads_only(self) -> bool {
        matches!(self, Job::Current | Job::Pending | Job::Check(_))
    }
}

/// The connection a worker keeps open for the next target in the same
/// database (schema targets of one database share it).
pub(super) struct Held {
    url: String,
    conn: AnyConnection,
}

/// What every target of a run shares.
pub(super) struct Work<'a, 'm> {
    pub(super) migrator: &'a Migrator<'m>,
    pub(super) job: Job<'a>,
    pub(super) create_schemas: bool,
    /// How many targets, from the first, are canaries.
    pub(super) canaries: usize,
    /// Whether a failure leaves the other targets to start.
    pub(super) continue_on_error: bool,
}

impl Work<'_, '_> {
    /// Runs the job on `target`, filling `report`. The connection in
    /// `held` is reused when it reaches the same database, and closed when
    /// the target failed (a fresh one serves the next target).
    pub(super) fn run(&self, target: &Target, held: &mut Option<Held>, report: &mut TargetReport) {
        let started = Instant::now();
        let outcome = self.run_on(target, held, report);
        report.duration = started.elapsed();
        match outcome {
            Ok(status) => report.status = status,
            Err(error) => {
                report.status = match error {
                    TargetError::Unreachable { .. } => TargetStatus::Unreachable,
                    _ => TargetStatus::Failed,
                };
                report.error = Some(error);
                *held = None;
            }
        }
    }

    fn run_on(
        &self,
        target: &Target,
        held: &mut Option<Held>,
        report: &mut TargetReport,
    ) -> Result<TargetStatus, TargetError> {
        if held.as_ref().is_none_or(|held| held.url != target.url()) {
            // Close the last one first: at most one connection per worker.
            *held = None;
            let conn = establish(target.url()).map_err(|error| match error {
                EstablishError::NotCompiled(backend) => TargetError::BackendNotCompiled {
                    backend,
                    feature: feature_of(backend),
                },
                EstablishError::Failed(reason) => TargetError::Unreachable { reason },
            })?;
            *held = Some(Held {
                url: target.url().to_owned(),
                conn,
            });
        }
        let Some(Held { conn, .. }) = held.as_mut() else {
            return Err(TargetError::Unreachable {
                reason: "no connection".to_owned(),
            });
        };
        if let Some(schema) = target.schema_name() {
            select_schema(conn, schema, self.create_schemas && self.job.creates())?;
        }
        with_connection!(conn, conn => self.job_on(conn, report))
    }

    fn job_on<C: DatabaseConnection>(
        &self,
        conn: &mut C,
        report: &mut TargetReport,
    ) -> Result<TargetStatus, TargetError> {
        let migrator = self.migrator;
        match self.job {
            Job::Upgrade(to) | Job::Downgrade(to) => {
                let from = migrator.current(conn)?;
                report.from = Some(from.clone());
                if matches!(self.job, Job::Upgrade("head" | "heads"))
                    && is_at_heads(migrator, &from)
                {
                    // Every revision is applied, so nothing is left
                    // unfinished either: the one query is all it costs.
                    report.to = Some(from);
                    return Ok(TargetStatus::Unchanged);
                }
                let run = match self.job {
                    Job::Downgrade(_) => migrator.downgrade(conn, to),
                    _ => migrator.upgrade(conn, to),
                };
                match run {
                    Ok(done) => report.report = done,
                    Err(error) => {
                        report.report = error.report().clone();
                        report.to = migrator.current(conn).ok();
                        return Err(error.into());
                    }
                }
                report.to = Some(migrator.current(conn)?);
                Ok(if report.report.is_empty() {
                    TargetStatus::Unchanged
                } else {
                    TargetStatus::Changed
                })
            }
            Job::Stamp(to) => {
                // An edited revision makes reading fail unless allowed,
                // and stamping is how it gets accepted.
                report.from = migrator.current(conn).ok();
                let stamped = migrator.stamp(conn, to)?;
                let now = migrator.current(conn)?;
                let changed = report.from.as_ref() != Some(&now)
                    || !stamped.re_recorded.is_empty()
                    || !stamped.forgotten.is_empty();
                report.to = Some(now);
                Ok(if changed {
                    TargetStatus::Changed
                } else {
                    TargetStatus::Unchanged
                })
            }
            Job::Current => {
                let at = migrator.current(conn)?;
                report.from = Some(at.clone());
                report.to = Some(at);
                report.unfinished = migrator.unfinished(conn)?;
                Ok(TargetStatus::Unchanged)
            }
            Job::Pending => {
                let at = migrator.current(conn)?;
                report.from = Some(at.clone());
                report.to = Some(at);
                report.pending = migrator.pending(conn)?;
                Ok(TargetStatus::Unchanged)
            }
            Job::Check(models) => {
                let at = migrator.current(conn)?;
                report.from = Some(at.clone());
                report.to = Some(at);
                report.pending = migrator.pending(conn)?;
                if !report.pending.is_empty() {
                    return Err(TargetError::NotAtHead {
                        pending: report.pending.clone(),
                    });
                }
                // The models in the database's stored form, as `check` and
                // autogenerate compare them.
                let diff = crate::autogen::pending_changes(conn, models)?;
                if !diff.is_empty() {
                    return Err(TargetError::ModelsDiffer {
                        operations: diff.ops().iter().map(ToString::to_string).collect(),
                    });
                }
                Ok(TargetStatus::Unchanged)
            }
        }
    }
}

/// Whether `current` is exactly the heads of the migrations.
fn is_at_heads(migrator: &Migrator<'_>, current: &[String]) -> bool {
    let mut heads = migrator.heads();
    let mut current = current.to_vec();
    heads.sort();
    current.sort();
    !heads.is_empty() && heads == current
}

/// Puts `schema` alone on the connection's `search_path` (PostgreSQL), so
/// the version table and every unqualified name of the revisions are the
/// schema's; creates the schema when it is missing and `create` says so.
///
/// No other schema is on the path: a version table in `public` (the
/// application's shared tables, migrated on their own) must never be read
/// as the tenant's. Objects of other schemas are named with their schema
/// (`public.uuid_generate_v4()`); `pg_catalog` is always searched.
#[cfg(feature = "postgres")]
fn select_schema(conn: &mut AnyConnection, schema: &str, create: bool) -> Result<(), TargetError> {
    match conn {
        AnyConnection::Postgres(conn) => {
            select_postgres_schema(conn, schema, create).map_err(|source| match source {
                SchemaError::Missing => TargetError::NoSchema {
                    schema: schema.to_owned(),
                },
                SchemaError::Database(source) => TargetError::Schema {
                    schema: schema.to_owned(),
                    source,
                },
            })
        }
        // Targets are checked before a run: only PostgreSQL ones have a
        // schema.
        #[allow(unreachable_patterns)]
        _ => Ok(()),
    }
}

/// Without PostgreSQL no target with a schema can be reached.
#[cfg(not(feature = "postgres"))]
fn select_schema(_: &mut AnyConnection, _: &str, _: bool) -> Result<(), TargetError> {
    Ok(())
}

#[cfg(feature = "postgres")]
enum SchemaError {
    Missing,
    Database(diesel::result::Error),
}

#[cfg(feature = "postgres")]
impl From<diesel::result::Error> for SchemaError {
    fn from(error: diesel::result::Error) -> SchemaError {
        SchemaError::Database(error)
    }
}

#[cfg(feature = "postgres")]
fn select_postgres_schema(
    conn: &mut diesel::PgConnection,
    schema: &str,
    create: bool,
) -> Result<(), SchemaError> {
    use diesel::connection::SimpleConnection;
    use diesel::sql_types::{Bool, Text};
    use diesel::RunQueryDsl;

    /// Whether the schema exists.
    #[derive(diesel::QueryableByName)]
    struct PresentRow {
        #[diesel(sql_type = Bool)]
        present: bool,
    }

    let quoted = crate::BackendKind::Postgres
        .backend()
        .quote_identifier(schema);
    // One round trip: set the path (the quoted name is a bound value) and
    // look the schema up.
    // https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-ADMIN-SET
    // language=SQL
    let row: PresentRow = diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $2) AS present \
         FROM (SELECT set_config('search_path', $1, false)) AS selected",
    )
    .bind::<Text, _>(&quoted)
    .bind::<Text, _>(schema)
    .get_result(conn)?;
    if row.present {
        return Ok(());
    }
    if !create {
        return Err(SchemaError::Missing);
    }
    // language=SQL
    conn.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {quoted}"))?;
    Ok(())
}
