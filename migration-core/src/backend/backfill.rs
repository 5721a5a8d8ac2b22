//! What a batched backfill needs from each database: the progress table
//! that lets a killed run resume, the key ranges, and each batch's
//! statement with the range bound. Implemented for the three connections
//! by [`impl_backfill!`], which differs only in the bind placeholders and
//! the integer cast each database spells its own way.

use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Integer, Nullable};
use diesel::QueryResult;

/// Where a backfill's statement takes each batch's key range.
pub const BATCH_PLACEHOLDER: &str = "{batch}";

/// Where a run keeps the progress of the revision it is backfilling: one
/// row per revision and direction, removed when the revision is recorded.
/// Introspection never reports it, and the diff never touches it.
pub const BACKFILL_TABLE: &str = "retort_backfill_progress";

/// How far a revision with a backfill got.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, diesel::QueryableByName)]
pub struct BackfillRow {
    /// The first action of the section not yet done, counting from 0.
    #[diesel(sql_type = Integer)]
    pub action_index: i32,
    /// Inside a backfill, the key its next batch starts from.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub next_key: Option<i64>,
    /// Rows the backfill has updated so far.
    #[diesel(sql_type = BigInt)]
    pub rows_done: i64,
    /// Batches it has committed so far.
    #[diesel(sql_type = BigInt)]
    pub batches: i64,
}

/// One integer the key queries return.
#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
#[derive(diesel::QueryableByName)]
struct KeyRow {
    #[diesel(sql_type = Nullable<BigInt>)]
    found: Option<i64>,
}

/// The per-database operations of a backfill; a supertrait of
/// [`DatabaseConnection`](super::DatabaseConnection). Table and column
/// names come quoted; values are bound.
pub trait BackfillConnection: SimpleConnection {
    /// Creates the progress table when missing (under the run lock).
    fn create_backfill_table(&mut self) -> QueryResult<()> {
        // language=SQL
        self.batch_execute(&format!(
            "CREATE TABLE IF NOT EXISTS {BACKFILL_TABLE} (
    revision VARCHAR(64) NOT NULL,
    direction VARCHAR(10) NOT NULL,
    action_index INTEGER NOT NULL,
    next_key BIGINT,
    rows_done BIGINT NOT NULL,
    batches BIGINT NOT NULL,
    PRIMARY KEY (revision, direction)
)"
        ))
    }

    /// The progress of `revision` in `direction` (`up`, `down`), if any.
    fn read_backfill(
        &mut self,
        revision: &str,
        direction: &str,
    ) -> QueryResult<Option<BackfillRow>>;

    /// Records the progress of `revision` in `direction`.
    fn save_backfill(
        &mut self,
        revision: &str,
        direction: &str,
        row: &BackfillRow,
    ) -> QueryResult<()>;

    /// Forgets the progress of `revision` in `direction`.
    fn delete_backfill(&mut self, revision: &str, direction: &str) -> QueryResult<()>;

    /// The smallest key of `table` at or above `from` (any, for `None`).
    fn next_key(&mut self, table: &str, key: &str, from: Option<i64>) -> QueryResult<Option<i64>>;

    /// The largest key of `table`.
    fn last_key(&mut self, table: &str, key: &str) -> QueryResult<Option<i64>>;

    /// One batch: `statement` with its `{batch}` replaced by the range
    /// `lo <= key < hi`, bound; the rows it changed.
    fn run_backfill_batch(
        &mut self,
        statement: &str,
        key: &str,
        lo: i64,
        hi: i64,
    ) -> QueryResult<usize>;
}

/// Implements [`BackfillConnection`] for a connection: `$first` and
/// `$second` are its first two bind placeholders, `$six` its first six,
/// `$cast` the type an integer is cast to.
#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
macro_rules! impl_backfill {
    ($connection:ty, $first:literal, $second:literal, $six:literal, $cast:literal) => {
        impl BackfillConnection for $connection {
            fn read_backfill(
                &mut self,
                revision: &str,
                direction: &str,
            ) -> QueryResult<Option<BackfillRow>> {
                use diesel::{OptionalExtension, RunQueryDsl};
                // language=SQL
                diesel::sql_query(format!(
                    "SELECT action_index, next_key, rows_done, batches FROM {BACKFILL_TABLE} \
                     WHERE revision = {} AND direction = {}",
                    $first, $second
                ))
                .bind::<diesel::sql_types::Text, _>(revision)
                .bind::<diesel::sql_types::Text, _>(direction)
                .get_result(self)
                .optional()
            }

            fn save_backfill(
                &mut self,
                revision: &str,
                direction: &str,
                row: &BackfillRow,
            ) -> QueryResult<()> {
                use diesel::RunQueryDsl;
                self.delete_backfill(revision, direction)?;
                let placeholders = $six;
                // language=SQL
                diesel::sql_query(format!(
                    "INSERT INTO {BACKFILL_TABLE} \
                     (revision, direction, action_index, next_key, rows_done, batches) \
                     VALUES ({placeholders})"
                ))
                .bind::<diesel::sql_types::Text, _>(revision)
                .bind::<diesel::sql_types::Text, _>(direction)
                .bind::<Integer, _>(row.action_index)
                .bind::<Nullable<BigInt>, _>(row.next_key)
                .bind::<BigInt, _>(row.rows_done)
                .bind::<BigInt, _>(row.batches)
                .execute(self)
                .map(drop)
            }

            fn delete_backfill(&mut self, revision: &str, direction: &str) -> QueryResult<()> {
                use diesel::RunQueryDsl;
                // language=SQL
                diesel::sql_query(format!(
                    "DELETE FROM {BACKFILL_TABLE} WHERE revision = {} AND direction = {}",
                    $first, $second
                ))
                .bind::<diesel::sql_types::Text, _>(revision)
                .bind::<diesel::sql_types::Text, _>(direction)
                .execute(self)
                .map(drop)
            }

            fn next_key(
                &mut self,
                table: &str,
                key: &str,
                from: Option<i64>,
            ) -> QueryResult<Option<i64>> {
                use diesel::RunQueryDsl;
                let row: KeyRow = match from {
                    // language=SQL
                    Some(from) => diesel::sql_query(format!(
                        "SELECT CAST(MIN({key}) AS {}) AS found FROM {table} WHERE {key} >= {}",
                        $cast, $first
                    ))
                    .bind::<BigInt, _>(from)
                    .get_result(self)?,
                    // language=SQL
                    None => diesel::sql_query(format!(
                        "SELECT CAST(MIN({key}) AS {}) AS found FROM {table}",
                        $cast
                    ))
                    .get_result(self)?,
                };
                Ok(row.found)
            }

            fn last_key(&mut self, table: &str, key: &str) -> QueryResult<Option<i64>> {
                use diesel::RunQueryDsl;
                // language=SQL
                let row: KeyRow = diesel::sql_query(format!(
                    "SELECT CAST(MAX({key}) AS {}) AS found FROM {table}",
                    $cast
                ))
                .get_result(self)?;
                Ok(row.found)
            }

            fn run_backfill_batch(
                &mut self,
                statement: &str,
                key: &str,
                lo: i64,
                hi: i64,
            ) -> QueryResult<usize> {
                use diesel::RunQueryDsl;
                let range = format!("({key} >= {} AND {key} < {})", $first, $second);
                diesel::sql_query(statement.replacen(BATCH_PLACEHOLDER, &range, 1))
                    .bind::<BigInt, _>(lo)
                    .bind::<BigInt, _>(hi)
                    .execute(self)
            }
        }
    };
}

#[cfg(feature = "postgres")]
impl_backfill!(
    diesel::PgConnection,
    "$1",
    "$2",
    "$1, $2, $3, $4, $5, $6",
    "BIGINT"
);
#[cfg(all(feature = "postgres", feature = "async"))]
impl_backfill!(
    super::AsyncPgConnectionWrapper,
    "$1",
    "$2",
    "$1, $2, $3, $4, $5, $6",
    "BIGINT"
);
#[cfg(feature = "mysql")]
impl_backfill!(
    diesel::MysqlConnection,
    "?",
    "?",
    "?, ?, ?, ?, ?, ?",
    "SIGNED"
);
#[cfg(all(feature = "mysql", feature = "async"))]
impl_backfill!(
    super::AsyncMysqlConnectionWrapper,
    "?",
    "?",
    "?, ?, ?, ?, ?, ?",
    "SIGNED"
);
#[cfg(feature = "sqlite")]
impl_backfill!(
    diesel::SqliteConnection,
    "?",
    "?",
    "?, ?, ?, ?, ?, ?",
    "BIGINT"
);
