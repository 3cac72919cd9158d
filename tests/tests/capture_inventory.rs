//! The tutorial flow end to end: a private MariaDB with Debezium's inventory database, a
//! Kafka broker, `sluice serve` with the seed connector config, and a registry-aware Avro
//! consumer (Python confluent-kafka's AvroDeserializer) reading what arrives.
//!
//! Checks the snapshot, inserts, updates, deletes with tombstones, a primary-key change, a
//! truncate, a compatible DDL (a new value schema version), and an incompatible DDL under
//! BACKWARD: the task FAILED with the registry's explanation, nothing produced with the
//! refused schema, then after relaxing the level and `restart`, the rows arrive once.

use serde_json::{Value, json};
use sluice_e2e::{Kafka, MariaDb, SluiceServer, request, shared_dir};
use std::net::TcpListener;
use std::time::{Duration, Instant};

const PREFIX: &str = "dbserver1";
const TABLES: [&str; 7] = [
    "products",
    "products_on_hand",
    "customers",
    "addresses",
    "orders",
    "geom",
    "scratch",
];

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Reads every topic from the start until `count` records arrived (or 60 s passed).
fn consume(kafka: &Kafka, registry: &str, count: usize) -> Vec<Value> {
    consume_for(kafka, registry, count, 60)
}

/// [`consume`] with its own time limit, for checking that nothing more arrives.
fn consume_for(kafka: &Kafka, registry: &str, count: usize, seconds: u32) -> Vec<Value> {
    let topics: Vec<String> = TABLES
        .iter()
        .map(|t| format!("{PREFIX}.inventory.{t}"))
        .collect();
    let topics: Vec<&str> = topics.iter().map(String::as_str).collect();
    sluice_e2e::consumer::consume(&kafka.bootstrap(), registry, &topics, count, seconds)
}

fn of_table<'a>(records: &'a [Value], table: &str) -> Vec<&'a Value> {
    let topic = format!("{PREFIX}.inventory.{table}");
    records.iter().filter(|r| r["topic"] == topic).collect()
}

fn wait_for_task_state(connect: &str, state: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, status) = request(
            connect,
            "GET",
            "/connectors/inventory-connector/status",
            None,
        );
        if status["tasks"][0]["state"] == state {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "task never reached {state}: {status}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn inventory_connector_streams_snapshot_changes_and_registry_gated_ddl() {
    let Some(shared) = shared_dir() else {
        eprintln!("capture inventory test skipped: ../shared (conformance data) is absent");
        return;
    };
    let db = MariaDb::start();
    // The Debezium image creates this user before loading the script.
    db.root("CREATE USER 'mariadbuser'@'%' IDENTIFIED BY 'mariadbpw'");
    db.source(&shared.join("conformance/mysql/inventory/inventory.mariadb.sql"));
    db.root("CREATE TABLE inventory.scratch (id INT PRIMARY KEY, note VARCHAR(20)); INSERT INTO inventory.scratch VALUES (1, 'x')");
    let kafka = Kafka::start();
    let connect_addr = format!("127.0.0.1:{}", free_port());
    let server = SluiceServer::start(&[
        "--kafka",
        &kafka.bootstrap(),
        "--connect-listen",
        &connect_addr,
    ]);
    let connect = format!("http://{connect_addr}");
    let registry = server.base_url().to_owned();

    // The seed config, pointed at this test's servers.
    let seed: Value = serde_json::from_str(
        &std::fs::read_to_string(
            shared.join("conformance/mysql/inventory/register-mysql-avro.json"),
        )
        .expect("seed config"),
    )
    .expect("seed JSON");
    let mut body = seed.clone();
    let config = body["config"].as_object_mut().expect("config object");
    config.insert("database.hostname".into(), json!("127.0.0.1"));
    config.insert("database.port".into(), json!(db.port().to_string()));
    config.insert("database.user".into(), json!(sluice_e2e::mariadb::USER));
    config.insert(
        "database.password".into(),
        json!(sluice_e2e::mariadb::PASSWORD),
    );
    config.insert("key.converter.schema.registry.url".into(), json!(registry));
    config.insert(
        "value.converter.schema.registry.url".into(),
        json!(registry),
    );
    config.insert("skipped.operations".into(), json!("none"));
    let (status, created) = request(&connect, "POST", "/connectors", Some(&body));
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        created["config"]["database.password"], "********",
        "passwords are never echoed"
    );

    // Snapshot: 9 + 9 + 4 + 7 + 4 + 3 + 1 rows, op r.
    let records = consume(&kafka, &registry, 37);
    assert_eq!(records.len(), 37, "snapshot rows: {records:#?}");
    let customers = of_table(&records, "customers");
    assert_eq!(customers.len(), 4);
    let sally = customers
        .iter()
        .find(|r| r["value"]["after"]["id"] == 1001)
        .expect("customer 1001");
    assert_eq!(sally["value"]["op"], "r");
    assert_eq!(sally["value"]["after"]["first_name"], "Sally");
    assert_eq!(sally["value"]["after"]["email"], "sally.thomas@acme.com");
    assert_eq!(sally["key"]["id"], 1001);
    assert_eq!(sally["value"]["source"]["connector"], "mysql");
    assert_eq!(sally["value"]["source"]["name"], PREFIX);
    assert_eq!(sally["value"]["source"]["table"], "customers");
    let markers: Vec<&Value> = customers
        .iter()
        .map(|r| &r["value"]["source"]["snapshot"])
        .collect();
    assert!(
        markers
            .first()
            .is_some_and(|m| *m == "first_in_data_collection" || *m == "first"),
        "{markers:?}"
    );
    assert!(
        markers
            .last()
            .is_some_and(|m| *m == "last_in_data_collection" || *m == "last"),
        "{markers:?}"
    );
    wait_for_task_state(&connect, "RUNNING");

    // Interop shape: the decoded event has Debezium 3.x's envelope and source fields, in order
    // (the observed 3.0.7 event), and the registered value schema is the derived one exactly.
    let observed: Value = serde_json::from_str(
        &std::fs::read_to_string(shared.join(
            "conformance/mysql/events/observed/debezium-3.0.7-mysql-create.jsonconverter.json",
        ))
        .expect("observed event"),
    )
    .expect("observed JSON");
    let keys = |v: &Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>());
    assert_eq!(keys(&sally["value"]), keys(&observed["value"]["payload"]));
    assert_eq!(
        keys(&sally["value"]["source"]),
        keys(&observed["value"]["payload"]["source"])
    );
    let derived: Value = serde_json::from_str(
        &std::fs::read_to_string(shared.join(
            "conformance/mysql/events/derived-avro/dbserver1.inventory.customers-value.avsc.json",
        ))
        .expect("derived schema"),
    )
    .expect("derived JSON");
    let (_, registered) = request(
        &registry,
        "GET",
        "/subjects/dbserver1.inventory.customers-value/versions/1/schema",
        None,
    );
    assert_eq!(
        registered, derived["schema"],
        "registered value schema = derived Debezium 3.1 shape"
    );

    // Streaming: insert, update, key change, delete, truncate.
    db.root(
        "INSERT INTO inventory.customers VALUES (default, 'Ada', 'Lovelace', 'ada@example.com');
         UPDATE inventory.customers SET email = 'ada@engine.org' WHERE id = 1005;
         UPDATE inventory.customers SET id = 2005 WHERE id = 1005;
         DELETE FROM inventory.customers WHERE id = 2005;
         TRUNCATE TABLE inventory.scratch;",
    );
    // c, u, (d, tombstone, c), d, tombstone, t
    let records = consume(&kafka, &registry, 37 + 8);
    let customers = of_table(&records, "customers");
    let ops: Vec<Value> = customers[4..]
        .iter()
        .map(|r| {
            if r["value"].is_null() {
                json!("tombstone")
            } else {
                r["value"]["op"].clone()
            }
        })
        .collect();
    assert_eq!(
        ops,
        ["c", "u", "d", "tombstone", "c", "d", "tombstone"].map(|s| json!(s))
    );
    assert_eq!(customers[5]["value"]["before"]["email"], "ada@example.com");
    assert_eq!(customers[5]["value"]["after"]["email"], "ada@engine.org");
    assert_eq!(customers[8]["key"]["id"], 2005);
    let scratch = of_table(&records, "scratch");
    assert_eq!(
        scratch.last().map(|r| r["value"]["op"].clone()),
        Some(json!("t"))
    );

    // A compatible DDL: a nullable column gives the value subject a second version.
    db.root(
        "ALTER TABLE inventory.customers ADD COLUMN phone VARCHAR(20) NULL;
         INSERT INTO inventory.customers VALUES (default, 'Grace', 'Hopper', 'grace@navy.mil', '555-0100');",
    );
    let records = consume(&kafka, &registry, 37 + 9);
    let grace = of_table(&records, "customers")
        .last()
        .map(|r| r["value"]["after"].clone());
    assert_eq!(
        grace.as_ref().map(|a| a["phone"].clone()),
        Some(json!("555-0100"))
    );
    // The DDL is on the schema change topic `<prefix>`, with the new table definition. From
    // the snapshot, Debezium's statements: the server charset, DROP TABLE IF EXISTS per
    // captured table (7), DROP/CREATE DATABASE and USE, then each table's SHOW CREATE TABLE
    // text with its definition; then the ALTER.
    let changes = sluice_e2e::consumer::consume(&kafka.bootstrap(), &registry, &[PREFIX], 19, 30);
    let ddl: Vec<&str> = changes
        .iter()
        .map(|c| c["value"]["ddl"].as_str().unwrap_or_default())
        .collect();
    assert!(ddl[0].starts_with("SET character_set_server="), "{ddl:#?}");
    assert_eq!(changes[0]["key"]["databaseName"], "");
    assert_eq!(ddl[1], "DROP TABLE IF EXISTS `inventory`.`addresses`");
    assert_eq!(
        ddl[8..11],
        [
            "DROP DATABASE IF EXISTS `inventory`",
            "CREATE DATABASE `inventory` CHARSET utf8mb4 COLLATE utf8mb4_general_ci",
            "USE `inventory`",
        ]
    );
    let create = changes
        .iter()
        .find(|c| {
            c["value"]["tableChanges"][0]["type"] == "CREATE"
                && c["value"]["tableChanges"][0]["id"] == "\"inventory\".\"customers\""
        })
        .unwrap_or_else(|| panic!("{changes:#?}"));
    let create_ddl = create["value"]["ddl"].as_str().unwrap_or_default();
    assert!(
        create_ddl.starts_with("CREATE TABLE `customers` (") && create_ddl.contains("`email`"),
        "{create_ddl}"
    );
    let change = changes
        .iter()
        .find(|c| {
            c["value"]["ddl"]
                .as_str()
                .is_some_and(|d| d.contains("phone"))
        })
        .expect("schema change record for ADD COLUMN phone");
    assert_eq!(change["key"]["databaseName"], "inventory");
    let table_change = &change["value"]["tableChanges"][0];
    assert_eq!(table_change["type"], "ALTER");
    assert_eq!(table_change["id"], "\"inventory\".\"customers\"");
    let columns: Vec<&Value> = table_change["table"]["columns"]
        .as_array()
        .map(|c| c.iter().map(|c| &c["name"]).collect())
        .unwrap_or_default();
    assert_eq!(columns.last().copied(), Some(&json!("phone")));
    let (_, versions) = request(
        &registry,
        "GET",
        "/subjects/dbserver1.inventory.customers-value/versions",
        None,
    );
    assert_eq!(versions, json!([1, 2]));

    // An incompatible DDL under BACKWARD: NOT NULL without default.
    db.root(
        "ALTER TABLE inventory.customers ADD COLUMN vip INT NOT NULL;
         INSERT INTO inventory.customers VALUES (default, 'Alan', 'Turing', 'alan@bletchley.uk', NULL, 1);",
    );
    let failed = wait_for_task_state(&connect, "FAILED");
    let trace = failed["tasks"][0]["trace"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        trace.contains("customers") && trace.contains("vip"),
        "{trace}"
    );
    let records = consume(&kafka, &registry, 37 + 10);
    assert_eq!(
        records.len(),
        37 + 9,
        "nothing produced with the refused schema"
    );

    // The operator relaxes the level and restarts: the row arrives, once.
    let (status, _) = request(
        &registry,
        "PUT",
        "/config/dbserver1.inventory.customers-value",
        Some(&json!({"compatibility": "NONE"})),
    );
    assert_eq!(status, 200);
    let (status, _) = request(
        &connect,
        "POST",
        "/connectors/inventory-connector/restart",
        None,
    );
    assert_eq!(status, 204);
    wait_for_task_state(&connect, "RUNNING");
    let records = consume(&kafka, &registry, 37 + 11);
    let customers = of_table(&records, "customers");
    let alan: Vec<_> = customers
        .iter()
        .filter(|r| r["value"]["after"]["first_name"] == "Alan")
        .collect();
    assert_eq!(alan.len(), 1, "exactly once after the restart");
    assert_eq!(alan[0]["value"]["after"]["vip"], 1);
    drop(server);
}
