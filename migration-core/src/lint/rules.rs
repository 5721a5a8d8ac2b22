//! What every database's rules share: the clause a rule looks at, what the
//! revision around it says, and the table entry that describes a rule.
//!
//! Each rule looks at one clause (a statement, or one action of an `ALTER
//! TABLE`) with what the rest of the revision says, and answers whether the
//! clause takes a lock that blocks the application for longer than a
//! moment, or rewrites the table.

use super::statement::{has, starts_with, Statement, Token};
use super::Severity;

/// One clause and where it is.
pub(crate) struct Clause<'a> {
    /// Its statement.
    pub(crate) statement: &'a Statement,
    /// Its position among the revision's statements.
    pub(crate) at: usize,
    /// The `ALTER TABLE` action's tokens, or the whole statement's.
    pub(crate) tokens: &'a [Token],
    /// The table an `ALTER TABLE` changes.
    pub(crate) table: Option<&'a str>,
}

/// What the revision around a clause says.
pub(crate) struct Context<'a> {
    /// Whether the revision runs in a transaction.
    pub(crate) transactional: bool,
    /// Every statement of the revision.
    pub(crate) statements: &'a [Statement],
}

impl Context<'_> {
    /// Whether a statement before position `at` creates `table`: indexes and
    /// constraints on a table with no rows yet block nobody.
    pub(crate) fn created_before(&self, table: &str, at: usize) -> bool {
        self.statements[..at]
            .iter()
            .any(|statement| statement.created_table().as_deref() == Some(table))
    }
}

/// A rule: what it is about, and the function that finds it.
pub(crate) struct Rule {
    /// The rule's id, as findings report it.
    pub(crate) id: &'static str,
    pub(crate) severity: Severity,
    /// The lock the flagged clause takes.
    pub(crate) lock: &'static str,
    /// What waits while it is held.
    pub(crate) blocks: &'static str,
    /// Whether the clause rewrites the table.
    pub(crate) rewrites_table: bool,
    /// What to write instead.
    pub(crate) safe_alternative: &'static str,
    /// Whether the rule flags a clause.
    pub(crate) flags: fn(&Clause<'_>, &Context<'_>) -> bool,
}

/// An `ADD` action on a table that existed before the revision.
pub(crate) fn adds_to_existing_table(clause: &Clause<'_>, context: &Context<'_>) -> bool {
    clause
        .table
        .is_some_and(|table| !context.created_before(table, clause.at))
        && starts_with(clause.tokens, &["ADD"])
}

/// What the rule `not-null-column-without-default` tells the reviewer to
/// write instead, on every database.
pub(crate) const NOT_NULL_COLUMN_FIX: &str = "mark the model's field `#[model(backfill = \"<SQL expression>\")]` and autogenerate again: the column is then added nullable, filled from the expression in batches (`-- retort:backfill`) and made NOT NULL after; or give the column a default (`#[model(default = \"...\")]`)";

/// A column definition that refuses `NULL` and gives existing rows no
/// value: `NOT NULL` (not the `IS NOT NULL` of a check) with no `DEFAULT`,
/// no identity, serial, `AUTO_INCREMENT` or generated value, not a primary
/// key.
pub(crate) fn not_null_without_default(tokens: &[Token]) -> bool {
    let not_null = tokens.windows(2).enumerate().any(|(at, pair)| {
        pair[0].is("NOT") && pair[1].is("NULL") && !(at > 0 && tokens[at - 1].is("IS"))
    });
    let generated = [
        "DEFAULT",
        "GENERATED",
        "AS",
        "AUTO_INCREMENT",
        "SERIAL",
        "BIGSERIAL",
        "SMALLSERIAL",
        "SERIAL2",
        "SERIAL4",
        "SERIAL8",
        "PRIMARY",
    ]
    .iter()
    .any(|word| has(tokens, word));
    not_null && !generated
}
