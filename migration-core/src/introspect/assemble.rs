//! Putting rows together into a [`Schema`]: the part of every backend's last
//! stage that is the same for all of them.

use std::collections::HashMap;

use crate::schema::{Function, ReferentialAction, Schema, Table, Trigger, View};

/// Tables keyed by namespace and name while a backend's rows are sorted into
/// them. Tables of the default namespace get `schema: None`.
#[derive(Debug)]
pub(crate) struct SchemaBuilder {
    default_namespace: String,
    tables: Vec<Table>,
    by_name: HashMap<(String, String), usize>,
    functions: Vec<Function>,
    views: Vec<View>,
    triggers: Vec<Trigger>,
}

impl SchemaBuilder {
    /// An empty schema whose default namespace is `default_namespace`.
    pub(crate) fn new(default_namespace: &str) -> Self {
        SchemaBuilder {
            default_namespace: default_namespace.to_owned(),
            tables: Vec::new(),
            by_name: HashMap::new(),
            functions: Vec::new(),
            views: Vec::new(),
            triggers: Vec::new(),
        }
    }

    /// `None` for the default namespace, else the namespace.
    pub(crate) fn namespace(&self, namespace: &str) -> Option<String> {
        (namespace != self.default_namespace).then(|| namespace.to_owned())
    }

    /// Adds an empty table and returns where it is, for [`table_at_mut`].
    ///
    /// [`table_at_mut`]: Self::table_at_mut
    pub(crate) fn add_table(
        &mut self,
        namespace: &str,
        name: &str,
        comment: Option<String>,
    ) -> usize {
        let mut table = Table::new(name);
        table.schema = self.namespace(namespace);
        table.comment = comment.filter(|comment| !comment.is_empty());
        let at = self.tables.len();
        self.by_name
            .insert((namespace.to_owned(), name.to_owned()), at);
        self.tables.push(table);
        at
    }

    /// The table, if it was added: rows of tables the filter left out (or
    /// that are not tables) are dropped by the caller.
    pub(crate) fn table_mut(&mut self, namespace: &str, name: &str) -> Option<&mut Table> {
        let at = *self.by_name.get(&(namespace.to_owned(), name.to_owned()))?;
        self.tables.get_mut(at)
    }

    /// The table [`add_table`](Self::add_table) put at `at`: a backend that
    /// knows its tables by a number of its own (PostgreSQL's oids) keeps
    /// where each went instead of looking names up.
    // Only PostgreSQL's introspection, compiled with its feature, uses it.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    pub(crate) fn table_at(&self, at: usize) -> Option<&Table> {
        self.tables.get(at)
    }

    /// As [`table_at`](Self::table_at), to change the table.
    // Only PostgreSQL's introspection, compiled with its feature, uses it.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    pub(crate) fn table_at_mut(&mut self, at: usize) -> Option<&mut Table> {
        self.tables.get_mut(at)
    }

    /// Every table read so far.
    pub(crate) fn tables_mut(&mut self) -> impl Iterator<Item = &mut Table> {
        self.tables.iter_mut()
    }

    /// Adds a function or procedure of `namespace`, from its whole `CREATE`
    /// statement.
    pub(crate) fn add_function(
        &mut self,
        namespace: &str,
        name: &str,
        procedure: bool,
        definition: String,
    ) {
        self.functions.push(Function {
            schema: self.namespace(namespace),
            name: name.to_owned(),
            procedure,
            definition,
        });
    }

    /// Adds a view of `namespace`, from its query.
    pub(crate) fn add_view(
        &mut self,
        namespace: &str,
        name: &str,
        materialized: bool,
        definition: String,
    ) {
        self.views.push(View {
            schema: self.namespace(namespace),
            name: name.to_owned(),
            materialized,
            definition,
        });
    }

    /// Adds a trigger on a table of `namespace`, from its whole `CREATE
    /// TRIGGER` statement.
    pub(crate) fn add_trigger(
        &mut self,
        namespace: &str,
        table: &str,
        name: &str,
        definition: String,
    ) {
        self.triggers.push(Trigger {
            schema: self.namespace(namespace),
            table: table.to_owned(),
            name: name.to_owned(),
            definition,
        });
    }

    /// Adds a trigger on the table [`add_table`](Self::add_table) put at
    /// `at`.
    // Only PostgreSQL's introspection, compiled with its feature, uses it.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    pub(crate) fn add_trigger_at(&mut self, at: usize, name: &str, definition: String) {
        let Some(table) = self.tables.get(at) else {
            return;
        };
        self.triggers.push(Trigger {
            schema: table.schema.clone(),
            table: table.name.clone(),
            name: name.to_owned(),
            definition,
        });
    }

    /// The finished schema.
    pub(crate) fn finish(self) -> Schema {
        Schema {
            functions: self.functions,
            views: self.views,
            triggers: self.triggers,
            ..Schema::new(self.tables)
        }
    }
}

/// A referential action by its SQL name (`NO ACTION`, `set null`, ...).
pub(crate) fn action_by_name(name: &str) -> Option<ReferentialAction> {
    match name.trim().to_ascii_uppercase().as_str() {
        "NO ACTION" => Some(ReferentialAction::NoAction),
        "RESTRICT" => Some(ReferentialAction::Restrict),
        "CASCADE" => Some(ReferentialAction::Cascade),
        "SET NULL" => Some(ReferentialAction::SetNull),
        "SET DEFAULT" => Some(ReferentialAction::SetDefault),
        _ => None,
    }
}
