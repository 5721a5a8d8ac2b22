//! diesel_migrations' folders as revisions, so a diesel project can switch
//! to retort without running its history again.
//!
//! diesel keeps one folder per migration, `<version>_<name>/` holding
//! `up.sql`, usually `down.sql`, and optionally `metadata.toml` (whose
//! `run_in_transaction = false` opts out of the transaction). The version is
//! the folder name up to its first `_` with the dashes removed
//! (`2024-01-31-120000_create_users` is `20240131120000`), and diesel runs
//! them in version order. Here they become a linear chain of revisions in
//! that order, each with an id derived from its version (so the same folder
//! is the same revision on every machine); retort files written afterwards
//! follow the last of them. The runner recognises the versions recorded in
//! diesel's `__diesel_schema_migrations` as applied.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::error::RevisionError;
use super::file::{Revision, SqlSection, REVISION_ID_LENGTH};

pub use crate::backend::DIESEL_VERSION_TABLE;

/// The files of one diesel migration folder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct DieselFolder {
    /// The folder's name, `<version>_<name>`.
    pub(crate) name: String,
    /// `up.sql`, if present.
    pub(crate) up: Option<String>,
    /// `down.sql`, if present.
    pub(crate) down: Option<String>,
    /// `metadata.toml`, if present.
    pub(crate) metadata: Option<String>,
}

/// Whether a `(path, contents)` pair of a migrations directory belongs to a
/// diesel folder: `<folder>/up.sql`, `<folder>/down.sql` or
/// `<folder>/metadata.toml`.
pub(crate) fn is_diesel_file(path: &str) -> bool {
    path.split_once('/')
        .is_some_and(|(_, file)| matches!(file, "up.sql" | "down.sql" | "metadata.toml"))
}

/// Groups `<folder>/<file>` pairs into folders, by folder name.
pub(crate) fn group_folders<'a>(
    files: impl Iterator<Item = (&'a str, &'a str)>,
) -> Vec<DieselFolder> {
    let mut folders: BTreeMap<&str, DieselFolder> = BTreeMap::new();
    for (path, contents) in files {
        let Some((folder, file)) = path.split_once('/') else {
            continue;
        };
        let entry = folders.entry(folder).or_insert_with(|| DieselFolder {
            name: folder.to_owned(),
            ..DieselFolder::default()
        });
        let slot = match file {
            "up.sql" => &mut entry.up,
            "down.sql" => &mut entry.down,
            "metadata.toml" => &mut entry.metadata,
            _ => continue,
        };
        *slot = Some(contents.to_owned());
    }
    folders.into_values().collect()
}

/// The version diesel gives a folder: its name up to the first `_`, dashes
/// removed.
pub fn diesel_version(folder: &str) -> String {
    folder
        .split('_')
        .next()
        .unwrap_or_default()
        .replace('-', "")
}

/// The revision id of the diesel migration with `version`: the first
/// [`REVISION_ID_LENGTH`] hex digits of SHA-256 over `diesel:<version>`.
pub fn diesel_revision_id(version: &str) -> String {
    let digest = Sha256::digest(format!("diesel:{version}").as_bytes());
    digest
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect::<String>()[..REVISION_ID_LENGTH]
        .to_owned()
}

/// The folders as a linear chain of revisions in diesel's order (by
/// version), each following the one before.
pub(crate) fn diesel_revisions(
    mut folders: Vec<DieselFolder>,
) -> Result<Vec<Revision>, RevisionError> {
    folders.sort_by_key(|folder| (diesel_version(&folder.name), folder.name.clone()));
    let mut revisions: Vec<Revision> = Vec::with_capacity(folders.len());
    for folder in folders {
        let malformed = |problem: &str| RevisionError::Malformed {
            file: folder.name.clone(),
            line: 1,
            problem: problem.to_owned(),
        };
        let version = diesel_version(&folder.name);
        if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed(
                "a diesel migration folder is named `<version>_<name>` with a numeric version such as `2024-01-31-120000`",
            ));
        }
        let up = folder
            .up
            .ok_or_else(|| malformed("a diesel migration folder needs an `up.sql`"))?;
        let id = diesel_revision_id(&version);
        let parents = revisions
            .last()
            .map(|previous| vec![previous.id.clone()])
            .unwrap_or_default();
        let message = folder
            .name
            .split_once('_')
            .map_or("", |(_, name)| name)
            .replace('_', " ");
        let transactional = !folder
            .metadata
            .as_deref()
            .is_some_and(runs_outside_transaction);
        revisions.push(Revision {
            id,
            parents,
            message,
            branch_labels: Vec::new(),
            depends_on: Vec::new(),
            replaces: Vec::new(),
            // `up.sql` is all up section, for whatever database diesel ran.
            sections: vec![SqlSection::any(up, folder.down)],
            transactional,
            warnings: Vec::new(),
            file_name: folder.name,
            diesel_version: Some(version),
        });
    }
    Ok(revisions)
}

/// Whether a `metadata.toml` says `run_in_transaction = false`.
fn runs_outside_transaction(metadata: &str) -> bool {
    metadata.lines().any(|line| {
        let line = line.split('#').next().unwrap_or_default();
        line.split_once('=').is_some_and(|(key, value)| {
            key.trim() == "run_in_transaction" && value.trim() == "false"
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str, up: &str) -> DieselFolder {
        DieselFolder {
            name: name.into(),
            up: Some(up.into()),
            down: Some("SELECT 0;\n".into()),
            metadata: None,
        }
    }

    #[test]
    fn folders_become_a_chain_in_version_order() {
        let revisions = diesel_revisions(vec![
            folder(
                "2024-02-01-000000_add_email",
                "ALTER TABLE users ADD email TEXT;\n",
            ),
            folder("00000000000000_diesel_initial_setup", "SELECT 1;\n"),
            folder(
                "2024-01-01-000000_create_users",
                "CREATE TABLE users (id INT);\n",
            ),
        ])
        .unwrap();
        let versions: Vec<&str> = revisions
            .iter()
            .map(|r| r.diesel_version().unwrap())
            .collect();
        assert_eq!(
            versions,
            ["00000000000000", "20240101000000", "20240201000000"]
        );
        assert!(revisions[0].parents().is_empty());
        assert_eq!(revisions[1].parents(), [revisions[0].id()]);
        assert_eq!(revisions[2].parents(), [revisions[1].id()]);
        assert_eq!(revisions[1].message(), "create users");
        assert_eq!(revisions[1].id(), diesel_revision_id("20240101000000"));
        assert!(super::super::is_revision_id(revisions[1].id()));
        assert_eq!(revisions[2].file_name(), "2024-02-01-000000_add_email");
    }

    #[test]
    fn metadata_can_opt_out_of_the_transaction() {
        let mut outside = folder(
            "2024-01-01-000000_index",
            "CREATE INDEX CONCURRENTLY i ON t (c);\n",
        );
        outside.metadata = Some("run_in_transaction = false\n".into());
        let revisions = diesel_revisions(vec![outside]).unwrap();
        assert!(!revisions[0].is_transactional());
    }

    #[test]
    fn a_folder_without_up_sql_is_named() {
        let mut broken = folder("2024-01-01-000000_broken", "");
        broken.up = None;
        let error = diesel_revisions(vec![broken]).unwrap_err().to_string();
        assert!(
            error.contains("2024-01-01-000000_broken") && error.contains("up.sql"),
            "{error}"
        );
    }

    #[test]
    fn grouping_pairs_files_by_folder() {
        let folders = group_folders(
            [
                ("2024-01-01-000000_a/up.sql", "UP"),
                ("2024-01-01-000000_a/down.sql", "DOWN"),
                ("2024-01-02-000000_b/up.sql", "UP B"),
            ]
            .into_iter(),
        );
        assert_eq!(folders.len(), 2);
        assert_eq!(folders[0].down.as_deref(), Some("DOWN"));
        assert_eq!(folders[1].down, None);
        assert!(is_diesel_file("x/up.sql") && !is_diesel_file("20240101000000_abc_x.sql"));
    }
}
