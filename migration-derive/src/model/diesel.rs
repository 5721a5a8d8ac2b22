//! `#[model(diesel_table)]`: the `diesel::table!` the model describes, so
//! queries are checked against the same description the migrations come
//! from. Runs only on checked input.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Ident;

use super::ast::{Container, Field};
use super::type_override;
use crate::internals::sql_type::SqlTypeSpec;

/// The `diesel::table!` for the model, and a compile-time check that each
/// field can hold its column's values.
pub fn generate(container: &Container, private: &TokenStream) -> TokenStream {
    let module = module_ident(container);
    let table = container.table_name();
    let table_sql_name = (module != table).then(|| quote!(#[sql_name = #table]));
    let schema = container.attrs.schema.as_ref().map(|schema| {
        let schema = Ident::new(&schema.value.value(), schema.value.span());
        quote!(#schema .)
    });
    let key_fields: Vec<&Ident> = container
        .key_columns()
        .iter()
        .filter_map(|column| {
            container
                .columns()
                .find(|field| field.column_name() == *column)
                .map(|field| field.ident)
        })
        .collect();
    let doc = container
        .doc
        .as_ref()
        .map(|doc| quote!(#[doc = #doc]))
        .unwrap_or_default();

    let mut checks = Vec::new();
    let mut columns = Vec::new();
    let mut aliases = Vec::new();
    let mut imports = Vec::new();
    for field in container.columns() {
        let ident = field.ident;
        let column = field.column_name();
        let sql_name =
            (syn::ext::IdentExt::unraw(ident) != column).then(|| quote!(#[sql_name = #column]));
        let doc = field
            .doc
            .as_ref()
            .map(|doc| quote!(#[doc = #doc]))
            .unwrap_or_default();
        let mut ty = column_sql_type(field, private);
        if field.attrs.diesel_type.is_some() || column_is_enum(field) {
            // Named inside the module `diesel::table!` makes, through an
            // alias beside the struct, where the type is written.
            let alias = format_ident!("__retort_{}_{}", module, syn::ext::IdentExt::unraw(ident));
            let inner = non_null_sql_type(field, private);
            aliases.push(quote! {
                #[doc(hidden)]
                #[allow(non_camel_case_types)]
                type #alias = #inner;
            });
            ty = nullable_if_option(field, private, quote!(#alias));
            imports.push(alias);
        }
        if field.attrs.diesel_type.is_none() {
            let field_ty = field.ty;
            checks.push(quote_spanned!(field_ty.span()=>
                const _: fn() = #private::holds_sql_type::<#field_ty, #ty>;
            ));
        }
        columns.push(quote!(#doc #sql_name #ident -> #ty,));
    }

    let joins = joinable(container, &module);
    let imports = (!imports.is_empty()).then(|| quote!(use super::{#(#imports),*};));
    // The checks come first: a field type retort cannot place is reported
    // at the field before diesel's errors about the table.
    quote! {
        #(#checks)*
        #(#aliases)*
        ::diesel::table! {
            #imports
            #doc
            #table_sql_name
            #schema #module (#(#key_fields),*) {
                #(#columns)*
            }
        }
        #(#joins)*
    }
}

/// `diesel::joinable!` for each single-column foreign key to another table
/// that this model references through no other column, as `diesel
/// print-schema` writes them: the referenced table's module must be in scope
/// (a model with `diesel_table` beside this one, or imported).
fn joinable(container: &Container, module: &Ident) -> Vec<TokenStream> {
    let own_table = container.table_name();
    let references: Vec<(&Field, &syn::Path, String)> = container
        .columns()
        .filter_map(|field| {
            let reference = field.attrs.references.as_ref()?;
            Some((field, &reference.key, reference.value.table.clone()))
        })
        .collect();
    references
        .iter()
        .filter(|(_, _, table)| {
            *table != own_table
                && is_identifier(table)
                && references
                    .iter()
                    .filter(|(_, _, other)| other == table)
                    .count()
                    == 1
        })
        .map(|(field, key, table)| {
            let parent = Ident::new(table, key.span());
            let column = field.ident;
            quote!(::diesel::joinable!(#module -> #parent (#column));)
        })
        .collect()
}

/// The module `diesel::table!` makes: `diesel_table = "..."`, or the
/// table's name (checked to be an identifier).
pub fn module_ident(container: &Container) -> Ident {
    let (name, span) = module_name(container);
    Ident::new(&name, span)
}

/// The module's name and where to report a problem with it.
pub fn module_name(container: &Container) -> (String, Span) {
    let diesel_table = container.attrs.diesel_table.as_ref();
    match diesel_table.and_then(|key| key.value.as_ref()) {
        Some(lit) => (lit.value(), lit.span()),
        None => {
            let span = match (&container.attrs.table, diesel_table) {
                (Some(table), _) => table.value.span(),
                (None, Some(key)) => key.key.span(),
                (None, None) => container.ident.span(),
            };
            (container.table_name(), span)
        }
    }
}

/// Whether `name` can be written as a Rust identifier (keywords cannot).
pub fn is_identifier(name: &str) -> bool {
    syn::parse_str::<Ident>(name).is_ok()
}

/// The column's diesel SQL type: `diesel_type`, the type the attributes
/// choose, or the one the field's type is written as (`i64`,
/// `chrono::NaiveDate`, …; an enum otherwise). The written type can be a
/// wrong guess (a type of one's own named `Uuid`): the check at the field
/// catches that.
fn column_sql_type(field: &Field, private: &TokenStream) -> TokenStream {
    nullable_if_option(field, private, non_null_sql_type(field, private))
}

fn non_null_sql_type(field: &Field, private: &TokenStream) -> TokenStream {
    if let Some(diesel_type) = &field.attrs.diesel_type {
        let ty = &diesel_type.value;
        quote!(#ty)
    } else if let Some(ty) = type_override(field).and_then(|spec| diesel_type_of(&spec, private)) {
        ty
    } else {
        let inner = field.inner_type();
        match written_type(inner) {
            Some(spec) => diesel_type_of(&spec, private).unwrap_or_default(),
            None => quote!(#private::query::sql_types::Enum<#inner>),
        }
    }
}

fn nullable_if_option(field: &Field, private: &TokenStream, ty: TokenStream) -> TokenStream {
    if field.is_option() {
        quote!(#private::diesel::sql_types::Nullable<#ty>)
    } else {
        ty
    }
}

/// Whether the column's type is the enum the field's type names.
fn column_is_enum(field: &Field) -> bool {
    field.attrs.diesel_type.is_none()
        && type_override(field).is_none()
        && written_type(field.inner_type()).is_none()
}

/// The column type a field's type stands for, read off how it is written.
fn written_type(ty: &syn::Type) -> Option<SqlTypeSpec> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let segment = path.path.segments.last()?;
    let name = segment.ident.to_string();
    let vec_of_u8 = || {
        matches!(&segment.arguments, syn::PathArguments::AngleBracketed(arguments)
            if quote!(#arguments).to_string().replace(' ', "") == "<u8>")
    };
    Some(match name.as_str() {
        "bool" => SqlTypeSpec::Boolean,
        "i16" => SqlTypeSpec::SmallInt,
        "i32" => SqlTypeSpec::Integer,
        "i64" => SqlTypeSpec::BigInt,
        "f32" => SqlTypeSpec::Real,
        "f64" => SqlTypeSpec::Double,
        "String" => SqlTypeSpec::Text,
        "Vec" if vec_of_u8() => SqlTypeSpec::Binary,
        "NaiveDate" => SqlTypeSpec::Date,
        "NaiveTime" => SqlTypeSpec::Time,
        "NaiveDateTime" => SqlTypeSpec::Timestamp,
        "DateTime" => SqlTypeSpec::TimestampTz,
        "Uuid" => SqlTypeSpec::Uuid,
        "Value"
            if path.path.segments.len() == 1
                || path.path.segments.iter().any(|s| s.ident == "serde_json") =>
        {
            SqlTypeSpec::Json
        }
        "BigDecimal" => SqlTypeSpec::Numeric {
            precision: None,
            scale: None,
        },
        _ => return None,
    })
}

/// The diesel SQL type of a column type the attributes choose; `None` for a
/// custom type, which only `diesel_type` can name.
pub fn diesel_type_of(spec: &SqlTypeSpec, private: &TokenStream) -> Option<TokenStream> {
    let diesel = |name: &str| {
        let name = format_ident!("{name}");
        quote!(#private::diesel::sql_types::#name)
    };
    let retort = |name: &str| {
        let name = format_ident!("{name}");
        quote!(#private::query::sql_types::#name)
    };
    Some(match spec {
        SqlTypeSpec::SmallInt => diesel("SmallInt"),
        SqlTypeSpec::Integer => diesel("Integer"),
        SqlTypeSpec::BigInt => diesel("BigInt"),
        SqlTypeSpec::Real => diesel("Float"),
        SqlTypeSpec::Double => diesel("Double"),
        SqlTypeSpec::Numeric { .. } => diesel("Numeric"),
        SqlTypeSpec::Boolean => diesel("Bool"),
        SqlTypeSpec::Text | SqlTypeSpec::Varchar(_) | SqlTypeSpec::Char(_) => diesel("Text"),
        SqlTypeSpec::Binary => diesel("Binary"),
        SqlTypeSpec::Date => diesel("Date"),
        SqlTypeSpec::Time => diesel("Time"),
        SqlTypeSpec::Timestamp => diesel("Timestamp"),
        SqlTypeSpec::TimestampTz => retort("TimestampTz"),
        SqlTypeSpec::Uuid => retort("Uuid"),
        SqlTypeSpec::Json => retort("Json"),
        SqlTypeSpec::Custom(_) => return None,
    })
}
