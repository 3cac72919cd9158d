//! Apache Kafka 4.4 in KRaft mode for one test: the jars Maven Central serves
//! (`scripts/engines/kafka.pom.xml`, resolved by `scripts/test.sh` into `~/.cache/sluice/kafka-4.4.0/libs`),
//! started with `java -cp … kafka.Kafka` after `kafka.tools.StorageTool format`, on free loopback ports.
//!
//! * [`Kafka::start`] — one combined broker + controller, what most tests need.
//! * [`Kafka::cluster`] — three combined nodes with one controller quorum, replication factor 3 and
//!   `min.insync.replicas=2` by default, for tests that kill a broker ([`Kafka::kill`],
//!   [`Kafka::restart`]) or all of them ([`Kafka::kill_all`], [`Kafka::restart_all`]).
//! * [`Kafka::leader`] and [`Kafka::record_count`] ask the cluster (librdkafka metadata and
//!   watermarks) which node leads a partition and how many records it holds.
//!
//! Each broker JVM gets at most 512 MB of heap and the serial collector: the machines have 2 cores. Every
//! broker is killed when the value is dropped; its data directory goes with it.
//!
//! `SLUICE_KAFKA_LIBS` overrides where the jars are. Nothing here skips: a missing Kafka is a failure
//! naming the script that installs it.

use rdkafka::consumer::{BaseConsumer, Consumer as _};
use std::fmt::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running single broker or cluster; stopped (SIGKILL) and removed when dropped.
#[derive(Debug)]
pub struct Kafka {
    nodes: Vec<Node>,
    _dir: tempfile::TempDir,
}

#[derive(Debug)]
struct Node {
    id: u32,
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
    /// How many times this node was spawned: its log holds one "Kafka Server started" per start.
    starts: usize,
}

/// How long a broker may take to log that it started (cold JVM on a loaded 2-core machine).
const START_TIMEOUT: Duration = Duration::from_secs(90);

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Where the Kafka jars are: `SLUICE_KAFKA_LIBS`, else the cache `scripts/test.sh` fills.
///
/// # Panics
/// If there are no jars there, naming the script that resolves them.
pub fn kafka_libs() -> PathBuf {
    let dir = std::env::var_os("SLUICE_KAFKA_LIBS")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache_dir().join("kafka-4.4.0").join("libs"));
    let has_broker = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("kafka_2.13-"))
        })
        .unwrap_or(false);
    assert!(
        has_broker,
        "Apache Kafka's jars are not in {}: run scripts/test.sh (it resolves them from Maven Central), \
         or point SLUICE_KAFKA_LIBS at them",
        dir.display()
    );
    dir
}

/// `${XDG_CACHE_HOME:-~/.cache}/sluice`, where the scripts keep resolved jars.
pub fn cache_dir() -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from(".cache"))
        .join("sluice")
}

/// The logging configuration shared by the test brokers and Connect workers.
pub fn log4j_config() -> PathBuf {
    crate::workspace_root().join("scripts/engines/log4j2.properties")
}

/// A random KRaft cluster id: 16 bytes, URL-safe base64 without padding (what `kafka-storage
/// random-uuid` prints).
fn cluster_id() -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 16];
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    bytes.copy_from_slice(&(nanos ^ (u128::from(std::process::id()) << 64)).to_le_bytes());
    // The first character must not be `-`: the formatter's argument parser would take it for an
    // option. A clear top bit keeps it in `A`–`f`.
    bytes[0] &= 0x7f;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// `java` with the heap, collector and logging every test JVM (broker, Connect worker) gets, and
/// `libs/*` as its classpath.
pub fn java(libs: &Path) -> Command {
    let mut cmd = Command::new("java");
    cmd.args([
        "-Xms64m",
        "-Xmx512m",
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
    ])
    .arg(format!(
        "-Dlog4j2.configurationFile={}",
        log4j_config().display()
    ))
    .arg("-cp")
    .arg(format!("{}/*", libs.display()));
    cmd
}

impl Kafka {
    /// One combined broker + controller on a free port.
    pub fn start() -> Self {
        Self::start_nodes(1, &[])
    }

    /// Three combined broker + controller nodes: topics default to replication factor 3 and
    /// `min.insync.replicas=2`, so one broker may die without losing an acknowledged write.
    pub fn cluster() -> Self {
        Self::start_nodes(
            3,
            &[
                "default.replication.factor=3",
                "min.insync.replicas=2",
                "offsets.topic.replication.factor=3",
                "transaction.state.log.replication.factor=3",
                "transaction.state.log.min.isr=2",
                "share.coordinator.state.topic.replication.factor=3",
            ],
        )
    }

    fn start_nodes(count: u32, extra: &[&str]) -> Self {
        let libs = kafka_libs();
        let dir = tempfile::tempdir().expect("temp dir for Kafka");
        let ports: Vec<(u16, u16)> = (0..count).map(|_| (free_port(), free_port())).collect();
        let voters = ports
            .iter()
            .enumerate()
            .map(|(i, (_, controller))| format!("{}@127.0.0.1:{controller}", i + 1))
            .collect::<Vec<_>>()
            .join(",");
        let single = count == 1;
        let id = cluster_id();
        let mut nodes = Vec::new();
        let mut formats = Vec::new();
        for (i, (port, controller)) in ports.iter().enumerate() {
            let node_id = u32::try_from(i).expect("few nodes") + 1;
            let node_dir = dir.path().join(format!("node-{node_id}"));
            std::fs::create_dir_all(node_dir.join("data")).expect("node directory");
            let mut props = String::new();
            let _ = write!(
                props,
                "process.roles=broker,controller\n\
                 node.id={node_id}\n\
                 listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller}\n\
                 advertised.listeners=PLAINTEXT://127.0.0.1:{port}\n\
                 controller.listener.names=CONTROLLER\n\
                 listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT\n\
                 controller.quorum.voters={voters}\n\
                 log.dirs={}\n\
                 num.partitions=1\n\
                 group.initial.rebalance.delay.ms=0\n",
                node_dir.join("data").display()
            );
            if single {
                props.push_str(
                    "offsets.topic.replication.factor=1\n\
                     transaction.state.log.replication.factor=1\n\
                     transaction.state.log.min.isr=1\n\
                     share.coordinator.state.topic.replication.factor=1\n",
                );
            }
            for line in extra {
                props.push_str(line);
                props.push('\n');
            }
            let config = node_dir.join("server.properties");
            std::fs::write(&config, props).expect("server.properties");
            let format = java(&libs)
                .args(["kafka.tools.StorageTool", "format"])
                .arg(format!("--cluster-id={id}"))
                .arg("--config")
                .arg(&config)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("java runs (is a JDK installed?)");
            formats.push(format);
            nodes.push(Node {
                id: node_id,
                port: *port,
                dir: node_dir,
                child: None,
                starts: 0,
            });
        }
        for format in formats {
            let out = format
                .wait_with_output()
                .expect("the storage formatter ends");
            assert!(
                out.status.success(),
                "formatting Kafka's storage failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let mut kafka = Self { nodes, _dir: dir };
        for i in 0..kafka.nodes.len() {
            kafka.spawn(i);
        }
        for i in 0..kafka.nodes.len() {
            kafka.wait_started(i);
        }
        kafka
    }

    fn spawn(&mut self, index: usize) {
        let libs = kafka_libs();
        let node = &mut self.nodes[index];
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(node.dir.join("kafka.log"))
            .expect("broker log file");
        let child = java(&libs)
            .arg(format!("-Dkafka.logs.dir={}", node.dir.display()))
            .arg("kafka.Kafka")
            .arg(node.dir.join("server.properties"))
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log)
            .spawn()
            .expect("the Kafka broker starts");
        node.child = Some(child);
        node.starts += 1;
    }

    /// Waits for the node's latest "Kafka Server started" line.
    fn wait_started(&mut self, index: usize) {
        let node = &mut self.nodes[index];
        let log = node.dir.join("kafka.log");
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if text.matches("Kafka Server started").count() >= node.starts {
                return;
            }
            if let Some(child) = node.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                panic!(
                    "Kafka node {} exited ({status}) while starting:\n{}",
                    node.id,
                    tail(&text, 40)
                );
            }
            assert!(
                Instant::now() < deadline,
                "Kafka node {} did not start within {START_TIMEOUT:?}:\n{}",
                node.id,
                tail(&text, 40)
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `bootstrap.servers` for clients: every live node.
    pub fn bootstrap(&self) -> String {
        self.nodes
            .iter()
            .map(|n| format!("127.0.0.1:{}", n.port))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// How many nodes the cluster has.
    pub fn size(&self) -> usize {
        self.nodes.len()
    }

    /// Kills node `index` (0-based) with SIGKILL, as a crash would.
    pub fn kill(&mut self, index: usize) {
        if let Some(mut child) = self.nodes[index].child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts node `index` again on its old ports and data, and waits until it is up.
    ///
    /// In a cluster, the node needs a controller quorum to start: at least one other node must
    /// be running (use [`Kafka::restart_all`] after [`Kafka::kill_all`]).
    pub fn restart(&mut self, index: usize) {
        assert!(
            self.nodes[index].child.is_none(),
            "node {index} is still running: kill it first"
        );
        self.spawn(index);
        self.wait_started(index);
    }

    /// Kills every node with SIGKILL, as a power cut would.
    pub fn kill_all(&mut self) {
        for i in 0..self.nodes.len() {
            self.kill(i);
        }
    }

    /// Starts every killed node again, all at once (a lone KRaft node cannot form a quorum),
    /// and waits until each is up.
    pub fn restart_all(&mut self) {
        let down: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| self.nodes[i].child.is_none())
            .collect();
        for &i in &down {
            self.spawn(i);
        }
        for &i in &down {
            self.wait_started(i);
        }
    }

    /// The index (0-based, as [`Kafka::kill`] takes it) of the node leading `topic`'s
    /// `partition`, or `None` while the topic is unknown, the partition has no leader, or no
    /// broker answers within 5 s.
    pub fn leader(&self, topic: &str, partition: i32) -> Option<usize> {
        let (leader, _) = self.partition_state(topic, partition)?;
        self.index_of(leader)
    }

    /// The indexes of the nodes in `partition`'s in-sync replica set (empty when unknown).
    pub fn in_sync(&self, topic: &str, partition: i32) -> Vec<usize> {
        self.partition_state(topic, partition)
            .map(|(_, isr)| isr.into_iter().filter_map(|id| self.index_of(id)).collect())
            .unwrap_or_default()
    }

    /// Leader and in-sync replicas (broker ids) of a partition, from a metadata request.
    fn partition_state(&self, topic: &str, partition: i32) -> Option<(i32, Vec<i32>)> {
        let metadata = self
            .client()
            .fetch_metadata(Some(topic), Duration::from_secs(5))
            .ok()?;
        let found = metadata
            .topics()
            .iter()
            .find(|t| t.name() == topic && t.error().is_none())?
            .partitions()
            .iter()
            .find(|p| p.id() == partition)?;
        Some((found.leader(), found.isr().to_vec()))
    }

    /// The index of the node with broker id `id`.
    fn index_of(&self, id: i32) -> Option<usize> {
        self.nodes
            .iter()
            .position(|n| i64::from(n.id) == i64::from(id))
    }

    /// How many records `topic`'s `partition` holds: high watermark minus log start offset.
    /// Exact for topics written without transactions (no control records) and never
    /// compacted or truncated, as in the tests.
    ///
    /// # Panics
    /// If no broker answers within 10 s.
    pub fn record_count(&self, topic: &str, partition: i32) -> u64 {
        let (low, high) = self
            .client()
            .fetch_watermarks(topic, partition, Duration::from_secs(10))
            .unwrap_or_else(|e| panic!("watermarks of {topic}/{partition}: {e}"));
        u64::try_from(high - low).expect("high watermark >= low")
    }

    /// A throw-away librdkafka client for metadata requests.
    fn client(&self) -> BaseConsumer {
        rdkafka::ClientConfig::new()
            .set("bootstrap.servers", self.bootstrap())
            .create()
            .expect("a librdkafka client")
    }

    /// The last lines of node `index`'s log, for assertion messages.
    pub fn log_tail(&self, index: usize, lines: usize) -> String {
        let text =
            std::fs::read_to_string(self.nodes[index].dir.join("kafka.log")).unwrap_or_default();
        tail(&text, lines)
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

impl Drop for Kafka {
    fn drop(&mut self) {
        self.kill_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    #[test]
    fn cluster_ids_are_sixteen_bytes_and_never_look_like_an_option() {
        for _ in 0..200 {
            let id = cluster_id();
            assert!(!id.starts_with('-'), "{id}");
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(&id)
                .expect("URL-safe base64");
            assert_eq!(bytes.len(), 16, "{id}");
        }
    }
}
