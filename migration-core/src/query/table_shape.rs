//! What a diesel `table!` says about its columns, read off its types: each
//! column's name, SQL type and nullability, and the primary key's columns.

use std::any::TypeId;
use std::marker::PhantomData;

use diesel::sql_types::{IntoNotNullable, SqlType};
use diesel::Column;

/// One column of a diesel `table!`, as its types describe it.
#[derive(Debug, Clone)]
pub struct ColumnShape {
    /// The column's name in SQL (`Column::NAME`).
    pub name: &'static str,
    /// Whether its SQL type is `Nullable<...>`.
    pub nullable: bool,
    /// The SQL type without `Nullable`, as Rust names it (for messages).
    pub sql_type: &'static str,
    /// The SQL type without `Nullable`, to compare.
    sql_type_id: TypeId,
}

impl ColumnShape {
    /// The shape of column `C`.
    pub fn of<C>() -> ColumnShape
    where
        C: Column,
        C::SqlType: SqlType + IntoNotNullable,
        <C::SqlType as IntoNotNullable>::NotNullable: 'static,
    {
        type NotNull<C> = <<C as diesel::Expression>::SqlType as IntoNotNullable>::NotNullable;
        ColumnShape {
            name: C::NAME,
            nullable: TypeId::of::<NotNull<C>>() != TypeId::of::<C::SqlType>(),
            sql_type: std::any::type_name::<NotNull<C>>(),
            sql_type_id: TypeId::of::<NotNull<C>>(),
        }
    }

    /// Whether the two columns have the same SQL type, nullability aside
    /// (diesel's aliases, `Int8` and `BigInt`, are the same type).
    pub fn same_sql_type(&self, other: &ColumnShape) -> bool {
        self.sql_type_id == other.sql_type_id
    }
}

/// A diesel `table!`'s columns and primary key. Made by
/// [`table_shape!`](crate::table_shape).
#[derive(Debug, Clone)]
pub struct TableShape {
    /// The table's name as written (the `table!` module's name).
    pub name: &'static str,
    /// Every column, in the order the `table!` lists them.
    pub columns: Vec<ColumnShape>,
    /// The primary key's column names, in key order.
    pub primary_key: Vec<&'static str>,
}

/// A tuple of diesel columns (a table's `AllColumns`, or a composite
/// primary key), up to 32 of them, as diesel's tables are by default.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a tuple of at most 32 diesel columns",
    note = "retort reads the columns of tables with up to 32 columns"
)]
pub trait ColumnTuple {
    /// Each column's shape, in order.
    fn shapes() -> Vec<ColumnShape>;
}

macro_rules! column_tuples {
    ($($column:ident)+) => {
        column_tuples!(@each [] $($column)+);
    };
    (@each [$($done:ident)*] $next:ident $($rest:ident)*) => {
        column_tuples!(@impl $($done)* $next);
        column_tuples!(@each [$($done)* $next] $($rest)*);
    };
    (@each [$($done:ident)*]) => {};
    (@impl $($column:ident)+) => {
        impl<$($column),+> ColumnTuple for ($($column,)+)
        where
            $(
                $column: Column,
                $column::SqlType: SqlType + IntoNotNullable,
                <$column::SqlType as IntoNotNullable>::NotNullable: 'static,
            )+
        {
            fn shapes() -> Vec<ColumnShape> {
                vec![$(ColumnShape::of::<$column>()),+]
            }
        }
    };
}

column_tuples!(
    C0 C1 C2 C3 C4 C5 C6 C7 C8 C9 C10 C11 C12 C13 C14 C15
    C16 C17 C18 C19 C20 C21 C22 C23 C24 C25 C26 C27 C28 C29 C30 C31
);

/// A table's primary key type `K`: one column, or a tuple of them.
/// [`table_shape!`](crate::table_shape) reads its columns' names through
/// [`CompositeKey`] or [`SingleKey`], whichever `K` is.
#[doc(hidden)]
pub struct KeyOf<K>(PhantomData<K>);

impl<K> KeyOf<K> {
    /// The key of type `K`.
    pub fn new() -> KeyOf<K> {
        KeyOf(PhantomData)
    }
}

impl<K> Default for KeyOf<K> {
    fn default() -> Self {
        KeyOf::new()
    }
}

/// The key columns' names of a composite primary key.
#[doc(hidden)]
pub trait CompositeKey {
    /// The names, in key order.
    fn key_columns(&self) -> Vec<&'static str>;
}

impl<K: ColumnTuple> CompositeKey for KeyOf<K> {
    fn key_columns(&self) -> Vec<&'static str> {
        K::shapes().into_iter().map(|column| column.name).collect()
    }
}

/// The key column's name of a one-column primary key. Implemented on a
/// reference, so a call on `&KeyOf<K>` tries [`CompositeKey`] first.
#[doc(hidden)]
pub trait SingleKey {
    /// The name, alone.
    fn key_columns(&self) -> Vec<&'static str>;
}

impl<K: Column> SingleKey for &KeyOf<K> {
    fn key_columns(&self) -> Vec<&'static str> {
        vec![K::NAME]
    }
}

/// Describes the diesel `table!` module `$table` (`schema::users`): its
/// columns' names, SQL types and nullability, and its primary key.
///
/// ```
/// mod schema {
///     diesel::table! {
///         users (id) {
///             id -> BigInt,
///             email -> Varchar,
///             bio -> Nullable<Text>,
///         }
///     }
/// }
///
/// let users = retort_core::table_shape!(schema::users);
/// assert_eq!(users.name, "users");
/// assert_eq!(users.primary_key, ["id"]);
/// let names: Vec<_> = users.columns.iter().map(|c| (c.name, c.nullable)).collect();
/// assert_eq!(names, [("id", false), ("email", false), ("bio", true)]);
/// ```
#[macro_export]
macro_rules! table_shape {
    ($($table:ident)::+) => {{
        #[allow(unused_imports)]
        use $crate::query::table_shape::{CompositeKey as _, SingleKey as _};
        type Table = $($table)::+::table;
        $crate::query::table_shape::TableShape {
            name: $crate::query::table_shape::last_segment(::core::stringify!($($table)::+)),
            columns: <<Table as $crate::query::table_shape::diesel::Table>::AllColumns
                as $crate::query::table_shape::ColumnTuple>::shapes(),
            primary_key: (&$crate::query::table_shape::KeyOf::<
                <Table as $crate::query::table_shape::diesel::Table>::PrimaryKey,
            >::new())
                .key_columns(),
        }
    }};
}

/// `users` of `schema :: users`, as `stringify!` writes a path.
#[doc(hidden)]
pub fn last_segment(path: &'static str) -> &'static str {
    path.rsplit("::").next().unwrap_or(path).trim()
}

#[doc(hidden)]
pub use diesel;
