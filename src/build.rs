//! Helpers for a crate's `build.rs`.
//!
//! `embed_migrations!("migrations")` embeds each file with `include_str!`,
//! so cargo rebuilds when an embedded file changes, but it cannot see a
//! *new* file in the directory (the trap diesel, sqlx and refinery share:
//! the new revision is silently missing until something else forces a
//! rebuild). Tell cargo to watch the directory from `build.rs`:
//!
//! ```no_run
//! // In build.rs's `main`:
//! retort::build::rerun_if_changed("migrations");
//! ```
//!
//! With `retort` in `[build-dependencies]`, or — lighter, and needed when
//! the build must not compile diesel a second time with other backend
//! features — the same function from the tiny `retort-build` crate:
//! `retort_build::rerun_if_changed("migrations")`.

pub use retort_build::rerun_if_changed;
