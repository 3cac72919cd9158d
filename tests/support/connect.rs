//! A real Kafka Connect worker running Debezium 3.6.1's MySQL connector, the system Sluice
//! replaces, for the differential tests: Connect 4.3.0 in standalone mode
//! (`org.apache.kafka.connect.cli.ConnectStandalone worker.properties connector.properties`) with
//! `JsonConverter` and `schemas.enable=true`, so every record carries the Connect schema that
//! Confluent's AvroConverter would have turned into Avro.
//!
//! The jars are what `scripts/engines/connect-debezium.pom.xml` resolves (`source
//! scripts/engines/lib.sh; ensure_debezium`, run by `scripts/test.sh`): `SLUICE_CONNECT_LIBS`, else
//! `~/.cache/sluice/connect-debezium-3.6.1/libs`. A missing jar directory is a failure naming that
//! script, never a skip.
//!
//! # Running the MySQL connector against MariaDB 10.11
//!
//! `debezium-connector-mariadb` is not on Maven Central, so MariaDB is read with the MySQL connector:
//!
//! * the server must be started with [`MARIADB_VERSION_OPTION`]: `BinlogConnectorConnection` picks
//!   `SHOW BINARY LOG STATUS` (MySQL 8.4's spelling, unknown to MariaDB) unless the version string
//!   looks like MySQL 8.0;
//! * [`debezium_config`] adds MariaDB's JDBC driver and protocol (Connector/J 9 sets
//!   `transaction_isolation`, which MariaDB 10.11 lacks), `database.ssl.mode=disabled`, and a
//!   positive `snapshot.fetch.size` (MariaDB's driver refuses MySQL's `Integer.MIN_VALUE`
//!   streaming fetch size);
//! * the worker finds the connector through `plugin.discovery=service_load` with every jar on the
//!   class path and `plugin.path` an empty directory.
//!
//! The JVM gets at most 512 MB of heap and the serial collector (2-core machines); it is killed
//! when the [`ConnectWorker`] is dropped.

use crate::{Kafka, MariaDb};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// The `mariadbd` option that makes MariaDB 10.11 look like MySQL 8.0 to Debezium's MySQL
/// connector (Sluice still sees `MariaDB` in the version text).
pub const MARIADB_VERSION_OPTION: &str = "--version=8.0.40-MariaDB-10.11";

/// How long a cold worker may take to log "Kafka Connect started" on a loaded 2-core machine.
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// Where the Connect + Debezium jars are: `SLUICE_CONNECT_LIBS`, else the cache `scripts/test.sh`
/// fills.
///
/// # Panics
/// If Debezium's MySQL connector is not there, naming the script that resolves it.
pub fn connect_libs() -> PathBuf {
    let dir = std::env::var_os("SLUICE_CONNECT_LIBS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            crate::kafka::cache_dir()
                .join("connect-debezium-3.6.1")
                .join("libs")
        });
    let has_connector = std::fs::read_dir(&dir)
        .map(|entries| {
            entries.flatten().any(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("debezium-connector-mysql-")
            })
        })
        .unwrap_or(false);
    assert!(
        has_connector,
        "Kafka Connect and Debezium's jars are not in {}: run scripts/test.sh (it resolves them from \
         Maven Central), or point SLUICE_CONNECT_LIBS at them",
        dir.display()
    );
    dir
}

/// The Debezium MySQL connector config for `database` on `db`, with the settings MariaDB needs
/// (see the module docs) and the schema history on `kafka`. Extra settings go on top.
pub fn debezium_config(
    db: &MariaDb,
    kafka: &Kafka,
    name: &str,
    server_id: u32,
    prefix: &str,
    database: &str,
) -> BTreeMap<String, String> {
    [
        ("name", name.to_owned()),
        (
            "connector.class",
            "io.debezium.connector.mysql.MySqlConnector".into(),
        ),
        ("tasks.max", "1".into()),
        ("database.hostname", "127.0.0.1".into()),
        ("database.port", db.port().to_string()),
        ("database.user", crate::mariadb::USER.into()),
        ("database.password", crate::mariadb::PASSWORD.into()),
        ("database.server.id", server_id.to_string()),
        ("topic.prefix", prefix.into()),
        ("database.include.list", database.into()),
        ("database.jdbc.driver", "org.mariadb.jdbc.Driver".into()),
        ("database.protocol", "jdbc:mariadb".into()),
        ("database.ssl.mode", "disabled".into()),
        ("snapshot.fetch.size", "10000".into()),
        (
            "schema.history.internal.kafka.bootstrap.servers",
            kafka.bootstrap(),
        ),
        (
            "schema.history.internal.kafka.topic",
            format!("{prefix}-schema-history"),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// A running standalone Connect worker with one connector; killed when dropped.
#[derive(Debug)]
pub struct ConnectWorker {
    child: Child,
    dir: tempfile::TempDir,
    rest: String,
    name: String,
}

impl ConnectWorker {
    /// Starts a worker against `kafka` running `connector` (a [`debezium_config`], possibly
    /// extended), and waits until it logged "Kafka Connect started".
    ///
    /// # Panics
    /// If the jars are missing, or the worker exits or does not start in time (with its log).
    pub fn start(kafka: &Kafka, connector: &BTreeMap<String, String>) -> Self {
        let libs = connect_libs();
        let dir = tempfile::tempdir().expect("temp dir for Kafka Connect");
        let plugins = dir.path().join("plugins");
        std::fs::create_dir_all(&plugins).expect("empty plugin.path directory");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free loopback port");
        let mut worker = String::new();
        let _ = write!(
            worker,
            "bootstrap.servers={}\n\
             key.converter=org.apache.kafka.connect.json.JsonConverter\n\
             value.converter=org.apache.kafka.connect.json.JsonConverter\n\
             key.converter.schemas.enable=true\n\
             value.converter.schemas.enable=true\n\
             offset.storage.file.filename={}\n\
             offset.flush.interval.ms=1000\n\
             listeners=http://127.0.0.1:{port}\n\
             plugin.path={}\n\
             plugin.discovery=service_load\n",
            kafka.bootstrap(),
            dir.path().join("offsets").display(),
            plugins.display(),
        );
        let worker_file = dir.path().join("worker.properties");
        std::fs::write(&worker_file, worker).expect("worker.properties");
        let connector_text: String = connector
            .iter()
            .map(|(k, v)| format!("{k}={}\n", v.replace('\\', "\\\\")))
            .collect();
        let connector_file = dir.path().join("connector.properties");
        std::fs::write(&connector_file, connector_text).expect("connector.properties");
        let log_path = dir.path().join("connect.log");
        let log = std::fs::File::create(&log_path).expect("Connect log file");
        let child = crate::kafka::java(&libs)
            .arg("org.apache.kafka.connect.cli.ConnectStandalone")
            .arg(&worker_file)
            .arg(&connector_file)
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .expect("java runs (is a JDK installed?)");
        let mut connect = Self {
            child,
            dir,
            rest: format!("http://127.0.0.1:{port}"),
            name: connector.get("name").cloned().unwrap_or_default(),
        };
        connect.wait_for_log("Kafka Connect started", START_TIMEOUT);
        connect
    }

    /// Waits until the worker's log contains `text`.
    ///
    /// # Panics
    /// If the worker exits first or `timeout` passes, with the log's tail.
    pub fn wait_for_log(&mut self, text: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let log = self.log();
            if log.contains(text) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "Kafka Connect exited ({status}) before logging {text:?}:\n{}",
                    tail(&log, 60)
                );
            }
            assert!(
                Instant::now() < deadline,
                "Kafka Connect did not log {text:?} within {timeout:?}:\n{}",
                tail(&log, 60)
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The base URL of the worker's REST API.
    pub fn rest_url(&self) -> &str {
        &self.rest
    }

    /// Waits until the connector's task is `RUNNING` (`GET /connectors/{name}/status`).
    ///
    /// # Panics
    /// If the task FAILED (with its trace) or is not running within `timeout`.
    pub fn wait_running(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let body = self.get(&format!("/connectors/{}/status", self.name));
            let state = &body["tasks"][0]["state"];
            if state == "RUNNING" {
                return;
            }
            assert!(
                state != "FAILED",
                "Debezium's task failed: {}",
                body["tasks"][0]["trace"]
            );
            assert!(
                Instant::now() < deadline,
                "Debezium's task is not running after {timeout:?}: {body}\n{}",
                tail(&self.log(), 60)
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// `GET path` on the REST API as JSON (`null` when the worker does not answer 200); Connect
    /// answers only `Accept: application/json`.
    pub fn get(&self, path: &str) -> serde_json::Value {
        ureq::get(&format!("{}{path}", self.rest))
            .set("Accept", "application/json")
            .call()
            .ok()
            .and_then(|r| r.into_json().ok())
            .unwrap_or_default()
    }

    /// The worker's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("connect.log")).unwrap_or_default()
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

impl Drop for ConnectWorker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
