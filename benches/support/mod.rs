//! What the benches share: counting a connection's queries, handing
//! figures that criterion does not keep (query counts, interleaved medians)
//! to `scripts/bench`, and measuring contenders round by round ([`rounds`]).

// Each bench compiles this module on its own and uses only part of it.
#![allow(dead_code)]

pub mod rounds;

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::Connection;

/// Counts the queries `conn` starts from now on (diesel's instrumentation,
/// as `tests/introspect/introspect_queries.rs` counts them).
pub fn count_queries<C: Connection>(conn: &mut C) -> Arc<AtomicUsize> {
    let count = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&count);
    let instrumentation = move |event: InstrumentationEvent<'_>| {
        if matches!(event, InstrumentationEvent::StartQuery { .. }) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    };
    conn.set_instrumentation(Box::new(instrumentation) as Box<dyn Instrumentation>);
    count
}

/// Takes the count so far and starts again from zero.
pub fn take(count: &AtomicUsize) -> usize {
    count.swap(0, Ordering::Relaxed)
}

/// Appends `json`, one JSON object, as a line to the file named by
/// `RETORT_BENCH_FACTS`, when it is set (`scripts/bench` sets it).
pub fn record_fact(json: &str) {
    let Some(path) = std::env::var_os("RETORT_BENCH_FACTS") else {
        return;
    };
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| writeln!(file, "{json}"));
    if let Err(error) = written {
        eprintln!("cannot append to {}: {error}", path.to_string_lossy());
    }
}
