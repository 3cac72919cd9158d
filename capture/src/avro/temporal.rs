//! Temporal conversions (Debezium's `io.debezium.time` types and `BinlogValueConverters`): literals as MySQL prints them, epoch arithmetic, and the
//! `io.debezium.time.ZonedTimestamp` text (`yyyy-MM-ddTHH:mm:ss[.f{fsp}]Z`).

use crate::value::{civil_from_days, days_from_civil};

/// Date-time parts: year, month, day, hour, minute, second, microsecond.
pub(crate) type Parts = (u16, u8, u8, u8, u8, u8, u32);

fn num<T: std::str::FromStr>(s: &str) -> Option<T> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Fraction digits (up to 6) as microseconds.
fn micros(frac: &str) -> Option<u32> {
    if frac.is_empty() {
        return Some(0);
    }
    let f = &frac[..frac.len().min(6)];
    let v: u32 = num(f)?;
    Some(v * 10u32.pow(6 - f.len() as u32))
}

/// `YYYY-MM-DD[ HH:MM:SS[.ffffff]]` (also with `T`).
pub(crate) fn parse_datetime(s: &str) -> Option<Parts> {
    let s = s.trim();
    let (date, time) = match s.find([' ', 'T']) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    };
    let mut d = date.splitn(3, '-');
    let (y, m, dd) = (num(d.next()?)?, num(d.next()?)?, num(d.next()?)?);
    if time.is_empty() {
        return Some((y, m, dd, 0, 0, 0, 0));
    }
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let mut t = hms.splitn(3, ':');
    let (h, mi, sec) = (
        num(t.next()?)?,
        num(t.next()?)?,
        num(t.next().unwrap_or("0"))?,
    );
    Some((y, m, dd, h, mi, sec, micros(frac)?))
}

/// `[-]HHH:MM:SS[.ffffff]` → signed microseconds.
pub(crate) fn parse_time_micros(s: &str) -> Option<i64> {
    let s = s.trim();
    let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
    let (hms, frac) = s.split_once('.').unwrap_or((s, ""));
    let mut t = hms.splitn(3, ':');
    let h: i64 = num(t.next()?)?;
    let m: i64 = num(t.next()?)?;
    let sec: i64 = num(t.next().unwrap_or("0"))?;
    let v = ((h * 60 + m) * 60 + sec) * 1_000_000 + i64::from(micros(frac)?);
    Some(if neg { -v } else { v })
}

/// Whether a date has a zero part (`0000-00-00`, `2020-00-10`…): MySQL's zero dates.
pub(crate) fn is_zero_date(year: u16, month: u8, day: u8) -> bool {
    year == 0 || month == 0 || day == 0
}

/// Microseconds since epoch of date-time parts taken as UTC.
pub(crate) fn epoch_micros(p: Parts) -> i64 {
    let (y, m, d, h, mi, s, us) = p;
    let days = days_from_civil(i64::from(y), u32::from(m), u32::from(d));
    ((days * 24 + i64::from(h)) * 60 + i64::from(mi)) * 60_000_000
        + i64::from(s) * 1_000_000
        + i64::from(us)
}

/// Length of [`write_zoned`]'s text.
pub(crate) fn zoned_len(fsp: u8) -> usize {
    20 + if fsp > 0 {
        1 + usize::from(fsp.min(6))
    } else {
        0
    }
}

fn push2(out: &mut Vec<u8>, v: u32) {
    out.push(b'0' + (v / 10 % 10) as u8);
    out.push(b'0' + (v % 10) as u8);
}

/// Writes `yyyy-MM-ddTHH:mm:ss[.f…]Z` for a UTC instant, with exactly `fsp` fraction digits.
pub(crate) fn write_zoned(unix_secs: i64, micros: u32, fsp: u8, out: &mut Vec<u8>) {
    let days = unix_secs.div_euclid(86_400);
    let secs = unix_secs.rem_euclid(86_400) as u32;
    let (y, m, d) = civil_from_days(days);
    let y = y.clamp(0, 9999) as u32;
    push2(out, y / 100);
    push2(out, y % 100);
    out.push(b'-');
    push2(out, m);
    out.push(b'-');
    push2(out, d);
    out.push(b'T');
    push2(out, secs / 3600);
    out.push(b':');
    push2(out, secs / 60 % 60);
    out.push(b':');
    push2(out, secs % 60);
    let fsp = fsp.min(6);
    if fsp > 0 {
        out.push(b'.');
        let mut div = 100_000;
        for _ in 0..fsp {
            out.push(b'0' + (micros / div % 10) as u8);
            div /= 10;
        }
    }
    out.push(b'Z');
}

/// [`write_zoned`] as a `String` (schema defaults).
pub(crate) fn zoned_string(unix_secs: i64, micros: u32, fsp: u8) -> String {
    let mut out = Vec::with_capacity(zoned_len(fsp));
    write_zoned(unix_secs, micros, fsp, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_text() {
        let p = parse_datetime("2018-06-20 06:37:03").unwrap();
        assert_eq!(epoch_micros(p) / 1000, 1_529_476_623_000);
        assert_eq!(parse_datetime("2018-06-20").unwrap().3, 0);
        assert_eq!(parse_datetime("2018-06-20 06:37:03.5").unwrap().6, 500_000);
        assert_eq!(parse_time_micros("-838:59:59"), Some(-3_020_399_000_000));
        assert_eq!(parse_time_micros("10:00:00.000001"), Some(36_000_000_001));
        assert_eq!(zoned_string(1_529_501_823, 0, 0), "2018-06-20T13:37:03Z");
        assert_eq!(
            zoned_string(1_529_501_823, 120_000, 3),
            "2018-06-20T13:37:03.120Z"
        );
        assert_eq!(zoned_string(0, 0, 0), "1970-01-01T00:00:00Z");
        assert_eq!(zoned_string(0, 5, 6).len(), zoned_len(6));
        assert!(parse_datetime("CURRENT_TIMESTAMP").is_none());
    }
}
