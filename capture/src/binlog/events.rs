//! The binlog state machine: raw events in, [`StreamEvent`]s out, one handler per event class.
//!
//! [`EventHandler`] does no I/O, so it is driven the same way by the server stream and by
//! tests with constructed bytes. It keeps:
//! - the current binlog file (ROTATE, including the fake one at stream start) so every event
//!   gets a position: `position` = header `log_pos` − event size (the event's start), `next` =
//!   `log_pos`;
//! - the transaction in progress: a MySQL GTID / anonymous GTID event is remembered until its
//!   `BEGIN` query, which becomes [`StreamEvent::Begin`] positioned at the GTID event (the
//!   restart point of the transaction); a MariaDB GTID event without the standalone flag *is*
//!   the start (MariaDB writes no `BEGIN`). `XID` or a `COMMIT`/`ROLLBACK` query ends it with
//!   [`StreamEvent::Commit`];
//! - the catalog: any other QUERY is parsed; statements that change the model are applied in
//!   binlog order, with the query's default database, and reported as
//!   [`StreamEvent::SchemaChange`] (or [`StreamEvent::Truncate`] for `TRUNCATE TABLE`).
//!   Statements irrelevant to the model produce nothing;
//! - table ids → row layouts: each TABLE_MAP of a captured table is checked against the model
//!   ([`TableLayout::build`]); a TABLE_MAP identical to the last one for that id (same bytes,
//!   no DDL since) reuses the layout, and tables the filters exclude are remembered as skipped,
//!   so their rows events are dropped after reading six bytes;
//! - the statement text of the next rows events (ROWS_QUERY / MariaDB ANNOTATE_ROWS);
//! - the GTID state of every event group finished so far ([`EventHandler::gtids`]), when it
//!   started from a known one: each transaction's GTID is added at its commit, a standalone
//!   statement's (DDL) at the statement. Inside a transaction the state is the one before
//!   it, which is what a mid-transaction offset must carry.
//!
//! MySQL 8 compressed transactions: `mysql_async` yields the TRANSACTION_PAYLOAD event and then
//! the events decompressed from it. Inner events carry no usable positions, so from the
//! payload event to the end of its transaction every event gets the payload's position. If
//! anything but a transaction's inner event follows a payload (decompression failed and the
//! stream skipped ahead), that is an error rather than silently lost rows.

use super::layout::TableLayout;
use super::mariadb::{self, MariaGtid};
use super::rows::decode_rows;
use super::{RowOp, StreamEvent};
use crate::config::Filters;
use crate::ddl::{self, DdlStatement};
use crate::error::CaptureError;
use crate::position::{BinlogPosition, GtidState};
use crate::schema::{Catalog, SchemaError, Table, TableChange, TableId};
use mysql_common::binlog::consts::EventType;
use mysql_common::binlog::events::{
    Event, GtidEvent, QueryEvent, RotateEvent, RowsQueryEvent, TableMapEvent,
    TransactionPayloadEvent,
};
use mysql_common::proto::MySerialize;
use std::collections::HashMap;
use std::sync::Arc;

/// What a table id maps to.
#[derive(Debug)]
enum Mapped {
    /// Not captured: rows are dropped.
    Skipped { raw: Vec<u8> },
    Captured {
        raw: Vec<u8>,
        generation: u64,
        layout: Arc<TableLayout>,
    },
}

/// The sans-I/O binlog state machine (see the module docs).
#[derive(Debug)]
pub(crate) struct EventHandler {
    catalog: Catalog,
    filters: Filters,
    file: String,
    /// Bumped by every schema change: layouts built before it are rebuilt.
    generation: u64,
    tables: HashMap<u64, Mapped>,
    /// Shared table models, cleared with each schema change.
    models: HashMap<TableId, Arc<Table>>,
    /// MySQL GTID (or anonymous) event awaiting its BEGIN: gtid and the event's start.
    pending_gtid: Option<(Option<String>, BinlogPosition)>,
    /// GTID of the transaction in progress.
    gtid: Option<String>,
    /// Inside a transaction (between its start and its commit).
    in_txn: bool,
    /// GTIDs of every event group finished, when known.
    gtids: Option<GtidState>,
    /// `gtids` as text (none while empty), formatted once per change.
    gtids_text: Option<String>,
    query: Option<Arc<str>>,
    /// Inside a MySQL transaction payload: its (start, next).
    payload: Option<(u64, u64)>,
    /// Where the last complete event ended.
    next: BinlogPosition,
}

fn uuid_text(sid: &[u8; 16]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(36);
    for (i, b) in sid.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        let _ = write!(s, "{b:02x}");
    }
    s
}

impl EventHandler {
    pub(crate) fn new(
        catalog: Catalog,
        filters: Filters,
        start: &BinlogPosition,
        gtids: Option<GtidState>,
    ) -> Self {
        Self {
            catalog,
            filters,
            file: start.file.clone(),
            generation: 0,
            tables: HashMap::new(),
            models: HashMap::new(),
            pending_gtid: None,
            gtid: None,
            in_txn: false,
            gtids_text: text_of(gtids.as_ref()),
            gtids,
            query: None,
            payload: None,
            next: start.clone(),
        }
    }

    pub(crate) fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The end of the last event handled.
    pub(crate) fn next_position(&self) -> &BinlogPosition {
        &self.next
    }

    /// The GTID state of every event group finished so far (see the module docs).
    pub(crate) fn gtids(&self) -> Option<&GtidState> {
        self.gtids.as_ref()
    }

    /// [`gtids`](Self::gtids) as an offset carries it: `None` while unknown or empty.
    pub(crate) fn gtids_text(&self) -> Option<&str> {
        self.gtids_text.as_deref()
    }

    /// Adds a finished event group's GTID to the state; a GTID that does not fit the state
    /// (another server family) drops it, and offsets carry none from then on.
    fn finished(&mut self, gtid: Option<&str>) {
        let (Some(state), Some(gtid)) = (self.gtids.as_mut(), gtid) else {
            return;
        };
        if let Err(e) = state.record(gtid) {
            tracing::warn!(error = %e, "GTID does not fit the tracked GTID state; offsets will carry no GTIDs");
            self.gtids = None;
        }
        self.gtids_text = text_of(self.gtids.as_ref());
    }

    fn pos(&self, offset: u64) -> BinlogPosition {
        BinlogPosition::new(self.file.clone(), offset)
    }

    fn decode_err(&self, start: u64, reason: impl Into<String>) -> CaptureError {
        CaptureError::Decode {
            position: self.pos(start),
            reason: reason.into(),
        }
    }

    /// Handles one event; `Some` when it means something to the pipeline.
    pub(crate) fn handle(&mut self, event: &Event) -> Result<Option<StreamEvent>, CaptureError> {
        let header = event.header();
        let ty = header.event_type_raw();
        let ts_sec = header.timestamp();
        let log_pos = u64::from(header.log_pos());
        let (start, end) = match self.payload {
            Some(span) => span,
            None => (
                log_pos.saturating_sub(u64::from(header.event_size())),
                log_pos,
            ),
        };
        if self.payload.is_some() && !is_payload_inner(ty) {
            return Err(self.decode_err(
                start,
                format!(
                    "the compressed transaction payload did not decompress into a complete transaction (event type {ty} followed it)"
                ),
            ));
        }
        let out = match ty {
            t if t == EventType::ROTATE_EVENT as u8 => {
                let r: RotateEvent<'_> = event
                    .read_event()
                    .map_err(|e| self.decode_err(start, e.to_string()))?;
                self.file = rotate_file_name(event, r.name_raw());
                self.next = self.pos(r.position());
                None
            }
            t if t == EventType::QUERY_EVENT as u8 => self.on_query(event, start, end, ts_sec)?,
            t if t == EventType::XID_EVENT as u8 => Some(self.commit(end, ts_sec)),
            t if t == EventType::GTID_EVENT as u8
                || t == EventType::GTID_TAGGED_LOG_EVENT as u8 =>
            {
                let g: GtidEvent = event
                    .read_event()
                    .map_err(|e| self.decode_err(start, e.to_string()))?;
                let mut text = uuid_text(&g.sid());
                if let Some(tag) = g.tag() {
                    text = format!("{text}:{tag}");
                }
                let text = format!("{text}:{}", g.gno());
                self.in_txn = false;
                self.pending_gtid = Some((Some(text), self.pos(start)));
                None
            }
            t if t == EventType::ANONYMOUS_GTID_EVENT as u8 => {
                self.in_txn = false;
                self.pending_gtid = Some((None, self.pos(start)));
                None
            }
            mariadb::GTID => {
                let g = MariaGtid::parse(event.data(), header.server_id())
                    .ok_or_else(|| self.decode_err(start, "short MariaDB GTID event"))?;
                self.query = None;
                if g.standalone {
                    self.gtid = Some(g.text());
                    self.in_txn = false;
                    None
                } else {
                    self.gtid = Some(g.text());
                    self.in_txn = true;
                    Some(StreamEvent::Begin {
                        position: self.pos(start),
                        gtid: Some(g.text()),
                        thread_id: None,
                        ts_sec,
                    })
                }
            }
            t if t == EventType::ROWS_QUERY_EVENT as u8 => {
                let q: RowsQueryEvent<'_> = event
                    .read_event()
                    .map_err(|e| self.decode_err(start, e.to_string()))?;
                self.query = Some(Arc::from(q.query().trim_start_matches('\u{1}')));
                None
            }
            mariadb::ANNOTATE_ROWS => {
                self.query = Some(Arc::from(String::from_utf8_lossy(event.data()).as_ref()));
                None
            }
            t if t == EventType::TABLE_MAP_EVENT as u8 => {
                self.on_table_map(event, start)?;
                None
            }
            t if is_rows(t) => self.on_rows(event, t, start, ts_sec)?,
            t if t == EventType::PARTIAL_UPDATE_ROWS_EVENT as u8 => {
                return Err(CaptureError::ServerSetting {
                    setting: "binlog_row_value_options".into(),
                    expected: "'' (full JSON images)".into(),
                    actual: "PARTIAL_JSON".into(),
                });
            }
            t if t == EventType::HEARTBEAT_EVENT as u8 => (log_pos > 0).then(|| {
                self.next = self.pos(log_pos);
                StreamEvent::Heartbeat {
                    next: self.next.clone(),
                }
            }),
            t if t == EventType::TRANSACTION_PAYLOAD_EVENT as u8 => {
                let _: TransactionPayloadEvent<'_> = event.read_event().map_err(|e| {
                    self.decode_err(
                        start,
                        format!("unreadable transaction payload ({e}); binlog_transaction_compression=OFF avoids compressed payloads"),
                    )
                })?;
                self.payload = Some((start, end));
                None
            }
            mariadb::FIRST_COMPRESSED..=mariadb::LAST_COMPRESSED => {
                return Err(CaptureError::ServerSetting {
                    setting: "log_bin_compress".into(),
                    expected: "OFF".into(),
                    actual: "ON (compressed binlog event found)".into(),
                });
            }
            _ => None,
        };
        if end > 0 && self.payload.is_none() && ty != EventType::ROTATE_EVENT as u8 {
            self.next.pos = end;
            if self.next.file != self.file {
                self.next.file.clone_from(&self.file);
            }
        }
        Ok(out)
    }

    fn commit(&mut self, end: u64, ts_sec: u32) -> StreamEvent {
        self.payload = None;
        self.query = None;
        self.in_txn = false;
        let gtid = self.gtid.take();
        self.finished(gtid.as_deref());
        StreamEvent::Commit {
            next: self.pos(end),
            gtid,
            ts_sec,
        }
    }

    fn on_query(
        &mut self,
        event: &Event,
        start: u64,
        end: u64,
        ts_sec: u32,
    ) -> Result<Option<StreamEvent>, CaptureError> {
        let q: QueryEvent<'_> = event
            .read_event()
            .map_err(|e| self.decode_err(start, e.to_string()))?;
        let sql = q.query();
        let trimmed = sql.trim().trim_end_matches(';').trim_end();
        if trimmed.eq_ignore_ascii_case("BEGIN") {
            let (gtid, position) = match self.pending_gtid.take() {
                Some((g, p)) => (g, p),
                None => (self.gtid.clone(), self.pos(start)),
            };
            if gtid.is_some() {
                self.gtid.clone_from(&gtid);
            }
            self.in_txn = true;
            return Ok(Some(StreamEvent::Begin {
                position,
                gtid,
                thread_id: Some(q.thread_id()),
                ts_sec,
            }));
        }
        if trimmed.eq_ignore_ascii_case("COMMIT") || trimmed.eq_ignore_ascii_case("ROLLBACK") {
            return Ok(Some(self.commit(end, ts_sec)));
        }
        if self.in_txn {
            // A statement inside a transaction (SAVEPOINT, ...): the transaction goes on.
            let schema = q.schema();
            let db = (!schema.is_empty()).then_some(schema.as_ref());
            return self.on_ddl(&sql, db, start, end, ts_sec);
        }
        // A statement on its own: its GTID (MySQL: the GTID event before it; MariaDB: the
        // standalone GTID event) is finished with it.
        let gtid = match self.pending_gtid.take() {
            Some((g, _)) => g,
            None => self.gtid.take(),
        };
        self.gtid = None;
        let schema = q.schema();
        let db = (!schema.is_empty()).then_some(schema.as_ref());
        let out = self.on_ddl(&sql, db, start, end, ts_sec);
        if out.is_ok() {
            self.finished(gtid.as_deref());
        }
        out
    }

    fn on_ddl(
        &mut self,
        sql: &str,
        db: Option<&str>,
        start: u64,
        end: u64,
        ts_sec: u32,
    ) -> Result<Option<StreamEvent>, CaptureError> {
        let fail = |this: &Self, reason: String| CaptureError::SchemaChange {
            position: this.pos(start),
            statement: sql.to_string(),
            reason,
        };
        let stmts = ddl::parse(sql, db).map_err(|e| fail(self, e.to_string()))?;
        if stmts
            .iter()
            .all(|s| matches!(s, DdlStatement::Skipped { .. }))
        {
            return Ok(None);
        }
        let mut current = db.map(str::to_string);
        let mut changes = Vec::new();
        for s in &stmts {
            if let DdlStatement::Use(name) = s {
                current = Some(name.clone());
            }
            match self.catalog.apply(s, current.as_deref()) {
                Ok(c) => changes.extend(c),
                Err(SchemaError::UnknownTable(id)) if !self.filters.table_included(&id) => {}
                Err(e) => return Err(fail(self, e.to_string())),
            }
        }
        self.generation += 1;
        self.models.clear();
        if let [TableChange::Truncated(id)] = changes.as_slice() {
            if !self.filters.table_included(id) {
                return Ok(None);
            }
            let table = self
                .model(id)
                .ok_or_else(|| fail(self, format!("{id} vanished")))?;
            return Ok(Some(StreamEvent::Truncate {
                table,
                position: self.pos(start),
                next: self.pos(end),
                ts_sec,
            }));
        }
        Ok(Some(StreamEvent::SchemaChange {
            ddl: sql.to_string(),
            database: db.map(str::to_string),
            changes,
            position: self.pos(start),
            next: self.pos(end),
            ts_sec,
        }))
    }

    /// The shared model of `id`, if the catalog has it.
    fn model(&mut self, id: &TableId) -> Option<Arc<Table>> {
        if let Some(t) = self.models.get(id) {
            return Some(t.clone());
        }
        let t = Arc::new(self.catalog.table(id)?.clone());
        self.models.insert(id.clone(), t.clone());
        Some(t)
    }

    fn on_table_map(&mut self, event: &Event, start: u64) -> Result<(), CaptureError> {
        let raw = event.data();
        let id = table_id(raw).ok_or_else(|| self.decode_err(start, "short TABLE_MAP event"))?;
        let unchanged = match self.tables.get(&id) {
            Some(Mapped::Skipped { raw: r }) => r == raw,
            Some(Mapped::Captured {
                raw: r, generation, ..
            }) => r == raw && *generation == self.generation,
            None => false,
        };
        if unchanged {
            return Ok(());
        }
        let tme: TableMapEvent<'_> = event
            .read_event()
            .map_err(|e| self.decode_err(start, e.to_string()))?;
        let tid = TableId::new(tme.database_name(), tme.table_name());
        if !self.filters.table_included(&tid) {
            self.tables
                .insert(id, Mapped::Skipped { raw: raw.to_vec() });
            return Ok(());
        }
        let Some(model) = self.model(&tid) else {
            return Err(CaptureError::UnknownTable {
                table: tid,
                position: self.pos(start),
                reason: "its rows are in the binlog but no CREATE TABLE for it was seen".into(),
            });
        };
        let layout =
            TableLayout::build(&tme, model).map_err(|reason| CaptureError::UnknownTable {
                table: tid.clone(),
                position: self.pos(start),
                reason: format!("the table model does not match the binlog row layout: {reason}"),
            })?;
        self.tables.insert(
            id,
            Mapped::Captured {
                raw: raw.to_vec(),
                generation: self.generation,
                layout: Arc::new(layout),
            },
        );
        Ok(())
    }

    fn on_rows(
        &mut self,
        event: &Event,
        ty: u8,
        start: u64,
        ts_sec: u32,
    ) -> Result<Option<StreamEvent>, CaptureError> {
        let raw = event.data();
        let id = table_id(raw).ok_or_else(|| self.decode_err(start, "short rows event"))?;
        let layout = match self.tables.get(&id) {
            Some(Mapped::Captured { layout, .. }) => layout.clone(),
            Some(Mapped::Skipped { .. }) => return Ok(None),
            None if id == 0x00ff_ffff => return Ok(None),
            None => {
                return Err(self.decode_err(
                    start,
                    format!("rows event for table id {id} without a TABLE_MAP (did the stream start inside a transaction?)"),
                ));
            }
        };
        let op = if ty == EventType::WRITE_ROWS_EVENT as u8
            || ty == EventType::WRITE_ROWS_EVENT_V1 as u8
        {
            RowOp::Insert
        } else if ty == EventType::UPDATE_ROWS_EVENT as u8
            || ty == EventType::UPDATE_ROWS_EVENT_V1 as u8
        {
            RowOp::Update
        } else {
            RowOp::Delete
        };
        let data = event
            .read_data()
            .map_err(|e| self.decode_err(start, e.to_string()))?;
        let Some(mysql_common::binlog::events::EventData::RowsEvent(rows)) = data else {
            return Err(self.decode_err(start, "not a rows event"));
        };
        let n = layout.codecs.len();
        let before_full = rows
            .columns_before_image()
            .is_none_or(|b| b.len() == n && b.all());
        let after_full = rows
            .columns_after_image()
            .is_none_or(|b| b.len() == n && b.all());
        if rows.num_columns() as usize != n || !before_full || !after_full {
            return Err(self.decode_err(
                start,
                format!(
                    "rows of {} do not carry every column; capture needs binlog_row_image=FULL",
                    layout.table.id
                ),
            ));
        }
        let images = decode_rows(&layout, op, rows.rows_data())
            .map_err(|e| self.decode_err(start, format!("{}: {e}", layout.table.id)))?;
        Ok(Some(StreamEvent::Rows {
            table: layout.table.clone(),
            op,
            rows: images,
            position: self.pos(start),
            ts_sec,
            query: self.query.clone(),
        }))
    }
}

fn text_of(gtids: Option<&GtidState>) -> Option<String> {
    gtids.filter(|g| !g.is_empty()).map(ToString::to_string)
}

/// The file a ROTATE names. The fake ROTATE a server sends first arrives before the
/// FORMAT_DESCRIPTION event that says whether events carry a CRC32 trailer, so its trailer may
/// still be attached to the name: it is removed when it is the CRC32 of the event.
fn rotate_file_name(event: &Event, name: &[u8]) -> String {
    let data = event.data();
    if name.len() > 4 && data.len() >= 4 {
        let (head, crc) = data.split_at(data.len() - 4);
        let mut bytes = Vec::with_capacity(19 + head.len());
        event.header().serialize(&mut bytes);
        bytes.extend_from_slice(head);
        if crc32(&bytes).to_le_bytes() == crc {
            return String::from_utf8_lossy(&name[..name.len() - 4]).into_owned();
        }
    }
    String::from_utf8_lossy(name).into_owned()
}

/// CRC-32 (IEEE), bit by bit: used once per connection.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The 6-byte table id at the start of TABLE_MAP and rows events.
fn table_id(data: &[u8]) -> Option<u64> {
    let b = data.get(..6)?;
    Some(
        b.iter()
            .rev()
            .fold(0u64, |acc, &x| (acc << 8) | u64::from(x)),
    )
}

fn is_rows(t: u8) -> bool {
    use EventType as E;
    [
        E::WRITE_ROWS_EVENT_V1,
        E::UPDATE_ROWS_EVENT_V1,
        E::DELETE_ROWS_EVENT_V1,
        E::WRITE_ROWS_EVENT,
        E::UPDATE_ROWS_EVENT,
        E::DELETE_ROWS_EVENT,
    ]
    .iter()
    .any(|e| *e as u8 == t)
}

/// Event types a transaction payload may contain.
fn is_payload_inner(t: u8) -> bool {
    use EventType as E;
    is_rows(t)
        || [
            E::QUERY_EVENT,
            E::TABLE_MAP_EVENT,
            E::XID_EVENT,
            E::ROWS_QUERY_EVENT,
            E::PARTIAL_UPDATE_ROWS_EVENT,
            E::INTVAR_EVENT,
            E::RAND_EVENT,
            E::USER_VAR_EVENT,
            E::XA_PREPARE_LOG_EVENT,
        ]
        .iter()
        .any(|e| *e as u8 == t)
}
