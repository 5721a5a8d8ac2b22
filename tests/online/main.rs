//! Online schema changes: the locks they take, the stalls readers see, and the lint that predicts both.
//!
//! One test binary per area, each file a module, so the suite links a few
//! binaries rather than one per file.

mod online_support;
#[path = "../support/mod.rs"]
mod support;

mod lint_mysql;
mod lint_squawk;
mod online_locks;
mod online_stalls;
