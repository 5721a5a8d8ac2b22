//! Small text helpers shared by the backends' normalization: splitting a type
//! spelling into name and arguments, and reading SQL string literals.

use crate::schema::SqlType;

/// A type spelling split around its parenthesized arguments:
/// `timestamp(6) with time zone` → name `timestamp`, arguments `["6"]`,
/// suffix `with time zone`. The name and suffix are lowercased and their
/// whitespace collapsed; arguments are trimmed, not lowercased.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct TypeSpelling {
    pub(crate) name: String,
    pub(crate) arguments: Option<Vec<String>>,
    pub(crate) suffix: String,
}

impl TypeSpelling {
    /// Splits `spelled`; arguments are split on top-level commas, quotes
    /// respected (for `enum('a,b', 'c')`).
    pub(crate) fn parse(spelled: &str) -> TypeSpelling {
        let spelled = spelled.trim();
        let Some(open) = spelled.find('(') else {
            return TypeSpelling {
                name: collapse(spelled),
                arguments: None,
                suffix: String::new(),
            };
        };
        let close = matching_paren(spelled, open).unwrap_or(spelled.len());
        let inner = &spelled[open + 1..close.min(spelled.len())];
        let suffix = spelled.get(close + 1..).unwrap_or("");
        TypeSpelling {
            name: collapse(&spelled[..open]),
            arguments: Some(split_top_level(inner, ',')),
            suffix: collapse(suffix),
        }
    }

    /// The arguments as numbers, when there are `count` of them and all are.
    pub(crate) fn numbers(&self) -> Option<Vec<u32>> {
        self.arguments
            .as_ref()?
            .iter()
            .map(|argument| argument.parse().ok())
            .collect()
    }
}

/// Lowercases and collapses runs of whitespace into one space.
fn collapse(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase()
}

/// The index of the `)` that closes the `(` at `open`, skipping quoted text.
pub(crate) fn matching_paren(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (at, ch) in text.char_indices().skip_while(|(at, _)| *at < open) {
        match quote {
            Some(q) if ch == q => quote = None,
            Some(_) => {}
            None => match ch {
                '\'' | '"' | '`' => quote = Some(ch),
                '(' => depth += 1,
                ')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Some(at);
                    }
                }
                _ => {}
            },
        }
    }
    None
}

/// Splits on `separator` outside quotes and parentheses; each part trimmed.
/// A doubled quote inside a quoted part stays part of it.
pub(crate) fn split_top_level(text: &str, separator: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for ch in text.chars() {
        match quote {
            Some(q) if ch == q => {
                quote = None;
                current.push(ch);
            }
            Some(_) => current.push(ch),
            None => match ch {
                '\'' | '"' | '`' => {
                    quote = Some(ch);
                    current.push(ch);
                }
                '(' => {
                    depth += 1;
                    current.push(ch);
                }
                ')' => {
                    depth = depth.saturating_sub(1);
                    current.push(ch);
                }
                c if c == separator && depth == 0 => {
                    parts.push(current.trim().to_owned());
                    current.clear();
                }
                c => current.push(c),
            },
        }
    }
    if !current.trim().is_empty() || !parts.is_empty() {
        parts.push(current.trim().to_owned());
    }
    parts
}

/// The content of an SQL string literal `'it''s'` → `it's`; `None` when
/// `text` is not exactly one literal.
pub(crate) fn unquote_literal(text: &str) -> Option<String> {
    let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut value = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch == '\'' {
            // Inside a literal a quote must be doubled.
            if chars.next() != Some('\'') {
                return None;
            }
        }
        value.push(ch);
    }
    Some(value)
}

/// `value` as an SQL string literal, quotes doubled.
pub(crate) fn quote_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// The literal of `'text'::type` or `'text'::type::other` (PostgreSQL's casts
/// on a default), or `None` when `text` is anything else.
pub(crate) fn literal_before_casts(text: &str) -> Option<&str> {
    let text = text.trim();
    if !text.starts_with('\'') {
        return None;
    }
    // Find the literal's closing quote: a quote not followed by another.
    let bytes = text.as_bytes();
    let mut at = 1;
    while at < bytes.len() {
        if bytes[at] == b'\'' {
            if bytes.get(at + 1) == Some(&b'\'') {
                at += 2;
                continue;
            }
            break;
        }
        at += 1;
    }
    if at >= bytes.len() {
        return None;
    }
    let (literal, rest) = text.split_at(at + 1);
    let casts_only = rest.is_empty() || (rest.starts_with("::") && is_type(&rest[2..]));
    casts_only.then_some(literal)
}

/// Whether `cast` looks like a type name (possibly multi-word, with
/// arguments or array brackets), not the start of another expression.
fn is_type(cast: &str) -> bool {
    !cast.contains(['+', '-', '*', '/', '|', '<', '>', '=', '\''])
}

/// Whether `text` is a plain decimal number (`-1`, `4.99`, `1e3`).
pub(crate) fn is_number(text: &str) -> bool {
    !text.is_empty() && text.parse::<f64>().is_ok() && !text.contains(['i', 'I', 'n', 'N'])
}

/// A decimal number without trailing fractional zeros: `1.50` → `1.5`,
/// `0.00` → `0` (MySQL pads defaults to the column's scale).
fn shortest_number(number: &str) -> &str {
    if !number.contains('.') || number.contains(['e', 'E']) {
        return number;
    }
    number.trim_end_matches('0').trim_end_matches('.')
}

/// Strips one pair of parentheses around the whole of `text`, if there is one.
// Only PostgreSQL's introspection, compiled with its feature, uses it.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub(crate) fn strip_outer_parens(text: &str) -> &str {
    let trimmed = text.trim();
    if trimmed.starts_with('(') && matching_paren(trimmed, 0) == Some(trimmed.len() - 1) {
        trimmed[1..trimmed.len() - 1].trim()
    } else {
        trimmed
    }
}

/// The string literals of a list such as `'a','it''s ok'`; `None` when any
/// part is not a literal.
pub(crate) fn literal_list(text: &str) -> Option<Vec<String>> {
    split_top_level(text, ',')
        .iter()
        .map(|part| unquote_literal(part))
        .collect()
}

/// The rules every backend's default normalization ends with: `NULL` is no
/// default; on a boolean column `true`/`1`/`'t'` read as `true` and
/// `false`/`0`/`'f'` as `false`; on a numeric column a quoted number reads as
/// the bare number (`'-1'` → `-1`); anything else is kept as given.
pub(crate) fn canonical_default(ty: &SqlType, text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("null") {
        return None;
    }
    let literal = unquote_literal(text);
    let bare = literal.as_deref().unwrap_or(text);
    if *ty == SqlType::Boolean {
        match bare.to_ascii_lowercase().as_str() {
            "true" | "1" | "t" => return Some("true".into()),
            "false" | "0" | "f" => return Some("false".into()),
            _ => {}
        }
    }
    let numeric = ty.is_integer()
        || matches!(
            ty,
            SqlType::Real | SqlType::Double | SqlType::Numeric { .. }
        );
    if numeric && is_number(bare) {
        return Some(shortest_number(bare).to_owned());
    }
    Some(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_spellings_split_around_arguments() {
        let spelled = TypeSpelling::parse("timestamp(6) WITH  time zone");
        assert_eq!(spelled.name, "timestamp");
        assert_eq!(spelled.arguments, Some(vec!["6".to_owned()]));
        assert_eq!(spelled.suffix, "with time zone");
        let plain = TypeSpelling::parse(" Character  Varying ");
        assert_eq!(plain.name, "character varying");
        assert_eq!(plain.arguments, None);
        assert_eq!(
            TypeSpelling::parse("numeric(10, 2)").numbers(),
            Some(vec![10, 2])
        );
        assert_eq!(
            TypeSpelling::parse("enum('a,b','c''d')").arguments,
            Some(vec!["'a,b'".to_owned(), "'c''d'".to_owned()])
        );
    }

    #[test]
    fn literals_unquote_doubled_quotes() {
        assert_eq!(unquote_literal("'it''s'"), Some("it's".to_owned()));
        assert_eq!(unquote_literal("''"), Some(String::new()));
        assert_eq!(unquote_literal("'a' || 'b'"), None);
        assert_eq!(unquote_literal("now()"), None);
        assert_eq!(quote_literal("it's"), "'it''s'");
        assert_eq!(
            literal_list("'happy','it''s ok'"),
            Some(vec!["happy".to_owned(), "it's ok".to_owned()])
        );
    }

    #[test]
    fn casts_after_a_literal_are_found() {
        assert_eq!(
            literal_before_casts("'abc'::character varying"),
            Some("'abc'")
        );
        assert_eq!(literal_before_casts("'{}'::text[]"), Some("'{}'"));
        assert_eq!(literal_before_casts("'it''s'::text"), Some("'it''s'"));
        assert_eq!(literal_before_casts("'a'"), Some("'a'"));
        assert_eq!(literal_before_casts("'a'::text || 'b'::text"), None);
        assert_eq!(literal_before_casts("now()"), None);
    }

    #[test]
    fn outer_parentheses_are_stripped_once() {
        assert_eq!(strip_outer_parens("((a > 0))"), "(a > 0)");
        assert_eq!(
            strip_outer_parens("(a > 0) AND (b > 0)"),
            "(a > 0) AND (b > 0)"
        );
        assert!(is_number("-1") && is_number("4.99") && !is_number("nan") && !is_number("x"));
        let numeric = SqlType::Numeric {
            precision: Some(10),
            scale: Some(2),
        };
        assert_eq!(canonical_default(&numeric, "1.50").as_deref(), Some("1.5"));
        assert_eq!(canonical_default(&numeric, "0.00").as_deref(), Some("0"));
        assert_eq!(canonical_default(&numeric, "10").as_deref(), Some("10"));
        assert_eq!(
            canonical_default(&SqlType::Text, "'1.50'").as_deref(),
            Some("'1.50'")
        );
    }
}
