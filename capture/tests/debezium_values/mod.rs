//! What Debezium writes for a MySQL row, built as apache-avro `Value`s from a table's columns,
//! the connector's handling modes and the decoded [`ColumnValue`]s: the expectation the oracle
//! test (`avro_oracle.rs`) compares apache-avro's decoding of Sluice's bytes with, and the
//! records the encoder benchmark (`benches/encode.rs`) gives apache-avro's writer.
//!
//! Written from Debezium's documented conversions (`BinlogValueConverters`, `JdbcValueConverters`,
//! `MySqlSourceInfoStructMaker`) and Confluent's `AvroData` (an optional field is `["null", T]`,
//! or `[T, "null"]` when its default is a value), not from Sluice's encoder: the two are meant to
//! disagree when either is wrong.

use apache_avro::Decimal;
use apache_avro::types::Value;
use base64::Engine as _;
use sluice_capture::avro::{ChangeEvent, MappingOptions, SourceInfo, TransactionInfo};
use sluice_capture::config::{
    BigIntUnsignedHandlingMode, BinaryHandlingMode, DecimalHandlingMode, TimePrecisionMode,
};
use sluice_capture::schema::{Column, ColumnDefault, DataType, GeometryKind};
use sluice_capture::value::ColumnValue;

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (years 1..).
pub(crate) fn days_from_date(year: i64, month: u32, day: u32) -> i64 {
    let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let leaps_before = |y: i64| (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400;
    const BEFORE_MONTH: [i64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let month_days = BEFORE_MONTH[month as usize - 1] + i64::from(month > 2 && leap(year));
    365 * (year - 1970) + leaps_before(year) - leaps_before(1970) + month_days + i64::from(day) - 1
}

/// The date `days` after 1970-01-01, found by search from the year estimate.
pub(crate) fn date_of_days(days: i64) -> (i64, u32, u32) {
    let mut year = 1970 + days.div_euclid(366);
    while days_from_date(year, 1, 1) > days {
        year -= 1;
    }
    while days_from_date(year + 1, 1, 1) <= days {
        year += 1;
    }
    let mut month = 12;
    while days_from_date(year, month, 1) > days {
        month -= 1;
    }
    let day = days - days_from_date(year, month, 1) + 1;
    (year, month, day as u32)
}

/// A number's two's-complement big-endian bytes from its sign and decimal digits.
fn twos_complement(negative: bool, digits: &str) -> Vec<u8> {
    let mut magnitude = vec![0u8];
    for d in digits.bytes() {
        let mut carry = u32::from(d - b'0');
        for byte in magnitude.iter_mut().rev() {
            let v = u32::from(*byte) * 10 + carry;
            *byte = v as u8;
            carry = v >> 8;
        }
        while carry > 0 {
            magnitude.insert(0, carry as u8);
            carry >>= 8;
        }
        if magnitude[0] & 0x80 != 0 {
            magnitude.insert(0, 0);
        }
    }
    if negative {
        let mut borrow = true;
        for byte in magnitude.iter_mut().rev() {
            *byte = !*byte;
            if borrow {
                let (v, overflow) = byte.overflowing_add(1);
                *byte = v;
                borrow = overflow;
            }
        }
    }
    magnitude
}

/// A decimal text (`-12.5`) as sign, integer digits without leading zeros and `scale`
/// fraction digits (padded with zeros).
fn decimal_parts(text: &str, scale: u32) -> (bool, String, String) {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let mut frac = frac.to_string();
    frac.truncate(scale as usize);
    while frac.len() < scale as usize {
        frac.push('0');
    }
    let zero = int == "0" && frac.bytes().all(|b| b == b'0');
    (negative && !zero, int.to_string(), frac)
}

fn decimal_text(v: &ColumnValue<'_>) -> String {
    match v {
        ColumnValue::Decimal(s) | ColumnValue::String(s) => s.to_string(),
        ColumnValue::Int(i) => i.to_string(),
        ColumnValue::UInt(u) => u.to_string(),
        other => panic!("not a decimal: {other:?}"),
    }
}

fn integer(v: &ColumnValue<'_>, bits: u32, unsigned: bool) -> i64 {
    match *v {
        ColumnValue::Int(i) if unsigned && bits < 64 => i & ((1i64 << bits) - 1),
        ColumnValue::Int(i) => i,
        ColumnValue::UInt(u) => u as i64,
        ColumnValue::Year(y) => i64::from(y),
        ref other => panic!("not an integer: {other:?}"),
    }
}

fn bytes<'v>(v: &'v ColumnValue<'_>) -> &'v [u8] {
    match v {
        ColumnValue::Bytes(b) | ColumnValue::Bit(b) | ColumnValue::Geometry(b) => b,
        ColumnValue::String(s) | ColumnValue::Json(s) | ColumnValue::Decimal(s) => s.as_bytes(),
        other => panic!("not bytes: {other:?}"),
    }
}

fn text(v: &ColumnValue<'_>) -> String {
    String::from_utf8_lossy(bytes(v)).into_owned()
}

/// Microseconds since the epoch of a DATE, DATETIME or TIMESTAMP value, as UTC.
fn epoch_micros(v: &ColumnValue<'_>) -> i64 {
    let (year, month, day) = match *v {
        ColumnValue::Date { year, month, day }
        | ColumnValue::DateTime {
            year, month, day, ..
        } => (year, month, day),
        ColumnValue::Timestamp { unix_secs, micros } => {
            return unix_secs * 1_000_000 + i64::from(micros);
        }
        ref other => panic!("not a point in time: {other:?}"),
    };
    let clock = match *v {
        ColumnValue::DateTime {
            hour,
            minute,
            second,
            micros,
            ..
        } => (
            u32::from(hour),
            u32::from(minute),
            u32::from(second),
            micros,
        ),
        _ => (0, 0, 0, 0),
    };
    let days = days_from_date(i64::from(year), u32::from(month), u32::from(day));
    days * 86_400_000_000 + micros_of_clock(false, clock)
}

/// Signed microseconds of a duration of hours, minutes, seconds and microseconds.
fn micros_of_clock(negative: bool, (h, m, s, us): (u32, u32, u32, u32)) -> i64 {
    let total =
        ((i64::from(h) * 60 + i64::from(m)) * 60 + i64::from(s)) * 1_000_000 + i64::from(us);
    if negative { -total } else { total }
}

/// `io.debezium.time.ZonedTimestamp` of a TIMESTAMP(fsp): `yyyy-MM-ddTHH:mm:ss[.f{fsp}]Z`.
fn zoned(us: i64, fsp: u8) -> String {
    let secs = us.div_euclid(1_000_000);
    let (y, mo, d) = date_of_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    let mut out = format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}",
        s / 3600,
        s / 60 % 60,
        s % 60
    );
    if fsp > 0 {
        let fraction = format!("{:06}", us.rem_euclid(1_000_000));
        out.push('.');
        out.push_str(&fraction[..usize::from(fsp)]);
    }
    out.push('Z');
    out
}

fn is_zero_date(v: &ColumnValue<'_>) -> bool {
    match *v {
        ColumnValue::Date { year, month, day }
        | ColumnValue::DateTime {
            year, month, day, ..
        } => year == 0 || month == 0 || day == 0,
        ColumnValue::Timestamp { unix_secs, micros } => unix_secs == 0 && micros == 0,
        _ => false,
    }
}

fn binary(mode: BinaryHandlingMode, b: &[u8]) -> Value {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE};
    match mode {
        BinaryHandlingMode::Bytes => Value::Bytes(b.to_vec()),
        BinaryHandlingMode::Base64 => Value::String(STANDARD.encode(b)),
        BinaryHandlingMode::Base64UrlSafe => Value::String(URL_SAFE.encode(b)),
        BinaryHandlingMode::Hex => Value::String(b.iter().map(|x| format!("{x:02x}")).collect()),
    }
}

fn optional(present: Option<Value>) -> Value {
    match present {
        Some(v) => Value::Union(1, Box::new(v)),
        None => Value::Union(0, Box::new(Value::Null)),
    }
}

/// MySQL's spatial value (4-byte little-endian SRID, then WKB) as Debezium's `Geometry` or
/// `Point` struct.
fn spatial(kind: GeometryKind, g: &[u8]) -> Value {
    let srid = i32::from_le_bytes([g[0], g[1], g[2], g[3]]);
    let wkb = g[4..].to_vec();
    let srid = optional((srid != 0).then_some(Value::Int(srid)));
    if kind != GeometryKind::Point {
        return Value::Record(vec![
            ("wkb".into(), Value::Bytes(wkb)),
            ("srid".into(), srid),
        ]);
    }
    let coordinate = |at: usize| {
        let b: [u8; 8] = wkb[at..at + 8].try_into().expect("a WKB point has x and y");
        Value::Double(if wkb[0] == 1 {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    };
    Value::Record(vec![
        ("x".into(), coordinate(5)),
        ("y".into(), coordinate(13)),
        ("wkb".into(), optional(Some(Value::Bytes(wkb)))),
        ("srid".into(), srid),
    ])
}

/// The value of a column that is neither null nor a zero date.
fn present(t: &DataType, o: &MappingOptions, v: &ColumnValue<'_>) -> Value {
    use DataType as D;
    let int = |bits, unsigned| Value::Int(integer(v, bits, unsigned) as i32);
    match t {
        D::Boolean => Value::Boolean(integer(v, 64, false) != 0),
        D::Bit(1) => Value::Boolean(bytes(v).iter().any(|&b| b != 0)),
        D::Bit(n) => {
            let mut le: Vec<u8> = bytes(v).iter().rev().copied().collect();
            le.resize(n.div_ceil(8) as usize, 0);
            Value::Bytes(le)
        }
        D::TinyInt { unsigned, .. } => int(8, *unsigned),
        D::SmallInt { unsigned } => int(16, *unsigned),
        D::MediumInt { unsigned } => int(24, *unsigned),
        D::Int { unsigned: false } => int(32, false),
        D::Int { unsigned: true } => Value::Long(integer(v, 32, true)),
        D::BigInt { unsigned: true }
            if o.bigint_unsigned == BigIntUnsignedHandlingMode::Precise =>
        {
            let u = integer(v, 64, true) as u64;
            Value::Decimal(Decimal::from(twos_complement(false, &u.to_string())))
        }
        D::BigInt { unsigned } => Value::Long(integer(v, 64, *unsigned)),
        D::Float {
            precision, scale, ..
        } if scale.is_none() && precision.is_none_or(|p| p <= 24) => match *v {
            ColumnValue::Float(f) => Value::Float(f),
            ref other => panic!("not a FLOAT: {other:?}"),
        },
        D::Float { .. } | D::Double { .. } => match *v {
            ColumnValue::Double(d) => Value::Double(d),
            ColumnValue::Float(f) => Value::Double(f64::from(f)),
            ref other => panic!("not a DOUBLE: {other:?}"),
        },
        D::Decimal { scale, .. } => {
            let text = decimal_text(v);
            match o.decimal {
                DecimalHandlingMode::Precise => {
                    let (negative, int, frac) = decimal_parts(&text, *scale);
                    Value::Decimal(Decimal::from(twos_complement(
                        negative,
                        &format!("{int}{frac}"),
                    )))
                }
                DecimalHandlingMode::Double => {
                    Value::Double(text.parse().expect("a decimal text is a number"))
                }
                DecimalHandlingMode::String => {
                    let (negative, int, frac) = decimal_parts(&text, *scale);
                    let sign = if negative { "-" } else { "" };
                    let point = if frac.is_empty() { "" } else { "." };
                    Value::String(format!("{sign}{int}{point}{frac}"))
                }
            }
        }
        D::Char(_) | D::VarChar(_) | D::Text(_) | D::Json => Value::String(text(v)),
        D::Binary(n) => {
            let mut b = bytes(v).to_vec();
            if b.len() < *n as usize {
                b.resize(*n as usize, 0);
            }
            binary(o.binary, &b)
        }
        D::VarBinary(_) | D::Blob(_) => binary(o.binary, bytes(v)),
        D::Enum(members) => Value::String(match *v {
            ColumnValue::Enum(i) => members[usize::from(i) - 1].clone(),
            _ => text(v),
        }),
        D::Set(members) => Value::String(match *v {
            ColumnValue::Set(mask) => members
                .iter()
                .enumerate()
                .filter(|(i, _)| mask >> i & 1 == 1)
                .map(|(_, m)| m.as_str())
                .collect::<Vec<_>>()
                .join(","),
            _ => text(v),
        }),
        D::Year => Value::Int(integer(v, 16, true) as i32),
        D::Date => {
            let days = epoch_micros(v).div_euclid(86_400_000_000) as i32;
            match o.time_precision {
                TimePrecisionMode::Connect => Value::Date(days),
                TimePrecisionMode::AdaptiveTimeMicroseconds => Value::Int(days),
            }
        }
        D::Time(_) => {
            let us = match *v {
                ColumnValue::Time {
                    negative,
                    hours,
                    minutes,
                    seconds,
                    micros,
                } => micros_of_clock(
                    negative,
                    (hours.into(), minutes.into(), seconds.into(), micros),
                ),
                ref other => panic!("not a TIME: {other:?}"),
            };
            match o.time_precision {
                TimePrecisionMode::Connect => Value::TimeMillis((us / 1000) as i32),
                TimePrecisionMode::AdaptiveTimeMicroseconds => Value::Long(us),
            }
        }
        D::DateTime(fsp) => {
            let us = epoch_micros(v);
            match o.time_precision {
                TimePrecisionMode::Connect => Value::TimestampMillis(us.div_euclid(1000)),
                _ if *fsp <= 3 => Value::Long(us.div_euclid(1000)),
                _ => Value::Long(us),
            }
        }
        D::Timestamp(fsp) => Value::String(zoned(epoch_micros(v), *fsp)),
        D::Geometry(kind) => spatial(*kind, bytes(v)),
        D::Vector(_) => Value::Array(
            bytes(v)
                .chunks_exact(4)
                .map(|c| Value::Float(f32::from_le_bytes([c[0], c[1], c[2], c[3]])))
                .collect(),
        ),
    }
}

/// A zero date in a NOT NULL column: the epoch.
fn epoch(t: &DataType, o: &MappingOptions) -> Value {
    match t {
        DataType::Timestamp(fsp) => Value::String(zoned(0, *fsp)),
        DataType::Date if o.time_precision == TimePrecisionMode::Connect => Value::Date(0),
        DataType::Date => Value::Int(0),
        _ if o.time_precision == TimePrecisionMode::Connect => Value::TimestampMillis(0),
        _ => Value::Long(0),
    }
}

/// Whether the column's Avro default is a value (not null): its union is then `[T, "null"]`.
fn default_is_a_value(c: &Column) -> bool {
    match &c.default {
        Some(ColumnDefault::Literal(_)) => true,
        Some(ColumnDefault::CurrentTimestamp) => {
            matches!(c.data_type, DataType::DateTime(_) | DataType::Timestamp(_))
        }
        _ => false,
    }
}

/// The field value of column `c` holding `v`, in its union when the field is optional.
pub(crate) fn field(c: &Column, o: &MappingOptions, v: &ColumnValue<'_>) -> Value {
    let temporal = matches!(
        c.data_type,
        DataType::Date | DataType::DateTime(_) | DataType::Timestamp(_)
    );
    let zero = temporal && is_zero_date(v);
    // Debezium's `Geometry.builder()` is optional; `Point.builder()` is not.
    let spatial = matches!(c.data_type, DataType::Geometry(k) if k != GeometryKind::Point);
    let optional = c.nullable || spatial;
    let value = if v.is_null() || (zero && optional) {
        Value::Null
    } else if zero {
        epoch(&c.data_type, o)
    } else {
        present(&c.data_type, o, v)
    };
    if !optional {
        return value;
    }
    let null_first = spatial || !default_is_a_value(c);
    let branch = match (value == Value::Null, null_first) {
        (true, true) | (false, false) => 0,
        (true, false) | (false, true) => 1,
    };
    Value::Union(branch, Box::new(value))
}

/// The record of `row` restricted to `columns` (by index into the row), in that order.
pub(crate) fn record(
    columns: &[Column],
    order: impl IntoIterator<Item = usize>,
    o: &MappingOptions,
    row: &[ColumnValue<'_>],
) -> Value {
    Value::Record(
        order
            .into_iter()
            .map(|i| (columns[i].name.clone(), field(&columns[i], o, &row[i])))
            .collect(),
    )
}

fn opt_string(v: Option<&str>) -> Value {
    optional(v.map(|s| Value::String(s.to_string())))
}

/// The `source` block (`MySqlSourceInfoStructMaker`) of connector `mysql` or `mariadb`.
pub(crate) fn source(s: &SourceInfo<'_>, connector: &str) -> Value {
    let string = |v: &str| Value::String(v.to_string());
    Value::Record(vec![
        ("version".into(), string(s.version)),
        ("connector".into(), string(connector)),
        ("name".into(), string(s.name)),
        ("ts_ms".into(), Value::Long(s.ts_ms)),
        // An optional enum with default "false": `["string", "null"]`.
        (
            "snapshot".into(),
            Value::Union(0, Box::new(string(s.snapshot.as_str()))),
        ),
        ("db".into(), string(s.db)),
        ("sequence".into(), opt_string(None)),
        ("ts_us".into(), optional(Some(Value::Long(s.ts_us)))),
        ("ts_ns".into(), optional(Some(Value::Long(s.ts_ns)))),
        ("table".into(), opt_string(s.table)),
        ("server_id".into(), Value::Long(s.server_id)),
        ("gtid".into(), opt_string(s.gtid)),
        ("file".into(), string(s.file)),
        ("pos".into(), Value::Long(s.pos)),
        ("row".into(), Value::Int(s.row)),
        ("thread".into(), optional(s.thread.map(Value::Long))),
        ("query".into(), opt_string(s.query)),
    ])
}

fn transaction(t: Option<&TransactionInfo<'_>>) -> Value {
    optional(t.map(|t| {
        Value::Record(vec![
            ("id".into(), Value::String(t.id.to_string())),
            ("total_order".into(), Value::Long(t.total_order)),
            (
                "data_collection_order".into(),
                Value::Long(t.data_collection_order),
            ),
        ])
    }))
}

/// The envelope (`io.debezium.data.Envelope`) of `e` on a table of `columns`.
pub(crate) fn envelope(
    columns: &[Column],
    o: &MappingOptions,
    e: &ChangeEvent<'_>,
    connector: &str,
) -> Value {
    let row = |r: Option<&[ColumnValue<'_>]>| {
        optional(r.map(|r| record(columns, 0..columns.len(), o, r)))
    };
    Value::Record(vec![
        ("before".into(), row(e.before)),
        ("after".into(), row(e.after)),
        ("source".into(), source(e.source, connector)),
        ("transaction".into(), transaction(e.transaction.as_ref())),
        ("op".into(), Value::String(e.op.code().to_string())),
        ("ts_ms".into(), optional(Some(Value::Long(e.ts_ms)))),
        ("ts_us".into(), optional(Some(Value::Long(e.ts_us)))),
        ("ts_ns".into(), optional(Some(Value::Long(e.ts_ns)))),
    ])
}
