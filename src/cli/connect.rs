//! Reaching the database a URL names: the backend comes from the URL's
//! scheme, and only backends compiled in can be reached.

use super::error::CliError;
use crate::any_connection::EstablishError;
pub(crate) use crate::any_connection::{feature_of, with_connection, AnyConnection};
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
        crate::pool::redact_url(&self.raw)
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

/// Connects to the database `url` names.
///
/// # Errors
///
/// The backend is not compiled into this program, or the database cannot be
/// reached (the message is redacted and kept to one line).
pub(crate) fn connect(url: &DatabaseUrl) -> Result<AnyConnection, CliError> {
    crate::any_connection::establish(url.raw()).map_err(|error| match error {
        EstablishError::NotCompiled(backend) => CliError::BackendNotCompiled {
            backend,
            feature: feature_of(backend),
        },
        EstablishError::Failed(reason) => CliError::Connect {
            backend: url.backend(),
            url: url.shown(),
            reason,
        },
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
