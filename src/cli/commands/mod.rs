//! The commands, one module per group: writing revision files, running
//! revisions, inspecting the graph and the database, and checking models.

mod check;
mod files;
mod inspect;
mod migrate;
mod squash;

use super::args::Command;
use super::{CliError, Context};

/// Runs one command.
pub(crate) fn execute(command: Command, context: &Context) -> Result<(), CliError> {
    if let Some(result) = super::fleet::execute(&command, context) {
        return result;
    }
    match command {
        Command::Init => files::init(context),
        Command::Config => {
            for line in context.settings.lines() {
                context.out.data(&line);
            }
            Ok(())
        }
        Command::Revision(args) => files::revision(context, &args),
        Command::Merge(args) => files::merge(context, &args),
        Command::Upgrade(args) => migrate::upgrade(context, &args),
        Command::Downgrade(args) => migrate::downgrade(context, &args),
        Command::Squash(args) => squash::squash(context, &args),
        Command::Stamp { revision, .. } => migrate::stamp(context, &revision),
        Command::Current { .. } => inspect::current(context),
        Command::Heads {
            resolve_dependencies,
        } => inspect::heads(context, resolve_dependencies),
        Command::Edit { revision } => files::edit(context, &revision),
        Command::Branches => inspect::branches(context),
        Command::History(args) => inspect::history(context, &args),
        Command::Show { revision } => inspect::show(context, &revision),
        Command::Check(args) => check::check(context, &args),
        // Answered before the settings are read.
        Command::Completions { .. } | Command::Man { .. } => Ok(()),
    }
}
