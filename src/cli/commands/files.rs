//! The commands that write files: `init`, `revision` and `merge`.

use std::path::Path;

use crate::cli::args::{MergeArgs, RevisionArgs};
use crate::cli::connect::with_connection;
use crate::cli::output::Tone;
use crate::cli::{CliError, Context};
use crate::{Migrations, NewRevision, RevisionError};

/// `init`: creates the migrations directory.
pub(super) fn init(context: &Context) -> Result<(), CliError> {
    let dir = &context.migrations_dir;
    let io_error = |source| CliError::Io {
        path: dir.display().to_string(),
        source,
    };
    if dir.is_dir() {
        let mut entries = std::fs::read_dir(dir).map_err(io_error)?;
        if entries.next().is_some() {
            return Err(CliError::DirectoryNotEmpty {
                dir: dir.display().to_string(),
            });
        }
    } else {
        std::fs::create_dir_all(dir).map_err(io_error)?;
    }
    context.out.info(&format!(
        "Created the migrations directory {}; write the first revision with `{} revision --autogenerate -m \"create tables\"`",
        dir.display(),
        context.program
    ));
    Ok(())
}

/// `revision -m MSG [--autogenerate] [--empty]`.
pub(super) fn revision(context: &Context, args: &RevisionArgs) -> Result<(), CliError> {
    if args.autogenerate {
        return autogenerate(context, args);
    }
    let migrations = context.migrations()?;
    let heads = heads(&migrations)?;
    let Some(step) = &args.step else {
        return write(context, NewRevision::new(heads, args.message.as_str()));
    };
    let skeleton = NewRevision::new(heads, args.message.as_str())
        .up([
            "-- SQL here runs before the step (such as adding the column it fills)".to_owned(),
            format!("-- retort:run {step}"),
            "-- SQL here runs after it".to_owned(),
        ])
        .down([
            "-- Reverting runs this section: undo the schema change here, and add a\n\
             -- `-- retort:run NAME` line for a step that undoes the data, if any"
                .to_owned(),
        ]);
    write(context, skeleton)?;
    context.out.info(&format!(
        "Register the step in the application before upgrading: \
         Migrator::new(&MIGRATIONS).step(\"{step}\", |conn| {{ ... }}).upgrade(&mut conn, \"head\")"
    ));
    Ok(())
}

/// `revision --autogenerate`: the changes from the database to the models.
fn autogenerate(context: &Context, args: &RevisionArgs) -> Result<(), CliError> {
    const COMMAND: &str = "revision --autogenerate";
    let schema = context.schema(COMMAND)?;
    let dir = context.migrations_dir()?;
    let mut conn = context.connect(COMMAND)?;
    let written = with_connection!(&mut conn, conn => crate::autogenerate_with(
        conn,
        schema,
        dir,
        &args.message,
        &crate::AutogenerateOptions::new()
            .online(args.online)
            .backends(args.backends.iter().copied()),
    ))?;
    match written {
        Some(path) => report_written(context, &path),
        None if args.empty => {
            let migrations = context.migrations()?;
            write(
                context,
                NewRevision::new(heads(&migrations)?, args.message.as_str()),
            )
        }
        None => {
            context.out.info(
                "No changes: the database matches the models, so no revision was written (--empty writes one anyway)",
            );
            Ok(())
        }
    }
}

/// `merge heads|REV... -m MSG`.
pub(super) fn merge(context: &Context, args: &MergeArgs) -> Result<(), CliError> {
    let migrations = context.migrations()?;
    let graph = migrations.graph()?;
    let mut parents: Vec<String> = Vec::new();
    for target in &args.revisions {
        let ids: Vec<String> = match target.as_str() {
            "heads" => graph.heads().into_iter().map(str::to_owned).collect(),
            id => vec![graph.find(id)?.id().to_owned()],
        };
        for id in ids {
            if !parents.contains(&id) {
                parents.push(id);
            }
        }
    }
    if parents.len() < 2 {
        return Err(CliError::NothingToMerge {
            given: match parents.first() {
                None => "no revision".to_owned(),
                Some(only) => format!("only {only}"),
            },
        });
    }
    write(context, NewRevision::new(parents, args.message.as_str()))
}

/// The head a new revision follows (none for the first): several heads
/// need a `merge` first, as the revision would otherwise be a merge itself.
fn heads(migrations: &Migrations) -> Result<Vec<String>, CliError> {
    let heads: Vec<String> = migrations
        .graph()?
        .heads()
        .into_iter()
        .map(str::to_owned)
        .collect();
    if heads.len() > 1 {
        return Err(RevisionError::MultipleHeads { heads }.into());
    }
    Ok(heads)
}

fn write(context: &Context, revision: NewRevision) -> Result<(), CliError> {
    let path = revision.write(context.migrations_dir()?)?;
    report_written(context, &path)
}

/// "Wrote migrations/...sql (revision 3f2a9c1b7d04): review it, then run upgrade".
fn report_written(context: &Context, path: &Path) -> Result<(), CliError> {
    let revision = Migrations::from_dir(context.migrations_dir()?)?
        .graph()?
        .revisions()
        .iter()
        .find(|revision| {
            path.file_name()
                .is_some_and(|name| name == revision.file_name())
        })
        .cloned();
    let Some(revision) = revision else {
        context.out.info(&format!("Wrote {}", path.display()));
        return Ok(());
    };
    for warning in revision.warnings() {
        context.out.warn(warning);
    }
    context.out.info(&format!(
        "Wrote {} (revision {}): review it, then apply it with `{} upgrade`",
        path.display(),
        context.out.paint(Tone::Name, revision.id()),
        context.program
    ));
    Ok(())
}
