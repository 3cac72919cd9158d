//! MySQL/MariaDB tokenizer.
//!
//! Produces a flat token list with byte offsets into the original text. What it knows:
//! - identifiers: unquoted words (may start with a digit, e.g. `1c`, and contain `$` and any
//!   non-ASCII character), backtick-quoted (`` `a``b` ``) identifiers;
//! - strings: `'…'` with `''` and backslash escapes, `"…"` (kept as its own token kind: a string
//!   in the default SQL mode, an identifier under `ANSI_QUOTES` — the parser decides from the
//!   position), `N'…'` national strings and `_charset'…'` introducers (the introducer is dropped);
//! - hexadecimal and bit literals `X'..'`, `0x..`, `B'..'`, `0b..`; numbers with fraction and
//!   exponent; user and system variables `@x`, `@'x'`, `@@global.x`;
//! - comments `-- ` (dash dash space or control char), `#`, `/* */`; executable comments
//!   `/*! … */`, `/*!50100 … */` and MariaDB's `/*M! … */`, `/*M!100100 … */`, whose content is
//!   tokenized as ordinary SQL (MySQL and MariaDB both execute them). Optimizer hints `/*+ … */`
//!   are comments.
//!
//! `DELIMITER` is a client command that never reaches the binlog, so it is not handled here.

use std::fmt;

/// What a token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    /// An unquoted word: keyword or identifier, as written.
    Word(String),
    /// A backtick-quoted identifier, unescaped.
    Quoted(String),
    /// A `"…"` literal, unescaped: string or (ANSI_QUOTES) identifier.
    DoubleQuoted(String),
    /// A `'…'` string, unescaped (charset introducer dropped).
    Str(String),
    /// A number as written.
    Number(String),
    /// `X'..'`, `0x..`, `B'..'`, `0b..` as written.
    Bits(String),
    /// `@name` / `@@name`, as written.
    Variable(String),
    /// Punctuation and operators.
    Punct(&'static str),
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Word(w) | Tok::Number(w) | Tok::Bits(w) | Tok::Variable(w) => f.write_str(w),
            Tok::Quoted(w) => write!(f, "`{w}`"),
            Tok::DoubleQuoted(w) => write!(f, "\"{w}\""),
            Tok::Str(s) => write!(f, "'{s}'"),
            Tok::Punct(p) => f.write_str(p),
        }
    }
}

/// A token and where it is in the input (byte offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// A lexical error: what and where (byte offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LexError {
    pub(crate) offset: usize,
    pub(crate) message: &'static str,
}

const PUNCTS: &[&str] = &[
    "<=>", "->>", "<=", ">=", "<>", "!=", ":=", "->", "<<", ">>", "&&", "||", "(", ")", ",", ";",
    ".", "=", "<", ">", "+", "-", "*", "/", "%", "!", "~", "^", "&", "|", "?", ":", "{", "}", "[",
    "]", "\\",
];

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// Tokenize `sql`. Never panics; unterminated strings, quoted identifiers and comments are errors.
pub(crate) fn tokenize(sql: &str) -> Result<Vec<Token>, LexError> {
    Lexer {
        src: sql,
        bytes: sql.as_bytes(),
        pos: 0,
        exec_comment_depth: 0,
        out: Vec::new(),
    }
    .run()
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// How many `/*!` executable comments are open (their `*/` is skipped).
    exec_comment_depth: usize,
    out: Vec<Token>,
}

impl Lexer<'_> {
    fn at(&self, i: usize) -> u8 {
        self.bytes.get(i).copied().unwrap_or(0)
    }

    fn push(&mut self, tok: Tok, start: usize) {
        self.out.push(Token {
            tok,
            start,
            end: self.pos,
        });
    }

    fn run(mut self) -> Result<Vec<Token>, LexError> {
        while self.pos < self.bytes.len() {
            let b = self.bytes[self.pos];
            let start = self.pos;
            match b {
                b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => self.pos += 1,
                b'#' => self.skip_line(),
                b'-' if self.at(self.pos + 1) == b'-'
                    && (self.at(self.pos + 2) <= b' ' || self.at(self.pos + 2) == b'-') =>
                {
                    self.skip_line()
                }
                b'/' if self.at(self.pos + 1) == b'*' => self.comment()?,
                b'*' if self.at(self.pos + 1) == b'/' && self.exec_comment_depth > 0 => {
                    self.exec_comment_depth -= 1;
                    self.pos += 2;
                }
                b'`' => {
                    let s = self.quoted(b'`', false)?;
                    self.push(Tok::Quoted(s), start);
                }
                b'\'' => {
                    let s = self.quoted(b'\'', true)?;
                    self.push(Tok::Str(s), start);
                }
                b'"' => {
                    let s = self.quoted(b'"', true)?;
                    self.push(Tok::DoubleQuoted(s), start);
                }
                b'@' => self.variable()?,
                b'0'..=b'9' => self.number_or_word(),
                b'.' if self.at(self.pos + 1).is_ascii_digit() && !self.after_word() => {
                    self.number_or_word()
                }
                _ if is_word_byte(b) => self.word()?,
                _ => {
                    let rest = &self.bytes[self.pos..];
                    match PUNCTS.iter().find(|p| rest.starts_with(p.as_bytes())) {
                        Some(p) => {
                            self.pos += p.len();
                            self.push(Tok::Punct(p), start);
                        }
                        None => {
                            return Err(LexError {
                                offset: start,
                                message: "unexpected character",
                            });
                        }
                    }
                }
            }
        }
        Ok(self.out)
    }

    /// Whether the previous token ends right here and is a word (so `.5` is `t.5`-like).
    fn after_word(&self) -> bool {
        self.out
            .last()
            .is_some_and(|t| t.end == self.pos && matches!(t.tok, Tok::Word(_) | Tok::Quoted(_)))
    }

    fn skip_line(&mut self) {
        while self.pos < self.bytes.len() && self.bytes[self.pos] != b'\n' {
            self.pos += 1;
        }
    }

    fn comment(&mut self) -> Result<(), LexError> {
        let start = self.pos;
        let third = self.at(self.pos + 2);
        let exec_prefix = if third == b'!' {
            Some(3)
        } else if third == b'M' && self.at(self.pos + 3) == b'!' {
            Some(4)
        } else {
            None
        };
        if let Some(skip) = exec_prefix {
            self.pos += skip;
            while self.at(self.pos).is_ascii_digit() {
                self.pos += 1;
            }
            self.exec_comment_depth += 1;
            return Ok(());
        }
        match self.src[self.pos + 2..].find("*/") {
            Some(i) => {
                self.pos += 2 + i + 2;
                Ok(())
            }
            None => Err(LexError {
                offset: start,
                message: "unterminated comment",
            }),
        }
    }

    /// A quoted token; the quote doubled is the quote itself; backslash escapes if `escapes`.
    fn quoted(&mut self, quote: u8, escapes: bool) -> Result<String, LexError> {
        let start = self.pos;
        self.pos += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err(LexError {
                    offset: start,
                    message: "unterminated quoted text",
                });
            };
            if b == quote {
                if self.at(self.pos + 1) == quote {
                    out.push(quote);
                    self.pos += 2;
                    continue;
                }
                self.pos += 1;
                break;
            }
            if b == b'\\' && escapes && self.pos + 1 < self.bytes.len() {
                let e = self.bytes[self.pos + 1];
                match e {
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'r' => out.push(b'\r'),
                    b'0' => out.push(0),
                    b'b' => out.push(8),
                    b'Z' => out.push(26),
                    // MySQL keeps the backslash for \% and \_ (LIKE patterns).
                    b'%' | b'_' => out.extend_from_slice(&[b'\\', e]),
                    _ => out.push(e),
                }
                self.pos += 2;
                continue;
            }
            out.push(b);
            self.pos += 1;
        }
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    fn variable(&mut self) -> Result<(), LexError> {
        let start = self.pos;
        self.pos += 1;
        if self.at(self.pos) == b'@' {
            self.pos += 1;
        }
        match self.at(self.pos) {
            q @ (b'\'' | b'"' | b'`') => {
                let name = self.quoted(q, q != b'`')?;
                let prefix = &self.src[start
                    ..start
                        + if self.src[start..].starts_with("@@") {
                            2
                        } else {
                            1
                        }];
                let text = format!("{prefix}{name}");
                self.push(Tok::Variable(text), start);
            }
            _ => {
                while is_word_byte(self.at(self.pos)) || self.at(self.pos) == b'.' {
                    self.pos += 1;
                }
                let text = self.src[start..self.pos].to_string();
                self.push(Tok::Variable(text), start);
            }
        }
        Ok(())
    }

    fn number_or_word(&mut self) {
        let start = self.pos;
        let b1 = self.at(self.pos + 1);
        if self.at(self.pos) == b'0' && (b1 == b'x' || b1 == b'b') {
            let mut end = self.pos + 2;
            let hex = b1 == b'x';
            while (hex && self.at(end).is_ascii_hexdigit())
                || (!hex && matches!(self.at(end), b'0' | b'1'))
            {
                end += 1;
            }
            if end > self.pos + 2 && !is_word_byte(self.at(end)) {
                self.pos = end;
                let text = self.src[start..end].to_string();
                self.push(Tok::Bits(text), start);
                return;
            }
        }
        // Scan the longest numeric literal.
        let mut end = self.pos;
        while self.at(end).is_ascii_digit() {
            end += 1;
        }
        if self.at(end) == b'.' && !self.src[start..end].is_empty()
            || self.at(end) == b'.' && start == end
        {
            let mut e2 = end + 1;
            while self.at(e2).is_ascii_digit() {
                e2 += 1;
            }
            // `1.` alone is a number; `t1.c` never gets here because words start elsewhere.
            end = e2;
        }
        if matches!(self.at(end), b'e' | b'E') {
            let mut e2 = end + 1;
            if matches!(self.at(e2), b'+' | b'-') {
                e2 += 1;
            }
            if self.at(e2).is_ascii_digit() {
                while self.at(e2).is_ascii_digit() {
                    e2 += 1;
                }
                end = e2;
            }
        }
        if is_word_byte(self.at(end)) && !self.src[start..end].contains('.') {
            // An identifier that starts with digits (`1c`, `123abc`).
            self.pos = start;
            while is_word_byte(self.at(self.pos)) {
                self.pos += 1;
            }
            let text = self.src[start..self.pos].to_string();
            self.push(Tok::Word(text), start);
            return;
        }
        self.pos = end;
        let text = self.src[start..end].to_string();
        self.push(Tok::Number(text), start);
    }

    fn word(&mut self) -> Result<(), LexError> {
        let start = self.pos;
        while is_word_byte(self.at(self.pos)) {
            self.pos += 1;
        }
        // Keep positions on char boundaries (non-ASCII bytes are all word bytes, so a word
        // always ends at an ASCII byte or the end of input).
        let word = &self.src[start..self.pos];
        let next = self.at(self.pos);
        if next == b'\'' {
            let upper = word.to_ascii_uppercase();
            if upper == "X" || upper == "B" {
                let s = self.quoted(b'\'', false)?;
                let text = format!("{upper}'{s}'");
                self.push(Tok::Bits(text), start);
                return Ok(());
            }
            if upper == "N" || (word.starts_with('_') && word.len() > 1) {
                let s = self.quoted(b'\'', true)?;
                self.push(Tok::Str(s), start);
                return Ok(());
            }
        }
        if next == b'"' && word.starts_with('_') && word.len() > 1 {
            let s = self.quoted(b'"', true)?;
            self.push(Tok::Str(s), start);
            return Ok(());
        }
        let text = word.to_string();
        self.push(Tok::Word(text), start);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(sql: &str) -> Vec<Tok> {
        tokenize(sql).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn executable_comments_are_tokenized_and_plain_comments_dropped() {
        assert_eq!(
            toks("a /*!50100 b */ /*M!100100 c*/ /* d */ -- e\n# f\n g"),
            vec![
                Tok::Word("a".into()),
                Tok::Word("b".into()),
                Tok::Word("c".into()),
                Tok::Word("g".into())
            ]
        );
    }

    #[test]
    fn strings_unescape_doubled_quotes_and_backslashes_and_drop_introducers() {
        assert_eq!(
            toks(r"'it''s' 'a\\b' _utf8mb4'x' N'y'"),
            vec![
                Tok::Str("it's".into()),
                Tok::Str(r"a\b".into()),
                Tok::Str("x".into()),
                Tok::Str("y".into())
            ]
        );
    }

    #[test]
    fn identifiers_may_start_with_digits_and_numbers_keep_exponents() {
        assert_eq!(
            toks("1c 12 1.5e3 0x1F X'AB' `a``b`"),
            vec![
                Tok::Word("1c".into()),
                Tok::Number("12".into()),
                Tok::Number("1.5e3".into()),
                Tok::Bits("0x1F".into()),
                Tok::Bits("X'AB'".into()),
                Tok::Quoted("a`b".into())
            ]
        );
    }

    #[test]
    fn unterminated_string_is_an_error_with_offset() {
        assert_eq!(tokenize("select 'abc").unwrap_err().offset, 7);
    }
}
