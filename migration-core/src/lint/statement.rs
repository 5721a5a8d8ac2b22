//! Statements as the lint reads them: the backend lexer's tokens with the
//! line each statement starts on, and `ALTER TABLE` split into its actions.

use crate::backend::lexer::{self, unquote_name, TokenKind};
use crate::backend::BackendKind;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A keyword or unquoted name.
    Word,
    /// A quoted name: `"name"` on PostgreSQL, `` `name` `` on MySQL.
    Quoted,
    /// A string or number literal.
    Literal,
    /// One punctuation character.
    Punct,
}

/// One token, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) kind: Kind,
    pub(crate) text: String,
    /// Whether the name compares as written: a quoted name on PostgreSQL,
    /// any name on MySQL (whose table names are case-sensitive where
    /// `lower_case_table_names` is 0, Linux's default).
    pub(crate) exact: bool,
}

impl Token {
    /// Whether this is the keyword `word` (given in capitals).
    pub(crate) fn is(&self, word: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(word)
    }

    /// Whether this is the punctuation `ch`.
    pub(crate) fn is_punct(&self, ch: char) -> bool {
        self.kind == Kind::Punct && self.text.len() == 1 && self.text.starts_with(ch)
    }

    /// A name's spelling for comparisons: as written where the database
    /// compares it so, otherwise folded to lower case, as PostgreSQL folds
    /// unquoted names.
    pub(crate) fn name(&self) -> String {
        if self.exact {
            self.text.clone()
        } else {
            self.text.to_ascii_lowercase()
        }
    }
}

/// One statement of a revision.
#[derive(Clone, Debug)]
pub(crate) struct Statement {
    /// As written, without the trailing semicolon.
    pub(crate) text: String,
    /// The file line of its first token.
    pub(crate) line: usize,
    pub(crate) tokens: Vec<Token>,
}

impl Statement {
    /// Whether the tokens start with these keywords.
    pub(crate) fn starts_with(&self, words: &[&str]) -> bool {
        starts_with(&self.tokens, words)
    }

    /// Whether any token is the keyword `word`.
    pub(crate) fn has(&self, word: &str) -> bool {
        has(&self.tokens, word)
    }

    /// For `ALTER TABLE`, the table's name and each action's tokens.
    /// MySQL's `ALTER ONLINE TABLE` and `ALTER IGNORE TABLE` count too.
    pub(crate) fn alter_table(&self) -> Option<(String, Vec<&[Token]>)> {
        let table = 1 + usize::from(
            self.tokens
                .get(1)
                .is_some_and(|token| token.is("ONLINE") || token.is("IGNORE")),
        );
        if !self.starts_with(&["ALTER"]) || !self.tokens.get(table)?.is("TABLE") {
            return None;
        }
        let mut at = table + 1;
        while self
            .tokens
            .get(at)
            .is_some_and(|token| token.is("IF") || token.is("EXISTS") || token.is("ONLY"))
        {
            at += 1;
        }
        let (table, end) = qualified_name(&self.tokens, at)?;
        let mut actions = Vec::new();
        let mut depth = 0usize;
        let mut start = end;
        for (index, token) in self.tokens.iter().enumerate().skip(end) {
            if token.is_punct('(') {
                depth += 1;
            } else if token.is_punct(')') {
                depth = depth.saturating_sub(1);
            } else if token.is_punct(',') && depth == 0 {
                actions.push(&self.tokens[start..index]);
                start = index + 1;
            }
        }
        actions.push(&self.tokens[start..]);
        Some((table, actions))
    }

    /// The table named after the first `ON` (`CREATE INDEX ... ON t`).
    pub(crate) fn table_after_on(&self) -> Option<String> {
        let on = self.tokens.iter().position(|token| token.is("ON"))?;
        let mut at = on + 1;
        if self.tokens.get(at).is_some_and(|token| token.is("ONLY")) {
            at += 1;
        }
        qualified_name(&self.tokens, at).map(|(name, _)| name)
    }

    /// The table `CREATE TABLE` creates.
    pub(crate) fn created_table(&self) -> Option<String> {
        let table = self.tokens.iter().position(|token| token.is("TABLE"))?;
        if !self.tokens.first().is_some_and(|token| token.is("CREATE")) {
            return None;
        }
        let mut at = table + 1;
        while self
            .tokens
            .get(at)
            .is_some_and(|token| token.is("IF") || token.is("NOT") || token.is("EXISTS"))
        {
            at += 1;
        }
        qualified_name(&self.tokens, at).map(|(name, _)| name)
    }
}

/// Whether `tokens` start with these keywords.
pub(crate) fn starts_with(tokens: &[Token], words: &[&str]) -> bool {
    tokens.len() >= words.len() && tokens.iter().zip(words).all(|(token, word)| token.is(word))
}

/// Whether any of `tokens` is the keyword `word`.
pub(crate) fn has(tokens: &[Token], word: &str) -> bool {
    tokens.iter().any(|token| token.is(word))
}

/// Whether `tokens` hold these keywords one after another.
pub(crate) fn has_sequence(tokens: &[Token], words: &[&str]) -> bool {
    tokens
        .windows(words.len())
        .any(|window| starts_with(window, words))
}

/// The name of the constraint an `ADD CONSTRAINT name ...` or `VALIDATE
/// CONSTRAINT name` action names.
pub(crate) fn constraint_name(tokens: &[Token]) -> Option<String> {
    let at = tokens.iter().position(|token| token.is("CONSTRAINT"))?;
    tokens
        .get(at + 1)
        .filter(|token| matches!(token.kind, Kind::Word | Kind::Quoted))
        .map(Token::name)
}

/// A possibly schema-qualified name starting at `at`, and where it ends.
pub(crate) fn qualified_name(tokens: &[Token], at: usize) -> Option<(String, usize)> {
    let mut parts = Vec::new();
    let mut at = at;
    loop {
        let token = tokens.get(at)?;
        if !matches!(token.kind, Kind::Word | Kind::Quoted) {
            return None;
        }
        parts.push(token.name());
        at += 1;
        if tokens.get(at).is_some_and(|token| token.is_punct('.')) {
            at += 1;
        } else {
            break;
        }
    }
    Some((parts.join("."), at))
}

/// The statements of an up section, in `kind`'s dialect, whose first line
/// is file line `first_line`, as the backend's lexer reads them. MySQL's
/// differences: `` `quoted` `` names, `"..."` strings, backslash escapes in
/// strings, `#` comments, and `/*! ... */` comments whose text the server
/// runs (so the lint reads it too).
pub(crate) fn statements(sql: &str, first_line: usize, kind: BackendKind) -> Vec<Statement> {
    lexer::statements(sql, kind)
        .into_iter()
        .map(|statement| {
            let tokens: Vec<Token> = statement
                .tokens
                .iter()
                .filter_map(|token| lint_token(sql, token, kind))
                .collect();
            let first = statement
                .tokens
                .iter()
                .find(|token| {
                    !matches!(
                        token.kind,
                        TokenKind::ExecutableStart | TokenKind::ExecutableEnd
                    )
                })
                .map_or(statement.start, |token| token.start);
            Statement {
                text: statement.text(sql).to_owned(),
                line: first_line + sql[..first].matches('\n').count(),
                tokens,
            }
        })
        .collect()
}

/// A lexer token as the lint reads it: quoted names unquoted, strings
/// without their quotes, the markers of MySQL's executable comments left
/// out.
fn lint_token(sql: &str, token: &lexer::Token, kind: BackendKind) -> Option<Token> {
    let text = token.text(sql);
    let (kind, text, exact) = match token.kind {
        TokenKind::Word => (Kind::Word, text.to_owned(), kind == BackendKind::Mysql),
        TokenKind::QuotedName => (Kind::Quoted, unquote_name(text), true),
        TokenKind::String => (Kind::Literal, string_body(text).to_owned(), true),
        // A function body: nothing the lint reads.
        TokenKind::DollarString => (Kind::Literal, String::new(), true),
        TokenKind::Number => (Kind::Literal, text.to_owned(), true),
        TokenKind::Punct => (Kind::Punct, text.to_owned(), true),
        TokenKind::ExecutableStart | TokenKind::ExecutableEnd => return None,
    };
    Some(Token { kind, text, exact })
}

/// A string literal's text between its quotes (after PostgreSQL's `E`
/// prefix), as written: escapes are not read.
fn string_body(literal: &str) -> &str {
    let literal = literal.strip_prefix(['E', 'e']).unwrap_or(literal);
    let mut chars = literal.chars();
    let Some(quote) = chars.next() else {
        return literal;
    };
    let body = chars.as_str();
    match body.strip_suffix(quote) {
        Some(closed) if !body.is_empty() => closed,
        _ => body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_know_their_line_and_tokens() {
        let sql = "-- first\nCREATE INDEX ix ON \"Items\" (a);\n\n/* two\nlines */ ALTER TABLE public.items\n  ADD COLUMN b TEXT DEFAULT 'x;y', ADD CONSTRAINT c CHECK (b <> '');\n";
        let statements = statements(sql, 10, BackendKind::Postgres);
        assert_eq!(statements.len(), 2);
        assert_eq!(statements[0].line, 11);
        assert_eq!(statements[0].table_after_on().as_deref(), Some("Items"));
        assert_eq!(statements[1].line, 14);
        let (table, actions) = statements[1].alter_table().unwrap();
        assert_eq!(table, "public.items");
        assert_eq!(actions.len(), 2);
        assert_eq!(constraint_name(actions[1]).as_deref(), Some("c"));
    }

    #[test]
    fn mysql_statements_know_their_line_and_tokens() {
        let sql = "# first\nCREATE INDEX ix ON `Items` (a);\n\nALTER ONLINE TABLE `db`.`it``s`\n  ADD COLUMN b TEXT DEFAULT 'x\\';y', ADD CONSTRAINT c CHECK (b <> \"\");\n";
        let statements = statements(sql, 10, BackendKind::Mysql);
        assert_eq!(statements.len(), 2);
        assert_eq!(statements[0].line, 11);
        assert_eq!(statements[0].table_after_on().as_deref(), Some("Items"));
        assert_eq!(statements[1].line, 13);
        let (table, actions) = statements[1].alter_table().unwrap();
        assert_eq!(table, "db.it`s");
        assert_eq!(actions.len(), 2);
        assert_eq!(constraint_name(actions[1]).as_deref(), Some("c"));
        // Unquoted names keep their case on MySQL, and fold on PostgreSQL.
        let create =
            |kind| super::statements("CREATE TABLE Items (a INT)", 1, kind)[0].created_table();
        assert_eq!(create(BackendKind::Mysql).as_deref(), Some("Items"));
        assert_eq!(create(BackendKind::Postgres).as_deref(), Some("items"));
    }
}
