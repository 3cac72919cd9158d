//! The event handler on constructed events: MySQL GTID transactions, compressed transaction
//! payloads, MariaDB GTIDs, DDL, filters and model mismatches (MySQL 8 cannot run here, so its
//! event shapes are covered with bytes laid out as MySQL writes them).

use super::events::EventHandler;
use super::{RowOp, StreamEvent};
use crate::config::{Filters, PatternList};
use crate::error::CaptureError;
use crate::position::BinlogPosition;
use crate::schema::{Catalog, TableChange, TableId};
use crate::value::ColumnValue;
use mysql_common::binlog::consts::BinlogVersion;
use mysql_common::binlog::events::{Event, FormatDescriptionEvent};

const ROTATE: u8 = 4;
pub(super) const QUERY: u8 = 2;
pub(super) const XID: u8 = 16;
pub(super) const TABLE_MAP: u8 = 19;
pub(super) const WRITE_ROWS: u8 = 30;
pub(super) const GTID: u8 = 33;
const PAYLOAD: u8 = 40;
pub(super) const MARIA_GTID: u8 = 162;

fn lenenc(out: &mut Vec<u8>, v: u64) {
    if v < 251 {
        out.push(v as u8);
    } else if v < 1 << 16 {
        out.push(0xfc);
        out.extend_from_slice(&(v as u16).to_le_bytes());
    } else {
        out.push(0xfe);
        out.extend_from_slice(&v.to_le_bytes());
    }
}

/// A binlog writer: events with consecutive positions from 4.
pub(super) struct Log {
    fde: FormatDescriptionEvent<'static>,
    pos: u32,
}

impl Log {
    pub(super) fn new() -> Self {
        Self {
            fde: FormatDescriptionEvent::new(BinlogVersion::Version4),
            pos: 4,
        }
    }

    fn raw(ty: u8, log_pos: u32, body: &[u8]) -> Vec<u8> {
        let size = (19 + body.len()) as u32;
        let mut b = Vec::with_capacity(size as usize);
        b.extend_from_slice(&1_700_000_000u32.to_le_bytes());
        b.push(ty);
        b.extend_from_slice(&1u32.to_le_bytes());
        b.extend_from_slice(&size.to_le_bytes());
        b.extend_from_slice(&log_pos.to_le_bytes());
        b.extend_from_slice(&0u16.to_le_bytes());
        b.extend_from_slice(body);
        b
    }

    /// The next event, positioned after the previous one.
    pub(super) fn event(&mut self, ty: u8, body: &[u8]) -> Event {
        self.pos += (19 + body.len()) as u32;
        Event::read(&self.fde, &Self::raw(ty, self.pos, body)[..]).unwrap()
    }

    fn read(&self, bytes: &[u8]) -> Event {
        Event::read(&self.fde, bytes).unwrap()
    }
}

pub(super) fn query_body(schema: &str, sql: &str) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&77u32.to_le_bytes()); // thread id
    b.extend_from_slice(&0u32.to_le_bytes());
    b.push(schema.len() as u8);
    b.extend_from_slice(&0u16.to_le_bytes());
    b.extend_from_slice(&0u16.to_le_bytes()); // no status vars
    b.extend_from_slice(schema.as_bytes());
    b.push(0);
    b.extend_from_slice(sql.as_bytes());
    b
}

pub(super) fn gtid_body(gno: u64) -> Vec<u8> {
    let mut b = vec![1u8];
    b.extend((0..16u8).map(|i| i * 17));
    b.extend_from_slice(&gno.to_le_bytes());
    b.push(2);
    b.extend_from_slice(&0u64.to_le_bytes());
    b.extend_from_slice(&1u64.to_le_bytes());
    b
}

/// TABLE_MAP of `db.t (id INT UNSIGNED, name VARCHAR(20), amount DECIMAL(10,2))` with the
/// given column names in the optional metadata.
pub(super) fn table_map_body(table: &str, names: &[&str]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&[7, 0, 0, 0, 0, 0, 0, 0]);
    b.push(2);
    b.extend_from_slice(b"db\0");
    b.push(table.len() as u8);
    b.extend_from_slice(table.as_bytes());
    b.push(0);
    lenenc(&mut b, 3);
    b.extend_from_slice(&[3, 15, 246]);
    b.extend_from_slice(&[4, 80, 0, 10, 2]);
    b.push(0b110);
    // SIGNEDNESS: id unsigned, amount signed (MSB first).
    b.extend_from_slice(&[1, 1, 0x80]);
    let mut names_tlv = Vec::new();
    for n in names {
        lenenc(&mut names_tlv, n.len() as u64);
        names_tlv.extend_from_slice(n.as_bytes());
    }
    b.push(4);
    lenenc(&mut b, names_tlv.len() as u64);
    b.extend_from_slice(&names_tlv);
    b
}

pub(super) fn write_rows_body() -> Vec<u8> {
    let mut b = vec![7, 0, 0, 0, 0, 0, 0, 0];
    b.extend_from_slice(&2u16.to_le_bytes());
    lenenc(&mut b, 3);
    b.push(0b111);
    // Row 1: 4294967295, 'héllo', 1234567.89
    b.push(0);
    b.extend_from_slice(&u32::MAX.to_le_bytes());
    b.push("héllo".len() as u8);
    b.extend_from_slice("héllo".as_bytes());
    b.extend_from_slice(&[0x80, 0x12, 0xd6, 0x87, 0x59]);
    // Row 2: 1, NULL, -1234567.89
    b.push(0b010);
    b.extend_from_slice(&1u32.to_le_bytes());
    b.extend_from_slice(&[0x7f, 0xed, 0x29, 0x78, 0xa6]);
    b
}

pub(super) fn catalog() -> Catalog {
    let mut c = Catalog::new();
    c.apply_sql(
        "CREATE TABLE t (id INT UNSIGNED PRIMARY KEY, name VARCHAR(20) CHARACTER SET utf8mb4, \
         amount DECIMAL(10,2)); CREATE TABLE other (id INT UNSIGNED PRIMARY KEY, name VARCHAR(20), \
         amount DECIMAL(10,2))",
        Some("db"),
    )
    .unwrap();
    c
}

fn handler(filters: Filters) -> EventHandler {
    EventHandler::new(
        catalog(),
        filters,
        &BinlogPosition::new("binlog.000001", 4),
        None,
    )
}

pub(super) fn all(h: &mut EventHandler, events: &[Event]) -> Vec<StreamEvent> {
    events.iter().filter_map(|e| h.handle(e).unwrap()).collect()
}

pub(super) fn fake_rotate(log: &Log) -> Event {
    let mut body = 4u64.to_le_bytes().to_vec();
    body.extend_from_slice(b"binlog.000001");
    log.read(&Log::raw(ROTATE, 0, &body))
}

#[test]
fn fake_rotate_with_checksum_trailer() {
    let log = Log::new();
    let mut body = 4u64.to_le_bytes().to_vec();
    body.extend_from_slice(b"mariadb-bin.000002");
    // Header with the final size, then the CRC32 of header + body appended.
    let mut bytes = Log::raw(ROTATE, 0, &[body.clone(), vec![0; 4]].concat());
    bytes.truncate(bytes.len() - 4);
    let crc = crc32_ieee(&bytes);
    bytes.extend_from_slice(&crc.to_le_bytes());
    let mut h = handler(Filters::default());
    h.handle(&log.read(&bytes)).unwrap();
    assert_eq!(
        h.next_position(),
        &BinlogPosition::new("mariadb-bin.000002", 4)
    );
    // Without a trailer the name is kept whole.
    h.handle(&fake_rotate(&log)).unwrap();
    assert_eq!(h.next_position(), &BinlogPosition::new("binlog.000001", 4));
}

fn crc32_ieee(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xedb8_8320 & 0u32.wrapping_sub(crc & 1));
        }
    }
    !crc
}

#[test]
fn mysql_gtid_transaction() {
    let mut log = Log::new();
    let rotate = fake_rotate(&log);
    let gtid = log.event(GTID, &gtid_body(5));
    let gtid_start = 4;
    let begin = log.event(QUERY, &query_body("db", "BEGIN"));
    let tm = log.event(TABLE_MAP, &table_map_body("t", &["id", "name", "amount"]));
    let rows_start = log.pos;
    let rows = log.event(WRITE_ROWS, &write_rows_body());
    let xid = log.event(XID, &9u64.to_le_bytes());
    let mut h = handler(Filters::default());
    let out = all(&mut h, &[rotate, gtid, begin, tm, rows, xid]);
    assert_eq!(out.len(), 3, "{out:?}");
    let uuid = "00112233-4455-6677-8899-aabbccddeeff";
    match &out[0] {
        StreamEvent::Begin {
            position,
            gtid,
            thread_id,
            ts_sec,
        } => {
            assert_eq!(position, &BinlogPosition::new("binlog.000001", gtid_start));
            assert_eq!(gtid.as_deref(), Some(format!("{uuid}:5").as_str()));
            assert_eq!(*thread_id, Some(77));
            assert_eq!(*ts_sec, 1_700_000_000);
        }
        other => panic!("{other:?}"),
    }
    match &out[1] {
        StreamEvent::Rows {
            table,
            op,
            rows,
            position,
            ..
        } => {
            assert_eq!(table.id, TableId::new("db", "t"));
            assert_eq!(*op, RowOp::Insert);
            assert_eq!(position.pos, u64::from(rows_start));
            let r0 = rows[0].after.as_ref().unwrap();
            assert_eq!(r0[0], ColumnValue::UInt(u64::from(u32::MAX)));
            assert_eq!(r0[1], ColumnValue::String("héllo".into()));
            assert_eq!(r0[2], ColumnValue::Decimal("1234567.89".into()));
            let r1 = rows[1].after.as_ref().unwrap();
            assert_eq!(r1[1], ColumnValue::Null);
            assert_eq!(r1[2], ColumnValue::Decimal("-1234567.89".into()));
        }
        other => panic!("{other:?}"),
    }
    match &out[2] {
        StreamEvent::Commit { next, gtid, .. } => {
            assert_eq!(
                next,
                &BinlogPosition::new("binlog.000001", u64::from(log.pos))
            );
            assert_eq!(gtid.as_deref(), Some(format!("{uuid}:5").as_str()));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(h.next_position().pos, u64::from(log.pos));
}

/// A TRANSACTION_PAYLOAD event around `inner` events, and the events `mysql_async` yields for
/// it (the payload event, then each decompressed event).
fn payload_events(log: &mut Log, inner: &[Vec<u8>], corrupt: bool) -> Vec<Event> {
    let plain: Vec<u8> = inner.concat();
    let compressed = zstd::encode_all(&plain[..], 3).unwrap();
    let mut body = Vec::new();
    body.extend_from_slice(&[2, 1, 0]); // compression type: ZSTD
    body.push(3);
    let mut size = Vec::new();
    lenenc(&mut size, plain.len() as u64);
    lenenc(&mut body, size.len() as u64);
    body.extend_from_slice(&size);
    body.push(1);
    let mut psize = Vec::new();
    lenenc(&mut psize, compressed.len() as u64);
    lenenc(&mut body, psize.len() as u64);
    body.extend_from_slice(&psize);
    body.push(0);
    body.extend_from_slice(&compressed);
    let tpe = log.event(PAYLOAD, &body);
    let mut out = vec![tpe];
    if !corrupt {
        let bytes = zstd::decode_all(&compressed[..]).unwrap();
        let mut cur = &bytes[..];
        while !cur.is_empty() {
            out.push(Event::read(&log.fde, &mut cur).unwrap());
        }
    }
    out
}

#[test]
fn mysql_compressed_transaction_payload() {
    let mut log = Log::new();
    let rotate = fake_rotate(&log);
    let gtid = log.event(GTID, &gtid_body(6));
    let payload_start = log.pos;
    let inner = vec![
        Log::raw(QUERY, 0, &query_body("db", "BEGIN")),
        Log::raw(
            TABLE_MAP,
            0,
            &table_map_body("t", &["id", "name", "amount"]),
        ),
        Log::raw(WRITE_ROWS, 0, &write_rows_body()),
        Log::raw(XID, 0, &3u64.to_le_bytes()),
    ];
    let mut events = vec![rotate, gtid];
    events.extend(payload_events(&mut log, &inner, false));
    let mut h = handler(Filters::default());
    let out = all(&mut h, &events);
    assert_eq!(out.len(), 3, "{out:?}");
    assert!(matches!(&out[0], StreamEvent::Begin { position, .. } if position.pos == 4));
    match &out[1] {
        StreamEvent::Rows { rows, position, .. } => {
            assert_eq!(rows.len(), 2);
            assert_eq!(position.pos, u64::from(payload_start));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&out[2], StreamEvent::Commit { next, .. } if next.pos == u64::from(log.pos)));

    // A payload whose inner events never arrive is an error, not lost rows.
    let mut log = Log::new();
    let mut events = vec![fake_rotate(&log)];
    events.extend(payload_events(&mut log, &inner, true));
    events.push(log.event(GTID, &gtid_body(7)));
    let mut h = handler(Filters::default());
    let errs: Vec<_> = events.iter().filter_map(|e| h.handle(e).err()).collect();
    assert!(
        matches!(&errs[..], [CaptureError::Decode { reason, .. }] if reason.contains("payload")),
        "{errs:?}"
    );
}

#[test]
fn table_map_must_match_the_model() {
    let mut log = Log::new();
    let rotate = fake_rotate(&log);
    let start = log.pos;
    let tm = log.event(TABLE_MAP, &table_map_body("t", &["id", "nom", "amount"]));
    let mut h = handler(Filters::default());
    h.handle(&rotate).unwrap();
    let err = h.handle(&tm).unwrap_err();
    match &err {
        CaptureError::UnknownTable {
            table,
            position,
            reason,
        } => {
            assert_eq!(table, &TableId::new("db", "t"));
            assert_eq!(position.pos, u64::from(start));
            assert!(reason.contains("`nom`"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    // A table the catalog does not know.
    let tm = log.event(
        TABLE_MAP,
        &table_map_body("missing", &["id", "name", "amount"]),
    );
    assert!(matches!(
        h.handle(&tm),
        Err(CaptureError::UnknownTable { .. })
    ));
}

#[test]
fn excluded_tables_are_skipped() {
    let mut log = Log::new();
    let filters = Filters {
        table_include: Some(PatternList::parse("db\\.other").unwrap()),
        ..Filters::default()
    };
    let events = vec![
        fake_rotate(&log),
        log.event(QUERY, &query_body("db", "BEGIN")),
        log.event(TABLE_MAP, &table_map_body("t", &["id", "name", "amount"])),
        log.event(WRITE_ROWS, &write_rows_body()),
        log.event(XID, &1u64.to_le_bytes()),
    ];
    let mut h = handler(filters);
    let out = all(&mut h, &events);
    assert!(matches!(
        &out[..],
        [StreamEvent::Begin { .. }, StreamEvent::Commit { .. }]
    ));
}

#[test]
fn mariadb_gtid_starts_a_transaction() {
    let mut log = Log::new();
    let mut body = 7u64.to_le_bytes().to_vec();
    body.extend_from_slice(&0u32.to_le_bytes());
    body.push(0);
    let events = vec![
        fake_rotate(&log),
        log.event(MARIA_GTID, &body),
        log.event(XID, &1u64.to_le_bytes()),
    ];
    let mut h = handler(Filters::default());
    let out = all(&mut h, &events);
    match &out[..] {
        [
            StreamEvent::Begin {
                position,
                gtid: Some(g),
                ..
            },
            StreamEvent::Commit { gtid: Some(c), .. },
        ] => {
            assert_eq!(position.pos, 4);
            assert_eq!(g, "0-1-7");
            assert_eq!(c, "0-1-7");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn ddl_changes_the_catalog_and_truncate_is_its_own_event() {
    let mut log = Log::new();
    let events = vec![
        fake_rotate(&log),
        log.event(
            QUERY,
            &query_body("db", "ALTER TABLE t ADD COLUMN extra INT"),
        ),
        log.event(QUERY, &query_body("db", "TRUNCATE TABLE t")),
        log.event(QUERY, &query_body("db", "GRANT SELECT ON *.* TO x")),
    ];
    let mut h = handler(Filters::default());
    let out = all(&mut h, &events);
    assert_eq!(out.len(), 2, "{out:?}");
    match &out[0] {
        StreamEvent::SchemaChange {
            changes, database, ..
        } => {
            assert_eq!(changes, &[TableChange::Altered(TableId::new("db", "t"))]);
            assert_eq!(database.as_deref(), Some("db"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&out[1], StreamEvent::Truncate { table, .. } if table.columns.len() == 4));
    // The old layout no longer matches the model.
    let tm = log.event(TABLE_MAP, &table_map_body("t", &["id", "name", "amount"]));
    assert!(matches!(
        h.handle(&tm),
        Err(CaptureError::UnknownTable { reason, .. }) if reason.contains("3 columns")
    ));
}

/// Pure decode rate (no server, no network): a rows event of 100 rows of
/// `(BIGINT, INT, VARCHAR(40), DECIMAL(10,2), DATETIME(3), TINYINT)` handled repeatedly.
/// `cargo test -p sluice-capture --lib decode_rate -- --ignored --nocapture` (with optimisation).
#[test]
#[ignore = "throughput measurement"]
fn decode_rate() {
    let mut c = Catalog::new();
    c.apply_sql(
        "CREATE TABLE b (id BIGINT PRIMARY KEY, qty INT, name VARCHAR(40), price DECIMAL(10,2), \
         created DATETIME(3), flag TINYINT)",
        Some("db"),
    )
    .unwrap();
    let mut h = EventHandler::new(
        c,
        Filters::default(),
        &BinlogPosition::new("b.000001", 4),
        None,
    );
    let mut log = Log::new();
    let mut tm = vec![9, 0, 0, 0, 0, 0, 0, 0, 2];
    tm.extend_from_slice(b"db\0\x01b\0");
    lenenc(&mut tm, 6);
    tm.extend_from_slice(&[8, 3, 15, 246, 18, 1]);
    tm.extend_from_slice(&[5, 160, 0, 10, 2, 3]);
    tm.push(0b111110);
    let mut rows = vec![9, 0, 0, 0, 0, 0, 0, 0];
    rows.extend_from_slice(&2u16.to_le_bytes());
    lenenc(&mut rows, 6);
    rows.push(0b111111);
    let dt = {
        let ym: i64 = 2024 * 13 + 1;
        let packed = ((((ym << 5) | 1) << 17) | (10 << 12)) + 0x80_0000_0000;
        let mut v = packed.to_be_bytes()[3..].to_vec();
        v.extend_from_slice(&[0x01, 0x23]);
        v
    };
    for i in 0..100u64 {
        rows.push(0);
        rows.extend_from_slice(&i.to_le_bytes());
        rows.extend_from_slice(&(i as u32 * 3).to_le_bytes());
        let name = format!("name-{i}");
        rows.push(name.len() as u8);
        rows.extend_from_slice(name.as_bytes());
        rows.extend_from_slice(&[0x80, 0x00, 0x00, 0x30, 0x39]);
        rows.extend_from_slice(&dt);
        rows.push((i % 2) as u8);
    }
    let rotate = fake_rotate(&log);
    let tm = log.event(TABLE_MAP, &tm);
    let rows = log.event(WRITE_ROWS, &rows);
    h.handle(&rotate).unwrap();
    h.handle(&tm).unwrap();
    let t0 = std::time::Instant::now();
    let mut n = 0;
    while n < 200_000 {
        match h.handle(&rows).unwrap() {
            Some(StreamEvent::Rows { rows, .. }) => n += rows.len(),
            other => panic!("{other:?}"),
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    eprintln!(
        "decoded {n} rows in {secs:.3} s: {:.0} rows/s",
        n as f64 / secs
    );
}
