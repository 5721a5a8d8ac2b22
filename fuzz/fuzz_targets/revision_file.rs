//! Revision files: the parser, the statement splitter on each section for
//! every database, and the graph of every file that parses. No input may
//! panic.
//!
//! Input: files separated by a NUL byte; each file's first line is its file
//! name when it ends in `.sql`, otherwise a well-formed name is made up.

#![no_main]

// Each target uses one of the shared bodies.
#[allow(dead_code)]
#[path = "../../migration-core/tests/fuzz_bodies/mod.rs"]
mod fuzz_bodies;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let files: Vec<(String, String)> = text
        .split('\0')
        .enumerate()
        .map(|(at, file)| match file.split_once('\n') {
            Some((first, rest)) if first.ends_with(".sql") => (first.to_owned(), rest.to_owned()),
            _ => (format!("20240101{at:06}_a1a1a1a1a1a1_fuzz.sql"), file.to_owned()),
        })
        .collect();
    fuzz_bodies::parse_files(&files);
});
