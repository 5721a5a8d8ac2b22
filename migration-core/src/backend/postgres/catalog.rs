//! PostgreSQL's catalog: six bulk queries on `pg_catalog` (plus one for
//! the default schema), whatever the number of tables, and the raw rows
//! they return, one struct per query, no interpretation
//! (`introspect/postgres.rs` turns them into the model).
//!
//! The tables query chooses the tables: ordinary and partitioned tables
//! (`relkind` `r`, `p`), partitions included, in the chosen schemas,
//! named as the filter asks, never the bookkeeping tables nor the tables
//! an extension made (PostGIS's `spatial_ref_sys`: the extension creates
//! and drops it, and holds its rows, so a model never declares it). It reads a
//! partitioned table's key (`pg_get_partkeydef`) and a partition's parent
//! (`pg_inherits`) and bounds (`pg_get_expr(relpartbound)`); what a
//! partition inherits from its parent (indexes attached to the parent's,
//! constraints cloned or inherited from the parent's) is left out of the
//! index and constraint queries, so it is read once, on the parent. The column,
//! constraint and index queries then read by those tables' oids, bound as
//! one array, so the choice is made once. Constraints and indexes name
//! their columns by position (`attnum`), not by name: looking every name up
//! in `pg_attribute` was most of those queries' time at 1000 tables. Those
//! queries return rows in no order.

use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Array, BigInt, Bool, Nullable, SmallInt, Text};
use diesel::{sql_query, QueryableByName, RunQueryDsl};

use crate::backend::catalog::{
    Catalog, CatalogError, NamePattern, ReadCatalog, TableFilter, BOOKKEEPING_TABLES,
};

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
    /// `pg_get_partkeydef(oid)` of a partitioned table (`RANGE (a)`).
    /// <https://www.postgresql.org/docs/current/functions-info.html>
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) partition_key: Option<String>,
    /// A partition's parent's schema (`pg_inherits.inhparent`).
    /// <https://www.postgresql.org/docs/current/catalog-pg-inherits.html>
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) parent_schema: Option<String>,
    /// A partition's parent's name.
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) parent_table: Option<String>,
    /// `pg_get_expr(relpartbound, oid)` of a partition (`FOR VALUES IN
    /// (1)`, `DEFAULT`).
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) partition_bound: Option<String>,
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
    /// The column's collation (`pg_collation.collname`), only where it is
    /// not its type's default.
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) collation: Option<String>,
    /// The `START WITH` of the sequence the column owns (identity or
    /// serial), if it owns one.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub(crate) sequence_start: Option<i64>,
    /// The sequence's `INCREMENT BY`.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub(crate) sequence_increment: Option<i64>,
}

/// One enum value, in sort order, or one domain (`pg_type` with `typtype`
/// `e` or `d`, joined to `pg_enum`).
/// <https://www.postgresql.org/docs/current/catalog-pg-type.html>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct UserTypeRow {
    #[diesel(sql_type = BigInt)]
    pub(crate) type_oid: i64,
    /// `typarray`: the type of arrays of this type (0 when none).
    #[diesel(sql_type = BigInt)]
    pub(crate) array_oid: i64,
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

/// One sequence no column owns (`pg_sequence`).
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct SequenceRow {
    #[diesel(sql_type = Text)]
    pub(crate) schema_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) name: String,
    /// `seqstart`.
    #[diesel(sql_type = BigInt)]
    pub(crate) start: i64,
    /// `seqincrement`.
    #[diesel(sql_type = BigInt)]
    pub(crate) increment: i64,
    /// `seqmin`.
    #[diesel(sql_type = BigInt)]
    pub(crate) min_value: i64,
    /// `seqmax`.
    #[diesel(sql_type = BigInt)]
    pub(crate) max_value: i64,
    /// `seqcache`.
    #[diesel(sql_type = BigInt)]
    pub(crate) cache: i64,
    /// `seqcycle`.
    #[diesel(sql_type = Bool)]
    pub(crate) cycle: bool,
}

/// One extension (`pg_extension`).
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct ExtensionRow {
    #[diesel(sql_type = Text)]
    pub(crate) name: String,
    /// `extnamespace`'s name: where the extension's objects live.
    #[diesel(sql_type = Text)]
    pub(crate) schema_name: String,
}

/// One domain of the schemas read (`pg_type` with `typtype` `d`), with its
/// checks (`pg_constraint` with `contypid`) in the order they were made.
/// <https://www.postgresql.org/docs/current/catalog-pg-type.html>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct DomainRow {
    #[diesel(sql_type = Text)]
    pub(crate) schema_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) name: String,
    /// `format_type(typbasetype, typtypmod)`.
    #[diesel(sql_type = Text)]
    pub(crate) base_type: String,
    /// `typnotnull`.
    #[diesel(sql_type = Bool)]
    pub(crate) not_null: bool,
    /// `typdefault`, the default's SQL text.
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) default_expr: Option<String>,
    /// The checks' names (`conname`).
    #[diesel(sql_type = Array<Text>)]
    pub(crate) check_names: Vec<String>,
    /// The checks' `pg_get_expr(conbin, 0, true)`, in `check_names`' order.
    #[diesel(sql_type = Array<Text>)]
    pub(crate) check_expressions: Vec<String>,
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
    /// `condeferrable`.
    #[diesel(sql_type = Bool)]
    pub(crate) deferrable: bool,
    /// `condeferred`: a deferrable constraint is `INITIALLY DEFERRED`.
    #[diesel(sql_type = Bool)]
    pub(crate) initially_deferred: bool,
    /// `pg_get_expr(conbin, conrelid)` for checks.
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) check_expression: Option<String>,
    /// `pg_get_constraintdef`, for an exclusion constraint.
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) exclusion_definition: Option<String>,
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
    /// `pg_am.amname`: `btree`, `gin`, `gist`, ...
    #[diesel(sql_type = Text)]
    pub(crate) method: String,
    /// `indkey`'s `INCLUDE` part: columns' `attnum`s.
    #[diesel(sql_type = Array<SmallInt>)]
    pub(crate) include_positions: Vec<i16>,
    /// Per key part, `indoption`: bit 1 `DESC`, bit 2 `NULLS FIRST`.
    #[diesel(sql_type = Array<SmallInt>)]
    pub(crate) options: Vec<i16>,
    /// Per key part, the operator class's name, empty when it is the
    /// default for its type (`pg_opclass.opcdefault`).
    /// <https://www.postgresql.org/docs/current/catalog-pg-opclass.html>
    #[diesel(sql_type = Array<Text>)]
    pub(crate) operator_classes: Vec<String>,
    /// Per key part, the collation's name, empty when it is the column's
    /// own (for an expression: the database's default).
    #[diesel(sql_type = Array<Text>)]
    pub(crate) collations: Vec<String>,
    /// `indnullsnotdistinct` (PostgreSQL 15; false before).
    #[diesel(sql_type = Bool)]
    pub(crate) nulls_not_distinct: bool,
}

/// One function, procedure or aggregate (`pg_proc`) that no extension
/// owns.
/// <https://www.postgresql.org/docs/current/catalog-pg-proc.html>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct FunctionRow {
    #[diesel(sql_type = Text)]
    pub(crate) schema_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) name: String,
    /// `prokind = 'p'`.
    #[diesel(sql_type = Bool)]
    pub(crate) procedure: bool,
    /// `pg_get_functiondef`; for an aggregate, a `CREATE AGGREGATE` made
    /// from `pg_aggregate` (transition and final functions, state type,
    /// initial value).
    #[diesel(sql_type = Text)]
    pub(crate) definition: String,
}

/// One view or materialized view (`pg_class` with `relkind` `v`, `m`)
/// that no extension owns.
/// <https://www.postgresql.org/docs/current/functions-info.html>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct ViewRow {
    #[diesel(sql_type = Text)]
    pub(crate) schema_name: String,
    #[diesel(sql_type = Text)]
    pub(crate) name: String,
    #[diesel(sql_type = Bool)]
    pub(crate) materialized: bool,
    /// `pg_get_viewdef(oid, true)`.
    #[diesel(sql_type = Text)]
    pub(crate) definition: String,
}

/// One trigger a user made (`pg_trigger`, not internal, not cloned onto a
/// partition).
/// <https://www.postgresql.org/docs/current/catalog-pg-trigger.html>
#[derive(Clone, Debug, QueryableByName)]
pub(crate) struct TriggerRow {
    /// The table's `pg_class.oid`.
    #[diesel(sql_type = BigInt)]
    pub(crate) table_oid: i64,
    #[diesel(sql_type = Text)]
    pub(crate) name: String,
    /// `pg_get_triggerdef(oid, true)`.
    #[diesel(sql_type = Text)]
    pub(crate) definition: String,
}

// language=SQL
const DEFAULT_SCHEMA: &str = "SELECT current_schema()::text AS name";

/// The tables to read, but an extension's (`pg_depend` with `deptype` `e`).
/// Binds: `$1` schemas (`text[]`), `$2` the bookkeeping
/// tables (`text[]`), `$3` table names (`text[]`, empty for all), `$4` the
/// default schema, `$5`/`$6` the include patterns' schema (`NULL` for any)
/// and table parts as `LIKE` patterns (empty for all), `$7`/`$8` the
/// exclude patterns'. A pattern's schema part never matches the default
/// schema's tables (see `NamePattern`).
// language=SQL
const TABLES: &str = "\
    SELECT c.oid::int8 AS oid, n.nspname::text AS schema_name, c.relname::text AS table_name, \
           d.description AS comment, \
           CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partition_key, \
           pn.nspname::text AS parent_schema, pc.relname::text AS parent_table, \
           CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END \
             AS partition_bound \
    FROM pg_catalog.pg_class c \
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
    LEFT JOIN pg_catalog.pg_description d \
      ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0 \
    LEFT JOIN pg_catalog.pg_inherits i ON c.relispartition AND i.inhrelid = c.oid \
    LEFT JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent \
    LEFT JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace \
    WHERE c.relkind IN ('r', 'p') \
      AND n.nspname = ANY($1) AND c.relname <> ALL($2) \
      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x \
                      WHERE x.classid = 'pg_catalog.pg_class'::regclass AND x.objid = c.oid \
                        AND x.deptype = 'e') \
      AND (cardinality($3::text[]) = 0 OR c.relname = ANY($3)) \
      AND (cardinality($6::text[]) = 0 OR EXISTS ( \
        SELECT 1 FROM unnest($5::text[], $6::text[]) AS p(ns, t) \
        WHERE c.relname LIKE p.t AND (p.ns IS NULL OR (n.nspname <> $4 AND n.nspname LIKE p.ns)))) \
      AND NOT EXISTS ( \
        SELECT 1 FROM unnest($7::text[], $8::text[]) AS p(ns, t) \
        WHERE c.relname LIKE p.t AND (p.ns IS NULL OR (n.nspname <> $4 AND n.nspname LIKE p.ns))) \
    ORDER BY n.nspname, c.relname";

/// The columns of the tables read, in no order. Binds: `$1` their oids
/// (`int8[]`).
// language=SQL
const COLUMNS: &str = "\
    SELECT a.attrelid::int8 AS table_oid, a.attnum AS position, a.attname::text AS column_name, \
           pg_catalog.format_type(a.atttypid, a.atttypmod) AS type_name, \
           a.atttypid::int8 AS type_oid, a.attnotnull AS not_null, \
           a.attidentity::text AS identity, a.attgenerated::text AS generated, \
           pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS default_expr, \
           ds.description AS comment, \
           (SELECT co.collname::text FROM pg_catalog.pg_collation co \
            JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid \
            WHERE co.oid = a.attcollation AND a.attcollation <> ty.typcollation) AS collation, \
           seq.seqstart AS sequence_start, seq.seqincrement AS sequence_increment \
    FROM pg_catalog.pg_attribute a \
    LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
    LEFT JOIN pg_catalog.pg_description ds \
      ON ds.objoid = a.attrelid AND ds.classoid = 'pg_catalog.pg_class'::regclass \
     AND ds.objsubid = a.attnum \
    LEFT JOIN LATERAL ( \
      SELECT s.seqstart, s.seqincrement FROM pg_catalog.pg_depend dep \
      JOIN pg_catalog.pg_sequence s ON s.seqrelid = dep.objid \
      WHERE dep.classid = 'pg_catalog.pg_class'::regclass \
        AND dep.refclassid = 'pg_catalog.pg_class'::regclass \
        AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum \
        AND dep.deptype IN ('a', 'i') \
      LIMIT 1) seq ON true \
    WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped";

/// Every enum's values and every domain, whatever its schema: few rows, and
/// a column's type may live in a schema that is not read.
// language=SQL
const USER_TYPES: &str = "\
    SELECT t.oid::int8 AS type_oid, t.typarray::int8 AS array_oid, t.typtype::text AS kind, t.typname::text AS name, \
           e.enumlabel::text AS label \
    FROM pg_catalog.pg_type t \
    LEFT JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid \
    WHERE t.typtype IN ('e', 'd') \
    ORDER BY t.oid, e.enumsortorder";

/// The domains of the schemas read, in no order, but those an extension
/// made (`pg_depend` with `deptype` `e`). Binds: `$1` the schemas
/// (`text[]`).
// language=SQL
const DOMAINS: &str = "\
    SELECT n.nspname::text AS schema_name, t.typname::text AS name, \
           pg_catalog.format_type(t.typbasetype, t.typtypmod) AS base_type, \
           t.typnotnull AS not_null, t.typdefault AS default_expr, \
           ARRAY(SELECT c.conname::text FROM pg_catalog.pg_constraint c \
                 WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.oid) AS check_names, \
           ARRAY(SELECT pg_catalog.pg_get_expr(c.conbin, 0, true) FROM pg_catalog.pg_constraint c \
                 WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.oid) AS check_expressions \
    FROM pg_catalog.pg_type t \
    JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace \
    WHERE t.typtype = 'd' AND n.nspname = ANY($1) \
      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d \
                      WHERE d.classid = 'pg_catalog.pg_type'::regclass AND d.objid = t.oid \
                        AND d.deptype = 'e')";

/// The database's extensions but `plpgsql`, which every database has, with
/// the schema each one's objects live in.
/// <https://www.postgresql.org/docs/current/catalog-pg-extension.html>
// language=SQL
const EXTENSIONS: &str = "\
    SELECT e.extname::text AS name, n.nspname::text AS schema_name \
    FROM pg_catalog.pg_extension e \
    JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace \
    WHERE e.extname <> 'plpgsql' \
    ORDER BY e.extname";

/// The sequences of the schemas read that no column owns (a serial's or
/// an identity's: `pg_depend` with `deptype` `a` or `i`) and no extension
/// made (`e`). Binds: `$1` the schemas (`text[]`).
// language=SQL
const SEQUENCES: &str = "\
    SELECT n.nspname::text AS schema_name, c.relname::text AS name, \
           s.seqstart AS start, s.seqincrement AS increment, \
           s.seqmin AS min_value, s.seqmax AS max_value, s.seqcache AS cache, \
           s.seqcycle AS cycle \
    FROM pg_catalog.pg_sequence s \
    JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid \
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
    WHERE n.nspname = ANY($1) \
      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d \
                      WHERE d.classid = 'pg_catalog.pg_class'::regclass \
                        AND d.objid = s.seqrelid AND d.deptype IN ('a', 'i', 'e')) \
    ORDER BY n.nspname, c.relname";

/// The constraints of the tables read, in no order. Binds: `$1` their oids
/// (`int8[]`). A foreign key to a table that is not read brings its
/// columns' names, since the columns query does not read that table.
/// Constraints a partition has from its parent (cloned: `conparentid`;
/// inherited checks: `coninhcount`) are the parent's, read there.
// language=SQL
const CONSTRAINTS: &str = "\
    SELECT con.conrelid::int8 AS table_oid, con.oid::int8 AS oid, \
           con.conname::text AS constraint_name, \
           con.contype::text AS kind, con.conkey AS positions, \
           con.confrelid::int8 AS referenced_oid, \
           rn.nspname::text AS referenced_schema, rc.relname::text AS referenced_table, \
           con.confkey AS referenced_positions, \
           CASE WHEN con.contype = 'f' AND NOT con.confrelid = ANY($1::oid[]) THEN \
             ARRAY(SELECT ra.attname::text \
                   FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord) \
                   JOIN pg_catalog.pg_attribute ra \
                     ON ra.attrelid = con.confrelid AND ra.attnum = k.attnum \
                   ORDER BY k.ord) \
           END AS referenced_columns, \
           con.confupdtype::text AS on_update, con.confdeltype::text AS on_delete, \
           con.condeferrable AS deferrable, con.condeferred AS initially_deferred, \
           CASE WHEN con.contype = 'c' \
                THEN pg_catalog.pg_get_expr(con.conbin, con.conrelid, true) END \
             AS check_expression, \
           CASE WHEN con.contype = 'x' \
                THEN pg_catalog.pg_get_constraintdef(con.oid, true) END \
             AS exclusion_definition \
    FROM pg_catalog.pg_constraint con \
    JOIN pg_catalog.pg_class tc ON tc.oid = con.conrelid \
    LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid \
    LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace \
    WHERE con.conrelid = ANY($1::oid[]) \
      AND con.contype IN ('p', 'u', 'f', 'c', 'x') AND con.conparentid = 0 \
      AND NOT (tc.relispartition AND con.coninhcount > 0)";

/// The indexes of the tables read that back no constraint, in no order,
/// without a partition's indexes attached to its parent's (`relispartition`
/// on the index). Binds: `$1` their oids (`int8[]`). `indkey` is an `int2vector` (its key
/// part first, then `INCLUDE` columns); expression parts' text is read only
/// for indexes that have one. Operator classes and collations are named
/// only where they are not what a bare column gets, so a plain index costs
/// nothing more to compare. `indnullsnotdistinct` is read through
/// `to_jsonb` so that servers before 15, which lack it, read false.
// language=SQL
const INDEXES: &str = "\
    SELECT i.indrelid::int8 AS table_oid, i.indexrelid::int8 AS oid, \
           ic.relname::text AS index_name, \
           i.indisunique AS is_unique, k.positions, \
           CASE WHEN 0 = ANY(k.positions) THEN \
             ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid, part, true) \
                   FROM generate_series(1, i.indnkeyatts::int4) AS part ORDER BY part) \
           END AS definitions, \
           pg_catalog.pg_get_expr(i.indpred, i.indrelid, true) AS predicate, \
           am.amname::text AS method, \
           COALESCE((i.indkey::int2[])[i.indnkeyatts:i.indnatts - 1], '{}') AS include_positions, \
           (i.indoption::int2[])[0:i.indnkeyatts - 1] AS options, \
           ARRAY(SELECT CASE WHEN oc.opcdefault THEN '' ELSE oc.opcname::text END \
                 FROM generate_series(0, i.indnkeyatts - 1) AS p \
                 JOIN pg_catalog.pg_opclass oc ON oc.oid = i.indclass[p] \
                 ORDER BY p) AS operator_classes, \
           ARRAY(SELECT CASE WHEN i.indcollation[p] IN (0, COALESCE(a.attcollation, 100)) \
                             THEN '' ELSE COALESCE(co.collname::text, '') END \
                 FROM generate_series(0, i.indnkeyatts - 1) AS p \
                 LEFT JOIN pg_catalog.pg_attribute a \
                   ON a.attrelid = i.indrelid AND a.attnum = i.indkey[p] AND i.indkey[p] <> 0 \
                 LEFT JOIN pg_catalog.pg_collation co ON co.oid = i.indcollation[p] \
                 ORDER BY p) AS collations, \
           COALESCE((to_jsonb(i) ->> 'indnullsnotdistinct')::bool, false) AS nulls_not_distinct \
    FROM pg_catalog.pg_index i \
    JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid \
    JOIN pg_catalog.pg_am am ON am.oid = ic.relam \
    CROSS JOIN LATERAL (SELECT (i.indkey::int2[])[0:i.indnkeyatts - 1] AS positions) AS k \
    WHERE i.indrelid = ANY($1::oid[]) AND NOT ic.relispartition \
      AND NOT EXISTS ( \
        SELECT 1 FROM pg_catalog.pg_constraint con \
        WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid \
          AND con.contype IN ('p', 'u', 'x'))";

/// The functions, procedures and simple aggregates of the schemas read,
/// but those an extension owns. Binds: `$1` schemas (`text[]`), `$2`
/// whether to read them (false when a table filter is given).
// language=SQL
const FUNCTIONS: &str = "\
    SELECT n.nspname::text AS schema_name, p.proname::text AS name, \
           p.prokind = 'p' AS procedure, \
           CASE WHEN p.prokind = 'a' THEN \
             format('CREATE AGGREGATE %s.%s(%s) (SFUNC = %s, STYPE = %s%s%s)', \
                    quote_ident(n.nspname), quote_ident(p.proname), \
                    pg_catalog.pg_get_function_identity_arguments(p.oid), \
                    a.aggtransfn::regproc, pg_catalog.format_type(a.aggtranstype, NULL), \
                    CASE WHEN a.aggfinalfn <> 0 THEN ', FINALFUNC = ' || a.aggfinalfn::regproc END, \
                    CASE WHEN a.agginitval IS NOT NULL \
                         THEN ', INITCOND = ' || quote_literal(a.agginitval) END) \
           ELSE pg_catalog.pg_get_functiondef(p.oid) END AS definition \
    FROM pg_catalog.pg_proc p \
    JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace \
    LEFT JOIN pg_catalog.pg_aggregate a ON a.aggfnoid = p.oid AND a.aggkind = 'n' \
    WHERE $2 AND n.nspname = ANY($1) \
      AND (p.prokind IN ('f', 'p') OR a.aggfnoid IS NOT NULL) \
      AND NOT EXISTS ( \
        SELECT 1 FROM pg_catalog.pg_depend d \
        WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e') \
    ORDER BY n.nspname, p.proname, p.oid";

/// The views and materialized views of the schemas read, but those an
/// extension owns. Binds: `$1` schemas (`text[]`), `$2` names (`text[]`,
/// empty for all).
// language=SQL
const VIEWS: &str = "\
    SELECT n.nspname::text AS schema_name, c.relname::text AS name, \
           c.relkind = 'm' AS materialized, \
           pg_catalog.pg_get_viewdef(c.oid, true) AS definition \
    FROM pg_catalog.pg_class c \
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
    WHERE c.relkind IN ('v', 'm') AND n.nspname = ANY($1) \
      AND (cardinality($2::text[]) = 0 OR c.relname = ANY($2)) \
      AND NOT EXISTS ( \
        SELECT 1 FROM pg_catalog.pg_depend d \
        WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') \
    ORDER BY n.nspname, c.relname";

/// The triggers of the tables read that a user made: not internal (those
/// of foreign keys), not a partition's clone of its parent's
/// (`tgparentid`, read through `to_jsonb` since servers before 13 lack
/// it). Binds: `$1` the tables' oids (`int8[]`).
// language=SQL
const TRIGGERS: &str = "\
    SELECT t.tgrelid::int8 AS table_oid, t.tgname::text AS name, \
           pg_catalog.pg_get_triggerdef(t.oid, true) AS definition \
    FROM pg_catalog.pg_trigger t \
    WHERE t.tgrelid = ANY($1::oid[]) AND NOT t.tgisinternal \
      AND COALESCE((to_jsonb(t) ->> 'tgparentid')::oid, 0) = 0 \
    ORDER BY t.tgrelid, t.tgname";

/// Everything the queries returned, ready for introspection's last stage.
#[derive(Debug, Default)]
pub struct CatalogRows {
    pub(crate) default_schema: String,
    pub(crate) tables: Vec<TableRow>,
    pub(crate) columns: Vec<ColumnRow>,
    pub(crate) user_types: Vec<UserTypeRow>,
    /// Empty when only some tables are read: domains belong to no table.
    pub(crate) domains: Vec<DomainRow>,
    /// Empty when only some tables are read, as domains.
    pub(crate) extensions: Vec<ExtensionRow>,
    /// Empty when only some tables are read, as domains.
    pub(crate) sequences: Vec<SequenceRow>,
    pub(crate) constraints: Vec<ConstraintRow>,
    pub(crate) indexes: Vec<IndexRow>,
    pub(crate) functions: Vec<FunctionRow>,
    pub(crate) views: Vec<ViewRow>,
    pub(crate) triggers: Vec<TriggerRow>,
}

/// Runs the catalog queries for the tables of `namespaces` (the default
/// schema when empty) that `tables` chooses.
pub(crate) fn read_catalog(
    conn: &mut impl diesel::connection::LoadConnection<Backend = diesel::pg::Pg>,
    namespaces: &[String],
    tables: &TableFilter,
) -> Result<CatalogRows, CatalogError> {
    let failed = CatalogError::query;
    let default_schema = sql_query(DEFAULT_SCHEMA)
        .get_result::<DefaultSchemaRow>(conn)
        .map_err(failed("the default schema"))?
        .name;
    let default_schema = match (default_schema, namespaces.is_empty()) {
        (Some(name), _) => name,
        (None, true) => return Err(CatalogError::NoDefaultNamespace),
        (None, false) => String::new(),
    };
    let namespaces = if namespaces.is_empty() {
        vec![default_schema.clone()]
    } else {
        namespaces.to_vec()
    };
    let namespace_parts = |patterns: &[NamePattern]| -> Vec<Option<String>> {
        patterns.iter().map(NamePattern::namespace_like).collect()
    };
    let table_parts = |patterns: &[NamePattern]| -> Vec<String> {
        patterns.iter().map(NamePattern::table_like).collect()
    };
    let (domains, extensions, sequences) = if tables.reads_every_table() {
        let domains = sql_query(DOMAINS)
            .bind::<Array<Text>, _>(namespaces.clone())
            .load(conn)
            .map_err(failed("domains"))?;
        let extensions = sql_query(EXTENSIONS)
            .load(conn)
            .map_err(failed("extensions"))?;
        let sequences = sql_query(SEQUENCES)
            .bind::<Array<Text>, _>(namespaces.clone())
            .load(conn)
            .map_err(failed("sequences"))?;
        (domains, extensions, sequences)
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let table_rows: Vec<TableRow> = sql_query(TABLES)
        .bind::<Array<Text>, _>(namespaces.clone())
        .bind::<Array<Text>, _>(BOOKKEEPING_TABLES.to_vec())
        .bind::<Array<Text>, _>(tables.tables.clone())
        .bind::<Text, _>(default_schema.clone())
        .bind::<Array<Nullable<Text>>, _>(namespace_parts(&tables.include))
        .bind::<Array<Text>, _>(table_parts(&tables.include))
        .bind::<Array<Nullable<Text>>, _>(namespace_parts(&tables.exclude))
        .bind::<Array<Text>, _>(table_parts(&tables.exclude))
        .load(conn)
        .map_err(failed("tables"))?;
    Ok(CatalogRows {
        columns: of_tables(COLUMNS, &table_rows)
            .load(conn)
            .map_err(failed("columns"))?,
        user_types: sql_query(USER_TYPES)
            .load(conn)
            .map_err(failed("enum and domain types"))?,
        domains,
        extensions,
        sequences,
        constraints: of_tables(CONSTRAINTS, &table_rows)
            .load(conn)
            .map_err(failed("constraints"))?,
        indexes: of_tables(INDEXES, &table_rows)
            .load(conn)
            .map_err(failed("indexes"))?,
        triggers: of_tables(TRIGGERS, &table_rows)
            .load(conn)
            .map_err(failed("triggers"))?,
        functions: sql_query(FUNCTIONS)
            .bind::<Array<Text>, _>(namespaces.clone())
            .bind::<Bool, _>(tables.reads_every_table())
            .load(conn)
            .map_err(failed("functions"))?,
        views: sql_query(VIEWS)
            .bind::<Array<Text>, _>(namespaces.clone())
            .bind::<Array<Text>, _>(tables.tables.clone())
            .load(conn)
            .map_err(failed("views"))?,
        tables: table_rows,
        default_schema,
    })
}

/// A query on the tables read, by their oids.
fn of_tables(sql: &'static str, tables: &[TableRow]) -> BoxedSqlQuery<'static, Pg, SqlQuery> {
    let oids: Vec<i64> = tables.iter().map(|table| table.oid).collect();
    sql_query(sql).into_boxed().bind::<Array<BigInt>, _>(oids)
}

crate::backend::connection::for_postgres_connections! { impl ReadCatalog => {
    fn read_catalog(
        &mut self,
        namespaces: &[String],
        tables: &TableFilter,
    ) -> Result<Catalog, CatalogError> {
        read_catalog(self, namespaces, tables).map(Catalog::Postgres)
    }
} }
