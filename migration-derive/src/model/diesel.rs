//! `#[model(diesel_table)]`: the `diesel::table!` the model describes, so
//! queries are checked against the same description the migrations come
//! from. Runs only on checked input.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Ident;

use super::ast::{Container, Field};
use super::type_override;
use crate::internals::sql_type::{parse_sql_type, SqlTypeSpec};

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
            None => written_range(inner, private)
                .unwrap_or_else(|| quote!(#private::query::sql_types::Enum<#inner>)),
        }
    }
}

/// The range type a pair of bounds stands for, `(Bound<i32>, Bound<i32>)`
/// as diesel reads PostgreSQL's ranges, read off how it is written.
fn written_range(ty: &syn::Type, private: &TokenStream) -> Option<TokenStream> {
    let syn::Type::Tuple(tuple) = ty else {
        return None;
    };
    let [lower, upper] = [tuple.elems.first()?, tuple.elems.last()?];
    if tuple.elems.len() != 2 || quote!(#lower).to_string() != quote!(#upper).to_string() {
        return None;
    }
    let syn::Type::Path(bound) = lower else {
        return None;
    };
    let segment = bound.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(arguments) = &segment.arguments else {
        return None;
    };
    let Some(syn::GenericArgument::Type(element)) = arguments.args.first() else {
        return None;
    };
    if segment.ident != "Bound" || arguments.args.len() != 1 {
        return None;
    }
    let element = diesel_type_of(&written_type(element)?, private)?;
    Some(quote!(#private::diesel::sql_types::Range<#element>))
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
        && written_range(field.inner_type(), &TokenStream::new()).is_none()
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
/// type diesel has none for, which only `diesel_type` can name.
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
        SqlTypeSpec::Custom(written) => return diesel_type_of_spelling(written, private),
    })
}

/// The diesel SQL type of a type `sql_type` spells that the derive keeps as
/// written (the database reads it back as one of retort's types) and
/// diesel has a type for. diesel has some of them for one database only
/// (`Range`, `Array`, `Interval` on PostgreSQL; `Unsigned` on MySQL): the
/// model uses them with that database's feature on. `None` where diesel
/// has no type retort can name a field type for (`tsvector`, `tsquery`,
/// PostGIS, `bit(n)`, and `inet`/`cidr`, whose Rust types come from
/// diesel's `ipnet`/`ipnetwork` features): `diesel_type` names one.
fn diesel_type_of_spelling(written: &str, private: &TokenStream) -> Option<TokenStream> {
    let diesel = |name: &str| {
        let name = format_ident!("{name}");
        quote!(#private::diesel::sql_types::#name)
    };
    let spelled = crate::internals::sql_type::normalize(written);
    if let Some(element) = spelled.strip_suffix("[]") {
        let element = diesel_type_of(&parse_sql_type(element), private)?;
        return Some(quote!(#private::diesel::sql_types::Array<#element>));
    }
    let ranges = [
        ("int4", SqlTypeSpec::Integer),
        ("int8", SqlTypeSpec::BigInt),
        (
            "num",
            SqlTypeSpec::Numeric {
                precision: None,
                scale: None,
            },
        ),
        ("ts", SqlTypeSpec::Timestamp),
        ("tstz", SqlTypeSpec::TimestampTz),
        ("date", SqlTypeSpec::Date),
    ];
    for (prefix, element) in &ranges {
        let Some(kind) = spelled.strip_prefix(prefix) else {
            continue;
        };
        let wrapper = match kind {
            "range" => diesel("Range"),
            "multirange" => diesel("Multirange"),
            _ => continue,
        };
        let element = diesel_type_of(element, private)?;
        return Some(quote!(#wrapper<#element>));
    }
    let unsigned = |name: &str| {
        let inner = diesel(name);
        quote!(#private::diesel::sql_types::Unsigned<#inner>)
    };
    let base = spelled.split('(').next().unwrap_or_default();
    Some(match spelled.as_str() {
        // PostgreSQL.
        _ if base == "interval" || spelled.starts_with("interval ") => diesel("Interval"),
        "macaddr" => diesel("MacAddr"),
        "citext" => diesel("Citext"),
        "varchar" | "character varying" => diesel("Text"),
        // MySQL and MariaDB.
        "tinyint" => diesel("TinyInt"),
        "tinyint unsigned" => unsigned("TinyInt"),
        "smallint unsigned" => unsigned("SmallInt"),
        "mediumint" => diesel("Integer"),
        "mediumint unsigned" | "int unsigned" | "integer unsigned" => unsigned("Integer"),
        "bigint unsigned" => unsigned("BigInt"),
        "year" => diesel("SmallInt"),
        "tinytext" | "mediumtext" | "longtext" => diesel("Text"),
        "tinyblob" | "mediumblob" | "longblob" => diesel("Binary"),
        _ if base == "set" => diesel("Text"),
        // Times with a precision, on every database that has them.
        _ if base == "time" && spelled.ends_with(')') => diesel("Time"),
        _ if (base == "timestamp" || base == "datetime") && spelled.ends_with(')') => {
            diesel("Timestamp")
        }
        _ if base == "timestamptz"
            || (base == "timestamp" && spelled.ends_with(" with time zone")) =>
        {
            diesel_type_of(&SqlTypeSpec::TimestampTz, private)?
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spelled(written: &str) -> Option<String> {
        diesel_type_of(&parse_sql_type(written), &quote!(p))
            .map(|ty| ty.to_string().replace(' ', ""))
    }

    #[test]
    fn spellings_diesel_has_a_type_for() {
        let cases = [
            (
                "int4range",
                "p::diesel::sql_types::Range<p::diesel::sql_types::Integer>",
            ),
            (
                "TSTZRANGE",
                "p::diesel::sql_types::Range<p::query::sql_types::TimestampTz>",
            ),
            (
                "datemultirange",
                "p::diesel::sql_types::Multirange<p::diesel::sql_types::Date>",
            ),
            (
                "varchar(20) []",
                "p::diesel::sql_types::Array<p::diesel::sql_types::Text>",
            ),
            (
                "interval day to second(3)",
                "p::diesel::sql_types::Interval",
            ),
            ("interval(0)", "p::diesel::sql_types::Interval"),
            (
                "INT  UNSIGNED",
                "p::diesel::sql_types::Unsigned<p::diesel::sql_types::Integer>",
            ),
            ("year", "p::diesel::sql_types::SmallInt"),
            ("set('a','b')", "p::diesel::sql_types::Text"),
            ("datetime(3)", "p::diesel::sql_types::Timestamp"),
            (
                "timestamp(3) with time zone",
                "p::query::sql_types::TimestampTz",
            ),
        ];
        for (written, expected) in cases {
            assert_eq!(spelled(written).as_deref(), Some(expected), "{written}");
        }
    }

    #[test]
    fn spellings_diesel_has_no_type_for() {
        for written in [
            "tsvector",
            "tsquery",
            "geometry(Point, 4326)",
            "bit(8)",
            "inet",
            "mood[]",
            "daterangex",
        ] {
            assert_eq!(spelled(written), None, "{written}");
        }
    }
}
