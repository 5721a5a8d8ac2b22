//! Targets (`head`, `heads`, `base`, `+N`, `-N`, ids and id prefixes) as
//! `upgrade`, `downgrade`, `stamp` and `--sql` read them, on a graph with
//! two branches and their merge. No input may panic.
//!
//! Input: `from` and `to`, separated by a newline.

#![no_main]

// Each target uses one of the shared bodies.
#[allow(dead_code)]
#[path = "../../migration-core/tests/fuzz_bodies/mod.rs"]
mod fuzz_bodies;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (from, to) = text.split_once('\n').unwrap_or(("base", text));
    fuzz_bodies::read_targets(from, to);
});
