//! The commands that write files: `init`, `revision` and `merge`.

use crate::cli::args::{MergeArgs, RevisionArgs};
use crate::cli::{CliError, Context};

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
pub(super) fn revision(_context: &Context, _args: &RevisionArgs) -> Result<(), CliError> {
    Ok(())
}

/// `merge heads|REV... -m MSG`.
pub(super) fn merge(_context: &Context, _args: &MergeArgs) -> Result<(), CliError> {
    Ok(())
}
