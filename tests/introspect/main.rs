//! Introspection against real databases: round trips, types, collations, objects, partitions, filters, the corpus schemas.
//!
//! One test binary per area, each file a module, so the suite links a few
//! binaries rather than one per file.

#[path = "../support/mod.rs"]
mod support;

mod collation_fidelity;
mod deferrable_constraints;
#[cfg(feature = "testing")]
mod identifier_torture;
mod introspect_corpus;
mod introspect_filters;
mod introspect_queries;
mod introspect_roundtrip;
mod mysql_engines;
mod partitions;
mod schema_fidelity;
mod schema_objects;
mod sqlite_table_options;
mod type_fidelity;
