use super::*;
use crate::schema::{
    CheckConstraint, Column, ForeignKey, Index, PrimaryKey, ReferentialAction, Schema, SqlType,
    Table, UniqueConstraint,
};

fn users() -> Table {
    Table::new("users")
        .column(Column::new("id", SqlType::BigInt).identity())
        .column(Column::new("email", SqlType::Varchar(100)))
        .column(Column::new("name", SqlType::Text).nullable())
        .primary_key(PrimaryKey {
            name: Some("pk_users".into()),
            columns: vec!["id".into()],
            ..Default::default()
        })
}

fn teams() -> Table {
    Table::new("teams")
        .column(Column::new("id", SqlType::BigInt))
        .primary_key(PrimaryKey {
            name: Some("pk_teams".into()),
            columns: vec!["id".into()],
            ..Default::default()
        })
}

fn references(name: &str, column: &str, table: &str) -> ForeignKey {
    ForeignKey {
        name: Some(name.into()),
        columns: vec![column.into()],
        referenced_schema: None,
        referenced_table: table.into(),
        referenced_columns: vec!["id".into()],
        on_delete: ReferentialAction::Cascade,
        on_update: ReferentialAction::NoAction,
        deferrable: None,
    }
}

fn kinds(diff: &Diff) -> Vec<String> {
    diff.ops()
        .iter()
        .map(|op| {
            let debug = format!("{op:?}");
            let kind = debug
                .split([' ', '{'])
                .next()
                .unwrap_or_default()
                .to_owned();
            match op.table() {
                Some(table) => format!("{kind} {table}"),
                None => kind,
            }
        })
        .collect()
}

#[test]
fn equal_schemas_give_an_empty_diff() {
    let schema = Schema::new(vec![users(), teams()]);
    let mut reordered = schema.clone();
    reordered.tables.reverse();
    assert!(diff(&schema, &reordered).is_empty());
    assert!(diff(&Schema::default(), &Schema::default()).is_empty());
}

#[test]
fn a_column_hint_gives_a_rename_that_keeps_the_values() {
    let mut renamed = users();
    renamed.columns[2] = Column::new("full_name", SqlType::Text)
        .nullable()
        .renamed_from("name");
    let up = diff(&Schema::new(vec![users()]), &Schema::new(vec![renamed]));
    assert_eq!(
        up.ops(),
        [Op::RenameColumn {
            table: TableName {
                schema: None,
                name: "users".into()
            },
            from: "name".into(),
            to: "full_name".into(),
        }]
    );
    assert!(up.warnings().is_empty());
    assert!(!up.is_destructive());
}

#[test]
fn renaming_a_key_column_keeps_the_key() {
    let mut renamed = users();
    renamed.columns[0] = Column::new("user_id", SqlType::BigInt)
        .identity()
        .renamed_from("id");
    renamed.primary_key = Some(PrimaryKey {
        name: Some("pk_users".into()),
        columns: vec!["user_id".into()],
        ..Default::default()
    });
    let up = diff(
        &Schema::new(vec![users()]),
        &Schema::new(vec![renamed.clone()]),
    );
    assert_eq!(kinds(&up), ["RenameColumn users"], "{up:?}");
    // Renamed and renamed again under another key name: a new key.
    renamed.primary_key = Some(PrimaryKey {
        name: Some("pk_people".into()),
        columns: vec!["user_id".into()],
        ..Default::default()
    });
    let up = diff(&Schema::new(vec![users()]), &Schema::new(vec![renamed]));
    assert_eq!(
        kinds(&up),
        [
            "DropPrimaryKey users",
            "RenameColumn users",
            "AddPrimaryKey users"
        ]
    );
}

#[test]
fn the_reverse_adds_dropped_columns_back_in_their_order() {
    let mut fewer = users();
    fewer.columns.truncate(1);
    let up = diff(&Schema::new(vec![users()]), &Schema::new(vec![fewer]));
    let down = up.reverse();
    let added: Vec<&str> = down
        .ops()
        .iter()
        .filter_map(|op| match op {
            Op::AddColumn { column, .. } => Some(column.name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(added, ["email", "name"]);
}

#[test]
fn a_column_that_stays_generated_is_altered_as_generated() {
    let mut commented = users();
    commented.columns[0].comment = Some("the key".into());
    let up = diff(&Schema::new(vec![users()]), &Schema::new(vec![commented]));
    match up.ops() {
        [Op::AlterColumn { old, new, .. }] => {
            assert!(old.identity && new.identity, "{up:?}");
            assert!(!up.ops()[0].column_changes().identity);
        }
        ops => panic!("one AlterColumn expected, got {ops:?}"),
    }
}

#[test]
fn a_generated_column_is_dropped_before_a_column_it_reads_changes_type_and_added_after() {
    let items = |price: SqlType| {
        let mut total = Column::new("total", SqlType::BigInt).nullable();
        total.generated = Some(crate::schema::Generated {
            expression: "price * 2".into(),
            stored: true,
        });
        let mut unrelated = Column::new("weight", SqlType::BigInt).nullable();
        unrelated.generated = Some(crate::schema::Generated {
            expression: "prices_seen + 1".into(),
            stored: true,
        });
        Schema::new(vec![Table::new("items")
            .column(Column::new("price", price))
            .column(Column::new("prices_seen", SqlType::Integer))
            .column(total)
            .column(unrelated)
            .index(Index::on_columns("ix_items_total", ["total"]))])
    };
    let up = diff(&items(SqlType::Integer), &items(SqlType::BigInt));
    let ops: Vec<String> = up
        .ops()
        .iter()
        .map(|op| match op {
            Op::DropColumn { column, .. } => format!("drop {}", column.name),
            Op::AddColumn { column, .. } => format!("add {}", column.name),
            Op::AlterColumn { new, .. } => format!("alter {}", new.name),
            Op::DropIndex { index, .. } => format!("drop index {}", index.name),
            Op::CreateIndex { index, .. } => format!("create index {}", index.name),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        ops,
        [
            "drop index ix_items_total",
            "drop total",
            "alter price",
            "add total",
            "create index ix_items_total"
        ]
    );
    assert!(up.warnings().is_empty(), "{:?}", up.warnings());
}

#[test]
fn a_changed_generation_is_a_drop_and_add_with_the_column_s_indexes_around_it() {
    let items = |expression: &str, stored: bool| {
        let mut amount = Column::new("amount", SqlType::BigInt);
        amount.generated = Some(crate::schema::Generated {
            expression: expression.into(),
            stored,
        });
        Schema::new(vec![Table::new("items")
            .column(Column::new("price", SqlType::BigInt))
            .column(amount)
            .index(Index::on_columns("ix_items_amount", ["amount"]))
            .index(Index::on_columns("ix_items_price", ["price"]))
            .unique(UniqueConstraint {
                name: Some("uq_items_price_amount".into()),
                columns: vec!["price".into(), "amount".into()],
                deferrable: None,
            })])
    };
    let expected = [
        "DropIndex items",
        "DropUnique items",
        "DropColumn items",
        "AddColumn items",
        "CreateIndex items",
        "AddUnique items",
    ];
    for to in [items("price * 3", true), items("price * 2", false)] {
        let up = diff(&items("price * 2", true), &to);
        let mut kinds = kinds(&up);
        kinds.sort_by_key(|kind| expected.iter().position(|e| e == kind));
        assert_eq!(kinds, expected, "{up:?}");
        assert!(
            up.ops().iter().all(|op| match op {
                Op::DropIndex { index, .. } | Op::CreateIndex { index, .. } =>
                    index.name == "ix_items_amount",
                _ => true,
            }),
            "the index on price stays: {up:?}"
        );
        assert!(
            up.warnings().is_empty(),
            "a generated column loses nothing and is no rename: {:?}",
            up.warnings()
        );
    }
    let plain = {
        let mut schema = items("price * 2", true);
        schema.tables[0].columns[1].generated = None;
        schema
    };
    let up = diff(&plain, &items("price * 2", true));
    assert!(
        kinds(&up).contains(&"DropColumn items".to_owned()),
        "{up:?}"
    );
    assert!(
        !up.warnings().is_empty(),
        "a plain column becoming generated loses its values: the drop warns"
    );
    let down = diff(&items("price * 2", true), &plain);
    let expected = [
        "DropIndex items",
        "DropUnique items",
        "SetColumnGeneration items",
        "CreateIndex items",
        "AddUnique items",
    ];
    let mut kinds = kinds(&down);
    kinds.sort_by_key(|kind| expected.iter().position(|e| e == kind));
    assert_eq!(
        kinds, expected,
        "a generated column becoming plain keeps its values, in place: {down:?}"
    );
    assert!(down.warnings().is_empty(), "{:?}", down.warnings());
    let reversed = down.reverse();
    assert!(
        reversed
            .warnings()
            .iter()
            .any(|warning| warning.kind == WarningKind::Destructive
                && warning.message.contains("items.amount generated")),
        "its reverse replaces the values: it warns: {:?}",
        reversed.warnings()
    );
    assert!(diff(&items("price * 2", true), &items("price * 2", true)).is_empty());
}

#[test]
fn a_table_whose_columns_are_all_replaced_is_never_left_without_one() {
    let before = Table::new("notes").column(Column::new("body", SqlType::Text));
    let after = Table::new("notes").column(Column::new("text", SqlType::Varchar(10)));
    let up = diff(
        &Schema::new(vec![before.clone()]),
        &Schema::new(vec![after.clone()]),
    );
    assert_eq!(kinds(&up), ["AddColumn notes", "DropColumn notes"]);
    assert_eq!(
        kinds(&up.reverse()),
        ["AddColumn notes", "DropColumn notes"]
    );
}

#[test]
fn a_hint_already_applied_changes_nothing() {
    let mut renamed = users();
    renamed.columns[2].renamed_from = Some("old_name".into());
    renamed.renamed_from = Some("people".into());
    assert!(diff(&Schema::new(vec![users()]), &Schema::new(vec![renamed])).is_empty());
}

#[test]
fn a_table_hint_gives_a_table_rename_then_column_changes_by_the_new_name() {
    let mut people = users();
    people.name = "people".into();
    people.renamed_from = Some("users".into());
    people.columns[1].ty = SqlType::Varchar(200);
    let up = diff(&Schema::new(vec![users()]), &Schema::new(vec![people]));
    assert_eq!(kinds(&up), ["RenameTable users", "AlterColumn people"]);
    assert!(!up.is_destructive(), "widening a varchar keeps every value");
}

#[test]
fn a_drop_and_add_of_the_same_type_is_kept_but_flagged() {
    let mut renamed = users();
    renamed.columns[2] = Column::new("full_name", SqlType::Text).nullable();
    let up = diff(&Schema::new(vec![users()]), &Schema::new(vec![renamed]));
    assert_eq!(kinds(&up), ["DropColumn users", "AddColumn users"]);
    let rename_warnings: Vec<&DiffWarning> = up
        .warnings()
        .iter()
        .filter(|warning| warning.kind == WarningKind::PossibleRename)
        .collect();
    assert_eq!(rename_warnings.len(), 1);
    assert!(
        rename_warnings[0]
            .message
            .contains("#[model(renamed_from = \"name\")]"),
        "{}",
        rename_warnings[0]
    );
    assert!(up.is_destructive());
    // The reverse is flagged the other way round.
    assert!(up
        .reverse()
        .warnings()
        .iter()
        .any(|warning| warning.message.contains("renamed_from = \"full_name\"")));
}

#[test]
fn a_dropped_and_created_table_with_the_same_columns_is_flagged() {
    let mut people = users();
    people.name = "people".into();
    let up = diff(&Schema::new(vec![users()]), &Schema::new(vec![people]));
    assert!(up
        .warnings()
        .iter()
        .any(|warning| warning.kind == WarningKind::PossibleRename
            && warning.message.contains("renamed_from = \"users\"")));
}

#[test]
fn referenced_tables_are_created_first_and_dropped_last() {
    let members = Table::new("members")
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new("team_id", SqlType::BigInt))
        .foreign_key(references("fk_members_team", "team_id", "teams"));
    // "members" sorts before "teams": the order comes from the reference.
    let schema = Schema::new(vec![members, teams()]);
    let up = diff(&Schema::default(), &schema);
    assert_eq!(kinds(&up), ["CreateTable teams", "CreateTable members"]);
    let Op::CreateTable { table } = &up.ops()[1] else {
        panic!("expected a create")
    };
    assert_eq!(table.foreign_keys.len(), 1, "declared with the table");
    let down = diff(&schema, &Schema::default());
    assert_eq!(kinds(&down), ["DropTable members", "DropTable teams"]);
    assert_eq!(down.ops(), up.reverse().ops());
}

#[test]
fn a_reference_cycle_is_broken_by_a_separate_foreign_key() {
    let a = Table::new("a")
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new("b_id", SqlType::BigInt))
        .foreign_key(references("fk_a_b", "b_id", "b"));
    let b = Table::new("b")
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new("a_id", SqlType::BigInt))
        .foreign_key(references("fk_b_a", "a_id", "a"));
    let schema = Schema::new(vec![a, b]);
    let up = diff(&Schema::default(), &schema);
    assert_eq!(
        kinds(&up),
        ["CreateTable a", "CreateTable b", "AddForeignKey a"]
    );
    let down = diff(&schema, &Schema::default());
    assert_eq!(
        kinds(&down),
        ["DropForeignKey a", "DropTable b", "DropTable a"]
    );
}

#[test]
fn foreign_keys_are_dropped_before_what_they_depend_on_and_added_last() {
    let members = |with_key: bool| {
        let table = Table::new("members")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("team_id", SqlType::BigInt));
        if with_key {
            table.foreign_key(references("fk_members_team", "team_id", "teams"))
        } else {
            table
        }
    };
    let before = Schema::new(vec![members(true), teams()]);
    let after = Schema::new(vec![members(false)]);
    let up = diff(&before, &after);
    assert_eq!(kinds(&up), ["DropForeignKey members", "DropTable teams"]);
    assert_eq!(
        kinds(&up.reverse()),
        ["CreateTable teams", "AddForeignKey members"]
    );
}

#[test]
fn a_key_added_to_a_referenced_table_leaves_its_foreign_keys_alone() {
    let members = Table::new("members")
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new("team_id", SqlType::BigInt))
        .foreign_key(references("fk_members_team", "team_id", "teams"));
    let wider = teams().unique(UniqueConstraint {
        name: Some("uq_teams_id".into()),
        columns: vec!["id".into()],
        deferrable: None,
    });
    let up = diff(
        &Schema::new(vec![members.clone(), teams()]),
        &Schema::new(vec![members, wider]),
    );
    assert_eq!(kinds(&up), ["AddUnique teams"]);
    assert_eq!(kinds(&up.reverse()), ["DropUnique teams"]);
}

#[test]
fn a_key_that_foreign_keys_rely_on_going_drops_and_re_adds_them() {
    let members = Table::new("members")
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new("team_id", SqlType::BigInt))
        .foreign_key(references("fk_members_team", "team_id", "teams"));
    let mut renamed_key = teams();
    renamed_key.primary_key = Some(PrimaryKey {
        name: Some("pk_teams_by_id".into()),
        columns: vec!["id".into()],
        ..Default::default()
    });
    let up = diff(
        &Schema::new(vec![members.clone(), teams()]),
        &Schema::new(vec![members, renamed_key]),
    );
    assert_eq!(
        kinds(&up),
        [
            "DropForeignKey members",
            "DropPrimaryKey teams",
            "AddPrimaryKey teams",
            "AddForeignKey members"
        ]
    );
}

#[test]
fn every_kind_of_change_reverses_to_the_original() {
    let before = Schema::new(vec![
        users()
            .index(Index::on_columns("ix_users_email", ["email"]))
            .check(CheckConstraint {
                name: Some("ck_users_email".into()),
                expression: "email <> ''".into(),
            }),
        teams(),
    ]);
    let mut changed = users();
    changed.columns[1].ty = SqlType::Text;
    changed.columns[2].nullable = false;
    changed.columns[2].default = Some("'anon'".into());
    changed.columns[2].comment = Some("shown".into());
    changed.comment = Some("people".into());
    changed = changed
        .column(
            Column::new(
                "mood",
                SqlType::Enum {
                    name: "mood".into(),
                    values: vec!["happy".into()],
                },
            )
            .nullable(),
        )
        .column(Column::new("team_id", SqlType::BigInt).nullable())
        .foreign_key(references("fk_users_team", "team_id", "teams"))
        .unique(UniqueConstraint {
            name: Some("uq_users_email".into()),
            columns: vec!["email".into()],
            deferrable: None,
        });
    let after = Schema::new(vec![changed, teams()]);
    let up = diff(&before, &after);
    let down = diff(&after, &before);
    // The reverse holds the same ops as a fresh diff the other way (in a
    // possibly different, equally safe order).
    let sorted = |diff: &Diff| {
        let mut ops: Vec<String> = diff.ops().iter().map(|op| format!("{op:?}")).collect();
        ops.sort();
        ops
    };
    assert_eq!(sorted(&up.reverse()), sorted(&down));
    assert_eq!(up.reverse().reverse().ops(), up.ops());
    assert_eq!(
        kinds(&up),
        [
            "CreateEnum",
            "DropIndex users",
            "DropCheck users",
            "AddColumn users",
            "AddColumn users",
            "AlterColumn users",
            "AlterColumn users",
            "SetTableComment users",
            "AddUnique users",
            "AddForeignKey users",
        ]
    );
    // Text to varchar narrows; NULL to NOT NULL may fail.
    assert!(down.is_destructive());
    assert!(up.is_destructive());
}

#[test]
fn enum_values_added_in_order_are_an_add_and_removed_ones_a_destructive_replace() {
    let with = |values: &[&str]| {
        Schema::new(vec![Table::new("t").column(Column::new(
            "mood",
            SqlType::Enum {
                name: "mood".into(),
                values: values.iter().map(|value| value.to_string()).collect(),
            },
        ))])
    };
    let up = diff(&with(&["a", "c"]), &with(&["a", "b", "c"]));
    assert!(matches!(up.ops()[0], Op::AddEnumValues { .. }));
    assert!(up.ops()[0].destructive().is_none());
    let Op::AddEnumValues { columns, .. } = &up.ops()[0] else {
        panic!("expected an add")
    };
    assert_eq!(columns.len(), 1);
    assert!(matches!(
        up.reverse().ops()[1],
        Op::ReplaceEnumValues { .. }
    ));
    assert!(up.reverse().is_destructive());
    let reorder = diff(&with(&["a", "b"]), &with(&["b", "a"]));
    assert!(matches!(reorder.ops()[0], Op::ReplaceEnumValues { .. }));
    assert!(reorder.ops()[0].destructive().is_none());
    let dropped = diff(&with(&["a", "b"]), &Schema::default());
    assert_eq!(kinds(&dropped), ["DropTable t", "DropEnum"]);
}

#[test]
fn widening_is_told_apart_from_narrowing() {
    use crate::diff::op::is_widening;
    assert!(is_widening(&SqlType::Integer, &SqlType::BigInt));
    assert!(!is_widening(&SqlType::BigInt, &SqlType::Integer));
    assert!(is_widening(&SqlType::Varchar(10), &SqlType::Varchar(20)));
    assert!(!is_widening(&SqlType::Varchar(20), &SqlType::Varchar(10)));
    assert!(is_widening(&SqlType::Varchar(20), &SqlType::Text));
    assert!(!is_widening(&SqlType::Text, &SqlType::Varchar(20)));
    let numeric = |precision, scale| SqlType::Numeric {
        precision: Some(precision),
        scale: Some(scale),
    };
    assert!(is_widening(&numeric(10, 2), &numeric(12, 2)));
    assert!(is_widening(&numeric(10, 2), &numeric(12, 4)));
    assert!(!is_widening(&numeric(10, 2), &numeric(10, 4)));
    assert!(!is_widening(&SqlType::Text, &SqlType::Integer));
}

#[test]
fn not_null_without_default_is_destructive_but_with_a_default_is_not() {
    let add = |column: Column| {
        diff(
            &Schema::new(vec![users()]),
            &Schema::new(vec![users().column(column)]),
        )
    };
    assert!(add(Column::new("age", SqlType::Integer)).is_destructive());
    assert!(!add(Column::new("age", SqlType::Integer).default_expr("0")).is_destructive());
    assert!(!add(Column::new("age", SqlType::Integer).nullable()).is_destructive());
}

#[test]
fn an_index_on_a_foreign_keys_columns_comes_and_goes_without_touching_the_key() {
    // MySQL alone needs the key lifted off the index; its renderer does it.
    let members = |indexed: bool| {
        let table = Table::new("members")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("team_id", SqlType::BigInt))
            .foreign_key(references("fk_members_team", "team_id", "teams"));
        if indexed {
            table.index(Index::on_columns("ix_members_team", ["team_id", "id"]))
        } else {
            table
        }
    };
    let up = diff(
        &Schema::new(vec![members(false), teams()]),
        &Schema::new(vec![members(true), teams()]),
    );
    assert_eq!(kinds(&up), ["CreateIndex members"]);
    assert_eq!(kinds(&up.reverse()), ["DropIndex members"]);
}

#[test]
fn identity_stops_before_the_key_changes_and_starts_after() {
    let keyed = |identity: bool, columns: &[&str]| {
        let mut table = users();
        table.columns[0].identity = identity;
        table.primary_key = Some(PrimaryKey {
            name: Some("pk_users".into()),
            columns: columns.iter().map(|column| column.to_string()).collect(),
            ..Default::default()
        });
        Schema::new(vec![table])
    };
    let up = diff(&keyed(true, &["id"]), &keyed(false, &["id", "email"]));
    assert_eq!(
        kinds(&up),
        [
            "AlterColumn users",
            "DropPrimaryKey users",
            "AddPrimaryKey users"
        ]
    );
    assert!(up.ops()[0].column_changes().identity);
    assert_eq!(
        kinds(&up.reverse()),
        [
            "DropPrimaryKey users",
            "AddPrimaryKey users",
            "AlterColumn users"
        ]
    );
    let start = diff(&keyed(false, &["email"]), &keyed(true, &["id"]));
    assert_eq!(
        kinds(&start),
        [
            "DropPrimaryKey users",
            "AddPrimaryKey users",
            "AlterColumn users"
        ]
    );
}

#[test]
fn a_hint_naming_nothing_is_reported() {
    let mut hinted = users();
    hinted.columns.push(
        Column::new("nickname", SqlType::Text)
            .nullable()
            .renamed_from("nick"),
    );
    let up = diff(&Schema::new(vec![users()]), &Schema::new(vec![hinted]));
    assert_eq!(kinds(&up), ["AddColumn users"]);
    assert!(up
        .warnings()
        .iter()
        .any(|warning| warning.kind == WarningKind::UnmatchedHint
            && warning.message.contains("has no column nick")));
    let mut people = teams();
    people.name = "people".into();
    people.renamed_from = Some("persons".into());
    let up = diff(
        &Schema::new(vec![users()]),
        &Schema::new(vec![users(), people.clone()]),
    );
    assert!(up
        .warnings()
        .iter()
        .any(|warning| warning.kind == WarningKind::UnmatchedHint));
    let fresh = diff(&Schema::default(), &Schema::new(vec![people]));
    assert!(fresh.warnings().is_empty(), "{:?}", fresh.warnings());
    let Op::CreateTable { table } = &up.ops()[0] else {
        panic!("expected a create")
    };
    assert_eq!(table.renamed_from, None, "ops carry state, not hints");
}

#[test]
fn undeclared_domains_are_reported_and_dropped_only_when_asked() {
    use crate::schema::Domain;
    let year = Domain::new("year", SqlType::Integer);
    let code = Domain::new("code", SqlType::Varchar(8)).not_null();
    let database = Schema::new(vec![users()])
        .domain(year.clone())
        .domain(code.clone());
    let unmanaged = |up: &Diff| -> Vec<String> {
        up.warnings()
            .iter()
            .filter(|warning| warning.kind == WarningKind::Unmanaged)
            .map(|warning| warning.message.clone())
            .collect()
    };
    // None declared: both reported, none dropped.
    let none = diff(&database, &Schema::new(vec![users()]));
    assert!(none.is_empty(), "{:?}", none.ops());
    let reported = unmanaged(&none);
    assert_eq!(reported.len(), 2, "{reported:?}");
    assert!(reported[0].starts_with("domain code is in the database but not in the models"));
    assert!(reported[0].contains("`Schema::domain`"), "{reported:?}");
    // One declared: the other is still left alone.
    let one = diff(&database, &Schema::new(vec![users()]).domain(year.clone()));
    assert!(one.is_empty(), "{:?}", one.ops());
    assert_eq!(unmanaged(&one).len(), 1);
    // Asked to drop: dropped, and the reverse creates it again.
    let dropping = diff(
        &database,
        &Schema::new(vec![users()])
            .domain(year)
            .drop_undeclared_objects(),
    );
    assert_eq!(kinds(&dropping), ["DropDomain"]);
    assert!(unmanaged(&dropping).is_empty());
    assert!(matches!(&dropping.reverse().ops()[0], Op::CreateDomain { domain } if *domain == code));
}

#[test]
fn extensions_are_created_before_everything_and_dropped_after_everything() {
    use crate::schema::{Domain, Extension};
    let citext = Domain::new("email", SqlType::CiText);
    let database = Schema::new(vec![teams()]).extension(Extension::new("hstore"));
    let models = Schema::new(vec![users()])
        .domain(citext)
        .extension(Extension::new("citext"))
        .drop_undeclared_objects();
    let up = diff(&database, &models);
    let kinds = kinds(&up);
    assert_eq!(kinds.first().map(String::as_str), Some("CreateExtension"));
    assert_eq!(kinds.last().map(String::as_str), Some("DropExtension"));
    assert_eq!(kinds[1], "CreateDomain", "{kinds:?}");
    // The reverse drops what the diff created, last, and creates first
    // what it dropped.
    let down = up.reverse();
    assert!(
        matches!(&down.ops()[0], Op::CreateExtension { extension } if extension.name == "hstore")
    );
    assert!(
        matches!(down.ops().last(), Some(Op::DropExtension { extension }) if extension.name == "citext")
    );
    // An extension whose objects live in another schema is the same one.
    let moved = Schema::new(vec![teams()]).extension(Extension::new("hstore").in_schema("ext"));
    assert!(diff(&database, &moved).is_empty());
}

/// Adding a column changes nothing a trigger reads, but the reverse drops
/// the column, which SQLite does by rebuilding the table, which would drop
/// the trigger: the trigger goes first and comes back last.
#[test]
fn a_kept_trigger_goes_around_a_column_added_to_its_table() {
    let trigger = |schema: Schema| {
        schema.trigger(
            "users_touch",
            "users",
            "CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN SELECT 1; END",
        )
    };
    let mut wider = users();
    wider
        .columns
        .push(Column::new("nickname", SqlType::Text).nullable());
    let up = diff(
        &trigger(Schema::new(vec![users()])),
        &trigger(Schema::new(vec![wider])),
    );
    let kinds = kinds(&up);
    assert_eq!(
        kinds,
        ["DropTrigger", "AddColumn users", "CreateTrigger"],
        "{kinds:?}"
    );
}

/// SQLite's table options and a column made plain change its table by a
/// rebuild there, which would drop the trigger: it goes first and comes
/// back last.
#[test]
fn a_kept_trigger_goes_around_a_rebuild_for_options_or_generation() {
    let trigger = |schema: Schema| {
        schema.trigger(
            "users_touch",
            "users",
            "CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN SELECT 1; END",
        )
    };
    let mut generated = users();
    generated.columns[2].generated = Some(crate::schema::Generated {
        expression: "email".into(),
        stored: false,
    });
    for (from, to) in [(users(), users().strict()), (generated, users())] {
        let up = diff(
            &trigger(Schema::new(vec![from])),
            &trigger(Schema::new(vec![to])),
        );
        let kinds = kinds(&up);
        assert_eq!(
            kinds.first().map(String::as_str),
            Some("DropTrigger"),
            "{kinds:?}"
        );
        assert_eq!(
            kinds.last().map(String::as_str),
            Some("CreateTrigger"),
            "{kinds:?}"
        );
        assert_eq!(kinds.len(), 3, "{kinds:?}");
    }
}

/// `users` with a `team_id` column and a foreign key onto `teams` deferred
/// as given, named or not.
fn members(name: Option<&str>, deferrable: Option<crate::schema::Deferral>) -> Schema {
    let users = users()
        .column(Column::new("team_id", SqlType::BigInt).nullable())
        .foreign_key(ForeignKey {
            name: name.map(str::to_owned),
            deferrable,
            ..references("fk_users_team", "team_id", "teams")
        });
    Schema::new(vec![teams(), users])
}

fn users_of(schema: &mut Schema) -> &mut Table {
    schema
        .tables
        .iter_mut()
        .find(|table| table.name == "users")
        .expect("users")
}

#[test]
fn a_change_of_deferral_alone_is_made_in_place_and_reversed() {
    use crate::schema::Deferral;
    let plain = members(Some("fk_users_team"), None);
    let deferred = members(Some("fk_users_team"), Some(Deferral::InitiallyDeferred));
    let up = diff(&plain, &deferred);
    assert_eq!(kinds(&up), ["SetForeignKeyDeferral users"]);
    assert_eq!(
        up.ops()[0].to_string(),
        "make foreign key fk_users_team on users DEFERRABLE INITIALLY DEFERRED"
    );
    assert_eq!(up.reverse().ops(), diff(&deferred, &plain).ops());
    let applied = apply(plain.clone(), up.ops());
    assert_eq!(
        applied.table("users").map(|users| &users.foreign_keys),
        deferred.table("users").map(|users| &users.foreign_keys)
    );
    assert!(diff(&deferred, &deferred).is_empty());
}

#[test]
fn a_change_of_deferral_with_more_or_without_a_name_drops_and_adds_the_key() {
    use crate::schema::Deferral;
    let unnamed = diff(
        &members(None, None),
        &members(None, Some(Deferral::InitiallyImmediate)),
    );
    assert_eq!(
        kinds(&unnamed),
        ["DropForeignKey users", "AddForeignKey users"]
    );
    let mut cascaded = members(Some("fk_users_team"), Some(Deferral::InitiallyDeferred));
    users_of(&mut cascaded).foreign_keys[0].on_delete = ReferentialAction::SetNull;
    let changed = diff(&members(Some("fk_users_team"), None), &cascaded);
    assert_eq!(
        kinds(&changed),
        ["DropForeignKey users", "AddForeignKey users"]
    );
    // The referenced key changes type under it: dropped first, added last.
    let mut retyped = members(Some("fk_users_team"), Some(Deferral::InitiallyDeferred));
    for table in &mut retyped.tables {
        let column = if table.name == "teams" {
            "id"
        } else {
            "team_id"
        };
        for kept in table.columns.iter_mut().filter(|kept| kept.name == column) {
            kept.ty = SqlType::Integer;
        }
    }
    let ops = kinds(&diff(&members(Some("fk_users_team"), None), &retyped));
    assert_eq!(
        ops.first().map(String::as_str),
        Some("DropForeignKey users")
    );
    assert_eq!(ops.last().map(String::as_str), Some("AddForeignKey users"));
    assert!(!ops.iter().any(|op| op.starts_with("SetForeignKeyDeferral")));
}

#[test]
fn a_change_of_a_primary_keys_deferral_drops_and_adds_the_key() {
    use crate::schema::Deferral;
    let keyed = |deferrable: Option<Deferral>| {
        let mut table = users();
        table.primary_key.as_mut().expect("a key").deferrable = deferrable;
        Schema::new(vec![table])
    };
    let plain = keyed(None);
    let deferred = keyed(Some(Deferral::InitiallyDeferred));
    let up = diff(&plain, &deferred);
    assert_eq!(kinds(&up), ["DropPrimaryKey users", "AddPrimaryKey users"]);
    assert_eq!(
        apply(plain.clone(), up.ops())
            .table("users")
            .unwrap()
            .primary_key,
        deferred.table("users").unwrap().primary_key
    );
    assert_eq!(up.reverse().ops(), diff(&deferred, &plain).ops());
    let immediate = keyed(Some(Deferral::InitiallyImmediate));
    assert_eq!(
        kinds(&diff(&deferred, &immediate)),
        ["DropPrimaryKey users", "AddPrimaryKey users"]
    );
    assert!(diff(&deferred, &deferred).is_empty());
    // A column renamed under a deferrable key keeps the key as it is.
    let mut renamed = deferred.clone();
    let users = users_of(&mut renamed);
    users.columns[0].name = "user_id".into();
    users.columns[0].renamed_from = Some("id".into());
    users.primary_key.as_mut().unwrap().columns = vec!["user_id".into()];
    assert_eq!(kinds(&diff(&deferred, &renamed)), ["RenameColumn users"]);
}
