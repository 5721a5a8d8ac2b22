//! Every attribute key, spelled once.

use std::fmt::{self, Display};

use syn::{Ident, Path};

/// An attribute key.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Symbol(pub &'static str);

/// The attribute of `#[derive(Model)]`.
pub const MODEL: Symbol = Symbol("model");
/// The attribute of `#[derive(SqlEnum)]`.
pub const SQL_ENUM: Symbol = Symbol("sql_enum");

pub const TABLE: Symbol = Symbol("table");
pub const SCHEMA: Symbol = Symbol("schema");
pub const RENAMED_FROM: Symbol = Symbol("renamed_from");
pub const COMMENT: Symbol = Symbol("comment");
pub const COLLATION: Symbol = Symbol("collation");
pub const CRATE: Symbol = Symbol("crate");
pub const INDEX: Symbol = Symbol("index");
pub const UNIQUE: Symbol = Symbol("unique");
pub const CHECK: Symbol = Symbol("check");
pub const PRIMARY_KEY: Symbol = Symbol("primary_key");
pub const DIESEL_TABLE: Symbol = Symbol("diesel_table");
pub const PARTITION_BY: Symbol = Symbol("partition_by");
pub const WITHOUT_ROWID: Symbol = Symbol("without_rowid");
pub const STRICT: Symbol = Symbol("strict");
pub const ENGINE: Symbol = Symbol("engine");

pub const COLUMNS: Symbol = Symbol("columns");
pub const NAME: Symbol = Symbol("name");
pub const EXPR: Symbol = Symbol("expr");
pub const METHOD: Symbol = Symbol("method");
pub const OPS: Symbol = Symbol("ops");

pub const AUTOINCREMENT: Symbol = Symbol("autoincrement");
pub const IDENTITY: Symbol = Symbol("identity");
pub const ALWAYS: Symbol = Symbol("always");
pub const START: Symbol = Symbol("start");
pub const INCREMENT: Symbol = Symbol("increment");
pub const COLUMN: Symbol = Symbol("column");
pub const SQL_TYPE: Symbol = Symbol("sql_type");
pub const MAX_LENGTH: Symbol = Symbol("max_length");
pub const PRECISION: Symbol = Symbol("precision");
pub const SCALE: Symbol = Symbol("scale");
pub const DEFAULT: Symbol = Symbol("default");
pub const BACKFILL: Symbol = Symbol("backfill");
pub const GENERATED: Symbol = Symbol("generated");
pub const STORED: Symbol = Symbol("stored");
pub const VIRTUAL: Symbol = Symbol("virtual");
pub const REFERENCES: Symbol = Symbol("references");
pub const ON_DELETE: Symbol = Symbol("on_delete");
pub const ON_UPDATE: Symbol = Symbol("on_update");
pub const DEFERRABLE: Symbol = Symbol("deferrable");
pub const INITIALLY_DEFERRED: Symbol = Symbol("initially_deferred");
pub const SKIP: Symbol = Symbol("skip");
pub const DIESEL_TYPE: Symbol = Symbol("diesel_type");

pub const RENAME: Symbol = Symbol("rename");

/// The keys of `#[model(...)]` on a struct.
pub const STRUCT_KEYS: &[Symbol] = &[
    TABLE,
    SCHEMA,
    RENAMED_FROM,
    COMMENT,
    COLLATION,
    CRATE,
    INDEX,
    UNIQUE,
    CHECK,
    PRIMARY_KEY,
    DIESEL_TABLE,
    PARTITION_BY,
    WITHOUT_ROWID,
    STRICT,
    ENGINE,
];

/// The keys of `#[model(...)]` on a field.
pub const FIELD_KEYS: &[Symbol] = &[
    PRIMARY_KEY,
    AUTOINCREMENT,
    IDENTITY,
    COLUMN,
    SQL_TYPE,
    MAX_LENGTH,
    PRECISION,
    SCALE,
    UNIQUE,
    INDEX,
    DEFAULT,
    BACKFILL,
    GENERATED,
    STORED,
    VIRTUAL,
    REFERENCES,
    ON_DELETE,
    ON_UPDATE,
    DEFERRABLE,
    INITIALLY_DEFERRED,
    RENAMED_FROM,
    CHECK,
    COMMENT,
    COLLATION,
    SKIP,
    DIESEL_TYPE,
];

/// The keys of `#[model(index(...))]` on a struct.
pub const INDEX_KEYS: &[Symbol] = &[COLUMNS, NAME, UNIQUE, METHOD, OPS];
/// The keys of `#[model(unique(...))]` on a struct.
pub const UNIQUE_KEYS: &[Symbol] = &[COLUMNS, NAME, DEFERRABLE, INITIALLY_DEFERRED];
/// The keys of `#[model(check(...))]` on a struct.
pub const CHECK_KEYS: &[Symbol] = &[NAME, EXPR];
/// The keys of `#[model(identity(...))]` on a field.
pub const IDENTITY_KEYS: &[Symbol] = &[ALWAYS, START, INCREMENT];
/// The keys of `#[model(primary_key(...))]` on a struct.
pub const PRIMARY_KEY_KEYS: &[Symbol] = &[COLUMNS, DEFERRABLE, INITIALLY_DEFERRED];

/// The keys of `#[sql_enum(...)]` on an enum.
pub const ENUM_KEYS: &[Symbol] = &[NAME, CRATE];
/// The keys of `#[sql_enum(...)]` on a variant.
pub const VARIANT_KEYS: &[Symbol] = &[RENAME];

impl PartialEq<Symbol> for Ident {
    fn eq(&self, word: &Symbol) -> bool {
        self == word.0
    }
}

impl PartialEq<Symbol> for Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl PartialEq<Symbol> for &Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl Display for Symbol {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.0)
    }
}

/// `a, b, c` for an error message.
pub fn list(keys: &[Symbol]) -> String {
    keys.iter().map(|key| key.0).collect::<Vec<_>>().join(", ")
}

/// The key in `keys` closest to `word`, when it is close enough to be a typo.
pub fn closest(word: &str, keys: &[Symbol]) -> Option<Symbol> {
    keys.iter()
        .map(|key| (edit_distance(word, key.0), *key))
        .filter(|(distance, key)| *distance <= key.0.len().div_ceil(3))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, key)| key)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_the_key_meant() {
        assert_eq!(closest("colum", FIELD_KEYS), Some(COLUMN));
        assert_eq!(closest("primarykey", FIELD_KEYS), Some(PRIMARY_KEY));
        assert_eq!(closest("tabel", STRUCT_KEYS), Some(TABLE));
        assert_eq!(closest("nullable", FIELD_KEYS), None);
    }
}
