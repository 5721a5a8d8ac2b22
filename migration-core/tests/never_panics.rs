//! The fuzz targets of `fuzz/` as bounded property tests, so CI checks in
//! seconds what libFuzzer checks for minutes locally: no revision file, SQL
//! text, migration graph or target string makes retort panic.

mod fuzz_bodies;

use fuzz_bodies::{parse_files, read_targets};
use proptest::prelude::*;
use retort_core::revision::split_statements;
use retort_core::BackendKind;

/// One line of a would-be revision file: directives well and badly formed,
/// SQL with the quoting and comment syntax the splitter must track, and
/// arbitrary text.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("-- retort:up".to_owned()),
        Just("-- retort:down".to_owned()),
        Just("-- retort:transaction off".to_owned()),
        "-- retort:revision [0-9a-fA-F]{10,13}",
        "-- retort:parents( [0-9a-f,]{0,14}){0,3}",
        "-- retort:(message|transaction|revision|parents|bogus|)[ \t]?.{0,20}",
        "(\\$[a-z]{0,3}\\$|'|\"|`|--|/\\*|\\*/|#|\\\\|;|E'|[a-z ]{1,5}|\r){0,16}",
        "[ -~]{0,40}",
        ".{0,30}",
    ]
}

fn contents() -> impl Strategy<Value = String> {
    prop::collection::vec(line(), 0..10).prop_map(|lines| lines.join("\n"))
}

fn file_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("20240101000001_a1a1a1a1a1a1_fuzz.sql".to_owned()),
        "[0-9]{0,15}_[0-9a-f]{0,13}_[a-z]{0,5}(\\.sql)?",
        ".{0,20}",
    ]
}

fn target() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("head".to_owned()),
        Just("heads".to_owned()),
        Just("base".to_owned()),
        "[+-][0-9]{0,20}",
        "[+-]?[a-f0-9]{0,12}",
        " ?(a1|b2|cc|d4|e5)[a-f0-9]{0,10} ?",
        ".{0,10}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn no_revision_file_panics(name in file_name(), contents in contents()) {
        parse_files(&[(name, contents)]);
    }

    #[test]
    fn no_set_of_revision_files_panics(files in prop::collection::vec(contents(), 0..4)) {
        let files: Vec<(String, String)> = files
            .into_iter()
            .enumerate()
            .map(|(at, contents)| (format!("20240101{at:06}_a1a1a1a1a1a1_fuzz.sql"), contents))
            .collect();
        parse_files(&files);
    }

    #[test]
    fn no_sql_text_panics_the_splitter(sql in contents()) {
        for kind in BackendKind::ALL {
            split_statements(&sql, kind);
        }
    }

    #[test]
    fn no_target_panics(from in target(), to in target()) {
        read_targets(&from, &to);
    }
}

/// A password of any printable characters, marked so it cannot be mistaken
/// for another part of the URL.
fn password() -> impl Strategy<Value = String> {
    "[!-~]{0,10}".prop_map(|rest| format!("Zq7{rest}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Whatever the password holds (`@`, `/`, `#`, `%`, quotes), neither the
    /// redacted URL nor a driver message that echoes the URL shows it.
    #[test]
    fn no_url_shows_its_password(
        scheme in prop::sample::select(&["postgres", "postgresql", "mysql", "sqlite"][..]),
        password in password(),
        host in prop::sample::select(&["127.0.0.1", "db.internal:5432", "[::1]:3306", "[bad", ""][..]),
        rest in prop::sample::select(&["", "/shop", "/shop?sslmode=require", "/db#frag"][..]),
    ) {
        let url = format!("{scheme}://app:{password}@{host}{rest}");
        let shown = retort_core::redact_url(&url);
        prop_assert!(!shown.contains(&password), "{url} shown as {shown}");
        let message = retort_core::redact_password_in(&format!("cannot connect: \"{url}\""), &url);
        prop_assert!(!message.contains(&password), "{url} in a message: {message}");
        let token = retort_core::redact_password_in(&format!("invalid token: \"{password}\""), &url);
        prop_assert!(!token.contains(&password), "{url}, password alone: {token}");
    }
}
