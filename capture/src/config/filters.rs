//! Include/exclude lists: comma-separated regular expressions matched, like Debezium's
//! `Selectors`, case-insensitively against the whole identifier (`db`, `db.table`,
//! `db.table.column`).

use regex::{Regex, RegexBuilder};

use crate::schema::TableId;

/// A list of anchored, case-insensitive patterns.
#[derive(Debug, Clone)]
pub struct PatternList {
    source: String,
    patterns: Vec<Regex>,
}

impl PatternList {
    /// Compiles a comma-separated list (`\,` is a literal comma inside a pattern).
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut patterns = Vec::new();
        for part in split_list(list) {
            let anchored = format!("^(?:{part})$");
            let re = RegexBuilder::new(&anchored)
                .case_insensitive(true)
                .build()
                .map_err(|e| format!("invalid regular expression {part:?}: {e}"))?;
            patterns.push(re);
        }
        if patterns.is_empty() {
            return Err("the list is empty".into());
        }
        Ok(Self {
            source: list.to_string(),
            patterns,
        })
    }

    /// Whether any pattern matches all of `text`.
    pub fn matches(&self, text: &str) -> bool {
        self.patterns.iter().any(|p| p.is_match(text))
    }

    /// The list as configured.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

impl PartialEq for PatternList {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

fn split_list(list: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = list.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&',') => {
                current.push(',');
                chars.next();
            }
            ',' => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// What is captured: databases, tables and columns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    pub database_include: Option<PatternList>,
    pub database_exclude: Option<PatternList>,
    pub table_include: Option<PatternList>,
    pub table_exclude: Option<PatternList>,
    pub column_exclude: Option<PatternList>,
}

impl Filters {
    /// Whether tables of database `db` are captured at all.
    pub fn database_included(&self, db: &str) -> bool {
        if let Some(inc) = &self.database_include {
            return inc.matches(db);
        }
        if let Some(exc) = &self.database_exclude {
            return !exc.matches(db);
        }
        true
    }

    /// Whether `table` is captured (database filter, then table filter on `db.table`).
    pub fn table_included(&self, table: &TableId) -> bool {
        if !self.database_included(&table.database) {
            return false;
        }
        let full = format!("{}.{}", table.database, table.table);
        if let Some(inc) = &self.table_include {
            return inc.matches(&full);
        }
        if let Some(exc) = &self.table_exclude {
            return !exc.matches(&full);
        }
        true
    }

    /// Whether `column` of `table` is in the value (`column.exclude.list` on `db.table.column`).
    pub fn column_included(&self, table: &TableId, column: &str) -> bool {
        match &self.column_exclude {
            Some(exc) => !exc.matches(&format!("{}.{}.{}", table.database, table.table, column)),
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchored_case_insensitive() {
        let p = PatternList::parse("inventory\\.cust.*, other.t1").unwrap();
        assert!(p.matches("inventory.customers"));
        assert!(p.matches("INVENTORY.Customers"));
        assert!(p.matches("other.t1"));
        assert!(!p.matches("xinventory.customers"));
        assert!(!p.matches("other.t10"));
        assert!(PatternList::parse("a{1\\,2}").unwrap().matches("a"));
        assert!(PatternList::parse("(").is_err());
    }

    #[test]
    fn precedence() {
        let f = Filters {
            database_include: Some(PatternList::parse("inventory").unwrap()),
            table_exclude: Some(PatternList::parse("inventory\\.geom").unwrap()),
            column_exclude: Some(PatternList::parse("inventory\\.customers\\.email").unwrap()),
            ..Filters::default()
        };
        let t = TableId::new("inventory", "customers");
        assert!(f.table_included(&t));
        assert!(!f.table_included(&TableId::new("inventory", "geom")));
        assert!(!f.table_included(&TableId::new("mysql", "user")));
        assert!(!f.column_included(&t, "email"));
        assert!(f.column_included(&t, "id"));
    }
}
