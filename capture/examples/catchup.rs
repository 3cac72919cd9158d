//! Capture throughput driver for `scripts/bench-capture.sh`.
//!
//! ```text
//! catchup run SINK DB_PORT REGISTRY_URL MODE ROWS DATA_DIR
//!     SINK: `discard` or a Kafka bootstrap address (`127.0.0.1:9092`)
//!     MODE: `no_data` (streaming catch-up only) or `initial` (snapshot)
//! catchup produce BOOTSTRAP RECORDS SIZE
//!     the broker's own ingest ceiling: RECORDS records of SIZE bytes, same producer settings
//! ```
//!
//! `run` starts a connector manager with one connector on database `bench`, waits until the
//! sink has acknowledged `ROWS` records, and prints the rate and the peak resident memory.
//!
//! Environment: `BENCH_PREFIX` is the connector's `topic.prefix` (default `bench<pid>`);
//! `BENCH_WRITE_CMD` makes it a catch-up run (see below); `BENCH_START_FILE`, if set, receives
//! the wall-clock start (seconds since the epoch) the moment the timed part begins, so that an
//! outside observer (`bench/ack_watch.py`) can time the same interval by the topic's end offsets.

// A command-line benchmark: its output is the point.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use sluice_capture::config::{ConnectorConfig, RawConfig};
use sluice_capture::connect::{ConnectorManager, WorkerInfo};
use sluice_capture::error::CaptureError;
use sluice_capture::pipeline::{CaptureRunner, RegistryFactory, SinkFactory};
use sluice_capture::sink::{DiscardSink, KafkaSettings, KafkaSink, RecordSink};
use sluice_capture::store::CaptureStore;
use sluice_registry_client::HttpRegistryClient;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

type Error = Box<dyn std::error::Error>;

/// Resident memory of this process in KiB (`VmRSS`).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn arg(args: &[String], i: usize, what: &str) -> Result<String, Error> {
    args.get(i)
        .cloned()
        .ok_or_else(|| format!("missing argument {i}: {what}").into())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("run") => {
            let sink = arg(&args, 2, "sink")?;
            let db_port = arg(&args, 3, "db port")?;
            let registry = arg(&args, 4, "registry url")?;
            let mode = arg(&args, 5, "snapshot mode")?;
            let rows: u64 = arg(&args, 6, "rows")?.parse()?;
            let dir = arg(&args, 7, "data dir")?;
            let bench = Bench {
                db_port,
                registry,
                mode,
                rows,
                dir,
            };
            if sink == "discard" {
                let sink = Arc::new(DiscardSink::default());
                let probe = Arc::clone(&sink);
                let bytes = Arc::clone(&sink);
                bench
                    .run(Arc::new(move || Ok(Arc::clone(&sink))), move || {
                        probe.acked_through().unwrap_or(0)
                    })
                    .await?;
                println!("  discard_sink_bytes={}", bytes.bytes());
                Ok(())
            } else {
                let sink = Arc::new(KafkaSink::connect(&KafkaSettings::new(sink))?);
                let probe = Arc::clone(&sink);
                bench
                    .run(Arc::new(move || Ok(Arc::clone(&sink))), move || {
                        probe.acked_through().unwrap_or(0)
                    })
                    .await
            }
        }
        Some("produce") => {
            let bootstrap = arg(&args, 2, "bootstrap")?;
            let records: usize = arg(&args, 3, "records")?.parse()?;
            let size: usize = arg(&args, 4, "size")?.parse()?;
            produce(&bootstrap, records, size).await
        }
        _ => Err("usage: catchup run SINK DB_PORT REGISTRY_URL MODE ROWS DATA_DIR | catchup produce BOOTSTRAP RECORDS SIZE".into()),
    }
}

struct Bench {
    db_port: String,
    registry: String,
    mode: String,
    rows: u64,
    dir: String,
}

impl Bench {
    async fn run<S: RecordSink + 'static>(
        self,
        sink: SinkFactory<S>,
        acked: impl Fn() -> u64,
    ) -> Result<(), Error> {
        std::fs::create_dir_all(&self.dir)?;
        let store = CaptureStore::open(Path::new(&self.dir)).await?;
        let registry: RegistryFactory<HttpRegistryClient> = Arc::new(|config: &ConnectorConfig| {
            let urls = config
                .value_converter
                .schema_registry_urls
                .clone()
                .unwrap_or_default();
            HttpRegistryClient::new(urls, None)
                .map_err(|e| CaptureError::Definite(format!("registry client: {e}")))
        });
        let runner = Arc::new(CaptureRunner::new(store.clone(), registry, sink));
        let worker = WorkerInfo {
            worker_id: "bench".to_owned(),
            kafka_cluster_id: "sluice".to_owned(),
        };
        let manager = ConnectorManager::start(store, runner, worker).await?;
        let prefix = std::env::var("BENCH_PREFIX")
            .unwrap_or_else(|_| format!("bench{}", std::process::id()));
        let raw: RawConfig = [
            (
                "connector.class",
                "io.debezium.connector.mysql.MySqlConnector",
            ),
            ("database.hostname", "127.0.0.1"),
            ("database.port", &self.db_port),
            ("database.user", "sluice"),
            ("database.password", "sluice-pw"),
            ("database.server.id", "184054"),
            ("topic.prefix", &prefix),
            ("database.include.list", "bench"),
            ("snapshot.mode", &self.mode),
            // Exactly one record per row: no schema-change records on the prefix topic.
            ("include.schema.changes", "false"),
            ("key.converter", "io.confluent.connect.avro.AvroConverter"),
            ("value.converter", "io.confluent.connect.avro.AvroConverter"),
            ("key.converter.schema.registry.url", &self.registry),
            ("value.converter.schema.registry.url", &self.registry),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();

        let start = if let Ok(write) = std::env::var("BENCH_WRITE_CMD") {
            // Catch-up: reach streaming on the empty binlog tail, pause, write the rows while
            // paused, then resume: the task starts from its committed offset behind them.
            manager.create("bench", raw).await?;
            while manager.offset("bench").await?.is_none() {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
            manager.set_paused("bench", true).await?;
            eprintln!(
                "  paused at {:?}; writing rows",
                manager.offset("bench").await?
            );
            let status = std::process::Command::new("bash")
                .arg("-c")
                .arg(&write)
                .status()?;
            if !status.success() {
                return Err(format!("BENCH_WRITE_CMD failed: {status}").into());
            }
            let start = mark_start()?;
            manager.set_paused("bench", false).await?;
            start
        } else {
            let start = mark_start()?;
            manager.create("bench", raw).await?;
            start
        };
        let mut first: Option<Instant> = None;
        let mut peak = rss_kib();
        let mut last_print = Instant::now();
        loop {
            tokio::time::sleep(Duration::from_millis(20)).await;
            peak = peak.max(rss_kib());
            let done = acked();
            if first.is_none() && done > 0 {
                first = Some(Instant::now());
            }
            if done >= self.rows {
                break;
            }
            let view = manager.view("bench")?;
            if let Some(trace) = &view.task.trace {
                return Err(format!("task failed: {trace}").into());
            }
            if last_print.elapsed() > Duration::from_secs(5) {
                eprintln!(
                    "  … {done} records acked after {:.1} s, rss {} MiB, task {:?}",
                    start.elapsed().as_secs_f64(),
                    rss_kib() / 1024,
                    view.task.state
                );
                last_print = Instant::now();
            }
            if start.elapsed() > Duration::from_secs(900) {
                return Err(format!("timed out with {done} records acked").into());
            }
        }
        let end = Instant::now();
        let total = end - start;
        let from_first = end - first.unwrap_or(start);
        let done = acked();
        println!(
            "mode={} records={done} total_s={:.3} rows_per_s={:.0} from_first_record_s={:.3} rows_per_s_from_first={:.0} peak_rss_mib={:.1}",
            self.mode,
            total.as_secs_f64(),
            self.rows as f64 / total.as_secs_f64(),
            from_first.as_secs_f64(),
            self.rows as f64 / from_first.as_secs_f64(),
            peak as f64 / 1024.0
        );
        manager.shutdown().await;
        Ok(())
    }
}

/// The start of the timed part, also written to `BENCH_START_FILE` (epoch seconds) if set.
fn mark_start() -> Result<Instant, Error> {
    let start = Instant::now();
    if let Ok(path) = std::env::var("BENCH_START_FILE") {
        let epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
        std::fs::write(&path, format!("{:.6}\n", epoch.as_secs_f64()))?;
    }
    Ok(start)
}

/// Sends `records` records of `size` bytes with the sink's producer settings and waits for
/// every acknowledgement.
async fn produce(bootstrap: &str, records: usize, size: usize) -> Result<(), Error> {
    let producer: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("compression.type", "lz4")
        .set("linger.ms", "5")
        .set("batch.num.messages", "10000")
        .set("queue.buffering.max.messages", "100000")
        .set("queue.buffering.max.kbytes", "65536")
        .set("message.timeout.ms", "300000")
        .create()?;
    let topic = format!("produce-bench-{}", std::process::id());
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()?;
    for result in admin
        .create_topics(
            &[NewTopic::new(&topic, 1, TopicReplication::Fixed(-1))],
            &AdminOptions::new(),
        )
        .await?
    {
        result.map_err(|(t, e)| format!("cannot create topic {t}: {e}"))?;
    }
    // Varying payloads so lz4 does not compress them to nothing.
    let payloads: Vec<Vec<u8>> = (0..1024u32)
        .map(|i| {
            (0..size)
                .map(|j| {
                    (i.wrapping_mul(2_654_435_761).rotate_left(j as u32 % 32) ^ j as u32) as u8
                })
                .collect()
        })
        .collect();
    let start = Instant::now();
    for i in 0..records {
        let key = (i as u64).to_be_bytes();
        let mut record = BaseRecord::to(&topic)
            .key(&key[..])
            .payload(&payloads[i % payloads.len()]);
        loop {
            match producer.send(record) {
                Ok(()) => break,
                Err((_, back)) => {
                    record = back;
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
        }
    }
    producer.flush(Duration::from_secs(300))?;
    let total = start.elapsed();
    println!(
        "records={records} size={size} total_s={:.3} records_per_s={:.0}",
        total.as_secs_f64(),
        records as f64 / total.as_secs_f64()
    );
    Ok(())
}
