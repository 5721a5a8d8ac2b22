//! Rebuilds the crate when a migration file is added, not only when an
//! embedded one changes.

fn main() {
    // The same function as `retort::build::rerun_if_changed`.
    retort_build::rerun_if_changed("migrations");
}
