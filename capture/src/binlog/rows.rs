//! Row images of a rows event decoded into [`OwnedColumnValue`]s with a [`TableLayout`].
//!
//! A rows event's data is a sequence of row images (two per row for UPDATE: before, then
//! after). Each image is a NULL bitmap over the columns present in the image (one bit per
//! present column, least significant bit first), then the value of every present, non-NULL
//! column in table order, in the column's binlog format. Capture requires full images
//! (`binlog_row_image=FULL`): an image without every column is an error rather than a row with
//! invented NULLs.
//!
//! Decoding walks the bytes once with a cursor; fixed-width values are read in place, text is
//! validated or converted from its charset, and only strings, byte strings and DECIMAL text
//! allocate.

use super::decode::{self, Charset};
use super::layout::{ColumnCodec, TableLayout};
use super::{RowImage, RowOp};
use crate::value::OwnedColumnValue;
use mysql_common::binlog::jsonb;
use mysql_common::io::ParseBuf;
use std::borrow::Cow;

/// A cursor over row data.
struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.data.len());
        match end {
            Some(end) => {
                let s = &self.data[self.pos..end];
                self.pos = end;
                Ok(s)
            }
            None => Err(format!(
                "row data ends after {} bytes, {n} more needed",
                self.data.len()
            )),
        }
    }

    fn le_uint(&mut self, n: usize) -> Result<u64, String> {
        let b = self.take(n)?;
        Ok(b.iter()
            .rev()
            .fold(0u64, |acc, &x| (acc << 8) | u64::from(x)))
    }

    fn length_prefixed(&mut self, len_bytes: u8) -> Result<&'a [u8], String> {
        let len = self.le_uint(usize::from(len_bytes))? as usize;
        self.take(len)
    }
}

/// Decodes every row of a rows event's data (the caller checked that the images are full).
pub(crate) fn decode_rows(
    layout: &TableLayout,
    op: RowOp,
    data: &[u8],
) -> Result<Vec<RowImage>, String> {
    let mut cur = Cursor { data, pos: 0 };
    let mut rows = Vec::new();
    while cur.pos < data.len() {
        let row = match op {
            RowOp::Insert => RowImage {
                before: None,
                after: Some(decode_image(layout, &mut cur)?),
            },
            RowOp::Delete => RowImage {
                before: Some(decode_image(layout, &mut cur)?),
                after: None,
            },
            RowOp::Update => RowImage {
                before: Some(decode_image(layout, &mut cur)?),
                after: Some(decode_image(layout, &mut cur)?),
            },
        };
        rows.push(row);
    }
    Ok(rows)
}

fn decode_image(
    layout: &TableLayout,
    cur: &mut Cursor<'_>,
) -> Result<Vec<OwnedColumnValue>, String> {
    let n = layout.codecs.len();
    let nulls = cur.take(n.div_ceil(8))?;
    let mut values = Vec::with_capacity(n);
    for (i, codec) in layout.codecs.iter().enumerate() {
        if nulls[i / 8] & (1 << (i % 8)) != 0 {
            values.push(OwnedColumnValue::Null);
            continue;
        }
        let v = decode_value(codec, cur).map_err(|e| {
            let name = layout.table.columns.get(i).map_or("?", |c| c.name.as_str());
            format!("column `{name}`: {e}")
        })?;
        values.push(v);
    }
    Ok(values)
}

fn sign_extend(v: u64, bytes: u8) -> i64 {
    let shift = 64 - 8 * u32::from(bytes);
    ((v << shift) as i64) >> shift
}

fn decode_value(codec: &ColumnCodec, cur: &mut Cursor<'_>) -> Result<OwnedColumnValue, String> {
    use ColumnCodec as C;
    use OwnedColumnValue as V;
    Ok(match *codec {
        C::Int { bytes, unsigned } => {
            let raw = cur.le_uint(usize::from(bytes))?;
            if unsigned {
                V::UInt(raw)
            } else {
                V::Int(sign_extend(raw, bytes))
            }
        }
        C::Year => {
            let y = cur.take(1)?[0];
            V::Year(if y == 0 { 0 } else { 1900 + u16::from(y) })
        }
        C::Float => V::Float(f32::from_le_bytes(
            cur.take(4)?.try_into().map_err(|_| "FLOAT")?,
        )),
        C::Double => V::Double(f64::from_le_bytes(
            cur.take(8)?.try_into().map_err(|_| "DOUBLE")?,
        )),
        C::Decimal { precision, scale } => {
            let b = cur.take(decode::decimal_size(precision, scale))?;
            V::Decimal(Cow::Owned(decode::decimal_text(b, precision, scale)))
        }
        C::Text {
            len_bytes,
            charset,
            json,
        } => {
            let b = cur.length_prefixed(len_bytes)?;
            let s = match charset {
                Charset::Utf8 => std::str::from_utf8(b)
                    .map_err(|e| format!("invalid UTF-8: {e}"))?
                    .to_owned(),
                other => other.decode(b)?,
            };
            if json {
                V::Json(Cow::Owned(s))
            } else {
                V::String(Cow::Owned(s))
            }
        }
        C::Bytes {
            len_bytes,
            pad_to,
            geometry,
        } => {
            let b = cur.length_prefixed(len_bytes)?;
            let mut v = Vec::with_capacity(b.len().max(pad_to));
            v.extend_from_slice(b);
            if v.len() < pad_to {
                v.resize(pad_to, 0);
            }
            if geometry {
                V::Geometry(Cow::Owned(v))
            } else {
                V::Bytes(Cow::Owned(v))
            }
        }
        C::Json { len_bytes } => V::Json(Cow::Owned(json_text(cur.length_prefixed(len_bytes)?)?)),
        C::Enum { bytes } => V::Enum(cur.le_uint(usize::from(bytes))? as u16),
        C::Set { bytes } => V::Set(cur.le_uint(usize::from(bytes))?),
        C::Bit { bytes } => V::Bit(Cow::Owned(cur.take(usize::from(bytes))?.to_vec())),
        C::Date => decode::date(cur.take(3)?),
        C::Time2 { fsp } => decode::time2(cur.take(3 + decode::frac_size(fsp))?),
        C::TimeOld => decode::time_old(cur.take(3)?),
        C::DateTime2 { fsp } => decode::datetime2(cur.take(5 + decode::frac_size(fsp))?),
        C::DateTimeOld => decode::datetime_old(cur.take(8)?),
        C::Timestamp2 { fsp } => decode::timestamp2(cur.take(4 + decode::frac_size(fsp))?),
        C::TimestampOld => V::Timestamp {
            unix_secs: cur.le_uint(4)? as i64,
            micros: 0,
        },
    })
}

/// MySQL binary JSON as JSON text (an empty value is JSON `null`, as MySQL reads it).
pub(crate) fn json_text(data: &[u8]) -> Result<String, String> {
    let value: jsonb::Value<'_> = ParseBuf(data)
        .parse(())
        .map_err(|e| format!("invalid binary JSON: {e}"))?;
    let dom = value
        .parse()
        .map_err(|e| format!("invalid binary JSON: {e}"))?;
    Ok(mysql_common::serde_json::Value::from(dom).to_string())
}
