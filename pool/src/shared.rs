//! What every connection and every checkout of one pool share, sync or
//! async: the settings, the counters, the listeners and the metrics
//! reporter, and the few decisions both pools make the same way (whether a
//! connection may be handed out, whether a returned one is overflow).
//!
//! Each thing that happens to a connection goes through one method here
//! ([`Shared::opened`], [`Shared::closed`], [`Shared::checked_out`], ...),
//! which counts it, tells the listeners and reports it, so the two pools
//! cannot disagree on what they count.

use std::sync::atomic::{AtomicI64, AtomicU32, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::events::{CloseReason, Listeners, PoolEvent};
use crate::metrics::{bump, Counters};
use crate::report::Reporter;
use crate::watch::Echo;
use crate::{PoolConfig, PoolError, PrePing};

/// What every connection and every checkout of one pool share.
pub(crate) struct Shared {
    pub(crate) pool_size: u32,
    pub(crate) max_overflow: u32,
    pub(crate) timeout: Duration,
    pub(crate) pre_ping: PrePing,
    pub(crate) recycle: Option<Duration>,
    pub(crate) idle_timeout: Option<Duration>,
    /// The URL with any password replaced, for messages.
    pub(crate) redacted_url: String,
    /// What each connection logs of its statements.
    pub(crate) echo: Echo,
    pub(crate) counters: Counters,
    listeners: Listeners,
    reporter: Reporter,
    /// Connections open and not yet claimed for closing as overflow.
    open: AtomicU32,
    /// Connections checked out.
    in_use: AtomicI64,
    /// `get()` calls waiting now.
    waiting: AtomicI64,
    next_id: AtomicU64,
    /// Why the latest attempt to connect failed; `None` once one succeeds.
    last_connect_error: Mutex<Option<String>>,
    /// Connections being opened now by r2d2's helper threads.
    connecting: AtomicU32,
    /// The origin of [`Shared::invalidated_at`].
    epoch: Instant,
    /// One more than the nanoseconds from `epoch` to the moment a connection
    /// was last found dead; zero if none was.
    invalidated_at: AtomicU64,
}

/// A connection being opened, counted until dropped.
pub(crate) struct Connecting<'a>(&'a Shared);

impl Drop for Connecting<'_> {
    fn drop(&mut self) {
        self.0.connecting.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What a checkout does with an idle connection before handing it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Hand it out as it is.
    Ready,
    /// Send `SELECT 1` first; close it if that fails.
    Ping,
    /// Close it and take another.
    Close(CloseReason),
}

impl Shared {
    /// Counts a connection being opened until the guard is dropped.
    pub(crate) fn connecting(&self) -> Connecting<'_> {
        self.connecting.fetch_add(1, Ordering::SeqCst);
        Connecting(self)
    }

    /// Waits, at most `timeout`, until no connection is being opened: a
    /// program that ends as its pool is dropped must not exit while a
    /// helper thread is inside the driver (libpq then crashes in its exit
    /// handlers).
    pub(crate) fn wait_for_connects(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while self.connecting.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// The shared state of a pool built from `config`, after checking that
    /// the configuration can make a working pool.
    pub(crate) fn from_config(config: &PoolConfig) -> Result<Self, PoolError> {
        config.validate()?;
        let max_size = config.pool_size.saturating_add(config.max_overflow);
        Ok(Self {
            pool_size: config.pool_size,
            max_overflow: config.max_overflow,
            timeout: config.timeout,
            pre_ping: config.pre_ping,
            recycle: config.recycle,
            idle_timeout: config.idle_timeout,
            redacted_url: retort_redact::redact_url(&config.url),
            echo: Echo::from_config(config),
            counters: Counters::default(),
            listeners: config.listeners.clone(),
            reporter: Reporter::new(&config.name, max_size),
            open: AtomicU32::new(0),
            in_use: AtomicI64::new(0),
            waiting: AtomicI64::new(0),
            next_id: AtomicU64::new(1),
            last_connect_error: Mutex::new(None),
            epoch: Instant::now(),
            invalidated_at: AtomicU64::new(0),
            connecting: AtomicU32::new(0),
        })
    }

    pub(crate) fn max_size(&self) -> u32 {
        self.pool_size.saturating_add(self.max_overflow)
    }

    /// Connections open now, checked out or idle.
    #[cfg(feature = "async")]
    pub(crate) fn open_connections(&self) -> u32 {
        self.open.load(Ordering::Acquire)
    }

    /// Counts a new connection and gives it its id.
    pub(crate) fn opened(&self) -> u64 {
        self.set_last_connect_error(None);
        self.open.fetch_add(1, Ordering::AcqRel);
        bump(&self.counters.opened);
        self.reporter.opened();
        self.report_connections();
        let connection_id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.listeners.emit(|| PoolEvent::Connect { connection_id });
        connection_id
    }

    /// Records why the latest attempt to open a connection failed.
    pub(crate) fn connect_failed(&self, message: &str) {
        bump(&self.counters.connect_failures);
        self.set_last_connect_error(Some(message.to_owned()));
    }

    /// Counts a closed connection. `counted` says whether it still counted
    /// among the open ones (an overflow connection stopped counting when it
    /// was claimed).
    pub(crate) fn closed(&self, connection_id: u64, reason: CloseReason, counted: bool) {
        if counted {
            self.open.fetch_sub(1, Ordering::AcqRel);
        }
        bump(&self.counters.closed);
        match reason {
            CloseReason::Overflow => bump(&self.counters.overflow_closed),
            CloseReason::Recycled => bump(&self.counters.recycled),
            CloseReason::Broken => bump(&self.counters.discarded),
            CloseReason::PingFailed | CloseReason::Evicted | CloseReason::Detached => {}
        }
        self.reporter.closed(reason);
        self.report_connections();
        self.listeners.emit(|| PoolEvent::Close {
            connection_id,
            reason,
        });
    }

    /// Counts a checkout that took `waited`.
    pub(crate) fn checked_out(&self, connection_id: u64, waited: Duration) {
        // Also counts the checkout: `checkouts` is the histogram's count.
        self.counters.latency.record(waited);
        self.in_use.fetch_add(1, Ordering::AcqRel);
        self.reporter.checked_out(waited);
        self.report_connections();
        self.listeners.emit(|| PoolEvent::Checkout {
            connection_id,
            waited,
        });
    }

    /// Counts a connection the application returned.
    pub(crate) fn checked_in(&self, connection_id: u64) {
        self.in_use.fetch_sub(1, Ordering::AcqRel);
        self.report_connections();
        self.listeners.emit(|| PoolEvent::Checkin { connection_id });
    }

    /// Counts a checkout that gave up after `timeout`.
    pub(crate) fn timed_out(&self) {
        bump(&self.counters.timeouts);
        self.reporter.timed_out();
    }

    /// Counts a pre-ping sent.
    pub(crate) fn pinged(&self) {
        bump(&self.counters.pings);
    }

    /// Counts a failed pre-ping: every connection verified before now is
    /// pinged at its next checkout.
    pub(crate) fn ping_failed(&self) {
        bump(&self.counters.failed_pings);
        self.reporter.ping_failed();
        self.invalidate_older_connections();
    }

    /// Counts a `get()` that has to wait, until the guard is dropped.
    pub(crate) fn waiting(&self) -> Waiting<'_> {
        bump(&self.counters.waits);
        let waiting = self.waiting.fetch_add(1, Ordering::AcqRel) + 1;
        self.reporter.waiting(waiting);
        Waiting { shared: self }
    }

    /// Publishes the connection gauges from the counts.
    fn report_connections(&self) {
        let open = i64::from(self.open.load(Ordering::Acquire));
        let in_use = self.in_use.load(Ordering::Acquire).max(0);
        let overflow_in_use = (in_use - i64::from(self.pool_size)).max(0);
        self.reporter
            .connections((open - in_use).max(0), in_use, overflow_in_use);
    }

    /// Whether an idle connection may be handed out as it is: recycled when
    /// older than `recycle`, closed when idle longer than `idle_timeout`,
    /// pinged as the [`PrePing`] policy says, or after another connection
    /// was found dead since this one was last verified.
    pub(crate) fn verdict(&self, now: Instant, times: &ConnectionTimes) -> Verdict {
        if self
            .recycle
            .is_some_and(|recycle| now.saturating_duration_since(times.created) >= recycle)
        {
            return Verdict::Close(CloseReason::Recycled);
        }
        let idle = now.saturating_duration_since(times.idle_since);
        if self.idle_timeout.is_some_and(|limit| idle >= limit) {
            return Verdict::Close(CloseReason::Evicted);
        }
        let ping = self.is_stale(times.verified_at)
            || match self.pre_ping {
                PrePing::Always => true,
                PrePing::IfIdleFor(interval) => idle > interval,
                PrePing::Never => false,
            };
        if ping {
            Verdict::Ping
        } else {
            Verdict::Ready
        }
    }

    fn nanos_since_epoch(&self, moment: Instant) -> u64 {
        u64::try_from(moment.saturating_duration_since(self.epoch).as_nanos()).unwrap_or(u64::MAX)
    }

    /// Records that a connection was found dead now: every connection
    /// verified before must be pinged before it is handed out.
    pub(crate) fn invalidate_older_connections(&self) {
        let now = self.nanos_since_epoch(Instant::now()).saturating_add(1);
        self.invalidated_at.fetch_max(now, Ordering::AcqRel);
    }

    /// Whether a connection verified at `verified_at` was verified before a
    /// connection was found dead.
    fn is_stale(&self, verified_at: Instant) -> bool {
        let invalidated_at = self.invalidated_at.load(Ordering::Acquire);
        invalidated_at != 0 && invalidated_at > self.nanos_since_epoch(verified_at)
    }

    fn last_connect_error(&self) -> Option<String> {
        self.last_connect_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set_last_connect_error(&self, error: Option<String>) {
        let mut last = self
            .last_connect_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if last.is_some() || error.is_some() {
            *last = error;
        }
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

    /// The error for a checkout that timed out: a connection failure when
    /// the pool could have opened another connection but the database
    /// refused, exhaustion otherwise.
    pub(crate) fn timeout_error(&self, open_connections: u32) -> PoolError {
        let max_size = self.max_size();
        match self.last_connect_error() {
            Some(message) if open_connections < max_size => PoolError::Connect {
                url: self.redacted_url.clone(),
                message,
                timeout: self.timeout,
            },
            _ => PoolError::Exhausted {
                pool_size: self.pool_size,
                max_overflow: self.max_overflow,
                max_size,
                timeout: self.timeout,
            },
        }
    }
}

/// The moments in a connection's life that decide its [`Verdict`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnectionTimes {
    /// When it was opened.
    pub(crate) created: Instant,
    /// When it was opened or last pinged successfully.
    pub(crate) verified_at: Instant,
    /// When it was last returned (or opened).
    pub(crate) idle_since: Instant,
}

impl ConnectionTimes {
    pub(crate) fn new(now: Instant) -> Self {
        Self {
            created: now,
            verified_at: now,
            idle_since: now,
        }
    }
}

/// A `get()` counted as waiting; dropping it (served, timed out or
/// cancelled) counts it out.
pub(crate) struct Waiting<'a> {
    shared: &'a Shared,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        let waiting = self.shared.waiting.fetch_sub(1, Ordering::AcqRel) - 1;
        self.shared.reporter.waiting(waiting);
    }
}
