//! The policy: r2d2's `ManageConnection` around diesel's `ConnectionManager`.
//!
//! diesel's manager opens, pings and judges connections; this one adds what
//! SQLAlchemy's pool does on top:
//!
//! - `connect` runs the SQLite defaults and the `on_connect` statements, and
//!   records the connection's birth;
//! - `is_valid`, which r2d2 calls at every checkout, enforces `recycle` (by
//!   age, at checkout, not by r2d2's reaper) and the [`PrePing`](crate::PrePing) policy; an
//!   `Err` makes r2d2 close the connection and hand out another;
//! - `has_broken`, which r2d2 calls at every return, closes connections the
//!   pool marked (overflow), those diesel finds inside a transaction, and
//!   those whose server went away during a query;
//! - a connection found dead (a failed ping, or a query that failed because
//!   the server went away, seen through diesel's instrumentation) makes the
//!   pool ping every connection verified before that moment at its next
//!   checkout, whatever the [`PrePing`](crate::PrePing) policy: after a database restart a
//!   busy service sees at most one failed query per pool, as with
//!   SQLAlchemy's pool invalidation.

use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::r2d2::{ConnectionManager, ManageConnection};

use crate::error::ManagerError;
use crate::events::CloseReason;
use crate::setup::SetupStatement;
use crate::shared::{Shared, Verdict};
use crate::tracked::Tracked;
use crate::{PoolConnection, PoolError};

/// diesel's `ConnectionManager` with the pool's policy around it.
pub(crate) struct Manager<C: PoolConnection> {
    inner: ConnectionManager<C>,
    url: String,
    /// Run on each new connection.
    setup: Vec<SetupStatement>,
    shared: Arc<Shared>,
}

impl<C: PoolConnection> Manager<C> {
    pub(crate) fn new(url: String, setup: Vec<SetupStatement>, shared: Arc<Shared>) -> Self {
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

/// A new connection to `url` with the setup statements run on it; errors
/// have the password removed.
fn open<C: PoolConnection>(url: &str, setup: &[SetupStatement]) -> Result<C, ManagerError> {
    let mut conn =
        C::establish(url).map_err(|error| ManagerError::redacted(&error.to_string(), url))?;
    for statement in setup {
        let started = Instant::now();
        let mut attempt = 0;
        while let Err(error) = conn.batch_execute(&statement.sql) {
            let error = error.to_string();
            let Some(wait) = statement.retry_after(&error, started, attempt) else {
                let message = format!("{} failed: {error}", statement.label);
                return Err(ManagerError::redacted(&message, url));
            };
            std::thread::sleep(wait);
            attempt += 1;
        }
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
        self.shared.connect_failed(&message);
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
        let _connecting = self.shared.connecting();
        let conn = self
            .open()
            .inspect_err(|error| self.shared.connect_failed(&error.message))?;
        let (mut tracked, watch) = Tracked::opened(conn, &self.shared);
        tracked.connection_mut().set_instrumentation(watch);
        Ok(Box::new(tracked))
    }

    fn is_valid(&self, conn: &mut Box<Tracked<C>>) -> Result<(), ManagerError> {
        if conn.is_closed() {
            return Err(ManagerError {
                message: format!("connection {} is closed", conn.id),
            });
        }
        let now = Instant::now();
        match conn.verdict(now) {
            Verdict::Ready => conn.checked_at = now,
            Verdict::Close(reason) => {
                conn.close(reason);
                return Err(ManagerError {
                    message: format!("connection {} was closed at checkout ({reason:?})", conn.id),
                });
            }
            Verdict::Ping => {
                conn.shared().pinged();
                if let Err(error) = self.inner.is_valid(conn.connection_mut()) {
                    conn.ping_failed();
                    return Err(ManagerError::redacted(&error.to_string(), &self.url));
                }
                conn.verified(now);
            }
        }
        Ok(())
    }

    fn has_broken(&self, conn: &mut Box<Tracked<C>>) -> bool {
        if conn.is_closed() {
            // Closed on return: overflow, or invalidated by the application.
            return true;
        }
        if conn.close_if_disconnected() {
            return true;
        }
        if self.inner.has_broken(conn.connection_mut()) {
            conn.close(CloseReason::Broken);
            return true;
        }
        false
    }
}
