//! The one SQL lexer: tokens of PostgreSQL's, MySQL's and SQLite's SQL, as
//! each database reads its quotes, comments and escapes.
//!
//! What splits a revision into statements, what the lint reads, and what
//! reads SQLite's `CREATE TABLE` text all start from these tokens, so they
//! agree on where a string, a quoted name or a comment ends:
//!
//! - `'text'` is a string everywhere; a doubled quote stands for one.
//!   Backslash escapes apply on MySQL and in PostgreSQL's `E'...'` strings.
//! - `"name"` is a quoted name on PostgreSQL and SQLite, and a string (with
//!   backslash escapes) on MySQL. `` `name` `` quotes a name on MySQL and
//!   SQLite, `[name]` on SQLite.
//! - PostgreSQL's dollar quotes (`$$ ... $$`, `$body$ ... $body$`) hold a
//!   string; `$1` is not one.
//! - `--` comments run to the end of the line everywhere, `#` comments on
//!   MySQL. `/* */` comments nest on PostgreSQL only.
//! - MySQL runs the text of `/*! ... */` (MariaDB: `/*M! ... */`), so its
//!   opening and closing are tokens of their own, with the text between
//!   lexed as SQL.
//!
//! Comments and whitespace make no tokens. Text the lexer does not follow
//! (an unterminated quote or comment) runs to the end; no input makes it
//! fail.

use super::BackendKind;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// A keyword or an unquoted name.
    Word,
    /// A quoted name, quotes included.
    QuotedName,
    /// A string literal, quotes (and an `E` prefix) included.
    String,
    /// A PostgreSQL dollar-quoted string, tags included.
    DollarString,
    /// A number (digits, and the letters and `_` that follow them).
    Number,
    /// One character of punctuation or an operator.
    Punct,
    /// The opening of a comment MySQL runs: `/*!`, `/*M!`, and the server
    /// version that follows.
    ExecutableStart,
    /// The `*/` that closes such a comment.
    ExecutableEnd,
}

/// One token: its kind and where it is in the lexed text, in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) kind: TokenKind,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Token {
    /// The token's text in `sql`, the text it was lexed from.
    pub(crate) fn text<'a>(&self, sql: &'a str) -> &'a str {
        sql.get(self.start..self.end).unwrap_or_default()
    }

    /// Whether this is the punctuation `ch`.
    pub(crate) fn is_punct(&self, sql: &str, ch: char) -> bool {
        self.kind == TokenKind::Punct && self.text(sql).starts_with(ch)
    }
}

/// The tokens of `sql` in `kind`'s dialect.
pub(crate) fn tokens(sql: &str, kind: BackendKind) -> Lexer<'_> {
    Lexer {
        sql,
        kind,
        at: 0,
        in_executable: false,
    }
}

/// An iterator over the tokens of a text; see [`tokens`].
#[derive(Clone, Debug)]
pub(crate) struct Lexer<'a> {
    sql: &'a str,
    kind: BackendKind,
    at: usize,
    in_executable: bool,
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        loop {
            let start = self.at;
            let rest = self.sql.get(start..)?;
            let ch = rest.chars().next()?;
            let next = rest[ch.len_utf8()..].chars().next();
            let postgres = self.kind == BackendKind::Postgres;
            let mysql = self.kind == BackendKind::Mysql;
            let sqlite = self.kind == BackendKind::Sqlite;
            let (kind, end) = if ch.is_whitespace() {
                self.at += ch.len_utf8();
                continue;
            } else if (ch == '-' && next == Some('-')) || (mysql && ch == '#') {
                self.at = line_end(self.sql, start);
                continue;
            } else if self.in_executable && ch == '*' && next == Some('/') {
                self.in_executable = false;
                (TokenKind::ExecutableEnd, start + 2)
            } else if ch == '/' && next == Some('*') {
                match executable_opening(rest).filter(|_| mysql && !self.in_executable) {
                    Some(length) => {
                        self.in_executable = true;
                        (TokenKind::ExecutableStart, start + length)
                    }
                    None => {
                        self.at = block_comment_end(self.sql, start, postgres);
                        continue;
                    }
                }
            } else if ch == '\'' {
                (TokenKind::String, quoted_end(self.sql, start, '\'', mysql))
            } else if ch == '"' {
                if mysql {
                    (TokenKind::String, quoted_end(self.sql, start, '"', true))
                } else {
                    (
                        TokenKind::QuotedName,
                        quoted_end(self.sql, start, '"', false),
                    )
                }
            } else if ch == '`' && !postgres {
                (
                    TokenKind::QuotedName,
                    quoted_end(self.sql, start, '`', false),
                )
            } else if ch == '[' && sqlite {
                let end = rest.find(']').map_or(self.sql.len(), |at| start + at + 1);
                (TokenKind::QuotedName, end)
            } else if matches!(ch, 'e' | 'E') && postgres && next == Some('\'') {
                (
                    TokenKind::String,
                    quoted_end(self.sql, start + 1, '\'', true),
                )
            } else if ch == '$' && postgres {
                match dollar_quoted_end(self.sql, start) {
                    Some(end) => (TokenKind::DollarString, end),
                    None => (TokenKind::Punct, start + 1),
                }
            } else if ch.is_ascii_digit() {
                (TokenKind::Number, word_end(self.sql, start))
            } else if is_word_start(ch) {
                (TokenKind::Word, word_end(self.sql, start))
            } else {
                (TokenKind::Punct, start + ch.len_utf8())
            };
            self.at = end;
            return Some(Token { kind, start, end });
        }
    }
}

/// Whether `ch` starts a word: a letter, `_`, or any character beyond
/// ASCII that is not whitespace (the databases allow them in names).
fn is_word_start(ch: char) -> bool {
    ch.is_alphanumeric() || ch == '_' || !ch.is_ascii()
}

/// The end of the word or number starting at `start`: letters, digits, `_`,
/// `$` and characters beyond ASCII that are not whitespace.
fn word_end(sql: &str, start: usize) -> usize {
    sql[start..]
        .char_indices()
        .find(|&(_, ch)| !(is_word_start(ch) || ch == '$') || ch.is_whitespace())
        .map_or(sql.len(), |(at, _)| start + at)
}

/// The index just past the end of the line that holds `at`.
fn line_end(sql: &str, at: usize) -> usize {
    sql[at..]
        .find('\n')
        .map_or(sql.len(), |offset| at + offset + 1)
}

/// The length of a MySQL executable comment's opening (`/*!`, MariaDB's
/// `/*M!`, and the server version after it) at the start of `text`.
fn executable_opening(text: &str) -> Option<usize> {
    let bang = if text.starts_with("/*!") {
        3
    } else if text.starts_with("/*M!") {
        4
    } else {
        return None;
    };
    Some(bang + text[bang..].bytes().take_while(u8::is_ascii_digit).count())
}

/// The index just past the `*/` closing the comment opened at `at`;
/// comments nest when `nested`.
fn block_comment_end(sql: &str, at: usize, nested: bool) -> usize {
    let bytes = sql.as_bytes();
    let mut depth = 0usize;
    let mut index = at;
    while index < bytes.len() {
        if bytes[index] == b'/' && bytes.get(index + 1) == Some(&b'*') {
            if depth == 0 || nested {
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
    sql.len()
}

/// The index just past the quote closing the quoted text opened at `at`.
/// A doubled quote stands for itself; with `backslash`, `\` escapes the
/// next character.
fn quoted_end(sql: &str, at: usize, quote: char, backslash: bool) -> usize {
    let mut chars = sql[at..].char_indices().skip(1).peekable();
    while let Some((offset, ch)) = chars.next() {
        if backslash && ch == '\\' {
            chars.next();
        } else if ch == quote {
            if chars.peek().is_some_and(|&(_, next)| next == quote) {
                chars.next();
            } else {
                return at + offset + ch.len_utf8();
            }
        }
    }
    sql.len()
}

/// The index just past a PostgreSQL dollar-quoted string opened at `at`
/// (its end, when it is not closed), or `None` when the `$` opens none (a
/// parameter such as `$1`).
fn dollar_quoted_end(sql: &str, at: usize) -> Option<usize> {
    let rest = &sql[at + 1..];
    let tag_length = rest
        .char_indices()
        .find(|&(_, ch)| !(ch.is_alphanumeric() || ch == '_' || !ch.is_ascii()))
        .map_or(rest.len(), |(offset, _)| offset);
    let opens =
        rest[tag_length..].starts_with('$') && !rest.starts_with(|ch: char| ch.is_ascii_digit());
    if !opens {
        return None;
    }
    let tag = &sql[at..at + 1 + tag_length + 1];
    let body = at + tag.len();
    Some(
        sql[body..]
            .find(tag)
            .map_or(sql.len(), |offset| body + offset + tag.len()),
    )
}

/// One statement of a text: where it is (whitespace around it left out,
/// comments before it kept) and its tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Statement {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) tokens: Vec<Token>,
}

impl Statement {
    /// The statement's text in `sql`, without its semicolon.
    pub(crate) fn text<'a>(&self, sql: &'a str) -> &'a str {
        sql.get(self.start..self.end).unwrap_or_default()
    }
}

/// The statements of `sql` in `kind`'s dialect, in order, split at the
/// semicolons outside quotes, comments and MySQL's executable comments.
/// Text holding only whitespace and comments is not a statement.
pub(crate) fn statements(sql: &str, kind: BackendKind) -> Vec<Statement> {
    let mut statements = Vec::new();
    let mut start = 0;
    let mut current = Vec::new();
    let mut in_executable = false;
    let mut finish = |start: usize, end: usize, tokens: Vec<Token>| {
        if !tokens.is_empty() {
            let text = &sql[start..end];
            let trimmed_start = start + (text.len() - text.trim_start().len());
            let trimmed_end = start + text.trim_end().len();
            statements.push(Statement {
                start: trimmed_start,
                end: trimmed_end.max(trimmed_start),
                tokens,
            });
        }
    };
    let mut block = Block::default();
    for token in tokens(sql, kind) {
        match token.kind {
            TokenKind::ExecutableStart => in_executable = true,
            TokenKind::ExecutableEnd => in_executable = false,
            TokenKind::Word => block.read(token.text(sql), current.is_empty()),
            _ => block.after_end = false,
        }
        match token.kind {
            TokenKind::Punct if !in_executable && block.depth > 0 && token.is_punct(sql, ';') => {}
            TokenKind::Punct if !in_executable && token.is_punct(sql, ';') => {
                block = Block::default();
                finish(start, token.start, std::mem::take(&mut current));
                start = token.end;
                continue;
            }
            _ => {}
        }
        current.push(token);
    }
    finish(start, sql.len(), current);
    statements
}

/// Where a statement is in the `BEGIN ... END` body of a trigger, function
/// or procedure (MySQL's and SQLite's compound statements, PostgreSQL's
/// `BEGIN ATOMIC`), whose semicolons do not end it: `BEGIN` and `CASE`
/// open a block, `END` closes one, `END IF`, `END LOOP`, `END WHILE` and
/// `END REPEAT` close blocks that were not counted. Only statements that
/// start with `CREATE` and name such an object count blocks.
#[derive(Default)]
struct Block {
    /// The statement creates a trigger, function, procedure or event.
    routine: bool,
    /// The statement starts with `CREATE`.
    create: bool,
    depth: usize,
    /// The last word was `END`.
    after_end: bool,
}

impl Block {
    fn read(&mut self, word: &str, first: bool) {
        let word = word.to_ascii_uppercase();
        if first {
            *self = Block {
                create: word == "CREATE",
                ..Block::default()
            };
            return;
        }
        let after_end = std::mem::take(&mut self.after_end);
        if !self.routine {
            self.routine = self.create
                && matches!(
                    word.as_str(),
                    "TRIGGER" | "FUNCTION" | "PROCEDURE" | "EVENT"
                );
            return;
        }
        match word.as_str() {
            "IF" | "LOOP" | "WHILE" | "REPEAT" if after_end => self.depth += 1,
            "CASE" if after_end => {}
            "BEGIN" | "CASE" => self.depth += 1,
            "END" => {
                self.depth = self.depth.saturating_sub(1);
                self.after_end = true;
            }
            _ => {}
        }
    }
}

/// A quoted name without its quotes, a doubled quote read as one: `"a""b"`
/// is `a"b`, `[x]` is `x`. Other text comes back as it is.
pub(crate) fn unquote_name(text: &str) -> String {
    let mut chars = text.chars();
    let (Some(open), Some(close)) = (chars.next(), chars.next_back()) else {
        return text.to_owned();
    };
    match (open, close) {
        ('[', ']') => chars.as_str().to_owned(),
        ('"', '"') | ('`', '`') | ('\'', '\'') => {
            let doubled: String = [open, open].iter().collect();
            chars.as_str().replace(&doubled, &open.to_string())
        }
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexed(sql: &str, kind: BackendKind) -> Vec<(TokenKind, &str)> {
        tokens(sql, kind)
            .map(|token| (token.kind, token.text(sql)))
            .collect()
    }

    #[test]
    fn each_dialect_reads_its_quotes() {
        use TokenKind::*;
        let sql = r#"a "b" `c` [d] 'e' $$f$$"#;
        assert_eq!(
            lexed(sql, BackendKind::Postgres),
            [
                (Word, "a"),
                (QuotedName, "\"b\""),
                (Punct, "`"),
                (Word, "c"),
                (Punct, "`"),
                (Punct, "["),
                (Word, "d"),
                (Punct, "]"),
                (String, "'e'"),
                (DollarString, "$$f$$"),
            ]
        );
        assert_eq!(
            lexed(sql, BackendKind::Mysql),
            [
                (Word, "a"),
                (String, "\"b\""),
                (QuotedName, "`c`"),
                (Punct, "["),
                (Word, "d"),
                (Punct, "]"),
                (String, "'e'"),
                (Punct, "$"),
                (Punct, "$"),
                (Word, "f$$"),
            ]
        );
        assert_eq!(
            lexed(sql, BackendKind::Sqlite)[..5],
            [
                (Word, "a"),
                (QuotedName, "\"b\""),
                (QuotedName, "`c`"),
                (QuotedName, "[d]"),
                (String, "'e'"),
            ]
        );
    }

    #[test]
    fn escapes_and_doubled_quotes() {
        assert_eq!(
            lexed(r"'a\'b' x", BackendKind::Mysql),
            [(TokenKind::String, r"'a\'b'"), (TokenKind::Word, "x")]
        );
        assert_eq!(
            lexed(r"'a\' x", BackendKind::Postgres),
            [(TokenKind::String, r"'a\'"), (TokenKind::Word, "x")]
        );
        assert_eq!(
            lexed(r"E'a\'b' x", BackendKind::Postgres),
            [(TokenKind::String, r"E'a\'b'"), (TokenKind::Word, "x")]
        );
        assert_eq!(
            lexed(r#""a""b" x"#, BackendKind::Sqlite),
            [(TokenKind::QuotedName, r#""a""b""#), (TokenKind::Word, "x")]
        );
        assert_eq!(unquote_name(r#""a""b""#), r#"a"b"#);
        assert_eq!(unquote_name("`it``s`"), "it`s");
        assert_eq!(unquote_name("[x y]"), "x y");
    }

    #[test]
    fn comments_make_no_tokens() {
        let sql = "a -- b\n/* c /* d */ e */ f # g\n";
        assert_eq!(
            lexed(sql, BackendKind::Postgres),
            [
                (TokenKind::Word, "a"),
                (TokenKind::Word, "f"),
                (TokenKind::Punct, "#"),
                (TokenKind::Word, "g"),
            ]
        );
        assert_eq!(
            lexed(sql, BackendKind::Mysql),
            [
                (TokenKind::Word, "a"),
                (TokenKind::Word, "e"),
                (TokenKind::Punct, "*"),
                (TokenKind::Punct, "/"),
                (TokenKind::Word, "f"),
            ]
        );
    }

    #[test]
    fn mysql_reads_executable_comments() {
        assert_eq!(
            lexed("/*!40014 SET x=0 */ /*M! y */", BackendKind::Mysql),
            [
                (TokenKind::ExecutableStart, "/*!40014"),
                (TokenKind::Word, "SET"),
                (TokenKind::Word, "x"),
                (TokenKind::Punct, "="),
                (TokenKind::Number, "0"),
                (TokenKind::ExecutableEnd, "*/"),
                (TokenKind::ExecutableStart, "/*M!"),
                (TokenKind::Word, "y"),
                (TokenKind::ExecutableEnd, "*/"),
            ]
        );
        assert!(lexed("/*!40014 SET x=0 */", BackendKind::Postgres).is_empty());
    }

    #[test]
    fn dollar_quotes_and_parameters() {
        assert_eq!(
            lexed("$1 $a$ x; $$ $a$ y", BackendKind::Postgres),
            [
                (TokenKind::Punct, "$"),
                (TokenKind::Number, "1"),
                (TokenKind::DollarString, "$a$ x; $$ $a$"),
                (TokenKind::Word, "y"),
            ]
        );
        assert_eq!(
            lexed("$é$ x $é$", BackendKind::Postgres),
            [(TokenKind::DollarString, "$é$ x $é$")]
        );
    }

    #[test]
    fn unterminated_text_runs_to_the_end() {
        for kind in BackendKind::ALL {
            for sql in [
                "'open",
                "\"open",
                "/* open",
                "x -- open",
                "$$ open",
                "[open",
                "`o",
            ] {
                let last = tokens(sql, kind).last();
                assert!(last.is_none_or(|token| token.end <= sql.len()), "{sql}");
            }
        }
    }

    #[test]
    fn a_routine_or_trigger_body_is_one_statement() {
        let sql = "CREATE TRIGGER t AFTER INSERT ON a FOR EACH ROW BEGIN \
                   UPDATE b SET n = CASE WHEN n > 0 THEN n ELSE 0 END; \
                   IF NEW.x THEN SET @y = 1; END IF; END;\n\
                   CREATE FUNCTION f() RETURNS INT BEGIN DECLARE c INT; \
                   CASE c WHEN 1 THEN SET c = 2; END CASE; RETURN c; END;\n\
                   BEGIN; INSERT INTO a VALUES (1); COMMIT";
        let texts: Vec<&str> = statements(sql, BackendKind::Mysql)
            .iter()
            .map(|statement| statement.text(sql))
            .collect();
        assert_eq!(texts.len(), 5, "{texts:#?}");
        assert!(texts[0].ends_with("END IF; END"));
        assert!(texts[1].ends_with("RETURN c; END"));
        assert_eq!(&texts[2..], ["BEGIN", "INSERT INTO a VALUES (1)", "COMMIT"]);
    }

    #[test]
    fn statements_split_at_semicolons_outside_quotes_and_comments() {
        let sql = "-- a;\nSELECT 'x;y' ; /* ; */\n;\n SELECT \"a;\" ";
        let split: Vec<&str> = statements(sql, BackendKind::Postgres)
            .iter()
            .map(|statement| statement.text(sql))
            .collect();
        assert_eq!(split, ["-- a;\nSELECT 'x;y'", "SELECT \"a;\""]);
        let sql = "/*!50003 SET a = 1; SET b = 2 */; SELECT 1";
        let split: Vec<&str> = statements(sql, BackendKind::Mysql)
            .iter()
            .map(|statement| statement.text(sql))
            .collect();
        assert_eq!(split, ["/*!50003 SET a = 1; SET b = 2 */", "SELECT 1"]);
    }
}
