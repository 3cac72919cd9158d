//! JSON text as Jackson (the JSON library behind Avro Java and Confluent) reads and writes it:
//! compact output, Jackson's string escapes, Java's `Double.toString`/`Float.toString` number
//! layout, and `/* */` and `//` comments accepted on input (Avro Java's parser enables them).

use serde_json::Value;
use std::borrow::Cow;

use crate::CompatError;

/// Parses schema text, accepting the comments Avro Java's parser accepts.
pub(crate) fn parse(text: &str) -> Result<Value, CompatError> {
    let stripped = strip_comments(text);
    serde_json::from_str(&stripped).map_err(|e| CompatError::InvalidJson(e.to_string()))
}

/// Removes `//` and `/* */` comments outside JSON strings. Text without comments is returned as is.
fn strip_comments(text: &str) -> Cow<'_, str> {
    if !text.contains('/') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(escaped) = chars.next() {
                    out.push(escaped);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                for skipped in chars.by_ref() {
                    if skipped == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut previous = '\0';
                let mut closed = false;
                for skipped in chars.by_ref() {
                    if previous == '*' && skipped == '/' {
                        closed = true;
                        break;
                    }
                    previous = skipped;
                }
                // An unterminated comment is left to fail JSON parsing.
                out.push(if closed { ' ' } else { '/' });
            }
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Appends `s` as a JSON string with Jackson's escapes (short forms for `\b \t \n \f \r`,
/// upper-case `\u00XX` for other control characters, nothing else escaped).
pub(crate) fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{0C}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends a JSON value compactly, keys in their stored order, as Jackson's `JsonNode` writes it.
pub(crate) fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(out, key);
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

/// The compact text of a value (Jackson's `JsonNode.toString()`).
pub(crate) fn to_text(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

fn write_number(out: &mut String, n: &serde_json::Number) {
    if let Some(i) = n.as_i64() {
        out.push_str(&i.to_string());
    } else if let Some(u) = n.as_u64() {
        out.push_str(&u.to_string());
    } else if let Some(f) = n.as_f64() {
        out.push_str(&java_double(f));
    }
}

/// Java's `Double.toString`: plain notation for 1e-3 <= |v| < 1e7, otherwise `d.dddE±n`,
/// always with a fractional digit, shortest digits that round-trip.
pub(crate) fn java_double(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let plain = (1e-3..1e7).contains(&v.abs());
    java_layout(&format!("{:e}", v.abs()), v < 0.0, plain)
}

/// Java's `Float.toString` (same layout as [`java_double`], digits of the `float`).
pub(crate) fn java_float(v: f32) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let plain = (1e-3..1e7).contains(&v.abs());
    java_layout(&format!("{:e}", v.abs()), v < 0.0, plain)
}

/// Lays out Rust's `{:e}` text (`1.2345e-5`) the way Java does.
fn java_layout(scientific: &str, negative: bool, plain: bool) -> String {
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if plain {
        if exponent >= 0 {
            let int_len = exponent as usize + 1;
            if digits.len() <= int_len {
                out.push_str(&digits);
                out.push_str(&"0".repeat(int_len - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        } else {
            out.push_str("0.");
            out.push_str(&"0".repeat((-exponent - 1) as usize));
            out.push_str(&digits);
        }
    } else {
        out.push_str(&digits[..1]);
        out.push('.');
        if digits.len() > 1 {
            out.push_str(&digits[1..]);
        } else {
            out.push('0');
        }
        out.push('E');
        out.push_str(&exponent.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_are_laid_out_like_java() {
        assert_eq!(java_double(1.0), "1.0");
        assert_eq!(java_double(1.5), "1.5");
        assert_eq!(java_double(100.0), "100.0");
        assert_eq!(java_double(0.001), "0.001");
        assert_eq!(java_double(0.0001), "1.0E-4");
        assert_eq!(java_double(1e7), "1.0E7");
        assert_eq!(java_double(1.2345e10), "1.2345E10");
        assert_eq!(java_double(-2.5), "-2.5");
        assert_eq!(java_double(1234567.0), "1234567.0");
        assert_eq!(java_double(0.1), "0.1");
    }

    #[test]
    fn floats_use_float_digits() {
        assert_eq!(java_float(1.1), "1.1");
        assert_eq!(java_float(3.0), "3.0");
    }

    #[test]
    fn strings_are_escaped_like_jackson() {
        let mut out = String::new();
        write_str(&mut out, "a\"b\\c\nd\u{1}é/");
        assert_eq!(out, r#""a\"b\\c\nd\u0001é/""#);
    }

    #[test]
    fn comments_are_accepted_outside_strings() {
        let v = parse("/* c */ {\"type\": // x\n \"string\", \"doc\": \"a//b\"}").expect("parses");
        assert_eq!(v["doc"], "a//b");
    }

    #[test]
    fn values_are_written_compactly_in_order() {
        let v: Value = serde_json::from_str(r#"{"b": 1, "a": [1.0, null, true]}"#).expect("json");
        assert_eq!(to_text(&v), r#"{"b":1,"a":[1.0,null,true]}"#);
    }
}
