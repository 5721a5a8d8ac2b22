use super::*;

fn users() -> Table {
    Table::new("users")
        .column(Column::new("id", SqlType::BigInt).identity())
        .column(Column::new("email", SqlType::Varchar(255)))
        .column(Column::new("team_id", SqlType::BigInt).nullable())
        .primary_key(PrimaryKey {
            name: Some("pk_users".into()),
            columns: vec!["id".into()],
            ..Default::default()
        })
        .index(Index::on_columns("ix_users_team_id", ["team_id"]))
        .index(Index::on_columns(
            "ix_users_email_team_id",
            ["email", "team_id"],
        ))
        .unique(UniqueConstraint {
            name: Some("uq_users_email".into()),
            columns: vec!["email".into()],
            deferrable: None,
        })
        .unique(UniqueConstraint {
            name: Some("uq_users_team_id_email".into()),
            columns: vec!["team_id".into(), "email".into()],
            deferrable: None,
        })
        .foreign_key(ForeignKey {
            name: Some("fk_users_team_id_teams".into()),
            columns: vec!["team_id".into()],
            referenced_schema: None,
            referenced_table: "teams".into(),
            referenced_columns: vec!["id".into()],
            on_delete: ReferentialAction::Cascade,
            on_update: ReferentialAction::NoAction,
            deferrable: None,
        })
        .check(CheckConstraint {
            name: Some("ck_users_email".into()),
            expression: "email <> ''".into(),
        })
        .check(CheckConstraint {
            name: Some("ck_users_team".into()),
            expression: "team_id > 0".into(),
        })
}

fn teams() -> Table {
    Table::new("teams").column(Column::new("id", SqlType::BigInt))
}

#[test]
fn tables_compare_as_a_set() {
    let forward = Schema::new(vec![users(), teams()]);
    let backward = Schema::new(vec![teams(), users()]);
    assert_eq!(forward, backward);
}

#[test]
fn a_missing_or_extra_table_differs() {
    let both = Schema::new(vec![users(), teams()]);
    assert_ne!(both, Schema::new(vec![users()]));
    assert_ne!(Schema::new(vec![users()]), both);
    assert_ne!(
        both,
        Schema::new(vec![users(), teams(), Table::new("extra")])
    );
}

#[test]
fn a_table_listed_twice_is_not_two_distinct_tables() {
    let duplicated = Schema::new(vec![users(), users()]);
    assert_ne!(duplicated, Schema::new(vec![users(), teams()]));
}

#[test]
fn the_same_name_in_another_namespace_is_another_table() {
    let mut audit_users = users();
    audit_users.schema = Some("audit".into());
    assert_ne!(Schema::new(vec![users()]), Schema::new(vec![audit_users]));
}

#[test]
fn column_order_matters() {
    let mut reordered = users();
    reordered.columns.swap(0, 1);
    assert_ne!(users(), reordered);
}

#[test]
fn indexes_and_constraints_compare_as_sets() {
    let mut reordered = users();
    reordered.indexes.reverse();
    reordered.uniques.reverse();
    reordered.checks.reverse();
    assert_eq!(users(), reordered);
}

#[test]
fn index_key_order_matters() {
    let mut reordered = users();
    reordered.indexes[1].parts.reverse();
    assert_ne!(users(), reordered);
}

#[test]
fn constraint_names_are_compared() {
    let mut renamed = users();
    renamed.uniques[0].name = Some("users_email_key".into());
    assert_ne!(users(), renamed);
}

#[test]
fn rename_hints_are_not_state() {
    let mut hinted = users();
    hinted.renamed_from = Some("accounts".into());
    hinted.columns[1].renamed_from = Some("mail".into());
    assert_eq!(users(), hinted);
}

#[test]
fn backfill_hints_are_not_state() {
    let mut hinted = users();
    hinted.columns[1].backfill = Some("username || '@example.com'".into());
    assert_eq!(users(), hinted);
    assert_eq!(Schema::new(vec![users()]), Schema::new(vec![hinted]));
}

#[test]
fn every_column_attribute_is_compared() {
    let base = Column::new("c", SqlType::Integer);
    let variants = [
        Column::new("d", SqlType::Integer),
        Column::new("c", SqlType::BigInt),
        base.clone().nullable(),
        base.clone().default_expr("0"),
        base.clone().identity(),
        base.clone().comment("note"),
    ];
    for variant in variants {
        assert_ne!(base, variant, "{variant:?} should differ from {base:?}");
    }
}

#[test]
fn every_table_attribute_is_compared() {
    let mut variants = Vec::new();
    let mut t = users();
    t.name = "people".into();
    variants.push(t);
    let mut t = users();
    t.primary_key = None;
    variants.push(t);
    let mut t = users();
    t.comment = Some("note".into());
    variants.push(t);
    let mut t = users();
    t.indexes.pop();
    variants.push(t);
    let mut t = users();
    t.foreign_keys[0].on_delete = ReferentialAction::SetNull;
    variants.push(t);
    let mut t = users();
    t.checks[0].expression = "true".into();
    variants.push(t);
    variants.push(users().without_rowid());
    variants.push(users().strict());
    for variant in variants {
        assert_ne!(users(), variant);
    }
}

#[test]
fn schema_round_trips_through_serde() {
    let mut with_enum = users();
    with_enum.columns.push(Column::new(
        "mood",
        SqlType::Enum {
            name: "mood".into(),
            values: vec!["happy".into(), "sad".into()],
        },
    ));
    let schema = Schema::new(vec![with_enum, teams().without_rowid().strict()]);
    let json = serde_json::to_string(&schema).expect("a schema serializes");
    let back: Schema = serde_json::from_str(&json).expect("and deserializes");
    assert_eq!(schema, back);
}

#[test]
fn lookups_find_tables_by_name_and_namespace() {
    let mut audit = Table::new("log");
    audit.schema = Some("audit".into());
    let schema = Schema::new(vec![users(), audit]);
    assert_eq!(schema.table("users").map(|t| t.columns.len()), Some(3));
    assert!(schema.table_in(Some("audit"), "log").is_some());
    assert!(schema.table_in(None, "log").is_none());
    assert!(schema.table("missing").is_none());
}
