//! A decoded column value, as binlog row decoding and snapshot text rows produce it.
//!
//! The type is deliberately close to MySQL's storage rather than to Avro: the Avro encoder
//! ([`crate::avro::encode`]) knows the column's [`DataType`](crate::schema::DataType) and the
//! connector's handling modes, and converts (Debezium's `BinlogValueConverters` / `JdbcValueConverters`). Both producers fit:
//!
//! - binlog rows carry integers as signed raw values of the column width (UNSIGNED is known
//!   only from DDL): pass [`ColumnValue::Int`] and the encoder reinterprets it by width for
//!   UNSIGNED columns, or pass [`ColumnValue::UInt`] when already known;
//!   ENUM/SET arrive as an index/bitmask ([`ColumnValue::Enum`], [`ColumnValue::Set`]),
//!   TIMESTAMP as UTC epoch seconds ([`ColumnValue::Timestamp`]), BIT as big-endian bytes;
//! - snapshot text rows carry ENUM/SET as their text ([`ColumnValue::String`]), temporal values
//!   as parsed parts, TIMESTAMP read in a `+00:00` session as [`ColumnValue::DateTime`] or
//!   converted to [`ColumnValue::Timestamp`].
//!
//! Borrowed variants ([`Cow`]) let a decoder point into its event or row buffer without
//! allocating; [`ColumnValue::into_owned`] detaches a value.

use std::borrow::Cow;

/// One column's value.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnValue<'a> {
    Null,
    /// Any integer column (also BOOLEAN/TINYINT(1), YEAR, and BIT from text as a number).
    Int(i64),
    /// An unsigned integer column's value.
    UInt(u64),
    Float(f32),
    Double(f64),
    /// DECIMAL as plain text: optional `-`, digits, optional `.` and fraction digits.
    Decimal(Cow<'a, str>),
    /// Character data, already UTF-8 (also ENUM/SET members as text from snapshots).
    String(Cow<'a, str>),
    /// Binary data (BINARY, VARBINARY, BLOB).
    Bytes(Cow<'a, [u8]>),
    /// DATE; `0000-00-00` (or any zero month/day) is a zero date.
    Date {
        year: u16,
        month: u8,
        day: u8,
    },
    /// TIME: `negative` sign, hours up to 838.
    Time {
        negative: bool,
        hours: u16,
        minutes: u8,
        seconds: u8,
        micros: u32,
    },
    /// DATETIME (and TIMESTAMP text read in a UTC session).
    DateTime {
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
        micros: u32,
    },
    /// TIMESTAMP as stored: UTC epoch seconds and microseconds; `0`/`0` is the zero timestamp.
    Timestamp {
        unix_secs: i64,
        micros: u32,
    },
    Year(u16),
    /// JSON rendered as text.
    Json(Cow<'a, str>),
    /// ENUM by 1-based member index (0 = MySQL's empty error value).
    Enum(u16),
    /// SET as a bitmask of members (bit 0 = first member).
    Set(u64),
    /// BIT(n) as MySQL stores it: big-endian, ⌈n/8⌉ bytes.
    Bit(Cow<'a, [u8]>),
    /// Spatial value in MySQL's internal format: 4-byte little-endian SRID, then WKB.
    Geometry(Cow<'a, [u8]>),
}

/// A value that owns its data.
pub type OwnedColumnValue = ColumnValue<'static>;

impl ColumnValue<'_> {
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The same value owning its data.
    pub fn into_owned(self) -> OwnedColumnValue {
        match self {
            Self::Null => ColumnValue::Null,
            Self::Int(v) => ColumnValue::Int(v),
            Self::UInt(v) => ColumnValue::UInt(v),
            Self::Float(v) => ColumnValue::Float(v),
            Self::Double(v) => ColumnValue::Double(v),
            Self::Decimal(v) => ColumnValue::Decimal(Cow::Owned(v.into_owned())),
            Self::String(v) => ColumnValue::String(Cow::Owned(v.into_owned())),
            Self::Bytes(v) => ColumnValue::Bytes(Cow::Owned(v.into_owned())),
            Self::Date { year, month, day } => ColumnValue::Date { year, month, day },
            Self::Time {
                negative,
                hours,
                minutes,
                seconds,
                micros,
            } => ColumnValue::Time {
                negative,
                hours,
                minutes,
                seconds,
                micros,
            },
            Self::DateTime {
                year,
                month,
                day,
                hour,
                minute,
                second,
                micros,
            } => ColumnValue::DateTime {
                year,
                month,
                day,
                hour,
                minute,
                second,
                micros,
            },
            Self::Timestamp { unix_secs, micros } => ColumnValue::Timestamp { unix_secs, micros },
            Self::Year(v) => ColumnValue::Year(v),
            Self::Json(v) => ColumnValue::Json(Cow::Owned(v.into_owned())),
            Self::Enum(v) => ColumnValue::Enum(v),
            Self::Set(v) => ColumnValue::Set(v),
            Self::Bit(v) => ColumnValue::Bit(Cow::Owned(v.into_owned())),
            Self::Geometry(v) => ColumnValue::Geometry(Cow::Owned(v.into_owned())),
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's `days_from_civil`).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(month);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01 (Hinnant's `civil_from_days`): (year, month, day).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2018, 6, 20), 17_702);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        for d in [-800_000, -1, 0, 1, 17_702, 2_932_896] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }

    #[test]
    fn into_owned_keeps_value() {
        let s = String::from("x");
        let v = ColumnValue::String(Cow::Borrowed(&s));
        assert_eq!(v.clone().into_owned(), v);
    }
}
