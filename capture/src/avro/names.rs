//! Topic names and schema/field name adjustment (Debezium's `DefaultTopicNamingStrategy` and `SchemaNameAdjuster`).
//!
//! Topics: characters outside `[A-Za-z0-9._-]` become `_` (Debezium's
//! `AbstractTopicNamingStrategy.sanitizedTopicName`); the record schema prefix is that topic
//! name. Schema names then pass through `schema.name.adjustment.mode` and column names through
//! `field.name.adjustment.mode`: `avro` replaces each character invalid in an Avro full name
//! with `_` (the first character must be a letter or `_`, later ones letters, digits, `_` or
//! `.`), `avro_unicode` with `_uXXXX`; `none` leaves names alone.

use std::borrow::Cow;

use crate::config::NameAdjustmentMode;
use crate::schema::TableId;

/// The data topic of a table: `<prefix>.<db>.<table>`, sanitized for Kafka.
pub fn topic_name(prefix: &str, table: &TableId) -> String {
    format!("{prefix}.{}.{}", table.database, table.table)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn valid_first(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn valid_rest(c: char, allow_dot: bool) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || (allow_dot && c == '.')
}

fn adjust(name: &str, mode: NameAdjustmentMode, allow_dot: bool) -> Cow<'_, str> {
    if mode == NameAdjustmentMode::None {
        return Cow::Borrowed(name);
    }
    let ok = name.chars().enumerate().all(|(i, c)| {
        if i == 0 {
            valid_first(c)
        } else {
            valid_rest(c, allow_dot)
        }
    });
    if ok && !name.is_empty() {
        return Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len() + 8);
    for (i, c) in name.chars().enumerate() {
        let valid = if i == 0 {
            valid_first(c)
        } else {
            valid_rest(c, allow_dot)
        };
        if valid {
            out.push(c);
        } else if mode == NameAdjustmentMode::AvroUnicode {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("_u{u:04x}"));
            }
        } else {
            out.push('_');
        }
    }
    Cow::Owned(out)
}

/// A schema full name (dots kept) adjusted per `schema.name.adjustment.mode`.
pub fn adjust_schema_name(name: &str, mode: NameAdjustmentMode) -> Cow<'_, str> {
    adjust(name, mode, true)
}

/// A field (column) name adjusted per `field.name.adjustment.mode`.
pub fn adjust_field_name(name: &str, mode: NameAdjustmentMode) -> Cow<'_, str> {
    adjust(name, mode, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_and_names() {
        let t = TableId::new("my db", "t$1");
        assert_eq!(topic_name("mysql-server-1", &t), "mysql-server-1.my_db.t_1");
        let m = NameAdjustmentMode::Avro;
        assert_eq!(
            adjust_schema_name("mysql-server-1.db.t.Value", m),
            "mysql_server_1.db.t.Value"
        );
        assert_eq!(adjust_field_name("1st col", m), "_st_col");
        assert_eq!(adjust_field_name("a.b", m), "a_b");
        assert_eq!(
            adjust_field_name("a-b", NameAdjustmentMode::AvroUnicode),
            "a_u002db"
        );
        assert_eq!(adjust_field_name("a-b", NameAdjustmentMode::None), "a-b");
    }
}
