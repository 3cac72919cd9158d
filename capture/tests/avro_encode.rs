//! The binary encoder, proved by decoding its bytes with a small schema-driven Avro reader
//! (below) against the generated schemas.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::{Value, json};
use sluice_capture::avro::*;
use sluice_capture::config::*;
use sluice_capture::schema::{Column, DataType, GeometryKind, Table, TableId};
use sluice_capture::value::ColumnValue as V;
use sluice_proto::framing::{unframe, write_header};

// ---- a minimal Avro binary reader: bytes → JSON (bytes as arrays of numbers) ----

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    named: HashMap<String, Value>,
}

impl Reader<'_> {
    fn long(&mut self) -> i64 {
        let (mut n, mut shift) = (0u64, 0);
        loop {
            let b = self.buf[self.pos];
            self.pos += 1;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                break;
            }
            shift += 7;
        }
        ((n >> 1) as i64) ^ -((n & 1) as i64)
    }

    fn bytes(&mut self) -> &[u8] {
        let n = self.long() as usize;
        let b = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        b
    }

    fn read(&mut self, schema: &Value, ns: &str) -> Value {
        match schema {
            Value::String(name) => match name.as_str() {
                "null" => Value::Null,
                "boolean" => {
                    self.pos += 1;
                    json!(self.buf[self.pos - 1] != 0)
                }
                "int" | "long" => json!(self.long()),
                "float" => {
                    let b: [u8; 4] = self.buf[self.pos..self.pos + 4].try_into().unwrap();
                    self.pos += 4;
                    json!(f32::from_le_bytes(b))
                }
                "double" => {
                    let b: [u8; 8] = self.buf[self.pos..self.pos + 8].try_into().unwrap();
                    self.pos += 8;
                    json!(f64::from_le_bytes(b))
                }
                "string" => json!(std::str::from_utf8(self.bytes()).unwrap()),
                "bytes" => json!(self.bytes().to_vec()),
                other => {
                    let full = if other.contains('.') {
                        other.to_string()
                    } else {
                        format!("{ns}.{other}")
                    };
                    let s = self
                        .named
                        .get(&full)
                        .unwrap_or_else(|| panic!("unknown {full}"))
                        .clone();
                    self.read(&s, ns)
                }
            },
            Value::Array(branches) => {
                let i = self.long() as usize;
                self.read(&branches[i], ns)
            }
            Value::Object(o) => match o["type"].as_str().unwrap() {
                "record" => {
                    let name = o["name"].as_str().unwrap();
                    let ns = o
                        .get("namespace")
                        .and_then(Value::as_str)
                        .unwrap_or(ns)
                        .to_string();
                    self.named.insert(format!("{ns}.{name}"), schema.clone());
                    let mut out = serde_json::Map::new();
                    for f in o["fields"].as_array().unwrap() {
                        let v = self.read(&f["type"], &ns);
                        out.insert(f["name"].as_str().unwrap().to_string(), v);
                    }
                    Value::Object(out)
                }
                "array" => {
                    let mut items = Vec::new();
                    loop {
                        let n = self.long();
                        if n == 0 {
                            break;
                        }
                        for _ in 0..n {
                            items.push(self.read(&o["items"], ns));
                        }
                    }
                    Value::Array(items)
                }
                t => self.read(&json!(t), ns),
            },
            _ => panic!("bad schema {schema}"),
        }
    }
}

/// Registers every named record of `schema` (a reference may precede the read of its definition).
fn register(schema: &Value, ns: &str, named: &mut HashMap<String, Value>) {
    match schema {
        Value::Array(branches) => branches.iter().for_each(|b| register(b, ns, named)),
        Value::Object(o) if o["type"] == "record" => {
            let ns = o
                .get("namespace")
                .and_then(Value::as_str)
                .unwrap_or(ns)
                .to_string();
            named.insert(
                format!("{ns}.{}", o["name"].as_str().unwrap()),
                schema.clone(),
            );
            for f in o["fields"].as_array().unwrap() {
                register(&f["type"], &ns, named);
            }
        }
        _ => {}
    }
}

fn decode(schema: &GeneratedSchema, bytes: &[u8]) -> Value {
    let mut named = HashMap::new();
    register(&schema.json, "", &mut named);
    let mut r = Reader {
        buf: bytes,
        pos: 0,
        named,
    };
    let v = r.read(&schema.json, "");
    assert_eq!(r.pos, bytes.len(), "trailing bytes");
    v
}

// ---- tests ----

/// Debezium's documented example event `file`, or `None` (said on stderr) without `../shared`.
fn event_file(file: &str) -> Option<Value> {
    let path = sluice_test_data::shared(
        &format!("conformance/mysql/events/{file}"),
        "the comparison with Debezium's documented events",
    )?;
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // The update example elides its schema as `{...}`.
    Some(serde_json::from_str(&text.replace("{...}", "null")).expect("an event file is JSON"))
}

fn customers() -> Table {
    let nn = |n: &str, t| Column {
        nullable: false,
        ..Column::new(n, t)
    };
    Table {
        id: TableId::new("inventory", "customers"),
        columns: vec![
            nn("id", DataType::Int { unsigned: false }),
            nn("first_name", DataType::VarChar(255)),
            nn("last_name", DataType::VarChar(255)),
            nn("email", DataType::VarChar(255)),
        ],
        primary_key: vec!["id".into()],
        charset: None,
        comment: None,
    }
}

fn row_of(v: &Value) -> Vec<V<'_>> {
    vec![
        V::Int(v["id"].as_i64().unwrap()),
        V::String(Cow::Borrowed(v["first_name"].as_str().unwrap())),
        V::String(Cow::Borrowed(v["last_name"].as_str().unwrap())),
        V::String(Cow::Borrowed(v["email"].as_str().unwrap())),
    ]
}

#[test]
fn customers_snapshot_read_matches_the_documented_event() {
    let t = TableAvro::new(&customers(), &SchemaOptions::new("dbserver1")).unwrap();
    let (Some(key_doc), Some(event)) = (
        event_file("proc-viewing-create-event.01.json"),
        event_file("proc-viewing-create-event.02.json"),
    ) else {
        return;
    };
    let doc = &event["payload"];
    let after = row_of(&doc["after"]);
    let mut source = SourceInfo::new("dbserver1", "inventory", Some("customers"));
    source.file = "mysql-bin.000003";
    source.pos = 154;
    source.snapshot = SnapshotMarker::True;
    source.ts_ms = 1486500577000;
    let ev = ChangeEvent {
        op: Op::Read,
        before: None,
        after: Some(&after),
        source: &source,
        transaction: None,
        ts_ms: doc["ts_ms"].as_i64().unwrap(),
        ts_us: doc["ts_us"].as_i64().unwrap(),
        ts_ns: doc["ts_ns"].as_i64().unwrap(),
    };
    let mut out = Vec::new();
    assert!(t.encode_key(&after, &mut out).unwrap());
    assert_eq!(decode(t.key.as_ref().unwrap(), &out), key_doc["payload"]);
    out.clear();
    t.encode_envelope(&ev, &mut out).unwrap();
    let got = decode(&t.envelope, &out);
    for k in ["before", "after", "op", "ts_ms", "ts_us", "ts_ns"] {
        assert_eq!(got[k], doc[k], "{k}");
    }
    // The documented source block is 0.x-shaped (ts_sec, boolean snapshot): compare what exists in both.
    for k in [
        "name",
        "server_id",
        "gtid",
        "file",
        "pos",
        "row",
        "thread",
        "db",
        "table",
    ] {
        assert_eq!(got["source"][k], doc["source"][k], "source.{k}");
    }
    assert_eq!(got["source"]["snapshot"], "true");
    assert_eq!(got["source"]["connector"], "mysql");
    assert_eq!(got["source"]["version"], DEBEZIUM_VERSION);
    assert_eq!(got["source"]["sequence"], Value::Null);
    assert_eq!(got["transaction"], Value::Null);
}

#[test]
fn customers_update_matches_the_documented_event() {
    let t = TableAvro::new(&customers(), &SchemaOptions::new("dbserver1")).unwrap();
    let Some(event) = event_file("proc-updating-database-viewing-update-event.02.json") else {
        return;
    };
    let doc = &event["payload"];
    let (before, after) = (row_of(&doc["before"]), row_of(&doc["after"]));
    let mut source = SourceInfo::new("dbserver1", "inventory", Some("customers"));
    source.server_id = 223344;
    source.file = "mysql-bin.000003";
    source.pos = 364;
    source.thread = Some(3);
    source.ts_ms = 1486501486000;
    source.gtid = None;
    let tx = TransactionInfo {
        id: "file=mysql-bin.000003,pos=300",
        total_order: 1,
        data_collection_order: 1,
    };
    let ev = ChangeEvent {
        op: Op::Update,
        before: Some(&before),
        after: Some(&after),
        source: &source,
        transaction: Some(tx),
        ts_ms: doc["ts_ms"].as_i64().unwrap(),
        ts_us: doc["ts_us"].as_i64().unwrap(),
        ts_ns: doc["ts_ns"].as_i64().unwrap(),
    };
    let mut out = Vec::new();
    write_header(7, &mut out);
    t.encode_envelope(&ev, &mut out).unwrap();
    assert_eq!(&out[..5], [0, 0, 0, 0, 7]);
    let (schema_id, payload) = unframe(&out).unwrap();
    assert_eq!(schema_id, 7);
    let got = decode(&t.envelope, payload);
    for k in ["before", "after", "op", "ts_ms", "ts_us", "ts_ns"] {
        assert_eq!(got[k], doc[k], "{k}");
    }
    for k in ["server_id", "file", "pos", "row", "thread", "db", "table"] {
        assert_eq!(got["source"][k], doc["source"][k], "source.{k}");
    }
    assert_eq!(got["source"]["snapshot"], "false");
    assert_eq!(got["source"]["ts_ms"], 1486501486000i64);
    assert_eq!(
        got["transaction"],
        json!({"id":"file=mysql-bin.000003,pos=300","total_order":1,"data_collection_order":1})
    );
}

fn col(name: &str, t: DataType, nullable: bool) -> Column {
    Column {
        nullable,
        ..Column::new(name, t)
    }
}

/// One table with every type; returns the decoded `after` of `row`.
fn round_trip(columns: Vec<Column>, row: Vec<V<'_>>, opts: &SchemaOptions) -> Value {
    let table = Table {
        id: TableId::new("db", "t"),
        columns,
        primary_key: vec![],
        charset: None,
        comment: None,
    };
    let t = TableAvro::new(&table, opts).unwrap();
    let mut out = Vec::new();
    assert!(!t.encode_key(&row, &mut out).unwrap());
    t.encode_row(&row, &mut out).unwrap();
    decode(&t.value, &out)
}

#[test]
fn every_type_round_trips() {
    let point = {
        let mut g = 4326u32.to_le_bytes().to_vec();
        g.push(1);
        g.extend_from_slice(&1u32.to_le_bytes());
        g.extend_from_slice(&1.5f64.to_le_bytes());
        g.extend_from_slice(&(-2.0f64).to_le_bytes());
        g
    };
    let columns = vec![
        col("b", DataType::Boolean, false),
        col(
            "ti",
            DataType::TinyInt {
                unsigned: false,
                width: Some(1),
            },
            true,
        ),
        col(
            "tu",
            DataType::TinyInt {
                unsigned: true,
                width: None,
            },
            false,
        ),
        col("iu", DataType::Int { unsigned: true }, false),
        col("bu", DataType::BigInt { unsigned: true }, false),
        col(
            "f",
            DataType::Float {
                precision: None,
                scale: None,
                unsigned: false,
            },
            false,
        ),
        col("d", DataType::Double { unsigned: false }, false),
        col(
            "dec",
            DataType::Decimal {
                precision: 10,
                scale: 2,
                unsigned: false,
            },
            false,
        ),
        col("s", DataType::VarChar(10), true),
        col("bin", DataType::Binary(4), false),
        col("j", DataType::Json, false),
        col("e", DataType::Enum(vec!["x".into(), "y".into()]), false),
        col("es", DataType::Enum(vec!["x".into(), "y".into()]), false),
        col(
            "set",
            DataType::Set(vec!["a".into(), "b".into(), "c".into()]),
            false,
        ),
        col("y", DataType::Year, false),
        col("dt", DataType::Date, false),
        col("dz", DataType::Date, true),
        col("dzr", DataType::Date, false),
        col("tm", DataType::Time(6), false),
        col("dtm", DataType::DateTime(0), false),
        col("dtu", DataType::DateTime(6), false),
        col("ts", DataType::Timestamp(0), false),
        col("ts3", DataType::Timestamp(3), true),
        col("tsz", DataType::Timestamp(0), false),
        col("bit", DataType::Bit(10), false),
        col("pt", DataType::Geometry(GeometryKind::Point), false),
        col("g", DataType::Geometry(GeometryKind::Point), true),
        col("poly", DataType::Geometry(GeometryKind::Polygon), true),
        col("n", DataType::Int { unsigned: false }, true),
    ];
    let no_srid: Vec<u8> = [0u8; 4].iter().chain(&point[4..]).copied().collect();
    let row = vec![
        V::Int(1),
        V::Int(-5),
        V::Int(-1),        // raw binlog 0xff → 255
        V::Int(-1),        // raw binlog → 4294967295
        V::UInt(u64::MAX), // long mode wraps
        V::Float(1.5),
        V::Double(-2.25),
        V::Decimal("-12.3".into()),
        V::String("héllo".into()),
        V::Bytes(vec![1, 2].into()), // binlog trimmed: padded to 4
        V::Json(r#"{"a":1}"#.into()),
        V::Enum(2),
        V::String("x".into()),
        V::Set(0b101),
        V::Year(2024),
        V::Date {
            year: 2018,
            month: 6,
            day: 20,
        },
        V::Date {
            year: 0,
            month: 0,
            day: 0,
        },
        V::Date {
            year: 0,
            month: 0,
            day: 0,
        },
        V::Time {
            negative: true,
            hours: 838,
            minutes: 59,
            seconds: 59,
            micros: 0,
        },
        V::DateTime {
            year: 2018,
            month: 6,
            day: 20,
            hour: 6,
            minute: 37,
            second: 3,
            micros: 0,
        },
        V::DateTime {
            year: 2018,
            month: 6,
            day: 20,
            hour: 6,
            minute: 37,
            second: 3,
            micros: 250,
        },
        V::Timestamp {
            unix_secs: 1_529_501_823,
            micros: 0,
        },
        V::Timestamp {
            unix_secs: 1_529_501_823,
            micros: 120_000,
        },
        V::Timestamp {
            unix_secs: 0,
            micros: 0,
        },
        V::Bit(vec![0b10, 0b0000_0001].into()),
        V::Geometry(point.clone().into()),
        V::Null,
        // SRID 0 (none given): Debezium's `srid` is null.
        V::Geometry(no_srid.into()),
        V::Null,
    ];
    let got = round_trip(columns, row, &SchemaOptions::new("p"));
    let wkb: Vec<u8> = point[4..].to_vec();
    let expected = json!({
        "b": true, "ti": -5, "tu": 255, "iu": 4294967295u32, "bu": -1, "f": 1.5, "d": -2.25,
        "dec": [0xfb, 0x32], // -1230
        "s": "héllo", "bin": [1, 2, 0, 0], "j": "{\"a\":1}", "e": "y", "es": "x", "set": "a,c",
        "y": 2024, "dt": 17702, "dz": null, "dzr": 0, "tm": -3_020_399_000_000i64,
        "dtm": 1_529_476_623_000i64, "dtu": 1_529_476_623_000_250i64,
        "ts": "2018-06-20T13:37:03Z", "ts3": "2018-06-20T13:37:03.120Z", "tsz": "1970-01-01T00:00:00Z",
        "bit": [1, 2], "pt": {"x": 1.5, "y": -2.0, "wkb": wkb, "srid": 4326}, "g": null,
        "poly": {"wkb": wkb, "srid": null}, "n": null,
    });
    for (k, v) in expected.as_object().unwrap() {
        assert_eq!(&got[k], v, "field {k}");
    }
}

#[test]
fn handling_modes_round_trip() {
    let columns = vec![
        col("bu", DataType::BigInt { unsigned: true }, false),
        col(
            "dec",
            DataType::Decimal {
                precision: 5,
                scale: 2,
                unsigned: false,
            },
            false,
        ),
        col("bin", DataType::VarBinary(8), false),
        col("tm", DataType::Time(3), false),
        col("dt", DataType::DateTime(6), false),
        col("dtd", DataType::Date, false),
    ];
    let row = || {
        vec![
            V::UInt(u64::MAX),
            V::Decimal("3.5".into()),
            V::Bytes(vec![0xfb, 0xff, 0x01].into()),
            V::Time {
                negative: false,
                hours: 1,
                minutes: 0,
                seconds: 0,
                micros: 1500,
            },
            V::DateTime {
                year: 1970,
                month: 1,
                day: 2,
                hour: 0,
                minute: 0,
                second: 0,
                micros: 999,
            },
            V::Date {
                year: 1969,
                month: 12,
                day: 31,
            },
        ]
    };
    let mut o = SchemaOptions::new("p");
    o.mapping = MappingOptions {
        decimal: DecimalHandlingMode::String,
        time_precision: TimePrecisionMode::Connect,
        bigint_unsigned: BigIntUnsignedHandlingMode::Precise,
        binary: BinaryHandlingMode::Base64,
    };
    let got = round_trip(columns.clone(), row(), &o);
    assert_eq!(
        got,
        json!({"bu": [0, 255, 255, 255, 255, 255, 255, 255, 255], "dec": "3.50",
        "bin": "+/8B", "tm": 3_600_001, "dt": 86_400_000, "dtd": -1})
    );
    o.mapping.decimal = DecimalHandlingMode::Double;
    o.mapping.binary = BinaryHandlingMode::Base64UrlSafe;
    let got = round_trip(columns.clone(), row(), &o);
    assert_eq!(got["dec"], json!(3.5));
    assert_eq!(got["bin"], json!("-_8B"));
    o.mapping.binary = BinaryHandlingMode::Hex;
    assert_eq!(round_trip(columns, row(), &o)["bin"], json!("fbff01"));
}

#[test]
fn errors_leave_the_buffer_as_it_was_and_buffers_are_reused() {
    let t = TableAvro::new(&customers(), &SchemaOptions::new("dbserver1")).unwrap();
    let bad = vec![
        V::Int(1),
        V::Null,
        V::String("x".into()),
        V::String("y".into()),
    ];
    let mut out = vec![9u8];
    let source = SourceInfo::new("dbserver1", "inventory", Some("customers"));
    let ev = ChangeEvent {
        op: Op::Create,
        before: None,
        after: Some(&bad),
        source: &source,
        transaction: None,
        ts_ms: 0,
        ts_us: 0,
        ts_ns: 0,
    };
    let err = t.encode_envelope(&ev, &mut out).unwrap_err();
    assert_eq!(
        err.to_string(),
        "column first_name: null value for a NOT NULL column"
    );
    assert_eq!(out, [9]);
    let short = vec![V::Int(1)];
    assert!(matches!(
        t.encode_row(&short, &mut out),
        Err(EncodeError::RowLength { .. })
    ));
    // Steady state: encoding into a cleared buffer never grows it.
    let good = vec![
        V::Int(1),
        V::String("a".into()),
        V::String("b".into()),
        V::String("c".into()),
    ];
    let ev = ChangeEvent {
        after: Some(&good),
        ..ev
    };
    t.encode_envelope(&ev, &mut out).unwrap();
    let cap = out.capacity();
    for _ in 0..1000 {
        out.clear();
        t.encode_envelope(&ev, &mut out).unwrap();
    }
    assert_eq!(out.capacity(), cap);
}

#[test]
fn large_decimals_and_config_options() {
    let big = format!("-{}.{}", "9".repeat(35), "9".repeat(30));
    let columns = vec![col(
        "d",
        DataType::Decimal {
            precision: 65,
            scale: 30,
            unsigned: false,
        },
        false,
    )];
    let got = round_trip(
        columns,
        vec![V::Decimal(big.as_str().into())],
        &SchemaOptions::new("p"),
    );
    let bytes: Vec<u8> = got["d"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_u64().unwrap() as u8)
        .collect();
    // Minimal two's complement of -(10^65 - 1): 216 magnitude bits + sign = 28 bytes.
    assert_eq!(bytes.len(), 28);
    assert_eq!(bytes[0], 0xff);
    assert!(bytes[1] & 0x80 == 0);
}
