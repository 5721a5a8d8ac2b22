//! Turns a [`Diff`] into SQL statements for one database.
//!
//! ```
//! use retort_core::backend::{BackendKind, PostgresBackend};
//! use retort_core::diff::diff;
//! use retort_core::render::render;
//! use retort_core::schema::{Column, Schema, SqlType, Table};
//!
//! let before = Schema::new(vec![Table::new("users").column(Column::new("id", SqlType::BigInt))]);
//! let after = Schema::new(vec![Table::new("users")
//!     .column(Column::new("id", SqlType::BigInt))
//!     .column(Column::new("email", SqlType::Varchar(255)).nullable())]);
//!
//! let up = render(&diff(&before, &after), &PostgresBackend)?;
//! assert_eq!(up, [r#"ALTER TABLE "users" ADD COLUMN "email" VARCHAR(255)"#]);
//! let down = render(&diff(&before, &after).reverse(), BackendKind::Mysql.backend())?;
//! assert_eq!(down, ["ALTER TABLE `users` DROP COLUMN `email`"]);
//! # Ok::<(), retort_core::render::RenderError>(())
//! ```
//!
//! Each statement is its own string, without a trailing semicolon: the
//! runner executes them one by one (and, on MySQL, whose DDL commits as it
//! goes, records which one failed).
//!
//! # Running the statements
//!
//! - **PostgreSQL**: everything runs in one transaction. A type change casts
//!   with `USING` only where PostgreSQL has no assignment cast, so a value
//!   that does not fit the new type fails the change instead of being cut. `ALTER TYPE ... ADD
//!   VALUE` is allowed in a transaction since PostgreSQL 12, but the new
//!   value cannot be *used* (as a default, in an insert) before that
//!   transaction commits: put such uses in a later revision.
//! - **MySQL/MariaDB**: each DDL statement commits on its own. A narrowing
//!   `MODIFY COLUMN` fails instead of truncating only under strict SQL mode
//!   (the default since MySQL 5.7 and MariaDB 10.2); `RENAME COLUMN` needs
//!   MySQL 8 or MariaDB 10.5. A foreign key is dropped and added again
//!   around an index that may serve it, since MySQL refuses to drop that
//!   index; the key then gets the implicit index MySQL makes for keys.
//! - **SQLite**: a change SQLite cannot make in place becomes a table rebuild
//!   (create the new table under a temporary name, copy the rows, drop the
//!   old table, rename, re-create the indexes). A rebuild must run with
//!   foreign key enforcement off, or dropping the old table would fire
//!   `ON DELETE` actions on the rows that reference it, and SQLite ignores
//!   `PRAGMA foreign_keys` inside a transaction. So a script with a rebuild
//!   starts with [`SQLITE_FOREIGN_KEYS_OFF`] and ends with
//!   [`SQLITE_FOREIGN_KEYS_ON`]: **the runner executes the first before
//!   `BEGIN` and the last after `COMMIT`** (see [`sqlite_pragmas`]), and
//!   everything between in one transaction. The script checks both ends
//!   itself: it fails, before touching anything, when foreign keys are
//!   still enforced, and fails before commit when `PRAGMA
//!   foreign_key_check` reports a violation, so the transaction rolls back.
//!   Triggers are not part of the schema model: a rebuild refuses to run on
//!   a table that has triggers rather than drop them silently.

mod mysql;
mod objects;
mod online;
mod postgres;
mod sql;
mod sqlite;

pub(crate) use objects::{render_object_op, ObjectSyntax, ReplaceFunction};
pub use online::RenderedStep;
pub(crate) use online::{plain, steps, Phase};
pub(crate) use sql::*;

use crate::backend::{Backend, BackendKind, MysqlBackend, PostgresBackend, SqliteBackend};
use crate::diff::{Diff, Op};
use crate::schema::{Column, ForeignKey, IndexPart, PrimaryKey, Schema, Table, UniqueConstraint};

/// How one database writes a diff: implemented on each backend's dialect
/// (`PostgresBackend`, ...) in this module's `postgres`, `mysql` and
/// `sqlite`. By default a diff is each op's statements in turn, and its
/// online migration one transactional step.
pub(crate) trait Ddl: Backend {
    /// Appends the statements that carry out one op.
    fn render_op(&self, op: &Op, out: &mut Vec<String>) -> Result<(), RenderError>;

    /// Whether the `ALTER TABLE` clauses `op` renders may share one
    /// statement with those of the ops next to it on the same table. None
    /// do by default.
    fn shares_alter_table(&self, op: &Op) -> bool {
        let _ = op;
        false
    }

    /// The statements that carry out a diff, in order: by default each
    /// op's in turn, with the clauses of consecutive ops on one table
    /// joined into one `ALTER TABLE` where [`Ddl::shares_alter_table`]
    /// allows.
    fn render_diff(&self, diff: &Diff) -> Result<Vec<String>, RenderError> {
        one_alter_per_table(self, diff.ops(), |op, out| self.render_op(op, out))
    }

    /// The statements that make columns `NOT NULL` once their rows are
    /// filled (`diff` holds only such changes), for the contract of an
    /// expand, backfill, contract sequence: by default as
    /// [`Ddl::render_diff`] writes them.
    fn render_set_not_null(&self, diff: &Diff) -> Result<Vec<String>, RenderError> {
        self.render_diff(diff)
    }

    /// Whether the database has declarative partitioning (PostgreSQL's
    /// `PARTITION BY` and `PARTITION OF`); a schema with partitioned tables
    /// or partitions is refused where it has not.
    fn partitions(&self) -> bool {
        false
    }

    /// Whether the database has deferrable foreign keys (`DEFERRABLE
    /// INITIALLY DEFERRED`); a schema with one is refused where it has not.
    fn deferrable_foreign_keys(&self) -> bool {
        false
    }

    /// Whether the database has deferrable unique constraints; a schema
    /// with one is refused where it has not.
    fn deferrable_uniques(&self) -> bool {
        false
    }

    /// Whether the database has deferrable primary keys; a schema with
    /// one is refused where it has not.
    fn deferrable_primary_keys(&self) -> bool {
        false
    }

    /// Whether the database has exclusion constraints (PostgreSQL's
    /// `EXCLUDE USING`); a schema with one is refused where it has not.
    fn exclusion_constraints(&self) -> bool {
        false
    }

    /// Whether the database has domains (PostgreSQL's `CREATE DOMAIN`); a
    /// schema declaring one is refused where it has not.
    fn domains(&self) -> bool {
        false
    }

    /// Whether the database has sequences of their own (PostgreSQL's
    /// `CREATE SEQUENCE`); a schema declaring one is refused where it has
    /// not.
    fn sequences(&self) -> bool {
        false
    }

    /// Whether the database has extensions (PostgreSQL's `CREATE
    /// EXTENSION`); a schema declaring one is refused where it has not.
    fn extensions(&self) -> bool {
        false
    }

    /// Refuses what the database cannot create of `table` that the
    /// checks shared by every database do not cover, naming it: on SQLite,
    /// a `WITHOUT ROWID` table without a primary key or with an identity,
    /// and a `STRICT` table's column whose type it has no storage for. By
    /// default nothing.
    fn check_table(&self, table: &Table) -> Result<(), RenderError> {
        let _ = table;
        Ok(())
    }

    /// The steps of an online migration of a diff.
    fn render_online(&self, diff: &Diff) -> Result<Vec<RenderedStep>, RenderError> {
        let up = self.render_diff(diff)?;
        let (down, warnings) = match self.render_diff(&diff.reverse()) {
            Ok(down) => (Some(down), Vec::new()),
            Err(error) => (None, vec![format!("no down section: {error}")]),
        };
        Ok(vec![RenderedStep {
            transactional: true,
            up,
            down,
            warnings,
        }])
    }
}

/// The statements of one op of a diff alone, in `backend`'s dialect:
/// what [`render`] writes for it before joining the clauses of consecutive
/// ops on one table into one `ALTER TABLE`. Names are not checked against
/// the database's length limit, as [`render`] checks them.
///
/// # Errors
///
/// [`RenderError`] when the database cannot express the op.
pub fn render_op(op: &Op, backend: &dyn Backend) -> Result<Vec<String>, RenderError> {
    match op {
        Op::CreateTable { table } => check_table_declaration(table, backend)?,
        Op::AddPrimaryKey { table, primary_key } => {
            check_deferrable_constraints(&table.name, Some(primary_key), &[], &[], backend)?
        }
        Op::AddForeignKey { table, foreign_key } => {
            let foreign_keys = std::slice::from_ref(foreign_key);
            check_deferrable_constraints(&table.name, None, foreign_keys, &[], backend)?
        }
        Op::AddUnique { table, unique } => {
            let uniques = std::slice::from_ref(unique);
            check_deferrable_constraints(&table.name, None, &[], uniques, backend)?
        }
        Op::AddColumn { table, column }
        | Op::AlterColumn {
            table, new: column, ..
        } => check_column_types(&table.name, std::slice::from_ref(column), backend)?,
        _ => {}
    }
    let mut statements = Vec::new();
    ddl(backend.kind()).render_op(op, &mut statements)?;
    Ok(statements)
}

/// The statements that make the columns of `diff` `NOT NULL` once their
/// rows are filled (`diff` holds only such changes), in `backend`'s
/// dialect: on PostgreSQL through a `CHECK (col IS NOT NULL) NOT VALID`
/// that is validated, then `SET NOT NULL` and the check dropped, so no
/// exclusive lock is held while the rows are scanned; a `MODIFY` on
/// MySQL/MariaDB; a table rebuild on SQLite.
///
/// # Errors
///
/// As [`render`].
pub(crate) fn render_set_not_null(
    diff: &Diff,
    backend: &dyn Backend,
) -> Result<Vec<String>, RenderError> {
    check_schema(&diff.to, backend)?;
    ddl(backend.kind()).render_set_not_null(diff)
}

/// The DDL of the database `kind`.
fn ddl(kind: BackendKind) -> &'static dyn Ddl {
    match kind {
        BackendKind::Postgres => &PostgresBackend,
        BackendKind::Mysql => &MysqlBackend,
        BackendKind::Sqlite => &SqliteBackend,
    }
}

/// The statement a SQLite script with a table rebuild starts with; the
/// runner executes it before `BEGIN`.
pub const SQLITE_FOREIGN_KEYS_OFF: &str = "PRAGMA foreign_keys = OFF";

/// The statement a SQLite script with a table rebuild ends with; the runner
/// executes it after `COMMIT`.
pub const SQLITE_FOREIGN_KEYS_ON: &str = "PRAGMA foreign_keys = ON";

/// The statements of a diff in one database's dialect.
///
/// # Errors
///
/// [`RenderError`] when the database cannot express an op: a constraint to
/// drop that has no name, a partial index on MySQL, a name longer than the
/// database keeps.
pub fn render(diff: &Diff, backend: &dyn Backend) -> Result<Vec<String>, RenderError> {
    check_schema(&diff.to, backend)?;
    ddl(backend.kind()).render_diff(diff)
}

/// A diff as the ordered steps of an online migration, each one revision:
/// on PostgreSQL, indexes built and dropped `CONCURRENTLY` in steps outside
/// a transaction (retry-safe: `DROP INDEX CONCURRENTLY IF EXISTS` first),
/// foreign keys and checks added `NOT VALID` and validated in a later step,
/// unique constraints and primary keys attached to a concurrently built
/// index, `SET NOT NULL` through a validated `CHECK (col IS NOT NULL)`, and
/// type changes that rewrite the table flagged with the expand/contract
/// alternative. On MySQL/MariaDB, one step whose `ALTER TABLE`s ask for
/// `ALGORITHM=INSTANT` or `ALGORITHM=INPLACE, LOCK=NONE` (the server refuses
/// rather than copy the table), with a warning on each change the server
/// can only make by copying the table. On SQLite, one step as [`render`]
/// writes it.
///
/// ```
/// use retort_core::backend::PostgresBackend;
/// use retort_core::diff::diff;
/// use retort_core::render::render_online;
/// use retort_core::schema::{Column, Index, Schema, SqlType, Table};
///
/// let table = Table::new("items").column(Column::new("sku", SqlType::Text));
/// let before = Schema::new(vec![table.clone()]);
/// let after = Schema::new(vec![table.index(Index::on_columns("ix_items_sku", ["sku"]))]);
///
/// let steps = render_online(&diff(&before, &after), &PostgresBackend)?;
/// assert_eq!(steps.len(), 1);
/// assert!(!steps[0].transactional);
/// assert_eq!(steps[0].up, [
///     r#"DROP INDEX CONCURRENTLY IF EXISTS "ix_items_sku""#,
///     r#"CREATE INDEX CONCURRENTLY "ix_items_sku" ON "items" ("sku")"#,
/// ]);
/// # Ok::<(), retort_core::render::RenderError>(())
/// ```
///
/// # Errors
///
/// As [`render`], and a foreign key or check to add without a name (its
/// validation must name it).
pub fn render_online(diff: &Diff, backend: &dyn Backend) -> Result<Vec<RenderedStep>, RenderError> {
    check_schema(&diff.to, backend)?;
    ddl(backend.kind()).render_online(diff)
}

/// Refuses what `backend` cannot hold: a name longer than it keeps, a
/// column type it does not have, a table it cannot create as described
/// ([`Ddl::check_table`]).
fn check_schema(schema: &Schema, backend: &dyn Backend) -> Result<(), RenderError> {
    check_identifier_lengths(schema, backend)?;
    if let Some(domain) = schema.domains.first() {
        if !ddl(backend.kind()).domains() {
            return Err(RenderError::Unsupported {
                backend: backend.kind().display_name(),
                what: format!("create domain {} (a PostgreSQL type)", domain.name),
            });
        }
    }
    if let Some(sequence) = schema.sequences.first() {
        if !ddl(backend.kind()).sequences() {
            return Err(RenderError::Unsupported {
                backend: backend.kind().display_name(),
                what: format!("create sequence {} (a PostgreSQL sequence)", sequence.name),
            });
        }
    }
    if let Some(extension) = schema.extensions.first() {
        if !ddl(backend.kind()).extensions() {
            return Err(RenderError::Unsupported {
                backend: backend.kind().display_name(),
                what: format!("create extension {} (a PostgreSQL feature)", extension.name),
            });
        }
    }
    for table in &schema.tables {
        check_table_declaration(table, backend)?;
        check_column_options(table, backend)?;
        check_references_to_deferrable_keys(schema, table, backend)?;
        if let Some(exclusion) = table.exclusions.first() {
            if !ddl(backend.kind()).exclusion_constraints() {
                return Err(RenderError::Unsupported {
                    backend: backend.kind().display_name(),
                    what: format!(
                        "add exclusion constraint {} to table {} (a PostgreSQL constraint)",
                        exclusion.name, table.name
                    ),
                });
            }
        }
    }
    Ok(())
}

/// The checks a table's own declaration must pass where `backend`
/// creates it: its columns' types, the dialect's rules for tables,
/// partitioning, and deferrable constraints.
fn check_table_declaration(table: &Table, backend: &dyn Backend) -> Result<(), RenderError> {
    check_column_types(&table.name, &table.columns, backend)?;
    ddl(backend.kind()).check_table(table)?;
    check_partitioning(table, backend)?;
    check_deferrable_constraints(
        &table.name,
        table.primary_key.as_ref(),
        &table.foreign_keys,
        &table.uniques,
        backend,
    )
}

/// Refuses a deferrable primary key, foreign key or unique constraint
/// where `backend` has none, naming the table and the constraint.
fn check_deferrable_constraints(
    table: &str,
    primary_key: Option<&PrimaryKey>,
    foreign_keys: &[ForeignKey],
    uniques: &[UniqueConstraint],
    backend: &dyn Backend,
) -> Result<(), RenderError> {
    let refuse = |kind: &str, name: &Option<String>, columns: &[String]| {
        Err(RenderError::Unsupported {
            backend: backend.kind().display_name(),
            what: format!(
                "make {kind} {} of table {table} DEFERRABLE (every {kind} is checked after \
                 each statement there)",
                name.clone().unwrap_or_else(|| columns.join(", ")),
            ),
        })
    };
    let ddl = ddl(backend.kind());
    if !ddl.deferrable_primary_keys() {
        if let Some(key) = primary_key.filter(|key| key.deferrable.is_some()) {
            return refuse("primary key", &key.name, &key.columns);
        }
    }
    if !ddl.deferrable_foreign_keys() {
        if let Some(key) = foreign_keys.iter().find(|key| key.deferrable.is_some()) {
            return refuse("foreign key", &key.name, &key.columns);
        }
    }
    if !ddl.deferrable_uniques() {
        if let Some(unique) = uniques.iter().find(|unique| unique.deferrable.is_some()) {
            return refuse("unique constraint", &unique.name, &unique.columns);
        }
    }
    Ok(())
}

/// Refuses a foreign key of `table` that references a deferrable primary
/// key, which PostgreSQL forbids (a foreign key needs a key that is
/// checked after each statement), naming both keys. A unique constraint
/// or unique index on the same columns that is not deferrable may serve
/// the foreign key instead, as PostgreSQL picks one.
fn check_references_to_deferrable_keys(
    schema: &Schema,
    table: &Table,
    backend: &dyn Backend,
) -> Result<(), RenderError> {
    let same_columns = |a: &[String], b: &[String]| {
        let mut a = a.to_vec();
        let mut b = b.to_vec();
        a.sort();
        b.sort();
        a == b
    };
    for foreign_key in &table.foreign_keys {
        let Some(referenced) = schema.tables.iter().find(|candidate| {
            candidate.name == foreign_key.referenced_table
                && candidate.schema == foreign_key.referenced_schema
        }) else {
            continue;
        };
        let Some(key) = referenced.primary_key.as_ref() else {
            continue;
        };
        let columns = &foreign_key.referenced_columns;
        if key.deferrable.is_none() || !same_columns(&key.columns, columns) {
            continue;
        }
        let served_by_unique = referenced
            .uniques
            .iter()
            .any(|unique| unique.deferrable.is_none() && same_columns(&unique.columns, columns));
        let served_by_index = referenced.indexes.iter().any(|index| {
            let index_columns: Option<Vec<String>> = index
                .parts
                .iter()
                .map(|part| match part {
                    IndexPart::Column(column) => Some(column.clone()),
                    IndexPart::Expression(_) => None,
                })
                .collect();
            index.unique
                && index.predicate.is_none()
                && index_columns.is_some_and(|index_columns| same_columns(&index_columns, columns))
        });
        if !served_by_unique && !served_by_index {
            return Err(RenderError::Unsupported {
                backend: backend.kind().display_name(),
                what: format!(
                    "reference the deferrable primary key {} of table {} from foreign key {} of \
                     table {} (a foreign key needs a key checked after each statement: make the \
                     primary key not deferrable, or add a unique constraint on {} that is not)",
                    key.name.clone().unwrap_or_else(|| key.columns.join(", ")),
                    referenced.name,
                    foreign_key
                        .name
                        .clone()
                        .unwrap_or_else(|| foreign_key.columns.join(", ")),
                    table.name,
                    columns.join(", "),
                ),
            });
        }
    }
    Ok(())
}

/// Refuses a collation or an `ON UPDATE` clause where `backend` does not
/// keep them, a virtual generated column where it has none, and a
/// generated column with a default or an identity, naming the table and
/// column.
fn check_column_options(table: &Table, backend: &dyn Backend) -> Result<(), RenderError> {
    let refuse = |what: String| RenderError::Unsupported {
        backend: backend.kind().display_name(),
        what,
    };
    if !backend.keeps_table_collations() {
        if let Some(collation) = &table.collation {
            return Err(refuse(format!(
                "give table {} the default collation {collation}",
                table.name
            )));
        }
    }
    for column in &table.columns {
        if column.collation.is_some() && !backend.keeps_column_collations() {
            return Err(refuse(format!(
                "give column {} of table {} a collation (a database retort keeps none on)",
                column.name, table.name
            )));
        }
        if let Some(generated) = &column.generated {
            if !generated.stored && !backend.has_virtual_generated_columns() {
                return Err(refuse(format!(
                    "make column {} of table {} a VIRTUAL generated column (PostgreSQL before 18 \
                     computes generated columns only when rows are written: make it `stored`)",
                    column.name, table.name
                )));
            }
            if column.identity || column.default.is_some() {
                return Err(refuse(format!(
                    "give the generated column {} of table {} a default or an identity \
                     (its value is always computed from its expression)",
                    column.name, table.name
                )));
            }
        }
        if column.on_update.is_some() && !backend.has_on_update() {
            return Err(refuse(format!(
                "set column {} of table {} ON UPDATE (a MySQL clause: use a trigger)",
                column.name, table.name
            )));
        }
    }
    Ok(())
}

/// Refuses a partitioned table or a partition where `backend` has no
/// declarative partitioning, naming it.
fn check_partitioning(
    table: &crate::schema::Table,
    backend: &dyn Backend,
) -> Result<(), RenderError> {
    let what = match (&table.partition_by, &table.partition_of) {
        _ if ddl(backend.kind()).partitions() => return Ok(()),
        (Some(key), _) => format!("partition table {} by {key}", table.name),
        (None, Some(partition)) => format!(
            "make table {} a partition of {} ({})",
            table.name, partition.parent, partition.bound
        ),
        (None, None) => return Ok(()),
    };
    Err(RenderError::Unsupported {
        backend: backend.kind().display_name(),
        what,
    })
}

/// Refuses a column whose type `backend` does not have, naming it.
fn check_column_types(
    table: &str,
    columns: &[Column],
    backend: &dyn Backend,
) -> Result<(), RenderError> {
    for column in columns {
        if let Some(hint) = backend.lacks_type(&column.ty) {
            return Err(RenderError::UnsupportedType {
                table: table.to_owned(),
                column: column.name.clone(),
                ty: column.ty.to_string(),
                hint,
                backend: backend.kind().display_name(),
            });
        }
    }
    Ok(())
}

/// Refuses a name longer than `backend` keeps: PostgreSQL would cut it
/// silently, and the next diff would see another table (or column, or
/// constraint) than the model's, and drop it.
fn check_identifier_lengths(schema: &Schema, backend: &dyn Backend) -> Result<(), RenderError> {
    let max = backend.max_identifier_length();
    let unit = if backend.identifier_length("é") == 1 {
        "characters"
    } else {
        "bytes"
    };
    for table in &schema.tables {
        let mut names: Vec<(&'static str, &str)> = vec![("table", table.name.as_str())];
        names.extend(
            table
                .columns
                .iter()
                .map(|column| ("column", column.name.as_str())),
        );
        names.extend(
            table
                .primary_key
                .iter()
                .filter_map(|key| Some(("primary key", key.name.as_deref()?))),
        );
        names.extend(
            table
                .indexes
                .iter()
                .map(|index| ("index", index.name.as_str())),
        );
        names.extend(
            table
                .uniques
                .iter()
                .filter_map(|unique| Some(("unique constraint", unique.name.as_deref()?))),
        );
        names.extend(
            table
                .foreign_keys
                .iter()
                .filter_map(|key| Some(("foreign key", key.name.as_deref()?))),
        );
        names.extend(
            table
                .checks
                .iter()
                .filter_map(|check| Some(("check constraint", check.name.as_deref()?))),
        );
        for (kind, name) in names {
            let length = backend.identifier_length(name);
            if length > max {
                return Err(RenderError::IdentifierTooLong {
                    kind,
                    name: name.to_owned(),
                    table: table.name.clone(),
                    length,
                    unit,
                    max,
                    backend: backend.kind().display_name(),
                });
            }
        }
    }
    Ok(())
}

/// Splits a rendered script into the statements to run before the
/// transaction, in it, and after it: on SQLite, a table rebuild's leading
/// [`SQLITE_FOREIGN_KEYS_OFF`] and trailing [`SQLITE_FOREIGN_KEYS_ON`];
/// empty `before` and `after` for any other script.
pub fn sqlite_pragmas(statements: &[String]) -> (&[String], &[String], &[String]) {
    let starts = statements
        .first()
        .is_some_and(|first| first == SQLITE_FOREIGN_KEYS_OFF);
    let ends = statements
        .last()
        .is_some_and(|last| last == SQLITE_FOREIGN_KEYS_ON);
    if starts && ends && statements.len() >= 2 {
        let body = &statements[1..statements.len() - 1];
        (&statements[..1], body, &statements[statements.len() - 1..])
    } else {
        (&[], statements, &[])
    }
}

/// An op the target database cannot express.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// A constraint must be dropped by name and the schema gives none.
    #[error("{kind} on table {table} has no name, so {backend} cannot drop it: give it a name in the model or drop it by hand")]
    UnnamedConstraint {
        /// The table.
        table: String,
        /// What kind of constraint (`unique constraint`, `foreign key`, ...).
        kind: &'static str,
        /// The database's name.
        backend: &'static str,
    },
    /// A name is longer than the database keeps (PostgreSQL: 63 bytes,
    /// MySQL: 64 characters).
    #[error("{kind} name `{name}` (table {table}) is {length} {unit} long, but {backend} keeps at most {max}: shorten it in the model (`retort::naming` shortens generated names)")]
    IdentifierTooLong {
        /// What the name names (`table`, `column`, `index`, ...).
        kind: &'static str,
        /// The name.
        name: String,
        /// The table it belongs to (the name itself for a table).
        table: String,
        /// Its length, as the database counts it.
        length: usize,
        /// What the length counts: `bytes` or `characters`.
        unit: &'static str,
        /// The database's limit.
        max: usize,
        /// The database's name.
        backend: &'static str,
    },
    /// A column's type does not exist on the database (an array on MySQL,
    /// `SET` on PostgreSQL, `VARCHAR` without a length on MySQL).
    #[error(
        "column {column} of table {table} has type {ty}, which {backend} does not have: {hint}"
    )]
    UnsupportedType {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The type, as [`SqlType`](crate::schema::SqlType) displays it.
        ty: String,
        /// Why, and what to use instead.
        hint: &'static str,
        /// The database's name.
        backend: &'static str,
    },
    /// The database has no way to express this.
    #[error("{backend} cannot {what}: change the model or write this step by hand")]
    Unsupported {
        /// The database's name.
        backend: &'static str,
        /// What was asked, naming the object.
        what: String,
    },
}

#[cfg(test)]
pub(crate) mod tests;
