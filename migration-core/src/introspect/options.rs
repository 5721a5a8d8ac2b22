//! Choosing what to read.

use crate::backend::catalog::TableFilter;
use crate::schema::Schema;

/// A kind of object introspection can leave out: not read, and (through
/// [`IntrospectOptions::retain`], which autogenerate applies to the models
/// too) not compared, so never dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ObjectKind {
    /// PostgreSQL partitions (tables with a parent): a partition manager's.
    Partitions,
    /// Indexes (not those backing a key or unique constraint).
    Indexes,
    /// Unique constraints.
    UniqueConstraints,
    /// Foreign keys.
    ForeignKeys,
    /// Check constraints.
    Checks,
    /// Table and column comments.
    Comments,
    /// Functions and procedures declared beside the tables.
    Functions,
    /// Views, materialized or not. Left out, they are not dropped and
    /// created again around a change to a column they read, which
    /// PostgreSQL may then refuse.
    Views,
    /// Triggers.
    Triggers,
    /// PostgreSQL domains (columns typed by one keep the domain's name).
    Domains,
    /// PostgreSQL extensions: none read, dropped or declared (those the
    /// columns imply are then on both sides of a diff, so never created).
    Extensions,
    /// PostgreSQL sequences no column owns.
    Sequences,
}

impl ObjectKind {
    /// Every kind.
    pub const ALL: [ObjectKind; 12] = [
        ObjectKind::Partitions,
        ObjectKind::Indexes,
        ObjectKind::UniqueConstraints,
        ObjectKind::ForeignKeys,
        ObjectKind::Checks,
        ObjectKind::Comments,
        ObjectKind::Functions,
        ObjectKind::Views,
        ObjectKind::Triggers,
        ObjectKind::Domains,
        ObjectKind::Extensions,
        ObjectKind::Sequences,
    ];

    /// The kind's name in configuration files: `partitions`, `indexes`,
    /// `unique-constraints`, `foreign-keys`, `checks`, `comments`,
    /// `functions`, `views`, `triggers`, `domains`, `extensions`,
    /// `sequences`.
    pub fn name(self) -> &'static str {
        match self {
            ObjectKind::Partitions => "partitions",
            ObjectKind::Indexes => "indexes",
            ObjectKind::UniqueConstraints => "unique-constraints",
            ObjectKind::ForeignKeys => "foreign-keys",
            ObjectKind::Checks => "checks",
            ObjectKind::Comments => "comments",
            ObjectKind::Functions => "functions",
            ObjectKind::Views => "views",
            ObjectKind::Triggers => "triggers",
            ObjectKind::Domains => "domains",
            ObjectKind::Extensions => "extensions",
            ObjectKind::Sequences => "sequences",
        }
    }

    /// The kind named `name` (as [`ObjectKind::name`] spells it), if any.
    pub fn from_name(name: &str) -> Option<ObjectKind> {
        ObjectKind::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

/// What [`introspect_with`](super::introspect_with) reads.
///
/// Namespaces are chosen by name; tables by exact name, and by patterns to
/// include and exclude, like Alembic's `include_name`: `*` matches any run
/// of characters, and a pattern with a dot names the namespace before it
/// (`billing.*`, `*.tmp_*`; such a pattern matches tables outside the
/// default namespace only). Tables left out are not read at all: the
/// filter is applied in the catalog queries. Kinds of objects can be left
/// out too.
///
/// ```
/// use retort_core::introspect::{IntrospectOptions, ObjectKind};
///
/// let options = IntrospectOptions::new()
///     .namespace("public")
///     .namespace("audit")
///     .exclude(["legacy_*", "audit.*_archive"])
///     .exclude_kinds([ObjectKind::Partitions]);
/// assert_eq!(options.namespaces, ["public", "audit"]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct IntrospectOptions {
    /// The namespaces to read (PostgreSQL schemas, MySQL databases, SQLite
    /// attached databases such as `main`). Empty: the connection's default
    /// namespace only. Tables in the default namespace are reported with
    /// `schema: None`, others with their namespace.
    pub namespaces: Vec<String>,
    /// The only table names to read, matched exactly. Empty: every table.
    /// The filter is applied in the catalog queries, before reading.
    pub tables: Vec<String>,
    /// Patterns a table must match one of to be read (`audit_*`,
    /// `billing.*`). Empty: every table.
    pub include: Vec<String>,
    /// Patterns of tables not to read, even when included.
    pub exclude: Vec<String>,
    /// Kinds of objects not to read.
    pub exclude_kinds: Vec<ObjectKind>,
}

impl IntrospectOptions {
    /// Every table of the connection's default namespace.
    pub fn new() -> Self {
        IntrospectOptions::default()
    }

    /// Adds a namespace to read.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespaces.push(namespace.into());
        self
    }

    /// Reads only these tables (by exact name), in every chosen namespace.
    pub fn tables<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.tables.extend(names.into_iter().map(Into::into));
        self
    }

    /// Reads only the tables matching one of these patterns.
    pub fn include<S: Into<String>>(mut self, patterns: impl IntoIterator<Item = S>) -> Self {
        self.include.extend(patterns.into_iter().map(Into::into));
        self
    }

    /// Does not read the tables matching one of these patterns.
    pub fn exclude<S: Into<String>>(mut self, patterns: impl IntoIterator<Item = S>) -> Self {
        self.exclude.extend(patterns.into_iter().map(Into::into));
        self
    }

    /// Does not read these kinds of objects.
    pub fn exclude_kinds(mut self, kinds: impl IntoIterator<Item = ObjectKind>) -> Self {
        self.exclude_kinds.extend(kinds);
        self
    }

    /// The tables the catalog queries read.
    pub(crate) fn table_filter(&self) -> TableFilter {
        TableFilter::new(&self.tables, &self.include, &self.exclude)
    }

    /// What these options read of `schema`: the tables whose names they
    /// choose, without the kinds they leave out. Introspection gives what
    /// it reads through it; autogenerate passes the models through it too,
    /// so that what is not read is not compared either (and never dropped).
    ///
    /// ```
    /// use retort_core::introspect::{IntrospectOptions, ObjectKind};
    /// use retort_core::schema::{Index, Schema, Table};
    ///
    /// let schema = Schema::new(vec![
    ///     Table::new("users").index(Index::on_columns("ix_users_email", ["email"])),
    ///     Table::new("legacy_users"),
    /// ]);
    /// let options = IntrospectOptions::new()
    ///     .exclude(["legacy_*"])
    ///     .exclude_kinds([ObjectKind::Indexes]);
    /// assert_eq!(options.retain(schema), Schema::new(vec![Table::new("users")]));
    /// ```
    pub fn retain(&self, mut schema: Schema) -> Schema {
        let filter = self.table_filter();
        let excluded = |kind| self.exclude_kinds.contains(&kind);
        schema.tables.retain(|table| {
            (filter.tables.is_empty() || filter.tables.contains(&table.name))
                && filter.matches(table.schema.as_deref(), &table.name)
                && !(excluded(ObjectKind::Partitions) && table.partition_of.is_some())
        });
        // Functions, domains and extensions belong to no table: read only
        // when every table is. Views and triggers as the tables they are
        // named as, or fire on.
        let every_table = filter.reads_every_table();
        if !every_table || excluded(ObjectKind::Functions) {
            schema.functions.clear();
        }
        if !every_table || excluded(ObjectKind::Domains) {
            schema.domains.clear();
        }
        if !every_table || excluded(ObjectKind::Extensions) {
            schema.extensions.clear();
        }
        if !every_table || excluded(ObjectKind::Sequences) {
            schema.sequences.clear();
        }
        if excluded(ObjectKind::Views) {
            schema.views.clear();
        }
        if excluded(ObjectKind::Triggers) {
            schema.triggers.clear();
        }
        let kept = |namespace: Option<&str>, name: &str| {
            (filter.tables.is_empty() || filter.tables.iter().any(|table| table == name))
                && filter.matches(namespace, name)
        };
        schema
            .views
            .retain(|view| kept(view.schema.as_deref(), &view.name));
        schema
            .triggers
            .retain(|trigger| kept(trigger.schema.as_deref(), &trigger.table));
        for table in &mut schema.tables {
            if excluded(ObjectKind::Indexes) {
                table.indexes.clear();
            }
            if excluded(ObjectKind::UniqueConstraints) {
                table.uniques.clear();
            }
            if excluded(ObjectKind::ForeignKeys) {
                table.foreign_keys.clear();
            }
            if excluded(ObjectKind::Checks) {
                table.checks.clear();
            }
            if excluded(ObjectKind::Comments) {
                table.comment = None;
                for column in &mut table.columns {
                    column.comment = None;
                }
            }
        }
        schema
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Domain, Extension, Sequence, SqlType, Table};

    /// What belongs to no table is read only when every table is, so a
    /// filtered target leaves it out too: otherwise each filtered diff
    /// would create the declared ones again.
    #[test]
    fn a_filtered_target_keeps_no_function_domain_or_extension() {
        let schema = Schema::new(vec![Table::new("users"), Table::new("teams")])
            .function(
                "touch",
                "CREATE FUNCTION touch() RETURNS void LANGUAGE sql AS $$ SELECT 1 $$",
            )
            .domain(Domain::new("year", SqlType::Integer))
            .extension(Extension::new("pgcrypto"));
        let filtered = IntrospectOptions::new()
            .include(["users"])
            .retain(schema.clone());
        assert_eq!(filtered, Schema::new(vec![Table::new("users")]));
        assert_eq!(IntrospectOptions::new().retain(schema.clone()), schema);
    }

    #[test]
    fn each_kind_of_declared_object_can_be_left_out() {
        let schema = Schema::new(vec![Table::new("users")])
            .function(
                "touch",
                "CREATE FUNCTION touch() RETURNS void LANGUAGE sql AS $$ SELECT 1 $$",
            )
            .view("active_users", "SELECT 1")
            .trigger("users_touch", "users", "CREATE TRIGGER users_touch ...")
            .domain(Domain::new("year", SqlType::Integer))
            .extension(Extension::new("pgcrypto"))
            .sequence(Sequence::new("numbers"));
        let without = |kind: ObjectKind| {
            IntrospectOptions::new()
                .exclude_kinds([kind])
                .retain(schema.clone())
        };
        assert!(without(ObjectKind::Functions).functions.is_empty());
        assert!(without(ObjectKind::Views).views.is_empty());
        assert!(without(ObjectKind::Triggers).triggers.is_empty());
        assert!(without(ObjectKind::Domains).domains.is_empty());
        assert!(without(ObjectKind::Extensions).extensions.is_empty());
        assert!(without(ObjectKind::Sequences).sequences.is_empty());
        // Each leaves the others alone.
        let no_views = without(ObjectKind::Views);
        assert_eq!(
            (
                no_views.functions.len(),
                no_views.triggers.len(),
                no_views.extensions.len()
            ),
            (1, 1, 1)
        );
        for kind in ObjectKind::ALL {
            assert_eq!(ObjectKind::from_name(kind.name()), Some(kind));
        }
    }
}
