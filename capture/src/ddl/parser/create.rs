//! `CREATE TABLE`, `CREATE INDEX`, `CREATE DATABASE`, and the table elements and options that
//! `ALTER TABLE` shares.
//!
//! `CREATE TABLE … [AS] SELECT` is parsed up to the SELECT, which is skipped: the statement is
//! returned with `as_select` so the catalog can say the table must be re-read from the server.
//! Partition clauses are skipped whole. `CREATE` of views, routines, triggers, events, users,
//! roles, servers, tablespaces, sequences and so on is `Skipped`.

use super::{PResult, Parser};
use crate::ddl::lexer::Tok;
use crate::ddl::statement::{ColumnDef, CreateTable, DdlStatement, KeyDef, KeyKind, TableOptions};

/// One element of a `CREATE TABLE (…)` list or of `ALTER TABLE … ADD`.
pub(super) enum TableElement {
    Column(ColumnDef),
    Key(KeyDef),
    /// A CHECK constraint or MariaDB `PERIOD FOR`: nothing for the model.
    Other,
}

/// Objects whose CREATE/ALTER/DROP is recognised and skipped.
pub(super) const OTHER_OBJECTS: &[&str] = &[
    "VIEW",
    "PROCEDURE",
    "FUNCTION",
    "TRIGGER",
    "EVENT",
    "USER",
    "ROLE",
    "SERVER",
    "TABLESPACE",
    "LOGFILE",
    "SEQUENCE",
    "SPATIAL",
    "RESOURCE",
    "PACKAGE",
    "AGGREGATE",
    "UNDO",
    "INSTANCE",
];

impl Parser<'_> {
    pub(super) fn create(&mut self) -> PResult<DdlStatement> {
        self.expect_kw("CREATE")?;
        let _ = self.eat_kws(&["OR", "REPLACE"]);
        let temporary = self.eat_kw("TEMPORARY");
        if self.eat_kw("TABLE") {
            return self.create_table(temporary);
        }
        if self.eat_kw("DATABASE") || self.eat_kw("SCHEMA") {
            return self.create_database();
        }
        let _ = self.eat_kw("ONLINE") || self.eat_kw("OFFLINE");
        let mut kind = KeyKind::Plain;
        if self.eat_kw("UNIQUE") {
            kind = KeyKind::Unique;
        } else if (self.is_kw("FULLTEXT") || self.is_kw("SPATIAL") || self.is_kw("VECTOR"))
            && (self.is_kw_at(1, "INDEX") || self.is_kw_at(1, "KEY"))
        {
            self.pos += 1;
        }
        if self.eat_kw("INDEX") || self.eat_kw("KEY") {
            return self.create_index(kind);
        }
        // Other objects, possibly after DEFINER = …, ALGORITHM = …, SQL SECURITY …
        let start = self.pos;
        while let Some(w) = self.word_at(0) {
            let upper = w.to_ascii_uppercase();
            if OTHER_OBJECTS.contains(&upper.as_str()) {
                let kind = format!("CREATE {upper}");
                return self.skip_statement(&kind);
            }
            if self.pos - start > 12 {
                break;
            }
            self.pos += 1;
            if self.eat_punct("=") {
                // DEFINER = user@host / ALGORITHM = x
                let _ = self.advance();
                if matches!(self.peek(), Some(Tok::Variable(_))) {
                    self.pos += 1;
                }
                let _ = self.skip_parens()?;
            }
        }
        self.pos = start;
        self.expected("TABLE, INDEX, DATABASE or another object kind after CREATE")
    }

    fn create_table(&mut self, temporary: bool) -> PResult<DdlStatement> {
        let if_not_exists = self.eat_if_not_exists();
        let table = self.table_name()?;
        // LIKE other / (LIKE other)
        if self.eat_kw("LIKE") || (self.is_punct("(") && self.is_kw_at(1, "LIKE")) {
            let paren = self.eat_punct("(");
            if paren {
                self.expect_kw("LIKE")?;
            }
            let like = self.table_name()?;
            if paren {
                self.expect_punct(")")?;
            }
            return Ok(DdlStatement::CreateTableLike {
                table,
                like,
                if_not_exists,
            });
        }
        let mut create = CreateTable {
            table,
            if_not_exists,
            temporary,
            columns: Vec::new(),
            keys: Vec::new(),
            options: TableOptions::default(),
            as_select: false,
        };
        if self.is_punct("(") && !self.is_kw_at(1, "SELECT") && !self.is_kw_at(1, "WITH") {
            self.pos += 1;
            loop {
                match self.table_element()? {
                    TableElement::Column(c) => create.columns.push(c),
                    TableElement::Key(k) => create.keys.push(k),
                    TableElement::Other => {}
                }
                if !self.eat_punct(",") {
                    break;
                }
            }
            self.expect_punct(")")?;
        }
        self.table_options(&mut create.options, false)?;
        if self.is_kw("PARTITION") {
            self.partition_clause()?;
        }
        let _ = self.eat_kw("IGNORE") || self.eat_kw("REPLACE");
        let _ = self.eat_kw("AS");
        if !self.at_end() && !self.at_statement_start() {
            if self.is_kw("SELECT")
                || self.is_kw("WITH")
                || self.is_kw("TABLE")
                || self.is_kw("VALUES")
                || self.is_punct("(")
            {
                create.as_select = true;
                self.skip_rest()?;
            } else {
                return self.expected("a table option, partitioning or SELECT");
            }
        }
        Ok(DdlStatement::CreateTable(create))
    }

    /// `PARTITION BY …` (with optional partition definitions): skipped whole, up to a SELECT.
    pub(super) fn partition_clause(&mut self) -> PResult<()> {
        while !self.at_end() && !self.is_kw("SELECT") && !self.is_kw("AS") && !self.is_kw("WITH") {
            if !self.skip_parens()? {
                self.pos += 1;
            }
        }
        Ok(())
    }

    /// A column definition or a constraint, in a CREATE TABLE list or after ALTER … ADD.
    pub(super) fn table_element(&mut self) -> PResult<TableElement> {
        if self.is_kw("PERIOD") && self.is_kw_at(1, "FOR") {
            self.skip_to_item_end()?;
            return Ok(TableElement::Other);
        }
        let is_key_word = self.is_any_kw(&[
            "CONSTRAINT",
            "PRIMARY",
            "UNIQUE",
            "INDEX",
            "KEY",
            "FULLTEXT",
            "SPATIAL",
            "FOREIGN",
            "CHECK",
        ]) || (self.is_kw("VECTOR")
            && (self.is_kw_at(1, "INDEX") || self.is_kw_at(1, "KEY")));
        if !is_key_word {
            return Ok(TableElement::Column(self.column_def()?));
        }
        match self.key_def()? {
            Some(k) => Ok(TableElement::Key(k)),
            None => Ok(TableElement::Other),
        }
    }

    /// `[CONSTRAINT [name]] PRIMARY KEY|UNIQUE|INDEX|KEY|FULLTEXT|SPATIAL|FOREIGN KEY|CHECK …`;
    /// `None` for CHECK.
    pub(super) fn key_def(&mut self) -> PResult<Option<KeyDef>> {
        let mut name = None;
        if self.eat_kw("CONSTRAINT")
            && !self.is_any_kw(&["PRIMARY", "UNIQUE", "FOREIGN", "CHECK"])
            && self.is_ident()
        {
            name = Some(self.ident()?);
        }
        if self.eat_kw("CHECK") {
            if !self.skip_parens()? {
                return self.expected("'(' after CHECK");
            }
            self.enforced();
            return Ok(None);
        }
        let kind = if self.eat_kw("PRIMARY") {
            self.expect_kw("KEY")?;
            KeyKind::Primary
        } else if self.eat_kw("UNIQUE") {
            let _ = self.eat_kw("INDEX") || self.eat_kw("KEY");
            KeyKind::Unique
        } else if self.eat_kw("FOREIGN") {
            self.expect_kw("KEY")?;
            KeyKind::Foreign
        } else {
            let _ = self.eat_kw("FULLTEXT") || self.eat_kw("SPATIAL") || self.eat_kw("VECTOR");
            if !(self.eat_kw("INDEX") || self.eat_kw("KEY") || self.is_punct("(")) {
                return self.expected("INDEX or KEY");
            }
            KeyKind::Plain
        };
        let _ = self.eat_if_not_exists();
        // [name] [USING BTREE|HASH]
        if !self.is_punct("(") && !self.is_kw("USING") && !self.is_kw("TYPE") {
            let n = self.ident()?;
            name = Some(n);
        }
        if self.eat_kw("USING") || self.eat_kw("TYPE") {
            self.ident()?;
        }
        let (columns, has_expression) = self.key_parts()?;
        if kind == KeyKind::Foreign {
            self.expect_kw("REFERENCES")?;
            self.references_tail()?;
        } else {
            self.index_options()?;
        }
        Ok(Some(KeyDef {
            kind,
            name,
            columns,
            has_expression,
        }))
    }

    /// Index options after the key parts: skipped to the end of the element.
    fn index_options(&mut self) -> PResult<()> {
        while !self.at_end() && !self.is_punct(",") && !self.is_punct(")") {
            if self.is_any_kw(&["ALGORITHM", "LOCK"]) && self.is_punct_at(1, "=") {
                return Ok(());
            }
            if self.is_kw("COMMENT") {
                self.pos += 1;
                self.string()?;
                continue;
            }
            if !self.skip_parens()? {
                self.pos += 1;
            }
        }
        Ok(())
    }

    fn create_index(&mut self, kind: KeyKind) -> PResult<DdlStatement> {
        let _ = self.eat_if_not_exists();
        let name = self.ident()?;
        if self.eat_kw("USING") || self.eat_kw("TYPE") {
            self.ident()?;
        }
        self.expect_kw("ON")?;
        let table = self.table_name()?;
        let (columns, has_expression) = self.key_parts()?;
        // Index options, ALGORITHM/LOCK: nothing for the model.
        self.skip_rest()?;
        Ok(DdlStatement::CreateIndex {
            table,
            key: KeyDef {
                kind,
                name: Some(name),
                columns,
                has_expression,
            },
        })
    }

    fn create_database(&mut self) -> PResult<DdlStatement> {
        let if_not_exists = self.eat_if_not_exists();
        let name = self.ident()?;
        let mut options = TableOptions::default();
        self.database_options(&mut options)?;
        Ok(DdlStatement::CreateDatabase {
            name,
            if_not_exists,
            charset: options.charset,
            collation: options.collation,
        })
    }

    /// `[DEFAULT] CHARACTER SET|CHARSET [=] x`, `[DEFAULT] COLLATE [=] y`, `ENCRYPTION`, `COMMENT`,
    /// `READ ONLY` … until the end.
    pub(super) fn database_options(&mut self, options: &mut TableOptions) -> PResult<()> {
        while !self.at_end() {
            let _ = self.eat_kw("DEFAULT");
            if self.eat_kws(&["CHARACTER", "SET"]) || self.eat_kw("CHARSET") {
                self.eat_eq();
                options.charset = Some(self.name_or_string()?);
            } else if self.eat_kw("COLLATE") {
                self.eat_eq();
                options.collation = Some(self.name_or_string()?);
            } else if self.eat_kws(&["READ", "ONLY"]) || self.word_at(0).is_some() {
                if !self.is_punct("=") && !self.option_value_follows_db() {
                    let _ = self.advance();
                }
                self.eat_eq();
                self.option_value()?;
            } else {
                return self.expected("a database option");
            }
        }
        Ok(())
    }

    fn option_value_follows_db(&self) -> bool {
        matches!(self.peek(), Some(Tok::Str(_) | Tok::Number(_)))
    }

    /// Table options until something that is not one. In ALTER (`in_alter`), `,` separates
    /// specifications and is left for the caller; in CREATE, commas between options are eaten.
    pub(super) fn table_options(&mut self, o: &mut TableOptions, in_alter: bool) -> PResult<bool> {
        let mut any = false;
        loop {
            if !in_alter && any {
                let _ = self.eat_punct(",");
            }
            let save = self.pos;
            let default = self.eat_kw("DEFAULT");
            if self.eat_kws(&["CHARACTER", "SET"])
                || self.eat_kws(&["CHAR", "SET"])
                || self.eat_kw("CHARSET")
            {
                self.eat_eq();
                o.charset = Some(self.name_or_string()?);
            } else if self.eat_kw("COLLATE") {
                self.eat_eq();
                o.collation = Some(self.name_or_string()?);
            } else if default {
                self.pos = save;
                return Ok(any);
            } else if self.eat_kw("COMMENT") {
                self.eat_eq();
                o.comment = Some(self.string()?);
            } else if self.eat_kws(&["DATA", "DIRECTORY"]) || self.eat_kws(&["INDEX", "DIRECTORY"])
            {
                self.eat_eq();
                self.string()?;
            } else if self.eat_kws(&["WITH", "SYSTEM", "VERSIONING"])
                || self.eat_kws(&["START", "TRANSACTION"])
            {
            } else if self.eat_kw("TABLESPACE") {
                self.eat_eq();
                self.name_or_string()?;
                if self.eat_kw("STORAGE") {
                    self.ident()?;
                }
            } else if self.eat_kw("UNION") {
                self.eat_eq();
                self.skip_parens()?;
            } else if self.is_table_option_word()
                || (self.is_ident()
                    && self.is_punct_at(1, "=")
                    && !self.is_any_kw(&["ALGORITHM", "LOCK"]))
            {
                self.pos += 1;
                if self.eat_punct("=") || self.option_value_follows() {
                    self.option_value()?;
                }
            } else {
                return Ok(any);
            }
            any = true;
        }
    }

    fn is_table_option_word(&self) -> bool {
        const WORDS: &[&str] = &[
            "ENGINE",
            "TYPE",
            "AUTO_INCREMENT",
            "AVG_ROW_LENGTH",
            "CHECKSUM",
            "TABLE_CHECKSUM",
            "COMPRESSION",
            "CONNECTION",
            "DELAY_KEY_WRITE",
            "ENCRYPTION",
            "INSERT_METHOD",
            "KEY_BLOCK_SIZE",
            "MAX_ROWS",
            "MIN_ROWS",
            "PACK_KEYS",
            "PASSWORD",
            "ROW_FORMAT",
            "STATS_AUTO_RECALC",
            "STATS_PERSISTENT",
            "STATS_SAMPLE_PAGES",
            "STORAGE",
            "PAGE_CHECKSUM",
            "PAGE_COMPRESSED",
            "PAGE_COMPRESSION_LEVEL",
            "IETF_QUOTES",
            "TRANSACTIONAL",
            "ENCRYPTED",
            "ENCRYPTION_KEY_ID",
            "SECONDARY_ENGINE",
            "ENGINE_ATTRIBUTE",
            "SECONDARY_ENGINE_ATTRIBUTE",
            "AUTOEXTEND_SIZE",
            "SEQUENCE",
            "START",
        ];
        self.word_at(0)
            .is_some_and(|w| WORDS.iter().any(|k| w.eq_ignore_ascii_case(k)))
    }

    /// Whether an option value follows without `=` (`ENGINE InnoDB`).
    fn option_value_follows(&self) -> bool {
        match self.peek() {
            Some(Tok::Number(_) | Tok::Str(_) | Tok::Quoted(_) | Tok::DoubleQuoted(_)) => true,
            Some(Tok::Word(w)) => {
                !(w.eq_ignore_ascii_case("PARTITION")
                    || w.eq_ignore_ascii_case("AS")
                    || w.eq_ignore_ascii_case("SELECT")
                    || w.eq_ignore_ascii_case("IGNORE")
                    || w.eq_ignore_ascii_case("REPLACE")
                    || self.is_table_option_word()
                    || w.eq_ignore_ascii_case("DEFAULT") && !self.is_punct_at(1, "=")
                    || w.eq_ignore_ascii_case("COMMENT")
                    || w.eq_ignore_ascii_case("CHARSET")
                    || w.eq_ignore_ascii_case("COLLATE")
                    || w.eq_ignore_ascii_case("CHARACTER"))
            }
            _ => false,
        }
    }

    fn option_value(&mut self) -> PResult<()> {
        while self.is_punct("-") {
            self.pos += 1;
        }
        match self.peek() {
            Some(Tok::Punct("(")) => self.skip_parens().map(|_| ()),
            Some(
                Tok::Number(_) | Tok::Str(_) | Tok::Word(_) | Tok::Quoted(_) | Tok::DoubleQuoted(_),
            ) => {
                self.pos += 1;
                Ok(())
            }
            _ => self.expected("an option value"),
        }
    }
}
