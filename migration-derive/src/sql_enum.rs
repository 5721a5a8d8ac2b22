//! `#[derive(SqlEnum)]`: a fieldless enum becomes `SqlType::Enum`, and a
//! `ColumnType` so it can be a model's field type.

use heck::ToSnakeCase;
use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use syn::meta::ParseNestedMeta;
use syn::{Attribute, Data, DeriveInput, Expr, Fields, Lit, LitStr, Path, Token};

use crate::internals::symbol::{
    closest, list, Symbol, CRATE, ENUM_KEYS, NAME, RENAME, SQL_ENUM, VARIANT_KEYS,
};
use crate::internals::Ctxt;

/// What `#[sql_enum(...)]` says on the enum.
#[derive(Default)]
struct EnumAttrs {
    name: Option<LitStr>,
    krate: Option<Path>,
}

/// Expands `#[derive(SqlEnum)]`.
pub fn expand_derive_sql_enum(input: &DeriveInput) -> syn::Result<TokenStream> {
    let cx = Ctxt::new();
    let checked = parse(&cx, input);
    cx.check()?;
    let Some((attrs, values)) = checked else {
        return Err(syn::Error::new(
            Span::call_site(),
            "retort-derive bug: the input was rejected without an error",
        ));
    };
    Ok(generate(input, &attrs, &values))
}

fn parse(cx: &Ctxt, input: &DeriveInput) -> Option<(EnumAttrs, Vec<String>)> {
    let mut attrs = EnumAttrs::default();
    for attr in sql_enum_attrs(&input.attrs) {
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path == NAME {
                if let Some(lit) = string(cx, &meta, NAME, "name = \"user_status\"")? {
                    once(cx, &meta.path, &mut attrs.name, lit);
                }
                Ok(())
            } else if meta.path == CRATE {
                if let Some(lit) = string(cx, &meta, CRATE, "crate = \"my_app::retort\"")? {
                    match lit.parse::<Path>() {
                        Ok(path) => once(cx, &meta.path, &mut attrs.krate, path),
                        Err(_) => cx.error_spanned_by(
                            &lit,
                            format!(
                                "`#[sql_enum(crate = {})]` is not a path\n\
                                 = help: the correct format looks like `#[sql_enum(crate = \"my_app::retort\")]`",
                                lit.to_token_stream()
                            ),
                        ),
                    }
                }
                Ok(())
            } else {
                unknown(cx, &meta, "on an enum", ENUM_KEYS)
            }
        });
        if let Err(error) = parsed {
            cx.syn_error(error);
        }
    }
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            "`#[derive(SqlEnum)]` cannot be used on a generic enum: its values are fixed",
        );
    }
    let data = match &input.data {
        Data::Enum(data) => data,
        Data::Struct(data) => {
            cx.error_spanned_by(
                data.struct_token,
                "`#[derive(SqlEnum)]` can only be used on an enum whose variants have no fields\n\
                 = help: for a table, use `#[derive(Model)]`",
            );
            return None;
        }
        Data::Union(data) => {
            cx.error_spanned_by(
                data.union_token,
                "`#[derive(SqlEnum)]` can only be used on an enum whose variants have no fields",
            );
            return None;
        }
    };
    if data.variants.is_empty() {
        cx.error_spanned_by(
            &input.ident,
            format!(
                "`{}` has no variants: an SQL enum needs at least one value",
                input.ident
            ),
        );
    }
    let mut values: Vec<(String, Span)> = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            cx.error_spanned_by(
                &variant.fields,
                format!(
                    "`#[derive(SqlEnum)]` needs variants without fields, and `{}` has some: \
                     a column of an SQL enum holds one of its names",
                    variant.ident
                ),
            );
        }
        let mut rename: Option<LitStr> = None;
        for attr in sql_enum_attrs(&variant.attrs) {
            let parsed = attr.parse_nested_meta(|meta| {
                if meta.path == RENAME {
                    if let Some(lit) = string(cx, &meta, RENAME, "rename = \"on_hold\"")? {
                        once(cx, &meta.path, &mut rename, lit);
                    }
                    Ok(())
                } else {
                    unknown(cx, &meta, "on a variant", VARIANT_KEYS)
                }
            });
            if let Err(error) = parsed {
                cx.syn_error(error);
            }
        }
        let (value, span) = match &rename {
            Some(lit) => (lit.value(), lit.span()),
            None => (
                syn::ext::IdentExt::unraw(&variant.ident)
                    .to_string()
                    .to_snake_case(),
                variant.ident.span(),
            ),
        };
        if values.iter().any(|(other, _)| *other == value) {
            cx.syn_error(syn::Error::new(
                span,
                format!(
                    "two variants have the SQL value \"{value}\"\n\
                     = help: give one of them another value with `#[sql_enum(rename = \"...\")]`"
                ),
            ));
        }
        values.push((value, span));
    }
    Some((attrs, values.into_iter().map(|(value, _)| value).collect()))
}

fn generate(input: &DeriveInput, attrs: &EnumAttrs, values: &[String]) -> TokenStream {
    let krate = attrs
        .krate
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(::retort));
    let ident = &input.ident;
    let name = attrs
        .name
        .as_ref()
        .map(LitStr::value)
        .unwrap_or_else(|| syn::ext::IdentExt::unraw(ident).to_string().to_snake_case());
    quote! {
        #[automatically_derived]
        impl #krate::ColumnType for #ident {
            fn sql_type() -> #krate::__private::SqlType {
                #krate::__private::enum_type(#name, &[#(#values),*])
            }
        }
    }
}

fn sql_enum_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|attr| attr.path() == SQL_ENUM)
}

fn once<T>(cx: &Ctxt, key: &Path, slot: &mut Option<T>, value: T) {
    if slot.is_some() {
        cx.error_spanned_by(
            key,
            format!(
                "duplicate key: `{}` is given twice in `#[sql_enum(...)]`; keep one",
                key.to_token_stream()
            ),
        );
    } else {
        *slot = Some(value);
    }
}

fn unknown(cx: &Ctxt, meta: &ParseNestedMeta, place: &str, keys: &[Symbol]) -> syn::Result<()> {
    let name = meta.path.to_token_stream().to_string();
    let suggestion = closest(&name, keys)
        .map(|key| format!("\n= help: did you mean `{key}`?"))
        .unwrap_or_default();
    cx.error_spanned_by(
        &meta.path,
        format!(
            "unknown key `{name}` in `#[sql_enum(...)]` {place}\n= note: the valid keys are: {}{suggestion}",
            list(keys)
        ),
    );
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        content.parse::<TokenStream>()?;
    }
    Ok(())
}

/// `= "text"`, not empty.
fn string(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    key: Symbol,
    example: &str,
) -> syn::Result<Option<LitStr>> {
    if !meta.input.peek(Token![=]) {
        cx.error_spanned_by(
            &meta.path,
            format!(
                "`#[sql_enum({key})]` needs a value\n\
                 = help: the correct format looks like `#[sql_enum({example})]`"
            ),
        );
        return Ok(None);
    }
    let expr: Expr = meta.value()?.parse()?;
    match &expr {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(lit), ..
        }) if !lit.value().trim().is_empty() => Ok(Some(lit.clone())),
        _ => {
            cx.error_spanned_by(
                &expr,
                format!(
                    "`#[sql_enum({key} = {})]` expects a non-empty string literal\n\
                     = help: the correct format looks like `#[sql_enum({example})]`",
                    expr.to_token_stream()
                ),
            );
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion_of_an_sql_enum() {
        let input: DeriveInput = syn::parse_quote! {
            #[sql_enum(name = "ticket_state")]
            enum State {
                Open,
                InProgress,
                #[sql_enum(rename = "done")]
                Closed,
            }
        };
        let output = expand_derive_sql_enum(&input).expect("test input is valid");
        let file: syn::File = syn::parse2(output).expect("expansion parses as a file");
        insta::assert_snapshot!(prettyplease::unparse(&file));
    }
}
