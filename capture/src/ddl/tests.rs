//! Parser behaviour on the statement shapes that general SQL parsers miss.

use super::{AlterSpec, DdlStatement, parse};
use crate::schema::{DataType, LobSize, TableId};

fn one(sql: &str) -> DdlStatement {
    let mut v = parse(sql, Some("db")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v.len(), 1, "{v:?}");
    v.remove(0)
}

#[test]
fn everyday_statements_that_sqlparser_fails_on_parse() {
    for sql in [
        "ALTER TABLE t ADD COLUMN (c2 DECIMAL(10,2), c3 INT)",
        "ALTER TABLE t CHANGE id id VARCHAR(10) CHARACTER SET utf8mb4 BINARY NOT NULL",
        "CREATE TABLE t (a NATIONAL VARCHAR(255), b char(60) binary, c SERIAL, d INT SERIAL DEFAULT VALUE)",
        "ALTER TABLE t DROP COLUMN a, DROP INDEX i, DROP FOREIGN KEY f",
        "ALTER TABLE t DEFAULT CHARACTER SET = cp1251",
        "CREATE TABLE t (id INT) ENGINE=InnoDB /*!50100 PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (10)) */",
        "CREATE TABLE t (a INT GENERATED ALWAYS AS (b + 1) VIRTUAL INVISIBLE, b INT CHECK (b > 0)) WITH SYSTEM VERSIONING",
    ] {
        assert!(parse(sql, None).is_ok(), "{sql}: {:?}", parse(sql, None));
    }
}

#[test]
fn types_are_normalised() {
    let DdlStatement::CreateTable(c) = one(
        "CREATE TABLE t (a INTEGER UNSIGNED ZEROFILL, b REAL, c NUMERIC, d TEXT(300), e BOOL, \
         f DATETIME(6), g ENUM('x','y'), h LONG VARCHAR, i TINYINT(1))",
    ) else {
        panic!("not a CREATE TABLE")
    };
    let types: Vec<_> = c
        .columns
        .iter()
        .map(|c| c.column.data_type.clone())
        .collect();
    assert_eq!(
        types,
        [
            DataType::Int { unsigned: true },
            DataType::Double { unsigned: false },
            DataType::Decimal {
                precision: 10,
                scale: 0,
                unsigned: false
            },
            DataType::Text(LobSize::Normal),
            DataType::Boolean,
            DataType::DateTime(6),
            DataType::Enum(vec!["x".into(), "y".into()]),
            DataType::Text(LobSize::Medium),
            DataType::TinyInt {
                unsigned: false,
                width: Some(1)
            },
        ]
    );
}

#[test]
fn the_length_written_in_integer_year_and_temporal_types_is_kept() {
    let DdlStatement::CreateTable(c) = one(
        "CREATE TABLE t (a INT(11), b INT, c BIGINT(20) UNSIGNED, d YEAR(4), e TIME, f TIME(3), \
         g DATETIME(0), h SMALLINT(6), i TINYINT(4), j VARCHAR(5))",
    ) else {
        panic!("not a CREATE TABLE")
    };
    let lengths: Vec<_> = c.columns.iter().map(|c| c.column.length).collect();
    assert_eq!(
        lengths,
        [
            Some(11),
            None,
            Some(20),
            Some(4),
            None,
            Some(3),
            Some(0),
            Some(6),
            Some(4),
            None
        ]
    );
}

#[test]
fn qualified_names_and_use_change_the_database() {
    let v = parse("USE other; DROP TABLE IF EXISTS a, x.b; TRUNCATE c", None).unwrap();
    assert_eq!(
        v[1],
        DdlStatement::DropTable {
            tables: vec![TableId::new("other", "a"), TableId::new("x", "b")],
            if_exists: true,
            statements: vec![
                "DROP TABLE IF EXISTS `other`.`a`".into(),
                "DROP TABLE IF EXISTS `x`.`b`".into()
            ],
        }
    );
    assert_eq!(
        v[2],
        DdlStatement::TruncateTable(TableId::new("other", "c"))
    );
}

#[test]
fn irrelevant_statements_are_skipped_with_their_kind() {
    for (sql, kind) in [
        ("INSERT INTO t VALUES (1)", "INSERT"),
        ("GRANT ALL ON *.* TO 'u'@'%'", "GRANT"),
        (
            "CREATE DEFINER=`root`@`%` PROCEDURE p() BEGIN SELECT 1; END",
            "CREATE PROCEDURE",
        ),
        ("CREATE OR REPLACE VIEW v AS SELECT 1", "CREATE VIEW"),
        ("FLUSH TABLES", "FLUSH"),
    ] {
        assert_eq!(
            one(sql),
            DdlStatement::Skipped { kind: kind.into() },
            "{sql}"
        );
    }
}

#[test]
fn alter_specs_keep_their_order_and_options_are_other() {
    let DdlStatement::AlterTable { specs, .. } = one(
        "ALTER TABLE t ADD c INT AFTER b, ALGORITHM=INPLACE, LOCK=NONE, RENAME TO t2, ENGINE=InnoDB",
    ) else {
        panic!()
    };
    assert!(matches!(specs[0], AlterSpec::AddColumn { .. }));
    assert!(matches!(specs[1], AlterSpec::Other(_)));
    assert_eq!(specs[3], AlterSpec::RenameTable(TableId::new("db", "t2")));
}

#[test]
fn set_statement_for_applies_the_inner_statement() {
    assert!(matches!(
        one("SET STATEMENT max_statement_time = 60 FOR ALTER TABLE t ADD c INT"),
        DdlStatement::AlterTable { .. }
    ));
}

#[test]
fn errors_name_the_offset_and_the_text_there() {
    let e = parse("CREATE TABLE t (a INT, b FOO(3))", None).unwrap_err();
    assert_eq!(e.offset, 25);
    let text = e.to_string();
    assert!(text.starts_with("cannot parse DDL at byte 25 ("), "{text}");
    assert!(text.contains("expected a column type"), "{text}");
}

#[test]
fn each_dropped_table_gets_the_statement_debeziums_drop_table_listener_gives_it() {
    let v = parse(
        "DROP TABLE `diff`.`a`,b /* generated by server */",
        Some("diff"),
    )
    .unwrap();
    let DdlStatement::DropTable { statements, .. } = &v[0] else {
        panic!("{v:?}")
    };
    assert_eq!(
        statements,
        &["DROP TABLE `diff`.`a`", "DROP TABLE `diff`.`b`"]
    );
    let v = parse("drop  table if exists a, b cascade", None).unwrap();
    let DdlStatement::DropTable { statements, .. } = &v[0] else {
        panic!("{v:?}")
    };
    assert_eq!(
        statements,
        &[
            "drop  table if exists `a` CASCADE",
            "drop  table if exists `b` CASCADE"
        ]
    );
}

#[test]
fn each_renamed_pair_gets_the_statement_prefix_and_the_pair_as_written() {
    let v = parse("RENAME TABLE diff.a TO diff.c,  b TO `d`", Some("diff")).unwrap();
    let DdlStatement::RenameTable { statements, .. } = &v[0] else {
        panic!("{v:?}")
    };
    assert_eq!(
        statements,
        &["RENAME TABLE diff.a TO diff.c", "RENAME TABLE b TO `d`"]
    );
}
