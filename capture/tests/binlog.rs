//! The binlog reader against a private MariaDB (ROW binlog, FULL images and metadata): every
//! type decoded, transactions in order with positions, DDL between rows, filters, TRUNCATE,
//! restart from a saved position, purged binlogs, heartbeats and preflight.

use sluice_capture::binlog::{BinlogReader, RowImage, RowOp, StreamEvent};
use sluice_capture::config::{DatabaseConfig, Filters, PatternList, Secret, SslMode};
use sluice_capture::error::CaptureError;
use sluice_capture::mysql::{self, Flavor};
use sluice_capture::position::BinlogPosition;
use sluice_capture::schema::{Catalog, TableChange, TableId};
use sluice_capture::value::ColumnValue as V;
use sluice_e2e::MariaDb;
use std::time::Duration;

/// Starts a private server; one install at a time (parallel `mariadb-install-db` runs collide).
fn server(extra: &[&str]) -> MariaDb {
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    MariaDb::start_with(extra)
}

fn config(db: &MariaDb) -> DatabaseConfig {
    DatabaseConfig {
        hostname: "127.0.0.1".into(),
        port: db.port(),
        user: sluice_e2e::mariadb::USER.into(),
        password: Secret::new(sluice_e2e::mariadb::PASSWORD),
        server_id: 5400,
        ssl_mode: SslMode::Preferred,
    }
}

async fn conn(db: &MariaDb) -> mysql_async::Conn {
    mysql_async::Conn::new(mysql::opts(&config(db)))
        .await
        .unwrap()
}

fn app_filters() -> Filters {
    Filters {
        table_include: Some(PatternList::parse("app\\.(types|other)").unwrap()),
        ..Filters::default()
    }
}

/// The next event that is not a heartbeat, within 20 s.
async fn next(reader: &mut BinlogReader) -> StreamEvent {
    loop {
        let ev = tokio::time::timeout(Duration::from_secs(20), reader.next())
            .await
            .expect("an event within 20 s")
            .expect("the stream reads");
        if !matches!(ev, StreamEvent::Heartbeat { .. }) {
            return ev;
        }
    }
}

/// Events up to and including the Commit after rows of `other` with id `marker`.
async fn read_until_marker(reader: &mut BinlogReader, marker: i64) -> Vec<StreamEvent> {
    let mut out = Vec::new();
    let mut seen = false;
    loop {
        let ev = next(reader).await;
        if let StreamEvent::Rows { table, rows, .. } = &ev
            && table.id.table == "other"
            && rows
                .iter()
                .any(|r| r.after.as_ref().is_some_and(|a| a[0] == V::Int(marker)))
        {
            seen = true;
        }
        let commit = matches!(ev, StreamEvent::Commit { .. });
        out.push(ev);
        if seen && commit {
            return out;
        }
    }
}

const TYPES_DDL: &str = "CREATE TABLE types (
  id INT NOT NULL PRIMARY KEY,
  ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, su SMALLINT UNSIGNED,
  mi MEDIUMINT, mu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED,
  d1 DECIMAL(10,2), d2 DECIMAL(65,30), f FLOAT, dbl DOUBLE,
  c CHAR(10), vc VARCHAR(50) CHARACTER SET utf8mb4, l1 VARCHAR(20) CHARACTER SET latin1,
  tx TEXT, bl BLOB, bin BINARY(4), vb VARBINARY(10),
  dt DATE, tm TIME(6), dtm DATETIME(3), ts TIMESTAMP(6) NULL, y YEAR,
  e ENUM('red','green','blue'), s SET('a','b','c','d'), b BIT(10), j JSON
)";

fn rows_of(ev: &StreamEvent) -> (&str, RowOp, &[RowImage]) {
    match ev {
        StreamEvent::Rows {
            table, op, rows, ..
        } => (table.id.table.as_str(), *op, rows),
        other => panic!("expected rows, got {other:?}"),
    }
}

fn dec(s: &str) -> V<'static> {
    V::Decimal(s.to_string().into())
}

fn text(s: &str) -> V<'static> {
    V::String(s.to_string().into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_types_transactions_ddl_and_restart() {
    let db = server(&[]);
    let mut c = conn(&db).await;
    let info = mysql::check_server(&mut c).await.expect("preflight passes");
    assert_eq!(info.flavor, Flavor::MariaDb);
    assert_eq!(info.server_id, 1);
    let start = info.current.clone();

    db.root(&format!(
        "CREATE DATABASE app; USE app; {TYPES_DDL};
         CREATE TABLE other (id INT PRIMARY KEY, name VARCHAR(20));
         CREATE TABLE ignored (id INT PRIMARY KEY);"
    ));
    db.root(
        "SET NAMES utf8mb4; SET time_zone = '+00:00'; USE app;
         INSERT INTO types VALUES (1, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647,
           4294967295, 9223372036854775807, 18446744073709551615, 12345678.91,
           '-12345678901234567890123456789012345.123456789012345678901234567891', 1.5, -2.25,
           'chars', 'emoji 😀 ok', 'caf\u{e9}', 'long text', x'00ff10', x'0102', x'abcdef',
           '2024-02-29', '-838:59:59.000000', '2024-02-29 13:14:15.123',
           '2038-01-19 03:14:07.999999', 2155, 'blue', 'a,d', b'1000000001',
           '{\"k\": [1, true, null, \"x\"]}');
         INSERT INTO types (id, ti, tu, si, su, mi, mu, i, iu, bi, bu, y, tm)
           VALUES (2, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,
           1901, '12:34:56.789012'),
           (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
         SET SESSION sql_mode = '';
         INSERT INTO types (id, dt, dtm, ts) VALUES (4, '0000-00-00', '0000-00-00 00:00:00',
           '0000-00-00 00:00:00');",
    );
    db.root(
        "USE app; UPDATE types SET vc = 'changed' WHERE id = 2; DELETE FROM types WHERE id = 3;
         INSERT INTO ignored VALUES (1);
         BEGIN; INSERT INTO types (id) VALUES (10); INSERT INTO other VALUES (1, 'one'); COMMIT;",
    );
    db.root(
        "USE app; ALTER TABLE other ADD COLUMN extra VARCHAR(10) DEFAULT 'x';
         INSERT INTO other VALUES (2, 'two', 'ex');
         TRUNCATE TABLE other;
         INSERT INTO other VALUES (3, 'three', 'ex3');",
    );

    let mut reader = BinlogReader::start(&config(&db), 5400, app_filters(), start, Catalog::new())
        .await
        .unwrap();
    let events = read_until_marker(&mut reader, 3).await;
    let summary: Vec<String> = events
        .iter()
        .map(|e| match e {
            StreamEvent::Begin { .. } => "B".to_string(),
            StreamEvent::Commit { .. } => "C".to_string(),
            StreamEvent::Rows {
                table, op, rows, ..
            } => {
                format!("{}:{op:?}x{}", table.id.table, rows.len())
            }
            StreamEvent::SchemaChange { changes, .. } => format!("S{}", changes.len()),
            StreamEvent::Truncate { table, .. } => format!("T:{}", table.id.table),
            StreamEvent::Heartbeat { .. } => "H".into(),
        })
        .collect();
    assert_eq!(
        summary.join(" "),
        "S0 S1 S1 S1 \
         B types:Insertx1 C B types:Insertx2 C B types:Insertx1 C \
         B types:Updatex1 C B types:Deletex1 C B C \
         B types:Insertx1 other:Insertx1 C \
         S1 B other:Insertx1 C T:other B other:Insertx1 C"
    );

    // Positions: every event starts where the previous one's `next` left off or later, and
    // a transaction's rows lie between its Begin and Commit.
    let mut last_commit: Option<BinlogPosition> = None;
    let mut begin: Option<BinlogPosition> = None;
    for ev in &events {
        match ev {
            StreamEvent::Begin { position, gtid, .. } => {
                assert!(gtid.as_deref().is_some_and(|g| g.starts_with("0-1-")));
                if let Some(c) = &last_commit {
                    assert!(position >= c, "{position} before {c}");
                }
                begin = Some(position.clone());
            }
            StreamEvent::Rows { position, .. } => {
                assert!(position > begin.as_ref().unwrap());
            }
            StreamEvent::Commit { next, .. } => {
                assert!(next > begin.as_ref().unwrap());
                last_commit = Some(next.clone());
            }
            _ => {}
        }
    }

    // Values of every type.
    let (_, _, r1) = rows_of(&events[5]);
    let a = r1[0].after.as_ref().unwrap();
    let expected = vec![
        V::Int(1),
        V::Int(127),
        V::UInt(255),
        V::Int(32767),
        V::UInt(65535),
        V::Int(8_388_607),
        V::UInt(16_777_215),
        V::Int(2_147_483_647),
        V::UInt(4_294_967_295),
        V::Int(i64::MAX),
        V::UInt(u64::MAX),
        dec("12345678.91"),
        dec("-12345678901234567890123456789012345.123456789012345678901234567891"),
        V::Float(1.5),
        V::Double(-2.25),
        text("chars"),
        text("emoji 😀 ok"),
        text("café"),
        text("long text"),
        V::Bytes(vec![0x00, 0xff, 0x10].into()),
        V::Bytes(vec![0x01, 0x02, 0, 0].into()),
        V::Bytes(vec![0xab, 0xcd, 0xef].into()),
        V::Date {
            year: 2024,
            month: 2,
            day: 29,
        },
        V::Time {
            negative: true,
            hours: 838,
            minutes: 59,
            seconds: 59,
            micros: 0,
        },
        V::DateTime {
            year: 2024,
            month: 2,
            day: 29,
            hour: 13,
            minute: 14,
            second: 15,
            micros: 123_000,
        },
        V::Timestamp {
            unix_secs: 2_147_483_647,
            micros: 999_999,
        },
        V::Year(2155),
        V::Enum(3),
        V::Set(0b1001),
        V::Bit(vec![0b10, 0b0000_0001].into()),
        V::Json("{\"k\": [1, true, null, \"x\"]}".to_string().into()),
    ];
    assert_eq!(a.len(), expected.len());
    for (i, (got, want)) in a.iter().zip(&expected).enumerate() {
        assert_eq!(got, want, "column {i}");
    }
    let (_, _, r23) = rows_of(&events[8]);
    let a2 = r23[0].after.as_ref().unwrap();
    assert_eq!(
        &a2[..11],
        &[
            V::Int(2),
            V::Int(-128),
            V::UInt(0),
            V::Int(-32768),
            V::UInt(0),
            V::Int(-8_388_608),
            V::UInt(0),
            V::Int(-2_147_483_648),
            V::UInt(0),
            V::Int(i64::MIN),
            V::UInt(0)
        ]
    );
    assert_eq!(a2[26], V::Year(1901));
    assert_eq!(
        a2[23],
        V::Time {
            negative: false,
            hours: 12,
            minutes: 34,
            seconds: 56,
            micros: 789_012
        }
    );
    assert!(r23[1].after.as_ref().unwrap()[1..].iter().all(V::is_null));
    let (_, _, r4) = rows_of(&events[11]);
    let a4 = r4[0].after.as_ref().unwrap();
    assert_eq!(
        a4[22],
        V::Date {
            year: 0,
            month: 0,
            day: 0
        }
    );
    assert_eq!(
        a4[24],
        V::DateTime {
            year: 0,
            month: 0,
            day: 0,
            hour: 0,
            minute: 0,
            second: 0,
            micros: 0
        }
    );
    assert_eq!(
        a4[25],
        V::Timestamp {
            unix_secs: 0,
            micros: 0
        }
    );
    let (_, op, upd) = rows_of(&events[14]);
    assert_eq!(op, RowOp::Update);
    assert_eq!(upd[0].before.as_ref().unwrap()[16], V::Null);
    assert_eq!(upd[0].after.as_ref().unwrap()[16], text("changed"));
    let (_, _, del) = rows_of(&events[17]);
    assert_eq!(del[0].before.as_ref().unwrap()[0], V::Int(3));
    assert!(del[0].after.is_none());

    // DDL between inserts: the catalog follows and later rows use the new layout.
    let alter = events
        .iter()
        .position(|e| {
            matches!(e, StreamEvent::SchemaChange { changes, .. }
            if changes == &[TableChange::Altered(TableId::new("app", "other"))])
        })
        .expect("ALTER reported");
    let (_, _, after_alter) = rows_of(&events[alter + 2]);
    assert_eq!(
        after_alter[0].after.as_ref().unwrap(),
        &vec![V::Int(2), text("two"), text("ex")]
    );
    assert_eq!(
        reader
            .catalog()
            .table(&TableId::new("app", "other"))
            .unwrap()
            .columns
            .len(),
        3
    );

    // Restart from a saved Commit `next`: continues exactly after it.
    let (cut, resume_at) = events
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match e {
            StreamEvent::Commit { next, .. } => Some((i, next.clone())),
            _ => None,
        })
        .nth(6)
        .unwrap();
    let mut catalog = Catalog::new();
    catalog
        .apply_sql(
            &format!(
                "CREATE DATABASE app; USE app; {TYPES_DDL}; \
                 CREATE TABLE other (id INT PRIMARY KEY, name VARCHAR(20)); \
                 CREATE TABLE ignored (id INT PRIMARY KEY)"
            ),
            None,
        )
        .unwrap();
    let mut again = BinlogReader::start(&config(&db), 5401, app_filters(), resume_at, catalog)
        .await
        .unwrap();
    let resumed = read_until_marker(&mut again, 3).await;
    assert_eq!(resumed.len(), events.len() - cut - 1);
    for (a, b) in resumed.iter().zip(&events[cut + 1..]) {
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purged_binlog_and_heartbeat() {
    let db = server(&[]);
    let mut c = conn(&db).await;
    let first = mysql::earliest_binlog(&mut c).await.unwrap();
    // MariaDB keeps a binlog file until InnoDB has checkpointed its transactions, and PURGE
    // skips such a file with only a warning: flush and purge until the first file is gone.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let current = loop {
        db.root("FLUSH BINARY LOGS; FLUSH BINARY LOGS;");
        let current = mysql::current_position(&mut c).await.unwrap();
        db.root(&format!("PURGE BINARY LOGS TO '{}'", current.file));
        if mysql::earliest_binlog(&mut c).await.unwrap() != first {
            break current;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{first} was never purged"
        );
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    };

    let from = BinlogPosition::new(first.clone(), 4);
    let result =
        match BinlogReader::start(&config(&db), 5402, Filters::default(), from, Catalog::new())
            .await
        {
            Ok(mut r) => r.next().await.map(|_| ()),
            Err(e) => Err(e),
        };
    match result {
        Err(CaptureError::BinlogPurged { file, .. }) => assert_eq!(file, first),
        other => panic!("expected BinlogPurged, got {other:?}"),
    }
    let purged = mysql::preflight::ensure_not_purged(&mut c, &BinlogPosition::new(first, 4)).await;
    assert!(matches!(purged, Err(CaptureError::BinlogPurged { .. })));

    // An idle stream produces heartbeats at the current position.
    let mut reader = BinlogReader::start_with_heartbeat(
        &config(&db),
        5403,
        Filters::default(),
        current.clone(),
        Catalog::new(),
        Duration::from_millis(200),
    )
    .await
    .unwrap();
    let hb = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let StreamEvent::Heartbeat { next } = reader.next().await.unwrap() {
                return next;
            }
        }
    })
    .await
    .expect("a heartbeat within 10 s");
    assert_eq!(hb.file, current.file);
    assert!(hb.pos >= 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preflight_names_binlog_format() {
    let db = server(&["--binlog-format=STATEMENT"]);
    let mut c = conn(&db).await;
    match mysql::check_server(&mut c).await {
        Err(CaptureError::ServerSetting {
            setting,
            expected,
            actual,
        }) => {
            assert_eq!(setting, "binlog_format");
            assert_eq!(expected, "ROW");
            assert_eq!(actual, "STATEMENT");
        }
        other => panic!("expected a ServerSetting error, got {other:?}"),
    }
}

/// Decode throughput: 200k rows of a 6-column table, read and decoded from the binlog.
/// `cargo test -p sluice-capture --release --test binlog -- --ignored --nocapture`
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "throughput measurement"]
async fn decode_throughput() {
    const N: usize = 200_000;
    let db = server(&[]);
    let mut c = conn(&db).await;
    let start = mysql::current_position(&mut c).await.unwrap();
    db.root(
        "CREATE DATABASE bench; USE bench;
         CREATE TABLE t (id BIGINT PRIMARY KEY, qty INT, name VARCHAR(40), price DECIMAL(10,2),
           created DATETIME(3), flag TINYINT);
         INSERT INTO t SELECT seq, seq * 3, CONCAT('name-', seq), seq / 7,
           '2024-01-01 00:00:00' + INTERVAL seq SECOND, seq % 2 FROM seq_1_to_200000;",
    );
    let mut reader = BinlogReader::start(
        &config(&db),
        5404,
        Filters::default(),
        start,
        Catalog::new(),
    )
    .await
    .unwrap();
    let t0 = std::time::Instant::now();
    let mut rows = 0;
    while rows < N {
        if let StreamEvent::Rows { rows: r, .. } = next(&mut reader).await {
            rows += r.len();
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    eprintln!(
        "decoded {rows} rows in {secs:.3} s: {:.0} rows/s",
        rows as f64 / secs
    );
}

/// YEAR counts as a numeric column in TABLE_MAP signedness: columns after it keep their sign.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signedness_after_a_year_column() {
    let db = server(&[]);
    let mut c = conn(&db).await;
    let start = mysql::current_position(&mut c).await.unwrap();
    db.root(
        "CREATE DATABASE p; USE p;
         CREATE TABLE yr (y YEAR, u INT UNSIGNED PRIMARY KEY, s INT);
         INSERT INTO yr VALUES (2000, 4294967295, -1);",
    );
    let mut reader = BinlogReader::start(
        &config(&db),
        5405,
        Filters::default(),
        start,
        Catalog::new(),
    )
    .await
    .unwrap();
    loop {
        if let StreamEvent::Rows { rows, .. } = next(&mut reader).await {
            assert_eq!(
                rows[0].after.as_deref().unwrap(),
                &[V::Year(2000), V::UInt(4_294_967_295), V::Int(-1)]
            );
            return;
        }
    }
}
