//! Moving an application from the `schema.rs` that `diesel print-schema`
//! writes to the tables `#[model(diesel_table)]` generates: the same
//! queries give the same answers through both, on each backend, and
//! `schema_rs_differences!` says where a `schema.rs` and the models
//! disagree, in messages that say what to change.

use crate::support;

use retort::query::TableDifference;

/// The models, which generate `teams`, `users` and `memberships`. (The
/// application's rows are its own structs below, so the fields are read
/// only through `Model::table()`.)
#[allow(dead_code)]
mod models {
    use retort::Model;

    /// A team.
    #[derive(Model)]
    #[model(table = "teams", diesel_table)]
    pub struct Team {
        #[model(primary_key)]
        pub id: i64,
        #[model(unique, max_length = 100)]
        pub name: String,
    }

    /// Someone who signs in.
    #[derive(Model)]
    #[model(table = "users", diesel_table)]
    pub struct User {
        #[model(primary_key)]
        pub id: i64,
        #[model(unique, max_length = 255)]
        pub email: String,
        pub display_name: Option<String>,
        #[model(references = "teams.id", on_delete = "cascade", index)]
        pub team_id: Option<i64>,
        pub active: bool,
        pub logins: i32,
    }

    /// Which users belong to which teams: a composite key.
    #[derive(Model)]
    #[model(table = "memberships", diesel_table)]
    pub struct Membership {
        #[model(primary_key, references = "users.id")]
        pub user_id: i64,
        #[model(primary_key, references = "teams.id")]
        pub team_id: i64,
        #[model(max_length = 20)]
        pub role: String,
    }

    retort::diesel_tables!(teams, users, memberships);
}

/// The application's `schema.rs` before the move, as `diesel print-schema`
/// wrote it from a PostgreSQL database the models were migrated to.
mod schema {
    diesel::table! {
        memberships (user_id, team_id) {
            user_id -> Int8,
            team_id -> Int8,
            #[max_length = 20]
            role -> Varchar,
        }
    }

    diesel::table! {
        teams (id) {
            id -> Int8,
            #[max_length = 100]
            name -> Varchar,
        }
    }

    diesel::table! {
        users (id) {
            id -> Int8,
            #[max_length = 255]
            email -> Varchar,
            display_name -> Nullable<Text>,
            team_id -> Nullable<Int8>,
            active -> Bool,
            logins -> Int4,
        }
    }

    diesel::joinable!(memberships -> teams (team_id));
    diesel::joinable!(memberships -> users (user_id));
    diesel::joinable!(users -> teams (team_id));

    diesel::allow_tables_to_appear_in_same_query!(memberships, teams, users);
}

/// A `schema.rs` that drifted from the models, one difference of each kind.
mod drifted {
    diesel::table! {
        users (id) {
            id -> Int8,
            email -> Varchar,
            display_name -> Text,
            active -> Nullable<Bool>,
            logins -> Int8,
            nickname -> Nullable<Text>,
        }
    }

    diesel::table! {
        memberships (user_id) {
            user_id -> Int8,
            team_id -> Int8,
            role -> Text,
        }
    }
}

#[test]
fn print_schema_output_matches_the_generated_tables() {
    let differences = retort::schema_rs_differences!(
        schema::teams => models::teams,
        schema::users => models::users,
        schema::memberships => models::memberships,
    );
    assert!(differences.is_empty(), "{differences}");
    assert_eq!(
        differences.to_string(),
        "schema.rs matches the generated tables"
    );
}

#[test]
fn each_difference_names_the_column_and_what_to_change() {
    let differences = retort::schema_rs_differences!(
        drifted::users => models::users,
        drifted::memberships => models::memberships,
    );
    let found: Vec<&TableDifference> = differences.iter().collect();
    let column = |column: &str| column.to_owned();
    assert_eq!(
        found,
        [
            &TableDifference::Nullability {
                table: "users".into(),
                column: column("display_name"),
                nullable_in_schema_rs: false,
            },
            &TableDifference::Nullability {
                table: "users".into(),
                column: column("active"),
                nullable_in_schema_rs: true,
            },
            &TableDifference::SqlType {
                table: "users".into(),
                column: column("logins"),
                schema_rs: "BigInt".into(),
                model: "Integer".into(),
                schema_rs_path: "diesel::sql_types::BigInt".into(),
            },
            &TableDifference::OnlyInSchemaRs {
                table: "users".into(),
                column: column("nickname"),
            },
            &TableDifference::OnlyInModel {
                table: "users".into(),
                column: column("team_id"),
            },
            &TableDifference::PrimaryKey {
                table: "memberships".into(),
                schema_rs: vec![column("user_id")],
                model: vec![column("user_id"), column("team_id")],
            },
        ]
    );
    let messages: Vec<String> = differences.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "column users.display_name is NOT NULL in schema.rs but nullable in the model: make \
             the field a plain type instead of an `Option<...>`, or add a revision that lets the \
             column hold NULL",
            "column users.active is nullable in schema.rs but NOT NULL in the model: make the \
             field an `Option<...>`, or add a revision that makes the column NOT NULL",
            "column users.logins is `BigInt` in schema.rs but `Integer` in the generated table: \
             change the field's type or its `#[model(sql_type = \"...\")]` to match the \
             database, or keep schema.rs's type with \
             `#[model(diesel_type = \"diesel::sql_types::BigInt\")]`",
            "column users.nickname is in schema.rs but no field of the model makes it: add a \
             field for it (the next autogenerated revision would drop the column), or remove \
             it from schema.rs if the database no longer has it",
            "column users.team_id comes from the model but is not in schema.rs: apply the \
             pending migrations and run `diesel print-schema` again, or, if the column is not \
             meant to exist, remove its field",
            "table memberships has the primary key (user_id) in schema.rs but (user_id, \
             team_id) in the model: mark the key's fields `#[model(primary_key)]`, in the \
             key's order, or name them with `#[model(primary_key(columns(...)))]` on the struct",
        ]
    );
    assert_eq!(differences.to_string(), messages.join("\n"));
}

/// A user as loaded: id, email, display name, team, active, logins.
type UserAnswer = (i64, String, Option<String>, Option<i64>, bool, i32);

/// What the application's queries answered, compared before and after.
#[derive(Debug, PartialEq)]
pub struct Answers {
    users: Vec<UserAnswer>,
    members_of_core: Vec<(String, String)>,
    team_sizes: Vec<(String, i64)>,
    active: i64,
    after_update: Vec<(String, i32)>,
    left_after_delete: Vec<String>,
}

/// The application's queries, written once; `$schema` is where its tables
/// come from: `schema` before the move, `models` after. Only that `use`
/// changes.
macro_rules! the_application {
    ($app:ident, $schema:ident) => {
        mod $app {
            use diesel::prelude::*;

            use super::$schema::{memberships, teams, users};
            use super::Answers;

            #[derive(Insertable)]
            #[diesel(table_name = teams)]
            struct NewTeam<'a> {
                name: &'a str,
            }

            #[derive(Insertable)]
            #[diesel(table_name = users)]
            struct NewUser<'a> {
                email: &'a str,
                display_name: Option<&'a str>,
                team_id: Option<i64>,
                active: bool,
                logins: i32,
            }

            #[derive(Queryable, Selectable, Debug)]
            #[diesel(table_name = users)]
            struct UserRow {
                id: i64,
                email: String,
                display_name: Option<String>,
                team_id: Option<i64>,
                active: bool,
                logins: i32,
            }

            pub fn run(conn: &mut super::Conn) -> QueryResult<Answers> {
                diesel::insert_into(teams::table)
                    .values(&vec![NewTeam { name: "core" }, NewTeam { name: "web" }])
                    .execute(conn)?;
                let core: i64 = teams::table
                    .filter(teams::name.eq("core"))
                    .select(teams::id)
                    .first(conn)?;
                let web: i64 = teams::table
                    .filter(teams::name.eq("web"))
                    .select(teams::id)
                    .first(conn)?;
                diesel::insert_into(users::table)
                    .values(&vec![
                        NewUser {
                            email: "ada@example.com",
                            display_name: Some("Ada"),
                            team_id: Some(core),
                            active: true,
                            logins: 3,
                        },
                        NewUser {
                            email: "bob@example.com",
                            display_name: None,
                            team_id: Some(web),
                            active: false,
                            logins: 0,
                        },
                        NewUser {
                            email: "cy@example.com",
                            display_name: Some("Cy"),
                            team_id: None,
                            active: true,
                            logins: 1,
                        },
                    ])
                    .execute(conn)?;
                let ids: Vec<i64> = users::table.order(users::id).select(users::id).load(conn)?;
                diesel::insert_into(memberships::table)
                    .values(&vec![
                        (
                            memberships::user_id.eq(ids[0]),
                            memberships::team_id.eq(core),
                            memberships::role.eq("lead"),
                        ),
                        (
                            memberships::user_id.eq(ids[2]),
                            memberships::team_id.eq(core),
                            memberships::role.eq("member"),
                        ),
                    ])
                    .execute(conn)?;

                let users = users::table
                    .order(users::id)
                    .select(UserRow::as_select())
                    .load(conn)?
                    .into_iter()
                    .map(|u| (u.id, u.email, u.display_name, u.team_id, u.active, u.logins))
                    .collect();
                let members_of_core = memberships::table
                    .inner_join(users::table)
                    .inner_join(teams::table)
                    .filter(teams::name.eq("core"))
                    .order(users::email)
                    .select((users::email, memberships::role))
                    .load(conn)?;
                let team_sizes = teams::table
                    .left_join(users::table)
                    .group_by(teams::name)
                    .order(teams::name)
                    .select((teams::name, diesel::dsl::count(users::id.nullable())))
                    .load(conn)?;
                let active = users::table
                    .filter(users::active.eq(true))
                    .count()
                    .get_result(conn)?;
                diesel::update(users::table.filter(users::display_name.is_null()))
                    .set((
                        users::display_name.eq("Bob"),
                        users::logins.eq(users::logins + 1),
                    ))
                    .execute(conn)?;
                let after_update = users::table
                    .filter(users::display_name.is_not_null())
                    .order(users::id)
                    .select((users::email, users::logins))
                    .load(conn)?;
                diesel::delete(memberships::table.filter(memberships::role.eq("member")))
                    .execute(conn)?;
                diesel::delete(users::table.filter(users::team_id.is_null())).execute(conn)?;
                let left_after_delete = users::table
                    .order(users::email)
                    .select(users::email)
                    .load(conn)?;
                Ok(Answers {
                    users,
                    members_of_core,
                    team_sizes,
                    active,
                    after_update,
                    left_after_delete,
                })
            }
        }
    };
}

macro_rules! adoption_tests {
    ($backend:ident, $feature:literal, $connection:ty) => {
        #[cfg(feature = $feature)]
        mod $backend {
            use super::*;

            type Conn = $connection;

            the_application!(with_schema_rs, schema);
            the_application!(with_diesel_table, models);

            /// A fresh database the models were migrated to.
            fn migrated(db: &support::TestDatabase<Conn>) -> Conn {
                let mut conn = db.connect();
                support::apply_diff(
                    &mut conn,
                    &retort::Schema::new(Vec::new()),
                    &retort::schema![models::Team, models::User, models::Membership],
                );
                conn
            }

            #[test]
            fn the_same_queries_answer_alike_through_both() {
                support::run::<Conn>(|before| {
                    support::run::<Conn>(|after| {
                        let answers = with_schema_rs::run(&mut migrated(before)).unwrap();
                        assert_eq!(
                            with_diesel_table::run(&mut migrated(after)).unwrap(),
                            answers
                        );
                        // And what they answered is what the application
                        // relies on.
                        assert_eq!(answers.users.len(), 3);
                        assert_eq!(answers.users[1].2, None);
                        assert_eq!(
                            answers.members_of_core,
                            [
                                ("ada@example.com".to_owned(), "lead".to_owned()),
                                ("cy@example.com".to_owned(), "member".to_owned()),
                            ]
                        );
                        assert_eq!(
                            answers.team_sizes,
                            [("core".to_owned(), 1), ("web".to_owned(), 1)]
                        );
                        assert_eq!(answers.active, 2);
                        assert_eq!(
                            answers.after_update,
                            [
                                ("ada@example.com".to_owned(), 3),
                                ("bob@example.com".to_owned(), 1),
                                ("cy@example.com".to_owned(), 1),
                            ]
                        );
                        assert_eq!(
                            answers.left_after_delete,
                            ["ada@example.com", "bob@example.com"]
                        );
                    });
                });
            }
        }
    };
}

adoption_tests!(postgres, "postgres", diesel::PgConnection);
adoption_tests!(mysql, "mysql", diesel::MysqlConnection);
adoption_tests!(sqlite, "sqlite", diesel::SqliteConnection);
