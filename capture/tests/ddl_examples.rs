//! Every statement of the conformance DDL example files (MySQL and MariaDB) goes through the
//! parser and the catalog, statement by statement, without stopping.
//!
//! Must hold: zero parse errors (every statement is either parsed for the model or recognised
//! and skipped); catalog errors only of the kind "unknown table/database" (the files ALTER and
//! DROP tables they never create), never anything else.

#![allow(clippy::print_stdout)]

use sluice_capture::ddl::{self, DdlStatement};
use sluice_capture::schema::{Catalog, SchemaError};
use std::path::{Path, PathBuf};

/// Split a file into statements, honouring `DELIMITER` lines (client syntax).
fn file_statements(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut delimiter = ";".to_string();
    let mut chunk = String::new();
    let flush = |chunk: &mut String, delimiter: &str, out: &mut Vec<String>| {
        if delimiter == ";" {
            out.extend(ddl::split_statements(chunk).into_iter().map(str::to_string));
        } else {
            for piece in chunk.split(delimiter) {
                out.extend(ddl::split_statements(piece).into_iter().map(str::to_string));
            }
        }
        chunk.clear();
    };
    for line in text.lines() {
        let trimmed = line.trim_start();
        // `#begin`/`#end` mark sections in these files; one section's last statement may lack
        // its `;` (the grammar they test makes it optional), so sections are split there.
        if trimmed.starts_with("#begin") || trimmed.starts_with("#end") {
            flush(&mut chunk, &delimiter, &mut out);
            continue;
        }
        if trimmed.len() > 10 && trimmed[..10].eq_ignore_ascii_case("DELIMITER ") {
            flush(&mut chunk, &delimiter, &mut out);
            delimiter = trimmed[10..].trim().to_string();
            continue;
        }
        chunk.push_str(line);
        chunk.push('\n');
    }
    flush(&mut chunk, &delimiter, &mut out);
    out
}

#[derive(Default, Debug)]
struct Counts {
    statements: usize,
    table_model: usize,
    skipped: usize,
    parse_errors: Vec<String>,
    unknown: usize,
    other_errors: Vec<String>,
}

fn run_file(path: &Path) -> Counts {
    let text = std::fs::read(path).expect("read example file");
    let text = String::from_utf8_lossy(&text);
    let mut catalog = Catalog::default();
    let mut current_db: Option<String> = None;
    let mut counts = Counts::default();
    for stmt in file_statements(&text) {
        match ddl::parse(&stmt, current_db.as_deref()) {
            Err(e) => {
                counts.statements += 1;
                counts.parse_errors.push(e.to_string());
            }
            Ok(parsed) => {
                for s in parsed {
                    counts.statements += 1;
                    match &s {
                        // SET is parsed (charset variables) but is not table DDL.
                        DdlStatement::Skipped { .. } | DdlStatement::SetVariables(_) => {
                            counts.skipped += 1
                        }
                        DdlStatement::Use(db) => current_db = Some(db.clone()),
                        _ => counts.table_model += 1,
                    }
                    match catalog.apply(&s, current_db.as_deref()) {
                        Ok(_) => {}
                        Err(SchemaError::UnknownTable(_) | SchemaError::UnknownDatabase(_)) => {
                            counts.unknown += 1
                        }
                        Err(e) => counts.other_errors.push(format!("{e} in: {stmt}")),
                    }
                }
            }
        }
    }
    counts
}

fn run_dir(dir: &Path) -> (usize, Vec<String>) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("list examples")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut total = 0;
    for f in &files {
        let c = run_file(f);
        total += c.statements;
        println!(
            "{:<55} statements {:>4}  table-model {:>4}  skipped {:>4}  unknown-table {:>3}  parse errors {}",
            f.strip_prefix(dir).unwrap_or(f).display(),
            c.statements,
            c.table_model,
            c.skipped,
            c.unknown,
            c.parse_errors.len()
        );
        for e in c.parse_errors.iter().chain(&c.other_errors) {
            failures.push(format!("{}: {e}", f.display()));
        }
    }
    (total, failures)
}

#[test]
fn every_example_statement_is_modelled_or_recognised() {
    let Some(dir) = sluice_test_data::shared(
        "conformance/mysql",
        "the DDL example files through the parser and the catalog",
    ) else {
        return;
    };
    let mut failures = Vec::new();
    let mut total = 0;
    for sub in ["ddl-examples", "ddl-examples/mariadb"] {
        let (n, f) = run_dir(&dir.join(sub));
        total += n;
        failures.extend(f);
    }
    println!("{total} statements, {} failures", failures.len());
    for f in &failures {
        println!("FAIL {f}");
    }
    assert!(failures.is_empty(), "{} statements failed", failures.len());
}
