//! Counters and a checkout-latency histogram, cheap enough to leave on.
//!
//! Every counter is one relaxed atomic add; the histogram has fixed
//! log-linear buckets (four per power of two of microseconds, so a
//! percentile is read to within 25 %), recorded with two adds (bucket and
//! sum) and the checkout count is the sum of its buckets. A
//! [`PoolMetrics`] snapshot copies them out: counters map to Prometheus
//! counters, [`LatencyHistogram::buckets`] to a Prometheus histogram.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Sub-buckets per power of two.
const SUB_BUCKETS: usize = 4;
/// Buckets up to 2^26 µs (67 s); slower checkouts land in the last one.
const BUCKETS: usize = SUB_BUCKETS + 24 * SUB_BUCKETS;

/// The live counters of one pool.
#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) waits: AtomicU64,
    pub(crate) timeouts: AtomicU64,
    pub(crate) opened: AtomicU64,
    pub(crate) closed: AtomicU64,
    pub(crate) connect_failures: AtomicU64,
    pub(crate) pings: AtomicU64,
    pub(crate) failed_pings: AtomicU64,
    pub(crate) recycled: AtomicU64,
    pub(crate) overflow_closed: AtomicU64,
    pub(crate) discarded: AtomicU64,
    pub(crate) latency: Histogram,
}

/// Adds one to a counter.
pub(crate) fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

impl Counters {
    pub(crate) fn snapshot(&self) -> PoolMetrics {
        let read = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        let checkout_latency = self.latency.snapshot();
        PoolMetrics {
            checkouts: checkout_latency.count,
            waits: read(&self.waits),
            timeouts: read(&self.timeouts),
            connections_opened: read(&self.opened),
            connections_closed: read(&self.closed),
            connect_failures: read(&self.connect_failures),
            pings: read(&self.pings),
            failed_pings: read(&self.failed_pings),
            recycled: read(&self.recycled),
            overflow_closed: read(&self.overflow_closed),
            discarded: read(&self.discarded),
            checkout_latency,
        }
    }
}

/// A fixed-bucket histogram of durations.
pub(crate) struct Histogram {
    buckets: [AtomicU64; BUCKETS],
    sum_micros: AtomicU64,
    max_micros: AtomicU64,
}

impl Default for Histogram {
    fn default() -> Self {
        Self {
            buckets: std::array::from_fn(|_| AtomicU64::new(0)),
            sum_micros: AtomicU64::new(0),
            max_micros: AtomicU64::new(0),
        }
    }
}

impl Histogram {
    pub(crate) fn record(&self, elapsed: Duration) {
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.buckets[bucket_of(micros)].fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
        // A read first: a new maximum is rare, and a read shares the line.
        if micros > self.max_micros.load(Ordering::Relaxed) {
            self.max_micros.fetch_max(micros, Ordering::Relaxed);
        }
    }

    fn snapshot(&self) -> LatencyHistogram {
        let buckets: Vec<u64> = self
            .buckets
            .iter()
            .map(|bucket| bucket.load(Ordering::Relaxed))
            .collect();
        LatencyHistogram {
            count: buckets.iter().sum(),
            sum: Duration::from_micros(self.sum_micros.load(Ordering::Relaxed)),
            max: Duration::from_micros(self.max_micros.load(Ordering::Relaxed)),
            buckets,
        }
    }
}

/// The bucket holding `micros`: one per microsecond below 4 µs, then four
/// per power of two.
fn bucket_of(micros: u64) -> usize {
    if micros < SUB_BUCKETS as u64 {
        return micros as usize;
    }
    let exponent = (63 - micros.leading_zeros()) as usize; // at least 2
    let sub = ((micros >> (exponent - 2)) & 3) as usize;
    (SUB_BUCKETS + (exponent - 2) * SUB_BUCKETS + sub).min(BUCKETS - 1)
}

/// The exclusive upper bound of a bucket, in microseconds.
fn upper_bound_micros(index: usize) -> u64 {
    if index < SUB_BUCKETS {
        return index as u64 + 1;
    }
    let exponent = (index - SUB_BUCKETS) / SUB_BUCKETS + 2;
    let sub = ((index - SUB_BUCKETS) % SUB_BUCKETS) as u64;
    (SUB_BUCKETS as u64 + sub + 1) << (exponent - 2)
}

/// A snapshot of a pool's counters, from [`Pool::metrics`](crate::Pool::metrics).
/// Every counter only grows over the pool's life.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolMetrics {
    /// Successful `get()` calls.
    pub checkouts: u64,
    /// `get()` calls that found no idle connection and had to wait for one to
    /// be opened or returned.
    pub waits: u64,
    /// `get()` calls that failed after waiting `timeout`.
    pub timeouts: u64,
    /// Connections opened.
    pub connections_opened: u64,
    /// Connections closed, for any reason.
    pub connections_closed: u64,
    /// Attempts to open a connection that failed.
    pub connect_failures: u64,
    /// Pre-pings sent at checkout.
    pub pings: u64,
    /// Pre-pings that failed (the connection was closed and replaced).
    pub failed_pings: u64,
    /// Connections closed at checkout for being older than `recycle`.
    pub recycled: u64,
    /// Connections closed on return because more than `pool_size` were open.
    pub overflow_closed: u64,
    /// Connections closed on return because they were inside a transaction
    /// or broken, or invalidated by the application.
    pub discarded: u64,
    /// How long successful `get()` calls took.
    pub checkout_latency: LatencyHistogram,
}

/// Checkout latencies in fixed buckets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatencyHistogram {
    /// How many checkouts were recorded.
    pub count: u64,
    /// Their total duration (for a Prometheus `_sum`).
    pub sum: Duration,
    /// The slowest one.
    pub max: Duration,
    buckets: Vec<u64>,
}

impl LatencyHistogram {
    /// The latency below which a fraction `quantile` (0.0 to 1.0) of the
    /// checkouts fell, read to within 25 % (a bucket's upper bound, never
    /// more than [`max`](Self::max)). Zero when nothing was recorded.
    pub fn percentile(&self, quantile: f64) -> Duration {
        if self.count == 0 {
            return Duration::ZERO;
        }
        let rank = (quantile.clamp(0.0, 1.0) * self.count as f64)
            .ceil()
            .max(1.0) as u64;
        let mut seen = 0;
        for (index, &in_bucket) in self.buckets.iter().enumerate() {
            seen += in_bucket;
            if seen >= rank {
                return Duration::from_micros(upper_bound_micros(index)).min(self.max);
            }
        }
        self.max
    }

    /// The median checkout latency.
    pub fn p50(&self) -> Duration {
        self.percentile(0.50)
    }

    /// The 90th percentile.
    pub fn p90(&self) -> Duration {
        self.percentile(0.90)
    }

    /// The 99th percentile.
    pub fn p99(&self) -> Duration {
        self.percentile(0.99)
    }

    /// Cumulative bucket counts as Prometheus wants them: `(le, count of
    /// checkouts that took less than le)`, ascending. The last bucket also
    /// holds everything slower than its bound.
    pub fn buckets(&self) -> impl Iterator<Item = (Duration, u64)> + '_ {
        self.buckets
            .iter()
            .enumerate()
            .scan(0, |cumulative, (index, &in_bucket)| {
                *cumulative += in_bucket;
                Some((
                    Duration::from_micros(upper_bound_micros(index)),
                    *cumulative,
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_falls_below_its_buckets_upper_bound_and_above_the_previous() {
        for micros in (0..5000).chain([1 << 20, (1 << 26) - 1]) {
            let index = bucket_of(micros);
            assert!(micros < upper_bound_micros(index), "{micros} in {index}");
            if index > 0 {
                assert!(
                    micros >= upper_bound_micros(index - 1),
                    "{micros} in {index}"
                );
            }
        }
        assert_eq!(bucket_of(u64::MAX), BUCKETS - 1);
    }

    #[test]
    fn percentiles_are_read_to_within_a_quarter() {
        let histogram = Histogram::default();
        for micros in 1..=1000 {
            histogram.record(Duration::from_micros(micros));
        }
        let snapshot = histogram.snapshot();
        assert_eq!(snapshot.count, 1000);
        assert_eq!(snapshot.max, Duration::from_micros(1000));
        let p50 = snapshot.p50().as_micros();
        assert!((500..=625).contains(&p50), "p50 {p50}");
        let p99 = snapshot.p99().as_micros();
        assert!((990..=1000).contains(&p99), "p99 {p99}");
        let last = snapshot.buckets().last().map(|(_, count)| count);
        assert_eq!(last, Some(1000));
    }

    #[test]
    fn an_empty_histogram_reads_zero() {
        assert_eq!(Histogram::default().snapshot().p99(), Duration::ZERO);
    }
}
