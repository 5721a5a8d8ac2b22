//! `embed_migrations!("dir")`: every `*.sql` file of a directory as
//! `(file name, include_str!(path))` pairs for `Migrations::from_embedded`.

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;
use syn::LitStr;

/// Expands `embed_migrations!("dir")`.
pub fn expand_embed_migrations(input: TokenStream) -> syn::Result<TokenStream> {
    let dir: LitStr = syn::parse2(input).map_err(|error| {
        syn::Error::new(
            error.span(),
            "expected the migrations directory as a string literal: `embed_migrations!(\"migrations\")`",
        )
    })?;
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .ok_or_else(|| {
            syn::Error::new(
                dir.span(),
                "CARGO_MANIFEST_DIR is not set: build with cargo",
            )
        })?;
    let path = manifest_dir.join(dir.value());
    let entries = std::fs::read_dir(&path).map_err(|error| {
        syn::Error::new(
            dir.span(),
            format!(
                "cannot read migrations directory {}: {error}",
                path.display()
            ),
        )
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|error| {
            syn::Error::new(
                dir.span(),
                format!(
                    "cannot read migrations directory {}: {error}",
                    path.display()
                ),
            )
        })?;
        let file = entry.path();
        let Some(name) = file.file_name().and_then(|name| name.to_str()) else {
            continue;
        };
        if !name.ends_with(".sql") || name.starts_with('.') || !file.is_file() {
            continue;
        }
        let full = file.to_str().ok_or_else(|| {
            syn::Error::new(
                dir.span(),
                format!("migration file path {} is not UTF-8", file.display()),
            )
        })?;
        files.push((name.to_owned(), full.to_owned()));
    }
    files.sort();
    let pairs = files
        .iter()
        .map(|(name, full)| quote! { (#name, ::core::include_str!(#full)) });
    Ok(quote! {
        ::retort::Migrations::from_embedded(&[#(#pairs),*])
    })
}
