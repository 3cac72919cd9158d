//! Resuming inside a transaction, end to end: an offset committed part way through a
//! transaction (`file`/`pos` at the transaction's start, `event` = rows events of it already
//! emitted) makes the restarted task skip exactly those rows events and emit the rest, then
//! carry on, with nothing lost and nothing emitted twice.
//!
//! Such an offset is rare in a crash test (a transaction's records tend to be acknowledged
//! together), so the test commits it deliberately: it lets the connector emit everything, stops
//! `sluice serve`, writes into its store the offset a crash after the second rows event of the
//! transaction would have left, and starts it again.

use serde_json::{Value, json};
use sluice_e2e::capture::CaptureStack;

const CONNECTOR: &str = "resume";
const TOPIC: &str = "resumesrv.r.t";

/// Transaction T: five rows events, one per INSERT.
const TRANSACTION_T: &str = "BEGIN;
    INSERT INTO r.t VALUES (1, 'one'); INSERT INTO r.t VALUES (2, 'two');
    INSERT INTO r.t VALUES (3, 'three'); INSERT INTO r.t VALUES (4, 'four');
    INSERT INTO r.t VALUES (5, 'five');
    COMMIT;";
/// An autocommitted two-row insert after T.
const AFTER_T: &str = "INSERT INTO r.t VALUES (6, 'six'), (7, 'seven');";

/// Stops sluice as a crash would have left it: with `offset` committed; then starts it again.
fn restart_at(stack: &mut CaptureStack, offset: &Value) {
    assert!(stack.server.terminate().success());
    stack.overwrite_offset(CONNECTOR, offset);
    stack.server.restart();
}

/// `(id, note, source.file, source.pos, source.row)` of a change event.
fn row(record: &Value) -> (i64, String, String, u64, i64) {
    let value = &record["value"];
    let source = &value["source"];
    (
        value["after"]["id"].as_i64().unwrap_or(-1),
        value["after"]["note"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        source["file"].as_str().unwrap_or_default().to_owned(),
        source["pos"].as_u64().unwrap_or_default(),
        source["row"].as_i64().unwrap_or(-1),
    )
}

#[test]
fn restart_inside_a_transaction_skips_the_emitted_rows_events_and_emits_the_rest() {
    let mut stack = CaptureStack::start(
        "CREATE DATABASE r; CREATE TABLE r.t (id INT PRIMARY KEY, note VARCHAR(20))",
    );
    let config = stack.connector_config(5801, "resumesrv", "r");
    stack.create_connector(CONNECTOR, &config);
    stack.wait_offset(CONNECTOR, 60, |o| o["snapshot_completed"] == true);

    // Transaction T: five rows events (one per INSERT); then an autocommitted two-row insert.
    let (file, begin) = stack.binlog_position();
    stack.db.root(&format!("{TRANSACTION_T} {AFTER_T}"));
    let end = stack.binlog_position();
    let first: Vec<_> = stack.consume(&[TOPIC], 7, 60).iter().map(row).collect();
    let ids: Vec<i64> = first.iter().map(|r| r.0).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5, 6, 7], "{first:?}");
    let committed = stack.wait_offset(CONNECTOR, 30, |o| {
        (o["file"].as_str(), o["pos"].as_u64()) == (Some(end.0.as_str()), Some(end.1))
    });
    assert_eq!(committed["event"], 0, "{committed}");

    // A crash right after the second rows event of T was acknowledged would leave this.
    // No `gtid`: the file + position path.
    restart_at(
        &mut stack,
        &json!({
            "file": file,
            "pos": begin,
            "event": 2,
            "snapshot_completed": true,
            "ts_sec": committed["ts_sec"],
        }),
    );

    // Rows events 3, 4, 5 of T and the insert after it, once more, as they were the first
    // time; then nothing else.
    let all: Vec<_> = stack.consume(&[TOPIC], 13, 20).iter().map(row).collect();
    assert_eq!(
        all.len(),
        12,
        "7 records, then 5 replayed: {all:#?}\n---- sluice log:\n{}",
        stack.server.log()
    );
    assert_eq!(all[..7], first[..]);
    assert_eq!(all[7..], first[2..], "the replay after the restart");
    stack.wait_offset(CONNECTOR, 30, |o| {
        (o["file"].as_str(), o["pos"].as_u64(), o["event"].as_u64())
            == (Some(end.0.as_str()), Some(end.1), Some(0))
    });
}

/// `@@gtid_binlog_pos`: MariaDB's GTID position after the last transaction.
fn gtid_binlog_pos(stack: &CaptureStack) -> String {
    stack
        .db
        .root("SELECT @@GLOBAL.gtid_binlog_pos")
        .trim()
        .to_owned()
}

#[test]
fn restart_resumes_by_gtid_even_when_the_file_position_is_stale() {
    let mut stack = CaptureStack::start(
        "CREATE DATABASE r; CREATE TABLE r.t (id INT PRIMARY KEY, note VARCHAR(20))",
    );
    let config = stack.connector_config(5802, "resumesrv", "r");
    stack.create_connector(CONNECTOR, &config);
    let snapshot = stack.wait_offset(CONNECTOR, 60, |o| o["snapshot_completed"] == true);
    assert!(snapshot["gtids"].is_string(), "{snapshot}");

    // Transaction P; then T with five rows events; then a two-row insert.
    let (file, before_p) = stack.binlog_position();
    stack.db.root("INSERT INTO r.t VALUES (100, 'p')");
    let before_t = gtid_binlog_pos(&stack);
    stack.db.root(&format!("{TRANSACTION_T} {AFTER_T}"));
    let end = stack.binlog_position();
    let first: Vec<_> = stack.consume(&[TOPIC], 8, 60).iter().map(row).collect();
    let ids: Vec<i64> = first.iter().map(|r| r.0).collect();
    assert_eq!(ids, [100, 1, 2, 3, 4, 5, 6, 7], "{first:?}");
    let committed = stack.wait_offset(CONNECTOR, 30, |o| {
        (o["file"].as_str(), o["pos"].as_u64()) == (Some(end.0.as_str()), Some(end.1))
    });
    assert_eq!(
        committed["gtids"],
        gtid_binlog_pos(&stack),
        "offsets carry the GTID position of everything emitted"
    );

    // Two rows events of T emitted; the GTID position is the one before T, but file and
    // position are stale: they point before P. Resuming by file and position would replay P
    // and skip the wrong rows events; by GTID the server starts at T.
    restart_at(
        &mut stack,
        &json!({
            "file": file,
            "pos": before_p,
            "event": 2,
            "gtids": before_t,
            "snapshot_completed": true,
            "ts_sec": committed["ts_sec"],
        }),
    );

    let all: Vec<_> = stack.consume(&[TOPIC], 14, 20).iter().map(row).collect();
    assert_eq!(
        all.len(),
        13,
        "8 records, then 5 replayed: {all:#?}\n---- sluice log:\n{}",
        stack.server.log()
    );
    assert_eq!(all[..8], first[..]);
    assert_eq!(all[8..], first[3..], "the replay after the restart");
    let log = stack.server.log();
    assert!(log.contains(&format!("GTID {before_t}")), "{log}");
    stack.wait_offset(CONNECTOR, 30, |o| {
        (o["file"].as_str(), o["pos"].as_u64(), o["event"].as_u64())
            == (Some(end.0.as_str()), Some(end.1), Some(0))
    });
}

/// `(id, transaction.total_order, transaction.data_collection_order)` of a change event.
fn order(record: &Value) -> (i64, i64, i64) {
    let value = &record["value"];
    let t = &value["transaction"];
    (
        value["after"]["id"].as_i64().unwrap_or(-1),
        t["total_order"].as_i64().unwrap_or(-1),
        t["data_collection_order"].as_i64().unwrap_or(-1),
    )
}

#[test]
fn restart_inside_a_transaction_continues_its_transaction_metadata() {
    let mut stack = CaptureStack::start(
        "CREATE DATABASE r; CREATE TABLE r.t (id INT PRIMARY KEY, note VARCHAR(20))",
    );
    let mut config = stack.connector_config(5803, "resumesrv", "r");
    config["provide.transaction.metadata"] = json!("true");
    stack.create_connector(CONNECTOR, &config);
    stack.wait_offset(CONNECTOR, 60, |o| o["snapshot_completed"] == true);

    let (file, begin) = stack.binlog_position();
    stack.db.root(TRANSACTION_T);
    let end = stack.binlog_position();
    let first: Vec<_> = stack.consume(&[TOPIC], 5, 60).iter().map(order).collect();
    assert_eq!(
        first,
        [(1, 1, 1), (2, 2, 2), (3, 3, 3), (4, 4, 4), (5, 5, 5)]
    );
    let committed = stack.wait_offset(CONNECTOR, 30, |o| {
        (o["file"].as_str(), o["pos"].as_u64()) == (Some(end.0.as_str()), Some(end.1))
    });

    restart_at(
        &mut stack,
        &json!({
            "file": file,
            "pos": begin,
            "event": 2,
            "snapshot_completed": true,
            "ts_sec": committed["ts_sec"],
        }),
    );

    // The replayed events keep their orders, as the first time.
    let all: Vec<_> = stack.consume(&[TOPIC], 9, 20).iter().map(order).collect();
    assert_eq!(
        all.len(),
        8,
        "{all:?}\n---- sluice log:\n{}",
        stack.server.log()
    );
    assert_eq!(all[5..], first[2..]);
    // No second BEGIN for T (it went out before the crash); its END again, with all 5 events.
    let markers = stack.consume(&["resumesrv.transaction"], 4, 20);
    let statuses: Vec<&str> = markers
        .iter()
        .map(|m| m["value"]["status"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(statuses, ["BEGIN", "END", "END"], "{markers:#?}");
    let replayed_end = &markers[2]["value"];
    assert_eq!(replayed_end["event_count"], 5);
    assert_eq!(
        replayed_end["data_collections"],
        json!([{"data_collection": "r.t", "event_count": 5}])
    );
    assert_eq!(replayed_end["id"], markers[0]["value"]["id"]);
}
