//! Helpers for a crate's `build.rs`, re-exported by retort as `retort::build`.
//!
//! `embed_migrations!("migrations")` embeds each file with `include_str!`,
//! so cargo rebuilds when an embedded file changes, but it cannot see a
//! *new* file in the directory (the trap diesel, sqlx and refinery share:
//! the new revision is silently missing until something else forces a
//! rebuild). Tell cargo to watch the directory from `build.rs`:
//!
//! ```no_run
//! // In build.rs's `main`:
//! retort_build::rerun_if_changed("migrations"); // or retort::build::rerun_if_changed
//! ```
//!
//! Depending on this small crate instead of `retort` in
//! `[build-dependencies]` keeps diesel out of the build script's
//! dependencies (diesel compiled twice with different backend features can
//! fail to build).

#![warn(missing_docs)]

use std::path::Path;

/// Makes cargo rebuild the crate when anything in `dir` (relative to the
/// crate's `Cargo.toml`) is added, removed or changed. Call it from
/// `build.rs`.
pub fn rerun_if_changed(dir: impl AsRef<Path>) {
    let dir = dir.as_ref();
    // Cargo scans a directory named here for any change in it, new files
    // included.
    println!("cargo:rerun-if-changed={}", dir.display());
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            println!("cargo:rerun-if-changed={}", entry.path().display());
        }
    }
}
