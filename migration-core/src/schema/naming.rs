//! The one naming convention for keys, indexes and constraints.
//!
//! Like SQLAlchemy's `naming_convention`, every name retort generates follows
//! one pattern, so that a model, its migrations and the live database always
//! agree on what a constraint is called:
//!
//! | object | name |
//! | --- | --- |
//! | primary key | `pk_<table>` |
//! | unique constraint | `uq_<table>_<col1>_<col2>` |
//! | index | `ix_<table>_<col1>_<col2>` |
//! | foreign key | `fk_<table>_<col1>_<referenced table>` |
//! | check constraint | `ck_<table>_<name>` |
//!
//! A name longer than [`MAX_IDENTIFIER_BYTES`] (63 bytes, PostgreSQL's limit
//! and the smallest among the supported databases) is cut on a character
//! boundary and ends with `_` and 8 hexadecimal digits of the SHA-256 of the
//! full name, so two long names that share a prefix stay distinct, and the
//! same input always gives the same name.
//!
//! ```
//! use retort_core::schema::naming;
//!
//! assert_eq!(naming::primary_key_name("users"), "pk_users");
//! assert_eq!(naming::foreign_key_name("users", &["team_id"], "teams"), "fk_users_team_id_teams");
//! let long = naming::index_name("a_table_with_a_rather_long_name", &["and_a_long_column_name", "another"]);
//! assert!(long.len() <= naming::MAX_IDENTIFIER_BYTES);
//! ```

use sha2::{Digest, Sha256};

/// The longest identifier, in bytes, that every supported database keeps
/// whole: PostgreSQL's 63 (MySQL allows 64, SQLite has no limit).
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// How many hexadecimal digits of the hash end a shortened name.
const HASH_SUFFIX_DIGITS: usize = 8;

/// The primary key's name: `pk_<table>`.
pub fn primary_key_name(table: &str) -> String {
    shorten_identifier(&format!("pk_{table}"))
}

/// A unique constraint's name: `uq_<table>_<columns joined by _>`.
pub fn unique_name<S: AsRef<str>>(table: &str, columns: &[S]) -> String {
    shorten_identifier(&format!("uq_{table}_{}", join(columns)))
}

/// An index's name: `ix_<table>_<columns joined by _>`.
pub fn index_name<S: AsRef<str>>(table: &str, columns: &[S]) -> String {
    shorten_identifier(&format!("ix_{table}_{}", join(columns)))
}

/// A foreign key's name: `fk_<table>_<columns joined by _>_<referenced table>`.
pub fn foreign_key_name<S: AsRef<str>>(
    table: &str,
    columns: &[S],
    referenced_table: &str,
) -> String {
    shorten_identifier(&format!("fk_{table}_{}_{referenced_table}", join(columns)))
}

/// A check constraint's name: `ck_<table>_<name>`, where `name` is the
/// column for a column's check, or the name given to a table's check.
pub fn check_name(table: &str, name: &str) -> String {
    shorten_identifier(&format!("ck_{table}_{name}"))
}

/// Returns `name` unchanged when it fits in [`MAX_IDENTIFIER_BYTES`];
/// otherwise cuts it on a character boundary and appends `_` and 8 hexadecimal
/// digits of the SHA-256 of the whole name, for a result of at most
/// [`MAX_IDENTIFIER_BYTES`] bytes.
pub fn shorten_identifier(name: &str) -> String {
    if name.len() <= MAX_IDENTIFIER_BYTES {
        return name.to_owned();
    }
    let digest = Sha256::digest(name.as_bytes());
    let suffix: String = digest
        .iter()
        .flat_map(|byte| [byte >> 4, byte & 0x0f])
        .take(HASH_SUFFIX_DIGITS)
        .map(|nibble| char::from_digit(u32::from(nibble), 16).unwrap_or('0'))
        .collect();
    let mut keep = MAX_IDENTIFIER_BYTES - HASH_SUFFIX_DIGITS - 1;
    while !name.is_char_boundary(keep) {
        keep -= 1;
    }
    format!("{}_{suffix}", &name[..keep])
}

fn join<S: AsRef<str>>(columns: &[S]) -> String {
    columns
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join("_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_follow_the_convention() {
        assert_eq!(primary_key_name("users"), "pk_users");
        assert_eq!(unique_name("users", &["email"]), "uq_users_email");
        assert_eq!(
            index_name("users", &["team_id", "email"]),
            "ix_users_team_id_email"
        );
        assert_eq!(
            foreign_key_name("users", &["team_id"], "teams"),
            "fk_users_team_id_teams"
        );
        assert_eq!(check_name("products", "price"), "ck_products_price");
    }

    #[test]
    fn a_name_of_exactly_the_limit_is_kept_whole() {
        let name = "x".repeat(MAX_IDENTIFIER_BYTES);
        assert_eq!(shorten_identifier(&name), name);
    }

    #[test]
    fn long_names_are_cut_to_the_limit_with_a_stable_hash() {
        let name = format!("ix_{}", "a".repeat(100));
        let short = shorten_identifier(&name);
        assert_eq!(short.len(), MAX_IDENTIFIER_BYTES);
        assert!(short.starts_with("ix_aaaa"));
        assert_eq!(short, shorten_identifier(&name), "same input, same name");
        let suffix = &short[short.len() - HASH_SUFFIX_DIGITS..];
        assert!(suffix.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(&short[short.len() - HASH_SUFFIX_DIGITS - 1..][..1], "_");
    }

    #[test]
    fn long_names_with_a_common_prefix_stay_distinct() {
        let prefix = "b".repeat(80);
        let first = index_name("t", &[format!("{prefix}_first")]);
        let second = index_name("t", &[format!("{prefix}_second")]);
        assert_ne!(first, second);
        assert_eq!(first.len(), MAX_IDENTIFIER_BYTES);
        assert_eq!(second.len(), MAX_IDENTIFIER_BYTES);
    }

    #[test]
    fn multibyte_names_are_cut_on_a_character_boundary() {
        // "é" is two bytes: 3 + 2 * 40 bytes, so a cut at byte 54 would fall
        // inside a character if not moved back.
        let name = format!("ix_{}", "é".repeat(40));
        let short = shorten_identifier(&name);
        assert!(short.len() <= MAX_IDENTIFIER_BYTES);
        assert!(short.starts_with("ix_é"));
        assert!(short.is_char_boundary(short.len() - HASH_SUFFIX_DIGITS - 1));
    }

    #[test]
    fn the_hash_is_pinned() {
        // Changing the scheme would rename constraints in every user's
        // database: this pins it.
        let name = format!("uq_{}", "c".repeat(70));
        let short = shorten_identifier(&name);
        assert_eq!(short, format!("uq_{}_45577d8e", "c".repeat(51)));
    }
}
