//! Replays Debezium's DDL parser tests (`ddl-parser-cases/*.cases.sql`) through Sluice's parser
//! and catalog and evaluates their assertions on the resulting table model.
//!
//! Case format: `-- TEST name` starts a test with a fresh catalog; SQL lines accumulate until
//! `-- >>> parse`, which parses and applies them (statement by statement, so one failing
//! statement is one parse error, as in Debezium's walker); `-- assert:` lines are Java
//! assertions; a bare name right after a parse marker names the table the next assertions are
//! about. Assertions are classified:
//! - checked: evaluated on the model; every failure must be listed in [`DIFFERENCES`] with its
//!   reason, and every listed difference must still occur;
//! - not applicable: about something that is not the table model (Connect default-value
//!   conversion, the system-variable store, schema-change events, DDL counters, fixture files
//!   not in the conformance data, variables defined in Java code the case file does not carry).

#![allow(clippy::print_stdout)]

mod parser_cases;

use parser_cases::eval::{Ctx, Val, jdbc_equivalent, type_name_matches};
use parser_cases::java::{self, Expr, JParser};
use sluice_capture::ddl;
use sluice_capture::schema::{Catalog, TableChange, TableId};
use std::collections::BTreeMap;
use std::path::Path;

/// Deliberate differences: (test, assertion text fragment, reason).
const DIFFERENCES: &[(&str, &str, &str)] = &[
    // --- The model keeps what MySQL stores; Debezium keeps the text or converts it. ---
    (
        "testMultiColumnAlterWithDefaults",
        "1970-01-01 00:00:00",
        "DEFAULT CURRENT_TIMESTAMP stays CurrentTimestamp in the model; Debezium rewrites it to the \
         epoch for NOT NULL TIMESTAMP columns, which is the Avro mapping's decision",
    ),
    (
        "shouldParseEnumOptionsWithCommaQuoteAndBackslash",
        "extractEnumAndSetOptions",
        "ENUM/SET members are stored unescaped (the value MySQL stores: back\\slash is one backslash); \
         Debezium keeps the backslash escapes as written",
    ),
    (
        "shouldParseSetOptionsWithQuoteAndBackslash",
        "extractEnumAndSetOptions",
        "as above: members are unescaped",
    ),
    (
        "shouldParseEscapedEnumOptions",
        "ENUM(",
        "as above: members are unescaped (\"a\"\"\" is a\")",
    ),
    (
        "shouldParseCharacterDatatype",
        "length()).isEqualTo(-1)",
        "CHAR without a length is CHAR(1) in MySQL, and the model stores the effective length",
    ),
    // --- What the model does not keep (no effect on the Avro schema or on decoding). ---
    (
        "shouldProcessLargeColumn",
        "Integer.MAX_VALUE",
        "BLOB(n)/TEXT(n) become the smallest BLOB/TEXT type holding n bytes, as in MySQL; n is not kept",
    ),
    (
        "shouldProcessDimensionalBlob",
        "length()).isEqualTo(16)",
        "as above: BLOB(16) is TINYBLOB",
    ),
    (
        "shouldProcessMultipleSignedUnsignedForTable",
        "c4.",
        "DOUBLE(M,D) keeps no M,D (deprecated; storage and Avro type are a double either way)",
    ),
    (
        "shouldParseCreateDatabaseAndTableThatUsesDefaultCharacterSets",
        "Types.INTEGER, 11",
        "integer display widths (INT(11)) are not kept except TINYINT(1): deprecated, no effect on values",
    ),
    (
        "shouldParseCreateAndAlterWithOnUpdate",
        "Types.INTEGER, 10",
        "integer display width, as above",
    ),
    (
        "shouldParseAlterTableWithNewlineFeeds",
        "Types.INTEGER, 11",
        "integer display width, as above",
    ),
    (
        "shouldParseAlterTableThatChangesMultipleColumns",
        "Types.",
        "integer display width, as above",
    ),
    (
        "shouldParseColumnContainsBacktick",
        "Types.INTEGER, 10",
        "integer display width, as above",
    ),
    (
        "shouldParseCreateTableWithEnumAndSetColumns",
        "Types.CHAR",
        "Debezium's ENUM/SET 'length' (longest member / member count) is derived, not stored; the members are",
    ),
    (
        "shouldParseCreateTableWithEnumDefault",
        "Types.CHAR",
        "as above: ENUM length is derived",
    ),
    (
        "shouldParseTimeWithNowDefault",
        "\"c3\"",
        "ON UPDATE CURRENT_TIMESTAMP is not kept; Debezium flags such columns auto-incremented/generated, \
         which changes nothing in its Avro schema",
    ),
    (
        "shouldParseNonBinaryStringWithBinaryCollationAsString",
        "true, null)",
        "a nullable column without DEFAULT has no default in the model (as written); Debezium records \
         MySQL's implicit DEFAULT NULL — both give an Avro default of null",
    ),
    (
        "shouldNotDuplicateBinaryTypeName",
        "true, null)",
        "implicit DEFAULT NULL, as above",
    ),
    // --- Views are not tables. ---
    (
        "shouldParseCreateViewStatementStartSelect",
        "tables.size()",
        "views are not modelled (their rows are never in the binlog); Debezium's test enables view parsing",
    ),
    (
        "shouldParseDropView",
        "assertThat(foo).isNull()",
        "views are not modelled, as above",
    ),
    (
        "shouldParseCreateViewStatementColumnAlias",
        "",
        "views are not modelled, as above",
    ),
    (
        "shouldParseCreateViewStatementColumnAliasInnerSelect",
        "",
        "views are not modelled, as above",
    ),
    (
        "shouldParseAlterViewStatementColumnAliasInnerSelect",
        "",
        "views are not modelled, as above",
    ),
    // --- MySQL semantics where Debezium deviates. ---
    (
        "shouldHandleQuotes",
        "mytable5",
        "`db.mytable5` is one quoted identifier: MySQL creates a table named 'db.mytable5' in the \
         default database; Debezium splits it at the dot",
    ),
    // --- The case file lost part of the Java test text. ---
    (
        "shouldParseMultipleStatements",
        "tables.size()",
        "the Java test joins '-- This is a comment' and 'DROP TABLE foo;' with a line break the case \
         file elided, so here the DROP is inside the comment",
    ),
    (
        "shouldParseCheckTableSomeOtherKeyword",
        "getParsingExceptionsFromWalker",
        "the column list is built by Java code; the case file holds only its concatenated names",
    ),
];

struct TestState {
    name: String,
    catalog: Catalog,
    current: Option<TableId>,
    db: Option<String>,
    parse_errors: Vec<String>,
    uses_fixture: bool,
    just_parsed: bool,
}

impl TestState {
    fn new(name: &str) -> Self {
        Self {
            name: name.to_string(),
            catalog: Catalog::default(),
            current: None,
            db: None,
            parse_errors: Vec::new(),
            uses_fixture: false,
            just_parsed: false,
        }
    }

    fn run_sql(&mut self, sql: &str) {
        for stmt in ddl::split_statements(sql) {
            match ddl::parse(stmt, self.db.as_deref()) {
                Err(e) => self.parse_errors.push(e.to_string()),
                Ok(parsed) => {
                    for s in parsed {
                        if let ddl::DdlStatement::Use(db) = &s {
                            self.db = Some(db.clone());
                        }
                        if let Ok(changes) = self.catalog.apply(&s, self.db.as_deref()) {
                            for c in changes {
                                // Until a hint names another, the assertions are about the
                                // first table the test creates.
                                if let TableChange::Created(id) | TableChange::Reload(id) = c
                                    && self.current.is_none()
                                {
                                    self.current = Some(id);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// A bare line after a parse marker names a table (`db.table`, `dbtable` or `table`).
    fn hint(&mut self, line: &str) -> bool {
        let found = self.catalog.tables().find(|t| {
            line == t.id.table
                || line == format!("{}.{}", t.id.database, t.id.table)
                || line == format!("{}{}", t.id.database, t.id.table)
        });
        match found {
            Some(t) => {
                self.current = Some(t.id.clone());
                true
            }
            None => false,
        }
    }
}

enum Outcome {
    Pass,
    Fail(String),
    NotApplicable(String),
}

fn compare(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::TypeName(dt), Val::Str(s)) => type_name_matches(dt, s),
        (Val::Jdbc(x), Val::Jdbc(y)) => jdbc_equivalent(x, y),
        (Val::List(x), Val::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| compare(a, b))
        }
        _ => a == b,
    }
}

fn matcher(subject: &Val, m: &str, args: &[Val]) -> Result<bool, String> {
    let list = |v: &Val| match v {
        Val::List(l) => Ok(l.clone()),
        other => Err(format!("{m} on {other:?}")),
    };
    Ok(match m {
        "isNotNull" => *subject != Val::Null,
        "isNull" => *subject == Val::Null,
        "isTrue" => *subject == Val::Bool(true),
        "isFalse" => *subject == Val::Bool(false),
        "isEqualTo" => compare(subject, args.first().ok_or("isEqualTo()")?),
        "isEqualToIgnoringCase" => match (subject, args.first()) {
            (Val::Str(a), Some(Val::Str(b))) => a.eq_ignore_ascii_case(b),
            (Val::TypeName(dt), Some(Val::Str(b))) => type_name_matches(dt, b),
            _ => false,
        },
        "isEmpty" => match subject {
            Val::Opt(o) => o.is_none(),
            v => list(v)?.is_empty(),
        },
        "isPresent" => matches!(subject, Val::Opt(Some(_))),
        "hasSize" => Val::Int(list(subject)?.len() as i64) == *args.first().ok_or("hasSize()")?,
        "containsExactly" => compare(subject, &Val::List(args.to_vec())),
        "contains" => {
            let l = list(subject)?;
            args.iter().all(|a| l.iter().any(|x| compare(x, a)))
        }
        "containsOnly" => {
            let l = list(subject)?;
            args.iter().all(|a| l.iter().any(|x| compare(x, a)))
                && l.iter().all(|x| args.iter().any(|a| compare(x, a)))
        }
        other => return Err(format!("matcher {other}")),
    })
}

fn evaluate(state: &TestState, text: &str) -> Outcome {
    if state.uses_fixture {
        return Outcome::NotApplicable("uses a fixture file not in the conformance data".into());
    }
    for (prefix, why) in [
        ("listener.", "schema-change event listener"),
        ("assertVariable", "system-variable store"),
        ("assertSessionVariable", "system-variable store"),
        ("assertGlobalVariable", "system-variable store"),
        ("assertLocalVariable", "system-variable store"),
    ] {
        if text.starts_with(prefix) {
            return Outcome::NotApplicable(why.into());
        }
    }
    if text.contains(".total()") {
        return Outcome::NotApplicable("Debezium's DDL change counter".into());
    }
    let Some(toks) = java::tokenize(text) else {
        return Outcome::NotApplicable("Java syntax".into());
    };
    let mut p = JParser::new(toks);
    let Some(expr) = p.expr() else {
        return Outcome::NotApplicable("Java code beyond a single assertion".into());
    };
    if !p.done() {
        return Outcome::NotApplicable("Java code beyond a single assertion".into());
    }
    let ctx = Ctx {
        catalog: &state.catalog,
        current: state.current.clone(),
        parse_errors: &state.parse_errors,
    };
    let result = match &expr {
        Expr::Call(target, m, Some(args)) => match target.as_ref() {
            Expr::Func(f, subj) if f == "assertThat" && subj.len() == 1 => {
                let subject = match ctx.eval(&subj[0]) {
                    Ok(v) => v,
                    Err(e) => return Outcome::NotApplicable(e),
                };
                let args = match args
                    .iter()
                    .map(|a| ctx.eval(a))
                    .collect::<Result<Vec<_>, _>>()
                {
                    Ok(a) => a,
                    Err(e) => return Outcome::NotApplicable(e),
                };
                matcher(&subject, m, &args).map(|ok| (ok, format!("actual {subject:?}")))
            }
            _ => Err("assertion shape".to_string()),
        },
        Expr::Func(f, args) if f == "assertColumn" => parser_cases::assert_column(&ctx, args),
        Expr::Func(f, args) if f == "assertParseEnumAndSetOptions" => {
            parser_cases::assert_enum_options(args)
        }
        _ => Err("assertion shape".to_string()),
    };
    match result {
        Ok((true, _)) => Outcome::Pass,
        Ok((false, actual)) => Outcome::Fail(actual),
        Err(e) => Outcome::NotApplicable(e),
    }
}

#[derive(Default)]
struct Tally {
    tests: usize,
    checked: usize,
    passed: usize,
    differences: usize,
    not_applicable: BTreeMap<String, usize>,
    unexpected: Vec<String>,
    seen_differences: Vec<usize>,
}

fn replay(path: &Path, tally: &mut Tally) {
    let text = std::fs::read_to_string(path).expect("read cases");
    let mut state: Option<TestState> = None;
    let mut chunk = String::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("-- TEST ") {
            tally.tests += 1;
            chunk.clear();
            let name = rest.split_whitespace().next().unwrap_or_default();
            state = Some(TestState::new(name));
            continue;
        }
        let Some(st) = state.as_mut() else { continue };
        if line.starts_with("-- >>> parse") {
            st.run_sql(&chunk);
            chunk.clear();
            st.just_parsed = true;
        } else if line.starts_with("-- file:") {
            st.uses_fixture = true;
        } else if let Some(a) = line.strip_prefix("-- assert: ") {
            match evaluate(st, a) {
                Outcome::Pass => {
                    tally.checked += 1;
                    tally.passed += 1;
                }
                Outcome::NotApplicable(why) => *tally.not_applicable.entry(why).or_default() += 1,
                Outcome::Fail(actual) => {
                    tally.checked += 1;
                    match DIFFERENCES
                        .iter()
                        .position(|(t, frag, _)| *t == st.name && a.contains(frag))
                    {
                        Some(i) => {
                            tally.differences += 1;
                            tally.seen_differences.push(i);
                        }
                        None => tally
                            .unexpected
                            .push(format!("{}: {a} — {actual}", st.name)),
                    }
                }
            }
        } else {
            let comment = line.starts_with("--");
            // A bare table name after a parse marker says which table is asserted on.
            let bare = !line.trim().is_empty() && !line.contains(' ');
            let hint = st.just_parsed && bare && st.hint(line.trim());
            // A value the Java test passed to the parser (e.g. a table filter).
            let java_argument = chunk.is_empty() && is_java_argument(line);
            let is_sql = !(comment || hint || java_argument);
            if !is_sql {
                continue;
            }
            st.just_parsed = false;
            chunk.push_str(line);
            chunk.push('\n');
        }
    }
}

fn is_java_argument(line: &str) -> bool {
    let l = line.trim();
    !l.is_empty()
        && !l.contains(' ')
        && !l.ends_with(';')
        && l.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
}

#[test]
fn debezium_parser_test_assertions_hold_on_the_model() {
    let Some(dir) = sluice_test_data::shared(
        "conformance/mysql/ddl-parser-cases",
        "Debezium's DDL parser test assertions",
    ) else {
        return;
    };
    let mut tally = Tally::default();
    for f in [
        "MySqlAntlrDdlParserTest.cases.sql",
        "BinlogAntlrDdlParserTest.cases.sql",
    ] {
        let before = (tally.tests, tally.checked, tally.passed);
        replay(&dir.join(f), &mut tally);
        println!(
            "{f}: tests {}, assertions checked {}, passed {}",
            tally.tests - before.0,
            tally.checked - before.1,
            tally.passed - before.2
        );
    }
    println!(
        "total: tests {}, checked {}, passed {}, deliberate differences {}",
        tally.tests, tally.checked, tally.passed, tally.differences
    );
    for (why, n) in &tally.not_applicable {
        println!("not applicable ({n}): {why}");
    }
    for u in &tally.unexpected {
        println!("UNEXPECTED {u}");
    }
    let unused: Vec<_> = (0..DIFFERENCES.len())
        .filter(|i| !tally.seen_differences.contains(i))
        .map(|i| DIFFERENCES[i])
        .collect();
    assert!(
        unused.is_empty(),
        "listed differences that no longer occur: {unused:?}"
    );
    assert!(
        tally.unexpected.is_empty(),
        "{} unexpected failures",
        tally.unexpected.len()
    );
}
