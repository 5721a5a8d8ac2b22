//! Raw rows of PostgreSQL's catalog, as the introspection queries return
//! them: one struct per query, no interpretation.

use diesel::sql_types::{Array, BigInt, Bool, Nullable, SmallInt, Text};
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

/// One column (`pg_attribute` with its default and comment).
/// <https://www.postgresql.org/docs/current/catalog-pg-attribute.html>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct ColumnRow {
    /// The table's `pg_class.oid`.
    #[diesel(sql_type = BigInt)]
    pub(crate) table_oid: i64,
    /// `attnum`, which constraints and indexes refer to the column by.
    #[diesel(sql_type = SmallInt)]
    pub(crate) position: i16,
    #[diesel(sql_type = Text)]
    pub(crate) column_name: String,
    /// `format_type(atttypid, atttypmod)`.
    #[diesel(sql_type = Text)]
    pub(crate) type_name: String,
    /// `atttypid`, to find an enum's values or a domain's name among the
    /// [`UserTypeRow`]s.
    #[diesel(sql_type = BigInt)]
    pub(crate) type_oid: i64,
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

/// One enum value, in sort order, or one domain (`pg_type` with `typtype`
/// `e` or `d`, joined to `pg_enum`).
/// <https://www.postgresql.org/docs/current/catalog-pg-type.html>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct UserTypeRow {
    #[diesel(sql_type = BigInt)]
    pub(crate) type_oid: i64,
    /// `typtype`: `e` for enums, `d` for domains.
    #[diesel(sql_type = Text)]
    pub(crate) kind: String,
    /// `typname`, unqualified.
    #[diesel(sql_type = Text)]
    pub(crate) name: String,
    /// The enum value (`None` for a domain).
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) label: Option<String>,
}

/// One constraint (`pg_constraint`). Columns come as positions
/// (`attnum`s), which the last stage names from the [`ColumnRow`]s.
/// <https://www.postgresql.org/docs/current/catalog-pg-constraint.html>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct ConstraintRow {
    /// The table's `pg_class.oid`.
    #[diesel(sql_type = BigInt)]
    pub(crate) table_oid: i64,
    /// The constraint's own `oid`: constraints are listed in its order.
    #[diesel(sql_type = BigInt)]
    pub(crate) oid: i64,
    #[diesel(sql_type = Text)]
    pub(crate) constraint_name: String,
    /// `contype`: `p`, `u`, `f` or `c`.
    #[diesel(sql_type = Text)]
    pub(crate) kind: String,
    /// `conkey`, in key order (`None` for a check on no column).
    #[diesel(sql_type = Nullable<Array<SmallInt>>)]
    pub(crate) positions: Option<Vec<i16>>,
    /// `confrelid`: the referenced table (0 unless a foreign key).
    #[diesel(sql_type = BigInt)]
    pub(crate) referenced_oid: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) referenced_schema: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) referenced_table: Option<String>,
    /// `confkey`, in key order.
    #[diesel(sql_type = Nullable<Array<SmallInt>>)]
    pub(crate) referenced_positions: Option<Vec<i16>>,
    /// The referenced columns' names, only when the referenced table is not
    /// one of those read (its columns are not among the [`ColumnRow`]s).
    #[diesel(sql_type = Nullable<Array<Text>>)]
    pub(crate) referenced_columns: Option<Vec<String>>,
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

/// One index that backs no constraint (`pg_index`). Key columns come as
/// positions, which the last stage names from the [`ColumnRow`]s.
/// <https://www.postgresql.org/docs/current/catalog-pg-index.html>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct IndexRow {
    /// The table's `pg_class.oid`.
    #[diesel(sql_type = BigInt)]
    pub(crate) table_oid: i64,
    /// `indexrelid`: indexes are listed in its order.
    #[diesel(sql_type = BigInt)]
    pub(crate) oid: i64,
    #[diesel(sql_type = Text)]
    pub(crate) index_name: String,
    #[diesel(sql_type = Bool)]
    pub(crate) is_unique: bool,
    /// `indkey`'s key part (without `INCLUDE` columns): a column's
    /// `attnum`, or 0 for an expression part.
    #[diesel(sql_type = Array<SmallInt>)]
    pub(crate) positions: Vec<i16>,
    /// `pg_get_indexdef(indexrelid, part, true)` for every key part, read
    /// only when some part is an expression: its text is at the same place
    /// as its 0 in `positions`.
    #[diesel(sql_type = Nullable<Array<Text>>)]
    pub(crate) definitions: Option<Vec<String>>,
    /// `pg_get_expr(indpred, indrelid, true)`: a partial index's predicate.
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) predicate: Option<String>,
}
