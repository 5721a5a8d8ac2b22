//! Diff, render and autogenerate, applied to real databases: every operation, property tests, the corpus rebuilt.
//!
//! One test binary per area, each file a module, so the suite links a few
//! binaries rather than one per file.

#[path = "../support/mod.rs"]
mod support;

mod autogenerate;
mod autogenerate_corpus;
mod diff_apply;
mod diff_properties;
mod object_properties;
mod render_every_op;
mod render_sqlite_chinook;
