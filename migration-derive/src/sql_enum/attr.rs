//! Parsing `#[sql_enum(...)]` on an enum and its variants, with the same
//! readers and messages as `#[model(...)]`: every problem is recorded in the
//! [`Ctxt`] and parsing goes on.

use syn::meta::ParseNestedMeta;
use syn::{Attribute, LitStr, Path};

use crate::internals::keys::{Keyed, Keys};
use crate::internals::symbol::{CRATE, ENUM_KEYS, NAME, RENAME, SQL_ENUM, VARIANT_KEYS};
use crate::internals::Ctxt;

/// Everything `#[sql_enum(...)]` says on the enum.
#[derive(Default)]
pub struct EnumAttrs {
    pub name: Option<Keyed<LitStr>>,
    pub krate: Option<Keyed<Path>>,
}

/// Everything `#[sql_enum(...)]` says on a variant.
#[derive(Default)]
pub struct VariantAttrs {
    pub rename: Option<Keyed<LitStr>>,
}

/// Parses every `#[sql_enum(...)]` on the enum.
pub fn enum_attrs(cx: &Ctxt, attrs: &[Attribute]) -> EnumAttrs {
    let mut out = EnumAttrs::default();
    each_key(cx, attrs, |keys, meta| {
        let key = meta.path.clone();
        if key == NAME {
            if let Some(lit) = keys.non_empty_string(&meta, NAME, "name = \"user_status\"")? {
                keys.set_once(&mut out.name, key, lit);
            }
            Ok(())
        } else if key == CRATE {
            if let Some(path) = keys.path(&meta, CRATE, "crate = \"my_app::retort\"")? {
                keys.set_once(&mut out.krate, key, path);
            }
            Ok(())
        } else {
            keys.unknown_key(&meta, "`#[sql_enum(...)]` on an enum", ENUM_KEYS)
        }
    });
    out
}

/// Parses every `#[sql_enum(...)]` on a variant.
pub fn variant_attrs(cx: &Ctxt, attrs: &[Attribute]) -> VariantAttrs {
    let mut out = VariantAttrs::default();
    each_key(cx, attrs, |keys, meta| {
        let key = meta.path.clone();
        if key == RENAME {
            if let Some(lit) = keys.non_empty_string(&meta, RENAME, "rename = \"on_hold\"")? {
                keys.set_once(&mut out.rename, key, lit);
            }
            Ok(())
        } else {
            keys.unknown_key(&meta, "`#[sql_enum(...)]` on a variant", VARIANT_KEYS)
        }
    });
    out
}

/// Runs `key` on each key of each `#[sql_enum(...)]`; a syntax error ends
/// that attribute and is recorded.
fn each_key(
    cx: &Ctxt,
    attrs: &[Attribute],
    mut key: impl FnMut(Keys, ParseNestedMeta) -> syn::Result<()>,
) {
    let keys = Keys::new(cx, SQL_ENUM);
    for attr in attrs.iter().filter(|attr| attr.path() == SQL_ENUM) {
        if let Err(error) = attr.parse_nested_meta(|meta| key(keys, meta)) {
            cx.syn_error(error);
        }
    }
}
