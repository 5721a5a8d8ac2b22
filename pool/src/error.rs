//! What can go wrong when building a pool or checking a connection out.

use std::time::Duration;

/// A failure of the pool, safe to show: no error carries a password.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PoolError {
    /// Every connection the pool may open was checked out for the whole
    /// `timeout`.
    #[error(
        "connection pool exhausted: all {max_size} connections \
         (pool_size {pool_size} + max_overflow {max_overflow}) stayed checked out for {timeout:?}; \
         raise pool_size or max_overflow, or return connections sooner"
    )]
    Exhausted {
        /// The configured `pool_size`.
        pool_size: u32,
        /// The configured `max_overflow`.
        max_overflow: u32,
        /// `pool_size + max_overflow`: the most connections the pool opens.
        max_size: u32,
        /// How long the checkout waited.
        timeout: Duration,
    },
    /// No connection could be opened within `timeout`: the database is
    /// unreachable, refused the credentials, or an `on_connect` statement
    /// failed.
    #[error("cannot connect to {url} (tried for {timeout:?}): {message}")]
    Connect {
        /// The database URL, with any password replaced by `***`.
        url: String,
        /// The database's or driver's message, with the password removed.
        message: String,
        /// How long the pool tried: the whole `timeout` for a checkout; for
        /// [`PoolConfig::build`](crate::PoolConfig::build), which returns
        /// the database's first refusal, usually much less.
        timeout: Duration,
    },
    /// The configuration cannot make a working pool.
    #[error("invalid pool configuration: {0}")]
    Config(String),
}

/// The error the pool's connection manager reports to r2d2. Its message is
/// already free of the password; the pool turns it into a [`PoolError`].
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub(crate) struct ManagerError {
    pub(crate) message: String,
}

impl ManagerError {
    /// An error whose `message` may echo the connection string: every
    /// occurrence of `url`'s password is removed.
    pub(crate) fn redacted(message: &str, url: &str) -> Self {
        Self {
            message: retort_redact::redact_password_in(message, url),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_driver_message_echoing_the_password_is_redacted() {
        let url = "postgres://app:hunter2@db.internal/shop";
        let error = ManagerError::redacted(
            "password authentication failed for user app (password hunter2)",
            url,
        );
        assert!(!error.to_string().contains("hunter2"), "{error}");
        assert!(!format!("{error:?}").contains("hunter2"), "{error:?}");
        assert!(error.to_string().contains("password authentication failed"));
    }

    #[test]
    fn exhaustion_names_the_pool_size() {
        let error = PoolError::Exhausted {
            pool_size: 8,
            max_overflow: 4,
            max_size: 12,
            timeout: Duration::from_secs(30),
        };
        let message = error.to_string();
        assert!(message.contains("exhausted"), "{message}");
        assert!(message.contains("all 12 connections"), "{message}");
        assert!(message.contains("pool_size 8"), "{message}");
    }
}
