//! Which defaults PostgreSQL evaluates once and which for every row: adding
//! a column whose default calls a volatile function rewrites the table.

use crate::backend::lexer::{self, TokenKind};
use crate::backend::BackendKind;

/// Functions a default may call without making every row's value differ
/// (stable or immutable in PostgreSQL): such a default is stored once.
const NON_VOLATILE: &[&str] = &[
    "now",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtimestamp",
    "localtime",
    "transaction_timestamp",
    "statement_timestamp",
    "lower",
    "upper",
    "coalesce",
    "concat",
    "array",
    "jsonb_build_object",
    "json_build_object",
    "to_jsonb",
    "make_interval",
    "interval",
];

/// Whether `name` is a function a default may call and still be stored
/// once (stable or immutable), in any case.
pub(crate) fn is_stable_function(name: &str) -> bool {
    NON_VOLATILE.contains(&name.to_ascii_lowercase().as_str())
}

/// Whether a column default (an SQL expression) gives every row its own
/// value: it calls a function not known to be stable or immutable.
pub(crate) fn is_volatile_default(expression: &str) -> bool {
    let tokens: Vec<lexer::Token> = lexer::tokens(expression, BackendKind::Postgres).collect();
    tokens.windows(2).any(|pair| {
        pair[0].kind == TokenKind::Word
            && pair[1].is_punct(expression, '(')
            && !is_stable_function(pair[0].text(expression))
    })
}

#[cfg(test)]
mod tests {
    use super::is_volatile_default;

    #[test]
    fn a_call_to_an_unknown_function_is_volatile() {
        assert!(is_volatile_default("gen_random_uuid()"));
        assert!(is_volatile_default("(random() * 10)::int"));
        assert!(!is_volatile_default("now()"));
        assert!(!is_volatile_default("LOWER('X')"));
        assert!(!is_volatile_default("'gen_random_uuid()'"));
        assert!(!is_volatile_default("0"));
    }
}
