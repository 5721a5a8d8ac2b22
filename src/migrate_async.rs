//! [`migrate_to_head_async`]: start-up migrations for a tokio application,
//! on a connection of its [`AsyncPool`], without blocking the runtime.
//!
//! The runner is the one [`migrate_to_head`](crate::migrate_to_head) uses,
//! with its lock and its exactly-once guarantee when many replicas start at
//! once; it runs on tokio's blocking thread pool:
//!
//! - PostgreSQL and MySQL: the connection is detached from the pool
//!   ([`AsyncPooledConnection::detach`]), wrapped in diesel-async's
//!   `AsyncConnectionWrapper` (diesel's blocking `Connection` over the async
//!   one) and closed afterwards, so no session that ran migrations (its
//!   lock and timeout settings) is handed to a request.
//! - SQLite: diesel-async's `SyncConnectionWrapper` already runs a blocking
//!   `SqliteConnection` on that thread pool; the runner runs on it there and
//!   the connection goes back to the pool.

use std::future::Future;

use retort_core::runner::{MigrateErrorKind, Migrator};

use crate::pool::{AsyncPool, AsyncPoolConnection, AsyncPooledConnection};
use crate::{DatabaseConnection, MigrateError, Migrations, Report};

/// Applies every pending revision up to the single head, as
/// [`migrate_to_head`](crate::migrate_to_head) does, on a connection checked
/// out of `pool`, without blocking the runtime. Call it before the service
/// starts listening.
///
/// ```no_run
/// # #[cfg(feature = "postgres")]
/// # async fn start() -> Result<(), Box<dyn std::error::Error>> {
/// use diesel_async::AsyncPgConnection;
/// use retort::pool::PoolConfig;
///
/// # /*
/// static MIGRATIONS: retort::Migrations = retort::embed_migrations!("migrations");
/// # */
/// # static MIGRATIONS: retort::Migrations =
/// #     retort::embed_migrations!("tests/fixtures/migrations/linear");
///
/// let pool = PoolConfig::new("postgres://app@db.internal/shop")
///     .build_async::<AsyncPgConnection>()
///     .await?;
/// let report = retort::migrate_to_head_async(&pool, &MIGRATIONS).await?;
/// println!("{} revision(s) applied", report.steps().len());
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// As [`migrate_to_head`](crate::migrate_to_head), and
/// [`MigrateErrorKind::Connection`] when the pool hands out no connection
/// within its `timeout`.
///
/// # Panics
///
/// A panic of the runner on the blocking thread is resumed here.
pub async fn migrate_to_head_async<C: AsyncMigrationConnection>(
    pool: &AsyncPool<C>,
    migrations: &'static Migrations,
) -> Result<Report, MigrateError> {
    let conn = pool
        .get()
        .await
        .map_err(|error| MigrateError::from(MigrateErrorKind::Connection(Box::new(error))))?;
    C::run_blocking(conn, move |conn| {
        Migrator::new(migrations).upgrade(conn, "head")
    })
    .await?
}

/// The diesel-async connections [`migrate_to_head_async`] can migrate on:
/// `AsyncPgConnection`, `AsyncMysqlConnection` and
/// `SyncConnectionWrapper<SqliteConnection>`, each behind its feature.
pub trait AsyncMigrationConnection: AsyncPoolConnection + private::RunBlocking {}

impl<C: AsyncPoolConnection + private::RunBlocking> AsyncMigrationConnection for C {}

mod private {
    use super::*;

    /// Runs blocking retort code on a pooled async connection: a sealed
    /// supertrait, so users can neither implement nor call it.
    pub trait RunBlocking: AsyncPoolConnection + Sized {
        /// The blocking connection the code runs on.
        type Blocking: DatabaseConnection;

        /// Runs `job` on tokio's blocking thread pool with a blocking
        /// connection made of `conn`.
        fn run_blocking<R: Send + 'static>(
            conn: AsyncPooledConnection<Self>,
            job: impl FnOnce(&mut Self::Blocking) -> R + Send + 'static,
        ) -> impl Future<Output = Result<R, MigrateError>> + Send;
    }

    /// Runs `job` on a blocking thread with the connection taken out of
    /// `conn` and wrapped as a blocking one; the connection is closed after.
    #[cfg(any(feature = "postgres", feature = "mysql"))]
    async fn detached<C, R>(
        conn: AsyncPooledConnection<C>,
        job: impl FnOnce(&mut diesel_async::async_connection_wrapper::AsyncConnectionWrapper<C>) -> R
            + Send
            + 'static,
    ) -> Result<R, MigrateError>
    where
        C: AsyncPoolConnection,
        R: Send + 'static,
    {
        let conn = conn.detach();
        joined(
            tokio::task::spawn_blocking(move || {
                let mut wrapped =
                    diesel_async::async_connection_wrapper::AsyncConnectionWrapper::<C>::from(conn);
                job(&mut wrapped)
            })
            .await,
        )
    }

    /// The job's result, its panic resumed, or an error when the runtime
    /// shut down before it ran.
    #[cfg(any(feature = "postgres", feature = "mysql"))]
    fn joined<R>(result: Result<R, tokio::task::JoinError>) -> Result<R, MigrateError> {
        match result {
            Ok(value) => Ok(value),
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(error) => Err(MigrateError::from(MigrateErrorKind::Connection(Box::new(
                error,
            )))),
        }
    }

    #[cfg(feature = "postgres")]
    impl RunBlocking for diesel_async::AsyncPgConnection {
        type Blocking = retort_core::backend::AsyncPgConnectionWrapper;

        fn run_blocking<R: Send + 'static>(
            conn: AsyncPooledConnection<Self>,
            job: impl FnOnce(&mut Self::Blocking) -> R + Send + 'static,
        ) -> impl Future<Output = Result<R, MigrateError>> + Send {
            detached(conn, job)
        }
    }

    #[cfg(feature = "mysql")]
    impl RunBlocking for diesel_async::AsyncMysqlConnection {
        type Blocking = retort_core::backend::AsyncMysqlConnectionWrapper;

        fn run_blocking<R: Send + 'static>(
            conn: AsyncPooledConnection<Self>,
            job: impl FnOnce(&mut Self::Blocking) -> R + Send + 'static,
        ) -> impl Future<Output = Result<R, MigrateError>> + Send {
            detached(conn, job)
        }
    }

    #[cfg(feature = "sqlite")]
    impl RunBlocking
        for diesel_async::sync_connection_wrapper::SyncConnectionWrapper<diesel::SqliteConnection>
    {
        type Blocking = diesel::SqliteConnection;

        async fn run_blocking<R: Send + 'static>(
            mut conn: AsyncPooledConnection<Self>,
            job: impl FnOnce(&mut Self::Blocking) -> R + Send + 'static,
        ) -> Result<R, MigrateError> {
            // The wrapper's own blocking task; its error is only a failure
            // to run the task at all.
            let ran = conn.spawn_blocking(move |sqlite| Ok(job(sqlite))).await;
            ran.map_err(|error| MigrateError::from(MigrateErrorKind::Connection(Box::new(error))))
        }
    }
}
