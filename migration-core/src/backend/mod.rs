//! What differs between databases, one module per backend: the bottom
//! layer, which knows the schema model and nothing above it.
//!
//! A backend knows its database's dialect and nothing else: how it quotes
//! identifiers, how long they may be, how it spells each type and reads it
//! back, how its SQL is lexed, its catalog queries, its version-table
//! statements and its lock for concurrent runners. Code outside this module
//! asks the [`Backend`] trait instead of matching on the database. The
//! layers above add one file per database where they need one: the DDL in
//! `render/<db>/`, turning catalog rows into the model in
//! `introspect/<db>`. Adding a database means adding those modules.
//!
//! The SQL side of every backend is always compiled, so offline SQL can be
//! written for any database; talking to one needs its feature (`postgres`,
//! `mysql`, `sqlite`).

mod backfill;
pub(crate) mod catalog;
mod connection;
pub(crate) mod lexer;
mod lock_limits;
pub(crate) mod mysql;
pub(crate) mod postgres;
pub(crate) mod spelling;
pub(crate) mod sqlite;
mod stored_form;
mod version_sql;
mod version_table;
mod version_text;

use std::fmt;

use crate::schema::{Schema, SqlType};

pub(crate) use backfill::BackfillRow;
pub use backfill::{BACKFILL_TABLE, BATCH_PLACEHOLDER};
#[cfg(all(feature = "async", feature = "mysql"))]
pub use connection::AsyncMysqlConnectionWrapper;
#[cfg(all(feature = "async", feature = "postgres"))]
pub use connection::AsyncPgConnectionWrapper;
pub use connection::DatabaseConnection;
#[cfg(feature = "mysql")]
pub(crate) use lock_limits::mysql_seconds;
#[cfg(feature = "postgres")]
pub(crate) use lock_limits::postgres_millis;
pub(crate) use lock_limits::LockLimits;
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub(crate) use lock_limits::{database_message, SavedSettings};
pub use mysql::MysqlBackend;
pub use postgres::PostgresBackend;
pub use sqlite::SqliteBackend;
#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
pub(crate) use version_table::VersionTableDialect;
pub(crate) use version_table::{FailureRow, NewVersion, VersionRow};
pub use version_table::{VersionStatus, DIESEL_VERSION_TABLE, VERSION_TABLE};
#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
pub(crate) use version_text::VersionText;

/// Why a database other than PostgreSQL cannot store `ty`, for the types
/// only PostgreSQL has; `None` for the others.
fn postgres_only(ty: &SqlType) -> Option<&'static str> {
    match ty {
        SqlType::Array(_) => Some(
            "arrays exist on PostgreSQL only: store the values in a child table, \
             or as Json",
        ),
        SqlType::Interval => Some(
            "INTERVAL exists on PostgreSQL only: store a number of seconds \
             (BigInt) or the ISO 8601 text (Text)",
        ),
        SqlType::Inet | SqlType::Cidr | SqlType::MacAddr => Some(
            "network address types exist on PostgreSQL only: store the address \
             as Varchar(43) (INET, CIDR) or Char(17) (MACADDR), or its bytes as Binary",
        ),
        SqlType::TsVector | SqlType::TsQuery => Some(
            "TSVECTOR and TSQUERY exist on PostgreSQL only: use the database's own full-text \
             search (a FULLTEXT index on MySQL, FTS5 on SQLite)",
        ),
        SqlType::IntervalFields { .. } => Some(
            "INTERVAL exists on PostgreSQL only: store a number of seconds \
             (BigInt) or the ISO 8601 text (Text)",
        ),
        SqlType::Range(_) | SqlType::MultiRange(_) => Some(
            "range types exist on PostgreSQL only: store the bounds in two columns \
             (with a check that the lower is below the upper)",
        ),
        SqlType::CiText => Some(
            "CITEXT exists on PostgreSQL only: use Text (MySQL's default collations \
             already compare without case; on SQLite, COLLATE NOCASE)",
        ),
        SqlType::Geometry { .. } | SqlType::Geography { .. } => Some(
            "PostGIS types exist on PostgreSQL only here (MySQL's own spatial types \
             are not modeled yet: declare the column with sql_type = \"POINT\", a Custom type)",
        ),
        _ => None,
    }
}

/// Why a database other than MySQL cannot store `ty`, for the types only
/// MySQL and MariaDB have; `None` for the others.
fn mysql_only(ty: &SqlType) -> Option<&'static str> {
    match ty {
        SqlType::UnsignedSmallInt | SqlType::UnsignedInteger | SqlType::UnsignedBigInt => Some(
            "unsigned integers exist on MySQL and MariaDB only: use the next wider \
             signed integer (Integer for SMALLINT UNSIGNED, BigInt for INT UNSIGNED, \
             Numeric(20) for BIGINT UNSIGNED) with a check that it is >= 0",
        ),
        SqlType::TinyInt | SqlType::UnsignedTinyInt => Some(
            "TINYINT exists on MySQL and MariaDB only: use SmallInt (with a check \
             on its range where it matters)",
        ),
        SqlType::MediumInt | SqlType::UnsignedMediumInt => Some(
            "MEDIUMINT exists on MySQL and MariaDB only: use Integer (with a check \
             on its range where it matters)",
        ),
        SqlType::TinyText | SqlType::MediumText | SqlType::LongText => {
            Some("TINYTEXT, MEDIUMTEXT and LONGTEXT exist on MySQL and MariaDB only: use Text")
        }
        SqlType::TinyBlob | SqlType::MediumBlob | SqlType::LongBlob => {
            Some("TINYBLOB, MEDIUMBLOB and LONGBLOB exist on MySQL and MariaDB only: use Binary")
        }
        SqlType::Year => Some("YEAR exists on MySQL and MariaDB only: use SmallInt"),
        SqlType::Set { .. } => Some(
            "SET exists on MySQL and MariaDB only: use an array of an enum on \
             PostgreSQL, or a child table",
        ),
        _ => None,
    }
}

/// Why SQLite cannot store `ty`, for the types PostgreSQL and MySQL both
/// have but SQLite does not; `None` for the others.
fn not_on_sqlite(ty: &SqlType) -> Option<&'static str> {
    match ty {
        SqlType::Bit(_) => Some(
            "BIT exists on PostgreSQL, MySQL and MariaDB only: store the bits in an \
             integer (BigInt) or as Binary",
        ),
        _ => None,
    }
}

/// The [`SqlType`] variants only one database has, as one pattern: every
/// backend's [`Backend::type_sql`] hands them to [`type_sql_of_one_database`],
/// so a new one is added here once.
macro_rules! one_database_types {
    () => {
        $crate::schema::SqlType::Interval
            | $crate::schema::SqlType::Inet
            | $crate::schema::SqlType::Cidr
            | $crate::schema::SqlType::MacAddr
            | $crate::schema::SqlType::TsVector
            | $crate::schema::SqlType::TsQuery
            | $crate::schema::SqlType::CiText
            | $crate::schema::SqlType::IntervalFields { .. }
            | $crate::schema::SqlType::Range(_)
            | $crate::schema::SqlType::MultiRange(_)
            | $crate::schema::SqlType::Geometry { .. }
            | $crate::schema::SqlType::Geography { .. }
            | $crate::schema::SqlType::Array(_)
            | $crate::schema::SqlType::UnsignedSmallInt
            | $crate::schema::SqlType::UnsignedInteger
            | $crate::schema::SqlType::UnsignedBigInt
            | $crate::schema::SqlType::Year
            | $crate::schema::SqlType::Set { .. }
            | $crate::schema::SqlType::TinyInt
            | $crate::schema::SqlType::UnsignedTinyInt
            | $crate::schema::SqlType::MediumInt
            | $crate::schema::SqlType::UnsignedMediumInt
            | $crate::schema::SqlType::TinyText
            | $crate::schema::SqlType::MediumText
            | $crate::schema::SqlType::LongText
            | $crate::schema::SqlType::TinyBlob
            | $crate::schema::SqlType::MediumBlob
            | $crate::schema::SqlType::LongBlob
            | $crate::schema::SqlType::Bit(_)
    };
}
pub(crate) use one_database_types;

/// How every backend spells the types only one database has: PostgreSQL's
/// interval, network, text-search and array types, MySQL's unsigned and
/// small integers, sized text and blob types, `YEAR` and `SET`, and the
/// bit strings of PostgreSQL and MySQL. The others refuse them in
/// [`Backend::lacks_type`] before any SQL is written, so these spellings
/// are the native ones where they run. Any other type is the backend's own
/// [`Backend::type_sql`].
pub(crate) fn type_sql_of_one_database(backend: &(impl Backend + ?Sized), ty: &SqlType) -> String {
    match ty {
        SqlType::Interval => "INTERVAL".into(),
        SqlType::Inet => "INET".into(),
        SqlType::Cidr => "CIDR".into(),
        SqlType::MacAddr => "MACADDR".into(),
        SqlType::TsVector => "TSVECTOR".into(),
        SqlType::TsQuery => "TSQUERY".into(),
        SqlType::CiText => "CITEXT".into(),
        ty @ (SqlType::IntervalFields { .. }
        | SqlType::Range(_)
        | SqlType::MultiRange(_)
        | SqlType::Geometry { .. }
        | SqlType::Geography { .. }) => ty.to_string(),
        SqlType::Array(inner) => format!("{}[]", backend.type_sql(inner)),
        SqlType::UnsignedSmallInt => "SMALLINT UNSIGNED".into(),
        SqlType::UnsignedInteger => "INT UNSIGNED".into(),
        SqlType::UnsignedBigInt => "BIGINT UNSIGNED".into(),
        SqlType::TinyInt => "TINYINT".into(),
        SqlType::UnsignedTinyInt => "TINYINT UNSIGNED".into(),
        SqlType::MediumInt => "MEDIUMINT".into(),
        SqlType::UnsignedMediumInt => "MEDIUMINT UNSIGNED".into(),
        SqlType::TinyText => "TINYTEXT".into(),
        SqlType::MediumText => "MEDIUMTEXT".into(),
        SqlType::LongText => "LONGTEXT".into(),
        SqlType::TinyBlob => "TINYBLOB".into(),
        SqlType::MediumBlob => "MEDIUMBLOB".into(),
        SqlType::LongBlob => "LONGBLOB".into(),
        SqlType::Bit(length) => format!("BIT({length})"),
        SqlType::Year => "YEAR".into(),
        SqlType::Set { values } => {
            let quoted: Vec<String> = values
                .iter()
                .map(|value| backend.string_literal(value))
                .collect();
            format!("SET({})", quoted.join(", "))
        }
        other => backend.type_sql(other),
    }
}

/// One database's dialect. Shared SQL lives in default methods; required
/// methods are the places where dialects really differ.
pub trait Backend: fmt::Debug + Send + Sync + 'static {
    /// Which database this is.
    fn kind(&self) -> BackendKind;

    /// Quotes an identifier so any name, reserved words and quote characters
    /// included, reaches the database unchanged.
    fn quote_identifier(&self, identifier: &str) -> String;

    /// The longest identifier the database keeps, as
    /// [`Backend::identifier_length`] counts; longer names are truncated
    /// (PostgreSQL) or refused (MySQL).
    fn max_identifier_length(&self) -> usize;

    /// An identifier's length as the database's limit counts it: bytes
    /// (PostgreSQL), or characters (MySQL).
    fn identifier_length(&self, identifier: &str) -> usize {
        identifier.len()
    }

    /// Whether foreign keys must spell out `ON DELETE NO ACTION ON UPDATE NO
    /// ACTION` to read back as written: MariaDB reports an omitted action as
    /// `RESTRICT`.
    fn spells_out_default_referential_actions(&self) -> bool {
        false
    }

    /// Whether retort keeps a table's default collation on this database
    /// (MySQL and MariaDB). Elsewhere rendering refuses a model that names
    /// one rather than write what it cannot read back.
    fn keeps_table_collations(&self) -> bool {
        false
    }

    /// Whether retort keeps a column's own collation on this database
    /// (MySQL and MariaDB, PostgreSQL, SQLite). Elsewhere rendering refuses
    /// a model that names one.
    fn keeps_column_collations(&self) -> bool {
        false
    }

    /// Whether the database computes generated columns when they are read
    /// (`VIRTUAL`): MySQL and MariaDB, SQLite. Elsewhere rendering refuses
    /// a model that asks for one.
    fn has_virtual_generated_columns(&self) -> bool {
        true
    }

    /// Whether the database has MySQL's `ON UPDATE` clause on a column.
    fn has_on_update(&self) -> bool {
        false
    }

    /// How this database spells a column type in DDL. Introspection reads
    /// each spelling back as the type it came from.
    fn type_sql(&self, ty: &SqlType) -> String;

    /// Why this database cannot store a column of type `ty`, and what to
    /// use instead; `None` when it can. Rendering refuses such a column
    /// ([`RenderError::UnsupportedType`](crate::render::RenderError::UnsupportedType))
    /// instead of writing SQL the database would reject or read back as
    /// another type; [`Backend::type_sql`] of such a type is never run.
    fn lacks_type(&self, ty: &SqlType) -> Option<&'static str> {
        let _ = ty;
        None
    }

    /// Reads a column type as this database's catalog reports it back into
    /// the portable type: the inverse of [`Backend::type_sql`], so a column
    /// created with `type_sql(t)` reads back as `t` (each backend documents
    /// its few deliberate exceptions). Spellings retort does not model come
    /// back as [`SqlType::Custom`], as reported.
    fn parse_type(&self, reported: &str) -> SqlType;

    /// Normalizes a column default as this database's catalog reports it
    /// into the form a model writes (`'draft'`, `0`, `true`,
    /// `CURRENT_TIMESTAMP`), given the column's parsed type; `None` when the
    /// default is `NULL`.
    fn normalize_default(&self, ty: &SqlType, reported: &str) -> Option<String>;
    /// `schema` in the form this database reports it once retort has
    /// created it: what [`introspect`](crate::introspect()) would read back.
    /// Autogenerate diffs the database against this form of the models, so
    /// unchanged models give an empty diff. Hints (`renamed_from`) are kept.
    ///
    /// Applied to a schema read from this database it changes nothing but
    /// what the database treats as the same (MySQL's unique indexes and
    /// unique constraints), so both sides of a diff can be put in this form.
    ///
    /// By default each column's type and default take the spelling the
    /// database reads back ([`Backend::parse_type`] of [`Backend::type_sql`],
    /// [`Backend::normalize_default`]); backends add what else they change.
    fn stored_form(&self, schema: &Schema) -> Schema {
        stored_form::columns_as_read_back(self, schema)
    }

    /// `CREATE TABLE IF NOT EXISTS` for the runner's version table,
    /// [`VERSION_TABLE`].
    fn version_table_sql(&self) -> String;

    /// The lines an offline script (`upgrade --sql`) starts with after its
    /// title: as comments, how to apply it with this database's client so
    /// that it stops at the first error and what a failure leaves behind;
    /// then the client directive that makes it stop, where the client has
    /// one. Ends with a newline.
    fn script_preamble(&self) -> &'static str;

    /// Whether DDL runs inside transactions and rolls back with them (not on
    /// MySQL, which commits each DDL statement at once).
    fn transactional_ddl(&self) -> bool {
        true
    }

    /// Quotes a possibly namespaced name: `"audit"."log"`.
    fn quote_qualified(&self, schema: Option<&str>, name: &str) -> String {
        match schema {
            Some(schema) => format!(
                "{}.{}",
                self.quote_identifier(schema),
                self.quote_identifier(name)
            ),
            None => self.quote_identifier(name),
        }
    }

    /// A string literal holding `value` exactly, for the places DDL cannot
    /// bind a value (comments, enum values): quotes doubled, and on MySQL
    /// backslashes escaped.
    fn string_literal(&self, value: &str) -> String {
        quote_with('\'', value)
    }
}

/// Wraps `identifier` in `quote`, doubling any `quote` inside it: the quoting
/// rule PostgreSQL, SQLite (`"`) and MySQL (`` ` ``) share.
pub(crate) fn quote_with(quote: char, identifier: &str) -> String {
    let mut quoted = String::with_capacity(identifier.len() + 2);
    quoted.push(quote);
    for ch in identifier.chars() {
        if ch == quote {
            quoted.push(quote);
        }
        quoted.push(ch);
    }
    quoted.push(quote);
    quoted
}

/// `NAME(p, s)`, `NAME(p)` or `NAME`, as far as precision and scale are given.
pub(crate) fn with_precision(name: &str, precision: Option<u32>, scale: Option<u32>) -> String {
    match (precision, scale) {
        (Some(precision), Some(scale)) => format!("{name}({precision}, {scale})"),
        (Some(precision), None) => format!("{name}({precision})"),
        _ => name.to_owned(),
    }
}

/// The databases retort supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BackendKind {
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    Mysql,
    /// SQLite.
    Sqlite,
}

impl BackendKind {
    /// Every supported database.
    pub const ALL: [BackendKind; 3] = [
        BackendKind::Postgres,
        BackendKind::Mysql,
        BackendKind::Sqlite,
    ];

    /// The backend that speaks this database's dialect.
    pub fn backend(self) -> &'static dyn Backend {
        match self {
            BackendKind::Postgres => &PostgresBackend,
            BackendKind::Mysql => &MysqlBackend,
            BackendKind::Sqlite => &SqliteBackend,
        }
    }

    /// The database a connection URL points at, by its scheme:
    /// `postgres://` or `postgresql://`, `mysql://` or `mariadb://`, and
    /// `sqlite://`, `file:` or a plain path for SQLite.
    pub fn from_url(url: &str) -> BackendKind {
        let scheme = url
            .split_once(':')
            .map(|(scheme, _)| scheme.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("postgres" | "postgresql") => BackendKind::Postgres,
            Some("mysql" | "mariadb") => BackendKind::Mysql,
            _ => BackendKind::Sqlite,
        }
    }

    /// The database's name in revision files (`-- retort:up postgresql`)
    /// and on the command line: `postgresql`, `mysql`, `sqlite`.
    pub fn label(self) -> &'static str {
        match self {
            BackendKind::Postgres => "postgresql",
            BackendKind::Mysql => "mysql",
            BackendKind::Sqlite => "sqlite",
        }
    }

    /// The database a [`BackendKind::label`] names, also accepting
    /// `postgres` and `mariadb`, in any letter case.
    pub fn from_label(label: &str) -> Option<BackendKind> {
        match label.to_ascii_lowercase().as_str() {
            "postgresql" | "postgres" => Some(BackendKind::Postgres),
            "mysql" | "mariadb" => Some(BackendKind::Mysql),
            "sqlite" => Some(BackendKind::Sqlite),
            _ => None,
        }
    }

    /// The database's name for people: `PostgreSQL`, `MySQL`, `SQLite`.
    pub fn display_name(self) -> &'static str {
        match self {
            BackendKind::Postgres => "PostgreSQL",
            BackendKind::Mysql => "MySQL",
            BackendKind::Sqlite => "SQLite",
        }
    }
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_doubles_the_quote_character() {
        assert_eq!(PostgresBackend.quote_identifier("users"), r#""users""#);
        assert_eq!(PostgresBackend.quote_identifier(r#"a"b"#), r#""a""b""#);
        assert_eq!(SqliteBackend.quote_identifier("select"), r#""select""#);
        assert_eq!(MysqlBackend.quote_identifier("a`b"), "`a``b`");
        assert_eq!(MysqlBackend.quote_identifier(r#"a"b"#), r#"`a"b`"#);
    }

    #[test]
    fn qualified_names_quote_each_part() {
        assert_eq!(
            PostgresBackend.quote_qualified(Some("audit"), "log"),
            r#""audit"."log""#
        );
        assert_eq!(MysqlBackend.quote_qualified(None, "log"), "`log`");
    }

    #[test]
    fn the_url_scheme_picks_the_backend() {
        assert_eq!(
            BackendKind::from_url("postgres://u@h/db"),
            BackendKind::Postgres
        );
        assert_eq!(
            BackendKind::from_url("PostgreSQL://u@h/db"),
            BackendKind::Postgres
        );
        assert_eq!(
            BackendKind::from_url("mysql://root@h/db"),
            BackendKind::Mysql
        );
        assert_eq!(
            BackendKind::from_url("mariadb://root@h/db"),
            BackendKind::Mysql
        );
        assert_eq!(
            BackendKind::from_url("sqlite://app.db"),
            BackendKind::Sqlite
        );
        assert_eq!(BackendKind::from_url("app.db"), BackendKind::Sqlite);
        assert_eq!(BackendKind::from_url(":memory:"), BackendKind::Sqlite);
    }

    /// One of every type, for tests that walk them all.
    pub(crate) fn every_type() -> Vec<SqlType> {
        vec![
            SqlType::SmallInt,
            SqlType::Integer,
            SqlType::BigInt,
            SqlType::Real,
            SqlType::Double,
            SqlType::Numeric {
                precision: Some(10),
                scale: Some(2),
            },
            SqlType::Numeric {
                precision: Some(10),
                scale: None,
            },
            SqlType::Numeric {
                precision: None,
                scale: None,
            },
            SqlType::Boolean,
            SqlType::Text,
            SqlType::Varchar(255),
            SqlType::VarcharUnbounded,
            SqlType::Char(3),
            SqlType::Binary,
            SqlType::Date,
            SqlType::Time,
            SqlType::Timestamp,
            SqlType::TimestampTz,
            SqlType::Uuid,
            SqlType::Json,
            SqlType::Enum {
                name: "mood".into(),
                values: vec!["happy".into(), "it's ok".into()],
            },
            SqlType::Interval,
            SqlType::Inet,
            SqlType::Cidr,
            SqlType::MacAddr,
            SqlType::TsVector,
            SqlType::Array(Box::new(SqlType::Integer)),
            SqlType::Array(Box::new(SqlType::Varchar(20))),
            SqlType::UnsignedSmallInt,
            SqlType::UnsignedInteger,
            SqlType::UnsignedBigInt,
            SqlType::Year,
            SqlType::Set {
                values: vec!["a".into(), "it's".into()],
            },
            SqlType::TinyInt,
            SqlType::UnsignedTinyInt,
            SqlType::MediumInt,
            SqlType::UnsignedMediumInt,
            SqlType::TinyText,
            SqlType::MediumText,
            SqlType::LongText,
            SqlType::TinyBlob,
            SqlType::MediumBlob,
            SqlType::LongBlob,
            SqlType::Bit(5),
            SqlType::TimeWithPrecision(0),
            SqlType::TimeWithPrecision(3),
            SqlType::TimestampWithPrecision(0),
            SqlType::TimestampWithPrecision(3),
            SqlType::TimestampTzWithPrecision(0),
            SqlType::TimestampTzWithPrecision(3),
            SqlType::Custom("tsquery(x)".into()),
            SqlType::TsQuery,
            SqlType::CiText,
            SqlType::IntervalFields {
                fields: Some("day to second".into()),
                precision: Some(3),
            },
            SqlType::IntervalFields {
                fields: None,
                precision: Some(0),
            },
            SqlType::IntervalFields {
                fields: Some("year".into()),
                precision: None,
            },
            SqlType::Range(crate::schema::RangeType::TimestampTz),
            SqlType::MultiRange(crate::schema::RangeType::Integer),
            SqlType::Geometry {
                shape: Some("Point".into()),
                srid: Some(4326),
            },
            SqlType::Geometry {
                shape: None,
                srid: None,
            },
            SqlType::Geography {
                shape: Some("Point".into()),
                srid: Some(4326),
            },
        ]
    }

    /// One of every type `backend` can store.
    pub(crate) fn every_type_on(backend: &dyn Backend) -> Vec<SqlType> {
        every_type()
            .into_iter()
            .filter(|ty| backend.lacks_type(ty).is_none())
            .collect()
    }

    #[test]
    fn every_type_has_a_distinct_spelling_on_every_backend() {
        for kind in BackendKind::ALL {
            let backend = kind.backend();
            let spellings: Vec<String> = every_type_on(backend)
                .iter()
                .map(|ty| backend.type_sql(ty))
                .collect();
            for (at, spelling) in spellings.iter().enumerate() {
                assert!(!spelling.is_empty());
                if kind != BackendKind::Sqlite {
                    assert!(
                        !spellings[..at].contains(spelling),
                        "{kind}: {spelling} spells two types"
                    );
                }
            }
        }
    }

    #[test]
    fn every_kind_has_its_backend() {
        for kind in BackendKind::ALL {
            assert_eq!(kind.backend().kind(), kind);
        }
    }
}
