//! `provide.transaction.metadata`: BEGIN/END records on `<prefix>.transaction` bracket each
//! transaction with captured changes, and every data event carries its transaction block.

use serde_json::json;
use sluice_e2e::capture::CaptureStack;
use sluice_e2e::request;
use std::time::{Duration, Instant};

#[test]
fn transactions_are_bracketed_and_counted() {
    let stack = CaptureStack::start(
        "CREATE DATABASE x; CREATE TABLE x.a (id INT PRIMARY KEY); CREATE TABLE x.b (id INT PRIMARY KEY)",
    );
    let mut config = stack.connector_config(5701, "txsrv", "x");
    config["provide.transaction.metadata"] = json!("true");
    stack.create_connector("tx", &config);
    let deadline = Instant::now() + Duration::from_secs(60);
    while request(&stack.connect, "GET", "/connectors/tx/offsets", None).1["offsets"][0]["offset"]
        .is_null()
    {
        assert!(Instant::now() < deadline, "snapshot did not complete");
        std::thread::sleep(Duration::from_millis(200));
    }
    stack
        .db
        .root("BEGIN; INSERT INTO x.a VALUES (1), (2); INSERT INTO x.b VALUES (1); COMMIT;");

    let markers = stack.consume(&["txsrv.transaction"], 2, 60);
    assert_eq!(markers.len(), 2, "{markers:?}");
    let (begin, end) = (&markers[0]["value"], &markers[1]["value"]);
    assert_eq!(begin["status"], "BEGIN");
    assert_eq!(end["status"], "END");
    assert_eq!(begin["id"], end["id"]);
    assert_eq!(markers[0]["key"]["id"], begin["id"]);
    assert_eq!(end["event_count"], 3);
    assert_eq!(
        end["data_collections"],
        json!([{"data_collection": "x.a", "event_count": 2}, {"data_collection": "x.b", "event_count": 1}])
    );
    let events = stack.consume(&["txsrv.x.a", "txsrv.x.b"], 3, 60);
    let mut orders: Vec<(i64, i64)> = events
        .iter()
        .map(|e| {
            let t = &e["value"]["transaction"];
            assert_eq!(t["id"], begin["id"]);
            (
                t["total_order"].as_i64().unwrap_or(0),
                t["data_collection_order"].as_i64().unwrap_or(0),
            )
        })
        .collect();
    orders.sort_unstable();
    assert_eq!(orders, [(1, 1), (2, 2), (3, 1)]);
}
