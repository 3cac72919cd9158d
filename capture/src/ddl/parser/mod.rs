//! Recursive-descent parser over the token list of one statement.
//!
//! The grammar covered is the table-model subset of MySQL 8/9 and MariaDB 10/11 DDL (see the
//! submodules). Clauses that cannot change the model — index options, partitioning, most table
//! options, foreign-key actions, CHECK expressions — are consumed by balanced skipping (to the
//! next `,` or `)` at the same parenthesis depth) rather than parsed, so their grammar's many
//! variants cannot cause failures. Statements that are not DDL on tables or databases are
//! recognised by their leading keywords and returned as `Skipped`.

mod alter;
mod column;
mod create;
mod default;
mod other;

use super::lexer::{Tok, Token};
use super::statement::DdlStatement;
use crate::schema::TableId;

/// A parse failure inside one statement: token index and message.
#[derive(Debug)]
pub(crate) struct ParseFail {
    /// Byte offset in the whole input.
    pub(crate) offset: usize,
    pub(crate) message: String,
}

pub(crate) type PResult<T> = Result<T, ParseFail>;

/// Cursor over the tokens of one statement.
pub(crate) struct Parser<'a> {
    sql: &'a str,
    toks: &'a [Token],
    pos: usize,
    /// Database for unqualified names (follows `USE` within one input).
    pub(crate) default_db: Option<String>,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(sql: &'a str, toks: &'a [Token], default_db: Option<String>) -> Self {
        Self {
            sql,
            toks,
            pos: 0,
            default_db,
        }
    }

    // ---- cursor primitives ----

    fn peek(&self) -> Option<&'a Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    fn peek_at(&self, n: usize) -> Option<&'a Tok> {
        self.toks.get(self.pos + n).map(|t| &t.tok)
    }

    fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }

    fn advance(&mut self) -> Option<&'a Tok> {
        let t = self.peek();
        if t.is_some() {
            self.pos += 1;
        }
        t
    }

    /// Byte offset of the current token (or the end of the last one).
    fn offset(&self) -> usize {
        match self.toks.get(self.pos) {
            Some(t) => t.start,
            None => self.toks.last().map_or(0, |t| t.end),
        }
    }

    fn fail<T>(&self, message: impl Into<String>) -> PResult<T> {
        Err(ParseFail {
            offset: self.offset(),
            message: message.into(),
        })
    }

    fn expected<T>(&self, what: &str) -> PResult<T> {
        match self.peek() {
            Some(t) => self.fail(format!("expected {what}, found {t}")),
            None => self.fail(format!("expected {what}, found the end of the statement")),
        }
    }

    fn word_at(&self, n: usize) -> Option<&'a str> {
        match self.peek_at(n) {
            Some(Tok::Word(w)) => Some(w),
            _ => None,
        }
    }

    /// Whether the token `n` ahead is the (unquoted) keyword `kw`.
    fn is_kw_at(&self, n: usize, kw: &str) -> bool {
        self.word_at(n).is_some_and(|w| w.eq_ignore_ascii_case(kw))
    }

    fn is_kw(&self, kw: &str) -> bool {
        self.is_kw_at(0, kw)
    }

    fn is_any_kw(&self, kws: &[&str]) -> bool {
        kws.iter().any(|k| self.is_kw(k))
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.is_kw(kw) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Eat a keyword sequence only if all of it is there.
    fn eat_kws(&mut self, kws: &[&str]) -> bool {
        if kws.iter().enumerate().all(|(i, k)| self.is_kw_at(i, k)) {
            self.pos += kws.len();
            true
        } else {
            false
        }
    }

    fn expect_kw(&mut self, kw: &str) -> PResult<()> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            self.expected(kw)
        }
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Some(Tok::Punct(q)) if *q == p)
    }

    fn is_punct_at(&self, n: usize, p: &str) -> bool {
        matches!(self.peek_at(n), Some(Tok::Punct(q)) if *q == p)
    }

    fn eat_punct(&mut self, p: &str) -> bool {
        if self.is_punct(p) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_punct(&mut self, p: &str) -> PResult<()> {
        if self.eat_punct(p) {
            Ok(())
        } else {
            self.expected(&format!("'{p}'"))
        }
    }

    /// `IF NOT EXISTS`.
    fn eat_if_not_exists(&mut self) -> bool {
        self.eat_kws(&["IF", "NOT", "EXISTS"])
    }

    /// `IF EXISTS`.
    fn eat_if_exists(&mut self) -> bool {
        self.eat_kws(&["IF", "EXISTS"])
    }

    // ---- names ----

    /// Whether the current token can be an identifier.
    fn is_ident(&self) -> bool {
        matches!(
            self.peek(),
            Some(Tok::Word(_) | Tok::Quoted(_) | Tok::DoubleQuoted(_))
        )
    }

    /// An identifier: unquoted word, backtick-quoted, or `"…"` (ANSI_QUOTES).
    fn ident(&mut self) -> PResult<String> {
        match self.peek() {
            Some(Tok::Word(w) | Tok::Quoted(w) | Tok::DoubleQuoted(w)) => {
                self.pos += 1;
                Ok(w.clone())
            }
            _ => self.expected("an identifier"),
        }
    }

    /// A name that may also be written as a string (charsets, collations, engines).
    fn name_or_string(&mut self) -> PResult<String> {
        match self.peek() {
            Some(Tok::Str(s)) => {
                self.pos += 1;
                Ok(s.clone())
            }
            Some(Tok::Number(n)) => {
                self.pos += 1;
                Ok(n.clone())
            }
            _ => self.ident(),
        }
    }

    /// `[db.]name`; an unqualified name takes the default database (empty when none).
    fn table_name(&mut self) -> PResult<TableId> {
        let first = self.ident()?;
        if self.is_punct(".") && self.toks.get(self.pos + 1).is_some() {
            self.pos += 1;
            let second = self.ident()?;
            return Ok(TableId::new(first, second));
        }
        Ok(TableId::new(
            self.default_db.clone().unwrap_or_default(),
            first,
        ))
    }

    /// A column name, possibly qualified (`t.c`, `db.t.c`): the last part.
    fn column_name(&mut self) -> PResult<String> {
        let mut name = self.ident()?;
        while self.is_punct(".") && self.toks.get(self.pos + 1).is_some() {
            self.pos += 1;
            name = self.ident()?;
        }
        Ok(name)
    }

    // ---- skipping ----

    /// Skip a balanced `( … )` group if one starts here; returns whether it did.
    fn skip_parens(&mut self) -> PResult<bool> {
        if !self.is_punct("(") {
            return Ok(false);
        }
        let mut depth = 0usize;
        while let Some(t) = self.advance() {
            match t {
                Tok::Punct("(") => depth += 1,
                Tok::Punct(")") => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(true);
                    }
                }
                _ => {}
            }
        }
        self.fail("unbalanced parentheses")
    }

    /// Skip tokens up to (not including) a `,` or `)` at depth 0, or the end.
    fn skip_to_item_end(&mut self) -> PResult<()> {
        loop {
            match self.peek() {
                None | Some(Tok::Punct(",") | Tok::Punct(")")) => return Ok(()),
                Some(Tok::Punct("(")) => {
                    self.skip_parens()?;
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    /// Skip everything to the end of the statement (checking parentheses balance).
    fn skip_rest(&mut self) -> PResult<()> {
        while !self.at_end() {
            if !self.skip_parens()? {
                if self.is_punct(")") {
                    return self.fail("unbalanced ')'");
                }
                self.pos += 1;
            }
        }
        Ok(())
    }

    /// Source text between two token indexes (inclusive start, exclusive end).
    /// The source text from token `from` up to the start of token `to` (whitespace and comments
    /// before `to` included), as ANTLR's `getText(Interval)` gives it.
    fn text_before(&self, from: usize, to: usize) -> String {
        let (Some(start), Some(end)) = (self.toks.get(from), self.toks.get(to)) else {
            return String::new();
        };
        self.sql
            .get(start.start..end.start)
            .unwrap_or_default()
            .to_string()
    }

    fn text(&self, from: usize, to: usize) -> String {
        if from >= to || from >= self.toks.len() {
            return String::new();
        }
        let start = self.toks[from].start;
        let end = self.toks[to.min(self.toks.len()) - 1].end;
        self.sql.get(start..end).unwrap_or_default().to_string()
    }

    /// Consume optional `=`.
    fn eat_eq(&mut self) {
        let _ = self.eat_punct("=");
    }

    /// A string literal (adjacent strings concatenate).
    fn string(&mut self) -> PResult<String> {
        let mut out = match self.peek() {
            Some(Tok::Str(s) | Tok::DoubleQuoted(s)) => s.clone(),
            _ => return self.expected("a string"),
        };
        self.pos += 1;
        while let Some(Tok::Str(s)) = self.peek() {
            out.push_str(s);
            self.pos += 1;
        }
        Ok(out)
    }

    /// A length or precision. A fraction (`DECIMAL(19.5)`, which MySQL's grammar accepts) is
    /// truncated.
    fn number_u32(&mut self) -> PResult<u32> {
        match self.peek() {
            Some(Tok::Number(n)) => match n.split('.').next().unwrap_or_default().parse::<u32>() {
                Ok(v) => {
                    self.pos += 1;
                    Ok(v)
                }
                // Over-long display widths (`INT(4294967296)`) are rejected by MySQL too.
                Err(_) => self.fail(format!("number {n} is out of range")),
            },
            _ => self.expected("a number"),
        }
    }

    // ---- statements ----

    /// Parse the statements of the token slice: normally one, but MySQL's grammar (and
    /// Debezium's) also accepts table DDL statements written one after the other without `;`.
    pub(crate) fn statements(&mut self) -> PResult<Vec<DdlStatement>> {
        let mut out = vec![self.statement_inner()?];
        while !self.at_end() {
            if !self.at_statement_start() {
                return self.expected("the end of the statement");
            }
            out.push(self.statement_inner()?);
        }
        Ok(out)
    }

    /// Whether a new table/database DDL statement starts here (used to end one without `;`).
    pub(super) fn at_statement_start(&self) -> bool {
        let object = |n: usize| {
            ["TABLE", "DATABASE", "SCHEMA", "TEMPORARY"]
                .iter()
                .any(|k| self.is_kw_at(n, k))
        };
        (self.is_kw("CREATE")
            && (object(1)
                || self.is_kw_at(1, "OR")
                || self.is_kw_at(1, "UNIQUE")
                || self.is_kw_at(1, "INDEX")))
            || ((self.is_kw("ALTER") || self.is_kw("DROP") || self.is_kw("RENAME")) && object(1))
            || (self.is_kw("TRUNCATE") && self.is_kw_at(1, "TABLE"))
    }

    pub(super) fn statement_inner(&mut self) -> PResult<DdlStatement> {
        let Some(first) = self.word_at(0) else {
            if self.is_punct("(") {
                return self.skip_statement("SELECT");
            }
            return self.expected("a statement");
        };
        match first.to_ascii_uppercase().as_str() {
            "CREATE" => self.create(),
            "ALTER" => self.alter(),
            "DROP" => self.drop(),
            "RENAME" => self.rename(),
            "TRUNCATE" => self.truncate(),
            "USE" => {
                self.pos += 1;
                let db = self.ident()?;
                self.default_db = Some(db.clone());
                Ok(DdlStatement::Use(db))
            }
            "SET" => self.set(),
            kw => {
                if other::SKIPPED_LEADING.contains(&kw) {
                    let kind = kw.to_string();
                    self.skip_statement(&kind)
                } else {
                    self.fail(format!("unknown statement starting with {first}"))
                }
            }
        }
    }

    /// Consume the rest and report the statement as skipped.
    fn skip_statement(&mut self, kind: &str) -> PResult<DdlStatement> {
        self.skip_rest()?;
        Ok(DdlStatement::Skipped {
            kind: kind.to_string(),
        })
    }
}
