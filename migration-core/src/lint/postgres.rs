//! PostgreSQL's rules, one function each, and the table that describes
//! them.

use super::rules::{
    adds_to_existing_table, not_null_without_default, Clause, Context, Rule, NOT_NULL_COLUMN_FIX,
};
use super::statement::{constraint_name, has, has_sequence, starts_with, Kind, Statement, Token};
use super::Severity;
use crate::backend::postgres::is_stable_function;

/// The `VALIDATE CONSTRAINT` actions of the revision: (position, table,
/// constraint).
fn validations<'a>(context: &'a Context<'_>) -> impl Iterator<Item = (usize, String, String)> + 'a {
    context
        .statements
        .iter()
        .enumerate()
        .filter_map(|(at, statement)| Some((at, statement.alter_table()?)))
        .flat_map(|(at, (table, actions))| {
            actions
                .into_iter()
                .filter(|action| starts_with(action, &["VALIDATE", "CONSTRAINT"]))
                .filter_map(constraint_name)
                .map(move |name| (at, table.clone(), name))
                .collect::<Vec<_>>()
        })
}

/// Every rule, in the order findings for one clause are reported.
pub(crate) const RULES: &[Rule] = &[
    Rule {
        id: "concurrently-in-transaction",
        severity: Severity::Error,
        lock: "none: PostgreSQL refuses the statement",
        blocks: "nothing; the revision fails with \"cannot run inside a transaction block\"",
        rewrites_table: false,
        safe_alternative: "add `-- retort:transaction off` to this revision and keep its other statements re-runnable",
        flags: concurrently_in_transaction,
    },
    Rule {
        id: "create-index-without-concurrently",
        severity: Severity::Warning,
        lock: "SHARE on the table, for the whole index build",
        blocks: "writes (reads go on)",
        rewrites_table: false,
        safe_alternative: "`DROP INDEX CONCURRENTLY IF EXISTS ix;` then `CREATE INDEX CONCURRENTLY ix ...` in a `-- retort:transaction off` revision (the drop clears an invalid index a failed attempt left)",
        flags: create_index_without_concurrently,
    },
    Rule {
        id: "drop-index-without-concurrently",
        severity: Severity::Warning,
        lock: "ACCESS EXCLUSIVE on the index's table",
        blocks: "reads and writes",
        rewrites_table: false,
        safe_alternative: "`DROP INDEX CONCURRENTLY IF EXISTS ix` in a `-- retort:transaction off` revision",
        flags: drop_index_without_concurrently,
    },
    Rule {
        id: "foreign-key-without-not-valid",
        severity: Severity::Warning,
        lock: "SHARE ROW EXCLUSIVE on both tables, while every row is checked",
        blocks: "writes to both tables",
        rewrites_table: false,
        safe_alternative: "`ADD CONSTRAINT fk FOREIGN KEY (...) REFERENCES ... NOT VALID`, then `VALIDATE CONSTRAINT fk` in a later revision (it takes SHARE UPDATE EXCLUSIVE: reads and writes go on); for a new column, add the column first",
        flags: foreign_key_without_not_valid,
    },
    Rule {
        id: "check-without-not-valid",
        severity: Severity::Warning,
        lock: "ACCESS EXCLUSIVE on the table, while every row is checked",
        blocks: "reads and writes",
        rewrites_table: false,
        safe_alternative: "`ADD CONSTRAINT ck CHECK (...) NOT VALID`, then `VALIDATE CONSTRAINT ck` in a later revision (SHARE UPDATE EXCLUSIVE: reads and writes go on)",
        flags: check_without_not_valid,
    },
    Rule {
        id: "validate-in-the-same-transaction",
        severity: Severity::Warning,
        lock: "the lock the earlier `ADD ... NOT VALID` took (ACCESS EXCLUSIVE for a check, SHARE ROW EXCLUSIVE for a foreign key), still held while this validation checks every row",
        blocks: "reads and writes while the rows are checked",
        rewrites_table: false,
        safe_alternative: "move `VALIDATE CONSTRAINT` to a later revision, so the `NOT VALID` constraint commits first",
        flags: validate_in_the_same_transaction,
    },
    Rule {
        id: "unique-without-index",
        severity: Severity::Warning,
        lock: "ACCESS EXCLUSIVE on the table, while the unique index is built",
        blocks: "reads and writes",
        rewrites_table: false,
        safe_alternative: "`CREATE UNIQUE INDEX CONCURRENTLY ix ...` in a `-- retort:transaction off` revision, then `ADD CONSTRAINT uq UNIQUE USING INDEX ix`",
        flags: unique_without_index,
    },
    Rule {
        id: "primary-key-without-index",
        severity: Severity::Warning,
        lock: "ACCESS EXCLUSIVE on the table, while the key's index is built",
        blocks: "reads and writes",
        rewrites_table: false,
        safe_alternative: "`CREATE UNIQUE INDEX CONCURRENTLY ix ...` in a `-- retort:transaction off` revision, then `ADD CONSTRAINT pk PRIMARY KEY USING INDEX ix` (the columns must be NOT NULL already)",
        flags: primary_key_without_index,
    },
    Rule {
        id: "set-not-null-without-check",
        severity: Severity::Warning,
        lock: "ACCESS EXCLUSIVE on the table, while every row is scanned",
        blocks: "reads and writes",
        rewrites_table: false,
        safe_alternative: "`ADD CONSTRAINT ck CHECK (col IS NOT NULL) NOT VALID`, `VALIDATE CONSTRAINT ck` in a later revision, then `SET NOT NULL` (PostgreSQL 12+ trusts the validated check and skips the scan) and drop the check",
        flags: set_not_null_without_check,
    },
    Rule {
        id: "column-type-change",
        severity: Severity::Warning,
        lock: "ACCESS EXCLUSIVE on the table, while it and its indexes are rewritten (binary-compatible changes such as widening a VARCHAR skip the rewrite but still take the lock)",
        blocks: "reads and writes",
        rewrites_table: true,
        safe_alternative: "expand and contract: add a new column of the new type, backfill it in batches, write both from the application, switch reads to it, then drop the old column",
        flags: column_type_change,
    },
    Rule {
        id: "volatile-default",
        severity: Severity::Warning,
        lock: "ACCESS EXCLUSIVE on the table, while every row is rewritten with its own value",
        blocks: "reads and writes",
        rewrites_table: true,
        safe_alternative: "add the column without a default (or with a constant one, which PostgreSQL 11+ stores without a rewrite), `ALTER COLUMN ... SET DEFAULT` for new rows, and backfill existing rows in batches",
        flags: volatile_default,
    },
    Rule {
        id: "not-null-column-without-default",
        severity: Severity::Warning,
        lock: "ACCESS EXCLUSIVE on the table, a moment: PostgreSQL refuses the column when the table has rows (\"column contains null values\")",
        blocks: "nothing for long; the revision fails on a table that has rows",
        rewrites_table: false,
        safe_alternative: NOT_NULL_COLUMN_FIX,
        flags: not_null_column_without_default,
    },
];

/// `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY` or `REINDEX ...
/// CONCURRENTLY` in a revision that runs in a transaction.
fn concurrently_in_transaction(clause: &Clause<'_>, context: &Context<'_>) -> bool {
    let statement = clause.statement;
    clause.table.is_none()
        && context.transactional
        && statement.has("CONCURRENTLY")
        && (is_create_index(statement)
            || statement.starts_with(&["DROP", "INDEX"])
            || statement.starts_with(&["REINDEX"]))
}

fn is_create_index(statement: &Statement) -> bool {
    statement.starts_with(&["CREATE", "INDEX"])
        || statement.starts_with(&["CREATE", "UNIQUE", "INDEX"])
}

fn create_index_without_concurrently(clause: &Clause<'_>, context: &Context<'_>) -> bool {
    let statement = clause.statement;
    clause.table.is_none()
        && is_create_index(statement)
        && !statement.has("CONCURRENTLY")
        && !statement
            .table_after_on()
            .is_some_and(|table| context.created_before(&table, clause.at))
}

fn drop_index_without_concurrently(clause: &Clause<'_>, _: &Context<'_>) -> bool {
    clause.table.is_none()
        && clause.statement.starts_with(&["DROP", "INDEX"])
        && !clause.statement.has("CONCURRENTLY")
}

/// `ADD [CONSTRAINT name] <kind>`: an added table constraint of this kind
/// (`FOREIGN`, `CHECK`, `UNIQUE`, `PRIMARY`), not a column.
fn adds_constraint(tokens: &[Token], kind: &str) -> bool {
    let after_add = if starts_with(tokens, &["ADD", "CONSTRAINT"]) {
        3
    } else {
        1
    };
    tokens.get(after_add).is_some_and(|token| token.is(kind))
}

/// `ADD [COLUMN] name type ...`.
fn adds_column(tokens: &[Token]) -> bool {
    starts_with(tokens, &["ADD"])
        && ![
            "CONSTRAINT",
            "FOREIGN",
            "CHECK",
            "UNIQUE",
            "PRIMARY",
            "EXCLUDE",
        ]
        .iter()
        .any(|word| tokens.get(1).is_some_and(|token| token.is(word)))
}

fn foreign_key_without_not_valid(clause: &Clause<'_>, context: &Context<'_>) -> bool {
    let tokens = clause.tokens;
    adds_to_existing_table(clause, context)
        && ((adds_constraint(tokens, "FOREIGN") && !has_sequence(tokens, &["NOT", "VALID"]))
            || (adds_column(tokens) && has(tokens, "REFERENCES")))
}

fn check_without_not_valid(clause: &Clause<'_>, context: &Context<'_>) -> bool {
    adds_to_existing_table(clause, context)
        && adds_constraint(clause.tokens, "CHECK")
        && !has_sequence(clause.tokens, &["NOT", "VALID"])
}

fn validate_in_the_same_transaction(clause: &Clause<'_>, context: &Context<'_>) -> bool {
    let (Some(table), Some(name)) = (clause.table, constraint_name(clause.tokens)) else {
        return false;
    };
    context.transactional
        && starts_with(clause.tokens, &["VALIDATE", "CONSTRAINT"])
        && context.statements[..clause.at].iter().any(|statement| {
            statement.alter_table().is_some_and(|(added_to, actions)| {
                added_to == table
                    && actions.iter().any(|action| {
                        starts_with(action, &["ADD", "CONSTRAINT"])
                            && has_sequence(action, &["NOT", "VALID"])
                            && constraint_name(action).as_deref() == Some(name.as_str())
                    })
            })
        })
}

fn unique_without_index(clause: &Clause<'_>, context: &Context<'_>) -> bool {
    let tokens = clause.tokens;
    adds_to_existing_table(clause, context)
        && ((adds_constraint(tokens, "UNIQUE") && !has_sequence(tokens, &["USING", "INDEX"]))
            || (adds_column(tokens) && has(tokens, "UNIQUE")))
}

fn primary_key_without_index(clause: &Clause<'_>, context: &Context<'_>) -> bool {
    let tokens = clause.tokens;
    adds_to_existing_table(clause, context)
        && ((adds_constraint(tokens, "PRIMARY") && !has_sequence(tokens, &["USING", "INDEX"]))
            || (adds_column(tokens) && has_sequence(tokens, &["PRIMARY", "KEY"])))
}

/// `SET NOT NULL` scans every row unless a validated `CHECK (col IS NOT
/// NULL)` proves it needless. Safe when the revision validates such a check
/// on the table first: one it adds itself as `CHECK (col IS NOT NULL)`, or
/// one added by an earlier revision (which the lint cannot see).
fn set_not_null_without_check(clause: &Clause<'_>, context: &Context<'_>) -> bool {
    let Some(table) = clause.table else {
        return false;
    };
    let tokens = clause.tokens;
    if !starts_with(tokens, &["ALTER"]) || !has_sequence(tokens, &["SET", "NOT", "NULL"]) {
        return false;
    }
    let column_at = if starts_with(tokens, &["ALTER", "COLUMN"]) {
        2
    } else {
        1
    };
    let Some(column) = tokens.get(column_at).map(Token::name) else {
        return false;
    };
    let added_here = |name: &str| {
        context.statements[..clause.at]
            .iter()
            .filter_map(Statement::alter_table)
            .filter(|(added_to, _)| added_to == table)
            .flat_map(|(_, actions)| {
                actions
                    .into_iter()
                    .map(<[Token]>::to_vec)
                    .collect::<Vec<_>>()
            })
            .find(|action| {
                starts_with(action, &["ADD", "CONSTRAINT"])
                    && constraint_name(action).as_deref() == Some(name)
            })
    };
    let proves_not_null = |name: &str| match added_here(name) {
        Some(action) => {
            adds_constraint(&action, "CHECK")
                && action.windows(4).any(|window| {
                    window[0].name() == column
                        && window[1].is("IS")
                        && window[2].is("NOT")
                        && window[3].is("NULL")
                })
        }
        None => true,
    };
    !context.created_before(table, clause.at)
        && !validations(context).any(|(at, validated_table, name)| {
            at < clause.at && validated_table == table && proves_not_null(&name)
        })
}

fn column_type_change(clause: &Clause<'_>, context: &Context<'_>) -> bool {
    let Some(table) = clause.table else {
        return false;
    };
    let tokens = clause.tokens;
    starts_with(tokens, &["ALTER"])
        && (has_sequence(tokens, &["SET", "DATA", "TYPE"]) || has(tokens, "TYPE"))
        && !context.created_before(table, clause.at)
}

fn volatile_default(clause: &Clause<'_>, context: &Context<'_>) -> bool {
    let tokens = clause.tokens;
    if !adds_to_existing_table(clause, context) || !adds_column(tokens) {
        return false;
    }
    let serial = tokens.iter().any(|token| {
        [
            "SERIAL",
            "BIGSERIAL",
            "SMALLSERIAL",
            "SERIAL4",
            "SERIAL8",
            "SERIAL2",
        ]
        .iter()
        .any(|word| token.is(word))
    });
    let stored = has(tokens, "GENERATED") && has(tokens, "STORED");
    let volatile_call = tokens
        .iter()
        .position(|token| token.is("DEFAULT"))
        .is_some_and(|default| calls_volatile(&tokens[default + 1..]));
    serial || stored || volatile_call
}

/// `ADD [COLUMN] c type NOT NULL` with no default on a table that has
/// rows: PostgreSQL refuses it.
fn not_null_column_without_default(clause: &Clause<'_>, context: &Context<'_>) -> bool {
    adds_to_existing_table(clause, context)
        && adds_column(clause.tokens)
        && not_null_without_default(clause.tokens)
}

/// Whether tokens call a function not known to be stable or immutable.
fn calls_volatile(tokens: &[Token]) -> bool {
    tokens.windows(2).any(|pair| {
        pair[0].kind == Kind::Word && pair[1].is_punct('(') && !is_stable_function(&pair[0].text)
    })
}
