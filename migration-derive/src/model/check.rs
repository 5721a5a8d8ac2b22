//! Rules between keys and fields, one function each. They run after every
//! attribute is parsed, and report into the same context, so a user sees
//! these problems together with the parsing ones.

use proc_macro2::TokenStream;
use quote::ToTokens;

use super::ast::{Container, Field};
use super::diesel;
use crate::internals::sql_type::{parse_sql_type, SqlTypeSpec};
use crate::internals::symbol::{AUTOINCREMENT, IDENTITY};
use crate::internals::Ctxt;

/// PostgreSQL keeps 63 bytes of an identifier and silently cuts the rest.
const MAX_IDENTIFIER_BYTES: usize = 63;

/// Runs every rule.
pub fn check(cx: &Ctxt, container: &Container) {
    check_primary_key_exists(cx, container);
    check_primary_key_declared_once(cx, container);
    for field in &container.fields {
        check_skip_stands_alone(cx, field);
        if field.attrs.skip.is_some() {
            continue;
        }
        check_primary_key_not_optional(cx, container, field);
        check_autoincrement_on_single_primary_key(cx, container, field);
        check_no_generated_key_without_rowid(cx, container, field);
        check_actions_need_references(cx, field);
        check_generated_keys(cx, field);
        check_max_length_on_string(cx, field);
        check_scale_needs_precision(cx, field);
        check_one_type_override(cx, field);
        check_diesel_type_needs_diesel_table(cx, container, field);
        check_diesel_type_for_custom_types(cx, container, field);
    }
    check_diesel_table_names(cx, container);
    check_column_names_distinct(cx, container);
    check_listed_columns_exist(cx, container);
    check_partition_key_columns_exist(cx, container);
    check_identifier_lengths(cx, container);
}

/// Every table needs a primary key: the diff, renames and SQLite's table
/// rebuild rely on one.
fn check_primary_key_exists(cx: &Ctxt, container: &Container) {
    let on_a_field = container
        .columns()
        .any(|field| field.attrs.primary_key.is_some());
    if !on_a_field && container.attrs.primary_key.is_none() {
        cx.error_spanned_by(
            container.ident,
            format!(
                "`{}` has no primary key\n\
                 = help: add `#[model(primary_key)]` to the key's field, or \
                 `#[model(primary_key(columns(\"a\", \"b\")))]` to the struct for a composite key",
                container.ident
            ),
        );
    }
}

/// A key is declared either on fields or on the struct, not both: two
/// declarations could disagree.
fn check_primary_key_declared_once(cx: &Ctxt, container: &Container) {
    if container.attrs.primary_key.is_none() {
        return;
    }
    for field in container.columns() {
        if let Some(key) = &field.attrs.primary_key {
            cx.error_spanned_by(
                &key.key,
                format!(
                    "`#[model(primary_key)]` on field `{}` conflicts with \
                     `#[model(primary_key(columns(...)))]` on the struct\n\
                     = help: declare the key in one place: list every key column on the struct, \
                     or mark each key field",
                    field.ident
                ),
            );
        }
    }
}

/// A primary key column cannot hold `NULL`.
fn check_primary_key_not_optional(cx: &Ctxt, container: &Container, field: &Field) {
    if !field.is_option() || !container.is_key_field(field) {
        return;
    }
    let help = format!(
        "= help: change the type of `{}` to `{}`",
        field.ident,
        option_inner_text(field)
    );
    match &field.attrs.primary_key {
        Some(key) => cx.error_spanned_by(
            &key.key,
            format!(
                "`#[model(primary_key)]` cannot be used on an `Option` field: \
                 a primary key column is never NULL\n{help}"
            ),
        ),
        None => cx.error_spanned_by(
            field.ty,
            format!(
                "`{}` is in `#[model(primary_key(columns(...)))]`, so it cannot be an `Option`: \
                 a primary key column is never NULL\n{help}",
                field.ident
            ),
        ),
    }
}

/// `autoincrement` and `identity` decide whether the database generates a
/// single primary key's value; on any other column they would mean nothing
/// on MySQL and SQLite.
fn check_autoincrement_on_single_primary_key(cx: &Ctxt, container: &Container, field: &Field) {
    let attrs = &field.attrs;
    let generating_keys = [
        attrs
            .autoincrement
            .as_ref()
            .map(|k| (&k.key, AUTOINCREMENT)),
        attrs.identity.as_ref().map(|k| (&k.key, IDENTITY)),
    ];
    for (key, symbol) in generating_keys.into_iter().flatten() {
        if !container.is_key_field(field) {
            cx.error_spanned_by(
                key,
                format!(
                    "`#[model({symbol})]` can only be used on the primary key field, \
                     and `{}` is not the primary key\n\
                     = help: add `primary_key` to this field, or remove `{symbol}`",
                    field.ident
                ),
            );
        } else if container.key_columns().len() > 1 {
            cx.error_spanned_by(
                key,
                format!(
                    "`#[model({symbol})]` cannot be used on a composite primary key: \
                     only a single key column can be generated by the database"
                ),
            );
        }
    }
    if let (Some(identity), Some(autoincrement)) = (&attrs.identity, &attrs.autoincrement) {
        if !autoincrement.value {
            cx.error_spanned_by(
                &identity.key,
                "`#[model(identity(...))]` says how the database generates the key, \
                 and `autoincrement = false` says it does not\n\
                 = help: remove one of them",
            );
        }
    }
}

/// A `WITHOUT ROWID` table has no rowid, through which alone SQLite
/// numbers rows: its key is never generated (a single integer key is not
/// an identity there by default), so neither `autoincrement` nor
/// `identity(...)` asks for it.
fn check_no_generated_key_without_rowid(cx: &Ctxt, container: &Container, field: &Field) {
    if container.attrs.without_rowid.is_none() {
        return;
    }
    let attrs = &field.attrs;
    let generating_keys = [
        attrs
            .autoincrement
            .as_ref()
            .filter(|k| k.value)
            .map(|k| (&k.key, "autoincrement")),
        attrs.identity.as_ref().map(|k| (&k.key, "identity(...)")),
    ];
    for (key, written) in generating_keys.into_iter().flatten() {
        cx.error_spanned_by(
            key,
            format!(
                "`#[model({written})]` cannot be used in a `#[model(without_rowid)]` table: \
                 SQLite numbers rows only through the rowid, which such a table has not\n\
                 = help: remove `{written}` and give each row its key, or remove `without_rowid`"
            ),
        );
    }
}

/// `on_delete`, `on_update`, `deferrable` and `initially_deferred` belong
/// to a foreign key, which `references` declares.
fn check_actions_need_references(cx: &Ctxt, field: &Field) {
    if field.attrs.references.is_some() {
        return;
    }
    for action in [&field.attrs.on_delete, &field.attrs.on_update]
        .into_iter()
        .flatten()
    {
        let key = action.key.to_token_stream().to_string();
        cx.error_spanned_by(
            &action.key,
            format!(
                "`#[model({key} = {})]` needs `references` on the same field: \
                 it is an action of a foreign key\n\
                 = help: the correct format looks like \
                 `#[model(references = \"teams.id\", {key} = \"cascade\")]`",
                action.value.lit.to_token_stream()
            ),
        );
    }
    for flag in [&field.attrs.deferrable, &field.attrs.initially_deferred]
        .into_iter()
        .flatten()
    {
        let key = flag.key.to_token_stream().to_string();
        cx.error_spanned_by(
            &flag.key,
            format!(
                "`#[model({key})]` needs `references` on the same field: \
                 it says when a foreign key is checked\n\
                 = help: the correct format looks like \
                 `#[model(references = \"teams.id\", {key})]`"
            ),
        );
    }
}

/// `stored` and `virtual` say how a `generated` column is computed, so
/// they need `generated`, and exclude each other; a generated column's
/// value is always computed, so it has no default, backfill or identity,
/// and is no primary key.
fn check_generated_keys(cx: &Ctxt, field: &Field) {
    let attrs = &field.attrs;
    let Some(generated) = &attrs.generated else {
        for key in [&attrs.stored, &attrs.virtual_].into_iter().flatten() {
            let key = &key.key;
            cx.error_spanned_by(
                key,
                format!(
                    "`#[model({})]` needs `generated` on the same field: it says how a \
                     generated column is computed\n\
                     = help: the correct format looks like \
                     `#[model(generated = \"price * quantity\", {})]`",
                    key.to_token_stream(),
                    key.to_token_stream()
                ),
            );
        }
        return;
    };
    if let (Some(_), Some(virtual_)) = (&attrs.stored, &attrs.virtual_) {
        cx.error_spanned_by(
            &virtual_.key,
            "`#[model(virtual)]` cannot be combined with `#[model(stored)]`: a generated \
             column is either stored or computed when read\n\
             = help: remove one of them (without either, the column is stored)",
        );
    }
    let conflicting = [
        attrs.default.as_ref().map(|k| &k.key),
        attrs.backfill.as_ref().map(|k| &k.key),
        attrs.autoincrement.as_ref().map(|k| &k.key),
        attrs.primary_key.as_ref().map(|k| &k.key),
    ];
    for key in conflicting.into_iter().flatten() {
        cx.error_spanned_by(
            key,
            format!(
                "`{}` cannot be combined with `#[model(generated = {})]`: a generated \
                 column's value is always computed from its expression\n\
                 = help: remove `{}`, or remove `generated`",
                key.to_token_stream(),
                generated.value.to_token_stream(),
                key.to_token_stream()
            ),
        );
    }
}

/// `max_length` makes a `VARCHAR(n)`, which only a string field can hold.
fn check_max_length_on_string(cx: &Ctxt, field: &Field) {
    if let Some(max_length) = &field.attrs.max_length {
        if !field.is_string() {
            cx.error_spanned_by(
                &max_length.key,
                format!(
                    "`#[model(max_length = {})]` can only be used on a `String` field, \
                     and `{}` is `{}`\n\
                     = help: use `sql_type = \"...\"` to choose another column type",
                    max_length.value.value,
                    field.ident,
                    type_text(field)
                ),
            );
        }
    }
}

/// A `NUMERIC` scale is counted within its precision: `scale` alone cannot
/// be spelled, and cannot exceed the precision.
fn check_scale_needs_precision(cx: &Ctxt, field: &Field) {
    let Some(scale) = &field.attrs.scale else {
        return;
    };
    match &field.attrs.precision {
        None => cx.error_spanned_by(
            &scale.key,
            format!(
                "`#[model(scale = {})]` needs `precision` too: a scale counts digits within a precision\n\
                 = help: the correct format looks like `#[model(precision = 10, scale = {})]`",
                scale.value.value, scale.value.value
            ),
        ),
        Some(precision) if scale.value.value > precision.value.value => cx.error_spanned_by(
            &scale.value.lit,
            format!(
                "`#[model(precision = {}, scale = {})]`: the scale cannot exceed the precision\n\
                 = help: the correct format looks like `#[model(precision = 10, scale = 2)]`",
                precision.value.value, scale.value.value
            ),
        ),
        Some(_) => {}
    }
}

/// `sql_type`, `max_length` and `precision` each choose the column's type:
/// only one may.
fn check_one_type_override(cx: &Ctxt, field: &Field) {
    let Some(sql_type) = &field.attrs.sql_type else {
        return;
    };
    let others = [
        field.attrs.max_length.as_ref().map(|k| &k.key),
        field.attrs.precision.as_ref().map(|k| &k.key),
    ];
    for key in others.into_iter().flatten() {
        cx.error_spanned_by(
            key,
            format!(
                "`{}` cannot be combined with `#[model(sql_type = {})]`: both choose the column's type\n\
                 = help: write the whole type in `sql_type`, for example `sql_type = \"varchar(255)\"`",
                key.to_token_stream(),
                sql_type.value.to_token_stream()
            ),
        );
    }
}

/// `diesel_type` names a column's type in the generated `diesel::table!`,
/// which only `diesel_table` on the struct asks for.
fn check_diesel_type_needs_diesel_table(cx: &Ctxt, container: &Container, field: &Field) {
    if let (Some(diesel_type), None) = (&field.attrs.diesel_type, &container.attrs.diesel_table) {
        cx.error_spanned_by(
            &diesel_type.key,
            format!(
                "`#[model(diesel_type = ...)]` on `{}` needs `diesel_table` on the struct: \
                 it names the column's type in the generated `diesel::table!`\n\
                 = help: add `diesel_table` to the struct's `#[model(...)]`, or remove `diesel_type`",
                field.ident
            ),
        );
    }
}

/// A type retort keeps as written (`sql_type = "citext"`) has no diesel SQL
/// type retort knows: the field names one.
fn check_diesel_type_for_custom_types(cx: &Ctxt, container: &Container, field: &Field) {
    if container.attrs.diesel_table.is_none() || field.attrs.diesel_type.is_some() {
        return;
    }
    let Some(sql_type) = &field.attrs.sql_type else {
        return;
    };
    let spec = parse_sql_type(&sql_type.value.value());
    if diesel::diesel_type_of(&spec, &TokenStream::new()).is_some() {
        return;
    }
    if let SqlTypeSpec::Custom(written) = spec {
        cx.error_spanned_by(
            &sql_type.value,
            format!(
                "retort does not know the diesel SQL type of `{written}`, and \
                 `diesel_table` needs one for column `{}`\n\
                 = help: name it with `#[model(diesel_type = \"...\")]`, for example \
                 `diesel_type = \"diesel::sql_types::Text\"`",
                field.column_name()
            ),
        );
    }
}

/// `diesel::table!` names a module after the table and a column after each
/// field: they must be Rust identifiers, and no column may share the
/// table's name.
fn check_diesel_table_names(cx: &Ctxt, container: &Container) {
    if container.attrs.diesel_table.is_none() {
        return;
    }
    let (module, span) = diesel::module_name(container);
    if !diesel::is_identifier(&module) {
        cx.syn_error(syn::Error::new(
            span,
            format!(
                "`diesel_table` names a module after the table, and `{module}` is not a Rust identifier\n\
                 = help: name the module with `#[model(diesel_table = \"{}\")]`",
                suggested_identifier(&module)
            ),
        ));
        return;
    }
    if let Some(schema) = &container.attrs.schema {
        let schema_name = schema.value.value();
        if !diesel::is_identifier(&schema_name) {
            cx.error_spanned_by(
                &schema.value,
                format!(
                    "`diesel_table` writes the schema `{schema_name}` as a Rust identifier, which it is not\n\
                     = help: use a schema whose name is an identifier, or remove `diesel_table`"
                ),
            );
        }
    }
    for field in container.columns() {
        if syn::ext::IdentExt::unraw(field.ident) == module {
            cx.error_spanned_by(
                field.ident,
                format!(
                    "field `{}` has the name of its table's module `{module}`, which `diesel::table!` does not allow\n\
                     = help: rename the field and keep the column with `#[model(column = \"{}\")]`",
                    field.ident,
                    field.column_name()
                ),
            );
        }
    }
}

fn suggested_identifier(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|ch| {
            if ch.is_alphanumeric() || ch == '_' {
                ch
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty()
        || out.starts_with(|ch: char| ch.is_ascii_digit())
        || !diesel::is_identifier(&out)
    {
        out.insert_str(0, "table_");
    }
    out
}

/// A skipped field is not a column: any other key on it would be ignored.
fn check_skip_stands_alone(cx: &Ctxt, field: &Field) {
    if field.attrs.skip.is_none() {
        return;
    }
    for key in field.attrs.keys_besides_skip() {
        cx.error_spanned_by(
            key,
            format!(
                "`{}` cannot be combined with `#[model(skip)]`: a skipped field is not a column\n\
                 = help: remove `skip` to make `{}` a column, or remove `{}`",
                key.to_token_stream(),
                field.ident,
                key.to_token_stream()
            ),
        );
    }
}

/// Two fields cannot become the same column.
fn check_column_names_distinct(cx: &Ctxt, container: &Container) {
    let columns: Vec<&Field> = container.columns().collect();
    for (i, field) in columns.iter().enumerate() {
        let name = field.column_name();
        if let Some(first) = columns[..i]
            .iter()
            .find(|other| other.column_name() == name)
        {
            let at = field
                .attrs
                .column
                .as_ref()
                .map(|column| column.value.to_token_stream())
                .unwrap_or_else(|| field.ident.to_token_stream());
            cx.error_spanned_by(
                at,
                format!(
                    "fields `{}` and `{}` both become column `{name}`\n\
                     = help: give one of them another name with `#[model(column = \"...\")]`",
                    first.ident, field.ident
                ),
            );
        }
    }
}

/// Columns listed on the struct (`primary_key`, `index`, `unique`) must be
/// columns of this model, by their column name.
fn check_listed_columns_exist(cx: &Ctxt, container: &Container) {
    let names: Vec<String> = container.columns().map(Field::column_name).collect();
    let attrs = &container.attrs;
    let listed = attrs
        .primary_key
        .iter()
        .flat_map(|key| &key.value)
        .chain(attrs.indexes.iter().flat_map(|index| &index.columns))
        .chain(attrs.uniques.iter().flat_map(|unique| &unique.columns));
    for column in listed {
        if !names.contains(&column.value()) {
            cx.error_spanned_by(
                column,
                format!(
                    "no column named {} in `{}`\n\
                     = note: the columns are: {}",
                    column.to_token_stream(),
                    container.ident,
                    names.join(", ")
                ),
            );
        }
    }
}

/// The bare names in `partition_by` are columns of the struct (anything
/// else is an expression, which the database checks).
fn check_partition_key_columns_exist(cx: &Ctxt, container: &Container) {
    let Some(partition_by) = &container.attrs.partition_by else {
        return;
    };
    let names: Vec<String> = container.columns().map(Field::column_name).collect();
    for (column, part) in &partition_by.value.parts {
        if *column && !names.contains(part) {
            cx.error_spanned_by(
                &partition_by.value.lit,
                format!(
                    "`#[model(partition_by = {:?})]` names no column {part} of `{}`\n\
                     = note: the columns are: {}",
                    partition_by.value.lit.value(),
                    container.ident,
                    names.join(", ")
                ),
            );
        }
    }
}

/// Names the user writes must fit PostgreSQL's 63 bytes, which would
/// otherwise cut them silently (generated names are shortened safely).
fn check_identifier_lengths(cx: &Ctxt, container: &Container) {
    let attrs = &container.attrs;
    let written = attrs
        .table
        .iter()
        .map(|table| &table.value)
        .chain(
            container
                .columns()
                .filter_map(|field| field.attrs.column.as_ref().map(|c| &c.value)),
        )
        .chain(attrs.indexes.iter().filter_map(|index| index.name.as_ref()))
        .chain(
            attrs
                .uniques
                .iter()
                .filter_map(|unique| unique.name.as_ref()),
        );
    for lit in written {
        let length = lit.value().len();
        if length > MAX_IDENTIFIER_BYTES {
            cx.error_spanned_by(
                lit,
                format!(
                    "this name is {length} bytes long; PostgreSQL keeps only \
                     {MAX_IDENTIFIER_BYTES} and would cut it\n\
                     = help: choose a name of at most {MAX_IDENTIFIER_BYTES} bytes"
                ),
            );
        }
    }
    if attrs.table.is_none() {
        let name = container.table_name();
        if name.len() > MAX_IDENTIFIER_BYTES {
            cx.error_spanned_by(
                container.ident,
                format!(
                    "the table name `{name}` is {} bytes long; PostgreSQL keeps only \
                     {MAX_IDENTIFIER_BYTES}\n\
                     = help: choose a shorter one with `#[model(table = \"...\")]`",
                    name.len()
                ),
            );
        }
    }
}

fn type_text(field: &Field) -> String {
    field.ty.to_token_stream().to_string().replace(' ', "")
}

fn option_inner_text(field: &Field) -> String {
    let text = type_text(field);
    text.strip_prefix("Option<")
        .and_then(|inner| inner.strip_suffix('>'))
        .map(str::to_owned)
        .unwrap_or(text)
}
