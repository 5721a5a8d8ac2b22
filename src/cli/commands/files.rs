//! The commands that write files: `init`, `revision` and `merge`.

use std::path::Path;

use crate::cli::args::{MergeArgs, RevisionArgs};
use crate::cli::connect::with_connection;
use crate::cli::output::Tone;
use crate::cli::{config, CliError, Context};
use crate::{revision::NewRevision, revision::RevisionError, Migrations};

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
    write_config_file(context, dir)
}

/// A commented `retort.toml` beside the migrations directory, unless a
/// config file is already in force (or one of that name is there).
fn write_config_file(context: &Context, dir: &Path) -> Result<(), CliError> {
    if let Some(file) = &context.settings.file {
        context
            .out
            .info(&format!("Settings come from {}", file.display()));
        return Ok(());
    }
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let (Some(parent), Some(name)) = (absolute.parent(), absolute.file_name()) else {
        return Ok(());
    };
    let path = parent.join(config::FILE_NAME);
    let contents = config::template(&name.to_string_lossy());
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut file| std::io::Write::write_all(&mut file, contents.as_bytes()));
    match written {
        Ok(()) => {
            context.out.info(&format!(
                "Wrote {}: the project's settings, each commented; `{} config` shows what is in force",
                path.display(),
                context.program
            ));
            Ok(())
        }
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(CliError::Write {
            path: path.display().to_string(),
            source,
        }),
    }
}

/// `revision -m MSG [--autogenerate] [--empty]`.
pub(super) fn revision(context: &Context, args: &RevisionArgs) -> Result<(), CliError> {
    if args.autogenerate {
        return autogenerate(context, args);
    }
    let migrations = context.migrations()?;
    let graph = migrations.graph()?;
    let parents = match args.head.as_deref() {
        None => heads(&migrations)?,
        Some("base") => Vec::new(),
        Some(target) => {
            let parent = super::inspect::one_revision(graph, target)?.id().to_owned();
            if !args.splice && !graph.heads().contains(&parent.as_str()) {
                return Err(CliError::NotAHead { revision: parent });
            }
            vec![parent]
        }
    };
    let mut revision = NewRevision::new(parents, args.message.as_str());
    revision.depends_on = dependencies(graph, &args.depends_on)?;
    name(
        &mut revision,
        &migrations,
        &args.branch_label,
        args.rev_id.as_deref(),
    )?;
    let Some(step) = &args.step else {
        return write(context, revision);
    };
    let skeleton = revision
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
         Migrator::new(&MIGRATIONS).step(\"{step}\", |conn| {{ ... }}).upgrade(&mut conn, \"head\"), \
         and for this command line with retort::cli::main_with_steps in src/bin/migrate.rs"
    ));
    Ok(())
}

/// The full ids of the revisions `--depends-on` names.
fn dependencies(
    graph: &retort_core::revision::RevisionGraph,
    targets: &[String],
) -> Result<Vec<String>, CliError> {
    targets
        .iter()
        .map(|target| Ok(super::inspect::one_revision(graph, target)?.id().to_owned()))
        .collect()
}

/// Gives `revision` the id and branch labels asked for, checked against
/// the revisions there are.
pub(super) fn name(
    revision: &mut NewRevision,
    migrations: &Migrations,
    labels: &[String],
    id: Option<&str>,
) -> Result<(), CliError> {
    let graph = migrations.graph()?;
    if let Some(id) = id {
        if !crate::revision::is_revision_id(id) {
            return Err(CliError::BadRevisionId { id: id.to_owned() });
        }
        if let Some(taken) = graph.revisions().iter().find(|taken| taken.id() == id) {
            return Err(CliError::RevisionIdTaken {
                id: id.to_owned(),
                file: taken.file_name().to_owned(),
            });
        }
        id.clone_into(&mut revision.id);
    }
    for label in labels {
        crate::revision::check_branch_label(label)
            .map_err(|problem| CliError::BadBranchLabel { problem })?;
        if let Some(first) = graph
            .revisions()
            .iter()
            .find(|other| other.branch_labels().contains(label))
        {
            return Err(CliError::BranchLabelTaken {
                label: label.clone(),
                revision: first.id().to_owned(),
            });
        }
        if !revision.branch_labels.contains(label) {
            revision.branch_labels.push(label.clone());
        }
    }
    Ok(())
}

/// `edit REV`: the revision's file in the user's editor, then read back.
pub(super) fn edit(context: &Context, target: &str) -> Result<(), CliError> {
    let migrations = context.migrations()?;
    let revision = super::inspect::one_revision(migrations.graph()?, target)?;
    let path = context.migrations_dir()?.join(revision.file_name());
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|name| {
            std::env::var(name)
                .ok()
                .filter(|value| !value.trim().is_empty())
        })
        .ok_or(CliError::NoEditor)?;
    // `code --wait`, `emacsclient -t`: the command and its own arguments.
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or_default();
    let status = std::process::Command::new(program)
        .args(words)
        .arg(&path)
        .status()
        .map_err(|error| CliError::Editor {
            editor: editor.clone(),
            reason: error.to_string(),
        })?;
    if !status.success() {
        return Err(CliError::Editor {
            editor,
            reason: format!("it exited with {status}, so the edit may be incomplete"),
        });
    }
    // What was saved must still read, with the graph it belongs to.
    Migrations::from_dir(context.migrations_dir()?)?.graph()?;
    context.out.info(&format!(
        "Edited {}; it still reads. An edit to a revision a database has applied is refused there until `{} --allow-edited stamp` re-records it",
        path.display(),
        context.program
    ));
    Ok(())
}

/// `revision --autogenerate`: the changes from the database to the models.
fn autogenerate(context: &Context, args: &RevisionArgs) -> Result<(), CliError> {
    const COMMAND: &str = "revision --autogenerate";
    let schema = context.schema(COMMAND)?;
    let dir = context.migrations_dir()?;
    // The id, labels and dependencies asked for, checked as for an empty
    // revision before the database is read.
    let mut named = NewRevision::new(Vec::new(), args.message.as_str());
    {
        let migrations = context.migrations()?;
        let graph = migrations.graph()?;
        named.depends_on = dependencies(graph, &args.depends_on)?;
        name(
            &mut named,
            &migrations,
            &args.branch_label,
            args.rev_id.as_deref(),
        )?;
    }
    let mut options = context
        .compared_tables()
        .online(args.online)
        .backends(if args.backends.is_empty() {
            context.settings.backends.value.iter().copied()
        } else {
            args.backends.iter().copied()
        })
        .branch_labels(named.branch_labels.iter().cloned())
        .depends_on(named.depends_on.iter().cloned());
    if args.rev_id.is_some() {
        options = options.revision_id(named.id.clone());
    }
    let mut conn = context.connect(COMMAND)?;
    let written = with_connection!(&mut conn, conn => crate::autogen::autogenerate_with(
        conn,
        schema,
        dir,
        &args.message,
        &options,
    ))?;
    match written {
        Some(path) => report_written(context, &path),
        None if args.empty => {
            let migrations = context.migrations()?;
            named.parents = heads(&migrations)?;
            write(context, named)
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
            id => vec![super::inspect::one_revision(graph, id)?.id().to_owned()],
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
    let mut revision = NewRevision::new(parents, args.message.as_str());
    name(
        &mut revision,
        &migrations,
        &args.branch_label,
        args.rev_id.as_deref(),
    )?;
    write(context, revision)
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
pub(super) fn report_written(context: &Context, path: &Path) -> Result<(), CliError> {
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
