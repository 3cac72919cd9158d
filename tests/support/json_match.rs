//! Comparing a registry's JSON answers with transcribed expectations.
//!
//! Each function returns the list of differences, empty when the answer matches; a difference names its
//! place as a JSON pointer (`/0/schema`).
//!
//! * [`exact`]: the same value. Object key order never matters (it carries no meaning in JSON); array order
//!   does.
//! * [`subset`]: every key of an expected object is present with a matching value, recursively through
//!   objects and arrays; extra keys in the answer are fine. Arrays must have the same length.
//! * [`unordered`]: the answer is an array holding the same multiset of elements (compared with [`exact`]).
//!
//! # The one deliberate difference: `schema` strings
//!
//! Confluent stores an Avro schema in the form Avro Java's `Schema.toString()` prints, which writes a field's
//! `name` before its `type`. The transcribed scenarios kept the key order of the *input* in their `schema`
//! strings, so an exact string comparison would demand an order no one can derive from the request. So a
//! string under a key named `schema` is compared as JSON when both sides parse as JSON (object key order
//! ignored), and as a plain string otherwise. Everything that is not key order (canonical forms such as
//! `{"type":"string"}` → `"string"`, whitespace aside) still has to match.

use serde_json::Value;

/// Differences between `expected` and `actual`, compared exactly (see the module doc).
pub fn exact(expected: &Value, actual: &Value) -> Vec<String> {
    let mut diffs = Vec::new();
    compare(expected, actual, Mode::Exact, None, "", &mut diffs);
    diffs
}

/// Differences between `actual` and `expected` as a subset of it (see the module doc).
pub fn subset(expected: &Value, actual: &Value) -> Vec<String> {
    let mut diffs = Vec::new();
    compare(expected, actual, Mode::Subset, None, "", &mut diffs);
    diffs
}

/// Differences between `actual` and an array holding the elements of `expected` in any order.
pub fn unordered(expected: &[Value], actual: &Value) -> Vec<String> {
    let Some(actual) = actual.as_array() else {
        return vec![format!("expected an array, got {actual}")];
    };
    let mut unmatched: Vec<&Value> = actual.iter().collect();
    let mut missing = Vec::new();
    for want in expected {
        match unmatched.iter().position(|got| exact(want, got).is_empty()) {
            Some(index) => {
                unmatched.swap_remove(index);
            }
            None => missing.push(want.to_string()),
        }
    }
    let mut diffs = Vec::new();
    if !missing.is_empty() {
        diffs.push(format!("missing elements: {}", missing.join(", ")));
    }
    if !unmatched.is_empty() {
        let extra: Vec<String> = unmatched.iter().map(ToString::to_string).collect();
        diffs.push(format!("unexpected elements: {}", extra.join(", ")));
    }
    diffs
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Exact,
    Subset,
}

fn compare(
    expected: &Value,
    actual: &Value,
    mode: Mode,
    key: Option<&str>,
    at: &str,
    diffs: &mut Vec<String>,
) {
    match (expected, actual) {
        (Value::Object(want), Value::Object(got)) => {
            for (name, want_value) in want {
                let here = format!("{at}/{}", pointer_escape(name));
                match got.get(name) {
                    Some(got_value) => {
                        compare(want_value, got_value, mode, Some(name), &here, diffs);
                    }
                    None => diffs.push(format!("{here}: missing (expected {want_value})")),
                }
            }
            if mode == Mode::Exact {
                for (name, got_value) in got.iter().filter(|(name, _)| !want.contains_key(*name)) {
                    let here = format!("{at}/{}", pointer_escape(name));
                    diffs.push(format!("{here}: unexpected key (value {got_value})"));
                }
            }
        }
        (Value::Array(want), Value::Array(got)) => {
            if want.len() != got.len() {
                diffs.push(format!(
                    "{}: expected {} elements, got {}: {actual}",
                    or_root(at),
                    want.len(),
                    got.len()
                ));
                return;
            }
            for (index, (want, got)) in want.iter().zip(got).enumerate() {
                compare(want, got, mode, None, &format!("{at}/{index}"), diffs);
            }
        }
        (Value::String(want), Value::String(got)) if key == Some("schema") => {
            if !schema_strings_match(want, got) {
                diffs.push(format!(
                    "{}: expected schema {want}, got {got}",
                    or_root(at)
                ));
            }
        }
        _ => {
            if expected != actual {
                diffs.push(format!(
                    "{}: expected {expected}, got {actual}",
                    or_root(at)
                ));
            }
        }
    }
}

/// Two `schema` strings match when both parse as JSON and the values are equal (object key order ignored),
/// or else when the strings are equal.
fn schema_strings_match(want: &str, got: &str) -> bool {
    match (
        serde_json::from_str::<Value>(want),
        serde_json::from_str::<Value>(got),
    ) {
        // `Value`'s equality ignores the order of object keys, even with `preserve_order`.
        (Ok(want), Ok(got)) => want == got,
        _ => want == got,
    }
}

fn pointer_escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn or_root(at: &str) -> &str {
    if at.is_empty() { "/" } else { at }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exact_ignores_object_key_order_but_not_array_order() {
        assert!(exact(&json!({"a": 1, "b": [1, 2]}), &json!({"b": [1, 2], "a": 1})).is_empty());
        assert_eq!(exact(&json!([1, 2]), &json!([2, 1])).len(), 2);
    }

    #[test]
    fn exact_reports_missing_unexpected_and_different_values() {
        let diffs = exact(
            &json!({"id": 1, "version": 1}),
            &json!({"id": 2, "subject": "s"}),
        );
        assert_eq!(
            diffs,
            [
                "/id: expected 1, got 2",
                "/version: missing (expected 1)",
                "/subject: unexpected key (value \"s\")",
            ]
        );
        assert_eq!(exact(&json!(1), &json!(1.0)), ["/: expected 1, got 1.0"]);
        assert_eq!(exact(&json!([1]), &json!([1, 2])).len(), 1);
    }

    #[test]
    fn subset_allows_extra_keys_recursively() {
        let actual = json!({"id": 1, "nested": {"a": 1, "b": 2}, "extra": true});
        assert!(subset(&json!({"nested": {"a": 1}}), &actual).is_empty());
        assert_eq!(
            subset(&json!({"nested": {"c": 1}}), &actual),
            ["/nested/c: missing (expected 1)"]
        );
        assert_eq!(
            subset(&json!({"id": 2}), &actual),
            ["/id: expected 2, got 1"]
        );
        assert_eq!(
            subset(&json!({"id": 1}), &json!([1])),
            ["/: expected {\"id\":1}, got [1]"]
        );
    }

    #[test]
    fn schema_strings_compare_as_json_when_both_parse() {
        let transcribed =
            r#"{"type":"record","name":"r","fields":[{"type":"string","name":"f1"}]}"#;
        let avro_java = r#"{"type":"record","name":"r","fields":[{"name":"f1","type":"string"}]}"#;
        assert!(
            exact(
                &json!({"schema": transcribed}),
                &json!({"schema": avro_java})
            )
            .is_empty()
        );
        assert!(
            subset(
                &json!({"schema": transcribed}),
                &json!({"schema": avro_java, "id": 1})
            )
            .is_empty()
        );
        // Only key order is forgiven: a different value, or field order, still differs.
        let other = r#"{"type":"record","name":"r","fields":[{"name":"f2","type":"string"}]}"#;
        assert_eq!(
            exact(&json!({"schema": transcribed}), &json!({"schema": other})).len(),
            1
        );
        // The canonical form of a primitive is the JSON string, not the object.
        assert_eq!(
            exact(
                &json!({"schema": "\"string\""}),
                &json!({"schema": "{\"type\":\"string\"}"})
            )
            .len(),
            1
        );
    }

    #[test]
    fn schema_rule_applies_only_under_the_schema_key_and_to_json() {
        let a = r#"{"a":1,"b":2}"#;
        let b = r#"{"b":2,"a":1}"#;
        assert_eq!(
            exact(&json!({"message": a}), &json!({"message": b})).len(),
            1
        );
        assert!(exact(&json!([{"schema": a}]), &json!([{"schema": b}])).is_empty());
        // Not JSON (a Protobuf schema, say): compared as strings.
        assert!(
            exact(
                &json!({"schema": "syntax = x"}),
                &json!({"schema": "syntax = x"})
            )
            .is_empty()
        );
        assert_eq!(
            exact(
                &json!({"schema": "syntax = x"}),
                &json!({"schema": "syntax =  x"})
            )
            .len(),
            1
        );
    }

    #[test]
    fn unordered_compares_multisets() {
        let expected = [
            json!({"subject": "a", "version": 1}),
            json!({"subject": "b", "version": 1}),
        ];
        let actual = json!([{"version": 1, "subject": "b"}, {"subject": "a", "version": 1}]);
        assert!(unordered(&expected, &actual).is_empty());
        assert_eq!(
            unordered(&[json!("a"), json!("a")], &json!(["a", "b"])),
            ["missing elements: \"a\"", "unexpected elements: \"b\""]
        );
        assert_eq!(
            unordered(&[json!(1)], &json!({"a": 1})),
            ["expected an array, got {\"a\":1}"]
        );
    }
}
