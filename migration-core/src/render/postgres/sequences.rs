//! `CREATE SEQUENCE`, `ALTER SEQUENCE` and `DROP SEQUENCE`.

use crate::backend::{Backend, PostgresBackend};
use crate::schema::Sequence;

fn sequence_name(backend: &PostgresBackend, sequence: &Sequence) -> String {
    backend.quote_qualified(sequence.schema.as_deref(), &sequence.name)
}

/// `CREATE SEQUENCE name [START WITH n] [INCREMENT BY m] [MINVALUE n]
/// [MAXVALUE n] [CACHE n] [CYCLE]`, each option only where it is given.
pub(super) fn create_sequence(backend: &PostgresBackend, sequence: &Sequence) -> String {
    // language=SQL
    let sql = format!("CREATE SEQUENCE {}", sequence_name(backend, sequence));
    let bounds = [
        sequence.min_value.map(|min| format!("MINVALUE {min}")),
        sequence.max_value.map(|max| format!("MAXVALUE {max}")),
        sequence.cache.map(|cache| format!("CACHE {cache}")),
        sequence.cycle.then(|| "CYCLE".to_owned()),
    ];
    let options: Vec<String> = std::iter::once(numbering(sequence.start, sequence.increment))
        .chain(bounds.into_iter().flatten())
        .filter(|option| !option.is_empty())
        .collect();
    if options.is_empty() {
        sql
    } else {
        format!("{sql} {}", options.join(" "))
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

/// `ALTER SEQUENCE name INCREMENT BY m [NO] MINVALUE .. [NO] MAXVALUE ..
/// CACHE c [NO] CYCLE START WITH n`, every option spelled out: the values
/// it gives from now on; those given already stay given.
pub(super) fn alter_sequence(backend: &PostgresBackend, new: &Sequence) -> String {
    let bound = |keyword: &str, value: Option<i64>| match value {
        Some(value) => format!("{keyword} {value}"),
        None => format!("NO {keyword}"),
    };
    // language=SQL
    format!(
        "ALTER SEQUENCE {} INCREMENT BY {} {} {} CACHE {} {}CYCLE START WITH {}",
        sequence_name(backend, new),
        new.increment.unwrap_or(1),
        bound("MINVALUE", new.min_value),
        bound("MAXVALUE", new.max_value),
        new.cache.unwrap_or(1),
        if new.cycle { "" } else { "NO " },
        new.first_value()
    )
}

/// `DROP SEQUENCE name`: no `CASCADE`, so a default still calling it fails
/// the migration rather than losing the default.
pub(super) fn drop_sequence(backend: &PostgresBackend, sequence: &Sequence) -> String {
    // language=SQL
    format!("DROP SEQUENCE {}", sequence_name(backend, sequence))
}
