//! Objects a schema holds beside its tables, each declared by its SQL:
//! functions and procedures, views, triggers.
//!
//! Their definitions are the database's own language, so they are kept as
//! text: a model declares the text it wants, introspection reads the text
//! the database gives back (`pg_get_functiondef`, `pg_get_viewdef`,
//! `pg_get_triggerdef`, MySQL's `information_schema`, SQLite's
//! `sqlite_master`). A diff compares two texts up to spacing,
//! letter case outside quotes and a trailing semicolon
//! ([`same_definition`](crate::diff::same_definition)); autogenerate puts
//! a declared definition in the database's own form first, so that an
//! unchanged object is never reported as changed.

use serde::{Deserialize, Serialize};

/// A function or a procedure, declared by its whole `CREATE` statement.
///
/// ```
/// use retort_core::schema::Function;
///
/// let function = Function::new(
///     "add_one",
///     "CREATE FUNCTION add_one(i integer) RETURNS integer LANGUAGE sql AS $$ SELECT i + 1 $$",
/// );
/// assert!(!function.procedure);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Function {
    /// The namespace (PostgreSQL schema, MySQL database), if not the default.
    #[serde(default)]
    pub schema: Option<String>,
    /// The function's name, without its arguments.
    pub name: String,
    /// Whether it is a procedure (`CREATE PROCEDURE`), dropped as one.
    #[serde(default)]
    pub procedure: bool,
    /// The whole `CREATE FUNCTION` (or `CREATE PROCEDURE`) statement.
    pub definition: String,
}

impl Function {
    /// A function of the default namespace.
    pub fn new(name: impl Into<String>, definition: impl Into<String>) -> Self {
        Function {
            schema: None,
            name: name.into(),
            procedure: false,
            definition: definition.into(),
        }
    }

    /// A procedure of the default namespace.
    pub fn procedure(name: impl Into<String>, definition: impl Into<String>) -> Self {
        Function {
            procedure: true,
            ..Function::new(name, definition)
        }
    }
}

/// A view, declared by its query.
///
/// ```
/// use retort_core::schema::View;
///
/// let view = View::new("active_users", "SELECT id, email FROM users WHERE active");
/// assert!(!view.materialized);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    /// The namespace, if not the default.
    #[serde(default)]
    pub schema: Option<String>,
    /// The view's name.
    pub name: String,
    /// Whether it is a PostgreSQL materialized view.
    #[serde(default)]
    pub materialized: bool,
    /// The query (`SELECT ...`), without `CREATE VIEW ... AS`.
    pub definition: String,
}

impl View {
    /// A view of the default namespace.
    pub fn new(name: impl Into<String>, query: impl Into<String>) -> Self {
        View {
            schema: None,
            name: name.into(),
            materialized: false,
            definition: query.into(),
        }
    }

    /// A PostgreSQL materialized view of the default namespace.
    pub fn materialized(name: impl Into<String>, query: impl Into<String>) -> Self {
        View {
            materialized: true,
            ..View::new(name, query)
        }
    }
}

/// A trigger on a table, declared by its whole `CREATE TRIGGER` statement.
///
/// ```
/// use retort_core::schema::Trigger;
///
/// let trigger = Trigger::new(
///     "touch_users",
///     "users",
///     "CREATE TRIGGER touch_users BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch()",
/// );
/// assert_eq!(trigger.table, "users");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    /// The namespace of its table, if not the default.
    #[serde(default)]
    pub schema: Option<String>,
    /// The table it fires on.
    pub table: String,
    /// The trigger's name.
    pub name: String,
    /// The whole `CREATE TRIGGER` statement.
    pub definition: String,
}

impl Trigger {
    /// A trigger on a table of the default namespace.
    pub fn new(
        name: impl Into<String>,
        table: impl Into<String>,
        definition: impl Into<String>,
    ) -> Self {
        Trigger {
            schema: None,
            table: table.into(),
            name: name.into(),
            definition: definition.into(),
        }
    }
}

/// What a diff does with an object (function, view, trigger, ...) that the
/// database holds and the models do not declare.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum UndeclaredObjects {
    /// It is reported (a [`WarningKind::Unmanaged`] warning) and left
    /// alone: the database may hold objects made by hand, by an extension
    /// or by another application.
    ///
    /// [`WarningKind::Unmanaged`]: crate::diff::WarningKind::Unmanaged
    #[default]
    Report,
    /// It is dropped: the models declare every such object.
    Drop,
}
