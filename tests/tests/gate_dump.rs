//! `sluice gate --from-dump` on what `mariadb-dump --no-data` really writes (the sandbox-mode
//! line, `DELIMITER ;;` around triggers, versioned comments, with and without `--databases`),
//! and the same verdicts as `--from` the live server it was dumped from.

use sluice_e2e::MariaDb;
use sluice_e2e::gate::sluice;

const SCHEMA: &str = "CREATE DATABASE shop; USE shop;
CREATE TABLE customers (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL,
  status ENUM('new','active','gone') NOT NULL DEFAULT 'new', balance DECIMAL(10,2) NOT NULL DEFAULT 0);
CREATE TABLE audit (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, line TEXT);
CREATE TRIGGER customers_audit AFTER INSERT ON customers FOR EACH ROW
  INSERT INTO audit (line) VALUES (CONCAT('new customer ', NEW.id));
CREATE VIEW active AS SELECT id, email FROM customers WHERE status = 'active';";

#[test]
fn real_dumps_and_the_live_server_give_the_same_verdicts() {
    let db = MariaDb::start();
    db.root(SCHEMA);
    let dir = tempfile::tempdir().unwrap();
    let with_databases = dir.path().join("with-databases.sql");
    std::fs::write(&with_databases, db.dump_schema(&["--databases", "shop"])).unwrap();
    let plain = dir.path().join("plain.sql");
    let text = db.dump_schema(&["shop"]);
    assert!(
        text.contains("DELIMITER ;;"),
        "a dump with a trigger: {text}"
    );
    std::fs::write(&plain, text).unwrap();

    let cases = [
        (
            "ok.sql",
            "ALTER TABLE customers ADD COLUMN phone VARCHAR(20) NULL;",
            0,
        ),
        (
            "bad.sql",
            "ALTER TABLE customers ADD COLUMN phone VARCHAR(20) NOT NULL;",
            1,
        ),
        (
            "enum.sql",
            "ALTER TABLE customers MODIFY status ENUM('new','active') NOT NULL DEFAULT 'new';",
            1, // --strict below: the removed symbol is an error
        ),
    ];
    let live = format!(
        "mysql://{}:{}@127.0.0.1:{}",
        sluice_e2e::mariadb::USER,
        sluice_e2e::mariadb::PASSWORD,
        db.port()
    );
    for (name, sql, expected) in cases {
        let migration = dir.path().join(name);
        std::fs::write(&migration, format!("USE shop;\n{sql}\n")).unwrap();
        let m = migration.to_str().unwrap();
        let sources: [&[&str]; 3] = [
            &["--from-dump", with_databases.to_str().unwrap()],
            &["--from-dump", plain.to_str().unwrap(), "--database", "shop"],
            &["--from", &live],
        ];
        for source in sources {
            let mut args = vec![
                "gate",
                "--topic-prefix",
                "inv",
                "--strict",
                "--format",
                "json",
            ];
            args.extend_from_slice(source);
            args.push(m);
            let run = sluice(dir.path(), &args);
            assert_eq!(run.code, expected, "{name} with {source:?}: {run:?}");
        }
    }
}
