//! The connection pools, blocking and async, against real servers and injected faults.
//!
//! One test binary per area, each file a module, so the suite links a few
//! binaries rather than one per file.

#[path = "../support/logs.rs"]
mod logs;
#[path = "../support/mod.rs"]
mod support;

mod async_pool;
mod pool;
mod pool_faults;
