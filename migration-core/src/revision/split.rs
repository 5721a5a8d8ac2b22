//! Splits a revision's SQL into statements, so each can run (and fail) on its
//! own and MySQL can record which statement failed.
//!
//! The statements end at the semicolons the backend's SQL lexer finds
//! outside quoted strings and identifiers, comments (nested on PostgreSQL),
//! MySQL's executable comments and PostgreSQL's dollar quotes (`$$ ... $$`,
//! `$body$ ... $body$`).

use crate::backend::{lexer, BackendKind};

/// The statements in `sql`, in order, without their terminating semicolons.
/// Text that holds only whitespace and comments is not a statement.
pub fn split_statements(sql: &str, kind: BackendKind) -> Vec<String> {
    lexer::statements(sql, kind)
        .iter()
        .map(|statement| statement.text(sql).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(sql: &str, kind: BackendKind) -> Vec<String> {
        split_statements(sql, kind)
    }

    #[test]
    fn splits_on_semicolons_and_trims() {
        assert_eq!(
            split(
                "CREATE TABLE a (id INT);\n  INSERT INTO a VALUES (1) ;\n",
                BackendKind::Sqlite
            ),
            ["CREATE TABLE a (id INT)", "INSERT INTO a VALUES (1)"]
        );
    }

    #[test]
    fn mysql_runs_executable_comments_as_statements() {
        let dump = "/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;\n/*M!100616 SET NOTE_VERBOSITY=0 */;\n/* a note */;\nCREATE TABLE t (id INT);";
        assert_eq!(
            split(dump, BackendKind::Mysql),
            [
                "/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */",
                "/*M!100616 SET NOTE_VERBOSITY=0 */",
                "CREATE TABLE t (id INT)",
            ]
        );
        // Elsewhere such a comment is a comment.
        assert_eq!(
            split("/*!40014 SET x = 1 */;\nSELECT 1;", BackendKind::Postgres),
            ["SELECT 1"]
        );
    }

    #[test]
    fn a_last_statement_needs_no_semicolon() {
        assert_eq!(
            split("SELECT 1;\nSELECT 2", BackendKind::Postgres),
            ["SELECT 1", "SELECT 2"]
        );
    }

    #[test]
    fn semicolons_in_strings_and_identifiers_do_not_split() {
        assert_eq!(
            split(
                r#"INSERT INTO "a;b" VALUES ('x;y', 'it''s;'); SELECT 1"#,
                BackendKind::Postgres
            ),
            [r#"INSERT INTO "a;b" VALUES ('x;y', 'it''s;')"#, "SELECT 1"]
        );
        assert_eq!(
            split(
                r"INSERT INTO `t;` VALUES ('a\';b'); SELECT 1",
                BackendKind::Mysql
            ),
            [r"INSERT INTO `t;` VALUES ('a\';b')", "SELECT 1"]
        );
    }

    #[test]
    fn backslashes_escape_only_where_the_database_says_so() {
        // PostgreSQL: a backslash is an ordinary character in a plain string...
        assert_eq!(
            split(r"SELECT 'a\'; SELECT 2", BackendKind::Postgres),
            [r"SELECT 'a\'", "SELECT 2"]
        );
        // ...and an escape in an E'' string.
        assert_eq!(
            split(r"SELECT E'a\';b'; SELECT 2", BackendKind::Postgres),
            [r"SELECT E'a\';b'", "SELECT 2"]
        );
    }

    #[test]
    fn comments_do_not_split_and_comment_only_text_is_dropped() {
        assert_eq!(
            split(
                "-- first; not a statement\nSELECT 1; /* a; b */ SELECT /* ; */ 2;\n-- trailing;\n",
                BackendKind::Sqlite
            ),
            [
                "-- first; not a statement\nSELECT 1",
                "/* a; b */ SELECT /* ; */ 2"
            ]
        );
        assert_eq!(
            split("# mysql; comment\nSELECT 1;", BackendKind::Mysql),
            ["# mysql; comment\nSELECT 1"]
        );
        assert_eq!(
            split("-- only a comment;\n  ;\n", BackendKind::Postgres),
            Vec::<String>::new()
        );
    }

    #[test]
    fn postgres_block_comments_nest() {
        assert_eq!(
            split(
                "/* outer /* inner; */ still; */ SELECT 1; SELECT 2",
                BackendKind::Postgres
            ),
            ["/* outer /* inner; */ still; */ SELECT 1", "SELECT 2"]
        );
    }

    #[test]
    fn dollar_quoted_bodies_stay_whole() {
        let function = "CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  NEW.x := 1;\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql";
        let tagged = "DO $body$ BEGIN PERFORM 1; PERFORM $$x;$$; END $body$";
        let sql = format!("{function};\n{tagged};\nSELECT $1;");
        assert_eq!(
            split(&sql, BackendKind::Postgres),
            [function, tagged, "SELECT $1"]
        );
    }

    #[test]
    fn an_unterminated_quote_runs_to_the_end() {
        assert_eq!(
            split("SELECT 'open; SELECT 2", BackendKind::Sqlite),
            ["SELECT 'open; SELECT 2"]
        );
    }
}
