//! Offline SQL: the script a DBA applies by hand instead of running the
//! migrator (`upgrade head --sql`).

use std::fmt::Write as _;

use super::store::STATUS_APPLIED;
use crate::backend::Backend;
use crate::revision::{split_statements, RevisionError, RevisionGraph, Target};
use crate::VERSION_TABLE;

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

    let kind = backend.kind();
    let table = backend.quote_identifier(VERSION_TABLE);
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(out, "-- retort migration script for {kind}: {from} -> {to}");
    let _ = writeln!(
        out,
        "-- Review it, then apply it with your database's client.\n"
    );
    let _ = writeln!(out, "{};\n", backend.version_table_sql());
    for at in plan {
        let revision = graph.at(at);
        let parents = if revision.parents.is_empty() {
            "<base>".to_owned()
        } else {
            revision.parents.join(", ")
        };
        let (sql, heading) = if downgrade {
            (
                revision.down.as_deref().unwrap_or_default(),
                format!(
                    "-- Running downgrade {} -> {parents}, {}",
                    revision.id, revision.message
                ),
            )
        } else {
            (
                revision.up.as_str(),
                format!(
                    "-- Running upgrade {parents} -> {}, {}",
                    revision.id, revision.message
                ),
            )
        };
        let _ = writeln!(out, "{heading}");
        let transaction = backend.transactional_ddl() && revision.transactional;
        if transaction {
            // language=SQL
            let _ = writeln!(out, "BEGIN;");
        }
        for statement in split_statements(sql, kind) {
            let ends_in_comment = statement
                .lines()
                .last()
                .is_some_and(|line| line.contains("--") || line.contains('#'));
            let _ = writeln!(
                out,
                "{statement}{}",
                if ends_in_comment { "\n;" } else { ";" }
            );
        }
        let literal = |value: &str| backend.string_literal(value);
        if downgrade {
            // language=SQL
            let _ = writeln!(
                out,
                "DELETE FROM {table} WHERE revision = {};",
                literal(&revision.id)
            );
        } else {
            // language=SQL
            let _ = writeln!(
                out,
                "INSERT INTO {table} (revision, parents, message, checksum, execution_ms, status) VALUES ({}, {}, {}, {}, 0, {});",
                literal(&revision.id),
                literal(&revision.parents.join(" ")),
                literal(&revision.message),
                literal(&revision.checksum),
                literal(STATUS_APPLIED),
            );
        }
        if transaction {
            // language=SQL
            let _ = writeln!(out, "COMMIT;");
        }
        out.push('\n');
        applied[at] = !downgrade;
    }
    Ok(out)
}
