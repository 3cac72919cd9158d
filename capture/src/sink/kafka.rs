//! The Kafka sink: librdkafka's idempotent producer (`acks=all`), acknowledgements tracked by
//! sequence number.
//!
//! Each record carries its sequence number as librdkafka's delivery opaque (a plain `usize`,
//! no allocation); the delivery callback, on librdkafka's polling thread, feeds the
//! [`AckTracker`]. When librdkafka's queue is full (`queue.buffering.max.messages`/`kbytes`),
//! [`KafkaSink::send`] sleeps briefly and retries: this is how a slow broker slows the binlog
//! reader down.

use super::{AckTracker, Record, RecordSink, SinkError};
use rdkafka::ClientContext;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::DeliveryResult;
use rdkafka::producer::{BaseRecord, Producer, ProducerContext, ThreadedProducer};
use std::sync::Arc;
use std::time::Duration;

/// How to reach Kafka and how to produce.
#[derive(Debug, Clone)]
pub struct KafkaSettings {
    /// `bootstrap.servers`.
    pub bootstrap_servers: String,
    /// Partitions of topics Sluice creates (Connect's `topic.creation.default.partitions`).
    pub topic_partitions: i32,
    /// Replication factor of topics Sluice creates; -1 = the broker's default.
    pub topic_replication: i32,
    /// `compression.type`: none, gzip, snappy, lz4 (zstd needs a librdkafka built with it).
    pub compression: String,
    /// Extra librdkafka properties (`producer.override.*`-style), applied last.
    pub extra: Vec<(String, String)>,
}

impl KafkaSettings {
    pub fn new(bootstrap_servers: impl Into<String>) -> Self {
        Self {
            bootstrap_servers: bootstrap_servers.into(),
            topic_partitions: 1,
            topic_replication: -1,
            compression: "lz4".to_owned(),
            extra: Vec::new(),
        }
    }
}

/// Routes librdkafka's delivery reports to the tracker.
#[derive(Debug)]
struct AckContext {
    acks: Arc<AckTracker>,
}

impl ClientContext for AckContext {}

impl ProducerContext for AckContext {
    type DeliveryOpaque = usize;

    fn delivery(&self, result: &DeliveryResult<'_>, seq: usize) {
        match result {
            Ok(_) => self.acks.ack(seq as u64),
            Err((e, _)) => self.acks.fail(SinkError::Delivery {
                seq: seq as u64,
                reason: e.to_string(),
            }),
        }
    }
}

/// Produces change records to Kafka.
pub struct KafkaSink {
    producer: ThreadedProducer<AckContext>,
    admin: AdminClient<DefaultClientContext>,
    acks: Arc<AckTracker>,
    partitions: i32,
    replication: i32,
}

impl std::fmt::Debug for KafkaSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KafkaSink")
            .field("in_flight", &self.producer.in_flight_count())
            .finish_non_exhaustive()
    }
}

impl KafkaSink {
    /// Creates an idempotent producer (`enable.idempotence=true`, `acks=all`).
    pub fn connect(settings: &KafkaSettings) -> Result<Self, SinkError> {
        let mut config = ClientConfig::new();
        config
            .set("bootstrap.servers", &settings.bootstrap_servers)
            .set("enable.idempotence", "true")
            .set("acks", "all")
            .set("compression.type", &settings.compression)
            .set("linger.ms", "5")
            .set("batch.num.messages", "10000")
            .set("queue.buffering.max.messages", "100000")
            .set("queue.buffering.max.kbytes", "65536")
            .set("message.timeout.ms", "300000");
        for (k, v) in &settings.extra {
            config.set(k, v);
        }
        let acks = Arc::new(AckTracker::default());
        let producer = config
            .create_with_context(AckContext {
                acks: Arc::clone(&acks),
            })
            .map_err(|e| SinkError::Create(e.to_string()))?;
        let admin = ClientConfig::new()
            .set("bootstrap.servers", &settings.bootstrap_servers)
            .create()
            .map_err(|e| SinkError::Create(e.to_string()))?;
        Ok(Self {
            producer,
            admin,
            acks,
            partitions: settings.topic_partitions,
            replication: settings.topic_replication,
        })
    }

    /// Checks that the brokers answer a metadata request within `timeout`.
    pub async fn healthcheck(&self, timeout: Duration) -> Result<(), SinkError> {
        let producer = self.producer.clone();
        tokio::task::spawn_blocking(move || {
            producer
                .client()
                .fetch_metadata(None, timeout)
                .map(drop)
                .map_err(|e| SinkError::Unreachable(e.to_string()))
        })
        .await
        .map_err(|e| SinkError::Unreachable(e.to_string()))?
    }
}

impl KafkaSink {
    async fn create_topic(&self, topic: &str, replication: i32) -> Result<(), RDKafkaErrorCode> {
        let new = NewTopic::new(topic, self.partitions, TopicReplication::Fixed(replication));
        let options = AdminOptions::new().request_timeout(Some(Duration::from_secs(30)));
        let results = self
            .admin
            .create_topics([&new], &options)
            .await
            .map_err(|e| e.rdkafka_error_code().unwrap_or(RDKafkaErrorCode::Fail))?;
        match results.into_iter().next() {
            Some(Err((_, RDKafkaErrorCode::TopicAlreadyExists))) | Some(Ok(_)) | None => Ok(()),
            Some(Err((_, code))) => Err(code),
        }
    }
}

impl RecordSink for KafkaSink {
    async fn ensure_topic(&self, topic: &str) -> Result<(), SinkError> {
        let created = match self.create_topic(topic, self.replication).await {
            // Brokers without KIP-464 defaults refuse -1: fall back to one replica.
            Err(RDKafkaErrorCode::InvalidReplicationFactor) if self.replication < 0 => {
                self.create_topic(topic, 1).await
            }
            other => other,
        };
        created.map_err(|code| SinkError::Rejected {
            seq: 0,
            topic: topic.to_owned(),
            reason: format!("cannot create the topic: {code}"),
        })
    }

    async fn send(&self, record: Record<'_>) -> Result<(), SinkError> {
        let seq = usize::try_from(record.seq).unwrap_or(usize::MAX);
        let mut base = BaseRecord::<[u8], [u8], usize>::with_opaque_to(record.topic, seq);
        if let Some(k) = record.key {
            base = base.key(k);
        }
        if let Some(v) = record.value {
            base = base.payload(v);
        }
        let mut pending = base;
        loop {
            match self.producer.send(pending) {
                Ok(()) => return Ok(()),
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back)) => {
                    // Backpressure: wait for deliveries to drain the queue.
                    self.acks.through()?;
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    pending = back;
                }
                Err((e, _)) => {
                    return Err(SinkError::Rejected {
                        seq: record.seq,
                        topic: record.topic.to_owned(),
                        reason: e.to_string(),
                    });
                }
            }
        }
    }

    fn acked_through(&self) -> Result<u64, SinkError> {
        self.acks.through()
    }

    async fn flush(&self) -> Result<u64, SinkError> {
        while self.producer.in_flight_count() > 0 {
            self.acks.through()?;
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        self.acks.through()
    }
}
