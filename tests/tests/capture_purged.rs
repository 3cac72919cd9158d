//! A resume point the server has purged: under `snapshot.mode=initial` the task fails with an
//! error naming the missing binlog file (and, on MariaDB, the GTID position); switched to
//! `when_needed`, it takes a new snapshot and carries on.

use serde_json::{Value, json};
use sluice_e2e::capture::CaptureStack;
use sluice_e2e::request;
use std::time::{Duration, Instant};

const TOPIC: &str = "purgesrv.p.t";

fn task_state(connect: &str, state: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, status) = request(connect, "GET", "/connectors/purge/status", None);
        if status["tasks"][0]["state"] == state {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "task never reached {state}: {status}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn ids(records: &[Value]) -> Vec<i64> {
    let mut ids: Vec<i64> = records
        .iter()
        .filter_map(|r| r["value"]["after"]["id"].as_i64())
        .collect();
    ids.sort_unstable();
    ids
}

#[test]
fn purged_resume_point_fails_clearly_and_when_needed_resnapshots() {
    let mut stack = CaptureStack::start(
        "CREATE DATABASE p; CREATE TABLE p.t (id INT PRIMARY KEY); INSERT INTO p.t VALUES (1), (2), (3)",
    );
    let mut config = stack.connector_config(5501, "purgesrv", "p");
    stack.create_connector("purge", &config);
    let connect = stack.connect.clone();
    let snapshot = stack.consume(&[TOPIC], 3, 60);
    assert_eq!(ids(&snapshot), [1, 2, 3]);
    let deadline = Instant::now() + Duration::from_secs(30);
    let offset_file = loop {
        let (_, offsets) = request(&connect, "GET", "/connectors/purge/offsets", None);
        if let Some(file) = offsets["offsets"][0]["offset"]["file"].as_str() {
            break file.to_owned();
        }
        assert!(Instant::now() < deadline, "no committed offset: {offsets}");
        std::thread::sleep(Duration::from_millis(200));
    };

    // Sluice is down while rows are written and the binlog holding its offset is purged.
    assert!(stack.server.terminate().success());
    let db = &stack.db;
    db.root("INSERT INTO p.t VALUES (4), (5)");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        db.root("FLUSH BINARY LOGS");
        let current = db.root("SHOW MASTER STATUS");
        let current = current.split('\t').next().unwrap_or_default().to_owned();
        db.root(&format!("PURGE BINARY LOGS TO '{current}'"));
        let earliest = db.root("SHOW BINARY LOGS");
        if !earliest.contains(&offset_file) {
            break;
        }
        assert!(Instant::now() < deadline, "{offset_file} was never purged");
        std::thread::sleep(Duration::from_millis(300));
    }

    stack.server.restart();
    let failed = task_state(&connect, "FAILED");
    let trace = failed["tasks"][0]["trace"].as_str().unwrap_or_default();
    assert!(
        trace.contains(&offset_file) && trace.contains("purged"),
        "{trace}"
    );
    // On MariaDB offsets carry the GTID position, so it is the GTID check that refuses.
    assert!(trace.contains("GTID position"), "{trace}");

    config["snapshot.mode"] = json!("when_needed");
    let (status, body) = request(&connect, "PUT", "/connectors/purge/config", Some(&config));
    assert_eq!(status, 200, "{body}");
    task_state(&connect, "RUNNING");
    let all = stack.consume(&[TOPIC], 8, 60);
    assert_eq!(
        ids(&all),
        [1, 1, 2, 2, 3, 3, 4, 5],
        "a new snapshot brings the rows written while purged"
    );
}
