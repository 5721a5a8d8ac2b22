//! `#[derive(Model)]` gives the table the attributes describe, compared whole
//! with a hand-built `Table`, one key at a time.

// The models are declarations: their fields are never read.
#![allow(dead_code)]

use retort::{
    CheckConstraint, Column, ForeignKey, Index, Model, PrimaryKey, ReferentialAction, SqlType,
    Table, UniqueConstraint,
};

fn pk(table: &str, columns: &[&str]) -> PrimaryKey {
    PrimaryKey {
        name: Some(format!("pk_{table}")),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        ..Default::default()
    }
}

fn fk(name: &str, column: &str, table: &str, referenced: &str) -> ForeignKey {
    ForeignKey {
        name: Some(name.into()),
        columns: vec![column.into()],
        referenced_schema: None,
        referenced_table: table.into(),
        referenced_columns: vec![referenced.into()],
        on_delete: ReferentialAction::NoAction,
        on_update: ReferentialAction::NoAction,
        deferrable: None,
    }
}

/// The model from the design document.
#[derive(Model)]
#[model(table = "users")]
pub struct User {
    #[model(primary_key)]
    pub id: i64,
    #[model(unique, max_length = 255)]
    pub email: String,
    /// Name shown on the profile page.
    pub display_name: Option<String>,
    #[model(references = "teams.id", on_delete = "cascade", index)]
    pub team_id: Option<i64>,
}

#[test]
fn the_design_documents_model() {
    let expected = Table::new("users")
        .column(Column::new("id", SqlType::BigInt).identity())
        .column(Column::new("email", SqlType::Varchar(255)))
        .column(
            Column::new("display_name", SqlType::Text)
                .nullable()
                .comment("Name shown on the profile page."),
        )
        .column(Column::new("team_id", SqlType::BigInt).nullable())
        .primary_key(pk("users", &["id"]))
        .unique(UniqueConstraint {
            name: Some("uq_users_email".into()),
            columns: vec!["email".into()],
            deferrable: None,
        })
        .index(Index::on_columns("ix_users_team_id", ["team_id"]))
        .foreign_key(ForeignKey {
            on_delete: ReferentialAction::Cascade,
            ..fk("fk_users_team_id_teams", "team_id", "teams", "id")
        });
    let mut expected = expected;
    expected.comment = Some("The model from the design document.".into());
    assert_eq!(User::table(), expected);
}

#[derive(Model)]
struct OrderLine {
    #[model(primary_key)]
    id: i32,
}

#[test]
fn the_table_is_the_struct_name_in_snake_case_by_default() {
    let expected = Table::new("order_line")
        .column(Column::new("id", SqlType::Integer).identity())
        .primary_key(pk("order_line", &["id"]));
    assert_eq!(OrderLine::table(), expected);
}

/// Ignored: the comment key wins.
#[derive(Model)]
#[model(
    table = "accounts",
    schema = "billing",
    renamed_from = "customers",
    comment = "Who pays"
)]
struct Account {
    #[model(primary_key)]
    id: i64,
}

#[test]
fn struct_keys_table_schema_renamed_from_comment() {
    let table = Account::table();
    let mut expected = Table::new("accounts")
        .column(Column::new("id", SqlType::BigInt).identity())
        .primary_key(pk("accounts", &["id"]));
    expected.schema = Some("billing".into());
    expected.comment = Some("Who pays".into());
    assert_eq!(table, expected);
    assert_eq!(table.renamed_from.as_deref(), Some("customers"));
}

#[derive(Model)]
#[model(table = "staff", collation = "utf8mb4_general_ci")]
struct Staff {
    #[model(primary_key)]
    id: i64,
    #[model(max_length = 40, collation = "utf8mb4_bin")]
    password: String,
}

#[test]
fn collation_on_the_table_and_a_field() {
    let expected = Table::new("staff")
        .collation("utf8mb4_general_ci")
        .column(Column::new("id", SqlType::BigInt).identity())
        .column(Column::new("password", SqlType::Varchar(40)).collation("utf8mb4_bin"))
        .primary_key(pk("staff", &["id"]));
    assert_eq!(Staff::table(), expected);
}

#[derive(Model)]
#[model(table = "counters", without_rowid, strict)]
struct Counter {
    #[model(primary_key)]
    id: i64,
    hits: i64,
}

#[test]
fn without_rowid_and_strict_set_sqlite_s_options_and_leave_the_key_to_the_rows() {
    let expected = Table::new("counters")
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new("hits", SqlType::BigInt))
        .primary_key(pk("counters", &["id"]))
        .without_rowid()
        .strict();
    assert_eq!(Counter::table(), expected);
}

/// First line.
///
///   Indented third line.
#[derive(Model)]
struct Documented {
    /** Block doc. */
    #[model(primary_key)]
    id: i64,
    /// One
    /// Two
    note: String,
}

#[test]
fn doc_comments_become_comments_line_by_line() {
    let table = Documented::table();
    assert_eq!(
        table.comment.as_deref(),
        Some("First line.\n\n  Indented third line.")
    );
    assert_eq!(table.columns[0].comment.as_deref(), Some("Block doc."));
    assert_eq!(table.columns[1].comment.as_deref(), Some("One\nTwo"));
}

#[derive(Model)]
#[model(
    table = "memberships",
    primary_key(columns("team_id", "user_id")),
    index(columns("user_id", "role")),
    index(columns("created_at"), name = "ix_memberships_recent", unique),
    unique(columns("team_id", "role")),
    unique(columns("user_id", "team_id"), name = "uq_one_membership"),
    check(name = "known_role", expr = "role IN ('owner', 'member')")
)]
struct Membership {
    team_id: i64,
    user_id: i64,
    role: String,
    created_at: i64,
}

#[test]
fn struct_keys_primary_key_index_unique_check() {
    let expected = Table::new("memberships")
        .column(Column::new("team_id", SqlType::BigInt))
        .column(Column::new("user_id", SqlType::BigInt))
        .column(Column::new("role", SqlType::Text))
        .column(Column::new("created_at", SqlType::BigInt))
        .primary_key(pk("memberships", &["team_id", "user_id"]))
        .index(Index::on_columns(
            "ix_memberships_user_id_role",
            ["user_id", "role"],
        ))
        .index(Index::on_columns("ix_memberships_recent", ["created_at"]).unique())
        .unique(UniqueConstraint {
            name: Some("uq_memberships_team_id_role".into()),
            columns: vec!["team_id".into(), "role".into()],
            deferrable: None,
        })
        .unique(UniqueConstraint {
            name: Some("uq_one_membership".into()),
            columns: vec!["user_id".into(), "team_id".into()],
            deferrable: None,
        })
        .check(CheckConstraint {
            name: Some("ck_memberships_known_role".into()),
            expression: "role IN ('owner', 'member')".into(),
        });
    assert_eq!(Membership::table(), expected);
}

#[derive(Model)]
struct Pair {
    #[model(primary_key)]
    left_id: i64,
    #[model(primary_key)]
    right_id: i64,
}

#[test]
fn several_key_fields_make_a_composite_key_without_identity() {
    let expected = Table::new("pair")
        .column(Column::new("left_id", SqlType::BigInt))
        .column(Column::new("right_id", SqlType::BigInt))
        .primary_key(pk("pair", &["left_id", "right_id"]));
    assert_eq!(Pair::table(), expected);
}

#[derive(Model)]
struct Manual {
    #[model(primary_key, autoincrement = false)]
    id: i64,
}

#[derive(Model)]
struct Coded {
    #[model(primary_key)]
    code: String,
}

#[derive(Model)]
struct ForcedIdentity {
    #[model(primary_key, autoincrement)]
    id: i64,
}

#[test]
fn autoincrement_follows_the_key_type_unless_given() {
    assert!(!Manual::table().columns[0].identity);
    assert!(
        !Coded::table().columns[0].identity,
        "text keys are not identity"
    );
    assert!(ForcedIdentity::table().columns[0].identity);
}

#[derive(Model)]
#[model(table = "products")]
struct Product {
    #[model(primary_key)]
    id: i64,
    #[model(column = "stock_keeping_unit")]
    sku: String,
    #[model(sql_type = "varchar(20)")]
    code: String,
    #[model(sql_type = "citext")]
    slug: Option<String>,
    #[model(max_length = 80)]
    title: Option<String>,
    #[model(precision = 10, scale = 2)]
    price: String,
    #[model(precision = 12)]
    weight: String,
    #[model(default = "'draft'")]
    state: String,
    #[model(renamed_from = "label")]
    name: String,
    #[model(check = "stock >= 0")]
    stock: i32,
    #[model(comment = "Wins over the doc")]
    /// Loses.
    note: String,
    #[model(skip)]
    #[allow(dead_code)]
    cache: std::cell::Cell<u8>,
    #[model(
        references = "inventory.vendors.id",
        on_delete = "set null",
        on_update = "cascade"
    )]
    vendor_id: Option<i64>,
    #[model(
        references = "brands.code",
        on_delete = "restrict",
        on_update = "set default"
    )]
    brand_code: String,
    #[model(references = "labels.id", on_delete = "no action")]
    label_id: i64,
}

#[test]
fn field_keys() {
    let table = Product::table();
    let expected = Table::new("products")
        .column(Column::new("id", SqlType::BigInt).identity())
        .column(Column::new("stock_keeping_unit", SqlType::Text))
        .column(Column::new("code", SqlType::Varchar(20)))
        .column(Column::new("slug", SqlType::Custom("citext".into())).nullable())
        .column(Column::new("title", SqlType::Varchar(80)).nullable())
        .column(Column::new(
            "price",
            SqlType::Numeric {
                precision: Some(10),
                scale: Some(2),
            },
        ))
        .column(Column::new(
            "weight",
            SqlType::Numeric {
                precision: Some(12),
                scale: None,
            },
        ))
        .column(Column::new("state", SqlType::Text).default_expr("'draft'"))
        .column(Column::new("name", SqlType::Text))
        .column(Column::new("stock", SqlType::Integer))
        .column(Column::new("note", SqlType::Text).comment("Wins over the doc"))
        .column(Column::new("vendor_id", SqlType::BigInt).nullable())
        .column(Column::new("brand_code", SqlType::Text))
        .column(Column::new("label_id", SqlType::BigInt))
        .primary_key(pk("products", &["id"]))
        .check(CheckConstraint {
            name: Some("ck_products_stock".into()),
            expression: "stock >= 0".into(),
        })
        .foreign_key(ForeignKey {
            referenced_schema: Some("inventory".into()),
            on_delete: ReferentialAction::SetNull,
            on_update: ReferentialAction::Cascade,
            deferrable: None,
            ..fk(
                "fk_products_vendor_id_vendors",
                "vendor_id",
                "vendors",
                "id",
            )
        })
        .foreign_key(ForeignKey {
            on_delete: ReferentialAction::Restrict,
            on_update: ReferentialAction::SetDefault,
            deferrable: None,
            ..fk(
                "fk_products_brand_code_brands",
                "brand_code",
                "brands",
                "code",
            )
        })
        .foreign_key(fk(
            "fk_products_label_id_labels",
            "label_id",
            "labels",
            "id",
        ));
    assert_eq!(table, expected);
    let renamed = table.find_column("name").map(|c| c.renamed_from.as_deref());
    assert_eq!(renamed, Some(Some("label")));
}

#[derive(Model)]
struct Known {
    #[model(primary_key, sql_type = "BIGINT")]
    id: i64,
    #[model(sql_type = "smallint")]
    a: i64,
    #[model(sql_type = "int")]
    b: i64,
    #[model(sql_type = "real")]
    c: f64,
    #[model(sql_type = "double precision")]
    d: f64,
    #[model(sql_type = "numeric(8, 3)")]
    e: String,
    #[model(sql_type = "bool")]
    f: bool,
    #[model(sql_type = "text")]
    g: String,
    #[model(sql_type = "char(2)")]
    h: String,
    #[model(sql_type = "bytea")]
    i: Vec<u8>,
    #[model(sql_type = "date")]
    j: String,
    #[model(sql_type = "time")]
    k: String,
    #[model(sql_type = "timestamp")]
    l: String,
    #[model(sql_type = "timestamptz")]
    m: String,
    #[model(sql_type = "uuid")]
    n: String,
    #[model(sql_type = "jsonb")]
    o: Option<String>,
}

#[test]
fn sql_type_maps_known_types_to_portable_ones() {
    let types: Vec<(SqlType, bool)> = Known::table()
        .columns
        .into_iter()
        .map(|c| (c.ty, c.nullable))
        .collect();
    let expected = vec![
        SqlType::BigInt,
        SqlType::SmallInt,
        SqlType::Integer,
        SqlType::Real,
        SqlType::Double,
        SqlType::Numeric {
            precision: Some(8),
            scale: Some(3),
        },
        SqlType::Boolean,
        SqlType::Text,
        SqlType::Char(2),
        SqlType::Binary,
        SqlType::Date,
        SqlType::Time,
        SqlType::Timestamp,
        SqlType::TimestampTz,
        SqlType::Uuid,
        SqlType::Json,
    ];
    let mut nullability = vec![false; expected.len()];
    nullability[15] = true;
    assert_eq!(
        types,
        expected.into_iter().zip(nullability).collect::<Vec<_>>()
    );
    assert!(Known::table().columns[0].identity);
}

#[derive(Model)]
#[model(table = "a_table_whose_name_is_long_enough_to_matter")]
struct LongNames {
    #[model(primary_key)]
    id: i64,
    #[model(index, unique)]
    a_column_whose_name_is_also_quite_long: String,
}

#[test]
fn generated_names_longer_than_63_bytes_are_shortened() {
    let table = LongNames::table();
    let index = &table.indexes[0].name;
    assert_eq!(index.len(), 63);
    assert!(index.starts_with("ix_a_table_whose_name_is_long_enough_to_matter_a_colu"));
    assert_eq!(
        index,
        &retort::naming::index_name(
            "a_table_whose_name_is_long_enough_to_matter",
            &["a_column_whose_name_is_also_quite_long"],
        )
    );
    let unique = table.uniques[0].name.as_deref().unwrap_or_default();
    assert_eq!(unique.len(), 63);
    assert!(unique.starts_with("uq_"));
}

#[derive(Model)]
struct r#Type {
    #[model(primary_key)]
    r#type: i64,
}

#[test]
fn raw_identifiers_lose_their_prefix() {
    let table = r#Type::table();
    assert_eq!(table.name, "type");
    assert_eq!(table.columns[0].name, "type");
}

mod paths {
    pub mod reexported {
        pub use retort::*;
    }
}

#[derive(Model)]
#[model(crate = "paths::reexported")]
struct ThroughAnotherPath {
    #[model(primary_key)]
    id: i64,
}

#[test]
fn crate_overrides_the_path_to_retort() {
    assert_eq!(ThroughAnotherPath::table().name, "through_another_path");
}

#[test]
fn schema_macro_collects_derived_models() {
    let schema = retort::schema![User, Membership];
    assert!(schema.table("users").is_some());
    assert!(schema.table("memberships").is_some());
}

#[derive(Model)]
#[model(primary_key(columns("number")))]
struct KeyedOnTheStruct {
    number: i32,
    #[model(column = "label")]
    name: String,
}

#[derive(Model)]
#[model(primary_key(columns("number")))]
struct KeyedOnTheStructByHand {
    #[model(autoincrement = false)]
    number: i32,
}

#[test]
fn a_single_key_listed_on_the_struct_is_an_identity_column_too() {
    let expected = Table::new("keyed_on_the_struct")
        .column(Column::new("number", SqlType::Integer).identity())
        .column(Column::new("label", SqlType::Text))
        .primary_key(pk("keyed_on_the_struct", &["number"]));
    assert_eq!(KeyedOnTheStruct::table(), expected);
    assert!(!KeyedOnTheStructByHand::table().columns[0].identity);
}

#[derive(Model)]
struct Shipment {
    #[model(primary_key)]
    id: i64,
    #[model(references = "orders.id", initially_deferred)]
    order_id: i64,
    #[model(references = "carriers.id", deferrable, on_delete = "cascade")]
    carrier_id: i64,
    #[model(references = "depots.id", deferrable, initially_deferred)]
    depot_id: i64,
    #[model(references = "routes.id")]
    route_id: i64,
}

#[test]
fn deferrable_and_initially_deferred_say_when_a_foreign_key_is_checked() {
    use retort::Deferral;
    let deferrals: Vec<(String, Option<Deferral>)> = Shipment::table()
        .foreign_keys
        .into_iter()
        .map(|key| (key.columns.concat(), key.deferrable))
        .collect();
    assert_eq!(
        deferrals,
        [
            ("order_id".into(), Some(Deferral::InitiallyDeferred)),
            ("carrier_id".into(), Some(Deferral::InitiallyImmediate)),
            ("depot_id".into(), Some(Deferral::InitiallyDeferred)),
            ("route_id".into(), None),
        ]
    );
    let carrier = &Shipment::table().foreign_keys[1];
    assert_eq!(carrier.on_delete, ReferentialAction::Cascade);
}

#[derive(Model)]
#[model(unique(columns("slot"), initially_deferred))]
#[model(unique(columns("position"), name = "uq_rank", deferrable))]
#[model(unique(columns("slot", "position")))]
struct Ranking {
    #[model(primary_key)]
    id: i64,
    slot: i32,
    position: i32,
}

#[test]
fn unique_constraints_can_be_deferrable() {
    use retort::Deferral;
    let uniques: Vec<(Option<String>, Option<Deferral>)> = Ranking::table()
        .uniques
        .into_iter()
        .map(|unique| (unique.name, unique.deferrable))
        .collect();
    assert_eq!(
        uniques,
        [
            (
                Some("uq_ranking_slot".into()),
                Some(Deferral::InitiallyDeferred)
            ),
            (Some("uq_rank".into()), Some(Deferral::InitiallyImmediate)),
            (Some("uq_ranking_slot_position".into()), None),
        ]
    );
}

#[derive(Model)]
#[model(table = "invoices")]
struct Invoice {
    #[model(primary_key, identity(always, start = 1000, increment = -10))]
    number: i64,
    total: i32,
}

#[derive(Model)]
#[model(table = "receipts")]
struct Receipt {
    #[model(primary_key, identity(start = 7))]
    id: i32,
}

#[derive(Model)]
#[model(table = "tickets")]
struct Ticket {
    #[model(primary_key, identity)]
    id: i64,
}

#[test]
fn identity_spells_out_how_postgres_numbers_the_key() {
    use retort::IdentityOptions;
    let invoice = Invoice::table();
    assert_eq!(
        invoice.columns[0],
        Column::new("number", SqlType::BigInt).identity_options(IdentityOptions {
            always: true,
            start: Some(1000),
            increment: Some(-10),
        })
    );
    assert!(!invoice.columns[1].identity);
    let receipt = &Receipt::table().columns[0];
    assert!(receipt.identity);
    assert_eq!(
        receipt.identity_options,
        IdentityOptions {
            always: false,
            start: Some(7),
            increment: None,
        }
    );
    let ticket = &Ticket::table().columns[0];
    assert!(ticket.identity);
    assert!(ticket.identity_options.is_default());
}

#[derive(Model)]
#[model(table = "archived_lines", engine = "MyISAM")]
struct ArchivedLine {
    #[model(primary_key)]
    id: i64,
    line: String,
}

#[test]
fn engine_names_the_mysql_storage_engine() {
    assert_eq!(ArchivedLine::table().engine.as_deref(), Some("MyISAM"));
    assert_eq!(Invoice::table().engine, None);
}

#[derive(Model)]
#[model(
    table = "queue_slots",
    primary_key(columns("position"), initially_deferred)
)]
struct QueueSlot {
    position: i32,
    label: String,
}

#[derive(Model)]
#[model(primary_key(columns("a", "b"), deferrable))]
struct DeferrablePair {
    a: i64,
    b: i64,
}

#[test]
fn a_primary_key_listed_on_the_struct_may_be_deferrable() {
    use retort::Deferral;
    let key = QueueSlot::table().primary_key.unwrap();
    assert_eq!(key.columns, ["position"]);
    assert_eq!(key.deferrable, Some(Deferral::InitiallyDeferred));
    assert_eq!(
        DeferrablePair::table().primary_key.unwrap().deferrable,
        Some(Deferral::InitiallyImmediate)
    );
    assert_eq!(Invoice::table().primary_key.unwrap().deferrable, None);
}
