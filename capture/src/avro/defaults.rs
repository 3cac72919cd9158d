//! Column defaults → Connect default values in Avro JSON form, as Debezium's `TableSchemaBuilder`
//! asks `BinlogDefaultValueConverter` then the column's value converter to produce them
//! and `AvroData.defaultValueFromConnect` prints them:
//!
//! - `DEFAULT NULL`, expressions and unparseable literals → no default;
//! - `CURRENT_TIMESTAMP` → the epoch: TIMESTAMP `"1970-01-01T00:00:00Z"`, DATETIME `0`;
//! - zero dates → the epoch for NOT NULL columns, no default for nullable ones;
//! - bytes (BINARY, BIT, DECIMAL's unscaled value) → a string of ISO-8859-1 characters;
//! - DECIMAL literals are rescaled to the column scale.

use base64::Engine as _;
use serde_json::{Value, json};

use super::decimal::DecimalText;
use super::mapping::FieldKind;
use super::temporal::{
    epoch_micros, is_zero_date, parse_datetime, parse_time_micros, zoned_string,
};
use crate::config::BinaryHandlingMode;
use crate::schema::{Column, ColumnDefault};

/// Bytes as the ISO-8859-1 string Jackson writes for a BYTES default.
fn latin1(bytes: &[u8]) -> Value {
    Value::String(bytes.iter().map(|&b| char::from(b)).collect())
}

/// The Connect default of `column` written as `kind`, or `None`.
pub(crate) fn convert(column: &Column, kind: &FieldKind) -> Option<Value> {
    match column.default.as_ref()? {
        ColumnDefault::Null | ColumnDefault::Expression(_) => None,
        ColumnDefault::CurrentTimestamp => match kind {
            FieldKind::ZonedTimestamp { fsp } => Some(json!(zoned_string(0, 0, *fsp))),
            FieldKind::DateTimeMillis | FieldKind::DateTimeMicros => Some(json!(0)),
            _ => None,
        },
        ColumnDefault::Literal(text) => literal(text, column.nullable, kind),
    }
}

fn int_literal(text: &str) -> Option<i128> {
    let t = text.trim();
    t.parse::<i128>().ok().or_else(|| {
        t.parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(|f| f as i128)
    })
}

fn bits_literal(text: &str) -> Option<u64> {
    let t = text.trim();
    if let Some(b) = t
        .strip_prefix("b'")
        .or_else(|| t.strip_prefix("B'"))
        .and_then(|r| r.strip_suffix('\''))
    {
        return u64::from_str_radix(b, 2).ok();
    }
    t.parse().ok()
}

/// A float default as Jackson prints a Java `float` (shortest `f32` text).
fn float_json(v: f32) -> Value {
    let shortest: f64 = v.to_string().parse().unwrap_or(f64::from(v));
    json!(shortest)
}

fn literal(text: &str, nullable: bool, kind: &FieldKind) -> Option<Value> {
    let zero = |required: Value| if nullable { None } else { Some(required) };
    match kind {
        FieldKind::Boolean | FieldKind::BitBoolean => {
            let t = text.trim();
            if t.eq_ignore_ascii_case("true") {
                Some(json!(true))
            } else if t.eq_ignore_ascii_case("false") {
                Some(json!(false))
            } else {
                bits_literal(t)
                    .or_else(|| int_literal(t).map(|v| u64::from(v != 0)))
                    .map(|v| json!(v != 0))
            }
        }
        FieldKind::Int { bits, unsigned } | FieldKind::Long { bits, unsigned } => {
            let v = int_literal(text)?;
            let v = if *unsigned && *bits == 64 && v > i128::from(i64::MAX) {
                v - (1i128 << 64)
            } else {
                v
            };
            i64::try_from(v).ok().map(|v| json!(v))
        }
        FieldKind::UnsignedDecimal => {
            let d = DecimalText::parse(text)?;
            let (b, s) = d.unscaled_bytes(0);
            Some(latin1(&b[s..]))
        }
        FieldKind::Float => text.trim().parse::<f32>().ok().map(float_json),
        FieldKind::Double | FieldKind::DecimalDouble => text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(|f| json!(f)),
        FieldKind::Decimal { scale } => {
            let d = DecimalText::parse(text)?;
            let (b, s) = d.unscaled_bytes(*scale);
            Some(latin1(&b[s..]))
        }
        FieldKind::DecimalString { scale } => {
            let d = DecimalText::parse(text)?;
            let mut out = Vec::new();
            d.write_plain(*scale, &mut out);
            String::from_utf8(out).ok().map(Value::String)
        }
        FieldKind::String | FieldKind::Json | FieldKind::Enum(_) | FieldKind::Set(_) => {
            Some(json!(text))
        }
        FieldKind::Bytes { mode, .. } => Some(match mode {
            BinaryHandlingMode::Bytes => latin1(text.as_bytes()),
            BinaryHandlingMode::Base64 => {
                json!(base64::engine::general_purpose::STANDARD.encode(text))
            }
            BinaryHandlingMode::Base64UrlSafe => {
                json!(base64::engine::general_purpose::URL_SAFE.encode(text))
            }
            BinaryHandlingMode::Hex => {
                json!(text.bytes().map(|b| format!("{b:02x}")).collect::<String>())
            }
        }),
        FieldKind::Year => text.trim().parse::<i32>().ok().map(|v| json!(v)),
        FieldKind::Date => {
            let p = parse_datetime(text)?;
            if is_zero_date(p.0, p.1, p.2) {
                return zero(json!(0));
            }
            Some(json!(epoch_micros(p).div_euclid(86_400_000_000)))
        }
        FieldKind::TimeMicros => parse_time_micros(text).map(|v| json!(v)),
        FieldKind::TimeMillis => parse_time_micros(text).map(|v| json!(v.div_euclid(1000))),
        FieldKind::DateTimeMillis | FieldKind::DateTimeMicros => {
            let p = parse_datetime(text)?;
            if is_zero_date(p.0, p.1, p.2) {
                return zero(json!(0));
            }
            let us = epoch_micros(p);
            Some(if *kind == FieldKind::DateTimeMillis {
                json!(us.div_euclid(1000))
            } else {
                json!(us)
            })
        }
        FieldKind::ZonedTimestamp { fsp } => {
            let p = parse_datetime(text)?;
            if is_zero_date(p.0, p.1, p.2) {
                return zero(json!(zoned_string(0, 0, *fsp)));
            }
            let us = epoch_micros(p);
            Some(json!(zoned_string(
                us.div_euclid(1_000_000),
                us.rem_euclid(1_000_000) as u32,
                *fsp
            )))
        }
        FieldKind::Bits { bytes } => {
            let v = bits_literal(text)?;
            let le = v.to_le_bytes();
            Some(latin1(&le[..(*bytes as usize).min(8)]))
        }
        FieldKind::Geometry | FieldKind::Point | FieldKind::FloatVector => None,
    }
}
