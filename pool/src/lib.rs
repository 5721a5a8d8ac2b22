//! A connection pool for diesel built on r2d2, with SQLAlchemy's QueuePool
//! semantics: a pool size and an overflow, pre-ping, recycle at checkout,
//! SQLite defaults, events and metrics. Use it through the facade as
//! `retort::pool`.
//!
//! ```
//! # #[cfg(feature = "sqlite")]
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use diesel::connection::SimpleConnection;
//! use retort_pool::{PoolConfig, PrePing};
//!
//! # let dir = std::env::temp_dir().join(format!("retort-pool-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir)?;
//! # let path = dir.join("app.db");
//! # let path = path.to_str().ok_or("path is not UTF-8")?;
//! let pool = PoolConfig::new(path) // "postgres://...", "mysql://..." alike
//!     .pool_size(4)
//!     .max_overflow(2)
//!     .timeout(Duration::from_secs(5))
//!     .pre_ping(PrePing::IfIdleFor(Duration::from_secs(1)))
//!     .recycle(Duration::from_secs(300))
//!     .on_connect("PRAGMA cache_size = -8000")
//!     .build::<diesel::SqliteConnection>()?;
//!
//! // The guard derefs to the diesel connection.
//! let mut conn = pool.get()?;
//! let conn: &mut diesel::SqliteConnection = &mut conn;
//! conn.batch_execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")?;
//!
//! let metrics = pool.metrics();
//! assert_eq!(metrics.checkouts, 1);
//! println!("p99 checkout: {:?}", metrics.checkout_latency.p99());
//! # drop(pool);
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "sqlite"))]
//! # fn main() {}
//! ```
//!
//! # How it maps onto r2d2
//!
//! r2d2 does the pooling: its queue of idle connections, its wait with a
//! deadline, its helper threads that open connections in the background
//! and retry while the database is down. diesel's `ConnectionManager` opens,
//! pings and judges connections. This crate wraps that manager (the module
//! `manager`) and r2d2's pool (the module `pool`); it rewrites neither.
//!
//! - **Overflow.** The r2d2 pool's `max_size` is `pool_size + max_overflow`,
//!   and it opens connections only on demand. The pool counts open
//!   connections; when one is returned while more than `pool_size` are open,
//!   it is marked and r2d2, asking the manager whether the returned
//!   connection is broken, is told yes and closes it. A compare-and-swap on
//!   the count keeps two connections returned at once from both closing when
//!   only one is beyond `pool_size`. One r2d2 pool with a counter is simpler
//!   than two pools, and a checkout never has to choose between them. The
//!   pool closes a connection itself before r2d2 frees its slot, so the
//!   server never sees more than `pool_size + max_overflow` sessions. r2d2
//!   opens connections in the background for waiting checkouts; one that
//!   arrives after its waiter was served by a returned connection sits idle
//!   beyond `pool_size` until its first checkout, and is closed when
//!   returned.
//! - **Recycle and pre-ping** are decided in the manager's `is_valid`, which
//!   r2d2 calls at every checkout: a connection older than `recycle` is
//!   rejected (r2d2 closes it and hands out another, or opens one), so the
//!   limit holds at the very next checkout, not up to 30 s later as with
//!   r2d2's `max_lifetime` reaper. [`PrePing::IfIdleFor`] sends `SELECT 1`
//!   only when the connection sat idle longer than the interval.
//! - **Discarding.** A connection returned inside a transaction (or with
//!   diesel's transaction state broken, or from a panicking thread, or
//!   after a query failed because the server went away, or passed to
//!   [`PooledConnection::invalidate`]) is closed, never handed to the next
//!   request.
//! - **Invalidation.** When a connection is found dead (a failed ping, or a
//!   query that failed because the server went away, which the pool sees
//!   through diesel's per-connection instrumentation), every connection
//!   verified before that moment is pinged at its next checkout, whatever
//!   the [`PrePing`] policy. After a database restart, a busy service with
//!   `IfIdleFor` sees one failed query per pool, not one per connection.
//!   The watch wraps `diesel::connection::get_default_instrumentation()`;
//!   a connection given its own instrumentation with `set_instrumentation`
//!   is no longer watched.
//! - **Unreachable database.** `get()` waits at most `timeout` and then
//!   fails with [`PoolError::Connect`] carrying the database's message.
//!   r2d2's helper threads keep retrying with a back-off capped at half a
//!   second, so the pool recovers within a second of the database coming
//!   back. A network that silently drops packets can still stall a ping:
//!   bound it with the driver's own settings (PostgreSQL's
//!   `tcp_user_timeout`/`keepalives` in the URL).
//!
//! # Passwords
//!
//! No error, `Debug` output or event carries the URL's password: URLs are
//! shown through `retort_redact::redact_url`, and driver messages pass through
//! `retort_redact::redact_password_in`.

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "async")]
mod async_pool;
mod config;
mod error;
mod events;
mod manager;
mod metrics;
mod pool;
mod report;
mod setup;
mod shared;
mod tracked;
mod watch;

#[cfg(feature = "async")]
#[cfg_attr(docsrs, doc(cfg(feature = "async")))]
pub use async_pool::{AsyncPool, AsyncPoolConnection, AsyncPooledConnection};
pub use config::{PoolConfig, PrePing};
pub use error::PoolError;
pub use events::{CloseReason, PoolEvent};
pub use metrics::{LatencyHistogram, PoolMetrics};
pub use pool::{Pool, PooledConnection, State};
pub use watch::SQL_TARGET;

/// The connections a pool can hold: diesel's `PgConnection`,
/// `MysqlConnection` and `SqliteConnection` (each behind its feature), and
/// any other connection r2d2 can manage. SQLite connections get the pool's
/// SQLite defaults.
pub trait PoolConnection: diesel::r2d2::R2D2Connection + Send + 'static {}

impl<C: diesel::r2d2::R2D2Connection + Send + 'static> PoolConnection for C {}

/// Whether the diesel backend `B` is SQLite.
#[cfg_attr(not(feature = "sqlite"), allow(clippy::extra_unused_type_parameters))]
pub(crate) fn is_sqlite<B: 'static>() -> bool {
    #[cfg(feature = "sqlite")]
    {
        std::any::TypeId::of::<B>() == std::any::TypeId::of::<diesel::sqlite::Sqlite>()
    }
    #[cfg(not(feature = "sqlite"))]
    {
        false
    }
}
