//! [`Pool`] and the guard [`PooledConnection`] it hands out.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::events::CloseReason;
use crate::manager::Manager;
use crate::metrics::PoolMetrics;
use crate::shared::Shared;
use crate::tracked::Tracked;

use crate::{PoolConfig, PoolConnection, PoolError};

/// How often r2d2's helper threads retry opening a connection, at most:
/// they back off up to half of r2d2's connection timeout, which the pool
/// sets to `min(timeout, 1 s)`, so a database that comes back is reached
/// within half a second.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// A pool of connections of type `C` (`PgConnection`, `MysqlConnection` or
/// `SqliteConnection`). Cheap to clone: clones share the connections.
///
/// Dropping the last clone waits, at most `timeout`, for the connections
/// r2d2's helper threads are opening, so a program may end right after.
pub struct Pool<C: PoolConnection> {
    inner: r2d2::Pool<Manager<C>>,
    shared: Arc<Shared>,
    last_handle: Arc<LastHandle>,
}

impl<C: PoolConnection> Clone for Pool<C> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            shared: Arc::clone(&self.shared),
            last_handle: Arc::clone(&self.last_handle),
        }
    }
}

/// Shared by a pool's clones; dropped with the last one.
struct LastHandle(Arc<Shared>);

impl Drop for LastHandle {
    fn drop(&mut self) {
        self.0.wait_for_connects(self.0.timeout);
    }
}

/// How many connections a pool holds, like r2d2's `State`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct State {
    /// Connections open, checked out or idle.
    pub connections: u32,
    /// Connections idle in the pool.
    pub idle_connections: u32,
}

impl<C: PoolConnection> Pool<C> {
    pub(crate) fn new(config: PoolConfig) -> Result<Self, PoolError> {
        let shared = Arc::new(Shared::from_config(&config)?);
        let setup = config.setup_statements(crate::is_sqlite::<C::Backend>());
        let manager = Manager::new(config.url, setup, Arc::clone(&shared));
        manager.probe(shared.timeout)?;
        let inner = r2d2::Pool::builder()
            .max_size(shared.max_size())
            // Connections open on demand, as in SQLAlchemy; keeping r2d2 from
            // topping up idle connections also keeps it from reopening the
            // overflow connections the pool closes.
            .min_idle(Some(0))
            // r2d2 calls `is_valid` at checkout: that is where recycle and
            // pre-ping are decided, usually without a round trip.
            .test_on_check_out(true)
            .connection_timeout(config.timeout.min(MAX_CONNECT_TIMEOUT))
            // Recycle is enforced at checkout, not by r2d2's reaper.
            .max_lifetime(None)
            .idle_timeout(config.idle_timeout)
            // Failures reach the caller as a `PoolError`; nothing is logged.
            .error_handler(Box::new(r2d2::NopErrorHandler))
            .build_unchecked(manager);
        let last_handle = Arc::new(LastHandle(Arc::clone(&shared)));
        let pool = Self {
            inner,
            shared,
            last_handle,
        };
        // Keep a first connection open, as the probe showed one can be.
        pool.inner
            .get_timeout(pool.shared.timeout)
            .map_err(|_| pool.timeout_error())?;
        Ok(pool)
    }

    /// Checks a connection out, waiting up to `timeout` for one to be
    /// returned or opened. Connections older than `recycle`, and those whose
    /// pre-ping fails, are closed and replaced on the way. The connection
    /// returns to the pool when the guard is dropped.
    ///
    /// # Errors
    ///
    /// [`PoolError::Exhausted`] if all `pool_size + max_overflow` connections
    /// stayed checked out for `timeout`; [`PoolError::Connect`] if no new
    /// connection could be opened within `timeout`.
    pub fn get(&self) -> Result<PooledConnection<C>, PoolError> {
        let start = Instant::now();
        let inner = match self.inner.try_get() {
            Some(inner) => inner,
            None => {
                let _waiting = self.shared.waiting();
                let remaining = self.shared.timeout.saturating_sub(start.elapsed());
                match self.inner.get_timeout(remaining) {
                    Ok(inner) => inner,
                    Err(_) => {
                        self.shared.timed_out();
                        return Err(self.timeout_error());
                    }
                }
            }
        };
        // r2d2 has just called `Manager::is_valid`, which noted the time.
        let waited = inner.checked_at.saturating_duration_since(start);
        self.shared.checked_out(inner.id, waited);
        Ok(PooledConnection {
            inner,
            invalidated: false,
        })
    }

    /// A snapshot of the pool's counters and checkout latencies.
    pub fn metrics(&self) -> PoolMetrics {
        self.shared.counters.snapshot()
    }

    /// How many connections are open and how many of them are idle.
    pub fn state(&self) -> State {
        let state = self.inner.state();
        State {
            connections: state.connections,
            idle_connections: state.idle_connections,
        }
    }

    /// The configured `pool_size`.
    pub fn pool_size(&self) -> u32 {
        self.shared.pool_size
    }

    /// The configured `max_overflow`.
    pub fn max_overflow(&self) -> u32 {
        self.shared.max_overflow
    }

    /// The error for a checkout that timed out.
    fn timeout_error(&self) -> PoolError {
        self.shared.timeout_error(self.inner.state().connections)
    }
}

impl<C: PoolConnection> fmt::Debug for Pool<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("url", &self.shared.redacted_url)
            .field("pool_size", &self.shared.pool_size)
            .field("max_overflow", &self.shared.max_overflow)
            .field("state", &self.state())
            .finish_non_exhaustive()
    }
}

/// A connection checked out of a [`Pool`]: derefs to `C`, so `&mut *conn` is
/// a `&mut PgConnection` (or `MysqlConnection`, `SqliteConnection`) for
/// diesel queries and retort's functions. Dropping it returns the
/// connection; one returned inside a transaction is closed instead.
pub struct PooledConnection<C: PoolConnection> {
    inner: r2d2::PooledConnection<Manager<C>>,
    invalidated: bool,
}

impl<C: PoolConnection> PooledConnection<C> {
    /// The connection's id within its pool, as in [`PoolEvent`](crate::PoolEvent)s.
    pub fn connection_id(&self) -> u64 {
        self.inner.id
    }

    /// Closes the connection instead of returning it to the pool, as
    /// SQLAlchemy's `invalidate()`: for a connection whose query failed
    /// because the server went away, or whose session state the application
    /// cannot vouch for. The next checkout gets another connection.
    pub fn invalidate(mut self) {
        self.invalidated = true;
    }
}

impl<C: PoolConnection> Deref for PooledConnection<C> {
    type Target = C;

    fn deref(&self) -> &C {
        self.inner.connection()
    }
}

impl<C: PoolConnection> DerefMut for PooledConnection<C> {
    fn deref_mut(&mut self) -> &mut C {
        self.inner.connection_mut()
    }
}

impl<C: PoolConnection> Drop for PooledConnection<C> {
    fn drop(&mut self) {
        let tracked: &mut Tracked<C> = &mut self.inner;
        if self.invalidated {
            tracked.close(CloseReason::Broken);
        } else {
            tracked.close_if_overflow();
        }
        tracked.returned();
        // Dropping `inner` next hands the connection to r2d2, which asks
        // `Manager::has_broken` whether to keep it.
    }
}

impl<C: PoolConnection> fmt::Debug for PooledConnection<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PooledConnection")
            .field("connection_id", &self.inner.id)
            .finish_non_exhaustive()
    }
}
