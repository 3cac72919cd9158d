//! Connector configuration: the tutorial registrations are accepted as is; every invalid value
//! is reported; secrets never show.

use sluice_capture::config::*;
use sluice_capture::schema::TableId;

/// Debezium's tutorial registration `file`, or `None` (said on stderr) without `../shared`.
fn registration(file: &str) -> Option<serde_json::Value> {
    let path = sluice_test_data::shared(
        &format!("conformance/mysql/inventory/{file}"),
        "the check of Debezium's tutorial connector registrations",
    )?;
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Some(serde_json::from_str(&text).expect("a registration is JSON"))
}

fn raw(pairs: &[(&str, &str)]) -> RawConfig {
    let mut base: RawConfig = [
        (
            "connector.class",
            "io.debezium.connector.mysql.MySqlConnector",
        ),
        ("database.hostname", "mysql"),
        ("database.user", "debezium"),
        ("database.password", "dbz"),
        ("database.server.id", "184054"),
        ("topic.prefix", "dbserver1"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in pairs {
        base.insert(k.to_string(), v.to_string());
    }
    base
}

#[test]
fn avro_registration_is_accepted_as_is() {
    let Some(reg) = registration("register-mysql-avro.json") else {
        return;
    };
    let parsed = ConnectorConfig::from_json(&reg["config"]).expect("valid");
    let c = &parsed.config;
    assert_eq!(c.connector_class, ConnectorClass::MySql);
    assert_eq!(c.tasks_max, 1);
    assert_eq!(c.database.hostname, "mysql");
    assert_eq!(c.database.port, 3306);
    assert_eq!(c.database.user, "debezium");
    assert_eq!(c.database.password.expose(), "dbz");
    assert_eq!(c.database.server_id, 184054);
    assert_eq!(c.topic_prefix, "dbserver1");
    assert!(c.filters.database_included("inventory"));
    assert!(!c.filters.database_included("mysql"));
    assert!(
        c.filters
            .table_included(&TableId::new("inventory", "customers"))
    );
    assert_eq!(c.snapshot_mode, SnapshotMode::Initial);
    assert_eq!(c.snapshot_locking_mode, SnapshotLockingMode::Minimal);
    assert_eq!(c.decimal_handling_mode, DecimalHandlingMode::Precise);
    assert_eq!(
        c.time_precision_mode,
        TimePrecisionMode::AdaptiveTimeMicroseconds
    );
    assert_eq!(
        c.bigint_unsigned_handling_mode,
        BigIntUnsignedHandlingMode::Long
    );
    assert_eq!(c.binary_handling_mode, BinaryHandlingMode::Bytes);
    assert_eq!(c.schema_name_adjustment_mode, NameAdjustmentMode::None);
    assert!(c.tombstones_on_delete);
    assert_eq!(c.skipped_operations, vec![Operation::Truncate]);
    assert!(!c.emits(Operation::Truncate));
    assert!(c.emits(Operation::Create));
    let url = Some(vec!["http://schema-registry:8081".to_string()]);
    assert_eq!(c.key_converter.schema_registry_urls, url);
    assert_eq!(c.value_converter.schema_registry_urls, url);
    // Only the schema history keys are noted, as ignored.
    let keys: Vec<&str> = parsed.warnings.iter().map(|w| w.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "schema.history.internal.kafka.bootstrap.servers",
            "schema.history.internal.kafka.topic"
        ]
    );
    assert!(parsed.warnings[0].message.contains("own store"));
}

#[test]
fn json_registration_is_accepted_with_builtin_registry() {
    let Some(reg) = registration("register-mysql.json") else {
        return;
    };
    let parsed = ConnectorConfig::from_json(&reg["config"]).expect("valid");
    assert_eq!(parsed.config.key_converter.schema_registry_urls, None);
    assert_eq!(parsed.config.value_converter.schema_registry_urls, None);
}

#[test]
fn passwords_never_show() {
    let mut r = raw(&[("value.converter.basic.auth.user.info", "u:topsecret")]);
    r.insert("database.password".into(), "hunter2-secret".into());
    let parsed = ConnectorConfig::parse(&r).unwrap();
    let debug = format!("{:?}", parsed.config);
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(!debug.contains("topsecret"), "{debug}");
    let red = parsed.config.redacted();
    assert_eq!(red["database.password"], REDACTED);
    assert_eq!(red["value.converter.basic.auth.user.info"], REDACTED);
    assert_eq!(red["database.user"], "debezium");
    assert_eq!(format!("{}", parsed.config.database.password), REDACTED);
}

#[test]
fn every_invalid_value_is_reported() {
    let r = raw(&[
        ("snapshot.mode", "sometimes"),
        ("decimal.handling.mode", "float"),
        ("database.port", "99999"),
        ("tombstones.on.delete", "yes"),
        ("table.include.list", "inventory\\.(cust"),
        (
            "key.converter",
            "org.apache.kafka.connect.json.JsonConverter",
        ),
        ("skipped.operations", "c,x"),
    ]);
    let errors = ConnectorConfig::parse(&r).unwrap_err();
    let msgs: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 7, "{msgs:#?}");
    assert!(msgs.contains(
        &"Invalid value \"sometimes\" for configuration snapshot.mode: must be one of initial, initial_only, no_data, when_needed, never".to_string()
    ), "{msgs:#?}");
    let keys: Vec<&str> = errors.iter().map(|e| e.key.as_str()).collect();
    for k in [
        "decimal.handling.mode",
        "database.port",
        "tombstones.on.delete",
        "table.include.list",
        "key.converter",
        "skipped.operations",
    ] {
        assert!(keys.contains(&k), "{k} missing in {msgs:#?}");
    }
}

#[test]
fn missing_required_keys_are_errors() {
    let errors = ConnectorConfig::parse(&RawConfig::new()).unwrap_err();
    let keys: Vec<&str> = errors.iter().map(|e| e.key.as_str()).collect();
    for k in [
        "connector.class",
        "database.hostname",
        "database.user",
        "database.server.id",
        "topic.prefix",
    ] {
        assert!(keys.contains(&k), "{k} missing in {keys:?}");
    }
}

#[test]
fn legacy_keys_and_aliases() {
    let mut r = raw(&[
        ("database.server.name", "legacy"),
        ("table.whitelist", "inventory\\.customers"),
        ("snapshot.mode", "schema_only"),
        ("skipped.operations", "none"),
        (
            "connector.class",
            "io.debezium.connector.mariadb.MariaDbConnector",
        ),
        ("binary.handling.mode", "base64-url-safe"),
        ("bigint.unsigned.handling.mode", "precise"),
        ("schema.name.adjustment.mode", "avro"),
        ("column.exclude.list", "inventory\\.customers\\.email"),
        ("some.future.option", "1"),
    ]);
    r.remove("topic.prefix");
    let parsed = ConnectorConfig::parse(&r).unwrap();
    let c = &parsed.config;
    assert_eq!(c.topic_prefix, "legacy");
    assert_eq!(c.connector_class, ConnectorClass::MariaDb);
    assert_eq!(c.snapshot_mode, SnapshotMode::NoData);
    assert!(c.skipped_operations.is_empty());
    assert_eq!(c.binary_handling_mode, BinaryHandlingMode::Base64UrlSafe);
    assert_eq!(
        c.bigint_unsigned_handling_mode,
        BigIntUnsignedHandlingMode::Precise
    );
    assert_eq!(c.schema_name_adjustment_mode, NameAdjustmentMode::Avro);
    let t = TableId::new("inventory", "customers");
    assert!(c.filters.table_included(&t));
    assert!(
        !c.filters
            .table_included(&TableId::new("inventory", "orders"))
    );
    assert!(!c.filters.column_included(&t, "email"));
    let warned: Vec<&str> = parsed.warnings.iter().map(|w| w.key.as_str()).collect();
    for k in [
        "database.server.name",
        "table.whitelist",
        "snapshot.mode",
        "some.future.option",
    ] {
        assert!(warned.contains(&k), "{k} not warned: {warned:?}");
    }
}

#[test]
fn snapshot_mode_semantics() {
    assert!(SnapshotMode::Initial.reads_data());
    assert!(!SnapshotMode::NoData.reads_data());
    assert!(!SnapshotMode::Never.reads_data());
    assert!(!SnapshotMode::InitialOnly.streams());
    assert_eq!(
        SnapshotMode::parse(" INITIAL "),
        Some(SnapshotMode::Initial)
    );
}
