//! Differential fidelity: one scenario through the real Debezium 3.6.1 (Kafka Connect 4.3,
//! `JsonConverter` with schemas) and through Sluice (Confluent-framed Avro, schemas in its
//! built-in registry), on the same MariaDB and the same Kafka, compared record by record.
//!
//! Scenario: a snapshot of tables covering every column type of the conformance data, then inserts,
//! updates, a primary-key change, deletes with tombstones, TRUNCATE, a compatible DDL (ADD COLUMN
//! NULL), tables created while streaming (taking the database charset the snapshot read, and one
//! an `ALTER DATABASE` set), NOW()/ON UPDATE NOW() defaults, a multi-table RENAME and DROP, and a
//! multi-table transaction; heartbeats, transaction metadata and the schema-change topic on, on
//! both sides.
//!
//! Compared, per topic (names modulo `topic.prefix`) and in offset order: every key and value,
//! field by field, walking Debezium's Connect schema (so a field one side lacks is a difference);
//! and every record's schema: Debezium's Connect schema translated with Sluice's own Connect→Avro
//! mapping ([`sluice_capture::avro::avro_from_connect_json`]) must equal the Avro schema Sluice
//! wrote that record with. The fields that differ by nature are listed in [`ignored`], each with
//! its reason.

use serde_json::{Value, json};
use sluice_e2e::connect::{ConnectWorker, MARIADB_VERSION_OPTION, debezium_config};
use sluice_e2e::{Kafka, MariaDb, SluiceServer, request};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::TcpListener;
use std::process::Command;
use std::time::{Duration, Instant};

/// Topic prefixes: tokens that occur nowhere else, so normalising them is a plain replacement.
const DBZ: &str = "dbzp";
const SLC: &str = "slcp";
const COMMON: &str = "PREFIX";

const SETUP: &str = "
SET NAMES utf8mb4;
SET SESSION sql_mode = '';
SET SESSION time_zone = '+00:00';
CREATE DATABASE diff CHARACTER SET utf8mb4;
CREATE TABLE diff.types (
  id INT PRIMARY KEY,
  ti TINYINT, tu TINYINT UNSIGNED, bo BOOLEAN,
  si SMALLINT, su SMALLINT UNSIGNED, mi MEDIUMINT, mu MEDIUMINT UNSIGNED,
  i INT, iu INT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED,
  f FLOAT, d DOUBLE, re REAL, d1 DECIMAL(10,2), d2 DECIMAL(40,20), du DECIMAL(5,0) UNSIGNED,
  n NUMERIC(6,3),
  c CHAR(5) CHARACTER SET latin1, vc VARCHAR(20), tt TINYTEXT, tx TEXT, mt MEDIUMTEXT,
  lt LONGTEXT,
  bn BINARY(4), vb VARBINARY(10), tb TINYBLOB, bl BLOB, mb MEDIUMBLOB, lb LONGBLOB,
  j JSON, e ENUM('x','y','z'), st SET('a','b','c'),
  b1 BIT(1), b12 BIT(12), b64 BIT(64),
  y YEAR,
  g POINT, ls LINESTRING, pg POLYGON, ge GEOMETRY,
  dflt_i INT NOT NULL DEFAULT 42, dflt_s VARCHAR(10) NOT NULL DEFAULT 'dflt',
  dflt_d DECIMAL(6,2) DEFAULT 1.50, dflt_e ENUM('p','q') NOT NULL DEFAULT 'q',
  dflt_b BIT(3) DEFAULT b'101'
);
INSERT INTO diff.types (id, ti, tu, bo, si, su, mi, mu, i, iu, bi, bu, f, d, re, d1, d2, du, n,
  c, vc, tt, tx, mt, lt, bn, vb, tb, bl, mb, lb, j, e, st, b1, b12, b64, y, g, ls, pg, ge) VALUES
 (1, 127, 255, 1, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,
  9223372036854775807, 18446744073709551615, 1.5, 2.25, -3.75, 12345678.90,
  '12345678901234567890.01234567890123456789', 99999, 123.456,
  'café', 'emoji 😀', 'tiny', 'text', 'medium', 'long', X'00010203', X'FF', X'01', 'blob',
  'mblob', 'lblob', '{\"a\": [1, 2]}', 'z', 'a,c',
  b'1', b'101010101010', b'1111111111111111111111111111111111111111111111111111111111111111',
  2024, ST_GeomFromText('POINT(1 2)', 4326), ST_GeomFromText('LINESTRING(0 0, 1 1)'),
  ST_GeomFromText('POLYGON((0 0, 1 0, 1 1, 0 0))'), ST_GeomFromText('POINT(3 4)')),
 (2, -128, 0, 0, -32768, 0, -8388608, 0, -2147483648, 0,
  -9223372036854775808, 0, -0.25, -1e300, 0, -0.01, '-0.00000000000000000001', 0, -0.001,
  'ÀÉÎ', '', '', '', '', '', X'', X'', X'', '', '', '', '[]', 'x', '',
  b'0', b'000000000001', b'0', 1901, NULL, NULL, NULL, NULL),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE TABLE diff.customers (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL,
  email VARCHAR(80) UNIQUE);
INSERT INTO diff.customers VALUES (1, 'Sally', 'sally@example.com'), (2, 'George', NULL),
  (3, 'Edward', 'ed@example.com');
CREATE TABLE diff.orders (id INT PRIMARY KEY, customer INT NOT NULL, qty SMALLINT, note TEXT,
  KEY (customer));
INSERT INTO diff.orders VALUES (10, 1, 2, 'first'), (11, 3, 1, NULL);
CREATE TABLE diff.composite (a VARCHAR(10), b INT, v INT, PRIMARY KEY (a, b));
INSERT INTO diff.composite VALUES ('x', 1, 1), ('y', 2, 2);
CREATE TABLE diff.keyless (v VARCHAR(10), w INT);
INSERT INTO diff.keyless VALUES ('a', 1), ('a', 1);
";

/// The temporal column types, created and filled while streaming: Debezium's MySQL connector
/// reads DATE/TIME/DATETIME/TIMESTAMP snapshot values with `ResultSet.getBlob`
/// (`MySqlBinaryProtocolFieldReader`/`MySqlTextProtocolFieldReader`), which MariaDB's JDBC
/// driver refuses ("Data type DATE cannot be decoded as Blob"); the MariaDB connector that reads
/// them differently is not on Maven Central. The binlog path has no JDBC, so they are compared there.
const TEMPORAL: &str = "CREATE TABLE diff.temporal (id INT PRIMARY KEY, dt DATE, tm TIME, tm3 TIME(3), \
  dtm DATETIME, dtm6 DATETIME(6), ts TIMESTAMP(2) NULL DEFAULT NULL, \
  dflt_dt DATETIME DEFAULT '2020-01-02 03:04:05')";

/// The changes after the snapshot, one statement or transaction per line, in binlog order.
const SCENARIO: &[&str] = &[
    "INSERT INTO diff.customers (name, email) VALUES ('Anne', 'anne@example.com')",
    "UPDATE diff.customers SET email = 'sally@new.example.com' WHERE id = 1",
    "UPDATE diff.types SET i = 7, vc = 'changed', d1 = 0.5, \
     j = '{\"b\": null}', st = 'b', g = ST_GeomFromText('POINT(5 6)') WHERE id = 1",
    "INSERT INTO diff.types (id, ti, vc, bl, e, b12) VALUES (4, 1, 'new', X'C0FFEE', 'y', b'11')",
    TEMPORAL,
    "INSERT INTO diff.temporal VALUES \
     (1, '2018-06-20', '-838:59:59', '12:34:56.789', '2018-06-20 13:37:03', \
      '2018-06-20 13:37:03.123456', '2018-06-20 13:37:03.12', DEFAULT), \
     (2, '1970-01-01', '00:00:00', '23:59:59.999', '1970-01-01 00:00:00', \
      '1969-12-31 23:59:59.999999', '1970-01-01 00:00:01', '2021-01-01 00:00:00'), \
     (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
    "UPDATE diff.temporal SET dtm6 = '2000-02-29 12:00:00.5', tm3 = '01:02:03.004' WHERE id = 1",
    "UPDATE diff.customers SET id = 20 WHERE id = 2",
    "UPDATE diff.composite SET b = 3 WHERE a = 'x'",
    "DELETE FROM diff.orders WHERE id = 11",
    "DELETE FROM diff.types WHERE id = 3",
    "INSERT INTO diff.keyless VALUES ('b', 2)",
    "DELETE FROM diff.keyless WHERE v = 'b'",
    "TRUNCATE TABLE diff.composite",
    "ALTER TABLE diff.customers ADD COLUMN phone VARCHAR(20) NULL",
    // A database charset changed while streaming is the default of the tables created after it;
    // NOW()/CURRENT_TIMESTAMP defaults are reported as Debezium's DefaultValueParserListener
    // writes them.
    "ALTER DATABASE diff CHARACTER SET latin1",
    "CREATE TABLE diff.stamped (id INT PRIMARY KEY, note VARCHAR(10), \
     created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, \
     changed DATETIME(3) NOT NULL DEFAULT NOW(3) ON UPDATE NOW(3))",
    "INSERT INTO diff.stamped (id, note) VALUES (1, 'x')",
    // Multi-table statements: one schema change record per table.
    "CREATE TABLE diff.gone_a (id INT PRIMARY KEY)",
    "CREATE TABLE diff.gone_b (id INT PRIMARY KEY, v VARCHAR(5))",
    "RENAME TABLE diff.gone_a TO diff.gone_c, diff.gone_b TO diff.gone_d",
    "DROP TABLE diff.gone_c, diff.gone_d",
    "INSERT INTO diff.customers (name, phone) VALUES ('Phil', '555-0100')",
    "BEGIN; INSERT INTO diff.orders VALUES (12, 20, 5, 'multi'); \
     UPDATE diff.customers SET name = 'Georg' WHERE id = 20; \
     INSERT INTO diff.orders VALUES (13, 1, 1, NULL); DELETE FROM diff.orders WHERE id = 10; COMMIT",
    // The end marker both sides must have delivered before reading.
    "INSERT INTO diff.customers (id, name) VALUES (9999, 'end')",
];

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// The same Debezium config for both systems, with `prefix` and `server_id` their own.
fn config(db: &MariaDb, kafka: &Kafka, prefix: &str, server_id: u32) -> BTreeMap<String, String> {
    let mut config = debezium_config(db, kafka, prefix, server_id, prefix, "diff");
    for (k, v) in [
        ("heartbeat.interval.ms", "1000"),
        ("provide.transaction.metadata", "true"),
        ("include.schema.changes", "true"),
    ] {
        config.insert(k.into(), v.into());
    }
    config
}

/// One record as `tests/python/read_topics.py` prints it.
#[derive(Debug, Clone)]
struct Record {
    topic: String,
    key: Value,
    value: Value,
    key_schema_id: Option<u64>,
    value_schema_id: Option<u64>,
}

/// Every record of the topics of `prefix` (its data, transaction and schema-change topics and its
/// heartbeat topic), each partition read to its end; `registry` for Avro, else JSON.
fn read_all(kafka: &Kafka, registry: Option<&str>, prefix: &str) -> Vec<Record> {
    let python = sluice_e2e::paths::python()
        .expect("no Python with confluent-kafka: run scripts/test.sh (it creates .venv/)");
    let script = sluice_e2e::workspace_root().join("tests/python/read_topics.py");
    let mut cmd = Command::new(python);
    cmd.arg(script).arg(kafka.bootstrap());
    match registry {
        Some(url) => cmd.args(["avro", url]),
        None => cmd.arg("json"),
    };
    let out = cmd.arg(prefix).output().expect("the topic reader runs");
    assert!(
        out.status.success(),
        "reading the {prefix} topics failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut records = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let v: Value = serde_json::from_str(line).expect("a JSON line from the reader");
        records.push(Record {
            topic: v["topic"].as_str().unwrap_or_default().to_owned(),
            key: v["key"].clone(),
            value: v["value"].clone(),
            key_schema_id: v["key_schema_id"].as_u64(),
            value_schema_id: v["value_schema_id"].as_u64(),
        });
    }
    records
}

/// The topic name with the system's prefix replaced by [`COMMON`].
fn common_topic(topic: &str) -> String {
    topic.replace(DBZ, COMMON).replace(SLC, COMMON)
}

/// `value` with every occurrence of the prefix token replaced (schema names, `source.name`, topic
/// names inside schema-change records).
fn normalise(value: &Value) -> Value {
    let text = value.to_string().replace(DBZ, COMMON).replace(SLC, COMMON);
    serde_json::from_str(&text).expect("still JSON after replacing a plain token")
}

fn has_end_marker(records: &[Record]) -> bool {
    records.iter().any(|r| {
        r.topic.ends_with(".diff.customers")
            && (r.key["payload"]["id"] == 9999 || r.key["id"] == 9999)
    })
}

/// Why a field may differ between the two systems; `None`: it must be equal. Two kinds: differences
/// by nature (time, the setup), and known gaps of Sluice found by this test and not fixed yet
/// (marked "not yet:", with the reason), listed so they are counted and visible rather than
/// silently equal.
fn ignored(topic: &str, path: &str, snapshot: bool) -> Option<&'static str> {
    match path {
        // Wall-clock times of processing: each system reads and converts at its own moment.
        "ts_ms" | "ts_us" | "ts_ns" => Some("processing time"),
        // In a snapshot, the source timestamp is when each system read the row.
        "source.ts_ms" | "source.ts_us" | "source.ts_ns" if snapshot => Some("snapshot read time"),
        // Sluice reports `DEBEZIUM_VERSION`, the release whose event format it reproduces.
        "source.version" => Some("Sluice names the Debezium release it emulates"),
        // The MySQL connector does not decode MariaDB's GTID events (the MariaDB connector, not on
        // Maven Central, does): Debezium has no GTID and no transaction block here.
        "source.gtid" | "transaction" => Some("Debezium's MySQL connector ignores MariaDB GTIDs"),
        "after.dflt_dt" if topic.ends_with(".diff.temporal") => {
            Some("Debezium 3.6.1 substitutes a DATETIME column's DEFAULT for NULL in the binlog")
        }
        _ => None,
    }
}

/// Counts and differences of a comparison.
#[derive(Debug, Default)]
struct Tally {
    records: usize,
    fields: usize,
    schemas: usize,
    ignored: BTreeMap<String, usize>,
    differences: Vec<String>,
}

/// Compares Debezium's payload `d` against Sluice's decoded Avro `s`, walking Debezium's Connect
/// `schema`; leaves are compared as Connect values (floats at their width).
fn compare(schema: &Value, d: &Value, s: &Value, ctx: &Ctx, path: &str, tally: &mut Tally) {
    if !path.is_empty()
        && let Some(reason) = ignored(&ctx.topic, path, ctx.snapshot)
    {
        *tally
            .ignored
            .entry(format!("{} ({reason})", without_indices(path)))
            .or_default() += 1;
        return;
    }
    match (schema["type"].as_str(), d, s) {
        (Some("struct"), Value::Object(dm), Value::Object(sm)) => {
            let fields = schema["fields"].as_array().cloned().unwrap_or_default();
            let names: BTreeSet<&str> = fields.iter().filter_map(|f| f["field"].as_str()).collect();
            for extra in sm.keys().filter(|k| !names.contains(k.as_str())) {
                tally.differences.push(format!(
                    "{}: {path}.{extra} only in Sluice's record",
                    ctx.at
                ));
            }
            for f in &fields {
                let name = f["field"].as_str().unwrap_or_default();
                let sub = if path.is_empty() {
                    name.to_owned()
                } else {
                    format!("{path}.{name}")
                };
                match sm.get(name) {
                    Some(sv) => compare(
                        f,
                        dm.get(name).unwrap_or(&Value::Null),
                        sv,
                        ctx,
                        &sub,
                        tally,
                    ),
                    None => tally
                        .differences
                        .push(format!("{}: {sub} missing in Sluice's record", ctx.at)),
                }
            }
        }
        (Some("array"), Value::Array(da), Value::Array(sa)) if da.len() == sa.len() => {
            for (i, (dv, sv)) in da.iter().zip(sa).enumerate() {
                compare(
                    &schema["items"],
                    dv,
                    sv,
                    ctx,
                    &format!("{path}[{i}]"),
                    tally,
                );
            }
        }
        (Some("float"), Value::Number(dn), Value::Number(sn)) => {
            tally.fields += 1;
            let (a, b) = (
                dn.as_f64().unwrap_or(f64::NAN),
                sn.as_f64().unwrap_or(f64::NAN),
            );
            #[allow(clippy::cast_possible_truncation)]
            if (a as f32).to_bits() != (b as f32).to_bits() {
                tally
                    .differences
                    .push(format!("{}: {path}: Debezium {d}, Sluice {s}", ctx.at));
            }
        }
        _ => {
            tally.fields += 1;
            if d != s {
                tally
                    .differences
                    .push(format!("{}: {path}: Debezium {d}, Sluice {s}", ctx.at));
            }
        }
    }
}

/// Where a comparison is: for messages and the ignore rules.
struct Ctx {
    topic: String,
    at: String,
    snapshot: bool,
}

/// The Avro schema Sluice's registry holds under `id`, parsed.
fn registered(registry: &str, id: u64, cache: &mut HashMap<u64, Value>) -> Value {
    cache
        .entry(id)
        .or_insert_with(|| {
            let (status, body) = request(registry, "GET", &format!("/schemas/ids/{id}"), None);
            assert_eq!(status, 200, "schema {id}: {body}");
            serde_json::from_str(body["schema"].as_str().expect("schema text"))
                .expect("schema JSON")
        })
        .clone()
}

#[test]
fn sluice_matches_debezium_record_by_record() {
    let started = Instant::now();
    let db = MariaDb::start_with(&[MARIADB_VERSION_OPTION]);
    db.root(SETUP);
    let kafka = Kafka::start();
    let connect_addr = format!("127.0.0.1:{}", free_port());
    let server = SluiceServer::start(&[
        "--kafka",
        &kafka.bootstrap(),
        "--connect-listen",
        &connect_addr,
    ]);
    let connect = format!("http://{connect_addr}");
    let registry = server.base_url().to_owned();

    // Sluice: the same Debezium config through its Connect API.
    let sluice_config = config(&db, &kafka, SLC, 5801);
    let body = json!({"name": SLC, "config": sluice_config});
    let (status, created) = request(&connect, "POST", "/connectors", Some(&body));
    assert_eq!(status, 201, "{created}");
    // Debezium on Kafka Connect.
    let mut worker = ConnectWorker::start(&kafka, &config(&db, &kafka, DBZ, 5802));
    worker.wait_running(Duration::from_secs(60));
    // Both snapshotted and streaming before the changes: Sluice committed an offset, Debezium's
    // binlog client connected.
    let deadline = Instant::now() + Duration::from_secs(90);
    while request(&connect, "GET", &format!("/connectors/{SLC}/offsets"), None).1["offsets"][0]
        ["offset"]
        .is_null()
    {
        assert!(
            Instant::now() < deadline,
            "Sluice's snapshot did not complete; log:\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    worker.wait_for_log("INFO: Connected to 127.0.0.1:", Duration::from_secs(90));
    eprintln!("both systems streaming after {:?}", started.elapsed());

    for statement in SCENARIO {
        db.root(statement);
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let (dbz, slc) = loop {
        let dbz = read_all(&kafka, None, DBZ);
        let slc = read_all(&kafka, Some(&registry), SLC);
        if has_end_marker(&dbz) && has_end_marker(&slc) {
            break (dbz, slc);
        }
        assert!(
            Instant::now() < deadline,
            "the end marker did not arrive on both sides (Debezium: {}, Sluice: {}); Connect log:\n{}\nSluice log:\n{}",
            has_end_marker(&dbz),
            has_end_marker(&slc),
            worker.log(),
            server.log()
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    eprintln!(
        "read {} Debezium and {} Sluice records after {:?}",
        dbz.len(),
        slc.len(),
        started.elapsed()
    );
    let dump = std::env::temp_dir().join("sluice-differential");
    let _ = std::fs::create_dir_all(&dump);
    for (name, records) in [("debezium", &dbz), ("sluice", &slc)] {
        let text: String = records
            .iter()
            .map(|r| {
                format!(
                    "{}\n",
                    json!({"topic": r.topic, "key": r.key, "value": r.value, "key_schema_id": r.key_schema_id, "value_schema_id": r.value_schema_id})
                )
            })
            .collect();
        let _ = std::fs::write(dump.join(format!("{name}.jsonl")), text);
    }

    let tally = compare_all(&dbz, &slc, &registry);
    eprintln!(
        "compared {} records, {} fields and {} schemas; ignored by rule: {:#?}",
        tally.records, tally.fields, tally.schemas, tally.ignored
    );
    assert!(
        tally.differences.is_empty(),
        "{} differences:\n{}",
        tally.differences.len(),
        tally.differences.join("\n")
    );
    assert!(tally.records > 40 && tally.fields > 1500, "{tally:?}");
    eprintln!("total {:?}", started.elapsed());
}

fn is_heartbeat(topic: &str) -> bool {
    topic.starts_with("__debezium-heartbeat")
}

fn compare_all(dbz: &[Record], slc: &[Record], registry: &str) -> Tally {
    let mut tally = Tally::default();
    let mut by_topic: BTreeMap<String, (Vec<&Record>, Vec<&Record>)> = BTreeMap::new();
    for r in dbz {
        by_topic
            .entry(common_topic(&r.topic))
            .or_default()
            .0
            .push(r);
    }
    for r in slc {
        by_topic
            .entry(common_topic(&r.topic))
            .or_default()
            .1
            .push(r);
    }
    let mut cache = HashMap::new();
    for (topic, (d, s)) in &mut by_topic {
        // Debezium (`RelationalChangeRecordEmitter`) sends a tombstone after every delete, even
        // with a null key (keyless table), where it compacts nothing; Sluice sends none then.
        let before = d.len();
        d.retain(|r| !(r.key.is_null() && r.value.is_null()));
        if d.len() < before {
            *tally
                .ignored
                .entry(format!(
                    "{topic}: null-key tombstones (Debezium only, compact nothing)"
                ))
                .or_default() += before - d.len();
        }
        // No transaction topic on Debezium's side: its MySQL connector ignores MariaDB GTIDs.
        if topic == &format!("{COMMON}.transaction") && d.is_empty() {
            *tally
                .ignored
                .entry(format!(
                    "{topic} (Debezium's MySQL connector ignores MariaDB GTIDs)"
                ))
                .or_default() += s.len();
            continue;
        }
        if d.is_empty() || s.is_empty() {
            tally.differences.push(format!(
                "topic {topic}: {} Debezium records, {} Sluice records",
                d.len(),
                s.len()
            ));
            continue;
        }
        // Heartbeats come by the clock: compare the first of each, not the count.
        let n = if is_heartbeat(topic) {
            1
        } else {
            if d.len() != s.len() {
                tally.differences.push(format!(
                    "topic {topic}: {} Debezium records, {} Sluice records",
                    d.len(),
                    s.len()
                ));
            }
            d.len().min(s.len())
        };
        for i in 0..n {
            let (dr, sr) = (d[i], s[i]);
            tally.records += 1;
            let snapshot = dr.value["payload"]["op"] == "r"
                || dr.value["payload"]["source"]["snapshot"]
                    .as_str()
                    .is_some_and(|m| m != "false");
            let ctx = Ctx {
                topic: topic.clone(),
                at: format!("{topic}[{i}]"),
                snapshot,
            };
            for (part, dv, sv, id) in [
                ("key", &dr.key, &sr.key, sr.key_schema_id),
                ("value", &dr.value, &sr.value, sr.value_schema_id),
            ] {
                let ctx = Ctx {
                    at: format!("{} {part}", ctx.at),
                    topic: ctx.topic.clone(),
                    snapshot: ctx.snapshot,
                };
                match (dv.is_null(), sv.is_null()) {
                    (true, true) => continue,
                    (false, false) => {}
                    _ => {
                        tally.differences.push(format!(
                            "{}: Debezium {}, Sluice {}",
                            ctx.at,
                            if dv.is_null() { "null" } else { "present" },
                            if sv.is_null() { "null" } else { "present" }
                        ));
                        continue;
                    }
                }
                let payload = normalise(&dv["payload"]);
                let sv = normalise(sv);
                compare(&dv["schema"], &payload, &sv, &ctx, "", &mut tally);
                // The schema: Debezium's Connect schema through Sluice's own mapping.
                let Some(id) = id else {
                    tally
                        .differences
                        .push(format!("{}: Sluice's record has no schema id", ctx.at));
                    continue;
                };
                tally.schemas += 1;
                let expected = match sluice_capture::avro::avro_from_connect_json(&dv["schema"]) {
                    Ok(avro) => normalise(&avro),
                    Err(e) => {
                        tally.differences.push(format!(
                            "{}: Debezium's schema does not translate: {e}",
                            ctx.at
                        ));
                        continue;
                    }
                };
                let actual = normalise(&registered(registry, id, &mut cache));
                let mut where_ = Vec::new();
                json_diff(&expected, &actual, "", &mut where_);
                for d in where_ {
                    tally.differences.push(format!("{} schema: {d}", ctx.at));
                }
            }
        }
    }
    tally
}

/// Where two JSON documents differ, as `path: left vs right` lines (arrays by index).
fn json_diff(a: &Value, b: &Value, path: &str, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(am), Value::Object(bm)) => {
            let keys: BTreeSet<&String> = am.keys().chain(bm.keys()).collect();
            for k in keys {
                let name = am
                    .get("name")
                    .and_then(Value::as_str)
                    .map_or(String::new(), |n| format!("({n})"));
                let sub = format!("{path}{name}.{k}");
                match (am.get(k), bm.get(k)) {
                    (Some(x), Some(y)) => json_diff(x, y, &sub, out),
                    (x, y) => out.push(format!(
                        "{sub}: Debezium {}, Sluice {}",
                        x.map_or("absent".into(), Value::to_string),
                        y.map_or("absent".into(), Value::to_string)
                    )),
                }
            }
        }
        (Value::Array(aa), Value::Array(ba)) if aa.len() == ba.len() => {
            for (i, (x, y)) in aa.iter().zip(ba).enumerate() {
                json_diff(x, y, &format!("{path}[{i}]"), out);
            }
        }
        _ if a != b => out.push(format!("{path}: Debezium {a}, Sluice {b}")),
        _ => {}
    }
}

/// `path` with array indices dropped (`a[3].b` → `a[].b`), to count ignored fields by kind.
fn without_indices(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}
