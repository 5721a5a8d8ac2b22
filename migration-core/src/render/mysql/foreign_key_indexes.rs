//! InnoDB and the indexes its foreign keys use.
//!
//! InnoDB needs an index that starts with a foreign key's columns. It uses
//! one the table has, or makes one of its own, named after the key, and
//! drops that one silently when an index that can serve the key comes.
//! Two things follow that no other database needs, so they are handled here
//! rather than in the diff every database shares:
//!
//! - MySQL refuses to drop an index a foreign key uses: a key that stays
//!   while an index that could be serving it goes is dropped first and
//!   added back last ([`lift_foreign_keys_off_going_indexes`]);
//! - InnoDB keeps the index it made when the key is dropped: left behind, it
//!   would read back as an index the model does not have
//!   ([`index_left_behind`]).

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::diff::{removed, Diff, Op, TableName};
use crate::schema::{ForeignKey, Index, IndexPart, Table, UniqueConstraint};

/// The diff with each foreign key that stays, on a table that loses an
/// index or unique constraint starting with the key's columns, dropped
/// before every op and added back after them all. Keys the diff drops
/// already are left to it.
pub(super) fn lift_foreign_keys_off_going_indexes(diff: &Diff) -> Cow<'_, Diff> {
    let mut drops = Vec::new();
    let mut adds = Vec::new();
    for (from, to) in kept_tables(diff) {
        let (from_name, to_name) = (TableName::of(from), TableName::of(to));
        for foreign_key in foreign_keys_on_going_indexes(from, to) {
            let dropped_already = diff.ops().iter().any(|op| {
                matches!(op, Op::DropForeignKey { table, foreign_key: dropped }
                    if *table == from_name && dropped == foreign_key)
            });
            if dropped_already {
                continue;
            }
            drops.push(Op::DropForeignKey {
                table: from_name.clone(),
                foreign_key: foreign_key.clone(),
            });
            adds.push(Op::AddForeignKey {
                table: to_name.clone(),
                foreign_key: foreign_key.clone(),
            });
        }
    }
    if drops.is_empty() {
        Cow::Borrowed(diff)
    } else {
        Cow::Owned(diff.wrapped(drops, adds))
    }
}

/// The index InnoDB made for the foreign key `op` drops, if it made one:
/// the table to drop it from and its name.
pub(super) fn index_left_behind<'a>(diff: &Diff, op: &'a Op) -> Option<(&'a TableName, &'a str)> {
    let Op::DropForeignKey { table, foreign_key } = op else {
        return None;
    };
    let before = diff.from.table_in(table.schema.as_deref(), &table.name)?;
    if has_index_starting_with(before, &foreign_key.columns) {
        return None;
    }
    Some((table, foreign_key.name.as_deref()?))
}

/// Whether an index of the table (its primary key and unique constraints
/// included) starts with these columns, so that InnoDB can use it for a
/// foreign key on them instead of making one of its own.
fn has_index_starting_with(table: &Table, columns: &[String]) -> bool {
    serving_keys(table, &[], &[]).any(|key| key.starts_with(columns))
}

/// The column lists of the table's primary key, unique constraints and
/// indexes (up to their first expression), but for the ones left out.
fn serving_keys<'a>(
    table: &'a Table,
    left_out_uniques: &'a [&UniqueConstraint],
    left_out_indexes: &'a [&Index],
) -> impl Iterator<Item = Vec<String>> + 'a {
    table
        .primary_key
        .iter()
        .map(|key| key.columns.clone())
        .chain(
            table
                .uniques
                .iter()
                .filter(move |unique| !is_among(left_out_uniques, unique))
                .map(|unique| unique.columns.clone()),
        )
        .chain(
            table
                .indexes
                .iter()
                .filter(move |index| !is_among(left_out_indexes, index))
                .map(|index| leading_columns(&index.parts)),
        )
}

/// Whether `item` is one of `items` (the same one, not an equal one).
fn is_among<T>(items: &[&T], item: &T) -> bool {
    items.iter().any(|other| std::ptr::eq(*other, item))
}

/// An index's columns up to its first expression.
fn leading_columns(parts: &[IndexPart]) -> Vec<String> {
    parts
        .iter()
        .map_while(|part| match part {
            IndexPart::Column(column) => Some(column.clone()),
            IndexPart::Expression(_) => None,
        })
        .collect()
}

/// The foreign keys `from` and `to` both have, unchanged, that an index or
/// unique constraint going away could be serving: it starts with the key's
/// columns, and none of the ones that stay does.
fn foreign_keys_on_going_indexes<'a>(from: &'a Table, to: &Table) -> Vec<&'a ForeignKey> {
    let going_indexes = removed(&from.indexes, &to.indexes);
    let going_uniques = removed(&from.uniques, &to.uniques);
    if going_indexes.is_empty() && going_uniques.is_empty() {
        return Vec::new();
    }
    let going: Vec<Vec<String>> = going_indexes
        .iter()
        .map(|index| leading_columns(&index.parts))
        .chain(going_uniques.iter().map(|unique| unique.columns.clone()))
        .collect();
    let staying: Vec<Vec<String>> = serving_keys(from, &going_uniques, &going_indexes).collect();
    let starts = |keys: &[Vec<String>], foreign_key: &ForeignKey| {
        keys.iter().any(|key| key.starts_with(&foreign_key.columns))
    };
    from.foreign_keys
        .iter()
        .filter(|foreign_key| to.foreign_keys.contains(foreign_key))
        .filter(|foreign_key| starts(&going, foreign_key) && !starts(&staying, foreign_key))
        .collect()
}

/// Each table of the diff's `to` side with the table it was on the `from`
/// side: the one of the same name, or of the name a table rename starts
/// from (in a reverse diff too, where the hints are on the `from` side).
fn kept_tables(diff: &Diff) -> Vec<(&Table, &Table)> {
    let former_names: BTreeMap<(Option<&str>, &str), &str> = diff
        .ops()
        .iter()
        .filter_map(|op| match op {
            Op::RenameTable { schema, from, to } => {
                Some(((schema.as_deref(), to.as_str()), from.as_str()))
            }
            _ => None,
        })
        .collect();
    let from_tables: BTreeMap<(Option<&str>, &str), &Table> = diff
        .from
        .tables
        .iter()
        .map(|table| (table.qualified_name(), table))
        .collect();
    diff.to
        .tables
        .iter()
        .filter_map(|to| {
            let (schema, name) = to.qualified_name();
            let former = former_names.get(&(schema, name)).copied().unwrap_or(name);
            Some((*from_tables.get(&(schema, former))?, to))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::MysqlBackend;
    use crate::diff::diff;
    use crate::render::render;
    use crate::schema::{Column, Index, PrimaryKey, ReferentialAction, Schema, SqlType};

    fn teams() -> Table {
        Table::new("teams")
            .column(Column::new("id", SqlType::BigInt))
            .primary_key(PrimaryKey {
                name: Some("pk_teams".into()),
                columns: vec!["id".into()],
                ..Default::default()
            })
    }

    fn members(indexes: &[(&str, &[&str])]) -> Schema {
        let mut table = Table::new("members")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("team_id", SqlType::BigInt))
            .foreign_key(ForeignKey {
                name: Some("fk_members_team".into()),
                columns: vec!["team_id".into()],
                referenced_schema: None,
                referenced_table: "teams".into(),
                referenced_columns: vec!["id".into()],
                on_delete: ReferentialAction::Cascade,
                on_update: ReferentialAction::NoAction,
                deferrable: None,
            });
        for (name, columns) in indexes {
            table = table.index(Index::on_columns(*name, columns.iter().copied()));
        }
        Schema::new(vec![teams(), table])
    }

    fn mysql(diff: &Diff) -> Vec<String> {
        render(diff, &MysqlBackend).expect("MySQL renders the diff")
    }

    #[test]
    fn a_key_is_lifted_off_an_index_that_goes_and_put_back_last() {
        let up = diff(
            &members(&[("ix_members_team", &["team_id", "id"])]),
            &members(&[]),
        );
        assert_eq!(
            mysql(&up),
            [
                "ALTER TABLE `members` DROP FOREIGN KEY `fk_members_team`",
                "DROP INDEX `ix_members_team` ON `members`",
                "ALTER TABLE `members` ADD CONSTRAINT `fk_members_team` FOREIGN KEY (`team_id`) REFERENCES `teams` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION",
            ]
        );
    }

    #[test]
    fn an_index_that_comes_where_innodb_made_one_is_lifted_around_in_the_reverse() {
        let up = diff(
            &members(&[]),
            &members(&[("ix_members_team", &["team_id", "id"])]),
        );
        // InnoDB drops the index it made as the new one comes.
        assert_eq!(
            mysql(&up),
            ["CREATE INDEX `ix_members_team` ON `members` (`team_id`, `id`)"]
        );
        assert_eq!(
            mysql(&up.reverse()),
            [
                "ALTER TABLE `members` DROP FOREIGN KEY `fk_members_team`",
                "DROP INDEX `ix_members_team` ON `members`",
                "ALTER TABLE `members` ADD CONSTRAINT `fk_members_team` FOREIGN KEY (`team_id`) REFERENCES `teams` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION",
            ]
        );
    }

    #[test]
    fn a_key_another_index_serves_stays() {
        let up = diff(
            &members(&[("ix_members_team_only", &["team_id"])]),
            &members(&[
                ("ix_members_team_only", &["team_id"]),
                ("ix_members_team", &["team_id", "id"]),
            ]),
        );
        assert_eq!(mysql(&up).len(), 1, "{:?}", mysql(&up));
        assert_eq!(mysql(&up.reverse()).len(), 1, "{:?}", mysql(&up.reverse()));
    }

    #[test]
    fn a_dropped_key_takes_the_index_innodb_made_for_it() {
        let mut without_key = members(&[]);
        without_key.tables[1].foreign_keys.clear();
        assert_eq!(
            mysql(&diff(&members(&[]), &without_key)),
            [
                "ALTER TABLE `members` DROP FOREIGN KEY `fk_members_team`",
                "ALTER TABLE `members` DROP INDEX `fk_members_team`",
            ]
        );
    }
}
