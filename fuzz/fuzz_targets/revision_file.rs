//! Revision files: the parser, the statement splitter on each section for
//! every database, and the graph of every file that parses. No input may
//! panic.
//!
//! Input: files separated by a NUL byte; each file's first line is its file
//! name when it ends in `.sql`, otherwise a well-formed name is made up.

#![no_main]

use libfuzzer_sys::fuzz_target;
use retort_core::revision::{parse_revision, split_statements, RevisionGraph};
use retort_core::BackendKind;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut revisions = Vec::new();
    for (at, file) in text.split('\0').enumerate() {
        let (name, contents) = match file.split_once('\n') {
            Some((first, rest)) if first.ends_with(".sql") => (first.to_owned(), rest),
            _ => (format!("20240101{at:06}_a1a1a1a1a1a1_fuzz.sql"), file),
        };
        let Ok(revision) = parse_revision(&name, contents) else {
            continue;
        };
        for kind in BackendKind::ALL {
            split_statements(revision.up_sql(), kind);
            if let Some(down) = revision.down_sql() {
                split_statements(down, kind);
            }
        }
        revisions.push(revision);
    }
    if let Ok(graph) = RevisionGraph::new(revisions) {
        graph.heads();
    }
});
