//! Event hooks: what happens to each connection, for logging and tracing.

use std::sync::Arc;
use std::time::Duration;

/// Something that happened to one pooled connection. Listeners registered
/// with [`PoolConfig::on_event`](crate::PoolConfig::on_event) receive every
/// event; they run on the thread where the event happened (a checkout on the
/// caller's thread, a connect on r2d2's helper thread), so they should be quick.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PoolEvent {
    /// A new connection was opened (after the SQLite defaults and the
    /// `on_connect` statements ran on it).
    Connect {
        /// The connection's id within this pool.
        connection_id: u64,
    },
    /// A connection was handed to the application.
    Checkout {
        /// The connection's id within this pool.
        connection_id: u64,
        /// How long `get()` took, waiting and pinging included.
        waited: Duration,
    },
    /// The application returned a connection.
    Checkin {
        /// The connection's id within this pool.
        connection_id: u64,
    },
    /// A connection was closed.
    Close {
        /// The connection's id within this pool.
        connection_id: u64,
        /// Why the pool closed it.
        reason: CloseReason,
    },
}

/// Why the pool closed a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CloseReason {
    /// It was returned while more than `pool_size` connections were open.
    Overflow,
    /// It was older than `recycle` when checked out.
    Recycled,
    /// Its pre-ping failed.
    PingFailed,
    /// It was returned inside a transaction, or with its transaction state
    /// broken, or from a panicking thread, or the application invalidated it.
    Broken,
    /// It sat idle longer than `idle_timeout`, or the pool was dropped.
    Evicted,
    /// The application took it out of the pool
    /// ([`AsyncPooledConnection::detach`](crate::AsyncPooledConnection::detach)).
    Detached,
}

/// A registered listener.
pub(crate) type Listener = Arc<dyn Fn(&PoolEvent) + Send + Sync>;

/// Every listener of one pool.
#[derive(Clone, Default)]
pub(crate) struct Listeners(Vec<Listener>);

impl Listeners {
    pub(crate) fn push(&mut self, listener: Listener) {
        self.0.push(listener);
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// Sends the event built by `event` to every listener; builds nothing
    /// when there is none, so an unobserved pool pays one branch.
    pub(crate) fn emit(&self, event: impl FnOnce() -> PoolEvent) {
        if self.0.is_empty() {
            return;
        }
        let event = event();
        for listener in &self.0 {
            listener(&event);
        }
    }
}
