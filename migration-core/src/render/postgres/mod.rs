//! PostgreSQL's DDL and online sequences.

mod ddl;
mod domains;
mod extensions;
mod online;
mod partitions;
mod sequences;

use super::{Ddl, RenderError, RenderedStep};
use crate::backend::PostgresBackend;
use crate::diff::{Diff, Op};

impl Ddl for PostgresBackend {
    fn render_op(&self, op: &Op, out: &mut Vec<String>) -> Result<(), RenderError> {
        ddl::render_op(self, op, out)
    }

    /// Every `ALTER TABLE` action but the renames, which PostgreSQL only
    /// takes alone.
    fn shares_alter_table(&self, op: &Op) -> bool {
        // A column made generated is dropped, then added by the same name.
        !matches!(
            op,
            Op::RenameTable { .. } | Op::RenameColumn { .. } | Op::SetColumnGeneration { .. }
        )
    }

    /// Through a validated `CHECK (col IS NOT NULL) NOT VALID`: the online
    /// steps, one after the other (the runner gives each statement of a
    /// revision with a backfill its own transaction).
    fn render_set_not_null(&self, diff: &Diff) -> Result<Vec<String>, RenderError> {
        Ok(online::render_online(self, diff)?
            .into_iter()
            .flat_map(|step| step.up)
            .collect())
    }

    fn render_online(&self, diff: &Diff) -> Result<Vec<RenderedStep>, RenderError> {
        online::render_online(self, diff)
    }

    fn deferrable_foreign_keys(&self) -> bool {
        true
    }

    fn deferrable_uniques(&self) -> bool {
        true
    }

    fn deferrable_primary_keys(&self) -> bool {
        true
    }

    fn partitions(&self) -> bool {
        true
    }

    fn domains(&self) -> bool {
        true
    }

    fn extensions(&self) -> bool {
        true
    }

    fn sequences(&self) -> bool {
        true
    }

    fn exclusion_constraints(&self) -> bool {
        true
    }
}
