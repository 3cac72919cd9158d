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
    /// The up migration as the server receives it: the `mysql` client's `DELIMITER` commands
    /// applied and its sandbox-mode line removed, every byte at its place in `text` (lines
    /// stay right).
    sql: String,
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
        let text = text.into();
        let sql = client_commands(up_part(&text));
        Self {
            path: path.into(),
            text,
            sql,
        }
    }

    /// The statements of the up migration, in order.
    pub fn statements(&self) -> Vec<Statement<'_>> {
        let up = self.sql.as_str();
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

/// `text` with what the `mysql` client handles itself turned into what the server receives, at
/// the same byte offsets: `DELIMITER x` lines blanked and a statement-ending `x` written as
/// `;` (routine bodies keep their inner `;`, which the splitter understands), and MariaDB
/// dumps' `/*M!999999\- enable the sandbox mode */` (a client command, never SQL) blanked.
fn client_commands(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut delimiter = String::from(";");
    let blank = |line: &str| -> String {
        line.chars()
            .map(|c| if c == '\n' || c == '\r' { c } else { ' ' })
            .collect()
    };
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        let mut words = trimmed.split_whitespace();
        if words
            .next()
            .is_some_and(|w| w.eq_ignore_ascii_case("DELIMITER"))
            && let Some(d) = words.next()
        {
            delimiter = d.to_owned();
            out.push_str(&blank(line));
            continue;
        }
        if trimmed.starts_with("/*M!999999") || trimmed.starts_with("/*!999999") {
            out.push_str(&blank(line));
            continue;
        }
        let body = line.trim_end();
        if delimiter != ";" && body.ends_with(delimiter.as_str()) {
            let cut = body.len() - delimiter.len();
            out.push_str(&line[..cut]);
            out.push(';');
            out.extend(std::iter::repeat_n(' ', delimiter.len() - 1));
            out.push_str(&line[body.len()..]);
            continue;
        }
        out.push_str(line);
    }
    out
}

/// golang-migrate's `*.down.sql` and Flyway's undo migrations `U<version>__*.sql`.
fn is_down_file(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        n.ends_with(".down.sql")
            || (n.starts_with('U')
                && n[1..].starts_with(|c: char| c.is_ascii_digit())
                && n.contains("__"))
    })
}

/// Flyway's repeatable migrations (`R__*.sql`) run after every versioned one.
fn is_repeatable(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("R__"))
}

/// Reads the files and directories in `paths`, every `.sql` file once, in name order.
pub fn load(paths: &[PathBuf]) -> Result<Vec<MigrationFile>, GateError> {
    let unreadable = |path: &Path| {
        let path = path.display().to_string();
        move |e: std::io::Error| GateError::Read {
            path,
            reason: e.to_string(),
        }
    };
    let mut found = Vec::new();
    for path in paths {
        if std::fs::metadata(path).map_err(unreadable(path))?.is_dir() {
            for entry in std::fs::read_dir(path).map_err(unreadable(path))? {
                let p = entry.map_err(unreadable(path))?.path();
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
            let text = std::fs::read_to_string(&p).map_err(unreadable(&p))?;
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
    is_repeatable(a)
        .cmp(&is_repeatable(b))
        .then_with(|| natural(&name(a), &name(b)))
        .then_with(|| a.cmp(b))
}

/// Separators between version parts (`V1_1`, `V1.1`, `1-2`) sort before anything else, so a
/// version comes before its sub-versions (`V1__init` before `V1_1__next`), as Flyway orders.
fn rank(c: u8) -> (u8, u8) {
    match c {
        b'.' | b'_' | b'-' => (0, 0),
        c => (1, c.to_ascii_lowercase()),
    }
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
                let ord = rank(*x).cmp(&rank(*y));
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
        let mut names = vec![
            "V10__c.sql",
            "V2__b.sql",
            "V1_1__a2.sql",
            "V1__a.sql",
            "V1.2__a3.sql",
            "000003_x.up.sql",
        ];
        names.sort_by(|a, b| natural(a, b));
        assert_eq!(
            names,
            [
                "000003_x.up.sql",
                "V1__a.sql",
                "V1_1__a2.sql",
                "V1.2__a3.sql",
                "V2__b.sql",
                "V10__c.sql"
            ]
        );
        let paths = [Path::new("R__views.sql"), Path::new("V3__x.sql")];
        assert_eq!(name_order(paths[0], paths[1]), Ordering::Greater);
        assert!(is_down_file(Path::new("U2__undo.sql")));
        assert!(!is_down_file(Path::new("Users.sql")));
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
    fn client_delimiters_and_the_sandbox_line_become_what_the_server_receives() {
        let file = MigrationFile::new(
            "dump.sql",
            "/*M!999999\\- enable the sandbox mode */\nCREATE TABLE t (id INT);\nDELIMITER ;;\n\
             CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.id = 1; END ;;\n\
             DELIMITER ;\nALTER TABLE t ADD x INT;\n",
        );
        let s = file.statements();
        let lines: Vec<u32> = s.iter().map(|s| s.line).collect();
        assert_eq!(lines, [2, 4, 6], "{s:#?}");
        assert!(s[1].text.starts_with("CREATE TRIGGER") && s[1].text.ends_with("END"));
        assert_eq!(s[2].text, "ALTER TABLE t ADD x INT");
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
