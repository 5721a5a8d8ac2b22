//! Reaching the database a URL names: the backend comes from the URL's
//! scheme, and only backends compiled in can be reached.

use super::error::CliError;
use crate::BackendKind;

/// A database URL as given, which may hold a password: [`DatabaseUrl::shown`]
/// is the form to print.
#[derive(Clone)]
pub(crate) struct DatabaseUrl {
    raw: String,
}

impl DatabaseUrl {
    pub(crate) fn new(raw: String) -> DatabaseUrl {
        DatabaseUrl { raw }
    }

    /// The URL as given, for drivers and for redacting their messages.
    pub(crate) fn raw(&self) -> &str {
        &self.raw
    }

    /// The URL with any password replaced by `***`.
    pub(crate) fn shown(&self) -> String {
        crate::redact_url(&self.raw)
    }

    /// The database the URL's scheme names.
    pub(crate) fn backend(&self) -> BackendKind {
        BackendKind::from_url(&self.raw)
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown())
    }
}

/// A live connection to one of the compiled-in databases. Code generic over
/// `C: DatabaseConnection` runs on it through [`with_connection!`].
pub(crate) enum AnyConnection {
    /// PostgreSQL.
    #[cfg(feature = "postgres")]
    Postgres(diesel::PgConnection),
    /// MySQL or MariaDB.
    #[cfg(feature = "mysql")]
    Mysql(diesel::MysqlConnection),
    /// SQLite.
    #[cfg(feature = "sqlite")]
    Sqlite(diesel::SqliteConnection),
    /// No backend is compiled in: there is no connection to hold.
    #[cfg(not(any(feature = "postgres", feature = "mysql", feature = "sqlite")))]
    #[allow(dead_code)]
    None(std::convert::Infallible),
}

/// Runs `$body` with `$conn` bound to the concrete connection inside an
/// [`AnyConnection`], so the body can call functions generic over
/// `C: DatabaseConnection`.
macro_rules! with_connection {
    ($any:expr, $conn:ident => $body:expr) => {
        match $any {
            #[cfg(feature = "postgres")]
            $crate::cli::connect::AnyConnection::Postgres($conn) => $body,
            #[cfg(feature = "mysql")]
            $crate::cli::connect::AnyConnection::Mysql($conn) => $body,
            #[cfg(feature = "sqlite")]
            $crate::cli::connect::AnyConnection::Sqlite($conn) => $body,
            #[cfg(not(any(feature = "postgres", feature = "mysql", feature = "sqlite")))]
            $crate::cli::connect::AnyConnection::None(never) => match *never {},
        }
    };
}
pub(crate) use with_connection;

/// Connects to the database `url` names.
///
/// # Errors
///
/// The backend is not compiled into this program, or the database cannot be
/// reached (the message is redacted and kept to one line).
pub(crate) fn connect(url: &DatabaseUrl) -> Result<AnyConnection, CliError> {
    match url.backend() {
        #[cfg(feature = "postgres")]
        BackendKind::Postgres => establish(url).map(AnyConnection::Postgres),
        #[cfg(feature = "mysql")]
        BackendKind::Mysql => establish(url).map(AnyConnection::Mysql),
        #[cfg(feature = "sqlite")]
        BackendKind::Sqlite => establish(url).map(AnyConnection::Sqlite),
        #[allow(unreachable_patterns)]
        backend => Err(CliError::BackendNotCompiled {
            backend,
            feature: feature_of(backend),
        }),
    }
}

/// The cargo feature that compiles a backend in.
pub(crate) fn feature_of(backend: BackendKind) -> &'static str {
    match backend {
        BackendKind::Postgres => "postgres",
        BackendKind::Mysql => "mysql",
        BackendKind::Sqlite => "sqlite",
    }
}

#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
fn establish<C: diesel::Connection>(url: &DatabaseUrl) -> Result<C, CliError> {
    C::establish(url.raw()).map_err(|error| CliError::Connect {
        backend: url.backend(),
        url: url.shown(),
        reason: retort_core::redact_password_in(&error.to_string(), url.raw()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_urls_hide_the_password() {
        let url = DatabaseUrl::new("postgres://app:hunter2@db:5432/shop".into());
        assert_eq!(url.shown(), "postgres://app:***@db:5432/shop");
        assert!(!format!("{url:?}").contains("hunter2"));
        assert_eq!(url.backend(), BackendKind::Postgres);
    }

    #[test]
    fn a_backend_left_out_names_its_feature() {
        let error = CliError::BackendNotCompiled {
            backend: BackendKind::Mysql,
            feature: feature_of(BackendKind::Mysql),
        };
        assert_eq!(
            error.to_string(),
            "this program was built without MySQL support"
        );
        assert!(error
            .hint("retort")
            .is_some_and(|hint| hint.contains("--features mysql")));
    }

    /// Only where a backend is left out can connecting to it be refused.
    #[cfg(not(all(feature = "postgres", feature = "mysql", feature = "sqlite")))]
    #[test]
    fn urls_of_backends_left_out_are_refused() {
        for (url, compiled) in [
            ("postgres://u:pw@127.0.0.1:1/db", cfg!(feature = "postgres")),
            ("mysql://u:pw@127.0.0.1:1/db", cfg!(feature = "mysql")),
            ("app.db", cfg!(feature = "sqlite")),
        ] {
            if !compiled {
                let refused = connect(&DatabaseUrl::new(url.to_owned()));
                assert!(
                    matches!(refused, Err(CliError::BackendNotCompiled { .. })),
                    "{url}"
                );
            }
        }
    }
}
