//! Reading the values of one attribute's keys, shared by `#[model(...)]` and
//! `#[sql_enum(...)]`. Each reader records what is wrong in the [`Ctxt`] and
//! returns `None`, consuming the value either way, so the keys after a bad
//! one are still read and every problem is reported at once.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::{Expr, Lit, LitBool, LitInt, LitStr, Path, Token};

use super::ctxt::Ctxt;
use super::symbol::{closest, list, Symbol, MODEL};

/// A key as written, with its value.
pub struct Keyed<T> {
    /// The key (`max_length`), for errors about the key itself.
    pub key: Path,
    /// The value.
    pub value: T,
}

/// An integer value and its literal, for errors about the value.
pub struct Int {
    pub value: u32,
    pub lit: LitInt,
}

/// A whole number that may be negative, and the expression it was written
/// as (`-10` is a negation of a literal), for errors about the value.
pub struct SignedInt {
    pub value: i64,
    pub expr: Expr,
}

/// The readers for one attribute (`model` or `sql_enum`), whose name the
/// messages quote: "`#[model(max_length = 0)]` must be greater than 0".
#[derive(Clone, Copy)]
pub struct Keys<'c> {
    pub cx: &'c Ctxt,
    pub attribute: Symbol,
}

impl<'c> Keys<'c> {
    pub fn new(cx: &'c Ctxt, attribute: Symbol) -> Self {
        Keys { cx, attribute }
    }

    /// Records `value` unless the key was already given.
    pub fn set_once<T>(&self, slot: &mut Option<Keyed<T>>, key: Path, value: T) {
        if slot.is_some() {
            self.cx.error_spanned_by(
                &key,
                format!(
                    "duplicate key: `{}` is given twice in `#[{}(...)]`; keep one",
                    ident_text(&key),
                    self.attribute
                ),
            );
        } else {
            *slot = Some(Keyed { key, value });
        }
    }

    /// Reports a key that does not exist, listing the valid ones, and skips
    /// its value so the keys after it are still read. `place` says where the
    /// key was written: "`#[model(...)]` on a struct".
    pub fn unknown_key(
        &self,
        meta: &ParseNestedMeta,
        place: &str,
        keys: &[Symbol],
    ) -> syn::Result<()> {
        let name = ident_text(&meta.path);
        let suggestion = if self.attribute == MODEL
            && matches!(name.as_str(), "nullable" | "null" | "optional")
        {
            "\n= help: a column accepts NULL when its field's type is an `Option`".to_owned()
        } else {
            closest(&name, keys)
                .map(|key| format!("\n= help: did you mean `{key}`?"))
                .unwrap_or_default()
        };
        self.cx.error_spanned_by(
            &meta.path,
            format!(
                "unknown key `{name}` in {place}\n= note: the valid keys are: {}{suggestion}",
                list(keys)
            ),
        );
        skip_value(meta)
    }

    /// A key that takes no value, such as `primary_key`.
    pub fn flag(&self, meta: &ParseNestedMeta, key: Symbol) -> syn::Result<()> {
        if meta.input.peek(Token![=]) || meta.input.peek(syn::token::Paren) {
            let value = if meta.input.peek(Token![=]) {
                let expr: Expr = meta.value()?.parse()?;
                format!(" = {}", expr.to_token_stream())
            } else {
                let content;
                syn::parenthesized!(content in meta.input);
                format!("({})", content.parse::<TokenStream>()?)
            };
            let attribute = self.attribute;
            self.cx.error_spanned_by(
                &meta.path,
                format!(
                    "`#[{attribute}({key}{value})]`: `{key}` takes no value\n\
                     = help: the correct format looks like `#[{attribute}({key})]`"
                ),
            );
        }
        Ok(())
    }

    /// `= "text"`; anything else is reported with the format that works.
    pub fn string(
        &self,
        meta: &ParseNestedMeta,
        key: Symbol,
        example: &str,
    ) -> syn::Result<Option<LitStr>> {
        let Some(expr) = self.value(meta, key, example)? else {
            return Ok(None);
        };
        match &expr {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(lit), ..
            }) => Ok(Some(lit.clone())),
            _ => {
                let written = expr.to_token_stream().to_string();
                let attribute = self.attribute;
                self.cx.error_spanned_by(
                    &expr,
                    format!(
                        "`#[{attribute}({key} = {written})]` expects a string literal\n\
                         = help: the correct format looks like `#[{attribute}({example})]`"
                    ),
                );
                Ok(None)
            }
        }
    }

    /// `= "text"` with some text in it.
    pub fn non_empty_string(
        &self,
        meta: &ParseNestedMeta,
        key: Symbol,
        example: &str,
    ) -> syn::Result<Option<LitStr>> {
        let lit = self.string(meta, key, example)?;
        if let Some(lit) = &lit {
            self.non_empty(lit, key, example);
        }
        Ok(lit)
    }

    /// `= "a::path"`, parsed as a Rust path.
    pub fn path(
        &self,
        meta: &ParseNestedMeta,
        key: Symbol,
        example: &str,
    ) -> syn::Result<Option<Path>> {
        let Some(lit) = self.string(meta, key, example)? else {
            return Ok(None);
        };
        match lit.parse::<Path>() {
            Ok(path) => Ok(Some(path)),
            Err(_) => {
                let attribute = self.attribute;
                self.cx.error_spanned_by(
                    &lit,
                    format!(
                        "`#[{attribute}({key} = {})]` is not a path\n\
                         = help: the correct format looks like `#[{attribute}({example})]`",
                        lit.to_token_stream()
                    ),
                );
                Ok(None)
            }
        }
    }

    /// `= N` with N > 0.
    pub fn integer(
        &self,
        meta: &ParseNestedMeta,
        key: Symbol,
        example: &str,
    ) -> syn::Result<Option<Int>> {
        let int = self.integer_or_zero(meta, key, example)?;
        match int {
            Some(int) if int.value == 0 => {
                let attribute = self.attribute;
                self.cx.error_spanned_by(
                    &int.lit,
                    format!(
                        "`#[{attribute}({key} = 0)]` must be greater than 0\n\
                         = help: the correct format looks like `#[{attribute}({example})]`"
                    ),
                );
                Ok(None)
            }
            other => Ok(other),
        }
    }

    /// `= N` with N ≥ 0.
    pub fn integer_or_zero(
        &self,
        meta: &ParseNestedMeta,
        key: Symbol,
        example: &str,
    ) -> syn::Result<Option<Int>> {
        let Some(expr) = self.value(meta, key, example)? else {
            return Ok(None);
        };
        let written = expr.to_token_stream().to_string();
        if let Expr::Lit(syn::ExprLit {
            lit: Lit::Int(lit), ..
        }) = &expr
        {
            if let Ok(value) = lit.base10_parse::<u32>() {
                return Ok(Some(Int {
                    value,
                    lit: lit.clone(),
                }));
            }
        }
        let attribute = self.attribute;
        self.cx.error_spanned_by(
            &expr,
            format!(
                "`#[{attribute}({key} = {written})]` expects a whole number\n\
                 = help: the correct format looks like `#[{attribute}({example})]`"
            ),
        );
        Ok(None)
    }

    /// `= N` or `= -N`, a whole number that fits in 64 bits.
    pub fn signed_integer(
        &self,
        meta: &ParseNestedMeta,
        key: Symbol,
        example: &str,
    ) -> syn::Result<Option<SignedInt>> {
        let Some(expr) = self.value(meta, key, example)? else {
            return Ok(None);
        };
        let (negative, literal) = match &expr {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Int(lit), ..
            }) => (false, Some(lit)),
            Expr::Unary(syn::ExprUnary {
                op: syn::UnOp::Neg(_),
                expr: operand,
                ..
            }) => match operand.as_ref() {
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Int(lit), ..
                }) => (true, Some(lit)),
                _ => (true, None),
            },
            _ => (false, None),
        };
        let magnitude = literal.and_then(|lit| lit.base10_parse::<i128>().ok());
        let value = magnitude
            .map(|magnitude| if negative { -magnitude } else { magnitude })
            .and_then(|value| i64::try_from(value).ok());
        if let Some(value) = value {
            return Ok(Some(SignedInt { value, expr }));
        }
        let written = expr.to_token_stream().to_string();
        let attribute = self.attribute;
        self.cx.error_spanned_by(
            &expr,
            format!(
                "`#[{attribute}({key} = {written})]` expects a whole number of at most 64 bits\n\
                 = help: the correct format looks like `#[{attribute}({example})]`"
            ),
        );
        Ok(None)
    }

    /// Bare (`true`) or `= true` / `= false`.
    pub fn boolean(
        &self,
        meta: &ParseNestedMeta,
        key: Symbol,
        example: &str,
    ) -> syn::Result<Option<bool>> {
        if !meta.input.peek(Token![=]) && !meta.input.peek(syn::token::Paren) {
            return Ok(Some(true));
        }
        let Some(expr) = self.value(meta, key, example)? else {
            return Ok(None);
        };
        if let Expr::Lit(syn::ExprLit {
            lit: Lit::Bool(LitBool { value, .. }),
            ..
        }) = &expr
        {
            return Ok(Some(*value));
        }
        let written = expr.to_token_stream().to_string();
        let attribute = self.attribute;
        self.cx.error_spanned_by(
            &expr,
            format!(
                "`#[{attribute}({key} = {written})]` expects `true` or `false`\n\
                 = help: the correct format looks like `#[{attribute}({example})]`"
            ),
        );
        Ok(None)
    }

    /// The expression after `=`; a missing `=` is reported with the format.
    pub fn value(
        &self,
        meta: &ParseNestedMeta,
        key: Symbol,
        example: &str,
    ) -> syn::Result<Option<Expr>> {
        if !meta.input.peek(Token![=]) {
            let attribute = self.attribute;
            self.cx.error_spanned_by(
                &meta.path,
                format!(
                    "`#[{attribute}({key})]` needs a value\n\
                     = help: the correct format looks like `#[{attribute}({example})]`"
                ),
            );
            skip_value(meta)?;
            return Ok(None);
        }
        let mut expr: Expr = meta.value()?.parse()?;
        while let Expr::Group(group) = expr {
            expr = *group.expr;
        }
        Ok(Some(expr))
    }

    /// Reports a string that holds only spaces.
    pub fn non_empty(&self, lit: &LitStr, key: Symbol, example: &str) {
        if lit.value().trim().is_empty() {
            let attribute = self.attribute;
            self.cx.error_spanned_by(
                lit,
                format!(
                    "`#[{attribute}({key} = \"\")]` is empty\n\
                     = help: the correct format looks like `#[{attribute}({example})]`"
                ),
            );
        }
    }
}

/// The key as its user wrote it, for messages.
pub fn ident_text(path: &Path) -> String {
    path.get_ident()
        .map(ToString::to_string)
        .unwrap_or_else(|| path.to_token_stream().to_string().replace(' ', ""))
}

/// Consumes `= value` or `(...)` after a key that is being rejected.
pub fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        content.parse::<TokenStream>()?;
    }
    Ok(())
}
