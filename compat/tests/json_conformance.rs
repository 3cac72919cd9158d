//! Replays Confluent's JSON Schema diff examples
//! (`../shared/conformance/registry/confluent_jsonschema_diff.json`): for every case, the
//! differences `SchemaDiff.compare(previous, new)` reports (types and JSON paths, compared as
//! multisets), the STRICT verdict (`expected_compatible`) and the LENIENT one
//! (`expected_compatible_lenient`), both through the diff and through the registry's `check_with`
//! under BACKWARD.
//!
//! Deliberate differences from Confluent are listed in [`DELIBERATE`] with their reasons (none at
//! present).

use serde_json::Value;
use sluice_compat::json::JsonSchema;
use sluice_compat::json::diff::{self, CompatibilityPolicy};
use sluice_compat::{ParsedSchema, check_with};
use sluice_proto::CompatibilityLevel;

/// Case names where Sluice deliberately answers differently, and why.
const DELIBERATE: &[(&str, &str)] = &[];

fn previous_of(case: &Value) -> Value {
    match &case["previous"] {
        Value::Array(versions) => versions.last().cloned().unwrap_or(Value::Null),
        single => single.clone(),
    }
}

fn parse(value: &Value) -> JsonSchema {
    JsonSchema::parse(&value.to_string(), &[]).expect("a valid JSON Schema")
}

fn sorted(mut items: Vec<String>) -> Vec<String> {
    items.sort();
    items
}

#[test]
fn confluent_jsonschema_diff_examples() {
    let Some(path) = sluice_test_data::shared(
        "conformance/registry/confluent_jsonschema_diff.json",
        "Confluent's JSON Schema diff examples",
    ) else {
        return;
    };
    let text = std::fs::read_to_string(path).expect("the cases file is readable");
    let cases: Vec<Value> = serde_json::from_str(&text).expect("cases are JSON");
    let mut failures = Vec::new();
    let (mut changes_ok, mut strict_ok, mut lenient_ok, mut deliberate) = (0, 0, 0, 0);
    for case in &cases {
        let name = case["name"].as_str().unwrap_or("?");
        if DELIBERATE.iter().any(|(n, _)| *n == name) {
            deliberate += 1;
            continue;
        }
        let old = parse(&previous_of(case));
        let new = parse(&case["new"]);
        let found = diff::compare(&old, &new, CompatibilityPolicy::Strict).expect("no limit hit");
        let got = sorted(found.iter().map(ToString::to_string).collect());
        let expected = sorted(
            case["expected_changes"]
                .as_array()
                .expect("expected_changes")
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        );
        if got == expected {
            changes_ok += 1;
        } else {
            failures.push(format!("{name}: changes {got:?}, expected {expected:?}"));
        }
        let verdicts = [
            (
                CompatibilityPolicy::Strict,
                "expected_compatible",
                &mut strict_ok,
            ),
            (
                CompatibilityPolicy::Lenient,
                "expected_compatible_lenient",
                &mut lenient_ok,
            ),
        ];
        for (policy, key, passed) in verdicts {
            let expected = case[key].as_bool().expect("a verdict");
            let by_diff = diff::compare(&old, &new, policy).expect("no limit hit");
            let by_diff = diff::is_compatible(&by_diff, policy);
            let (old, new) = (
                ParsedSchema::Json(old.clone()),
                ParsedSchema::Json(new.clone()),
            );
            let by_check = check_with(CompatibilityLevel::Backward, policy, &new, &[(1, &old)])
                .expect("a verdict")
                .is_compatible;
            if by_diff == expected && by_check == expected {
                *passed += 1;
            } else {
                failures.push(format!(
                    "{name}: {policy:?} verdict {by_diff} (check {by_check}), expected {expected}"
                ));
            }
        }
    }
    eprintln!(
        "{} cases: changes {changes_ok}, STRICT verdicts {strict_ok}, LENIENT verdicts {lenient_ok}, deliberate differences {deliberate}",
        cases.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(changes_ok + deliberate, cases.len());
}
