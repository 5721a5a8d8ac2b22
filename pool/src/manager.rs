//! The policy: r2d2's `ManageConnection` around diesel's `ConnectionManager`.
//!
//! diesel's manager opens, pings and judges connections; this one adds what
//! SQLAlchemy's pool does on top:
//!
//! - `connect` runs the SQLite defaults and the `on_connect` statements, and
//!   records the connection's birth;
//! - `is_valid`, which r2d2 calls at every checkout, enforces `recycle` (by
//!   age, at checkout, not by r2d2's reaper) and the [`PrePing`] policy; an
//!   `Err` makes r2d2 close the connection and hand out another;
//! - `has_broken`, which r2d2 calls at every return, closes connections the
//!   pool marked (overflow) and those diesel finds inside a transaction.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use diesel::r2d2::{ConnectionManager, ManageConnection};

use crate::error::ManagerError;
use crate::events::{CloseReason, Listeners, PoolEvent};
use crate::metrics::{bump, Counters};
use crate::{DatabaseConnection, PrePing};

/// What every connection and every checkout of one pool share.
pub(crate) struct Shared {
    pub(crate) pool_size: u32,
    pub(crate) max_overflow: u32,
    pub(crate) timeout: Duration,
    pub(crate) pre_ping: PrePing,
    pub(crate) recycle: Option<Duration>,
    /// The URL with any password replaced, for messages.
    pub(crate) redacted_url: String,
    pub(crate) counters: Counters,
    pub(crate) listeners: Listeners,
    /// Connections open and not yet claimed for closing as overflow.
    open: AtomicU32,
    next_id: AtomicU64,
    /// Why the latest attempt to connect failed; `None` once one succeeds.
    last_connect_error: Mutex<Option<String>>,
}

impl Shared {
    pub(crate) fn new(
        pool_size: u32,
        max_overflow: u32,
        timeout: Duration,
        pre_ping: PrePing,
        recycle: Option<Duration>,
        redacted_url: String,
        listeners: Listeners,
    ) -> Self {
        Self {
            pool_size,
            max_overflow,
            timeout,
            pre_ping,
            recycle,
            redacted_url,
            counters: Counters::default(),
            listeners,
            open: AtomicU32::new(0),
            next_id: AtomicU64::new(1),
            last_connect_error: Mutex::new(None),
        }
    }

    pub(crate) fn max_size(&self) -> u32 {
        self.pool_size.saturating_add(self.max_overflow)
    }

    pub(crate) fn last_connect_error(&self) -> Option<String> {
        self.last_connect_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set_last_connect_error(&self, error: Option<String>) {
        *self
            .last_connect_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = error;
    }

    /// Claims the right to close one connection as overflow: succeeds, and
    /// counts the connection as gone, only while more than `pool_size` are
    /// open. The compare-and-swap keeps two connections returned at once
    /// from both closing when only one is beyond `pool_size`.
    pub(crate) fn claim_overflow(&self) -> bool {
        let pool_size = self.pool_size;
        // A plain load first: the common case, a pool within its size, pays no
        // read-modify-write.
        if self.open.load(Ordering::Acquire) <= pool_size {
            return false;
        }
        self.open
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |open| {
                (open > pool_size).then(|| open - 1)
            })
            .is_ok()
    }
}

/// A pooled connection and what the pool knows about it.
pub(crate) struct Tracked<C> {
    pub(crate) conn: C,
    pub(crate) id: u64,
    created: Instant,
    /// When it was last returned (or opened).
    pub(crate) idle_since: Instant,
    /// Why it will be closed, when it is.
    close_reason: CloseReason,
    /// Set on return: close it instead of keeping it.
    discard: bool,
    /// Whether it still counts in [`Shared::open`].
    counted: bool,
    shared: Arc<Shared>,
}

impl<C> Tracked<C> {
    /// Marks a returned connection for closing as overflow; the caller has
    /// claimed it with [`Shared::claim_overflow`].
    pub(crate) fn close_as_overflow(&mut self) {
        self.discard = true;
        self.counted = false;
        self.close_reason = CloseReason::Overflow;
        bump(&self.shared.counters.overflow_closed);
    }
}

impl<C> Tracked<C> {
    /// Marks a connection the application gave up on for closing when it is
    /// returned.
    pub(crate) fn close_as_broken(&mut self) {
        self.discard = true;
        self.close_reason = CloseReason::Broken;
        bump(&self.shared.counters.discarded);
    }
}

impl<C> Drop for Tracked<C> {
    fn drop(&mut self) {
        if self.counted {
            self.shared.open.fetch_sub(1, Ordering::AcqRel);
        }
        bump(&self.shared.counters.closed);
        let (connection_id, reason) = (self.id, self.close_reason);
        self.shared.listeners.emit(|| PoolEvent::Close {
            connection_id,
            reason,
        });
    }
}

/// diesel's `ConnectionManager` with the pool's policy around it.
pub(crate) struct Manager<C: DatabaseConnection> {
    inner: ConnectionManager<C>,
    url: String,
    /// `(label for errors, SQL)` run on each new connection.
    setup: Vec<(String, String)>,
    shared: Arc<Shared>,
}

impl<C: DatabaseConnection> Manager<C> {
    pub(crate) fn new(url: String, setup: Vec<(String, String)>, shared: Arc<Shared>) -> Self {
        Self {
            inner: ConnectionManager::new(url.clone()),
            url,
            setup,
            shared,
        }
    }

    fn open(&self) -> Result<C, ManagerError> {
        let mut conn = self
            .inner
            .connect()
            .map_err(|error| ManagerError::redacted(&error.to_string(), &self.url))?;
        for (label, sql) in &self.setup {
            conn.batch_execute(sql).map_err(|error| {
                ManagerError::redacted(&format!("{label} failed: {error}"), &self.url)
            })?;
        }
        Ok(conn)
    }
}

impl<C: DatabaseConnection> ManageConnection for Manager<C> {
    type Connection = Tracked<C>;
    type Error = ManagerError;

    fn connect(&self) -> Result<Tracked<C>, ManagerError> {
        let conn = match self.open() {
            Ok(conn) => conn,
            Err(error) => {
                bump(&self.shared.counters.connect_failures);
                self.shared
                    .set_last_connect_error(Some(error.message.clone()));
                return Err(error);
            }
        };
        self.shared.set_last_connect_error(None);
        self.shared.open.fetch_add(1, Ordering::AcqRel);
        bump(&self.shared.counters.opened);
        let id = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        self.shared
            .listeners
            .emit(|| PoolEvent::Connect { connection_id: id });
        let now = Instant::now();
        Ok(Tracked {
            conn,
            id,
            created: now,
            idle_since: now,
            close_reason: CloseReason::Evicted,
            discard: false,
            counted: true,
            shared: Arc::clone(&self.shared),
        })
    }

    fn is_valid(&self, conn: &mut Tracked<C>) -> Result<(), ManagerError> {
        let counters = &self.shared.counters;
        let now = Instant::now();
        if let Some(recycle) = self.shared.recycle {
            if now.saturating_duration_since(conn.created) >= recycle {
                bump(&counters.recycled);
                conn.close_reason = CloseReason::Recycled;
                return Err(ManagerError {
                    message: format!("connection {} is older than recycle", conn.id),
                });
            }
        }
        let ping = match self.shared.pre_ping {
            PrePing::Always => true,
            PrePing::IfIdleFor(idle) => now.saturating_duration_since(conn.idle_since) > idle,
            PrePing::Never => false,
        };
        if ping {
            bump(&counters.pings);
            if let Err(error) = self.inner.is_valid(&mut conn.conn) {
                bump(&counters.failed_pings);
                conn.close_reason = CloseReason::PingFailed;
                return Err(ManagerError::redacted(&error.to_string(), &self.url));
            }
        }
        Ok(())
    }

    fn has_broken(&self, conn: &mut Tracked<C>) -> bool {
        if conn.discard {
            return true;
        }
        if self.inner.has_broken(&mut conn.conn) {
            bump(&self.shared.counters.discarded);
            conn.close_reason = CloseReason::Broken;
            return true;
        }
        false
    }
}
