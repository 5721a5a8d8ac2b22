//! Derive macros for [retort](https://docs.rs/retort). Use them through the
//! facade: `use retort::Model;`.
//!
//! This crate holds no runtime types: the code it generates names
//! `retort`'s types by path (`::retort::...`, or the path given with
//! `crate = "..."`).

#![warn(missing_docs)]

#[cfg(test)]
mod fuzz_body;
mod internals;
mod model;
#[cfg(test)]
mod never_panics;
mod sql_enum;

use proc_macro::TokenStream;
use syn::DeriveInput;

/// Derives `retort::Model` for a struct with named fields: the struct is a
/// table, each field a column. The attribute is `#[model(...)]`, on the
/// struct and on its fields. Examples that run are on `retort::Model`.
///
/// # Column types
///
/// Each field's type chooses the column type through `retort::ColumnType`
/// (`i64` is `BIGINT`, `String` is `TEXT`, `Option<T>` is `T`, nullable, …;
/// its documentation has the table). `#[derive(SqlEnum)]` makes an enum
/// usable as a field type. A type that implements neither gets a compile
/// error saying to add `sql_type` or implement `ColumnType`.
///
/// # Keys on the struct
///
/// | key | example | meaning |
/// | --- | --- | --- |
/// | `table` | `table = "users"` | the table's name (default: the struct's name in snake_case) |
/// | `schema` | `schema = "billing"` | the table's namespace (default: the connection's) |
/// | `renamed_from` | `renamed_from = "members"` | the table's previous name: the diff renames it |
/// | `comment` | `comment = "People who sign in"` | the table's comment (default: the struct's doc comment) |
/// | `collation` | `collation = "utf8mb4_bin"` | the table's default collation (MySQL and MariaDB; it chooses the character set too), where it is not the database's |
/// | `crate` | `crate = "my_app::retort"` | the path to `retort` in generated code (default: `::retort`) |
/// | `primary_key` | `primary_key(columns("tenant_id", "id"))` | a composite primary key, named `pk_<table>`; add `deferrable` or `initially_deferred` for one checked at commit (PostgreSQL) |
/// | `index` | `index(columns("team_id", "email"), name = "ix_by_team", unique)` | an index on columns; `name` (default `ix_<table>_<columns>`) and `unique` are optional |
/// | | `index(columns("title"), method = "gin", ops = "gin_trgm_ops")` | `method`: the access method (`gin`, `gist`, `hash`, `brin`; MySQL `fulltext`, `spatial`); `ops`: the operator class of every key part |
/// | `unique` | `unique(columns("team_id", "email"), name = "uq_member")` | a unique constraint (default name `uq_<table>_<columns>`); `deferrable` or `initially_deferred` in the list makes it `DEFERRABLE` (PostgreSQL only) |
/// | `check` | `check(name = "positive_price", expr = "price > 0")` | a check constraint, named `ck_<table>_<name>` |
/// | `diesel_table` | `diesel_table`, `diesel_table = "order_lines"` | also emit the table's `diesel::table!` (below), in a module named after the table or as given |
/// | `partition_by` | `partition_by = "RANGE (created_at)"`, `"LIST (lower(region))"` | a partitioned table (PostgreSQL): `RANGE`, `LIST` or `HASH` on columns or expressions; partitions are tables declared with `Table::partition_of` |
/// | `without_rowid` | `without_rowid` | SQLite's `WITHOUT ROWID` (`Table::without_rowid`): the rows are stored by the primary key, which is then never generated (no `autoincrement`); ignored by PostgreSQL and MySQL |
/// | `strict` | `strict` | SQLite's `STRICT` (`Table::strict`): a value not of its column's type is refused; each type is declared as the `INTEGER`, `REAL`, `TEXT` or `BLOB` that stores it, and a type without one (`NUMERIC`, `UUID`) needs `sql_type = "TEXT"` (or `"ANY"`, ...); ignored by PostgreSQL and MySQL |
/// | `engine` | `engine = "MyISAM"` | MySQL's storage engine (`Table::engine`) instead of `InnoDB`; ignored by PostgreSQL and SQLite |
///
/// Columns listed on the struct are column names (after `column = "..."`).
///
/// # Keys on a field
///
/// | key | example | meaning |
/// | --- | --- | --- |
/// | `primary_key` | `primary_key` | the field is the primary key (mark several fields for a composite key, in field order) |
/// | `autoincrement` | `autoincrement = false` | whether the database generates a single primary key's value; on by default for a single integer key, off in a `without_rowid` table |
/// | `identity` | `identity(always, start = 1000, increment = 10)` | the key is generated, with PostgreSQL's identity options: `always` refuses a given value, `start` and `increment` number it (negative to count down); each part optional; MySQL and SQLite ignore the options |
/// | `column` | `column = "email_address"` | the column's name (default: the field's name) |
/// | `sql_type` | `sql_type = "varchar(20)"` | the column's type, written in SQL: a known type (`bigint`, `varchar(20)`, `numeric(10,2)`, `uuid`, `jsonb`, …) maps to its portable type, anything else is kept as written |
/// | `max_length` | `max_length = 255` | a `String` field becomes `VARCHAR(255)` |
/// | `precision`, `scale` | `precision = 10, scale = 2` | the column is `NUMERIC(10, 2)`; `scale` needs `precision` |
/// | `unique` | `unique` | a unique constraint `uq_<table>_<column>` |
/// | `index` | `index` | an index `ix_<table>_<column>` |
/// | `default` | `default = "now()"` | the default, as an SQL expression (so a text default is `default = "'draft'"`) |
/// | `backfill` | `backfill = "username \|\| '@example.com'"` | fills the rows a table has when autogenerate adds this `NOT NULL` column without a default to it: the column is added nullable, filled in batches from this SQL expression, then made `NOT NULL` |
/// | `generated` | `generated = "price * quantity"` | the database computes the column from this SQL expression over the row's other columns (`GENERATED ALWAYS AS (...)`); stored unless `virtual` is given; no `default`, `backfill`, `autoincrement` or `primary_key` with it |
/// | `stored`, `virtual` | `generated = "lower(email)", virtual` | with `generated`: the value is kept when the row is written (`STORED`, the default), or computed when it is read (`VIRTUAL`: MySQL, MariaDB and SQLite; PostgreSQL refuses it) |
/// | `references` | `references = "teams.id"` | a foreign key `fk_<table>_<column>_<referenced table>`; `"billing.teams.id"` names a schema |
/// | `on_delete` | `on_delete = "cascade"` | the foreign key's action: `"cascade"`, `"set null"`, `"set default"`, `"restrict"` or `"no action"` (default) |
/// | `on_update` | `on_update = "cascade"` | the same, on update |
/// | `deferrable`, `initially_deferred` | `references = "teams.id", initially_deferred` | the foreign key is `DEFERRABLE` (checked after each statement unless the transaction defers it), or `DEFERRABLE INITIALLY DEFERRED` (checked at commit); PostgreSQL and SQLite (where only `initially_deferred` defers it); MySQL and MariaDB refuse it |
/// | `renamed_from` | `renamed_from = "mail"` | the column's previous name: the diff renames it |
/// | `check` | `check = "price > 0"` | a check constraint `ck_<table>_<column>` |
/// | `comment` | `comment = "Shown on the profile"` | the column's comment (default: the field's doc comment) |
/// | `collation` | `collation = "utf8mb4_bin"` | the column's collation, where it is not its table's (MySQL and MariaDB) |
/// | `skip` | `skip` | the field is not a column (no other key may go with it) |
/// | `diesel_type` | `diesel_type = "diesel::sql_types::Citext"` | with `diesel_table`: the column's diesel SQL type, for a type retort does not know (`Nullable` is added for an `Option`) |
///
/// With `sql_type`, `max_length` or `precision`, the field's Rust type does
/// not need to implement `ColumnType`, and the column is nullable when that
/// type is written `Option<...>`.
///
/// # Querying: `diesel_table`
///
/// `#[model(diesel_table)]` also emits what `diesel print-schema` would
/// write for the table: a `diesel::table!` module named after the table
/// (beside the struct), its primary key, one column per field named after
/// the field (`#[sql_name]` when `column = "..."` differs), each with the
/// diesel SQL type of its column type (`retort::query` has the table), and
/// `diesel::joinable!` for each single-column foreign key to another table
/// (whose module must be in scope: a model beside this one). The struct can
/// then derive diesel's `Queryable`, `Selectable`, `Insertable` and
/// `AsChangeset` with `#[diesel(table_name = users)]`, and
/// `retort::diesel_tables!(users, teams)` lets tables be joined. Each field
/// must hold its column's values (`retort::query::HoldsSqlType`): an `i32`
/// field for a `BIGINT` column is a compile error at the field.
///
/// An application moving off a `schema.rs` from `diesel print-schema` checks
/// it against the generated tables first with
/// `retort::schema_rs_differences!(schema::users => models::users)`, which
/// lists each column, type, nullability or key that differs (README,
/// "Moving off `schema.rs`").
///
#[proc_macro_derive(Model, attributes(model))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    model::expand_derive_model(&input)
        .unwrap_or_else(to_compile_errors)
        .into()
}

/// Derives `retort::ColumnType` for an enum whose variants have no fields:
/// its column type is `SqlType::Enum` (a named type on PostgreSQL, an inline
/// `ENUM(...)` on MySQL, a checked text column on SQLite), and the enum can be
/// a model's field type.
///
/// | key | where | example | meaning |
/// | --- | --- | --- | --- |
/// | `name` | enum | `#[sql_enum(name = "user_status")]` | the type's name (default: the enum's name in snake_case) |
/// | `crate` | enum | `#[sql_enum(crate = "my_app::retort")]` | the path to `retort` in generated code |
/// | `rename` | variant | `#[sql_enum(rename = "on-hold")]` | the variant's value (default: its name in snake_case) |
///
/// The enum also loads from and stores to its diesel SQL type,
/// `retort::query::sql_types::Enum<Self>`, so it can be a field of a model
/// with `diesel_table`: rows load and store it, and `.eq(Status::Active)`
/// compares with it (also on a nullable column). An `Option` of it is not a
/// query value: compare with the value, or use `.is_null()`.
///
/// An example that runs is on `retort::SqlEnum`.
#[proc_macro_derive(SqlEnum, attributes(sql_enum))]
pub fn derive_sql_enum(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    sql_enum::expand_derive_sql_enum(&input)
        .unwrap_or_else(to_compile_errors)
        .into()
}

fn to_compile_errors(error: syn::Error) -> proc_macro2::TokenStream {
    error.to_compile_error()
}
mod embed;

/// Embeds a migrations directory in the binary:
///
/// ```ignore
/// static MIGRATIONS: retort::Migrations = retort::embed_migrations!("migrations");
/// ```
///
/// The path is relative to the crate's `Cargo.toml`. Each `*.sql` file is
/// embedded with `include_str!`, so editing one rebuilds the crate. A file
/// *added* to the directory is only seen when the crate is rebuilt: put
/// `retort::build::rerun_if_changed("migrations");` in `build.rs` so cargo
/// rebuilds when the directory changes.
#[proc_macro]
pub fn embed_migrations(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    embed::expand_embed_migrations(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
