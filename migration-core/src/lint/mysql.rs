//! MySQL's and MariaDB's rules (InnoDB), one function each, and the table
//! that describes them.
//!
//! InnoDB makes most changes in place while reads and writes go on, some
//! instantly, and the rest by copying the table while writes wait. Which
//! one a statement gets is the server's choice unless the statement asks:
//! with `ALGORITHM=INSTANT`, or `LOCK=NONE` (with `ALGORITHM=INPLACE`, as
//! retort's online rendering writes), the server makes the change without
//! blocking writes or refuses it with an error, never silently copying.
//! So the rules flag two things: changes only a copy (or a full rebuild)
//! can make, whatever the statement asks, and statements that leave the
//! choice to the server.
//!
//! Calibrated on MariaDB 10.11 (`tests/online/lint_mysql.rs`): what these rules
//! call copying, the server refuses with `ALGORITHM=INPLACE, LOCK=NONE`,
//! and what they call safe with those clauses, it accepts.

use super::rules::{
    adds_to_existing_table, not_null_without_default, Clause, Context, Rule, NOT_NULL_COLUMN_FIX,
};
use super::statement::{has, has_sequence, qualified_name, starts_with, Kind, Statement, Token};
use super::Severity;

/// Every rule, in the order findings for one clause are reported.
pub(crate) const RULES: &[Rule] = &[
    Rule {
        id: "column-type-change",
        severity: Severity::Warning,
        lock: "a copy of the table (ALGORITHM=COPY) when the column's type or AUTO_INCREMENT changes, under a lock that blocks writes until the copy ends; MODIFY and CHANGE repeat the whole column, so without an ALGORITHM clause nothing tells a type change from a new default, comment or nullability",
        blocks: "writes (reads go on)",
        rewrites_table: true,
        safe_alternative: "end the statement with `, ALGORITHM=INPLACE, LOCK=NONE`: a new default, comment or nullability (or a VARCHAR the server can widen in place) then runs while writes go on, and a type change is refused instead of copied; make that one by expand and contract (add a column of the new type, backfill it in batches, switch the application to it, drop the old one) or with an online schema change tool (gh-ost, pt-online-schema-change)",
        flags: column_type_change,
    },
    Rule {
        id: "foreign-key-with-checks-on",
        severity: Severity::Warning,
        lock: "a copy of the table (ALGORITHM=COPY) while every row is checked against the referenced table: InnoDB adds a foreign key in place only with foreign_key_checks off (asked for ALGORITHM=INPLACE or LOCK=NONE, the server refuses the statement instead)",
        blocks: "writes to the table",
        rewrites_table: true,
        safe_alternative: "check first that no row lacks its referenced row, then `SET foreign_key_checks = 0;` before `ALTER TABLE ... ADD CONSTRAINT fk FOREIGN KEY (...) REFERENCES ..., ALGORITHM=INPLACE, LOCK=NONE` and `SET foreign_key_checks = 1;` after: InnoDB then adds the key in place, without reading the rows",
        flags: foreign_key_with_checks_on,
    },
    Rule {
        id: "add-check-constraint",
        severity: Severity::Warning,
        lock: "a copy of the table (ALGORITHM=COPY) while every row is checked: neither MySQL nor MariaDB adds a check in place (asked for ALGORITHM=INPLACE or LOCK=NONE, the server refuses the statement instead)",
        blocks: "writes",
        rewrites_table: true,
        safe_alternative: "there is no NOT VALID on MySQL: enforce the rule in the application until an online schema change tool (gh-ost, pt-online-schema-change) can add the check off-peak",
        flags: add_check_constraint,
    },
    Rule {
        id: "drop-primary-key",
        severity: Severity::Warning,
        lock: "a copy of the table (ALGORITHM=COPY): InnoDB rebuilds its clustered index in place only when the same statement adds the new primary key (asked for ALGORITHM=INPLACE or LOCK=NONE, the server refuses the statement instead)",
        blocks: "writes",
        rewrites_table: true,
        safe_alternative: "drop and add the key in one statement: `ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (...), ALGORITHM=INPLACE, LOCK=NONE` (rebuilt in place while writes go on)",
        flags: drop_primary_key,
    },
    Rule {
        id: "table-rebuild",
        severity: Severity::Warning,
        lock: "an exclusive metadata lock at the start and the end, and every row and index rewritten in between: in place with concurrent writes logged where the server can, a copy that blocks writes where it cannot",
        blocks: "reads and writes while the exclusive lock is waited for and held; writes for the whole rebuild when it copies",
        rewrites_table: true,
        safe_alternative: "leave rebuilds (OPTIMIZE TABLE, ALTER TABLE ... FORCE or ENGINE=) out of migrations: run them off-peak with `ALGORITHM=INPLACE, LOCK=NONE`, or through an online schema change tool (gh-ost, pt-online-schema-change)",
        flags: table_rebuild,
    },
    Rule {
        id: "alter-table-without-online-algorithm",
        severity: Severity::Warning,
        lock: "whichever the server picks: instant or in place where it can, but a copy of the table (ALGORITHM=COPY) or a SHARED lock for the whole change where it cannot, without an error",
        blocks: "writes, whenever the server falls back to a copy or a shared lock",
        rewrites_table: false,
        safe_alternative: "end the statement with `, ALGORITHM=INSTANT` (adding a column: MySQL 8.0, MariaDB 10.3+) or `, ALGORITHM=INPLACE, LOCK=NONE`: the server then makes the change while writes go on, or refuses it with an error instead of copying the table",
        flags: alter_table_without_online_algorithm,
    },
    Rule {
        id: "create-index-without-online-algorithm",
        severity: Severity::Warning,
        lock: "whichever the server picks: in place while writes go on for a plain index, but a SHARED lock (or a table copy) for the whole build where it cannot, without an error",
        blocks: "writes, whenever the server falls back to a shared lock or a copy",
        rewrites_table: false,
        safe_alternative: "end the statement with `ALGORITHM=INPLACE LOCK=NONE`: the server then builds the index while writes go on, or refuses with an error",
        flags: create_index_without_online_algorithm,
    },
    Rule {
        id: "not-null-column-without-default",
        severity: Severity::Warning,
        lock: "none beyond the `ALTER TABLE`'s own: the server fills the rows the table has with the type's implicit default (0, '', a zero date) instead of a value the application chose",
        blocks: "nothing more; the existing rows hold a value nobody wrote",
        rewrites_table: false,
        safe_alternative: NOT_NULL_COLUMN_FIX,
        flags: not_null_column_without_default,
    },
];

/// Whether a statement asks for a change that does not block writes:
/// `ALGORITHM=INSTANT`, `LOCK=NONE` (the server refuses a copy under it:
/// "COPY algorithm requires a lock") or MariaDB's `ALTER ONLINE TABLE`,
/// which means `LOCK=NONE`.
fn asks_for_online(statement: &Statement) -> bool {
    let tokens = &statement.tokens;
    option_is(tokens, "ALGORITHM", "INSTANT")
        || option_is(tokens, "LOCK", "NONE")
        || starts_with(tokens, &["ALTER", "ONLINE"])
}

/// Whether `tokens` hold `option [=] value`.
fn option_is(tokens: &[Token], option: &str, value: &str) -> bool {
    tokens.iter().enumerate().any(|(at, token)| {
        token.is(option) && {
            let value_at =
                at + 1 + usize::from(tokens.get(at + 1).is_some_and(|t| t.is_punct('=')));
            tokens.get(value_at).is_some_and(|token| token.is(value))
        }
    })
}

/// An action of an `ALTER TABLE` on a table that existed before the
/// revision.
fn alters_existing_table(clause: &Clause<'_>, context: &Context<'_>) -> bool {
    clause
        .table
        .is_some_and(|table| !context.created_before(table, clause.at))
}

/// The constraint an `ADD [CONSTRAINT [name]] <kind> ...` action adds:
/// `FOREIGN`, `CHECK`, `UNIQUE`, `PRIMARY`, or `None` for anything else.
/// MySQL lets the name go, unlike PostgreSQL.
fn added_constraint(tokens: &[Token]) -> Option<&Token> {
    const KINDS: &[&str] = &["FOREIGN", "CHECK", "UNIQUE", "PRIMARY"];
    let is_kind = |token: &&Token| KINDS.iter().any(|kind| token.is(kind));
    if !starts_with(tokens, &["ADD"]) {
        return None;
    }
    if !starts_with(tokens, &["ADD", "CONSTRAINT"]) {
        return tokens.get(1).filter(is_kind);
    }
    tokens
        .get(2)
        .filter(is_kind)
        .or_else(|| tokens.get(3).filter(is_kind))
}

/// `ADD [COLUMN] name type ...`: not an index, key, constraint or
/// partition.
fn adds_column(tokens: &[Token]) -> bool {
    const NOT_COLUMNS: &[&str] = &[
        "CONSTRAINT",
        "FOREIGN",
        "CHECK",
        "UNIQUE",
        "PRIMARY",
        "INDEX",
        "KEY",
        "FULLTEXT",
        "SPATIAL",
        "PARTITION",
        "PERIOD",
        "SYSTEM",
    ];
    starts_with(tokens, &["ADD"])
        && !tokens
            .get(1)
            .is_some_and(|token| NOT_COLUMNS.iter().any(|word| token.is(word)))
}

/// `MODIFY` or `CHANGE` of a column, or `CONVERT TO CHARACTER SET` (which
/// changes every text column's type), in a statement that leaves the
/// algorithm to the server.
fn column_type_change(clause: &Clause<'_>, context: &Context<'_>) -> bool {
    let tokens = clause.tokens;
    alters_existing_table(clause, context)
        && (starts_with(tokens, &["MODIFY"])
            || starts_with(tokens, &["CHANGE"])
            || starts_with(tokens, &["CONVERT", "TO"]))
        && !asks_for_online(clause.statement)
}

/// Whether the revision's last `SET foreign_key_checks` before position
/// `at` turned the checks off for the session.
fn foreign_key_checks_off(context: &Context<'_>, at: usize) -> bool {
    context.statements[..at]
        .iter()
        .rev()
        .filter(|statement| statement.starts_with(&["SET"]) && !statement.has("GLOBAL"))
        .find_map(|statement| {
            let tokens = &statement.tokens;
            let setting = tokens
                .iter()
                .position(|token| token.is("FOREIGN_KEY_CHECKS"))?;
            let value = tokens[setting + 1..]
                .iter()
                .find(|token| !token.is_punct('=') && !token.is_punct(':'))?;
            Some(value.text == "0" || value.is("OFF") || value.is("FALSE"))
        })
        .unwrap_or(false)
}

/// `ADD [CONSTRAINT [name]] FOREIGN KEY`, or a column added with
/// `REFERENCES` (MariaDB makes that a foreign key too), while the session
/// checks foreign keys.
fn foreign_key_with_checks_on(clause: &Clause<'_>, context: &Context<'_>) -> bool {
    let tokens = clause.tokens;
    adds_to_existing_table(clause, context)
        && (added_constraint(tokens).is_some_and(|kind| kind.is("FOREIGN"))
            || (adds_column(tokens) && has(tokens, "REFERENCES")))
        && !foreign_key_checks_off(context, clause.at)
}

/// `ADD [CONSTRAINT [name]] CHECK (...)`, or a column added with a check.
fn add_check_constraint(clause: &Clause<'_>, context: &Context<'_>) -> bool {
    let tokens = clause.tokens;
    adds_to_existing_table(clause, context)
        && (added_constraint(tokens).is_some_and(|kind| kind.is("CHECK"))
            || (adds_column(tokens) && has(tokens, "CHECK")))
}

/// `DROP PRIMARY KEY` (or dropping the index named `PRIMARY`) without
/// adding the new key in the same statement.
fn drop_primary_key(clause: &Clause<'_>, context: &Context<'_>) -> bool {
    let tokens = clause.tokens;
    let names_primary = |at: usize| {
        tokens.get(at).is_some_and(|name| {
            name.kind == Kind::Quoted && name.text.eq_ignore_ascii_case("PRIMARY")
        })
    };
    if clause.table.is_none() {
        // `DROP INDEX `PRIMARY` ON t`.
        return starts_with(tokens, &["DROP", "INDEX"])
            && names_primary(2)
            && clause
                .statement
                .table_after_on()
                .is_some_and(|table| !context.created_before(&table, clause.at));
    }
    let adds_primary = clause.statement.alter_table().is_some_and(|(_, actions)| {
        actions
            .iter()
            .any(|action| added_constraint(action).is_some_and(|kind| kind.is("PRIMARY")))
    });
    (starts_with(tokens, &["DROP", "PRIMARY", "KEY"])
        || (starts_with(tokens, &["DROP", "INDEX"]) && names_primary(2)))
        && !adds_primary
        && alters_existing_table(clause, context)
}

/// `OPTIMIZE TABLE`, and `ALTER TABLE ... FORCE` or `ENGINE=`, which
/// rebuild the whole table whatever they ask for.
fn table_rebuild(clause: &Clause<'_>, context: &Context<'_>) -> bool {
    let tokens = clause.tokens;
    if clause.table.is_some() {
        let engine = starts_with(tokens, &["ENGINE"])
            || tokens
                .windows(2)
                .any(|pair| pair[0].is("ENGINE") && pair[1].is_punct('='));
        return alters_existing_table(clause, context)
            && (starts_with(tokens, &["FORCE"]) || engine);
    }
    let Some(table) = tokens.iter().position(|token| token.is("TABLE")) else {
        return false;
    };
    starts_with(tokens, &["OPTIMIZE"])
        && tokens[table + 1..]
            .split(|token| token.is_punct(','))
            .filter_map(|name| qualified_name(name, 0))
            .any(|(name, _)| !context.created_before(&name, clause.at))
}

/// Whether some action of an `ALTER TABLE` makes a change that copies or
/// rebuilds the table whatever the statement asks for: a rule that says
/// it rewrites the table flags it, and its finding says so.
fn copies(statement: &Statement, at: usize, table: &str, context: &Context<'_>) -> bool {
    let Some((_, actions)) = statement.alter_table() else {
        return false;
    };
    actions.iter().any(|tokens| {
        let clause = Clause {
            statement,
            at,
            tokens,
            table: Some(table),
        };
        RULES
            .iter()
            .filter(|rule| rule.rewrites_table)
            .any(|rule| (rule.flags)(&clause, context))
    })
}

/// Actions that change only metadata on every MySQL and MariaDB version
/// retort supports, so the server never copies the table for them:
/// renames, a table comment, defaults, and dropping an index, key or
/// constraint. (And the `ALGORITHM` and `LOCK` options themselves.)
fn changes_metadata_only(tokens: &[Token]) -> bool {
    let drops_key = starts_with(tokens, &["DROP"])
        && ["INDEX", "KEY", "FOREIGN", "CONSTRAINT", "CHECK"]
            .iter()
            .any(|word| tokens.get(1).is_some_and(|token| token.is(word)));
    let default_only = starts_with(tokens, &["ALTER"])
        && (has_sequence(tokens, &["SET", "DEFAULT"])
            || has_sequence(tokens, &["DROP", "DEFAULT"]));
    // `COMMENT [=] '...'` alone: other table options may follow it
    // without a comma.
    let comment_only = starts_with(tokens, &["COMMENT"])
        && tokens.len() <= 3
        && tokens
            .last()
            .is_some_and(|token| token.kind == Kind::Literal);
    tokens.is_empty()
        || drops_key
        || default_only
        || comment_only
        || ["RENAME", "ALGORITHM", "LOCK"]
            .iter()
            .any(|word| starts_with(tokens, &[word]))
}

/// An `ALTER TABLE` that leaves the algorithm to the server, for a change
/// it can make online (the changes it cannot are the rules above).
fn alter_table_without_online_algorithm(clause: &Clause<'_>, context: &Context<'_>) -> bool {
    let statement = clause.statement;
    let Some((table, actions)) = statement.alter_table() else {
        return false;
    };
    clause.table.is_none()
        && !context.created_before(&table, clause.at)
        && !asks_for_online(statement)
        && actions.iter().any(|action| !changes_metadata_only(action))
        && !copies(statement, clause.at, &table, context)
}

/// `CREATE [UNIQUE | FULLTEXT | SPATIAL] INDEX` that leaves the algorithm
/// to the server.
fn create_index_without_online_algorithm(clause: &Clause<'_>, context: &Context<'_>) -> bool {
    const BEFORE_INDEX: &[&str] = &["UNIQUE", "FULLTEXT", "SPATIAL", "OR", "REPLACE"];
    let statement = clause.statement;
    let tokens = &statement.tokens;
    let creates_index = starts_with(tokens, &["CREATE"])
        && tokens
            .iter()
            .position(|token| token.is("INDEX"))
            .is_some_and(|index| {
                tokens[1..index]
                    .iter()
                    .all(|token| BEFORE_INDEX.iter().any(|word| token.is(word)))
            });
    clause.table.is_none()
        && creates_index
        && !asks_for_online(statement)
        && !statement
            .table_after_on()
            .is_some_and(|table| context.created_before(&table, clause.at))
}

/// `ADD [COLUMN] c type NOT NULL` with no default on a table that existed
/// before the revision: its rows get the type's implicit default.
fn not_null_column_without_default(clause: &Clause<'_>, context: &Context<'_>) -> bool {
    alters_existing_table(clause, context)
        && adds_column(clause.tokens)
        && not_null_without_default(clause.tokens)
}
