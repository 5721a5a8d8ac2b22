//! Keeping passwords out of errors and logs.

use url::Url;

/// What a redacted password is replaced with.
pub const REDACTED: &str = "***";

/// A database URL or libpq connection string, safe to show: any password is
/// replaced with `***`.
///
/// Handles URLs (`postgres://user:secret@host/db`, including a `password=`
/// query parameter) and libpq keyword strings (`host=db password=secret`).
/// Anything that cannot be parsed is assumed to hold a secret somewhere and is
/// reduced to its scheme.
///
/// ```
/// use retort_core::redact_url;
///
/// assert_eq!(
///     redact_url("postgres://app:hunter2@db.internal:5432/shop"),
///     "postgres://app:***@db.internal:5432/shop"
/// );
/// assert_eq!(redact_url("host=db password=hunter2"), "host=db password=***");
/// ```
pub fn redact_url(url: &str) -> String {
    if looks_like_keyword_string(url) {
        return redact_keyword_string(url);
    }
    match Url::parse(url) {
        Ok(parsed) => redact_parsed(parsed),
        // A path such as `app.db` or `:memory:` holds no credentials.
        Err(_) if !url.contains('@') && !url.contains("password") => url.to_owned(),
        Err(_) => match url.split_once("://") {
            Some((scheme, _)) => format!("{scheme}://{REDACTED}"),
            None => REDACTED.to_owned(),
        },
    }
}

/// Removes every occurrence of the password found in `url` from `text` (an
/// error message from a driver, which may echo its connection string).
pub fn redact_password_in(text: &str, url: &str) -> String {
    match password_of(url) {
        Some(password) if !password.is_empty() => text.replace(&password, REDACTED),
        _ => text.to_owned(),
    }
}

fn looks_like_keyword_string(text: &str) -> bool {
    !text.contains("://")
        && text
            .split_whitespace()
            .next()
            .is_some_and(|first| first.contains('='))
}

fn redact_keyword_string(text: &str) -> String {
    text.split_whitespace()
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}={REDACTED}"),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn redact_parsed(mut parsed: Url) -> String {
    if parsed.password().is_some() {
        // Only URLs that cannot have a password refuse this, and they have none.
        let _ = parsed.set_password(Some(REDACTED));
    }
    let has_secret_parameter = parsed
        .query_pairs()
        .any(|(key, _)| key.eq_ignore_ascii_case("password"));
    if has_secret_parameter {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(key, value)| {
                let value = if key.eq_ignore_ascii_case("password") {
                    REDACTED.to_owned()
                } else {
                    value.into_owned()
                };
                (key.into_owned(), value)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string().replace("%2A%2A%2A", REDACTED)
}

fn password_of(url: &str) -> Option<String> {
    if looks_like_keyword_string(url) {
        return url.split_whitespace().find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            key.eq_ignore_ascii_case("password")
                .then(|| value.to_owned())
        });
    }
    let parsed = Url::parse(url).ok()?;
    let from_query = parsed
        .query_pairs()
        .find(|(key, _)| key.eq_ignore_ascii_case("password"))
        .map(|(_, value)| value.into_owned());
    let from_userinfo = parsed.password().map(|raw| {
        url::form_urlencoded::parse(format!("p={raw}").as_bytes())
            .next()
            .map_or_else(|| raw.to_owned(), |(_, decoded)| decoded.into_owned())
    });
    from_userinfo.or(from_query)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cr3t-Pa55";

    #[test]
    fn userinfo_passwords_are_replaced() {
        for url in [
            format!("postgres://app:{SECRET}@127.0.0.1:5432/shop"),
            format!("mysql://root:{SECRET}@localhost/test"),
            format!("postgresql://app:{SECRET}@h/db?sslmode=require"),
        ] {
            let shown = redact_url(&url);
            assert!(!shown.contains(SECRET), "{shown}");
            assert!(shown.contains(":***@"), "{shown}");
        }
    }

    #[test]
    fn query_parameter_passwords_are_replaced() {
        let shown = redact_url(&format!("postgres://h/db?user=app&password={SECRET}"));
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(shown.contains("user=app"), "{shown}");
    }

    #[test]
    fn urls_without_a_password_are_unchanged() {
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1:5432/postgres"),
            "postgres://postgres@127.0.0.1:5432/postgres"
        );
        assert_eq!(redact_url("app.db"), "app.db");
        assert_eq!(redact_url(":memory:"), ":memory:");
    }

    #[test]
    fn keyword_strings_are_redacted() {
        let shown = redact_url(&format!("host=db user=app password={SECRET} dbname=shop"));
        assert_eq!(shown, "host=db user=app password=*** dbname=shop");
    }

    #[test]
    fn unparseable_text_with_credentials_is_reduced() {
        let shown = redact_url(&format!("postgres://app:{SECRET}@[bad"));
        assert!(!shown.contains(SECRET), "{shown}");
    }

    #[test]
    fn driver_messages_lose_the_password() {
        let url = format!("postgres://app:{SECRET}@h/db");
        let message = format!("could not connect with password {SECRET}");
        assert_eq!(
            redact_password_in(&message, &url),
            "could not connect with password ***"
        );
    }

    #[test]
    fn percent_encoded_passwords_are_found() {
        let url = "postgres://app:p%40ss@h/db";
        assert_eq!(redact_password_in("bad p@ss", url), "bad ***");
        assert!(!redact_url(url).contains("p%40ss"));
    }
}
