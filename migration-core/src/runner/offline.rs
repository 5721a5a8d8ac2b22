//! Offline SQL: the script a DBA applies by hand instead of running the
//! migrator (`upgrade head --sql`).
//!
//! A script must be as safe as the online run when it is applied the way
//! people apply scripts, with the database's own client:
//!
//! - **It stops at the first error.** Every script starts with the line that
//!   tells its client so (`.bail on` for the `sqlite3` shell, `\set
//!   ON_ERROR_STOP on` for `psql`); a tool that does not know the line
//!   refuses the script at it, before anything runs. The `mysql` client has
//!   no such line: it stops at the first error in batch mode (`mysql DB <
//!   script.sql`), the way the header says to run it, and goes on under
//!   `--force` or `source`, which the header warns against.
//! - **A revision that fails records nothing** where DDL is transactional:
//!   its statements and its version row commit together, and the client
//!   that stops leaves the transaction uncommitted.
//! - **Where DDL is not transactional** (MySQL, `-- retort:transaction
//!   off`), the revision's row is written as `running` before its first
//!   statement and marked `applied` after its last, as the online runner
//!   does, so a revision that stopped part-way is recorded as unfinished and
//!   the runner refuses to go on until someone repairs it.
//! - **SQLite table rebuilds** switch foreign keys off before `BEGIN` and
//!   back on after `COMMIT` (SQLite ignores the pragma inside a
//!   transaction); the rebuild's own guard checks both ends and runs
//!   `PRAGMA foreign_key_check` before the commit.

use std::fmt::Write as _;

use crate::backend::{Backend, VersionStatus, VERSION_TABLE};
use crate::revision::{
    script_statements, step_name, step_names, Revision, RevisionError, RevisionGraph, Target,
    BATCH_PLACEHOLDER,
};

/// How a script marks a Rust step it cannot run, so that a reader (and a
/// program printing the script) can find it.
pub(crate) const STEP_NOT_RUN: &str = "-- NOT RUN BY THIS SCRIPT:";

/// How the runner's statement lists carry a backfill (see
/// [`script_statements`]).
const BACKFILL_PREFIX: &str = "-- retort:backfill\n";

/// The script taking a database from `from` to `to`, in either direction.
pub(crate) fn script(
    graph: &RevisionGraph,
    backend: &dyn Backend,
    from: &str,
    to: &str,
) -> Result<String, RevisionError> {
    let mut applied = graph.stamp_set(from)?;
    let downgrade = match graph.parse_target(to)? {
        Target::Base => true,
        Target::Relative(count) => count < 0,
        Target::Revision(at) => applied[at],
        Target::Head | Target::Heads => false,
    };
    let plan = if downgrade {
        graph.downgrade_plan(&applied, to)?
    } else {
        graph.upgrade_plan(&applied, to)?
    };
    graph.check_runs_on(&plan, backend.kind(), downgrade)?;

    let mut script = Script {
        backend,
        out: String::new(),
    };
    script.header(from, to);
    let kind = backend.kind();
    let steps: Vec<String> = plan
        .iter()
        .flat_map(|&at| {
            let revision = graph.at(at);
            let sql = if downgrade {
                revision.down_sql_for(kind)
            } else {
                revision.up_sql_for(kind)
            };
            step_names(sql.unwrap_or_default())
                .into_iter()
                .map(|name| format!("`{name}` ({})", revision.id))
        })
        .collect();
    if !steps.is_empty() {
        tracing::warn!(
            "The script cannot run the Rust steps {}: the application must run each where the script says",
            steps.join(", ")
        );
        script.line(&format!(
            "-- WARNING: this script cannot run the Rust steps {}, which the application",
            steps.join(", ")
        ));
        script.line("-- registers with Migrator::step. Each is marked where it runs: apply the");
        script.line("-- script up to there, run the step, then apply the rest; or run the");
        script.line("-- migrator itself (upgrade without --sql).");
        script.line("");
    }
    for at in plan {
        script.revision(graph.at(at), downgrade);
        applied[at] = !downgrade;
    }
    Ok(script.out)
}

/// Whether a MySQL statement holds semicolons of its own (a compound
/// `BEGIN ... END` body), outside strings and comments.
fn holds_semicolons(statement: &str) -> bool {
    crate::backend::lexer::tokens(statement, crate::backend::BackendKind::Mysql)
        .any(|token| token.is_punct(statement, ';'))
}

/// A script being written for one backend.
struct Script<'b> {
    backend: &'b dyn Backend,
    out: String,
}

impl Script<'_> {
    /// Appends one line. Writing to a `String` cannot fail.
    fn line(&mut self, line: &str) {
        let _ = writeln!(self.out, "{line}");
    }

    /// Appends one statement with its terminator, on a line of its own
    /// when the statement ends in a comment that would swallow it.
    fn statement(&mut self, statement: &str) {
        if let Some(name) = step_name(statement) {
            self.line(statement);
            self.line(&format!(
                "{STEP_NOT_RUN} the Rust step `{name}` runs here; the application must run it (Migrator::step) between the statements before and after this line"
            ));
            return;
        }
        if let Some(update) = statement.strip_prefix(BACKFILL_PREFIX) {
            self.line(
                "-- retort:backfill: offline, this runs as ONE statement over the whole table,",
            );
            self.line(
                "-- holding its row locks to the end; the migrator runs it in short batches.",
            );
            self.statement(&update.replacen(BATCH_PLACEHOLDER, "1 = 1", 1));
            return;
        }
        if self.backend.kind() == crate::backend::BackendKind::Mysql && holds_semicolons(statement)
        {
            // A routine's or trigger's body: the mysql client would end the
            // statement at its first semicolon.
            self.line("DELIMITER //");
            self.line(statement);
            self.line("//");
            self.line("DELIMITER ;");
            return;
        }
        let ends_in_comment = statement
            .lines()
            .last()
            .is_some_and(|line| line.contains("--") || line.contains('#'));
        let terminator = if ends_in_comment { "\n;" } else { ";" };
        let _ = writeln!(self.out, "{statement}{terminator}");
    }

    /// What the script is, how to apply it so that it stops at the first
    /// error, the client directive that makes it stop, and the version
    /// table.
    fn header(&mut self, from: &str, to: &str) {
        let kind = self.backend.kind();
        self.line(&format!(
            "-- retort migration script for {kind}: {from} -> {to}"
        ));
        self.out.push_str(self.backend.script_preamble());
        self.line("");
        let create = self.backend.version_table_sql();
        self.statement(&create);
        self.line("");
    }

    /// One revision: its heading, its statements and its version-row
    /// change, in a transaction where the backend and the revision allow.
    fn revision(&mut self, revision: &Revision, downgrade: bool) {
        let parents = if revision.parents.is_empty() {
            "<base>".to_owned()
        } else {
            revision.parents.join(", ")
        };
        let kind = self.backend.kind();
        let (sql, heading) = if downgrade {
            (
                revision.down_sql_for(kind).unwrap_or_default(),
                format!(
                    "-- Running downgrade {} -> {parents}, {}",
                    revision.id, revision.message
                ),
            )
        } else {
            (
                revision.up_sql_for(kind).unwrap_or_default(),
                format!(
                    "-- Running upgrade {parents} -> {}, {}",
                    revision.id, revision.message
                ),
            )
        };
        self.line(&heading);
        let statements = script_statements(sql, self.backend.kind());
        if self.backend.transactional_ddl() && revision.transactional {
            self.in_transaction(revision, &statements, downgrade);
        } else {
            self.outside_transaction(revision, &statements, downgrade);
        }
        self.line("");
    }

    /// A revision committed together with its version row. A SQLite
    /// rebuild's foreign-key pragmas go before `BEGIN` and after `COMMIT`.
    fn in_transaction(&mut self, revision: &Revision, statements: &[String], downgrade: bool) {
        let (before, body, after) = crate::render::sqlite_pragmas(statements);
        for statement in before {
            self.statement(statement);
        }
        // language=SQL
        self.statement("BEGIN");
        for statement in body {
            self.statement(statement);
        }
        if downgrade {
            self.delete_row(revision);
        } else {
            self.insert_row(revision, VersionStatus::Applied);
        }
        // language=SQL
        self.statement("COMMIT");
        for statement in after {
            self.statement(statement);
        }
    }

    /// A revision whose statements commit one by one: recorded as running
    /// before the first, so one that stops part-way says so.
    fn outside_transaction(&mut self, revision: &Revision, statements: &[String], downgrade: bool) {
        if downgrade {
            self.set_status(revision, VersionStatus::Reverting);
        } else {
            self.insert_row(revision, VersionStatus::Running);
        }
        for statement in statements {
            self.statement(statement);
        }
        if downgrade {
            self.delete_row(revision);
        } else {
            self.set_status(revision, VersionStatus::Applied);
        }
    }

    fn insert_row(&mut self, revision: &Revision, status: VersionStatus) {
        let table = self.backend.quote_identifier(VERSION_TABLE);
        let literal = |value: &str| self.backend.string_literal(value);
        // language=SQL
        let insert = format!(
            "INSERT INTO {table} (revision, parents, message, checksum, execution_ms, status) VALUES ({}, {}, {}, {}, 0, {})",
            literal(&revision.id),
            literal(&revision.parents.join(" ")),
            literal(&revision.message),
            literal(revision.checksum_for(self.backend.kind())),
            literal(status.as_str()),
        );
        self.statement(&insert);
    }

    fn set_status(&mut self, revision: &Revision, status: VersionStatus) {
        let table = self.backend.quote_identifier(VERSION_TABLE);
        // language=SQL
        let update = format!(
            "UPDATE {table} SET status = {} WHERE revision = {}",
            self.backend.string_literal(status.as_str()),
            self.backend.string_literal(&revision.id),
        );
        self.statement(&update);
    }

    fn delete_row(&mut self, revision: &Revision) {
        let table = self.backend.quote_identifier(VERSION_TABLE);
        // language=SQL
        let delete = format!(
            "DELETE FROM {table} WHERE revision = {}",
            self.backend.string_literal(&revision.id)
        );
        self.statement(&delete);
    }
}
