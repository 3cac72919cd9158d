//! Speed of the compatibility engine on large schemas (BENCHMARKS.md, target (c)):
//!
//! * `backward_transitive_200_fields_100_versions`: a 200-field record checked under
//!   BACKWARD_TRANSITIVE against 100 earlier versions (100 to 199 fields, each version adding one
//!   field with a default), so every version is checked and all are compatible. Target < 5 ms.
//! * `normalize_avro_200_fields`: `ParsedSchema::normalized` of the 200-field record. Target < 100 µs.
//! * `parse_avro_200_fields`: strict parse (a registration) of the same record, for context.
//!
//! Run: `cargo bench -p sluice-compat --bench compatibility` (or `scripts/bench.sh compat`).

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use serde_json::{Value, json};
use sluice_compat::{ParseMode, ParsedSchema, check};
use sluice_proto::{CompatibilityLevel, SchemaType};

/// Fields that every version has (no defaults, as a first version would declare them).
const BASE_FIELDS: usize = 100;
const PREVIOUS_VERSIONS: usize = 100;
const NEW_FIELDS: usize = BASE_FIELDS + PREVIOUS_VERSIONS;

/// Field `i`: a mix of primitive, optional, logical, array, map and enum types.
fn field(i: usize) -> Value {
    let ty = match i % 8 {
        0 => json!("long"),
        1 => json!("string"),
        2 => json!("double"),
        3 => json!("boolean"),
        4 => json!(["null", "string"]),
        5 => json!({"type": "int", "logicalType": "date"}),
        6 => json!({"type": "array", "items": "string"}),
        _ => json!({"type": "map", "values": "long"}),
    };
    let mut field = json!({"name": format!("f{i:03}"), "type": ty});
    if i >= BASE_FIELDS {
        let default = match i % 8 {
            0 | 5 => json!(0),
            1 => json!(""),
            2 => json!(0.0),
            3 => json!(false),
            4 => Value::Null,
            6 => json!([]),
            _ => json!({}),
        };
        field["default"] = default;
    }
    field
}

/// The record with fields `0..fields`.
fn record(fields: usize) -> String {
    json!({
        "type": "record",
        "name": "Wide",
        "namespace": "bench.sluice",
        "doc": "a wide record",
        "fields": (0..fields).map(field).collect::<Vec<_>>(),
    })
    .to_string()
}

fn parse(text: &str, mode: ParseMode) -> ParsedSchema {
    ParsedSchema::parse(SchemaType::Avro, text, &[], mode).expect("the bench schema parses")
}

fn benches(c: &mut Criterion) {
    let new = parse(&record(NEW_FIELDS), ParseMode::New);
    let previous: Vec<ParsedSchema> = (0..PREVIOUS_VERSIONS)
        .map(|k| parse(&record(BASE_FIELDS + k), ParseMode::Stored))
        .collect();
    let versions: Vec<(i32, &ParsedSchema)> = previous
        .iter()
        .enumerate()
        .map(|(k, schema)| (i32::try_from(k + 1).expect("small"), schema))
        .collect();

    let verdict =
        check(CompatibilityLevel::BackwardTransitive, &new, &versions).expect("the check runs");
    assert!(
        verdict.is_compatible,
        "the bench's versions must all be compatible (so all 100 are checked): {:?}",
        verdict.messages
    );

    c.bench_function("backward_transitive_200_fields_100_versions", |b| {
        b.iter(|| {
            check(
                CompatibilityLevel::BackwardTransitive,
                black_box(&new),
                black_box(&versions),
            )
        });
    });
    c.bench_function("normalize_avro_200_fields", |b| {
        b.iter(|| black_box(&new).normalized());
    });
    let text = record(NEW_FIELDS);
    c.bench_function("parse_avro_200_fields", |b| {
        b.iter(|| ParsedSchema::parse(SchemaType::Avro, black_box(&text), &[], ParseMode::New));
    });
}

criterion_group!(compatibility, benches);
criterion_main!(compatibility);
