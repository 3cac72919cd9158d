//! `DROP`, `RENAME TABLE`, `TRUNCATE`, `SET`, and the statements recognised only to be skipped.

use super::{PResult, Parser};
use crate::ddl::lexer::Tok;
use crate::ddl::statement::{DdlStatement, SetVariable, VariableScope};
use crate::schema::TableId;

/// Leading keywords of statements that never change the table model.
pub(super) const SKIPPED_LEADING: &[&str] = &[
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "REPLACE",
    "WITH",
    "VALUES",
    "TABLE",
    "CALL",
    "DO",
    "HANDLER",
    "LOAD",
    "GRANT",
    "REVOKE",
    "FLUSH",
    "ANALYZE",
    "OPTIMIZE",
    "REPAIR",
    "CHECK",
    "CHECKSUM",
    "KILL",
    "SHOW",
    "DESCRIBE",
    "DESC",
    "EXPLAIN",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT",
    "RELEASE",
    "START",
    "XA",
    "LOCK",
    "UNLOCK",
    "PREPARE",
    "EXECUTE",
    "DEALLOCATE",
    "INSTALL",
    "UNINSTALL",
    "RESET",
    "PURGE",
    "CHANGE",
    "STOP",
    "CACHE",
    "SHUTDOWN",
    "RESTART",
    "CLONE",
    "HELP",
    "BINLOG",
    "IMPORT",
    "SIGNAL",
    "RESIGNAL",
    "GET",
    "BACKUP",
    "RETURN",
    "DECLARE",
    "OPEN",
    "CLOSE",
    "FETCH",
    "LEAVE",
    "ITERATE",
    "IF",
    "CASE",
    "LOOP",
    "WHILE",
    "REPEAT",
];

impl Parser<'_> {
    pub(super) fn drop(&mut self) -> PResult<DdlStatement> {
        let start = self.pos;
        self.expect_kw("DROP")?;
        let temporary = self.eat_kw("TEMPORARY");
        if self.eat_kw("TABLE") || self.eat_kw("TABLES") {
            let if_exists = self.eat_if_exists();
            let prefix = self.text_before(start, self.pos);
            let mut tables = vec![self.table_name()?];
            while self.eat_punct(",") {
                tables.push(self.table_name()?);
            }
            if self.eat_kw("WAIT") {
                let _ = self.advance();
            } else {
                let _ = self.eat_kw("NOWAIT");
            }
            let drop_type = if self.eat_kw("RESTRICT") {
                " RESTRICT"
            } else if self.eat_kw("CASCADE") {
                " CASCADE"
            } else {
                ""
            };
            if temporary {
                return Ok(DdlStatement::Skipped {
                    kind: "DROP TEMPORARY TABLE".into(),
                });
            }
            let statements = tables
                .iter()
                .map(|t| format!("{prefix}{}{drop_type}", backquoted(t)))
                .collect();
            return Ok(DdlStatement::DropTable {
                tables,
                if_exists,
                statements,
            });
        }
        if self.eat_kw("DATABASE") || self.eat_kw("SCHEMA") {
            let if_exists = self.eat_if_exists();
            let name = self.ident()?;
            return Ok(DdlStatement::DropDatabase { name, if_exists });
        }
        let _ = self.eat_kw("ONLINE") || self.eat_kw("OFFLINE");
        if self.eat_kw("INDEX") || self.eat_kw("KEY") {
            let _ = self.eat_if_exists();
            let name = self.ident()?;
            self.expect_kw("ON")?;
            let table = self.table_name()?;
            self.skip_rest()?;
            return Ok(DdlStatement::DropIndex { table, name });
        }
        let _ = self.eat_kw("PREPARE");
        if let Some(w) = self.word_at(0) {
            let upper = w.to_ascii_uppercase();
            if super::create::OTHER_OBJECTS.contains(&upper.as_str()) {
                let kind = format!("DROP {upper}");
                return self.skip_statement(&kind);
            }
        }
        self.expected("TABLE, DATABASE, INDEX or another object kind after DROP")
    }

    pub(super) fn rename(&mut self) -> PResult<DdlStatement> {
        let start = self.pos;
        self.expect_kw("RENAME")?;
        if self.eat_kw("USER") {
            return self.skip_statement("RENAME USER");
        }
        if !(self.eat_kw("TABLE") || self.eat_kw("TABLES")) {
            return self.expected("TABLE after RENAME");
        }
        let _ = self.eat_if_exists();
        let prefix = self.text_before(start, self.pos);
        let mut renames = Vec::new();
        let mut statements = Vec::new();
        loop {
            let pair = self.pos;
            let from = self.table_name()?;
            if self.eat_kw("WAIT") {
                let _ = self.advance();
            } else {
                let _ = self.eat_kw("NOWAIT");
            }
            self.expect_kw("TO")?;
            let to = self.table_name()?;
            renames.push((from, to));
            statements.push(format!("{prefix}{}", self.text(pair, self.pos)));
            if !self.eat_punct(",") {
                break;
            }
        }
        Ok(DdlStatement::RenameTable {
            renames,
            statements,
        })
    }

    pub(super) fn truncate(&mut self) -> PResult<DdlStatement> {
        self.expect_kw("TRUNCATE")?;
        let _ = self.eat_kw("TABLE");
        let table = self.table_name()?;
        let _ = self.eat_kw("NOWAIT");
        if self.eat_kw("WAIT") {
            let _ = self.advance();
        }
        Ok(DdlStatement::TruncateTable(table))
    }

    /// `SET [GLOBAL|SESSION|LOCAL|PERSIST] var = expr, …`, `SET NAMES x`, `SET CHARACTER SET x`.
    /// `SET TRANSACTION`, `PASSWORD`, `ROLE`, `DEFAULT ROLE`, `STATEMENT … FOR` are skipped.
    pub(super) fn set(&mut self) -> PResult<DdlStatement> {
        self.expect_kw("SET")?;
        if self.eat_kw("STATEMENT") {
            // MariaDB `SET STATEMENT var = value, … FOR <statement>`: the statement counts.
            while !self.at_end() && !self.is_kw("FOR") {
                if !self.skip_parens()? {
                    self.pos += 1;
                }
            }
            self.expect_kw("FOR")?;
            return self.statement_inner();
        }
        if self.is_any_kw(&["TRANSACTION", "PASSWORD", "ROLE", "DEFAULT", "RESOURCE"])
            || (self.is_any_kw(&["GLOBAL", "SESSION", "LOCAL"]) && self.is_kw_at(1, "TRANSACTION"))
        {
            return self.skip_statement("SET");
        }
        let mut vars = Vec::new();
        loop {
            self.set_assignment(&mut vars)?;
            if !self.eat_punct(",") {
                break;
            }
        }
        Ok(DdlStatement::SetVariables(vars))
    }

    fn set_assignment(&mut self, vars: &mut Vec<SetVariable>) -> PResult<()> {
        let mut scope = VariableScope::Session;
        if self.eat_kw("GLOBAL") || self.eat_kw("PERSIST") || self.eat_kw("PERSIST_ONLY") {
            scope = VariableScope::Global;
        } else {
            let _ = self.eat_kw("SESSION") || self.eat_kw("LOCAL");
        }
        if self.eat_kw("NAMES") {
            let value = self.name_or_string()?;
            if self.eat_kw("COLLATE") {
                self.name_or_string()?;
            }
            for name in [
                "character_set_client",
                "character_set_connection",
                "character_set_results",
            ] {
                vars.push(SetVariable {
                    scope,
                    name: name.into(),
                    value: value.clone(),
                });
            }
            return Ok(());
        }
        if self.eat_kws(&["CHARACTER", "SET"]) || self.eat_kw("CHARSET") {
            let value = self.name_or_string()?;
            for name in ["character_set_client", "character_set_results"] {
                vars.push(SetVariable {
                    scope,
                    name: name.into(),
                    value: value.clone(),
                });
            }
            return Ok(());
        }
        let name = match self.peek() {
            Some(Tok::Variable(v)) => {
                self.pos += 1;
                if let Some(rest) = v.strip_prefix("@@") {
                    let lower = rest.to_ascii_lowercase();
                    if let Some(r) = lower.strip_prefix("global.") {
                        scope = VariableScope::Global;
                        r.to_string()
                    } else if let Some(r) = lower
                        .strip_prefix("session.")
                        .or_else(|| lower.strip_prefix("local."))
                    {
                        r.to_string()
                    } else {
                        lower
                    }
                } else {
                    scope = VariableScope::User;
                    v.trim_start_matches('@').to_string()
                }
            }
            _ => self.column_name()?,
        };
        if !(self.eat_punct("=") || self.eat_punct(":=")) {
            return self.expected("'=' in SET");
        }
        let start = self.pos;
        let value = match (self.peek(), self.peek_at(1)) {
            (Some(Tok::Str(s) | Tok::DoubleQuoted(s)), None | Some(Tok::Punct(","))) => {
                self.pos += 1;
                s.clone()
            }
            (Some(Tok::Word(w)), None | Some(Tok::Punct(","))) => {
                self.pos += 1;
                w.clone()
            }
            _ => {
                self.skip_to_item_end()?;
                if self.is_punct(")") {
                    return self.fail("unbalanced ')'");
                }
                self.text(start, self.pos)
            }
        };
        vars.push(SetVariable { scope, name, value });
        Ok(())
    }
}

/// A table name as Debezium's `TableId.toQuotedString('`')` writes it: `` `db`.`t` ``, or
/// `` `t` `` with no database.
fn backquoted(id: &TableId) -> String {
    if id.database.is_empty() {
        format!("`{}`", id.table)
    } else {
        format!("`{}`.`{}`", id.database, id.table)
    }
}
