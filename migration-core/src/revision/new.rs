//! Writing a new revision file: what `autogenerate`, `revision --empty` and
//! `merge` produce.
//!
//! ```
//! use retort_core::revision::{parse_revision, NewRevision};
//!
//! let revision = NewRevision::new(vec![], "create users")
//!     .up(["CREATE TABLE users (id BIGINT PRIMARY KEY)"])
//!     .down(["DROP TABLE users"]);
//! let contents = revision.contents();
//! assert!(contents.starts_with(&format!("-- retort:revision {}\n", revision.id)));
//!
//! let read = parse_revision(&revision.file_name(), &contents)?;
//! assert_eq!(read.message(), "create users");
//! assert_eq!(read.up_sql(), "CREATE TABLE users (id BIGINT PRIMARY KEY);\n");
//! # Ok::<(), retort_core::revision::RevisionError>(())
//! ```

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::error::RevisionError;
use super::file::{
    BRANCH_LABELS, DEPENDS_ON, DIRECTIVE, DOWN, MESSAGE, PARENTS, REPLACES, REVISION, TRANSACTION,
    UP, WARNING,
};
use super::REVISION_ID_LENGTH;
use crate::backend::BackendKind;

/// The longest slug of the message kept in a file name.
const SLUG_LENGTH: usize = 40;

/// A revision about to be written: its header and its SQL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRevision {
    /// The revision id, [`REVISION_ID_LENGTH`] lowercase hexadecimal digits;
    /// [`NewRevision::new`] draws a random one.
    pub id: String,
    /// The revisions it follows: none for a root, two or more for a merge.
    pub parents: Vec<String>,
    /// What the revision does, for people (one line).
    pub message: String,
    /// Names for the branch it starts (`-- retort:branch-labels`).
    pub branch_labels: Vec<String>,
    /// Revisions to apply before it that are not its parents
    /// (`-- retort:depends-on`).
    pub depends_on: Vec<String>,
    /// For a baseline written by `squash`, the revisions it stands in for,
    /// oldest first (`-- retort:replaces`).
    pub replaces: Vec<String>,
    /// The database `up` and `down` are written for: `Some` names it in the
    /// file (`-- retort:up postgresql`), so no other database runs them;
    /// `None` writes sections any database runs.
    pub backend: Option<BackendKind>,
    /// The statements that apply it, without trailing semicolons.
    pub up: Vec<String>,
    /// The statements that revert it; `None` writes no down section, which
    /// makes the revision irreversible.
    pub down: Option<Vec<String>>,
    /// The same change for further databases, each written in sections of
    /// its own after the first (which then must name its database).
    pub other_backends: Vec<BackendSql>,
    /// Whether it runs in a transaction (`false` writes
    /// `-- retort:transaction off`).
    pub transactional: bool,
    /// Lines written as `-- retort:warning ...` for the reviewer: destructive
    /// changes, drops that look like renames.
    pub warnings: Vec<String>,
    /// When it was made, as `yyyymmddHHMMSS` in UTC: the start of the file
    /// name, so files list in the order they were made.
    pub created: String,
}

/// A revision's statements for one more database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackendSql {
    /// The database they are written for.
    pub backend: BackendKind,
    /// The statements that apply the revision there.
    pub up: Vec<String>,
    /// The statements that revert it there; `None` for none.
    pub down: Option<Vec<String>>,
}

impl NewRevision {
    /// An empty, transactional revision with a fresh random id, made now,
    /// with an empty down section.
    pub fn new(parents: Vec<String>, message: impl Into<String>) -> NewRevision {
        NewRevision {
            id: random_revision_id(),
            parents,
            message: one_line(&message.into()),
            branch_labels: Vec::new(),
            depends_on: Vec::new(),
            replaces: Vec::new(),
            backend: None,
            up: Vec::new(),
            down: Some(Vec::new()),
            other_backends: Vec::new(),
            transactional: true,
            warnings: Vec::new(),
            created: utc_timestamp(time::OffsetDateTime::now_utc()),
        }
    }

    /// Sets the up statements.
    pub fn up<S: Into<String>>(mut self, statements: impl IntoIterator<Item = S>) -> NewRevision {
        self.up = statements.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the down statements.
    pub fn down<S: Into<String>>(mut self, statements: impl IntoIterator<Item = S>) -> NewRevision {
        self.down = Some(statements.into_iter().map(Into::into).collect());
        self
    }

    /// Names the database the statements are written for.
    pub fn for_backend(mut self, backend: BackendKind) -> NewRevision {
        self.backend = Some(backend);
        self
    }

    /// The file name: `<yyyymmddHHMMSS>_<revision>_<slug>.sql`, the slug made
    /// of the message's letters and digits.
    pub fn file_name(&self) -> String {
        let slug = slug(&self.message);
        if slug.is_empty() {
            format!("{}_{}.sql", self.created, self.id)
        } else {
            format!("{}_{}_{slug}.sql", self.created, self.id)
        }
    }

    /// The file's text in the revision format.
    pub fn contents(&self) -> String {
        let mut text = String::new();
        let directive = |text: &mut String, key: &str, value: &str| {
            if value.is_empty() {
                let _ = writeln!(text, "{DIRECTIVE}{key}");
            } else {
                let _ = writeln!(text, "{DIRECTIVE}{key} {value}");
            }
        };
        directive(&mut text, REVISION, &self.id);
        directive(&mut text, PARENTS, &self.parents.join(" "));
        directive(&mut text, MESSAGE, &self.message);
        if !self.branch_labels.is_empty() {
            directive(&mut text, BRANCH_LABELS, &self.branch_labels.join(" "));
        }
        if !self.depends_on.is_empty() {
            directive(&mut text, DEPENDS_ON, &self.depends_on.join(" "));
        }
        if !self.replaces.is_empty() {
            directive(&mut text, REPLACES, &self.replaces.join(" "));
        }
        if !self.transactional {
            directive(&mut text, TRANSACTION, "off");
        }
        for warning in &self.warnings {
            directive(&mut text, WARNING, &one_line(warning));
        }
        let first = (self.backend, &self.up, &self.down);
        let others = self
            .other_backends
            .iter()
            .map(|sql| (Some(sql.backend), &sql.up, &sql.down));
        for (backend, up, down) in std::iter::once(first).chain(others) {
            let named = backend.map_or("", BackendKind::label);
            directive(&mut text, UP, named);
            push_statements(&mut text, up);
            if let Some(down) = down {
                directive(&mut text, DOWN, named);
                push_statements(&mut text, down);
            }
        }
        text
    }

    /// Writes the file into `dir` (which must exist) and returns its path.
    /// Never overwrites: a file of that name already there is an error.
    ///
    /// # Errors
    ///
    /// [`RevisionError::Io`] naming the file when it cannot be created;
    /// [`RevisionError::Malformed`] when the revision would not read back
    /// (SQL for further databases after a first section that names none).
    pub fn write(&self, dir: impl AsRef<Path>) -> Result<PathBuf, RevisionError> {
        let contents = self.contents();
        // What is written must read back: a first section without a
        // database followed by named ones would not.
        super::parse_revision(&self.file_name(), &contents)?;
        let path = dir.as_ref().join(self.file_name());
        let io_error = |source: std::io::Error| RevisionError::Io {
            path: path.display().to_string(),
            source: Arc::new(source),
        };
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(io_error)?;
        std::io::Write::write_all(&mut file, contents.as_bytes()).map_err(io_error)?;
        Ok(path)
    }
}

/// Each statement followed by `;` on its own line block.
/// Writes statements, each ended by `;`, and comment lines (such as
/// `-- retort:run NAME`) as they are.
fn push_statements(text: &mut String, statements: &[String]) {
    for statement in statements {
        text.push_str(statement.trim_end());
        let only_comments = statement
            .lines()
            .all(|line| line.trim_start().starts_with("--"));
        text.push_str(if only_comments { "\n" } else { ";\n" });
    }
}

/// A fresh revision id from the operating system's random source.
fn random_revision_id() -> String {
    let mut bytes = [0u8; REVISION_ID_LENGTH / 2];
    // Without a random source (never seen on the supported platforms) the
    // id falls back to the clock, which is still unique per call here.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
        bytes.copy_from_slice(&nanos.to_le_bytes()[..REVISION_ID_LENGTH / 2]);
    }
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// `yyyymmddHHMMSS` of a moment, in UTC.
fn utc_timestamp(moment: time::OffsetDateTime) -> String {
    let moment = moment.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        moment.year(),
        u8::from(moment.month()),
        moment.day(),
        moment.hour(),
        moment.minute(),
        moment.second()
    )
}

/// The message's ASCII letters and digits in lower case, other runs of
/// characters as one `_`, at most [`SLUG_LENGTH`] characters.
fn slug(message: &str) -> String {
    let mut slug = String::new();
    for character in message.chars() {
        if character.is_ascii_alphanumeric() {
            if slug.len() == SLUG_LENGTH {
                break;
            }
            slug.push(character.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('_') {
            slug.push('_');
        }
    }
    slug.trim_end_matches('_').to_owned()
}

/// The text on one line: a directive's value cannot span lines.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::revision::{is_revision_id, parse_revision};

    #[test]
    fn ids_are_fresh_and_well_formed() {
        let first = NewRevision::new(vec![], "a");
        let second = NewRevision::new(vec![], "a");
        assert!(is_revision_id(&first.id), "{}", first.id);
        assert_ne!(first.id, second.id);
        assert_eq!(first.created.len(), 14);
        assert!(first.created.bytes().all(|b| b.is_ascii_digit()));
    }

    #[test]
    fn file_names_carry_the_time_id_and_slug() {
        let mut revision = NewRevision::new(vec![], "Add e-mail to `users`!  (v2)");
        revision.id = "3f2a9c1b7d04".into();
        revision.created = "20261201120000".into();
        assert_eq!(
            revision.file_name(),
            "20261201120000_3f2a9c1b7d04_add_e_mail_to_users_v2.sql"
        );
        revision.message = "ß".into();
        assert_eq!(revision.file_name(), "20261201120000_3f2a9c1b7d04.sql");
        revision.message = "x".repeat(100);
        assert_eq!(
            revision.file_name().len(),
            "20261201120000_3f2a9c1b7d04_.sql".len() + 40
        );
    }

    #[test]
    fn timestamps_are_utc() {
        let moment = time::macros::datetime!(2026-12-01 23:30:05 -02:00);
        assert_eq!(utc_timestamp(moment), "20261202013005");
    }

    #[test]
    fn contents_parse_back_as_written() {
        let mut revision = NewRevision::new(
            vec!["0a1b2c3d4e5f".into(), "111111111111".into()],
            "merge\nheads",
        )
        .up(["CREATE INDEX CONCURRENTLY ix ON t (a)", "SELECT 'a;b'"])
        .down(["DROP INDEX ix"]);
        revision.transactional = false;
        revision.warnings = vec!["drops column \"t\".\"b\"\nand its values".into()];
        let contents = revision.contents();
        assert!(
            contents.contains("-- retort:warning drops column \"t\".\"b\" and its values\n"),
            "{contents}"
        );
        let read = parse_revision(&revision.file_name(), &contents).unwrap();
        assert_eq!(read.id(), revision.id);
        assert_eq!(read.parents(), revision.parents);
        assert_eq!(read.message(), "merge heads");
        assert!(!read.is_transactional());
        assert_eq!(read.warnings(), ["drops column \"t\".\"b\" and its values"]);
        assert_eq!(
            read.up_sql(),
            "CREATE INDEX CONCURRENTLY ix ON t (a);\nSELECT 'a;b';\n"
        );
        assert_eq!(read.down_sql(), Some("DROP INDEX ix;\n"));
    }

    #[test]
    fn no_down_section_makes_it_irreversible() {
        let mut revision = NewRevision::new(vec![], "one way").up(["DROP TABLE t"]);
        revision.down = None;
        let read = parse_revision(&revision.file_name(), &revision.contents()).unwrap();
        assert_eq!(read.down_sql(), None);
    }

    #[test]
    fn writing_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let revision = NewRevision::new(vec![], "first");
        let path = revision.write(dir.path()).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), revision.contents());
        let again = revision.write(dir.path()).unwrap_err();
        assert!(matches!(again, RevisionError::Io { .. }), "{again}");
        assert!(again.to_string().contains(&revision.file_name()), "{again}");
    }
}
