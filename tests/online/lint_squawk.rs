//! retort's lint calibrated against squawk (`pip install squawk-cli`): on
//! the same SQL, every statement squawk flags for a lock or a table rewrite
//! is flagged by `retort::lint` too.
//!
//! Runs where `squawk` is on the PATH; required (a failure, not a skip) when
//! `RETORT_REQUIRE_SQUAWK` is set, as `scripts/test` and CI do.

use crate::online_support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use retort::{BackendKind, Migrations};

/// squawk's rules about locks and rewrites, the ones retort must match.
pub const LOCK_RULES: &[&str] = &[
    "require-concurrent-index-creation",
    "require-concurrent-index-deletion",
    "ban-concurrent-index-creation-in-transaction",
    "constraint-missing-not-valid",
    "adding-foreign-key-constraint",
    "disallowed-unique-constraint",
    "adding-serial-primary-key-field",
    "changing-column-type",
    "adding-field-with-default",
    "adding-not-nullable-field",
];

/// squawk's rules that mention locks but are not about what the statement
/// itself does to a running application:
/// - `require-lock-timeout`, `require-statement-timeout`: the runner sets
///   both around every revision (`Migrator::revision_lock_timeout`), which
///   squawk cannot see in the file;
/// - `prefer-text-field`: flags every `VARCHAR(n)` because a later change of
///   `n` would lock; the change itself is `column-type-change`.
pub const RUNNER_OR_STYLE_RULES: &[&str] = &[
    "require-lock-timeout",
    "require-statement-timeout",
    "prefer-text-field",
];

/// One squawk warning: (file line counting from 1, rule).
pub type SquawkFinding = (usize, String);

/// squawk's findings on a file, or `None` when squawk is not installed and
/// not required.
pub fn squawk(path: &Path, in_transaction: bool) -> Option<Vec<SquawkFinding>> {
    let mut command = Command::new("squawk");
    command.args(["--reporter", "json"]);
    if in_transaction {
        command.arg("--assume-in-transaction");
    }
    let output = match command.arg(path).output() {
        Ok(output) => output,
        Err(error) => {
            if std::env::var_os("RETORT_REQUIRE_SQUAWK").is_some() {
                panic!("squawk is required (RETORT_REQUIRE_SQUAWK) but cannot run: {error}; install it with `pip install squawk-cli`");
            }
            eprintln!("skipped: squawk is not installed (pip install squawk-cli)");
            return None;
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let findings: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|error| panic!("squawk's JSON: {error}: {stdout}"));
    Some(
        findings
            .as_array()
            .expect("squawk reports an array")
            .iter()
            .map(|finding| {
                let line = finding["line"].as_u64().expect("a line") as usize + 1;
                let rule = finding["rule_name"].as_str().expect("a rule").to_owned();
                (line, rule)
            })
            .collect(),
    )
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint")
}

#[test]
fn retort_flags_every_statement_squawk_flags_for_locks() {
    let migrations = Migrations::from_dir(corpus_dir()).unwrap();
    for revision in migrations.graph().unwrap().revisions() {
        let name = revision.file_name();
        let path = corpus_dir().join(name);
        let Some(squawked) = squawk(&path, revision.is_transactional()) else {
            return;
        };
        let flagged_by_squawk: BTreeSet<usize> = squawked
            .iter()
            .filter(|(_, rule)| LOCK_RULES.contains(&rule.as_str()))
            .map(|(line, _)| *line)
            .collect();
        let findings = retort::lint::lint(revision);
        let flagged_by_retort: BTreeSet<usize> =
            findings.iter().map(|finding| finding.line).collect();
        let missed: Vec<&SquawkFinding> = squawked
            .iter()
            .filter(|(line, rule)| {
                LOCK_RULES.contains(&rule.as_str()) && !flagged_by_retort.contains(line)
            })
            .collect();
        assert!(
            missed.is_empty(),
            "{name}: squawk flags these lines for locks and retort does not: {missed:?}"
        );
        assert!(
            !flagged_by_squawk.is_empty(),
            "{name}: the corpus has lock findings"
        );
        for finding in &findings {
            if !flagged_by_squawk.contains(&finding.line) {
                eprintln!(
                    "{name}:{}: retort alone flags [{}] {}",
                    finding.line, finding.rule, finding.statement
                );
            }
        }
    }
}

#[test]
fn squawk_rules_outside_the_comparison_are_named() {
    // A rule in both lists would be compared and excused at once.
    for rule in RUNNER_OR_STYLE_RULES {
        assert!(!LOCK_RULES.contains(rule), "{rule}");
    }
}

/// retort's online output for each change kind passes squawk with no lock
/// or rewrite warning, and retort's own lint agrees; a type change that
/// rewrites stays flagged by both (its step carries the expand/contract
/// warning).
#[test]
fn online_output_passes_squawk() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, after, lock_safe) in online_support::change_kinds() {
        let changes = retort::diff(&online_support::base_schema(), &after);
        let steps = retort::render::render_online(&changes, BackendKind::Postgres.backend())
            .unwrap_or_else(|error| panic!("{kind}: {error}"));
        let mut squawk_lock_findings = Vec::new();
        let mut retort_findings = Vec::new();
        for (at, step) in steps.iter().enumerate() {
            let sql: String = step
                .up
                .iter()
                .map(|statement| format!("{statement};\n"))
                .collect();
            let path = dir
                .path()
                .join(format!("{}_{at}.sql", kind.replace(' ', "_")));
            std::fs::write(&path, &sql).unwrap();
            let Some(findings) = squawk(&path, step.transactional) else {
                return;
            };
            squawk_lock_findings.extend(findings.into_iter().filter(|(_, rule)| {
                !RUNNER_OR_STYLE_RULES.contains(&rule.as_str())
                    && (LOCK_RULES.contains(&rule.as_str()) || rule.starts_with("require-"))
            }));
            retort_findings.extend(retort::lint::lint_sql(
                &path.display().to_string(),
                &sql,
                1,
                step.transactional,
            ));
        }
        if lock_safe {
            assert!(
                squawk_lock_findings.is_empty(),
                "{kind}: squawk flags the online steps {steps:#?}: {squawk_lock_findings:?}"
            );
            assert!(
                retort_findings.is_empty(),
                "{kind}: retort's lint flags its own online steps: {retort_findings:#?}"
            );
        } else {
            assert!(
                !squawk_lock_findings.is_empty(),
                "{kind}: squawk sees the rewrite"
            );
            assert!(
                !retort_findings.is_empty(),
                "{kind}: retort's lint sees the rewrite"
            );
            assert!(
                steps.iter().any(|step| step
                    .warnings
                    .iter()
                    .any(|warning| warning.contains("expand and contract"))),
                "{kind}: the step says how to avoid the rewrite"
            );
        }
    }
}
