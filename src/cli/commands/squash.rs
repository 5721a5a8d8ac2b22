//! `squash --to REV`: one baseline revision in place of the chain up to
//! REV, its schema built on a scratch database and checked on another.

use crate::cli::args::SquashArgs;
use crate::cli::connect::{connect, with_connection, DatabaseUrl};
use crate::cli::output::{count_label, Tone};
use crate::cli::{CliError, Context};
use crate::revision::parse_revision;
use crate::scratch::{ScratchDatabase, ScratchError};
use crate::squash::{self, DataSteps};
use crate::{Migrations, Migrator, Schema};

const COMMAND: &str = "squash";

/// `squash --to REV [-m MSG] [--drop-data-steps | --keep-data-steps]`.
pub(super) fn squash(context: &Context, args: &SquashArgs) -> Result<(), CliError> {
    let migrations = context.migrations()?;
    let graph = migrations.graph()?;
    let data = if args.keep_data_steps {
        DataSteps::Keep
    } else if args.drop_data_steps {
        DataSteps::Drop
    } else {
        DataSteps::Refuse
    };
    let plan = squash::plan(graph, &args.to, data)?;
    let url = context.url(COMMAND)?;
    // The connected database's schema is the one read back; the others
    // the chain or the settings name get it in their spelling.
    let mut backends = vec![url.backend()];
    let named = plan
        .chain()
        .flat_map(|revision| revision.backends())
        .chain(context.settings.backends.value.iter().copied());
    for backend in named {
        if !backends.contains(&backend) {
            backends.push(backend);
        }
    }
    let count = plan.chain().count();
    let to = plan
        .chain()
        .last()
        .map(|r| r.id().to_owned())
        .unwrap_or_default();
    let schema = built_schema(context, url, &plan.scratch_migrations()?)?;
    let message = args
        .message
        .clone()
        .unwrap_or_else(|| format!("squash of {count} revisions up to {to}"));
    let mut baseline = plan.baseline(&schema, &backends, &message)?;
    super::files::name(&mut baseline, &migrations, &[], args.rev_id.as_deref())?;
    // The baseline alone must build what the chain built.
    let written = parse_revision(&baseline.file_name(), &baseline.contents())?;
    let rebuilt = built_schema(context, url, &squash::without_steps([written])?)?;
    if rebuilt != schema {
        let differences = crate::diff(&rebuilt, &schema)
            .ops()
            .iter()
            .map(ToString::to_string)
            .collect();
        return Err(CliError::SquashMismatch { to, differences });
    }
    let path = plan.write(context.migrations_dir()?, &baseline)?;
    super::files::report_written(context, &path)?;
    context.out.info(&format!(
        "Replaced {} up to {} with baseline {}; databases that applied them are recorded as at it on their next `{} upgrade`, with no SQL run",
        count_label(count, "revision"),
        context.out.paint(Tone::Name, &to),
        context.out.paint(Tone::Name, &baseline.id),
        context.program
    ));
    Ok(())
}

/// The schema `migrations` build on a fresh scratch database on the
/// server `url` reaches, which is dropped afterwards.
fn built_schema(
    context: &Context,
    url: &DatabaseUrl,
    migrations: &Migrations,
) -> Result<Schema, CliError> {
    let scratch =
        ScratchDatabase::create(url.raw(), "retort_squash").map_err(|error| match error {
            ScratchError::NotCompiled(backend) => CliError::BackendNotCompiled {
                backend,
                feature: crate::any_connection::feature_of(backend),
            },
            ScratchError::Failed { name, reason } => CliError::ScratchDatabase {
                name,
                url: url.shown(),
                reason,
            },
        })?;
    context
        .out
        .detail(&format!("scratch database: {}", scratch.name));
    let mut conn = connect(&DatabaseUrl::new(scratch.url.clone()))?;
    let schema = with_connection!(&mut conn, conn => {
        Migrator::new(migrations).upgrade(conn, "heads")?;
        crate::introspect(conn)
    })?;
    drop(conn);
    Ok(schema)
}
