//! Raw rows of PostgreSQL's catalog, as the introspection queries return
//! them: one struct per query, no interpretation.

#![cfg_attr(not(feature = "postgres"), allow(dead_code))]

use diesel::sql_types::{BigInt, Bool, Nullable, Text};
use diesel::QueryableByName;

/// The connection's default schema.
/// <https://www.postgresql.org/docs/current/functions-info.html>
#[derive(Debug, QueryableByName)]
pub(crate) struct DefaultSchemaRow {
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) name: Option<String>,
}

/// One table (`pg_class` with `relkind` `r` or `p`).
/// <https://www.postgresql.org/docs/current/catalog-pg-class.html>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct TableRow {
    /// `pg_class.oid`, which the other rows refer to the table by.
    #[diesel(sql_type = BigInt)]
    pub(crate) oid: i64,
    #[diesel(sql_type = Text)]
    pub(crate) schema_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) table_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) comment: Option<String>,
}

/// One column (`pg_attribute` with its type, default and comment).
/// <https://www.postgresql.org/docs/current/catalog-pg-attribute.html>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct ColumnRow {
    /// The table's `pg_class.oid`.
    #[diesel(sql_type = BigInt)]
    pub(crate) table_oid: i64,
    #[diesel(sql_type = Text)]
    pub(crate) column_name: String,
    /// `format_type(atttypid, atttypmod)`.
    #[diesel(sql_type = Text)]
    pub(crate) type_name: String,
    /// `pg_type.typtype`: `e` for enums, `d` for domains.
    #[diesel(sql_type = Text)]
    pub(crate) type_kind: String,
    /// `pg_type.oid`, to find an enum's values.
    #[diesel(sql_type = BigInt)]
    pub(crate) type_oid: i64,
    /// `pg_type.typname`, unqualified.
    #[diesel(sql_type = Text)]
    pub(crate) type_short_name: String,
    #[diesel(sql_type = Bool)]
    pub(crate) not_null: bool,
    /// `attidentity`: `a` (ALWAYS), `d` (BY DEFAULT) or empty.
    #[diesel(sql_type = Text)]
    pub(crate) identity: String,
    /// `attgenerated`: `s` for stored generated columns, or empty.
    #[diesel(sql_type = Text)]
    pub(crate) generated: String,
    /// `pg_get_expr(adbin, adrelid)`.
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) default_expr: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) comment: Option<String>,
}

/// One value of an enum type, in sort order.
/// <https://www.postgresql.org/docs/current/catalog-pg-enum.html>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct EnumValueRow {
    #[diesel(sql_type = BigInt)]
    pub(crate) type_oid: i64,
    #[diesel(sql_type = Text)]
    pub(crate) label: String,
}

/// One key column of a constraint (`pg_constraint` unnested by `conkey`); a
/// constraint without key columns (`CHECK (false)`) has one row with none.
/// <https://www.postgresql.org/docs/current/catalog-pg-constraint.html>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct ConstraintRow {
    /// The table's `pg_class.oid`.
    #[diesel(sql_type = BigInt)]
    pub(crate) table_oid: i64,
    #[diesel(sql_type = Text)]
    pub(crate) constraint_name: String,
    /// `contype`: `p`, `u`, `f` or `c`.
    #[diesel(sql_type = Text)]
    pub(crate) kind: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) column_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) referenced_schema: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) referenced_table: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) referenced_column: Option<String>,
    /// `confupdtype`: `a` no action, `r` restrict, `c` cascade, `n` set
    /// null, `d` set default.
    #[diesel(sql_type = Text)]
    pub(crate) on_update: String,
    /// `confdeltype`, as `on_update`.
    #[diesel(sql_type = Text)]
    pub(crate) on_delete: String,
    /// `pg_get_expr(conbin, conrelid)` for checks.
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) check_expression: Option<String>,
}

/// One key part of an index that backs no constraint (`pg_index`).
/// <https://www.postgresql.org/docs/current/catalog-pg-index.html>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct IndexRow {
    /// The table's `pg_class.oid`.
    #[diesel(sql_type = BigInt)]
    pub(crate) table_oid: i64,
    #[diesel(sql_type = Text)]
    pub(crate) index_name: String,
    #[diesel(sql_type = Bool)]
    pub(crate) is_unique: bool,
    /// The column, or `None` for an expression part.
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) column_name: Option<String>,
    /// `pg_get_indexdef(indexrelid, position, true)`: an expression part's
    /// text (`None` for a column).
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) definition: Option<String>,
    /// `pg_get_expr(indpred, indrelid, true)`: a partial index's predicate.
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) predicate: Option<String>,
}
