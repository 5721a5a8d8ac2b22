//! Contenders measured in turn, round by round, so that load coming and
//! going on a shared machine falls on all of them alike. Criterion measures
//! one contender after the other, and a busy minute during one of them
//! skews their ratio; interleaved rounds compared by their medians do not.

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
