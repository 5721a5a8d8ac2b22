//! `#[derive(Model)]` and `#[derive(SqlEnum)]` attribute parsing, on the
//! derive's own sources (a proc-macro crate exports no functions to call).
//! Every input must give generated code or compile errors, never a panic.
//!
//! Input: up to three lines — the struct's (or enum's) attribute contents,
//! a field's (or variant's) attribute contents, and a field type.

#![no_main]

#[path = "../../migration-derive/src/fuzz_body.rs"]
mod fuzz_body;
#[path = "../../migration-derive/src/internals/mod.rs"]
mod internals;
#[path = "../../migration-derive/src/model/mod.rs"]
mod model;
#[path = "../../migration-derive/src/sql_enum/mod.rs"]
mod sql_enum;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.splitn(3, '\n');
    let outer = lines.next().unwrap_or_default();
    let inner = lines.next().unwrap_or_default();
    let ty = lines.next().filter(|ty| !ty.trim().is_empty()).unwrap_or("i64");
    fuzz_body::expand_both(outer, inner, ty);
});
