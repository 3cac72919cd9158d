//! Heartbeats (`heartbeat.interval.ms`): a record on `__debezium-heartbeat.<prefix>` when no
//! change was emitted for the interval, so consumers see the connector alive and its offset
//! advances on idle or filtered traffic (Debezium's `io.debezium.heartbeat.HeartbeatImpl`).
//!
//! Key `io.debezium.connector.common.ServerNameKey{serverName}`, value
//! `io.debezium.connector.common.Heartbeat{ts_ms}`, both registered like every other schema.

use super::emit::{Emitter, now_micros};
use super::schemas::SchemaGate;
use crate::avro::encode::{write_bytes, write_long};
use crate::error::CaptureError;
use crate::sink::RecordSink;
use sluice_proto::RegistryClient;
use sluice_proto::framing::write_header;
use std::time::{Duration, Instant};

const KEY_SCHEMA: &str = r#"{"type":"record","name":"ServerNameKey","namespace":"io.debezium.connector.common","fields":[{"name":"serverName","type":"string"}],"connect.version":1,"connect.name":"io.debezium.connector.common.ServerNameKey"}"#;
const VALUE_SCHEMA: &str = r#"{"type":"record","name":"Heartbeat","namespace":"io.debezium.connector.common","fields":[{"name":"ts_ms","type":"long"}],"connect.version":1,"connect.name":"io.debezium.connector.common.Heartbeat"}"#;

/// Emits heartbeats for one connector.
#[derive(Debug)]
pub struct Heartbeat {
    interval: Duration,
    topic: String,
    server_name: String,
    ids: Option<(u32, u32)>,
    last: Instant,
}

impl Heartbeat {
    /// `None` when `interval_ms` is 0 (heartbeats off, Debezium's default).
    pub fn new(interval_ms: u64, topic_prefix: &str) -> Option<Self> {
        (interval_ms > 0).then(|| Self {
            interval: Duration::from_millis(interval_ms),
            topic: format!("__debezium-heartbeat.{topic_prefix}"),
            server_name: topic_prefix.to_owned(),
            ids: None,
            last: Instant::now(),
        })
    }

    /// The period the binlog reader should wake up at, so idle streams get heartbeats.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Notes that a change record was emitted (no heartbeat needed for a while).
    pub fn record_sent(&mut self) {
        self.last = Instant::now();
    }

    /// Emits a heartbeat if nothing was sent for the interval.
    pub async fn tick<R: RegistryClient, S: RecordSink>(
        &mut self,
        gate: &SchemaGate<R>,
        emitter: &mut Emitter<S>,
    ) -> Result<(), CaptureError> {
        if self.last.elapsed() < self.interval {
            return Ok(());
        }
        let (key_id, value_id) = match self.ids {
            Some(ids) => ids,
            None => {
                let key = gate
                    .register_schema(&format!("{}-key", self.topic), KEY_SCHEMA)
                    .await?;
                let value = gate
                    .register_schema(&format!("{}-value", self.topic), VALUE_SCHEMA)
                    .await?;
                *self.ids.insert((key, value))
            }
        };
        let mut key = Vec::with_capacity(16 + self.server_name.len());
        write_header(key_id, &mut key);
        write_bytes(&mut key, self.server_name.as_bytes());
        let mut value = Vec::with_capacity(16);
        write_header(value_id, &mut value);
        write_long(&mut value, now_micros() / 1000);
        emitter.raw(&self.topic, &key, &value).await?;
        self.last = Instant::now();
        Ok(())
    }
}
