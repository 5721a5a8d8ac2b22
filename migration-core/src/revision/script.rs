//! Data migrations inside an up or down section: the directives that run
//! something other than one SQL statement.
//!
//! ```sql
//! -- retort:up
//! ALTER TABLE users ADD COLUMN email VARCHAR(255);
//! -- retort:run fill_emails
//! -- retort:backfill table=users key=id batch=1000 pause=50ms
//! UPDATE users SET email = username || '@example.com' WHERE email IS NULL AND {batch};
//! ```
//!
//! - `-- retort:run NAME` runs the Rust function registered under `NAME`
//!   with `Migrator::step`, after the SQL before the line and before the
//!   SQL after it.
//! - `-- retort:backfill table=T key=K [batch=N] [pause=D]` runs the one
//!   statement after it once per range of the integer column `K` of table
//!   `T`, `{batch}` replaced by `K >= lo AND K < hi`, each range in a short
//!   transaction of its own, sleeping `D` (`50ms`, `1s`, `0`) between them.
//!
//! The lines stay in the section's text, so the checksum covers them.

use std::time::Duration;

use super::file::DIRECTIVE;
use super::split::split_statements;
use crate::backend::BackendKind;

/// The directive key of a Rust step.
pub(super) const RUN: &str = "run";
/// The directive key of a batched backfill.
pub(super) const BACKFILL: &str = "backfill";
pub use crate::backend::BATCH_PLACEHOLDER;

/// The keys of a backfill directive, for the error on an unknown one.
const BACKFILL_KEYS: &str = "table, key, batch, pause";
/// The batch size when the directive names none.
const DEFAULT_BATCH: i64 = 1000;

/// A backfill directive: which table and key to walk, in ranges how wide,
/// with what pause between them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backfill {
    /// The table, as written (`users`, or `shop.users`).
    pub table: String,
    /// The integer key column the ranges are taken on.
    pub key: String,
    /// How many key values one batch covers.
    pub batch: i64,
    /// How long to sleep between batches.
    pub pause: Duration,
}

impl Backfill {
    /// The table's schema and name (`shop.users` -> `(Some("shop"),
    /// "users")`).
    pub fn table_parts(&self) -> (Option<&str>, &str) {
        match self.table.split_once('.') {
            Some((schema, name)) => (Some(schema), name),
            None => (None, &self.table),
        }
    }
}

/// One thing a section does, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// One SQL statement.
    Sql(String),
    /// A Rust step, by the name it was registered under.
    Run(String),
    /// A batched backfill and its statement (holding `{batch}`).
    Backfill {
        /// The directive.
        backfill: Backfill,
        /// The statement it runs per batch.
        statement: String,
    },
}

impl Action {
    /// The action as one line of text, for messages and the version
    /// table's failed statement: the SQL, or the directive line.
    pub fn describe(&self) -> String {
        match self {
            Action::Sql(sql) => sql.clone(),
            Action::Run(name) => format!("{DIRECTIVE}{RUN} {name}"),
            Action::Backfill { statement, .. } => statement.clone(),
        }
    }
}

/// The name of the step a `-- retort:run NAME` line (as the runner's
/// statement lists carry it, see [`script_statements`]) runs.
pub fn step_name(statement: &str) -> Option<&str> {
    statement
        .strip_prefix(DIRECTIVE)?
        .strip_prefix(RUN)?
        .strip_prefix(' ')
        .filter(|name| is_step_name(name))
}

/// Whether a section runs a backfill.
pub fn has_backfill(sql: &str) -> bool {
    sql.lines()
        .any(|line| directive_key(line) == Some(BACKFILL))
}

/// The names of the steps a section runs, in order.
pub fn step_names(sql: &str) -> Vec<&str> {
    sql.lines()
        .filter_map(|line| {
            let rest = line.trim_end().strip_prefix(DIRECTIVE)?;
            let (key, value) = rest.split_once(char::is_whitespace)?;
            (key == RUN).then(|| value.trim())
        })
        .collect()
}

/// A section's actions, in order. The parser has checked every directive
/// (see `check_section`); a malformed one here is an error all the same.
///
/// # Errors
///
/// The line of the section (counting from 0) and what is wrong there.
pub fn actions(sql: &str, kind: BackendKind) -> Result<Vec<Action>, (usize, String)> {
    let mut actions = Vec::new();
    let mut chunk = String::new();
    let mut pending: Option<(usize, Backfill)> = None;
    let flush = |chunk: &mut String,
                 pending: &mut Option<(usize, Backfill)>,
                 actions: &mut Vec<Action>|
     -> Result<(), (usize, String)> {
        let mut statements = split_statements(chunk, kind).into_iter();
        chunk.clear();
        if let Some((line, backfill)) = pending.take() {
            let statement = statements.next().ok_or_else(|| {
                (
                    line,
                    format!("`{DIRECTIVE}{BACKFILL}` must be followed by the statement it runs per batch, before any other directive"),
                )
            })?;
            if statement.matches(BATCH_PLACEHOLDER).count() > 1 {
                return Err((
                    line,
                    format!("the statement after `{DIRECTIVE}{BACKFILL}` has `{BATCH_PLACEHOLDER}` more than once: write it once, where each batch's key range goes"),
                ));
            }
            if !statement.contains(BATCH_PLACEHOLDER) {
                return Err((
                    line,
                    format!("the statement after `{DIRECTIVE}{BACKFILL}` has no `{BATCH_PLACEHOLDER}`: write `... WHERE <condition> AND {BATCH_PLACEHOLDER}` where each batch's key range goes"),
                ));
            }
            actions.push(Action::Backfill {
                backfill,
                statement,
            });
        }
        actions.extend(statements.map(Action::Sql));
        Ok(())
    };
    for (line_at, line) in sql.lines().enumerate() {
        let Some(key) = directive_key(line) else {
            chunk.push_str(line);
            chunk.push('\n');
            continue;
        };
        let value = line.trim_end()[DIRECTIVE.len() + key.len()..].trim();
        flush(&mut chunk, &mut pending, &mut actions)?;
        match key {
            RUN => {
                if !is_step_name(value) {
                    return Err((
                        line_at,
                        format!("`{DIRECTIVE}{RUN}` takes the name a step is registered under (letters, digits, `_`, `-`, `.` or `:`), not `{value}`"),
                    ));
                }
                actions.push(Action::Run(value.to_owned()));
            }
            _ => {
                let backfill = parse_backfill(value).map_err(|problem| (line_at, problem))?;
                pending = Some((line_at, backfill));
            }
        }
    }
    flush(&mut chunk, &mut pending, &mut actions)?;
    Ok(actions)
}

/// Checks the directives of a section as the parser reads it, so a
/// malformed one is refused when the file is read.
///
/// # Errors
///
/// As for [`actions`].
pub(super) fn check_section(sql: &str, kind: BackendKind) -> Result<(), (usize, String)> {
    if sql.lines().any(|line| directive_key(line).is_some()) {
        actions(sql, kind)?;
    }
    Ok(())
}

/// The statements of a section as the runner runs them one by one: each
/// SQL statement, and each `-- retort:run NAME` line as a statement of its
/// own (see [`step_name`]). A backfill comes as its directive line and
/// statement together; the runner gives revisions with a backfill a path
/// of their own.
pub fn script_statements(sql: &str, kind: BackendKind) -> Vec<String> {
    if !sql.lines().any(|line| directive_key(line).is_some()) {
        return split_statements(sql, kind);
    }
    match actions(sql, kind) {
        Ok(actions) => actions
            .into_iter()
            .map(|action| match action {
                // The offline script knows this form.
                Action::Backfill { statement, .. } => {
                    format!("{DIRECTIVE}{BACKFILL}\n{statement}")
                }
                other => other.describe(),
            })
            .collect(),
        // The parser refused such a file; keep the plain split.
        Err(_) => split_statements(sql, kind),
    }
}

/// The key of a data-migration directive line (`run` or `backfill`).
fn directive_key(line: &str) -> Option<&'static str> {
    let rest = line.trim_end().strip_prefix(DIRECTIVE)?;
    let key = rest.split(char::is_whitespace).next().unwrap_or_default();
    [RUN, BACKFILL].into_iter().find(|known| *known == key)
}

/// Whether `name` can name a step.
fn is_step_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
}

/// The directive line of a backfill of `table` (`schema.name` or `name`)
/// in ranges of `batch` values of its integer column `key`; `None` when a
/// name cannot be written in the directive (it holds white space, `=` or
/// punctuation other than `_` and `$`).
pub(crate) fn backfill_directive(table: &str, key: &str, batch: i64) -> Option<String> {
    (is_identifier_path(table) && is_identifier_path(key) && !key.contains('.'))
        .then(|| format!("{DIRECTIVE}{BACKFILL} table={table} key={key} batch={batch}"))
}

/// Reads `table=users key=id batch=1000 pause=50ms`.
fn parse_backfill(value: &str) -> Result<Backfill, String> {
    let (mut table, mut key, mut batch, mut pause) = (None, None, None, None);
    for pair in value.split_whitespace() {
        let Some((name, setting)) = pair.split_once('=') else {
            return Err(format!(
                "`{pair}` in `{DIRECTIVE}{BACKFILL}` is not `key=value`; the keys are {BACKFILL_KEYS}"
            ));
        };
        let slot = match name {
            "table" => &mut table,
            "key" => &mut key,
            "batch" => &mut batch,
            "pause" => &mut pause,
            other => {
                return Err(format!(
                    "unknown key `{other}` in `{DIRECTIVE}{BACKFILL}`; the keys are {BACKFILL_KEYS}"
                ))
            }
        };
        if slot.replace(setting).is_some() {
            return Err(format!(
                "`{name}` is given twice in `{DIRECTIVE}{BACKFILL}`"
            ));
        }
    }
    let table = table
        .filter(|table| is_identifier_path(table))
        .ok_or_else(|| format!("`{DIRECTIVE}{BACKFILL}` needs `table=NAME` (or `table=SCHEMA.NAME`): the table the batches walk"))?;
    let key = key.ok_or_else(|| {
        format!("`{DIRECTIVE}{BACKFILL}` needs `key=COLUMN`: the integer column the batches are ranges of, such as the primary key")
    })?;
    if key.contains(',') {
        return Err(format!(
            "`key={key}` is a composite key, which a backfill cannot range over: name one integer column of {table} whose values spread the rows (the first column of the key, or an identity column added for the purpose)"
        ));
    }
    if !is_identifier_path(key) || key.contains('.') {
        return Err(format!(
            "`key={key}` is not a column name: name one integer column of {table}"
        ));
    }
    let batch = match batch {
        None => DEFAULT_BATCH,
        Some(batch) => batch.parse().ok().filter(|batch: &i64| *batch > 0).ok_or_else(|| {
            format!("`batch={batch}` is not a positive whole number: how many key values one batch covers, such as 1000")
        })?,
    };
    let pause = match pause {
        None => Duration::ZERO,
        Some(pause) => parse_pause(pause).ok_or_else(|| {
            format!("`pause={pause}` is not a duration: write milliseconds or seconds, such as 50ms, 1s or 0")
        })?,
    };
    Ok(Backfill {
        table: table.to_owned(),
        key: key.to_owned(),
        batch,
        pause,
    })
}

/// `50ms`, `2s`, `0`.
fn parse_pause(pause: &str) -> Option<Duration> {
    if pause == "0" {
        return Some(Duration::ZERO);
    }
    if let Some(millis) = pause.strip_suffix("ms") {
        return millis.parse().ok().map(Duration::from_millis);
    }
    let seconds: f64 = pause.strip_suffix('s')?.parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds))
}

/// A name, or `schema.name`, of letters, digits and `_`.
fn is_identifier_path(text: &str) -> bool {
    !text.is_empty()
        && text.split('.').count() <= 2
        && text.split('.').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIND: BackendKind = BackendKind::Postgres;

    #[test]
    fn steps_and_backfills_split_the_section_in_order() {
        let sql = "ALTER TABLE users ADD COLUMN email TEXT;\n-- retort:run fill_emails\nSELECT 1;\n-- retort:backfill table=users key=id batch=500 pause=50ms\nUPDATE users SET email = 'x' WHERE {batch};\nSELECT 2;\n";
        assert_eq!(
            actions(sql, KIND).unwrap(),
            [
                Action::Sql("ALTER TABLE users ADD COLUMN email TEXT".into()),
                Action::Run("fill_emails".into()),
                Action::Sql("SELECT 1".into()),
                Action::Backfill {
                    backfill: Backfill {
                        table: "users".into(),
                        key: "id".into(),
                        batch: 500,
                        pause: Duration::from_millis(50),
                    },
                    statement: "UPDATE users SET email = 'x' WHERE {batch}".into(),
                },
                Action::Sql("SELECT 2".into()),
            ]
        );
        assert!(has_backfill(sql));
        assert_eq!(step_names(sql), ["fill_emails"]);
        let statements = script_statements(sql, KIND);
        assert_eq!(step_name(&statements[1]), Some("fill_emails"));
        assert_eq!(step_name(&statements[0]), None);
        assert_eq!(statements.len(), 5);
        // A section without directives splits as before.
        assert_eq!(
            script_statements("SELECT 1; SELECT 2", KIND),
            ["SELECT 1", "SELECT 2"]
        );
    }

    #[test]
    fn defaults_and_durations() {
        let backfill = parse_backfill("table=shop.users key=id").unwrap();
        assert_eq!((backfill.batch, backfill.pause), (1000, Duration::ZERO));
        assert_eq!(backfill.table_parts(), (Some("shop"), "users"));
        assert_eq!(parse_pause("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_pause("soon"), None);
    }

    #[test]
    fn malformed_directives_say_what_to_write() {
        let problem = |value: &str| parse_backfill(value).unwrap_err();
        assert!(problem("key=id").contains("needs `table=NAME`"));
        assert!(problem("table=users").contains("needs `key=COLUMN`"));
        assert!(problem("table=users key=a,b").contains("composite key"));
        assert!(problem("table=users key=id batch=0").contains("positive whole number"));
        assert!(problem("table=users key=id pause=fast").contains("50ms"));
        assert!(problem("table=users key=id size=3").contains("table, key, batch, pause"));
        assert!(problem("table=users key=id key=id").contains("given twice"));
        let (line, problem) = actions(
            "-- retort:backfill table=t key=id\nUPDATE t SET a = 1;\n",
            KIND,
        )
        .unwrap_err();
        assert_eq!(line, 0);
        assert!(problem.contains("{batch}"), "{problem}");
        let (line, problem) = actions(
            "SELECT 1;\n-- retort:backfill table=t key=id\n-- retort:run x\n",
            KIND,
        )
        .unwrap_err();
        assert_eq!(line, 1);
        assert!(problem.contains("must be followed"), "{problem}");
        let (_, problem) = actions("-- retort:run two words\n", KIND).unwrap_err();
        assert!(problem.contains("`two words`"), "{problem}");
    }
}
