//! Real schemas no one here wrote: Chinook on all three databases and
//! Pagila on PostgreSQL (`tests/fixtures/`, with their licences), loaded
//! into fresh databases and read back in detail.

use crate::support;

use retort::{
    BackendKind, Column, ForeignKey, Index, PrimaryKey, ReferentialAction, Schema, SqlType, Table,
};
use support::{backend_tests, TestBackend, TestDatabase};

/// A Chinook column's kind; each database spells it its own way.
#[derive(Clone, Copy)]
enum Kind {
    Int,
    Str(u32),
    DateTime,
    Money,
}

use Kind::{DateTime, Int, Money, Str};

/// One Chinook table in snake_case: columns (name, kind, NOT NULL), primary
/// key and foreign keys (column, referenced table, referenced column).
struct Spec {
    name: &'static str,
    columns: &'static [(&'static str, Kind, bool)],
    primary_key: &'static [&'static str],
    foreign_keys: &'static [(&'static str, &'static str, &'static str)],
}

const CHINOOK: &[Spec] = &[
    Spec {
        name: "album",
        columns: &[
            ("album_id", Int, true),
            ("title", Str(160), true),
            ("artist_id", Int, true),
        ],
        primary_key: &["album_id"],
        foreign_keys: &[("artist_id", "artist", "artist_id")],
    },
    Spec {
        name: "artist",
        columns: &[("artist_id", Int, true), ("name", Str(120), false)],
        primary_key: &["artist_id"],
        foreign_keys: &[],
    },
    Spec {
        name: "customer",
        columns: &[
            ("customer_id", Int, true),
            ("first_name", Str(40), true),
            ("last_name", Str(20), true),
            ("company", Str(80), false),
            ("address", Str(70), false),
            ("city", Str(40), false),
            ("state", Str(40), false),
            ("country", Str(40), false),
            ("postal_code", Str(10), false),
            ("phone", Str(24), false),
            ("fax", Str(24), false),
            ("email", Str(60), true),
            ("support_rep_id", Int, false),
        ],
        primary_key: &["customer_id"],
        foreign_keys: &[("support_rep_id", "employee", "employee_id")],
    },
    Spec {
        name: "employee",
        columns: &[
            ("employee_id", Int, true),
            ("last_name", Str(20), true),
            ("first_name", Str(20), true),
            ("title", Str(30), false),
            ("reports_to", Int, false),
            ("birth_date", DateTime, false),
            ("hire_date", DateTime, false),
            ("address", Str(70), false),
            ("city", Str(40), false),
            ("state", Str(40), false),
            ("country", Str(40), false),
            ("postal_code", Str(10), false),
            ("phone", Str(24), false),
            ("fax", Str(24), false),
            ("email", Str(60), false),
        ],
        primary_key: &["employee_id"],
        foreign_keys: &[("reports_to", "employee", "employee_id")],
    },
    Spec {
        name: "genre",
        columns: &[("genre_id", Int, true), ("name", Str(120), false)],
        primary_key: &["genre_id"],
        foreign_keys: &[],
    },
    Spec {
        name: "invoice",
        columns: &[
            ("invoice_id", Int, true),
            ("customer_id", Int, true),
            ("invoice_date", DateTime, true),
            ("billing_address", Str(70), false),
            ("billing_city", Str(40), false),
            ("billing_state", Str(40), false),
            ("billing_country", Str(40), false),
            ("billing_postal_code", Str(10), false),
            ("total", Money, true),
        ],
        primary_key: &["invoice_id"],
        foreign_keys: &[("customer_id", "customer", "customer_id")],
    },
    Spec {
        name: "invoice_line",
        columns: &[
            ("invoice_line_id", Int, true),
            ("invoice_id", Int, true),
            ("track_id", Int, true),
            ("unit_price", Money, true),
            ("quantity", Int, true),
        ],
        primary_key: &["invoice_line_id"],
        foreign_keys: &[
            ("invoice_id", "invoice", "invoice_id"),
            ("track_id", "track", "track_id"),
        ],
    },
    Spec {
        name: "media_type",
        columns: &[("media_type_id", Int, true), ("name", Str(120), false)],
        primary_key: &["media_type_id"],
        foreign_keys: &[],
    },
    Spec {
        name: "playlist",
        columns: &[("playlist_id", Int, true), ("name", Str(120), false)],
        primary_key: &["playlist_id"],
        foreign_keys: &[],
    },
    Spec {
        name: "playlist_track",
        columns: &[("playlist_id", Int, true), ("track_id", Int, true)],
        primary_key: &["playlist_id", "track_id"],
        foreign_keys: &[
            ("playlist_id", "playlist", "playlist_id"),
            ("track_id", "track", "track_id"),
        ],
    },
    Spec {
        name: "track",
        columns: &[
            ("track_id", Int, true),
            ("name", Str(200), true),
            ("album_id", Int, false),
            ("media_type_id", Int, true),
            ("genre_id", Int, false),
            ("composer", Str(220), false),
            ("milliseconds", Int, true),
            ("bytes", Int, false),
            ("unit_price", Money, true),
        ],
        primary_key: &["track_id"],
        foreign_keys: &[
            ("album_id", "album", "album_id"),
            ("genre_id", "genre", "genre_id"),
            ("media_type_id", "media_type", "media_type_id"),
        ],
    },
];

/// `invoice_line` → `InvoiceLine`: the MySQL and SQLite files' names.
fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Chinook as each database's file declares it, read back.
fn chinook(kind: BackendKind) -> Schema {
    let postgres = kind == BackendKind::Postgres;
    let name = |snake: &str| {
        if postgres {
            snake.to_owned()
        } else {
            pascal(snake)
        }
    };
    let ty = |column_kind: Kind| match (kind, column_kind) {
        (_, Int) => SqlType::Integer,
        (BackendKind::Sqlite, Str(n)) => SqlType::Custom(format!("NVARCHAR({n})")),
        (_, Str(n)) => SqlType::Varchar(n),
        (BackendKind::Postgres, DateTime) => SqlType::Timestamp,
        (BackendKind::Mysql, DateTime) => SqlType::TimestampWithPrecision(0),
        (BackendKind::Sqlite, DateTime) => SqlType::Custom("DATETIME".into()),
        (_, Money) => SqlType::Numeric {
            precision: Some(10),
            scale: Some(2),
        },
    };
    let tables = CHINOOK
        .iter()
        .map(|spec| {
            let table_name = name(spec.name);
            let mut table = Table::new(table_name.clone());
            for (column, column_kind, not_null) in spec.columns {
                let mut column = Column::new(name(column), ty(*column_kind));
                column.nullable = !not_null;
                // NVARCHAR is MySQL's national character set, utf8mb3,
                // not the table's.
                if kind == BackendKind::Mysql && matches!(column_kind, Str(_)) {
                    column.collation = Some("utf8mb3_general_ci".into());
                }
                table = table.column(column);
            }
            // An INTEGER primary key of one column is SQLite's rowid alias.
            if kind == BackendKind::Sqlite && spec.primary_key.len() == 1 {
                table.columns[0].identity = true;
            }
            table.primary_key = Some(PrimaryKey {
                name: match kind {
                    BackendKind::Postgres => Some(format!("{}_pkey", spec.name)),
                    BackendKind::Mysql => None,
                    BackendKind::Sqlite => Some(format!("PK_{table_name}")),
                },
                columns: spec.primary_key.iter().map(|c| name(c)).collect(),
                ..Default::default()
            });
            for (column, referenced_table, referenced_column) in spec.foreign_keys {
                table.foreign_keys.push(ForeignKey {
                    name: match kind {
                        BackendKind::Postgres => Some(format!("{}_{column}_fkey", spec.name)),
                        BackendKind::Mysql => Some(format!("FK_{table_name}{}", name(column))),
                        // Chinook's SQLite file names no foreign key.
                        BackendKind::Sqlite => None,
                    },
                    columns: vec![name(column)],
                    referenced_schema: None,
                    referenced_table: name(referenced_table),
                    referenced_columns: vec![name(referenced_column)],
                    on_delete: ReferentialAction::NoAction,
                    on_update: ReferentialAction::NoAction,
                    deferrable: None,
                });
                let index_name = if postgres {
                    format!("{}_{column}_idx", spec.name)
                } else {
                    format!("IFK_{table_name}{}", name(column))
                };
                table
                    .indexes
                    .push(Index::on_columns(index_name, [name(column)]));
            }
            table
        })
        .collect();
    Schema::new(tables)
}

fn chinook_fixture(kind: BackendKind) -> &'static str {
    match kind {
        BackendKind::Postgres => include_str!("../fixtures/chinook/Chinook_PostgreSql.schema.sql"),
        BackendKind::Mysql => include_str!("../fixtures/chinook/Chinook_MySql.schema.sql"),
        BackendKind::Sqlite => include_str!("../fixtures/chinook/Chinook_Sqlite.schema.sql"),
    }
}

/// Every Chinook table, with its columns' types, keys, foreign keys and
/// indexes, reads back as the file declares it.
fn chinook_reads_back_in_detail<C: TestBackend>(db: &TestDatabase<C>) {
    let kind = C::BACKEND;
    let mut conn = db.connect();
    conn.batch_execute(chinook_fixture(kind))
        .expect("Chinook loads");
    let schema = retort::introspect(&mut conn).expect("introspect");
    let expected = chinook(kind);
    assert_eq!(schema.tables.len(), 11);
    for table in &expected.tables {
        assert_eq!(
            schema.table(&table.name),
            Some(table),
            "{kind}: Chinook's {} reads back differently",
            table.name
        );
    }
    assert_eq!(schema, expected);
}

backend_tests!(chinook_reads_back_in_detail);

#[cfg(feature = "postgres")]
mod pagila {
    use super::*;
    use diesel::connection::SimpleConnection;
    use diesel::PgConnection;
    use retort::{IntrospectOptions, PartitionBound, PartitionKey};

    const TABLES: [&str; 15] = [
        "actor",
        "address",
        "category",
        "city",
        "country",
        "customer",
        "film",
        "film_actor",
        "film_category",
        "inventory",
        "language",
        "payment",
        "rental",
        "staff",
        "store",
    ];

    fn load(db: &TestDatabase<PgConnection>) -> Schema {
        {
            let mut loader = db.connect();
            loader
                .batch_execute(include_str!("../fixtures/pagila/pagila-schema.sql"))
                .expect("Pagila loads");
        }
        // Pagila's script empties search_path; read on a fresh connection.
        let mut conn = db.connect();
        retort::introspect(&mut conn).expect("introspect")
    }

    fn fk(
        name: &str,
        column: &str,
        table: &str,
        on_delete: ReferentialAction,
        on_update: ReferentialAction,
    ) -> ForeignKey {
        ForeignKey {
            name: Some(name.into()),
            columns: vec![column.into()],
            referenced_schema: None,
            referenced_table: table.into(),
            referenced_columns: vec![column.into()],
            on_delete,
            on_update,
            deferrable: None,
        }
    }

    /// Pagila's tables without its views, materialized view, sequences,
    /// triggers or functions; `payment` is partitioned by range of
    /// `payment_date`, and its seven partitions are read as its partitions.
    #[test]
    fn pagila_reads_its_tables_and_nothing_else() {
        support::run::<PgConnection>(|db| {
            let schema = load(db);
            let months: Vec<String> = (1..=7)
                .map(|month| format!("payment_p2022_0{month}"))
                .collect();
            let mut names: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
            names.sort_unstable();
            let mut expected: Vec<&str> = TABLES.to_vec();
            expected.extend(months.iter().map(String::as_str));
            expected.sort_unstable();
            assert_eq!(names, expected);

            // The partitioned parent is read with its own key, columns and key.
            let payment = schema.table("payment").expect("payment");
            assert_eq!(
                payment.partition_by,
                Some(PartitionKey::range(["payment_date"]))
            );
            assert_eq!(payment.partition_of, None);
            assert_eq!(
                payment.primary_key,
                Some(PrimaryKey {
                    name: Some("payment_pkey".into()),
                    columns: vec!["payment_date".into(), "payment_id".into()],
                    ..Default::default()
                })
            );
            assert!(payment.columns[0].identity, "payment_id is serial");
            assert_eq!(
                payment.columns[4].ty,
                SqlType::Numeric {
                    precision: Some(5),
                    scale: Some(2)
                }
            );
            assert!(payment.indexes.is_empty() && payment.foreign_keys.is_empty());

            // Each partition names its parent and bounds (printed in the
            // server's time zone), has no columns of its own, and keeps its
            // own indexes and foreign keys, but not the primary key it has
            // from the parent.
            for (at, month) in months.iter().enumerate() {
                let partition = schema.table(month).expect("the partition is read");
                let of = partition.partition_of.as_ref().expect("a partition");
                assert_eq!(
                    (of.parent_schema.as_deref(), of.parent.as_str()),
                    (None, "payment")
                );
                let PartitionBound::Range { from, to } = &of.bound else {
                    panic!("{month}: a range partition, not {:?}", of.bound);
                };
                assert!(
                    from[0].starts_with(&format!("'2022-0{}-01", at + 1)),
                    "{from:?}"
                );
                assert!(to[0].starts_with(&format!("'2022-0{}-", at + 2)), "{to:?}");
                assert!(
                    partition.columns.is_empty(),
                    "{month}: {:?}",
                    partition.columns
                );
                assert_eq!(partition.primary_key, None, "{month}");
                assert_eq!(partition.partition_by, None);
                let own = if at < 6 { 3 } else { 0 };
                assert_eq!(
                    partition.indexes.len(),
                    own,
                    "{month}: {:?}",
                    partition.indexes
                );
                assert_eq!(partition.foreign_keys.len(), own, "{month}");
            }
            let january = schema.table("payment_p2022_01").expect("january");
            assert!(january.indexes.contains(&Index::on_columns(
                "idx_fk_payment_p2022_01_customer_id",
                ["customer_id"]
            )));

            // Named, a partition is read alone, as a partition; a view is not read.
            let mut conn = db.connect();
            let named = retort::introspect_with(
                &mut conn,
                &IntrospectOptions::new().tables(["payment_p2022_01", "actor_info"]),
            )
            .expect("introspect");
            assert_eq!(named.tables.len(), 1, "{named:?}");
            assert_eq!(named.tables[0], *january);
        });
    }

    /// `film` in full: its enum, domain, array and tsvector columns, serial
    /// key, defaults, foreign keys and indexes.
    #[test]
    fn pagila_film_reads_back_in_full() {
        support::run::<PgConnection>(|db| {
            let schema = load(db);
            let cascade_restrict = |name, column, table| {
                fk(
                    name,
                    column,
                    table,
                    ReferentialAction::Restrict,
                    ReferentialAction::Cascade,
                )
            };
            let mut original_language = cascade_restrict(
                "film_original_language_id_fkey",
                "original_language_id",
                "language",
            );
            original_language.referenced_columns = vec!["language_id".into()];
            let film = Table::new("film")
                .column(Column::new("film_id", SqlType::Integer).identity())
                .column(Column::new("title", SqlType::Text))
                .column(Column::new("description", SqlType::Text).nullable())
                .column(Column::new("release_year", SqlType::Custom("year".into())).nullable())
                .column(Column::new("language_id", SqlType::Integer))
                .column(Column::new("original_language_id", SqlType::Integer).nullable())
                .column(Column::new("rental_duration", SqlType::SmallInt).default_expr("3"))
                .column(
                    Column::new(
                        "rental_rate",
                        SqlType::Numeric {
                            precision: Some(4),
                            scale: Some(2),
                        },
                    )
                    .default_expr("4.99"),
                )
                .column(Column::new("length", SqlType::SmallInt).nullable())
                .column(
                    Column::new(
                        "replacement_cost",
                        SqlType::Numeric {
                            precision: Some(5),
                            scale: Some(2),
                        },
                    )
                    .default_expr("19.99"),
                )
                .column(
                    Column::new(
                        "rating",
                        SqlType::Enum {
                            name: "mpaa_rating".into(),
                            values: ["G", "PG", "PG-13", "R", "NC-17"]
                                .map(String::from)
                                .to_vec(),
                        },
                    )
                    .nullable()
                    .default_expr("'G'"),
                )
                .column(Column::new("last_update", SqlType::TimestampTz).default_expr("now()"))
                .column(
                    Column::new("special_features", SqlType::Array(Box::new(SqlType::Text)))
                        .nullable(),
                )
                .column(Column::new("fulltext", SqlType::TsVector))
                .primary_key(PrimaryKey {
                    name: Some("film_pkey".into()),
                    columns: vec!["film_id".into()],
                    ..Default::default()
                })
                .foreign_key(cascade_restrict(
                    "film_language_id_fkey",
                    "language_id",
                    "language",
                ))
                .foreign_key(original_language)
                .index(Index::on_columns("film_fulltext_idx", ["fulltext"]).using("gist"))
                .index(Index::on_columns("idx_fk_language_id", ["language_id"]))
                .index(Index::on_columns(
                    "idx_fk_original_language_id",
                    ["original_language_id"],
                ))
                .index(Index::on_columns("idx_title", ["title"]));
            assert_eq!(schema.table("film"), Some(&film));
        });
    }

    /// Unique indexes, composite keys, and defaults of other tables.
    #[test]
    fn pagila_unique_indexes_and_defaults_read_back() {
        support::run::<PgConnection>(|db| {
            let schema = load(db);
            let store = schema.table("store").expect("store");
            assert_eq!(
                store.indexes,
                [Index::on_columns("idx_unq_manager_staff_id", ["manager_staff_id"]).unique()]
            );
            let rental = schema.table("rental").expect("rental");
            assert!(rental.indexes.contains(
                &Index::on_columns(
                    "idx_unq_rental_rental_date_inventory_id_customer_id",
                    ["rental_date", "inventory_id", "customer_id"],
                )
                .unique()
            ));
            let customer = schema.table("customer").expect("customer");
            let defaults: Vec<Option<&str>> = customer
                .columns
                .iter()
                .map(|c| c.default.as_deref())
                .collect();
            assert_eq!(
                defaults,
                [
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    Some("true"),
                    Some("CURRENT_DATE"),
                    Some("now()"),
                    None
                ]
            );
            let film_actor = schema.table("film_actor").expect("film_actor");
            assert_eq!(
                film_actor
                    .primary_key
                    .as_ref()
                    .map(|key| key.columns.clone()),
                Some(vec!["actor_id".to_owned(), "film_id".to_owned()])
            );
            let language = schema.table("language").expect("language");
            assert_eq!(language.columns[1].ty, SqlType::Char(20));
        });
    }
}
