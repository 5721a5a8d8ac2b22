//! What the `derive_attributes` fuzz target of `fuzz/` runs on each input,
//! shared with the property test in `never_panics.rs` (the fuzz target
//! includes this file by path).

use syn::DeriveInput;

use crate::model::expand_derive_model;
use crate::sql_enum::expand_derive_sql_enum;

/// Expands one struct and one enum carrying these attribute contents.
pub fn expand_both(outer: &str, inner: &str, ty: &str) {
    let structure = format!(
        "#[model({outer})] struct Fuzzed {{ #[model(primary_key)] id: i64, #[model({inner})] field: {ty}, other: Option<String> }}"
    );
    if let Ok(input) = syn::parse_str::<DeriveInput>(&structure) {
        let _ = expand_derive_model(&input);
    }
    let enumeration =
        format!("#[sql_enum({outer})] enum Fuzzed {{ #[sql_enum({inner})] First, Second }}");
    if let Ok(input) = syn::parse_str::<DeriveInput>(&enumeration) {
        let _ = expand_derive_sql_enum(&input);
    }
}
