//! Derives: Model and SqlEnum, diesel's generated tables, and the compile errors of both.
//!
//! One test binary per area, each file a module, so the suite links a few
//! binaries rather than one per file.

#[path = "../support/mod.rs"]
mod support;

#[cfg(all(
    feature = "chrono",
    feature = "uuid",
    feature = "serde_json",
    feature = "bigdecimal"
))]
mod derive_diesel_table;
mod derive_model;
mod derive_types;
mod derive_ui;
mod diesel_adoption;
mod diesel_schema_rs;
