//! Arbitrary input never panics: any text or JSON value fed to parsing and checking gives a
//! schema, an error, or a verdict.

use proptest::prelude::*;
use serde_json::Value;
use sluice_compat::{ParseMode, ParsedSchema, check};
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
}
