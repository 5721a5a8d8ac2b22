//! PostgreSQL's catalog rows (read in `backend/postgres/catalog.rs`) as the
//! model: pure functions, no I/O. Constraints and indexes name their
//! columns by position (`attnum`); this stage names them from the columns
//! already read, and sorts what the queries return in no order.
//! Normalization rules are in `backend/postgres/normalize.rs`. Decisions:
//!
//! - Identity: `GENERATED ... AS IDENTITY` columns and serial columns (a
//!   `nextval(...)` default) read as `identity: true` with no default.
//! - Enums read as `Enum { name, values }`: the type's unqualified name and
//!   its labels in sort order. A column typed by a domain reads as `Custom`
//!   with the domain's name; the domains of the schemas read are the
//!   schema's `domains` (see `introspect/domains.rs`).
//! - Constraint names read back as they are. Indexes that back a primary key,
//!   unique or exclusion constraint are not listed as indexes; a unique index
//!   created with `CREATE UNIQUE INDEX` is an index with `unique: true`.
//! - Foreign keys that PostgreSQL clones onto partitions (`conparentid <> 0`)
//!   are not read; the parent's constraint is.
//! - A check's expression is `pg_get_expr`'s pretty text without the outer
//!   parentheses (`price > 0::numeric`).
//! - A partitioned table has its key; a partition names its parent and its
//!   bounds and has no columns (they are its parent's): its columns are
//!   read, to name its own indexes' and constraints' columns, then dropped.

use std::collections::HashMap;

use crate::backend::postgres::catalog::{
    CatalogRows, ColumnRow, ConstraintRow, FunctionRow, IndexRow, TriggerRow, UserTypeRow, ViewRow,
};
use crate::backend::postgres::normalize::{
    is_serial_default, nextval_argument, normalize_default, parse_type,
};
use crate::backend::spelling::strip_outer_parens;
use crate::introspect::assemble::SchemaBuilder;
use crate::introspect::partitions::{parse_partition_bound, parse_partition_key};
use crate::introspect::{IntrospectError, Result};
use crate::schema::{
    CheckConstraint, Column, Deferral, ExclusionConstraint, Extension, ForeignKey, Generated,
    IdentityOptions, Index, IndexKeyOptions, IndexPart, PartitionOf, PrimaryKey, ReferentialAction,
    Schema, Sequence, SqlType, UniqueConstraint,
};

/// Where a table read went in the [`SchemaBuilder`], and its columns'
/// positions (`attnum`s) in the order of its columns.
#[derive(Debug)]
struct TableSlot {
    at: usize,
    positions: Vec<i16>,
}

/// The name of the column at `position` of the table in `slot`, if it was
/// read.
fn column_name(schema: &SchemaBuilder, slot: &TableSlot, position: i16) -> Option<String> {
    let at = slot.positions.iter().position(|&p| p == position)?;
    let column = schema.table_at(slot.at)?.columns.get(at)?;
    Some(column.name.clone())
}

/// The names of the columns at `positions` of the table in `slot`, in that
/// order; a position with no column read is left out.
fn column_names(schema: &SchemaBuilder, slot: &TableSlot, positions: &[i16]) -> Vec<String> {
    positions
        .iter()
        .filter_map(|&position| column_name(schema, slot, position))
        .collect()
}

/// An enum or a domain, the types a column reads differently.
#[derive(Debug)]
enum UserType {
    /// An enum, by its unqualified name and its values in sort order.
    Enum { name: String, values: Vec<String> },
    /// A domain: the column reads as `Custom` with the domain's name.
    Domain,
}

/// How columns' types read: enums and domains by their type oid (an
/// enum's array by its array type's oid), every other type as
/// [`parse_type`] reads `format_type`'s spelling, parsed once per spelling
/// (a thousand tables' columns share a handful).
#[derive(Debug)]
struct ColumnTypes {
    user: HashMap<i64, UserType>,
    /// Array type oid → element type oid, for the enums.
    enum_arrays: HashMap<i64, i64>,
    parsed: HashMap<String, SqlType>,
}

impl ColumnTypes {
    /// The enums and domains among `rows`, and no spelling parsed yet.
    fn new(rows: Vec<UserTypeRow>) -> Self {
        let mut user = HashMap::new();
        let mut enum_arrays = HashMap::new();
        for row in rows {
            if row.kind == "e" && row.array_oid != 0 {
                enum_arrays.insert(row.array_oid, row.type_oid);
            }
            let entry = user
                .entry(row.type_oid)
                .or_insert_with(|| match row.kind.as_str() {
                    "e" => UserType::Enum {
                        name: row.name,
                        values: Vec::new(),
                    },
                    _ => UserType::Domain,
                });
            if let (UserType::Enum { values, .. }, Some(label)) = (entry, row.label) {
                values.push(label);
            }
        }
        ColumnTypes {
            user,
            enum_arrays,
            parsed: HashMap::new(),
        }
    }

    /// The type of a column whose type is `type_oid`, spelled `type_name`.
    fn read(&mut self, type_oid: i64, type_name: String) -> SqlType {
        if let Some(element) = self.enum_arrays.get(&type_oid) {
            if let Some(UserType::Enum { name, values }) = self.user.get(element) {
                return SqlType::Array(Box::new(SqlType::Enum {
                    name: name.clone(),
                    values: values.clone(),
                }));
            }
        }
        match self.user.get(&type_oid) {
            Some(UserType::Enum { name, values }) => SqlType::Enum {
                name: name.clone(),
                values: values.clone(),
            },
            Some(UserType::Domain) => SqlType::Custom(type_name),
            None => match self.parsed.get(&type_name) {
                Some(parsed) => parsed.clone(),
                None => {
                    let parsed = parse_type(&type_name);
                    self.parsed.insert(type_name, parsed.clone());
                    parsed
                }
            },
        }
    }
}

/// The model from the catalog's rows: no I/O.
///
/// Columns come in position order, constraints and indexes in the order
/// they were made (by oid). The queries leave sorting to this stage, where
/// it costs less than the server's sort of the wide rows (about 4 ms of
/// server time at 1000 tables).
pub(crate) fn build_schema(mut rows: CatalogRows) -> Result<Schema> {
    rows.columns
        .sort_by_key(|row| (row.table_oid, row.position));
    rows.constraints.sort_by_key(|row| row.oid);
    rows.indexes.sort_by_key(|row| row.oid);
    let mut schema = SchemaBuilder::new(&rows.default_schema);
    let mut tables: HashMap<i64, TableSlot> = HashMap::with_capacity(rows.tables.len());
    let mut partitioning = Vec::new();
    for table in rows.tables {
        let at = schema.add_table(&table.schema_name, &table.table_name, table.comment);
        partitioning.push(Partitioning {
            at,
            key: table.partition_key,
            parent: table.parent_schema.zip(table.parent_table),
            bound: table.partition_bound,
        });
        tables.insert(
            table.oid,
            TableSlot {
                at,
                positions: Vec::new(),
            },
        );
    }

    let mut types = ColumnTypes::new(rows.user_types);
    for row in rows.columns {
        let Some(slot) = tables.get_mut(&row.table_oid) else {
            continue;
        };
        if let Some(table) = schema.table_at_mut(slot.at) {
            slot.positions.push(row.position);
            table.columns.push(discover_column(row, &mut types));
        }
    }

    for row in &rows.constraints {
        if let Some(slot) = tables.get(&row.table_oid) {
            discover_constraint(&mut schema, &tables, slot, row)?;
        }
    }

    for row in rows.indexes {
        let Some(slot) = tables.get(&row.table_oid) else {
            continue;
        };
        let index = discover_index(&schema, slot, row);
        if let Some(table) = schema.table_at_mut(slot.at) {
            table.indexes.push(index);
        }
    }
    for partitioning in partitioning {
        discover_partitioning(&mut schema, partitioning)?;
    }
    discover_objects(
        &mut schema,
        &tables,
        rows.functions,
        rows.views,
        rows.triggers,
    );
    let domains = super::domains::discover_domains(rows.domains, &schema);
    let extensions = rows
        .extensions
        .into_iter()
        .map(|row| Extension {
            schema: schema.namespace(&row.schema_name),
            name: row.name,
        })
        .collect();
    let sequences = rows
        .sequences
        .into_iter()
        .map(|row| {
            Sequence {
                schema: schema.namespace(&row.schema_name),
                name: row.name,
                start: Some(row.start),
                increment: Some(row.increment),
                min_value: Some(row.min_value),
                max_value: Some(row.max_value),
                cache: Some(row.cache),
                cycle: row.cycle,
            }
            .normalized()
        })
        .collect();
    let mut schema = Schema {
        domains,
        extensions,
        sequences,
        ..schema.finish()
    };
    serials_without_owner(&mut schema);
    Ok(schema)
}

/// A sequence no column owns that numbers one column alone (a partition's
/// copy of its parent's aside), a column of its table's primary key,
/// through its default is that column's serial, as a dump that leaves out
/// `OWNED BY` (Pagila's) makes it: the column reads as an identity and the
/// sequence is not listed, unless it has a `MINVALUE`, `MAXVALUE`, `CACHE`
/// or `CYCLE` of its own, which an identity's options would lose.
/// One shared by several columns, or numbering another column, stays a
/// sequence, and the defaults stay defaults.
fn serials_without_owner(schema: &mut Schema) {
    let mut kept = Vec::new();
    for sequence in std::mem::take(&mut schema.sequences) {
        let mut callers = schema.tables.iter_mut().flat_map(|table| {
            let key: Vec<String> = table
                .primary_key
                .as_ref()
                .map(|key| key.columns.clone())
                .unwrap_or_default();
            table
                .columns
                .iter_mut()
                .filter(|column| {
                    column.default.as_deref().and_then(nextval_sequence)
                        == Some(sequence.name.as_str())
                })
                .map(move |column| {
                    let is_key = key.contains(&column.name);
                    (column, is_key)
                })
        });
        match (callers.next(), callers.next()) {
            (Some((column, true)), None)
                if column.ty.is_integer() && sequence.has_default_bounds() =>
            {
                column.identity = true;
                column.default = None;
                column.identity_options = IdentityOptions {
                    always: false,
                    start: sequence.start,
                    increment: sequence.increment,
                };
            }
            _ => kept.push(sequence),
        }
    }
    schema.sequences = kept;
}

/// The unqualified name of the sequence a `nextval('schema.name'::regclass)`
/// default calls.
fn nextval_sequence(default: &str) -> Option<&str> {
    let quoted = nextval_argument(default)?.trim_matches('\'');
    Some(
        quoted
            .rsplit('.')
            .next()
            .unwrap_or(quoted)
            .trim_matches('"'),
    )
}

/// What a table's row says of its partitioning.
struct Partitioning {
    /// Where the table went in the [`SchemaBuilder`].
    at: usize,
    /// `pg_get_partkeydef`, for a partitioned table.
    key: Option<String>,
    /// The parent's schema and name, for a partition.
    parent: Option<(String, String)>,
    /// `pg_get_expr(relpartbound)`, for a partition.
    bound: Option<String>,
}

/// A partitioned table's key; a partition's parent and bounds, its columns
/// left to the parent. Runs once the table's indexes and constraints have
/// named their columns.
fn discover_partitioning(schema: &mut SchemaBuilder, partitioning: Partitioning) -> Result<()> {
    let parent_schema = partitioning
        .parent
        .as_ref()
        .map(|(namespace, _)| schema.namespace(namespace));
    let Some(table) = schema.table_at_mut(partitioning.at) else {
        return Ok(());
    };
    let unexpected = |what, value: &str, table: &str| IntrospectError::UnexpectedValue {
        object: format!("table {table}"),
        what,
        value: value.to_owned(),
    };
    if let Some(key) = &partitioning.key {
        let columns: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        let parsed = parse_partition_key(key, &columns)
            .ok_or_else(|| unexpected("partition key", key, &table.name))?;
        table.partition_by = Some(parsed);
    }
    if let (Some((_, parent)), Some(bound)) = (partitioning.parent, &partitioning.bound) {
        let bound = parse_partition_bound(bound)
            .ok_or_else(|| unexpected("partition bound", bound, &table.name))?;
        table.partition_of = Some(PartitionOf {
            parent_schema: parent_schema.flatten(),
            parent,
            bound,
        });
        table.columns.clear();
    }
    Ok(())
}

/// One column: its type (enums by their values), identity and default.
fn discover_column(row: ColumnRow, types: &mut ColumnTypes) -> Column {
    // A serial column's default calls the sequence it owns; a default
    // that calls a sequence no column owns stays a default.
    let serial =
        row.sequence_start.is_some() && row.default_expr.as_deref().is_some_and(is_serial_default);
    let identity = !row.identity.is_empty() || serial;
    let identity_options = if identity {
        identity_options(&row)
    } else {
        IdentityOptions::default()
    };
    let ty = types.read(row.type_oid, row.type_name);
    // `s` stored, `v` virtual (PostgreSQL 18): the expression is the
    // column's `pg_attrdef` entry, which is then no default.
    let generated = match row.generated.as_str() {
        "s" | "v" => row.default_expr.clone().map(|expression| Generated {
            expression,
            stored: row.generated == "s",
        }),
        _ => None,
    };
    let default = if identity || !row.generated.is_empty() {
        None
    } else {
        row.default_expr
            .as_deref()
            .and_then(|default| normalize_default(&ty, default))
    };
    Column {
        name: row.column_name,
        nullable: !row.not_null,
        default,
        identity,
        comment: row.comment,
        collation: row.collation,
        on_update: None,
        renamed_from: None,
        backfill: None,
        generated,
        identity_options,
        ty,
    }
}

/// An identity's `ALWAYS` and its sequence's start and increment, each
/// `None` where it is the default.
fn identity_options(row: &ColumnRow) -> IdentityOptions {
    IdentityOptions {
        always: row.identity == "a",
        start: row.sequence_start,
        increment: row.sequence_increment,
    }
    .normalized()
}

/// When a constraint is checked, from `condeferrable` and `condeferred`.
fn deferral(row: &ConstraintRow) -> Option<Deferral> {
    match (row.deferrable, row.initially_deferred) {
        (false, _) => None,
        (true, false) => Some(Deferral::InitiallyImmediate),
        (true, true) => Some(Deferral::InitiallyDeferred),
    }
}

/// One constraint of the table in `slot`, its columns named from the
/// columns read (`tables` for a foreign key's referenced table).
fn discover_constraint(
    schema: &mut SchemaBuilder,
    tables: &HashMap<i64, TableSlot>,
    slot: &TableSlot,
    row: &ConstraintRow,
) -> Result<()> {
    let name = Some(row.constraint_name.clone());
    let columns = column_names(schema, slot, row.positions.as_deref().unwrap_or_default());
    let object = || {
        let table = schema
            .table_at(slot.at)
            .map_or("", |table| table.name.as_str());
        format!("constraint {} on {table}", row.constraint_name)
    };
    let constraint = match row.kind.as_str() {
        "p" => Constraint::PrimaryKey(PrimaryKey {
            name,
            columns,
            deferrable: deferral(row),
        }),
        "u" => Constraint::Unique(UniqueConstraint {
            name,
            columns,
            deferrable: deferral(row),
        }),
        "f" => {
            let referenced_columns =
                match (&row.referenced_columns, tables.get(&row.referenced_oid)) {
                    (Some(named), _) => named.clone(),
                    (None, Some(referenced)) => column_names(
                        schema,
                        referenced,
                        row.referenced_positions.as_deref().unwrap_or_default(),
                    ),
                    (None, None) => Vec::new(),
                };
            Constraint::ForeignKey(ForeignKey {
                name,
                columns,
                referenced_schema: row
                    .referenced_schema
                    .as_deref()
                    .and_then(|namespace| schema.namespace(namespace)),
                referenced_table: row.referenced_table.clone().unwrap_or_default(),
                referenced_columns,
                on_delete: referential_action(&row.on_delete).ok_or_else(|| {
                    IntrospectError::UnexpectedValue {
                        object: object(),
                        what: "ON DELETE action",
                        value: row.on_delete.clone(),
                    }
                })?,
                on_update: referential_action(&row.on_update).ok_or_else(|| {
                    IntrospectError::UnexpectedValue {
                        object: object(),
                        what: "ON UPDATE action",
                        value: row.on_update.clone(),
                    }
                })?,
                deferrable: deferral(row),
            })
        }
        "c" => Constraint::Check(CheckConstraint {
            name,
            expression: strip_outer_parens(row.check_expression.as_deref().unwrap_or(""))
                .to_owned(),
        }),
        "x" => Constraint::Exclusion(ExclusionConstraint {
            name: row.constraint_name.clone(),
            definition: row.exclusion_definition.clone().unwrap_or_default(),
        }),
        _ => return Ok(()),
    };
    let Some(table) = schema.table_at_mut(slot.at) else {
        return Ok(());
    };
    match constraint {
        Constraint::PrimaryKey(primary_key) => table.primary_key = Some(primary_key),
        Constraint::Unique(unique) => table.uniques.push(unique),
        Constraint::ForeignKey(foreign_key) => table.foreign_keys.push(foreign_key),
        Constraint::Check(check) => table.checks.push(check),
        Constraint::Exclusion(exclusion) => table.exclusions.push(exclusion),
    }
    Ok(())
}

/// A constraint read, before it goes into its table.
enum Constraint {
    PrimaryKey(PrimaryKey),
    Unique(UniqueConstraint),
    ForeignKey(ForeignKey),
    Check(CheckConstraint),
    Exclusion(ExclusionConstraint),
}

/// One index of the table in `slot`: column parts named from the columns
/// read, expression parts as `pg_get_indexdef` prints them, each with its
/// collation, operator class and order; the method, `INCLUDE` columns and
/// `NULLS NOT DISTINCT`.
fn discover_index(schema: &SchemaBuilder, slot: &TableSlot, row: IndexRow) -> Index {
    let definitions = row.definitions.unwrap_or_default();
    let (parts, key_options): (Vec<IndexPart>, Vec<IndexKeyOptions>) = row
        .positions
        .iter()
        .enumerate()
        .filter_map(|(at, &position)| {
            let part = match position {
                0 => IndexPart::Expression(definitions.get(at).cloned().unwrap_or_default()),
                _ => IndexPart::Column(column_name(schema, slot, position)?),
            };
            let named = |names: &[String]| names.get(at).filter(|name| !name.is_empty()).cloned();
            let option = row.options.get(at).copied().unwrap_or(0);
            let descending = option & 1 != 0;
            let nulls_first = option & 2 != 0;
            let options = IndexKeyOptions {
                collation: named(&row.collations),
                operator_class: named(&row.operator_classes),
                descending,
                nulls_first: (nulls_first != descending).then_some(nulls_first),
            };
            Some((part, options))
        })
        .unzip();
    let key_options = if key_options.iter().all(IndexKeyOptions::is_default) {
        Vec::new()
    } else {
        key_options
    };
    Index {
        name: row.index_name,
        parts,
        unique: row.is_unique,
        predicate: row.predicate,
        method: (row.method != "btree").then_some(row.method),
        key_options,
        include: row
            .include_positions
            .iter()
            .filter_map(|&position| column_name(schema, slot, position))
            .collect(),
        nulls_not_distinct: row.nulls_not_distinct,
    }
}

/// `confupdtype`/`confdeltype` codes.
fn referential_action(code: &str) -> Option<ReferentialAction> {
    match code {
        "a" => Some(ReferentialAction::NoAction),
        "r" => Some(ReferentialAction::Restrict),
        "c" => Some(ReferentialAction::Cascade),
        "n" => Some(ReferentialAction::SetNull),
        "d" => Some(ReferentialAction::SetDefault),
        _ => None,
    }
}

/// Functions, views and triggers, as the database spells them back; a
/// trigger only on a table that was read.
fn discover_objects(
    schema: &mut SchemaBuilder,
    tables: &HashMap<i64, TableSlot>,
    functions: Vec<FunctionRow>,
    views: Vec<ViewRow>,
    triggers: Vec<TriggerRow>,
) {
    for row in functions {
        schema.add_function(&row.schema_name, &row.name, row.procedure, row.definition);
    }
    for row in views {
        schema.add_view(
            &row.schema_name,
            &row.name,
            row.materialized,
            row.definition,
        );
    }
    for row in triggers {
        if let Some(slot) = tables.get(&row.table_oid) {
            schema.add_trigger_at(slot.at, &row.name, row.definition);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::postgres::catalog::TableRow;
    use crate::schema::Table;

    /// A made-up oid per table name.
    fn oid(table: &str) -> i64 {
        table.bytes().map(i64::from).sum()
    }

    fn column(table: &str, position: i16, name: &str, type_name: &str) -> ColumnRow {
        ColumnRow {
            table_oid: oid(table),
            position,
            column_name: name.into(),
            type_name: type_name.into(),
            type_oid: 23,
            not_null: true,
            identity: String::new(),
            generated: String::new(),
            default_expr: None,
            comment: None,
            collation: None,
            sequence_start: None,
            sequence_increment: None,
        }
    }

    fn constraint(table: &str, name: &str, kind: &str, positions: &[i16]) -> ConstraintRow {
        ConstraintRow {
            table_oid: oid(table),
            oid: 0,
            constraint_name: name.into(),
            kind: kind.into(),
            positions: Some(positions.to_vec()),
            referenced_oid: 0,
            referenced_schema: None,
            referenced_table: None,
            referenced_positions: None,
            referenced_columns: None,
            on_update: " ".into(),
            on_delete: " ".into(),
            deferrable: false,
            initially_deferred: false,
            check_expression: None,
            exclusion_definition: None,
        }
    }

    fn foreign_key(table: &str, name: &str, positions: &[i16], to: &str) -> ConstraintRow {
        let mut fk = constraint(table, name, "f", positions);
        fk.referenced_oid = oid(to);
        fk.referenced_schema = Some("public".into());
        fk.referenced_table = Some(to.into());
        fk.on_update = "a".into();
        fk.on_delete = "a".into();
        fk
    }

    fn table(schema: &str, name: &str) -> TableRow {
        TableRow {
            oid: oid(name),
            schema_name: schema.into(),
            table_name: name.into(),
            comment: None,
            partition_key: None,
            parent_schema: None,
            parent_table: None,
            partition_bound: None,
        }
    }

    #[test]
    fn rows_become_tables_with_keys_constraints_and_indexes() {
        let mut id = column("film", 1, "film_id", "integer");
        id.default_expr = Some("nextval('film_film_id_seq'::regclass)".into());
        // The sequence the column owns: a serial column.
        id.sequence_start = Some(1);
        id.sequence_increment = Some(1);
        let mut rating = column("film", 4, "rating", "mpaa_rating");
        rating.type_oid = 16400;
        rating.not_null = false;
        rating.default_expr = Some("'G'::mpaa_rating".into());
        let mut year = column("film", 5, "release_year", "year");
        year.type_oid = 16500;
        year.comment = Some("the year".into());
        let mut fk = foreign_key("film", "film_language_id_fkey", &[2], "language");
        fk.referenced_positions = Some(vec![1]);
        fk.referenced_columns = Some(vec!["language_id".into()]);
        fk.on_update = "c".into();
        fk.on_delete = "r".into();
        let mut check = constraint("film", "film_len_check", "c", &[3]);
        check.check_expression = Some("(length > 0)".into());
        let mut user_types: Vec<UserTypeRow> = ["G", "PG", "R"]
            .into_iter()
            .map(|label| UserTypeRow {
                type_oid: 16400,
                array_oid: 16399,
                kind: "e".into(),
                name: "mpaa_rating".into(),
                label: Some(label.into()),
            })
            .collect();
        user_types.push(UserTypeRow {
            type_oid: 16500,
            array_oid: 16499,
            kind: "d".into(),
            name: "year".into(),
            label: None,
        });
        let rows = CatalogRows {
            default_schema: "public".into(),
            tables: vec![table("public", "film"), table("audit", "log")],
            columns: vec![
                id,
                column("film", 2, "language_id", "integer"),
                column("film", 3, "length", "smallint"),
                rating,
                year,
                // Position 7 was dropped.
                column("film", 8, "title", "character varying(255)"),
                column("not_selected", 1, "x", "integer"),
            ],
            user_types,
            domains: Vec::new(),
            extensions: Vec::new(),
            sequences: Vec::new(),
            constraints: vec![
                check,
                fk,
                constraint("film", "film_pkey", "p", &[1]),
                constraint("film", "film_title_key", "u", &[8, 3]),
            ],
            indexes: vec![IndexRow {
                table_oid: oid("film"),
                oid: 0,
                index_name: "idx_title".into(),
                is_unique: false,
                positions: vec![0, 3],
                definitions: Some(vec!["lower(title::text)".into(), "length".into()]),
                predicate: Some("length > 10".into()),
                ..plain_index_row()
            }],
            ..CatalogRows::default()
        };
        let schema = build_schema(rows).expect("rows are consistent");
        let mut log = Table::new("log");
        log.schema = Some("audit".into());
        let film = Table::new("film")
            .column(Column::new("film_id", SqlType::Integer).identity())
            .column(Column::new("language_id", SqlType::Integer))
            .column(Column::new("length", SqlType::SmallInt))
            .column(
                Column::new(
                    "rating",
                    SqlType::Enum {
                        name: "mpaa_rating".into(),
                        values: vec!["G".into(), "PG".into(), "R".into()],
                    },
                )
                .nullable()
                .default_expr("'G'"),
            )
            .column(Column::new("release_year", SqlType::Custom("year".into())).comment("the year"))
            .column(Column::new("title", SqlType::Varchar(255)))
            .primary_key(PrimaryKey {
                name: Some("film_pkey".into()),
                columns: vec!["film_id".into()],
                ..Default::default()
            })
            .unique(UniqueConstraint {
                name: Some("film_title_key".into()),
                columns: vec!["title".into(), "length".into()],
                deferrable: None,
            })
            .foreign_key(ForeignKey {
                name: Some("film_language_id_fkey".into()),
                columns: vec!["language_id".into()],
                referenced_schema: None,
                referenced_table: "language".into(),
                referenced_columns: vec!["language_id".into()],
                on_delete: ReferentialAction::Restrict,
                on_update: ReferentialAction::Cascade,
                deferrable: None,
            })
            .check(CheckConstraint {
                name: Some("film_len_check".into()),
                expression: "length > 0".into(),
            })
            .index(Index {
                name: "idx_title".into(),
                parts: vec![
                    IndexPart::Expression("lower(title::text)".into()),
                    IndexPart::Column("length".into()),
                ],
                unique: false,
                predicate: Some("length > 10".into()),
                ..Index::default()
            });
        assert_eq!(schema, Schema::new(vec![film, log]));
    }

    #[test]
    fn a_stored_generated_column_has_its_expression_and_no_default() {
        let mut types = ColumnTypes::new(Vec::new());
        let mut total = column("t", 3, "total", "bigint");
        total.generated = "s".into();
        total.default_expr = Some("(price * (quantity)::bigint)".into());
        let total = discover_column(total, &mut types);
        assert_eq!(
            total.generated,
            Some(Generated {
                expression: "(price * (quantity)::bigint)".into(),
                stored: true
            })
        );
        assert_eq!(total.default, None);
        let mut plain = column("t", 1, "price", "bigint");
        plain.default_expr = Some("0".into());
        let plain = discover_column(plain, &mut types);
        assert_eq!(
            (plain.generated, plain.default.as_deref()),
            (None, Some("0"))
        );
    }

    #[test]
    fn a_foreign_key_to_a_table_read_names_its_columns_from_that_table() {
        let mut fk = foreign_key("rental", "rental_film_fkey", &[3, 2], "film");
        fk.referenced_positions = Some(vec![2, 1]);
        let rows = CatalogRows {
            default_schema: "public".into(),
            tables: vec![table("public", "film"), table("public", "rental")],
            columns: vec![
                column("film", 1, "film_id", "integer"),
                column("film", 2, "edition", "integer"),
                column("rental", 1, "rental_id", "integer"),
                column("rental", 2, "film_id", "integer"),
                column("rental", 3, "film_edition", "integer"),
            ],
            constraints: vec![fk],
            ..CatalogRows::default()
        };
        let schema = build_schema(rows).expect("rows are consistent");
        let rental = schema.table("rental").expect("rental is read");
        assert_eq!(
            rental.foreign_keys,
            vec![ForeignKey {
                name: Some("rental_film_fkey".into()),
                columns: vec!["film_edition".into(), "film_id".into()],
                referenced_schema: None,
                referenced_table: "film".into(),
                referenced_columns: vec!["edition".into(), "film_id".into()],
                on_delete: ReferentialAction::NoAction,
                on_update: ReferentialAction::NoAction,
                deferrable: None,
            }]
        );
    }

    #[test]
    fn a_check_on_no_column_and_rows_of_tables_not_read_are_fine() {
        let mut check = constraint("t", "t_false", "c", &[]);
        check.positions = None;
        check.check_expression = Some("(false)".into());
        let rows = CatalogRows {
            default_schema: "public".into(),
            tables: vec![table("public", "t")],
            constraints: vec![check, constraint("other", "other_pkey", "p", &[1])],
            indexes: vec![IndexRow {
                table_oid: oid("other"),
                oid: 0,
                index_name: "other_idx".into(),
                is_unique: false,
                positions: vec![1],
                definitions: None,
                predicate: None,
                ..plain_index_row()
            }],
            ..CatalogRows::default()
        };
        let schema = build_schema(rows).expect("rows are consistent");
        let t = Table::new("t").check(CheckConstraint {
            name: Some("t_false".into()),
            expression: "false".into(),
        });
        assert_eq!(schema, Schema::new(vec![t]));
    }

    #[test]
    fn rows_in_any_order_read_in_position_and_creation_order() {
        let unique = |name: &str, position: i16, made: i64| {
            let mut row = constraint("t", name, "u", &[position]);
            row.oid = made;
            row
        };
        let index = |name: &str, position: i16, made: i64| IndexRow {
            table_oid: oid("t"),
            oid: made,
            index_name: name.into(),
            is_unique: false,
            positions: vec![position],
            definitions: None,
            predicate: None,
            ..plain_index_row()
        };
        let rows = CatalogRows {
            default_schema: "public".into(),
            tables: vec![table("public", "t")],
            columns: vec![
                column("t", 3, "c", "integer"),
                column("t", 1, "a", "integer"),
                column("t", 2, "b", "integer"),
            ],
            constraints: vec![unique("t_c_key", 3, 20), unique("t_a_key", 1, 10)],
            indexes: vec![index("t_b_idx", 2, 40), index("t_c_idx", 3, 30)],
            ..CatalogRows::default()
        };
        let schema = build_schema(rows).expect("rows are consistent");
        let unique = |name: &str, column: &str| UniqueConstraint {
            name: Some(name.into()),
            columns: vec![column.into()],
            deferrable: None,
        };
        let index = |name: &str, column: &str| Index {
            name: name.into(),
            parts: vec![IndexPart::Column(column.into())],
            unique: false,
            predicate: None,
            ..Index::default()
        };
        let t = Table::new("t")
            .column(Column::new("a", SqlType::Integer))
            .column(Column::new("b", SqlType::Integer))
            .column(Column::new("c", SqlType::Integer))
            .unique(unique("t_a_key", "a"))
            .unique(unique("t_c_key", "c"))
            .index(index("t_c_idx", "c"))
            .index(index("t_b_idx", "b"));
        assert_eq!(schema, Schema::new(vec![t]));
    }

    #[test]
    fn an_unknown_action_is_an_error_naming_the_constraint() {
        let mut fk = foreign_key("t", "t_fk", &[1], "t");
        fk.on_delete = "z".into();
        let rows = CatalogRows {
            default_schema: "public".into(),
            tables: vec![table("public", "t")],
            columns: vec![column("t", 1, "a", "integer")],
            constraints: vec![fk],
            ..CatalogRows::default()
        };
        let error = build_schema(rows).expect_err("z is no action");
        assert!(error.to_string().contains("t_fk"), "{error}");
        assert!(error.to_string().contains("on t"), "{error}");
    }

    /// An index row with the catalog's defaults: a B-tree, ascending keys,
    /// default operator classes and collations.
    fn plain_index_row() -> IndexRow {
        IndexRow {
            table_oid: 0,
            oid: 0,
            index_name: String::new(),
            is_unique: false,
            positions: Vec::new(),
            definitions: None,
            predicate: None,
            method: "btree".into(),
            include_positions: Vec::new(),
            options: vec![0, 0],
            operator_classes: vec![String::new(), String::new()],
            collations: vec![String::new(), String::new()],
            nulls_not_distinct: false,
        }
    }

    /// The method, each part's operator class, collation, direction and
    /// nulls order, `INCLUDE` columns and `NULLS NOT DISTINCT` are read;
    /// defaults read as nothing.
    #[test]
    fn index_methods_and_key_options_are_read() {
        let rows = CatalogRows {
            default_schema: "public".into(),
            tables: vec![table("public", "t")],
            columns: vec![
                column("t", 1, "a", "text"),
                column("t", 2, "b", "integer"),
                column("t", 3, "c", "integer"),
            ],
            indexes: vec![
                IndexRow {
                    table_oid: oid("t"),
                    index_name: "ix_trgm".into(),
                    positions: vec![1],
                    method: "gin".into(),
                    options: vec![0],
                    operator_classes: vec!["gin_trgm_ops".into()],
                    collations: vec![String::new()],
                    ..plain_index_row()
                },
                IndexRow {
                    table_oid: oid("t"),
                    oid: 1,
                    index_name: "ix_sorted".into(),
                    is_unique: true,
                    positions: vec![1, 2],
                    // a: COLLATE "C" DESC NULLS LAST; b: ASC NULLS FIRST.
                    options: vec![1, 2],
                    collations: vec!["C".into(), String::new()],
                    include_positions: vec![3],
                    nulls_not_distinct: true,
                    ..plain_index_row()
                },
                IndexRow {
                    table_oid: oid("t"),
                    oid: 2,
                    index_name: "ix_plain".into(),
                    positions: vec![2, 3],
                    // DESC NULLS FIRST is DESC's default.
                    options: vec![3, 0],
                    ..plain_index_row()
                },
            ],
            ..CatalogRows::default()
        };
        let schema = build_schema(rows).expect("rows are consistent");
        let t = schema.table("t").expect("t is read");
        let by_name = |name: &str| t.indexes.iter().find(|index| index.name == name).unwrap();
        let trgm = by_name("ix_trgm");
        assert_eq!(trgm.method.as_deref(), Some("gin"));
        assert_eq!(
            trgm.key_options,
            [IndexKeyOptions {
                operator_class: Some("gin_trgm_ops".into()),
                ..IndexKeyOptions::default()
            }]
        );
        let sorted = by_name("ix_sorted");
        assert_eq!(sorted.method, None);
        assert_eq!(
            sorted.key_options,
            [
                IndexKeyOptions {
                    collation: Some("C".into()),
                    descending: true,
                    nulls_first: Some(false),
                    ..IndexKeyOptions::default()
                },
                IndexKeyOptions {
                    nulls_first: Some(true),
                    ..IndexKeyOptions::default()
                },
            ]
        );
        assert_eq!(sorted.include, ["c"]);
        assert!(sorted.nulls_not_distinct && sorted.unique);
        let plain = by_name("ix_plain");
        assert_eq!(
            plain.key_options,
            [
                IndexKeyOptions {
                    descending: true,
                    ..IndexKeyOptions::default()
                },
                IndexKeyOptions::default(),
            ]
        );
        assert!(!plain.has_default_key_options());
    }
}
