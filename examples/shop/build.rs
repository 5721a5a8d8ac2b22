//! Rebuilds the shop when a migration file is added, not only when an
//! embedded one changes.

fn main() {
    retort_build::rerun_if_changed("migrations");
}
