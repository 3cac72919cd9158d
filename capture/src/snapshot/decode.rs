//! Snapshot values: a result-set value (binary protocol, or text protocol) decoded into the
//! [`ColumnValue`] model the binlog also produces, using the column's [`DataType`].
//!
//! The snapshot reads through prepared statements, so most values arrive typed (integers,
//! floats, dates, times); DECIMAL, strings, ENUM/SET, BIT, JSON and spatial values arrive as
//! bytes in both protocols. Every type also accepts its text form, so the decoder works on
//! text-protocol rows too.
//!
//! - integers: `UInt` for UNSIGNED columns, `Int` otherwise; BOOLEAN/TINYINT(1) are integers;
//! - DECIMAL: plain text as the server prints it;
//! - character data: UTF-8 (the session is `utf8mb4`, the server converts latin1 & co);
//! - ENUM: 1-based member index (0 for the empty error value); SET: member bitmask;
//! - BIT: the server's big-endian bytes; YEAR: the year (0 for `0000`);
//! - DATE/DATETIME: fields, zero dates kept as zeros; TIMESTAMP: read in the UTC session and
//!   converted to epoch seconds + micros (`0000-00-00 00:00:00` → 0/0, as in the binlog);
//! - spatial: MySQL's internal format (4-byte little-endian SRID, then WKB), as selected.

use crate::schema::DataType;
use crate::value::{ColumnValue, OwnedColumnValue, days_from_civil};
use mysql_async::Value;
use std::borrow::Cow;

/// Decodes one result value of a column of type `ty`.
pub fn decode_value(ty: &DataType, v: Value) -> Result<OwnedColumnValue, String> {
    if matches!(v, Value::NULL) {
        return Ok(ColumnValue::Null);
    }
    Ok(match ty {
        DataType::Boolean
        | DataType::TinyInt {
            unsigned: false, ..
        } => integer(v, false)?,
        DataType::TinyInt { unsigned, .. }
        | DataType::SmallInt { unsigned }
        | DataType::MediumInt { unsigned }
        | DataType::Int { unsigned }
        | DataType::BigInt { unsigned } => integer(v, *unsigned)?,
        DataType::Bit(n) => ColumnValue::Bit(Cow::Owned(bit_bytes(v, *n)?)),
        DataType::Float { .. } => ColumnValue::Float(match v {
            Value::Float(f) => f,
            Value::Double(d) => d as f32,
            other => parse_text(&other, "FLOAT")?,
        }),
        DataType::Double { .. } => ColumnValue::Double(match v {
            Value::Double(d) => d,
            Value::Float(f) => f64::from(f),
            other => parse_text(&other, "DOUBLE")?,
        }),
        DataType::Decimal { .. } => ColumnValue::Decimal(Cow::Owned(match v {
            Value::Bytes(b) => utf8(b),
            Value::Int(i) => i.to_string(),
            Value::UInt(u) => u.to_string(),
            other => return Err(format!("DECIMAL value {other:?}")),
        })),
        DataType::Char(_) | DataType::VarChar(_) | DataType::Text(_) => {
            ColumnValue::String(Cow::Owned(utf8(bytes(v)?)))
        }
        DataType::Binary(_) | DataType::VarBinary(_) | DataType::Blob(_) | DataType::Vector(_) => {
            ColumnValue::Bytes(Cow::Owned(bytes(v)?))
        }
        DataType::Json => ColumnValue::Json(Cow::Owned(utf8(bytes(v)?))),
        DataType::Geometry(_) => ColumnValue::Geometry(Cow::Owned(bytes(v)?)),
        DataType::Enum(members) => match v {
            Value::Int(i) => ColumnValue::Enum(u16::try_from(i).map_err(|_| "ENUM index")?),
            Value::UInt(u) => ColumnValue::Enum(u16::try_from(u).map_err(|_| "ENUM index")?),
            other => ColumnValue::Enum(enum_index(members, &utf8(bytes(other)?))?),
        },
        DataType::Set(members) => match v {
            Value::Int(i) => ColumnValue::Set(i as u64),
            Value::UInt(u) => ColumnValue::Set(u),
            other => ColumnValue::Set(set_mask(members, &utf8(bytes(other)?))?),
        },
        DataType::Year => ColumnValue::Year(match v {
            Value::Int(i) => u16::try_from(i).map_err(|_| "YEAR out of range")?,
            Value::UInt(u) => u16::try_from(u).map_err(|_| "YEAR out of range")?,
            other => parse_text(&other, "YEAR")?,
        }),
        DataType::Date => {
            let (year, month, day, ..) = date_time(v)?;
            ColumnValue::Date { year, month, day }
        }
        DataType::DateTime(_) => {
            let (year, month, day, hour, minute, second, micros) = date_time(v)?;
            ColumnValue::DateTime {
                year,
                month,
                day,
                hour,
                minute,
                second,
                micros,
            }
        }
        DataType::Timestamp(_) => {
            let (y, mo, d, h, mi, s, micros) = date_time(v)?;
            if y == 0 && mo == 0 && d == 0 {
                ColumnValue::Timestamp {
                    unix_secs: 0,
                    micros: 0,
                }
            } else {
                let days = days_from_civil(i64::from(y), u32::from(mo), u32::from(d));
                let secs = i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s);
                ColumnValue::Timestamp {
                    unix_secs: days * 86_400 + secs,
                    micros,
                }
            }
        }
        DataType::Time(_) => match v {
            Value::Time(negative, days, h, minutes, seconds, micros) => ColumnValue::Time {
                negative,
                hours: u16::try_from(days * 24 + u32::from(h)).map_err(|_| "TIME range")?,
                minutes,
                seconds,
                micros,
            },
            other => parse_time(&utf8(bytes(other)?))?,
        },
    })
}

fn integer(v: Value, unsigned: bool) -> Result<OwnedColumnValue, String> {
    Ok(match (v, unsigned) {
        (Value::Int(i), false) => ColumnValue::Int(i),
        (Value::UInt(u), false) => ColumnValue::Int(u as i64),
        (Value::UInt(u), true) => ColumnValue::UInt(u),
        (Value::Int(i), true) => ColumnValue::UInt(i as u64),
        (other, false) => ColumnValue::Int(parse_text(&other, "integer")?),
        (other, true) => ColumnValue::UInt(parse_text(&other, "integer")?),
    })
}

fn bytes(v: Value) -> Result<Vec<u8>, String> {
    match v {
        Value::Bytes(b) => Ok(b),
        other => Err(format!("expected bytes, got {other:?}")),
    }
}

fn utf8(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn parse_text<T: std::str::FromStr>(v: &Value, what: &str) -> Result<T, String> {
    match v {
        Value::Bytes(b) => std::str::from_utf8(b)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .ok_or_else(|| format!("not a {what}: {:?}", String::from_utf8_lossy(b))),
        other => Err(format!("not a {what}: {other:?}")),
    }
}

/// BIT(n): ⌈n/8⌉ big-endian bytes (binary and text protocol both send the raw bytes).
fn bit_bytes(v: Value, n: u32) -> Result<Vec<u8>, String> {
    let len = n.div_ceil(8).clamp(1, 8) as usize;
    let raw = match v {
        Value::Bytes(b) => b,
        Value::UInt(u) => u.to_be_bytes().to_vec(),
        Value::Int(i) => (i as u64).to_be_bytes().to_vec(),
        other => return Err(format!("BIT value {other:?}")),
    };
    Ok(if raw.len() >= len {
        raw[raw.len() - len..].to_vec()
    } else {
        let mut out = vec![0; len - raw.len()];
        out.extend_from_slice(&raw);
        out
    })
}

/// The 1-based index of `text` among `members` (exact match, then case-insensitive as the
/// column's collation would); 0 for the empty error value.
pub(super) fn enum_index(members: &[String], text: &str) -> Result<u16, String> {
    let pos = members
        .iter()
        .position(|m| m == text)
        .or_else(|| members.iter().position(|m| m.eq_ignore_ascii_case(text)));
    match pos {
        Some(i) => u16::try_from(i + 1).map_err(|_| "too many ENUM members".to_string()),
        None if text.is_empty() => Ok(0),
        None => Err(format!("{text:?} is not a member of the ENUM")),
    }
}

/// The bitmask of the comma-separated members in `text`.
pub(super) fn set_mask(members: &[String], text: &str) -> Result<u64, String> {
    let mut mask = 0u64;
    for part in text.split(',').filter(|p| !p.is_empty()) {
        let i = members
            .iter()
            .position(|m| m == part)
            .or_else(|| members.iter().position(|m| m.eq_ignore_ascii_case(part)))
            .ok_or_else(|| format!("{part:?} is not a member of the SET"))?;
        if i >= 64 {
            return Err("too many SET members".into());
        }
        mask |= 1 << i;
    }
    Ok(mask)
}

type Fields = (u16, u8, u8, u8, u8, u8, u32);

fn date_time(v: Value) -> Result<Fields, String> {
    match v {
        Value::Date(y, mo, d, h, mi, s, us) => Ok((y, mo, d, h, mi, s, us)),
        other => parse_date_time(&utf8(bytes(other)?)),
    }
}

/// `YYYY-MM-DD[ HH:MM:SS[.ffffff]]` (zero dates allowed).
pub(super) fn parse_date_time(s: &str) -> Result<Fields, String> {
    let bad = || format!("not a date/time: {s:?}");
    let (date, time) = s.trim().split_once([' ', 'T']).unwrap_or((s.trim(), ""));
    let mut d = date.splitn(3, '-');
    let mut next = || d.next().and_then(|p| p.parse::<u32>().ok()).ok_or_else(bad);
    let (y, mo, dd) = (next()?, next()?, next()?);
    let (h, mi, sec, us) = if time.is_empty() {
        (0, 0, 0, 0)
    } else {
        let (neg, h, mi, sec, us) = parse_clock(time).ok_or_else(bad)?;
        if neg || h > 23 {
            return Err(bad());
        }
        (h, mi, sec, us)
    };
    Ok((
        u16::try_from(y).map_err(|_| bad())?,
        u8::try_from(mo).map_err(|_| bad())?,
        u8::try_from(dd).map_err(|_| bad())?,
        u8::try_from(h).map_err(|_| bad())?,
        mi,
        sec,
        us,
    ))
}

/// `[-]H+:MM:SS[.f{1,6}]` → (negative, hours, minutes, seconds, micros).
fn parse_clock(s: &str) -> Option<(bool, u32, u8, u8, u32)> {
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (hms, frac) = s.split_once('.').unwrap_or((s, ""));
    let mut parts = hms.splitn(3, ':');
    let h = parts.next()?.parse().ok()?;
    let mi = parts.next()?.parse().ok()?;
    let sec = parts.next()?.parse().ok()?;
    if frac.len() > 6 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let us = if frac.is_empty() {
        0
    } else {
        frac.parse::<u32>().ok()? * 10u32.pow(6 - frac.len() as u32)
    };
    Some((neg, h, mi, sec, us))
}

/// TIME text, `-838:59:59.000000` to `838:59:59.000000`.
pub(super) fn parse_time(s: &str) -> Result<OwnedColumnValue, String> {
    let (negative, h, minutes, seconds, micros) =
        parse_clock(s.trim()).ok_or_else(|| format!("not a TIME: {s:?}"))?;
    Ok(ColumnValue::Time {
        negative,
        hours: u16::try_from(h).map_err(|_| format!("TIME out of range: {s:?}"))?,
        minutes,
        seconds,
        micros,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str) -> Value {
        Value::Bytes(s.as_bytes().to_vec())
    }

    #[test]
    fn integers_follow_signedness() {
        let u = DataType::BigInt { unsigned: true };
        assert_eq!(
            decode_value(&u, Value::UInt(u64::MAX)),
            Ok(ColumnValue::UInt(u64::MAX))
        );
        assert_eq!(
            decode_value(&u, b("18446744073709551615")),
            Ok(ColumnValue::UInt(u64::MAX))
        );
        let s = DataType::TinyInt {
            unsigned: false,
            width: Some(1),
        };
        assert_eq!(decode_value(&s, Value::Int(-1)), Ok(ColumnValue::Int(-1)));
        assert_eq!(decode_value(&s, b("-128")), Ok(ColumnValue::Int(-128)));
        assert_eq!(decode_value(&s, Value::NULL), Ok(ColumnValue::Null));
    }

    #[test]
    fn enum_set_bit() {
        let members: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let e = DataType::Enum(members.clone());
        assert_eq!(decode_value(&e, b("c")), Ok(ColumnValue::Enum(3)));
        assert_eq!(decode_value(&e, b("")), Ok(ColumnValue::Enum(0)));
        assert!(decode_value(&e, b("z")).is_err());
        let s = DataType::Set(members);
        assert_eq!(decode_value(&s, b("a,c")), Ok(ColumnValue::Set(0b101)));
        assert_eq!(decode_value(&s, b("")), Ok(ColumnValue::Set(0)));
        let bit = DataType::Bit(12);
        assert_eq!(
            decode_value(&bit, Value::Bytes(vec![0x0a, 0xbc])),
            Ok(ColumnValue::Bit(Cow::Owned(vec![0x0a, 0xbc])))
        );
        assert_eq!(
            decode_value(&bit, Value::UInt(0xabc)),
            Ok(ColumnValue::Bit(Cow::Owned(vec![0x0a, 0xbc])))
        );
    }

    #[test]
    fn temporal_text_and_binary() {
        assert_eq!(
            decode_value(&DataType::Date, b("0000-00-00")),
            Ok(ColumnValue::Date {
                year: 0,
                month: 0,
                day: 0
            })
        );
        assert_eq!(
            decode_value(&DataType::DateTime(3), b("2018-06-20 13:37:03.123")),
            Ok(ColumnValue::DateTime {
                year: 2018,
                month: 6,
                day: 20,
                hour: 13,
                minute: 37,
                second: 3,
                micros: 123_000
            })
        );
        assert_eq!(
            decode_value(&DataType::Timestamp(0), Value::Date(1970, 1, 2, 0, 0, 1, 5)),
            Ok(ColumnValue::Timestamp {
                unix_secs: 86_401,
                micros: 5
            })
        );
        assert_eq!(
            decode_value(&DataType::Timestamp(0), b("0000-00-00 00:00:00")),
            Ok(ColumnValue::Timestamp {
                unix_secs: 0,
                micros: 0
            })
        );
        assert_eq!(
            decode_value(&DataType::Time(6), b("-838:59:59.5")),
            Ok(ColumnValue::Time {
                negative: true,
                hours: 838,
                minutes: 59,
                seconds: 59,
                micros: 500_000
            })
        );
        assert_eq!(
            decode_value(&DataType::Time(0), Value::Time(false, 1, 2, 3, 4, 0)),
            Ok(ColumnValue::Time {
                negative: false,
                hours: 26,
                minutes: 3,
                seconds: 4,
                micros: 0
            })
        );
        assert_eq!(
            decode_value(&DataType::Year, b("2021")),
            Ok(ColumnValue::Year(2021))
        );
        assert!(decode_value(&DataType::Date, b("nope")).is_err());
    }

    #[test]
    fn numbers_and_strings() {
        let d = DataType::Decimal {
            precision: 10,
            scale: 2,
            unsigned: false,
        };
        assert_eq!(
            decode_value(&d, b("-12.50")),
            Ok(ColumnValue::Decimal(Cow::Owned("-12.50".into())))
        );
        let f = DataType::Float {
            precision: None,
            scale: None,
            unsigned: false,
        };
        assert_eq!(decode_value(&f, b("2.5")), Ok(ColumnValue::Float(2.5)));
        assert_eq!(
            decode_value(&DataType::VarChar(10), b("héllo")),
            Ok(ColumnValue::String(Cow::Owned("héllo".into())))
        );
    }
}
