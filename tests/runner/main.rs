//! The runner: revisions, migrating, data migrations, large tables and fleets of databases.
//!
//! One test binary per area, each file a module, so the suite links a few
//! binaries rather than one per file.

#[path = "../support/logs.rs"]
mod logs;
#[path = "../support/mod.rs"]
mod support;

mod data_migrations;
mod fleet;
mod large_data;
mod revision;
mod runner;
