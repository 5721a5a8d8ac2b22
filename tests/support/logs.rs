//! What retort logs through `tracing`, captured as text for assertions
//! (retort-test-support's `logs`).

// Each test binary uses what it needs of this.
#![allow(unused_imports)]

pub use retort_test_support::logs::{logged_while, LogBuffer};
