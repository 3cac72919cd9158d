//! Whatever the input, the parser and catalog return instead of panicking.

use proptest::prelude::*;
use sluice_capture::ddl;
use sluice_capture::schema::Catalog;

/// Fragments of DDL, so random inputs reach deep into the grammar.
const PIECES: &[&str] = &[
    "CREATE",
    "TABLE",
    "ALTER",
    "ADD",
    "COLUMN",
    "DROP",
    "t",
    "`a`",
    "\"b\"",
    "(",
    ")",
    ",",
    ";",
    "INT",
    "VARCHAR",
    "(10)",
    "NOT",
    "NULL",
    "DEFAULT",
    "'x'",
    "PRIMARY",
    "KEY",
    "UNIQUE",
    "INDEX",
    "FIRST",
    "AFTER",
    "CHANGE",
    "MODIFY",
    "RENAME",
    "TO",
    "ENUM('a','b')",
    "/*!50100",
    "*/",
    "--",
    "#",
    "\n",
    "SELECT",
    "PARTITION",
    "BY",
    "CHARACTER",
    "SET",
    "=",
    "utf8mb4",
    "BEGIN",
    "END",
    "IF",
    "EXISTS",
    "LIKE",
    "AS",
    ".",
    "0x1F",
    "_utf8'q'",
    "-1",
    "é",
    "@@x",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,200}") {
        let _ = ddl::parse(&s, Some("db"));
        let _ = ddl::split_statements(&s);
    }

    #[test]
    fn arbitrary_ddl_fragments_never_panic(idx in proptest::collection::vec(0..PIECES.len(), 0..40)) {
        let sql = idx.iter().map(|i| PIECES[*i]).collect::<Vec<_>>().join(" ");
        let mut c = Catalog::new();
        let _ = c.apply_sql(&sql, Some("db"));
        let _ = c.apply_sql("CREATE TABLE t (a INT, b INT)", Some("db"));
        let _ = c.apply_sql(&sql, Some("db"));
    }
}
