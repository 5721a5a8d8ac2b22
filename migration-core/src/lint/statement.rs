//! Just enough of PostgreSQL's and MySQL's lexers for the lint: statements
//! as tokens with the line each starts on, and `ALTER TABLE` split into its
//! actions.

use crate::backend::BackendKind;
use crate::revision::split_statements;

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
/// is file line `first_line`.
pub(crate) fn statements(sql: &str, first_line: usize, kind: BackendKind) -> Vec<Statement> {
    let mut cursor = 0;
    let mut out = Vec::new();
    for text in split_statements(sql, kind) {
        let start = sql[cursor..].find(&text).map_or(cursor, |at| cursor + at);
        cursor = start + text.len();
        let line = first_line + sql[..start].matches('\n').count();
        let (tokens, offset) = tokenize(&text, kind);
        out.push(Statement {
            line: line + offset,
            text,
            tokens,
        });
    }
    out
}

/// The tokens of one statement in `kind`'s dialect, and how many lines
/// into it the first one is (after leading comments). MySQL's differences:
/// `` `quoted` `` names, `"..."` strings, backslash escapes in strings, `#`
/// comments, and `/*! ... */` comments whose text the server runs (so the
/// lint reads it too).
fn tokenize(text: &str, kind: BackendKind) -> (Vec<Token>, usize) {
    let mysql = kind == BackendKind::Mysql;
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut first_line = None;
    let mut line = 0;
    let mut at = 0;
    let mut in_executable_comment = false;
    fn push(
        tokens: &mut Vec<Token>,
        first_line: &mut Option<usize>,
        line: usize,
        kind: Kind,
        text: String,
        exact: bool,
    ) {
        first_line.get_or_insert(line);
        tokens.push(Token { kind, text, exact });
    }
    while at < chars.len() {
        let ch = chars[at];
        let next = chars.get(at + 1).copied();
        if ch == '\n' {
            line += 1;
            at += 1;
        } else if ch.is_whitespace() {
            at += 1;
        } else if (ch == '-' && next == Some('-')) || (mysql && ch == '#') {
            while at < chars.len() && chars[at] != '\n' {
                at += 1;
            }
        } else if in_executable_comment && ch == '*' && next == Some('/') {
            in_executable_comment = false;
            at += 2;
        } else if let Some(opening) = mysql
            .then(|| executable_comment_opening(&chars[at..]))
            .flatten()
        {
            in_executable_comment = true;
            at += opening;
        } else if ch == '/' && next == Some('*') {
            at += 2;
            while at < chars.len() && !(chars[at] == '*' && chars.get(at + 1) == Some(&'/')) {
                line += usize::from(chars[at] == '\n');
                at += 1;
            }
            at += 2;
        } else if ch == '\'' || ch == '"' || (mysql && ch == '`') {
            let backslash = mysql && ch != '`';
            let start = at + 1;
            at += 1;
            while at < chars.len() {
                if backslash && chars[at] == '\\' {
                    line += usize::from(chars.get(at + 1) == Some(&'\n'));
                    at += 2;
                } else if chars[at] == ch && chars.get(at + 1) == Some(&ch) {
                    at += 2;
                } else if chars[at] == ch {
                    break;
                } else {
                    line += usize::from(chars[at] == '\n');
                    at += 1;
                }
            }
            let body: String = chars[start..at.min(chars.len())].iter().collect();
            at += 1;
            let quoted_name = if mysql { ch == '`' } else { ch == '"' };
            let (kind, body) = if quoted_name {
                // The name itself: a doubled quote stands for one.
                (
                    Kind::Quoted,
                    body.replace(&format!("{ch}{ch}"), &ch.to_string()),
                )
            } else {
                (Kind::Literal, body)
            };
            push(&mut tokens, &mut first_line, line, kind, body, true);
        } else if !mysql
            && ch == '$'
            && (next == Some('$') || next.is_some_and(char::is_alphabetic))
        {
            let tag_end = chars[at + 1..].iter().position(|&c| c == '$');
            let Some(tag_end) = tag_end.map(|offset| at + 1 + offset) else {
                at += 1;
                continue;
            };
            let tag: String = chars[at..=tag_end].iter().collect();
            let rest: String = chars[tag_end + 1..].iter().collect();
            let body_end = rest.find(&tag).map_or(rest.len(), |end| end + tag.len());
            line += rest[..body_end].matches('\n').count();
            at = tag_end + 1 + rest[..body_end].chars().count();
            push(
                &mut tokens,
                &mut first_line,
                line,
                Kind::Literal,
                String::new(),
                true,
            );
        } else if ch.is_alphanumeric() || ch == '_' {
            let start = at;
            while at < chars.len()
                && (chars[at].is_alphanumeric() || matches!(chars[at], '_' | '$'))
            {
                at += 1;
            }
            let word: String = chars[start..at].iter().collect();
            let kind = if ch.is_ascii_digit() {
                Kind::Literal
            } else {
                Kind::Word
            };
            push(&mut tokens, &mut first_line, line, kind, word, mysql);
        } else {
            push(
                &mut tokens,
                &mut first_line,
                line,
                Kind::Punct,
                ch.to_string(),
                true,
            );
            at += 1;
        }
    }
    (tokens, first_line.unwrap_or(0))
}

/// The length of a MySQL executable comment's opening (`/*!`, MariaDB's
/// `/*M!`, and the server version after it) at the start of `chars`.
fn executable_comment_opening(chars: &[char]) -> Option<usize> {
    let bang = match chars {
        ['/', '*', '!', ..] => 3,
        ['/', '*', 'M', '!', ..] => 4,
        _ => return None,
    };
    Some(
        bang + chars[bang..]
            .iter()
            .take_while(|ch| ch.is_ascii_digit())
            .count(),
    )
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
