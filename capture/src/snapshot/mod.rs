//! The initial consistent snapshot: every captured table's rows as they were at one binlog
//! position, then streaming from exactly that position.
//!
//! # The consistency algorithm
//!
//! Everything runs on one dedicated connection (UTC session, `utf8mb4`, see
//! [`crate::mysql::opts`]). With `snapshot.locking.mode=minimal` (the default), as Debezium's
//! `minimal` mode does it:
//!
//! 1. `SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ` and a 10 s
//!    `lock_wait_timeout` (Debezium's `snapshot.lock.timeout.ms` default).
//! 2. `FLUSH TABLES WITH READ LOCK`: the global read lock. From here no transaction can
//!    commit and no DDL can run, so the binlog, the table definitions and the data all stand
//!    still.
//! 3. The binlog position: `SHOW MASTER STATUS` (`SHOW BINARY LOG STATUS` on MySQL ≥ 8.4),
//!    and the GTID state (`BINLOG_GTID_POS(file, pos)` on MariaDB, `@@gtid_executed` on
//!    MySQL).
//! 4. The schemas: `SHOW DATABASES`, `SHOW FULL TABLES` per captured database (views are
//!    skipped), `SHOW CREATE DATABASE` (charsets) and `SHOW CREATE TABLE` per captured table,
//!    each parsed into the [`Catalog`] with [`Catalog::apply_sql`], after the server charset.
//! 5. `START TRANSACTION WITH CONSISTENT SNAPSHOT`: the InnoDB read view is opened while the
//!    lock still holds, so it sees exactly the commits before the position of step 3.
//! 6. `UNLOCK TABLES`: writers resume. The lock was held only for steps 3–5 (milliseconds).
//! 7. Every captured table is read inside that transaction (see `read`), then `COMMIT`.
//!
//! When `FLUSH TABLES WITH READ LOCK` is refused (error 1227: no `RELOAD` privilege, as on
//! managed cloud servers), and with `snapshot.locking.mode=none`:
//! - on MariaDB: no lock at all. `START TRANSACTION WITH CONSISTENT SNAPSHOT` first, then
//!   `SHOW STATUS LIKE 'binlog_snapshot_%'`, which MariaDB answers with the binlog position
//!   of exactly that read view. Data and position are consistent without any lock; only a
//!   DDL statement committed while the schemas are being read is not guarded against (a
//!   warning says so).
//! - on MySQL: `LOCK TABLES … READ` on every captured table if permitted, held until the data
//!   has been read (writes to captured tables wait for the whole snapshot, as in Debezium's
//!   fallback); otherwise no lock, and a warning that rows committed while the snapshot starts
//!   may be duplicated or missed.
//!
//! The outcome reports which of these was used ([`Consistency`]).
//!
//! # Rows and markers
//!
//! Tables are read in [`TableId`] order (database, then table; Debezium sorts its captured
//! tables the same way), in primary-key chunks of `snapshot.fetch.size` rows (default 10,000),
//! through prepared statements (binary protocol). Each row carries its `source.snapshot`
//! marker, computed exactly as Debezium does (`markers`).

mod decode;
mod lock;
mod markers;
mod position;
mod read;
mod schema;

use crate::avro::SnapshotMarker;
use crate::config::ConnectorConfig;
use crate::error::CaptureError;
use crate::position::BinlogPosition;
use crate::schema::{Catalog, Table, TableChange, TableId};
use crate::value::OwnedColumnValue;
use std::sync::Arc;
use tokio::sync::mpsc;

pub use decode::decode_value;
pub use markers::marker_for;

/// A row read by the snapshot.
#[derive(Debug, Clone)]
pub struct SnapshotRow {
    pub table: Arc<Table>,
    /// Values in table column order (a column excluded by `column.exclude.list` is read as
    /// NULL: it is never in the value).
    pub values: Vec<OwnedColumnValue>,
    pub marker: SnapshotMarker,
    /// The snapshot's binlog position (`source.file`/`source.pos` of every snapshot row).
    pub position: Arc<BinlogPosition>,
}

/// A statement the snapshot records for the schema (the DDL Debezium's `BinlogSnapshotChangeEventSource` records),
/// written to the schema change topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotDdl {
    /// The database it belongs to (empty for the server charset `SET`).
    pub database: String,
    /// The statement: `SHOW CREATE TABLE` text for a table, Debezium's own statements
    /// otherwise.
    pub ddl: String,
    /// The table it drops or creates, if any.
    pub change: Option<TableChange>,
}

impl SnapshotDdl {
    fn statement(database: &str, ddl: String) -> Self {
        Self {
            database: database.to_owned(),
            ddl,
            change: None,
        }
    }
}

/// Where the snapshot was taken and the table models at that point.
#[derive(Debug, Clone)]
pub struct SnapshotOutcome {
    /// The binlog position the rows are consistent with: streaming starts here.
    pub position: BinlogPosition,
    /// MariaDB GTID position (`0-1-42`) or MySQL executed GTID set at `position`, when the
    /// server has GTIDs.
    pub gtid: Option<String>,
    /// Every captured table's model at `position`, and the captured databases' charsets.
    pub catalog: Catalog,
    /// The schema statements, in order ([`SnapshotDdl`]).
    pub ddl: Vec<SnapshotDdl>,
    /// How consistency was obtained.
    pub consistency: Consistency,
    /// Rows sent (0 for `no_data`).
    pub rows: u64,
}

/// How the snapshot made its rows consistent with its position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consistency {
    /// `FLUSH TABLES WITH READ LOCK` while reading position and schemas, then a consistent
    /// snapshot transaction: exact.
    GlobalReadLock,
    /// `LOCK TABLES … READ` on the captured tables for the whole snapshot: exact, writers to
    /// those tables blocked meanwhile.
    TableLocks,
    /// No lock; MariaDB's `binlog_snapshot_file/position` of the consistent snapshot: exact
    /// for rows (a DDL racing the schema reads is not guarded).
    MariaDbSnapshotPosition,
    /// No lock and no way to tie the position to the read view: rows committed while the
    /// snapshot started may be duplicated or missed.
    Unguarded,
}

impl Consistency {
    /// Whether rows and position are guaranteed to match.
    pub fn is_exact(self) -> bool {
        !matches!(self, Self::Unguarded)
    }
}

/// Progress of the table being read, reported after every chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotProgress {
    pub table: TableId,
    /// Rows of this table read so far.
    pub rows_done: u64,
    /// `information_schema.TABLES.TABLE_ROWS`: InnoDB's estimate, may be off either way.
    pub rows_total_estimate: u64,
}

/// Chunk size when `snapshot.fetch.size` is not set.
pub const DEFAULT_CHUNK_ROWS: u32 = 10_000;

/// Takes the snapshot: schemas and position always, rows when `snapshot.mode` reads data
/// ([`crate::config::SnapshotMode::reads_data`]). Rows go to `rows` in table order, each
/// with its marker; the channel is bounded, so a slow consumer slows the reading down.
/// `progress` is called after every chunk.
///
/// Fails with [`CaptureError::Transient`] when the connection drops (the snapshot must then
/// start over), [`CaptureError::ServerSetting`] when the server has no binlog, and
/// [`CaptureError::Definite`] when `rows` is closed or a definition cannot be parsed.
pub async fn run(
    config: &ConnectorConfig,
    rows: mpsc::Sender<SnapshotRow>,
    progress: &(dyn Fn(SnapshotProgress) + Send + Sync),
) -> Result<SnapshotOutcome, CaptureError> {
    let mut conn = mysql_async::Conn::new(crate::mysql::opts(&config.database)).await?;
    let result = run_on(&mut conn, config, rows, progress).await;
    if result.is_err() {
        // Best effort: the server drops locks and the transaction with the connection anyway.
        let _ = mysql_async::prelude::Queryable::query_drop(&mut conn, "ROLLBACK").await;
        let _ = mysql_async::prelude::Queryable::query_drop(&mut conn, "UNLOCK TABLES").await;
    }
    let _ = conn.disconnect().await;
    result
}

async fn run_on(
    conn: &mut mysql_async::Conn,
    config: &ConnectorConfig,
    rows: mpsc::Sender<SnapshotRow>,
    progress: &(dyn Fn(SnapshotProgress) + Send + Sync),
) -> Result<SnapshotOutcome, CaptureError> {
    let started = std::time::Instant::now();
    let locked = lock::establish(conn, config).await?;
    tracing::info!(
        position = %locked.position,
        gtid = locked.gtid.as_deref().unwrap_or(""),
        consistency = ?locked.consistency,
        tables = locked.tables.len(),
        "snapshot position and schemas read"
    );
    let mut sent = 0;
    if config.snapshot_mode.reads_data() {
        let chunk = config
            .snapshot_fetch_size
            .unwrap_or(DEFAULT_CHUNK_ROWS)
            .max(1);
        sent = read::read_tables(
            conn,
            config,
            &locked.tables,
            &locked.position,
            chunk,
            rows,
            progress,
        )
        .await?;
    }
    lock::finish(conn, locked.consistency).await?;
    tracing::info!(
        rows = sent,
        tables = locked.tables.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "snapshot complete"
    );
    Ok(SnapshotOutcome {
        position: locked.position,
        gtid: locked.gtid,
        catalog: locked.catalog,
        ddl: locked.ddl,
        consistency: locked.consistency,
        rows: sent,
    })
}

/// The definitions of the tables `config` captures, as the server at `url`
/// (`mysql://user:password@host:port`) has them now: the model a schema check
/// (`sluice gate --from`) starts from. Reads metadata only, takes no lock.
pub async fn read_current_catalog(
    url: &str,
    config: &ConnectorConfig,
) -> Result<Catalog, CaptureError> {
    let opts = mysql_async::Opts::from_url(url)
        .map_err(|e| CaptureError::Definite(format!("invalid MySQL URL: {e}")))?;
    let opts = mysql_async::OptsBuilder::from_opts(opts)
        .prefer_socket(false)
        .init(vec!["SET NAMES utf8mb4"]);
    let mut conn = mysql_async::Conn::new(opts).await?;
    let (databases, tables) = schema::list(&mut conn, config).await?;
    let read = schema::read(&mut conn, &databases, &tables).await;
    let _ = conn.disconnect().await;
    read.map(|(catalog, _ddl)| catalog)
}
