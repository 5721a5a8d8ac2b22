//! A lint for revisions that would block a busy PostgreSQL database: the
//! statements that take a lock the application's queries wait behind, or
//! rewrite a table, each with the rule, its line and the safe alternative.
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
//! The rules are PostgreSQL's (see [`RULE_IDS`]) and calibrated against
//! [squawk](https://squawkhq.com): on the same SQL, every statement squawk
//! flags for a lock or a rewrite is flagged here too (a test checks it on a
//! corpus). Deliberate differences: statements on a table created earlier
//! in the same revision are not flagged (it has no rows, so nothing waits),
//! and `SET NOT NULL` is flagged unless the revision validated a constraint
//! on that table first, which squawk does not check.

mod rules;
mod statement;

use std::fmt;

use crate::revision::Revision;
pub(crate) use rules::is_volatile_default;
use rules::{Clause, Context, RULES};

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

/// The id of every rule.
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
];

/// The findings on a revision's up section, in file order: PostgreSQL's
/// rules, applied to the SQL as written.
pub fn lint(revision: &Revision) -> Vec<LintFinding> {
    lint_sql(
        revision.file_name(),
        revision.up_sql(),
        revision.up_line(),
        revision.is_transactional(),
    )
}

/// The findings on SQL not (yet) in a revision file: `first_line` is the
/// file line `sql` starts on, `transactional` whether it runs in a
/// transaction.
pub fn lint_sql(file: &str, sql: &str, first_line: usize, transactional: bool) -> Vec<LintFinding> {
    let statements = statement::statements(sql, first_line);
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
        for rule in RULES {
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
