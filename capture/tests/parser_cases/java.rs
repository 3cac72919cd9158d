//! A tiny reader for the Java assertion expressions of Debezium's parser tests
//! (`assertThat(x.m("a").n()).isEqualTo(3)`, `assertColumn(t, "c", …)`).

/// A Java token.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum JTok {
    Ident(String),
    Str(String),
    Num(i64),
    Float(String),
    Punct(char),
}

pub(crate) fn tokenize(s: &str) -> Option<Vec<JTok>> {
    let b: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' {
            let mut v = String::new();
            i += 1;
            loop {
                let ch = *b.get(i)?;
                i += 1;
                match ch {
                    '"' => break,
                    '\\' => {
                        let e = *b.get(i)?;
                        i += 1;
                        v.push(match e {
                            'n' => '\n',
                            't' => '\t',
                            other => other,
                        });
                    }
                    _ => v.push(ch),
                }
            }
            out.push(JTok::Str(v));
        } else if c.is_ascii_digit() || (c == '-' && b.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            i += 1;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == '.' || b[i] == '_') {
                i += 1;
            }
            let text: String = b[start..i].iter().filter(|c| **c != '_').collect();
            let trimmed = text.trim_end_matches(['L', 'l']);
            match trimmed.parse::<i64>() {
                Ok(n) => out.push(JTok::Num(n)),
                Err(_) => out.push(JTok::Float(text)),
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                i += 1;
            }
            out.push(JTok::Ident(b[start..i].iter().collect()));
        } else {
            out.push(JTok::Punct(c));
            i += 1;
        }
    }
    Some(out)
}

/// A parsed expression: a base and a chain of method calls / field accesses.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Ident(String),
    Str(String),
    Num(i64),
    Other(String),
    Null,
    Bool(bool),
    /// `new Type(args)`.
    New(String, Vec<Expr>),
    /// `target.name(args)` (args `None` for a field access).
    Call(Box<Expr>, String, Option<Vec<Expr>>),
    /// `f(args)` without a target.
    Func(String, Vec<Expr>),
}

pub(crate) struct JParser {
    toks: Vec<JTok>,
    pos: usize,
}

impl JParser {
    pub(crate) fn new(toks: Vec<JTok>) -> Self {
        Self { toks, pos: 0 }
    }

    pub(crate) fn done(&self) -> bool {
        self.pos >= self.toks.len() || self.toks[self.pos..] == [JTok::Punct(';')]
    }

    fn eat(&mut self, c: char) -> bool {
        if self.toks.get(self.pos) == Some(&JTok::Punct(c)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn args(&mut self) -> Option<Vec<Expr>> {
        let mut out = Vec::new();
        if self.eat(')') {
            return Some(out);
        }
        loop {
            out.push(self.expr()?);
            if self.eat(')') {
                return Some(out);
            }
            if !self.eat(',') {
                return None;
            }
        }
    }

    pub(crate) fn expr(&mut self) -> Option<Expr> {
        let mut e = match self.toks.get(self.pos)?.clone() {
            JTok::Str(s) => {
                self.pos += 1;
                Expr::Str(s)
            }
            JTok::Num(n) => {
                self.pos += 1;
                Expr::Num(n)
            }
            JTok::Float(f) => {
                self.pos += 1;
                Expr::Other(f)
            }
            JTok::Punct('(') => {
                // A cast such as `(short) 5`: unsupported value.
                return None;
            }
            JTok::Ident(id) => {
                self.pos += 1;
                match id.as_str() {
                    "null" => Expr::Null,
                    "true" => Expr::Bool(true),
                    "false" => Expr::Bool(false),
                    "new" => {
                        let JTok::Ident(ty) = self.toks.get(self.pos)?.clone() else {
                            return None;
                        };
                        self.pos += 1;
                        if !self.eat('(') {
                            return None;
                        }
                        Expr::New(ty, self.args()?)
                    }
                    _ if self.eat('(') => Expr::Func(id, self.args()?),
                    _ => Expr::Ident(id),
                }
            }
            JTok::Punct(_) => return None,
        };
        while self.eat('.') {
            let JTok::Ident(name) = self.toks.get(self.pos)?.clone() else {
                return None;
            };
            self.pos += 1;
            let args = if self.eat('(') {
                Some(self.args()?)
            } else {
                None
            };
            e = Expr::Call(Box::new(e), name, args);
        }
        Some(e)
    }
}
