//! Functions, views and triggers: created from their definitions, dropped
//! by name, in the syntax each database has for them.

use crate::backend::lexer::{tokens, TokenKind};
use crate::backend::Backend;
use crate::diff::overloads::drop_arguments;
use crate::diff::Op;
use crate::render::RenderError;
use crate::schema::{Function, Trigger, View};

/// What a database's DDL says about functions, views and triggers.
pub(crate) struct ObjectSyntax {
    /// How a function's definition is replaced, or `None` when the
    /// database has no functions (SQLite).
    pub(crate) replace_function: Option<ReplaceFunction>,
    /// A statement that lets a function be created before the tables its
    /// body reads (PostgreSQL's `SET LOCAL check_function_bodies = off`).
    pub(crate) before_function: Option<&'static str>,
    /// `CREATE MATERIALIZED VIEW`.
    pub(crate) materialized_views: bool,
    /// `DROP FUNCTION name(integer)`: the database names one of a name's
    /// overloads by its arguments (PostgreSQL).
    pub(crate) drop_names_arguments: bool,
    /// `DROP TRIGGER name ON table` (PostgreSQL), not `DROP TRIGGER name`.
    pub(crate) trigger_drop_names_table: bool,
}

/// See [`ObjectSyntax::replace_function`].
pub(crate) enum ReplaceFunction {
    /// `CREATE OR REPLACE FUNCTION`.
    OrReplace,
    /// `DROP FUNCTION IF EXISTS`, then `CREATE FUNCTION` (MySQL has no
    /// `OR REPLACE` for routines).
    DropAndCreate,
}

/// Appends the statements of an op on a function, view or trigger;
/// `false` (and nothing appended) for any other op.
///
/// # Errors
///
/// The database has no such object (a function on SQLite, a materialized
/// view outside PostgreSQL).
pub(crate) fn render_object_op(
    backend: &dyn Backend,
    syntax: &ObjectSyntax,
    op: &Op,
    out: &mut Vec<String>,
) -> Result<bool, RenderError> {
    let unsupported = |what: String| RenderError::Unsupported {
        backend: backend.kind().display_name(),
        what,
    };
    match op {
        Op::CreateFunction { function } => {
            if syntax.replace_function.is_none() {
                return Err(unsupported(format!("create function {}", function.name)));
            }
            out.extend(syntax.before_function.map(str::to_owned));
            out.push(statement(&function.definition));
        }
        Op::ReplaceFunction { new, .. } => match &syntax.replace_function {
            None => return Err(unsupported(format!("replace function {}", new.name))),
            Some(ReplaceFunction::OrReplace) => {
                out.extend(syntax.before_function.map(str::to_owned));
                out.push(or_replace(&statement(&new.definition)));
            }
            Some(ReplaceFunction::DropAndCreate) => {
                out.push(drop_function(backend, syntax, new, true));
                out.push(statement(&new.definition));
            }
        },
        Op::DropFunction { function } => {
            if syntax.replace_function.is_none() {
                return Err(unsupported(format!("drop function {}", function.name)));
            }
            out.push(drop_function(backend, syntax, function, false));
        }
        Op::CreateView { view } => {
            if view.materialized && !syntax.materialized_views {
                return Err(unsupported(format!(
                    "create materialized view {}",
                    view.name
                )));
            }
            // language=SQL
            out.push(format!(
                "CREATE {}VIEW {} AS {}",
                materialized(view),
                backend.quote_qualified(view.schema.as_deref(), &view.name),
                statement(&view.definition)
            ));
        }
        Op::DropView { view } => {
            // language=SQL
            out.push(format!(
                "DROP {}VIEW {}",
                materialized(view),
                backend.quote_qualified(view.schema.as_deref(), &view.name)
            ));
        }
        Op::CreateTrigger { trigger } => out.push(statement(&trigger.definition)),
        Op::DropTrigger { trigger } => out.push(drop_trigger(backend, syntax, trigger)),
        _ => return Ok(false),
    }
    Ok(true)
}

fn materialized(view: &View) -> &'static str {
    if view.materialized {
        "MATERIALIZED "
    } else {
        ""
    }
}

/// `DROP FUNCTION [IF EXISTS] name` (or `PROCEDURE`, `AGGREGATE`), with
/// its arguments where the database tells overloads apart by them.
fn drop_function(
    backend: &dyn Backend,
    syntax: &ObjectSyntax,
    function: &Function,
    if_exists: bool,
) -> String {
    let kind = if crate::diff::objects::is_aggregate(function) {
        "AGGREGATE"
    } else if function.procedure {
        "PROCEDURE"
    } else {
        "FUNCTION"
    };
    let arguments = if syntax.drop_names_arguments {
        drop_arguments(&function.definition)
    } else {
        String::new()
    };
    // language=SQL
    format!(
        "DROP {kind} {}{}{arguments}",
        if if_exists { "IF EXISTS " } else { "" },
        backend.quote_qualified(function.schema.as_deref(), &function.name)
    )
}

fn drop_trigger(backend: &dyn Backend, syntax: &ObjectSyntax, trigger: &Trigger) -> String {
    if syntax.trigger_drop_names_table {
        // language=SQL
        format!(
            "DROP TRIGGER {} ON {}",
            backend.quote_identifier(&trigger.name),
            backend.quote_qualified(trigger.schema.as_deref(), &trigger.table)
        )
    } else {
        // language=SQL
        format!(
            "DROP TRIGGER {}",
            backend.quote_qualified(trigger.schema.as_deref(), &trigger.name)
        )
    }
}

/// A definition as one statement: without the spacing and semicolons
/// that end it.
fn statement(definition: &str) -> String {
    definition
        .trim_end()
        .trim_end_matches(';')
        .trim_end()
        .to_owned()
}

/// `CREATE FUNCTION ...` as `CREATE OR REPLACE FUNCTION ...`; a definition
/// that already says `OR REPLACE` (as PostgreSQL's `pg_get_functiondef`
/// does) is left as it is.
fn or_replace(definition: &str) -> String {
    let words: Vec<_> = tokens(definition, crate::backend::BackendKind::Postgres)
        .take(2)
        .collect();
    match words.as_slice() {
        [create, next]
            if create.kind == TokenKind::Word
                && create.text(definition).eq_ignore_ascii_case("create")
                && !next.text(definition).eq_ignore_ascii_case("or") =>
        {
            format!(
                "{} OR REPLACE {}",
                &definition[..create.end],
                &definition[next.start..]
            )
        }
        _ => definition.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::or_replace;

    fn dropped(kind: crate::backend::BackendKind, definition: &str) -> Vec<String> {
        let function = crate::schema::Function::new("f", definition);
        crate::render::render_op(&crate::diff::Op::DropFunction { function }, kind.backend())
            .unwrap()
    }

    #[test]
    fn postgres_drops_one_overload_by_its_arguments() {
        use crate::backend::BackendKind::{Mysql, Postgres};
        assert_eq!(
            dropped(
                Postgres,
                "CREATE AGGREGATE public.f(text) (SFUNC = _group_concat, STYPE = text)"
            ),
            [r#"DROP AGGREGATE "f"(text)"#]
        );
        assert_eq!(
            dropped(
                Postgres,
                "CREATE FUNCTION f(i integer, s text DEFAULT 'a') RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql"
            ),
            [r#"DROP FUNCTION "f"(i integer, s text)"#]
        );
        assert_eq!(
            dropped(Mysql, "CREATE FUNCTION f(i INT) RETURNS INT RETURN i"),
            ["DROP FUNCTION `f`"]
        );
    }

    #[test]
    fn or_replace_is_added_once() {
        assert_eq!(
            or_replace("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$"),
            "CREATE OR REPLACE FUNCTION f() RETURNS int AS $$ SELECT 1 $$"
        );
        assert_eq!(
            or_replace("CREATE OR REPLACE FUNCTION f()"),
            "CREATE OR REPLACE FUNCTION f()"
        );
    }
}
