//! The fuzz targets of `fuzz/` as bounded property tests, so CI checks in
//! seconds what libFuzzer checks for minutes locally: no revision file, SQL
//! text, migration graph or target string makes retort panic.

use proptest::prelude::*;
use retort_core::revision::{parse_revision, split_statements, RevisionGraph};
use retort_core::{BackendKind, Migrations, Migrator};

/// One line of a would-be revision file: directives well and badly formed,
/// SQL with the quoting and comment syntax the splitter must track, and
/// arbitrary text.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("-- retort:up".to_owned()),
        Just("-- retort:down".to_owned()),
        Just("-- retort:transaction off".to_owned()),
        "-- retort:revision [0-9a-fA-F]{10,13}",
        "-- retort:parents( [0-9a-f,]{0,14}){0,3}",
        "-- retort:(message|transaction|revision|parents|bogus|)[ \t]?.{0,20}",
        "(\\$[a-z]{0,3}\\$|'|\"|`|--|/\\*|\\*/|#|\\\\|;|E'|[a-z ]{1,5}|\r){0,16}",
        "[ -~]{0,40}",
        ".{0,30}",
    ]
}

fn contents() -> impl Strategy<Value = String> {
    prop::collection::vec(line(), 0..10).prop_map(|lines| lines.join("\n"))
}

fn file_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("20240101000001_a1a1a1a1a1a1_fuzz.sql".to_owned()),
        "[0-9]{0,15}_[0-9a-f]{0,13}_[a-z]{0,5}(\\.sql)?",
        ".{0,20}",
    ]
}

fn target() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("head".to_owned()),
        Just("heads".to_owned()),
        Just("base".to_owned()),
        "[+-][0-9]{0,20}",
        "[+-]?[a-f0-9]{0,12}",
        " ?(a1|b2|cc|d4|e5)[a-f0-9]{0,10} ?",
        ".{0,10}",
    ]
}

/// a1 -> b2 -> d4, a1 -> cc -> d4, and an irreversible e5 after the merge:
/// the same graph as the `target` fuzz target.
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

/// The `revision_file` fuzz target's body.
fn parse_files(files: &[(String, String)]) {
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

/// The `target` fuzz target's body.
fn read_targets(from: &str, to: &str) {
    let migrator = Migrator::new(&MIGRATIONS);
    for kind in BackendKind::ALL {
        let _ = migrator.sql(kind, from, to);
        let _ = migrator.sql(kind, to, from);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn no_revision_file_panics(name in file_name(), contents in contents()) {
        parse_files(&[(name, contents)]);
    }

    #[test]
    fn no_set_of_revision_files_panics(files in prop::collection::vec(contents(), 0..4)) {
        let files: Vec<(String, String)> = files
            .into_iter()
            .enumerate()
            .map(|(at, contents)| (format!("20240101{at:06}_a1a1a1a1a1a1_fuzz.sql"), contents))
            .collect();
        parse_files(&files);
    }

    #[test]
    fn no_sql_text_panics_the_splitter(sql in contents()) {
        for kind in BackendKind::ALL {
            split_statements(&sql, kind);
        }
    }

    #[test]
    fn no_target_panics(from in target(), to in target()) {
        read_targets(&from, &to);
    }
}
