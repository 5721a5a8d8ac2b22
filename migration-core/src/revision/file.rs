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
//!
//! The up and down sections may name the database their SQL is written for
//! (`-- retort:up postgresql`, `-- retort:down postgresql`), and a file may
//! hold such sections for several databases; a file whose sections name
//! none runs on any database, as files written before sections had names
//! do.

use sha2::{Digest, Sha256};

use super::error::RevisionError;
use crate::backend::BackendKind;

/// The prefix of every directive line.
pub(crate) const DIRECTIVE: &str = "-- retort:";
/// Directive keys, as written after [`DIRECTIVE`].
pub(super) const REVISION: &str = "revision";
pub(crate) const PARENTS: &str = "parents";
pub(super) const MESSAGE: &str = "message";
/// Names for the branch this revision starts or is on, for targets such as
/// `NAME@head`.
pub(super) const BRANCH_LABELS: &str = "branch-labels";
/// Revisions that must be applied before this one without being its
/// parents (a dependency on another branch).
pub(crate) const DEPENDS_ON: &str = "depends-on";
/// The revisions a baseline written by `squash` stands in for, oldest
/// first: a database that applied the last of them is at the baseline.
pub(super) const REPLACES: &str = "replaces";
pub(super) const TRANSACTION: &str = "transaction";
/// A note for the reviewer (a destructive change); may be given many times.
pub(super) const WARNING: &str = "warning";
pub(crate) const UP: &str = "up";
pub(super) const DOWN: &str = "down";
use super::script::{check_section, BACKFILL, RUN};
/// Every key, for the error on an unknown one.
const KEYS: &str = "revision, parents, message, branch-labels, depends-on, replaces, transaction, warning, up, down, run, backfill";

/// Length of a revision id: lowercase hexadecimal digits.
pub const REVISION_ID_LENGTH: usize = 12;

/// One revision, read from its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    pub(crate) id: String,
    pub(crate) parents: Vec<String>,
    pub(crate) message: String,
    pub(crate) branch_labels: Vec<String>,
    pub(crate) depends_on: Vec<String>,
    /// The revisions it replaces (`-- retort:replaces`), oldest first.
    pub(crate) replaces: Vec<String>,
    /// Its SQL: one unnamed section, or one per database it names, in the
    /// order of the file. Never empty.
    pub(crate) sections: Vec<SqlSection>,
    pub(crate) transactional: bool,
    pub(crate) warnings: Vec<String>,
    pub(crate) file_name: String,
    pub(crate) diesel_version: Option<String>,
}

/// The up and down SQL of a revision for one database, or for any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SqlSection {
    /// The database it is written for; `None` for any.
    pub(crate) backend: Option<BackendKind>,
    pub(crate) up: String,
    /// The line of the file the up section starts on, counting from 1.
    pub(crate) up_line: usize,
    pub(crate) down: Option<String>,
    /// SHA-256 of `up`.
    pub(crate) checksum: String,
}

impl SqlSection {
    /// A section for any database.
    pub(crate) fn any(up: String, down: Option<String>) -> SqlSection {
        SqlSection {
            backend: None,
            checksum: checksum(&up),
            up,
            up_line: 1,
            down,
        }
    }
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

    /// The names it gives its branch (`-- retort:branch-labels`): a target
    /// `NAME` is this revision, `NAME@head` the head of the branch it starts.
    pub fn branch_labels(&self) -> &[String] {
        &self.branch_labels
    }

    /// The revisions that must be applied before it without being its
    /// parents (`-- retort:depends-on`): a dependency on another branch.
    pub fn depends_on(&self) -> &[String] {
        &self.depends_on
    }

    /// The revisions this baseline replaces (`-- retort:replaces`), oldest
    /// first: the chain `squash` folded into it, whose files are gone. A
    /// database that applied the last of them is at this revision, and
    /// the runner records it so without running its SQL. Empty for any
    /// other revision.
    pub fn replaces(&self) -> &[String] {
        &self.replaces
    }

    /// The SQL that applies the revision: its first up section's, the only
    /// one unless the file has sections for several databases (see
    /// [`Revision::up_sql_for`]).
    pub fn up_sql(&self) -> &str {
        &self.first().up
    }

    /// The line of its file the first up section's SQL starts on, counting
    /// from 1: line `n` of [`Revision::up_sql`] is line `up_line() + n - 1`
    /// of the file.
    pub fn up_line(&self) -> usize {
        self.first().up_line
    }

    /// The SQL that reverts it (its first down section's); `None` when the
    /// file has no `-- retort:down` section, which makes the revision
    /// irreversible.
    pub fn down_sql(&self) -> Option<&str> {
        self.first().down.as_deref()
    }

    /// The databases the file has SQL for, in its order: empty when its
    /// sections name none, so that it runs on any.
    pub fn backends(&self) -> Vec<BackendKind> {
        self.sections
            .iter()
            .filter_map(|section| section.backend)
            .collect()
    }

    /// Whether the revision has SQL `backend` can run: a section for it,
    /// or sections that name no database.
    pub fn runs_on(&self, backend: BackendKind) -> bool {
        self.section_for(backend).is_some()
    }

    /// The SQL that applies the revision on `backend`; `None` when the file
    /// has no section for it.
    pub fn up_sql_for(&self, backend: BackendKind) -> Option<&str> {
        self.section_for(backend).map(|section| section.up.as_str())
    }

    /// The line of its file the up section for `backend` starts on.
    pub fn up_line_for(&self, backend: BackendKind) -> Option<usize> {
        self.section_for(backend).map(|section| section.up_line)
    }

    /// The SQL that reverts the revision on `backend`; `None` when the file
    /// has no section for it, or no down section.
    pub fn down_sql_for(&self, backend: BackendKind) -> Option<&str> {
        self.section_for(backend)?.down.as_deref()
    }

    /// The checksum the version table of a `backend` database records: of
    /// the up section for it (of the first, when it has none).
    pub fn checksum_for(&self, backend: BackendKind) -> &str {
        &self.section_for(backend).unwrap_or(self.first()).checksum
    }

    /// Whether some section has a down section.
    pub(crate) fn can_be_reverted(&self) -> bool {
        self.sections.iter().any(|section| section.down.is_some())
    }

    /// The section `backend` runs: the one that names it, or the one that
    /// names no database.
    pub(crate) fn section_for(&self, backend: BackendKind) -> Option<&SqlSection> {
        self.sections
            .iter()
            .find(|section| section.backend.is_none_or(|named| named == backend))
    }

    fn first(&self) -> &SqlSection {
        // A revision has at least one section: the parser and every
        // constructor make one.
        &self.sections[0]
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

    /// SHA-256 of the (first) up section, in lowercase hexadecimal: what the
    /// version table records to notice a file edited after it was applied.
    /// With sections for several databases, each database records its
    /// own section's ([`Revision::checksum_for`]).
    pub fn checksum(&self) -> &str {
        &self.first().checksum
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

/// The checksum of an up section: [`checksum`] of its text, preceded by
/// the `-- retort:replaces` line for a baseline, so that the list of
/// revisions it stands in for cannot change unnoticed either.
pub(crate) fn section_checksum(replaces: &[String], up: &str) -> String {
    if replaces.is_empty() {
        checksum(up)
    } else {
        checksum(&format!(
            "{DIRECTIVE}{REPLACES} {}\n{up}",
            replaces.join(" ")
        ))
    }
}

/// Where the parser is in a file: the header, or the up or down section of
/// one of `sections`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Header,
    Up(usize),
    Down(usize),
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
    let mut branch_labels: Option<Vec<String>> = None;
    let mut depends_on: Option<Vec<String>> = None;
    let mut replaces: Option<Vec<String>> = None;
    let mut transactional: Option<bool> = None;
    let mut warnings = Vec::new();
    let mut section = Section::Header;
    let mut sections: Vec<SqlSection> = Vec::new();
    // (section, the line its down SQL starts on), for errors.
    let mut down_lines: Vec<(usize, usize)> = Vec::new();

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
                BRANCH_LABELS => {
                    in_header()?;
                    once(branch_labels.is_some())?;
                    let mut list: Vec<String> = Vec::new();
                    for label in value.split([',', ' ', '\t']).filter(|l| !l.is_empty()) {
                        if let Err(problem) = check_branch_label(label) {
                            return Err(error(line_number, problem));
                        }
                        if !list.iter().any(|seen| seen == label) {
                            list.push(label.to_owned());
                        }
                    }
                    branch_labels = Some(list);
                }
                DEPENDS_ON => {
                    in_header()?;
                    once(depends_on.is_some())?;
                    let mut list: Vec<String> = Vec::new();
                    for dependency in value.split([',', ' ', '\t']).filter(|d| !d.is_empty()) {
                        if !is_revision_id(dependency) {
                            return Err(error(
                                line_number,
                                format!("dependency `{dependency}` is not a revision id ({REVISION_ID_LENGTH} lowercase hexadecimal digits)"),
                            ));
                        }
                        if !list.iter().any(|seen| seen == dependency) {
                            list.push(dependency.to_owned());
                        }
                    }
                    depends_on = Some(list);
                }
                REPLACES => {
                    in_header()?;
                    once(replaces.is_some())?;
                    let mut list: Vec<String> = Vec::new();
                    for replaced in value.split([',', ' ', '\t']).filter(|r| !r.is_empty()) {
                        if !is_revision_id(replaced) {
                            return Err(error(
                                line_number,
                                format!("replaced revision `{replaced}` is not a revision id ({REVISION_ID_LENGTH} lowercase hexadecimal digits)"),
                            ));
                        }
                        if list.iter().any(|seen| seen == replaced) {
                            return Err(error(
                                line_number,
                                format!("replaced revision `{replaced}` is listed twice"),
                            ));
                        }
                        list.push(replaced.to_owned());
                    }
                    replaces = Some(list);
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
                    let backend =
                        section_backend(value).map_err(|problem| error(line_number, problem))?;
                    let named = |backend: Option<BackendKind>| {
                        backend.map_or_else(String::new, |backend| format!(" {}", backend.label()))
                    };
                    if let Some(earlier) = sections.iter().find(|earlier| {
                        earlier.backend == backend || earlier.backend.is_none() != backend.is_none()
                    }) {
                        return Err(error(
                            line_number,
                            if earlier.backend == backend {
                                format!("`{DIRECTIVE}{UP}{}` is given twice", named(backend))
                            } else {
                                format!("`{DIRECTIVE}{UP}{}` after `{DIRECTIVE}{UP}{}`: either every section names its database or none does", named(backend), named(earlier.backend))
                            },
                        ));
                    }
                    sections.push(SqlSection {
                        backend,
                        up: String::new(),
                        up_line: line_number + 1,
                        down: None,
                        checksum: String::new(),
                    });
                    section = Section::Up(sections.len() - 1);
                }
                DOWN => {
                    let backend =
                        section_backend(value).map_err(|problem| error(line_number, problem))?;
                    let at = match section {
                        Section::Up(at) | Section::Down(at) if sections[at].backend == backend => {
                            at
                        }
                        _ => {
                            let named = backend.map_or_else(String::new, |backend| {
                                format!(" {}", backend.label())
                            });
                            return Err(error(
                                line_number,
                                format!("`{DIRECTIVE}{DOWN}{named}` must come right after the SQL of `{DIRECTIVE}{UP}{named}`"),
                            ));
                        }
                    };
                    if sections[at].down.is_some() {
                        return Err(error(
                            line_number,
                            format!("`{DIRECTIVE}{DOWN}` is given twice"),
                        ));
                    }
                    sections[at].down = Some(String::new());
                    down_lines.push((at, line_number + 1));
                    section = Section::Down(at);
                }
                RUN | BACKFILL => {
                    // Data-migration lines stay in the section's text, so
                    // the checksum covers them; they are checked with the
                    // section below.
                    match section {
                        Section::Up(at) => {
                            sections[at].up.push_str(raw_line);
                            sections[at].up.push('\n');
                        }
                        Section::Down(at) => {
                            if let Some(down) = sections[at].down.as_mut() {
                                down.push_str(raw_line);
                                down.push('\n');
                            }
                        }
                        Section::Header => {
                            return Err(error(
                                line_number,
                                format!("`{DIRECTIVE}{key}` belongs in an up or down section, after `{DIRECTIVE}{UP}` or `{DIRECTIVE}{DOWN}`"),
                            ))
                        }
                    }
                }
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
            Section::Up(at) => {
                sections[at].up.push_str(raw_line);
                sections[at].up.push('\n');
            }
            Section::Down(at) => {
                if let Some(down) = sections[at].down.as_mut() {
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
    let replaces = replaces.unwrap_or_default();
    for (at, section) in sections.iter_mut().enumerate() {
        section.checksum = section_checksum(&replaces, &section.up);
        let kind = section.backend.unwrap_or(BackendKind::Postgres);
        check_section(&section.up, kind)
            .map_err(|(line, problem)| error(section.up_line + line, problem))?;
        if let Some(down) = &section.down {
            let start = down_lines
                .iter()
                .find(|(of, _)| *of == at)
                .map_or(section.up_line, |(_, line)| *line);
            check_section(down, kind).map_err(|(line, problem)| error(start + line, problem))?;
        }
    }
    Ok(Revision {
        id,
        parents: parents.unwrap_or_default(),
        message: message.unwrap_or_default(),
        branch_labels: branch_labels.unwrap_or_default(),
        depends_on: depends_on.unwrap_or_default(),
        replaces,
        sections,
        transactional: transactional.unwrap_or(true),
        warnings,
        file_name: file_name.to_owned(),
        diesel_version: None,
    })
}

/// Why `label` cannot name a branch, if it cannot: a label is letters,
/// digits, `_`, `-` and `.`, not one of the words targets reserve, and not
/// a revision id (which it would hide).
pub fn check_branch_label(label: &str) -> Result<(), String> {
    if label.is_empty()
        || !label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err(format!(
            "branch label `{label}` may hold only letters, digits, `_`, `-` and `.`"
        ));
    }
    if matches!(label, "head" | "heads" | "base" | "current") {
        return Err(format!(
            "branch label `{label}` is a word targets reserve (head, heads, base, current)"
        ));
    }
    let ends_in_offset = label.rsplit_once(['+', '-']).is_some_and(|(_, digits)| {
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    });
    if label.starts_with(['+', '-']) || ends_in_offset || is_revision_id(label) {
        return Err(format!(
            "branch label `{label}` would read as a revision or a relative target"
        ));
    }
    Ok(())
}

/// The database an up or down directive names after its key: `None` for
/// none (any database).
fn section_backend(value: &str) -> Result<Option<BackendKind>, String> {
    if value.is_empty() {
        return Ok(None);
    }
    BackendKind::from_label(value).map(Some).ok_or_else(|| {
        let labels: Vec<&str> = BackendKind::ALL.iter().map(|kind| kind.label()).collect();
        format!(
            "`{value}` is not a database retort knows; an up or down section names one of {}, or none to run on any",
            labels.join(", ")
        )
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
    fn branch_labels_and_dependencies() {
        let revision = parse_revision(
            NAME,
            "-- retort:revision 3f2a9c1b7d04\n-- retort:branch-labels audit, audit-v2\n-- retort:depends-on 0a1b2c3d4e5f\n-- retort:up\n",
        )
        .unwrap();
        assert_eq!(revision.branch_labels(), ["audit", "audit-v2"]);
        assert_eq!(revision.depends_on(), ["0a1b2c3d4e5f"]);
        let (line, problem) = malformed(
            "-- retort:revision 3f2a9c1b7d04\n-- retort:depends-on audit\n-- retort:up\n",
        );
        assert_eq!(line, 2);
        assert!(
            problem.contains("dependency `audit` is not a revision id"),
            "{problem}"
        );
        let (_, problem) = malformed(
            "-- retort:revision 3f2a9c1b7d04\n-- retort:branch-labels a@b\n-- retort:up\n",
        );
        assert!(
            problem.contains("branch label `a@b` may hold only"),
            "{problem}"
        );
    }

    #[test]
    fn replaced_revisions_are_covered_by_the_checksum() {
        let body = "-- retort:up\nCREATE TABLE t (id INT);\n";
        let baseline = parse_revision(
            NAME,
            &format!("-- retort:revision 3f2a9c1b7d04\n-- retort:replaces 0a1b2c3d4e5f 111111111111\n{body}"),
        )
        .unwrap();
        assert_eq!(baseline.replaces(), ["0a1b2c3d4e5f", "111111111111"]);
        let fewer = parse_revision(
            NAME,
            &format!("-- retort:revision 3f2a9c1b7d04\n-- retort:replaces 0a1b2c3d4e5f\n{body}"),
        )
        .unwrap();
        assert_ne!(baseline.checksum(), fewer.checksum());
        assert_ne!(baseline.checksum(), checksum("CREATE TABLE t (id INT);\n"));
        let (line, problem) = malformed(
            "-- retort:revision 3f2a9c1b7d04\n-- retort:replaces 0a1b2c3d4e5f 0a1b2c3d4e5f\n-- retort:up\n",
        );
        assert_eq!(line, 2);
        assert!(problem.contains("listed twice"), "{problem}");
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
    fn sections_for_several_databases() {
        let revision = parse_revision(
            NAME,
            "-- retort:revision 3f2a9c1b7d04\n-- retort:up postgresql\nCREATE TABLE t (id BIGSERIAL);\n-- retort:down postgresql\nDROP TABLE t;\n-- retort:up SQLite\nCREATE TABLE t (id INTEGER);\n",
        )
        .unwrap();
        assert_eq!(
            revision.backends(),
            [BackendKind::Postgres, BackendKind::Sqlite]
        );
        assert_eq!(
            revision.up_sql_for(BackendKind::Sqlite),
            Some("CREATE TABLE t (id INTEGER);\n")
        );
        assert_eq!(revision.up_line_for(BackendKind::Sqlite), Some(7));
        assert_eq!(revision.down_sql_for(BackendKind::Sqlite), None);
        assert_eq!(
            revision.down_sql_for(BackendKind::Postgres),
            Some("DROP TABLE t;\n")
        );
        assert!(!revision.runs_on(BackendKind::Mysql));
        assert_eq!(revision.up_sql_for(BackendKind::Mysql), None);
        assert_ne!(
            revision.checksum_for(BackendKind::Postgres),
            revision.checksum_for(BackendKind::Sqlite)
        );
        // A file whose sections name no database runs on every one, with
        // the checksum it always had.
        let any = parse_revision(
            NAME,
            "-- retort:revision 3f2a9c1b7d04\n-- retort:up\nSELECT 1;\n",
        )
        .unwrap();
        assert!(any.backends().is_empty());
        assert!(BackendKind::ALL.iter().all(|&kind| any.runs_on(kind)));
        assert_eq!(
            any.checksum_for(BackendKind::Mysql),
            checksum("SELECT 1;\n")
        );
    }

    #[test]
    fn sections_errors_name_the_line() {
        let (line, problem) =
            malformed("-- retort:revision 3f2a9c1b7d04\n-- retort:up oracle\nSELECT 1;\n");
        assert_eq!(line, 2);
        assert!(problem.contains("postgresql, mysql, sqlite"), "{problem}");
        let (line, problem) = malformed(
            "-- retort:revision 3f2a9c1b7d04\n-- retort:up\nSELECT 1;\n-- retort:up sqlite\nSELECT 1;\n",
        );
        assert_eq!(line, 4);
        assert!(
            problem.contains("either every section names its database or none does"),
            "{problem}"
        );
        let (line, problem) = malformed(
            "-- retort:revision 3f2a9c1b7d04\n-- retort:up mysql\nSELECT 1;\n-- retort:up mariadb\n",
        );
        assert_eq!(line, 4);
        assert!(problem.contains("given twice"), "{problem}");
        let (line, problem) = malformed(
            "-- retort:revision 3f2a9c1b7d04\n-- retort:up mysql\nSELECT 1;\n-- retort:down sqlite\n",
        );
        assert_eq!(line, 4);
        assert!(
            problem.contains("right after the SQL of `-- retort:up sqlite`"),
            "{problem}"
        );
    }

    #[test]
    fn data_migration_lines_stay_in_the_section_and_its_checksum() {
        let with_step = parse_revision(
            NAME,
            "-- retort:revision 3f2a9c1b7d04\n-- retort:up\nSELECT 1;\n-- retort:run fill\nSELECT 2;\n-- retort:down\n-- retort:run unfill\n",
        )
        .unwrap();
        assert_eq!(
            with_step.up_sql(),
            "SELECT 1;\n-- retort:run fill\nSELECT 2;\n"
        );
        assert_eq!(with_step.down_sql(), Some("-- retort:run unfill\n"));
        assert_ne!(with_step.checksum(), checksum("SELECT 1;\nSELECT 2;\n"));
        let (line, problem) =
            malformed("-- retort:revision 3f2a9c1b7d04\n-- retort:run fill\n-- retort:up\n");
        assert_eq!(line, 2);
        assert!(
            problem.contains("belongs in an up or down section"),
            "{problem}"
        );
        let (line, problem) = malformed(
            "-- retort:revision 3f2a9c1b7d04\n-- retort:up\nSELECT 1;\n-- retort:backfill table=t key=a,b\nUPDATE t SET x = 1 WHERE {batch};\n",
        );
        assert_eq!(line, 4);
        assert!(problem.contains("composite key"), "{problem}");
        let (line, problem) = malformed(
            "-- retort:revision 3f2a9c1b7d04\n-- retort:up\nSELECT 1;\n-- retort:down\nSELECT 2;\n-- retort:backfill table=t key=id\nUPDATE t SET x = 1;\n",
        );
        assert_eq!(line, 6);
        assert!(problem.contains("{batch}"), "{problem}");
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
