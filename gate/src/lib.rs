//! # sluice-gate: stop an incompatible DDL migration in CI, before it reaches production
//!
//! `sluice gate` applies migration files to the current table model and judges every Avro key
//! and value schema they change against the registry subjects capture would write, exactly as
//! the registry will judge them when capture registers them.
//!
//! - [`migration`]: migration files and directories in name order, cut into statements with
//!   file and line ([`migration::MigrationFile`]).
//! - [`baseline`]: the model the migrations start from: a schema dump, a live database, or the
//!   registry's own schemas.
//! - [`subjects::Subjects`]: the registry as the gate sees it (an export file or subjects
//!   fetched over HTTP), plus the versions the migrations would register.
//! - [`judge::judge`]: applies statements one at a time and checks each changed schema
//!   (capture's [`TableAvro`](sluice_capture::avro::TableAvro) mapping, compat's check).
//! - `explain` and `hazard` (private): incompatibilities in plain words with the fix, and the
//!   changes the registry cannot see (DECIMAL scale, ENUM symbols, narrowing, key changes).
//! - [`report`]: the [`report::Report`] with its exit code, rendered as text, JSON, JUnit XML
//!   or GitHub workflow annotations.
//! - [`run()`]: the one entry point `sluice gate` calls with its [`RunOptions`]: reads the
//!   inputs, fetches what the registry holds for the subjects the migrations touch, builds the
//!   baseline, judges. It returns the [`Report`](report::Report) or a [`GateError`]; printing
//!   and exit codes are the binary's.
//!
//! The gate decides nothing of its own about compatibility: the rules are `sluice-compat`'s,
//! the mapping is `sluice-capture`'s, so what the gate passes capture registers. It must never
//! depend on `sluice-registry`: it reaches a registry over HTTP through
//! `sluice-registry-client`, with `sluice-proto`'s contracts.

pub mod baseline;
pub mod error;
mod explain;
mod hazard;
pub mod judge;
pub mod migration;
pub mod report;
mod run;
pub mod subjects;

pub use error::GateError;
pub use judge::{GateOptions, judge};
pub use run::{BaselineSource, ConnectorSource, RunOptions, run};

use sluice_capture::config::ConnectorConfig;

/// The connector settings capture would run with, from a Kafka Connect registration file
/// (`{"name": …, "config": {…}}`) or a bare config object.
pub fn connector_from_file(path: &str, text: &str) -> Result<ConnectorConfig, GateError> {
    let fail = |reason: String| GateError::Connector {
        path: path.to_owned(),
        reason,
    };
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| fail(format!("not JSON: {e}")))?;
    let config = json.get("config").unwrap_or(&json);
    ConnectorConfig::from_json(config)
        .map(|p| p.config)
        .map_err(|errors| {
            fail(
                errors
                    .iter()
                    .map(|e| format!("{}: {}", e.key, e.reason))
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })
}

/// Capture's default connector settings for `topic.prefix` = `prefix` (no `--connector`
/// given); the database address is not used by the gate.
pub fn connector_for_prefix(prefix: &str) -> Result<ConnectorConfig, GateError> {
    let config = serde_json::json!({
        "connector.class": "io.debezium.connector.mysql.MySqlConnector",
        "topic.prefix": prefix,
        "database.hostname": "gate.invalid",
        "database.user": "gate",
        "database.server.id": "1",
    });
    ConnectorConfig::from_json(&config)
        .map(|p| p.config)
        .map_err(|errors| {
            GateError::Usage(format!(
                "invalid --topic-prefix {prefix:?}: {}",
                errors
                    .iter()
                    .map(|e| e.reason.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            ))
        })
}
