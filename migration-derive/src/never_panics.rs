//! The `derive_attributes` fuzz target of `fuzz/` as a bounded property
//! test: attribute contents built from the derive's own keys and values of
//! every shape give generated code or compile errors, never a panic (the
//! error context panics if dropped unchecked, so a forgotten check shows
//! here too).

use proptest::prelude::*;

use crate::fuzz_body::expand_both;

const KEYS: &[&str] = &[
    "table",
    "schema",
    "renamed_from",
    "comment",
    "crate",
    "index",
    "unique",
    "check",
    "primary_key",
    "columns",
    "name",
    "expr",
    "autoincrement",
    "engine",
    "identity",
    "always",
    "start",
    "increment",
    "column",
    "sql_type",
    "max_length",
    "precision",
    "scale",
    "default",
    "backfill",
    "generated",
    "stored",
    "virtual",
    "references",
    "on_delete",
    "on_update",
    "deferrable",
    "initially_deferred",
    "skip",
    "rename",
    "bogus",
];

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "\"[a-z_.() ,0-9]{0,12}\"".prop_map(|text| format!(" = {text}")),
        "[0-9]{1,12}".prop_map(|number| format!(" = {number}")),
        Just(" = true".to_owned()),
        Just(" = -1".to_owned()),
        Just("(\"a\", \"b\")".to_owned()),
        Just("(columns(\"id\"), name = \"x\", unique)".to_owned()),
        Just("(always, start = -5, increment = 0)".to_owned()),
        Just("()".to_owned()),
        "[ -~]{0,6}",
    ]
}

fn item() -> impl Strategy<Value = String> {
    (prop::sample::select(KEYS), value()).prop_map(|(key, value)| format!("{key}{value}"))
}

fn attribute() -> impl Strategy<Value = String> {
    prop::collection::vec(item(), 0..5).prop_map(|items| items.join(", "))
}

fn field_type() -> impl Strategy<Value = &'static str> {
    prop::sample::select(
        &[
            "i64",
            "Option<i64>",
            "String",
            "Option<String>",
            "Vec<u8>",
            "bool",
            "f32",
            "Unknown",
            "Option<Option<i32>>",
            "(i32, i32)",
            "&'static str",
        ][..],
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn no_attribute_panics(outer in attribute(), inner in attribute(), ty in field_type()) {
        expand_both(&outer, &inner, ty);
    }
}
