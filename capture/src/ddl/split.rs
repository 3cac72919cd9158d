//! Splitting a text into statements at `;`, aware of quotes, comments and compound bodies.
//!
//! A binlog QUERY event may hold several `;`-separated statements, and a `CREATE PROCEDURE`,
//! `FUNCTION`, `TRIGGER` or `EVENT` (or a MariaDB `BEGIN NOT ATOMIC` block) carries a body whose
//! inner statements end in `;` too. Splitting works on tokens, so `;` inside strings and comments
//! never counts. Inside a routine body, `BEGIN`, `CASE`, `LOOP`, `WHILE`, `REPEAT` and statement
//! `IF` open a block that `END` closes (`END IF`, `END LOOP`, … consume their keyword); a `;` only
//! ends the statement at block depth 0.

use super::lexer::{Tok, Token};
use std::ops::Range;

fn word(t: Option<&Token>) -> Option<&str> {
    match t.map(|t| &t.tok) {
        Some(Tok::Word(w)) => Some(w.as_str()),
        _ => None,
    }
}

fn is(t: Option<&Token>, kw: &str) -> bool {
    word(t).is_some_and(|w| w.eq_ignore_ascii_case(kw))
}

/// Whether the statement starting at `toks[0]` can contain a compound body.
fn has_compound_body(toks: &[Token]) -> bool {
    if is(toks.first(), "BEGIN") && is(toks.get(1), "NOT") {
        return true;
    }
    if is(toks.get(1), ":") || matches!(toks.get(1).map(|t| &t.tok), Some(Tok::Punct(":"))) {
        return true;
    }
    if !(is(toks.first(), "CREATE") || is(toks.first(), "ALTER"))
        || [
            "TABLE",
            "TEMPORARY",
            "DATABASE",
            "SCHEMA",
            "INDEX",
            "UNIQUE",
        ]
        .iter()
        .any(|k| is(toks.get(1), k))
    {
        return false;
    }
    // CREATE [OR REPLACE] [DEFINER = user] [AGGREGATE] PROCEDURE|FUNCTION|TRIGGER|EVENT …
    toks.iter().take(16).any(|t| {
        matches!(&t.tok, Tok::Word(w) if ["PROCEDURE", "FUNCTION", "TRIGGER", "EVENT", "PACKAGE"]
            .iter()
            .any(|k| w.eq_ignore_ascii_case(k)))
    })
}

/// Token index ranges of the statements in `toks` (never empty ranges).
pub(crate) fn statement_ranges(toks: &[Token]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < toks.len() {
        if matches!(toks[start].tok, Tok::Punct(";")) {
            start += 1;
            continue;
        }
        let compound = has_compound_body(&toks[start..]);
        let mut depth: usize = 0;
        let mut i = start;
        while i < toks.len() {
            let t = &toks[i];
            match &t.tok {
                Tok::Punct(";") if depth == 0 => break,
                Tok::Word(w) if compound => {
                    let w = w.to_ascii_uppercase();
                    let prev = if i > start { Some(&toks[i - 1]) } else { None };
                    let at_stmt_start = prev.is_none_or(|p| {
                        matches!(p.tok, Tok::Punct(";") | Tok::Punct(":"))
                            || ["BEGIN", "THEN", "ELSE", "DO", "LOOP", "REPEAT"]
                                .iter()
                                .any(|k| is(Some(p), k))
                    });
                    match w.as_str() {
                        "BEGIN" | "CASE" | "LOOP" | "WHILE" => depth += 1,
                        "IF" | "REPEAT" if at_stmt_start => depth += 1,
                        "END" => {
                            depth = depth.saturating_sub(1);
                            let next = toks.get(i + 1);
                            if ["IF", "LOOP", "WHILE", "REPEAT", "CASE"]
                                .iter()
                                .any(|k| is(next, k))
                            {
                                i += 1;
                            }
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
            i += 1;
        }
        out.push(start..i);
        start = i + 1;
    }
    out
}

/// Split `sql` into statement texts (trimmed, without the `;`), leaving out empty ones.
/// Text that does not tokenize is returned whole, so the parser reports the error.
pub fn split_statements(sql: &str) -> Vec<&str> {
    statement_spans(sql).into_iter().map(|r| &sql[r]).collect()
}

/// Byte ranges of the statements in `sql`, as [`split_statements`] cuts them: each starts at
/// its first token (or an executable comment opening before it) and ends after its last token
/// (or that comment's close), so `sql[..range.start]` tells the statement's line.
pub fn statement_spans(sql: &str) -> Vec<Range<usize>> {
    let Ok(toks) = super::lexer::tokenize(sql) else {
        let start = sql.len() - sql.trim_start().len();
        let end = sql.trim_end().len();
        let mut whole = Vec::new();
        if start < end {
            whole.push(start..end);
        }
        return whole;
    };
    let mut out = Vec::new();
    for r in statement_ranges(&toks) {
        let gap_start = if r.start == 0 {
            0
        } else {
            toks[r.start - 1].end
        };
        let first = toks[r.start].start;
        let gap = &sql[gap_start..first];
        let begin = gap
            .rfind("/*!")
            .or_else(|| gap.rfind("/*M!"))
            .map_or(first, |i| gap_start + i);
        let last = toks[r.end - 1].end;
        let gap_end = toks.get(r.end).map_or(sql.len(), |t| t.start);
        let end = sql[last..gap_end].find("*/").map_or(last, |i| last + i + 2);
        if begin < end && !sql[begin..end].trim().is_empty() {
            out.push(begin..end);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::split_statements;

    #[test]
    fn semicolons_in_strings_comments_and_routine_bodies_do_not_split() {
        let sql = "CREATE TABLE a (x INT COMMENT 'a;b'); /* ; */ \
            CREATE PROCEDURE p() BEGIN IF 1 THEN SELECT 1; END IF; WHILE 0 DO SET @x = 1; END WHILE; END; \
            /*!40101 SET NAMES utf8 */; SELECT 2";
        let parts = split_statements(sql);
        assert_eq!(parts.len(), 4, "{parts:#?}");
        assert!(parts[1].starts_with("CREATE PROCEDURE") && parts[1].ends_with("END"));
        assert_eq!(parts[2], "/*!40101 SET NAMES utf8 */");
        assert_eq!(parts[3], "SELECT 2");
    }

    #[test]
    fn spans_point_at_each_statement_in_the_text() {
        let sql = "-- first\nALTER TABLE a ADD x INT;\n\n  DROP TABLE b ;";
        let spans = super::statement_spans(sql);
        let texts: Vec<&str> = spans.iter().map(|r| &sql[r.clone()]).collect();
        assert_eq!(texts, ["ALTER TABLE a ADD x INT", "DROP TABLE b"]);
        assert_eq!(sql[..spans[1].start].matches('\n').count(), 3);
    }
}
