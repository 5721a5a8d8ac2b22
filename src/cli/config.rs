//! Where each setting of the command line comes from: a flag, then an
//! environment variable, then the config file, then the default.
//!
//! The config file is `retort.toml`, or a `[package.metadata.retort]` table
//! in a `Cargo.toml`, found by walking up from the working directory (the
//! first directory holding either wins; `retort.toml` first), or named by
//! `--config FILE` / `RETORT_CONFIG`:
//!
//! ```toml
//! migrations = "migrations"          # relative to the file's directory
//! url_env = "DATABASE_URL"           # the variable holding the URL
//! # url = "sqlite://dev.db"          # or the URL itself
//! backends = ["postgresql", "sqlite"]
//! lock_timeout = "5s"
//! statement_timeout = "off"
//! exclude = ["legacy_*"]             # tables autogenerate and check leave alone
//! exclude_kinds = ["partitions"]     # kinds of objects they leave alone
//!
//! [lint]                             # check --online: allow, warn or error
//! create-index-without-concurrently = "warn"
//!
//! [environments.staging]             # chosen with --env staging
//! url_env = "STAGING_DATABASE_URL"
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::BackendKind;
use retort_core::introspect::ObjectKind;

/// The config file's name.
pub(crate) const FILE_NAME: &str = "retort.toml";

/// The variable holding the database URL unless the file names another.
pub(crate) const DEFAULT_URL_ENV: &str = "DATABASE_URL";

/// Environment variables read for the settings that have one.
const CONFIG_ENV: &str = "RETORT_CONFIG";
const ENVIRONMENT_ENV: &str = "RETORT_ENV";
const MIGRATIONS_ENV: &str = "RETORT_MIGRATIONS";
const BACKENDS_ENV: &str = "RETORT_BACKENDS";
const LOCK_TIMEOUT_ENV: &str = "RETORT_LOCK_TIMEOUT";
const STATEMENT_TIMEOUT_ENV: &str = "RETORT_STATEMENT_TIMEOUT";

/// The keys of the file and of each named environment.
const KEYS: [&str; 10] = [
    "migrations",
    "url",
    "url_env",
    "backends",
    "lock_timeout",
    "statement_timeout",
    "include",
    "exclude",
    "exclude_kinds",
    "lint",
];

/// What `check --online` does with a lint rule's findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LintLevel {
    /// Not shown.
    Allow,
    /// Shown, without failing the check.
    Warn,
    /// Shown, failing the check (every rule's default).
    Error,
}

impl LintLevel {
    fn parse(text: &str) -> Option<LintLevel> {
        match text {
            "allow" => Some(LintLevel::Allow),
            "warn" => Some(LintLevel::Warn),
            "error" => Some(LintLevel::Error),
            _ => None,
        }
    }

    fn label(self) -> &'static str {
        match self {
            LintLevel::Allow => "allow",
            LintLevel::Warn => "warn",
            LintLevel::Error => "error",
        }
    }
}

/// The runner's default wait for a table lock (see
/// `Migrator::revision_lock_timeout`).
const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(5);

/// A config file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read the config file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },

    /// The file is not TOML.
    #[error("the config file {path} is not valid TOML: {reason}")]
    Syntax {
        /// The file.
        path: String,
        /// What the parser said, with the line.
        reason: String,
    },

    /// A key of the file is unknown or holds the wrong kind of value.
    #[error("the config file {path}, {table}: {problem}")]
    Invalid {
        /// The file.
        path: String,
        /// The table the key is in (`[environments.staging]`).
        table: String,
        /// What is wrong.
        problem: String,
    },

    /// An environment variable holds a value that cannot be used.
    #[error("the environment variable {name} holds `{value}`, which is not {expected}")]
    Variable {
        /// The variable.
        name: String,
        /// Its value.
        value: String,
        /// What was expected.
        expected: &'static str,
    },

    /// `--env NAME` names an environment the file does not have.
    #[error("the environment `{name}` is not in {file}{}", known_environments(.known))]
    UnknownEnvironment {
        /// The name given.
        name: String,
        /// The config file, or a note that none was found.
        file: String,
        /// The environments the file has.
        known: Vec<String>,
    },
}

fn known_environments(known: &[String]) -> String {
    if known.is_empty() {
        String::new()
    } else {
        format!(", which has {}", known.join(", "))
    }
}

/// Where a setting's value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// A command-line flag.
    Flag(&'static str),
    /// An environment variable.
    Variable(String),
    /// The config file, in the named table.
    File {
        /// The file.
        path: PathBuf,
        /// `[environments.staging]`, `[package.metadata.retort]`, or empty
        /// for the top of `retort.toml`.
        table: String,
    },
    /// Nothing set it.
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "flag {flag}"),
            Source::Variable(name) => write!(f, "environment variable {name}"),
            Source::File { path, table } if table.is_empty() => write!(f, "{}", path.display()),
            Source::File { path, table } => write!(f, "{} {table}", path.display()),
            Source::Default => f.write_str("default"),
        }
    }
}

/// A value and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Setting<T> {
    pub(crate) value: T,
    pub(crate) source: Source,
}

impl<T> Setting<T> {
    fn new(value: T, source: Source) -> Setting<T> {
        Setting { value, source }
    }
}

/// What the command line said, before the environment and the file are
/// consulted.
#[derive(Debug, Default)]
pub(crate) struct Flags {
    pub(crate) config: Option<PathBuf>,
    pub(crate) environment: Option<String>,
    pub(crate) url: Option<String>,
    pub(crate) migrations: Option<PathBuf>,
    pub(crate) lock_timeout: Option<Option<Duration>>,
    pub(crate) statement_timeout: Option<Option<Duration>>,
}

/// The settings in force.
#[derive(Debug)]
pub(crate) struct Settings {
    /// The config file read, if any.
    pub(crate) file: Option<PathBuf>,
    /// The named environment chosen, if any.
    pub(crate) environment: Option<Setting<String>>,
    pub(crate) migrations: Setting<PathBuf>,
    /// The database URL; may hold a password.
    pub(crate) url: Option<Setting<String>>,
    /// The variable the URL is read from.
    pub(crate) url_env: Setting<String>,
    /// The databases `revision --autogenerate` writes SQL for besides the
    /// connected one.
    pub(crate) backends: Setting<Vec<BackendKind>>,
    pub(crate) lock_timeout: Setting<Option<Duration>>,
    pub(crate) statement_timeout: Setting<Option<Duration>>,
    /// The table patterns autogenerate and `check` compare (all when
    /// empty).
    pub(crate) include: Setting<Vec<String>>,
    /// The table patterns they leave out.
    pub(crate) exclude: Setting<Vec<String>>,
    /// The kinds of objects they leave out.
    pub(crate) exclude_kinds: Setting<Vec<ObjectKind>>,
    /// `check --online`'s level for each rule named; the others are
    /// errors.
    pub(crate) lint: Setting<BTreeMap<String, LintLevel>>,
}

impl Settings {
    /// The level of lint rule `rule`.
    pub(crate) fn lint_level(&self, rule: &str) -> LintLevel {
        self.lint
            .value
            .get(rule)
            .copied()
            .unwrap_or(LintLevel::Error)
    }
}

/// One table of the file: its top, or a named environment.
#[derive(Debug, Default)]
struct Section {
    table: String,
    migrations: Option<PathBuf>,
    url: Option<String>,
    url_env: Option<String>,
    backends: Option<Vec<BackendKind>>,
    lock_timeout: Option<Option<Duration>>,
    statement_timeout: Option<Option<Duration>>,
    include: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    exclude_kinds: Option<Vec<ObjectKind>>,
    lint: Option<BTreeMap<String, LintLevel>>,
}

/// A config file read.
#[derive(Debug)]
struct ConfigFile {
    path: PathBuf,
    top: Section,
    environments: BTreeMap<String, Section>,
}

impl Settings {
    /// The settings for `flags`, with the environment read through `var`
    /// and the config file looked for from `cwd` up; `default_migrations` is
    /// the directory the program was built with.
    pub(crate) fn resolve(
        flags: Flags,
        var: &dyn Fn(&str) -> Option<String>,
        cwd: &Path,
        default_migrations: &str,
    ) -> Result<Settings, ConfigError> {
        let var = |name: &str| var(name).filter(|value| !value.is_empty());
        let path = match (&flags.config, var(CONFIG_ENV)) {
            (Some(path), _) => Some(cwd.join(path)),
            (None, Some(path)) => Some(cwd.join(path)),
            (None, None) => find_config_file(cwd)?,
        };
        let file = path.map(|path| read_config_file(&path)).transpose()?;

        let environment = match (flags.environment, var(ENVIRONMENT_ENV)) {
            (Some(name), _) => Some(Setting::new(name, Source::Flag("--env"))),
            (None, Some(name)) => {
                Some(Setting::new(name, Source::Variable(ENVIRONMENT_ENV.into())))
            }
            (None, None) => None,
        };
        let chosen = match &environment {
            None => None,
            Some(name) => {
                let found = file
                    .as_ref()
                    .and_then(|file| file.environments.get(&name.value));
                match found {
                    Some(section) => Some(section),
                    None => {
                        return Err(ConfigError::UnknownEnvironment {
                            name: name.value.clone(),
                            file: file.as_ref().map_or_else(
                                || {
                                    format!(
                                        "any config file: no {FILE_NAME} was found from {} up",
                                        cwd.display()
                                    )
                                },
                                |file| file.path.display().to_string(),
                            ),
                            known: file
                                .as_ref()
                                .map(|file| file.environments.keys().cloned().collect())
                                .unwrap_or_default(),
                        })
                    }
                }
            }
        };
        // The environment's value, else the file's top's, with its source.
        let from_file = |pick: &dyn Fn(&Section) -> bool| -> Option<(&Section, Source)> {
            let file = file.as_ref()?;
            [chosen, Some(&file.top)]
                .into_iter()
                .flatten()
                .find(|section| pick(section))
                .map(|section| {
                    (
                        section,
                        Source::File {
                            path: file.path.clone(),
                            table: section.table.clone(),
                        },
                    )
                })
        };
        let file_dir = file
            .as_ref()
            .and_then(|file| file.path.parent())
            .map(Path::to_path_buf);

        let migrations = if let Some(dir) = flags.migrations {
            Setting::new(dir, Source::Flag("--migrations"))
        } else if let Some(dir) = var(MIGRATIONS_ENV) {
            Setting::new(PathBuf::from(dir), Source::Variable(MIGRATIONS_ENV.into()))
        } else if let Some((section, source)) = from_file(&|s| s.migrations.is_some()) {
            let dir = section.migrations.clone().unwrap_or_default();
            let base = file_dir.clone().unwrap_or_default();
            Setting::new(base.join(dir), source)
        } else {
            // Next to the config file when there is one, so the commands
            // work from any directory of the project.
            let base = file_dir.clone().unwrap_or_default();
            Setting::new(base.join(default_migrations), Source::Default)
        };

        let url_env = match from_file(&|s| s.url_env.is_some()) {
            Some((section, source)) => {
                Setting::new(section.url_env.clone().unwrap_or_default(), source)
            }
            None => Setting::new(DEFAULT_URL_ENV.to_owned(), Source::Default),
        };
        let url = if let Some(url) = flags.url {
            Some(Setting::new(url, Source::Flag("--url")))
        } else if let Some(url) = var(&url_env.value) {
            Some(Setting::new(url, Source::Variable(url_env.value.clone())))
        } else {
            from_file(&|s| s.url.is_some()).map(|(section, source)| {
                Setting::new(section.url.clone().unwrap_or_default(), source)
            })
        };

        let backends = if let Some(list) = var(BACKENDS_ENV) {
            let backends = parse_backends(list.split(',')).map_err(|_| ConfigError::Variable {
                name: BACKENDS_ENV.into(),
                value: list.clone(),
                expected: "a comma-separated list of postgresql, mysql and sqlite",
            })?;
            Setting::new(backends, Source::Variable(BACKENDS_ENV.into()))
        } else if let Some((section, source)) = from_file(&|s| s.backends.is_some()) {
            Setting::new(section.backends.clone().unwrap_or_default(), source)
        } else {
            Setting::new(Vec::new(), Source::Default)
        };

        let timeout = |flag: Option<Option<Duration>>,
                       flag_name: &'static str,
                       variable: &str,
                       pick: &dyn Fn(&Section) -> Option<Option<Duration>>,
                       default: Option<Duration>|
         -> Result<Setting<Option<Duration>>, ConfigError> {
            if let Some(value) = flag {
                return Ok(Setting::new(value, Source::Flag(flag_name)));
            }
            if let Some(text) = var(variable) {
                let value = parse_duration(&text).map_err(|_| ConfigError::Variable {
                    name: variable.to_owned(),
                    value: text.clone(),
                    expected: DURATION_EXPECTED,
                })?;
                return Ok(Setting::new(value, Source::Variable(variable.to_owned())));
            }
            Ok(match from_file(&|s| pick(s).is_some()) {
                Some((section, source)) => Setting::new(pick(section).flatten(), source),
                None => Setting::new(default, Source::Default),
            })
        };
        let lock_timeout = timeout(
            flags.lock_timeout,
            "--lock-timeout",
            LOCK_TIMEOUT_ENV,
            &|s| s.lock_timeout,
            Some(DEFAULT_LOCK_TIMEOUT),
        )?;
        let statement_timeout = timeout(
            flags.statement_timeout,
            "--statement-timeout",
            STATEMENT_TIMEOUT_ENV,
            &|s| s.statement_timeout,
            None,
        )?;

        let patterns = |pick: &dyn Fn(&Section) -> Option<Vec<String>>| match from_file(&|s| {
            pick(s).is_some()
        }) {
            Some((section, source)) => Setting::new(pick(section).unwrap_or_default(), source),
            None => Setting::new(Vec::new(), Source::Default),
        };
        let include = patterns(&|s| s.include.clone());
        let exclude = patterns(&|s| s.exclude.clone());
        let exclude_kinds = match from_file(&|s| s.exclude_kinds.is_some()) {
            Some((section, source)) => {
                Setting::new(section.exclude_kinds.clone().unwrap_or_default(), source)
            }
            None => Setting::new(Vec::new(), Source::Default),
        };
        let lint = match from_file(&|s| s.lint.is_some()) {
            Some((section, source)) => {
                Setting::new(section.lint.clone().unwrap_or_default(), source)
            }
            None => Setting::new(BTreeMap::new(), Source::Default),
        };

        Ok(Settings {
            file: file.map(|file| file.path),
            environment,
            migrations,
            url,
            url_env,
            backends,
            lock_timeout,
            statement_timeout,
            include,
            exclude,
            exclude_kinds,
            lint,
        })
    }

    /// Every setting as `key = value  # source`, the URL's password
    /// replaced by `***`.
    pub(crate) fn lines(&self) -> Vec<String> {
        let quoted = |text: &str| format!("{text:?}");
        let line =
            |key: &str, value: String, source: &Source| format!("{key} = {value}  # {source}");
        let mut lines = Vec::new();
        match &self.file {
            Some(path) => lines.push(format!("# config file: {}", path.display())),
            None => lines.push(format!(
                "# config file: none ({FILE_NAME} or [package.metadata.retort] in Cargo.toml, looked for from the working directory up)"
            )),
        }
        if let Some(environment) = &self.environment {
            lines.push(format!(
                "# environment: {}  ({})",
                environment.value, environment.source
            ));
        }
        lines.push(line(
            "migrations",
            quoted(&self.migrations.value.display().to_string()),
            &self.migrations.source,
        ));
        match &self.url {
            Some(url) => lines.push(line(
                "url",
                quoted(&retort_redact::redact_url(&url.value)),
                &url.source,
            )),
            None => lines.push(format!(
                "# url: not set (--url, {} or url in the config file)",
                self.url_env.value
            )),
        }
        lines.push(line(
            "url_env",
            quoted(&self.url_env.value),
            &self.url_env.source,
        ));
        let backends: Vec<String> = self
            .backends
            .value
            .iter()
            .map(|backend| quoted(backend.label()))
            .collect();
        lines.push(line(
            "backends",
            format!("[{}]", backends.join(", ")),
            &self.backends.source,
        ));
        for (key, setting) in [
            ("lock_timeout", &self.lock_timeout),
            ("statement_timeout", &self.statement_timeout),
        ] {
            lines.push(line(
                key,
                quoted(&duration_text(setting.value)),
                &setting.source,
            ));
        }
        for (key, setting) in [("include", &self.include), ("exclude", &self.exclude)] {
            let patterns: Vec<String> = setting.value.iter().map(|p| quoted(p)).collect();
            lines.push(line(
                key,
                format!("[{}]", patterns.join(", ")),
                &setting.source,
            ));
        }
        let kinds: Vec<String> = self
            .exclude_kinds
            .value
            .iter()
            .map(|kind| quoted(kind.name()))
            .collect();
        lines.push(line(
            "exclude_kinds",
            format!("[{}]", kinds.join(", ")),
            &self.exclude_kinds.source,
        ));
        let levels: Vec<String> = self
            .lint
            .value
            .iter()
            .map(|(rule, level)| format!("{rule:?} = {:?}", level.label()))
            .collect();
        lines.push(line(
            "lint",
            format!("{{ {} }}", levels.join(", ")),
            &self.lint.source,
        ));
        lines
    }
}

/// The nearest `retort.toml`, or `Cargo.toml` with a
/// `[package.metadata.retort]` table, from `start` up.
fn find_config_file(start: &Path) -> Result<Option<PathBuf>, ConfigError> {
    for dir in start.ancestors() {
        let own = dir.join(FILE_NAME);
        if own.is_file() {
            return Ok(Some(own));
        }
        let cargo = dir.join("Cargo.toml");
        if cargo.is_file() && retort_table_of_manifest(&read_toml(&cargo)?).is_some() {
            return Ok(Some(cargo));
        }
    }
    Ok(None)
}

fn read_toml(path: &Path) -> Result<toml::Table, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.display().to_string(),
        source,
    })?;
    text.parse::<toml::Table>()
        .map_err(|error| ConfigError::Syntax {
            path: path.display().to_string(),
            reason: error.to_string(),
        })
}

/// `[package.metadata.retort]` of a `Cargo.toml`.
fn retort_table_of_manifest(manifest: &toml::Table) -> Option<&toml::Table> {
    manifest
        .get("package")?
        .get("metadata")?
        .get("retort")?
        .as_table()
}

fn is_manifest(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == "Cargo.toml")
}

fn read_config_file(path: &Path) -> Result<ConfigFile, ConfigError> {
    let document = read_toml(path)?;
    let (table, prefix) = if is_manifest(path) {
        match retort_table_of_manifest(&document) {
            Some(table) => (table.clone(), "package.metadata.retort."),
            None => (toml::Table::new(), "package.metadata.retort."),
        }
    } else {
        (document, "")
    };
    let top_name = if prefix.is_empty() {
        String::new()
    } else {
        "[package.metadata.retort]".to_owned()
    };
    let invalid = |table: &str, problem: String| ConfigError::Invalid {
        path: path.display().to_string(),
        table: if table.is_empty() {
            "at the top".to_owned()
        } else {
            table.to_owned()
        },
        problem,
    };
    let mut environments = BTreeMap::new();
    if let Some(value) = table.get("environments") {
        let Some(list) = value.as_table() else {
            return Err(invalid(
                &top_name,
                "`environments` must be a table of named environments ([environments.NAME])"
                    .to_owned(),
            ));
        };
        for (name, value) in list {
            let table_name = format!("[{prefix}environments.{name}]");
            let Some(entries) = value.as_table() else {
                return Err(invalid(
                    &table_name,
                    format!("environment `{name}` must be a table of settings"),
                ));
            };
            let section = read_section(entries, &table_name, false)
                .map_err(|problem| invalid(&table_name, problem))?;
            environments.insert(name.clone(), section);
        }
    }
    let top =
        read_section(&table, &top_name, true).map_err(|problem| invalid(&top_name, problem))?;
    Ok(ConfigFile {
        path: path.to_path_buf(),
        top,
        environments,
    })
}

/// The settings of one table; `top` allows `environments`.
fn read_section(entries: &toml::Table, name: &str, top: bool) -> Result<Section, String> {
    let mut section = Section {
        table: name.to_owned(),
        ..Section::default()
    };
    for (key, value) in entries {
        let string = || {
            value
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("`{key}` must be a string"))
        };
        match key.as_str() {
            "migrations" => section.migrations = Some(PathBuf::from(string()?)),
            "url" => section.url = Some(string()?),
            "url_env" => section.url_env = Some(string()?),
            "backends" => {
                let names = value
                    .as_array()
                    .and_then(|list| list.iter().map(toml::Value::as_str).collect::<Option<Vec<_>>>())
                    .ok_or_else(|| {
                        format!("`{key}` must be a list of database names, like [\"postgresql\", \"sqlite\"]")
                    })?;
                section.backends = Some(parse_backends(names).map_err(|name| {
                    format!("`{key}` lists `{name}`, which is not a database retort knows: postgresql, mysql or sqlite")
                })?);
            }
            "lock_timeout" | "statement_timeout" => {
                let parsed = match value {
                    toml::Value::Integer(seconds) if *seconds >= 0 => {
                        Ok(Some(Duration::from_secs(seconds.unsigned_abs())))
                    }
                    toml::Value::String(text) => parse_duration(text),
                    _ => Err(()),
                }
                .map_err(|()| format!("`{key}` must be {DURATION_EXPECTED}"))?;
                if key == "lock_timeout" {
                    section.lock_timeout = Some(parsed);
                } else {
                    section.statement_timeout = Some(parsed);
                }
            }
            "include" | "exclude" => {
                let patterns = value
                    .as_array()
                    .and_then(|list| {
                        list.iter()
                            .map(|pattern| pattern.as_str().map(str::to_owned))
                            .collect::<Option<Vec<_>>>()
                    })
                    .ok_or_else(|| {
                        format!("`{key}` must be a list of table names or patterns, like [\"legacy_*\", \"audit.log\"]")
                    })?;
                if key == "include" {
                    section.include = Some(patterns);
                } else {
                    section.exclude = Some(patterns);
                }
            }
            "exclude_kinds" => {
                let expected = || {
                    let names: Vec<&str> = ObjectKind::ALL.iter().map(|kind| kind.name()).collect();
                    format!(
                        "`exclude_kinds` must be a list of kinds of objects among {}",
                        names.join(", ")
                    )
                };
                let kinds = value
                    .as_array()
                    .and_then(|list| {
                        list.iter()
                            .map(|kind| kind.as_str().and_then(ObjectKind::from_name))
                            .collect::<Option<Vec<_>>>()
                    })
                    .ok_or_else(expected)?;
                section.exclude_kinds = Some(kinds);
            }
            "lint" => section.lint = Some(read_lint_levels(value)?),
            "environments" if top => {}
            unknown => {
                let keys = if top {
                    format!("{}, environments", KEYS.join(", "))
                } else {
                    KEYS.join(", ")
                };
                return Err(format!("unknown key `{unknown}`; the keys are {keys}"));
            }
        }
    }
    Ok(section)
}

/// `[lint]`: a level for each rule named, every rule known to one of the
/// lint's databases.
fn read_lint_levels(value: &toml::Value) -> Result<BTreeMap<String, LintLevel>, String> {
    let table = value.as_table().ok_or_else(|| {
        "`lint` must be a table of rule = level, like [lint] create-index-without-concurrently = \"warn\"".to_owned()
    })?;
    let known: Vec<&str> = crate::lint::RULE_IDS
        .iter()
        .chain(crate::lint::MYSQL_RULE_IDS)
        .copied()
        .collect();
    let mut levels = BTreeMap::new();
    for (rule, level) in table {
        if !known.contains(&rule.as_str()) {
            let mut listed = known.clone();
            listed.sort_unstable();
            listed.dedup();
            return Err(format!(
                "`lint` names rule `{rule}`, which the lint does not have; the rules are {}",
                listed.join(", ")
            ));
        }
        let level = level.as_str().and_then(LintLevel::parse).ok_or_else(|| {
            format!("`lint` sets rule `{rule}` to something other than \"allow\", \"warn\" or \"error\"")
        })?;
        levels.insert(rule.clone(), level);
    }
    Ok(levels)
}

/// The databases named, in order, without repeats; the name not known on
/// failure.
fn parse_backends<'a>(
    names: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<BackendKind>, String> {
    let mut backends = Vec::new();
    for name in names {
        let name = name.trim();
        let backend = BackendKind::from_label(name).ok_or_else(|| name.to_owned())?;
        if !backends.contains(&backend) {
            backends.push(backend);
        }
    }
    Ok(backends)
}

/// What a duration is written as.
pub(crate) const DURATION_EXPECTED: &str =
    "a duration such as 500ms, 5s, 2m or 1h, or `off` for no limit";

/// `500ms`, `5s`, `2m`, `1h`; `off` (or `none`) for no limit.
pub(crate) fn parse_duration(text: &str) -> Result<Option<Duration>, ()> {
    let text = text.trim();
    if matches!(text, "off" | "none") {
        return Ok(None);
    }
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or(())?;
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| ())?;
    let duration = match unit.trim() {
        "ms" => Duration::from_millis(number),
        "s" => Duration::from_secs(number),
        "m" | "min" => Duration::from_secs(number.checked_mul(60).ok_or(())?),
        "h" => Duration::from_secs(number.checked_mul(3600).ok_or(())?),
        _ => return Err(()),
    };
    Ok(Some(duration))
}

/// A duration as [`parse_duration`] reads it back.
pub(crate) fn duration_text(duration: Option<Duration>) -> String {
    match duration {
        None => "off".to_owned(),
        Some(duration) if duration.subsec_millis() != 0 || duration.as_secs() == 0 => {
            format!("{}ms", duration.as_millis())
        }
        Some(duration) if duration.as_secs() % 3600 == 0 => {
            format!("{}h", duration.as_secs() / 3600)
        }
        Some(duration) if duration.as_secs() % 60 == 0 => format!("{}m", duration.as_secs() / 60),
        Some(duration) => format!("{}s", duration.as_secs()),
    }
}

/// The commented file `init` writes; `migrations` relative to the file.
pub(crate) fn template(migrations: &str) -> String {
    format!(
        r#"# retort's settings for this project. A flag beats an environment variable,
# which beats this file, which beats the default; `retort config` shows what
# is in force and where each value came from.

# The migrations directory, relative to this file (or RETORT_MIGRATIONS, --migrations).
migrations = {migrations:?}

# The environment variable holding the database URL (--url beats it).
url_env = "DATABASE_URL"
# Or the URL itself, for a local database without a password:
# url = "sqlite://dev.db"

# The databases `revision --autogenerate` also writes SQL for, besides the
# connected one (or RETORT_BACKENDS).
# backends = ["postgresql", "sqlite"]

# How long each statement of a revision waits for a lock before the revision
# is retried, and how long it may run; "off" for no limit
# (or RETORT_LOCK_TIMEOUT, --lock-timeout and their statement_ twins).
# lock_timeout = "5s"
# statement_timeout = "off"

# Tables autogenerate and `check` leave alone (`*` matches any run of
# characters; `schema.table` names one in another schema), or the only ones
# they compare.
# exclude = ["legacy_*"]
# include = ["users", "teams"]

# Kinds of objects autogenerate and `check` leave alone: neither read nor
# compared, so never dropped (partitions, indexes, unique-constraints,
# foreign-keys, checks, comments).
# exclude_kinds = ["partitions"]

# What `check --online` does with each lint rule's findings: "allow" (not
# shown), "warn" (shown, the check passes) or "error" (the default).
# [lint]
# create-index-without-concurrently = "warn"

# Named environments, chosen with --env NAME (or RETORT_ENV); each may set
# any key above.
# [environments.staging]
# url_env = "STAGING_DATABASE_URL"
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(flags: Flags, vars: &[(&str, &str)], dir: &Path) -> Result<Settings, ConfigError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::resolve(
            flags,
            &|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
            dir,
            "migrations",
        )
    }

    #[test]
    fn durations_read_and_print_back() {
        for (text, duration) in [
            ("500ms", Some(Duration::from_millis(500))),
            ("5s", Some(Duration::from_secs(5))),
            ("2m", Some(Duration::from_secs(120))),
            ("1h", Some(Duration::from_secs(3600))),
            ("off", None),
        ] {
            assert_eq!(parse_duration(text), Ok(duration), "{text}");
            assert_eq!(duration_text(duration), text);
        }
        for bad in ["", "5", "s", "5 days", "-1s", "1.5s"] {
            assert_eq!(parse_duration(bad), Err(()), "{bad}");
        }
    }

    #[test]
    fn the_file_is_found_walking_up_and_the_layers_stack() {
        let root = tempfile::tempdir().unwrap();
        let deep = root.path().join("src/bin");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(
            root.path().join(FILE_NAME),
            "migrations = \"db/migrations\"\nurl = \"sqlite://file.db\"\nlock_timeout = \"2s\"\n[environments.staging]\nurl_env = \"STAGING_URL\"\nbackends = [\"postgresql\"]\n",
        )
        .unwrap();

        let settings = resolve(Flags::default(), &[], &deep).unwrap();
        assert_eq!(
            settings.file.as_deref(),
            Some(&*root.path().join(FILE_NAME))
        );
        assert_eq!(settings.migrations.value, root.path().join("db/migrations"));
        let url = settings.url.unwrap();
        assert_eq!(url.value, "sqlite://file.db");
        assert!(matches!(url.source, Source::File { ref table, .. } if table.is_empty()));
        assert_eq!(settings.lock_timeout.value, Some(Duration::from_secs(2)));
        assert_eq!(settings.statement_timeout.source, Source::Default);

        // The environment variable beats the file; the flag beats both.
        let settings = resolve(Flags::default(), &[("DATABASE_URL", "env.db")], &deep).unwrap();
        assert_eq!(
            settings.url.unwrap().source,
            Source::Variable("DATABASE_URL".into())
        );
        let flags = Flags {
            url: Some("flag.db".into()),
            lock_timeout: Some(None),
            ..Flags::default()
        };
        let settings = resolve(flags, &[("DATABASE_URL", "env.db")], &deep).unwrap();
        assert_eq!(settings.url.unwrap().value, "flag.db");
        assert_eq!(settings.lock_timeout.value, None);

        // A named environment's keys beat the top's; the rest fall through.
        let flags = Flags {
            environment: Some("staging".into()),
            ..Flags::default()
        };
        let settings = resolve(
            flags,
            &[("STAGING_URL", "staging.db"), ("DATABASE_URL", "env.db")],
            &deep,
        )
        .unwrap();
        assert_eq!(settings.url.unwrap().value, "staging.db");
        assert_eq!(settings.backends.value, [BackendKind::Postgres]);
        assert!(
            matches!(settings.backends.source, Source::File { ref table, .. } if table == "[environments.staging]")
        );
        assert_eq!(settings.migrations.value, root.path().join("db/migrations"));
    }

    #[test]
    fn table_filters_and_lint_levels() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(
            root.path().join(FILE_NAME),
            "exclude = [\"legacy_*\"]\n[lint]\ncreate-index-without-concurrently = \"warn\"\ntable-rebuild = \"allow\"\n[environments.ci]\ninclude = [\"users\"]\nlint = {}\n",
        )
        .unwrap();
        let settings = resolve(Flags::default(), &[], root.path()).unwrap();
        assert_eq!(settings.exclude.value, ["legacy_*"]);
        assert!(settings.include.value.is_empty());
        assert_eq!(
            settings.lint_level("create-index-without-concurrently"),
            LintLevel::Warn
        );
        assert_eq!(settings.lint_level("table-rebuild"), LintLevel::Allow);
        assert_eq!(settings.lint_level("volatile-default"), LintLevel::Error);
        let lines = settings.lines();
        assert!(
            lines
                .iter()
                .any(|line| line.starts_with("exclude = [\"legacy_*\"]  # ")),
            "{lines:?}"
        );
        assert!(
            lines.iter().any(|line| line.starts_with(
                "lint = { \"create-index-without-concurrently\" = \"warn\", \"table-rebuild\" = \"allow\" }  # "
            )),
            "{lines:?}"
        );
        // An environment's table replaces the top's.
        let flags = Flags {
            environment: Some("ci".into()),
            ..Flags::default()
        };
        let settings = resolve(flags, &[], root.path()).unwrap();
        assert_eq!(settings.include.value, ["users"]);
        assert_eq!(settings.lint_level("table-rebuild"), LintLevel::Error);

        for (text, problem) in [
            ("[lint]\nno-such-rule = \"warn\"\n", "`lint` names rule `no-such-rule`, which the lint does not have; the rules are add-check-constraint, "),
            ("[lint]\ntable-rebuild = \"off\"\n", "`lint` sets rule `table-rebuild` to something other than \"allow\", \"warn\" or \"error\""),
            ("exclude = \"legacy\"\n", "`exclude` must be a list of table names or patterns"),
        ] {
            std::fs::write(root.path().join(FILE_NAME), text).unwrap();
            let error = resolve(Flags::default(), &[], root.path()).unwrap_err();
            assert!(error.to_string().contains(problem), "{error}");
        }
    }

    #[test]
    fn cargo_metadata_is_a_config_file() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(
            root.path().join("Cargo.toml"),
            "[package]\nname = \"app\"\n[package.metadata.retort]\nmigrations = \"sql\"\n[package.metadata.retort.environments.ci]\nurl = \"ci.db\"\n",
        )
        .unwrap();
        let flags = Flags {
            environment: Some("ci".into()),
            ..Flags::default()
        };
        let settings = resolve(flags, &[], root.path()).unwrap();
        assert_eq!(settings.migrations.value, root.path().join("sql"));
        assert!(
            matches!(settings.migrations.source, Source::File { ref table, .. } if table == "[package.metadata.retort]")
        );
        assert_eq!(settings.url.unwrap().value, "ci.db");
    }

    #[test]
    fn mistakes_name_the_file_the_table_and_the_key() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(
            root.path().join(FILE_NAME),
            "[environments.prod]\nurl_environment = \"X\"\n",
        )
        .unwrap();
        let error = resolve(Flags::default(), &[], root.path())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains(FILE_NAME)
                && error.contains("[environments.prod]")
                && error.contains(
                    "unknown key `url_environment`; the keys are migrations, url, url_env"
                ),
            "{error}"
        );

        std::fs::write(root.path().join(FILE_NAME), "backends = [\"oracle\"]\n").unwrap();
        let error = resolve(Flags::default(), &[], root.path())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("`oracle`, which is not a database retort knows"),
            "{error}"
        );

        std::fs::write(root.path().join(FILE_NAME), "[environments.prod]\n").unwrap();
        let flags = Flags {
            environment: Some("staging".into()),
            ..Flags::default()
        };
        let error = resolve(flags, &[], root.path()).unwrap_err().to_string();
        assert!(error.ends_with(", which has prod"), "{error}");

        let error = resolve(
            Flags::default(),
            &[("RETORT_LOCK_TIMEOUT", "soon")],
            root.path(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("RETORT_LOCK_TIMEOUT holds `soon`"),
            "{error}"
        );
    }

    #[test]
    fn printed_settings_hide_the_password() {
        let root = tempfile::tempdir().unwrap();
        let settings = resolve(
            Flags::default(),
            &[("DATABASE_URL", "postgres://app:hunter2@db/shop")],
            root.path(),
        )
        .unwrap();
        let lines = settings.lines().join("\n");
        assert!(!lines.contains("hunter2"), "{lines}");
        assert!(
            lines.contains(
                "url = \"postgres://app:***@db/shop\"  # environment variable DATABASE_URL"
            ),
            "{lines}"
        );
    }
}
