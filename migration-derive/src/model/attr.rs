//! Parsing `#[model(...)]` on a struct and its fields. Each key is parsed on
//! its own; a value that is malformed, a key given twice or a key that does
//! not exist is recorded in the [`Ctxt`] and parsing goes on, so every
//! problem is reported at once. Rules between keys live in `check`.

use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, Lit, LitStr, Path, Token};

use crate::internals::keys::{ident_text, skip_value, Int, Keyed, Keys, SignedInt};
use crate::internals::symbol::*;
use crate::internals::Ctxt;

/// `references = "schema.table.column"`.
pub struct Reference {
    pub schema: Option<String>,
    pub table: String,
    pub column: String,
}

/// A referential action, as the `ReferentialAction` variant's name.
pub struct Action {
    pub lit: LitStr,
    pub variant: &'static str,
}

/// `index(columns(..), name = "..", unique, method = "..", ops = "..")` on
/// a struct.
pub struct TableIndex {
    pub columns: Vec<LitStr>,
    pub name: Option<LitStr>,
    pub unique: bool,
    /// The access method (`gin`, `fulltext`, ...).
    pub method: Option<LitStr>,
    /// The operator class every key part uses (`gin_trgm_ops`).
    pub ops: Option<LitStr>,
}

/// `unique(columns(..), name = "..")` on a struct.
pub struct TableUnique {
    pub columns: Vec<LitStr>,
    pub name: Option<LitStr>,
    /// `deferrable` (`Some(false)`) or `initially_deferred` (`Some(true)`).
    pub initially_deferred: Option<bool>,
}

/// `check(name = "..", expr = "..")` on a struct.
pub struct TableCheck {
    pub name: LitStr,
    pub expr: LitStr,
}

/// Everything `#[model(...)]` says on a struct.
#[derive(Default)]
pub struct ContainerAttrs {
    pub table: Option<Keyed<LitStr>>,
    pub schema: Option<Keyed<LitStr>>,
    pub renamed_from: Option<Keyed<LitStr>>,
    pub comment: Option<Keyed<LitStr>>,
    pub collation: Option<Keyed<LitStr>>,
    pub krate: Option<Keyed<Path>>,
    pub primary_key: Option<Keyed<Vec<LitStr>>>,
    /// `primary_key(.., deferrable)`: `Some(true)` when initially deferred.
    pub primary_key_initially_deferred: Option<bool>,
    pub indexes: Vec<TableIndex>,
    pub uniques: Vec<TableUnique>,
    pub checks: Vec<TableCheck>,
    /// `diesel_table`, with the module's name when one is given.
    pub diesel_table: Option<Keyed<Option<LitStr>>>,
    /// `partition_by = "RANGE (created_at)"`, read.
    pub partition_by: Option<Keyed<PartitionBy>>,
    /// `without_rowid` (SQLite's `WITHOUT ROWID`).
    pub without_rowid: Option<Keyed<()>>,
    /// `strict` (SQLite's `STRICT`).
    pub strict: Option<Keyed<()>>,
    /// `engine = "MyISAM"` (MySQL's storage engine).
    pub engine: Option<Keyed<LitStr>>,
}

/// `partition_by = "RANGE (created_at, lower(region))"`: the method's
/// keyword and the key's parts, each a column (a bare name) or an
/// expression.
pub struct PartitionBy {
    /// The string as written, for errors.
    pub lit: LitStr,
    /// `Range`, `List` or `Hash`: the name of the `PartitionMethod` variant.
    pub method: &'static str,
    /// `(is a column, text)` per key part.
    pub parts: Vec<(bool, String)>,
}

impl PartitionBy {
    /// The key `lit` spells, or `None` when it is not one.
    fn parse(lit: &LitStr) -> Option<PartitionBy> {
        let value = lit.value();
        let text = value.trim();
        let open = text.find('(')?;
        let method = match text[..open].trim().to_ascii_uppercase().as_str() {
            "RANGE" => "Range",
            "LIST" => "List",
            "HASH" => "Hash",
            _ => return None,
        };
        let inner = text[open + 1..].trim_end().strip_suffix(')')?;
        let mut parts = Vec::new();
        let (mut depth, mut quote, mut current) = (0usize, None, String::new());
        for ch in inner.chars() {
            match (quote, ch) {
                (Some(q), _) if ch == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(ch),
                (None, '(') => depth += 1,
                (None, ')') => depth = depth.checked_sub(1)?,
                (None, ',') if depth == 0 => {
                    parts.push(std::mem::take(&mut current));
                    continue;
                }
                _ => {}
            }
            current.push(ch);
        }
        parts.push(current);
        let parts: Vec<(bool, String)> = parts
            .into_iter()
            .map(|part| {
                let part = part.trim().to_owned();
                let bare = part.chars().all(|ch| ch.is_alphanumeric() || ch == '_');
                (bare, part)
            })
            .collect();
        let well_formed = depth == 0 && quote.is_none() && parts.iter().all(|(_, p)| !p.is_empty());
        well_formed.then(|| PartitionBy {
            lit: lit.clone(),
            method,
            parts,
        })
    }
}

/// Everything `#[model(...)]` says on a field.
#[derive(Default)]
pub struct FieldAttrs {
    pub primary_key: Option<Keyed<()>>,
    pub autoincrement: Option<Keyed<bool>>,
    pub identity: Option<Keyed<Identity>>,
    pub column: Option<Keyed<LitStr>>,
    pub sql_type: Option<Keyed<LitStr>>,
    pub max_length: Option<Keyed<Int>>,
    pub precision: Option<Keyed<Int>>,
    pub scale: Option<Keyed<Int>>,
    pub unique: Option<Keyed<()>>,
    pub index: Option<Keyed<()>>,
    pub default: Option<Keyed<LitStr>>,
    pub backfill: Option<Keyed<LitStr>>,
    pub generated: Option<Keyed<LitStr>>,
    pub stored: Option<Keyed<()>>,
    pub virtual_: Option<Keyed<()>>,
    pub references: Option<Keyed<Reference>>,
    pub on_delete: Option<Keyed<Action>>,
    pub on_update: Option<Keyed<Action>>,
    pub deferrable: Option<Keyed<()>>,
    pub initially_deferred: Option<Keyed<()>>,
    pub renamed_from: Option<Keyed<LitStr>>,
    pub check: Option<Keyed<LitStr>>,
    pub comment: Option<Keyed<LitStr>>,
    pub collation: Option<Keyed<LitStr>>,
    pub skip: Option<Keyed<()>>,
    pub diesel_type: Option<Keyed<syn::Type>>,
}

impl FieldAttrs {
    /// The keys given, other than `skip`, for the rule that `skip` stands alone.
    pub fn keys_besides_skip(&self) -> Vec<&Path> {
        let mut keys: Vec<&Path> = Vec::new();
        keys.extend(self.primary_key.as_ref().map(|k| &k.key));
        keys.extend(self.autoincrement.as_ref().map(|k| &k.key));
        keys.extend(self.identity.as_ref().map(|k| &k.key));
        keys.extend(self.column.as_ref().map(|k| &k.key));
        keys.extend(self.sql_type.as_ref().map(|k| &k.key));
        keys.extend(self.max_length.as_ref().map(|k| &k.key));
        keys.extend(self.precision.as_ref().map(|k| &k.key));
        keys.extend(self.scale.as_ref().map(|k| &k.key));
        keys.extend(self.unique.as_ref().map(|k| &k.key));
        keys.extend(self.index.as_ref().map(|k| &k.key));
        keys.extend(self.default.as_ref().map(|k| &k.key));
        keys.extend(self.backfill.as_ref().map(|k| &k.key));
        keys.extend(self.generated.as_ref().map(|k| &k.key));
        keys.extend(self.stored.as_ref().map(|k| &k.key));
        keys.extend(self.virtual_.as_ref().map(|k| &k.key));
        keys.extend(self.references.as_ref().map(|k| &k.key));
        keys.extend(self.on_delete.as_ref().map(|k| &k.key));
        keys.extend(self.on_update.as_ref().map(|k| &k.key));
        keys.extend(self.deferrable.as_ref().map(|k| &k.key));
        keys.extend(self.initially_deferred.as_ref().map(|k| &k.key));
        keys.extend(self.renamed_from.as_ref().map(|k| &k.key));
        keys.extend(self.check.as_ref().map(|k| &k.key));
        keys.extend(self.comment.as_ref().map(|k| &k.key));
        keys.extend(self.collation.as_ref().map(|k| &k.key));
        keys.extend(self.diesel_type.as_ref().map(|k| &k.key));
        keys
    }
}

/// `identity(always, start = 1000, increment = 10)`: how PostgreSQL numbers
/// a generated key; each part left out keeps PostgreSQL's default.
#[derive(Default)]
pub struct Identity {
    pub always: Option<Keyed<()>>,
    pub start: Option<Keyed<SignedInt>>,
    pub increment: Option<Keyed<SignedInt>>,
}

/// The actions `on_delete` and `on_update` accept, with the variant each names.
const ACTIONS: &[(&str, &str)] = &[
    ("cascade", "Cascade"),
    ("set null", "SetNull"),
    ("set default", "SetDefault"),
    ("restrict", "Restrict"),
    ("no action", "NoAction"),
];

/// Parses every `#[model(...)]` on the struct.
pub fn container_attrs(cx: &Ctxt, attrs: &[Attribute]) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    for attr in attrs.iter().filter(|attr| attr.path() == MODEL) {
        if let Err(error) = attr.parse_nested_meta(|meta| container_key(cx, &mut out, meta)) {
            cx.syn_error(error);
        }
    }
    out
}

fn container_key(cx: &Ctxt, out: &mut ContainerAttrs, meta: ParseNestedMeta) -> syn::Result<()> {
    let keys = Keys::new(cx, MODEL);
    let key = meta.path.clone();
    if key == TABLE {
        if let Some(lit) = keys.string(&meta, TABLE, "table = \"users\"")? {
            if lit.value().trim().is_empty() {
                cx.error_spanned_by(
                    &lit,
                    "`#[model(table = \"\")]` is empty: a table needs a name\n\
                     = help: the correct format looks like `#[model(table = \"users\")]`, \
                     or leave `table` out to use the struct's name in snake_case",
                );
            }
            keys.set_once(&mut out.table, key, lit);
        }
    } else if key == SCHEMA {
        if let Some(lit) = keys.string(&meta, SCHEMA, "schema = \"billing\"")? {
            keys.non_empty(&lit, SCHEMA, "schema = \"billing\"");
            keys.set_once(&mut out.schema, key, lit);
        }
    } else if key == RENAMED_FROM {
        if let Some(lit) = keys.string(&meta, RENAMED_FROM, "renamed_from = \"old_users\"")? {
            keys.non_empty(&lit, RENAMED_FROM, "renamed_from = \"old_users\"");
            keys.set_once(&mut out.renamed_from, key, lit);
        }
    } else if key == COMMENT {
        if let Some(lit) = keys.string(&meta, COMMENT, "comment = \"People who sign in\"")? {
            keys.set_once(&mut out.comment, key, lit);
        }
    } else if key == COLLATION {
        if let Some(lit) = keys.string(&meta, COLLATION, "collation = \"utf8mb4_bin\"")? {
            keys.non_empty(&lit, COLLATION, "collation = \"utf8mb4_bin\"");
            keys.set_once(&mut out.collation, key, lit);
        }
    } else if key == ENGINE {
        if let Some(lit) = keys.string(&meta, ENGINE, "engine = \"MyISAM\"")? {
            keys.non_empty(&lit, ENGINE, "engine = \"MyISAM\"");
            keys.set_once(&mut out.engine, key, lit);
        }
    } else if key == PARTITION_BY {
        const EXAMPLE: &str = "partition_by = \"RANGE (created_at)\"";
        if let Some(lit) = keys.string(&meta, PARTITION_BY, EXAMPLE)? {
            match PartitionBy::parse(&lit) {
                Some(parsed) => keys.set_once(&mut out.partition_by, key, parsed),
                None => cx.error_spanned_by(
                    &lit,
                    format!(
                        "`#[model(partition_by = {:?})]` is not a partition key: it is `RANGE`, `LIST` or `HASH` followed by columns or expressions in parentheses\n\
                         = help: the correct format looks like `#[model({EXAMPLE})]`",
                        lit.value()
                    ),
                ),
            }
        }
    } else if key == CRATE {
        if let Some(path) = keys.path(&meta, CRATE, "crate = \"my_app::retort\"")? {
            keys.set_once(&mut out.krate, key, path);
        }
    } else if key == PRIMARY_KEY {
        const EXAMPLE: &str = "primary_key(columns(\"tenant_id\", \"id\"))";
        if !meta.input.peek(syn::token::Paren) {
            cx.error_spanned_by(
                &key,
                format!(
                    "`#[model(primary_key)]` on a struct needs its columns\n\
                     = help: the correct format looks like `#[model({EXAMPLE})]`, \
                     or put `#[model(primary_key)]` on the key's field"
                ),
            );
            return skip_value(&meta);
        }
        let mut columns = None;
        let mut deferral = DeferralKeys::default();
        meta.parse_nested_meta(|inner| {
            if inner.path == COLUMNS {
                let list = column_list(cx, &inner, EXAMPLE)?;
                keys.set_once(&mut columns, inner.path.clone(), list);
            } else if !deferral.read(&keys, &inner)? {
                return keys.unknown_key(&inner, "`#[model(primary_key(...))]`", PRIMARY_KEY_KEYS);
            }
            Ok(())
        })?;
        out.primary_key_initially_deferred = deferral.initially_deferred();
        match columns {
            Some(columns) => keys.set_once(&mut out.primary_key, key, columns.value),
            None => missing_key(cx, &key, "primary_key(...)", COLUMNS, EXAMPLE),
        }
    } else if key == INDEX {
        const EXAMPLE: &str =
            "index(columns(\"team_id\", \"email\"), name = \"ix_by_team\", unique)";
        if !meta.input.peek(syn::token::Paren) {
            list_needed(cx, &key, INDEX, EXAMPLE);
            return skip_value(&meta);
        }
        let (mut columns, mut name, mut unique) = (None, None, None);
        let (mut method, mut ops) = (None, None);
        meta.parse_nested_meta(|inner| {
            if inner.path == COLUMNS {
                let list = column_list(cx, &inner, EXAMPLE)?;
                keys.set_once(&mut columns, inner.path.clone(), list);
            } else if inner.path == NAME {
                if let Some(lit) = keys.string(&inner, NAME, "name = \"ix_users_by_team\"")? {
                    keys.non_empty(&lit, NAME, "name = \"ix_users_by_team\"");
                    keys.set_once(&mut name, inner.path.clone(), lit);
                }
            } else if inner.path == METHOD {
                if let Some(lit) = keys.string(&inner, METHOD, "method = \"gin\"")? {
                    keys.non_empty(&lit, METHOD, "method = \"gin\"");
                    keys.set_once(&mut method, inner.path.clone(), lit);
                }
            } else if inner.path == OPS {
                if let Some(lit) = keys.string(&inner, OPS, "ops = \"gin_trgm_ops\"")? {
                    keys.non_empty(&lit, OPS, "ops = \"gin_trgm_ops\"");
                    keys.set_once(&mut ops, inner.path.clone(), lit);
                }
            } else if inner.path == UNIQUE {
                keys.flag(&inner, UNIQUE)?;
                keys.set_once(&mut unique, inner.path.clone(), ());
            } else {
                return keys.unknown_key(&inner, "`#[model(index(...))]`", INDEX_KEYS);
            }
            Ok(())
        })?;
        match columns {
            Some(columns) => out.indexes.push(TableIndex {
                columns: columns.value,
                name: name.map(|name| name.value),
                unique: unique.is_some(),
                method: method.map(|method| method.value),
                ops: ops.map(|ops| ops.value),
            }),
            None => missing_key(cx, &key, "index(...)", COLUMNS, EXAMPLE),
        }
    } else if key == UNIQUE {
        const EXAMPLE: &str = "unique(columns(\"team_id\", \"email\"), name = \"uq_member\")";
        if !meta.input.peek(syn::token::Paren) {
            list_needed(cx, &key, UNIQUE, EXAMPLE);
            return skip_value(&meta);
        }
        let (mut columns, mut name) = (None, None);
        let mut deferral = DeferralKeys::default();
        meta.parse_nested_meta(|inner| {
            if inner.path == COLUMNS {
                let list = column_list(cx, &inner, EXAMPLE)?;
                keys.set_once(&mut columns, inner.path.clone(), list);
            } else if inner.path == NAME {
                if let Some(lit) = keys.string(&inner, NAME, "name = \"uq_member\"")? {
                    keys.non_empty(&lit, NAME, "name = \"uq_member\"");
                    keys.set_once(&mut name, inner.path.clone(), lit);
                }
            } else if !deferral.read(&keys, &inner)? {
                return keys.unknown_key(&inner, "`#[model(unique(...))]`", UNIQUE_KEYS);
            }
            Ok(())
        })?;
        match columns {
            Some(columns) => out.uniques.push(TableUnique {
                columns: columns.value,
                name: name.map(|name| name.value),
                initially_deferred: deferral.initially_deferred(),
            }),
            None => missing_key(cx, &key, "unique(...)", COLUMNS, EXAMPLE),
        }
    } else if key == CHECK {
        const EXAMPLE: &str = "check(name = \"positive_price\", expr = \"price > 0\")";
        if !meta.input.peek(syn::token::Paren) {
            list_needed(cx, &key, CHECK, EXAMPLE);
            return skip_value(&meta);
        }
        let (mut name, mut expr) = (None, None);
        meta.parse_nested_meta(|inner| {
            if inner.path == NAME {
                if let Some(lit) = keys.string(&inner, NAME, "name = \"positive_price\"")? {
                    keys.non_empty(&lit, NAME, "name = \"positive_price\"");
                    keys.set_once(&mut name, inner.path.clone(), lit);
                }
            } else if inner.path == EXPR {
                if let Some(lit) = keys.string(&inner, EXPR, "expr = \"price > 0\"")? {
                    keys.non_empty(&lit, EXPR, "expr = \"price > 0\"");
                    keys.set_once(&mut expr, inner.path.clone(), lit);
                }
            } else {
                return keys.unknown_key(&inner, "`#[model(check(...))]`", CHECK_KEYS);
            }
            Ok(())
        })?;
        match (name, expr) {
            (Some(name), Some(expr)) => out.checks.push(TableCheck {
                name: name.value,
                expr: expr.value,
            }),
            (None, _) => missing_key(cx, &key, "check(...)", NAME, EXAMPLE),
            (_, None) => missing_key(cx, &key, "check(...)", EXPR, EXAMPLE),
        }
    } else if key == DIESEL_TABLE {
        if meta.input.peek(Token![=]) {
            if let Some(lit) = keys.string(&meta, DIESEL_TABLE, "diesel_table = \"users\"")? {
                keys.non_empty(&lit, DIESEL_TABLE, "diesel_table = \"users\"");
                keys.set_once(&mut out.diesel_table, key, Some(lit));
            }
        } else {
            keys.flag(&meta, DIESEL_TABLE)?;
            keys.set_once(&mut out.diesel_table, key, None);
        }
    } else if key == WITHOUT_ROWID {
        keys.flag(&meta, WITHOUT_ROWID)?;
        keys.set_once(&mut out.without_rowid, key, ());
    } else if key == STRICT {
        keys.flag(&meta, STRICT)?;
        keys.set_once(&mut out.strict, key, ());
    } else if FIELD_KEYS.iter().any(|field_key| key == *field_key) {
        cx.error_spanned_by(
            &key,
            format!(
                "`{}` belongs on a field, not on the struct: move it into the \
                 `#[model(...)]` of the field it is about\n\
                 = note: the keys on a struct are: {}",
                ident_text(&key),
                list(STRUCT_KEYS)
            ),
        );
        return skip_value(&meta);
    } else {
        return keys.unknown_key(&meta, "`#[model(...)]` on a struct", STRUCT_KEYS);
    }
    Ok(())
}

/// Parses every `#[model(...)]` on a field.
pub fn field_attrs(cx: &Ctxt, attrs: &[Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in attrs.iter().filter(|attr| attr.path() == MODEL) {
        if let Err(error) = attr.parse_nested_meta(|meta| field_key(cx, &mut out, meta)) {
            cx.syn_error(error);
        }
    }
    out
}

fn field_key(cx: &Ctxt, out: &mut FieldAttrs, meta: ParseNestedMeta) -> syn::Result<()> {
    let keys = Keys::new(cx, MODEL);
    let key = meta.path.clone();
    if key == PRIMARY_KEY {
        keys.flag(&meta, PRIMARY_KEY)?;
        keys.set_once(&mut out.primary_key, key, ());
    } else if key == UNIQUE {
        keys.flag(&meta, UNIQUE)?;
        keys.set_once(&mut out.unique, key, ());
    } else if key == INDEX {
        keys.flag(&meta, INDEX)?;
        keys.set_once(&mut out.index, key, ());
    } else if key == SKIP {
        keys.flag(&meta, SKIP)?;
        keys.set_once(&mut out.skip, key, ());
    } else if key == AUTOINCREMENT {
        if let Some(value) = keys.boolean(&meta, AUTOINCREMENT, "autoincrement = false")? {
            keys.set_once(&mut out.autoincrement, key, value);
        }
    } else if key == IDENTITY {
        let identity = identity(cx, &meta)?;
        keys.set_once(&mut out.identity, key, identity);
    } else if key == COLUMN {
        if let Some(lit) = keys.string(&meta, COLUMN, "column = \"email_address\"")? {
            keys.non_empty(&lit, COLUMN, "column = \"email_address\"");
            keys.set_once(&mut out.column, key, lit);
        }
    } else if key == SQL_TYPE {
        if let Some(lit) = keys.string(&meta, SQL_TYPE, "sql_type = \"varchar(20)\"")? {
            keys.non_empty(&lit, SQL_TYPE, "sql_type = \"varchar(20)\"");
            keys.set_once(&mut out.sql_type, key, lit);
        }
    } else if key == MAX_LENGTH {
        if let Some(int) = keys.integer(&meta, MAX_LENGTH, "max_length = 255")? {
            keys.set_once(&mut out.max_length, key, int);
        }
    } else if key == PRECISION {
        if let Some(int) = keys.integer(&meta, PRECISION, "precision = 10, scale = 2")? {
            keys.set_once(&mut out.precision, key, int);
        }
    } else if key == SCALE {
        if let Some(int) = keys.integer_or_zero(&meta, SCALE, "precision = 10, scale = 2")? {
            keys.set_once(&mut out.scale, key, int);
        }
    } else if key == DEFAULT {
        if let Some(lit) = keys.string(&meta, DEFAULT, "default = \"0\"")? {
            keys.non_empty(&lit, DEFAULT, "default = \"0\"");
            keys.set_once(&mut out.default, key, lit);
        }
    } else if key == BACKFILL {
        const EXAMPLE: &str = "backfill = \"username || '@example.com'\"";
        if let Some(lit) = keys.string(&meta, BACKFILL, EXAMPLE)? {
            keys.non_empty(&lit, BACKFILL, EXAMPLE);
            keys.set_once(&mut out.backfill, key, lit);
        }
    } else if key == GENERATED {
        const EXAMPLE: &str = "generated = \"price * quantity\"";
        if let Some(lit) = keys.string(&meta, GENERATED, EXAMPLE)? {
            keys.non_empty(&lit, GENERATED, EXAMPLE);
            keys.set_once(&mut out.generated, key, lit);
        }
    } else if key == STORED {
        keys.flag(&meta, STORED)?;
        keys.set_once(&mut out.stored, key, ());
    } else if key == VIRTUAL {
        keys.flag(&meta, VIRTUAL)?;
        keys.set_once(&mut out.virtual_, key, ());
    } else if key == REFERENCES {
        if let Some(lit) = keys.string(&meta, REFERENCES, "references = \"teams.id\"")? {
            if let Some(reference) = reference(cx, lit) {
                keys.set_once(&mut out.references, key, reference);
            }
        }
    } else if key == ON_DELETE || key == ON_UPDATE {
        let symbol = if key == ON_DELETE {
            ON_DELETE
        } else {
            ON_UPDATE
        };
        let example = format!("{symbol} = \"cascade\"");
        if let Some(lit) = keys.string(&meta, symbol, &example)? {
            if let Some(action) = action(cx, symbol, lit) {
                let slot = if symbol == ON_DELETE {
                    &mut out.on_delete
                } else {
                    &mut out.on_update
                };
                keys.set_once(slot, key, action);
            }
        }
    } else if key == DEFERRABLE {
        keys.flag(&meta, DEFERRABLE)?;
        keys.set_once(&mut out.deferrable, key, ());
    } else if key == INITIALLY_DEFERRED {
        keys.flag(&meta, INITIALLY_DEFERRED)?;
        keys.set_once(&mut out.initially_deferred, key, ());
    } else if key == RENAMED_FROM {
        if let Some(lit) = keys.string(&meta, RENAMED_FROM, "renamed_from = \"old_name\"")? {
            keys.non_empty(&lit, RENAMED_FROM, "renamed_from = \"old_name\"");
            keys.set_once(&mut out.renamed_from, key, lit);
        }
    } else if key == CHECK {
        if let Some(lit) = keys.string(&meta, CHECK, "check = \"price > 0\"")? {
            keys.non_empty(&lit, CHECK, "check = \"price > 0\"");
            keys.set_once(&mut out.check, key, lit);
        }
    } else if key == COMMENT {
        if let Some(lit) = keys.string(&meta, COMMENT, "comment = \"Shown on the profile\"")? {
            keys.set_once(&mut out.comment, key, lit);
        }
    } else if key == COLLATION {
        if let Some(lit) = keys.string(&meta, COLLATION, "collation = \"utf8mb4_bin\"")? {
            keys.non_empty(&lit, COLLATION, "collation = \"utf8mb4_bin\"");
            keys.set_once(&mut out.collation, key, lit);
        }
    } else if key == DIESEL_TYPE {
        const EXAMPLE: &str = "diesel_type = \"diesel::sql_types::Text\"";
        if let Some(lit) = keys.string(&meta, DIESEL_TYPE, EXAMPLE)? {
            match lit.parse::<syn::TypePath>() {
                Ok(ty) => keys.set_once(&mut out.diesel_type, key, syn::Type::Path(ty)),
                Err(_) => cx.error_spanned_by(
                    &lit,
                    format!(
                        "`#[model(diesel_type = {})]` is not a type path\n\
                         = help: the correct format looks like `#[model({EXAMPLE})]`",
                        lit.to_token_stream()
                    ),
                ),
            }
        }
    } else if STRUCT_KEYS.iter().any(|struct_key| key == *struct_key) {
        cx.error_spanned_by(
            &key,
            format!(
                "`{}` belongs on the struct, not on a field: move it into the \
                 `#[model(...)]` above the struct\n\
                 = note: the keys on a field are: {}",
                ident_text(&key),
                list(FIELD_KEYS)
            ),
        );
        return skip_value(&meta);
    } else {
        return keys.unknown_key(&meta, "`#[model(...)]` on a field", FIELD_KEYS);
    }
    Ok(())
}

/// `identity` alone, or `identity(always, start = N, increment = N)`.
fn identity(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Identity> {
    const EXAMPLE: &str = "identity(always, start = 1000, increment = 10)";
    let keys = Keys::new(cx, MODEL);
    let mut identity = Identity::default();
    if !meta.input.peek(syn::token::Paren) {
        keys.flag(meta, IDENTITY)?;
        return Ok(identity);
    }
    meta.parse_nested_meta(|inner| {
        if inner.path == ALWAYS {
            keys.flag(&inner, ALWAYS)?;
            keys.set_once(&mut identity.always, inner.path.clone(), ());
        } else if inner.path == START {
            if let Some(start) = keys.signed_integer(&inner, START, EXAMPLE)? {
                keys.set_once(&mut identity.start, inner.path.clone(), start);
            }
        } else if inner.path == INCREMENT {
            if let Some(increment) = keys.signed_integer(&inner, INCREMENT, EXAMPLE)? {
                if increment.value == 0 {
                    cx.error_spanned_by(
                        &increment.expr,
                        format!(
                            "`#[model(identity(increment = 0))]` would never move on: \
                             the increment must not be 0\n\
                             = help: the correct format looks like `#[model({EXAMPLE})]`"
                        ),
                    );
                } else {
                    keys.set_once(&mut identity.increment, inner.path.clone(), increment);
                }
            }
        } else {
            return keys.unknown_key(&inner, "`#[model(identity(...))]`", IDENTITY_KEYS);
        }
        Ok(())
    })?;
    Ok(identity)
}

/// `deferrable` and `initially_deferred` inside a key's list
/// (`unique(...)`, `primary_key(...)`).
#[derive(Default)]
struct DeferralKeys {
    deferrable: Option<Keyed<()>>,
    initially_deferred: Option<Keyed<()>>,
}

impl DeferralKeys {
    /// Reads `inner` if it is one of the two keys; `false` if it is not.
    fn read(&mut self, keys: &Keys, inner: &ParseNestedMeta) -> syn::Result<bool> {
        let slot = if inner.path == DEFERRABLE {
            keys.flag(inner, DEFERRABLE)?;
            &mut self.deferrable
        } else if inner.path == INITIALLY_DEFERRED {
            keys.flag(inner, INITIALLY_DEFERRED)?;
            &mut self.initially_deferred
        } else {
            return Ok(false);
        };
        keys.set_once(slot, inner.path.clone(), ());
        Ok(true)
    }

    /// `Some(true)` initially deferred (`initially_deferred` implies
    /// `deferrable`), `Some(false)` deferrable, `None` neither.
    fn initially_deferred(&self) -> Option<bool> {
        match (&self.deferrable, &self.initially_deferred) {
            (_, Some(_)) => Some(true),
            (Some(_), None) => Some(false),
            (None, None) => None,
        }
    }
}

fn missing_key(cx: &Ctxt, key: &Path, attribute: &str, missing: Symbol, example: &str) {
    cx.error_spanned_by(
        key,
        format!(
            "`#[model({attribute})]` needs `{missing}`\n\
             = help: the correct format looks like `#[model({example})]`"
        ),
    );
}

fn list_needed(cx: &Ctxt, key: &Path, symbol: Symbol, example: &str) {
    cx.error_spanned_by(
        key,
        format!(
            "`#[model({symbol})]` on a struct takes a list\n\
             = help: the correct format looks like `#[model({example})]`, \
             or put `#[model({symbol})]` on a field for a single column"
        ),
    );
}

/// `columns("a", "b")`: at least one column, each a non-empty string.
fn column_list(cx: &Ctxt, meta: &ParseNestedMeta, example: &str) -> syn::Result<Vec<LitStr>> {
    if !meta.input.peek(syn::token::Paren) {
        cx.error_spanned_by(
            &meta.path,
            format!(
                "`columns` takes a list of column names\n\
                 = help: the correct format looks like `#[model({example})]`"
            ),
        );
        skip_value(meta)?;
        return Ok(Vec::new());
    }
    let content;
    syn::parenthesized!(content in meta.input);
    let items = Punctuated::<Expr, Token![,]>::parse_terminated(&content)?;
    let mut columns = Vec::new();
    for item in &items {
        match item {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(lit), ..
            }) if !lit.value().trim().is_empty() => columns.push(lit.clone()),
            _ => cx.error_spanned_by(
                item,
                format!(
                    "`columns({})` expects column names as string literals\n\
                     = help: the correct format looks like `#[model({example})]`",
                    item.to_token_stream()
                ),
            ),
        }
    }
    if items.is_empty() {
        cx.error_spanned_by(
            &meta.path,
            format!(
                "`columns()` is empty: name at least one column\n\
                 = help: the correct format looks like `#[model({example})]`"
            ),
        );
    }
    Ok(columns)
}

/// `"table.column"` or `"schema.table.column"`.
fn reference(cx: &Ctxt, lit: LitStr) -> Option<Reference> {
    let text = lit.value();
    let parts: Vec<&str> = text.split('.').map(str::trim).collect();
    let (schema, table, column) = match parts.as_slice() {
        [table, column] => (None, *table, *column),
        [schema, table, column] => (Some(*schema), *table, *column),
        _ => (None, "", ""),
    };
    if table.is_empty() || column.is_empty() || schema.is_some_and(str::is_empty) {
        cx.error_spanned_by(
            &lit,
            format!(
                "`#[model(references = {})]` must name a table and a column, \
                 separated by a dot\n\
                 = help: the correct format looks like `#[model(references = \"teams.id\")]` \
                 (or `\"billing.teams.id\"` for a table in another schema)",
                lit.to_token_stream()
            ),
        );
        return None;
    }
    Some(Reference {
        schema: schema.map(str::to_owned),
        table: table.to_owned(),
        column: column.to_owned(),
    })
}

fn action(cx: &Ctxt, key: Symbol, lit: LitStr) -> Option<Action> {
    let written = lit
        .value()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('_', " ");
    match ACTIONS.iter().find(|(name, _)| *name == written) {
        Some((_, variant)) => Some(Action { lit, variant }),
        None => {
            let valid = ACTIONS
                .iter()
                .map(|(name, _)| format!("\"{name}\""))
                .collect::<Vec<_>>()
                .join(", ");
            cx.error_spanned_by(
                &lit,
                format!(
                    "unknown action {} in `#[model({key} = {})]`\n\
                     = note: the valid actions are: {valid}",
                    lit.to_token_stream(),
                    lit.to_token_stream()
                ),
            );
            None
        }
    }
}
