//! `ALTER TABLE` and `ALTER DATABASE`.
//!
//! ALTER TABLE is a comma-separated list of specifications; table options may also follow one
//! another without commas (`stats_auto_recalc=default stats_sample_pages=50`). Each
//! specification becomes one [`AlterSpec`]; those that cannot change the model (index and
//! constraint changes other than primary/unique keys, ALGORITHM/LOCK, partition operations,
//! ENABLE KEYS, FORCE, ORDER BY, …) become `AlterSpec::Other`. Partition operations and
//! `PARTITION BY` are skipped to the end of their specification.

use super::{PResult, Parser};
use crate::ddl::parser::create::TableElement;
use crate::ddl::statement::{AlterSpec, DdlStatement, TableOptions};

const PARTITION_OPS: &[&str] = &[
    "ADD",
    "DROP",
    "DISCARD",
    "IMPORT",
    "TRUNCATE",
    "COALESCE",
    "REORGANIZE",
    "EXCHANGE",
    "ANALYZE",
    "CHECK",
    "OPTIMIZE",
    "REBUILD",
    "REPAIR",
    "CONVERT",
    "REMOVE",
    "UPGRADE",
];

impl Parser<'_> {
    pub(super) fn alter(&mut self) -> PResult<DdlStatement> {
        self.expect_kw("ALTER")?;
        let _ = self.eat_kw("ONLINE") || self.eat_kw("OFFLINE");
        let _ = self.eat_kw("IGNORE");
        if self.eat_kw("TABLE") {
            return self.alter_table();
        }
        if self.eat_kw("DATABASE") || self.eat_kw("SCHEMA") {
            return self.alter_database();
        }
        let start = self.pos;
        while let Some(w) = self.word_at(0) {
            let upper = w.to_ascii_uppercase();
            if super::create::OTHER_OBJECTS.contains(&upper.as_str()) || upper == "INSTANCE" {
                let kind = format!("ALTER {upper}");
                return self.skip_statement(&kind);
            }
            if self.pos - start > 12 {
                break;
            }
            self.pos += 1;
            if self.eat_punct("=") {
                let _ = self.advance();
                if matches!(self.peek(), Some(crate::ddl::lexer::Tok::Variable(_))) {
                    self.pos += 1;
                }
            }
        }
        self.pos = start;
        self.expected("TABLE, DATABASE or another object kind after ALTER")
    }

    fn alter_database(&mut self) -> PResult<DdlStatement> {
        let mut name = None;
        if self.is_ident()
            && !self.is_any_kw(&[
                "DEFAULT",
                "CHARACTER",
                "CHARSET",
                "COLLATE",
                "ENCRYPTION",
                "READ",
                "COMMENT",
            ])
        {
            name = Some(self.ident()?);
        }
        if self.eat_kw("UPGRADE") {
            return self.skip_statement("ALTER DATABASE UPGRADE");
        }
        let mut o = TableOptions::default();
        self.database_options(&mut o)?;
        Ok(DdlStatement::AlterDatabase {
            name,
            charset: o.charset,
            collation: o.collation,
        })
    }

    fn alter_table(&mut self) -> PResult<DdlStatement> {
        let _ = self.eat_if_exists();
        let table = self.table_name()?;
        if self.eat_kw("WAIT") {
            self.pos += 1;
        } else {
            let _ = self.eat_kw("NOWAIT");
        }
        let mut specs = Vec::new();
        while !self.at_end() && !self.at_statement_start() {
            if self.is_kw("PARTITION") && self.is_kw_at(1, "BY") {
                self.partition_clause()?;
                specs.push(AlterSpec::Other("PARTITION BY".into()));
                break;
            }
            self.alter_spec(&mut specs)?;
            let _ = self.eat_punct(",");
        }
        Ok(DdlStatement::AlterTable { table, specs })
    }

    fn alter_spec(&mut self, specs: &mut Vec<AlterSpec>) -> PResult<()> {
        let Some(word) = self.word_at(0) else {
            return self.expected("an ALTER TABLE specification");
        };
        let w = word.to_ascii_uppercase();
        if PARTITION_OPS.contains(&w.as_str())
            && (self.is_kw_at(1, "PARTITION") || self.is_kw_at(1, "PARTITIONING"))
        {
            // Partition operations come last in ALTER TABLE and list partitions with commas.
            self.skip_rest()?;
            specs.push(AlterSpec::Other(format!("{w} PARTITION")));
            return Ok(());
        }
        match w.as_str() {
            "ADD" => self.alter_add(specs),
            "DROP" => {
                let s = self.alter_drop()?;
                specs.push(s);
                Ok(())
            }
            "MODIFY" | "CHANGE" => {
                self.pos += 1;
                let _ = self.eat_kw("COLUMN");
                let if_exists = self.eat_if_exists();
                let old_name = self.ident()?;
                let def = if w == "CHANGE" {
                    self.column_def()?
                } else {
                    self.column_def_named(old_name.clone())?
                };
                let position = self.position()?;
                specs.push(AlterSpec::ChangeColumn {
                    old_name,
                    def,
                    position,
                    if_exists,
                });
                Ok(())
            }
            "ALTER" => {
                self.pos += 1;
                if self.eat_kw("INDEX")
                    || self.eat_kw("KEY")
                    || self.eat_kw("CHECK")
                    || self.eat_kw("CONSTRAINT")
                {
                    self.skip_to_spec_end()?;
                    specs.push(AlterSpec::Other("ALTER INDEX/CHECK".into()));
                    return Ok(());
                }
                let _ = self.eat_kw("COLUMN");
                let _ = self.eat_if_exists();
                let name = self.ident()?;
                if self.eat_kws(&["SET", "DEFAULT"]) {
                    let d = self.default_value()?;
                    specs.push(AlterSpec::AlterColumnDefault {
                        name,
                        default: Some(d),
                    });
                } else if self.eat_kws(&["DROP", "DEFAULT"]) {
                    specs.push(AlterSpec::AlterColumnDefault {
                        name,
                        default: None,
                    });
                } else if self.eat_kws(&["SET", "VISIBLE"]) || self.eat_kws(&["SET", "INVISIBLE"]) {
                    specs.push(AlterSpec::Other("ALTER COLUMN SET VISIBLE".into()));
                } else {
                    return self.expected("SET DEFAULT, DROP DEFAULT or SET [IN]VISIBLE");
                }
                Ok(())
            }
            "RENAME" => {
                self.pos += 1;
                if self.eat_kw("COLUMN") {
                    let _ = self.eat_if_exists();
                    let from = self.ident()?;
                    self.expect_kw("TO")?;
                    let to = self.ident()?;
                    specs.push(AlterSpec::RenameColumn { from, to });
                } else if self.eat_kw("INDEX") || self.eat_kw("KEY") {
                    let from = self.ident()?;
                    self.expect_kw("TO")?;
                    let to = self.ident()?;
                    specs.push(AlterSpec::RenameIndex { from, to });
                } else {
                    let _ = self.eat_kw("TO") || self.eat_kw("AS");
                    specs.push(AlterSpec::RenameTable(self.table_name()?));
                }
                Ok(())
            }
            "CONVERT" if self.is_kw_at(1, "TO") => {
                self.pos += 2;
                if !(self.eat_kws(&["CHARACTER", "SET"]) || self.eat_kw("CHARSET")) {
                    return self.expected("CHARACTER SET");
                }
                self.eat_eq();
                let charset = self.name_or_string()?;
                let mut collation = None;
                if self.eat_kw("COLLATE") {
                    self.eat_eq();
                    collation = Some(self.name_or_string()?);
                }
                specs.push(AlterSpec::ConvertCharset { charset, collation });
                Ok(())
            }
            "ALGORITHM" | "LOCK" | "FORCE" | "ENABLE" | "DISABLE" | "DISCARD" | "IMPORT"
            | "ORDER" | "WITH" | "WITHOUT" | "SECONDARY_LOAD" | "SECONDARY_UNLOAD" => {
                if !(w == "WITH" && self.is_kw_at(1, "SYSTEM")) {
                    self.skip_to_spec_end()?;
                    specs.push(AlterSpec::Other(w));
                    return Ok(());
                }
                self.alter_table_options(specs)
            }
            _ => self.alter_table_options(specs),
        }
    }

    /// Table options as ALTER specifications.
    fn alter_table_options(&mut self, specs: &mut Vec<AlterSpec>) -> PResult<()> {
        let mut o = TableOptions::default();
        if !self.table_options(&mut o, true)? {
            return self.expected("an ALTER TABLE specification");
        }
        if o.charset.is_some() || o.collation.is_some() {
            specs.push(AlterSpec::DefaultCharset {
                charset: o.charset,
                collation: o.collation,
            });
        }
        if let Some(c) = o.comment {
            specs.push(AlterSpec::Comment(c));
        }
        Ok(())
    }

    /// Skip to the `,` ending this specification (or the end).
    fn skip_to_spec_end(&mut self) -> PResult<()> {
        self.skip_to_item_end()?;
        if self.is_punct(")") {
            return self.fail("unbalanced ')'");
        }
        Ok(())
    }

    fn alter_add(&mut self, specs: &mut Vec<AlterSpec>) -> PResult<()> {
        self.expect_kw("ADD")?;
        if self.eat_kws(&["SYSTEM", "VERSIONING"]) {
            specs.push(AlterSpec::Other("ADD SYSTEM VERSIONING".into()));
            return Ok(());
        }
        let column_kw = self.eat_kw("COLUMN");
        let if_not_exists = self.eat_if_not_exists();
        if self.eat_punct("(") {
            loop {
                match self.table_element()? {
                    TableElement::Column(def) => specs.push(AlterSpec::AddColumn {
                        def,
                        position: None,
                        if_not_exists,
                    }),
                    TableElement::Key(k) => specs.push(AlterSpec::AddKey(k)),
                    TableElement::Other => specs.push(AlterSpec::Other("ADD CHECK".into())),
                }
                if !self.eat_punct(",") {
                    break;
                }
            }
            return self.expect_punct(")");
        }
        let element = if column_kw {
            TableElement::Column(self.column_def()?)
        } else {
            self.table_element()?
        };
        match element {
            TableElement::Column(def) => {
                let position = self.position()?;
                specs.push(AlterSpec::AddColumn {
                    def,
                    position,
                    if_not_exists,
                });
            }
            TableElement::Key(k) => specs.push(AlterSpec::AddKey(k)),
            TableElement::Other => specs.push(AlterSpec::Other("ADD CHECK".into())),
        }
        Ok(())
    }

    fn alter_drop(&mut self) -> PResult<AlterSpec> {
        self.expect_kw("DROP")?;
        if self.eat_kws(&["PRIMARY", "KEY"]) {
            return Ok(AlterSpec::DropPrimaryKey);
        }
        if self.eat_kw("INDEX") || self.eat_kw("KEY") {
            let _ = self.eat_if_exists();
            return Ok(AlterSpec::DropIndex {
                name: self.ident()?,
            });
        }
        if self.is_any_kw(&["FOREIGN", "CHECK", "CONSTRAINT", "SYSTEM", "PERIOD"]) {
            let what = self.word_at(0).unwrap_or_default().to_ascii_uppercase();
            // DROP CONSTRAINT may name a unique key too: let the catalog decide.
            if what == "CONSTRAINT" {
                self.pos += 1;
                let _ = self.eat_if_exists();
                let name = self.ident()?;
                return Ok(AlterSpec::DropIndex { name });
            }
            self.skip_to_spec_end()?;
            return Ok(AlterSpec::Other(format!("DROP {what}")));
        }
        let _ = self.eat_kw("COLUMN");
        let if_exists = self.eat_if_exists();
        let name = self.ident()?;
        let _ = self.eat_kw("RESTRICT") || self.eat_kw("CASCADE");
        Ok(AlterSpec::DropColumn { name, if_exists })
    }
}
