//! The Debezium MySQL connector configuration, as Kafka Connect's REST API carries it.
//!
//! Two stages: the raw string map (`BTreeMap<String, String>`, or the JSON `config` object of a
//! `POST /connectors` body via [`ConnectorConfig::from_json`]) is validated into a
//! [`ConnectorConfig`] by [`ConnectorConfig::parse`]. Every invalid value is reported (not only
//! the first) as a [`ConfigError`]; unknown keys are [`ConfigWarning`]s, never errors, so a
//! registration written for Debezium is accepted as is (the keys of Debezium's `MySqlConnectorConfig`, `BinlogConnectorConfig` and `CommonConnectorConfig`).
//!
//! Differences from Debezium, on purpose:
//! - `key.converter`/`value.converter` absent means Avro through Sluice's built-in registry
//!   (a Connect worker would default to JSON); any converter other than Confluent's
//!   `AvroConverter` is rejected, Sluice produces Avro only.
//! - `schema.history.internal.*` is accepted and ignored with a note: Sluice keeps schema
//!   history in its own store.
//!
//! Passwords are held in [`Secret`], which never prints; [`ConnectorConfig::redacted`] is the
//! view `GET /connectors/{name}/config` returns.

mod filters;
mod modes;
mod parse;

use std::collections::BTreeMap;
use std::fmt;

pub use filters::{Filters, PatternList};
pub use modes::{
    BigIntUnsignedHandlingMode, BinaryHandlingMode, ConnectorClass, DecimalHandlingMode,
    NameAdjustmentMode, Operation, SnapshotLockingMode, SnapshotMode, SslMode, TimePrecisionMode,
};

/// The raw configuration: key → value, exactly as submitted.
pub type RawConfig = BTreeMap<String, String>;

/// A secret value (a password): never shown by `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that needs it (the MySQL login).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// What redacted values are replaced with.
pub const REDACTED: &str = "********";

/// An invalid configuration value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid value {value:?} for configuration {key}: {reason}")]
pub struct ConfigError {
    pub key: String,
    /// The value as given (redacted for secret keys); empty when the key is missing.
    pub value: String,
    pub reason: String,
}

/// A key that was accepted but has no effect, or is not known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigWarning {
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

/// The MySQL server to capture from.
#[derive(Debug, Clone, PartialEq)]
pub struct DatabaseConfig {
    pub hostname: String,
    pub port: u16,
    pub user: String,
    pub password: Secret,
    /// `database.server.id`: the replica id Sluice uses on the binlog connection.
    pub server_id: u32,
    pub ssl_mode: SslMode,
}

/// How records are serialized.
#[derive(Clone, PartialEq, Eq)]
pub struct ConverterConfig {
    /// Registry URLs from `*.converter.schema.registry.url`; `None` = Sluice's built-in registry.
    pub schema_registry_urls: Option<Vec<String>>,
    /// Other `*.converter.*` properties, passed to the serializer (e.g. basic auth).
    pub properties: BTreeMap<String, String>,
}

impl fmt::Debug for ConverterConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let props: BTreeMap<&str, &str> = self
            .properties
            .iter()
            .map(|(k, v)| {
                let v = if is_secret_key(k) {
                    REDACTED
                } else {
                    v.as_str()
                };
                (k.as_str(), v)
            })
            .collect();
        f.debug_struct("ConverterConfig")
            .field("schema_registry_urls", &self.schema_registry_urls)
            .field("properties", &props)
            .finish()
    }
}

/// A validated connector configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectorConfig {
    /// `name` when given inside the config.
    pub name: Option<String>,
    pub connector_class: ConnectorClass,
    pub tasks_max: u32,
    pub database: DatabaseConfig,
    /// `topic.prefix` (legacy `database.server.name`): topic and schema name prefix, the
    /// source block's `name`.
    pub topic_prefix: String,
    pub filters: Filters,
    pub snapshot_mode: SnapshotMode,
    pub snapshot_locking_mode: SnapshotLockingMode,
    pub snapshot_fetch_size: Option<u32>,
    pub decimal_handling_mode: DecimalHandlingMode,
    pub time_precision_mode: TimePrecisionMode,
    pub bigint_unsigned_handling_mode: BigIntUnsignedHandlingMode,
    pub binary_handling_mode: BinaryHandlingMode,
    pub schema_name_adjustment_mode: NameAdjustmentMode,
    pub field_name_adjustment_mode: NameAdjustmentMode,
    pub tombstones_on_delete: bool,
    /// Operations not emitted (default: truncate).
    pub skipped_operations: Vec<Operation>,
    pub include_schema_changes: bool,
    pub include_query: bool,
    /// 0 = no heartbeats.
    pub heartbeat_interval_ms: u64,
    pub provide_transaction_metadata: bool,
    pub max_batch_size: u32,
    pub max_queue_size: u32,
    pub poll_interval_ms: u64,
    pub key_converter: ConverterConfig,
    pub value_converter: ConverterConfig,
    /// The submitted map with secrets already replaced (see [`ConnectorConfig::redacted`]).
    redacted_raw: RawConfig,
}

/// The outcome of a successful parse: the config and what was ignored.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedConfig {
    pub config: ConnectorConfig,
    pub warnings: Vec<ConfigWarning>,
}

impl ConnectorConfig {
    /// Validates a raw configuration; on failure returns every error found.
    pub fn parse(raw: &RawConfig) -> Result<ParsedConfig, Vec<ConfigError>> {
        parse::parse(raw)
    }

    /// Validates the JSON `config` object of a Kafka Connect registration (values may be
    /// strings, numbers or booleans, as Connect accepts).
    pub fn from_json(config: &serde_json::Value) -> Result<ParsedConfig, Vec<ConfigError>> {
        let raw = raw_from_json(config)?;
        Self::parse(&raw)
    }

    /// The configuration as submitted, secrets replaced by [`REDACTED`]: what
    /// `GET /connectors/{name}/config` returns.
    pub fn redacted(&self) -> &RawConfig {
        &self.redacted_raw
    }

    /// Whether operation `op` is emitted.
    pub fn emits(&self, op: Operation) -> bool {
        !self.skipped_operations.contains(&op)
    }
}

/// Converts a JSON object of settings to the raw string map.
pub fn raw_from_json(config: &serde_json::Value) -> Result<RawConfig, Vec<ConfigError>> {
    let Some(obj) = config.as_object() else {
        return Err(vec![ConfigError {
            key: String::new(),
            value: String::new(),
            reason: "the configuration must be a JSON object".into(),
        }]);
    };
    let mut raw = RawConfig::new();
    let mut errors = Vec::new();
    for (k, v) in obj {
        let text = match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => b.to_string(),
            _ => {
                errors.push(ConfigError {
                    key: k.clone(),
                    value: v.to_string(),
                    reason: "must be a string, number or boolean".into(),
                });
                continue;
            }
        };
        raw.insert(k.clone(), text);
    }
    if errors.is_empty() {
        Ok(raw)
    } else {
        Err(errors)
    }
}

/// Whether `key` holds a secret that must never be shown.
pub fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.ends_with("password")
        || k.ends_with("basic.auth.user.info")
        || k.ends_with("sasl.jaas.config")
        || k.ends_with("bearer.auth.token")
        || k.ends_with(".secret")
}

/// The raw configuration with every secret replaced by [`REDACTED`].
pub fn redact(raw: &RawConfig) -> RawConfig {
    raw.iter()
        .map(|(k, v)| {
            let v = if is_secret_key(k) {
                REDACTED.to_string()
            } else {
                v.clone()
            };
            (k.clone(), v)
        })
        .collect()
}
