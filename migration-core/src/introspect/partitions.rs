//! PostgreSQL's partition keys and bounds, as its catalog prints them, read
//! into the model: pure functions, no I/O.
//!
//! - `pg_get_partkeydef`: `RANGE (payment_date)`, `LIST (lower(region))`,
//!   `HASH (id, "Tenant")`. A part that is a column's name (quoted or not)
//!   is a column; anything else is an expression, kept as printed.
//! - `pg_get_expr(relpartbound, oid)`: `FOR VALUES FROM ('a') TO ('b')`,
//!   `FOR VALUES IN (1, 2)`, `FOR VALUES WITH (modulus 4, remainder 0)`,
//!   `DEFAULT`. Values stay as printed (`'2022-01-01 00:00:00+00'`,
//!   `MINVALUE`), but for numbers, which PostgreSQL prints quoted (`'100'`)
//!   and read bare (`100`), as a model writes them.

use crate::backend::lexer::unquote_name;
use crate::backend::spelling::{is_number, matching_paren, split_top_level, unquote_literal};
use crate::schema::{IndexPart, PartitionBound, PartitionKey, PartitionMethod};

/// The key `pg_get_partkeydef` prints; `None` when it is not one
/// (`columns` are the table's, to tell a column from an expression).
pub(crate) fn parse_partition_key(text: &str, columns: &[&str]) -> Option<PartitionKey> {
    let text = text.trim();
    let open = text.find('(')?;
    let method = match text[..open].trim().to_ascii_uppercase().as_str() {
        "RANGE" => PartitionMethod::Range,
        "LIST" => PartitionMethod::List,
        "HASH" => PartitionMethod::Hash,
        _ => return None,
    };
    let close = matching_paren(text, open)?;
    let parts = split_top_level(&text[open + 1..close], ',')
        .into_iter()
        .map(|part| {
            let name = unquote_name(&part);
            if columns.contains(&name.as_str()) && is_a_name(&part) {
                IndexPart::Column(name)
            } else {
                IndexPart::Expression(part)
            }
        })
        .collect();
    Some(PartitionKey { method, parts })
}

/// Whether `part` is one name, quoted or not (not an expression).
fn is_a_name(part: &str) -> bool {
    (part.starts_with('"') && part.ends_with('"') && part.len() >= 2)
        || part
            .chars()
            .all(|ch| ch.is_alphanumeric() || ch == '_' || ch == '$')
}

/// The bound `pg_get_expr(relpartbound, oid)` prints; `None` when it is
/// not one.
pub(crate) fn parse_partition_bound(text: &str) -> Option<PartitionBound> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("DEFAULT") {
        return Some(PartitionBound::Default);
    }
    let rest = strip_keyword(text, "FOR")?;
    let rest = strip_keyword(rest, "VALUES")?;
    if let Some(rest) = strip_keyword(rest, "FROM") {
        let (from, rest) = parenthesized(rest)?;
        let rest = strip_keyword(rest, "TO")?;
        let (to, rest) = parenthesized(rest)?;
        return rest.is_empty().then(|| PartitionBound::Range {
            from: values(from),
            to: values(to),
        });
    }
    if let Some(rest) = strip_keyword(rest, "IN") {
        let (values, rest) = parenthesized(rest)?;
        return rest.is_empty().then(|| PartitionBound::List {
            values: self::values(values),
        });
    }
    let rest = strip_keyword(rest, "WITH")?;
    let (options, rest) = parenthesized(rest)?;
    if !rest.is_empty() {
        return None;
    }
    let (mut modulus, mut remainder) = (None, None);
    for option in split_top_level(options, ',') {
        let mut words = option.split_whitespace();
        let (name, value) = (words.next()?, words.next()?.parse::<u32>().ok()?);
        match name.to_ascii_lowercase().as_str() {
            "modulus" => modulus = Some(value),
            "remainder" => remainder = Some(value),
            _ => return None,
        }
    }
    Some(PartitionBound::Hash {
        modulus: modulus?,
        remainder: remainder?,
    })
}

/// The values of a bound's list, numbers bare.
fn values(list: &str) -> Vec<String> {
    split_top_level(list, ',')
        .into_iter()
        .map(|value| match unquote_literal(&value) {
            Some(inner) if is_number(&inner) => inner,
            _ => value,
        })
        .collect()
}

/// `text` after the keyword `word` (any case) and the spaces after it.
fn strip_keyword<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let head = text.get(..word.len())?;
    let rest = &text[word.len()..];
    let ends = rest.is_empty() || rest.starts_with([' ', '(']);
    (head.eq_ignore_ascii_case(word) && ends).then(|| rest.trim_start())
}

/// The inside of the parentheses `text` starts with, and what follows them.
fn parenthesized(text: &str) -> Option<(&str, &str)> {
    if !text.starts_with('(') {
        return None;
    }
    let close = matching_paren(text, 0)?;
    Some((&text[1..close], text[close + 1..].trim_start()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_columns_and_keep_expressions() {
        let key = parse_partition_key(
            r#"RANGE (payment_date, "Tenant", lower(region))"#,
            &["payment_date", "Tenant", "region"],
        )
        .unwrap();
        assert_eq!(key.method, PartitionMethod::Range);
        assert_eq!(
            key.parts,
            [
                IndexPart::Column("payment_date".into()),
                IndexPart::Column("Tenant".into()),
                IndexPart::Expression("lower(region)".into()),
            ]
        );
        assert_eq!(
            parse_partition_key("HASH (id)", &["id"]),
            Some(PartitionKey::hash(["id"]))
        );
        assert_eq!(parse_partition_key("SPLIT (id)", &["id"]), None);
    }

    #[test]
    fn bounds_read_as_printed() {
        assert_eq!(
            parse_partition_bound(
                "FOR VALUES FROM ('2022-01-01 00:00:00+00') TO ('2022-02-01 00:00:00+00')"
            ),
            Some(PartitionBound::range(
                ["'2022-01-01 00:00:00+00'"],
                ["'2022-02-01 00:00:00+00'"]
            ))
        );
        assert_eq!(
            parse_partition_bound("FOR VALUES FROM (MINVALUE, '1') TO ('-10', MAXVALUE)"),
            Some(PartitionBound::range(
                ["MINVALUE", "1"],
                ["-10", "MAXVALUE"]
            ))
        );
        assert_eq!(
            parse_partition_bound("FOR VALUES FROM (MINVALUE, 1) TO (10, MAXVALUE)"),
            Some(PartitionBound::range(["MINVALUE", "1"], ["10", "MAXVALUE"]))
        );
        assert_eq!(
            parse_partition_bound("FOR VALUES IN ('a, b', 'c')"),
            Some(PartitionBound::list(["'a, b'", "'c'"]))
        );
        assert_eq!(
            parse_partition_bound("FOR VALUES WITH (modulus 4, remainder 3)"),
            Some(PartitionBound::Hash {
                modulus: 4,
                remainder: 3
            })
        );
        assert_eq!(
            parse_partition_bound("DEFAULT"),
            Some(PartitionBound::Default)
        );
        assert_eq!(parse_partition_bound("FOR VALUES SOMEHOW"), None);
        // What is read is written back the same way.
        for text in [
            "FOR VALUES FROM ('a') TO ('b')",
            "FOR VALUES IN (1, 2)",
            "FOR VALUES WITH (modulus 4, remainder 0)",
            "DEFAULT",
        ] {
            assert_eq!(parse_partition_bound(text).unwrap().to_string(), text);
        }
    }
}
