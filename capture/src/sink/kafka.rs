//! The Kafka sink: librdkafka's idempotent producer (`acks=all`), acknowledgements tracked by
//! sequence number.
//!
//! Each record carries its sequence number as librdkafka's delivery opaque (a plain `usize`,
//! no allocation); the delivery callback, on librdkafka's polling thread, feeds the
//! [`AckTracker`]. When librdkafka's queue is full (`queue.buffering.max.messages`/`kbytes`),
//! [`KafkaSink::send`] sleeps briefly and retries: this is how a slow broker slows the binlog
//! reader down.
//!
//! Topic creation waits out an unreachable Kafka the same way: retriable failures (timeouts,
//! no broker or controller available) are retried for as long as a queued record would be
//! (`message.timeout.ms`). Only then, for a topic or a record, is Kafka reported
//! [`SinkError::Unreachable`], a transient failure: the task resumes from its committed offset
//! (records after it may be sent twice, as after a crash). A shorter outage neither fails nor
//! restarts the task, and sends nothing twice.

use super::{AckTracker, Record, RecordSink, SinkError};
use rdkafka::ClientContext;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::DeliveryResult;
use rdkafka::producer::{BaseRecord, Producer, ProducerContext, ThreadedProducer};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The producer's `message.timeout.ms` unless overridden: how long a record may wait for Kafka.
const MESSAGE_TIMEOUT_MS: &str = "300000";
/// The longest wait for one topic creation request.
const CREATE_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest pause between topic creation attempts.
const CREATE_PAUSE: Duration = Duration::from_secs(5);

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
            // Kafka stayed unreachable for message.timeout.ms: transient, like a lost
            // connection (the task resumes from its committed offset once it can).
            Err((e @ KafkaError::MessageProduction(RDKafkaErrorCode::MessageTimedOut), _)) => {
                self.acks.fail(SinkError::Unreachable(format!(
                    "record {seq} was not delivered within message.timeout.ms: {e}"
                )));
            }
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
    /// How long topic creation retries while Kafka is unreachable (`None`: for ever).
    patience: Option<Duration>,
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
            .set("message.timeout.ms", MESSAGE_TIMEOUT_MS);
        for (k, v) in &settings.extra {
            config.set(k, v);
        }
        let patience = patience(
            config
                .get("message.timeout.ms")
                .unwrap_or(MESSAGE_TIMEOUT_MS),
        );
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
            patience,
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

/// How long topic creation may wait for Kafka: `message.timeout.ms` (0: for ever, as in
/// librdkafka), like a queued record.
fn patience(message_timeout_ms: &str) -> Option<Duration> {
    match message_timeout_ms.trim().parse::<u64>() {
        Ok(0) => None,
        Ok(ms) => Some(Duration::from_millis(ms)),
        Err(_) => MESSAGE_TIMEOUT_MS.parse().ok().map(Duration::from_millis),
    }
}

/// Topic creation failures that say Kafka cannot answer *now* (no broker, no controller,
/// timeouts): retried, not reported as a rejection.
fn retriable(code: RDKafkaErrorCode) -> bool {
    matches!(
        code,
        RDKafkaErrorCode::BrokerTransportFailure
            | RDKafkaErrorCode::Resolve
            | RDKafkaErrorCode::AllBrokersDown
            | RDKafkaErrorCode::OperationTimedOut
            | RDKafkaErrorCode::TimedOutQueue
            | RDKafkaErrorCode::LeaderNotAvailable
            | RDKafkaErrorCode::RequestTimedOut
            | RDKafkaErrorCode::BrokerNotAvailable
            | RDKafkaErrorCode::NetworkException
            | RDKafkaErrorCode::NotController
    )
}

impl KafkaSink {
    /// Creates `topic` (an existing one is fine), retrying while Kafka cannot answer, for at
    /// most `patience`. `Err(Ok(code))`: Kafka refused; `Err(Err(_))`: it stayed unreachable.
    async fn create_topic_patiently(
        &self,
        topic: &str,
        replication: i32,
    ) -> Result<(), Result<RDKafkaErrorCode, SinkError>> {
        let deadline = self.patience.and_then(|p| Instant::now().checked_add(p));
        let mut pause = Duration::from_millis(100);
        let mut failures = 0u32;
        loop {
            let attempt = deadline.map_or(CREATE_TIMEOUT, |d| {
                d.saturating_duration_since(Instant::now())
                    .clamp(Duration::from_secs(1), CREATE_TIMEOUT)
            });
            let code = match self.create_topic(topic, replication, attempt).await {
                Ok(()) => {
                    if failures > 0 {
                        tracing::info!(
                            topic,
                            attempts = failures + 1,
                            "topic created once Kafka answered"
                        );
                    }
                    return Ok(());
                }
                Err(code) => code,
            };
            if !retriable(code) {
                return Err(Ok(code));
            }
            failures += 1;
            if deadline.is_some_and(|d| Instant::now() + pause >= d) {
                return Err(Err(SinkError::Unreachable(format!(
                    "cannot create topic {topic} after {failures} attempts: {code}"
                ))));
            }
            if failures == 1 {
                tracing::warn!(topic, error = %code, "Kafka cannot create the topic now; retrying");
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(CREATE_PAUSE);
        }
    }

    async fn create_topic(
        &self,
        topic: &str,
        replication: i32,
        timeout: Duration,
    ) -> Result<(), RDKafkaErrorCode> {
        let new = NewTopic::new(topic, self.partitions, TopicReplication::Fixed(replication));
        let options = AdminOptions::new().request_timeout(Some(timeout));
        let results = self
            .admin
            .create_topics([&new], &options)
            .await
            // The request's own failure (a timeout when no broker answers) is `AdminOp`, which
            // `rdkafka_error_code` does not look into.
            .map_err(|e| match e {
                KafkaError::AdminOp(code) => code,
                other => other.rdkafka_error_code().unwrap_or(RDKafkaErrorCode::Fail),
            })?;
        match results.into_iter().next() {
            Some(Err((_, RDKafkaErrorCode::TopicAlreadyExists))) | Some(Ok(_)) | None => Ok(()),
            Some(Err((_, code))) => Err(code),
        }
    }
}

impl RecordSink for KafkaSink {
    async fn ensure_topic(&self, topic: &str) -> Result<(), SinkError> {
        // Replication -1 asks for the broker's `default.replication.factor` (KIP-464, Kafka 2.4+).
        // A refusal is not papered over with a single replica: an under-replicated topic would
        // silently lose what `acks=all` promised.
        let created = self.create_topic_patiently(topic, self.replication).await;
        created.map_err(|failure| match failure {
            Ok(code) => SinkError::Rejected {
                seq: 0,
                topic: topic.to_owned(),
                reason: match code {
                    RDKafkaErrorCode::InvalidReplicationFactor if self.replication < 0 => format!(
                        "cannot create the topic: {code} (the brokers refused their own \
                         default.replication.factor: Kafka 2.4 or newer is needed, with at \
                         least that many brokers registered)"
                    ),
                    _ => format!("cannot create the topic: {code}"),
                },
            },
            Err(unreachable) => unreachable,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_creation_waits_as_long_as_a_record() {
        assert_eq!(patience("300000"), Some(Duration::from_secs(300)));
        assert_eq!(patience(" 5000 "), Some(Duration::from_secs(5)));
        assert_eq!(patience("0"), None, "0 is for ever, as in librdkafka");
        assert_eq!(patience("soon"), Some(Duration::from_secs(300)));
    }

    #[test]
    fn an_unreachable_kafka_is_retried_and_a_refusal_is_not() {
        for code in [
            RDKafkaErrorCode::AllBrokersDown,
            RDKafkaErrorCode::OperationTimedOut,
            RDKafkaErrorCode::BrokerTransportFailure,
            RDKafkaErrorCode::NotController,
            RDKafkaErrorCode::RequestTimedOut,
        ] {
            assert!(retriable(code), "{code:?}");
        }
        for code in [
            RDKafkaErrorCode::InvalidReplicationFactor,
            RDKafkaErrorCode::TopicAuthorizationFailed,
            RDKafkaErrorCode::InvalidTopic,
            RDKafkaErrorCode::PolicyViolation,
        ] {
            assert!(!retriable(code), "{code:?}");
        }
    }
}
