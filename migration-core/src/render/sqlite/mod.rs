//! SQLite's DDL: changes in place where SQLite can, table rebuilds where it
//! cannot.

mod ddl;
mod table_options;

use super::{Ddl, RenderError};
use crate::backend::SqliteBackend;
use crate::diff::{Diff, Op};
use crate::schema::Table;

impl Ddl for SqliteBackend {
    fn render_op(&self, op: &Op, out: &mut Vec<String>) -> Result<(), RenderError> {
        ddl::render_op(self, op, out)
    }

    fn deferrable_foreign_keys(&self) -> bool {
        true
    }

    fn render_diff(&self, diff: &Diff) -> Result<Vec<String>, RenderError> {
        ddl::render_diff(self, diff)
    }

    fn check_table(&self, table: &Table) -> Result<(), RenderError> {
        table_options::check(self, table)
    }
}
