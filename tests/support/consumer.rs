//! A registry-aware Avro consumer for the capture tests: Python confluent-kafka's
//! `AvroDeserializer` (what most users run) reading topics from the start
//! (`tests/python/consume_avro.py`).

use serde_json::Value;
use std::process::Command;

/// Reads `topics` from the start until `count` records arrived or `seconds` passed; each record
/// is `{"topic", "key", "value"}` with the decoded Avro (`"value": null` for a tombstone).
///
/// # Panics
/// If there is no Python with confluent-kafka (run `scripts/test.sh`), or a record cannot be
/// decoded.
pub fn consume(
    bootstrap: &str,
    registry: &str,
    topics: &[&str],
    count: usize,
    seconds: u32,
) -> Vec<Value> {
    let python = crate::paths::python()
        .expect("no Python with confluent-kafka: run scripts/test.sh (it creates .venv/)");
    let script = crate::workspace_root().join("tests/python/consume_avro.py");
    let out = Command::new(python)
        .arg(script)
        .args([
            bootstrap,
            registry,
            &count.to_string(),
            &seconds.to_string(),
        ])
        .args(topics)
        .output()
        .expect("consumer runs");
    assert!(
        out.status.success(),
        "consumer failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}
