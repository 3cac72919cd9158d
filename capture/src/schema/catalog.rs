//! The catalog: every known database and table, kept right by applying DDL in binlog order.
//!
//! [`Catalog::apply`] takes one parsed statement and returns the [`TableChange`]s it made, so
//! capture knows which Avro schemas to derive again. Rules (MySQL's, and Debezium's where the
//! model must match its output):
//! - a column without explicit charset gets, at definition time, the charset of its collation,
//!   else the table's default, else the database's, else the server's (`SET
//!   character_set_server`); non-character columns have none;
//! - `FIRST`/`AFTER x` place a column; `CHANGE`/`MODIFY` keep its place unless they say so and
//!   redefine it completely (without `NOT NULL` it becomes nullable, as MySQL does), except that
//!   a primary-key column stays NOT NULL;
//! - primary-key columns are NOT NULL; dropping a column removes it from every key;
//! - with no primary key, the first UNIQUE key (inline, table constraint, `ADD UNIQUE` or
//!   `CREATE UNIQUE INDEX`) whose parts are all existing NOT NULL columns, with no expression
//!   part, becomes the primary key (Debezium's rule, and the key InnoDB clusters on). Dropping
//!   that index drops the promoted key and promotes the next eligible one; `DROP PRIMARY KEY`
//!   leaves the table without a key, as Debezium does;
//! - `CREATE TABLE … LIKE` copies columns, keys and charset; `… SELECT` creates the table with
//!   its explicit columns and reports [`TableChange::Reload`]: the rest is only known to the
//!   server;
//! - DDL on a table the catalog does not know is [`SchemaError::UnknownTable`] (the caller
//!   re-reads it from the server, as Debezium's `MySqlAntlrDdlParser` and schema history do), except `DROP
//!   TABLE`, which drops what it knows. A statement that contradicts the model (a column that is
//!   not there) is [`SchemaError::Inconsistent`]. A failing statement changes nothing.
//! - temporary tables are not modelled (their rows are never in a row-based binlog).

use super::keys::{TableKeys, UniqueKey};
use super::model::{Database, Table, TableId};
use crate::ddl::{self, DdlError, DdlStatement, KeyKind, VariableScope};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a statement changed, for re-deriving schemas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TableChange {
    Created(TableId),
    Altered(TableId),
    Dropped(TableId),
    Renamed {
        from: TableId,
        to: TableId,
    },
    Truncated(TableId),
    /// The table exists but its columns are not all known (`CREATE TABLE … SELECT`): re-read
    /// its definition from the server before decoding its rows.
    Reload(TableId),
}

/// Why a statement could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    #[error("table {0} is not known to the catalog")]
    UnknownTable(TableId),
    #[error("database {0:?} is not known to the catalog")]
    UnknownDatabase(String),
    #[error("DDL on {table} does not match the catalog: {message}")]
    Inconsistent { table: TableId, message: String },
    #[error(transparent)]
    Parse(#[from] DdlError),
}

/// Every database and table known, with the keys needed for primary-key promotion.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    databases: BTreeMap<String, Database>,
    /// Unique keys per database and table.
    keys: BTreeMap<String, BTreeMap<String, TableKeys>>,
    /// `character_set_server`, when a `SET` named it.
    server_charset: Option<String>,
}

/// The charset a collation belongs to (`utf8mb4_unicode_ci` → `utf8mb4`).
pub(super) fn charset_of_collation(collation: &str) -> String {
    collation.split('_').next().unwrap_or(collation).to_string()
}

impl Catalog {
    pub fn new() -> Self {
        Self::default()
    }

    /// The table `id`, if known.
    pub fn table(&self, id: &TableId) -> Option<&Table> {
        self.databases.get(&id.database)?.tables.get(&id.table)
    }

    /// The database `name`, if known.
    pub fn database(&self, name: &str) -> Option<&Database> {
        self.databases.get(name)
    }

    /// Every known table, by database then name.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.databases.values().flat_map(|d| d.tables.values())
    }

    /// Puts a table model in as it is (restoring a catalog from the schema history). The
    /// table's unique keys other than its primary key are not known this way, so a later
    /// `DROP PRIMARY KEY` promotes nothing for it.
    pub fn insert_table(&mut self, table: Table) {
        self.databases
            .entry(table.id.database.clone())
            .or_default()
            .tables
            .insert(table.id.table.clone(), table);
    }

    /// Every known database with its default charset, by name.
    pub fn databases(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.databases
            .iter()
            .map(|(name, d)| (name.as_str(), d.charset.as_deref()))
    }

    /// Puts a database's default charset in (restoring a catalog from the schema history),
    /// keeping its tables if it is known: tables created in it later without a charset take it.
    pub fn insert_database(&mut self, name: &str, charset: Option<String>) {
        self.databases.entry(name.to_owned()).or_default().charset = charset;
    }

    /// The server's default charset, as last `SET`.
    pub fn server_charset(&self) -> Option<&str> {
        self.server_charset.as_deref()
    }

    /// Parse `sql` and apply every statement (a `USE` inside it changes the current database
    /// for the statements after it). Stops at the first error; statements before it stay
    /// applied.
    pub fn apply_sql(
        &mut self,
        sql: &str,
        current_db: Option<&str>,
    ) -> Result<Vec<TableChange>, SchemaError> {
        let stmts = ddl::parse(sql, current_db)?;
        let mut db = current_db.map(str::to_string);
        let mut changes = Vec::new();
        for s in &stmts {
            if let DdlStatement::Use(name) = s {
                db = Some(name.clone());
            }
            changes.extend(self.apply(s, db.as_deref())?);
        }
        Ok(changes)
    }

    /// Apply one statement. `current_db` names the database of unqualified names the parser
    /// left without one, and of `ALTER DATABASE` without a name.
    pub fn apply(
        &mut self,
        stmt: &DdlStatement,
        current_db: Option<&str>,
    ) -> Result<Vec<TableChange>, SchemaError> {
        if let DdlStatement::RenameTable { renames, .. } = stmt
            && renames.len() > 1
        {
            // A later rename may fail after earlier ones are applied: work on a copy.
            let mut next = self.clone();
            let changes = next.apply_in_place(stmt, current_db)?;
            *self = next;
            return Ok(changes);
        }
        self.apply_in_place(stmt, current_db)
    }

    /// [`Catalog::apply`] for statements that fail before they change anything (every one but
    /// a multi-table rename), without copying the catalog: a dump of thousands of tables is
    /// applied in linear time.
    fn apply_in_place(
        &mut self,
        stmt: &DdlStatement,
        current_db: Option<&str>,
    ) -> Result<Vec<TableChange>, SchemaError> {
        let resolve = |id: &TableId| id.in_database(current_db);
        let changes = match stmt {
            DdlStatement::CreateTable(c) => {
                let id = resolve(&c.table);
                if c.temporary || (c.if_not_exists && self.table(&id).is_some()) {
                    return Ok(Vec::new());
                }
                let db_charset = self.default_charset(&id.database);
                let (table, keys) = super::build::create_table(id.clone(), c, db_charset)?;
                self.put(table, keys);
                if c.as_select {
                    vec![TableChange::Reload(id)]
                } else {
                    vec![TableChange::Created(id)]
                }
            }
            DdlStatement::CreateTableLike {
                table,
                like,
                if_not_exists,
            } => {
                let (id, like) = (resolve(table), resolve(like));
                if *if_not_exists && self.table(&id).is_some() {
                    return Ok(Vec::new());
                }
                let mut t = self
                    .table(&like)
                    .ok_or_else(|| SchemaError::UnknownTable(like.clone()))?
                    .clone();
                let keys = self.keys_of(&like);
                t.id = id.clone();
                self.put(t, keys);
                vec![TableChange::Created(id)]
            }
            DdlStatement::AlterTable { table, specs } => {
                let id = resolve(table);
                let t = self
                    .table(&id)
                    .ok_or_else(|| SchemaError::UnknownTable(id.clone()))?
                    .clone();
                let keys = self.keys_of(&id);
                let (t2, k2, new_id) = super::build::alter_table(t.clone(), keys.clone(), specs)?;
                let new_id = new_id.map(|n| resolve(&n));
                let mut changes = Vec::new();
                let changed = t2.columns != t.columns
                    || t2.primary_key != t.primary_key
                    || t2.charset != t.charset
                    || t2.comment != t.comment;
                match new_id {
                    Some(to) if to != id => {
                        self.remove(&id);
                        let mut t2 = t2;
                        t2.id = to.clone();
                        self.put(t2, k2);
                        changes.push(TableChange::Renamed {
                            from: id,
                            to: to.clone(),
                        });
                        if changed {
                            changes.push(TableChange::Altered(to));
                        }
                    }
                    _ => {
                        self.put(t2, k2);
                        if changed {
                            changes.push(TableChange::Altered(id));
                        }
                    }
                }
                changes
            }
            DdlStatement::DropTable { tables, .. } => {
                let mut changes = Vec::new();
                for t in tables {
                    let id = resolve(t);
                    if self.remove(&id) {
                        changes.push(TableChange::Dropped(id));
                    }
                }
                changes
            }
            DdlStatement::RenameTable { renames, .. } => {
                let mut changes = Vec::new();
                for (from, to) in renames {
                    let (from, to) = (resolve(from), resolve(to));
                    let mut t = self
                        .table(&from)
                        .ok_or_else(|| SchemaError::UnknownTable(from.clone()))?
                        .clone();
                    let keys = self.keys_of(&from);
                    self.remove(&from);
                    t.id = to.clone();
                    self.put(t, keys);
                    changes.push(TableChange::Renamed { from, to });
                }
                changes
            }
            DdlStatement::TruncateTable(t) => {
                let id = resolve(t);
                if self.table(&id).is_none() {
                    return Err(SchemaError::UnknownTable(id));
                }
                vec![TableChange::Truncated(id)]
            }
            DdlStatement::CreateDatabase {
                name,
                if_not_exists,
                charset,
                collation,
            } => {
                if *if_not_exists && self.databases.contains_key(name) {
                    return Ok(Vec::new());
                }
                let db = self.databases.entry(name.clone()).or_default();
                db.charset =
                    pick_charset(charset, collation).or_else(|| self.server_charset.clone());
                Vec::new()
            }
            DdlStatement::AlterDatabase {
                name,
                charset,
                collation,
            } => {
                let name = name
                    .clone()
                    .or_else(|| current_db.map(str::to_string))
                    .ok_or_else(|| SchemaError::UnknownDatabase(String::new()))?;
                if let Some(cs) = pick_charset(charset, collation) {
                    self.databases.entry(name).or_default().charset = Some(cs);
                }
                Vec::new()
            }
            DdlStatement::DropDatabase { name, .. } => {
                let mut changes = Vec::new();
                if let Some(db) = self.databases.remove(name) {
                    changes.extend(
                        db.tables
                            .into_keys()
                            .map(|t| TableChange::Dropped(TableId::new(name.clone(), t))),
                    );
                }
                self.keys.remove(name);
                changes
            }
            DdlStatement::CreateIndex { table, key } => {
                let id = resolve(table);
                let mut t = self
                    .table(&id)
                    .ok_or_else(|| SchemaError::UnknownTable(id.clone()))?
                    .clone();
                let mut keys = self.keys_of(&id);
                if key.kind == KeyKind::Unique {
                    keys.unique.push(UniqueKey::from_def(key));
                    keys.promote(&mut t);
                }
                self.altered_if_changed(t, keys)
            }
            DdlStatement::DropIndex { table, name } => {
                let id = resolve(table);
                let mut t = self
                    .table(&id)
                    .ok_or_else(|| SchemaError::UnknownTable(id.clone()))?
                    .clone();
                let mut keys = self.keys_of(&id);
                keys.drop_index(&mut t, name);
                self.altered_if_changed(t, keys)
            }
            DdlStatement::SetVariables(vars) => {
                for v in vars {
                    if v.scope != VariableScope::User
                        && v.name.eq_ignore_ascii_case("character_set_server")
                    {
                        self.server_charset = Some(v.value.clone());
                    }
                }
                Vec::new()
            }
            DdlStatement::Use(_) | DdlStatement::Skipped { .. } => Vec::new(),
        };
        Ok(changes)
    }

    fn altered_if_changed(&mut self, t: Table, keys: TableKeys) -> Vec<TableChange> {
        let id = t.id.clone();
        let changed = self.table(&id) != Some(&t);
        self.put(t, keys);
        if changed {
            vec![TableChange::Altered(id)]
        } else {
            Vec::new()
        }
    }

    /// The default charset for new tables in `db`.
    fn default_charset(&self, db: &str) -> Option<String> {
        self.databases
            .get(db)
            .and_then(|d| d.charset.clone())
            .or_else(|| self.server_charset.clone())
    }

    fn keys_of(&self, id: &TableId) -> TableKeys {
        self.keys
            .get(&id.database)
            .and_then(|m| m.get(&id.table))
            .cloned()
            .unwrap_or_default()
    }

    /// Insert or replace a table (creating its database entry if needed).
    fn put(&mut self, table: Table, keys: TableKeys) {
        let id = table.id.clone();
        let charset = self.server_charset.clone();
        self.databases
            .entry(id.database.clone())
            .or_insert_with(|| Database {
                charset,
                tables: BTreeMap::new(),
            })
            .tables
            .insert(id.table.clone(), table);
        self.keys
            .entry(id.database)
            .or_default()
            .insert(id.table, keys);
    }

    /// Remove a table; whether it was there.
    fn remove(&mut self, id: &TableId) -> bool {
        if let Some(k) = self.keys.get_mut(&id.database) {
            k.remove(&id.table);
        }
        self.databases
            .get_mut(&id.database)
            .and_then(|d| d.tables.remove(&id.table))
            .is_some()
    }
}

/// The charset named, or the one of the collation named; `DEFAULT` is none.
pub(super) fn pick_charset(charset: &Option<String>, collation: &Option<String>) -> Option<String> {
    charset
        .clone()
        .filter(|c| !c.eq_ignore_ascii_case("DEFAULT"))
        .or_else(|| collation.as_deref().map(charset_of_collation))
}
