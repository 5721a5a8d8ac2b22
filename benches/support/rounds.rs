//! Contenders measured in turn, round by round, so that load coming and
//! going on a shared machine falls on all of them alike. Criterion measures
//! one contender after the other, and a busy minute during one of them
//! skews their ratio; interleaved rounds compared by their medians do not.

use std::time::Duration;

/// The number of rounds `RETORT_BENCH_ROUNDS` asks for, `default` when it
/// is unset or not a number.
pub fn from_env(default: usize) -> usize {
    std::env::var("RETORT_BENCH_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// Measures every contender once per round, `rounds` times, and returns
/// each contender's measurements in round order. Round `r` starts with
/// contender `r mod n`, so that none of them always runs first or always
/// follows the same other one.
pub fn interleave(rounds: usize, contenders: &mut [&mut dyn FnMut() -> f64]) -> Vec<Vec<f64>> {
    let mut measured = vec![Vec::with_capacity(rounds); contenders.len()];
    for round in 0..rounds {
        for turn in 0..contenders.len() {
            let at = (round + turn) % contenders.len();
            measured[at].push(contenders[at]());
        }
    }
    measured
}

/// The median of `values` (the upper one of the middle two for an even
/// count); NaN for none.
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The smallest and the largest of `values`.
pub fn range(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), &v| {
            (low.min(v), high.max(v))
        })
}

/// `ours[r] / theirs[r]` for every round `r`: the ratio of two contenders
/// measured moments apart, less exposed to load than the ratio of their
/// medians.
pub fn ratios(ours: &[f64], theirs: &[f64]) -> Vec<f64> {
    ours.iter().zip(theirs).map(|(a, b)| a / b).collect()
}

/// How long one contender runs in a round: `RETORT_BENCH_PERIOD_MS`, else
/// 200 ms (50 ms under `RETORT_BENCH_QUICK`).
pub fn period() -> Duration {
    let default = if std::env::var_os("RETORT_BENCH_QUICK").is_some() {
        50
    } else {
        200
    };
    let millis = std::env::var("RETORT_BENCH_PERIOD_MS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default);
    Duration::from_millis(millis)
}

/// Whether the command line selects `group` for the interleaved rounds: as
/// with criterion's filter, when some argument that is not an option is
/// part of its name, or when there is none.
pub fn selected(group: &str) -> bool {
    let mut filters = std::env::args()
        .skip(1)
        .filter(|argument| !argument.starts_with('-'))
        .peekable();
    filters.peek().is_none() || filters.any(|filter| group.contains(&filter))
}

/// Contenders of one group, each named, measured in throughput (operations
/// a second) by one run of `period()`.
pub struct Group<'a> {
    /// The bench's row in `scripts/bench`'s records (`pool`, `async_pool`).
    pub row: &'a str,
    /// The group's name (`threads_8`, `tasks_64`).
    pub group: &'a str,
    /// Whether a contender (by name) is retort's.
    pub ours: fn(&str) -> bool,
    /// Whether a contender (by name) is a peer retort's are compared with.
    pub peer: fn(&str) -> bool,
}

impl Group<'_> {
    /// Measures `runs` (one per name of `names`) in `rounds` interleaved
    /// rounds, prints each median with its range and each of ours' ratios
    /// to each peer, and records each median for `scripts/bench`.
    pub fn compare(&self, rounds: usize, names: &[&str], runs: &mut [&mut dyn FnMut() -> f64]) {
        let (row, group) = (self.row, self.group);
        let measured = interleave(rounds, runs);
        println!(
            "{group}: median (range) of {rounds} rounds of {:?} each",
            period()
        );
        for (name, ops) in names.iter().zip(&measured) {
            let (low, high) = range(ops);
            println!(
                "  {name:<28} {:>9.0} ops/s ({low:.0}–{high:.0}), {:.0} ns per operation",
                median(ops),
                1e9 / median(ops)
            );
            super::record_fact(&format!(
                r#"{{"row":"{row}","full_id":"{group}/{name}","median_s":{},"rounds":{rounds}}}"#,
                1.0 / median(ops)
            ));
        }
        let named =
            |wanted: fn(&str) -> bool| (0..names.len()).filter(move |&at| wanted(names[at]));
        for ours in named(self.ours) {
            for theirs in named(self.peer) {
                let per_round = ratios(&measured[ours], &measured[theirs]);
                let (low, high) = range(&per_round);
                println!(
                    "  {} / {}: {:.3} (medians), round by round {:.3} ({low:.3}–{high:.3})",
                    names[ours],
                    names[theirs],
                    median(&measured[ours]) / median(&measured[theirs]),
                    median(&per_round),
                );
            }
        }
    }
}
