//! `CREATE SEQUENCE`, `ALTER SEQUENCE` and `DROP SEQUENCE`.

use crate::backend::{Backend, PostgresBackend};
use crate::schema::Sequence;

fn sequence_name(backend: &PostgresBackend, sequence: &Sequence) -> String {
    backend.quote_qualified(sequence.schema.as_deref(), &sequence.name)
}

/// `CREATE SEQUENCE name [START WITH n] [INCREMENT BY m]`.
pub(super) fn create_sequence(backend: &PostgresBackend, sequence: &Sequence) -> String {
    // language=SQL
    let sql = format!("CREATE SEQUENCE {}", sequence_name(backend, sequence));
    match numbering(sequence.start, sequence.increment) {
        numbering if numbering.is_empty() => sql,
        numbering => format!("{sql} {numbering}"),
    }
}

/// `START WITH n INCREMENT BY m`, each only where it is given: a
/// sequence's options, an identity's.
pub(super) fn numbering(start: Option<i64>, increment: Option<i64>) -> String {
    let start = start.map(|start| format!("START WITH {start}"));
    let increment = increment.map(|increment| format!("INCREMENT BY {increment}"));
    [start, increment]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `ALTER SEQUENCE name INCREMENT BY m START WITH n`: the values it gives
/// from now on; those given already stay given.
pub(super) fn alter_sequence(backend: &PostgresBackend, new: &Sequence) -> String {
    // language=SQL
    format!(
        "ALTER SEQUENCE {} INCREMENT BY {} START WITH {}",
        sequence_name(backend, new),
        new.increment.unwrap_or(1),
        new.first_value()
    )
}

/// `DROP SEQUENCE name`: no `CASCADE`, so a default still calling it fails
/// the migration rather than losing the default.
pub(super) fn drop_sequence(backend: &PostgresBackend, sequence: &Sequence) -> String {
    // language=SQL
    format!("DROP SEQUENCE {}", sequence_name(backend, sequence))
}
