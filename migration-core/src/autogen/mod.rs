//! Autogenerate: read the database, diff it against the models, and write
//! the difference as one reviewable revision file.
//!
//! ```no_run
//! # #[cfg(feature = "sqlite")]
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use diesel::Connection;
//! use retort_core::schema::{Column, Schema, SqlType, Table};
//!
//! let models = Schema::new(vec![Table::new("users")
//!     .column(Column::new("id", SqlType::BigInt).identity())
//!     .column(Column::new("email", SqlType::Varchar(255)))]);
//! let mut conn = diesel::SqliteConnection::establish("app.db")?;
//! match retort_core::autogenerate(&mut conn, &models, "migrations", "create users")? {
//!     Some(path) => println!("review {}", path.display()),
//!     None => println!("the database already matches the models"),
//! }
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "sqlite"))]
//! # fn main() {}
//! ```
//!
//! # What it writes
//!
//! One file in the migrations directory, in the revision format: its parent
//! is the directory's head, its up section the diff from the database to
//! the models rendered for the connection's database, its down section the
//! reversed diff, and one `-- retort:warning` line for each destructive op
//! and each drop-and-add that looks like a rename (with the
//! `renamed_from` hint that would make it one). When the database cannot
//! express the reverse of a change, the file has no down section and a
//! warning says why.
//!
//! A `NOT NULL` column without a default added to a table that exists
//! cannot be filled by the database: when its model gives the expression
//! that fills it (`#[model(backfill = "username || '@example.com'")]`,
//! [`Column::backfill`](crate::schema::Column::backfill)), the file adds it
//! nullable, fills the rows in batches of 1000 keys (`-- retort:backfill`
//! on the table's single integer primary key; one `UPDATE`, with a comment
//! saying why, when it has none), then makes it `NOT NULL`: on PostgreSQL
//! through a `CHECK (col IS NOT NULL) NOT VALID` that is validated, so no
//! exclusive lock is held while the rows are scanned; a `MODIFY` on
//! MySQL/MariaDB; a table rebuild on SQLite. The runner gives such a
//! revision a short transaction per statement and per batch. Without
//! `backfill`, the diff warns and the lint flags the column
//! (`not-null-column-without-default`).
//!
//! # What it compares
//!
//! The models are first put in the form the database reports them once
//! created ([`Backend::stored_form`](crate::Backend::stored_form)): names
//! MySQL does not keep, comments SQLite cannot store, defaults and types in
//! the database's spelling. Check expressions and index predicates that
//! the database rewrote (`` `age` >= 18 `` for `age >= 18`) take the
//! database's text when they differ only in quoting, parentheses, white
//! space, letter case and `::type` casts. So models that have not changed
//! give no revision, on every backend.
//!
//! # When it refuses
//!
//! Like Alembic, only when the database is at the directory's head: a
//! revision written against an older database would repeat what the
//! pending revisions do. With several heads it asks for a merge first.

mod definitions;
mod error;
mod expand;
mod spelling;

use std::path::{Path, PathBuf};

pub use error::AutogenerateError;

use crate::backend::DatabaseConnection;
use crate::diff::{diff, Diff};
use crate::introspect::{introspect_with, IntrospectOptions};
use crate::render::render;
use crate::revision::{BackendSql, Migrations, NewRevision};
use crate::runner::Migrator;
use crate::schema::Schema;

/// `Result` with [`AutogenerateError`].
pub type Result<T, E = AutogenerateError> = std::result::Result<T, E>;

/// How [`autogenerate_with`] writes its revision.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AutogenerateOptions {
    online: bool,
    backends: Vec<crate::BackendKind>,
    revision_id: Option<String>,
    branch_labels: Vec<String>,
    depends_on: Vec<String>,
    include: Vec<String>,
    exclude: Vec<String>,
    exclude_kinds: Vec<crate::introspect::ObjectKind>,
}

impl AutogenerateOptions {
    /// The defaults: one transactional revision.
    pub fn new() -> AutogenerateOptions {
        AutogenerateOptions::default()
    }

    /// Writes the change as an online migration
    /// ([`render_online`](crate::render::render_online)): one revision file
    /// per step, each the parent of the next, the steps that build or drop
    /// indexes concurrently marked `-- retort:transaction off`. On
    /// MySQL/MariaDB one file whose `ALTER TABLE`s ask for `ALGORITHM=INSTANT`
    /// or `INPLACE, LOCK=NONE`; on SQLite the same file as without it.
    ///
    /// # Why it is not the default on PostgreSQL
    ///
    /// Off by default, on every database, because what it buys matters only
    /// on tables big and busy enough for a scan or an index build to be
    /// felt, and what it costs applies to every migration:
    ///
    /// - a change becomes several revisions, and the steps outside a
    ///   transaction lose the all-or-nothing guarantee: a failure part-way
    ///   leaves the revision recorded as failed, to repair and `stamp` by
    ///   hand, where a transactional revision simply rolls back;
    /// - those steps take the session-level advisory lock, which does not
    ///   work behind PgBouncer's transaction pooling, a common setup;
    /// - the part of the stall an ordinary migration can cause by waiting
    ///   is already bounded without it: the runner's
    ///   [`revision_lock_timeout`](crate::Migrator::revision_lock_timeout)
    ///   gives up after 5 s and retries, so the application never queues
    ///   behind a migration stuck behind a long transaction.
    ///
    /// Turn it on for changes to large tables, and run the lint
    /// ([`lint`](crate::lint::lint), `check --online`) on every revision:
    /// it names each statement that would hold a blocking lock for the
    /// length of a scan or a build.
    pub fn online(mut self, online: bool) -> AutogenerateOptions {
        self.online = online;
        self
    }

    /// Also writes the change for these databases, each in sections of its
    /// own (`-- retort:up sqlite`), after the connected database's: for an
    /// application that runs on PostgreSQL in production and on SQLite in
    /// its tests, or that ships to customers on either. The connected
    /// database is always written, whether listed or not.
    ///
    /// The other databases' SQL is the same change in their spelling: the
    /// connected database's diff is carried back onto the models to give
    /// them as they were, and each other database diffs that against the
    /// models as it stores them. What the connected database does not store
    /// it cannot see change, so autogenerate on the one that stores the
    /// most: a comment changed is missed when SQLite is connected. Review
    /// every section. Not with [`online`](Self::online).
    pub fn backends(
        mut self,
        backends: impl IntoIterator<Item = crate::BackendKind>,
    ) -> AutogenerateOptions {
        self.backends = backends.into_iter().collect();
        self
    }
}

impl AutogenerateOptions {
    /// Gives the revision this id instead of a random one (12 lowercase
    /// hex digits; the first step's, with [`online`](Self::online)).
    pub fn revision_id(mut self, id: impl Into<String>) -> AutogenerateOptions {
        self.revision_id = Some(id.into());
        self
    }

    /// Names the branch the revision starts (`-- retort:branch-labels`;
    /// on the first step with [`online`](Self::online)).
    pub fn branch_labels<S: Into<String>>(
        mut self,
        labels: impl IntoIterator<Item = S>,
    ) -> AutogenerateOptions {
        self.branch_labels = labels.into_iter().map(Into::into).collect();
        self
    }

    /// Revisions (full ids) to apply before this one without being its
    /// parents (`-- retort:depends-on`; on the first step with
    /// [`online`](Self::online)).
    pub fn depends_on<S: Into<String>>(
        mut self,
        revisions: impl IntoIterator<Item = S>,
    ) -> AutogenerateOptions {
        self.depends_on = revisions.into_iter().map(Into::into).collect();
        self
    }

    /// Compares only the tables whose name matches one of `patterns` (every
    /// table when none is given), in the database and in the models alike:
    /// tables another tool owns stay out of revisions and of `check`. A
    /// pattern is a table name, or `schema.table`, in which `*` matches any
    /// run of characters: `audit_*`, `reporting.*`.
    pub fn include_tables<S: Into<String>>(
        mut self,
        patterns: impl IntoIterator<Item = S>,
    ) -> AutogenerateOptions {
        self.include = patterns.into_iter().map(Into::into).collect();
        self
    }

    /// Leaves out of the comparison the tables whose name matches one of
    /// `patterns` (as for [`include_tables`](Self::include_tables)), even
    /// when included.
    pub fn exclude_tables<S: Into<String>>(
        mut self,
        patterns: impl IntoIterator<Item = S>,
    ) -> AutogenerateOptions {
        self.exclude = patterns.into_iter().map(Into::into).collect();
        self
    }

    /// Leaves these kinds of objects out of the comparison: they are
    /// neither read from the database nor compared with the models', so
    /// never dropped (a partition manager's partitions, indexes another
    /// team manages).
    pub fn exclude_kinds(
        mut self,
        kinds: impl IntoIterator<Item = crate::introspect::ObjectKind>,
    ) -> AutogenerateOptions {
        self.exclude_kinds = kinds.into_iter().collect();
        self
    }

    /// What the comparison reads of the database (and keeps of the models).
    fn reading(&self) -> IntrospectOptions {
        IntrospectOptions::new()
            .include(self.include.iter().cloned())
            .exclude(self.exclude.iter().cloned())
            .exclude_kinds(self.exclude_kinds.iter().copied())
    }

    /// The id, labels and dependencies asked for, on `revision`.
    fn name(&self, revision: &mut NewRevision) {
        if let Some(id) = &self.revision_id {
            revision.id.clone_from(id);
        }
        revision.branch_labels.clone_from(&self.branch_labels);
        revision.depends_on.clone_from(&self.depends_on);
    }
}

/// Diffs the database behind `conn` against `target` (the models) and writes
/// the difference as a new revision file in `dir`, creating the directory if
/// it does not exist. Returns the file's path, or `None` (writing nothing)
/// when the database already matches the models.
///
/// See the [module documentation](self) for what the file holds.
///
/// # Errors
///
/// [`AutogenerateError`]: the database is not at the head of `dir` (naming
/// the revisions to apply first), the directory has several heads, a file
/// in it is malformed, reading the database failed, or the database cannot
/// express a change.
pub fn autogenerate<C: DatabaseConnection>(
    conn: &mut C,
    target: &Schema,
    dir: impl AsRef<Path>,
    message: &str,
) -> Result<Option<PathBuf>> {
    autogenerate_with(conn, target, dir, message, &AutogenerateOptions::default())
}

/// [`autogenerate`] with options.
///
/// # Errors
///
/// As [`autogenerate`].
pub fn autogenerate_with<C: DatabaseConnection>(
    conn: &mut C,
    target: &Schema,
    dir: impl AsRef<Path>,
    message: &str,
    options: &AutogenerateOptions,
) -> Result<Option<PathBuf>> {
    let dir = dir.as_ref();
    let parents = head_of_database(conn, dir)?;
    let reading = options.reading();
    let mut target = reading.retain(target.clone());
    let database = read_namespaces_of(conn, &target, &reading)?;
    definitions::adopt_database_definitions(conn, &database, &mut target)?;
    let target = &target;
    let changes = changes_for(C::BACKEND, &database, target);
    if changes.is_empty() {
        return Ok(None);
    }
    let others: Vec<crate::BackendKind> = options
        .backends
        .iter()
        .copied()
        .filter(|&backend| backend != C::BACKEND)
        .collect();
    if options.online {
        if !others.is_empty() {
            return Err(AutogenerateError::OnlineForSeveralBackends {
                backend: C::BACKEND.display_name(),
            });
        }
        return online_revisions(&changes, C::BACKEND, parents, message, dir, options);
    }
    let mut revision = revision_for(&changes, C::BACKEND, parents, message)?;
    options.name(&mut revision);
    // The models as they were before the change: the connected database's
    // diff carried back onto them. The connected database cannot say what
    // it does not store (MySQL keeps no enum type or key names), so the
    // other databases' diffs start from these instead.
    let before = crate::diff::apply(target.clone(), changes.reverse().ops());
    for backend in others {
        let changes = changes_for(backend, &before, target);
        let sql = sql_for(&changes, backend)?;
        revision.other_backends.push(BackendSql {
            backend,
            up: sql.up,
            down: sql.down,
        });
        revision.warnings.extend(
            sql.warnings
                .into_iter()
                .map(|warning| format!("{}: {warning}", backend.label())),
        );
    }
    Ok(Some(revision.write(dir)?))
}

/// Writes one revision per online step, each the parent of the next, and
/// returns the last one's path.
fn online_revisions(
    changes: &Diff,
    backend: crate::BackendKind,
    mut parents: Vec<String>,
    message: &str,
    dir: &Path,
    options: &AutogenerateOptions,
) -> Result<Option<PathBuf>> {
    let steps = match expand::expansion(changes, backend) {
        Some(expansion) => {
            let mut steps = crate::render::render_online(&expansion.expand, backend.backend())?;
            steps.push(crate::render::RenderedStep {
                transactional: true,
                up: expansion.fills,
                down: Some(Vec::new()),
                warnings: Vec::new(),
            });
            steps.extend(crate::render::render_online(
                &expansion.contract,
                backend.backend(),
            )?);
            steps
        }
        None => crate::render::render_online(changes, backend.backend())?,
    };
    let count = steps.len();
    let mut last = None;
    for (at, step) in steps.into_iter().enumerate() {
        let message = if count > 1 {
            format!("{message} (step {} of {count})", at + 1)
        } else {
            message.to_owned()
        };
        let mut revision = NewRevision::new(parents, message)
            .for_backend(backend)
            .up(step.up);
        revision.down = step.down;
        revision.transactional = step.transactional;
        if at == 0 {
            options.name(&mut revision);
            revision.warnings = changes
                .warnings()
                .iter()
                .map(|warning| warning.message.clone())
                .collect();
        }
        revision.warnings.extend(step.warnings);
        parents = vec![revision.id.clone()];
        last = Some(revision.write(dir)?);
    }
    Ok(last)
}

/// The diff from the database behind `conn` to `target`, with `target` put
/// in the form the database reports it: empty when the database matches
/// the models. What `check` reports, and what [`autogenerate`] writes.
///
/// # Errors
///
/// Reading the database failed.
pub fn pending_changes<C: DatabaseConnection>(conn: &mut C, target: &Schema) -> Result<Diff> {
    pending_changes_with(conn, target, &AutogenerateOptions::default())
}

/// [`pending_changes`] over the tables `options` compares
/// ([`AutogenerateOptions::include_tables`],
/// [`AutogenerateOptions::exclude_tables`]); its other options do not
/// matter here.
///
/// # Errors
///
/// Reading the database failed.
pub fn pending_changes_with<C: DatabaseConnection>(
    conn: &mut C,
    target: &Schema,
    options: &AutogenerateOptions,
) -> Result<Diff> {
    let reading = options.reading();
    let mut target = reading.retain(target.clone());
    let database = read_namespaces_of(conn, &target, &reading)?;
    definitions::adopt_database_definitions(conn, &database, &mut target)?;
    Ok(changes_for(C::BACKEND, &database, &target))
}

/// The diff from `database` to `target` as `backend` stores both.
fn changes_for(backend: crate::BackendKind, database: &Schema, target: &Schema) -> Diff {
    let backend = backend.backend();
    // Both sides in the stored form: it also merges what the database
    // treats as the same (MySQL's unique indexes and unique constraints).
    let database = backend.stored_form(database);
    let mut target = backend.stored_form(target);
    spelling::adopt_database_spelling(&database, &mut target);
    diff(&database, &target)
}

/// The revision file for `changes`, its sections named for `backend`.
fn revision_for(
    changes: &Diff,
    backend: crate::BackendKind,
    parents: Vec<String>,
    message: &str,
) -> Result<NewRevision> {
    let sql = sql_for(changes, backend)?;
    let mut revision = NewRevision::new(parents, message)
        .for_backend(backend)
        .up(sql.up);
    revision.down = sql.down;
    revision.warnings = changes
        .warnings()
        .iter()
        .map(|warning| warning.message.clone())
        .chain(sql.warnings)
        .collect();
    Ok(revision)
}

/// A change's statements for one database.
struct RenderedSql {
    up: Vec<String>,
    /// `None` when the database cannot express the reverse.
    down: Option<Vec<String>>,
    /// Why there is no down section, when there is none.
    warnings: Vec<String>,
}

/// The up and down statements of `changes` for `backend`.
fn sql_for(changes: &Diff, backend: crate::BackendKind) -> Result<RenderedSql> {
    let up = match expand::expansion(changes, backend) {
        Some(expansion) => expansion.up(backend)?,
        None => render(changes, backend.backend())?,
    };
    Ok(match render(&changes.reverse(), backend.backend()) {
        Ok(down) => RenderedSql {
            up,
            down: Some(down),
            warnings: Vec::new(),
        },
        Err(error) => RenderedSql {
            up,
            down: None,
            warnings: vec![format!("no down section: {error}")],
        },
    })
}

/// Checks that the database is at the single head of `dir` and returns that
/// head as the new revision's parents (none for a first revision).
fn head_of_database<C: DatabaseConnection>(conn: &mut C, dir: &Path) -> Result<Vec<String>> {
    let shown = dir.display().to_string();
    if !dir.exists() {
        std::fs::create_dir_all(dir).map_err(|source| crate::revision::RevisionError::Io {
            path: shown.clone(),
            source: std::sync::Arc::new(source),
        })?;
    }
    let migrations = Migrations::from_dir(dir)?;
    let migrator = Migrator::new(&migrations);
    let heads = migrator.heads();
    if heads.len() > 1 {
        return Err(AutogenerateError::MultipleHeads { dir: shown, heads });
    }
    let pending = migrator.pending(conn)?;
    if !pending.is_empty() {
        return Err(AutogenerateError::NotUpToDate {
            dir: shown,
            pending,
        });
    }
    Ok(heads)
}

/// Reads the default namespace and every other namespace `target` names,
/// as `reading` chooses.
fn read_namespaces_of<C: DatabaseConnection>(
    conn: &mut C,
    target: &Schema,
    reading: &IntrospectOptions,
) -> Result<Schema> {
    let mut database = introspect_with(conn, reading)?;
    let mut named: Vec<&str> = target
        .tables
        .iter()
        .filter_map(|table| table.schema.as_deref())
        .chain(target.functions.iter().filter_map(|f| f.schema.as_deref()))
        .chain(
            target
                .views
                .iter()
                .filter_map(|view| view.schema.as_deref()),
        )
        .chain(target.triggers.iter().filter_map(|t| t.schema.as_deref()))
        .collect();
    named.sort_unstable();
    named.dedup();
    if !named.is_empty() {
        let options = named
            .into_iter()
            .fold(reading.clone(), IntrospectOptions::namespace);
        let others = introspect_with(conn, &options)?;
        database.tables.extend(others.tables);
        database.functions.extend(others.functions);
        database.views.extend(others.views);
        database.triggers.extend(others.triggers);
    }
    Ok(database)
}
