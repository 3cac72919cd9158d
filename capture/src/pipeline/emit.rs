//! Turning change events into framed Avro records, sending them, and committing offsets behind
//! the acknowledgements.
//!
//! Every record gets the next sequence number. After the records of an event, the pipeline
//! records a checkpoint: "once everything up to sequence N is acknowledged, the connector may
//! resume at offset O". [`Emitter::commit_acknowledged`] saves the newest checkpoint whose
//! records are all acknowledged. A crash therefore repeats at most the records after the last
//! committed checkpoint, and each repeated record carries the same `source.file/pos/row`.

use super::offset::SourceOffset;
use super::schemas::PreparedTable;
use super::transaction::{self, OpenTransaction};
use crate::avro::{ChangeEvent, Op, SourceInfo, TransactionInfo};
use crate::error::CaptureError;
use crate::sink::{Record, RecordSink};
use crate::store::CaptureStore;
use crate::value::ColumnValue;
use sluice_proto::framing::write_header;
use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How often acknowledged offsets are saved.
const COMMIT_INTERVAL: Duration = Duration::from_millis(200);

/// Encodes, sends and checkpoints.
#[derive(Debug)]
pub struct Emitter<S> {
    sink: Arc<S>,
    store: CaptureStore,
    connector: String,
    seq: u64,
    checkpoints: VecDeque<(u64, SourceOffset)>,
    committed: Option<SourceOffset>,
    last_commit: Instant,
    key: Vec<u8>,
    /// Second key buffer, for detecting key changes on updates.
    scratch: Vec<u8>,
    value: Vec<u8>,
    tombstones: bool,
    /// Topics known to exist.
    topics: HashSet<String>,
    /// Transaction metadata: topic and schema ids, when `provide.transaction.metadata`.
    tx_meta: Option<(String, u32, u32)>,
    /// The transaction being emitted, and whether its BEGIN went out.
    open: Option<(OpenTransaction, bool)>,
}

/// Microseconds since the epoch, the connector's clock for `ts_ms/us/ns`.
pub fn now_micros() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

impl<S: RecordSink> Emitter<S> {
    pub fn new(sink: Arc<S>, store: CaptureStore, connector: String, tombstones: bool) -> Self {
        Self {
            sink,
            store,
            connector,
            seq: 0,
            checkpoints: VecDeque::new(),
            committed: None,
            last_commit: Instant::now(),
            key: Vec::with_capacity(256),
            scratch: Vec::with_capacity(256),
            value: Vec::with_capacity(4096),
            tombstones,
            topics: HashSet::new(),
            tx_meta: None,
            open: None,
        }
    }

    /// Emits one row change: `c`/`r` (after), `u` (before+after), `d` (before, then a
    /// tombstone); an update that changes the key becomes `d` + tombstone + `c`.
    pub async fn row(
        &mut self,
        table: &PreparedTable,
        op: Op,
        before: Option<&[ColumnValue<'_>]>,
        after: Option<&[ColumnValue<'_>]>,
        source: &SourceInfo<'_>,
    ) -> Result<(), CaptureError> {
        if let (Some(b), Some(a)) = (before, after)
            && self.key_changes(table, op, b, a)?
        {
            self.one(table, Op::Delete, Some(b), None, source).await?;
            return self.one(table, Op::Create, None, Some(a), source).await;
        }
        self.one(table, op, before, after, source).await
    }

    /// Whether an update changes the row's key (it is then emitted as `d` + tombstone + `c`).
    fn key_changes(
        &mut self,
        table: &PreparedTable,
        op: Op,
        before: &[ColumnValue<'_>],
        after: &[ColumnValue<'_>],
    ) -> Result<bool, CaptureError> {
        if op != Op::Update || table.key_id.is_none() {
            return Ok(false);
        }
        // Compare the encoded keys in the reusable buffers (no allocation per update).
        let mut old_key = std::mem::take(&mut self.scratch);
        let mut new_key = std::mem::take(&mut self.key);
        old_key.clear();
        new_key.clear();
        let encoded = encode_key(table, before, &mut old_key)
            .and_then(|_| encode_key(table, after, &mut new_key));
        let changed = old_key != new_key;
        self.scratch = old_key;
        self.key = new_key;
        encoded?;
        Ok(changed)
    }

    /// Whether data events are counted in transactions (`provide.transaction.metadata`) and one
    /// is open.
    pub fn counts_transaction(&self) -> bool {
        self.tx_meta.is_some() && self.open.is_some()
    }

    /// Counts, without sending, the data events of a row a restart skips because it was
    /// emitted before (the offset's `event`): the transaction's orders then continue where
    /// they were, and its BEGIN, already sent, is not sent again.
    pub fn replay_row(
        &mut self,
        table: &PreparedTable,
        op: Op,
        before: Option<&[ColumnValue<'_>]>,
        after: Option<&[ColumnValue<'_>]>,
        source: &SourceInfo<'_>,
    ) -> Result<(), CaptureError> {
        let events = match (before, after) {
            (Some(b), Some(a)) if self.key_changes(table, op, b, a)? => 2,
            _ if matches!(op, Op::Create | Op::Update | Op::Delete) => 1,
            _ => 0,
        };
        if let Some((tx, begun)) = self.open.as_mut() {
            let collection = format!("{}.{}", source.db, source.table.unwrap_or_default());
            for _ in 0..events {
                tx.count(&collection);
            }
            *begun |= events > 0;
        }
        Ok(())
    }

    async fn one(
        &mut self,
        table: &PreparedTable,
        op: Op,
        before: Option<&[ColumnValue<'_>]>,
        after: Option<&[ColumnValue<'_>]>,
        source: &SourceInfo<'_>,
    ) -> Result<(), CaptureError> {
        let key_row = after.or(before);
        self.key.clear();
        let has_key = match key_row {
            Some(row) => encode_key(table, row, &mut self.key)?,
            None => false,
        };
        // The key buffer is lent out while the envelope is sent (no copy per record).
        let key = std::mem::take(&mut self.key);
        let sent = self
            .envelope(
                table,
                op,
                before,
                after,
                source,
                has_key.then_some(key.as_slice()),
            )
            .await;
        self.key = key;
        sent?;
        if op == Op::Delete && self.tombstones && has_key {
            self.seq += 1;
            self.sink
                .send(Record {
                    topic: &table.avro.topic,
                    key: Some(&self.key),
                    value: None,
                    seq: self.seq,
                })
                .await
                .map_err(sink_error)?;
        }
        Ok(())
    }

    /// Emits a truncate (`t`, null key).
    pub async fn truncate(
        &mut self,
        table: &PreparedTable,
        source: &SourceInfo<'_>,
    ) -> Result<(), CaptureError> {
        self.envelope(table, Op::Truncate, None, None, source, None)
            .await
    }

    /// Encodes one envelope (stamped with the connector clock) and sends it under `key`.
    async fn envelope(
        &mut self,
        table: &PreparedTable,
        op: Op,
        before: Option<&[ColumnValue<'_>]>,
        after: Option<&[ColumnValue<'_>]>,
        source: &SourceInfo<'_>,
        key: Option<&[u8]>,
    ) -> Result<(), CaptureError> {
        if !self.topics.contains(&table.avro.topic) {
            self.sink
                .ensure_topic(&table.avro.topic)
                .await
                .map_err(sink_error)?;
            self.topics.insert(table.avro.topic.clone());
        }
        let now = now_micros();
        let order = match (&self.tx_meta, op) {
            (Some(_), Op::Create | Op::Update | Op::Delete) => {
                self.transaction_order(source, now).await?
            }
            _ => None,
        };
        let transaction = match (&self.open, order) {
            (Some((tx, _)), Some((total_order, data_collection_order))) => Some(TransactionInfo {
                id: &tx.id,
                total_order,
                data_collection_order,
            }),
            _ => None,
        };
        let event = ChangeEvent {
            op,
            before,
            after,
            source,
            transaction,
            ts_ms: now / 1000,
            ts_us: now,
            ts_ns: now.saturating_mul(1000),
        };
        self.value.clear();
        write_header(table.value_id, &mut self.value);
        table
            .avro
            .encode_envelope(&event, &mut self.value)
            .map_err(|e| encode_error(table, &e.to_string()))?;
        self.seq += 1;
        self.sink
            .send(Record {
                topic: &table.avro.topic,
                key,
                value: Some(&self.value),
                seq: self.seq,
            })
            .await
            .map_err(sink_error)
    }

    /// Turns on transaction metadata: BEGIN/END records on `topic` with these schema ids.
    pub fn enable_transactions(&mut self, topic: String, key_id: u32, value_id: u32) {
        self.tx_meta = Some((topic, key_id, value_id));
    }

    /// A transaction starts (its BEGIN goes out with its first data event).
    pub fn begin_transaction(&mut self, id: String) {
        if self.tx_meta.is_some() {
            self.open = Some((OpenTransaction::new(id), false));
        }
    }

    /// The transaction committed: END, if it had data events.
    pub async fn end_transaction(&mut self) -> Result<(), CaptureError> {
        let (Some((topic, key_id, value_id)), Some((tx, true))) =
            (self.tx_meta.clone(), self.open.take())
        else {
            return Ok(());
        };
        let key = transaction::key(key_id, &tx.id);
        let value = transaction::end(value_id, &tx, now_micros() / 1000);
        self.raw(&topic, &key, &value).await
    }

    /// Counts a data event in the open transaction, sending BEGIN first if needed.
    async fn transaction_order(
        &mut self,
        source: &SourceInfo<'_>,
        now: i64,
    ) -> Result<Option<(i64, i64)>, CaptureError> {
        let Some((topic, key_id, value_id)) = self.tx_meta.clone() else {
            return Ok(None);
        };
        let Some((tx, begun)) = self.open.as_mut() else {
            return Ok(None);
        };
        let collection = format!("{}.{}", source.db, source.table.unwrap_or_default());
        let order = tx.count(&collection);
        if !*begun {
            *begun = true;
            let key = transaction::key(key_id, &tx.id);
            let value = transaction::begin(value_id, &tx.id, now / 1000);
            self.raw(&topic, &key, &value).await?;
        }
        Ok(Some(order))
    }

    /// Sends an already framed record (heartbeats), creating its topic if needed.
    pub async fn raw(&mut self, topic: &str, key: &[u8], value: &[u8]) -> Result<(), CaptureError> {
        if !self.topics.contains(topic) {
            self.sink.ensure_topic(topic).await.map_err(sink_error)?;
            self.topics.insert(topic.to_owned());
        }
        self.seq += 1;
        self.sink
            .send(Record {
                topic,
                key: Some(key),
                value: Some(value),
                seq: self.seq,
            })
            .await
            .map_err(sink_error)
    }

    /// Records that `offset` is safe to resume from once every record sent so far is
    /// acknowledged.
    pub fn checkpoint(&mut self, offset: SourceOffset) {
        match self.checkpoints.back_mut() {
            Some((seq, last)) if *seq == self.seq => *last = offset,
            _ => self.checkpoints.push_back((self.seq, offset)),
        }
    }

    /// Saves the newest fully acknowledged checkpoint, at most every 200 ms unless `force`.
    pub async fn commit_acknowledged(&mut self, force: bool) -> Result<(), CaptureError> {
        if !force && self.last_commit.elapsed() < COMMIT_INTERVAL {
            return Ok(());
        }
        self.last_commit = Instant::now();
        let acked = self.sink.acked_through().map_err(sink_error)?;
        let mut newest = None;
        while let Some((seq, _)) = self.checkpoints.front() {
            if *seq > acked {
                break;
            }
            newest = self.checkpoints.pop_front().map(|(_, o)| o);
        }
        if let Some(offset) = newest
            && self.committed.as_ref() != Some(&offset)
        {
            self.store.save_offset(&self.connector, &offset).await?;
            metrics::counter!("sluice_capture_offset_commits_total", "connector" => self.connector.clone()).increment(1);
            self.committed = Some(offset);
        }
        Ok(())
    }

    /// Waits for every record to be acknowledged, then commits the newest checkpoint.
    pub async fn flush(&mut self) -> Result<(), CaptureError> {
        self.sink.flush().await.map_err(sink_error)?;
        self.commit_acknowledged(true).await
    }

    /// Records sent so far.
    pub fn sent(&self) -> u64 {
        self.seq
    }
}

fn encode_key(
    table: &PreparedTable,
    row: &[ColumnValue<'_>],
    out: &mut Vec<u8>,
) -> Result<bool, CaptureError> {
    let Some(id) = table.key_id else {
        return Ok(false);
    };
    write_header(id, out);
    let written = table
        .avro
        .encode_key(row, out)
        .map_err(|e| encode_error(table, &e.to_string()))?;
    if !written {
        out.clear();
    }
    Ok(written)
}

fn encode_error(table: &PreparedTable, reason: &str) -> CaptureError {
    CaptureError::Definite(format!(
        "cannot encode a row of {}: {reason}",
        table.table.id
    ))
}

fn sink_error(e: crate::sink::SinkError) -> CaptureError {
    match e {
        crate::sink::SinkError::Unreachable(_) => CaptureError::Transient(e.to_string()),
        other => CaptureError::Definite(other.to_string()),
    }
}
