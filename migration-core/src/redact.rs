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
/// error message from a driver, which may echo its connection string, as
/// libpq does for a URL it cannot parse). The URL itself, if echoed whole,
/// is replaced by its [`redact_url`] form.
///
/// ```
/// use retort_core::redact_password_in;
///
/// let url = "postgres://app:hunter2@[bad/db";
/// let message = format!("missing \"]\" in URI: \"{url}\"");
/// assert!(!redact_password_in(&message, url).contains("hunter2"));
/// ```
pub fn redact_password_in(text: &str, url: &str) -> String {
    let mut shown = if url.is_empty() {
        text.to_owned()
    } else {
        text.replace(url, &redact_url(url))
    };
    for password in secrets_of(url) {
        if !password.is_empty() {
            shown = shown.replace(&password, REDACTED);
        }
    }
    shown
}

/// Whether a URL query parameter or libpq keyword holds a secret:
/// `password`, and libpq's `sslpassword` (the client key's passphrase).
fn is_secret_key(key: &str) -> bool {
    key.to_ascii_lowercase().ends_with("password")
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
            Some((key, _)) if is_secret_key(key) => format!("{key}={REDACTED}"),
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
    let has_secret_parameter = parsed.query_pairs().any(|(key, _)| is_secret_key(&key));
    if has_secret_parameter {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(key, value)| {
                let value = if is_secret_key(&key) {
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

/// Every secret `url` holds, as it may appear in a driver's message: the
/// password (raw and percent-decoded) and any secret parameter. A URL the
/// `url` crate rejects is read leniently: the text between the first `:`
/// after `scheme://` and the last `@` before the host.
fn secrets_of(url: &str) -> Vec<String> {
    if looks_like_keyword_string(url) {
        return url
            .split_whitespace()
            .filter_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                is_secret_key(key).then(|| value.to_owned())
            })
            .collect();
    }
    let mut secrets = Vec::new();
    match Url::parse(url) {
        Ok(parsed) => {
            secrets.extend(
                parsed
                    .query_pairs()
                    .filter(|(key, _)| is_secret_key(key))
                    .map(|(_, value)| value.into_owned()),
            );
            if let Some(raw) = parsed.password() {
                secrets.push(percent_decoded(raw));
                secrets.push(raw.to_owned());
            }
        }
        Err(_) => {
            for raw in lenient_passwords(url) {
                secrets.push(percent_decoded(raw));
                secrets.push(raw.to_owned());
            }
        }
    }
    // Longest first, so a password is never half-replaced through a shorter
    // secret it contains.
    secrets.sort_by_key(|secret| std::cmp::Reverse(secret.len()));
    secrets
}

/// The password of a URL that does not parse, and, when it holds an `@`,
/// each shorter reading of it (an unencoded `@` makes the split ambiguous).
fn lenient_passwords(url: &str) -> Vec<&str> {
    let Some((_, rest)) = url.split_once("://") else {
        return Vec::new();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some(userinfo_end) = rest[..authority_end].rfind('@') else {
        return Vec::new();
    };
    let Some((_, password)) = rest[..userinfo_end].split_once(':') else {
        return Vec::new();
    };
    let mut readings: Vec<&str> = password
        .match_indices('@')
        .map(|(at, _)| &password[..at])
        .collect();
    readings.push(password);
    readings
}

fn percent_decoded(raw: &str) -> String {
    url::form_urlencoded::parse(format!("p={raw}").as_bytes())
        .next()
        .map_or_else(|| raw.to_owned(), |(_, decoded)| decoded.into_owned())
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
    fn unparseable_urls_echoed_by_the_driver_lose_the_password() {
        // libpq quotes the whole URI when it cannot parse it.
        let url = format!("postgres://app:{SECRET}@[bad/db");
        let message = format!("end of string reached when looking for matching \"]\" in IPv6 host address in URI: \"{url}\"");
        let shown = redact_password_in(&message, &url);
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(shown.contains("IPv6 host address"), "{shown}");
        let bare = format!("postgres://app:{SECRET}@h@[bad");
        assert!(!redact_password_in(&format!("bad {SECRET}"), &bare).contains(SECRET));
    }

    #[test]
    fn ssl_passwords_are_secrets_too() {
        let url = format!("postgres://app@h/db?sslmode=require&sslpassword={SECRET}");
        let shown = redact_url(&url);
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(shown.contains("sslpassword=***"), "{shown}");
        assert!(!redact_password_in(&format!("key {SECRET}"), &url).contains(SECRET));
        let keywords = format!("host=h sslpassword={SECRET}");
        assert_eq!(redact_url(&keywords), "host=h sslpassword=***");
        assert!(!redact_password_in(&format!("key {SECRET}"), &keywords).contains(SECRET));
    }

    #[test]
    fn percent_encoded_passwords_are_found() {
        let url = "postgres://app:p%40ss@h/db";
        assert_eq!(redact_password_in("bad p@ss", url), "bad ***");
        assert!(!redact_url(url).contains("p%40ss"));
    }
}
