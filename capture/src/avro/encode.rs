//! Avro binary encoding of keys and change-event envelopes (the values of Debezium's `Envelope`, `MySqlSourceInfoStructMaker` and `BinlogValueConverters`, written as Avro's binary encoding specifies).
//!
//! Writes into a caller-owned `Vec<u8>` (appending; on error the buffer is restored to its
//! length before the call) with no allocation per field: zig-zag varints, length-prefixed
//! strings/bytes, unions as a branch index then the value, records as their fields in order.
//! Value conversions:
//! - DATE → days since epoch; TIME → µs (`connect`: ms); DATETIME(0-3) → ms, (4-6) → µs, as UTC;
//! - TIMESTAMP → ISO-8601 UTC text with exactly fsp fraction digits;
//! - zero dates → null when the column is nullable, else the epoch;
//! - UNSIGNED raw binlog values (negative `Int`) are reinterpreted at the column width;
//!   BIGINT UNSIGNED `long` mode wraps, `precise` mode is decimal bytes;
//! - DECIMAL → unscaled big-endian two's complement (`precise`), `double` or plain text;
//! - BIT(n>1) → little-endian ⌈n/8⌉ bytes; ENUM/SET indexes → member text;
//! - BINARY(n) padded to n; `binary.handling.mode` base64/base64-url-safe/hex as text.
//!
//! The Confluent header before a key or envelope is `sluice_proto::framing::write_header`, the
//! one framing every producer and consumer in Sluice shares.
//!
//! # Why Sluice's own encoder, and not the `apache-avro` crate's
//!
//! Speed, by not building anything in between. A user of apache-avro turns each row into its
//! `Value` tree (a `Record` of named fields, a `Union` box per optional field, owned strings and
//! byte vectors) and then `to_avro_datum` / `GenericDatumWriter` walks schema and tree together,
//! validating the tree first. This encoder has no tree: [`TableAvro`] holds a write plan per table
//! (made once, when the schema is made), and each field is written in one pass straight from the
//! decoded row — [`ColumnValue`]s that borrow from the binlog event or the snapshot's row buffer —
//! doing Debezium's value conversions (dates to days, DECIMAL to unscaled bytes, base64, …) on the
//! way, into the caller's reused buffer. On the CDC row shape (`capture/benches/encode.rs`, the key
//! and envelope of a 10-column update event) that is 25–35× the events/s of apache-avro 0.22, and
//! still 17–20× when apache-avro's `Value`s are already built (BENCHMARKS.md, "Avro encoder").
//!
//! The price of writing bytes by hand is checked, not trusted: `capture/tests/avro_oracle.rs`
//! decodes what this encoder writes, for random tables of every column type under every handling
//! mode, with apache-avro against the generated schema, and compares with Debezium's values.
//! Decoding records with schema resolution (writer → reader), which the query tasks need, is to
//! come from apache-avro, not from here.

use base64::Engine as _;

use super::decimal::DecimalText;
use super::mapping::{FieldKind, FieldPlan, Nullability};
use super::schemas::TableAvro;
use super::source::{SourceInfo, TransactionInfo};
use super::temporal::{epoch_micros, is_zero_date, write_zoned, zoned_len};
use crate::config::BinaryHandlingMode;
use crate::value::{ColumnValue, days_from_civil};

/// A change event's operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Create,
    Update,
    Delete,
    /// A snapshot read.
    Read,
    Truncate,
}

impl Op {
    pub fn code(self) -> &'static str {
        match self {
            Self::Create => "c",
            Self::Update => "u",
            Self::Delete => "d",
            Self::Read => "r",
            Self::Truncate => "t",
        }
    }
}

/// One change event: rows in table column order.
#[derive(Debug, Clone, Copy)]
pub struct ChangeEvent<'a> {
    pub op: Op,
    pub before: Option<&'a [ColumnValue<'a>]>,
    pub after: Option<&'a [ColumnValue<'a>]>,
    pub source: &'a SourceInfo<'a>,
    pub transaction: Option<TransactionInfo<'a>>,
    /// Connector clock when the event was processed.
    pub ts_ms: i64,
    pub ts_us: i64,
    pub ts_ns: i64,
}

/// A value that cannot be written for its column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("row has {got} values, the table has {expected} columns")]
    RowLength { got: usize, expected: usize },
    #[error("column {column}: {reason}")]
    Value {
        column: String,
        reason: &'static str,
    },
}

/// Appends a zig-zag varint (`int` and `long`).
#[inline]
pub fn write_long(out: &mut Vec<u8>, v: i64) {
    let mut n = ((v << 1) ^ (v >> 63)) as u64;
    while n >= 0x80 {
        out.push(n as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Appends length-prefixed bytes (`bytes` and `string`).
#[inline]
pub fn write_bytes(out: &mut Vec<u8>, b: &[u8]) {
    write_long(out, b.len() as i64);
    out.extend_from_slice(b);
}

pub(crate) fn opt_long(out: &mut Vec<u8>, v: Option<i64>) {
    match v {
        Some(v) => {
            out.push(2);
            write_long(out, v);
        }
        None => out.push(0),
    }
}

pub(crate) fn opt_str(out: &mut Vec<u8>, v: Option<&str>) {
    match v {
        Some(v) => {
            out.push(2);
            write_bytes(out, v.as_bytes());
        }
        None => out.push(0),
    }
}

impl TableAvro {
    /// Appends the Avro key of `row`; returns `false` (nothing written) when the table has
    /// no key.
    pub fn encode_key(
        &self,
        row: &[ColumnValue<'_>],
        out: &mut Vec<u8>,
    ) -> Result<bool, EncodeError> {
        if self.key.is_none() {
            return Ok(false);
        }
        let start = out.len();
        write_record(&self.key_plan, row, out).inspect_err(|_| out.truncate(start))?;
        Ok(true)
    }

    /// Appends the Avro `Value` record of `row` alone.
    pub fn encode_row(
        &self,
        row: &[ColumnValue<'_>],
        out: &mut Vec<u8>,
    ) -> Result<(), EncodeError> {
        let start = out.len();
        write_record(&self.value_plan, row, out).inspect_err(|_| out.truncate(start))
    }

    /// Appends the Avro envelope of `event`.
    pub fn encode_envelope(
        &self,
        event: &ChangeEvent<'_>,
        out: &mut Vec<u8>,
    ) -> Result<(), EncodeError> {
        let start = out.len();
        self.write_envelope(event, out)
            .inspect_err(|_| out.truncate(start))
    }

    fn write_envelope(&self, e: &ChangeEvent<'_>, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        for row in [e.before, e.after] {
            match row {
                Some(row) => {
                    out.push(2);
                    write_record(&self.value_plan, row, out)?;
                }
                None => out.push(0),
            }
        }
        write_source(e.source, self.connector, out);
        match &e.transaction {
            Some(t) => {
                out.push(2);
                write_bytes(out, t.id.as_bytes());
                write_long(out, t.total_order);
                write_long(out, t.data_collection_order);
            }
            None => out.push(0),
        }
        write_bytes(out, e.op.code().as_bytes());
        opt_long(out, Some(e.ts_ms));
        opt_long(out, Some(e.ts_us));
        opt_long(out, Some(e.ts_ns));
        Ok(())
    }
}

pub(crate) fn write_source(s: &SourceInfo<'_>, connector: &str, out: &mut Vec<u8>) {
    write_bytes(out, s.version.as_bytes());
    write_bytes(out, connector.as_bytes());
    write_bytes(out, s.name.as_bytes());
    write_long(out, s.ts_ms);
    out.push(0); // snapshot: [string, null], branch 0
    write_bytes(out, s.snapshot.as_str().as_bytes());
    write_bytes(out, s.db.as_bytes());
    out.push(0); // sequence: null
    opt_long(out, Some(s.ts_us));
    opt_long(out, Some(s.ts_ns));
    opt_str(out, s.table);
    write_long(out, s.server_id);
    opt_str(out, s.gtid);
    write_bytes(out, s.file.as_bytes());
    write_long(out, s.pos);
    write_long(out, i64::from(s.row));
    opt_long(out, s.thread);
    opt_str(out, s.query);
}

fn write_record(
    plan: &[FieldPlan],
    row: &[ColumnValue<'_>],
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    for f in plan {
        let value = row.get(f.column).ok_or(EncodeError::RowLength {
            got: row.len(),
            expected: f.column + 1,
        })?;
        write_field(f, value, out).map_err(|reason| EncodeError::Value {
            column: f.name.clone(),
            reason,
        })?;
    }
    Ok(())
}

fn is_zero(v: &ColumnValue<'_>) -> bool {
    match *v {
        ColumnValue::Date { year, month, day }
        | ColumnValue::DateTime {
            year, month, day, ..
        } => is_zero_date(year, month, day),
        ColumnValue::Timestamp { unix_secs, micros } => unix_secs == 0 && micros == 0,
        _ => false,
    }
}

fn write_field(f: &FieldPlan, v: &ColumnValue<'_>, out: &mut Vec<u8>) -> Result<(), &'static str> {
    let temporal = matches!(
        f.kind,
        FieldKind::Date
            | FieldKind::DateTimeMillis
            | FieldKind::DateTimeMicros
            | FieldKind::ZonedTimestamp { .. }
    );
    let zero = temporal && is_zero(v);
    let null = v.is_null() || (zero && f.nullability != Nullability::Required);
    match (f.nullability, null) {
        (Nullability::Required, true) => return Err("null value for a NOT NULL column"),
        (Nullability::NullFirst, true) => {
            out.push(0);
            return Ok(());
        }
        (Nullability::NullLast, true) => {
            out.push(2);
            return Ok(());
        }
        (Nullability::NullFirst, false) => out.push(2),
        (Nullability::NullLast, false) => out.push(0),
        (Nullability::Required, false) => {}
    }
    if zero {
        // A zero date in a NOT NULL column: the epoch.
        match f.kind {
            FieldKind::ZonedTimestamp { fsp } => {
                write_long(out, zoned_len(fsp) as i64);
                write_zoned(0, 0, fsp, out);
            }
            _ => write_long(out, 0),
        }
        return Ok(());
    }
    write_value(&f.kind, v, out)
}

const BAD: &str = "value of the wrong type for the column";

fn int_value(v: &ColumnValue<'_>, bits: u8, unsigned: bool) -> Result<i64, &'static str> {
    match *v {
        ColumnValue::Int(i) if unsigned && i < 0 && bits < 64 => Ok(i + (1i64 << bits)),
        ColumnValue::Int(i) => Ok(i),
        ColumnValue::UInt(u) => Ok(u as i64),
        ColumnValue::Year(y) => Ok(i64::from(y)),
        _ => Err(BAD),
    }
}

/// Formats an integer into `buf` (no allocation).
fn int_text(v: i128, buf: &mut [u8; 48]) -> &str {
    let mut i = buf.len();
    let neg = v < 0;
    let mut n = v.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if neg {
        i -= 1;
        buf[i] = b'-';
    }
    std::str::from_utf8(&buf[i..]).unwrap_or("0")
}

fn decimal_text<'v>(
    v: &'v ColumnValue<'_>,
    buf: &'v mut [u8; 48],
) -> Result<DecimalText<'v>, &'static str> {
    let text: &str = match v {
        ColumnValue::Decimal(s) | ColumnValue::String(s) => s,
        ColumnValue::Int(i) => int_text(i128::from(*i), buf),
        ColumnValue::UInt(u) => int_text(i128::from(*u), buf),
        _ => return Err(BAD),
    };
    DecimalText::parse(text).ok_or("not a decimal number")
}

fn write_decimal_bytes(d: &DecimalText<'_>, scale: u32, out: &mut Vec<u8>) {
    let (b, s) = d.unscaled_bytes(scale);
    write_bytes(out, &b[s..]);
}

fn bytes_of<'v>(v: &'v ColumnValue<'_>) -> Result<&'v [u8], &'static str> {
    match v {
        ColumnValue::Bytes(b) | ColumnValue::Bit(b) | ColumnValue::Geometry(b) => Ok(b),
        ColumnValue::String(s) | ColumnValue::Json(s) | ColumnValue::Decimal(s) => Ok(s.as_bytes()),
        _ => Err(BAD),
    }
}

fn write_text_bytes(mode: BinaryHandlingMode, b: &[u8], out: &mut Vec<u8>) {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE};
    match mode {
        BinaryHandlingMode::Bytes => write_bytes(out, b),
        BinaryHandlingMode::Base64 | BinaryHandlingMode::Base64UrlSafe => {
            let engine = if mode == BinaryHandlingMode::Base64 {
                &STANDARD
            } else {
                &URL_SAFE
            };
            let len = b.len().div_ceil(3) * 4;
            write_long(out, len as i64);
            let at = out.len();
            out.resize(at + len, 0);
            let _ = engine.encode_slice(b, &mut out[at..]);
        }
        BinaryHandlingMode::Hex => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            write_long(out, b.len() as i64 * 2);
            for &x in b {
                out.push(HEX[usize::from(x >> 4)]);
                out.push(HEX[usize::from(x & 15)]);
            }
        }
    }
}

fn write_members(members: &[String], mask: u64, out: &mut Vec<u8>) {
    let chosen = || {
        members
            .iter()
            .enumerate()
            .filter(move |(i, _)| *i < 64 && mask >> i & 1 == 1)
    };
    let len: usize = chosen()
        .map(|(_, m)| m.len() + 1)
        .sum::<usize>()
        .saturating_sub(1);
    write_long(out, len as i64);
    for (n, (_, m)) in chosen().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.extend_from_slice(m.as_bytes());
    }
}

fn micros_of(v: &ColumnValue<'_>) -> Result<i64, &'static str> {
    match *v {
        ColumnValue::DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
            micros,
        } => Ok(epoch_micros((
            year, month, day, hour, minute, second, micros,
        ))),
        ColumnValue::Date { year, month, day } => Ok(epoch_micros((year, month, day, 0, 0, 0, 0))),
        ColumnValue::Timestamp { unix_secs, micros } => {
            Ok(unix_secs * 1_000_000 + i64::from(micros))
        }
        _ => Err(BAD),
    }
}

/// Reads WKB point coordinates (after MySQL's 4-byte SRID).
fn wkb_point(wkb: &[u8]) -> Option<(f64, f64)> {
    let le = *wkb.first()? == 1;
    let num = |at: usize| -> Option<f64> {
        let b: [u8; 8] = wkb.get(at..at + 8)?.try_into().ok()?;
        Some(if le {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    };
    Some((num(5)?, num(13)?))
}

fn write_value(
    kind: &FieldKind,
    v: &ColumnValue<'_>,
    out: &mut Vec<u8>,
) -> Result<(), &'static str> {
    match kind {
        FieldKind::Boolean | FieldKind::BitBoolean => {
            let b = match v {
                ColumnValue::Int(i) => *i != 0,
                ColumnValue::UInt(u) => *u != 0,
                ColumnValue::Bit(b) => b.iter().any(|&x| x != 0),
                _ => return Err(BAD),
            };
            out.push(u8::from(b));
        }
        FieldKind::Int { bits, unsigned } | FieldKind::Long { bits, unsigned } => {
            write_long(out, int_value(v, *bits, *unsigned)?);
        }
        FieldKind::UnsignedDecimal => {
            let u = match *v {
                ColumnValue::UInt(u) => u,
                ColumnValue::Int(i) => i as u64,
                _ => {
                    let mut buf = [0u8; 48];
                    let d = decimal_text(v, &mut buf)?;
                    write_decimal_bytes(&d, 0, out);
                    return Ok(());
                }
            };
            let mut b = [0u8; 9];
            b[1..].copy_from_slice(&u.to_be_bytes());
            let s = super::decimal::minimal_start(&b);
            write_bytes(out, &b[s..]);
        }
        FieldKind::Float => {
            let f = match *v {
                ColumnValue::Float(f) => f,
                ColumnValue::Double(d) => d as f32,
                ColumnValue::Int(i) => i as f32,
                _ => return Err(BAD),
            };
            out.extend_from_slice(&f.to_le_bytes());
        }
        FieldKind::Double | FieldKind::DecimalDouble => {
            let d = match v {
                ColumnValue::Double(d) => *d,
                ColumnValue::Float(f) => f64::from(*f),
                ColumnValue::Int(i) => *i as f64,
                ColumnValue::UInt(u) => *u as f64,
                ColumnValue::Decimal(s) => s.trim().parse().map_err(|_| "not a decimal number")?,
                _ => return Err(BAD),
            };
            out.extend_from_slice(&d.to_le_bytes());
        }
        FieldKind::Decimal { scale } => {
            let mut buf = [0u8; 48];
            write_decimal_bytes(&decimal_text(v, &mut buf)?, *scale, out);
        }
        FieldKind::DecimalString { scale } => {
            let mut buf = [0u8; 48];
            let d = decimal_text(v, &mut buf)?;
            write_long(out, d.plain_len(*scale) as i64);
            d.write_plain(*scale, out);
        }
        FieldKind::String | FieldKind::Json => match v {
            ColumnValue::Bytes(b) => match std::str::from_utf8(b) {
                Ok(s) => write_bytes(out, s.as_bytes()),
                Err(_) => write_bytes(out, String::from_utf8_lossy(b).as_bytes()),
            },
            _ => write_bytes(out, bytes_of(v)?),
        },
        FieldKind::Bytes { mode, pad_to } => {
            let b = bytes_of(v)?;
            match pad_to.map(|n| n as usize) {
                Some(n) if b.len() < n => {
                    let mut padded = b.to_vec();
                    padded.resize(n, 0);
                    write_text_bytes(*mode, &padded, out);
                }
                _ => write_text_bytes(*mode, b, out),
            }
        }
        FieldKind::Enum(members) => match v {
            ColumnValue::Enum(i) => {
                let m = usize::from(*i).checked_sub(1).and_then(|i| members.get(i));
                write_bytes(out, m.map_or(&b""[..], |m| m.as_bytes()));
            }
            _ => write_bytes(out, bytes_of(v)?),
        },
        FieldKind::Set(members) => match *v {
            ColumnValue::Set(mask) | ColumnValue::UInt(mask) => write_members(members, mask, out),
            ColumnValue::Int(i) => write_members(members, i as u64, out),
            _ => write_bytes(out, bytes_of(v)?),
        },
        FieldKind::Year => write_long(out, int_value(v, 16, true)?),
        FieldKind::Date => match *v {
            ColumnValue::Date { year, month, day }
            | ColumnValue::DateTime {
                year, month, day, ..
            } => {
                write_long(
                    out,
                    days_from_civil(i64::from(year), u32::from(month), u32::from(day)),
                );
            }
            _ => return Err(BAD),
        },
        FieldKind::TimeMicros | FieldKind::TimeMillis => {
            let ColumnValue::Time {
                negative,
                hours,
                minutes,
                seconds,
                micros,
            } = *v
            else {
                return Err(BAD);
            };
            let us = ((i64::from(hours) * 60 + i64::from(minutes)) * 60 + i64::from(seconds))
                * 1_000_000
                + i64::from(micros);
            let us = if negative { -us } else { us };
            write_long(
                out,
                if *kind == FieldKind::TimeMillis {
                    us / 1000
                } else {
                    us
                },
            );
        }
        FieldKind::DateTimeMillis => write_long(out, micros_of(v)?.div_euclid(1000)),
        FieldKind::DateTimeMicros => write_long(out, micros_of(v)?),
        FieldKind::ZonedTimestamp { fsp } => {
            let us = micros_of(v)?;
            write_long(out, zoned_len(*fsp) as i64);
            write_zoned(
                us.div_euclid(1_000_000),
                us.rem_euclid(1_000_000) as u32,
                *fsp,
                out,
            );
        }
        FieldKind::Bits { bytes } => {
            let n = *bytes as usize;
            write_long(out, n as i64);
            match v {
                ColumnValue::Bit(b) | ColumnValue::Bytes(b) => {
                    // Big-endian in, little-endian out, ⌈n/8⌉ bytes.
                    out.extend((0..n).map(|i| if i < b.len() { b[b.len() - 1 - i] } else { 0 }));
                }
                ColumnValue::Int(_) | ColumnValue::UInt(_) => {
                    let le = (int_value(v, 64, true)? as u64).to_le_bytes();
                    out.extend((0..n).map(|i| le.get(i).copied().unwrap_or(0)));
                }
                _ => return Err(BAD),
            }
        }
        FieldKind::Geometry | FieldKind::Point => {
            let ColumnValue::Geometry(g) = v else {
                return Err(BAD);
            };
            if g.len() < 5 {
                return Err("spatial value too short");
            }
            let srid = i32::from_le_bytes([g[0], g[1], g[2], g[3]]);
            let wkb = &g[4..];
            if *kind == FieldKind::Point {
                let (x, y) = wkb_point(wkb).ok_or("not a WKB point")?;
                out.extend_from_slice(&x.to_le_bytes());
                out.extend_from_slice(&y.to_le_bytes());
                out.push(2);
                write_bytes(out, wkb);
            } else {
                write_bytes(out, wkb);
            }
            // Debezium's `MySqlGeometry` keeps no SRID for 0 (none given): `srid` is null then.
            if srid == 0 {
                out.push(0);
            } else {
                out.push(2);
                write_long(out, i64::from(srid));
            }
        }
        FieldKind::FloatVector => {
            let b = bytes_of(v)?;
            let n = b.len() / 4;
            if n > 0 {
                write_long(out, n as i64);
                out.extend_from_slice(&b[..n * 4]);
            }
            out.push(0);
        }
    }
    Ok(())
}
