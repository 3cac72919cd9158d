//! What the DDL parser produces: one [`DdlStatement`] per SQL statement.
//!
//! Statements keep only what the table model needs. Everything else a binlog QUERY event can
//! carry is recognised and reported as [`DdlStatement::Skipped`] with its kind, so a caller can
//! tell "irrelevant to the model" from "not understood" (a parse error).

use crate::schema::{Column, TableId};
use serde::{Deserialize, Serialize};

/// Where a column goes: `FIRST`, `AFTER col`, or (default) the end / its current place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ColumnPosition {
    First,
    After(String),
}

/// A column definition with the key markers written inline on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnDef {
    /// The column; `nullable` is already false when `NOT NULL` (or `SERIAL`) was written.
    pub column: Column,
    /// Inline `PRIMARY KEY` (or `KEY` alone, which MySQL reads as primary key).
    pub primary_key: bool,
    /// Inline `UNIQUE [KEY]`.
    pub unique: bool,
    /// `NULL` or `NOT NULL` was written explicitly.
    pub explicit_nullability: bool,
}

/// What kind of index/key a definition declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyKind {
    Primary,
    Unique,
    /// `INDEX`/`KEY`, `FULLTEXT`, `SPATIAL`, `VECTOR` (not table-model relevant).
    Plain,
    /// `FOREIGN KEY` (not table-model relevant).
    Foreign,
}

/// A key/index definition. `columns` holds plain column parts by name; `has_expression` is
/// true when a part is an expression (`(c2*2)`), which disqualifies PK promotion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyDef {
    pub kind: KeyKind,
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub has_expression: bool,
}

/// Table options the model keeps (the rest — ENGINE, ROW_FORMAT, … — is parsed and dropped).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableOptions {
    pub charset: Option<String>,
    pub collation: Option<String>,
    pub comment: Option<String>,
}

/// `CREATE TABLE name (…) options`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateTable {
    pub table: TableId,
    pub if_not_exists: bool,
    pub temporary: bool,
    pub columns: Vec<ColumnDef>,
    pub keys: Vec<KeyDef>,
    pub options: TableOptions,
    /// `CREATE TABLE … [AS] SELECT …`: the SELECT adds columns this model cannot know, so the
    /// table must be re-read from the server.
    pub as_select: bool,
}

/// One comma-separated specification of `ALTER TABLE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AlterSpec {
    /// `ADD [COLUMN] [IF NOT EXISTS] def [FIRST|AFTER x]`; `ADD COLUMN (a …, b …)` gives one each.
    AddColumn {
        def: ColumnDef,
        position: Option<ColumnPosition>,
        if_not_exists: bool,
    },
    /// `ADD [CONSTRAINT [name]] PRIMARY KEY|UNIQUE|INDEX|… (…)`.
    AddKey(KeyDef),
    DropColumn {
        name: String,
        if_exists: bool,
    },
    /// `MODIFY [COLUMN] def` (`old_name` = new name) or `CHANGE [COLUMN] old def`.
    ChangeColumn {
        old_name: String,
        def: ColumnDef,
        position: Option<ColumnPosition>,
        if_exists: bool,
    },
    RenameColumn {
        from: String,
        to: String,
    },
    /// `ALTER [COLUMN] c SET DEFAULT …` (`Some`) / `DROP DEFAULT` (`None`).
    AlterColumnDefault {
        name: String,
        default: Option<crate::schema::ColumnDefault>,
    },
    DropPrimaryKey,
    /// `DROP INDEX|KEY name` (may drop a unique key that was promoted to primary key).
    DropIndex {
        name: String,
    },
    /// `RENAME INDEX|KEY a TO b`.
    RenameIndex {
        from: String,
        to: String,
    },
    /// `RENAME [TO|AS] t2`.
    RenameTable(TableId),
    /// `[DEFAULT] CHARACTER SET = x [COLLATE y]` / `COLLATE = y` (new columns only).
    DefaultCharset {
        charset: Option<String>,
        collation: Option<String>,
    },
    /// `CONVERT TO CHARACTER SET x [COLLATE y]` (changes every character column).
    ConvertCharset {
        charset: String,
        collation: Option<String>,
    },
    /// `COMMENT = '…'`.
    Comment(String),
    /// Parsed and irrelevant to the model (ENGINE, ALGORITHM, LOCK, partitioning, FORCE,
    /// DROP FOREIGN KEY/CHECK, ORDER BY, …); the text names what it was.
    Other(String),
}

/// A parsed statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DdlStatement {
    CreateTable(CreateTable),
    CreateTableLike {
        table: TableId,
        like: TableId,
        if_not_exists: bool,
    },
    AlterTable {
        table: TableId,
        specs: Vec<AlterSpec>,
    },
    DropTable {
        tables: Vec<TableId>,
        if_exists: bool,
        /// Per table, the statement Debezium's MySQL DDL parser attaches to its drop event
        /// (`DropTableParserListener`): the text before the first table as written (`DROP
        /// TABLE IF EXISTS `), the table as `` `db`.`t` ``, and ` RESTRICT` or ` CASCADE`
        /// when written.
        statements: Vec<String>,
    },
    /// `RENAME TABLE a TO b, c TO d` (applied in order).
    RenameTable {
        renames: Vec<(TableId, TableId)>,
        /// Per pair, the statement Debezium's MySQL DDL parser attaches to its rename event
        /// (`MySqlAntlrDdlParser.signalAlterTable` for a `RenamePairContext`): the text before
        /// the first pair (`RENAME TABLE `) and the pair as written (`a TO b`).
        statements: Vec<String>,
    },
    TruncateTable(TableId),
    CreateDatabase {
        name: String,
        if_not_exists: bool,
        charset: Option<String>,
        collation: Option<String>,
    },
    /// `ALTER DATABASE [name] …`: `name` is `None` for the current database.
    AlterDatabase {
        name: Option<String>,
        charset: Option<String>,
        collation: Option<String>,
    },
    DropDatabase {
        name: String,
        if_exists: bool,
    },
    /// `CREATE [UNIQUE|FULLTEXT|SPATIAL] INDEX name ON t (…)`.
    CreateIndex {
        table: TableId,
        key: KeyDef,
    },
    DropIndex {
        table: TableId,
        name: String,
    },
    Use(String),
    /// `SET` assignments of system and user variables (`SET TRANSACTION`, `PASSWORD`, `ROLE`,
    /// `DEFAULT ROLE` are `Skipped`; `SET STATEMENT … FOR s` is `s`).
    /// `SET NAMES x` gives `character_set_client`, `_connection` and `_results`;
    /// `SET CHARACTER SET x` the same.
    SetVariables(Vec<SetVariable>),
    /// Recognised, not relevant to the table model: DML, GRANT, views, routines, triggers, …
    Skipped {
        /// The leading keywords, upper case: `INSERT`, `CREATE VIEW`, `GRANT`, …
        kind: String,
    },
}

/// Scope of a `SET` assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VariableScope {
    Global,
    Session,
    /// `@x = …`: a user variable.
    User,
}

/// One `SET` assignment: `value` is the literal unquoted, or the expression text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetVariable {
    pub scope: VariableScope,
    pub name: String,
    pub value: String,
}
