//! MySQL's and MariaDB's DDL and online `ALTER TABLE`s.

mod ddl;
mod foreign_key_indexes;
mod online;

use super::{Ddl, RenderError, RenderedStep};
use crate::backend::MysqlBackend;
use crate::diff::{Diff, Op};

impl Ddl for MysqlBackend {
    fn render_op(&self, op: &Op, out: &mut Vec<String>) -> Result<(), RenderError> {
        ddl::render_op(self, op, out)
    }

    /// Every `ALTER TABLE` clause but renames (the other clauses of a
    /// statement name columns as they were before it) and foreign keys,
    /// which InnoDB handles apart (a key dropped and added again under its
    /// name in one statement is refused).
    fn shares_alter_table(&self, op: &Op) -> bool {
        !matches!(
            op,
            Op::RenameTable { .. }
                | Op::RenameColumn { .. }
                | Op::AddForeignKey { .. }
                | Op::DropForeignKey { .. }
                // Its statements run one after the other.
                | Op::SetColumnGeneration { .. }
        )
    }

    fn render_diff(&self, diff: &Diff) -> Result<Vec<String>, RenderError> {
        ddl::render_diff(self, diff)
    }

    fn render_online(&self, diff: &Diff) -> Result<Vec<RenderedStep>, RenderError> {
        online::render_online(self, diff)
    }
}
