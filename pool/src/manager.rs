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
//!   pool marked (overflow), those diesel finds inside a transaction, and
//!   those whose server went away during a query;
//! - a connection found dead (a failed ping, or a query that failed because
//!   the server went away, seen through diesel's instrumentation) makes the
//!   pool ping every connection verified before that moment at its next
//!   checkout, whatever the [`PrePing`] policy: after a database restart a
//!   busy service sees at most one failed query per pool, as with
//!   SQLAlchemy's pool invalidation.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::r2d2::{ConnectionManager, ManageConnection};
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::error::ManagerError;
use crate::events::{CloseReason, Listeners, PoolEvent};
use crate::metrics::{bump, Counters};
use crate::PoolError;
use crate::{PoolConnection, PrePing};

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
    /// The origin of [`Shared::invalidated_at`].
    epoch: Instant,
    /// One more than the nanoseconds from `epoch` to the moment a connection
    /// was last found dead; zero if none was.
    invalidated_at: AtomicU64,
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
            epoch: Instant::now(),
            invalidated_at: AtomicU64::new(0),
        }
    }

    fn nanos_since_epoch(&self, moment: Instant) -> u64 {
        u64::try_from(moment.saturating_duration_since(self.epoch).as_nanos()).unwrap_or(u64::MAX)
    }

    /// Records that a connection was found dead now: every connection
    /// verified before must be pinged before it is handed out.
    fn invalidate_older_connections(&self) {
        let now = self.nanos_since_epoch(Instant::now()).saturating_add(1);
        self.invalidated_at.fetch_max(now, Ordering::AcqRel);
    }

    /// Whether a connection verified at `verified_at` was verified before a
    /// connection was found dead.
    fn is_stale(&self, verified_at: Instant) -> bool {
        let invalidated_at = self.invalidated_at.load(Ordering::Acquire);
        invalidated_at != 0 && invalidated_at > self.nanos_since_epoch(verified_at)
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
///
/// r2d2 holds it boxed ([`ManageConnection::Connection`] is
/// `Box<Tracked<C>>`): r2d2 moves its connection by value at every checkout
/// and return (out of its idle list, into its guard, into ours, back
/// again), and a diesel connection with the pool's bookkeeping is about
/// 200 bytes, whose copies cost more per checkout than all the pool
/// decides.
///
/// The pool closes a connection itself ([`Tracked::close`]) before telling
/// r2d2 it is gone, so r2d2 never counts a slot as free while its
/// connection is still open: at most `pool_size + max_overflow` sessions
/// exist on the server at any moment.
pub(crate) struct Tracked<C> {
    /// `None` once closed; always `Some` while checked out.
    conn: Option<C>,
    pub(crate) id: u64,
    created: Instant,
    /// When it was opened or last pinged successfully.
    verified_at: Instant,
    /// Set by [`DisconnectWatch`] when a query failed because the server
    /// went away.
    disconnected: Arc<AtomicBool>,
    /// When it was last returned (or opened).
    pub(crate) idle_since: Instant,
    /// When it last passed `is_valid`, its pre-ping included. r2d2 calls
    /// `is_valid` at every checkout, so this is where the latest checkout
    /// ended, and `Pool::get` times the checkout from it instead of reading
    /// the clock again (each read costs about a tenth of a checkout).
    pub(crate) checked_at: Instant,
    /// Whether it still counts in [`Shared::open`].
    counted: bool,
    shared: Arc<Shared>,
}

impl<C> Tracked<C> {
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

    /// Closes the connection now, for `reason`; r2d2 forgets it next.
    fn close(&mut self, reason: CloseReason) {
        let Some(conn) = self.conn.take() else {
            return;
        };
        drop(conn);
        if self.counted {
            self.counted = false;
            self.shared.open.fetch_sub(1, Ordering::AcqRel);
        }
        bump(&self.shared.counters.closed);
        let connection_id = self.id;
        self.shared.listeners.emit(|| PoolEvent::Close {
            connection_id,
            reason,
        });
    }

    /// Closes a returned connection as overflow; the caller has claimed it
    /// with [`Shared::claim_overflow`], which already uncounted it.
    pub(crate) fn close_as_overflow(&mut self) {
        self.counted = false;
        bump(&self.shared.counters.overflow_closed);
        self.close(CloseReason::Overflow);
    }

    /// Closes a connection the application gave up on, or that is broken.
    pub(crate) fn close_as_broken(&mut self) {
        bump(&self.shared.counters.discarded);
        self.close(CloseReason::Broken);
    }

    fn is_closed(&self) -> bool {
        self.conn.is_none()
    }
}

impl<C> Drop for Tracked<C> {
    fn drop(&mut self) {
        // Idle too long, or the pool was dropped.
        self.close(CloseReason::Evicted);
    }
}

/// Watches a connection's queries for the server going away, and passes
/// every event on to the instrumentation diesel would have given the
/// connection (`diesel::connection::set_default_instrumentation`).
struct DisconnectWatch {
    disconnected: Arc<AtomicBool>,
    inner: Option<Box<dyn Instrumentation>>,
}

impl Instrumentation for DisconnectWatch {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::FinishQuery {
            error: Some(error), ..
        } = &event
        {
            if is_disconnect(error) {
                self.disconnected.store(true, Ordering::Release);
            }
        }
        if let Some(inner) = &mut self.inner {
            inner.on_connection_event(event);
        }
    }
}

/// Whether a query failed because the connection to the server is gone:
/// diesel says so for PostgreSQL; MySQL's client reports it as an unknown
/// error with a message of its own (`CR_SERVER_GONE_ERROR`,
/// `CR_SERVER_LOST`, `ER_CLIENT_INTERACTION_TIMEOUT`).
fn is_disconnect(error: &DieselError) -> bool {
    match error {
        DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => true,
        DieselError::DatabaseError(_, information) => {
            let message = information.message().to_ascii_lowercase();
            [
                "server has gone away",
                "lost connection to",
                "disconnected by the server",
            ]
            .iter()
            .any(|symptom| message.contains(symptom))
        }
        _ => false,
    }
}

/// diesel's `ConnectionManager` with the pool's policy around it.
pub(crate) struct Manager<C: PoolConnection> {
    inner: ConnectionManager<C>,
    url: String,
    /// `(label for errors, SQL)` run on each new connection.
    setup: Vec<(String, String)>,
    shared: Arc<Shared>,
}

impl<C: PoolConnection> Manager<C> {
    pub(crate) fn new(url: String, setup: Vec<(String, String)>, shared: Arc<Shared>) -> Self {
        Self {
            inner: ConnectionManager::new(url.clone()),
            url,
            setup,
            shared,
        }
    }

    fn open(&self) -> Result<C, ManagerError> {
        open(&self.url, &self.setup)
    }
}

/// A new connection to `url` with the `(label, SQL)` setup statements run
/// on it; errors have the password removed.
fn open<C: PoolConnection>(url: &str, setup: &[(String, String)]) -> Result<C, ManagerError> {
    let mut conn =
        C::establish(url).map_err(|error| ManagerError::redacted(&error.to_string(), url))?;
    for (label, sql) in setup {
        conn.batch_execute(sql)
            .map_err(|error| ManagerError::redacted(&format!("{label} failed: {error}"), url))?;
    }
    Ok(conn)
}

impl<C: PoolConnection> Manager<C> {
    /// Opens one connection (and runs the setup statements on it) on a
    /// thread of its own, waiting at most `timeout`, then closes it: a
    /// wrong URL or password, a database that does not exist or a closed
    /// port fails here at once with the server's error, where r2d2 would
    /// keep trying until `timeout` and then report only that it timed out.
    pub(crate) fn probe(&self, timeout: Duration) -> Result<(), PoolError> {
        let (sender, receiver) = std::sync::mpsc::sync_channel(1);
        let url = self.url.clone();
        let setup = self.setup.clone();
        let started = Instant::now();
        // The thread outlives a timed-out wait only as long as the driver
        // keeps trying; what it sends then is dropped.
        std::thread::Builder::new()
            .name("retort-pool-probe".into())
            .spawn(move || {
                let _ = sender.send(open::<C>(&url, &setup).map(drop));
            })
            .map_err(|error| PoolError::Config(format!("cannot start a thread: {error}")))?;
        let message = match receiver.recv_timeout(timeout) {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(error)) => error.message,
            Err(_) => format!("no answer within {timeout:?}"),
        };
        bump(&self.shared.counters.connect_failures);
        Err(PoolError::Connect {
            url: self.shared.redacted_url.clone(),
            message,
            timeout: started.elapsed(),
        })
    }
}

impl<C: PoolConnection> ManageConnection for Manager<C> {
    type Connection = Box<Tracked<C>>;
    type Error = ManagerError;

    fn connect(&self) -> Result<Box<Tracked<C>>, ManagerError> {
        let mut conn = match self.open() {
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
        let disconnected = Arc::new(AtomicBool::new(false));
        conn.set_instrumentation(DisconnectWatch {
            disconnected: Arc::clone(&disconnected),
            inner: diesel::connection::get_default_instrumentation(),
        });
        let now = Instant::now();
        Ok(Box::new(Tracked {
            conn: Some(conn),
            id,
            created: now,
            verified_at: now,
            disconnected,
            idle_since: now,
            checked_at: now,
            counted: true,
            shared: Arc::clone(&self.shared),
        }))
    }

    fn is_valid(&self, conn: &mut Box<Tracked<C>>) -> Result<(), ManagerError> {
        let counters = &self.shared.counters;
        if conn.is_closed() {
            return Err(ManagerError {
                message: format!("connection {} is closed", conn.id),
            });
        }
        let now = Instant::now();
        if let Some(recycle) = self.shared.recycle {
            if now.saturating_duration_since(conn.created) >= recycle {
                bump(&counters.recycled);
                conn.close(CloseReason::Recycled);
                return Err(ManagerError {
                    message: format!("connection {} is older than recycle", conn.id),
                });
            }
        }
        let ping = self.shared.is_stale(conn.verified_at)
            || match self.shared.pre_ping {
                PrePing::Always => true,
                PrePing::IfIdleFor(idle) => now.saturating_duration_since(conn.idle_since) > idle,
                PrePing::Never => false,
            };
        if ping {
            bump(&counters.pings);
            if let Err(error) = self.inner.is_valid(conn.connection_mut()) {
                bump(&counters.failed_pings);
                self.shared.invalidate_older_connections();
                conn.close(CloseReason::PingFailed);
                return Err(ManagerError::redacted(&error.to_string(), &self.url));
            }
            conn.verified_at = now;
            conn.checked_at = Instant::now();
        } else {
            conn.checked_at = now;
        }
        Ok(())
    }

    fn has_broken(&self, conn: &mut Box<Tracked<C>>) -> bool {
        if conn.is_closed() {
            // Closed on return: overflow, or invalidated by the application.
            return true;
        }
        if conn.disconnected.load(Ordering::Acquire) {
            self.shared.invalidate_older_connections();
            conn.close_as_broken();
            return true;
        }
        if self.inner.has_broken(conn.connection_mut()) {
            conn.close_as_broken();
            return true;
        }
        false
    }
}
