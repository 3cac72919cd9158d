//! MySQL/MariaDB DDL parsing for the table model.
//!
//! [`parse`] turns the SQL text of a binlog QUERY event (or a schema dump, or `SHOW CREATE
//! TABLE` output) into [`DdlStatement`]s. It is an own tokenizer ([`lexer`](self)) and
//! recursive-descent parser, because general SQL parsers fail on a large share of real MySQL
//! DDL (as Debezium's `MySqlAntlrDdlParser` does).
//!
//! The algorithm:
//! 1. tokenize the whole text (executable comments `/*!…*/` are read as SQL; strings, comments
//!    and identifiers are handled as MySQL does);
//! 2. split the tokens into statements at `;`, except inside routine bodies (`BEGIN … END`);
//! 3. parse each statement by its leading keywords. Table and database DDL is parsed fully for
//!    what the model needs (columns, types, nullability, defaults, keys, charsets) and
//!    balanced-skipped for what it does not (index options, partitions, CHECK and foreign-key
//!    details, most table options). Everything else MySQL accepts in a QUERY event — DML,
//!    GRANT, views, routines, triggers, FLUSH, … — is recognised by its leading keywords and
//!    returned as [`DdlStatement::Skipped`] without being validated.
//!
//! A statement that cannot be parsed is an error naming the byte offset and the text there;
//! the parser never panics, whatever the input.

mod lexer;
mod parser;
mod split;
mod statement;

pub use split::{split_statements, statement_spans};
pub use statement::{
    AlterSpec, ColumnDef, ColumnPosition, CreateTable, DdlStatement, KeyDef, KeyKind, SetVariable,
    TableOptions, VariableScope,
};

use std::fmt;

/// A statement that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DdlError {
    /// The start of the failing statement (at most 120 characters).
    pub statement_excerpt: String,
    /// Byte offset of the failure in the text given to [`parse`].
    pub offset: usize,
    /// The text around the failure.
    pub near: String,
    /// What was expected or wrong.
    pub message: String,
}

impl fmt::Display for DdlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot parse DDL at byte {} (\"{}\"): {} [statement: {}]",
            self.offset, self.near, self.message, self.statement_excerpt
        )
    }
}

impl std::error::Error for DdlError {}

/// Up to `max` characters of `s`, with `...` when cut.
fn excerpt(s: &str, max: usize) -> String {
    let s = s.trim();
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn make_error(
    sql: &str,
    stmt_start: usize,
    stmt_end: usize,
    offset: usize,
    message: String,
) -> DdlError {
    let from = floor_boundary(sql, offset.saturating_sub(30).max(stmt_start));
    let to = floor_boundary(sql, (offset + 30).min(stmt_end.max(offset)));
    let mut near = String::new();
    if from > stmt_start {
        near.push_str("... ");
    }
    near.push_str(sql[from..to].trim());
    if to < stmt_end {
        near.push_str(" ...");
    }
    let stmt = &sql[floor_boundary(sql, stmt_start)..floor_boundary(sql, stmt_end)];
    DdlError {
        statement_excerpt: excerpt(stmt, 120),
        offset,
        near: near.replace('\n', " "),
        message,
    }
}

/// Parse every statement in `sql`. Unqualified table names belong to `default_db` (the QUERY
/// event's database), or to a database named by a `USE` earlier in the same text; with neither,
/// their database is the empty string.
pub fn parse(sql: &str, default_db: Option<&str>) -> Result<Vec<DdlStatement>, DdlError> {
    let toks = lexer::tokenize(sql).map_err(|e| {
        let stmt_end = sql.len();
        make_error(sql, 0, stmt_end, e.offset, e.message.to_string())
    })?;
    let mut out = Vec::new();
    let mut db = default_db.map(str::to_string);
    for range in split::statement_ranges(&toks) {
        let stmt_toks = &toks[range.clone()];
        let mut p = parser::Parser::new(sql, stmt_toks, db.take());
        let result = p.statements();
        db = p.default_db.take();
        match result {
            Ok(s) => out.extend(s),
            Err(e) => {
                let start = stmt_toks.first().map_or(0, |t| t.start);
                let end = stmt_toks.last().map_or(sql.len(), |t| t.end);
                return Err(make_error(sql, start, end, e.offset, e.message));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
