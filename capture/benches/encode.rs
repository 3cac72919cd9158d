//! Sluice's Avro encoder against apache-avro's on the CDC row shape (BENCHMARKS.md, "Avro
//! encoder"): the key and the envelope (`before` and `after` of a 10-column row, the `source`
//! block, `op`, timestamps) of 1,000 update events on
//! `bench.t (id BIGINT PRIMARY KEY, a INT, b VARCHAR(32), c DOUBLE, d DATETIME(3),
//! e DECIMAL(10,2), f TIMESTAMP NULL, g ENUM(…), h VARBINARY(16) NULL, i BOOLEAN)`
//! (the capture benchmark's table and four more columns).
//!
//! * `sluice`: `TableAvro::encode_key` and `encode_envelope` from the decoded rows, with
//!   Confluent's header, into one reused buffer (what capture does per event).
//! * `apache_avro_to_avro_datum`: the rows made into apache-avro `Value`s, then `to_avro_datum`
//!   for key and envelope (the crate's documented one-call path, which resolves the schema's
//!   names on every call).
//! * `apache_avro_reused_writer`: the same `Value`s written by one `GenericDatumWriter` per schema,
//!   built once (validating, its default), into one reused buffer: the fastest use of the crate.
//! * `apache_avro_value_only`: building the `Value`s alone, to show where apache-avro's time goes.
//!
//! Every variant's bytes are checked equal to Sluice's before timing.
//!
//! Run: `cargo bench -p sluice-capture --bench encode` (`-- --quick` for a short run).

#[path = "../tests/debezium_values/mod.rs"]
#[allow(dead_code)]
mod debezium_values;

use std::borrow::Cow;

use apache_avro::Schema;
use apache_avro::types::Value;
use apache_avro::writer::datum::GenericDatumWriter;
use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_group, criterion_main};
use sluice_capture::avro::{
    ChangeEvent, MappingOptions, Op, SchemaOptions, SnapshotMarker, SourceInfo, TableAvro,
    TransactionInfo,
};
use sluice_capture::schema::{Column, DataType, Table, TableId};
use sluice_capture::value::{ColumnValue, OwnedColumnValue};
use sluice_proto::framing::write_header;

const EVENTS: usize = 1_000;

fn table() -> Table {
    let required = |name: &str, t| Column {
        nullable: false,
        ..Column::new(name, t)
    };
    Table {
        id: TableId::new("bench", "t"),
        columns: vec![
            required("id", DataType::BigInt { unsigned: false }),
            Column::new("a", DataType::Int { unsigned: false }),
            Column::new("b", DataType::VarChar(32)),
            Column::new("c", DataType::Double { unsigned: false }),
            Column::new("d", DataType::DateTime(3)),
            Column::new(
                "e",
                DataType::Decimal {
                    precision: 10,
                    scale: 2,
                    unsigned: false,
                },
            ),
            Column::new("f", DataType::Timestamp(0)),
            required(
                "g",
                DataType::Enum(vec!["new".into(), "paid".into(), "shipped".into()]),
            ),
            Column::new("h", DataType::VarBinary(16)),
            required("i", DataType::Boolean),
        ],
        primary_key: vec!["id".into()],
        charset: None,
        comment: None,
    }
}

/// Row `seq` as the binlog decoder gives it (the capture benchmark's values, and four more).
fn row(seq: i64, version: i64) -> Vec<OwnedColumnValue> {
    let ms = 1_767_225_600_000 + seq * 7_000 + version;
    let d = debezium_values::date_of_days(ms.div_euclid(86_400_000));
    let in_day = ms.rem_euclid(86_400_000);
    vec![
        ColumnValue::Int(seq),
        ColumnValue::Int(seq % 100_000 + version),
        ColumnValue::String(Cow::Owned(format!("row-{seq}"))),
        ColumnValue::Double(seq as f64 * 1.25),
        ColumnValue::DateTime {
            year: d.0 as u16,
            month: d.1 as u8,
            day: d.2 as u8,
            hour: (in_day / 3_600_000) as u8,
            minute: (in_day / 60_000 % 60) as u8,
            second: (in_day / 1000 % 60) as u8,
            micros: (in_day % 1000 * 1000) as u32,
        },
        ColumnValue::Decimal(Cow::Owned(format!(
            "{}.{:02}",
            seq % 10_000_000 / 100,
            seq % 100
        ))),
        if seq % 5 == 0 {
            ColumnValue::Null
        } else {
            ColumnValue::Timestamp {
                unix_secs: ms / 1000,
                micros: 0,
            }
        },
        ColumnValue::Enum((1 + (seq + version) % 3) as u16),
        if seq % 3 == 0 {
            ColumnValue::Null
        } else {
            ColumnValue::Bytes(Cow::Owned(seq.to_be_bytes().to_vec()))
        },
        ColumnValue::Int(version % 2),
    ]
}

struct Fixture {
    avro: TableAvro,
    table: Table,
    key_schema: Schema,
    envelope_schema: Schema,
    /// (before, after) of each update event.
    rows: Vec<(Vec<OwnedColumnValue>, Vec<OwnedColumnValue>)>,
    gtids: Vec<String>,
}

impl Fixture {
    fn new() -> Self {
        let table = table();
        let avro = TableAvro::new(&table, &SchemaOptions::new("bench")).expect("bench.t maps");
        let parse =
            |json: &serde_json::Value| Schema::parse_str(&json.to_string()).expect("parses");
        Self {
            key_schema: parse(&avro.key.as_ref().expect("bench.t has a key").json),
            envelope_schema: parse(&avro.envelope.json),
            rows: (0..EVENTS as i64)
                .map(|seq| (row(seq, 0), row(seq, 1)))
                .collect(),
            gtids: (0..EVENTS)
                .map(|i| format!("0-1-{}", 1_000_000 + i))
                .collect(),
            avro,
            table,
        }
    }

    /// Event `i`: an update of row `i` at the binlog position of a streamed event.
    fn with_event<R>(&self, i: usize, f: impl FnOnce(&ChangeEvent<'_>) -> R) -> R {
        let mut source = SourceInfo::new("bench", "bench", Some("t"));
        source.snapshot = SnapshotMarker::False;
        source.ts_ms = 1_767_225_600_000 + i as i64;
        source.ts_us = source.ts_ms * 1000;
        source.ts_ns = source.ts_us * 1000;
        source.server_id = 1;
        source.gtid = Some(&self.gtids[i]);
        source.file = "mysql-bin.000003";
        source.pos = 4 + 512 * i as i64;
        source.thread = Some(7);
        let (before, after) = &self.rows[i];
        let event = ChangeEvent {
            op: Op::Update,
            before: Some(before),
            after: Some(after),
            source: &source,
            transaction: Some(TransactionInfo {
                id: &self.gtids[i],
                total_order: 1,
                data_collection_order: 1,
            }),
            ts_ms: source.ts_ms + 3,
            ts_us: source.ts_us + 3_000,
            ts_ns: source.ts_ns + 3_000_000,
        };
        f(&event)
    }

    fn sluice(&self, i: usize, out: &mut Vec<u8>) {
        self.with_event(i, |e| {
            write_header(1, out);
            self.avro
                .encode_key(e.after.unwrap_or_default(), out)
                .expect("the key encodes");
            write_header(2, out);
            self.avro
                .encode_envelope(e, out)
                .expect("the event encodes");
        });
    }

    /// The key and envelope of event `i` as apache-avro `Value`s.
    fn values(&self, i: usize) -> (Value, Value) {
        let options = MappingOptions::default();
        self.with_event(i, |e| {
            let after = e.after.unwrap_or_default();
            (
                debezium_values::record(&self.table.columns, [0], &options, after),
                debezium_values::envelope(&self.table.columns, &options, e, "mysql"),
            )
        })
    }
}

#[allow(deprecated)] // `to_avro_datum` is what the crate's documentation shows.
fn to_avro_datum(f: &Fixture, i: usize, out: &mut Vec<u8>) {
    let (key, envelope) = f.values(i);
    write_header(1, out);
    out.extend(apache_avro::to_avro_datum(&f.key_schema, key).expect("the key encodes"));
    write_header(2, out);
    out.extend(
        apache_avro::to_avro_datum(&f.envelope_schema, envelope).expect("the event encodes"),
    );
}

fn reused_writer(
    f: &Fixture,
    writers: &(GenericDatumWriter<'_>, GenericDatumWriter<'_>),
    i: usize,
    out: &mut Vec<u8>,
) {
    let (key, envelope) = f.values(i);
    write_header(1, out);
    writers
        .0
        .write_value_ref(out, &key)
        .expect("the key encodes");
    write_header(2, out);
    writers
        .1
        .write_value_ref(out, &envelope)
        .expect("the event encodes");
}

fn encode(c: &mut Criterion) {
    let f = Fixture::new();
    let writer = |s| GenericDatumWriter::builder(s).build().expect("a writer");
    let writers = (writer(&f.key_schema), writer(&f.envelope_schema));

    // The same bytes from every variant.
    let mut bytes: [Vec<u8>; 3] = Default::default();
    for i in 0..EVENTS {
        f.sluice(i, &mut bytes[0]);
        to_avro_datum(&f, i, &mut bytes[1]);
        reused_writer(&f, &writers, i, &mut bytes[2]);
    }
    assert_eq!(bytes[0], bytes[1], "to_avro_datum writes other bytes");
    assert_eq!(bytes[0], bytes[2], "GenericDatumWriter writes other bytes");
    let per_event = bytes[0].len() / EVENTS;

    let mut group = c.benchmark_group("encode_update_events");
    group.throughput(Throughput::Elements(EVENTS as u64));
    let mut out = Vec::with_capacity(per_event * 2);
    let id = |name| BenchmarkId::new(name, format!("{EVENTS}x{per_event}B"));
    group.bench_function(id("sluice"), |b| {
        b.iter(|| {
            for i in 0..EVENTS {
                out.clear();
                f.sluice(i, &mut out);
                black_box(&out);
            }
        })
    });
    group.bench_function(id("apache_avro_to_avro_datum"), |b| {
        b.iter(|| {
            for i in 0..EVENTS {
                out.clear();
                to_avro_datum(&f, i, &mut out);
                black_box(&out);
            }
        })
    });
    group.bench_function(id("apache_avro_reused_writer"), |b| {
        b.iter(|| {
            for i in 0..EVENTS {
                out.clear();
                reused_writer(&f, &writers, i, &mut out);
                black_box(&out);
            }
        })
    });
    group.bench_function(id("apache_avro_value_only"), |b| {
        b.iter(|| {
            for i in 0..EVENTS {
                black_box(f.values(i));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, encode);
criterion_main!(benches);
