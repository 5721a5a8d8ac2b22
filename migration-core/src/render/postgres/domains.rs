//! `CREATE DOMAIN`, `DROP DOMAIN` and `ALTER DOMAIN`.

use crate::backend::{Backend, PostgresBackend};
use crate::diff::domain_check_changes;
use crate::render::RenderError;
use crate::schema::{CheckConstraint, Domain};

fn domain_name(backend: &PostgresBackend, domain: &Domain) -> String {
    backend.quote_qualified(domain.schema.as_deref(), &domain.name)
}

fn check_sql(backend: &PostgresBackend, check: &CheckConstraint) -> String {
    match &check.name {
        Some(name) => format!(
            "CONSTRAINT {} CHECK ({})",
            backend.quote_identifier(name),
            check.expression
        ),
        None => format!("CHECK ({})", check.expression),
    }
}

/// `CREATE DOMAIN name AS type [DEFAULT ..] [NOT NULL] [CONSTRAINT .. CHECK (..)]...`.
pub(super) fn create_domain(backend: &PostgresBackend, domain: &Domain) -> String {
    // language=SQL
    let mut sql = format!(
        "CREATE DOMAIN {} AS {}",
        domain_name(backend, domain),
        backend.type_sql(&domain.ty)
    );
    if let Some(default) = &domain.default {
        sql.push_str(" DEFAULT ");
        sql.push_str(default);
    }
    if !domain.nullable {
        sql.push_str(" NOT NULL");
    }
    for check in &domain.checks {
        sql.push(' ');
        sql.push_str(&check_sql(backend, check));
    }
    sql
}

/// `DROP DOMAIN name`: no `CASCADE`, so a column still using it fails the
/// migration rather than losing its values.
pub(super) fn drop_domain(backend: &PostgresBackend, domain: &Domain) -> String {
    // language=SQL
    format!("DROP DOMAIN {}", domain_name(backend, domain))
}

/// The `ALTER DOMAIN` statements from `old` to `new`: checks dropped, the
/// default and `NOT NULL` set, checks added.
///
/// # Errors
///
/// A new base type, which PostgreSQL cannot change in place.
pub(super) fn alter_domain(
    backend: &PostgresBackend,
    old: &Domain,
    new: &Domain,
    out: &mut Vec<String>,
) -> Result<(), RenderError> {
    let name = domain_name(backend, new);
    if old.ty != new.ty {
        return Err(RenderError::Unsupported {
            backend: backend.kind().display_name(),
            what: format!(
                "change the base type of domain {} from {} to {} (drop and re-create it, with the columns that use it, by hand)",
                new.name, old.ty, new.ty
            ),
        });
    }
    let (dropped, added) = domain_check_changes(old, new);
    for check in dropped {
        let Some(check_name) = &check.name else {
            return Err(RenderError::UnnamedConstraint {
                table: format!("domain {}", new.name),
                kind: "check",
                backend: backend.kind().display_name(),
            });
        };
        // language=SQL
        out.push(format!(
            "ALTER DOMAIN {name} DROP CONSTRAINT {}",
            backend.quote_identifier(check_name)
        ));
    }
    if old.default != new.default {
        // language=SQL
        out.push(match &new.default {
            Some(default) => format!("ALTER DOMAIN {name} SET DEFAULT {default}"),
            None => format!("ALTER DOMAIN {name} DROP DEFAULT"),
        });
    }
    if old.nullable != new.nullable {
        let action = if new.nullable { "DROP" } else { "SET" };
        // language=SQL
        out.push(format!("ALTER DOMAIN {name} {action} NOT NULL"));
    }
    for check in added {
        // language=SQL
        out.push(format!(
            "ALTER DOMAIN {name} ADD {}",
            check_sql(backend, check)
        ));
    }
    Ok(())
}
