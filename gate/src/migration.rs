//! Migration files: found, ordered and cut into statements with their file and line.
//!
//! Directories are read for `*.sql` files; everything given is applied in name order, with
//! numbers compared as numbers (`V2__x.sql` before `V10__y.sql`), the order of Flyway,
//! golang-migrate (`000002_x.up.sql`), Liquibase SQL and Rails/Django SQL dumps. Down migrations
//! never run: golang-migrate's `*.down.sql` files are skipped, and in a file with dbmate's
//! `-- migrate:down` or goose's `-- +goose Down` marker only the text before it counts.

use crate::error::GateError;
use sluice_capture::ddl;
use std::cmp::Ordering;
use std::path::{Path, PathBuf};

/// One migration file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationFile {
    /// The path as the user named it (or as found in a named directory).
    pub path: String,
    pub text: String,
}

/// One statement of a migration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statement<'a> {
    pub file: &'a str,
    /// 1-based line of the statement's first character.
    pub line: u32,
    pub text: &'a str,
}

impl MigrationFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            text: text.into(),
        }
    }

    /// The statements of the up migration, in order.
    pub fn statements(&self) -> Vec<Statement<'_>> {
        let up = up_part(&self.text);
        // Lines counted from one statement to the next: linear in the file's length.
        let (mut line, mut counted) = (1, 0);
        ddl::statement_spans(up)
            .into_iter()
            .map(|r| {
                line += line_of(&up[counted..r.start], r.start - counted) - 1;
                counted = r.start;
                Statement {
                    file: &self.path,
                    line,
                    text: &up[r],
                }
            })
            .collect()
    }
}

/// 1-based line of byte `offset` in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> u32 {
    let offset = offset.min(text.len());
    let newlines = text.as_bytes()[..offset]
        .iter()
        .filter(|b| **b == b'\n')
        .count();
    u32::try_from(newlines + 1).unwrap_or(u32::MAX)
}

/// The text before a down-migration marker.
fn up_part(text: &str) -> &str {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let l = line.trim().to_ascii_lowercase();
        if l.starts_with("-- migrate:down") || l.starts_with("-- +goose down") {
            return &text[..offset];
        }
        offset += line.len();
    }
    text
}

fn is_down_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".down.sql"))
}

/// Reads the files and directories in `paths`, every `.sql` file once, in name order.
pub fn load(paths: &[PathBuf]) -> Result<Vec<MigrationFile>, GateError> {
    let mut found = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| GateError::Read {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        if meta.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| GateError::Read {
                path: path.display().to_string(),
                reason: e.to_string(),
            })?;
            for entry in entries {
                let entry = entry.map_err(|e| GateError::Read {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                })?;
                let p = entry.path();
                let is_sql = p.extension().is_some_and(|e| e.eq_ignore_ascii_case("sql"));
                if is_sql && p.is_file() && !is_down_file(&p) {
                    found.push(p);
                }
            }
        } else {
            found.push(path.clone());
        }
    }
    found.sort_by(|a, b| name_order(a, b));
    found.dedup();
    found
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).map_err(|e| GateError::Read {
                path: p.display().to_string(),
                reason: e.to_string(),
            })?;
            Ok(MigrationFile::new(p.display().to_string(), text))
        })
        .collect()
}

/// File names compared with digit runs as numbers, then the whole paths.
fn name_order(a: &Path, b: &Path) -> Ordering {
    let name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    natural(&name(a), &name(b)).then_with(|| a.cmp(b))
}

fn natural(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let da = a.iter().take_while(|c| c.is_ascii_digit()).count();
                let db = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let (na, nb) = (&a[..da], &b[..db]);
                let strip = |n: &[u8]| -> usize { n.iter().take_while(|c| **c == b'0').count() };
                let (ta, tb) = (&na[strip(na)..], &nb[strip(nb)..]);
                let ord = ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb));
                if ord != Ordering::Equal {
                    return ord;
                }
                a = &a[da..];
                b = &b[db..];
            }
            (Some(x), Some(y)) => {
                let ord = x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase());
                if ord != Ordering::Equal {
                    return ord;
                }
                a = &a[1..];
                b = &b[1..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_names_order_as_numbers() {
        let mut names = vec!["V10__c.sql", "V2__b.sql", "V1__a.sql", "000003_x.up.sql"];
        names.sort_by(|a, b| natural(a, b));
        assert_eq!(
            names,
            ["000003_x.up.sql", "V1__a.sql", "V2__b.sql", "V10__c.sql"]
        );
    }

    #[test]
    fn statements_carry_their_line_and_stop_at_a_down_marker() {
        let file = MigrationFile::new(
            "m.sql",
            "-- migrate:up\nALTER TABLE t ADD a INT;\n\nALTER TABLE t\n  ADD b INT;\n-- migrate:down\nALTER TABLE t DROP a;\n",
        );
        let s = file.statements();
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].line, s[0].text), (2, "ALTER TABLE t ADD a INT"));
        assert_eq!((s[1].line, s[1].text), (4, "ALTER TABLE t\n  ADD b INT"));
    }

    #[test]
    fn directories_give_sql_files_in_name_order_without_down_files() {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in [
            ("10_c.sql", "c"),
            ("2_b.up.sql", "b"),
            ("2_b.down.sql", "x"),
            ("1_a.sql", "a"),
            ("notes.txt", "n"),
        ] {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let files = load(&[dir.path().to_path_buf()]).unwrap();
        let texts: Vec<&str> = files.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(texts, ["a", "b", "c"]);
    }

    #[test]
    fn a_missing_file_is_an_error_naming_it() {
        let err = load(&[PathBuf::from("/nonexistent/V1__x.sql")]).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/V1__x.sql"), "{err}");
    }
}
