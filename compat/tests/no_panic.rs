//! Arbitrary input never panics: any text or JSON value fed to parsing and checking gives a
//! schema, an error, or a verdict.

use proptest::prelude::*;
use serde_json::Value;
use sluice_compat::{CompatibilityPolicy, ParseMode, ParsedSchema, check, check_with};
use sluice_proto::{CompatibilityLevel, SchemaType};

fn json_value() -> impl Strategy<Value = Value> {
    let names = prop_oneof![
        Just("record".to_owned()),
        Just("enum".to_owned()),
        Just("fixed".to_owned()),
        Just("array".to_owned()),
        Just("map".to_owned()),
        Just("int".to_owned()),
        Just("string".to_owned()),
        Just("null".to_owned()),
        Just("R".to_owned()),
        "[a-z.]{0,6}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        names.prop_map(Value::String),
    ];
    let keys = prop_oneof![
        Just("type".to_owned()),
        Just("name".to_owned()),
        Just("namespace".to_owned()),
        Just("fields".to_owned()),
        Just("symbols".to_owned()),
        Just("items".to_owned()),
        Just("values".to_owned()),
        Just("size".to_owned()),
        Just("default".to_owned()),
        Just("aliases".to_owned()),
        Just("order".to_owned()),
        Just("logicalType".to_owned()),
        Just("$ref".to_owned()),
        Just("properties".to_owned()),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// JSON values shaped like JSON Schemas: its keywords, type names, patterns, numbers, `$ref`s.
fn json_schema_value() -> impl Strategy<Value = Value> {
    let words = prop_oneof![
        Just("string".to_owned()),
        Just("number".to_owned()),
        Just("integer".to_owned()),
        Just("object".to_owned()),
        Just("array".to_owned()),
        Just("null".to_owned()),
        Just("boolean".to_owned()),
        Just("#".to_owned()),
        Just("#/properties/a".to_owned()),
        Just("#/definitions/d".to_owned()),
        Just("#/$defs/d".to_owned()),
        Just("^a".to_owned()),
        Just("https://json-schema.org/draft/2020-12/schema".to_owned()),
        Just("http://json-schema.org/draft-04/schema#".to_owned()),
        "[a-z]{0,3}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-3i64..20).prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        words.prop_map(Value::String),
    ];
    let keys = prop_oneof![
        Just("type"),
        Just("properties"),
        Just("required"),
        Just("additionalProperties"),
        Just("patternProperties"),
        Just("items"),
        Just("prefixItems"),
        Just("additionalItems"),
        Just("unevaluatedItems"),
        Just("unevaluatedProperties"),
        Just("allOf"),
        Just("anyOf"),
        Just("oneOf"),
        Just("not"),
        Just("enum"),
        Just("const"),
        Just("$ref"),
        Just("definitions"),
        Just("$defs"),
        Just("d"),
        Just("a"),
        Just("dependencies"),
        Just("dependentRequired"),
        Just("dependentSchemas"),
        Just("minimum"),
        Just("exclusiveMaximum"),
        Just("multipleOf"),
        Just("maxLength"),
        Just("pattern"),
        Just("minContains"),
        Just("contains"),
        Just("default"),
        Just("title"),
        Just("$id"),
        Just("$schema"),
        Just("if"),
    ]
    .prop_map(str::to_owned);
    leaf.prop_recursive(6, 96, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// Mostly valid JSON Schemas: keywords with values of the right shape, nested.
fn structured_json_schema() -> impl Strategy<Value = Value> {
    let types = prop_oneof![
        Just("string"),
        Just("number"),
        Just("integer"),
        Just("object"),
        Just("array"),
        Just("null"),
        Just("boolean"),
    ];
    let leaf = prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        types.clone().prop_map(|t| serde_json::json!({ "type": t })),
        prop::collection::vec(types, 1..3).prop_map(|t| serde_json::json!({ "type": t })),
        (0u32..5).prop_map(|n| serde_json::json!({ "maxLength": n, "minimum": n })),
        (1u32..5).prop_map(|n| serde_json::json!({ "multipleOf": n, "maxItems": n })),
        (0u32..3).prop_map(|n| serde_json::json!({ "enum": (0..n).collect::<Vec<_>>() })),
        Just(serde_json::json!({ "$ref": "#" })),
        Just(serde_json::json!({ "pattern": "^a", "const": "a" })),
    ];
    leaf.prop_recursive(5, 64, 4, |inner| {
        let keyword = prop_oneof![
            inner.clone().prop_map(|s| ("not", s)),
            inner.clone().prop_map(|s| ("items", s)),
            inner.clone().prop_map(|s| ("additionalProperties", s)),
            inner.clone().prop_map(|s| ("additionalItems", s)),
            inner.clone().prop_map(|s| ("unevaluatedItems", s)),
            inner.clone().prop_map(|s| ("unevaluatedProperties", s)),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| ("oneOf", Value::Array(v))),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| ("anyOf", Value::Array(v))),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| ("allOf", Value::Array(v))),
            prop::collection::vec(inner.clone(), 0..3)
                .prop_map(|v| ("prefixItems", Value::Array(v))),
            prop::collection::vec(("[ab]{1}", inner.clone()), 0..3)
                .prop_map(|v| { ("properties", Value::Object(v.into_iter().collect())) }),
            prop::collection::vec(("[ab]{1}", inner.clone()), 0..2)
                .prop_map(|v| { ("dependencies", Value::Object(v.into_iter().collect())) }),
            Just(("required", serde_json::json!(["a"]))),
            Just((
                "patternProperties",
                serde_json::json!({ "^a": { "type": "string" } })
            )),
            Just((
                "$schema",
                serde_json::json!("https://json-schema.org/draft/2020-12/schema")
            )),
        ];
        prop::collection::vec(keyword, 1..4).prop_map(|entries| {
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect(),
            )
        })
    })
}

fn exercise(text: &str) {
    for schema_type in [SchemaType::Avro, SchemaType::Json, SchemaType::Protobuf] {
        for mode in [ParseMode::New, ParseMode::Stored] {
            if let Ok(parsed) = ParsedSchema::parse(schema_type, text, &[], mode) {
                let _ = parsed.canonical();
                let _ = parsed.normalized();
                let _ = parsed.record_name();
                for level in CompatibilityLevel::ALL {
                    let _ = check(level, &parsed, &[(1, &parsed)]);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics(value in json_value()) {
        exercise(&value.to_string());
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,64}") {
        exercise(&text);
    }

    #[test]
    fn arbitrary_pairs_never_panic(a in json_value(), b in json_value()) {
        let parse = |v: &Value| ParsedSchema::parse(SchemaType::Avro, &v.to_string(), &[], ParseMode::Stored);
        if let (Ok(x), Ok(y)) = (parse(&a), parse(&b)) {
            for level in CompatibilityLevel::ALL {
                let _ = check(level, &x, &[(1, &y)]);
                let _ = check(level, &y, &[(1, &x), (2, &y)]);
            }
        }
    }

    #[test]
    fn arbitrary_json_schema_pairs_never_panic(a in json_schema_value(), b in json_schema_value()) {
        let parse = |v: &Value| ParsedSchema::parse(SchemaType::Json, &v.to_string(), &[], ParseMode::Stored);
        exercise(&a.to_string());
        if let (Ok(x), Ok(y)) = (parse(&a), parse(&b)) {
            for level in CompatibilityLevel::ALL {
                for policy in [CompatibilityPolicy::Strict, CompatibilityPolicy::Lenient] {
                    let _ = check_with(level, policy, &x, &[(1, &y)]);
                    let _ = check_with(level, policy, &y, &[(1, &x), (2, &y)]);
                }
            }
        }
    }

    #[test]
    fn structured_json_schema_pairs_never_panic(a in structured_json_schema(), b in structured_json_schema()) {
        let parse = |v: &Value| ParsedSchema::parse(SchemaType::Json, &v.to_string(), &[], ParseMode::Stored);
        if let (Ok(x), Ok(y)) = (parse(&a), parse(&b)) {
            for level in [CompatibilityLevel::FullTransitive, CompatibilityLevel::Backward] {
                for policy in [CompatibilityPolicy::Strict, CompatibilityPolicy::Lenient] {
                    let _ = check_with(level, policy, &x, &[(1, &y), (2, &x)]);
                }
            }
        }
    }
}
