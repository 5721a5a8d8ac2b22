//! The derive's compile errors, pinned: each bad input in `tests/ui/` and
//! the exact messages a user sees (`.stderr` beside it). Regenerate with
//! `TRYBUILD=overwrite` after a deliberate change, and review the diff.
//!
//! rustc lists the types that implement `ColumnType` in one message, and the
//! list depends on the optional features, so the messages are pinned with
//! every feature on, as `scripts/test` runs.

#[cfg(all(
    feature = "chrono",
    feature = "uuid",
    feature = "serde_json",
    feature = "bigdecimal"
))]
#[test]
fn bad_models_fail_to_compile_with_these_messages() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
