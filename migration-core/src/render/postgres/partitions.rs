//! PostgreSQL's declarative partitioning: `PARTITION BY` on a partitioned
//! table, `CREATE TABLE ... PARTITION OF`, and `ATTACH`/`DETACH
//! PARTITION`.

use super::PostgresBackend;
use crate::backend::Backend;
use crate::diff::TableName;
use crate::render;
use crate::schema::{IndexPart, PartitionKey, PartitionOf, Table};

/// ` PARTITION BY RANGE ("a", (lower(b)))` for a partitioned table; empty
/// for another. Columns are quoted, expressions parenthesized.
pub(super) fn partition_by_suffix(backend: &PostgresBackend, table: &Table) -> String {
    table
        .partition_by
        .as_ref()
        .map(|key| format!(" {}", partition_by(backend, key)))
        .unwrap_or_default()
}

fn partition_by(backend: &PostgresBackend, key: &PartitionKey) -> String {
    let parts: Vec<String> = key
        .parts
        .iter()
        .map(|part| match part {
            IndexPart::Column(name) => backend.quote_identifier(name),
            IndexPart::Expression(expression) => format!("({expression})"),
        })
        .collect();
    format!(
        "PARTITION BY {} ({})",
        key.method.keyword(),
        parts.join(", ")
    )
}

/// The parent of a partition, as SQL.
fn parent_sql(backend: &PostgresBackend, partition: &PartitionOf) -> String {
    backend.quote_qualified(partition.parent_schema.as_deref(), &partition.parent)
}

/// `CREATE TABLE "p" PARTITION OF "parent" [(constraints)] FOR VALUES ...
/// [PARTITION BY ...]`: the columns are the parent's; the partition's own
/// keys, uniques, checks and foreign keys are declared with it.
pub(super) fn create_partition(
    backend: &PostgresBackend,
    name: &TableName,
    table: &Table,
    partition: &PartitionOf,
) -> String {
    let mut parts: Vec<String> = table
        .primary_key
        .iter()
        .map(|key| render::primary_key_clause(backend, key))
        .collect();
    parts.extend(
        table
            .uniques
            .iter()
            .map(|unique| render::unique_clause(backend, unique)),
    );
    parts.extend(
        table
            .checks
            .iter()
            .map(|check| render::check_clause(backend, check)),
    );
    parts.extend(
        table
            .foreign_keys
            .iter()
            .map(|foreign_key| render::foreign_key_clause(backend, foreign_key)),
    );
    let constraints = if parts.is_empty() {
        String::new()
    } else {
        format!(" (\n    {}\n)", parts.join(",\n    "))
    };
    // language=SQL
    format!(
        "CREATE TABLE {} PARTITION OF {}{constraints} {}{}",
        render::table_sql(backend, name),
        parent_sql(backend, partition),
        partition.bound,
        partition_by_suffix(backend, table)
    )
}

/// `ALTER TABLE parent DETACH PARTITION p` for `old`, then `ALTER TABLE
/// parent ATTACH PARTITION p FOR VALUES ...` for `new`.
pub(super) fn set_partition_of(
    backend: &PostgresBackend,
    table: &TableName,
    old: Option<&PartitionOf>,
    new: Option<&PartitionOf>,
    out: &mut Vec<String>,
) {
    let partition = render::table_sql(backend, table);
    if let Some(old) = old {
        // language=SQL
        out.push(format!(
            "ALTER TABLE {} DETACH PARTITION {partition}",
            parent_sql(backend, old)
        ));
    }
    if let Some(new) = new {
        // language=SQL
        out.push(format!(
            "ALTER TABLE {} ATTACH PARTITION {partition} {}",
            parent_sql(backend, new),
            new.bound
        ));
    }
}
