//! `CREATE EXTENSION` and `DROP EXTENSION`.

use crate::backend::{Backend, PostgresBackend};
use crate::schema::Extension;

/// `CREATE EXTENSION IF NOT EXISTS name [SCHEMA schema]`: a database where
/// someone already created it (a managed service's default, a DBA's
/// script) runs the migration too.
pub(super) fn create_extension(backend: &PostgresBackend, extension: &Extension) -> String {
    // language=SQL
    let mut sql = format!(
        "CREATE EXTENSION IF NOT EXISTS {}",
        backend.quote_identifier(&extension.name)
    );
    if let Some(schema) = &extension.schema {
        sql.push_str(" SCHEMA ");
        sql.push_str(&backend.quote_identifier(schema));
    }
    sql
}

/// `DROP EXTENSION name`: no `CASCADE`, so a column or index still using
/// it fails the migration rather than going with it.
pub(super) fn drop_extension(backend: &PostgresBackend, extension: &Extension) -> String {
    // language=SQL
    format!(
        "DROP EXTENSION {}",
        backend.quote_identifier(&extension.name)
    )
}
