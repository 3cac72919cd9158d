//! Decoding single binlog values: MySQL's packed binary formats for DECIMAL and the temporal
//! types, and character data in the column's charset.
//!
//! Formats (MySQL `strings/decimal.cc`, `mysys/my_time.cc`, `sql/log_event.cc`; MariaDB uses
//! the same "MySQL 5.6" temporal formats by default and the old ones for old tables):
//! - **DECIMAL(p,s)**: integer and fraction parts in groups of 9 digits, each group a
//!   big-endian integer of 4 bytes (a partial group takes 1–4 bytes by its digit count); the
//!   sign is the top bit of the first byte flipped, and a negative value has every byte
//!   inverted.
//! - **DATETIME2(fsp)**: 5 bytes big-endian, offset by 2^39: sign bit, then year*13+month (17
//!   bits), day (5), hour (5), minute (6), second (6); then the fraction.
//! - **TIME2(fsp)**: 3 bytes big-endian offset by 2^23 (hour 10 bits, minute 6, second 6),
//!   then the fraction; negative values are stored as the two's complement of the packed value.
//! - **TIMESTAMP2(fsp)**: 4 bytes big-endian epoch seconds, then the fraction.
//! - fraction: ⌈fsp/2⌉ bytes big-endian holding hundredths (1–2), ten-thousandths (3–4) or
//!   microseconds (5–6).
//! - old **DATETIME**: 8 bytes little-endian `YYYYMMDDhhmmss`; old **TIME**: 3 bytes
//!   little-endian signed `±hhmmss`; **DATE**: 3 bytes little-endian `year<<9 | month<<5 | day`.

use crate::value::OwnedColumnValue;

/// Bytes taken by a partial decimal group of `digits` digits.
const DIG2BYTES: [usize; 10] = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];

/// Size in bytes of a binary DECIMAL(precision, scale).
pub(crate) fn decimal_size(precision: u8, scale: u8) -> usize {
    let (p, s) = (usize::from(precision), usize::from(scale));
    let intg = p.saturating_sub(s);
    (intg / 9) * 4 + DIG2BYTES[intg % 9] + (s / 9) * 4 + DIG2BYTES[s % 9]
}

fn be_uint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
}

/// A binary DECIMAL as plain text (`-123.450`), `data` exactly [`decimal_size`] bytes.
pub(crate) fn decimal_text(data: &[u8], precision: u8, scale: u8) -> String {
    let (p, s) = (usize::from(precision), usize::from(scale));
    let intg = p.saturating_sub(s);
    let negative = data.first().is_some_and(|b| b & 0x80 == 0);
    let mask: u8 = if negative { 0xff } else { 0 };
    let mut buf = [0u8; 32];
    let bytes = &mut buf[..data.len().min(32)];
    for (d, &b) in bytes.iter_mut().zip(data) {
        *d = b ^ mask;
    }
    if let Some(first) = bytes.first_mut() {
        *first ^= 0x80;
    }
    let mut out = String::with_capacity(p + 2);
    if negative {
        out.push('-');
    }
    let mut pos = 0;
    let mut take = |n: usize| {
        let v = be_uint(&bytes[pos..pos + n]);
        pos += n;
        v
    };
    // Integer part: leading partial group, then full groups; leading zeros dropped.
    let mut int_digits = String::with_capacity(intg);
    let lead = intg % 9;
    if lead > 0 {
        push_padded(&mut int_digits, take(DIG2BYTES[lead]), lead);
    }
    for _ in 0..intg / 9 {
        push_padded(&mut int_digits, take(4), 9);
    }
    let trimmed = int_digits.trim_start_matches('0');
    out.push_str(if trimmed.is_empty() { "0" } else { trimmed });
    if s > 0 {
        out.push('.');
        for _ in 0..s / 9 {
            push_padded(&mut out, take(4), 9);
        }
        let tail = s % 9;
        if tail > 0 {
            push_padded(&mut out, take(DIG2BYTES[tail]), tail);
        }
    }
    if negative && out[1..].bytes().all(|b| b == b'0' || b == b'.') {
        out.remove(0);
    }
    out
}

fn push_padded(out: &mut String, v: u64, width: usize) {
    use std::fmt::Write;
    let _ = write!(out, "{v:0width$}");
}

/// Bytes of the fractional part for `fsp`.
pub(crate) fn frac_size(fsp: u8) -> usize {
    usize::from(fsp).div_ceil(2)
}

/// Microseconds from a fraction of [`frac_size`] bytes.
fn frac_micros(frac: &[u8]) -> u32 {
    let v = be_uint(frac) as u32;
    match frac.len() {
        1 => v * 10_000,
        2 => v * 100,
        _ => v,
    }
}

/// DATETIME2: 5 bytes + fraction.
pub(crate) fn datetime2(data: &[u8]) -> OwnedColumnValue {
    let packed = be_uint(&data[..5]) as i64 - 0x80_0000_0000;
    let micros = frac_micros(&data[5..]);
    let ymd = packed >> 17;
    let ym = ymd >> 5;
    let hms = packed & 0x1_ffff;
    OwnedColumnValue::DateTime {
        year: (ym / 13) as u16,
        month: (ym % 13) as u8,
        day: (ymd & 31) as u8,
        hour: (hms >> 12) as u8,
        minute: ((hms >> 6) & 63) as u8,
        second: (hms & 63) as u8,
        micros,
    }
}

/// TIME2: 3 bytes + fraction.
pub(crate) fn time2(data: &[u8]) -> OwnedColumnValue {
    let int = be_uint(&data[..3]) as i64 - 0x80_0000;
    let frac = &data[3..];
    // The packed value is (int << 24) + fraction in microseconds, as one signed number.
    let packed: i64 = match frac.len() {
        0 => int << 24,
        1 | 2 => {
            let (mut i, mut f) = (int, be_uint(frac) as i64);
            let unit = 1i64 << (8 * frac.len());
            if i < 0 && f != 0 {
                i += 1;
                f -= unit;
            }
            let scale = if frac.len() == 1 { 10_000 } else { 100 };
            (i << 24) + f * scale
        }
        _ => be_uint(&data[..6]) as i64 - 0x8000_0000_0000,
    };
    let negative = packed < 0;
    let abs = packed.unsigned_abs();
    let hms = abs >> 24;
    OwnedColumnValue::Time {
        negative,
        hours: ((hms >> 12) & 0x3ff) as u16,
        minutes: ((hms >> 6) & 63) as u8,
        seconds: (hms & 63) as u8,
        micros: (abs & 0xff_ffff) as u32,
    }
}

/// TIMESTAMP2: 4 bytes + fraction.
pub(crate) fn timestamp2(data: &[u8]) -> OwnedColumnValue {
    OwnedColumnValue::Timestamp {
        unix_secs: be_uint(&data[..4]) as i64,
        micros: frac_micros(&data[4..]),
    }
}

/// DATE: 3 bytes little-endian.
pub(crate) fn date(data: &[u8]) -> OwnedColumnValue {
    let v = u32::from(data[0]) | u32::from(data[1]) << 8 | u32::from(data[2]) << 16;
    OwnedColumnValue::Date {
        year: (v >> 9) as u16,
        month: ((v >> 5) & 15) as u8,
        day: (v & 31) as u8,
    }
}

/// Old DATETIME: 8 bytes little-endian `YYYYMMDDhhmmss`.
pub(crate) fn datetime_old(data: &[u8]) -> OwnedColumnValue {
    let v = u64::from_le_bytes(data[..8].try_into().unwrap_or_default());
    let (d, t) = (v / 1_000_000, v % 1_000_000);
    OwnedColumnValue::DateTime {
        year: (d / 10_000) as u16,
        month: (d / 100 % 100) as u8,
        day: (d % 100) as u8,
        hour: (t / 10_000) as u8,
        minute: (t / 100 % 100) as u8,
        second: (t % 100) as u8,
        micros: 0,
    }
}

/// Old TIME: 3 bytes little-endian signed `±hhmmss`.
pub(crate) fn time_old(data: &[u8]) -> OwnedColumnValue {
    let raw = i32::from(data[0]) | i32::from(data[1]) << 8 | i32::from(data[2]) << 16;
    let v = (raw << 8) >> 8; // sign-extend 24 bits
    let a = v.unsigned_abs();
    OwnedColumnValue::Time {
        negative: v < 0,
        hours: (a / 10_000) as u16,
        minutes: (a / 100 % 100) as u8,
        seconds: (a % 100) as u8,
        micros: 0,
    }
}

/// A column's character set, as far as decoding goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Charset {
    /// utf8mb3, utf8mb4, ascii: UTF-8 bytes (validated).
    Utf8,
    /// MySQL's latin1, which is Windows-1252 (with the five undefined bytes kept as C1).
    Latin1,
    /// UCS-2 / UTF-16 big-endian.
    Utf16,
    Utf16Le,
    Utf32,
    /// `binary`: bytes, not characters.
    Binary,
    /// Anything else: decoded as UTF-8, invalid sequences replaced.
    Other,
}

impl Charset {
    /// By charset name (`utf8mb4`, `latin1`, ...).
    pub(crate) fn from_name(name: &str) -> Self {
        match name.to_ascii_lowercase().as_str() {
            "utf8" | "utf8mb3" | "utf8mb4" | "ascii" => Self::Utf8,
            "latin1" | "cp1252" => Self::Latin1,
            "ucs2" | "utf16" => Self::Utf16,
            "utf16le" => Self::Utf16Le,
            "utf32" => Self::Utf32,
            "binary" => Self::Binary,
            _ => Self::Other,
        }
    }

    /// By collation id, as TABLE_MAP optional metadata gives it (common ids only).
    pub(crate) fn from_collation_id(id: u16) -> Self {
        match id {
            63 => Self::Binary,
            5 | 8 | 15 | 31 | 47 | 48 | 49 | 94 => Self::Latin1,
            11 | 65 | 33 | 83 | 45 | 46 | 192..=215 | 223..=247 | 255..=323 => Self::Utf8,
            35 | 90 | 128..=151 | 159 => Self::Utf16,
            54 | 55 | 101..=124 => Self::Utf16,
            56 | 62 => Self::Utf16Le,
            60 | 61 | 160..=183 => Self::Utf32,
            _ => Self::Other,
        }
    }

    /// `bytes` as text.
    pub(crate) fn decode(self, bytes: &[u8]) -> Result<String, String> {
        match self {
            Self::Utf8 => std::str::from_utf8(bytes)
                .map(str::to_owned)
                .map_err(|e| format!("invalid UTF-8 in a utf8 column: {e}")),
            Self::Latin1 => Ok(bytes.iter().map(|&b| cp1252(b)).collect()),
            Self::Utf16 | Self::Utf16Le => {
                if !bytes.len().is_multiple_of(2) {
                    return Err("odd byte count in a UTF-16 column".into());
                }
                let units = bytes.chunks_exact(2).map(|c| {
                    if self == Self::Utf16 {
                        u16::from_be_bytes([c[0], c[1]])
                    } else {
                        u16::from_le_bytes([c[0], c[1]])
                    }
                });
                char::decode_utf16(units)
                    .collect::<Result<String, _>>()
                    .map_err(|e| format!("invalid UTF-16 in a column: {e}"))
            }
            Self::Utf32 => bytes
                .chunks(4)
                .map(|c| {
                    let v = be_uint(c) as u32;
                    char::from_u32(v).ok_or_else(|| format!("invalid UTF-32 code point {v:#x}"))
                })
                .collect(),
            Self::Binary | Self::Other => Ok(String::from_utf8_lossy(bytes).into_owned()),
        }
    }
}

/// Windows-1252 byte to char (MySQL's latin1: 0x80–0x9F are the cp1252 punctuation, the five
/// undefined ones map to the C1 controls).
fn cp1252(b: u8) -> char {
    const HIGH: [u16; 32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
        0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ];
    match b {
        0x80..=0x9f => char::from_u32(u32::from(HIGH[usize::from(b - 0x80)])).unwrap_or('\u{fffd}'),
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        // DECIMAL(10,2) 1234567.89 and -1234567.89 (MySQL's documented example layout).
        let pos = [0x80, 0x12, 0xd6, 0x87, 0x59];
        assert_eq!(decimal_size(10, 2), 5);
        assert_eq!(decimal_text(&pos, 10, 2), "1234567.89");
        let neg: Vec<u8> = pos.iter().map(|b| b ^ 0xff).collect();
        assert_eq!(decimal_text(&neg, 10, 2), "-1234567.89");
        // DECIMAL(14,4) 1234567890.1234: 1 byte lead (1 digit), 4 bytes, 2 bytes frac.
        let v = [0x81, 0x0d, 0xfb, 0x38, 0xd2, 0x04, 0xd2];
        assert_eq!(decimal_size(14, 4), 7);
        assert_eq!(decimal_text(&v, 14, 4), "1234567890.1234");
        // zero
        assert_eq!(decimal_text(&[0x80, 0, 0, 0, 0], 10, 2), "0.00");
        assert_eq!(decimal_text(&[0x80, 0, 0, 0, 0], 10, 0), "0");
    }

    #[test]
    fn temporal() {
        // DATETIME2(0) 2018-06-20 13:14:15: ym = 2018*13+6.
        let ym: i64 = 2018 * 13 + 6;
        let packed = ((((ym << 5) | 20) << 17) | (13 << 12) | (14 << 6) | 15) + 0x80_0000_0000;
        let b = packed.to_be_bytes();
        let mut data = b[3..].to_vec();
        data.extend_from_slice(&[0x04, 0xd2]); // fsp 4: 1234 ten-thousandths
        assert_eq!(
            datetime2(&data),
            OwnedColumnValue::DateTime {
                year: 2018,
                month: 6,
                day: 20,
                hour: 13,
                minute: 14,
                second: 15,
                micros: 123_400
            }
        );
        // TIME2(0) -01:02:03 and 838:59:59.
        let enc = |h: i64, m: i64, s: i64, neg: bool| {
            let v = (h << 12) | (m << 6) | s;
            let v = if neg { -v } else { v } + 0x80_0000;
            (v as u32).to_be_bytes()[1..].to_vec()
        };
        assert_eq!(
            time2(&enc(1, 2, 3, true)),
            OwnedColumnValue::Time {
                negative: true,
                hours: 1,
                minutes: 2,
                seconds: 3,
                micros: 0
            }
        );
        assert_eq!(
            time2(&enc(838, 59, 59, false)),
            OwnedColumnValue::Time {
                negative: false,
                hours: 838,
                minutes: 59,
                seconds: 59,
                micros: 0
            }
        );
        // TIME2(6) -00:00:01.5: packed = -(1<<24 + 500000).
        let packed: i64 = -((1 << 24) + 500_000) + 0x8000_0000_0000;
        let data = &packed.to_be_bytes()[2..];
        assert_eq!(
            time2(data),
            OwnedColumnValue::Time {
                negative: true,
                hours: 0,
                minutes: 0,
                seconds: 1,
                micros: 500_000
            }
        );
        assert_eq!(
            date(&[0x00, 0x00, 0x00]),
            OwnedColumnValue::Date {
                year: 0,
                month: 0,
                day: 0
            }
        );
        let v: u32 = (2024 << 9) | (2 << 5) | 29;
        assert_eq!(
            date(&v.to_le_bytes()[..3]),
            OwnedColumnValue::Date {
                year: 2024,
                month: 2,
                day: 29
            }
        );
    }

    #[test]
    fn charsets() {
        assert_eq!(Charset::Latin1.decode(b"caf\xe9 \x80").unwrap(), "café €");
        assert_eq!(Charset::from_name("UTF8MB4"), Charset::Utf8);
        assert!(Charset::Utf8.decode(b"\xff").is_err());
        assert_eq!(
            Charset::Utf16
                .decode(&[0, 0x41, 0xd8, 0x3d, 0xde, 0x00])
                .unwrap(),
            "A😀"
        );
    }
}
