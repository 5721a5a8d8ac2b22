//! One member of a fleet, and the targets file that lists them.

use std::fmt;
use std::path::Path;

use crate::BackendKind;

/// One database a fleet migrates: a database URL (PostgreSQL, MySQL or an
/// SQLite file), or a PostgreSQL schema inside a database (schema per
/// tenant: a version table per schema, the revisions run with that schema
/// on the `search_path`).
///
/// Shown (`Display`, `Debug`) with any password replaced by `***`.
///
/// ```
/// use retort::fleet::Target;
///
/// let tenant = Target::new("postgres://app:hunter2@db/shop").schema("tenant_7");
/// assert_eq!(tenant.to_string(), "postgres://app:***@db/shop schema=tenant_7");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Target {
    url: String,
    schema: Option<String>,
}

impl Target {
    /// The database `url` names: `postgres://...`, `mysql://...`,
    /// `sqlite://FILE` or a file path.
    pub fn new(url: impl Into<String>) -> Target {
        Target {
            url: url.into(),
            schema: None,
        }
    }

    /// The PostgreSQL schema `schema` inside this target's database.
    pub fn schema(mut self, schema: impl Into<String>) -> Target {
        self.schema = Some(schema.into());
        self
    }

    /// The database URL as given, password included: for drivers, never
    /// for people.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The schema, for a schema target.
    pub fn schema_name(&self) -> Option<&str> {
        self.schema.as_deref()
    }

    /// The URL with any password replaced by `***`.
    pub fn shown_url(&self) -> String {
        crate::pool::redact_url(&self.url)
    }

    /// The database the URL's scheme names.
    pub fn backend(&self) -> BackendKind {
        BackendKind::from_url(&self.url)
    }

    /// The server the target lives on, for bounding the connections open
    /// to it at once: the scheme, host and port (every SQLite file counts
    /// as one local server). Never holds a password.
    pub(crate) fn server(&self) -> String {
        let backend = self.backend();
        if backend == BackendKind::Sqlite {
            return "sqlite".to_owned();
        }
        match url::Url::parse(&self.url) {
            Ok(url) => {
                let port = url.port().unwrap_or(match backend {
                    BackendKind::Postgres => 5432,
                    _ => 3306,
                });
                format!(
                    "{}://{}:{port}",
                    crate::any_connection::feature_of(backend),
                    url.host_str().unwrap_or_default()
                )
            }
            Err(_) => self.shown_url(),
        }
    }

    /// Why this target cannot be run, if it cannot.
    pub(crate) fn problem(&self) -> Option<String> {
        let schema = self.schema.as_deref()?;
        if schema.is_empty() {
            return Some("the schema name is empty".to_owned());
        }
        match self.backend() {
            BackendKind::Postgres => None,
            backend => Some(format!(
                "a schema is a PostgreSQL target; a {backend} database is a target of its own, named by its URL"
            )),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown_url())?;
        if let Some(schema) = &self.schema {
            write!(f, " schema={schema}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({self})")
    }
}

/// A targets file that cannot be read or has a line that is not a target.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TargetsError {
    /// The file could not be read.
    #[error("cannot read the targets file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },

    /// A line is not a target.
    #[error("{origin}, line {line}: {problem}; a target line is a database URL, optionally followed by schema=NAME")]
    Line {
        /// The file, or `targets` for text given directly.
        origin: String,
        /// The line, counting from 1.
        line: usize,
        /// What is wrong with it (no password in it).
        problem: String,
    },
}

/// Reads a targets file (see [`parse_targets`] for the format).
///
/// # Errors
///
/// The file cannot be read, or a line is not a target (the error names the
/// file and the line).
pub fn read_targets(path: impl AsRef<Path>) -> Result<Vec<Target>, TargetsError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|source| TargetsError::Io {
        path: path.display().to_string(),
        source,
    })?;
    parse_lines(&text, &path.display().to_string())
}

/// The targets `text` lists: one a line, a database URL optionally followed
/// by `schema=NAME` (a PostgreSQL schema in that database); blank lines and
/// everything from a `#` at the start of a line or after a space are
/// ignored.
///
/// ```text
/// # tenants on the first server, one schema each
/// postgres://app@db1/shop schema=tenant_1
/// postgres://app@db1/shop schema=tenant_2   # the pilot customer
/// # one database each
/// mysql://app@db2/tenant_3
/// /var/lib/app/tenant_4.db
/// ```
///
/// A password may be written in the URL; libpq and libmysqlclient also read
/// it from their usual places (`PGPASSWORD`, `~/.pgpass`, option files), so
/// the file need not hold it.
///
/// # Errors
///
/// A line that is not a target: an option other than `schema=`, a schema
/// on a database that is not PostgreSQL, or a target listed twice.
pub fn parse_targets(text: &str) -> Result<Vec<Target>, TargetsError> {
    parse_lines(text, "targets")
}

fn parse_lines(text: &str, origin: &str) -> Result<Vec<Target>, TargetsError> {
    let mut targets: Vec<(Target, usize)> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        let error = |problem: String| TargetsError::Line {
            origin: origin.to_owned(),
            line: line_number,
            problem,
        };
        let mut words = without_comment(line).split_whitespace();
        let Some(url) = words.next() else {
            continue;
        };
        let mut target = Target::new(url);
        for word in words {
            match word.split_once('=') {
                Some(("schema", schema)) if target.schema.is_none() => {
                    target = target.schema(schema);
                }
                Some(("schema", _)) => {
                    return Err(error("schema= is given twice".to_owned()));
                }
                _ => {
                    return Err(error(format!(
                        "`{}` is not an option (the only one is schema=NAME)",
                        retort_core::redact_password_in(word, url)
                    )));
                }
            }
        }
        if let Some(problem) = target.problem() {
            return Err(error(format!("{target}: {problem}")));
        }
        if let Some((_, first)) = targets.iter().find(|(listed, _)| *listed == target) {
            return Err(error(format!(
                "{target} is listed already, on line {first}"
            )));
        }
        targets.push((target, line_number));
    }
    Ok(targets.into_iter().map(|(target, _)| target).collect())
}

/// The line without a comment: from a `#` at its start or after white
/// space (a `#` inside a URL, as in a password, is kept).
fn without_comment(line: &str) -> &str {
    let mut previous_is_space = true;
    for (at, ch) in line.char_indices() {
        if ch == '#' && previous_is_space {
            return &line[..at];
        }
        previous_is_space = ch.is_whitespace();
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_comments_and_schemas() {
        let targets = parse_targets(
            "# tenants\n\
             postgres://app:pw@db1/shop schema=tenant_1\n\
             \n\
             postgres://app:pw@db1/shop schema=tenant_2   # pilot\n\
             \tmysql://root@db2:3307/t3\n\
             /var/lib/app/t4.db\n",
        )
        .unwrap();
        assert_eq!(targets.len(), 4);
        assert_eq!(targets[0].url(), "postgres://app:pw@db1/shop");
        assert_eq!(targets[1].schema_name(), Some("tenant_2"));
        assert_eq!(targets[2].backend(), BackendKind::Mysql);
        assert_eq!(targets[3].backend(), BackendKind::Sqlite);
        assert_eq!(targets[0].server(), "postgres://db1:5432");
        assert_eq!(targets[2].server(), "mysql://db2:3307");
        assert_eq!(targets[3].server(), "sqlite");
        // A `#` inside a word (a password) does not start a comment.
        assert_eq!(
            without_comment("mysql://a:p#w@db/t # note"),
            "mysql://a:p#w@db/t "
        );
    }

    #[test]
    fn bad_lines_are_named_without_the_password() {
        let cases = [
            (
                "postgres://app:hunter2@db/shop schema=a shema=b",
                "line 1: `shema=b` is not an option",
            ),
            (
                "postgres://app:hunter2@db/shop schema=a schema=b",
                "line 1: schema= is given twice",
            ),
            (
                "mysql://app:hunter2@db/shop schema=a",
                "a schema is a PostgreSQL target",
            ),
            (
                "postgres://app:hunter2@db/shop schema=a\npostgres://app:hunter2@db/shop schema=a",
                "line 2: postgres://app:***@db/shop schema=a is listed already, on line 1",
            ),
        ];
        for (text, expected) in cases {
            let message = parse_targets(text).unwrap_err().to_string();
            assert!(message.contains(expected), "{message}");
            assert!(!message.contains("hunter2"), "{message}");
        }
    }

    #[test]
    fn shown_without_the_password() {
        let target = Target::new("mysql://root:hunter2@db/t1");
        assert_eq!(target.to_string(), "mysql://root:***@db/t1");
        assert!(!format!("{target:?}").contains("hunter2"));
    }
}
