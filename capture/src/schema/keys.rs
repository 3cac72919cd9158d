//! Unique keys of a table, kept beside the model for primary-key promotion.
//!
//! The table model only has the primary key; which UNIQUE keys exist (and which one, if any,
//! was promoted to primary key) is needed to apply later DDL right: a unique key added to a
//! table without primary key is promoted, dropping the promoted index drops the key.

use super::model::Table;
use crate::ddl::KeyDef;
use serde::{Deserialize, Serialize};

/// One UNIQUE key: its name and plain column parts (`has_expression` for functional parts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct UniqueKey {
    pub(crate) name: String,
    pub(crate) columns: Vec<String>,
    pub(crate) has_expression: bool,
}

impl UniqueKey {
    pub(crate) fn from_def(def: &KeyDef) -> Self {
        Self {
            name: def
                .name
                .clone()
                .or_else(|| def.columns.first().cloned())
                .unwrap_or_default(),
            columns: def.columns.clone(),
            has_expression: def.has_expression,
        }
    }
}

/// The unique keys of one table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct TableKeys {
    pub(crate) unique: Vec<UniqueKey>,
    /// The unique key the primary key was promoted from.
    pub(crate) promoted_from: Option<String>,
}

impl TableKeys {
    /// With no primary key, make the first eligible unique key the primary key.
    pub(crate) fn promote(&mut self, t: &mut Table) {
        if !t.primary_key.is_empty() {
            return;
        }
        let eligible = self.unique.iter().find(|k| {
            !k.has_expression
                && !k.columns.is_empty()
                && k.columns
                    .iter()
                    .all(|c| t.column(c).is_some_and(|col| !col.nullable))
        });
        if let Some(k) = eligible {
            t.primary_key = k
                .columns
                .iter()
                .filter_map(|c| t.column(c).map(|col| col.name.clone()))
                .collect();
            self.promoted_from = Some(k.name.clone());
        }
    }

    /// `DROP INDEX name` (also `DROP CONSTRAINT name`, and `PRIMARY`).
    pub(crate) fn drop_index(&mut self, t: &mut Table, name: &str) {
        if name.eq_ignore_ascii_case("PRIMARY") {
            t.primary_key.clear();
            self.promoted_from = None;
            return;
        }
        self.unique.retain(|k| !k.name.eq_ignore_ascii_case(name));
        if self
            .promoted_from
            .as_deref()
            .is_some_and(|p| p.eq_ignore_ascii_case(name))
        {
            t.primary_key.clear();
            self.promoted_from = None;
            self.promote(t);
        }
    }

    /// An explicit primary key replaces any promoted one.
    pub(crate) fn explicit_primary_key(&mut self) {
        self.promoted_from = None;
    }

    /// A column was dropped: it leaves every key; keys left without parts are gone.
    pub(crate) fn drop_column(&mut self, column: &str) {
        for k in &mut self.unique {
            k.columns.retain(|c| !c.eq_ignore_ascii_case(column));
        }
        self.unique
            .retain(|k| !k.columns.is_empty() || k.has_expression);
    }

    pub(crate) fn rename_column(&mut self, from: &str, to: &str) {
        for k in &mut self.unique {
            for c in &mut k.columns {
                if c.eq_ignore_ascii_case(from) {
                    *c = to.to_string();
                }
            }
        }
    }

    pub(crate) fn rename_index(&mut self, from: &str, to: &str) {
        for k in &mut self.unique {
            if k.name.eq_ignore_ascii_case(from) {
                k.name = to.to_string();
            }
        }
        if let Some(p) = &mut self.promoted_from
            && p.eq_ignore_ascii_case(from)
        {
            *p = to.to_string();
        }
    }
}
