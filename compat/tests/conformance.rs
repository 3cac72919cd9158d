//! Replays the registry conformance data in `../shared/conformance/registry` (relative to the
//! repository root): Confluent's level-aware Avro cases and Karapace's port of Apache Avro
//! Java's reader/writer cases, including the expected messages and locations.
//!
//! Deliberate differences from the Karapace expectations (which come from Aiven's Python avro
//! fork and an older Avro Java), each because Sluice follows what Confluent 8.x returns:
//!
//! 1. Type names in `TYPE_MISMATCH` messages are upper case (`reader type: INT not compatible
//!    with writer type: LONG`): Avro Java formats `Schema.Type` with its enum name. Karapace
//!    prints lower case. Compared case-insensitively.
//! 2. Missing enum symbols are listed as Java's `TreeSet.toString()` (`[C]`), not as a Python
//!    set (`{'C'}`). Compared by the set of symbols.
//! 3. A non-union reader against a union writer reports the location of the failing writer
//!    branch (`/3`), as Avro Java does since AVRO-3612 (Avro 1.11.3, used by Confluent 8.x);
//!    Karapace expects `/`. The three affected cases are listed in `UNION_WRITER_LOCATION`.

use serde_json::Value;
use sluice_compat::{IncompatibilityKind, ParseMode, ParsedSchema, avro, check};
use sluice_proto::{CompatibilityLevel, SchemaType};
use std::str::FromStr;

fn load(name: &str) -> Option<Vec<Value>> {
    let path = sluice_test_data::shared(
        &format!("conformance/registry/{name}"),
        "the Avro compatibility conformance replay",
    )?;
    let text = std::fs::read_to_string(path).expect("conformance file is readable");
    Some(serde_json::from_str(&text).expect("conformance file is JSON"))
}

fn parse(value: &Value, mode: ParseMode) -> ParsedSchema {
    ParsedSchema::parse(SchemaType::Avro, &value.to_string(), &[], mode)
        .unwrap_or_else(|e| panic!("schema {value} should parse: {e}"))
}

#[test]
fn confluent_avro_levels() {
    let Some(cases) = load("confluent_avro_levels.json") else {
        return;
    };
    let mut passed = 0;
    for case in &cases {
        let name = case["name"].as_str().unwrap_or("?");
        let level = CompatibilityLevel::from_str(case["level"].as_str().unwrap_or(""))
            .unwrap_or_else(|()| panic!("{name}: unknown level"));
        let previous: Vec<ParsedSchema> = case["previous"]
            .as_array()
            .expect("previous is an array")
            .iter()
            .map(|v| parse(v, ParseMode::Stored))
            .collect();
        let numbered: Vec<(i32, &ParsedSchema)> = previous
            .iter()
            .enumerate()
            .map(|(i, s)| (i as i32 + 1, s))
            .collect();
        let new = parse(&case["new"], ParseMode::New);
        let verdict = check(level, &new, &numbered).expect("Avro checks never fail");
        let expected = case["expected_compatible"]
            .as_bool()
            .expect("expected_compatible");
        assert_eq!(
            verdict.is_compatible, expected,
            "{name}: messages {:?}",
            verdict.messages
        );
        if !verdict.is_compatible {
            let last = verdict.messages.last().expect("messages");
            assert_eq!(
                last,
                &format!(
                    "{{validateFields: 'false', compatibility: '{}'}}",
                    level.as_str()
                )
            );
        }
        passed += 1;
    }
    eprintln!("confluent_avro_levels: {passed}/{} passed", cases.len());
    assert_eq!(passed, cases.len());
}

/// Cases where the location is the writer union branch (AVRO-3612), not `/` as Karapace expects.
const UNION_WRITER_LOCATION: [(&str, &str); 3] = [
    ("type_mismatch/25:", "/3"),
    ("type_mismatch/26:", "/1"),
    ("type_mismatch/27:", "/1"),
];

fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// A Karapace message in Confluent's form (see the differences at the top of this file).
fn confluent_message(kind: IncompatibilityKind, karapace: &str) -> String {
    match kind {
        IncompatibilityKind::MissingEnumSymbols => {
            let mut symbols: Vec<&str> = karapace
                .trim_matches(['{', '}'])
                .split(", ")
                .map(|s| s.trim_matches('\''))
                .collect();
            symbols.sort_unstable();
            format!("[{}]", symbols.join(", "))
        }
        IncompatibilityKind::TypeMismatch => karapace.to_ascii_uppercase(),
        _ => karapace.to_owned(),
    }
}

#[test]
fn karapace_avro_reader_writer() {
    let Some(cases) = load("karapace_avro_reader_writer.json") else {
        return;
    };
    let (mut passed, mut with_message) = (0, 0);
    for case in &cases {
        let name = case["name"].as_str().unwrap_or("?");
        let ParsedSchema::Avro(reader) = parse(&case["reader"], ParseMode::Stored) else {
            panic!("{name}: reader is Avro");
        };
        let ParsedSchema::Avro(writer) = parse(&case["writer"], ParseMode::Stored) else {
            panic!("{name}: writer is Avro");
        };
        let found = avro::reader_writer(&reader, &writer);
        let expected = case["expected_compatible"]
            .as_bool()
            .expect("expected_compatible");
        assert_eq!(found.is_empty(), expected, "{name}: {found:#?}");
        if let Some(message) = case.get("expected_message") {
            with_message += 1;
            let kind = found.first().map(|i| i.kind).expect("an incompatibility");
            let mut expected_messages: Vec<String> = strings(message)
                .iter()
                .map(|m| confluent_message(kind, m))
                .collect();
            let mut actual_messages: Vec<String> = found
                .iter()
                .map(|i| match kind {
                    IncompatibilityKind::TypeMismatch => i.additional_info.to_ascii_uppercase(),
                    _ => i.additional_info.clone(),
                })
                .collect();
            expected_messages.sort();
            actual_messages.sort();
            assert_eq!(actual_messages, expected_messages, "{name}");

            let mut expected_locations = strings(&case["expected_location"]);
            if let Some((_, location)) = UNION_WRITER_LOCATION
                .iter()
                .find(|(case_name, _)| name.contains(case_name))
            {
                expected_locations = vec![(*location).to_owned()];
            }
            let mut actual_locations: Vec<String> =
                found.iter().map(|i| i.location.clone()).collect();
            expected_locations.sort();
            actual_locations.sort();
            assert_eq!(actual_locations, expected_locations, "{name}");
        }
        passed += 1;
    }
    eprintln!(
        "karapace_avro_reader_writer: {passed}/{} passed ({with_message} with message and location checked)",
        cases.len()
    );
    assert_eq!(passed, cases.len());
}
