//! Reading what SQLite keeps only in the text of its `CREATE TABLE` and
//! `CREATE INDEX` statements (`sqlite_schema.sql`): constraint names, check
//! constraints, column collations, generated columns' expressions,
//! `AUTOINCREMENT`, the table options `WITHOUT ROWID` and `STRICT`, and the
//! text of index expressions and partial-index predicates.
//!
//! The backend's lexer reads SQLite's quoting (`"x"`, `[x]`, `` `x` ``,
//! `'text'`) and comments; what this reader does not understand it skips,
//! so a statement it cannot follow yields fewer names, never an error.

use crate::backend::lexer::{self, unquote_name, TokenKind};
use crate::backend::BackendKind;
use crate::schema::{CheckConstraint, Deferral, SqliteTableOptions};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A bare word or a quoted identifier.
    Word,
    /// A quoted identifier (`"x"`, `[x]`, `` `x` ``).
    Quoted,
    /// A string literal.
    String,
    Open,
    Close,
    Comma,
    /// Anything else: numbers, operators, `;`.
    Other,
}

#[derive(Clone, Copy, Debug)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
}

/// The statement's tokens as the backend's lexer reads SQLite's SQL.
fn tokenize(sql: &str) -> Vec<Token> {
    lexer::tokens(sql, BackendKind::Sqlite)
        .map(|token| {
            let kind = match token.kind {
                TokenKind::Word => Kind::Word,
                TokenKind::QuotedName => Kind::Quoted,
                TokenKind::String => Kind::String,
                TokenKind::Punct if token.is_punct(sql, '(') => Kind::Open,
                TokenKind::Punct if token.is_punct(sql, ')') => Kind::Close,
                TokenKind::Punct if token.is_punct(sql, ',') => Kind::Comma,
                _ => Kind::Other,
            };
            Token {
                kind,
                start: token.start,
                end: token.end,
            }
        })
        .collect()
}

/// A cursor over one statement's tokens.
struct Tokens<'a> {
    sql: &'a str,
    tokens: Vec<Token>,
}

impl<'a> Tokens<'a> {
    fn new(sql: &'a str) -> Self {
        Tokens {
            sql,
            tokens: tokenize(sql),
        }
    }

    fn text(&self, token: Token) -> &'a str {
        &self.sql[token.start..token.end]
    }

    fn is_keyword(&self, at: usize, keyword: &str) -> bool {
        self.tokens.get(at).is_some_and(|token| {
            token.kind == Kind::Word && self.text(*token).eq_ignore_ascii_case(keyword)
        })
    }

    /// The identifier at `at`, unquoted.
    fn identifier(&self, at: usize) -> Option<String> {
        let token = *self.tokens.get(at)?;
        let text = self.text(token);
        match token.kind {
            Kind::Word => Some(text.to_owned()),
            Kind::Quoted | Kind::String => Some(unquote_name(text)),
            _ => None,
        }
    }

    /// The index of the token closing the group opened at `open`.
    fn close_of(&self, open: usize) -> usize {
        let mut depth = 0usize;
        for (at, token) in self.tokens.iter().enumerate().skip(open) {
            match token.kind {
                Kind::Open => depth += 1,
                Kind::Close => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return at;
                    }
                }
                _ => {}
            }
        }
        self.tokens.len()
    }

    /// The source text from token `from` to token `to`, both included.
    fn span(&self, from: usize, to: usize) -> &'a str {
        match (self.tokens.get(from), self.tokens.get(to)) {
            (Some(first), Some(last)) if from <= to => self.sql[first.start..last.end].trim(),
            _ => "",
        }
    }

    /// Top-level comma-separated items between `from` and `to` (exclusive),
    /// as token ranges.
    fn items(&self, from: usize, to: usize) -> Vec<(usize, usize)> {
        let mut items = Vec::new();
        let mut depth = 0usize;
        let mut start = from;
        for at in from..to.min(self.tokens.len()) {
            match self.tokens[at].kind {
                Kind::Open => depth += 1,
                Kind::Close => depth = depth.saturating_sub(1),
                Kind::Comma if depth == 0 => {
                    items.push((start, at));
                    start = at + 1;
                }
                _ => {}
            }
        }
        if start < to {
            items.push((start, to));
        }
        items
    }

    /// The first identifier of each item of the group opened at `open`.
    fn column_list(&self, open: usize) -> Vec<String> {
        let close = self.close_of(open);
        self.items(open + 1, close)
            .into_iter()
            .filter_map(|(start, _)| self.identifier(start))
            .collect()
    }
}

/// A constraint on columns, with its name if it was given one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct NamedColumns {
    pub(crate) name: Option<String>,
    pub(crate) columns: Vec<String>,
}

/// A foreign key as written: name, columns, referenced table and
/// `DEFERRABLE` clause (which `PRAGMA foreign_key_list` does not report).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct WrittenForeignKey {
    pub(crate) name: Option<String>,
    pub(crate) columns: Vec<String>,
    pub(crate) referenced_table: String,
    pub(crate) deferrable: Option<Deferral>,
}

/// What a `CREATE TABLE` statement says that the pragmas do not.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct CreateTable {
    pub(crate) primary_key_name: Option<String>,
    pub(crate) autoincrement: bool,
    /// `WITHOUT ROWID` and `STRICT`, after the closing parenthesis.
    pub(crate) options: SqliteTableOptions,
    pub(crate) uniques: Vec<NamedColumns>,
    pub(crate) foreign_keys: Vec<WrittenForeignKey>,
    pub(crate) checks: Vec<CheckConstraint>,
    /// `COLLATE` on columns, by column, as written; `BINARY`, the
    /// default, is left out.
    pub(crate) collations: Vec<(String, String)>,
    /// The expression of each generated column (`[GENERATED ALWAYS] AS
    /// (expression)`), by column, as written.
    pub(crate) generated: Vec<(String, String)>,
}

const COLUMN_CONSTRAINT_WORDS: [&str; 11] = [
    "CONSTRAINT",
    "PRIMARY",
    "NOT",
    "NULL",
    "UNIQUE",
    "CHECK",
    "DEFAULT",
    "COLLATE",
    "REFERENCES",
    "GENERATED",
    "AS",
];

/// Reads a `CREATE TABLE` statement.
pub(crate) fn parse_create_table(sql: &str) -> CreateTable {
    let tokens = Tokens::new(sql);
    let mut table = CreateTable::default();
    let Some(open) = tokens
        .tokens
        .iter()
        .position(|token| token.kind == Kind::Open)
    else {
        return table;
    };
    let close = tokens.close_of(open);
    table.options = table_options(&tokens, close + 1);
    for (start, end) in tokens.items(open + 1, close) {
        let first_is = |keyword| tokens.is_keyword(start, keyword);
        if first_is("CONSTRAINT")
            || first_is("PRIMARY")
            || first_is("UNIQUE")
            || first_is("CHECK")
            || first_is("FOREIGN")
        {
            read_constraints(&tokens, start, end, None, &mut table);
        } else if let Some(column) = tokens.identifier(start) {
            // Skip the type: words (and a parenthesized size) up to the
            // first constraint keyword.
            let mut at = start + 1;
            while at < end
                && !COLUMN_CONSTRAINT_WORDS
                    .iter()
                    .any(|word| tokens.is_keyword(at, word))
            {
                at += 1;
            }
            read_constraints(&tokens, at, end, Some(&column), &mut table);
        }
    }
    table
}

/// The table options after the definitions, from token `from`: a
/// comma-separated list of `WITHOUT ROWID` and `STRICT`, in any order and
/// letter case.
fn table_options(tokens: &Tokens<'_>, from: usize) -> SqliteTableOptions {
    let mut options = SqliteTableOptions::default();
    for (start, _) in tokens.items(from, tokens.tokens.len()) {
        if tokens.is_keyword(start, "WITHOUT") && tokens.is_keyword(start + 1, "ROWID") {
            options.without_rowid = true;
        } else if tokens.is_keyword(start, "STRICT") {
            options.strict = true;
        }
    }
    options
}

/// Reads constraints from token `at` to `end`: a table constraint when
/// `column` is `None`, else the constraints of that column.
fn read_constraints(
    tokens: &Tokens<'_>,
    mut at: usize,
    end: usize,
    column: Option<&str>,
    table: &mut CreateTable,
) {
    let mut name: Option<String> = None;
    let own_column = || column.map(|c| vec![c.to_owned()]).unwrap_or_default();
    while at < end {
        let token = tokens.tokens[at];
        if let (Some(column), true) = (column, tokens.is_keyword(at, "AS")) {
            if tokens
                .tokens
                .get(at + 1)
                .is_some_and(|t| t.kind == Kind::Open)
            {
                let close = tokens.close_of(at + 1);
                table.generated.push((
                    column.to_owned(),
                    tokens.span(at + 2, close.saturating_sub(1)).to_owned(),
                ));
                at = close + 1;
                continue;
            }
        }
        if token.kind == Kind::Open {
            // An expression we do not read (a DEFAULT, a GENERATED AS).
            at = tokens.close_of(at) + 1;
            continue;
        }
        if tokens.is_keyword(at, "CONSTRAINT") {
            name = tokens.identifier(at + 1);
            at += 2;
            continue;
        }
        if tokens.is_keyword(at, "PRIMARY") && tokens.is_keyword(at + 1, "KEY") {
            table.primary_key_name = name.take();
            at += 2;
            if column.is_none() && tokens.tokens.get(at).is_some_and(|t| t.kind == Kind::Open) {
                at = tokens.close_of(at) + 1;
            }
            continue;
        }
        if let (Some(column), true) = (column, tokens.is_keyword(at, "COLLATE")) {
            if let Some(collation) = tokens.identifier(at + 1) {
                if !collation.eq_ignore_ascii_case("BINARY") {
                    table.collations.push((column.to_owned(), collation));
                }
            }
            at += 2;
            continue;
        }
        if tokens.is_keyword(at, "AUTOINCREMENT") {
            table.autoincrement = true;
            at += 1;
            continue;
        }
        if tokens.is_keyword(at, "UNIQUE") {
            at += 1;
            let columns = if column.is_none()
                && tokens.tokens.get(at).is_some_and(|t| t.kind == Kind::Open)
            {
                let columns = tokens.column_list(at);
                at = tokens.close_of(at) + 1;
                columns
            } else {
                own_column()
            };
            table.uniques.push(NamedColumns {
                name: name.take(),
                columns,
            });
            continue;
        }
        if tokens.is_keyword(at, "CHECK")
            && tokens
                .tokens
                .get(at + 1)
                .is_some_and(|t| t.kind == Kind::Open)
        {
            let close = tokens.close_of(at + 1);
            table.checks.push(CheckConstraint {
                name: name.take(),
                expression: tokens.span(at + 2, close.saturating_sub(1)).to_owned(),
            });
            at = close + 1;
            continue;
        }
        if tokens.is_keyword(at, "FOREIGN") && tokens.is_keyword(at + 1, "KEY") {
            let open = at + 2;
            let columns = tokens.column_list(open);
            at = tokens.close_of(open) + 1;
            if tokens.is_keyword(at, "REFERENCES") {
                table.foreign_keys.push(WrittenForeignKey {
                    name: name.take(),
                    columns,
                    referenced_table: tokens.identifier(at + 1).unwrap_or_default(),
                    deferrable: None,
                });
                at += 2;
            }
            continue;
        }
        if tokens.is_keyword(at, "REFERENCES") {
            table.foreign_keys.push(WrittenForeignKey {
                name: name.take(),
                columns: own_column(),
                referenced_table: tokens.identifier(at + 1).unwrap_or_default(),
                deferrable: None,
            });
            at += 2;
            continue;
        }
        // `[NOT] DEFERRABLE [INITIALLY DEFERRED | INITIALLY IMMEDIATE]`
        // ends the foreign key just read; `NOT DEFERRABLE` leaves it as
        // it is.
        if tokens.is_keyword(at, "DEFERRABLE") {
            let not = at > 0 && tokens.is_keyword(at - 1, "NOT");
            let deferred =
                tokens.is_keyword(at + 1, "INITIALLY") && tokens.is_keyword(at + 2, "DEFERRED");
            if let (false, Some(foreign_key)) = (not, table.foreign_keys.last_mut()) {
                foreign_key.deferrable = Some(if deferred {
                    Deferral::InitiallyDeferred
                } else {
                    Deferral::InitiallyImmediate
                });
            }
            at += 1;
            continue;
        }
        at += 1;
    }
}

/// What a `CREATE INDEX` statement says that the pragmas do not: the text
/// of each key part and the `WHERE` predicate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct CreateIndex {
    pub(crate) parts: Vec<String>,
    pub(crate) predicate: Option<String>,
}

/// The query of a `CREATE VIEW name [(columns)] AS query` statement: the
/// text after the first `AS` (a column list holds none); the whole text
/// when there is none.
pub(crate) fn view_query(sql: &str) -> &str {
    lexer::tokens(sql, BackendKind::Sqlite)
        .find(|token| token.kind == TokenKind::Word && token.text(sql).eq_ignore_ascii_case("as"))
        .and_then(|token| sql.get(token.end..))
        .map_or(sql, str::trim)
}

/// Reads a `CREATE [UNIQUE] INDEX ... ON t (parts) [WHERE predicate]`.
pub(crate) fn parse_create_index(sql: &str) -> CreateIndex {
    let tokens = Tokens::new(sql);
    let mut index = CreateIndex::default();
    let Some(on) = (0..tokens.tokens.len()).find(|at| tokens.is_keyword(*at, "ON")) else {
        return index;
    };
    let Some(open) = (on..tokens.tokens.len()).find(|at| tokens.tokens[*at].kind == Kind::Open)
    else {
        return index;
    };
    let close = tokens.close_of(open);
    index.parts = tokens
        .items(open + 1, close)
        .into_iter()
        .map(|(start, end)| {
            // Drop a trailing ASC/DESC and COLLATE: the pragmas read them.
            let mut last = end - 1;
            if last > start && (tokens.is_keyword(last, "ASC") || tokens.is_keyword(last, "DESC")) {
                last -= 1;
            }
            if last > start + 1 && tokens.is_keyword(last - 1, "COLLATE") {
                last -= 2;
            }
            tokens.span(start, last).to_owned()
        })
        .collect();
    if tokens.is_keyword(close + 1, "WHERE") {
        let mut last = tokens.tokens.len() - 1;
        if tokens
            .tokens
            .get(last)
            .is_some_and(|t| tokens.text(*t) == ";")
        {
            last -= 1;
        }
        index.predicate = Some(tokens.span(close + 2, last).to_owned());
    }
    index
}

/// The column and values of a check `"col" IN ('a', 'b')` (retort's spelling
/// of an enum on SQLite), or `None` for any other expression.
pub(crate) fn enum_check(expression: &str) -> Option<(String, Vec<String>)> {
    let tokens = Tokens::new(expression);
    let column = tokens.identifier(0)?;
    if !matches!(tokens.tokens.first()?.kind, Kind::Word | Kind::Quoted)
        || !tokens.is_keyword(1, "IN")
        || tokens.tokens.get(2)?.kind != Kind::Open
        || tokens.close_of(2) != tokens.tokens.len() - 1
    {
        return None;
    }
    let values = tokens
        .items(3, tokens.tokens.len() - 1)
        .into_iter()
        .map(|(start, end)| {
            let token = tokens.tokens[start];
            (end == start + 1 && token.kind == Kind::String)
                .then(|| unquote_name(tokens.text(token)))
        })
        .collect::<Option<Vec<String>>>()?;
    Some((column, values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_query_is_the_text_after_as() {
        assert_eq!(
            view_query("CREATE VIEW \"v\" (a, b) AS\n  SELECT 1 AS a, 2 AS b"),
            "SELECT 1 AS a, 2 AS b"
        );
    }

    #[test]
    fn chinook_s_table_constraints_are_read() {
        let sql = "CREATE TABLE [Track]\n(\n    [TrackId] INTEGER  NOT NULL,\n    [Name] NVARCHAR(200)  NOT NULL,\n    [AlbumId] INTEGER,\n    CONSTRAINT [PK_Track] PRIMARY KEY  ([TrackId]),\n    FOREIGN KEY ([AlbumId]) REFERENCES [Album] ([AlbumId]) \n\t\tON DELETE NO ACTION ON UPDATE NO ACTION\n)";
        let table = parse_create_table(sql);
        assert_eq!(table.primary_key_name.as_deref(), Some("PK_Track"));
        assert!(!table.autoincrement && table.options.is_default());
        assert_eq!(
            table.foreign_keys,
            vec![WrittenForeignKey {
                name: None,
                columns: vec!["AlbumId".into()],
                referenced_table: "Album".into(),
                deferrable: None,
            }]
        );
    }

    #[test]
    fn column_and_table_constraints_keep_their_names() {
        let sql = r#"CREATE TABLE "t" (
            "id" INTEGER CONSTRAINT "pk_t" PRIMARY KEY AUTOINCREMENT,
            "code" VARCHAR(10) NOT NULL DEFAULT ('x,y') CONSTRAINT "uq_t_code" UNIQUE,
            "mood" TEXT CHECK ("mood" IN ('happy', 'it''s ok')),
            team_id BIGINT CONSTRAINT fk_t_team REFERENCES teams (id) ON DELETE CASCADE, -- a comment
            a INT, b INT,
            CONSTRAINT "uq_t_a_b" UNIQUE (a, b),
            CONSTRAINT ck_t_a CHECK (a > 0 AND (b < 10)),
            CONSTRAINT fk_t_ab FOREIGN KEY (a, b) REFERENCES "other t" (x, y)
        ) WITHOUT ROWID"#;
        let table = parse_create_table(sql);
        assert_eq!(table.primary_key_name.as_deref(), Some("pk_t"));
        assert!(table.autoincrement && table.options.without_rowid && !table.options.strict);
        assert_eq!(
            table.uniques,
            vec![
                NamedColumns {
                    name: Some("uq_t_code".into()),
                    columns: vec!["code".into()]
                },
                NamedColumns {
                    name: Some("uq_t_a_b".into()),
                    columns: vec!["a".into(), "b".into()]
                },
            ]
        );
        assert_eq!(
            table.checks,
            vec![
                CheckConstraint {
                    name: None,
                    expression: r#""mood" IN ('happy', 'it''s ok')"#.into()
                },
                CheckConstraint {
                    name: Some("ck_t_a".into()),
                    expression: "a > 0 AND (b < 10)".into()
                },
            ]
        );
        assert_eq!(table.foreign_keys.len(), 2);
        assert_eq!(table.foreign_keys[0].name.as_deref(), Some("fk_t_team"));
        assert_eq!(table.foreign_keys[0].columns, ["team_id"]);
        assert_eq!(table.foreign_keys[1].referenced_table, "other t");
    }

    #[test]
    fn table_options_are_read_in_any_order_and_case() {
        let options = |sql: &str| {
            let options = parse_create_table(sql).options;
            (options.without_rowid, options.strict)
        };
        let columns = "CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER)";
        assert_eq!(options(columns), (false, false));
        assert_eq!(options(&format!("{columns} STRICT")), (false, true));
        assert_eq!(options(&format!("{columns} strict;")), (false, true));
        assert_eq!(options(&format!("{columns} without rowid")), (true, false));
        assert_eq!(
            options(&format!("{columns} WITHOUT ROWID, STRICT")),
            (true, true)
        );
        assert_eq!(
            options(&format!("{columns}\n  Strict ,\n  Without /* c */ RowId")),
            (true, true)
        );
        // Words inside the definitions are not options.
        assert_eq!(
            options(r#"CREATE TABLE "strict" (strict INT, "without" TEXT, rowid_x INT)"#),
            (false, false)
        );
    }

    #[test]
    fn deferrable_clauses_of_foreign_keys_are_read() {
        let table = parse_create_table(
            r#"CREATE TABLE t (
                a INT REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED,
                b INT CONSTRAINT fk_b REFERENCES p (id) ON DELETE CASCADE deferrable,
                c INT REFERENCES p (id) NOT DEFERRABLE INITIALLY DEFERRED NOT NULL,
                d INT REFERENCES p (id),
                e INT, f INT,
                FOREIGN KEY (e) REFERENCES p (id) MATCH SIMPLE DEFERRABLE INITIALLY IMMEDIATE,
                CONSTRAINT fk_f FOREIGN KEY (f) REFERENCES "p" ("id")
                    ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED
            )"#,
        );
        let deferrals: Vec<_> = table
            .foreign_keys
            .iter()
            .map(|foreign_key| (foreign_key.columns[0].as_str(), foreign_key.deferrable))
            .collect();
        assert_eq!(
            deferrals,
            [
                ("a", Some(Deferral::InitiallyDeferred)),
                ("b", Some(Deferral::InitiallyImmediate)),
                ("c", None),
                ("d", None),
                ("e", Some(Deferral::InitiallyImmediate)),
                ("f", Some(Deferral::InitiallyDeferred)),
            ]
        );
    }

    #[test]
    fn column_collations_other_than_binary_are_read() {
        let table = parse_create_table(
            r#"CREATE TABLE t ("a" TEXT COLLATE NOCASE NOT NULL, b TEXT COLLATE "RTRIM",
               c TEXT COLLATE BINARY, d VARCHAR(3) CHECK (d <> '') COLLATE nocase)"#,
        );
        assert_eq!(
            table.collations,
            [
                ("a".to_owned(), "NOCASE".to_owned()),
                ("b".to_owned(), "RTRIM".to_owned()),
                ("d".to_owned(), "nocase".to_owned()),
            ]
        );
    }

    #[test]
    fn generated_columns_expressions_are_read_and_defaults_are_not() {
        let table = parse_create_table(
            r#"CREATE TABLE t (a INT DEFAULT (1 + 1), "b c" NUMERIC(10, 2) GENERATED ALWAYS AS (a * (a + 1)) STORED NOT NULL,
               d TEXT AS (lower("b c")) CHECK (d <> ''), e AS (a) VIRTUAL)"#,
        );
        assert_eq!(
            table.generated,
            [
                ("b c".to_owned(), "a * (a + 1)".to_owned()),
                ("d".to_owned(), r#"lower("b c")"#.to_owned()),
                ("e".to_owned(), "a".to_owned()),
            ]
        );
        assert_eq!(table.checks.len(), 1);
    }

    #[test]
    fn index_parts_and_predicates_are_read() {
        let index = parse_create_index(
            r#"CREATE UNIQUE INDEX "ix" ON "t" (lower("email"), "team_id" DESC) WHERE "deleted_at" IS NULL"#,
        );
        assert_eq!(index.parts, [r#"lower("email")"#, r#""team_id""#]);
        assert_eq!(index.predicate.as_deref(), Some(r#""deleted_at" IS NULL"#));
    }

    #[test]
    fn enum_checks_are_recognized() {
        assert_eq!(
            enum_check(r#""mood" IN ('happy', 'it''s ok')"#),
            Some(("mood".into(), vec!["happy".into(), "it's ok".into()]))
        );
        assert_eq!(enum_check("mood IN ('a') AND 1"), None);
        assert_eq!(enum_check("mood IN ('a', 1)"), None);
        assert_eq!(enum_check("a > 0"), None);
    }
}
