//! The library's messages tell a library user what to do without naming a
//! program's command: a call from an application has no `migrate` binary,
//! and the command line adds its own program's commands as hints.

use retort_core::revision::RevisionError;
use retort_core::runner::MigrateErrorKind;
use retort_core::AutogenerateError;

#[test]
fn no_message_names_a_program() {
    let heads = vec!["a1a1a1a1a1a1".to_owned(), "b2b2b2b2b2b2".to_owned()];
    let messages = [
        RevisionError::MultipleHeads {
            heads: heads.clone(),
        }
        .to_string(),
        AutogenerateError::MultipleHeads {
            dir: "migrations".into(),
            heads: heads.clone(),
        }
        .to_string(),
        AutogenerateError::NotUpToDate {
            dir: "migrations".into(),
            pending: heads.clone(),
        }
        .to_string(),
        MigrateErrorKind::Edited {
            revision: heads[0].clone(),
            file: "20240101000000_a1a1a1a1a1a1_x.sql".into(),
        }
        .to_string(),
        MigrateErrorKind::Missing {
            revision: heads[0].clone(),
        }
        .to_string(),
        MigrateErrorKind::StatementFailed {
            revision: heads[0].clone(),
            file: "20240101000000_a1a1a1a1a1a1_x.sql".into(),
            index: 2,
            statement: "CREATE TABLE t (id INT)".into(),
            rolled_back: false,
            source: diesel::result::Error::NotFound,
        }
        .to_string(),
    ];
    for message in messages {
        assert!(!message.contains("migrate "), "{message}");
        assert!(!message.contains("retort "), "{message}");
    }
}
