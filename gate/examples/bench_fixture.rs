//! Writes the gate benchmark's inputs into a directory: a 500-table schema dump
//! (`schema.sql`), 100 migration files (`migrations/V{n}__*.sql`, 1–3 statements each: added,
//! dropped, widened and narrowed columns, DECIMAL and ENUM changes, new tables, a few breaking
//! ones) and the registry export capture would have produced for the dump (`registry.json`,
//! key and value subjects of every table, 1,000 subjects).
//!
//! `cargo run --release -p sluice-gate --example bench_fixture -- DIR`, then time
//! `sluice gate --from-dump DIR/schema.sql --database bench --topic-prefix bench
//! --registry-file DIR/registry.json DIR/migrations` (see `scripts/bench-gate.sh`).

use sluice_capture::avro::TableAvro;
use sluice_capture::schema::Catalog;
use sluice_proto::export::{RegistryExport, SubjectExport};
use sluice_proto::rest::SubjectSchema;
use std::fmt::Write as _;
use std::path::PathBuf;

const TABLES: usize = 500;
const MIGRATIONS: usize = 100;

fn table_sql(i: usize) -> String {
    format!(
        "CREATE TABLE `t{i:03}` (\n  `id` bigint(20) NOT NULL AUTO_INCREMENT,\n  `tenant_id` int(11) NOT NULL,\n  \
         `name` varchar(255) NOT NULL,\n  `email` varchar(255) DEFAULT NULL,\n  `status` enum('new','active','suspended','closed') NOT NULL DEFAULT 'new',\n  \
         `score` int(11) NOT NULL DEFAULT 0,\n  `balance` decimal(12,2) NOT NULL DEFAULT 0.00,\n  `ratio` double DEFAULT NULL,\n  \
         `notes` text DEFAULT NULL,\n  `payload` json DEFAULT NULL,\n  `born` date DEFAULT NULL,\n  \
         `created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),\n  `updated_at` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n  \
         PRIMARY KEY (`id`),\n  KEY `ix_tenant` (`tenant_id`),\n  UNIQUE KEY `ux_email` (`email`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;\n"
    )
}

fn migration(n: usize) -> String {
    let t = (n * 37) % TABLES;
    let u = (n * 91 + 7) % TABLES;
    match n % 10 {
        0 => format!("ALTER TABLE t{t:03} ADD COLUMN extra_{n} VARCHAR(40) NULL;\n"),
        1 => format!(
            "ALTER TABLE t{t:03} ADD COLUMN flag_{n} TINYINT(1) NOT NULL DEFAULT 0;\nALTER TABLE t{u:03} ADD COLUMN note_{n} VARCHAR(20) NULL AFTER name;\n"
        ),
        2 => format!("ALTER TABLE t{t:03} MODIFY score BIGINT NOT NULL DEFAULT 0;\n"),
        3 => format!("ALTER TABLE t{t:03} MODIFY balance DECIMAL(14,4) NOT NULL DEFAULT 0;\n"),
        4 => format!(
            "ALTER TABLE t{t:03} MODIFY status ENUM('new','active','closed') NOT NULL DEFAULT 'new';\n"
        ),
        5 => format!(
            "CREATE TABLE new_{n} (\n  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,\n  t_id BIGINT NOT NULL,\n  amount DECIMAL(12,2) NOT NULL,\n  created_at DATETIME NOT NULL\n);\nCREATE INDEX ix_new_{n} ON new_{n} (t_id);\n"
        ),
        6 => format!("ALTER TABLE t{t:03} DROP COLUMN notes;\n"),
        7 => format!(
            "ALTER TABLE t{t:03} ADD COLUMN region CHAR(2) NOT NULL;\n-- breaking under BACKWARD\n"
        ),
        8 => format!(
            "ALTER TABLE t{t:03} CHANGE email email_address VARCHAR(255) NULL;\nALTER TABLE t{u:03} MODIFY name VARCHAR(100) NOT NULL;\n"
        ),
        _ => format!(
            "ALTER TABLE t{t:03} ADD COLUMN a_{n} INT NULL, ADD COLUMN b_{n} INT NULL, DROP COLUMN ratio;\nUPDATE t{t:03} SET a_{n} = 1;\n"
        ),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).ok_or("usage: bench_fixture DIR")?);
    std::fs::create_dir_all(dir.join("migrations"))?;
    let mut dump = String::from("/*!40101 SET NAMES utf8mb4 */;\n");
    for i in 0..TABLES {
        let _ = writeln!(dump, "DROP TABLE IF EXISTS `t{i:03}`;");
        dump.push_str(&table_sql(i));
    }
    std::fs::write(dir.join("schema.sql"), &dump)?;
    for n in 1..=MIGRATIONS {
        std::fs::write(
            dir.join("migrations").join(format!("V{n}__change_{n}.sql")),
            migration(n),
        )?;
    }
    let mut catalog = Catalog::new();
    catalog.apply_sql(&dump, Some("bench"))?;
    let connector = sluice_gate::connector_for_prefix("bench")?;
    let mut export = RegistryExport::new(None);
    let mut id = 0;
    for table in catalog.tables() {
        let avro = TableAvro::from_config(table, &connector)?;
        let key = avro.key.as_ref().ok_or("every table has a key")?;
        for (subject, schema) in [
            (avro.key_subject(), &key.canonical),
            (avro.value_subject(), &avro.envelope.canonical),
        ] {
            id += 1;
            export.subjects.push(SubjectExport {
                subject: subject.clone(),
                compatibility_level: None,
                versions: vec![SubjectSchema {
                    subject,
                    version: 1,
                    id,
                    schema_type: None,
                    references: Vec::new(),
                    schema: schema.clone(),
                    deleted: false,
                }],
            });
        }
    }
    std::fs::write(dir.join("registry.json"), serde_json::to_string(&export)?)?;
    Ok(())
}
