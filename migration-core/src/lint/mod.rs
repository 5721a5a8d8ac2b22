//! A lint for revisions that would block a busy database: the statements
//! that take a lock the application's queries wait behind, or rewrite a
//! table, each with the rule, its line and the safe alternative.
//!
//! ```
//! use retort_core::lint::lint;
//! use retort_core::revision::parse_revision;
//!
//! let revision = parse_revision(
//!     "20240101000000_a1b2c3d4e5f6_index.sql",
//!     "-- retort:revision a1b2c3d4e5f6\n-- retort:up\nCREATE INDEX ix_items_sku ON items (sku);\n",
//! )?;
//! let findings = lint(&revision);
//! assert_eq!(findings.len(), 1);
//! assert_eq!(findings[0].rule, "create-index-without-concurrently");
//! assert_eq!(findings[0].line, 3);
//! assert!(findings[0].safe_alternative.contains("CONCURRENTLY"));
//! # Ok::<(), retort_core::revision::RevisionError>(())
//! ```
//!
//! [`lint`] applies PostgreSQL's rules (see [`RULE_IDS`]), calibrated against
//! [squawk](https://squawkhq.com): on the same SQL, every statement squawk
//! flags for a lock or a rewrite is flagged here too (a test checks it on a
//! corpus). Deliberate differences: statements on a table created earlier
//! in the same revision are not flagged (it has no rows, so nothing waits),
//! and `SET NOT NULL` is flagged unless the revision validated a constraint
//! on that table first, which squawk does not check.
//!
//! [`lint_for`] picks the rules of the database the revision is written
//! for: PostgreSQL's, MySQL's and MariaDB's (see [`MYSQL_RULE_IDS`]: changes
//! InnoDB can only make by copying the table, and statements that leave
//! the algorithm to the server), or none for SQLite.
//!
//! ```
//! use retort_core::lint::lint_sql_for;
//! use retort_core::BackendKind;
//!
//! let sql = "ALTER TABLE `items` MODIFY COLUMN `sku` BIGINT NOT NULL;\n\
//!            ALTER TABLE `items` ADD COLUMN `note` TEXT NULL, ALGORITHM=INSTANT;\n";
//! let findings = lint_sql_for(BackendKind::Mysql, "f.sql", sql, 1, true);
//! assert_eq!(findings.len(), 1);
//! assert_eq!(findings[0].rule, "column-type-change");
//! assert!(findings[0].safe_alternative.contains("ALGORITHM=INPLACE, LOCK=NONE"));
//! ```

mod mysql;
mod postgres;
mod rules;
mod statement;

use std::fmt;

use crate::backend::BackendKind;
use crate::revision::Revision;
use rules::{Clause, Context, Rule};

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The statement works but blocks the application or rewrites a table.
    Warning,
    /// The revision cannot run as written.
    Error,
}

/// One statement a rule flags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LintFinding {
    /// The rule's id, e.g. `create-index-without-concurrently`.
    pub rule: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// The revision's file.
    pub file: String,
    /// The file line the statement starts on, counting from 1.
    pub line: usize,
    /// The statement, as written.
    pub statement: String,
    /// The lock it takes, and for how long.
    pub lock: &'static str,
    /// What waits while that lock is held.
    pub blocks: &'static str,
    /// Whether it rewrites the table (and its indexes).
    pub rewrites_table: bool,
    /// What to write instead.
    pub safe_alternative: &'static str,
}

impl fmt::Display for LintFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(
            f,
            "{}:{}: {severity} [{}]: {}\n  takes {}; blocks {}{}\n  instead: {}",
            self.file,
            self.line,
            self.rule,
            self.statement,
            self.lock,
            self.blocks,
            if self.rewrites_table {
                "; rewrites the table"
            } else {
                ""
            },
            self.safe_alternative
        )
    }
}

/// The id of every PostgreSQL rule.
pub const RULE_IDS: &[&str] = &[
    "concurrently-in-transaction",
    "create-index-without-concurrently",
    "drop-index-without-concurrently",
    "foreign-key-without-not-valid",
    "check-without-not-valid",
    "validate-in-the-same-transaction",
    "unique-without-index",
    "primary-key-without-index",
    "set-not-null-without-check",
    "column-type-change",
    "volatile-default",
    "not-null-column-without-default",
];

/// The id of every MySQL and MariaDB rule.
pub const MYSQL_RULE_IDS: &[&str] = &[
    "column-type-change",
    "foreign-key-with-checks-on",
    "add-check-constraint",
    "drop-primary-key",
    "table-rebuild",
    "alter-table-without-online-algorithm",
    "create-index-without-online-algorithm",
    "not-null-column-without-default",
];

/// The ids of the rules [`lint_for`] applies on `kind`: none on SQLite.
pub fn rule_ids(kind: BackendKind) -> &'static [&'static str] {
    match kind {
        BackendKind::Postgres => RULE_IDS,
        BackendKind::Mysql => MYSQL_RULE_IDS,
        BackendKind::Sqlite => &[],
    }
}

/// The rules for `kind`, in the order of [`rule_ids`].
fn rules(kind: BackendKind) -> &'static [Rule] {
    match kind {
        BackendKind::Postgres => postgres::RULES,
        BackendKind::Mysql => mysql::RULES,
        BackendKind::Sqlite => &[],
    }
}

/// The findings on a revision's up section, in file order: PostgreSQL's
/// rules, applied to the SQL as written. Same as
/// `lint_for(BackendKind::Postgres, revision)`.
pub fn lint(revision: &Revision) -> Vec<LintFinding> {
    lint_for(BackendKind::Postgres, revision)
}

/// The findings on a revision's up section written for database `kind`, in
/// file order:
///
/// - PostgreSQL: the rules of [`lint`].
/// - MySQL and MariaDB: [`MYSQL_RULE_IDS`].
/// - SQLite: none. SQLite has one writer and no online DDL: every change
///   holds the database's write lock until it commits, whatever it is
///   written as, so there is no lock-friendlier statement to point to.
///
/// A file with sections for several databases is linted on its section for
/// `kind`; one with no section for `kind` has no findings.
pub fn lint_for(kind: BackendKind, revision: &Revision) -> Vec<LintFinding> {
    let (Some(sql), Some(first_line)) = (revision.up_sql_for(kind), revision.up_line_for(kind))
    else {
        return Vec::new();
    };
    // A revision with a backfill runs each statement in a transaction of
    // its own.
    let transactional = revision.is_transactional() && !crate::revision::has_backfill(sql);
    lint_sql_for(kind, revision.file_name(), sql, first_line, transactional)
}

/// The findings on PostgreSQL SQL not (yet) in a revision file:
/// `first_line` is the file line `sql` starts on, `transactional` whether
/// it runs in a transaction.
pub fn lint_sql(file: &str, sql: &str, first_line: usize, transactional: bool) -> Vec<LintFinding> {
    lint_sql_for(BackendKind::Postgres, file, sql, first_line, transactional)
}

/// The findings on SQL for database `kind` not (yet) in a revision file,
/// as [`lint_for`] gives them: `first_line` is the file line `sql` starts
/// on, `transactional` whether it runs in a transaction.
pub fn lint_sql_for(
    kind: BackendKind,
    file: &str,
    sql: &str,
    first_line: usize,
    transactional: bool,
) -> Vec<LintFinding> {
    let rules = rules(kind);
    if rules.is_empty() {
        return Vec::new();
    }
    let statements = statement::statements(sql, first_line, kind);
    let context = Context {
        transactional,
        statements: &statements,
    };
    let mut findings = Vec::new();
    for (at, statement) in statements.iter().enumerate() {
        let mut clauses = vec![Clause {
            statement,
            at,
            tokens: &statement.tokens,
            table: None,
        }];
        let altered = statement.alter_table();
        if let Some((table, actions)) = &altered {
            clauses.extend(actions.iter().map(|tokens| Clause {
                statement,
                at,
                tokens,
                table: Some(table.as_str()),
            }));
        }
        for rule in rules {
            if clauses.iter().any(|clause| (rule.flags)(clause, &context)) {
                findings.push(LintFinding {
                    rule: rule.id,
                    severity: rule.severity,
                    file: file.to_owned(),
                    line: statement.line,
                    statement: statement.text.clone(),
                    lock: rule.lock,
                    blocks: rule.blocks,
                    rewrites_table: rule.rewrites_table,
                    safe_alternative: rule.safe_alternative,
                });
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests;
