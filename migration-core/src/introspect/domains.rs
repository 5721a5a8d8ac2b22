//! PostgreSQL's domain rows as the model's [`Domain`]s: no I/O.
//!
//! The base type reads as a column's type does (`format_type`'s spelling
//! through `parse_type`), the default as a column's default of that type,
//! each check's expression without its outer parentheses, as a table's
//! check reads.

use crate::backend::postgres::catalog::DomainRow;
use crate::backend::postgres::normalize::{normalize_default, parse_type};
use crate::backend::spelling::strip_outer_parens;
use crate::introspect::assemble::SchemaBuilder;
use crate::schema::{CheckConstraint, Domain};

/// The domains of `rows`, named in `schema`'s namespaces (`None` for the
/// default one), sorted by namespace and name.
pub(super) fn discover_domains(rows: Vec<DomainRow>, schema: &SchemaBuilder) -> Vec<Domain> {
    let mut domains: Vec<Domain> = rows
        .into_iter()
        .map(|row| discover_domain(row, schema))
        .collect();
    domains.sort_by(|a, b| a.qualified_name().cmp(&b.qualified_name()));
    domains
}

fn discover_domain(row: DomainRow, schema: &SchemaBuilder) -> Domain {
    let ty = parse_type(&row.base_type);
    let default = row
        .default_expr
        .as_deref()
        .and_then(|default| normalize_default(&ty, default));
    let checks = row
        .check_names
        .into_iter()
        .zip(row.check_expressions)
        .map(|(name, expression)| CheckConstraint {
            name: Some(name),
            expression: strip_outer_parens(&expression).to_owned(),
        })
        .collect();
    Domain {
        schema: schema.namespace(&row.schema_name),
        name: row.name,
        ty,
        nullable: !row.not_null,
        default,
        checks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::SqlType;

    #[test]
    fn a_domain_reads_with_its_base_type_default_and_checks() {
        let builder = SchemaBuilder::new("public");
        let rows = vec![
            DomainRow {
                schema_name: "public".into(),
                name: "year".into(),
                base_type: "integer".into(),
                not_null: false,
                default_expr: None,
                check_names: vec!["year_check".into()],
                check_expressions: vec!["((VALUE >= 1901) AND (VALUE <= 2155))".into()],
            },
            DomainRow {
                schema_name: "sales".into(),
                name: "code".into(),
                base_type: "character varying(8)".into(),
                not_null: true,
                default_expr: Some("'x'::character varying".into()),
                check_names: Vec::new(),
                check_expressions: Vec::new(),
            },
        ];
        let domains = discover_domains(rows, &builder);
        assert_eq!(
            domains,
            [
                Domain::new("year", SqlType::Integer).check(CheckConstraint {
                    name: Some("year_check".into()),
                    expression: "(VALUE >= 1901) AND (VALUE <= 2155)".into(),
                }),
                Domain::new("code", SqlType::Varchar(8))
                    .in_schema("sales")
                    .not_null()
                    .default_expr("'x'"),
            ]
        );
    }
}
