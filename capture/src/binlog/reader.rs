//! The binlog connection: registers as a replica, asks for the binlog from a file position or
//! a GTID state ([`Start`]; the requests are described in [`super::start`]), and feeds every
//! event to the `EventHandler`.
//!
//! Before `COM_BINLOG_DUMP` the session announces what the reader understands:
//! - MariaDB: `@mariadb_slave_capability = 4` (GTID-aware), so GTID, GTID_LIST and checkpoint
//!   events arrive as themselves instead of being rewritten into `BEGIN` queries and dummy
//!   events;
//! - `@master_heartbeat_period` (nanoseconds), so an idle server still sends HEARTBEAT events
//!   (surfaced as [`StreamEvent::Heartbeat`]) and a dead connection is noticed;
//! - `@master_binlog_checksum` is set by `mysql_async` itself (`'ALL'`: events keep their
//!   CRC32 trailer, which `mysql_common` strips using the FORMAT_DESCRIPTION event).
//!
//! MariaDB sends ANNOTATE_ROWS events to GTID-aware replicas only when the dump request asks
//! for them (`BINLOG_SEND_ANNOTATE_ROWS_EVENT`), a flag `mysql_async` cannot set; so on MariaDB
//! the statement of a rows event (`query`) is not known. MySQL's ROWS_QUERY events are part of
//! the stream and are used.
//!
//! Errors: the server refusing the start position because the file is gone (error 1236 "Could
//! not find first log file name…", "…purged…") is [`CaptureError::BinlogPurged`]; refusing a
//! GTID start (1236 naming the GTID state) is [`CaptureError::GtidUnavailable`]; a closed or
//! broken connection is transient; other server errors are definite.

use super::StreamEvent;
use super::events::EventHandler;
use super::start::{self, Start};
use crate::config::{DatabaseConfig, Filters};
use crate::error::CaptureError;
use crate::mysql::Flavor;
use crate::position::{BinlogPosition, GtidState};
use crate::schema::Catalog;
use futures_core::Stream;
use mysql_async::prelude::Queryable;
use mysql_async::{BinlogStream, BinlogStreamRequest, Conn};
use std::pin::Pin;
use std::time::Duration;

/// How often an idle server sends a heartbeat, unless told otherwise.
pub const DEFAULT_HEARTBEAT: Duration = Duration::from_secs(10);

/// Reads the binlog from a position and hands out [`StreamEvent`]s in binlog order.
pub struct BinlogReader {
    stream: BinlogStream,
    handler: EventHandler,
    flavor: Flavor,
    /// The GTID state the server was asked to start after, for errors about it.
    dump_gtids: Option<GtidState>,
}

impl std::fmt::Debug for BinlogReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BinlogReader")
            .field("flavor", &self.flavor)
            .field("next", self.handler.next_position())
            .finish_non_exhaustive()
    }
}

impl BinlogReader {
    /// Connects as replica `server_id` and starts reading at `start`, with `catalog` as the
    /// table models in force there and [`DEFAULT_HEARTBEAT`].
    pub async fn start(
        db: &DatabaseConfig,
        server_id: u32,
        filters: Filters,
        start: BinlogPosition,
        catalog: Catalog,
    ) -> Result<BinlogReader, CaptureError> {
        Self::start_with_heartbeat(db, server_id, filters, start, catalog, DEFAULT_HEARTBEAT).await
    }

    /// Like [`start`](Self::start), with the server's heartbeat period for an idle stream.
    pub async fn start_with_heartbeat(
        db: &DatabaseConfig,
        server_id: u32,
        filters: Filters,
        start: BinlogPosition,
        catalog: Catalog,
        heartbeat: Duration,
    ) -> Result<BinlogReader, CaptureError> {
        Self::start_from(db, server_id, filters, Start::at(start), catalog, heartbeat).await
    }

    /// Connects as replica `server_id` and starts at `start` (by file and offset, or by GTID),
    /// with `catalog` as the table models in force there.
    pub async fn start_from(
        db: &DatabaseConfig,
        server_id: u32,
        filters: Filters,
        start: Start,
        catalog: Catalog,
        heartbeat: Duration,
    ) -> Result<BinlogReader, CaptureError> {
        let mut conn = Conn::new(crate::mysql::opts(db)).await?;
        let version: Option<String> = conn.query_first("SELECT VERSION()").await?;
        let flavor = Flavor::from_version(version.as_deref().unwrap_or_default());
        if flavor == Flavor::MariaDb {
            conn.query_drop("SET @mariadb_slave_capability = 4").await?;
        }
        let nanos = heartbeat.as_nanos().clamp(1_000_000, 4_294_967_000_000_000);
        conn.query_drop(format!("SET @master_heartbeat_period = {nanos}"))
            .await?;
        let request = BinlogStreamRequest::new(server_id);
        let request = match (start.dump_gtids(), flavor) {
            (None, _) => request
                .with_filename(start.position.file.as_bytes())
                .with_pos(start.position.pos),
            (Some(GtidState::MySql(set)), Flavor::MySql) => {
                request.with_gtid().with_gtid_set(start::mysql_sids(set)?)
            }
            (Some(GtidState::MariaDb(position)), Flavor::MariaDb) => {
                for statement in start::mariadb_gtid_session(position) {
                    conn.query_drop(statement).await?;
                }
                request
            }
            (Some(g), flavor) => {
                return Err(CaptureError::Definite(format!(
                    "cannot resume a {flavor:?} server from GTID state {g} of the other server family"
                )));
            }
        };
        let dump_gtids = start.dump_gtids().cloned();
        let stream = conn
            .get_binlog_stream(request)
            .await
            .map_err(|e| map_stream_error(e, &start.position, dump_gtids.as_ref()))?;
        Ok(BinlogReader {
            stream,
            handler: EventHandler::new(catalog, filters, &start.position, start.gtids),
            flavor,
            dump_gtids,
        })
    }

    /// The next event for the pipeline.
    pub async fn next(&mut self) -> Result<StreamEvent, CaptureError> {
        loop {
            let item = std::future::poll_fn(|cx| Pin::new(&mut self.stream).poll_next(cx)).await;
            let event = match item {
                Some(Ok(event)) => event,
                Some(Err(e)) => {
                    return Err(map_stream_error(
                        e,
                        self.handler.next_position(),
                        self.dump_gtids.as_ref(),
                    ));
                }
                None => {
                    return Err(CaptureError::Transient(
                        "the server ended the binlog stream".into(),
                    ));
                }
            };
            if let Some(out) = self.handler.handle(&event)? {
                return Ok(out);
            }
        }
    }

    /// The table models as of the last event returned.
    pub fn catalog(&self) -> &Catalog {
        self.handler.catalog()
    }

    /// The end of the last event read (where the stream would continue).
    pub fn position(&self) -> &BinlogPosition {
        self.handler.next_position()
    }

    /// The GTID state of every event group read so far, when the reader started from a known
    /// one (see [`Start::gtids`]).
    pub fn gtids(&self) -> Option<&GtidState> {
        self.handler.gtids()
    }

    /// [`gtids`](Self::gtids) as an offset carries it: `None` while unknown or empty.
    pub fn gtids_text(&self) -> Option<&str> {
        self.handler.gtids_text()
    }

    /// The server family the reader is connected to.
    pub fn flavor(&self) -> Flavor {
        self.flavor
    }

    /// Closes the replication connection.
    pub async fn close(self) -> Result<(), CaptureError> {
        self.stream.close().await.map_err(CaptureError::from)
    }
}

/// Classifies an error of the binlog connection (see the module docs).
fn map_stream_error(
    e: mysql_async::Error,
    at: &BinlogPosition,
    dump_gtids: Option<&GtidState>,
) -> CaptureError {
    match e {
        mysql_async::Error::Server(s) => {
            let msg = s.message.to_ascii_lowercase();
            let refused = dump_gtids
                .filter(|_| s.code == 1236)
                .and_then(|g| start::gtid_refused(&s.message, g, at));
            if let Some(refused) = refused {
                refused
            } else if s.code == 1236
                && (msg.contains("could not find first log file")
                    || msg.contains("purged")
                    || msg.contains("could not open log file"))
            {
                CaptureError::BinlogPurged {
                    file: at.file.clone(),
                    position: at.clone(),
                }
            } else if matches!(s.code, 1053 | 1317 | 1927 | 2006 | 2013) {
                CaptureError::Transient(format!("MySQL server error {}: {}", s.code, s.message))
            } else {
                CaptureError::Definite(format!(
                    "reading the binlog at {at} failed: MySQL server error {}: {}",
                    s.code, s.message
                ))
            }
        }
        other => other.into(),
    }
}
