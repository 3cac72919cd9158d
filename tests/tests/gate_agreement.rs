//! The gate and capture agree: each migration is first judged by `sluice gate` (current schema
//! read from the live MariaDB, subjects and levels from Sluice's registry, naming from the
//! connector config), then applied to the database while capture runs, and a row is written.
//! What the gate passed, capture registers (a new version, task RUNNING); what it failed,
//! capture refuses (task FAILED naming the subject, no version added) until the operator relaxes
//! the level and restarts.

use serde_json::{Value, json};
use sluice_e2e::capture::CaptureStack;
use sluice_e2e::gate::sluice;
use sluice_e2e::{mariadb, request};
use std::time::{Duration, Instant};

const SETUP: &str = "CREATE DATABASE shop; USE shop;
CREATE TABLE customers (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL,
  score INT NOT NULL DEFAULT 0, balance DECIMAL(10,2) NOT NULL DEFAULT 0);
CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, customer_id INT NOT NULL, note VARCHAR(100));
INSERT INTO customers (email) VALUES ('a@example.com');
INSERT INTO orders VALUES (1, 1, NULL);";

/// One migration, the level its subject is under, the row that makes capture register, and
/// the subject the verdict is about.
struct Step {
    name: &'static str,
    sql: &'static str,
    level: Option<&'static str>,
    row: &'static str,
    subject: &'static str,
}

const STEPS: &[Step] = &[
    Step {
        name: "add_nullable",
        sql: "ALTER TABLE customers ADD COLUMN phone VARCHAR(20) NULL;",
        level: None,
        row: "INSERT INTO customers (email) VALUES ('b@example.com')",
        subject: "agree.shop.customers-value",
    },
    Step {
        name: "add_not_null_without_default",
        sql: "ALTER TABLE customers ADD COLUMN country CHAR(2) NOT NULL;",
        level: None,
        row: "INSERT INTO customers (email, country) VALUES ('c@example.com', 'NZ')",
        subject: "agree.shop.customers-value",
    },
    Step {
        name: "drop_required_column_under_forward",
        sql: "ALTER TABLE customers DROP COLUMN email;",
        level: Some("FORWARD"),
        row: "INSERT INTO customers (country) VALUES ('FR')",
        subject: "agree.shop.customers-value",
    },
    Step {
        name: "widen_integer_under_backward",
        sql: "ALTER TABLE customers MODIFY score BIGINT NOT NULL DEFAULT 0;",
        level: Some("BACKWARD"),
        row: "INSERT INTO customers (country, score) VALUES ('DE', 5)",
        subject: "agree.shop.customers-value",
    },
    Step {
        name: "widen_integer_under_forward",
        sql: "ALTER TABLE orders MODIFY customer_id BIGINT NOT NULL;",
        level: Some("FORWARD"),
        row: "INSERT INTO orders VALUES (2, 7, NULL)",
        subject: "agree.shop.orders-value",
    },
    Step {
        name: "primary_key_change",
        sql: "ALTER TABLE orders DROP PRIMARY KEY, ADD PRIMARY KEY (id, customer_id);",
        level: None,
        row: "INSERT INTO orders VALUES (3, 8, NULL)",
        subject: "agree.shop.orders-key",
    },
    Step {
        name: "decimal_scale_passes_with_a_warning",
        sql: "ALTER TABLE customers MODIFY balance DECIMAL(10,4) NOT NULL DEFAULT 0;",
        level: None,
        row: "INSERT INTO customers (country, balance) VALUES ('IT', 1.2345)",
        subject: "agree.shop.customers-value",
    },
    Step {
        name: "create_table",
        sql: "CREATE TABLE payments (id BIGINT NOT NULL PRIMARY KEY, amount DECIMAL(12,2) NOT NULL);",
        level: None,
        row: "INSERT INTO payments VALUES (1, 9.99)",
        subject: "agree.shop.payments-value",
    },
];

fn versions(registry: &str, subject: &str) -> usize {
    let (status, body) = request(
        registry,
        "GET",
        &format!("/subjects/{subject}/versions"),
        None,
    );
    if status == 404 {
        0
    } else {
        body.as_array().map_or(0, Vec::len)
    }
}

fn task(connect: &str) -> Value {
    request(connect, "GET", "/connectors/agree/status", None).1["tasks"][0].clone()
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn what_the_gate_passes_capture_registers_and_what_it_fails_capture_refuses() {
    let stack = CaptureStack::start(SETUP);
    let registry = stack.server.base_url().to_owned();
    let connect = stack.connect.clone();
    let config = stack.connector_config(5901, "agree", "shop");
    stack.create_connector("agree", &config);
    wait_until("the snapshot registered both tables", || {
        versions(&registry, "agree.shop.customers-value") == 1
            && versions(&registry, "agree.shop.orders-key") == 1
    });

    let dir = tempfile::tempdir().unwrap();
    let connector_file = dir.path().join("connector.json");
    std::fs::write(
        &connector_file,
        json!({"name": "agree", "config": config}).to_string(),
    )
    .unwrap();
    let from = format!(
        "mysql://{}:{}@127.0.0.1:{}",
        mariadb::USER,
        mariadb::PASSWORD,
        stack.db.port()
    );

    let mut verdicts = Vec::new();
    for (i, step) in STEPS.iter().enumerate() {
        match step.level {
            Some(level) => {
                let (status, body) = request(
                    &registry,
                    "PUT",
                    &format!("/config/{}", step.subject),
                    Some(&json!({"compatibility": level})),
                );
                assert_eq!(status, 200, "{body}");
            }
            None => {
                request(
                    &registry,
                    "DELETE",
                    &format!("/config/{}", step.subject),
                    None,
                );
            }
        }
        let migration = dir.path().join(format!("V{}__{}.sql", i + 1, step.name));
        std::fs::write(&migration, step.sql).unwrap();
        let run = sluice(
            dir.path(),
            &[
                "gate",
                "--from",
                &from,
                "--connector",
                connector_file.to_str().unwrap(),
                "--registry",
                &registry,
                "--format",
                "json",
                migration.to_str().unwrap(),
            ],
        );
        assert!(run.code == 0 || run.code == 1, "{}: {run:?}", step.name);
        let report: Value = serde_json::from_str(&run.stdout).unwrap();
        let judged: Vec<&str> = report["findings"][0]["checks"]
            .as_array()
            .map(|c| c.iter().filter_map(|c| c["subject"].as_str()).collect())
            .unwrap_or_default();
        assert!(judged.contains(&step.subject), "{}: {report}", step.name);

        let before = versions(&registry, step.subject);
        stack
            .db
            .root(&format!("USE shop; {} {};", step.sql, step.row));
        if run.code == 0 {
            wait_until(&format!("capture registered {}", step.subject), || {
                versions(&registry, step.subject) == before + 1
            });
            assert_eq!(task(&connect)["state"], "RUNNING", "{}", step.name);
        } else {
            wait_until(&format!("the task failed on {}", step.name), || {
                task(&connect)["state"] == "FAILED"
            });
            let trace = task(&connect)["trace"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            assert!(trace.contains(step.subject), "{}: {trace}", step.name);
            assert_eq!(versions(&registry, step.subject), before, "{}", step.name);
            // The operator lets it through, as the gate's report assumes for later steps.
            let (status, _) = request(
                &registry,
                "PUT",
                &format!("/config/{}", step.subject),
                Some(&json!({"compatibility": "NONE"})),
            );
            assert_eq!(status, 200);
            let (status, _) = request(&connect, "POST", "/connectors/agree/restart", None);
            assert_eq!(status, 204);
            wait_until(
                &format!("capture registered {} after the restart", step.subject),
                || versions(&registry, step.subject) == before + 1,
            );
            wait_until("the task runs again", || {
                task(&connect)["state"] == "RUNNING"
            });
        }
        verdicts.push((step.name, run.code));
    }
    // The verdicts themselves, so a gate that passes everything cannot agree by accident.
    assert_eq!(
        verdicts,
        [
            ("add_nullable", 0),
            ("add_not_null_without_default", 1),
            ("drop_required_column_under_forward", 1),
            ("widen_integer_under_backward", 0),
            ("widen_integer_under_forward", 1),
            ("primary_key_change", 1),
            ("decimal_scale_passes_with_a_warning", 0),
            ("create_table", 0),
        ]
    );
}
