//! `embed_migrations!("dir")`: every `*.sql` file of a directory, and the
//! files of every diesel migration folder in it (as `<folder>/up.sql`, ...),
//! as `(file name, include_str!(path))` pairs for `Migrations::from_embedded`.

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
        if name.starts_with('.') {
            continue;
        }
        if file.is_dir() {
            // A diesel migration folder: its files, named `<folder>/<file>`.
            for inside in ["up.sql", "down.sql", "metadata.toml"] {
                let path = file.join(inside);
                if path.is_file() {
                    files.push((format!("{name}/{inside}"), utf8_path(&path, &dir)?));
                }
            }
            continue;
        }
        if !name.ends_with(".sql") || !file.is_file() {
            continue;
        }
        files.push((name.to_owned(), utf8_path(&file, &dir)?));
    }
    files.sort();
    let pairs = files
        .iter()
        .map(|(name, full)| quote! { (#name, ::core::include_str!(#full)) });
    Ok(quote! {
        ::retort::Migrations::from_embedded(&[#(#pairs),*])
    })
}

/// A file's path as the string `include_str!` takes.
fn utf8_path(file: &std::path::Path, dir: &LitStr) -> syn::Result<String> {
    file.to_str().map(str::to_owned).ok_or_else(|| {
        syn::Error::new(
            dir.span(),
            format!("migration file path {} is not UTF-8", file.display()),
        )
    })
}
