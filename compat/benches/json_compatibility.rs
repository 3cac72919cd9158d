//! FULL_TRANSITIVE check of a 200-property JSON Schema against 100 earlier versions (target:
//! under 20 ms). A plain timing loop (no harness): `cargo bench -p sluice-compat --bench
//! json_compatibility`.

#![allow(clippy::print_stdout)]

use sluice_compat::{ParseMode, ParsedSchema, check};
use sluice_proto::{CompatibilityLevel, SchemaType};
use std::hint::black_box;
use std::time::{Duration, Instant};

const PROPERTIES: usize = 200;
const VERSIONS: usize = 100;

/// A closed object of `PROPERTIES` typed, constrained properties; versions differ in their title
/// and descriptions (changes compatible both ways, so the check walks every version).
fn schema(version: usize) -> ParsedSchema {
    let properties: Vec<String> = (0..PROPERTIES)
        .map(|i| {
            let body = match i % 4 {
                0 => r#""type":"string","maxLength":64"#.to_owned(),
                1 => r#""type":"integer","minimum":0"#.to_owned(),
                2 => r#""oneOf":[{"type":"null"},{"type":"number"}]"#.to_owned(),
                _ => r#""type":"array","items":{"type":"string"}"#.to_owned(),
            };
            format!(r#""p{i}":{{{body},"description":"v{version} p{i}"}}"#)
        })
        .collect();
    let text = format!(
        r#"{{"title":"v{version}","type":"object","properties":{{{}}},"required":["p0"],"additionalProperties":false}}"#,
        properties.join(",")
    );
    ParsedSchema::parse(SchemaType::Json, &text, &[], ParseMode::Stored).expect("valid schema")
}

fn main() {
    let previous: Vec<ParsedSchema> = (0..VERSIONS).map(schema).collect();
    let numbered: Vec<(i32, &ParsedSchema)> = previous
        .iter()
        .enumerate()
        .map(|(i, s)| (i as i32 + 1, s))
        .collect();
    let new = schema(VERSIONS);
    let run = || {
        let verdict = check(
            CompatibilityLevel::FullTransitive,
            black_box(&new),
            black_box(&numbered),
        )
        .expect("a verdict");
        assert!(verdict.is_compatible, "{:?}", verdict.messages);
    };
    for _ in 0..3 {
        run();
    }
    let mut times: Vec<Duration> = (0..30)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "json FULL_TRANSITIVE, {PROPERTIES} properties x {VERSIONS} versions: median {:?}, min {:?}, max {:?} (30 runs)",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
}
