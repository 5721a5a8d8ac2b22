//! The derive input, reduced to what a model is: a struct with named fields,
//! each field's `#[model(...)]` parsed.

use heck::ToSnakeCase;
use syn::{Attribute, Data, DeriveInput, Expr, Fields, Ident, Lit, LitStr, Meta, Type};

use super::attr::{self, ContainerAttrs, FieldAttrs};
use crate::internals::Ctxt;

/// A struct deriving `Model`.
pub struct Container<'a> {
    pub ident: &'a Ident,
    pub attrs: ContainerAttrs,
    pub doc: Option<String>,
    pub fields: Vec<Field<'a>>,
}

/// One named field.
pub struct Field<'a> {
    pub ident: &'a Ident,
    pub ty: &'a Type,
    pub attrs: FieldAttrs,
    pub doc: Option<String>,
}

impl Container<'_> {
    /// Reads the input, reporting every shape the derive cannot use. `None`
    /// when the input is not a struct with named fields (errors recorded).
    pub fn from_ast<'a>(cx: &Ctxt, input: &'a DeriveInput) -> Option<Container<'a>> {
        let attrs = attr::container_attrs(cx, &input.attrs);
        if !input.generics.params.is_empty() {
            cx.error_spanned_by(
                &input.generics,
                format!(
                    "`#[derive(Model)]` cannot be used on a generic struct: \
                     `{}` has type or lifetime parameters, and a table has one fixed set of columns\n\
                     = help: derive `Model` on a struct without parameters",
                    input.ident
                ),
            );
        }
        let named = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(fields) => Some(fields),
                Fields::Unnamed(fields) => {
                    cx.error_spanned_by(
                        fields,
                        format!(
                            "`#[derive(Model)]` cannot be used on a tuple struct: \
                             each column is named after its field\n\
                             = help: the correct format looks like `struct {} {{ id: i64 }}`",
                            input.ident
                        ),
                    );
                    None
                }
                Fields::Unit => {
                    cx.error_spanned_by(
                        &input.ident,
                        format!(
                            "`#[derive(Model)]` cannot be used on a unit struct: \
                             `{}` has no fields to become columns\n\
                             = help: the correct format looks like `struct {} {{ id: i64 }}`",
                            input.ident, input.ident
                        ),
                    );
                    None
                }
            },
            Data::Enum(data) => {
                cx.error_spanned_by(
                    data.enum_token,
                    format!(
                        "`#[derive(Model)]` cannot be used on an enum: a table is a struct with named fields\n\
                         = help: to store `{}` in a column, use `#[derive(SqlEnum)]` on it and \
                         use it as the type of a model's field",
                        input.ident
                    ),
                );
                None
            }
            Data::Union(data) => {
                cx.error_spanned_by(
                    data.union_token,
                    "`#[derive(Model)]` cannot be used on a union: a table is a struct with named fields",
                );
                None
            }
        };
        let named = named?;
        let fields = named
            .named
            .iter()
            .filter_map(|field| {
                Some(Field {
                    ident: field.ident.as_ref()?,
                    ty: &field.ty,
                    attrs: attr::field_attrs(cx, &field.attrs),
                    doc: doc_comment(&field.attrs),
                })
            })
            .collect();
        Some(Container {
            ident: &input.ident,
            attrs,
            doc: doc_comment(&input.attrs),
            fields,
        })
    }

    /// `table = "..."`, or the struct's name in snake_case.
    pub fn table_name(&self) -> String {
        match &self.attrs.table {
            Some(table) => table.value.value(),
            None => self.ident.unraw().to_string().to_snake_case(),
        }
    }

    /// Whether the field is a column of the primary key, marked on the field
    /// or listed on the struct.
    pub fn is_key_field(&self, field: &Field) -> bool {
        field.attrs.primary_key.is_some()
            || self.attrs.primary_key.as_ref().is_some_and(|key| {
                let column = field.column_name();
                key.value.iter().any(|listed| listed.value() == column)
            })
    }

    /// The primary key's column names: listed on the struct, or the marked
    /// fields in order.
    pub fn key_columns(&self) -> Vec<String> {
        match &self.attrs.primary_key {
            Some(key) => key.value.iter().map(LitStr::value).collect(),
            None => self
                .columns()
                .filter(|field| field.attrs.primary_key.is_some())
                .map(Field::column_name)
                .collect(),
        }
    }

    /// The fields that become columns.
    pub fn columns(&self) -> impl Iterator<Item = &Field<'_>> {
        self.fields
            .iter()
            .filter(|field| field.attrs.skip.is_none())
    }
}

impl Field<'_> {
    /// `column = "..."`, or the field's name.
    pub fn column_name(&self) -> String {
        match &self.attrs.column {
            Some(column) => column.value.value(),
            None => self.ident.unraw().to_string(),
        }
    }

    /// Whether the type is spelled `Option<...>`.
    pub fn is_option(&self) -> bool {
        option_inner(self.ty).is_some()
    }

    /// Whether the type, inside any `Option`, is spelled `String`.
    pub fn is_string(&self) -> bool {
        let ty = option_inner(self.ty).unwrap_or(self.ty);
        last_segment(ty)
            .is_some_and(|segment| segment.ident == "String" && segment.arguments.is_none())
    }
}

impl Field<'_> {
    /// The type inside any `Option`.
    pub fn inner_type(&self) -> &Type {
        ungroup(option_inner(self.ty).unwrap_or(self.ty))
    }
}

trait Unraw {
    fn unraw(&self) -> Ident;
}

impl Unraw for Ident {
    fn unraw(&self) -> Ident {
        syn::ext::IdentExt::unraw(self)
    }
}

fn ungroup(mut ty: &Type) -> &Type {
    while let Type::Group(group) = ty {
        ty = &group.elem;
    }
    ty
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ungroup(ty) {
        Type::Path(path) if path.qself.is_none() => path.path.segments.last(),
        _ => None,
    }
}

/// `T` when `ty` is spelled `Option<T>` (or `std::option::Option<T>`).
fn option_inner(ty: &Type) -> Option<&Type> {
    let segment = last_segment(ty)?;
    if segment.ident != "Option" {
        return None;
    }
    match &segment.arguments {
        syn::PathArguments::AngleBracketed(arguments) if arguments.args.len() == 1 => {
            match arguments.args.first() {
                Some(syn::GenericArgument::Type(inner)) => Some(inner),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The doc comment: the leading space of each line removed, lines joined
/// with a newline, blank lines around it dropped.
pub fn doc_comment(attrs: &[Attribute]) -> Option<String> {
    let mut lines = Vec::new();
    for attr in attrs {
        let Meta::NameValue(meta) = &attr.meta else {
            continue;
        };
        if !meta.path.is_ident("doc") {
            continue;
        }
        if let Expr::Lit(syn::ExprLit {
            lit: Lit::Str(text),
            ..
        }) = &meta.value
        {
            for line in text.value().split('\n') {
                let line = line.strip_prefix(' ').unwrap_or(line);
                lines.push(line.trim_end().to_owned());
            }
        }
    }
    let text = lines.join("\n");
    let text = text.trim_matches('\n');
    (!text.trim().is_empty()).then(|| text.to_owned())
}
