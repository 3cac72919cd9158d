//! The capture stack for end-to-end tests: a private MariaDB, a Kafka broker and `sluice serve`
//! with the Kafka Connect API, plus the base of a Debezium connector config pointed at them.

use crate::{Kafka, MariaDb, SluiceServer, request};
use serde_json::{Value, json};
use std::net::TcpListener;
use std::time::{Duration, Instant};

/// MariaDB + Kafka + sluice, stopped when dropped.
#[derive(Debug)]
pub struct CaptureStack {
    pub db: MariaDb,
    pub kafka: Kafka,
    pub server: SluiceServer,
    /// Base URL of the Kafka Connect API.
    pub connect: String,
}

impl CaptureStack {
    /// Starts the three servers (a single Kafka broker) after running `setup_sql` (as root) on
    /// the database.
    pub fn start(setup_sql: &str) -> Self {
        Self::start_on(Kafka::start(), setup_sql)
    }

    /// Like [`CaptureStack::start`], on a running `kafka` (e.g. a [`Kafka::cluster`]).
    pub fn start_on(kafka: Kafka, setup_sql: &str) -> Self {
        let db = MariaDb::start();
        if !setup_sql.is_empty() {
            db.root(setup_sql);
        }
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

    /// The state of connector `name`'s task (`RUNNING`, `FAILED`, …), as
    /// `GET /connectors/{name}/status` shows it.
    pub fn task_state(&self, name: &str) -> Value {
        let (_, body) = request(
            &self.connect,
            "GET",
            &format!("/connectors/{name}/status"),
            None,
        );
        body["tasks"][0]["state"].clone()
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

    /// The committed offset of connector `name`, as `GET /connectors/{name}/offsets` shows it
    /// (`null` before the first commit).
    pub fn committed_offset(&self, name: &str) -> Value {
        let (_, body) = request(
            &self.connect,
            "GET",
            &format!("/connectors/{name}/offsets"),
            None,
        );
        body["offsets"][0]["offset"].clone()
    }

    /// Waits up to `seconds` until the committed offset of `name` satisfies `done`; returns it.
    pub fn wait_offset(&self, name: &str, seconds: u64, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        loop {
            let offset = self.committed_offset(name);
            if done(&offset) {
                return offset;
            }
            assert!(
                Instant::now() < deadline,
                "the committed offset of {name} is still {offset} after {seconds} s; sluice log:\n{}",
                self.server.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `SHOW MASTER STATUS`: the binlog file and position where the next transaction starts.
    pub fn binlog_position(&self) -> (String, u64) {
        let status = self.db.root("SHOW MASTER STATUS");
        let mut fields = status.split('\t');
        let file = fields.next().unwrap_or_default().to_owned();
        let pos = fields
            .next()
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("SHOW MASTER STATUS without a position: {status}"));
        (file, pos)
    }

    /// Replaces the committed offset of connector `name` in the stopped server's store
    /// (`<data-dir>/capture.db`), as a crash after committing `offset` would have left it.
    ///
    /// # Panics
    /// If the store cannot be written (the server must be stopped first).
    pub fn overwrite_offset(&self, name: &str, offset: &Value) {
        use sqlx::Connection as _;
        let path = self.server.data_dir().join("capture.db");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        runtime.block_on(async {
            let url = format!("sqlite://{}", path.display());
            let mut conn = sqlx::SqliteConnection::connect(&url)
                .await
                .unwrap_or_else(|e| panic!("opening {}: {e}", path.display()));
            let updated = sqlx::query("UPDATE offsets SET offset = ?1 WHERE connector = ?2")
                .bind(offset.to_string())
                .bind(name)
                .execute(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("writing the offset of {name}: {e}"));
            assert_eq!(
                updated.rows_affected(),
                1,
                "no committed offset of {name} to replace"
            );
            conn.close().await.expect("closing the store");
        });
    }
}
