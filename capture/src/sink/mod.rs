//! Where encoded change records go: Kafka, or nowhere (benchmarks).
//!
//! A [`RecordSink`] takes records tagged with a sequence number that increases by one per
//! record, and reports the highest sequence number up to which *every* record was
//! acknowledged ([`RecordSink::acked_through`]). The pipeline commits a binlog offset only
//! once every record before it is acknowledged, so nothing is lost on a crash.
//!
//! Backpressure: [`RecordSink::send`] waits while the producer's queue is full, so a slow or
//! unreachable broker slows the binlog reader down instead of growing memory.

mod acks;
mod discard;
mod kafka;

pub use acks::AckTracker;
pub use discard::DiscardSink;
pub use kafka::{KafkaSettings, KafkaSink};

use std::future::Future;

/// Why a record could not be delivered. The pipeline stops and does not commit past the failed
/// record; [`SinkError::Unreachable`] (Kafka away for longer than `message.timeout.ms`) is
/// transient and the task resumes from its committed offset, every other error is definite.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SinkError {
    #[error("cannot create the Kafka producer: {0}")]
    Create(String),
    #[error("Kafka did not accept record {seq} for topic {topic}: {reason}")]
    Rejected {
        seq: u64,
        topic: String,
        reason: String,
    },
    #[error("delivery of record {seq} failed: {reason}")]
    Delivery { seq: u64, reason: String },
    #[error("Kafka is unreachable: {0}")]
    Unreachable(String),
}

/// One change record on its way to a topic.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    pub topic: &'a str,
    pub key: Option<&'a [u8]>,
    /// `None` is a tombstone.
    pub value: Option<&'a [u8]>,
    /// Position of this record in the pipeline: 1, 2, 3, … with no gaps.
    pub seq: u64,
}

/// A destination for change records.
pub trait RecordSink: Send + Sync {
    /// Makes sure `topic` exists (creating it as Kafka Connect's topic creation would).
    fn ensure_topic(&self, topic: &str) -> impl Future<Output = Result<(), SinkError>> + Send;

    /// Queues `record`, waiting while the sink's queue is full.
    fn send(&self, record: Record<'_>) -> impl Future<Output = Result<(), SinkError>> + Send;

    /// Every record with `seq <=` this value is acknowledged (0: none yet).
    fn acked_through(&self) -> Result<u64, SinkError>;

    /// Waits until every queued record is acknowledged or failed.
    fn flush(&self) -> impl Future<Output = Result<u64, SinkError>> + Send;
}
