//! Derive macros for [retort](https://docs.rs/retort). Use them through the
//! facade: `use retort::Model;`.
//!
//! This crate holds no runtime types: the code it generates names
//! `retort`'s types by path.

#![warn(missing_docs)]

mod embed;

/// Embeds a migrations directory in the binary:
///
/// ```ignore
/// static MIGRATIONS: retort::Migrations = retort::embed_migrations!("migrations");
/// ```
///
/// The path is relative to the crate's `Cargo.toml`. Each `*.sql` file is
/// embedded with `include_str!`, so editing one rebuilds the crate. A file
/// *added* to the directory is only seen when the crate is rebuilt: put
/// `retort::build::rerun_if_changed("migrations");` in `build.rs` so cargo
/// rebuilds when the directory changes.
#[proc_macro]
pub fn embed_migrations(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    embed::expand_embed_migrations(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
