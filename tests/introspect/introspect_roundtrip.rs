//! Round trips on each real server: hand-written DDL covering every
//! `SqlType` and every constraint kind reads back as exactly the `Schema` it
//! meant.

use crate::support;

use diesel::connection::SimpleConnection;

use retort::{
    BackendKind, CheckConstraint, Column, ForeignKey, Index, IndexPart, IntrospectOptions,
    PrimaryKey, ReferentialAction, Schema, SqlType, Table, UniqueConstraint,
};
use support::{backend_tests, TestBackend, TestDatabase};

fn mood() -> SqlType {
    SqlType::Enum {
        name: "mood".into(),
        values: vec!["happy".into(), "it's ok".into()],
    }
}

/// One of every type (as in `backend::tests::every_type`), with a custom
/// type each database knows.
fn every_type(kind: BackendKind) -> Vec<SqlType> {
    let custom = match kind {
        BackendKind::Mysql => "varbinary(16)",
        BackendKind::Postgres => "name",
        BackendKind::Sqlite => "tsquery",
    };
    let types = vec![
        SqlType::SmallInt,
        SqlType::Integer,
        SqlType::BigInt,
        SqlType::Real,
        SqlType::Double,
        SqlType::Numeric {
            precision: Some(10),
            scale: Some(2),
        },
        SqlType::Numeric {
            precision: Some(10),
            scale: None,
        },
        SqlType::Numeric {
            precision: None,
            scale: None,
        },
        SqlType::Boolean,
        SqlType::Text,
        SqlType::Varchar(255),
        SqlType::Char(3),
        SqlType::Binary,
        SqlType::Date,
        SqlType::Time,
        SqlType::Timestamp,
        SqlType::TimestampTz,
        SqlType::Uuid,
        SqlType::Json,
        mood(),
        SqlType::Custom(custom.into()),
        SqlType::VarcharUnbounded,
        SqlType::Interval,
        SqlType::Inet,
        SqlType::Cidr,
        SqlType::MacAddr,
        SqlType::TsVector,
        SqlType::TsQuery,
        SqlType::IntervalFields {
            fields: Some("hour to minute".into()),
            precision: None,
        },
        SqlType::Range(retort::RangeType::Numeric),
        SqlType::MultiRange(retort::RangeType::TimestampTz),
        SqlType::Array(Box::new(SqlType::Range(retort::RangeType::Date))),
        SqlType::Array(Box::new(SqlType::Integer)),
        SqlType::Array(Box::new(SqlType::Varchar(20))),
        SqlType::Array(Box::new(mood())),
        SqlType::UnsignedSmallInt,
        SqlType::UnsignedInteger,
        SqlType::UnsignedBigInt,
        SqlType::Year,
        SqlType::Set {
            values: vec!["a".into(), "it's".into()],
        },
        SqlType::TinyInt,
        SqlType::UnsignedTinyInt,
        SqlType::MediumInt,
        SqlType::UnsignedMediumInt,
        SqlType::TinyText,
        SqlType::MediumText,
        SqlType::LongText,
        SqlType::TinyBlob,
        SqlType::MediumBlob,
        SqlType::LongBlob,
        SqlType::Bit(5),
        SqlType::TimeWithPrecision(3),
        SqlType::TimestampWithPrecision(0),
        SqlType::TimestampTzWithPrecision(3),
    ];
    // The types only some databases have: those this one has.
    types
        .into_iter()
        .filter(|ty| kind.backend().lacks_type(ty).is_none())
        .collect()
}

/// What a column of type `ty` named `column` reads back as: the type itself,
/// except for each backend's documented exceptions.
fn reads_back_as(kind: BackendKind, column: &str, ty: &SqlType) -> SqlType {
    match (kind, ty) {
        // MySQL has no unconstrained DECIMAL.
        (
            BackendKind::Mysql,
            SqlType::Numeric {
                precision: None, ..
            },
        ) => SqlType::Numeric {
            precision: Some(10),
            scale: None,
        },
        // MySQL enums are inline: named after their column.
        (BackendKind::Mysql, SqlType::Enum { values, .. }) => SqlType::Enum {
            name: column.into(),
            values: values.clone(),
        },
        // On SQLite an enum is TEXT plus a CHECK; without the check, TEXT.
        (BackendKind::Sqlite, SqlType::Enum { .. }) => SqlType::Text,
        _ => ty.clone(),
    }
}

/// A column created with `type_sql(t)` reads back as `t`, for every type.
fn every_type_reads_back_as_itself<C: TestBackend>(db: &TestDatabase<C>) {
    let kind = C::BACKEND;
    let backend = kind.backend();
    let mut conn = db.connect();
    if kind == BackendKind::Postgres {
        conn.batch_execute(r#"CREATE TYPE "mood" AS ENUM ('happy', 'it''s ok')"#)
            .expect("create the enum type");
    }
    let types = every_type(kind);
    let columns: Vec<String> = types
        .iter()
        .enumerate()
        .map(|(at, ty)| {
            format!(
                "{} {} NULL",
                backend.quote_identifier(&format!("c{at}")),
                backend.type_sql(ty)
            )
        })
        .collect();
    let ddl = format!(
        "CREATE TABLE {} ({})",
        backend.quote_identifier("every_type"),
        columns.join(", ")
    );
    conn.batch_execute(&ddl)
        .unwrap_or_else(|error| panic!("{ddl}: {error}"));

    let schema = retort::introspect(&mut conn).expect("introspect");
    let table = schema.table("every_type").expect("the table is read");
    assert_eq!(table.columns.len(), types.len());
    for (at, (column, ty)) in table.columns.iter().zip(&types).enumerate() {
        let name = format!("c{at}");
        assert_eq!(column.name, name);
        assert_eq!(
            column.ty,
            reads_back_as(kind, &name, ty),
            "{kind}: {} reads back wrong",
            backend.type_sql(ty)
        );
        assert!(column.nullable && !column.identity && column.default.is_none());
    }
}

/// The tables every backend's DDL below means.
fn expected_schema(kind: BackendKind) -> Schema {
    let postgres = kind == BackendKind::Postgres;
    let mysql = kind == BackendKind::Mysql;
    let sqlite = kind == BackendKind::Sqlite;
    let id_type = if sqlite {
        SqlType::Integer
    } else {
        SqlType::BigInt
    };
    let mut teams = Table::new("teams")
        .column(Column::new("id", id_type.clone()).identity())
        .column(Column::new("name", SqlType::Varchar(100)))
        .column(Column::new("active", SqlType::Boolean).default_expr("true"))
        .column(
            Column::new("created_at", SqlType::Timestamp)
                .nullable()
                .default_expr("CURRENT_TIMESTAMP"),
        )
        .primary_key(PrimaryKey {
            name: (!mysql).then(|| "pk_teams".into()),
            columns: vec!["id".into()],
            ..Default::default()
        })
        .unique(UniqueConstraint {
            name: Some("uq_teams_name".into()),
            columns: vec!["name".into()],
            deferrable: None,
        });
    let mut users = Table::new("users")
        .column(Column::new("id", id_type.clone()).identity())
        .column(Column::new("email", SqlType::Varchar(255)))
        .column(Column::new("team_id", id_type.clone()).nullable())
        .column(
            Column::new("status", SqlType::Varchar(20))
                .default_expr("'it''s draft'")
                .comment("Where the account stands."),
        )
        .column(Column::new("score", SqlType::Integer).default_expr("-1"))
        .column(
            Column::new(
                "balance",
                SqlType::Numeric {
                    precision: Some(10),
                    scale: Some(2),
                },
            )
            .default_expr("0"),
        )
        .column(Column::new("mood", mood()).nullable())
        .primary_key(PrimaryKey {
            name: (!mysql).then(|| "pk_users".into()),
            columns: vec!["id".into()],
            ..Default::default()
        })
        .unique(UniqueConstraint {
            name: Some("uq_users_team_id_email".into()),
            columns: vec!["team_id".into(), "email".into()],
            deferrable: None,
        })
        .index(Index::on_columns(
            "ix_users_team_id_score",
            ["team_id", "score"],
        ))
        .foreign_key(ForeignKey {
            name: Some("fk_users_team_id_teams".into()),
            columns: vec!["team_id".into()],
            referenced_schema: None,
            referenced_table: "teams".into(),
            referenced_columns: vec!["id".into()],
            on_delete: ReferentialAction::Cascade,
            on_update: ReferentialAction::SetNull,
            deferrable: None,
        })
        .check(CheckConstraint {
            name: Some("ck_users_score".into()),
            expression: match kind {
                BackendKind::Postgres => "score >= '-1'::integer".into(),
                BackendKind::Mysql => "`score` >= -1".into(),
                BackendKind::Sqlite => r#""score" >= -1"#.into(),
            },
        });
    if mysql {
        // MySQL keeps no difference between a unique index and a unique
        // constraint; enums are named after their column.
        users.uniques.push(UniqueConstraint {
            name: Some("ix_users_email_unique".into()),
            columns: vec!["email".into()],
            deferrable: None,
        });
        users.columns[6].ty = SqlType::Enum {
            name: "mood".into(),
            values: vec!["happy".into(), "it's ok".into()],
        };
    } else {
        users = users.index(Index::on_columns("ix_users_email_unique", ["email"]).unique());
        // Partial and expression indexes, as each database prints them.
        let (expression, predicate) = if postgres {
            ("lower(email::text)", "status::text <> 'gone'::text")
        } else {
            (r#"lower("email")"#, r#""status" <> 'gone'"#)
        };
        users = users.index(Index {
            name: "ix_users_lower_email".into(),
            parts: vec![
                IndexPart::Expression(expression.into()),
                IndexPart::Column("team_id".into()),
            ],
            unique: false,
            predicate: Some(predicate.into()),
            ..Index::default()
        });
    }
    if sqlite {
        // SQLite keeps no comments.
        users.columns[3].comment = None;
    } else {
        teams.comment = Some("Teams people belong to.".into());
    }
    Schema::new(vec![teams, users])
}

/// Hand-written DDL for [`expected_schema`], in each database's dialect.
fn ddl(kind: BackendKind) -> &'static str {
    match kind {
        BackendKind::Postgres => {
            r#"
            CREATE TYPE "mood" AS ENUM ('happy', 'it''s ok');
            CREATE TABLE "teams" (
                "id" BIGINT GENERATED BY DEFAULT AS IDENTITY,
                "name" VARCHAR(100) NOT NULL,
                "active" BOOLEAN NOT NULL DEFAULT TRUE,
                "created_at" TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                CONSTRAINT "pk_teams" PRIMARY KEY ("id"),
                CONSTRAINT "uq_teams_name" UNIQUE ("name")
            );
            COMMENT ON TABLE "teams" IS 'Teams people belong to.';
            CREATE TABLE "users" (
                "id" BIGSERIAL,
                "email" VARCHAR(255) NOT NULL,
                "team_id" BIGINT,
                "status" VARCHAR(20) NOT NULL DEFAULT 'it''s draft',
                "score" INTEGER NOT NULL DEFAULT -1,
                "balance" NUMERIC(10, 2) NOT NULL DEFAULT 0,
                "mood" "mood",
                CONSTRAINT "pk_users" PRIMARY KEY ("id"),
                CONSTRAINT "uq_users_team_id_email" UNIQUE ("team_id", "email"),
                CONSTRAINT "fk_users_team_id_teams" FOREIGN KEY ("team_id")
                    REFERENCES "teams" ("id") ON DELETE CASCADE ON UPDATE SET NULL,
                CONSTRAINT "ck_users_score" CHECK ("score" >= -1)
            );
            COMMENT ON COLUMN "users"."status" IS 'Where the account stands.';
            CREATE INDEX "ix_users_team_id_score" ON "users" ("team_id", "score");
            CREATE UNIQUE INDEX "ix_users_email_unique" ON "users" ("email");
            CREATE INDEX "ix_users_lower_email" ON "users" (lower("email"), "team_id")
                WHERE "status" <> 'gone';
            CREATE TABLE "retort_migrations" ("revision" VARCHAR(32) PRIMARY KEY);
            CREATE VIEW "user_emails" AS SELECT "email" FROM "users";
            CREATE SEQUENCE "unrelated_seq";
            "#
        }
        BackendKind::Mysql => {
            r#"
            CREATE TABLE `teams` (
                `id` BIGINT NOT NULL AUTO_INCREMENT,
                `name` VARCHAR(100) NOT NULL,
                `active` TINYINT(1) NOT NULL DEFAULT TRUE,
                `created_at` DATETIME(6) NULL DEFAULT CURRENT_TIMESTAMP,
                CONSTRAINT `pk_teams` PRIMARY KEY (`id`),
                CONSTRAINT `uq_teams_name` UNIQUE (`name`)
            ) COMMENT 'Teams people belong to.';
            CREATE TABLE `users` (
                `id` BIGINT NOT NULL AUTO_INCREMENT,
                `email` VARCHAR(255) NOT NULL,
                `team_id` BIGINT NULL,
                `status` VARCHAR(20) NOT NULL DEFAULT 'it''s draft'
                    COMMENT 'Where the account stands.',
                `score` INT NOT NULL DEFAULT -1,
                `balance` DECIMAL(10, 2) NOT NULL DEFAULT 0,
                `mood` ENUM('happy', 'it''s ok') NULL,
                CONSTRAINT `pk_users` PRIMARY KEY (`id`),
                CONSTRAINT `uq_users_team_id_email` UNIQUE (`team_id`, `email`),
                CONSTRAINT `fk_users_team_id_teams` FOREIGN KEY (`team_id`)
                    REFERENCES `teams` (`id`) ON DELETE CASCADE ON UPDATE SET NULL,
                CONSTRAINT `ck_users_score` CHECK (`score` >= -1)
            );
            CREATE INDEX `ix_users_team_id_score` ON `users` (`team_id`, `score`);
            CREATE UNIQUE INDEX `ix_users_email_unique` ON `users` (`email`);
            CREATE TABLE `retort_migrations` (`revision` VARCHAR(32) PRIMARY KEY);
            CREATE VIEW `user_emails` AS SELECT `email` FROM `users`;
            "#
        }
        BackendKind::Sqlite => {
            r#"
            CREATE TABLE "teams" (
                "id" INTEGER NOT NULL,
                "name" VARCHAR(100) NOT NULL,
                "active" BOOLEAN NOT NULL DEFAULT TRUE,
                "created_at" TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                CONSTRAINT "pk_teams" PRIMARY KEY ("id"),
                CONSTRAINT "uq_teams_name" UNIQUE ("name")
            );
            CREATE TABLE "users" (
                "id" INTEGER NOT NULL CONSTRAINT "pk_users" PRIMARY KEY AUTOINCREMENT,
                "email" VARCHAR(255) NOT NULL,
                "team_id" INTEGER,
                "status" VARCHAR(20) NOT NULL DEFAULT 'it''s draft',
                "score" INTEGER NOT NULL DEFAULT -1,
                "balance" NUMERIC(10, 2) NOT NULL DEFAULT 0,
                "mood" TEXT CHECK ("mood" IN ('happy', 'it''s ok')),
                CONSTRAINT "uq_users_team_id_email" UNIQUE ("team_id", "email"),
                CONSTRAINT "fk_users_team_id_teams" FOREIGN KEY ("team_id")
                    REFERENCES "teams" ("id") ON DELETE CASCADE ON UPDATE SET NULL,
                CONSTRAINT "ck_users_score" CHECK ("score" >= -1)
            );
            CREATE INDEX "ix_users_team_id_score" ON "users" ("team_id", "score");
            CREATE UNIQUE INDEX "ix_users_email_unique" ON "users" ("email");
            CREATE INDEX "ix_users_lower_email" ON "users" (lower("email"), "team_id")
                WHERE "status" <> 'gone';
            CREATE TABLE "retort_migrations" ("revision" VARCHAR(32) PRIMARY KEY);
            CREATE VIEW "user_emails" AS SELECT "email" FROM "users";
            CREATE TRIGGER "users_touch" AFTER UPDATE ON "users" BEGIN SELECT 1; END;
            CREATE VIRTUAL TABLE "search" USING fts5(body);
            "#
        }
    }
}

/// Every constraint kind, identity, defaults and comments read back as the
/// DDL meant; sequences, virtual tables and the version table are not in
/// the result, and views and triggers are read as what they are, not as
/// tables.
fn hand_written_ddl_reads_back_exactly<C: TestBackend>(db: &TestDatabase<C>) {
    let kind = C::BACKEND;
    let mut conn = db.connect();
    conn.batch_execute(ddl(kind)).expect("the DDL loads");
    let schema = retort::introspect(&mut conn).expect("introspect");
    let expected = expected_schema(kind);
    for table in &expected.tables {
        assert_eq!(
            schema.table(&table.name),
            Some(table),
            "{kind}: table {} reads back differently",
            table.name
        );
    }
    assert_eq!(
        Schema::new(schema.tables.clone()),
        expected,
        "{kind}: only the two tables are read as tables"
    );
    let views: Vec<&str> = schema.views.iter().map(|view| view.name.as_str()).collect();
    assert_eq!(views, ["user_emails"], "{kind}: the view is read as one");
    let triggers: Vec<(&str, &str)> = schema
        .triggers
        .iter()
        .map(|trigger| (trigger.table.as_str(), trigger.name.as_str()))
        .collect();
    let expected_triggers: &[(&str, &str)] = match kind {
        BackendKind::Sqlite => &[("users", "users_touch")],
        _ => &[],
    };
    assert_eq!(triggers, expected_triggers, "{kind}: triggers as triggers");
    assert!(
        schema.functions.is_empty(),
        "{kind}: {:#?}",
        schema.functions
    );
}

/// The filter chooses tables before reading; the version table stays out
/// even when asked for by name.
fn options_choose_the_tables<C: TestBackend>(db: &TestDatabase<C>) {
    let kind = C::BACKEND;
    let mut conn = db.connect();
    conn.batch_execute(ddl(kind)).expect("the DDL loads");
    let options = IntrospectOptions::new().tables(["users", "retort_migrations", "missing"]);
    let schema = retort::introspect_with(&mut conn, &options).expect("introspect");
    let names: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["users"]);
    assert_eq!(
        schema.table("users"),
        expected_schema(kind).table("users"),
        "a filtered table is read in full"
    );
}

/// Generated (computed) columns read with their expression as the
/// database keeps it, whether they are stored, and no default.
fn generated_columns_read_with_their_expression<C: TestBackend>(db: &TestDatabase<C>) {
    let kind = C::BACKEND;
    let mut conn = db.connect();
    let ddl = match kind {
        BackendKind::Postgres => {
            r#"CREATE TABLE "g" ("a" INTEGER NOT NULL, "b" INTEGER GENERATED ALWAYS AS ("a" * 2) STORED)"#
        }
        BackendKind::Mysql => "CREATE TABLE `g` (`a` INT NOT NULL, `b` INT AS (`a` * 2) VIRTUAL)",
        BackendKind::Sqlite => {
            r#"CREATE TABLE "g" ("a" INTEGER NOT NULL, "b" INTEGER GENERATED ALWAYS AS ("a" * 2) VIRTUAL)"#
        }
    };
    conn.batch_execute(ddl).expect("the DDL loads");
    let schema = retort::introspect(&mut conn).expect("introspect");
    let b = Column::new("b", SqlType::Integer).nullable();
    let b = match kind {
        BackendKind::Postgres => b.generated("(a * 2)"),
        BackendKind::Mysql => b.generated_virtual("`a` * 2"),
        BackendKind::Sqlite => b.generated_virtual(r#""a" * 2"#),
    };
    let expected = Table::new("g")
        .column(Column::new("a", SqlType::Integer))
        .column(b);
    assert_eq!(schema, Schema::new(vec![expected]));
}

backend_tests!(
    every_type_reads_back_as_itself,
    hand_written_ddl_reads_back_exactly,
    options_choose_the_tables,
    generated_columns_read_with_their_expression
);

/// Another PostgreSQL schema is read when named, its tables carrying the
/// namespace, and foreign keys into the default schema carrying none.
#[cfg(feature = "postgres")]
#[test]
fn postgres_reads_other_schemas_when_named() {
    support::run::<diesel::PgConnection>(|db| {
        let mut conn = db.connect();
        conn.batch_execute(
            r#"
            CREATE TABLE "teams" ("id" BIGINT PRIMARY KEY);
            CREATE SCHEMA "audit";
            CREATE TABLE "audit"."log" (
                "id" BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                "team_id" BIGINT REFERENCES "teams" ("id"),
                "at" TIMESTAMPTZ NOT NULL DEFAULT now()
            );
            "#,
        )
        .expect("the DDL loads");
        let default_only = retort::introspect(&mut conn).expect("introspect");
        assert_eq!(default_only.tables.len(), 1);
        let both = retort::introspect_with(
            &mut conn,
            &IntrospectOptions::new()
                .namespace("public")
                .namespace("audit"),
        )
        .expect("introspect");
        let log = both
            .table_in(Some("audit"), "log")
            .expect("audit.log is read");
        assert!(both.table_in(None, "teams").is_some());
        assert!(log.columns[0].identity && log.columns[0].default.is_none());
        assert_eq!(log.columns[2].default.as_deref(), Some("now()"));
        assert_eq!(log.columns[2].ty, SqlType::TimestampTz);
        assert_eq!(log.foreign_keys[0].referenced_schema, None);
        assert_eq!(
            log.foreign_keys[0].name.as_deref(),
            Some("log_team_id_fkey")
        );
        assert_eq!(
            log.primary_key.as_ref().and_then(|k| k.name.as_deref()),
            Some("log_pkey")
        );
    });
}

/// With an empty search_path there is no default schema: the error says so
/// and what to do, instead of reading nothing.
#[cfg(feature = "postgres")]
#[test]
fn postgres_without_a_default_schema_says_what_to_do() {
    support::run::<diesel::PgConnection>(|db| {
        let mut conn = db.connect();
        conn.batch_execute(
            r#"CREATE TABLE "teams" ("id" BIGINT PRIMARY KEY); SET search_path = ''"#,
        )
        .expect("the DDL loads");
        let error = retort::introspect(&mut conn).expect_err("no default schema");
        assert!(matches!(error, retort::IntrospectError::NoDefaultNamespace));
        assert!(error.to_string().contains("search_path"), "{error}");
        let named =
            retort::introspect_with(&mut conn, &IntrospectOptions::new().namespace("public"))
                .expect("a named schema is read");
        assert_eq!(
            named
                .table_in(Some("public"), "teams")
                .map(|t| t.columns.len()),
            Some(1)
        );
    });
}

/// An attached SQLite database is read when named, its tables carrying its
/// name.
#[cfg(feature = "sqlite")]
#[test]
fn sqlite_reads_attached_databases_when_named() {
    support::run::<diesel::SqliteConnection>(|db| {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let other = dir.path().join("other.db");
        let mut conn = db.connect();
        conn.batch_execute(&format!(
            r#"CREATE TABLE "teams" ("id" INTEGER PRIMARY KEY);
               ATTACH DATABASE '{}' AS "other";
               CREATE TABLE "other"."log" ("id" INTEGER PRIMARY KEY, "note" TEXT NOT NULL);
               CREATE INDEX "other"."ix_log_note" ON "log" ("note");"#,
            other.display().to_string().replace('\'', "''")
        ))
        .expect("the DDL loads");
        let schema = retort::introspect_with(
            &mut conn,
            &IntrospectOptions::new()
                .namespace("main")
                .namespace("other"),
        )
        .expect("introspect");
        assert!(schema.table_in(None, "teams").is_some());
        let log = schema
            .table_in(Some("other"), "log")
            .expect("other.log is read");
        assert_eq!(log.columns.len(), 2);
        assert_eq!(log.indexes, [Index::on_columns("ix_log_note", ["note"])]);
        assert_eq!(
            retort::introspect(&mut conn)
                .expect("introspect")
                .tables
                .len(),
            1
        );
    });
}
