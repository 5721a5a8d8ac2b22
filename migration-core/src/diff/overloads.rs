//! Routine signatures: the argument types that tell PostgreSQL's overloads
//! apart.
//!
//! PostgreSQL names a function by its name and the types of its input
//! arguments: `area(circle)` and `area(box)` are two functions. A diff that
//! paired functions by name alone would pair a declared `area(circle)`
//! with the database's `area(box)` and replace the one with the other. So
//! functions pair by name and [`signature`] first; by name alone only when
//! that pairing is the only one there is (a function whose arguments
//! changed, and MySQL, which has no overloads).
//!
//! The signature is read from the definition, as PostgreSQL reads it:
//! argument names, defaults, `OUT` arguments of a function and type
//! modifiers (`varchar(20)` is `varchar`) do not count, and each type is
//! read as the type it names (`int`, `int4` and `integer` are one type).

use crate::backend::lexer::{tokens, Token, TokenKind};
use crate::backend::postgres::normalize::parse_type;
use crate::backend::BackendKind;
use crate::schema::{Function, SqlType};

/// The input argument types of `function`, each in one spelling, joined
/// by commas; empty for a routine without arguments or a definition that
/// names none.
pub(crate) fn signature(function: &Function) -> String {
    let Some(list) = argument_list(&function.definition) else {
        return String::new();
    };
    arguments(list)
        .filter_map(|argument| input_type(argument, function.procedure))
        .collect::<Vec<_>>()
        .join(",")
}

/// The argument list of a `CREATE FUNCTION`, `CREATE PROCEDURE` or
/// `CREATE AGGREGATE` statement, parentheses included: what follows the
/// routine's name, which `DROP FUNCTION` takes to name one overload.
pub(crate) fn argument_list(definition: &str) -> Option<&str> {
    let mut words = tokens(definition, BackendKind::Postgres);
    words.find(|token| {
        token.kind == TokenKind::Word
            && ["function", "procedure", "aggregate"]
                .iter()
                .any(|kind| token.text(definition).eq_ignore_ascii_case(kind))
    })?;
    let open = words.find(|token| token.is_punct(definition, '('))?;
    let mut depth = 1usize;
    for token in words {
        if token.is_punct(definition, '(') {
            depth += 1;
        } else if token.is_punct(definition, ')') {
            depth -= 1;
            if depth == 0 {
                return definition.get(open.start..token.end);
            }
        }
    }
    None
}

/// [`argument_list`] without the defaults, as `DROP FUNCTION` takes it:
/// `(a integer, b text DEFAULT 'x')` is `(a integer, b text)`.
pub(crate) fn drop_arguments(definition: &str) -> String {
    let Some(list) = argument_list(definition) else {
        return String::new();
    };
    let kept: Vec<&str> = arguments(list).map(without_default).collect();
    format!("({})", kept.join(", "))
}

/// The arguments of a parenthesized list, each trimmed, split at the
/// commas outside parentheses and quotes.
fn arguments(list: &str) -> impl Iterator<Item = &str> {
    let inner = list
        .strip_prefix('(')
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or(list);
    let mut pieces = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for token in tokens(inner, BackendKind::Postgres) {
        if token.is_punct(inner, '(') {
            depth += 1;
        } else if token.is_punct(inner, ')') {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && token.is_punct(inner, ',') {
            pieces.push(&inner[start..token.start]);
            start = token.end;
        }
    }
    pieces.push(&inner[start..]);
    pieces
        .into_iter()
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
}

/// An argument without its `DEFAULT expr` or `= expr`.
fn without_default(argument: &str) -> &str {
    let cut = words(argument).find(|token| {
        token.is_punct(argument, '=')
            || (token.kind == TokenKind::Word
                && token.text(argument).eq_ignore_ascii_case("default"))
    });
    match cut {
        Some(token) => argument[..token.start].trim_end(),
        None => argument,
    }
}

fn words(sql: &str) -> impl Iterator<Item = Token> + '_ {
    tokens(sql, BackendKind::Postgres)
}

/// The type an argument passes in, in one spelling; `None` for an `OUT`
/// argument of a function, which is a result.
fn input_type(argument: &str, procedure: bool) -> Option<String> {
    let argument = without_default(argument);
    let mut rest = argument;
    if let Some(first) = words(argument).next() {
        let mode = first.text(argument).to_ascii_lowercase();
        if matches!(mode.as_str(), "in" | "out" | "inout" | "variadic") {
            if mode == "out" && !procedure {
                return None;
            }
            rest = argument[first.end..].trim_start();
        }
    }
    let unmodified = without_modifiers(rest);
    let ty = match parse_type(&unmodified) {
        SqlType::Custom(_) => {
            // `name type`: the first word names the argument.
            let named = words(&unmodified)
                .next()
                .map(|name| unmodified[name.end..].trim())
                .filter(|ty| !ty.is_empty())
                .unwrap_or(&unmodified);
            parse_type(named)
        }
        ty => ty,
    };
    Some(match ty {
        SqlType::Custom(name) => name.to_lowercase(),
        ty => format!("{ty:?}"),
    })
}

/// A type without its modifiers, which do not tell overloads apart:
/// `numeric(10, 2)` is `numeric`, `timestamp(3) with time zone` is
/// `timestamp with time zone`. Array brackets stay.
fn without_modifiers(spelled: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for token in words(spelled) {
        if token.is_punct(spelled, '(') {
            depth += 1;
        } else if token.is_punct(spelled, ')') {
            depth = depth.saturating_sub(1);
        } else if depth == 0 {
            if !out.is_empty() && token.kind != TokenKind::Punct {
                out.push(' ');
            }
            out.push_str(token.text(spelled));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{drop_arguments, signature};
    use crate::schema::Function;

    fn of(definition: &str) -> String {
        signature(&Function::new("f", definition))
    }

    #[test]
    fn names_defaults_and_modifiers_do_not_count() {
        assert_eq!(
            of("CREATE FUNCTION f(i int, s varchar(20) DEFAULT 'x') RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql"),
            of("CREATE OR REPLACE FUNCTION public.f(integer, character varying)\n RETURNS integer AS $$ SELECT 1 $$ LANGUAGE sql"),
        );
        assert_eq!(
            of("CREATE FUNCTION f(d double precision, t timestamp(3) with time zone) RETURNS int"),
            of("CREATE FUNCTION f(float8, timestamptz) RETURNS int"),
        );
    }

    #[test]
    fn overloads_differ() {
        assert_ne!(
            of("CREATE FUNCTION f(i integer) RETURNS int"),
            of("CREATE FUNCTION f(i text) RETURNS int")
        );
        assert_ne!(
            of("CREATE FUNCTION f(i integer) RETURNS int"),
            of("CREATE FUNCTION f(i integer[]) RETURNS int")
        );
        assert_ne!(
            of("CREATE FUNCTION f(p point) RETURNS int"),
            of("CREATE FUNCTION f(b box) RETURNS int")
        );
        assert_eq!(of("CREATE FUNCTION f() RETURNS int"), "");
    }

    #[test]
    fn out_arguments_are_results() {
        assert_eq!(
            of("CREATE FUNCTION f(IN a integer, OUT b text) AS $$ SELECT 'x' $$ LANGUAGE sql"),
            of("CREATE FUNCTION f(a integer) RETURNS text")
        );
    }

    #[test]
    fn a_drop_names_the_arguments_without_defaults() {
        assert_eq!(
            drop_arguments(
                "CREATE FUNCTION public.f(a integer, b text DEFAULT 'x,y'::text) RETURNS int"
            ),
            "(a integer, b text)"
        );
        assert_eq!(
            drop_arguments(
                "CREATE AGGREGATE public.group_concat(text) (SFUNC = _group_concat, STYPE = text)"
            ),
            "(text)"
        );
        assert_eq!(drop_arguments("CREATE FUNCTION f() RETURNS int"), "()");
    }
}
