//! Targets (`head`, `heads`, `base`, `+N`, `-N`, ids and id prefixes) as
//! `upgrade`, `downgrade`, `stamp` and `--sql` read them, on a graph with
//! two branches and their merge. No input may panic.
//!
//! Input: `from` and `to`, separated by a newline.

#![no_main]

use libfuzzer_sys::fuzz_target;
use retort_core::{BackendKind, Migrations, Migrator};

/// a1 -> b2 -> d4, a1 -> cc -> d4, and an irreversible e5 after the merge.
static MIGRATIONS: Migrations = Migrations::from_embedded(&[
    (
        "20240101000001_a1a1a1a1a1a1_root.sql",
        "-- retort:revision a1a1a1a1a1a1\n-- retort:up\nCREATE TABLE a (id INT);\n-- retort:down\nDROP TABLE a;\n",
    ),
    (
        "20240101000002_b2b2b2b2b2b2_left.sql",
        "-- retort:revision b2b2b2b2b2b2\n-- retort:parents a1a1a1a1a1a1\n-- retort:up\nSELECT 1;\n-- retort:down\nSELECT 2;\n",
    ),
    (
        "20240101000003_cccccc000003_right.sql",
        "-- retort:revision cccccc000003\n-- retort:parents a1a1a1a1a1a1\n-- retort:up\nSELECT 3;\n-- retort:down\nSELECT 4;\n",
    ),
    (
        "20240101000004_d4d4d4d4d4d4_merge.sql",
        "-- retort:revision d4d4d4d4d4d4\n-- retort:parents b2b2b2b2b2b2 cccccc000003\n-- retort:up\nSELECT 5;\n-- retort:down\nSELECT 6;\n",
    ),
    (
        "20240101000005_e5e5e5e5e5e5_one_way.sql",
        "-- retort:revision e5e5e5e5e5e5\n-- retort:parents d4d4d4d4d4d4\n-- retort:transaction off\n-- retort:up\nSELECT 7;\n",
    ),
]);

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (from, to) = text.split_once('\n').unwrap_or(("base", text));
    let migrator = Migrator::new(&MIGRATIONS);
    for kind in BackendKind::ALL {
        let _ = migrator.sql(kind, from, to);
        let _ = migrator.sql(kind, to, from);
    }
});
