//! One migration file: `<UTC yyyymmddHHMMSS>_<revision>_<slug>.sql`.
//!
//! ```sql
//! -- retort:revision 3f2a9c1b7d04
//! -- retort:parents 0a1b2c3d4e5f
//! -- retort:message add email to users
//! -- retort:up
//! ALTER TABLE "users" ADD COLUMN "email" VARCHAR(255);
//! -- retort:down
//! ALTER TABLE "users" DROP COLUMN "email";
//! ```

use sha2::{Digest, Sha256};

use super::error::RevisionError;

/// The prefix of every directive line.
pub(super) const DIRECTIVE: &str = "-- retort:";
/// Directive keys, as written after [`DIRECTIVE`].
pub(super) const REVISION: &str = "revision";
pub(super) const PARENTS: &str = "parents";
pub(super) const MESSAGE: &str = "message";
pub(super) const TRANSACTION: &str = "transaction";
/// A note for the reviewer (a destructive change); may be given many times.
pub(super) const WARNING: &str = "warning";
pub(super) const UP: &str = "up";
pub(super) const DOWN: &str = "down";
/// Every key, for the error on an unknown one.
const KEYS: &str = "revision, parents, message, transaction, warning, up, down";

/// Length of a revision id: lowercase hexadecimal digits.
pub const REVISION_ID_LENGTH: usize = 12;

/// One revision, read from its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    pub(crate) id: String,
    pub(crate) parents: Vec<String>,
    pub(crate) message: String,
    pub(crate) up: String,
    /// The line of the file the up section starts on, counting from 1.
    pub(crate) up_line: usize,
    pub(crate) down: Option<String>,
    pub(crate) transactional: bool,
    pub(crate) warnings: Vec<String>,
    pub(crate) file_name: String,
    pub(crate) checksum: String,
    pub(crate) diesel_version: Option<String>,
}

impl Revision {
    /// The revision id: 12 lowercase hexadecimal digits.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The revisions this one follows: none for a root, two or more for a
    /// merge.
    pub fn parents(&self) -> &[String] {
        &self.parents
    }

    /// The message given when the revision was made.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The SQL that applies the revision.
    pub fn up_sql(&self) -> &str {
        &self.up
    }

    /// The line of its file the up section's SQL starts on, counting from
    /// 1: line `n` of [`Revision::up_sql`] is line `up_line() + n - 1` of the
    /// file.
    pub fn up_line(&self) -> usize {
        self.up_line
    }

    /// The SQL that reverts it; `None` when the file has no `-- retort:down`
    /// section, which makes the revision irreversible.
    pub fn down_sql(&self) -> Option<&str> {
        self.down.as_deref()
    }

    /// Whether the revision runs inside a transaction (the default; `--
    /// retort:transaction off` opts out).
    pub fn is_transactional(&self) -> bool {
        self.transactional
    }

    /// The `-- retort:warning` lines of the file: what autogenerate asked
    /// the reviewer to look at (destructive changes, possible renames).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The file the revision was read from.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// SHA-256 of the up section, in lowercase hexadecimal: what the version
    /// table records to notice a file edited after it was applied.
    pub fn checksum(&self) -> &str {
        &self.checksum
    }

    /// For a revision read from a diesel_migrations folder, the version
    /// diesel records for it in `__diesel_schema_migrations`.
    pub fn diesel_version(&self) -> Option<&str> {
        self.diesel_version.as_deref()
    }
}

/// Whether `id` is a well-formed revision id.
pub fn is_revision_id(id: &str) -> bool {
    id.len() == REVISION_ID_LENGTH && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// SHA-256 of an up section in lowercase hex, line endings normalised to
/// `\n` so a checkout that converts them does not look like an edit.
pub fn checksum(up: &str) -> String {
    let mut hasher = Sha256::new();
    for (at, line) in up.split('\n').enumerate() {
        if at > 0 {
            hasher.update(b"\n");
        }
        hasher.update(line.strip_suffix('\r').unwrap_or(line).as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Where the parser is in a file.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Header,
    Up,
    Down,
}

/// Parses one migration file. `file_name` is the file's name (not its path);
/// errors name it and the line.
pub fn parse_revision(file_name: &str, contents: &str) -> Result<Revision, RevisionError> {
    let name_revision = revision_in_file_name(file_name)?;
    let error = |line: usize, problem: String| RevisionError::Malformed {
        file: file_name.to_owned(),
        line,
        problem,
    };

    let mut id: Option<String> = None;
    let mut parents: Option<Vec<String>> = None;
    let mut message: Option<String> = None;
    let mut transactional: Option<bool> = None;
    let mut warnings = Vec::new();
    let mut section = Section::Header;
    let mut up = String::new();
    let mut up_line = 1;
    let mut down: Option<String> = None;

    for (index, raw_line) in contents.lines().enumerate() {
        let line_number = index + 1;
        let line = raw_line.trim_end();
        if let Some(directive) = line.strip_prefix(DIRECTIVE) {
            let (key, value) = directive
                .split_once(char::is_whitespace)
                .map_or((directive, ""), |(key, value)| (key, value.trim()));
            let once = |seen: bool| {
                if seen {
                    Err(error(
                        line_number,
                        format!("`{DIRECTIVE}{key}` is given twice"),
                    ))
                } else {
                    Ok(())
                }
            };
            let in_header = || {
                if section == Section::Header {
                    Ok(())
                } else {
                    Err(error(
                        line_number,
                        format!("`{DIRECTIVE}{key}` must come before `{DIRECTIVE}{UP}`"),
                    ))
                }
            };
            match key {
                REVISION => {
                    in_header()?;
                    once(id.is_some())?;
                    if !is_revision_id(value) {
                        return Err(error(
                            line_number,
                            format!("revision id `{value}` is not {REVISION_ID_LENGTH} lowercase hexadecimal digits"),
                        ));
                    }
                    id = Some(value.to_owned());
                }
                PARENTS => {
                    in_header()?;
                    once(parents.is_some())?;
                    let mut list = Vec::new();
                    for parent in value.split([',', ' ', '\t']).filter(|p| !p.is_empty()) {
                        if !is_revision_id(parent) {
                            return Err(error(
                                line_number,
                                format!("parent `{parent}` is not a revision id ({REVISION_ID_LENGTH} lowercase hexadecimal digits)"),
                            ));
                        }
                        if list.iter().any(|seen| seen == parent) {
                            return Err(error(
                                line_number,
                                format!("parent `{parent}` is listed twice"),
                            ));
                        }
                        list.push(parent.to_owned());
                    }
                    parents = Some(list);
                }
                MESSAGE => {
                    in_header()?;
                    once(message.is_some())?;
                    message = Some(value.to_owned());
                }
                TRANSACTION => {
                    in_header()?;
                    once(transactional.is_some())?;
                    transactional = Some(match value {
                        "on" => true,
                        "off" => false,
                        other => {
                            return Err(error(
                                line_number,
                                format!(
                                    "`{DIRECTIVE}{TRANSACTION}` takes `on` or `off`, not `{other}`"
                                ),
                            ))
                        }
                    });
                }
                WARNING => {
                    in_header()?;
                    warnings.push(value.to_owned());
                }
                UP => {
                    if section != Section::Header {
                        return Err(error(
                            line_number,
                            format!("`{DIRECTIVE}{UP}` is given twice"),
                        ));
                    }
                    section = Section::Up;
                    up_line = line_number + 1;
                }
                DOWN => match section {
                    Section::Header => {
                        return Err(error(
                            line_number,
                            format!("`{DIRECTIVE}{DOWN}` must come after `{DIRECTIVE}{UP}`"),
                        ))
                    }
                    Section::Down => {
                        return Err(error(
                            line_number,
                            format!("`{DIRECTIVE}{DOWN}` is given twice"),
                        ))
                    }
                    Section::Up => {
                        section = Section::Down;
                        down = Some(String::new());
                    }
                },
                unknown => {
                    return Err(error(
                        line_number,
                        format!(
                            "unknown directive `{DIRECTIVE}{unknown}`; the directives are {KEYS}"
                        ),
                    ))
                }
            }
            continue;
        }
        match section {
            Section::Header => {
                let trimmed = line.trim_start();
                if !(trimmed.is_empty() || trimmed.starts_with("--")) {
                    return Err(error(
                        line_number,
                        format!("SQL before `{DIRECTIVE}{UP}`: put it in the up section"),
                    ));
                }
            }
            Section::Up => {
                up.push_str(raw_line);
                up.push('\n');
            }
            Section::Down => {
                if let Some(down) = down.as_mut() {
                    down.push_str(raw_line);
                    down.push('\n');
                }
            }
        }
    }

    let last_line = contents.lines().count().max(1);
    let id = id.ok_or_else(|| error(1, format!("missing `{DIRECTIVE}{REVISION} <id>`")))?;
    if section == Section::Header {
        return Err(error(
            last_line,
            format!("missing `{DIRECTIVE}{UP}` section"),
        ));
    }
    if id != name_revision {
        return Err(error(
            1,
            format!("the file name says revision `{name_revision}` but the file says `{id}`"),
        ));
    }
    let checksum = checksum(&up);
    Ok(Revision {
        id,
        parents: parents.unwrap_or_default(),
        message: message.unwrap_or_default(),
        up,
        up_line,
        down,
        transactional: transactional.unwrap_or(true),
        warnings,
        file_name: file_name.to_owned(),
        checksum,
        diesel_version: None,
    })
}

/// The revision id in a file name `<yyyymmddHHMMSS>_<revision>_<slug>.sql`.
fn revision_in_file_name(file_name: &str) -> Result<&str, RevisionError> {
    let bad = |problem: &str| RevisionError::BadFileName {
        file: file_name.to_owned(),
        problem: problem.to_owned(),
    };
    let stem = file_name
        .strip_suffix(".sql")
        .ok_or_else(|| bad("it does not end in `.sql`"))?;
    let mut parts = stem.splitn(3, '_');
    let timestamp = parts.next().unwrap_or_default();
    if timestamp.len() != 14 || !timestamp.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(
            "it does not start with a 14-digit UTC timestamp (yyyymmddHHMMSS)",
        ));
    }
    let revision = parts.next().unwrap_or_default();
    if !is_revision_id(revision) {
        return Err(bad(
            "the timestamp is not followed by `_` and a 12-digit lowercase hex revision id",
        ));
    }
    Ok(revision)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: &str = "20240101120000_3f2a9c1b7d04_add_email.sql";

    fn malformed(contents: &str) -> (usize, String) {
        match parse_revision(NAME, contents) {
            Err(RevisionError::Malformed { line, problem, .. }) => (line, problem),
            other => panic!("expected a malformed-file error, got {other:?}"),
        }
    }

    #[test]
    fn parses_the_documented_format() {
        let revision = parse_revision(
            NAME,
            "-- retort:revision 3f2a9c1b7d04\n-- retort:parents 0a1b2c3d4e5f\n-- retort:message add email to users\n-- retort:up\nALTER TABLE users ADD COLUMN email VARCHAR(255);\n-- retort:down\nALTER TABLE users DROP COLUMN email;\n",
        )
        .unwrap();
        assert_eq!(revision.id(), "3f2a9c1b7d04");
        assert_eq!(revision.parents(), ["0a1b2c3d4e5f"]);
        assert_eq!(revision.message(), "add email to users");
        assert_eq!(
            revision.up_sql(),
            "ALTER TABLE users ADD COLUMN email VARCHAR(255);\n"
        );
        assert_eq!(
            revision.down_sql(),
            Some("ALTER TABLE users DROP COLUMN email;\n")
        );
        assert!(revision.is_transactional());
        assert_eq!(revision.checksum().len(), 64);
    }

    #[test]
    fn roots_merges_and_transaction_off() {
        let root = parse_revision(
            NAME,
            "-- retort:revision 3f2a9c1b7d04\n-- retort:parents\n-- retort:up\nSELECT 1;\n",
        )
        .unwrap();
        assert!(root.parents().is_empty());
        assert_eq!(root.down_sql(), None);
        let merge = parse_revision(
            NAME,
            "-- retort:revision 3f2a9c1b7d04\n-- retort:parents 0a1b2c3d4e5f, 111111111111\n-- retort:transaction off\n-- retort:up\n-- retort:down\n",
        )
        .unwrap();
        assert_eq!(merge.parents(), ["0a1b2c3d4e5f", "111111111111"]);
        assert!(!merge.is_transactional());
        assert_eq!(merge.down_sql(), Some(""));
    }

    #[test]
    fn checksums_ignore_line_ending_style_but_not_edits() {
        assert_eq!(
            checksum("SELECT 1;\nSELECT 2;\n"),
            checksum("SELECT 1;\r\nSELECT 2;\r\n")
        );
        assert_ne!(checksum("SELECT 1;\n"), checksum("SELECT 2;\n"));
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(malformed("-- retort:up\nSELECT 1;\n").0, 1);
        let (line, problem) =
            malformed("-- retort:revision 3f2a9c1b7d04\nCREATE TABLE t (id INT);\n-- retort:up\n");
        assert_eq!(line, 2);
        assert!(problem.contains("SQL before"), "{problem}");
        let (line, problem) =
            malformed("-- retort:revision 3f2a9c1b7d04\n-- retort:parent abc\n-- retort:up\n");
        assert_eq!(line, 2);
        assert!(problem.contains("revision, parents, message"), "{problem}");
        let (line, problem) = malformed("-- retort:revision 3F2A\n-- retort:up\n");
        assert_eq!((line, problem.contains("`3F2A`")), (1, true));
        let (line, _) = malformed(
            "-- retort:revision 3f2a9c1b7d04\n-- retort:up\n-- retort:down\n-- retort:down\n",
        );
        assert_eq!(line, 4);
        let (_, problem) = malformed("-- retort:revision 3f2a9c1b7d04\n");
        assert!(problem.contains("missing `-- retort:up`"), "{problem}");
        let (_, problem) = malformed("-- retort:revision 0a1b2c3d4e5f\n-- retort:up\n");
        assert!(problem.contains("file name says"), "{problem}");
        let (line, problem) = malformed(
            "-- retort:revision 3f2a9c1b7d04\n-- retort:transaction maybe\n-- retort:up\n",
        );
        assert_eq!((line, problem.contains("`maybe`")), (2, true));
    }

    #[test]
    fn file_names_are_checked() {
        for name in [
            "notes.txt",
            "2024_3f2a9c1b7d04_x.sql",
            "20240101120000_XYZ_x.sql",
        ] {
            assert!(
                matches!(
                    parse_revision(name, "-- retort:revision 3f2a9c1b7d04\n-- retort:up\n"),
                    Err(RevisionError::BadFileName { .. })
                ),
                "{name}"
            );
        }
        assert!(parse_revision(
            "20240101120000_3f2a9c1b7d04.sql",
            "-- retort:revision 3f2a9c1b7d04\n-- retort:up\n"
        )
        .is_ok());
    }
}
