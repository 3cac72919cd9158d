//! Sluice's Avro encoder and schemas, checked by an independent implementation: every schema
//! Sluice generates must parse with the `apache-avro` crate, and the bytes Sluice writes for
//! random tables of every Debezium type mapping (under every handling mode) and random rows,
//! nulls and zero dates included, must decode with apache-avro against that schema into the
//! values Debezium defines (`debezium_values`): ints, longs, strings, bytes, decimals as
//! unscaled bytes at the schema's scale, unions on the right branch, records in field order.
//! The schema change topic's key and value (a CREATE of the same tables) decode likewise to their
//! source block, DDL and the table's columns and key.

mod debezium_values;

use std::borrow::Cow;

use apache_avro::Schema;
use apache_avro::reader::datum::GenericDatumReader;
use apache_avro::types::Value;
use proptest::prelude::*;
use sluice_capture::avro::*;
use sluice_capture::config::*;
use sluice_capture::schema::{
    Column, ColumnDefault, DataType, GeometryKind, LobSize, Table, TableId,
};
use sluice_capture::value::{ColumnValue, OwnedColumnValue};
use sluice_proto::framing::write_header;

// ---- apache-avro's side ----

/// `schema`'s JSON and canonical text, each parsed by apache-avro (both must parse, to the same
/// schema).
fn parse(schema: &GeneratedSchema) -> Schema {
    let from_json = Schema::parse_str(&schema.json.to_string())
        .unwrap_or_else(|e| panic!("apache-avro rejects {}: {e}", schema.json));
    let from_canonical = Schema::parse_str(&schema.canonical)
        .unwrap_or_else(|e| panic!("apache-avro rejects {}: {e}", schema.canonical));
    assert_eq!(from_json, from_canonical, "{}", schema.canonical);
    from_json
}

/// Decodes `framed` (Confluent's header, then one datum) with apache-avro against `schema`.
fn decode(schema: &Schema, framed: &[u8], id: u32) -> Value {
    let (header, mut datum) = framed.split_at(5);
    assert_eq!(header[0], 0, "magic byte");
    assert_eq!(header[1..], id.to_be_bytes(), "schema id");
    let value = GenericDatumReader::builder(schema)
        .build()
        .and_then(|r| r.read_value(&mut datum))
        .unwrap_or_else(|e| panic!("apache-avro cannot decode {framed:?}: {e}"));
    assert!(
        datum.is_empty(),
        "{} bytes left after the datum",
        datum.len()
    );
    assert!(value.validate(schema), "{value:?} does not fit its schema");
    value
}

/// The schema of field `name` of record `schema`, out of its union with null.
fn field_schema<'s>(schema: &'s Schema, name: &str) -> &'s Schema {
    let Schema::Record(record) = schema else {
        panic!("not a record: {schema:?}")
    };
    let field = record
        .fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name}"));
    match &field.schema {
        Schema::Union(u) => u
            .variants()
            .iter()
            .find(|v| **v != Schema::Null)
            .unwrap_or(&field.schema),
        other => other,
    }
}

// ---- random tables and rows ----

#[derive(Debug, Clone)]
struct Case {
    table: Table,
    options: SchemaOptions,
    op: Op,
    before: Option<Vec<OwnedColumnValue>>,
    after: Option<Vec<OwnedColumnValue>>,
    source: Source,
    transaction: Option<(String, i64, i64)>,
    ts: (i64, i64, i64),
}

/// A `SourceInfo`'s owned values.
#[derive(Debug, Clone)]
struct Source {
    name: String,
    db: String,
    table: Option<String>,
    snapshot: SnapshotMarker,
    ts: (i64, i64, i64),
    server_id: i64,
    gtid: Option<String>,
    file: String,
    pos: i64,
    row: i32,
    thread: Option<i64>,
    query: Option<String>,
}

impl Source {
    fn info(&self) -> SourceInfo<'_> {
        let mut s = SourceInfo::new(&self.name, &self.db, self.table.as_deref());
        (s.snapshot, s.server_id, s.file, s.pos, s.row, s.thread) = (
            self.snapshot,
            self.server_id,
            &self.file,
            self.pos,
            self.row,
            self.thread,
        );
        (s.ts_ms, s.ts_us, s.ts_ns) = self.ts;
        (s.gtid, s.query) = (self.gtid.as_deref(), self.query.as_deref());
        s
    }
}

fn mapping_options() -> impl Strategy<Value = MappingOptions> {
    (
        prop_oneof![
            Just(DecimalHandlingMode::Precise),
            Just(DecimalHandlingMode::Double),
            Just(DecimalHandlingMode::String),
        ],
        prop_oneof![
            Just(TimePrecisionMode::AdaptiveTimeMicroseconds),
            Just(TimePrecisionMode::Connect),
        ],
        prop_oneof![
            Just(BigIntUnsignedHandlingMode::Long),
            Just(BigIntUnsignedHandlingMode::Precise),
        ],
        prop_oneof![
            Just(BinaryHandlingMode::Bytes),
            Just(BinaryHandlingMode::Base64),
            Just(BinaryHandlingMode::Base64UrlSafe),
            Just(BinaryHandlingMode::Hex),
        ],
    )
        .prop_map(
            |(decimal, time_precision, bigint_unsigned, binary)| MappingOptions {
                decimal,
                time_precision,
                bigint_unsigned,
                binary,
            },
        )
}

fn members() -> impl Strategy<Value = Vec<String>> {
    prop::collection::btree_set("[a-z]{1,6}", 1..=6).prop_map(|s| s.into_iter().collect())
}

fn lob() -> impl Strategy<Value = LobSize> {
    prop_oneof![
        Just(LobSize::Tiny),
        Just(LobSize::Normal),
        Just(LobSize::Medium),
        Just(LobSize::Long)
    ]
}

/// Every column type of the table model, with its parameters.
fn data_type() -> impl Strategy<Value = DataType> {
    use DataType as D;
    let unsigned = any::<bool>;
    prop_oneof![
        Just(D::Boolean),
        (1u32..=64).prop_map(D::Bit),
        (unsigned(), prop::option::of(1u32..=4))
            .prop_map(|(unsigned, width)| D::TinyInt { unsigned, width }),
        unsigned().prop_map(|unsigned| D::SmallInt { unsigned }),
        unsigned().prop_map(|unsigned| D::MediumInt { unsigned }),
        unsigned().prop_map(|unsigned| D::Int { unsigned }),
        unsigned().prop_map(|unsigned| D::BigInt { unsigned }),
        (prop::option::of(1u32..=53), prop::option::of(0u32..=10)).prop_map(
            |(precision, scale)| D::Float {
                precision,
                scale,
                unsigned: false
            }
        ),
        Just(D::Double { unsigned: false }),
        (1u32..=65)
            .prop_flat_map(|p| (Just(p), 0..=p.min(30)))
            .prop_map(|(precision, scale)| D::Decimal {
                precision,
                scale,
                unsigned: false
            }),
        (1u32..=255).prop_map(D::Char),
        (1u32..=1000).prop_map(D::VarChar),
        lob().prop_map(D::Text),
        (1u32..=16).prop_map(D::Binary),
        (1u32..=64).prop_map(D::VarBinary),
        lob().prop_map(D::Blob),
        Just(D::Json),
        members().prop_map(D::Enum),
        members().prop_map(D::Set),
        Just(D::Year),
        Just(D::Date),
        (0u8..=6).prop_map(D::Time),
        (0u8..=6).prop_map(D::DateTime),
        (0u8..=6).prop_map(D::Timestamp),
        prop_oneof![
            Just(GeometryKind::Point),
            Just(GeometryKind::Geometry),
            Just(GeometryKind::Polygon)
        ]
        .prop_map(D::Geometry),
        (1u32..=8).prop_map(D::Vector),
    ]
}

/// A DDL default for `t`: none, `NULL`, or a literal (or `CURRENT_TIMESTAMP`) that is a value
/// of the type.
fn default_of(t: &DataType) -> BoxedStrategy<Option<ColumnDefault>> {
    use DataType as D;
    let literal = |s: &str| Some(ColumnDefault::Literal(s.to_string()));
    let value: Option<BoxedStrategy<Option<ColumnDefault>>> = match t {
        D::TinyInt { .. } | D::SmallInt { .. } | D::MediumInt { .. } => Some(
            (0u8..=100)
                .prop_map(move |v| literal(&v.to_string()))
                .boxed(),
        ),
        D::Int { .. } | D::BigInt { .. } | D::Decimal { .. } => Some(Just(literal("0")).boxed()),
        D::Char(_) | D::VarChar(_) => Some("[a-z ]{0,5}".prop_map(move |s| literal(&s)).boxed()),
        D::Enum(m) => Some(Just(literal(&m[0])).boxed()),
        D::Year => Some(Just(literal("2000")).boxed()),
        D::Date => Some(Just(literal("2001-02-03")).boxed()),
        D::DateTime(_) | D::Timestamp(_) => Some(
            prop_oneof![
                Just(Some(ColumnDefault::CurrentTimestamp)),
                Just(literal("2001-02-03 04:05:06")),
            ]
            .boxed(),
        ),
        _ => None,
    };
    match value {
        Some(value) => prop_oneof![
            3 => Just(None),
            1 => Just(Some(ColumnDefault::Null)),
            2 => value,
        ]
        .boxed(),
        None => prop_oneof![Just(None), Just(Some(ColumnDefault::Null))].boxed(),
    }
}

fn column(index: usize) -> impl Strategy<Value = Column> {
    data_type()
        .prop_flat_map(|t| (default_of(&t), Just(t), any::<bool>()))
        .prop_map(move |(default, data_type, nullable)| Column {
            nullable,
            default,
            ..Column::new(format!("c{index}"), data_type)
        })
}

fn finite_f32() -> impl Strategy<Value = f32> {
    any::<f32>().prop_filter("finite", |f| f.is_finite())
}

fn finite_f64() -> impl Strategy<Value = f64> {
    any::<f64>().prop_filter("finite", |f| f.is_finite())
}

/// An integer of `bits` width as a binlog row (raw signed) or a snapshot (unsigned) gives it.
fn integer(bits: u32, unsigned: bool) -> BoxedStrategy<OwnedColumnValue> {
    let (min, max) = if unsigned {
        (0i128, (1i128 << bits) - 1)
    } else {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    };
    (min..=max, any::<bool>())
        .prop_map(move |(v, raw)| match (unsigned, raw) {
            (true, true) if v >= 1i128 << (bits - 1) => {
                ColumnValue::Int((v - (1i128 << bits)) as i64)
            }
            (true, _) => ColumnValue::UInt(v as u64),
            (false, _) => ColumnValue::Int(v as i64),
        })
        .boxed()
}

fn digits(n: u32) -> impl Strategy<Value = String> {
    prop::collection::vec(0u8..10, n as usize)
        .prop_map(|d| d.into_iter().map(|d| char::from(b'0' + d)).collect())
}

/// Keeps the leading `fsp` digits of a microsecond fraction.
fn truncate(micros: u32, fsp: u8) -> u32 {
    let unit = 10u32.pow(6 - u32::from(fsp));
    micros - micros % unit
}

fn datetime_parts(us: i64) -> OwnedColumnValue {
    let (year, month, day) = debezium_values::date_of_days(us.div_euclid(86_400_000_000));
    let in_day = us.rem_euclid(86_400_000_000);
    let secs = in_day / 1_000_000;
    ColumnValue::DateTime {
        year: year as u16,
        month: month as u8,
        day: day as u8,
        hour: (secs / 3600) as u8,
        minute: (secs / 60 % 60) as u8,
        second: (secs % 60) as u8,
        micros: (in_day % 1_000_000) as u32,
    }
}

/// A non-null value of a column of type `t` in one of the forms the binlog or a snapshot gives.
fn present(t: &DataType, o: &MappingOptions) -> BoxedStrategy<OwnedColumnValue> {
    use DataType as D;
    let days =
        debezium_values::days_from_date(1000, 1, 1)..=debezium_values::days_from_date(9999, 12, 31);
    let zero_date = ColumnValue::Date {
        year: 0,
        month: 0,
        day: 0,
    };
    match t.clone() {
        D::Boolean => any::<i8>().prop_map(|v| ColumnValue::Int(v.into())).boxed(),
        D::Bit(n) => prop::collection::vec(any::<u8>(), n.div_ceil(8) as usize)
            .prop_map(move |mut b| {
                if n % 8 != 0 {
                    b[0] &= (1u8 << (n % 8)) - 1;
                }
                ColumnValue::Bit(Cow::Owned(b))
            })
            .boxed(),
        D::TinyInt { unsigned, .. } => integer(8, unsigned),
        D::SmallInt { unsigned } => integer(16, unsigned),
        D::MediumInt { unsigned } => integer(24, unsigned),
        D::Int { unsigned } => integer(32, unsigned),
        D::BigInt { unsigned } => integer(64, unsigned),
        D::Float {
            precision, scale, ..
        } if scale.is_none() && precision.is_none_or(|p| p <= 24) => {
            finite_f32().prop_map(ColumnValue::Float).boxed()
        }
        D::Float { .. } | D::Double { .. } => finite_f64().prop_map(ColumnValue::Double).boxed(),
        D::Decimal {
            precision, scale, ..
        } => (digits(precision - scale), digits(scale), any::<bool>())
            .prop_map(|(int, frac, negative)| {
                let int = int.trim_start_matches('0');
                let int = if int.is_empty() { "0" } else { int };
                let zero = int == "0" && frac.bytes().all(|b| b == b'0');
                let sign = if negative && !zero { "-" } else { "" };
                let point = if frac.is_empty() { "" } else { "." };
                ColumnValue::Decimal(Cow::Owned(format!("{sign}{int}{point}{frac}")))
            })
            .boxed(),
        D::Char(_) | D::VarChar(_) | D::Text(_) => "\\PC{0,12}"
            .prop_map(|s| ColumnValue::String(Cow::Owned(s)))
            .boxed(),
        D::Json => "\\{(\"[a-z]{1,4}\": [0-9]{1,3})?\\}"
            .prop_map(|s| ColumnValue::Json(Cow::Owned(s)))
            .boxed(),
        D::Binary(n) => prop::collection::vec(any::<u8>(), 0..=n as usize)
            .prop_map(|b| ColumnValue::Bytes(Cow::Owned(b)))
            .boxed(),
        D::VarBinary(_) | D::Blob(_) => prop::collection::vec(any::<u8>(), 0..40)
            .prop_map(|b| ColumnValue::Bytes(Cow::Owned(b)))
            .boxed(),
        D::Enum(m) => (1..=m.len(), any::<bool>())
            .prop_map(move |(i, by_index)| {
                if by_index {
                    ColumnValue::Enum(i as u16)
                } else {
                    ColumnValue::String(Cow::Owned(m[i - 1].clone()))
                }
            })
            .boxed(),
        D::Set(m) => (0u64..1 << m.len(), any::<bool>())
            .prop_map(move |(mask, by_mask)| {
                if by_mask {
                    return ColumnValue::Set(mask);
                }
                let chosen: Vec<&str> = (0..m.len())
                    .filter(|i| mask >> i & 1 == 1)
                    .map(|i| m[i].as_str())
                    .collect();
                ColumnValue::String(Cow::Owned(chosen.join(",")))
            })
            .boxed(),
        D::Year => (1901u16..=2155, any::<bool>())
            .prop_map(|(y, raw)| {
                if raw {
                    ColumnValue::Int(y.into())
                } else {
                    ColumnValue::Year(y)
                }
            })
            .boxed(),
        D::Date => prop_oneof![
            1 => Just(zero_date),
            8 => days.prop_map(|d| {
                let (year, month, day) = debezium_values::date_of_days(d);
                ColumnValue::Date { year: year as u16, month: month as u8, day: day as u8 }
            }),
        ]
        .boxed(),
        D::Time(fsp) => {
            // Connect's `Time` is a time of day; Debezium's `MicroTime` a signed duration.
            let connect = o.time_precision == TimePrecisionMode::Connect;
            let (negative, hours) = if connect {
                (Just(false).boxed(), 0u16..24)
            } else {
                (any::<bool>().boxed(), 0u16..839)
            };
            (negative, hours, 0u8..60, 0u8..60, 0u32..1_000_000)
                .prop_map(
                    move |(negative, hours, minutes, seconds, micros)| ColumnValue::Time {
                        negative,
                        hours,
                        minutes,
                        seconds,
                        micros: truncate(micros, fsp),
                    },
                )
                .boxed()
        }
        D::DateTime(fsp) => {
            let day = 86_400_000_000i64;
            prop_oneof![
                1 => Just(ColumnValue::DateTime { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, micros: 0 }),
                8 => (days, 0..day).prop_map(move |(d, us)| {
                    let fraction = us % 1_000_000;
                    datetime_parts(d * day + us - fraction + i64::from(truncate(fraction as u32, fsp)))
                }),
            ]
            .boxed()
        }
        D::Timestamp(fsp) => prop_oneof![
            1 => Just(ColumnValue::Timestamp { unix_secs: 0, micros: 0 }),
            8 => (1i64..i64::from(i32::MAX), 0u32..1_000_000, any::<bool>()).prop_map(
                move |(unix_secs, micros, as_stored)| {
                    let micros = truncate(micros, fsp);
                    if as_stored {
                        ColumnValue::Timestamp { unix_secs, micros }
                    } else {
                        // A snapshot reads TIMESTAMP as DATETIME text in a UTC session.
                        datetime_parts(unix_secs * 1_000_000 + i64::from(micros))
                    }
                }
            ),
        ]
        .boxed(),
        D::Geometry(GeometryKind::Point) => (
            prop_oneof![Just(0u32), any::<u32>()],
            any::<bool>(),
            finite_f64(),
            finite_f64(),
        )
            .prop_map(|(srid, little_endian, x, y)| {
                let mut g = srid.to_le_bytes().to_vec();
                g.push(u8::from(little_endian));
                if little_endian {
                    g.extend(1u32.to_le_bytes());
                    g.extend(x.to_le_bytes());
                    g.extend(y.to_le_bytes());
                } else {
                    g.extend(1u32.to_be_bytes());
                    g.extend(x.to_be_bytes());
                    g.extend(y.to_be_bytes());
                }
                ColumnValue::Geometry(Cow::Owned(g))
            })
            .boxed(),
        D::Geometry(_) => (
            prop_oneof![Just(0u32), any::<u32>()],
            prop::collection::vec(any::<u8>(), 1..40),
        )
            .prop_map(|(srid, wkb)| {
                let mut g = srid.to_le_bytes().to_vec();
                g.extend(wkb);
                ColumnValue::Geometry(Cow::Owned(g))
            })
            .boxed(),
        D::Vector(n) => prop::collection::vec(finite_f32(), n as usize)
            .prop_map(|v| {
                ColumnValue::Bytes(Cow::Owned(v.iter().flat_map(|f| f.to_le_bytes()).collect()))
            })
            .boxed(),
    }
}

fn row(
    columns: &[Column],
    o: &MappingOptions,
) -> impl Strategy<Value = Vec<OwnedColumnValue>> + use<> {
    columns
        .iter()
        .map(|c| {
            if c.nullable {
                prop_oneof![1 => Just(ColumnValue::Null), 4 => present(&c.data_type, o)].boxed()
            } else {
                present(&c.data_type, o)
            }
        })
        .collect::<Vec<_>>()
}

fn text() -> impl Strategy<Value = String> {
    "\\PC{0,10}"
}

fn source(name: String, db: String, table: String) -> impl Strategy<Value = Source> {
    let marker = prop_oneof![
        Just(SnapshotMarker::True),
        Just(SnapshotMarker::First),
        Just(SnapshotMarker::FirstInDataCollection),
        Just(SnapshotMarker::LastInDataCollection),
        Just(SnapshotMarker::Last),
        Just(SnapshotMarker::False),
        Just(SnapshotMarker::Incremental),
    ];
    (
        (
            marker,
            any::<(i64, i64, i64)>(),
            any::<i64>(),
            any::<bool>(),
        ),
        (prop::option::of(text()), text(), any::<i64>(), any::<i32>()),
        (prop::option::of(any::<i64>()), prop::option::of(text())),
    )
        .prop_map(
            move |(
                (snapshot, ts, server_id, with_table),
                (gtid, file, pos, row),
                (thread, query),
            )| Source {
                name: name.clone(),
                db: db.clone(),
                table: with_table.then(|| table.clone()),
                snapshot,
                ts,
                server_id,
                gtid,
                file,
                pos,
                row,
                thread,
                query,
            },
        )
}

/// Whether a column of type `t` may be in a primary key here (not spatial, LOB or JSON).
fn keyable(t: &DataType) -> bool {
    !matches!(
        t,
        DataType::Geometry(_)
            | DataType::Vector(_)
            | DataType::Text(_)
            | DataType::Blob(_)
            | DataType::Json
    )
}

fn case() -> impl Strategy<Value = Case> {
    let name = "[a-z][a-z0-9_]{0,8}";
    let columns = (1usize..=10).prop_flat_map(|n| (0..n).map(column).collect::<Vec<_>>());
    let connector = prop_oneof![Just(ConnectorClass::MySql), Just(ConnectorClass::MariaDb)];
    (columns, mapping_options(), connector, name, name, name)
        .prop_flat_map(|(columns, mapping, connector, prefix, db, table)| {
            let n = columns.len();
            let order = Just((0..n).collect::<Vec<_>>()).prop_shuffle();
            (
                Just((columns, mapping, connector, prefix, db, table)),
                order,
                0..=n.min(3),
            )
        })
        .prop_flat_map(
            |((mut columns, mapping, connector, prefix, db, table), order, key_len)| {
                let key_columns: Vec<usize> = order
                    .into_iter()
                    .filter(|&i| keyable(&columns[i].data_type))
                    .take(key_len)
                    .collect();
                let key: Vec<String> = key_columns
                    .into_iter()
                    .map(|i| {
                        columns[i].nullable = false;
                        columns[i].name.clone()
                    })
                    .collect();
                let op = prop_oneof![
                    Just(Op::Create),
                    Just(Op::Update),
                    Just(Op::Delete),
                    Just(Op::Read)
                ];
                (
                    Just(Table {
                        id: TableId::new(db.clone(), table.clone()),
                        columns: columns.clone(),
                        primary_key: key,
                        charset: None,
                        comment: None,
                    }),
                    Just(SchemaOptions {
                        connector,
                        mapping,
                        ..SchemaOptions::new(prefix.clone())
                    }),
                    op,
                    row(&columns, &mapping),
                    row(&columns, &mapping),
                    source(prefix, db, table),
                    prop::option::of((text(), any::<i64>(), any::<i64>())),
                    any::<(i64, i64, i64)>(),
                )
            },
        )
        .prop_map(
            |(table, options, op, before, after, source, transaction, ts)| Case {
                before: matches!(op, Op::Update | Op::Delete).then_some(before),
                after: matches!(op, Op::Create | Op::Update | Op::Read).then_some(after),
                table,
                options,
                op,
                source,
                transaction,
                ts,
            },
        )
}

// ---- the properties ----

fn connector_name(c: ConnectorClass) -> &'static str {
    match c {
        ConnectorClass::MySql => "mysql",
        ConnectorClass::MariaDb => "mariadb",
    }
}

/// Checks that each precise DECIMAL (and BIGINT UNSIGNED in `precise` mode) field of the value
/// schema is apache-avro's `decimal` logical type with the column's precision and scale.
fn assert_decimal_fields(value: &Schema, table: &Table, o: &MappingOptions) {
    for c in &table.columns {
        let expected = match c.data_type {
            DataType::Decimal {
                precision, scale, ..
            } if o.decimal == DecimalHandlingMode::Precise => (precision, scale),
            DataType::BigInt { unsigned: true }
                if o.bigint_unsigned == BigIntUnsignedHandlingMode::Precise =>
            {
                (20, 0)
            }
            _ => continue,
        };
        match field_schema(value, &c.name) {
            Schema::Decimal(d) => assert_eq!(
                (d.precision, d.scale),
                (expected.0 as usize, expected.1 as usize),
                "{}",
                c.name
            ),
            other => panic!("{} is not a decimal: {other:?}", c.name),
        }
    }
}

fn check(case: &Case) {
    let t = TableAvro::new(&case.table, &case.options)
        .unwrap_or_else(|e| panic!("{:?}: {e}", case.table));
    let o = &case.options.mapping;
    let columns = &case.table.columns;
    let connector = connector_name(case.options.connector);

    let value_schema = parse(&t.value);
    assert_decimal_fields(&value_schema, &case.table, o);
    let envelope_schema = parse(&t.envelope);

    let key_row = case.after.as_ref().or(case.before.as_ref());
    if let (Some(key), Some(row)) = (&t.key, key_row) {
        let key_schema = parse(key);
        let mut out = Vec::new();
        write_header(7, &mut out);
        assert!(t.encode_key(row, &mut out).expect("the key encodes"));
        let order = case.table.primary_key.iter().map(|k| {
            columns
                .iter()
                .position(|c| &c.name == k)
                .expect("a key column")
        });
        let expected = debezium_values::record(columns, order, o, row);
        assert_eq!(decode(&key_schema, &out, 7), expected, "key");
    }
    if let Some(row) = key_row {
        let mut out = Vec::new();
        write_header(8, &mut out);
        t.encode_row(row, &mut out).expect("the row encodes");
        let expected = debezium_values::record(columns, 0..columns.len(), o, row);
        assert_eq!(decode(&value_schema, &out, 8), expected, "row");
    }

    let source = case.source.info();
    let event = ChangeEvent {
        op: case.op,
        before: case.before.as_deref(),
        after: case.after.as_deref(),
        source: &source,
        transaction: case
            .transaction
            .as_ref()
            .map(|(id, total, data)| TransactionInfo {
                id,
                total_order: *total,
                data_collection_order: *data,
            }),
        ts_ms: case.ts.0,
        ts_us: case.ts.1,
        ts_ns: case.ts.2,
    };
    let mut out = Vec::new();
    write_header(u32::MAX, &mut out);
    t.encode_envelope(&event, &mut out)
        .expect("the event encodes");
    let expected = debezium_values::envelope(columns, o, &event, connector);
    assert_eq!(
        decode(&envelope_schema, &out, u32::MAX),
        expected,
        "envelope"
    );
}

/// The field `name` of decoded record `v`.
fn get<'v>(v: &'v Value, name: &str) -> &'v Value {
    let Value::Record(fields) = v else {
        panic!("not a record: {v:?}")
    };
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no field {name} in {v:?}"))
}

/// A CREATE of the case's table on the schema change topic decodes with apache-avro to the
/// event's source, database, DDL and the table's columns (names, positions) and key.
fn check_schema_change(case: &Case) {
    let connector = connector_name(case.options.connector);
    let schemas = SchemaChangeSchemas::new(connector).expect("the schema change schemas");
    let (key_schema, value_schema) = (parse(&schemas.key), parse(&schemas.value));
    let db = &case.table.id.database;

    let mut out = Vec::new();
    write_header(3, &mut out);
    schemas.encode_key(db, &mut out);
    let key = Value::Record(vec![("databaseName".into(), Value::String(db.clone()))]);
    assert_eq!(decode(&key_schema, &out, 3), key, "schema change key");

    let source = case.source.info();
    let ddl = format!("CREATE TABLE {} (…)", case.table.id.table);
    let id = format!("\"{}\".\"{}\"", db, case.table.id.table);
    let change = TableChangeRecord {
        kind: "CREATE",
        id: id.clone(),
        table: Some(&case.table),
    };
    out.clear();
    write_header(4, &mut out);
    schemas.encode_value(
        &source,
        case.ts.0,
        Some(db),
        Some(&ddl),
        &[change],
        &mut out,
    );
    let v = decode(&value_schema, &out, 4);
    let some = |s: &str| Value::Union(1, Box::new(Value::String(s.to_string())));
    assert_eq!(
        get(&v, "source"),
        &debezium_values::source(&source, connector)
    );
    assert_eq!(get(&v, "ts_ms"), &Value::Long(case.ts.0));
    assert_eq!(get(&v, "databaseName"), &some(db));
    assert_eq!(
        get(&v, "schemaName"),
        &Value::Union(0, Box::new(Value::Null))
    );
    assert_eq!(get(&v, "ddl"), &some(&ddl));
    let Value::Array(changes) = get(&v, "tableChanges") else {
        panic!("tableChanges is not an array")
    };
    assert_eq!(changes.len(), 1);
    assert_eq!(get(&changes[0], "type"), &Value::String("CREATE".into()));
    assert_eq!(get(&changes[0], "id"), &Value::String(id));
    let Value::Union(1, table) = get(&changes[0], "table") else {
        panic!("no table in the change")
    };
    let key_names = case
        .table
        .primary_key
        .iter()
        .map(|k| Value::String(k.clone()))
        .collect();
    assert_eq!(
        get(table, "primaryKeyColumnNames"),
        &Value::Union(1, Box::new(Value::Array(key_names)))
    );
    let Value::Array(columns) = get(table, "columns") else {
        panic!("columns is not an array")
    };
    let described: Vec<(Value, Value)> = columns
        .iter()
        .map(|c| (get(c, "name").clone(), get(c, "position").clone()))
        .collect();
    let expected: Vec<(Value, Value)> = (case.table.columns.iter().enumerate())
        .map(|(i, c)| (Value::String(c.name.clone()), Value::Int(i as i32 + 1)))
        .collect();
    assert_eq!(described, expected);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn every_type_mapping_decodes_with_apache_avro_to_debeziums_values(case in case()) {
        check(&case);
    }

    #[test]
    fn a_schema_change_record_decodes_with_apache_avro_to_its_table(case in case()) {
        check_schema_change(&case);
    }
}

#[test]
fn the_models_date_arithmetic_agrees_with_the_calendar() {
    use debezium_values::{date_of_days, days_from_date};
    assert_eq!(days_from_date(1970, 1, 1), 0);
    assert_eq!(days_from_date(2000, 3, 1), 11_017);
    assert_eq!(days_from_date(1000, 1, 1), -354_285);
    for d in (-354_285..=2_932_896).step_by(997) {
        let (y, m, day) = date_of_days(d);
        assert_eq!(days_from_date(y, m, day), d);
    }
}
