//! The version table's statements that every database shares, written once
//! over the [`VersionTableDialect`] of each connection: reading the rows,
//! inserting, updating and deleting them, and reading diesel_migrations'
//! history.

use diesel::connection::LoadConnection;
use diesel::deserialize::QueryableByName;
use diesel::query_builder::{BoxedSqlQuery, QueryFragment, SqlQuery};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, HasSqlType, Nullable, Text};
use diesel::{sql_query, OptionalExtension, QueryResult, RunQueryDsl};

use super::version_table::{
    FailureRow, NewVersion, VersionRow, VersionStatus, VersionTableDialect, DIESEL_VERSION_TABLE,
    VERSION_TABLE,
};
use super::Backend;

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

/// The runner's operations on the version table, for every connection
/// with a [`VersionTableDialect`]; a supertrait of
/// [`DatabaseConnection`](super::DatabaseConnection).
pub trait VersionTableConnection: VersionTableDialect {
    /// Every row of the version table, with the status of applied rows as
    /// `None` (see [`VersionRow`]); an error when it does not exist.
    fn read_versions(&mut self) -> QueryResult<Vec<VersionRow>>;

    /// Whether a table of the connection's default namespace exists.
    fn table_exists(&mut self, table: &str) -> QueryResult<bool>;

    /// Whether the version table exists.
    fn version_table_exists(&mut self) -> QueryResult<bool> {
        self.table_exists(VERSION_TABLE)
    }

    /// The versions diesel_migrations recorded as run in
    /// `__diesel_schema_migrations`; empty when there is no such table.
    fn diesel_versions(&mut self) -> QueryResult<Vec<String>>;

    /// The failed or running statement and the error recorded on a row.
    fn version_failure(&mut self, revision: &str) -> QueryResult<FailureRow>;

    /// The status of one revision's row, if it has one.
    fn version_status(&mut self, revision: &str) -> QueryResult<Option<String>>;

    /// Inserts a row.
    fn insert_version(&mut self, row: &NewVersion<'_>) -> QueryResult<()> {
        self.insert_versions(std::slice::from_ref(row))
    }

    /// Inserts rows in one statement (nothing for none).
    fn insert_versions(&mut self, rows: &[NewVersion<'_>]) -> QueryResult<()>;

    /// Updates a row's status, time and failure details.
    fn update_version(
        &mut self,
        revision: &str,
        status: VersionStatus,
        execution_ms: i64,
        failed_statement: Option<&str>,
        failure: Option<&str>,
    ) -> QueryResult<()>;

    /// Deletes one row.
    fn delete_version(&mut self, revision: &str) -> QueryResult<()>;

    /// Deletes every row.
    fn delete_all_versions(&mut self) -> QueryResult<()>;
}

/// The version table's name, quoted for `C`'s database.
fn table<C: VersionTableDialect>() -> String {
    C::Dialect::default().quote_identifier(VERSION_TABLE)
}

/// A query with its values still to bind.
fn query<'f, C: VersionTableDialect>(sql: String) -> BoxedSqlQuery<'f, C::Backend, SqlQuery> {
    sql_query(sql).into_boxed()
}

// What diesel needs of a connection to run these statements: every
// connection retort supports has it.
impl<C> VersionTableConnection for C
where
    C: VersionTableDialect + LoadConnection,
    C::Backend: HasSqlType<Text> + HasSqlType<BigInt> + 'static,
    for<'f> BoxedSqlQuery<'f, C::Backend, SqlQuery>: QueryFragment<C::Backend>,
    str: ToSql<Text, C::Backend>,
    i64: ToSql<BigInt, C::Backend>,
    VersionRow: QueryableByName<C::Backend>,
    FailureRow: QueryableByName<C::Backend>,
    CountRow: QueryableByName<C::Backend>,
    StatusRow: QueryableByName<C::Backend>,
    DieselVersionRow: QueryableByName<C::Backend>,
{
    fn read_versions(&mut self) -> QueryResult<Vec<VersionRow>> {
        // language=SQL
        query::<C>(format!(
            "SELECT revision, checksum, {} AS status FROM {}",
            C::status_unless_applied_sql(),
            table::<C>()
        ))
        .bind::<Text, _>(VersionStatus::Applied.as_str())
        .load(self)
    }

    fn table_exists(&mut self, table: &str) -> QueryResult<bool> {
        let row: CountRow = query::<C>(C::TABLE_EXISTS_SQL.to_owned())
            .bind::<Text, _>(table)
            .get_result(self)?;
        Ok(row.count > 0)
    }

    fn diesel_versions(&mut self) -> QueryResult<Vec<String>> {
        if !self.table_exists(DIESEL_VERSION_TABLE)? {
            return Ok(Vec::new());
        }
        // language=SQL
        let rows: Vec<DieselVersionRow> =
            query::<C>(format!("SELECT version FROM {DIESEL_VERSION_TABLE}")).load(self)?;
        Ok(rows.into_iter().map(|row| row.version).collect())
    }

    fn version_failure(&mut self, revision: &str) -> QueryResult<FailureRow> {
        // language=SQL
        query::<C>(format!(
            "SELECT failed_statement, failure FROM {} WHERE revision = {}",
            table::<C>(),
            C::bind_param(1)
        ))
        .bind::<Text, _>(revision)
        .get_result(self)
    }

    fn version_status(&mut self, revision: &str) -> QueryResult<Option<String>> {
        // language=SQL
        query::<C>(format!(
            "SELECT status FROM {} WHERE revision = {}",
            table::<C>(),
            C::bind_param(1)
        ))
        .bind::<Text, _>(revision)
        .get_result::<StatusRow>(self)
        .optional()
        .map(|row| row.map(|row| row.status))
    }

    fn insert_versions(&mut self, rows: &[NewVersion<'_>]) -> QueryResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        // language=SQL
        let mut insert = query::<C>(format!(
            "INSERT INTO {} ({INSERT_COLUMNS}) VALUES {}",
            table::<C>(),
            values_placeholders(rows.len(), C::bind_param)
        ));
        for row in rows {
            insert = insert
                .bind::<Text, _>(row.revision)
                .bind::<Text, _>(row.parents)
                .bind::<Text, _>(row.message)
                .bind::<Text, _>(row.checksum)
                .bind::<BigInt, _>(row.execution_ms)
                .bind::<Text, _>(row.status.as_str());
        }
        insert.execute(self).map(drop)
    }

    fn update_version(
        &mut self,
        revision: &str,
        status: VersionStatus,
        execution_ms: i64,
        failed_statement: Option<&str>,
        failure: Option<&str>,
    ) -> QueryResult<()> {
        let p = C::bind_param;
        // language=SQL
        query::<C>(format!(
            "UPDATE {} SET status = {}, execution_ms = {}, failed_statement = {}, failure = {} WHERE revision = {}",
            table::<C>(),
            p(1),
            p(2),
            p(3),
            p(4),
            p(5)
        ))
        .bind::<Text, _>(status.as_str())
        .bind::<BigInt, _>(execution_ms)
        .bind::<Nullable<Text>, _>(failed_statement)
        .bind::<Nullable<Text>, _>(failure)
        .bind::<Text, _>(revision)
        .execute(self)
        .map(drop)
    }

    fn delete_version(&mut self, revision: &str) -> QueryResult<()> {
        // language=SQL
        query::<C>(format!(
            "DELETE FROM {} WHERE revision = {}",
            table::<C>(),
            C::bind_param(1)
        ))
        .bind::<Text, _>(revision)
        .execute(self)
        .map(drop)
    }

    fn delete_all_versions(&mut self) -> QueryResult<()> {
        // language=SQL
        self.batch_execute(&format!("DELETE FROM {}", table::<C>()))
    }
}

/// The columns [`NewVersion`] fills, in bind order.
const INSERT_COLUMNS: &str = "revision, parents, message, checksum, execution_ms, status";

/// `(?, ?, ...), (?, ...)` for `rows` rows of [`INSERT_COLUMNS`], each
/// parameter written by `bind_param` (counting from 1).
fn values_placeholders(rows: usize, bind_param: fn(usize) -> String) -> String {
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
            sql.push_str(&bind_param(row * COLUMNS + column + 1));
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
            values_placeholders(2, |_| "?".to_owned()),
            "(?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)"
        );
        assert_eq!(
            values_placeholders(2, |index| format!("${index}")),
            "($1, $2, $3, $4, $5, $6), ($7, $8, $9, $10, $11, $12)"
        );
    }
}
