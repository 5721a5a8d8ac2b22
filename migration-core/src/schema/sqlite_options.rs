//! SQLite's table options: `WITHOUT ROWID` and `STRICT`.
//!
//! ```
//! use retort_core::schema::{Column, PrimaryKey, SqlType, Table};
//!
//! let tags = Table::new("tags")
//!     .column(Column::new("name", SqlType::Text))
//!     .column(Column::new("uses", SqlType::Integer))
//!     .primary_key(PrimaryKey { name: None, columns: vec!["name".into()], ..Default::default() })
//!     .without_rowid()
//!     .strict();
//! assert_eq!(tags.sqlite_options.to_string(), "WITHOUT ROWID, STRICT");
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

/// The options SQLite writes after a `CREATE TABLE`'s closing parenthesis
/// (<https://www.sqlite.org/lang_createtable.html>). They exist on SQLite
/// only: PostgreSQL and MySQL ignore them, so a model shared by several
/// databases may set them (see [`Table::without_rowid`](super::Table::without_rowid)
/// and [`Table::strict`](super::Table::strict)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SqliteTableOptions {
    /// `WITHOUT ROWID`: the rows are stored in the primary key's B-tree,
    /// with no hidden rowid. The table needs a primary key, and no column
    /// is an identity (SQLite numbers rows only through the rowid).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub without_rowid: bool,
    /// `STRICT`: every value must be of its column's type, which is one of
    /// `INTEGER`, `INT`, `REAL`, `TEXT`, `BLOB` or `ANY` (SQLite 3.37 and
    /// later).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub strict: bool,
}

impl SqliteTableOptions {
    /// Whether no option is set: a plain rowid table.
    pub fn is_default(&self) -> bool {
        *self == SqliteTableOptions::default()
    }
}

/// The options as SQLite writes them after the closing parenthesis:
/// `WITHOUT ROWID`, `STRICT`, `WITHOUT ROWID, STRICT`, or nothing.
impl fmt::Display for SqliteTableOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let options: Vec<&str> = [
            (self.without_rowid, "WITHOUT ROWID"),
            (self.strict, "STRICT"),
        ]
        .into_iter()
        .filter_map(|(on, option)| on.then_some(option))
        .collect();
        f.write_str(&options.join(", "))
    }
}
