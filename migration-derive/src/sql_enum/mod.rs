//! `#[derive(SqlEnum)]`: a fieldless enum becomes `SqlType::Enum`, and a
//! `ColumnType` so it can be a model's field type; it loads from and stores
//! to its diesel SQL type, `retort::query::sql_types::Enum<Self>`.

use heck::ToSnakeCase;
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Data, DeriveInput, Fields, LitStr};

mod attr;

use self::attr::EnumAttrs;
use crate::internals::Ctxt;

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

/// The enum's attributes and each variant's SQL value, every problem
/// recorded in `cx`. `None` when the input is not an enum.
fn parse(cx: &Ctxt, input: &DeriveInput) -> Option<(EnumAttrs, Vec<String>)> {
    let attrs = attr::enum_attrs(cx, &input.attrs);
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
        let rename = attr::variant_attrs(cx, &variant.attrs).rename;
        let (value, span) = match &rename {
            Some(rename) => (rename.value.value(), rename.value.span()),
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
        .as_ref()
        .map(|krate| krate.value.clone())
        .unwrap_or_else(|| syn::parse_quote!(::retort));
    let private = quote!(#krate::__private);
    let ident = &input.ident;
    let name = attrs
        .name
        .as_ref()
        .map(|name| LitStr::value(&name.value))
        .unwrap_or_else(|| syn::ext::IdentExt::unraw(ident).to_string().to_snake_case());
    let variants: Vec<&syn::Ident> = match &input.data {
        Data::Enum(data) => data.variants.iter().map(|variant| &variant.ident).collect(),
        _ => Vec::new(),
    };
    let diesel = quote!(#private::diesel);
    let sql = quote!(#private::query::sql_types::Enum<#ident>);
    let text = quote!(#diesel::sql_types::Text);
    let nullable = quote!(#diesel::sql_types::Nullable<#sql>);
    let bound = quote!(#diesel::internal::derives::as_expression::Bound);
    let unknown = format!("is not a value of the SQL enum `{name}` (`{ident}`)");
    // A value in `eq`, an insert or an update is bound as its label
    // (`EnumLabel`, which has the `Debug` diesel's `ToSql` needs), so the
    // enum itself need not be `Debug`. diesel binds `Option<Self>` and
    // `eq_any`'s values through `Self`'s own `ToSql`, below, which needs it.
    let as_expression = [
        (quote!(#ident), quote!(), quote!(&self)),
        (quote!(&'__e #ident), quote!(<'__e>), quote!(self)),
        (
            quote!(&'__f &'__e #ident),
            quote!(<'__e, '__f>),
            quote!(*self),
        ),
    ]
    .into_iter()
    .flat_map(|(ty, generics, value)| {
        [&sql, &nullable].map(|st| {
            quote! {
                #[automatically_derived]
                impl #generics #diesel::expression::AsExpression<#st> for #ty {
                    type Expression = #bound<#st, #private::query::sql_types::EnumLabel>;
                    fn as_expression(self) -> Self::Expression {
                        #bound::new(#private::query::sql_types::EnumLabel(
                            #private::query::sql_types::SqlEnumType::label(#value),
                        ))
                    }
                }
            }
        })
    });
    // diesel's `ToSql` needs `Debug`; `for<'__a>` keeps the bound from
    // being checked here, so an enum without `Debug` compiles and is refused
    // only where diesel binds it through `ToSql`, with rustc's "consider
    // annotating with `#[derive(Debug)]`".
    let to_sql = [&sql, &nullable].map(|st| {
        quote! {
            #[automatically_derived]
            impl<__DB> #diesel::serialize::ToSql<#st, __DB> for #ident
            where
                __DB: #diesel::backend::Backend,
                for<'__a> Self: ::core::fmt::Debug,
                str: #diesel::serialize::ToSql<#text, __DB>,
            {
                fn to_sql<'__b>(
                    &'__b self,
                    out: &mut #diesel::serialize::Output<'__b, '_, __DB>,
                ) -> #diesel::serialize::Result {
                    #diesel::serialize::ToSql::<#text, __DB>::to_sql(
                        #private::query::sql_types::SqlEnumType::label(self),
                        out,
                    )
                }
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl #krate::ColumnType for #ident {
            fn sql_type() -> #private::SqlType {
                #private::enum_type(#name, &[#(#values),*])
            }
        }

        #[automatically_derived]
        impl #private::query::sql_types::SqlEnumType for #ident {
            const NAME: &'static str = #name;
            fn label(&self) -> &'static str {
                match self {
                    #(#ident::#variants => #values,)*
                }
            }
        }

        #[automatically_derived]
        impl<__DB> #diesel::deserialize::FromSql<#sql, __DB> for #ident
        where
            __DB: #diesel::backend::Backend,
            ::std::string::String: #diesel::deserialize::FromSql<#text, __DB>,
        {
            fn from_sql(
                value: <__DB as #diesel::backend::Backend>::RawValue<'_>,
            ) -> #diesel::deserialize::Result<Self> {
                let value: ::std::string::String =
                    #diesel::deserialize::FromSql::<#text, __DB>::from_sql(value)?;
                match value.as_str() {
                    #(#values => ::core::result::Result::Ok(#ident::#variants),)*
                    _ => ::core::result::Result::Err(
                        ::std::format!("{value:?} {}", #unknown).into(),
                    ),
                }
            }
        }

        #[automatically_derived]
        impl<__DB, __ST> #diesel::deserialize::Queryable<__ST, __DB> for #ident
        where
            __DB: #diesel::backend::Backend,
            __ST: #diesel::sql_types::SingleValue,
            Self: #diesel::deserialize::FromSql<__ST, __DB>,
        {
            type Row = Self;
            fn build(row: Self) -> #diesel::deserialize::Result<Self> {
                ::core::result::Result::Ok(row)
            }
        }

        #(#as_expression)*

        #(#to_sql)*
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
