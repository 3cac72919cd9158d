//! The capture stack for end-to-end tests: a private MariaDB, a tansu broker and `sluice serve`
//! with the Kafka Connect API, plus the base of a Debezium connector config pointed at them.

use crate::{MariaDb, SluiceServer, Tansu, request};
use serde_json::{Value, json};
use std::net::TcpListener;

/// MariaDB + tansu + sluice, stopped when dropped.
#[derive(Debug)]
pub struct CaptureStack {
    pub db: MariaDb,
    pub kafka: Tansu,
    pub server: SluiceServer,
    /// Base URL of the Kafka Connect API.
    pub connect: String,
}

impl CaptureStack {
    /// Starts the three servers after running `setup_sql` (as root) on the database.
    pub fn start(setup_sql: &str) -> Self {
        let db = MariaDb::start();
        if !setup_sql.is_empty() {
            db.root(setup_sql);
        }
        let kafka = Tansu::start();
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("free port");
        let connect_addr = format!("127.0.0.1:{port}");
        let server = SluiceServer::start(&[
            "--kafka",
            &kafka.bootstrap(),
            "--connect-listen",
            &connect_addr,
        ]);
        Self {
            db,
            kafka,
            server,
            connect: format!("http://{connect_addr}"),
        }
    }

    /// A Debezium MySQL connector config for this database: `prefix` topics, `database` captured.
    pub fn connector_config(&self, server_id: u32, prefix: &str, database: &str) -> Value {
        json!({
            "connector.class": "io.debezium.connector.mysql.MySqlConnector",
            "database.hostname": "127.0.0.1",
            "database.port": self.db.port().to_string(),
            "database.user": crate::mariadb::USER,
            "database.password": crate::mariadb::PASSWORD,
            "database.server.id": server_id.to_string(),
            "topic.prefix": prefix,
            "database.include.list": database,
        })
    }

    /// Registers connector `name` with `config`; panics unless Connect answers 201.
    pub fn create_connector(&self, name: &str, config: &Value) {
        let (status, body) = request(
            &self.connect,
            "POST",
            "/connectors",
            Some(&json!({"name": name, "config": config})),
        );
        assert_eq!(status, 201, "{body}");
    }

    /// Reads `topics` from the start (see [`crate::consumer::consume`]).
    pub fn consume(&self, topics: &[&str], count: usize, seconds: u32) -> Vec<Value> {
        crate::consumer::consume(
            &self.kafka.bootstrap(),
            self.server.base_url(),
            topics,
            count,
            seconds,
        )
    }
}
