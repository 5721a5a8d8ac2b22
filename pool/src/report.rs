//! Every pool's numbers through the [`metrics`](https://docs.rs/metrics)
//! facade (feature `metrics`), for Prometheus or any other exporter, labelled
//! `pool` with [`PoolConfig::name`](crate::PoolConfig::name):
//!
//! | series | kind | labels |
//! | --- | --- | --- |
//! | `retort_pool_connections` | gauge | `state` = `idle` \| `in_use` |
//! | `retort_pool_overflow_in_use` | gauge | |
//! | `retort_pool_waiting` | gauge | |
//! | `retort_pool_max_connections` | gauge | |
//! | `retort_pool_checkouts_total` | counter | |
//! | `retort_pool_timeouts_total` | counter | |
//! | `retort_pool_connections_opened_total` | counter | |
//! | `retort_pool_connections_closed_total` | counter | `reason` |
//! | `retort_pool_pings_failed_total` | counter | |
//! | `retort_pool_checkout_wait_seconds` | histogram | |
//!
//! The handles are registered when the pool is built, so the exporter's
//! recorder must be installed first. Without the feature every method is
//! empty and compiles away.

use std::time::Duration;

use crate::events::CloseReason;

#[cfg(feature = "metrics")]
pub(crate) use enabled::Reporter;

#[cfg(not(feature = "metrics"))]
pub(crate) use disabled::Reporter;

/// The `reason` label of `retort_pool_connections_closed_total`.
#[cfg_attr(not(feature = "metrics"), allow(dead_code))]
fn reason_label(reason: CloseReason) -> &'static str {
    match reason {
        CloseReason::Overflow => "overflow",
        CloseReason::Recycled => "recycled",
        CloseReason::PingFailed => "ping_failed",
        CloseReason::Broken => "broken",
        CloseReason::Evicted => "evicted",
        CloseReason::Detached => "detached",
    }
}

/// Every close reason, for registering one counter each.
#[cfg_attr(not(feature = "metrics"), allow(dead_code))]
const CLOSE_REASONS: [CloseReason; 6] = [
    CloseReason::Overflow,
    CloseReason::Recycled,
    CloseReason::PingFailed,
    CloseReason::Broken,
    CloseReason::Evicted,
    CloseReason::Detached,
];

#[cfg(feature = "metrics")]
mod enabled {
    use super::*;
    use metrics::{counter, gauge, histogram, Counter, Gauge, Histogram};

    /// The pool's registered series.
    pub(crate) struct Reporter {
        idle: Gauge,
        in_use: Gauge,
        overflow_in_use: Gauge,
        waiting: Gauge,
        checkouts: Counter,
        timeouts: Counter,
        opened: Counter,
        closed: [Counter; CLOSE_REASONS.len()],
        pings_failed: Counter,
        checkout_wait: Histogram,
    }

    impl Reporter {
        pub(crate) fn new(pool: &str, max_connections: u32) -> Self {
            let pool = pool.to_owned();
            gauge!("retort_pool_max_connections", "pool" => pool.clone())
                .set(f64::from(max_connections));
            let closed = CLOSE_REASONS.map(|reason| {
                counter!(
                    "retort_pool_connections_closed_total",
                    "pool" => pool.clone(),
                    "reason" => reason_label(reason)
                )
            });
            Self {
                idle: gauge!("retort_pool_connections", "pool" => pool.clone(), "state" => "idle"),
                in_use: gauge!("retort_pool_connections", "pool" => pool.clone(), "state" => "in_use"),
                overflow_in_use: gauge!("retort_pool_overflow_in_use", "pool" => pool.clone()),
                waiting: gauge!("retort_pool_waiting", "pool" => pool.clone()),
                checkouts: counter!("retort_pool_checkouts_total", "pool" => pool.clone()),
                timeouts: counter!("retort_pool_timeouts_total", "pool" => pool.clone()),
                opened: counter!("retort_pool_connections_opened_total", "pool" => pool.clone()),
                closed,
                pings_failed: counter!("retort_pool_pings_failed_total", "pool" => pool.clone()),
                checkout_wait: histogram!("retort_pool_checkout_wait_seconds", "pool" => pool),
            }
        }

        pub(crate) fn connections(&self, idle: i64, in_use: i64, overflow_in_use: i64) {
            self.idle.set(idle as f64);
            self.in_use.set(in_use as f64);
            self.overflow_in_use.set(overflow_in_use as f64);
        }

        pub(crate) fn waiting(&self, waiting: i64) {
            self.waiting.set(waiting.max(0) as f64);
        }

        pub(crate) fn checked_out(&self, waited: Duration) {
            self.checkouts.increment(1);
            self.checkout_wait.record(waited.as_secs_f64());
        }

        pub(crate) fn timed_out(&self) {
            self.timeouts.increment(1);
        }

        pub(crate) fn opened(&self) {
            self.opened.increment(1);
        }

        pub(crate) fn closed(&self, reason: CloseReason) {
            if let Some(index) = CLOSE_REASONS.iter().position(|known| *known == reason) {
                self.closed[index].increment(1);
            }
        }

        pub(crate) fn ping_failed(&self) {
            self.pings_failed.increment(1);
        }
    }
}

#[cfg(not(feature = "metrics"))]
mod disabled {
    use super::*;

    /// Reports nothing: the feature `metrics` is off.
    pub(crate) struct Reporter;

    impl Reporter {
        pub(crate) fn new(_pool: &str, _max_connections: u32) -> Self {
            Self
        }

        pub(crate) fn connections(&self, _idle: i64, _in_use: i64, _overflow_in_use: i64) {}

        pub(crate) fn waiting(&self, _waiting: i64) {}

        pub(crate) fn checked_out(&self, _waited: Duration) {}

        pub(crate) fn timed_out(&self) {}

        pub(crate) fn opened(&self) {}

        pub(crate) fn closed(&self, _reason: CloseReason) {}

        pub(crate) fn ping_failed(&self) {}
    }
}
