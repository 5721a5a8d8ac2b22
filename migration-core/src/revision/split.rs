//! Splits a revision's SQL into statements, so each can run (and fail) on its
//! own and MySQL can record which statement failed.
//!
//! The splitter knows just enough SQL lexing to find the semicolons that end
//! statements: quoted strings and identifiers, `--` and `/* */` comments
//! (nested on PostgreSQL), MySQL's `#` comments and backslash escapes, and
//! PostgreSQL's dollar quoting (`$$ ... $$`, `$body$ ... $body$`).

use crate::backend::BackendKind;

/// The statements in `sql`, in order, without their terminating semicolons.
/// Text that holds only whitespace and comments is not a statement.
pub fn split_statements(sql: &str, kind: BackendKind) -> Vec<String> {
    let bytes = sql.as_bytes();
    let mut statements = Vec::new();
    let mut start = 0;
    let mut has_code = false;
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        let next = bytes.get(at + 1).copied();
        match byte {
            b'-' if next == Some(b'-') => at = line_end(bytes, at),
            b'#' if kind == BackendKind::Mysql => at = line_end(bytes, at),
            b'/' if next == Some(b'*') => {
                // MySQL runs the text of `/*! ... */` (and MariaDB of
                // `/*M! ... */`): mysqldump's `/*!40014 SET ... */;` is a
                // statement.
                if kind == BackendKind::Mysql && is_executable_comment(&bytes[at..]) {
                    has_code = true;
                }
                at = block_comment_end(bytes, at, kind);
            }
            b'\'' => {
                let backslash = kind == BackendKind::Mysql || escape_string_prefix(bytes, at);
                at = quoted_end(bytes, at, b'\'', backslash);
                has_code = true;
            }
            b'"' => {
                at = quoted_end(bytes, at, b'"', kind == BackendKind::Mysql);
                has_code = true;
            }
            b'`' if kind != BackendKind::Postgres => {
                at = quoted_end(bytes, at, b'`', false);
                has_code = true;
            }
            b'$' if kind == BackendKind::Postgres => {
                at = dollar_quoted_end(bytes, at);
                has_code = true;
            }
            b';' => {
                if has_code {
                    statements.push(sql[start..at].trim().to_owned());
                }
                at += 1;
                start = at;
                has_code = false;
            }
            _ => {
                if !byte.is_ascii_whitespace() {
                    has_code = true;
                }
                at += 1;
            }
        }
    }
    if has_code {
        statements.push(sql[start..].trim().to_owned());
    }
    statements
}

/// Whether the block comment `comment` starts is one MySQL or MariaDB
/// executes: `/*!`, `/*M!`.
fn is_executable_comment(comment: &[u8]) -> bool {
    comment.starts_with(b"/*!") || comment.starts_with(b"/*M!")
}

/// Whether the quote at `at` opens a PostgreSQL `E'...'` string, where
/// backslash escapes apply.
fn escape_string_prefix(bytes: &[u8], at: usize) -> bool {
    at > 0
        && matches!(bytes[at - 1], b'e' | b'E')
        && (at < 2 || !(bytes[at - 2].is_ascii_alphanumeric() || bytes[at - 2] == b'_'))
}

/// The index just past the end of the line that starts a comment at `at`.
fn line_end(bytes: &[u8], at: usize) -> usize {
    bytes[at..]
        .iter()
        .position(|&byte| byte == b'\n')
        .map_or(bytes.len(), |offset| at + offset + 1)
}

/// The index just past the `*/` closing the comment opened at `at`; block
/// comments nest on PostgreSQL only.
fn block_comment_end(bytes: &[u8], at: usize, kind: BackendKind) -> usize {
    let mut depth = 0usize;
    let mut index = at;
    while index < bytes.len() {
        if bytes[index] == b'/' && bytes.get(index + 1) == Some(&b'*') {
            if depth == 0 || kind == BackendKind::Postgres {
                depth += 1;
            }
            index += 2;
        } else if bytes[index] == b'*' && bytes.get(index + 1) == Some(&b'/') {
            depth -= 1;
            index += 2;
            if depth == 0 {
                return index;
            }
        } else {
            index += 1;
        }
    }
    bytes.len()
}

/// The index just past the quote closing the quoted text opened at `at`.
/// A doubled quote stands for itself; with `backslash`, `\` escapes the next
/// character.
fn quoted_end(bytes: &[u8], at: usize, quote: u8, backslash: bool) -> usize {
    let mut index = at + 1;
    while index < bytes.len() {
        let byte = bytes[index];
        if backslash && byte == b'\\' {
            index += 2;
        } else if byte == quote {
            if bytes.get(index + 1) == Some(&quote) {
                index += 2;
            } else {
                return index + 1;
            }
        } else {
            index += 1;
        }
    }
    bytes.len()
}

/// The index just past a PostgreSQL dollar-quoted string opened at `at`, or
/// `at + 1` when the `$` does not open one (a parameter such as `$1`).
fn dollar_quoted_end(bytes: &[u8], at: usize) -> usize {
    let tag_end = bytes[at + 1..]
        .iter()
        .position(|&byte| !(byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80))
        .map(|offset| at + 1 + offset);
    let Some(tag_end) = tag_end else {
        return bytes.len();
    };
    let opens = bytes[tag_end] == b'$' && !bytes.get(at + 1).is_some_and(u8::is_ascii_digit);
    if !opens {
        return at + 1;
    }
    let tag = &bytes[at..=tag_end];
    let body = tag_end + 1;
    bytes[body..]
        .windows(tag.len())
        .position(|window| window == tag)
        .map_or(bytes.len(), |offset| body + offset + tag.len())
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
