//! Column default values (`DEFAULT …`, `ON UPDATE …`).
//!
//! A literal (string, number, `TRUE`/`FALSE`, bit or hex literal) becomes
//! `ColumnDefault::Literal` with its value (adjacent strings concatenated, charset introducers
//! dropped, bit and hex literals as their decimal value); `NULL` is `Null`; `CURRENT_TIMESTAMP`,
//! `NOW()`, `LOCALTIME`, `LOCALTIMESTAMP` with or without precision are `CurrentTimestamp`; any
//! other expression — MySQL 8's `(expr)`, MariaDB's bare function calls and operators — is
//! kept as its source text in `Expression`.

use super::column::ATTRIBUTE_WORDS;
use super::{PResult, Parser};
use crate::ddl::lexer::Tok;
use crate::schema::ColumnDefault;

/// Functions that mean "the current timestamp" in a DEFAULT or ON UPDATE clause.
const NOW_SYNONYMS: &[&str] = &["CURRENT_TIMESTAMP", "NOW", "LOCALTIME", "LOCALTIMESTAMP"];

impl Parser<'_> {
    /// A DEFAULT (or ON UPDATE) value.
    pub(super) fn default_value(&mut self) -> PResult<ColumnDefault> {
        let start = self.pos;
        if self.is_punct("(") {
            self.skip_parens()?;
            self.more_operands()?;
            return Ok(ColumnDefault::Expression(self.text(start, self.pos)));
        }
        let value = match self.peek() {
            Some(Tok::Str(_) | Tok::DoubleQuoted(_)) => ColumnDefault::Literal(self.string()?),
            Some(Tok::Number(n)) => {
                self.pos += 1;
                ColumnDefault::Literal(n.clone())
            }
            Some(Tok::Punct(sign @ ("-" | "+")))
                if matches!(self.peek_at(1), Some(Tok::Number(_))) =>
            {
                let n = match self.peek_at(1) {
                    Some(Tok::Number(n)) => n.clone(),
                    _ => String::new(),
                };
                self.pos += 2;
                ColumnDefault::Literal(if *sign == "-" { format!("-{n}") } else { n })
            }
            Some(Tok::Bits(b)) => {
                self.pos += 1;
                ColumnDefault::Literal(bits_literal(b))
            }
            Some(Tok::Word(w)) => {
                let upper = w.to_ascii_uppercase();
                self.pos += 1;
                match upper.as_str() {
                    "NULL" => return Ok(ColumnDefault::Null),
                    "TRUE" => ColumnDefault::Literal("1".into()),
                    "FALSE" => ColumnDefault::Literal("0".into()),
                    _ => {
                        let call = self.skip_parens()?;
                        if NOW_SYNONYMS.contains(&upper.as_str()) {
                            ColumnDefault::CurrentTimestamp
                        } else if !call && ATTRIBUTE_WORDS.contains(&upper.as_str()) {
                            self.pos -= 1;
                            return self.expected("a default value");
                        } else {
                            ColumnDefault::Expression(self.text(start, self.pos))
                        }
                    }
                }
            }
            _ => return self.expected("a default value"),
        };
        if self.more_operands()? {
            return Ok(ColumnDefault::Expression(self.text(start, self.pos)));
        }
        Ok(value)
    }

    /// `op operand` continuations of an unparenthesised expression; whether there were any.
    fn more_operands(&mut self) -> PResult<bool> {
        let mut any = false;
        while matches!(
            self.peek(),
            Some(Tok::Punct(
                "+" | "-" | "*" | "/" | "%" | "||" | "&" | "|" | "^"
            ))
        ) {
            any = true;
            self.pos += 1;
            match self.peek() {
                Some(Tok::Punct("(")) => {
                    self.skip_parens()?;
                }
                Some(Tok::Word(_)) => {
                    self.pos += 1;
                    self.skip_parens()?;
                }
                Some(_) => self.pos += 1,
                None => return self.expected("an operand"),
            }
        }
        Ok(any)
    }
}

/// `b'101'`, `0b101`, `X'1F'`, `0x1F` as the decimal value they denote (as MySQL shows bit
/// defaults); the text as written when too long for 64 bits.
fn bits_literal(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let (digits, radix) = if let Some(d) = lower.strip_prefix("0x") {
        (d.to_string(), 16)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (d.to_string(), 2)
    } else if let Some(d) = lower.strip_prefix("x'") {
        (d.trim_end_matches('\'').to_string(), 16)
    } else if let Some(d) = lower.strip_prefix("b'") {
        (d.trim_end_matches('\'').to_string(), 2)
    } else {
        return text.to_string();
    };
    if digits.is_empty() {
        return "0".into();
    }
    u64::from_str_radix(&digits, radix).map_or_else(|_| text.to_string(), |v| v.to_string())
}
