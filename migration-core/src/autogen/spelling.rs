//! Expressions the database rewrote: a check `age >= 18` reads back as
//! `` `age` >= 18 `` on MySQL and `(age >= 18)` on PostgreSQL. Where the
//! database's text and the model's differ only in quoting, parentheses,
//! white space, letter case and PostgreSQL's `::type` casts, the model takes
//! the database's text, so an unchanged model diffs empty.

use crate::schema::{IndexPart, Schema, Table};

/// Gives `target` the database's spelling of each check expression,
/// exclusion constraint, index
/// predicate, index expression and generated column's expression that
/// means the same text.
pub(super) fn adopt_database_spelling(database: &Schema, target: &mut Schema) {
    for table in &mut target.tables {
        let Some(stored) = database
            .tables
            .iter()
            .find(|stored| stored.name == table.name && stored.schema == table.schema)
        else {
            continue;
        };
        adopt_in_table(stored, table);
    }
}

fn adopt_in_table(stored: &Table, table: &mut Table) {
    for column in &mut table.columns {
        let old = stored
            .find_column(&column.name)
            .and_then(|old| old.generated.as_ref());
        if let (Some(new), Some(old)) = (&mut column.generated, old) {
            if expression_key(&new.expression) == expression_key(&old.expression) {
                new.expression.clone_from(&old.expression);
            }
        }
    }
    for exclusion in &mut table.exclusions {
        let same = stored.exclusions.iter().find(|old| {
            old.name == exclusion.name
                && expression_key(&old.definition) == expression_key(&exclusion.definition)
        });
        if let Some(old) = same {
            exclusion.definition.clone_from(&old.definition);
        }
    }
    for check in &mut table.checks {
        let same = stored.checks.iter().find(|old| {
            old.name == check.name
                && expression_key(&old.expression) == expression_key(&check.expression)
        });
        if let Some(old) = same {
            check.expression.clone_from(&old.expression);
        }
    }
    for index in &mut table.indexes {
        let Some(old) = stored.indexes.iter().find(|old| old.name == index.name) else {
            continue;
        };
        if let (Some(new), Some(old)) = (&mut index.predicate, &old.predicate) {
            if expression_key(new) == expression_key(old) {
                new.clone_from(old);
            }
        }
        if index.parts.len() == old.parts.len() {
            for (new, old) in index.parts.iter_mut().zip(&old.parts) {
                if let (IndexPart::Expression(new), IndexPart::Expression(old)) = (new, old) {
                    if expression_key(new) == expression_key(old) {
                        new.clone_from(old);
                    }
                }
            }
        }
    }
}

/// The expression without what databases add or drop when they store it:
/// identifier quotes, parentheses, white space, `::type` casts, letter case.
fn expression_key(expression: &str) -> String {
    let squeezed: String = expression
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '"' | '`' | '(' | ')'))
        .flat_map(char::to_lowercase)
        .collect();
    let mut key = String::with_capacity(squeezed.len());
    let mut rest = squeezed.as_str();
    while let Some(at) = rest.find("::") {
        key.push_str(&rest[..at]);
        rest = rest[at + 2..].trim_start_matches(|c: char| {
            c.is_ascii_alphanumeric() || matches!(c, '_' | '[' | ']')
        });
    }
    key.push_str(rest);
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{CheckConstraint, Column, Index, SqlType};

    #[test]
    fn rewrites_that_keep_the_meaning_compare_equal() {
        for (model, stored) in [
            ("age >= 18", "`age` >= 18"),
            ("age >= 18", "(age >= 18)"),
            ("price > 0", "(price > (0)::numeric)"),
            ("name <> ''", "((name)::text <> ''::text)"),
            ("A AND b", "(\"a\" and \"b\")"),
            ("price * quantity", "(price * (quantity)::numeric)"),
            ("price * quantity", "`price` * `quantity`"),
        ] {
            assert_eq!(
                expression_key(model),
                expression_key(stored),
                "{model} / {stored}"
            );
        }
        assert_ne!(expression_key("age >= 18"), expression_key("age >= 21"));
        assert_ne!(expression_key("a < b"), expression_key("a > b"));
    }

    fn table(check: &str, predicate: &str) -> Table {
        let mut index = Index::on_columns("ix_t_a", ["a"]);
        index.predicate = Some(predicate.into());
        Table::new("t")
            .column(Column::new("a", SqlType::Integer))
            .check(CheckConstraint {
                name: Some("ck_t_a".into()),
                expression: check.into(),
            })
            .index(index)
    }

    #[test]
    fn the_model_takes_the_database_text_only_when_it_means_the_same() {
        let database = Schema::new(vec![table("(a > 0)", "(a IS NOT NULL)")]);
        let mut same = Schema::new(vec![table("a > 0", "a is not null")]);
        adopt_database_spelling(&database, &mut same);
        assert_eq!(same, database);

        let mut changed = Schema::new(vec![table("a > 1", "a is not null")]);
        adopt_database_spelling(&database, &mut changed);
        assert_eq!(changed.tables[0].checks[0].expression, "a > 1");
        assert_eq!(
            changed.tables[0].indexes[0].predicate.as_deref(),
            Some("(a IS NOT NULL)")
        );
    }
}
