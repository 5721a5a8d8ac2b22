//! The catalogue of schema changes retort's own tests run: every kind of op
//! at least once, as the schemas before and after it.
//!
//! One list serves every test that walks the ops: the golden SQL of each
//! backend and the online steps (`render`'s unit tests), the lint's
//! agreement with the online steps (`lint`'s), and the real databases
//! (`tests/diff/render_every_op.rs`, which applies each change that starts from
//! [`base`] and its reverse to a table holding a row, and looks the row up
//! with [`Scenario::row_after`]). A new op gets its scenario here, and every
//! one of those tests covers it.
//!
//! Compiled for retort-core's own tests and with the `scenarios` feature,
//! which only the workspace's tests turn on.

use crate::schema::{
    CheckConstraint, Column, Deferral, ExclusionConstraint, ForeignKey, Index, IndexPart,
    PrimaryKey, ReferentialAction, Schema, SqlType, Table, UniqueConstraint,
};

/// One change: the schema it starts from and the one it ends at.
pub struct Scenario {
    /// What changes, for messages and snapshot headings.
    pub name: &'static str,
    /// The schema before the change.
    pub from: Schema,
    /// The schema after it.
    pub to: Schema,
    /// For a change from [`base`] that the real databases run: the table
    /// and condition (`users WHERE id = 1 AND ...`) that find
    /// [`BASE_ROWS`]' user after the change. `None` for a change the
    /// golden SQL covers alone.
    pub row_after: Option<&'static str>,
    /// The labels (`BackendKind::label`: `mysql`, ...) of the databases
    /// that refuse the change (their golden SQL is the error): the real
    /// databases run it on the others only.
    pub refused_by: &'static [&'static str],
}

/// The rows the real-database test puts in [`base`]'s tables before each
/// change.
pub const BASE_ROWS: &[&str] = &[
    "INSERT INTO teams (id, name) VALUES (1, 'red')",
    "INSERT INTO users (id, email, name, mood, team_id) VALUES (1, 'a@x', 'Ann', 'happy', 1)",
];

/// Where [`BASE_ROWS`]' user is when the change leaves the users table's
/// name and those columns alone.
const USERS_ROW: &str = "users WHERE id = 1 AND email = 'a@x'";

/// The enum type `mood` with these values.
pub fn mood(values: &[&str]) -> SqlType {
    SqlType::Enum {
        name: "mood".into(),
        values: values.iter().map(|value| value.to_string()).collect(),
    }
}

fn key(name: &str, columns: &[&str]) -> PrimaryKey {
    PrimaryKey {
        name: Some(name.into()),
        columns: columns.iter().map(|column| column.to_string()).collect(),
        ..Default::default()
    }
}

/// The teams table: an identity key and a name.
pub fn teams() -> Table {
    Table::new("teams")
        .column(Column::new("id", SqlType::BigInt).identity())
        .column(Column::new("name", SqlType::Varchar(100)))
        .primary_key(key("pk_teams", &["id"]))
}

/// The users table: one of each kind of column and constraint, with a
/// foreign key to [`teams`].
pub fn users() -> Table {
    Table::new("users")
        .column(Column::new("id", SqlType::BigInt).identity())
        .column(Column::new("email", SqlType::Varchar(255)).comment("login; it's unique"))
        .column(
            Column::new("name", SqlType::Text)
                .nullable()
                .default_expr("'anon'"),
        )
        .column(Column::new("mood", mood(&["happy", "sad"])).default_expr("'happy'"))
        .column(Column::new("team_id", SqlType::BigInt).nullable())
        .primary_key(key("pk_users", &["id"]))
        .unique(UniqueConstraint {
            name: Some("uq_users_email".into()),
            columns: vec!["email".into()],
            deferrable: None,
        })
        .check(CheckConstraint {
            name: Some("ck_users_email".into()),
            expression: "email <> ''".into(),
        })
        .foreign_key(ForeignKey {
            name: Some("fk_users_team".into()),
            columns: vec!["team_id".into()],
            referenced_schema: None,
            referenced_table: "teams".into(),
            referenced_columns: vec!["id".into()],
            on_delete: ReferentialAction::SetNull,
            on_update: ReferentialAction::NoAction,
            deferrable: None,
        })
        .index(Index::on_columns("ix_users_team", ["team_id"]))
}

/// The schema most changes start from: [`teams`] and a commented [`users`].
pub fn base() -> Schema {
    let mut users = users();
    users.comment = Some("people who log in".into());
    Schema::new(vec![teams(), users])
}

/// [`base`] with one change made to the users table.
pub fn changed(change: impl FnOnce(&mut Table)) -> Schema {
    let mut schema = base();
    if let Some(users) = schema.tables.iter_mut().find(|table| table.name == "users") {
        change(users);
    }
    schema
}

/// The column of this name, which the scenario knows the table has.
pub fn column<'a>(table: &'a mut Table, name: &str) -> &'a mut Column {
    table
        .columns
        .iter_mut()
        .find(|column| column.name == name)
        .expect("the scenario names a column of the table")
}

/// A change from [`base`] that the real databases run too.
fn runs(name: &'static str, to: Schema, row_after: &'static str) -> Scenario {
    Scenario {
        name,
        from: base(),
        to,
        row_after: Some(row_after),
        refused_by: &[],
    }
}

/// A change from [`base`] that the real databases other than `refused_by`
/// run too.
fn runs_except(
    refused_by: &'static [&'static str],
    name: &'static str,
    to: Schema,
    row_after: &'static str,
) -> Scenario {
    Scenario {
        refused_by,
        ..runs(name, to, row_after)
    }
}

/// A change the golden SQL covers alone.
fn renders(name: &'static str, from: Schema, to: Schema) -> Scenario {
    Scenario {
        name,
        from,
        to,
        row_after: None,
        refused_by: &[],
    }
}

/// Every change, in the order the snapshots list them.
pub fn scenarios() -> Vec<Scenario> {
    vec![
        renders("create tables", Schema::default(), base()),
        runs(
            "rename table",
            changed(|users| {
                users.name = "people".into();
                users.renamed_from = Some("users".into());
            }),
            "people WHERE id = 1 AND email = 'a@x'",
        ),
        runs(
            "add nullable column",
            changed(|users| {
                users
                    .columns
                    .push(Column::new("age", SqlType::Integer).nullable())
            }),
            "users WHERE id = 1 AND age IS NULL",
        ),
        runs(
            "add not null column with default",
            changed(|users| {
                users
                    .columns
                    .push(Column::new("score", SqlType::Integer).default_expr("7"))
            }),
            "users WHERE id = 1 AND score = 7",
        ),
        runs(
            "add generated column",
            changed(|users| {
                users
                    .columns
                    .push(Column::new("email_length", SqlType::Integer).generated("length(email)"))
            }),
            "users WHERE id = 1 AND email_length = 3",
        ),
        renders(
            "add virtual generated column",
            base(),
            changed(|users| {
                users.columns.push(
                    Column::new("email_length", SqlType::Integer)
                        .nullable()
                        .generated_virtual("length(email)"),
                )
            }),
        ),
        renders(
            "change generated expression",
            changed(|users| {
                users
                    .columns
                    .push(Column::new("email_length", SqlType::Integer).generated("length(email)"))
            }),
            changed(|users| {
                users.columns.push(
                    Column::new("email_length", SqlType::Integer).generated("length(email) * 2"),
                )
            }),
        ),
        runs(
            "drop column",
            changed(|users| users.columns.retain(|column| column.name != "name")),
            USERS_ROW,
        ),
        runs(
            "rename column",
            changed(|users| {
                let name = column(users, "name");
                name.name = "full_name".into();
                name.renamed_from = Some("name".into());
            }),
            "users WHERE id = 1 AND full_name = 'Ann'",
        ),
        runs(
            "alter type",
            changed(|users| column(users, "email").ty = SqlType::Varchar(320)),
            USERS_ROW,
        ),
        renders(
            "alter type that needs a cast",
            base(),
            changed(|users| column(users, "email").ty = SqlType::Uuid),
        ),
        runs(
            "alter type with a default",
            changed(|users| column(users, "name").ty = SqlType::Varchar(80)),
            "users WHERE id = 1 AND name = 'Ann'",
        ),
        runs(
            "alter nullability",
            changed(|users| column(users, "name").nullable = false),
            "users WHERE id = 1 AND name = 'Ann'",
        ),
        runs(
            "alter default",
            changed(|users| column(users, "name").default = Some("'nobody'".into())),
            USERS_ROW,
        ),
        runs(
            "drop default",
            changed(|users| column(users, "name").default = None),
            USERS_ROW,
        ),
        renders(
            "alter identity",
            Schema::new(vec![Table::new("teams")
                .column(Column::new("id", SqlType::BigInt))
                .primary_key(key("pk_teams", &["id"]))]),
            Schema::new(vec![Table::new("teams")
                .column(Column::new("id", SqlType::BigInt).identity())
                .primary_key(key("pk_teams", &["id"]))]),
        ),
        runs(
            "start generating a column",
            {
                let mut schema = base();
                schema.tables[0].columns[0].identity = false;
                schema
            },
            USERS_ROW,
        ),
        runs(
            "alter column comment",
            changed(|users| column(users, "email").comment = Some(r"a \ backslash".into())),
            USERS_ROW,
        ),
        runs(
            "table comment",
            changed(|users| users.comment = Some("everyone's".into())),
            USERS_ROW,
        ),
        runs(
            "create index",
            changed(|users| {
                users
                    .indexes
                    .push(Index::on_columns("ix_users_team_email", ["team_id", "email"]).unique())
            }),
            USERS_ROW,
        ),
        renders(
            "create expression index",
            base(),
            changed(|users| {
                users.indexes.push(Index {
                    name: "ix_users_lower_email".into(),
                    parts: vec![IndexPart::Expression("lower(email)".into())],
                    unique: true,
                    predicate: None,
                    ..Index::default()
                })
            }),
        ),
        renders(
            "partial index",
            base(),
            changed(|users| {
                users.indexes.push(Index {
                    name: "ix_users_named".into(),
                    parts: vec![IndexPart::Column("name".into())],
                    unique: false,
                    predicate: Some("name IS NOT NULL".into()),
                    ..Index::default()
                })
            }),
        ),
        runs(
            "drop index",
            changed(|users| users.indexes.clear()),
            USERS_ROW,
        ),
        renders(
            // The foreign key on those columns stays as it is.
            "index on a foreign key's columns",
            changed(|users| users.indexes.clear()),
            base(),
        ),
        runs(
            "add unique",
            changed(|users| {
                users.uniques.push(UniqueConstraint {
                    name: Some("uq_users_email_team".into()),
                    columns: vec!["email".into(), "team_id".into()],
                    deferrable: None,
                })
            }),
            USERS_ROW,
        ),
        runs(
            "drop unique",
            changed(|users| users.uniques.clear()),
            USERS_ROW,
        ),
        runs(
            "change foreign key",
            changed(|users| users.foreign_keys[0].on_delete = ReferentialAction::Cascade),
            USERS_ROW,
        ),
        runs_except(
            // In place on PostgreSQL; MySQL has no deferrable keys.
            &["mysql"],
            "defer foreign key",
            changed(|users| users.foreign_keys[0].deferrable = Some(Deferral::InitiallyDeferred)),
            USERS_ROW,
        ),
        runs_except(
            &["mysql"],
            "change foreign key and make it deferrable",
            changed(|users| {
                users.foreign_keys[0].on_delete = ReferentialAction::Cascade;
                users.foreign_keys[0].deferrable = Some(Deferral::InitiallyImmediate);
            }),
            USERS_ROW,
        ),
        runs_except(
            // Only PostgreSQL has deferrable unique constraints.
            &["mysql", "sqlite"],
            "make unique deferrable",
            changed(|users| users.uniques[0].deferrable = Some(Deferral::InitiallyDeferred)),
            USERS_ROW,
        ),
        runs_except(
            // Only PostgreSQL has exclusion constraints.
            &["mysql", "sqlite"],
            "add exclusion constraint",
            changed(|users| {
                users.exclusions.push(ExclusionConstraint::new(
                    "ex_users_email",
                    "EXCLUDE USING btree (email WITH =)",
                ))
            }),
            USERS_ROW,
        ),
        runs(
            "drop foreign key",
            changed(|users| users.foreign_keys.clear()),
            USERS_ROW,
        ),
        renders(
            // InnoDB gave the key an index of its own: it goes too.
            "drop a foreign key no index serves",
            changed(|users| users.indexes.clear()),
            changed(|users| {
                users.indexes.clear();
                users.foreign_keys.clear();
            }),
        ),
        runs(
            "add check",
            changed(|users| {
                users.checks.push(CheckConstraint {
                    name: Some("ck_users_email_length".into()),
                    expression: "length(email) < 300".into(),
                })
            }),
            USERS_ROW,
        ),
        runs(
            "drop check",
            changed(|users| users.checks.clear()),
            USERS_ROW,
        ),
        runs(
            "change primary key",
            changed(|users| {
                users.primary_key = Some(key("pk_users", &["id", "email"]));
                column(users, "id").identity = false;
            }),
            USERS_ROW,
        ),
        runs(
            "add enum values",
            changed(|users| column(users, "mood").ty = mood(&["meh", "happy", "sad", "ecstatic"])),
            "users WHERE id = 1 AND mood = 'happy'",
        ),
        renders(
            "add an enum value between two",
            base(),
            changed(|users| column(users, "mood").ty = mood(&["happy", "meh", "sad", "ecstatic"])),
        ),
        runs(
            "replace enum values",
            changed(|users| {
                let mood_column = column(users, "mood");
                mood_column.ty = mood(&["sad", "happy", "it's ok"]);
                mood_column.default = Some("'sad'".into());
            }),
            "users WHERE id = 1 AND mood = 'happy'",
        ),
        renders(
            "drop an enum value",
            base(),
            changed(|users| {
                let mood_column = column(users, "mood");
                mood_column.ty = mood(&["sad", "it's ok"]);
                mood_column.default = Some("'sad'".into());
            }),
        ),
        runs(
            "enum column to text",
            changed(|users| column(users, "mood").ty = SqlType::Text),
            "users WHERE id = 1 AND mood = 'happy'",
        ),
        renders(
            "alter the default of an enum column",
            base(),
            changed(|users| column(users, "mood").default = Some("'sad'".into())),
        ),
        runs(
            "new table",
            {
                let mut schema = base();
                schema.tables.push(
                    Table::new("badges")
                        .column(Column::new("id", SqlType::BigInt))
                        .column(Column::new("user_id", SqlType::BigInt))
                        .column(Column::new("kind", mood(&["happy", "sad"])))
                        .primary_key(key("pk_badges", &["id"]))
                        .foreign_key(ForeignKey {
                            name: Some("fk_badges_user".into()),
                            columns: vec!["user_id".into()],
                            referenced_schema: None,
                            referenced_table: "users".into(),
                            referenced_columns: vec!["id".into()],
                            on_delete: ReferentialAction::Cascade,
                            on_update: ReferentialAction::NoAction,
                            deferrable: None,
                        }),
                );
                schema
            },
            USERS_ROW,
        ),
        renders(
            "reserved words",
            Schema::default(),
            Schema::new(vec![
                Table::new("user")
                    .column(Column::new("select", SqlType::Integer))
                    .primary_key(PrimaryKey {
                        name: None,
                        columns: vec!["select".into()],
                        ..Default::default()
                    }),
                Table::new("order")
                    .column(Column::new("from", SqlType::Integer))
                    .column(Column::new("group", SqlType::Integer).nullable())
                    .foreign_key(ForeignKey {
                        name: Some("where".into()),
                        columns: vec!["group".into()],
                        referenced_schema: None,
                        referenced_table: "user".into(),
                        referenced_columns: vec!["select".into()],
                        on_delete: ReferentialAction::NoAction,
                        on_update: ReferentialAction::NoAction,
                        deferrable: None,
                    })
                    .index(Index::on_columns("table", ["from"])),
            ]),
        ),
    ]
}
