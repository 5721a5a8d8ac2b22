//! What the code `#[derive(Model)]` and `#[derive(SqlEnum)]` generate calls.
//! Not a public API: reached through `retort::__private`.

pub use super::naming;
pub use super::{
    CheckConstraint, Column, ColumnType, Deferral, ForeignKey, IdentityOptions, Index, IndexPart,
    Model, PartitionKey, PartitionMethod, PrimaryKey, ReferentialAction, SqlType, Table,
    UniqueConstraint,
};

/// A column whose type and nullability come from the field's Rust type.
pub fn column<T: ColumnType>(name: &str) -> Column {
    let column = Column::new(name, T::sql_type());
    if T::NULLABLE {
        column.nullable()
    } else {
        column
    }
}

/// A column whose type is given by the model's attributes.
pub fn column_of_type(name: &str, ty: SqlType, nullable: bool) -> Column {
    let column = Column::new(name, ty);
    if nullable {
        column.nullable()
    } else {
        column
    }
}

/// Makes a single primary key column an identity column when its type is an
/// integer type (known only once the field's `ColumnType` is asked).
pub fn identity_if_integer(column: Column) -> Column {
    if column.ty.is_integer() {
        column.identity()
    } else {
        column
    }
}

/// The primary key, named `pk_<table>`.
pub fn primary_key(table: &str, columns: &[&str]) -> PrimaryKey {
    PrimaryKey {
        name: Some(naming::primary_key_name(table)),
        columns: owned(columns),
        ..Default::default()
    }
}

/// An index named `name`, or `ix_<table>_<columns>`.
pub fn index(table: &str, name: Option<&str>, columns: &[&str], unique: bool) -> Index {
    let name = name.map_or_else(|| naming::index_name(table, columns), str::to_owned);
    let index = Index::on_columns(name, columns.iter().copied());
    if unique {
        index.unique()
    } else {
        index
    }
}

/// A unique constraint named `name`, or `uq_<table>_<columns>`.
pub fn unique(table: &str, name: Option<&str>, columns: &[&str]) -> UniqueConstraint {
    UniqueConstraint {
        name: Some(name.map_or_else(|| naming::unique_name(table, columns), str::to_owned)),
        columns: owned(columns),
        deferrable: None,
    }
}

/// A check constraint named `ck_<table>_<name>`.
pub fn check(table: &str, name: &str, expression: &str) -> CheckConstraint {
    CheckConstraint {
        name: Some(naming::check_name(table, name)),
        expression: expression.to_owned(),
    }
}

/// A foreign key named `fk_<table>_<columns>_<referenced table>`.
pub fn foreign_key(
    table: &str,
    columns: &[&str],
    referenced_schema: Option<&str>,
    referenced_table: &str,
    referenced_columns: &[&str],
    on_delete: ReferentialAction,
    on_update: ReferentialAction,
) -> ForeignKey {
    ForeignKey {
        name: Some(naming::foreign_key_name(table, columns, referenced_table)),
        columns: owned(columns),
        referenced_schema: referenced_schema.map(str::to_owned),
        referenced_table: referenced_table.to_owned(),
        referenced_columns: owned(referenced_columns),
        on_delete,
        on_update,
        deferrable: None,
    }
}

/// An enumeration type.
pub fn enum_type(name: &str, values: &[&str]) -> SqlType {
    SqlType::Enum {
        name: name.to_owned(),
        values: owned(values),
    }
}

fn owned(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}
