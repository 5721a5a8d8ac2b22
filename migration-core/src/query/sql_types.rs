//! The diesel SQL types of the retort types diesel spells differently on
//! each database. Each is an alias of diesel's own type for the database
//! retort is built for; with several databases enabled, PostgreSQL's type
//! wins, then SQLite's, then MySQL's.
//!
//! diesel gives its Rust types (`chrono::DateTime<Utc>`, `uuid::Uuid`,
//! `serde_json::Value`) to one SQL type per database, and no crate but
//! diesel can add more, so a column of these types is queried on the
//! database whose type is chosen here:
//!
//! | alias | PostgreSQL | SQLite | MySQL |
//! | --- | --- | --- | --- |
//! | [`TimestampTz`] | `Timestamptz` | `TimestamptzSqlite` | `Timestamp` |
//! | [`Uuid`] | `Uuid` | `Text` | `Text` |
//! | [`Json`] | `Jsonb` | `Json` | `Json` |
//!
//! On MySQL a `TIMESTAMP` column loads as `chrono::NaiveDateTime`, in the
//! session's time zone; on MySQL and SQLite a UUID column loads as `String`.

/// The SQL type of a `TimestampTz` column.
#[cfg(feature = "postgres")]
pub type TimestampTz = diesel::sql_types::Timestamptz;
/// The SQL type of a `TimestampTz` column.
#[cfg(all(not(feature = "postgres"), feature = "sqlite"))]
pub type TimestampTz = diesel::sql_types::TimestamptzSqlite;
/// The SQL type of a `TimestampTz` column.
#[cfg(not(any(feature = "postgres", feature = "sqlite")))]
pub type TimestampTz = diesel::sql_types::Timestamp;

/// The SQL type of a `Uuid` column.
#[cfg(feature = "postgres")]
pub type Uuid = diesel::sql_types::Uuid;
/// The SQL type of a `Uuid` column.
#[cfg(not(feature = "postgres"))]
pub type Uuid = diesel::sql_types::Text;

/// The SQL type of a `Json` column.
#[cfg(feature = "postgres")]
pub type Json = diesel::sql_types::Jsonb;
/// The SQL type of a `Json` column.
#[cfg(not(feature = "postgres"))]
pub type Json = diesel::sql_types::Json;

/// What `#[derive(SqlEnum)]` says about an enum for its SQL type [`Enum`].
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "retort does not know the diesel SQL type of `{Self}`",
    label = "`diesel_table` needs this field's diesel SQL type",
    note = "name it with `#[model(diesel_type = \"...\")]` on the field, or derive `SqlEnum` \
            if `{Self}` is a fieldless enum"
)]
pub trait SqlEnumType: Sized + 'static {
    /// The enumeration type's name (PostgreSQL looks its id up by name).
    const NAME: &'static str;

    /// The value's label in SQL.
    fn label(&self) -> &'static str;
}

/// An enum value as it is bound: its label, sent as text.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct EnumLabel(pub &'static str);

impl<E, DB> diesel::serialize::ToSql<Enum<E>, DB> for EnumLabel
where
    E: SqlEnumType,
    DB: diesel::backend::Backend + diesel::sql_types::HasSqlType<Enum<E>>,
    str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
{
    fn to_sql<'b>(
        &'b self,
        out: &mut diesel::serialize::Output<'b, '_, DB>,
    ) -> diesel::serialize::Result {
        diesel::serialize::ToSql::<diesel::sql_types::Text, DB>::to_sql(self.0, out)
    }
}

impl<E, DB> diesel::serialize::ToSql<diesel::sql_types::Nullable<Enum<E>>, DB> for EnumLabel
where
    E: SqlEnumType,
    DB: diesel::backend::Backend,
    EnumLabel: diesel::serialize::ToSql<Enum<E>, DB>,
{
    fn to_sql<'b>(
        &'b self,
        out: &mut diesel::serialize::Output<'b, '_, DB>,
    ) -> diesel::serialize::Result {
        diesel::serialize::ToSql::<Enum<E>, DB>::to_sql(self, out)
    }
}

/// The SQL type of a column of a `#[derive(SqlEnum)]` enum `E`: PostgreSQL's
/// enumeration type named after it, MySQL's `ENUM`, text on SQLite.
pub struct Enum<E>(std::marker::PhantomData<E>);

impl<E: SqlEnumType> diesel::sql_types::SqlType for Enum<E> {
    type IsNull = diesel::sql_types::is_nullable::NotNull;
}

impl<E: SqlEnumType> diesel::sql_types::SingleValue for Enum<E> {}

impl<E: SqlEnumType> diesel::query_builder::QueryId for Enum<E> {
    type QueryId = Self;
    const HAS_STATIC_QUERY_ID: bool = true;
}

#[cfg(feature = "postgres")]
impl<E: SqlEnumType> diesel::sql_types::HasSqlType<Enum<E>> for diesel::pg::Pg {
    fn metadata(lookup: &mut Self::MetadataLookup) -> diesel::pg::PgTypeMetadata {
        diesel::pg::PgMetadataLookup::lookup_type(lookup, E::NAME, None)
    }
}

#[cfg(feature = "mysql")]
impl<E: SqlEnumType> diesel::sql_types::HasSqlType<Enum<E>> for diesel::mysql::Mysql {
    fn metadata(_: &mut ()) -> diesel::mysql::MysqlType {
        diesel::mysql::MysqlType::Enum
    }
}

#[cfg(feature = "sqlite")]
impl<E: SqlEnumType> diesel::sql_types::HasSqlType<Enum<E>> for diesel::sqlite::Sqlite {
    fn metadata(_: &mut ()) -> diesel::sqlite::SqliteType {
        diesel::sqlite::SqliteType::Text
    }
}
