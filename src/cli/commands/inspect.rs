//! The commands that only look: `current`, `heads`, `branches`, `history`
//! and `show`. Only `current` and `history --indicate-current` need the
//! database.

use crate::cli::args::HistoryArgs;
use crate::cli::connect::with_connection;
use crate::cli::output::{parents_label, Tone};
use crate::cli::{CliError, Context};
use crate::{
    revision::Revision, revision::RevisionError, runner::UnfinishedRevision, DatabaseConnection,
    Migrations,
};
use retort_core::revision::RevisionGraph;

/// `current [-v]`: where the database is, and a revision an earlier run
/// left part-way with the statement that failed.
pub(super) fn current(context: &Context) -> Result<(), CliError> {
    let migrations = context.migrations()?;
    let graph = migrations.graph()?;
    let (current, unfinished) = current_revisions(context, &migrations, "current")?;
    if current.is_empty() && unfinished.is_none() {
        context
            .out
            .info("The database is at <base>: no revision is applied");
    }
    let heads = graph.heads();
    for id in &current {
        let revision = graph.find(id)?;
        let marks = if heads.contains(&id.as_str()) {
            " (head)"
        } else {
            ""
        };
        print_revision(context, revision, marks);
    }
    if let Some(unfinished) = &unfinished {
        let revision = graph.find(&unfinished.revision)?;
        print_revision(context, revision, &format!(" ({})", unfinished.status));
        print_unfinished(context, unfinished);
    }
    Ok(())
}

/// The statement a revision failed at (or was running), and the error.
fn print_unfinished(context: &Context, unfinished: &UnfinishedRevision) {
    let out = &context.out;
    if let Some(statement) = &unfinished.statement {
        let verb = if unfinished.error.is_some() {
            "failed at"
        } else {
            "stopped in"
        };
        out.data(&format!(
            "    {}: {}",
            out.paint(Tone::Warn, verb),
            statement.trim()
        ));
    }
    if let Some(error) = &unfinished.error {
        out.data(&format!(
            "    {}: {}",
            out.paint(Tone::Warn, "error"),
            error.trim()
        ));
    }
}

/// `heads [--resolve-dependencies]`.
pub(super) fn heads(context: &Context, resolve_dependencies: bool) -> Result<(), CliError> {
    let migrations = context.migrations()?;
    let graph = migrations.graph()?;
    let heads = if resolve_dependencies {
        graph.heads_resolving_dependencies()
    } else {
        graph.heads()
    };
    for id in heads {
        print_revision(context, graph.find(id)?, " (head)");
    }
    Ok(())
}

/// `branches`: each branch point and the revisions that follow it.
pub(super) fn branches(context: &Context) -> Result<(), CliError> {
    let migrations = context.migrations()?;
    let graph = migrations.graph()?;
    for revision in graph.revisions() {
        let children = graph.children(revision.id());
        if children.len() < 2 {
            continue;
        }
        print_revision(context, revision, " (branchpoint)");
        for child in children {
            context.out.data(&format!(
                "{:width$} -> {}, {}",
                "",
                context.out.paint(Tone::Name, child.id()),
                child.message(),
                width = revision.id().len()
            ));
        }
    }
    Ok(())
}

/// `history [-r RANGE] [--indicate-current]`, newest first.
pub(super) fn history(context: &Context, args: &HistoryArgs) -> Result<(), CliError> {
    let migrations = context.migrations()?;
    let graph = migrations.graph()?;
    let needs_current = args.indicate_current
        || args
            .rev_range
            .as_deref()
            .is_some_and(|range| range.contains("current"));
    let (current, unfinished) = if needs_current {
        current_revisions(context, &migrations, "history --indicate-current")?
    } else {
        (Vec::new(), None)
    };
    let revisions = match &args.rev_range {
        None => graph.revisions().iter().collect(),
        Some(range) => in_range(graph, range, &current)?,
    };
    let heads = graph.heads();
    for revision in revisions.into_iter().rev() {
        let mut marks = String::new();
        if !revision.branch_labels().is_empty() {
            marks.push_str(&format!(" ({})", revision.branch_labels().join(", ")));
        }
        if heads.contains(&revision.id()) {
            marks.push_str(" (head)");
        }
        if graph.children(revision.id()).len() > 1 {
            marks.push_str(" (branchpoint)");
        }
        if revision.parents().len() > 1 {
            marks.push_str(" (mergepoint)");
        }
        if args.indicate_current && current.iter().any(|id| id == revision.id()) {
            marks.push_str(" (current)");
        }
        let unfinished = unfinished
            .as_ref()
            .filter(|unfinished| unfinished.revision == revision.id());
        if let Some(unfinished) = unfinished {
            marks.push_str(&format!(" ({})", unfinished.status));
        }
        if context.out.verbose() {
            print_revision(context, revision, &marks);
            context.out.data("");
        } else {
            context.out.data(&format!(
                "{} -> {}{marks}, {}",
                parents_label(revision.parents()),
                context.out.paint(Tone::Name, revision.id()),
                revision.message()
            ));
        }
        if let Some(unfinished) = unfinished {
            print_unfinished(context, unfinished);
        }
    }
    Ok(())
}

/// `show REV`: the header and both sections.
pub(super) fn show(context: &Context, target: &str) -> Result<(), CliError> {
    let migrations = context.migrations()?;
    let graph = migrations.graph()?;
    let revision = one_revision(graph, target)?;
    let out = &context.out;
    out.data(&format!(
        "Revision ID: {}",
        out.paint(Tone::Name, revision.id())
    ));
    out.data(&format!("Parents: {}", parents_label(revision.parents())));
    print_links(context, graph, revision);
    out.data(&format!("Message: {}", revision.message()));
    out.data(&format!("File: {}", revision.file_name()));
    out.data(&format!(
        "Transaction: {}",
        if revision.is_transactional() {
            "on"
        } else {
            "off"
        }
    ));
    let backends = revision.backends();
    out.data(&format!(
        "Databases: {}",
        if backends.is_empty() {
            "any".to_owned()
        } else {
            backends
                .iter()
                .map(|backend| backend.label())
                .collect::<Vec<_>>()
                .join(", ")
        }
    ));
    let sections: Vec<Option<crate::BackendKind>> = if backends.is_empty() {
        vec![None]
    } else {
        backends.into_iter().map(Some).collect()
    };
    for backend in sections {
        let named = backend.map_or(String::new(), |backend| format!(" {}", backend.label()));
        let (up, down) = match backend {
            Some(backend) => (
                revision.up_sql_for(backend).unwrap_or_default(),
                revision.down_sql_for(backend),
            ),
            None => (revision.up_sql(), revision.down_sql()),
        };
        out.data("");
        out.data(&format!("-- up{named}"));
        out.data(up.trim_end());
        out.data(&format!("-- down{named}"));
        match down {
            Some(down) => out.data(down.trim_end()),
            None => out.data("-- (none: this revision cannot be reverted)"),
        }
    }
    Ok(())
}

/// The revision `target` names: an id, a unique prefix, a branch label,
/// `LABEL@head`, or `head` when there is one.
pub(super) fn one_revision<'g>(
    graph: &'g RevisionGraph,
    target: &str,
) -> Result<&'g Revision, CliError> {
    Ok(match (target, graph.heads().as_slice()) {
        ("head", [head]) => graph.find(head)?,
        ("head", []) => {
            return Err(RevisionError::UnknownTarget {
                target: target.to_owned(),
            }
            .into())
        }
        ("head", heads) => {
            return Err(RevisionError::MultipleHeads {
                heads: heads.iter().map(|&head| head.to_owned()).collect(),
            }
            .into())
        }
        _ => graph.find(target)?,
    })
}

/// A revision's branch labels (its own, then those it inherits) and its
/// dependencies, each line only when there is something to say.
fn print_links(context: &Context, graph: &RevisionGraph, revision: &Revision) {
    let out = &context.out;
    if !revision.branch_labels().is_empty() {
        out.data(&format!(
            "Branch labels: {}",
            revision.branch_labels().join(", ")
        ));
    }
    let inherited: Vec<&str> = graph
        .branch_labels_of(revision.id())
        .into_iter()
        .filter(|label| !revision.branch_labels().iter().any(|own| own == label))
        .collect();
    if !inherited.is_empty() {
        out.data(&format!("Branch: {}", inherited.join(", ")));
    }
    if !revision.depends_on().is_empty() {
        out.data(&format!("Depends on: {}", revision.depends_on().join(", ")));
    }
}

/// The revisions the database is at, and the one an earlier run left
/// part-way, if any.
fn current_revisions(
    context: &Context,
    migrations: &Migrations,
    command: &'static str,
) -> Result<(Vec<String>, Option<UnfinishedRevision>), CliError> {
    let mut conn = context.connect(command)?;
    with_connection!(&mut conn, conn => current_on(context, conn, migrations))
}

fn current_on<C: DatabaseConnection>(
    context: &Context,
    conn: &mut C,
    migrations: &Migrations,
) -> Result<(Vec<String>, Option<UnfinishedRevision>), CliError> {
    let migrator = context.migrator(migrations);
    Ok((migrator.current(conn)?, migrator.unfinished(conn)?))
}

/// One revision: one line, or with `--verbose` its details.
fn print_revision(context: &Context, revision: &Revision, marks: &str) {
    let out = &context.out;
    out.data(&format!("{}{marks}", out.paint(Tone::Name, revision.id())));
    if out.verbose() {
        out.data(&format!("Parents: {}", parents_label(revision.parents())));
        if !revision.branch_labels().is_empty() {
            out.data(&format!(
                "Branch labels: {}",
                revision.branch_labels().join(", ")
            ));
        }
        if !revision.depends_on().is_empty() {
            out.data(&format!("Depends on: {}", revision.depends_on().join(", ")));
        }
        out.data(&format!("Path: {}", revision.file_name()));
        out.data(&format!("    {}", revision.message()));
    } else if !revision.message().is_empty() {
        // The id alone is what scripts read; the message follows for people.
        out.info(&format!("    {}", revision.message()));
    }
}

/// The revisions `LOWER:UPPER` covers: each end a revision, `base`,
/// `head`, `heads`, `current` or empty.
fn in_range<'g>(
    graph: &'g RevisionGraph,
    range: &str,
    current: &[String],
) -> Result<Vec<&'g Revision>, CliError> {
    let Some((lower, upper)) = range.split_once(':') else {
        return Err(CliError::BadRange {
            range: range.to_owned(),
        });
    };
    let end = |end: &str| -> Result<End, CliError> {
        Ok(match end.trim() {
            "" | "heads" | "head" => End::Open,
            "base" => End::Base,
            "current" => match current {
                [] => End::Base,
                [only] => End::Revision(only.clone()),
                several => {
                    return Err(CliError::SeveralCurrent {
                        current: several.to_vec(),
                    })
                }
            },
            id => End::Revision(id.to_owned()),
        })
    };
    let (lower, upper) = (end(lower)?, end(upper)?);
    if upper == End::Base {
        return Ok(Vec::new());
    }
    let bound = |end: &End| match end {
        End::Revision(id) => Some(id.clone()),
        End::Open | End::Base => None,
    };
    Ok(graph.range(bound(&lower).as_deref(), bound(&upper).as_deref())?)
}

/// One end of a range.
#[derive(PartialEq, Eq)]
enum End {
    /// No bound.
    Open,
    /// Before the first revision.
    Base,
    /// A revision id or prefix.
    Revision(String),
}
