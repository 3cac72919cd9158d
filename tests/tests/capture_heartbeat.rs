//! `heartbeat.interval.ms`: an idle connector emits Debezium heartbeats on
//! `__debezium-heartbeat.<prefix>`, Avro-encoded with registered schemas.

use serde_json::json;
use sluice_e2e::capture::CaptureStack;
use sluice_e2e::request;

#[test]
fn idle_connector_emits_heartbeats() {
    let stack = CaptureStack::start(
        "CREATE DATABASE h; CREATE TABLE h.t (id INT PRIMARY KEY); INSERT INTO h.t VALUES (1)",
    );
    let mut config = stack.connector_config(5601, "hbsrv", "h");
    config["heartbeat.interval.ms"] = json!("300");
    stack.create_connector("hb", &config);
    let beats = stack.consume(&["__debezium-heartbeat.hbsrv"], 3, 60);
    assert_eq!(beats.len(), 3, "three heartbeats while idle: {beats:?}");
    for beat in &beats {
        assert_eq!(beat["key"]["serverName"], "hbsrv");
        assert!(
            beat["value"]["ts_ms"].as_i64().is_some_and(|t| t > 0),
            "{beat}"
        );
    }
    let (_, subjects) = request(stack.server.base_url(), "GET", "/subjects", None);
    assert!(
        subjects
            .to_string()
            .contains("__debezium-heartbeat.hbsrv-value"),
        "{subjects}"
    );
}
