//! Objects declared by their SQL — functions, views, triggers — matched by
//! name (and a function's argument types, [`overloads`]) and compared by
//! normalized definition.
//!
//! An object the database holds and the models do not declare is reported
//! ([`WarningKind::Unmanaged`]) and left alone, unless the target schema
//! says [`UndeclaredObjects::Drop`]: [`match_declared`] is that rule, for
//! every kind of object that implements [`DeclaredObject`].
//!
//! Order (see [`plan`]): views and triggers that go away or change, views
//! that read a column or table that changes, and triggers on a table whose
//! columns change, are dropped before
//! anything else; functions are created or replaced right after the enum
//! types, before the tables whose defaults, indexes or triggers may call
//! them; triggers, then views, are created after every table change; the
//! functions that go away are dropped last.

use std::collections::BTreeSet;

use super::{overloads, DiffWarning, Op, TableName, WarningKind};
use crate::schema::{
    Domain, Extension, Function, Schema, Sequence, Trigger, UndeclaredObjects, View,
};

/// A kind of object a diff matches by name and compares by definition, and
/// leaves alone when the models do not declare it.
pub(crate) trait DeclaredObject {
    /// What it is, for messages: `function`, `view`, `trigger`.
    fn kind(&self) -> &'static str;
    /// What names it among its kind: namespace, table (for triggers) and
    /// name.
    fn key(&self) -> (Option<&str>, Option<&str>, &str);
    /// How people name it in a message.
    fn describe(&self) -> String;
    /// Whether the two are the same object, up to spacing and letter case.
    fn same_as(&self, other: &Self) -> bool;
    /// The builder call that declares it.
    fn declaration(&self) -> &'static str;
    /// What tells apart objects of one key: a function's argument types
    /// ([`overloads::signature`]); empty for other kinds.
    fn signature(&self) -> String {
        String::new()
    }
}

/// Pairs each of `to`'s objects with the object of `from` it is: the one
/// with its key and [`DeclaredObject::signature`]; failing that, the one
/// object of `from` with its key that nothing else pairs with, when `to`
/// has one object left with that key too (a function whose arguments
/// changed). Returns each of `to`'s objects with its partner, and the
/// objects of `from` left without one.
pub(crate) fn pair<'a, T: DeclaredObject>(
    from: &'a [T],
    to: &'a [T],
) -> (Vec<(Option<&'a T>, &'a T)>, Vec<&'a T>) {
    let mut taken = vec![false; from.len()];
    let mut partners: Vec<Option<usize>> = to
        .iter()
        .map(|new| {
            let at = from.iter().enumerate().position(|(at, old)| {
                !taken[at] && old.key() == new.key() && old.signature() == new.signature()
            })?;
            taken[at] = true;
            Some(at)
        })
        .collect();
    for (at_new, new) in to.iter().enumerate() {
        if partners[at_new].is_some() {
            continue;
        }
        let left_in_from: Vec<usize> = (0..from.len())
            .filter(|&at| !taken[at] && from[at].key() == new.key())
            .collect();
        let left_in_to = (0..to.len())
            .filter(|&at| partners[at].is_none() && to[at].key() == new.key())
            .count();
        if let ([only], 1) = (left_in_from.as_slice(), left_in_to) {
            taken[*only] = true;
            partners[at_new] = Some(*only);
        }
    }
    let paired = to
        .iter()
        .zip(partners)
        .map(|(new, partner)| (partner.map(|at| &from[at]), new))
        .collect();
    let unpaired = from
        .iter()
        .zip(taken)
        .filter(|(_, taken)| !taken)
        .map(|(old, _)| old)
        .collect();
    (paired, unpaired)
}

/// How objects of one kind pair up between the two sides.
pub(crate) struct Matched<'a, T> {
    /// Declared, and not in the database.
    pub(crate) created: Vec<&'a T>,
    /// On both sides, with different definitions: (before, after).
    pub(crate) changed: Vec<(&'a T, &'a T)>,
    /// On both sides, the same.
    pub(crate) kept: Vec<(&'a T, &'a T)>,
    /// In the database, not declared, and to be dropped.
    pub(crate) dropped: Vec<&'a T>,
}

/// Pairs `from`'s objects with `to`'s ([`pair`]). An object only `from` has is
/// dropped under [`UndeclaredObjects::Drop`]; under
/// [`UndeclaredObjects::Report`] it is reported in `warnings` and left
/// alone.
pub(crate) fn match_declared<'a, T: DeclaredObject>(
    from: &'a [T],
    to: &'a [T],
    undeclared: UndeclaredObjects,
    warnings: &mut Vec<DiffWarning>,
) -> Matched<'a, T> {
    let mut matched = Matched {
        created: Vec::new(),
        changed: Vec::new(),
        kept: Vec::new(),
        dropped: Vec::new(),
    };
    let (paired, unpaired) = pair(from, to);
    for (old, new) in paired {
        match old {
            Some(old) if old.same_as(new) => matched.kept.push((old, new)),
            Some(old) => matched.changed.push((old, new)),
            None => matched.created.push(new),
        }
    }
    for old in unpaired {
        match undeclared {
            UndeclaredObjects::Drop => matched.dropped.push(old),
            UndeclaredObjects::Report => warnings.push(unmanaged(old)),
        }
    }
    matched
}

/// The warning for an object the database holds and the models do not
/// declare.
pub(crate) fn unmanaged<T: DeclaredObject>(object: &T) -> DiffWarning {
    DiffWarning {
        kind: WarningKind::Unmanaged,
        op: None,
        message: format!(
            "{} {} is in the database but not in the models: left alone (declare it with `{}` to manage it, or call `Schema::drop_undeclared_objects` to drop what the models do not declare)",
            object.kind(),
            object.describe(),
            object.declaration()
        ),
    }
}

fn qualified(schema: Option<&str>, name: &str) -> String {
    match schema {
        Some(schema) => format!("{schema}.{name}"),
        None => name.to_owned(),
    }
}

impl DeclaredObject for Function {
    fn kind(&self) -> &'static str {
        if self.procedure {
            "procedure"
        } else {
            "function"
        }
    }
    fn key(&self) -> (Option<&str>, Option<&str>, &str) {
        (self.schema.as_deref(), None, &self.name)
    }
    fn describe(&self) -> String {
        qualified(self.schema.as_deref(), &self.name)
    }
    fn same_as(&self, other: &Self) -> bool {
        self.procedure == other.procedure
            && normalized_definition(&self.definition) == normalized_definition(&other.definition)
    }
    fn declaration(&self) -> &'static str {
        if self.procedure {
            "Schema::procedure"
        } else {
            "Schema::function"
        }
    }
    fn signature(&self) -> String {
        overloads::signature(self)
    }
}

impl DeclaredObject for View {
    fn kind(&self) -> &'static str {
        if self.materialized {
            "materialized view"
        } else {
            "view"
        }
    }
    fn key(&self) -> (Option<&str>, Option<&str>, &str) {
        (self.schema.as_deref(), None, &self.name)
    }
    fn describe(&self) -> String {
        qualified(self.schema.as_deref(), &self.name)
    }
    fn same_as(&self, other: &Self) -> bool {
        self.materialized == other.materialized
            && normalized_definition(&self.definition) == normalized_definition(&other.definition)
    }
    fn declaration(&self) -> &'static str {
        if self.materialized {
            "Schema::materialized_view"
        } else {
            "Schema::view"
        }
    }
}

impl DeclaredObject for Trigger {
    fn kind(&self) -> &'static str {
        "trigger"
    }
    fn key(&self) -> (Option<&str>, Option<&str>, &str) {
        (self.schema.as_deref(), Some(&self.table), &self.name)
    }
    fn describe(&self) -> String {
        format!(
            "{} on {}",
            self.name,
            qualified(self.schema.as_deref(), &self.table)
        )
    }
    fn same_as(&self, other: &Self) -> bool {
        normalized_definition(&self.definition) == normalized_definition(&other.definition)
    }
    fn declaration(&self) -> &'static str {
        "Schema::trigger"
    }
}

impl DeclaredObject for Domain {
    fn kind(&self) -> &'static str {
        "domain"
    }
    fn key(&self) -> (Option<&str>, Option<&str>, &str) {
        (self.schema.as_deref(), None, &self.name)
    }
    fn describe(&self) -> String {
        qualified(self.schema.as_deref(), &self.name)
    }
    fn same_as(&self, other: &Self) -> bool {
        self == other
    }
    fn declaration(&self) -> &'static str {
        "Schema::domain"
    }
}

impl DeclaredObject for Sequence {
    fn kind(&self) -> &'static str {
        "sequence"
    }
    fn key(&self) -> (Option<&str>, Option<&str>, &str) {
        (self.schema.as_deref(), None, &self.name)
    }
    fn describe(&self) -> String {
        qualified(self.schema.as_deref(), &self.name)
    }
    fn same_as(&self, other: &Self) -> bool {
        self == other
    }
    fn declaration(&self) -> &'static str {
        "Schema::sequence"
    }
}

impl DeclaredObject for Extension {
    fn kind(&self) -> &'static str {
        "extension"
    }
    fn key(&self) -> (Option<&str>, Option<&str>, &str) {
        // Known by name alone, wherever its objects live.
        (None, None, &self.name)
    }
    fn describe(&self) -> String {
        self.name.clone()
    }
    fn same_as(&self, other: &Self) -> bool {
        self == other
    }
    fn declaration(&self) -> &'static str {
        "Schema::extension"
    }
}

/// The ops on functions, views and triggers of a diff, in the groups that
/// run at different places of it.
pub(super) struct ObjectOps {
    /// Views and triggers dropped before any other op.
    pub(super) first: Vec<Op>,
    /// Functions created or replaced after the enum types.
    pub(super) functions: Vec<Op>,
    /// Functions that name a table the diff creates, and aggregates, then
    /// triggers, then views, created after every table change; then the
    /// functions that go away dropped.
    pub(super) last: Vec<Op>,
}

/// The ops that bring `from`'s functions, views and triggers to `to`'s,
/// given the table ops of the diff (`table_ops`): a view that reads a
/// table or column these drop, rename or change the type of is dropped
/// first and created again last, as is every view that reads it.
pub(super) fn plan(
    from: &Schema,
    to: &Schema,
    table_ops: &[Op],
    warnings: &mut Vec<DiffWarning>,
) -> ObjectOps {
    let undeclared = to.undeclared;
    let functions = match_declared(&from.functions, &to.functions, undeclared, warnings);
    let views = match_declared(&from.views, &to.views, undeclared, warnings);
    let triggers = match_declared(&from.triggers, &to.triggers, undeclared, warnings);
    let touched = touched_names(table_ops);
    let dropped_tables: BTreeSet<TableName> = table_ops
        .iter()
        .filter_map(|op| match op {
            Op::DropTable { table } => Some(TableName::of(table)),
            _ => None,
        })
        .collect();

    // Views: those that change, or read what changes, are dropped and
    // created again, with every view that reads one of them.
    let mut recreated: Vec<(&View, &View)> = views.changed.clone();
    let mut kept: Vec<(&View, &View)> = Vec::new();
    for (old, new) in views.kept {
        if reads_touched(&old.definition, &touched) {
            recreated.push((old, new));
        } else {
            kept.push((old, new));
        }
    }
    let mut gone: Vec<&View> = views.dropped.clone();
    loop {
        let names: BTreeSet<String> = recreated
            .iter()
            .map(|(old, _)| old.name.to_lowercase())
            .chain(gone.iter().map(|view| view.name.to_lowercase()))
            .collect();
        let (reading, rest): (Vec<_>, Vec<_>) = kept
            .into_iter()
            .partition(|(old, _)| reads_any(&old.definition, &names));
        kept = rest;
        if reading.is_empty() {
            break;
        }
        recreated.extend(reading);
    }
    gone.extend(recreated.iter().map(|(old, _)| *old));
    let mut created: Vec<&View> = views.created.clone();
    created.extend(recreated.iter().map(|(_, new)| *new));

    let mut first: Vec<Op> = in_dependency_order(gone)
        .into_iter()
        .rev()
        .map(|view| Op::DropView { view: view.clone() })
        .collect();

    // Triggers: changed ones dropped first and created last; those of a
    // table that is dropped go with it, declared or not.
    let mut triggers_gone: Vec<&Trigger> = triggers.dropped.clone();
    triggers_gone.extend(triggers.changed.iter().map(|(old, _)| *old));
    // A kept trigger on a table whose columns or constraints change is
    // dropped first and created last: a database may refuse to change a
    // column a trigger reads, and SQLite's table rebuild would drop it.
    // Adding a column counts too: the down section drops it, by a rebuild
    // on SQLite.
    let reshaped = reshaped_tables(table_ops);
    let mut triggers_created: Vec<&Trigger> = triggers.created.clone();
    triggers_created.extend(triggers.changed.iter().map(|(_, new)| *new));
    for (old, new) in &triggers.kept {
        let table = trigger_table(old);
        if dropped_tables.contains(&table) {
            triggers_gone.push(old);
        } else if reshaped.contains(&table.name.to_lowercase()) {
            triggers_gone.push(old);
            triggers_created.push(new);
        }
    }
    for trigger in &from.triggers {
        let undeclared_here = !to.triggers.iter().any(|new| new.key() == trigger.key());
        if undeclared_here
            && undeclared == UndeclaredObjects::Report
            && dropped_tables.contains(&trigger_table(trigger))
        {
            triggers_gone.push(trigger);
        }
    }
    first.extend(triggers_gone.into_iter().map(|trigger| Op::DropTrigger {
        trigger: trigger.clone(),
    }));

    // Functions before the tables whose defaults and indexes may call
    // them; but one that names a table the diff creates (a `SETOF
    // customer` result, a `customer` argument) after the tables, as are
    // aggregates, after the functions they are made of. Aggregates are
    // dropped before those functions.
    let created_tables: BTreeSet<String> = table_ops
        .iter()
        .filter_map(|op| match op {
            Op::CreateTable { table } => Some(table.name.to_lowercase()),
            _ => None,
        })
        .collect();
    let (late, early): (Vec<&Function>, Vec<&Function>) =
        functions.created.iter().partition(|function| {
            is_aggregate(function) || reads_any(&function.definition, &created_tables)
        });
    let mut late = late;
    late.sort_by_key(|function| is_aggregate(function));
    let mut functions_dropped = functions.dropped.clone();
    functions_dropped.sort_by_key(|function| !is_aggregate(function));
    let create = |function: &&Function| Op::CreateFunction {
        function: (*function).clone(),
    };
    let mut function_ops: Vec<Op> = early.iter().map(create).collect();
    function_ops.extend(
        functions
            .changed
            .iter()
            .map(|(old, new)| Op::ReplaceFunction {
                old: (*old).clone(),
                new: (*new).clone(),
            }),
    );

    let mut last: Vec<Op> = late.iter().map(create).collect();
    last.extend(
        triggers_created
            .into_iter()
            .map(|trigger| Op::CreateTrigger {
                trigger: trigger.clone(),
            }),
    );
    last.extend(
        in_dependency_order(created)
            .into_iter()
            .map(|view| Op::CreateView { view: view.clone() }),
    );
    last.extend(functions_dropped.iter().map(|function| Op::DropFunction {
        function: (*function).clone(),
    }));
    ObjectOps {
        first,
        functions: function_ops,
        last,
    }
}

fn trigger_table(trigger: &Trigger) -> TableName {
    TableName {
        schema: trigger.schema.clone(),
        name: trigger.table.clone(),
    }
}

/// A table, or a column of a table, that ops drop, rename or change the
/// type of, in lower case: a view reading it is created again around the
/// change.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Touched {
    table: String,
    column: Option<String>,
}

/// What `ops` drop, rename, change the type of, or make generated or plain.
fn touched_names(ops: &[Op]) -> Vec<Touched> {
    let touched = |table: &str, column: Option<&str>| Touched {
        table: table.to_lowercase(),
        column: column.map(str::to_lowercase),
    };
    let mut names = Vec::new();
    for op in ops {
        match op {
            Op::DropTable { table } => names.push(touched(&table.name, None)),
            Op::RenameTable { from, .. } => names.push(touched(from, None)),
            Op::DropColumn { table, column } => {
                names.push(touched(&table.name, Some(&column.name)));
            }
            Op::RenameColumn { table, from, .. } => names.push(touched(&table.name, Some(from))),
            // Dropped and added again one way (PostgreSQL refuses while a
            // view reads it), rebuilt on SQLite.
            Op::SetColumnGeneration { table, old, .. } => {
                names.push(touched(&table.name, Some(&old.name)));
            }
            Op::AlterColumn { table, old, new } if old.ty != new.ty => {
                names.push(touched(&table.name, Some(&old.name)));
            }
            Op::AddEnumValues { columns, .. } | Op::ReplaceEnumValues { columns, .. } => {
                names.extend(
                    columns
                        .iter()
                        .map(|column| touched(&column.table.name, Some(&column.column))),
                );
            }
            _ => {}
        }
    }
    names
}

/// The tables (lower case) whose columns or constraints `ops` change, in
/// either direction: what SQLite rebuilds, for the diff or its reverse.
fn reshaped_tables(ops: &[Op]) -> BTreeSet<String> {
    let mut tables: BTreeSet<String> = touched_names(ops)
        .into_iter()
        .map(|touched| touched.table)
        .collect();
    tables.extend(ops.iter().filter_map(|op| match op {
        Op::AddColumn { table, .. }
        | Op::AlterColumn { table, .. }
        | Op::AddForeignKey { table, .. }
        | Op::DropForeignKey { table, .. }
        | Op::SetForeignKeyDeferral { table, .. }
        | Op::AddCheck { table, .. }
        | Op::DropCheck { table, .. }
        | Op::AddExclusion { table, .. }
        | Op::DropExclusion { table, .. }
        | Op::AddUnique { table, .. }
        | Op::DropUnique { table, .. }
        | Op::AddPrimaryKey { table, .. }
        | Op::DropPrimaryKey { table, .. }
        | Op::SetSqliteTableOptions { table, .. } => Some(table.name.to_lowercase()),
        _ => None,
    }));
    tables
}

/// The names a definition mentions, in lower case: its words and its
/// quoted names, unquoted.
fn names_in(definition: &str) -> BTreeSet<String> {
    normalized_definition(definition)
        .split(' ')
        .map(str::to_lowercase)
        .collect()
}

/// Whether `definition` mentions a table of `touched` (and its column, for
/// a column).
fn reads_touched(definition: &str, touched: &[Touched]) -> bool {
    if touched.is_empty() {
        return false;
    }
    let names = names_in(definition);
    touched.iter().any(|touched| {
        names.contains(&touched.table)
            && touched
                .column
                .as_ref()
                .is_none_or(|column| names.contains(column))
    })
}

/// Whether `definition` mentions one of `names` (lower case).
fn reads_any(definition: &str, names: &BTreeSet<String>) -> bool {
    !names.is_empty() && names_in(definition).iter().any(|name| names.contains(name))
}

/// `views` ordered so that a view comes after the views it reads.
fn in_dependency_order(mut views: Vec<&View>) -> Vec<&View> {
    views.sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
    views.dedup_by(|a, b| a.key() == b.key());
    let mut ordered: Vec<&View> = Vec::with_capacity(views.len());
    while !views.is_empty() {
        let pending: BTreeSet<String> = views.iter().map(|view| view.name.to_lowercase()).collect();
        let ready = views.iter().position(|view| {
            let mut own = pending.clone();
            own.remove(&view.name.to_lowercase());
            !reads_any(&view.definition, &own)
        });
        // A cycle (which no database allows) keeps the order by name.
        ordered.push(views.remove(ready.unwrap_or(0)));
    }
    ordered
}

/// Whether two definitions are the same up to spacing, letter case outside
/// strings and quoted names, comments and trailing semicolons.
///
/// ```
/// use retort_core::diff::same_definition;
///
/// assert!(same_definition("SELECT id\n  FROM users;", "select id from users"));
/// assert!(!same_definition("SELECT 'A'", "SELECT 'a'"));
/// ```
pub fn same_definition(a: &str, b: &str) -> bool {
    normalized_definition(a) == normalized_definition(b)
}

/// The words of a definition as [`same_definition`] compares them: its
/// tokens (comments dropped; `"x"`, `` `x` `` and `[x]` read as quoted
/// names, which the three dialects' texts share), words in lower case,
/// quoted names unquoted, separated by one space, trailing semicolons
/// dropped.
pub(crate) fn normalized_definition(sql: &str) -> String {
    use crate::backend::lexer::{tokens, unquote_name, TokenKind};
    use crate::backend::BackendKind;
    let mut words: Vec<String> = tokens(sql, BackendKind::Sqlite)
        .map(|token| {
            let text = token.text(sql);
            match token.kind {
                TokenKind::Word => text.to_lowercase(),
                TokenKind::QuotedName => unquote_name(text),
                _ => text.to_owned(),
            }
        })
        .collect();
    while words.last().is_some_and(|word| word == ";") {
        words.pop();
    }
    words.join(" ")
}

/// Whether a function's definition creates an aggregate (`CREATE
/// AGGREGATE`, as PostgreSQL's introspection writes one): created after
/// the functions it is made of, dropped as an aggregate.
pub(crate) fn is_aggregate(function: &Function) -> bool {
    let words = normalized_definition(&function.definition);
    words.starts_with("create aggregate ") || words.starts_with("create or replace aggregate ")
}
