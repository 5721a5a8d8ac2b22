//! What the `revision_file` and `target` fuzz targets of `fuzz/` run on
//! each input, shared with the bounded property tests of `never_panics.rs`
//! (the fuzz targets include this file by path).

use retort_core::revision::{parse_revision, split_statements, RevisionGraph};
use retort_core::{BackendKind, Migrations, Migrator};

/// a1 -> b2 -> d4, a1 -> cc -> d4, and an irreversible e5 after the merge:
/// the graph the targets are read on.
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

/// Parses each `(file name, contents)`, splits the sections of those that
/// parse for every database, and builds their graph.
pub fn parse_files(files: &[(String, String)]) {
    let mut revisions = Vec::new();
    for (name, contents) in files {
        if let Ok(revision) = parse_revision(name, contents) {
            for kind in BackendKind::ALL {
                split_statements(revision.up_sql(), kind);
                if let Some(down) = revision.down_sql() {
                    split_statements(down, kind);
                }
            }
            revisions.push(revision);
        }
    }
    if let Ok(graph) = RevisionGraph::new(revisions) {
        graph.heads();
    }
}

/// Reads `from` and `to` as targets for the offline SQL of every database,
/// both ways.
pub fn read_targets(from: &str, to: &str) {
    let migrator = Migrator::new(&MIGRATIONS);
    for kind in BackendKind::ALL {
        let _ = migrator.sql(kind, from, to);
        let _ = migrator.sql(kind, to, from);
    }
}
