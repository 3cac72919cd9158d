//! `heartbeat.interval.ms`: an idle connector emits Debezium heartbeats on
//! `__debezium-heartbeat.<prefix>`, Avro-encoded with registered schemas.

use serde_json::json;
use sluice_e2e::{MariaDb, SluiceServer, Tansu, request};
use std::net::TcpListener;

#[test]
fn idle_connector_emits_heartbeats() {
    let db = MariaDb::start();
    db.root("CREATE DATABASE h; CREATE TABLE h.t (id INT PRIMARY KEY); INSERT INTO h.t VALUES (1)");
    let kafka = Tansu::start();
    let connect_addr = format!(
        "127.0.0.1:{}",
        TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("free port")
    );
    let server = SluiceServer::start(&[
        "--kafka",
        &kafka.bootstrap(),
        "--connect-listen",
        &connect_addr,
    ]);
    let connect = format!("http://{connect_addr}");
    let config = json!({
        "connector.class": "io.debezium.connector.mysql.MySqlConnector",
        "database.hostname": "127.0.0.1",
        "database.port": db.port().to_string(),
        "database.user": sluice_e2e::mariadb::USER,
        "database.password": sluice_e2e::mariadb::PASSWORD,
        "database.server.id": "5601",
        "topic.prefix": "hbsrv",
        "database.include.list": "h",
        "heartbeat.interval.ms": "300",
    });
    let (status, body) = request(
        &connect,
        "POST",
        "/connectors",
        Some(&json!({"name": "hb", "config": config})),
    );
    assert_eq!(status, 201, "{body}");
    let beats = sluice_e2e::consumer::consume(
        &kafka.bootstrap(),
        server.base_url(),
        &["__debezium-heartbeat.hbsrv"],
        3,
        60,
    );
    assert_eq!(beats.len(), 3, "three heartbeats while idle: {beats:?}");
    for beat in &beats {
        assert_eq!(beat["key"]["serverName"], "hbsrv");
        assert!(
            beat["value"]["ts_ms"].as_i64().is_some_and(|t| t > 0),
            "{beat}"
        );
    }
    let (_, subjects) = request(server.base_url(), "GET", "/subjects", None);
    assert!(
        subjects
            .to_string()
            .contains("__debezium-heartbeat.hbsrv-value"),
        "{subjects}"
    );
}
