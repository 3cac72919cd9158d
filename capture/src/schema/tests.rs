//! Behaviour of the catalog, one rule per test.

use super::{Catalog, ColumnDefault, DataType, SchemaError, Table, TableChange, TableId};

fn catalog(sql: &str) -> Catalog {
    let mut c = Catalog::new();
    c.apply_sql(sql, Some("db")).expect("DDL applies");
    c
}

fn table<'a>(c: &'a Catalog, name: &str) -> &'a Table {
    c.table(&TableId::new("db", name)).expect("table exists")
}

fn names(t: &Table) -> Vec<&str> {
    t.columns.iter().map(|c| c.name.as_str()).collect()
}

#[test]
fn add_column_goes_last_unless_first_or_after() {
    let c = catalog(
        "CREATE TABLE t (a INT, b INT); ALTER TABLE t ADD COLUMN z INT, ADD y INT FIRST, \
         ADD x INT AFTER a, ADD COLUMN (p INT, q INT)",
    );
    assert_eq!(names(table(&c, "t")), ["y", "a", "x", "b", "z", "p", "q"]);
}

#[test]
fn change_column_keeps_position_unless_first_or_after() {
    let c = catalog(
        "CREATE TABLE t (a INT, b INT, c INT); ALTER TABLE t CHANGE b b2 BIGINT; \
         ALTER TABLE t MODIFY a INT AFTER c",
    );
    let t = table(&c, "t");
    assert_eq!(names(t), ["b2", "c", "a"]);
    assert_eq!(t.columns[0].data_type, DataType::BigInt { unsigned: false });
}

#[test]
fn modify_without_not_null_makes_the_column_nullable_but_not_a_key_column() {
    let c = catalog(
        "CREATE TABLE t (id INT NOT NULL, v INT NOT NULL, PRIMARY KEY (id)); \
         ALTER TABLE t MODIFY v BIGINT, MODIFY id BIGINT",
    );
    let t = table(&c, "t");
    assert!(t.column("v").unwrap().nullable);
    assert!(!t.column("id").unwrap().nullable);
}

#[test]
fn primary_key_columns_become_not_null() {
    let c = catalog(
        "CREATE TABLE t (id INT, v INT, PRIMARY KEY (id)); CREATE TABLE u (k INT PRIMARY KEY)",
    );
    assert!(!table(&c, "t").column("id").unwrap().nullable);
    assert!(!table(&c, "u").column("k").unwrap().nullable);
    assert_eq!(table(&c, "u").primary_key, ["k"]);
}

#[test]
fn drop_column_removes_it_from_the_primary_key() {
    let c = catalog(
        "CREATE TABLE t (a INT, b INT, c INT, PRIMARY KEY (a, b)); ALTER TABLE t DROP COLUMN b",
    );
    assert_eq!(table(&c, "t").primary_key, ["a"]);
}

#[test]
fn unique_key_is_promoted_when_table_has_no_primary_key() {
    let c = catalog(
        "CREATE TABLE t (a INT NOT NULL, b INT NOT NULL, UNIQUE KEY uk (b)); \
         CREATE TABLE n (a INT, UNIQUE KEY uk (a)); \
         CREATE TABLE e (a INT NOT NULL, UNIQUE KEY uk (a, (a * 2))); \
         CREATE TABLE p (a INT NOT NULL, b INT NOT NULL, UNIQUE KEY uk (b), PRIMARY KEY (a))",
    );
    assert_eq!(table(&c, "t").primary_key, ["b"]);
    assert!(table(&c, "n").primary_key.is_empty(), "nullable column");
    assert!(table(&c, "e").primary_key.is_empty(), "expression part");
    assert_eq!(table(&c, "p").primary_key, ["a"], "a real primary key wins");
}

#[test]
fn create_unique_index_promotes_and_dropping_it_removes_the_key() {
    let mut c = catalog("CREATE TABLE t (a INT NOT NULL, b INT NOT NULL)");
    let changes = c
        .apply_sql("CREATE UNIQUE INDEX ua ON t (a)", Some("db"))
        .unwrap();
    assert_eq!(changes, [TableChange::Altered(TableId::new("db", "t"))]);
    assert_eq!(table(&c, "t").primary_key, ["a"]);
    c.apply_sql("ALTER TABLE t ADD UNIQUE KEY ub (b)", Some("db"))
        .unwrap();
    c.apply_sql("DROP INDEX ua ON t", Some("db")).unwrap();
    assert_eq!(
        table(&c, "t").primary_key,
        ["b"],
        "the next unique key is promoted"
    );
}

#[test]
fn drop_primary_key_leaves_the_table_without_key() {
    let c = catalog(
        "CREATE TABLE t (a INT NOT NULL, b INT NOT NULL, PRIMARY KEY (a), UNIQUE KEY ub (b)); \
         ALTER TABLE t DROP PRIMARY KEY",
    );
    assert!(table(&c, "t").primary_key.is_empty());
}

#[test]
fn column_charset_is_inherited_from_table_then_database_then_server() {
    let c = catalog(
        "SET character_set_server = latin2; CREATE DATABASE d1 CHARACTER SET latin1; \
         CREATE TABLE d1.t (a VARCHAR(5), b VARCHAR(5) CHARSET ascii, c VARCHAR(5) COLLATE utf8mb4_bin, n INT) \
         DEFAULT CHARSET = cp1251; \
         CREATE TABLE d1.u (a TEXT); CREATE TABLE v (a CHAR(2))",
    );
    let t = c.table(&TableId::new("d1", "t")).unwrap();
    let cs = |t: &Table, n: &str| t.column(n).unwrap().charset.clone();
    assert_eq!(cs(t, "a").as_deref(), Some("cp1251"));
    assert_eq!(cs(t, "b").as_deref(), Some("ascii"));
    assert_eq!(cs(t, "c").as_deref(), Some("utf8mb4"));
    assert_eq!(cs(t, "n"), None);
    assert_eq!(
        cs(c.table(&TableId::new("d1", "u")).unwrap(), "a").as_deref(),
        Some("latin1")
    );
    assert_eq!(cs(table(&c, "v"), "a").as_deref(), Some("latin2"));
}

#[test]
fn convert_to_character_set_changes_every_character_column() {
    let c = catalog(
        "CREATE TABLE t (id INT, s VARCHAR(5)) CHARSET latin1; \
         ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
    );
    let t = table(&c, "t");
    assert_eq!(t.charset.as_deref(), Some("utf8mb4"));
    assert_eq!(t.column("s").unwrap().charset.as_deref(), Some("utf8mb4"));
    assert_eq!(t.column("id").unwrap().charset, None);
}

#[test]
fn create_table_like_copies_and_rename_moves() {
    let mut c = catalog("CREATE TABLE a (id INT PRIMARY KEY, v TEXT); CREATE TABLE b LIKE a");
    assert_eq!(table(&c, "b").columns, table(&c, "a").columns);
    let changes = c
        .apply_sql("RENAME TABLE a TO a2, b TO other.b", Some("db"))
        .unwrap();
    assert_eq!(changes.len(), 2);
    assert!(c.table(&TableId::new("db", "a")).is_none());
    assert_eq!(
        c.table(&TableId::new("other", "b")).unwrap().primary_key,
        ["id"]
    );
}

#[test]
fn ddl_on_an_unknown_table_is_an_error_and_changes_nothing() {
    let mut c = catalog("CREATE TABLE t (a INT)");
    let before = c.clone();
    assert_eq!(
        c.apply_sql("ALTER TABLE nope ADD b INT", Some("db")),
        Err(SchemaError::UnknownTable(TableId::new("db", "nope")))
    );
    assert!(matches!(
        c.apply_sql("ALTER TABLE t ADD b INT, DROP COLUMN missing", Some("db")),
        Err(SchemaError::Inconsistent { .. })
    ));
    assert_eq!(c, before);
}

#[test]
fn create_table_as_select_asks_for_a_reload() {
    let mut c = Catalog::new();
    let changes = c
        .apply_sql(
            "CREATE TABLE t (extra INT) AS SELECT * FROM other",
            Some("db"),
        )
        .unwrap();
    assert_eq!(changes, [TableChange::Reload(TableId::new("db", "t"))]);
}

#[test]
fn defaults_and_alter_column_default() {
    let c = catalog(
        "CREATE TABLE t (a INT DEFAULT -1, b TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \
         c VARCHAR(3) DEFAULT _utf8mb4'x' 'y', d BINARY(16) DEFAULT (uuid_to_bin(uuid())), e INT DEFAULT NULL); \
         ALTER TABLE t ALTER COLUMN e SET DEFAULT 5, ALTER a DROP DEFAULT",
    );
    let t = table(&c, "t");
    let d = |n: &str| t.column(n).unwrap().default.clone();
    assert_eq!(d("a"), None);
    assert_eq!(d("b"), Some(ColumnDefault::CurrentTimestamp));
    assert_eq!(d("c"), Some(ColumnDefault::Literal("xy".into())));
    assert_eq!(
        d("d"),
        Some(ColumnDefault::Expression("(uuid_to_bin(uuid()))".into()))
    );
    assert_eq!(d("e"), Some(ColumnDefault::Literal("5".into())));
}

#[test]
fn catalog_round_trips_through_json() {
    let c = catalog("CREATE TABLE t (a INT NOT NULL, UNIQUE KEY u (a), s SET('x','y'))");
    let json = serde_json::to_string(&c).unwrap();
    let back: Catalog = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c);
}

#[test]
fn a_restored_database_charset_is_the_default_of_tables_created_after_it() {
    let mut c = Catalog::new();
    c.insert_database("db", Some("latin1".into()));
    let mut t = Table {
        id: TableId::new("db", "old"),
        columns: Vec::new(),
        primary_key: Vec::new(),
        charset: Some("utf8mb4".into()),
        comment: None,
    };
    t.columns
        .push(super::Column::new("id", DataType::Int { unsigned: false }));
    c.insert_table(t);
    // Restoring a table after its database keeps the database's charset, and the other way round.
    c.insert_database("db", Some("latin1".into()));
    assert_eq!(c.databases().collect::<Vec<_>>(), [("db", Some("latin1"))]);
    c.apply_sql("CREATE TABLE db.t (s VARCHAR(5))", None)
        .expect("DDL applies");
    let t = table(&c, "t");
    assert_eq!(t.charset.as_deref(), Some("latin1"));
    assert_eq!(t.columns[0].charset.as_deref(), Some("latin1"));
    assert!(c.table(&TableId::new("db", "old")).is_some());
}

#[test]
fn alter_database_changes_the_charset_the_catalog_lists() {
    let c = catalog(
        "CREATE DATABASE d2 CHARACTER SET utf8mb4; ALTER DATABASE d2 COLLATE latin1_swedish_ci",
    );
    assert!(c.databases().any(|d| d == ("d2", Some("latin1"))));
}
