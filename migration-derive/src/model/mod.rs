//! `#[derive(Model)]`: parse (`attr`, `ast`), check (`check`), then
//! generate `impl Model`. Code generation only runs on input that passed
//! every check.

use proc_macro2::{Literal, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Path};

mod ast;
mod attr;
mod check;
mod diesel;

use self::ast::{Container, Field};
use self::attr::Identity;
use crate::internals::keys::{Keyed, SignedInt};
use crate::internals::sql_type::{parse_sql_type, SqlTypeSpec};
use crate::internals::Ctxt;

/// Expands `#[derive(Model)]`.
pub fn expand_derive_model(input: &DeriveInput) -> syn::Result<TokenStream> {
    let cx = Ctxt::new();
    let container = Container::from_ast(&cx, input);
    if let Some(container) = &container {
        check::check(&cx, container);
    }
    cx.check()?;
    match container {
        Some(container) => Ok(generate(&container)),
        None => Err(syn::Error::new(
            Span::call_site(),
            "retort-derive bug: the input was rejected without an error",
        )),
    }
}

fn generate(container: &Container) -> TokenStream {
    let krate = krate(container);
    let private = quote!(#krate::__private);
    let ident = container.ident;
    let table = container.table_name();
    let attrs = &container.attrs;

    let mut statements = Vec::new();
    if let Some(schema) = &attrs.schema {
        let schema = schema.value.value();
        statements.push(quote!(table.schema = ::core::option::Option::Some(::std::string::String::from(#schema));));
    }
    let comment = attrs
        .comment
        .as_ref()
        .map(|comment| comment.value.value())
        .or_else(|| container.doc.clone());
    if let Some(comment) = comment {
        statements.push(quote!(table.comment = ::core::option::Option::Some(::std::string::String::from(#comment));));
    }
    if let Some(collation) = &attrs.collation {
        let collation = collation.value.value();
        statements.push(quote!(table.collation = ::core::option::Option::Some(::std::string::String::from(#collation));));
    }
    if let Some(engine) = &attrs.engine {
        let engine = engine.value.value();
        statements.push(quote!(table.engine = ::core::option::Option::Some(::std::string::String::from(#engine));));
    }
    if let Some(renamed_from) = &attrs.renamed_from {
        let renamed_from = renamed_from.value.value();
        statements.push(quote!(table.renamed_from = ::core::option::Option::Some(::std::string::String::from(#renamed_from));));
    }
    if let Some(partition_by) = &attrs.partition_by {
        let method = format_ident!("{}", partition_by.value.method);
        let parts = partition_by.value.parts.iter().map(|(column, text)| {
            let variant = format_ident!("{}", if *column { "Column" } else { "Expression" });
            quote!(#private::IndexPart::#variant(::std::string::String::from(#text)))
        });
        statements.push(
            quote!(table.partition_by = ::core::option::Option::Some(#private::PartitionKey {
            method: #private::PartitionMethod::#method,
            parts: ::std::vec![#(#parts),*],
        });),
        );
    }

    if attrs.without_rowid.is_some() {
        statements.push(quote!(table.sqlite_options.without_rowid = true;));
    }
    if attrs.strict.is_some() {
        statements.push(quote!(table.sqlite_options.strict = true;));
    }

    let key_columns = container.key_columns();
    // A `WITHOUT ROWID` table's key is never generated (SQLite numbers
    // rows only through the rowid).
    let generated_key = key_columns.len() == 1 && attrs.without_rowid.is_none();
    let columns: Vec<TokenStream> = container
        .columns()
        .map(|field| {
            let single_key_field = generated_key && container.is_key_field(field);
            column(&private, field, single_key_field)
        })
        .collect();
    statements.extend(
        columns
            .iter()
            .map(|column| quote!(table.columns.push(#column);)),
    );
    let mut primary_key = quote!(#private::primary_key(#table, &[#(#key_columns),*]));
    if let Some(initially_deferred) = container.attrs.primary_key_initially_deferred {
        let deferral = deferral(&private, initially_deferred);
        primary_key = quote!(#primary_key.deferrable(#deferral));
    }
    statements.push(quote!(
        table.primary_key = ::core::option::Option::Some(#primary_key);
    ));

    let mut indexes = Vec::new();
    let mut uniques = Vec::new();
    let mut foreign_keys = Vec::new();
    let mut checks = Vec::new();
    for field in container.columns() {
        let column = field.column_name();
        if field.attrs.index.is_some() {
            indexes.push(
                quote!(#private::index(#table, ::core::option::Option::None, &[#column], false)),
            );
        }
        if field.attrs.unique.is_some() {
            uniques
                .push(quote!(#private::unique(#table, ::core::option::Option::None, &[#column])));
        }
        if let Some(check) = &field.attrs.check {
            let expression = check.value.value();
            checks.push(quote!(#private::check(#table, #column, #expression)));
        }
        if let Some(reference) = &field.attrs.references {
            let reference = &reference.value;
            let schema = option_str(reference.schema.as_deref());
            let (referenced_table, referenced_column) = (&reference.table, &reference.column);
            let on_delete = action(
                &private,
                field.attrs.on_delete.as_ref().map(|a| a.value.variant),
            );
            let on_update = action(
                &private,
                field.attrs.on_update.as_ref().map(|a| a.value.variant),
            );
            let mut foreign_key = quote!(#private::foreign_key(
                #table,
                &[#column],
                #schema,
                #referenced_table,
                &[#referenced_column],
                #on_delete,
                #on_update,
            ));
            // `initially_deferred` implies `deferrable`.
            if field.attrs.initially_deferred.is_some() {
                foreign_key =
                    quote!(#foreign_key.deferrable(#private::Deferral::InitiallyDeferred));
            } else if field.attrs.deferrable.is_some() {
                foreign_key =
                    quote!(#foreign_key.deferrable(#private::Deferral::InitiallyImmediate));
            }
            foreign_keys.push(foreign_key);
        }
    }
    for index in &attrs.indexes {
        let name = option_str(index.name.as_ref().map(|name| name.value()).as_deref());
        let columns = &index.columns;
        let unique = index.unique;
        let mut built = quote!(#private::index(#table, #name, &[#(#columns),*], #unique));
        if let Some(method) = &index.method {
            built = quote!(#built.using(#method));
        }
        if let Some(ops) = &index.ops {
            built = quote!(#built.operator_class(#ops));
        }
        indexes.push(built);
    }
    for unique in &attrs.uniques {
        let name = option_str(unique.name.as_ref().map(|name| name.value()).as_deref());
        let columns = &unique.columns;
        let mut built = quote!(#private::unique(#table, #name, &[#(#columns),*]));
        if let Some(initially_deferred) = unique.initially_deferred {
            let deferral = deferral(&private, initially_deferred);
            built = quote!(#built.deferrable(#deferral));
        }
        uniques.push(built);
    }
    for check in &attrs.checks {
        let (name, expression) = (&check.name, &check.expr);
        checks.push(quote!(#private::check(#table, #name, #expression)));
    }
    for (field, values) in [
        (format_ident!("indexes"), indexes),
        (format_ident!("uniques"), uniques),
        (format_ident!("foreign_keys"), foreign_keys),
        (format_ident!("checks"), checks),
    ] {
        statements.extend(
            values
                .iter()
                .map(|value| quote!(table.#field.push(#value);)),
        );
    }

    let diesel_table = attrs
        .diesel_table
        .is_some()
        .then(|| diesel::generate(container, &private));

    quote! {
        #diesel_table

        #[automatically_derived]
        impl #krate::Model for #ident {
            fn table() -> #private::Table {
                let mut table = #private::Table::new(#table);
                #(#statements)*
                table
            }
        }
    }
}

fn krate(container: &Container) -> Path {
    match &container.attrs.krate {
        Some(krate) => krate.value.clone(),
        None => syn::parse_quote!(::retort),
    }
}

/// One column; `single_key_field` when the field is the whole primary key
/// of a table that may generate it (not `without_rowid`), which makes an
/// integer column an identity column unless `autoincrement = false`.
fn column(private: &TokenStream, field: &Field, single_key_field: bool) -> TokenStream {
    let name = field.column_name();
    let attrs = &field.attrs;
    let mut column = match type_override(field) {
        Some(spec) => {
            let ty = sql_type_tokens(private, &spec);
            let nullable = field.is_option();
            quote!(#private::column_of_type(#name, #ty, #nullable))
        }
        None => {
            let ty = field.ty;
            quote_spanned!(ty.span()=> #private::column::<#ty>(#name))
        }
    };
    if let Some(default) = &attrs.default {
        let default = default.value.value();
        column = quote!(#column.default_expr(#default));
    }
    let comment = attrs
        .comment
        .as_ref()
        .map(|comment| comment.value.value())
        .or_else(|| field.doc.clone());
    if let Some(comment) = comment {
        column = quote!(#column.comment(#comment));
    }
    if let Some(collation) = &attrs.collation {
        let collation = collation.value.value();
        column = quote!(#column.collation(#collation));
    }
    if let Some(renamed_from) = &attrs.renamed_from {
        let renamed_from = renamed_from.value.value();
        column = quote!(#column.renamed_from(#renamed_from));
    }
    if let Some(backfill) = &attrs.backfill {
        let backfill = backfill.value.value();
        column = quote!(#column.backfill(#backfill));
    }
    if let Some(generated) = &attrs.generated {
        let expression = generated.value.value();
        column = if attrs.virtual_.is_some() {
            quote!(#column.generated_virtual(#expression))
        } else {
            quote!(#column.generated(#expression))
        };
    }
    if single_key_field {
        column = match (
            &attrs.identity,
            attrs.autoincrement.as_ref().map(|a| a.value),
        ) {
            (Some(identity), _) => {
                let options = identity_options(private, &identity.value);
                quote!(#column.identity_options(#options))
            }
            (None, None) => quote!(#private::identity_if_integer(#column)),
            (None, Some(true)) => quote!(#column.identity()),
            (None, Some(false)) => column,
        };
    }
    column
}

/// The `IdentityOptions` `#[model(identity(...))]` spells out.
fn identity_options(private: &TokenStream, identity: &Identity) -> TokenStream {
    let always = identity.always.is_some();
    let number = |part: &Option<Keyed<SignedInt>>| match part {
        Some(part) => {
            let value = part.value.value;
            quote!(::core::option::Option::Some(#value))
        }
        None => quote!(::core::option::Option::None),
    };
    let (start, increment) = (number(&identity.start), number(&identity.increment));
    quote!(#private::IdentityOptions {
        always: #always,
        start: #start,
        increment: #increment,
    })
}

/// `Deferral::InitiallyDeferred`, or `InitiallyImmediate`.
fn deferral(private: &TokenStream, initially_deferred: bool) -> TokenStream {
    if initially_deferred {
        quote!(#private::Deferral::InitiallyDeferred)
    } else {
        quote!(#private::Deferral::InitiallyImmediate)
    }
}

/// The column type the attributes choose, if they choose one.
fn type_override(field: &Field) -> Option<SqlTypeSpec> {
    let attrs = &field.attrs;
    if let Some(sql_type) = &attrs.sql_type {
        return Some(parse_sql_type(&sql_type.value.value()));
    }
    if let Some(max_length) = &attrs.max_length {
        return Some(SqlTypeSpec::Varchar(max_length.value.value));
    }
    attrs
        .precision
        .as_ref()
        .map(|precision| SqlTypeSpec::Numeric {
            precision: Some(precision.value.value),
            scale: attrs.scale.as_ref().map(|scale| scale.value.value),
        })
}

fn sql_type_tokens(private: &TokenStream, spec: &SqlTypeSpec) -> TokenStream {
    let variant = |name: &str| {
        let name = format_ident!("{name}");
        quote!(#private::SqlType::#name)
    };
    match spec {
        SqlTypeSpec::SmallInt => variant("SmallInt"),
        SqlTypeSpec::Integer => variant("Integer"),
        SqlTypeSpec::BigInt => variant("BigInt"),
        SqlTypeSpec::Real => variant("Real"),
        SqlTypeSpec::Double => variant("Double"),
        SqlTypeSpec::Numeric { precision, scale } => {
            let precision = option_u32(*precision);
            let scale = option_u32(*scale);
            quote!(#private::SqlType::Numeric { precision: #precision, scale: #scale })
        }
        SqlTypeSpec::Boolean => variant("Boolean"),
        SqlTypeSpec::Text => variant("Text"),
        SqlTypeSpec::Varchar(length) => {
            let length = Literal::u32_unsuffixed(*length);
            quote!(#private::SqlType::Varchar(#length))
        }
        SqlTypeSpec::Char(length) => {
            let length = Literal::u32_unsuffixed(*length);
            quote!(#private::SqlType::Char(#length))
        }
        SqlTypeSpec::Binary => variant("Binary"),
        SqlTypeSpec::Date => variant("Date"),
        SqlTypeSpec::Time => variant("Time"),
        SqlTypeSpec::Timestamp => variant("Timestamp"),
        SqlTypeSpec::TimestampTz => variant("TimestampTz"),
        SqlTypeSpec::Uuid => variant("Uuid"),
        SqlTypeSpec::Json => variant("Json"),
        SqlTypeSpec::Custom(text) => {
            quote!(#private::SqlType::Custom(::std::string::String::from(#text)))
        }
    }
}

fn option_u32(value: Option<u32>) -> TokenStream {
    match value {
        Some(value) => {
            let value = Literal::u32_unsuffixed(value);
            quote!(::core::option::Option::Some(#value))
        }
        None => quote!(::core::option::Option::None),
    }
}

fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    }
}

fn action(private: &TokenStream, variant: Option<&str>) -> TokenStream {
    let variant = format_ident!("{}", variant.unwrap_or("NoAction"));
    quote!(#private::ReferentialAction::#variant)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(input: TokenStream) -> String {
        let input: DeriveInput = syn::parse2(input).expect("test input parses");
        let output = expand_derive_model(&input).expect("test input is valid");
        let file: syn::File = syn::parse2(output).expect("expansion parses as a file");
        prettyplease::unparse(&file)
    }

    /// The expansion users see with `cargo expand`: one statement per part
    /// of the table, types asked of `ColumnType`, names from the convention.
    #[test]
    fn expansion_of_the_design_documents_model() {
        insta::assert_snapshot!(expand(quote! {
            /// Someone who signs in.
            #[model(table = "users")]
            pub struct User {
                #[model(primary_key)]
                pub id: i64,
                #[model(unique, max_length = 255)]
                pub email: String,
                /// Name shown on the profile page.
                pub display_name: Option<String>,
                #[model(references = "teams.id", on_delete = "cascade", index)]
                pub team_id: Option<i64>,
            }
        }));
    }

    /// `diesel_table`: the `diesel::table!` beside the impl, each field's
    /// check before it, an alias for the enum's SQL type, and a join.
    #[test]
    fn expansion_with_a_diesel_table() {
        insta::assert_snapshot!(expand(quote! {
            /// Someone who signs in.
            #[model(table = "users", diesel_table)]
            pub struct User {
                #[model(primary_key)]
                pub id: i64,
                #[model(max_length = 255, column = "email_address")]
                pub email: String,
                pub status: Option<Status>,
                #[model(references = "teams.id")]
                pub team_id: Option<i64>,
                #[model(sql_type = "citext", diesel_type = "my_types::Citext")]
                pub nickname: String,
            }
        }));
    }

    #[test]
    fn expansion_with_struct_keys_and_a_crate_path() {
        insta::assert_snapshot!(expand(quote! {
            #[model(
                crate = "my_app::db::retort",
                schema = "shop",
                renamed_from = "items",
                primary_key(columns("vendor_id", "sku")),
                index(columns("title"), unique),
                unique(columns("vendor_id", "title"), name = "uq_title"),
                check(name = "positive_price", expr = "price > 0"),
            )]
            struct Product {
                vendor_id: i64,
                sku: String,
                #[model(sql_type = "citext", renamed_from = "name")]
                title: Option<String>,
                #[model(precision = 10, scale = 2, default = "0", check = "price < 1e9")]
                price: String,
                #[model(skip)]
                cache: Vec<u8>,
            }
        }));
    }
}
