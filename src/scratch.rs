//! A throwaway database: created with a unique name on the server a URL
//! reaches (a temporary file for SQLite) and dropped with the value. What
//! `retort::testing::TestDatabase` gives tests, and what `squash` applies
//! revisions to.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
use diesel::connection::SimpleConnection;

use crate::any_connection::{establish, with_connection, EstablishError};
use crate::{pool::redact_url, BackendKind};

/// A uniquely named database, dropped (or its file removed) on `Drop`.
#[derive(Debug)]
pub(crate) struct ScratchDatabase {
    pub(crate) url: String,
    pub(crate) name: String,
    pub(crate) backend: BackendKind,
    server_url: String,
    file: Option<PathBuf>,
}

/// Why [`ScratchDatabase::create`] made no database; neither variant's
/// text holds a password.
#[derive(Debug)]
pub(crate) enum ScratchError {
    /// The URL names a database this program was built without.
    NotCompiled(BackendKind),
    /// The server could not be reached or refused; the name it was to have
    /// and why.
    Failed { name: String, reason: String },
}

impl ScratchDatabase {
    /// Creates a database named `<prefix>_<pid>_<n>_<ns>` on the server
    /// `server_url` reaches (PostgreSQL, MySQL: `CREATE DATABASE`; SQLite:
    /// a file in the system's temporary directory).
    pub(crate) fn create(server_url: &str, prefix: &str) -> Result<ScratchDatabase, ScratchError> {
        let backend = BackendKind::from_url(server_url);
        let name = unique_name(prefix);
        let failed = |reason: String| ScratchError::Failed {
            name: name.clone(),
            reason: retort_core::redact_password_in(&reason, server_url),
        };
        if backend == BackendKind::Sqlite {
            let file = std::env::temp_dir().join(format!("{name}.db"));
            let url = file
                .to_str()
                .ok_or_else(|| failed(format!("temporary path {} is not UTF-8", file.display())))?
                .to_owned();
            return Ok(ScratchDatabase {
                url,
                name,
                backend,
                server_url: server_url.to_owned(),
                file: Some(file),
            });
        }
        let mut url = url::Url::parse(server_url).map_err(|error| failed(error.to_string()))?;
        let create = match backend {
            BackendKind::Mysql => {
                format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
            }
            _ => format!("CREATE DATABASE \"{name}\""),
        };
        on_server(server_url, &create).map_err(|error| match error {
            EstablishError::NotCompiled(backend) => ScratchError::NotCompiled(backend),
            EstablishError::Failed(reason) => failed(reason),
        })?;
        url.set_path(&format!("/{name}"));
        Ok(ScratchDatabase {
            url: url.to_string(),
            name,
            backend,
            server_url: server_url.to_owned(),
            file: None,
        })
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        if let Some(file) = &self.file {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut path = file.clone().into_os_string();
                path.push(suffix);
                let _ = std::fs::remove_file(path);
            }
            return;
        }
        let drop = match self.backend {
            BackendKind::Mysql => format!("DROP DATABASE IF EXISTS `{}`", self.name),
            _ => format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name),
        };
        if let Err(error) = on_server(&self.server_url, &drop) {
            tracing::warn!(
                "could not drop scratch database {} through {}: {}",
                self.name,
                redact_url(&self.server_url),
                match error {
                    EstablishError::Failed(reason) => reason,
                    EstablishError::NotCompiled(backend) => backend.display_name().to_owned(),
                }
            );
        }
    }
}

/// Runs one statement on the server `server_url` reaches; the error's
/// text has no password.
#[cfg_attr(
    not(any(feature = "postgres", feature = "mysql", feature = "sqlite")),
    allow(unreachable_code, unused_variables, unused_mut)
)]
fn on_server(server_url: &str, statement: &str) -> Result<(), EstablishError> {
    let mut admin = establish(server_url)?;
    let done: diesel::QueryResult<()> =
        with_connection!(&mut admin, conn => conn.batch_execute(statement));
    done.map_err(|error| {
        EstablishError::Failed(retort_core::redact_password_in(
            &error.to_string(),
            server_url,
        ))
    })
}

/// A name no other database, process or run uses:
/// `<prefix>_<pid>_<n>_<ns>`.
fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos());
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}
