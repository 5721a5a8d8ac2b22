//! Declared definitions in the database's own spelling.
//!
//! A database gives a function, view or trigger back in its own words:
//! PostgreSQL rewrites a view's query (`SELECT id FROM users` comes back as
//! `SELECT users.id FROM users;`) and a function's header, MySQL qualifies
//! every name of a view and widens `INT` to `int(11)`. Compared as written,
//! a declared object the database already holds would look changed on
//! every run. So before comparing, each declared object whose definition
//! differs from the database's is created as declared and read back:
//!
//! - **PostgreSQL**: in a transaction that is rolled back (its DDL is
//!   transactional), each object replaced in a savepoint of its own, so a
//!   declared definition the database refuses is kept as written, and the
//!   diff replaces it;
//! - **MySQL/MariaDB**: DDL commits, so functions, procedures and views
//!   are created under a scratch name (`retort_probe_N`), read back and
//!   dropped; triggers, which the server keeps as written, are compared
//!   as written;
//! - **SQLite** keeps every definition as written: nothing to do.

use super::Result;
use crate::backend::lexer::{tokens, TokenKind};
use crate::backend::{BackendKind, DatabaseConnection};
use crate::diff::objects::{pair, DeclaredObject};
use crate::diff::Op;
use crate::render::render_op;
use crate::schema::{Function, Schema, Trigger, View};

/// The name a probe of the `n`th object is created under on MySQL.
fn probe_name(n: usize) -> String {
    format!("retort_probe_{n}")
}

/// The declared objects of `target` that `database` holds under another
/// definition.
struct Differing {
    functions: Vec<usize>,
    views: Vec<usize>,
    triggers: Vec<usize>,
}

impl Differing {
    fn of(database: &Schema, target: &Schema) -> Differing {
        fn differing<T: DeclaredObject>(database: &[T], target: &[T]) -> Vec<usize> {
            pair(database, target)
                .0
                .into_iter()
                .enumerate()
                .filter(|(_, (old, new))| old.is_some_and(|old| !old.same_as(new)))
                .map(|(at, _)| at)
                .collect()
        }
        Differing {
            functions: differing(&database.functions, &target.functions),
            views: differing(&database.views, &target.views),
            triggers: differing(&database.triggers, &target.triggers),
        }
    }

    fn is_empty(&self) -> bool {
        self.functions.is_empty() && self.views.is_empty() && self.triggers.is_empty()
    }
}

/// Puts the definitions of `target`'s functions, views and triggers that
/// `database` (read from `conn`) holds under other words in the database's
/// own words; see the [module documentation](self).
///
/// # Errors
///
/// Reading the database back failed.
pub(super) fn adopt_database_definitions<C: DatabaseConnection>(
    conn: &mut C,
    database: &Schema,
    target: &mut Schema,
) -> Result<()> {
    let differing = Differing::of(database, target);
    if differing.is_empty() {
        return Ok(());
    }
    match C::BACKEND {
        BackendKind::Postgres => in_rolled_back_transaction(conn, database, target, &differing),
        BackendKind::Mysql => under_probe_names(conn, target, &differing),
        BackendKind::Sqlite => Ok(()),
    }
}

/// PostgreSQL: each object replaced in its own savepoint, all read back,
/// everything rolled back.
fn in_rolled_back_transaction<C: DatabaseConnection>(
    conn: &mut C,
    database: &Schema,
    target: &mut Schema,
    differing: &Differing,
) -> Result<()> {
    let backend = C::BACKEND.backend();
    let mut probes: Vec<Vec<String>> = Vec::new();
    let (partners, _) = pair(&database.functions, &target.functions);
    for &at in &differing.functions {
        let (Some(old), new) = partners[at] else {
            continue;
        };
        probes.push(render_op(
            &Op::ReplaceFunction {
                old: old.clone(),
                new: new.clone(),
            },
            backend,
        )?);
    }
    for &at in &differing.views {
        let view = &target.views[at];
        let mut statements = render_op(&Op::DropView { view: view.clone() }, backend)?;
        for statement in &mut statements {
            statement.push_str(" CASCADE");
        }
        statements.extend(render_op(&Op::CreateView { view: view.clone() }, backend)?);
        probes.push(statements);
    }
    for &at in &differing.triggers {
        let trigger = &target.triggers[at];
        let mut statements = render_op(
            &Op::DropTrigger {
                trigger: trigger.clone(),
            },
            backend,
        )?;
        statements.extend(render_op(
            &Op::CreateTrigger {
                trigger: trigger.clone(),
            },
            backend,
        )?);
        probes.push(statements);
    }
    let mut read: Option<Schema> = None;
    let outcome = conn.transaction::<(), diesel::result::Error, _>(|conn| {
        for statements in &probes {
            // A definition the database refuses stays as written: the
            // savepoint rolls its probe back, and the others go on.
            let _refused = conn.transaction::<(), diesel::result::Error, _>(|conn| {
                statements
                    .iter()
                    .try_for_each(|statement| conn.batch_execute(statement))
            });
        }
        read = Some(
            super::read_namespaces_of(conn, target, &crate::introspect::IntrospectOptions::new())
                .map_err(|_| {
                diesel::result::Error::QueryBuilderError("reading the probes back failed".into())
            })?,
        );
        Err(diesel::result::Error::RollbackTransaction)
    });
    match (outcome, read) {
        (Err(diesel::result::Error::RollbackTransaction), Some(read)) => {
            adopt(target, database, &read, differing);
            Ok(())
        }
        // The probes could not be read back: compare as written.
        _ => Ok(()),
    }
}

/// MySQL: functions and views created under scratch names, read back and
/// dropped.
fn under_probe_names<C: DatabaseConnection>(
    conn: &mut C,
    target: &mut Schema,
    differing: &Differing,
) -> Result<()> {
    let backend = C::BACKEND.backend();
    let mut drops: Vec<String> = Vec::new();
    let mut probe = Schema::default();
    for (n, &at) in differing.functions.iter().enumerate() {
        let function = &target.functions[at];
        let Some(definition) = renamed(&function.definition, &probe_name(n)) else {
            continue;
        };
        probe.functions.push(Function {
            name: probe_name(n),
            definition,
            ..function.clone()
        });
    }
    for (n, &at) in differing.views.iter().enumerate() {
        probe.views.push(View {
            name: probe_name(n),
            ..target.views[at].clone()
        });
    }
    let mut created = Vec::new();
    for op in probe
        .functions
        .iter()
        .map(|function| Op::CreateFunction {
            function: function.clone(),
        })
        .chain(
            probe
                .views
                .iter()
                .map(|view| Op::CreateView { view: view.clone() }),
        )
    {
        let statements = render_op(&op, backend)?;
        if statements
            .iter()
            .all(|statement| conn.batch_execute(statement).is_ok())
        {
            drops.extend(render_op(&op.reverse(), backend)?);
            created.push(op);
        }
    }
    let read =
        super::read_namespaces_of(conn, target, &crate::introspect::IntrospectOptions::new());
    for statement in &drops {
        // A probe that cannot be dropped is left for the next run to
        // report: it is named for what it is.
        let _left = conn.batch_execute(statement);
    }
    let read = read?;
    let probed = |kind_functions: bool, at: usize| -> Option<usize> {
        let list = if kind_functions {
            &differing.functions
        } else {
            &differing.views
        };
        list.iter().position(|&wanted| wanted == at)
    };
    for (at, function) in target.functions.iter_mut().enumerate() {
        let Some(n) = probed(true, at) else { continue };
        let name = probe_name(n);
        if let Some(back) = read.functions.iter().find(|back| back.name == name) {
            let quoted = |name: &str| backend.quote_identifier(name);
            function.definition =
                back.definition
                    .replacen(&quoted(&name), &quoted(&function.name), 1);
        }
    }
    for (at, view) in target.views.iter_mut().enumerate() {
        let Some(n) = probed(false, at) else { continue };
        if let Some(back) = read.views.iter().find(|back| back.name == probe_name(n)) {
            view.definition.clone_from(&back.definition);
        }
    }
    Ok(())
}

/// Takes the definitions `read` back for the objects of `differing`. A
/// function declared with other arguments is read back beside the old one
/// (`CREATE OR REPLACE` made an overload): the one that is not in
/// `database` is the declared one.
fn adopt(target: &mut Schema, database: &Schema, read: &Schema, differing: &Differing) {
    for &at in &differing.functions {
        let function = &mut target.functions[at];
        let same_name = || {
            read.functions
                .iter()
                .filter(|back| back.key() == function.key())
        };
        let back = same_name()
            .find(|back| back.signature() == function.signature())
            .or_else(|| same_name().find(|back| !database.functions.contains(back)))
            .or_else(|| same_name().next());
        if let Some(back) = back {
            function.definition.clone_from(&back.definition);
        }
    }
    for &at in &differing.views {
        let view = &mut target.views[at];
        if let Some(back) = read.views.iter().find(|back| back.key() == view.key()) {
            view.definition.clone_from(&back.definition);
        }
    }
    for &at in &differing.triggers {
        let trigger: &mut Trigger = &mut target.triggers[at];
        if let Some(back) = read
            .triggers
            .iter()
            .find(|back| back.key() == trigger.key())
        {
            trigger.definition.clone_from(&back.definition);
        }
    }
}

/// `definition` (a `CREATE FUNCTION` or `CREATE PROCEDURE`) with the
/// routine's name replaced by `name`; `None` when it names no routine.
fn renamed(definition: &str, name: &str) -> Option<String> {
    let mut words = tokens(definition, BackendKind::Mysql);
    words.find(|token| {
        token.kind == TokenKind::Word
            && matches!(
                token.text(definition).to_ascii_uppercase().as_str(),
                "FUNCTION" | "PROCEDURE"
            )
    })?;
    let mut target = words.next()?;
    // `db`.`name`: the name is after the dot.
    let mut rest = words.clone();
    if rest
        .next()
        .is_some_and(|token| token.is_punct(definition, '.'))
    {
        target = rest.next()?;
    }
    Some(format!(
        "{}`{name}`{}",
        &definition[..target.start],
        &definition[target.end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::renamed;

    #[test]
    fn a_routine_is_renamed_in_its_definition() {
        assert_eq!(
            renamed("CREATE FUNCTION `shop`.f(a INT) RETURNS INT RETURN a", "p").as_deref(),
            Some("CREATE FUNCTION `shop`.`p`(a INT) RETURNS INT RETURN a")
        );
        assert_eq!(
            renamed("CREATE DEFINER=x PROCEDURE p2() SELECT 1", "p").as_deref(),
            Some("CREATE DEFINER=x PROCEDURE `p`() SELECT 1")
        );
    }
}
