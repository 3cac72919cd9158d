//! Snapshot value decoding of every column type, composite/ENUM/keyless chunking, and
//! (ignored) throughput, against a real private MariaDB.

use sluice_capture::config::ConnectorConfig;
use sluice_capture::schema::TableId;
use sluice_capture::snapshot::{self, SnapshotProgress, SnapshotRow};
use sluice_capture::value::{ColumnValue, OwnedColumnValue};
use sluice_e2e::MariaDb;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::time::Instant;

fn config(db: &MariaDb, extra: &[(&str, &str)]) -> ConnectorConfig {
    let mut cfg = serde_json::json!({
        "connector.class": "io.debezium.connector.mysql.MySqlConnector",
        "topic.prefix": "t",
        "database.server.id": "184054",
        "database.hostname": "127.0.0.1",
        "database.port": db.port().to_string(),
        "database.user": sluice_e2e::mariadb::USER,
        "database.password": sluice_e2e::mariadb::PASSWORD,
    });
    for (k, v) in extra {
        cfg[*k] = (*v).into();
    }
    ConnectorConfig::from_json(&cfg)
        .expect("valid config")
        .config
}

async fn rows(config: &ConnectorConfig) -> BTreeMap<TableId, Vec<Vec<OwnedColumnValue>>> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<SnapshotRow>(64);
    let collect = tokio::spawn(async move {
        let mut out: BTreeMap<TableId, Vec<Vec<OwnedColumnValue>>> = BTreeMap::new();
        while let Some(r) = rx.recv().await {
            out.entry(r.table.id.clone()).or_default().push(r.values);
        }
        out
    });
    let quiet = |_: SnapshotProgress| {};
    snapshot::run(config, tx, &quiet).await.expect("snapshot");
    collect.await.unwrap()
}

fn s(v: &str) -> OwnedColumnValue {
    ColumnValue::String(Cow::Owned(v.into()))
}
fn by(v: &[u8]) -> OwnedColumnValue {
    ColumnValue::Bytes(Cow::Owned(v.to_vec()))
}
fn bit(v: &[u8]) -> OwnedColumnValue {
    ColumnValue::Bit(Cow::Owned(v.to_vec()))
}

const TYPES: &str = "
SET NAMES utf8mb4;
SET SESSION sql_mode = '';
SET SESSION time_zone = '+00:00';
CREATE DATABASE types CHARACTER SET utf8mb4;
CREATE TABLE types.t (
  id INT PRIMARY KEY,
  ti TINYINT, tu TINYINT UNSIGNED, bo BOOLEAN,
  si SMALLINT, su SMALLINT UNSIGNED, mi MEDIUMINT, mu MEDIUMINT UNSIGNED,
  i INT, iu INT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED,
  f FLOAT, d DOUBLE, d1 DECIMAL(10,2), d2 DECIMAL(40,20),
  c CHAR(5) CHARACTER SET latin1, vc VARCHAR(20), tx TEXT,
  bn BINARY(4), vb VARBINARY(10), bl BLOB,
  j JSON, e ENUM('x','y','z'), st SET('a','b','c'),
  b1 BIT(1), b12 BIT(12), b64 BIT(64),
  y YEAR, dt DATE, tm TIME(3), dtm DATETIME(6), ts TIMESTAMP(2) NULL DEFAULT NULL,
  g POINT
);
INSERT INTO types.t VALUES
 (1, 127, 255, 1, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,
  9223372036854775807, 18446744073709551615, 1.5, 2.25, 12345678.90,
  '12345678901234567890.01234567890123456789',
  'café', 'emoji 😀', 'text', X'00010203', X'FF', 'blob', '{\"a\": [1, 2]}', 'z', 'a,c',
  b'1', b'101010101010', b'1111111111111111111111111111111111111111111111111111111111111111',
  2024, '0000-00-00', '-838:59:59.999', '0000-00-00 00:00:00', '0000-00-00 00:00:00',
  ST_GeomFromText('POINT(1 2)', 4326)),
 (2, -128, 0, 0, -32768, 0, -8388608, 0, -2147483648, 0,
  -9223372036854775808, 0, -0.25, -1e300, -0.01, '-0.00000000000000000001',
  'ÀÉÎ', '', '', X'', X'', '', '[]', 'x', '',
  b'0', b'000000000001', b'0', 1901, '2018-06-20', '12:34:56.789',
  '2018-06-20 13:37:03.123456', '2018-06-20 13:37:03.12', NULL),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL);
CREATE TABLE types.composite (name VARCHAR(10) COLLATE utf8mb4_general_ci, n INT, v INT,
  PRIMARY KEY (name, n));
INSERT INTO types.composite VALUES ('apple', 2, 1), ('Apple2', 1, 2), ('banana', 1, 3),
  ('Banana2', 1, 4), ('cherry', 5, 5), ('cherry', 7, 6), ('Cherry2', 1, 7), ('d', 1, 8);
CREATE TABLE types.enum_key (k ENUM('z','a','m') PRIMARY KEY, v INT);
INSERT INTO types.enum_key VALUES ('a', 2), ('m', 3), ('z', 1);
CREATE TABLE types.keyless (v VARCHAR(5));
INSERT INTO types.keyless VALUES ('a'), ('b'), ('a');
CREATE VIEW types.a_view AS SELECT id FROM types.t;
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_type_decodes_like_the_binlog_model() {
    let db = MariaDb::start();
    db.root(TYPES);
    let got = rows(&config(&db, &[("snapshot.fetch.size", "2")])).await;
    let t = |name: &str| &got[&TableId::new("types", name)];
    assert_eq!(got.len(), 4, "the view is skipped: {:?}", got.keys());

    let max = &t("t")[0];
    let mut point = vec![0xE6, 0x10, 0, 0, 1, 1, 0, 0, 0];
    point.extend_from_slice(&1f64.to_le_bytes());
    point.extend_from_slice(&2f64.to_le_bytes());
    let expected_max: Vec<OwnedColumnValue> = vec![
        ColumnValue::Int(1),
        ColumnValue::Int(127),
        ColumnValue::UInt(255),
        ColumnValue::Int(1),
        ColumnValue::Int(32767),
        ColumnValue::UInt(65535),
        ColumnValue::Int(8_388_607),
        ColumnValue::UInt(16_777_215),
        ColumnValue::Int(2_147_483_647),
        ColumnValue::UInt(4_294_967_295),
        ColumnValue::Int(i64::MAX),
        ColumnValue::UInt(u64::MAX),
        ColumnValue::Float(1.5),
        ColumnValue::Double(2.25),
        ColumnValue::Decimal("12345678.90".into()),
        ColumnValue::Decimal("12345678901234567890.01234567890123456789".into()),
        s("café"),
        s("emoji 😀"),
        s("text"),
        by(&[0, 1, 2, 3]),
        by(&[0xFF]),
        by(b"blob"),
        // MariaDB's JSON is LONGTEXT with a json_valid check: a string, as Debezium reads it.
        s("{\"a\": [1, 2]}"),
        ColumnValue::Enum(3),
        ColumnValue::Set(0b101),
        bit(&[1]),
        bit(&[0x0A, 0xAA]),
        bit(&[0xFF; 8]),
        ColumnValue::Year(2024),
        ColumnValue::Date {
            year: 0,
            month: 0,
            day: 0,
        },
        ColumnValue::Time {
            negative: true,
            hours: 838,
            minutes: 59,
            seconds: 59,
            micros: 999_000,
        },
        ColumnValue::DateTime {
            year: 0,
            month: 0,
            day: 0,
            hour: 0,
            minute: 0,
            second: 0,
            micros: 0,
        },
        ColumnValue::Timestamp {
            unix_secs: 0,
            micros: 0,
        },
        ColumnValue::Geometry(point.into()),
    ];
    for (i, (g, e)) in max.iter().zip(&expected_max).enumerate() {
        assert_eq!(g, e, "column {i} of row 1");
    }
    assert_eq!(max.len(), expected_max.len());

    let min = &t("t")[1];
    assert_eq!(min[1], ColumnValue::Int(-128));
    assert_eq!(min[2], ColumnValue::UInt(0));
    assert_eq!(min[10], ColumnValue::Int(i64::MIN));
    assert_eq!(min[12], ColumnValue::Float(-0.25));
    assert_eq!(min[13], ColumnValue::Double(-1e300));
    assert_eq!(min[14], ColumnValue::Decimal("-0.01".into()));
    assert_eq!(
        min[15],
        ColumnValue::Decimal("-0.00000000000000000001".into())
    );
    assert_eq!(min[16], s("ÀÉÎ"), "latin1 column read as UTF-8");
    assert_eq!(min[19], by(&[0, 0, 0, 0]), "BINARY(4) is padded");
    assert_eq!(min[23], ColumnValue::Enum(1));
    assert_eq!(min[24], ColumnValue::Set(0));
    assert_eq!(min[25], bit(&[0]));
    assert_eq!(min[26], bit(&[0x00, 0x01]));
    assert_eq!(min[28], ColumnValue::Year(1901));
    assert_eq!(
        min[29],
        ColumnValue::Date {
            year: 2018,
            month: 6,
            day: 20
        }
    );
    assert_eq!(
        min[30],
        ColumnValue::Time {
            negative: false,
            hours: 12,
            minutes: 34,
            seconds: 56,
            micros: 789_000
        }
    );
    assert_eq!(
        min[31],
        ColumnValue::DateTime {
            year: 2018,
            month: 6,
            day: 20,
            hour: 13,
            minute: 37,
            second: 3,
            micros: 123_456
        }
    );
    // 2018-06-20T13:37:03.12Z
    assert_eq!(
        min[32],
        ColumnValue::Timestamp {
            unix_secs: 1_529_501_823,
            micros: 120_000
        }
    );
    let nulls = &t("t")[2];
    assert!(nulls[1..].iter().all(|v| *v == ColumnValue::Null));

    // Composite key, case-insensitive collation, chunks of 2: collation order, each once.
    let names: Vec<(OwnedColumnValue, OwnedColumnValue)> = t("composite")
        .iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let want = [
        ("apple", 2),
        ("Apple2", 1),
        ("banana", 1),
        ("Banana2", 1),
        ("cherry", 5),
        ("cherry", 7),
        ("Cherry2", 1),
        ("d", 1),
    ];
    assert_eq!(
        names,
        want.map(|(n, i)| (s(n), ColumnValue::Int(i))).to_vec()
    );
    // ENUM key: index order (z, a, m), paged by index.
    let e: Vec<OwnedColumnValue> = t("enum_key").iter().map(|r| r[0].clone()).collect();
    assert_eq!(
        e,
        [
            ColumnValue::Enum(1),
            ColumnValue::Enum(2),
            ColumnValue::Enum(3)
        ]
    );
    assert_eq!(t("keyless").len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "throughput measurement: cargo test --release -p sluice-capture --test snapshot_types -- --ignored --nocapture"]
async fn throughput_300k_rows() {
    let db = MariaDb::start_with(&["--innodb-buffer-pool-size=256M"]);
    db.root(
        "CREATE DATABASE perf;
         CREATE TABLE perf.t (id BIGINT PRIMARY KEY, a INT, b VARCHAR(32), c DOUBLE,
           d DATETIME, e DECIMAL(10,2));
         INSERT INTO perf.t SELECT seq, seq % 1000, CONCAT('name-', seq), seq / 7,
           '2024-01-01 00:00:00' + INTERVAL seq SECOND, seq / 100 FROM perf.seq_1_to_300000;",
    );
    let cfg = config(&db, &[("database.include.list", "perf")]);
    for _ in 0..2 {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<SnapshotRow>(1024);
        let count = tokio::spawn(async move {
            let mut n = 0u64;
            while rx.recv().await.is_some() {
                n += 1;
            }
            n
        });
        let quiet = |_: SnapshotProgress| {};
        let started = Instant::now();
        let outcome = snapshot::run(&cfg, tx, &quiet).await.expect("snapshot");
        let n = count.await.unwrap();
        let secs = started.elapsed().as_secs_f64();
        assert_eq!(n, 300_000);
        assert_eq!(outcome.rows, 300_000);
        eprintln!(
            "snapshot of 300k rows x 6 columns: {secs:.2} s, {:.0} rows/s",
            n as f64 / secs
        );
    }
}
