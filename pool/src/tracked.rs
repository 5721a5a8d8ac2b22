//! [`Tracked`]: a pooled connection, sync or async, and what the pool knows
//! about it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use crate::events::CloseReason;
use crate::shared::{ConnectionTimes, Shared, Verdict};
use crate::watch::{ConnectionWatch, Echo};

/// A pooled connection and what the pool knows about it.
///
/// Pools hold it boxed: r2d2 moves its connection by value at every
/// checkout and return (out of its idle list, into its guard, into ours,
/// back again), and a diesel connection with the pool's bookkeeping is
/// about 200 bytes, whose copies cost more per checkout than all the pool
/// decides.
///
/// The pool closes a connection itself ([`Tracked::close`]) before it
/// frees the connection's slot, so at most `pool_size + max_overflow`
/// sessions exist on the server at any moment. Dropping a `Tracked` that
/// is still open closes it as evicted (idle too long, or the pool is gone).
pub(crate) struct Tracked<C> {
    /// `None` once closed; always `Some` while checked out.
    conn: Option<C>,
    pub(crate) id: u64,
    pub(crate) times: ConnectionTimes,
    /// When it last passed its checkout verdict, pre-ping included: where
    /// the latest checkout ended, so `get()` times the checkout from it
    /// instead of reading the clock again.
    pub(crate) checked_at: Instant,
    /// Raised by its [`ConnectionWatch`] when a query failed because the
    /// server went away.
    disconnected: Arc<AtomicBool>,
    /// Whether it still counts among the pool's open connections.
    counted: bool,
    shared: Arc<Shared>,
}

impl<C> Tracked<C> {
    /// Counts a connection just opened and returns it with its watch, which
    /// the caller installs as the connection's instrumentation.
    pub(crate) fn opened(conn: C, shared: &Arc<Shared>) -> (Self, ConnectionWatch) {
        let id = shared.opened();
        let echo: Echo = shared.echo;
        let (watch, disconnected) = ConnectionWatch::new(id, echo);
        let now = Instant::now();
        let tracked = Self {
            conn: Some(conn),
            id,
            times: ConnectionTimes::new(now),
            checked_at: now,
            disconnected,
            counted: true,
            shared: Arc::clone(shared),
        };
        (tracked, watch)
    }

    /// The state of the pool this connection belongs to.
    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    /// The open connection of a checked-out guard.
    pub(crate) fn connection(&self) -> &C {
        match &self.conn {
            Some(conn) => conn,
            // The pool closes connections only at checkout (before handing
            // them out) and at return (after the guard is gone).
            None => unreachable!("a checked-out connection is open"),
        }
    }

    /// See [`Tracked::connection`].
    pub(crate) fn connection_mut(&mut self) -> &mut C {
        match &mut self.conn {
            Some(conn) => conn,
            None => unreachable!("a checked-out connection is open"),
        }
    }

    /// What a checkout should do with this idle connection now.
    pub(crate) fn verdict(&self, now: Instant) -> Verdict {
        self.shared.verdict(now, &self.times)
    }

    /// Notes a successful pre-ping that started at `now`.
    pub(crate) fn verified(&mut self, now: Instant) {
        self.times.verified_at = now;
        self.checked_at = Instant::now();
    }

    /// Notes a failed pre-ping and closes the connection.
    pub(crate) fn ping_failed(&mut self) {
        self.shared.ping_failed();
        self.close(CloseReason::PingFailed);
    }

    /// Closes the connection now, for `reason`.
    pub(crate) fn close(&mut self, reason: CloseReason) {
        let Some(conn) = self.conn.take() else {
            return;
        };
        drop(conn);
        self.shared.closed(self.id, reason, self.counted);
        self.counted = false;
    }

    /// Takes the connection out of the pool's hands: it no longer counts as
    /// open, and closing it is the caller's.
    #[cfg(feature = "async")]
    pub(crate) fn detach(&mut self) -> C {
        let conn = self.conn.take();
        self.shared
            .closed(self.id, CloseReason::Detached, self.counted);
        self.counted = false;
        match conn {
            Some(conn) => conn,
            None => unreachable!("a checked-out connection is open"),
        }
    }

    /// Closes a returned connection as overflow if more than `pool_size`
    /// are open; says whether it did.
    pub(crate) fn close_if_overflow(&mut self) -> bool {
        if !self.shared.claim_overflow() {
            return false;
        }
        // The claim already counted it out.
        self.counted = false;
        self.close(CloseReason::Overflow);
        true
    }

    /// Closes the connection if a query found its server gone; the pool
    /// then pings every connection verified before now.
    pub(crate) fn close_if_disconnected(&mut self) -> bool {
        if !self.disconnected.load(Ordering::Acquire) {
            return false;
        }
        self.shared.invalidate_older_connections();
        self.close(CloseReason::Broken);
        true
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.conn.is_none()
    }

    /// Notes that the connection went back to the pool now.
    pub(crate) fn returned(&mut self) {
        self.times.idle_since = Instant::now();
        self.shared.checked_in(self.id);
    }
}

impl<C> Drop for Tracked<C> {
    fn drop(&mut self) {
        // Idle too long, or the pool was dropped.
        self.close(CloseReason::Evicted);
    }
}
