//! Version-table SQL that every live backend shares: reading
//! diesel_migrations' versions and the rows of a multi-row insert. Compiled
//! only with a backend feature, since nothing else uses it.

use diesel::sql_types::{BigInt, Text};

/// A single count, for existence checks.
#[derive(diesel::QueryableByName)]
pub struct CountRow {
    /// The count.
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

/// A single `version` column of diesel's version table.
#[derive(diesel::QueryableByName)]
pub struct DieselVersionRow {
    /// The version, as diesel records it.
    #[diesel(sql_type = Text)]
    pub version: String,
}

/// A single `status` column.
#[derive(diesel::QueryableByName)]
pub struct StatusRow {
    /// The status.
    #[diesel(sql_type = Text)]
    pub status: String,
}

/// [`VersionTableConnection::diesel_versions`](super::version_table::VersionTableConnection::diesel_versions),
/// the same text for every connection type.
macro_rules! read_diesel_versions {
    () => {
        fn diesel_versions(&mut self) -> diesel::QueryResult<Vec<String>> {
            use crate::backend::DIESEL_VERSION_TABLE;
            if !self.table_exists(DIESEL_VERSION_TABLE)? {
                return Ok(Vec::new());
            }
            // language=SQL
            let rows: Vec<crate::backend::DieselVersionRow> = diesel::RunQueryDsl::load(
                diesel::sql_query(format!("SELECT version FROM {DIESEL_VERSION_TABLE}")),
                self,
            )?;
            Ok(rows.into_iter().map(|row| row.version).collect())
        }
    };
}
pub(crate) use read_diesel_versions;

/// The columns [`NewVersion`](super::version_table::NewVersion) fills, in bind order.
pub(crate) const INSERT_COLUMNS: &str =
    "revision, parents, message, checksum, execution_ms, status";

/// `(?, ?, ...), (?, ...)` for `rows` rows of [`INSERT_COLUMNS`]; numbered
/// `$1, $2, ...` for PostgreSQL.
pub(crate) fn values_placeholders(rows: usize, numbered: bool) -> String {
    const COLUMNS: usize = 6;
    let mut sql = String::with_capacity(rows * COLUMNS * 5);
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..COLUMNS {
            if column > 0 {
                sql.push_str(", ");
            }
            if numbered {
                sql.push('$');
                sql.push_str(&(row * COLUMNS + column + 1).to_string());
            } else {
                sql.push('?');
            }
        }
        sql.push(')');
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::values_placeholders;

    #[test]
    fn placeholders_for_several_rows() {
        assert_eq!(
            values_placeholders(2, false),
            "(?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)"
        );
        assert_eq!(
            values_placeholders(2, true),
            "($1, $2, $3, $4, $5, $6), ($7, $8, $9, $10, $11, $12)"
        );
    }
}
