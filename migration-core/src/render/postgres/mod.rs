//! PostgreSQL's DDL and online sequences.

mod ddl;
mod online;

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
        !matches!(op, Op::RenameTable { .. } | Op::RenameColumn { .. })
    }

    fn render_online(&self, diff: &Diff) -> Result<Vec<RenderedStep>, RenderError> {
        online::render_online(self, diff)
    }
}
