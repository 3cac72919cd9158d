//! The GTID state the event handler tracks for offsets: a transaction's GTID joins it at the
//! commit (not before: a mid-transaction offset carries the state before the transaction), a
//! standalone statement's at the statement, whatever the statement is.

use super::StreamEvent;
use super::events::EventHandler;
use super::tests::*;
use crate::config::Filters;
use crate::position::{BinlogPosition, GtidState};

const UUID: &str = "00112233-4455-6677-8899-aabbccddeeff";

fn handler_from(gtids: &str) -> EventHandler {
    EventHandler::new(
        catalog(),
        Filters::default(),
        &BinlogPosition::new("binlog.000001", 4),
        Some(gtids.parse::<GtidState>().unwrap()),
    )
}

fn state(h: &EventHandler) -> String {
    h.gtids().map(ToString::to_string).unwrap_or_default()
}

fn maria_gtid(seq: u64, domain: u32, standalone: bool) -> Vec<u8> {
    let mut body = seq.to_le_bytes().to_vec();
    body.extend_from_slice(&domain.to_le_bytes());
    body.push(u8::from(standalone));
    body
}

#[test]
fn mysql_transactions_and_statements_join_the_gtid_set_when_they_finish() {
    let mut log = Log::new();
    let mut h = handler_from(&format!("{UUID}:1-4"));
    all(&mut h, &[fake_rotate(&log)]);
    let txn = [
        log.event(GTID, &gtid_body(5)),
        log.event(QUERY, &query_body("db", "BEGIN")),
        log.event(TABLE_MAP, &table_map_body("t", &["id", "name", "amount"])),
        log.event(WRITE_ROWS, &write_rows_body()),
    ];
    let out = all(&mut h, &txn);
    assert!(
        matches!(out.last(), Some(StreamEvent::Rows { .. })),
        "{out:?}"
    );
    assert_eq!(state(&h), format!("{UUID}:1-4"), "not before the commit");
    all(&mut h, &[log.event(XID, &1u64.to_le_bytes())]);
    assert_eq!(state(&h), format!("{UUID}:1-5"));

    let ddl = [
        log.event(GTID, &gtid_body(6)),
        log.event(
            QUERY,
            &query_body("db", "ALTER TABLE t ADD COLUMN extra INT"),
        ),
    ];
    let out = all(&mut h, &ddl);
    assert!(
        matches!(out[..], [StreamEvent::SchemaChange { .. }]),
        "{out:?}"
    );
    assert_eq!(state(&h), format!("{UUID}:1-6"));
    let grant = [
        log.event(GTID, &gtid_body(7)),
        log.event(QUERY, &query_body("db", "GRANT SELECT ON *.* TO x")),
    ];
    assert!(all(&mut h, &grant).is_empty());
    assert_eq!(
        state(&h),
        format!("{UUID}:1-7"),
        "statements that emit nothing count too"
    );
}

#[test]
fn a_statement_inside_a_transaction_keeps_the_transaction_gtid() {
    let mut log = Log::new();
    let mut h = handler_from(&format!("{UUID}:1-7"));
    let events = [
        fake_rotate(&log),
        log.event(GTID, &gtid_body(8)),
        log.event(QUERY, &query_body("db", "BEGIN")),
        log.event(QUERY, &query_body("db", "SAVEPOINT a")),
        log.event(XID, &1u64.to_le_bytes()),
    ];
    let out = all(&mut h, &events);
    let commit = format!("{UUID}:8");
    assert!(
        matches!(out.last(), Some(StreamEvent::Commit { gtid: Some(g), .. }) if *g == commit),
        "{out:?}"
    );
    assert_eq!(state(&h), format!("{UUID}:1-8"));
}

#[test]
fn mariadb_positions_advance_per_domain_at_commit_and_at_standalone_statements() {
    let mut log = Log::new();
    let mut h = handler_from("0-1-6");
    let begin = [
        fake_rotate(&log),
        log.event(MARIA_GTID, &maria_gtid(7, 0, false)),
    ];
    assert!(matches!(
        all(&mut h, &begin)[..],
        [StreamEvent::Begin { .. }]
    ));
    assert_eq!(state(&h), "0-1-6");
    all(&mut h, &[log.event(XID, &1u64.to_le_bytes())]);
    assert_eq!(state(&h), "0-1-7");
    let ddl = [
        log.event(MARIA_GTID, &maria_gtid(3, 1, true)),
        log.event(
            QUERY,
            &query_body("db", "ALTER TABLE t ADD COLUMN extra INT"),
        ),
    ];
    assert!(matches!(
        all(&mut h, &ddl)[..],
        [StreamEvent::SchemaChange { .. }]
    ));
    assert_eq!(state(&h), "0-1-7,1-1-3");
}

#[test]
fn without_a_starting_state_no_gtids_are_tracked() {
    let mut log = Log::new();
    let mut h = EventHandler::new(
        catalog(),
        Filters::default(),
        &BinlogPosition::new("binlog.000001", 4),
        None,
    );
    let events = [
        fake_rotate(&log),
        log.event(MARIA_GTID, &maria_gtid(7, 0, false)),
        log.event(XID, &1u64.to_le_bytes()),
    ];
    all(&mut h, &events);
    assert!(h.gtids().is_none());
}
