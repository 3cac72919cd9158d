//! Raw map → [`ConnectorConfig`]: every key is read once, every error collected.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use super::*;

const AVRO_CONVERTER: &str = "io.confluent.connect.avro.AvroConverter";

/// Keys Kafka Connect itself owns or that Sluice accepts with no effect.
const IGNORED_KEYS: &[(&str, &str)] = &[
    ("errors.tolerance", "Sluice stops on errors"),
    ("errors.log.enable", "Sluice always logs errors"),
    ("errors.log.include.messages", "Sluice always logs errors"),
    (
        "key.converter.schemas.enable",
        "not used by the Avro converter",
    ),
    (
        "value.converter.schemas.enable",
        "not used by the Avro converter",
    ),
];

struct Reader<'a> {
    raw: &'a RawConfig,
    used: BTreeSet<&'a str>,
    errors: Vec<ConfigError>,
    warnings: Vec<ConfigWarning>,
}

impl<'a> Reader<'a> {
    /// The value of the first present key of `keys` (the current name first, then legacy
    /// names, which earn a warning).
    fn get(&mut self, keys: &[&'a str]) -> Option<(&'a str, &'a str)> {
        let mut found = None;
        for (i, key) in keys.iter().enumerate() {
            if let Some((k, v)) = self.raw.get_key_value(*key) {
                self.used.insert(k.as_str());
                if found.is_none() {
                    if i > 0 {
                        self.warnings.push(ConfigWarning {
                            key: k.clone(),
                            message: format!("deprecated; use {}", keys[0]),
                        });
                    }
                    found = Some((k.as_str(), v.as_str()));
                }
            }
        }
        found
    }

    fn error(&mut self, key: &str, value: &str, reason: impl Into<String>) {
        let value = if is_secret_key(key) {
            REDACTED.to_string()
        } else {
            value.to_string()
        };
        self.errors.push(ConfigError {
            key: key.to_string(),
            value,
            reason: reason.into(),
        });
    }

    fn string(&mut self, keys: &[&'a str]) -> Option<String> {
        self.get(keys).map(|(_, v)| v.to_string())
    }

    fn required(&mut self, keys: &[&'a str]) -> String {
        match self.get(keys) {
            Some((k, v)) if v.trim().is_empty() => {
                self.error(k, v, "must not be empty");
                String::new()
            }
            Some((_, v)) => v.trim().to_string(),
            None => {
                self.error(keys[0], "", "is required");
                String::new()
            }
        }
    }

    fn number<T: FromStr + Copy>(&mut self, keys: &[&'a str], default: T, what: &str) -> T {
        match self.get(keys) {
            Some((k, v)) => match v.trim().parse::<T>() {
                Ok(n) => n,
                Err(_) => {
                    self.error(k, v, format!("must be {what}"));
                    default
                }
            },
            None => default,
        }
    }

    fn bool(&mut self, key: &'a str, default: bool) -> bool {
        match self.get(&[key]) {
            Some((k, v)) => match v.trim().to_ascii_lowercase().as_str() {
                "true" => true,
                "false" => false,
                _ => {
                    self.error(k, v, "must be true or false");
                    default
                }
            },
            None => default,
        }
    }

    fn setting<T: Copy>(
        &mut self,
        keys: &[&'a str],
        default: T,
        parse: fn(&str) -> Option<T>,
        values: &[&str],
    ) -> T {
        match self.get(keys) {
            Some((k, v)) => parse(v).unwrap_or_else(|| {
                self.error(k, v, format!("must be one of {}", values.join(", ")));
                default
            }),
            None => default,
        }
    }

    fn patterns(&mut self, keys: &[&'a str]) -> Option<PatternList> {
        let (k, v) = self.get(keys)?;
        if v.trim().is_empty() {
            return None;
        }
        match PatternList::parse(v) {
            Ok(p) => Some(p),
            Err(reason) => {
                self.error(k, v, reason);
                None
            }
        }
    }

    fn converter(&mut self, side: &'a str) -> ConverterConfig {
        let key: &'a str = if side == "key" {
            "key.converter"
        } else {
            "value.converter"
        };
        if let Some((k, v)) = self.get(&[key])
            && v.trim() != AVRO_CONVERTER
        {
            self.error(
                k,
                v,
                format!("Sluice produces Avro only: must be {AVRO_CONVERTER}"),
            );
        }
        let prefix = format!("{key}.");
        let mut urls = None;
        let mut properties = BTreeMap::new();
        for (k, v) in self.raw.range(prefix.clone()..) {
            let Some(prop) = k.strip_prefix(&prefix) else {
                break;
            };
            self.used.insert(k.as_str());
            if prop == "schema.registry.url" {
                let list: Vec<String> = v
                    .split(',')
                    .map(|u| u.trim().to_string())
                    .filter(|u| !u.is_empty())
                    .collect();
                if list.is_empty()
                    || list
                        .iter()
                        .any(|u| !(u.starts_with("http://") || u.starts_with("https://")))
                {
                    self.error(k, v, "must be a comma-separated list of http(s) URLs");
                } else {
                    urls = Some(list);
                }
            } else {
                properties.insert(prop.to_string(), v.clone());
            }
        }
        ConverterConfig {
            schema_registry_urls: urls,
            properties,
        }
    }
}

pub(super) fn parse(raw: &RawConfig) -> Result<ParsedConfig, Vec<ConfigError>> {
    let mut r = Reader {
        raw,
        used: BTreeSet::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
    };

    let name = r.string(&["name"]);
    let connector_class = match r.get(&[ConnectorClass::KEY]) {
        Some((k, v)) => ConnectorClass::parse(v).unwrap_or_else(|| {
            r.error(
                k,
                v,
                format!("must be one of {}", ConnectorClass::VALUES.join(", ")),
            );
            ConnectorClass::MySql
        }),
        None => {
            r.error(ConnectorClass::KEY, "", "is required");
            ConnectorClass::MySql
        }
    };
    let tasks_max = r.number(&["tasks.max"], 1u32, "a positive integer");
    if tasks_max == 0 {
        r.error("tasks.max", "0", "must be a positive integer");
    }

    let hostname = r.required(&["database.hostname"]);
    let port = r.number(&["database.port"], 3306u16, "a port number (1-65535)");
    let user = r.required(&["database.user"]);
    let password = Secret::new(r.string(&["database.password"]).unwrap_or_default());
    let server_id = match r.get(&["database.server.id"]) {
        Some((k, v)) => match v.trim().parse::<u32>() {
            Ok(n) if n > 0 => n,
            _ => {
                r.error(k, v, "must be an integer between 1 and 4294967295");
                0
            }
        },
        None => {
            r.error("database.server.id", "", "is required");
            0
        }
    };
    let ssl_mode = r.setting(
        &[SslMode::KEY],
        SslMode::Preferred,
        SslMode::parse,
        SslMode::VALUES,
    );

    let topic_prefix = r.required(&["topic.prefix", "database.server.name"]);
    if !topic_prefix.is_empty()
        && !topic_prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        r.error(
            "topic.prefix",
            &topic_prefix.clone(),
            "may contain only ASCII letters, digits, '.', '_' and '-'",
        );
    }

    let filters = Filters {
        database_include: r.patterns(&["database.include.list", "database.whitelist"]),
        database_exclude: r.patterns(&["database.exclude.list", "database.blacklist"]),
        table_include: r.patterns(&["table.include.list", "table.whitelist"]),
        table_exclude: r.patterns(&["table.exclude.list", "table.blacklist"]),
        column_exclude: r.patterns(&["column.exclude.list", "column.blacklist"]),
    };
    if filters.database_include.is_some() && filters.database_exclude.is_some() {
        r.error(
            "database.exclude.list",
            filters.database_exclude.as_ref().map_or("", |p| p.as_str()),
            "cannot be used together with database.include.list",
        );
    }
    if filters.table_include.is_some() && filters.table_exclude.is_some() {
        r.error(
            "table.exclude.list",
            filters.table_exclude.as_ref().map_or("", |p| p.as_str()),
            "cannot be used together with table.include.list",
        );
    }

    let snapshot_mode = r.setting(
        &[SnapshotMode::KEY],
        SnapshotMode::Initial,
        SnapshotMode::parse,
        SnapshotMode::VALUES,
    );
    if let Some(v) = raw.get(SnapshotMode::KEY)
        && v.trim().eq_ignore_ascii_case("schema_only")
    {
        r.warnings.push(ConfigWarning {
            key: SnapshotMode::KEY.into(),
            message: "schema_only is deprecated; use no_data".into(),
        });
    }
    let snapshot_locking_mode = r.setting(
        &[SnapshotLockingMode::KEY],
        SnapshotLockingMode::Minimal,
        SnapshotLockingMode::parse,
        SnapshotLockingMode::VALUES,
    );
    let snapshot_fetch_size =
        r.get(&["snapshot.fetch.size"])
            .and_then(|(k, v)| match v.trim().parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    r.error(k, v, "must be a non-negative integer");
                    None
                }
            });
    let decimal_handling_mode = r.setting(
        &[DecimalHandlingMode::KEY],
        DecimalHandlingMode::Precise,
        DecimalHandlingMode::parse,
        DecimalHandlingMode::VALUES,
    );
    let time_precision_mode = r.setting(
        &[TimePrecisionMode::KEY],
        TimePrecisionMode::AdaptiveTimeMicroseconds,
        TimePrecisionMode::parse,
        TimePrecisionMode::VALUES,
    );
    let bigint_unsigned_handling_mode = r.setting(
        &[BigIntUnsignedHandlingMode::KEY],
        BigIntUnsignedHandlingMode::Long,
        BigIntUnsignedHandlingMode::parse,
        BigIntUnsignedHandlingMode::VALUES,
    );
    let binary_handling_mode = r.setting(
        &[BinaryHandlingMode::KEY],
        BinaryHandlingMode::Bytes,
        BinaryHandlingMode::parse,
        BinaryHandlingMode::VALUES,
    );
    let schema_name_adjustment_mode = r.setting(
        &["schema.name.adjustment.mode"],
        NameAdjustmentMode::None,
        NameAdjustmentMode::parse,
        NameAdjustmentMode::VALUES,
    );
    let field_name_adjustment_mode = r.setting(
        &["field.name.adjustment.mode"],
        NameAdjustmentMode::None,
        NameAdjustmentMode::parse,
        NameAdjustmentMode::VALUES,
    );

    let tombstones_on_delete = r.bool("tombstones.on.delete", true);
    let skipped_operations = match r.get(&["skipped.operations"]) {
        None => vec![Operation::Truncate],
        Some((k, v)) => {
            let mut ops = Vec::new();
            for part in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                if part.eq_ignore_ascii_case("none") {
                    continue;
                }
                match Operation::from_code(&part.to_ascii_lowercase()) {
                    Some(op) if !ops.contains(&op) => ops.push(op),
                    Some(_) => {}
                    None => {
                        r.error(
                            k,
                            v,
                            "must be a comma-separated list of c, u, d, t, or none",
                        );
                        break;
                    }
                }
            }
            ops.sort();
            ops
        }
    };
    let include_schema_changes = r.bool("include.schema.changes", true);
    let include_query = r.bool("include.query", false);
    let heartbeat_interval_ms =
        r.number(&["heartbeat.interval.ms"], 0u64, "a non-negative integer");
    let provide_transaction_metadata = r.bool("provide.transaction.metadata", false);
    let max_batch_size = r.number(&["max.batch.size"], 2048u32, "a positive integer");
    let max_queue_size = r.number(&["max.queue.size"], 8192u32, "a positive integer");
    let poll_interval_ms = r.number(&["poll.interval.ms"], 500u64, "a non-negative integer");
    if max_batch_size == 0 {
        r.error("max.batch.size", "0", "must be a positive integer");
    }
    if max_queue_size <= max_batch_size && max_batch_size > 0 {
        r.error(
            "max.queue.size",
            &max_queue_size.to_string(),
            format!("must be larger than max.batch.size ({max_batch_size})"),
        );
    }

    let key_converter = r.converter("key");
    let value_converter = r.converter("value");

    // Keys accepted with no effect, then unknown keys: warnings only.
    let mut notes = Vec::new();
    for key in raw.keys() {
        if r.used.contains(key.as_str()) {
            continue;
        }
        let message =
            if key.starts_with("schema.history.internal") || key.starts_with("database.history") {
                "ignored: Sluice keeps schema history in its own store".to_string()
            } else if let Some((_, why)) = IGNORED_KEYS.iter().find(|(k, _)| k == key) {
                format!("ignored: {why}")
            } else {
                "unknown configuration, ignored".to_string()
            };
        notes.push(ConfigWarning {
            key: key.clone(),
            message,
        });
    }
    r.warnings.extend(notes);

    if !r.errors.is_empty() {
        return Err(r.errors);
    }
    Ok(ParsedConfig {
        config: ConnectorConfig {
            name,
            connector_class,
            tasks_max,
            database: DatabaseConfig {
                hostname,
                port,
                user,
                password,
                server_id,
                ssl_mode,
            },
            topic_prefix,
            filters,
            snapshot_mode,
            snapshot_locking_mode,
            snapshot_fetch_size,
            decimal_handling_mode,
            time_precision_mode,
            bigint_unsigned_handling_mode,
            binary_handling_mode,
            schema_name_adjustment_mode,
            field_name_adjustment_mode,
            tombstones_on_delete,
            skipped_operations,
            include_schema_changes,
            include_query,
            heartbeat_interval_ms,
            provide_transaction_metadata,
            max_batch_size,
            max_queue_size,
            poll_interval_ms,
            key_converter,
            value_converter,
            redacted_raw: redact(raw),
        },
        warnings: r.warnings,
    })
}
