//! Keeping passwords out of errors and logs: what the engine
//! (`retort-core`) and the pool (`retort-pool`) both show of a database URL
//! or a driver's message. A crate of its own so that the pool needs nothing
//! of the migration engine.

#![warn(missing_docs)]

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
/// use retort_redact::redact_url;
///
/// assert_eq!(
///     redact_url("postgres://app:hunter2@db.internal:5432/shop"),
///     "postgres://app:***@db.internal:5432/shop"
/// );
/// assert_eq!(redact_url("host=db password=hunter2"), "host=db password=***");
/// ```
pub fn redact_url(url: &str) -> String {
    let shown = redact_url_syntax(url);
    // A password the parser read otherwise than its author meant (an
    // unencoded `@` or `/` in it) may have ended up as the host or the path.
    without_secrets(shown, url)
}

/// [`redact_url`] by the URL's syntax alone.
fn redact_url_syntax(url: &str) -> String {
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
/// use retort_redact::redact_password_in;
///
/// let url = "postgres://app:hunter2@[bad/db";
/// let message = format!("missing \"]\" in URI: \"{url}\"");
/// assert!(!redact_password_in(&message, url).contains("hunter2"));
/// ```
pub fn redact_password_in(text: &str, url: &str) -> String {
    let shown = if url.is_empty() {
        text.to_owned()
    } else {
        text.replace(url, &redact_url(url))
    };
    without_secrets(shown, url)
}

/// `text` with every secret of `url` replaced by [`REDACTED`].
fn without_secrets(mut text: String, url: &str) -> String {
    for secret in secrets_of(url) {
        if !secret.is_empty() && secret != REDACTED {
            text = text.replace(&secret, REDACTED);
        }
    }
    text
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
/// password (as written, as the `url` crate reads it, and percent-decoded)
/// and any secret parameter. The password as written is read leniently, so
/// a URL the `url` crate rejects still gives it up.
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
    if let Ok(parsed) = Url::parse(url) {
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
    // The password as written, which the parsed form may have re-encoded.
    for raw in lenient_passwords(url) {
        secrets.push(percent_decoded(raw));
        secrets.push(raw.to_owned());
    }
    // Its pieces: a driver that reads the URL another way shows them as a
    // host, a port or a database (libpq ends the userinfo at the first `@`,
    // so `app:p@ss@host` gives the host `ss@host`).
    let pieces: Vec<String> = secrets
        .iter()
        .flat_map(|secret| secret.split(is_url_delimiter))
        .filter(|piece| piece.chars().count() >= MIN_PIECE)
        .map(str::to_owned)
        .collect();
    secrets.extend(pieces);
    // Longest first, so a password is never half-replaced through a shorter
    // secret it contains.
    secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    secrets.dedup();
    secrets
}

/// The shortest piece of a password that is searched for on its own: a
/// shorter one could be any word of a message.
const MIN_PIECE: usize = 3;

/// The characters at which a URL parser may cut a password it reads
/// another way than intended.
fn is_url_delimiter(ch: char) -> bool {
    matches!(
        ch,
        '@' | ':' | '/' | '?' | '#' | '[' | ']' | '&' | '=' | ';' | ','
    ) || ch.is_whitespace()
}

/// The password as written in a URL, parseable or not, read as leniently as
/// a driver might: the userinfo ends at the last `@` before the first `/`,
/// before the first `/`, `?` or `#`, or anywhere; and when the password
/// holds an `@`, each shorter reading of it too (libpq ends it at the first
/// `@`).
fn lenient_passwords(url: &str) -> Vec<&str> {
    let Some((_, rest)) = url.split_once("://") else {
        return Vec::new();
    };
    let ends = [
        rest.find('/').unwrap_or(rest.len()),
        rest.find(['/', '?', '#']).unwrap_or(rest.len()),
        rest.len(),
    ];
    let mut readings = Vec::new();
    for end in ends {
        let Some(userinfo_end) = rest[..end].rfind('@') else {
            continue;
        };
        let Some((_, password)) = rest[..userinfo_end].split_once(':') else {
            continue;
        };
        readings.extend(password.match_indices('@').map(|(at, _)| &password[..at]));
        readings.push(password);
    }
    readings
}

/// `%XX` escapes decoded (`+` stays `+`: this is a URL's userinfo, not a
/// form).
fn percent_decoded(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let escaped = (bytes[at] == b'%')
            .then(|| bytes.get(at + 1..at + 3))
            .flatten()
            .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                decoded.push(byte);
                at += 3;
            }
            None => {
                decoded.push(bytes[at]);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
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

    /// Passwords the property test in `tests/never_panics.rs` found shown
    /// alone in a driver's message: a `?` that ends the authority for the
    /// `url` crate but not for libpq, a `+` that form decoding turns into a
    /// space, and a bad escape the `url` crate re-encodes.
    #[test]
    fn passwords_as_written_are_found() {
        for password in ["Zq7?", "Zq7+{", "Zq7[%A0"] {
            let url = format!("postgres://app:{password}@127.0.0.1");
            let message = format!("invalid token: \"{password}\"");
            let shown = redact_password_in(&message, &url);
            assert!(!shown.contains(password), "{url}: {shown}");
            assert!(!redact_url(&url).contains(password), "{url}");
        }
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

    /// libpq ends the userinfo at the first `@`, so the rest of a password
    /// holding an unencoded `@` (or a `:` after it) comes back as the host
    /// or the port.
    #[test]
    fn pieces_a_driver_reads_as_a_host_or_port_are_found() {
        let url = "postgres://app:Zq7@canary@127.0.0.1/x";
        let message = "could not translate host name \"canary@127.0.0.1\" to address";
        let shown = redact_password_in(message, url);
        assert!(!shown.contains("canary"), "{shown}");
        assert!(shown.contains("127.0.0.1"), "{shown}");
        let url = "postgres://app:Zq7@pass:word9@127.0.0.1:5999/x";
        let message =
            "invalid integer value \"word9@127.0.0.1:5999\" for connection option \"port\"";
        let shown = redact_password_in(message, url);
        assert!(
            !shown.contains("word9") && !shown.contains("pass"),
            "{shown}"
        );
    }

    #[test]
    fn percent_encoded_passwords_are_found() {
        let url = "postgres://app:p%40ss@h/db";
        assert_eq!(redact_password_in("bad p@ss", url), "bad ***");
        assert!(!redact_url(url).contains("p%40ss"));
    }
}
