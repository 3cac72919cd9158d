//! Replays Confluent's REST API tests, transcribed in `shared/conformance/registry/confluent_rest_scenarios.json`
//! (format: that folder's README), against the real `sluice serve`.
//!
//! Every scenario runs on its own freshly started server with an empty data directory; the scenarios set
//! their own global compatibility as their first step. All failures are collected and reported together:
//! for each failing scenario, the first step that did not match, the request, what was expected, what came
//! back and every difference (later steps of that scenario would only cascade, so they are not run).
//!
//! The comparison rules, including the one deliberate difference for `schema` strings (Avro Java's
//! `Schema.toString()` key order), are in [`sluice_e2e::json_match`].
//!
//! `SLUICE_CONFORMANCE_FILTER=substring` replays only the scenarios whose name contains it.

use std::fmt::Write as _;

use serde::Deserialize;
use serde_json::Value;
use sluice_e2e::{SluiceServer, json_match, shared_dir};

const SCENARIOS: &str = "conformance/registry/confluent_rest_scenarios.json";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    name: String,
    source: String,
    #[serde(default)]
    note: Option<String>,
    steps: Vec<Step>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    method: String,
    path: String,
    #[serde(default)]
    body: Option<Value>,
    expect: Expect,
}

/// What a step expects. Unknown keys are rejected when the file is read, so a new kind of expectation in the
/// data cannot be silently ignored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    status: u16,
    /// The `error_code` of a Confluent error body.
    #[serde(default)]
    error_code: Option<i64>,
    /// The whole body, exactly.
    #[serde(default)]
    json: Option<Value>,
    /// Keys the body has, with these values.
    #[serde(default)]
    json_subset: Option<Value>,
    /// The body is an array with these elements in any order.
    #[serde(default)]
    json_unordered: Option<Vec<Value>>,
    /// The error body's `message` contains this string (or each of these strings).
    #[serde(default, deserialize_with = "one_or_many")]
    message_contains: Vec<String>,
    /// The body is an object with these keys (any values).
    #[serde(default)]
    json_has_keys: Option<Vec<String>>,
    /// Each of these strings is contained in one of the body's `messages` (verbose compatibility answers).
    #[serde(default, deserialize_with = "one_or_many")]
    messages_contain: Vec<String>,
}

/// A string, or an array of strings.
fn one_or_many<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(one) => vec![one],
        OneOrMany::Many(many) => many,
    })
}

#[test]
fn confluent_rest_scenarios_replay() {
    let Some(shared) = shared_dir() else {
        eprintln!(
            "SKIPPED: the Confluent REST conformance replay is skipped because ../shared is absent \
             (expected beside the workspace root, or at SLUICE_SHARED_DIR)"
        );
        return;
    };
    let file = shared.join(SCENARIOS);
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|err| panic!("reading {}: {err}", file.display()));
    let scenarios: Vec<Scenario> = serde_json::from_str(&text)
        .unwrap_or_else(|err| panic!("{} does not have the expected shape: {err}", file.display()));
    assert!(
        !scenarios.is_empty(),
        "{} holds no scenario",
        file.display()
    );

    let filter = std::env::var("SLUICE_CONFORMANCE_FILTER").ok();
    let selected: Vec<&Scenario> = scenarios
        .iter()
        .filter(|scenario| filter.as_deref().is_none_or(|f| scenario.name.contains(f)))
        .collect();
    assert!(
        !selected.is_empty(),
        "SLUICE_CONFORMANCE_FILTER={filter:?} matches no scenario"
    );

    let failures: Vec<String> = selected
        .iter()
        .filter_map(|scenario| replay(scenario))
        .collect();
    let passed = selected.len() - failures.len();
    eprintln!(
        "Confluent REST conformance: {passed} of {} scenarios passed ({})",
        selected.len(),
        file.display()
    );
    assert!(
        failures.is_empty(),
        "{} of {} Confluent REST scenarios failed:\n\n{}",
        failures.len(),
        selected.len(),
        failures.join("\n")
    );
}

/// Runs one scenario on a fresh server; returns the report of its first failing step, if any.
fn replay(scenario: &Scenario) -> Option<String> {
    let mut server = SluiceServer::start(&[]);
    for (index, step) in scenario.steps.iter().enumerate() {
        let answer = server.try_request(&step.method, &step.path, step.body.as_ref());
        let (actual, diffs) = match &answer {
            Ok((status, body)) => (
                format!("{status} {body}"),
                differences(&step.expect, *status, body),
            ),
            // No answer at all (the server crashed or dropped the connection): report it and go on.
            Err(err) => (format!("no HTTP answer:\n{}", indent(err)), Vec::new()),
        };
        if answer.is_ok() && diffs.is_empty() {
            continue;
        }
        let mut report = format!(
            "scenario `{}`, step {} of {}: {} {}\n  source: {}\n",
            scenario.name,
            index + 1,
            scenario.steps.len(),
            step.method,
            step.path,
            scenario.source
        );
        if let Some(note) = &scenario.note {
            let _ = writeln!(report, "  note: {note}");
        }
        if let Some(request_body) = &step.body {
            let _ = writeln!(report, "  request body: {request_body}");
        }
        let _ = writeln!(report, "  expected: {}", describe(&step.expect));
        let _ = writeln!(report, "  actual:   {actual}");
        for diff in diffs {
            let _ = writeln!(report, "    - {diff}");
        }
        let not_run = scenario.steps.len() - index - 1;
        if not_run > 0 {
            let _ = writeln!(report, "  ({not_run} later steps not run)");
        }
        if matches!(answer, Ok((status, _)) if status >= 500) {
            let _ = writeln!(report, "  server log:\n{}", indent(&server.log()));
        }
        return Some(report);
    }
    None
}

/// Every way the answer differs from the expectation; empty when it matches.
fn differences(expect: &Expect, status: u16, body: &Value) -> Vec<String> {
    let mut diffs = Vec::new();
    if status != expect.status {
        diffs.push(format!("status: expected {}, got {status}", expect.status));
    }
    if let Some(code) = expect.error_code {
        let got = body.get("error_code");
        if got.and_then(Value::as_i64) != Some(code) {
            diffs.push(format!("error_code: expected {code}, got {}", shown(got)));
        }
    }
    for needle in &expect.message_contains {
        let got = body.get("message");
        if !got
            .and_then(Value::as_str)
            .is_some_and(|m| m.contains(needle.as_str()))
        {
            diffs.push(format!(
                "message: expected to contain {needle:?}, got {}",
                shown(got)
            ));
        }
    }
    if let Some(expected) = &expect.json {
        prefixed(&mut diffs, "json", json_match::exact(expected, body));
    }
    if let Some(expected) = &expect.json_subset {
        prefixed(
            &mut diffs,
            "json_subset",
            json_match::subset(expected, body),
        );
    }
    if let Some(expected) = &expect.json_unordered {
        prefixed(
            &mut diffs,
            "json_unordered",
            json_match::unordered(expected, body),
        );
    }
    for key in expect.json_has_keys.iter().flatten() {
        if body.get(key).is_none() {
            diffs.push(format!("json_has_keys: no key {key:?}"));
        }
    }
    for needle in &expect.messages_contain {
        let found = body
            .get("messages")
            .and_then(Value::as_array)
            .is_some_and(|messages| {
                messages.iter().any(|message| match message {
                    Value::String(text) => text.contains(needle.as_str()),
                    other => other.to_string().contains(needle.as_str()),
                })
            });
        if !found {
            diffs.push(format!(
                "messages: expected one to contain {needle:?}, got {}",
                shown(body.get("messages"))
            ));
        }
    }
    diffs
}

fn prefixed(diffs: &mut Vec<String>, what: &str, found: Vec<String>) {
    diffs.extend(found.into_iter().map(|diff| format!("{what} {diff}")));
}

fn shown(value: Option<&Value>) -> String {
    value.map_or_else(|| "nothing".to_owned(), ToString::to_string)
}

fn describe(expect: &Expect) -> String {
    let mut parts = vec![format!("status {}", expect.status)];
    if let Some(code) = expect.error_code {
        parts.push(format!("error_code {code}"));
    }
    if !expect.message_contains.is_empty() {
        parts.push(format!("message containing {:?}", expect.message_contains));
    }
    if let Some(json) = &expect.json {
        parts.push(format!("json {json}"));
    }
    if let Some(json) = &expect.json_subset {
        parts.push(format!("json_subset {json}"));
    }
    if let Some(elements) = &expect.json_unordered {
        parts.push(format!("json_unordered {}", Value::Array(elements.clone())));
    }
    if let Some(keys) = &expect.json_has_keys {
        parts.push(format!("json_has_keys {keys:?}"));
    }
    if !expect.messages_contain.is_empty() {
        parts.push(format!("messages containing {:?}", expect.messages_contain));
    }
    parts.join(", ")
}

fn indent(text: &str) -> String {
    text.lines().map(|line| format!("    | {line}\n")).collect()
}
