//! Rules shared by the backends' [`Backend::stored_form`]: the form a schema
//! takes once a database has created it.

use super::Backend;
use crate::schema::{Schema, SqlType};

/// `schema` with each column's type and default as `backend` reads them
/// back from the DDL it writes.
pub(crate) fn columns_as_read_back<B: Backend + ?Sized>(backend: &B, schema: &Schema) -> Schema {
    let mut stored = schema.clone();
    for table in &mut stored.tables {
        for column in &mut table.columns {
            column.ty = type_as_read_back(backend, &column.ty);
            column.identity_options = if column.identity {
                column.identity_options.normalized()
            } else {
                Default::default()
            };
            column.default = match column.default.take() {
                // A generated column has no default.
                Some(default) if !column.identity && column.generated.is_none() => {
                    backend.normalize_default(&column.ty, &default)
                }
                _ => None,
            };
        }
    }
    stored
}

/// A type as `backend` reads back its own spelling of it. Enums keep
/// their names (the spelling does not carry them), in arrays too; a custom
/// type reads as the database reads its spelling (`sql_type = "int[]"` is
/// an array of integers).
fn type_as_read_back<B: Backend + ?Sized>(backend: &B, ty: &SqlType) -> SqlType {
    match ty {
        SqlType::Enum { .. } => ty.clone(),
        SqlType::Custom(spelled) => backend.parse_type(spelled),
        SqlType::Array(_) if matches!(ty.element(), SqlType::Enum { .. }) => {
            SqlType::Array(Box::new(ty.element().clone()))
        }
        _ => backend.parse_type(&backend.type_sql(ty)),
    }
}

/// No identity options: the database has none (MySQL, SQLite), and an
/// identity is just an identity.
pub(crate) fn without_identity_options(schema: &mut Schema) {
    for table in &mut schema.tables {
        for column in &mut table.columns {
            column.identity_options = Default::default();
        }
    }
}

/// No comments: the database cannot store them (SQLite).
pub(crate) fn without_comments(schema: &mut Schema) {
    for table in &mut schema.tables {
        table.comment = None;
        for column in &mut table.columns {
            column.comment = None;
        }
    }
}

/// No `WITHOUT ROWID` or `STRICT`: SQLite's options, which other
/// databases ignore.
pub(crate) fn without_sqlite_options(schema: &mut Schema) {
    for table in &mut schema.tables {
        table.sqlite_options = Default::default();
    }
}

/// No storage engine: MySQL's, which other databases ignore.
pub(crate) fn without_engines(schema: &mut Schema) {
    for table in &mut schema.tables {
        table.engine = None;
    }
}

/// Enums are inline, so each reads back named after its column (MySQL's
/// `ENUM(...)`, SQLite's `CHECK (col IN (...))`).
pub(crate) fn enums_named_after_columns(schema: &mut Schema) {
    for table in &mut schema.tables {
        for column in &mut table.columns {
            if let SqlType::Enum { name, .. } = &mut column.ty {
                name.clone_from(&column.name);
            }
        }
    }
}

/// A unique B-tree index on plain ascending columns, without a predicate,
/// reads back as a unique constraint (MySQL makes no difference between the two).
pub(crate) fn unique_indexes_as_constraints(schema: &mut Schema) {
    use crate::schema::{IndexPart, UniqueConstraint};
    for table in &mut schema.tables {
        let (plain_unique, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut table.indexes)
            .into_iter()
            .partition(|index| {
                index.unique
                    && index.predicate.is_none()
                    && index.method_name().is_none()
                    && index.has_default_key_options()
                    && index
                        .parts
                        .iter()
                        .all(|part| matches!(part, IndexPart::Column(_)))
            });
        table.indexes = kept;
        for index in plain_unique {
            table.uniques.push(UniqueConstraint {
                name: Some(index.name.clone()),
                columns: index.column_names().map(str::to_owned).collect(),
                deferrable: None,
            });
        }
    }
}
