//! Establishing consistency: lock (or not), position, schemas, consistent-snapshot
//! transaction, unlock — the steps and fallbacks the module documentation of
//! [`super`] describes.

use super::position::{self, Flavor, server_code};
use super::schema;
use super::{Consistency, SnapshotDdl};
use crate::config::{ConnectorConfig, SnapshotLockingMode};
use crate::error::CaptureError;
use crate::position::BinlogPosition;
use crate::schema::{Catalog, Table, TableId};
use mysql_async::Conn;
use mysql_async::prelude::Queryable;
use std::sync::Arc;
use std::time::Instant;

/// Server errors that mean "not permitted": 1044 (database access denied), 1045, 1142
/// (table access denied), 1227 (needs a privilege such as RELOAD).
const ACCESS_DENIED: &[u16] = &[1044, 1045, 1142, 1227];

fn denied(e: &mysql_async::Error) -> bool {
    server_code(e).is_some_and(|c| ACCESS_DENIED.contains(&c))
}

/// What the snapshot starts from: the position, the schemas there, the tables to read (in
/// order) and how consistency was obtained. The connection is inside the snapshot
/// transaction (or holds the table locks) when this is returned.
#[derive(Debug)]
pub(super) struct Established {
    pub(super) position: BinlogPosition,
    pub(super) gtid: Option<String>,
    pub(super) catalog: Catalog,
    pub(super) ddl: Vec<SnapshotDdl>,
    pub(super) tables: Vec<Arc<Table>>,
    pub(super) consistency: Consistency,
}

/// Runs the consistency steps for `snapshot.locking.mode`.
pub(super) async fn establish(
    conn: &mut Conn,
    config: &ConnectorConfig,
) -> Result<Established, CaptureError> {
    let flavor = Flavor::detect(conn).await?;
    conn.query_drop("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        .await?;
    conn.query_drop("SET SESSION lock_wait_timeout = 10")
        .await?;
    let why_unlocked = match config.snapshot_locking_mode {
        SnapshotLockingMode::Minimal => {
            let started = Instant::now();
            match conn.query_drop("FLUSH TABLES WITH READ LOCK").await {
                Ok(()) => return global_lock(conn, config, flavor, started).await,
                Err(e) if denied(&e) => {
                    format!("FLUSH TABLES WITH READ LOCK is not permitted ({e})")
                }
                Err(e) => return Err(e.into()),
            }
        }
        SnapshotLockingMode::None => "snapshot.locking.mode=none".to_string(),
    };
    match flavor {
        Flavor::MariaDb => mariadb_snapshot(conn, config, &why_unlocked).await,
        Flavor::MySql => {
            let minimal = config.snapshot_locking_mode == SnapshotLockingMode::Minimal;
            mysql_without_global_lock(conn, config, &why_unlocked, minimal).await
        }
    }
}

/// Ends the snapshot: commits the read-only transaction, or releases the table locks.
pub(super) async fn finish(conn: &mut Conn, consistency: Consistency) -> Result<(), CaptureError> {
    match consistency {
        Consistency::TableLocks => conn.query_drop("UNLOCK TABLES").await?,
        _ => conn.query_drop("COMMIT").await?,
    }
    Ok(())
}

/// Under `FLUSH TABLES WITH READ LOCK`: position, schemas, consistent snapshot, unlock.
async fn global_lock(
    conn: &mut Conn,
    config: &ConnectorConfig,
    flavor: Flavor,
    started: Instant,
) -> Result<Established, CaptureError> {
    let (position, mysql_gtids) = position::current(conn).await?;
    let gtid = position::gtid_at(conn, flavor, &position, mysql_gtids).await?;
    let (databases, ids) = schema::list(conn, config).await?;
    let (catalog, ddl) = schema::read(conn, &databases, &ids).await?;
    conn.query_drop("START TRANSACTION WITH CONSISTENT SNAPSHOT")
        .await?;
    conn.query_drop("UNLOCK TABLES").await?;
    tracing::info!(
        lock_ms = started.elapsed().as_millis() as u64,
        %position,
        "global read lock released"
    );
    established(
        position,
        gtid,
        (catalog, ddl),
        &ids,
        Consistency::GlobalReadLock,
    )
}

/// MariaDB without a lock: the consistent snapshot first, then the binlog position MariaDB
/// reports for exactly that read view.
async fn mariadb_snapshot(
    conn: &mut Conn,
    config: &ConnectorConfig,
    why: &str,
) -> Result<Established, CaptureError> {
    conn.query_drop("START TRANSACTION WITH CONSISTENT SNAPSHOT")
        .await?;
    let position = position::mariadb_snapshot(conn).await?;
    let gtid = position::gtid_at(conn, Flavor::MariaDb, &position, None).await?;
    let (databases, ids) = schema::list(conn, config).await?;
    let (catalog, ddl) = schema::read(conn, &databases, &ids).await?;
    tracing::warn!(
        reason = why,
        %position,
        "snapshot without a global read lock: rows are exactly consistent with the position \
         (MariaDB binlog_snapshot_position), but a DDL statement committed while the snapshot \
         reads the table definitions is not guarded against"
    );
    established(
        position,
        gtid,
        (catalog, ddl),
        &ids,
        Consistency::MariaDbSnapshotPosition,
    )
}

/// MySQL without the global lock: `LOCK TABLES … READ` for the whole snapshot when
/// permitted (and the locking mode allows locks), else no lock at all.
async fn mysql_without_global_lock(
    conn: &mut Conn,
    config: &ConnectorConfig,
    why: &str,
    may_lock: bool,
) -> Result<Established, CaptureError> {
    let (databases, ids) = schema::list(conn, config).await?;
    if may_lock && !ids.is_empty() {
        let list: Vec<String> = ids
            .iter()
            .map(|id| format!("{} READ", schema::qualified(id)))
            .collect();
        match conn
            .query_drop(format!("LOCK TABLES {}", list.join(", ")))
            .await
        {
            Ok(()) => {
                let (position, gtids) = position::current(conn).await?;
                let (catalog, ddl) = schema::read(conn, &databases, &ids).await?;
                tracing::warn!(
                    reason = why,
                    %position,
                    tables = ids.len(),
                    "snapshot under LOCK TABLES … READ: writes to the captured tables wait until \
                     the snapshot has read every row"
                );
                return established(
                    position,
                    gtids,
                    (catalog, ddl),
                    &ids,
                    Consistency::TableLocks,
                );
            }
            Err(e) if denied(&e) => {
                tracing::warn!(error = %e, "LOCK TABLES is not permitted either");
            }
            Err(e) => return Err(e.into()),
        }
    }
    conn.query_drop("START TRANSACTION WITH CONSISTENT SNAPSHOT")
        .await?;
    let (position, gtids) = position::current(conn).await?;
    let (catalog, ddl) = schema::read(conn, &databases, &ids).await?;
    tracing::warn!(
        reason = why,
        %position,
        "snapshot without any lock: MySQL cannot tie the binlog position to the read view, so \
         rows committed while the snapshot started may be emitted twice or missed; grant RELOAD \
         (or LOCK TABLES) for an exact snapshot"
    );
    established(
        position,
        gtids,
        (catalog, ddl),
        &ids,
        Consistency::Unguarded,
    )
}

fn established(
    position: BinlogPosition,
    gtid: Option<String>,
    (catalog, ddl): (Catalog, Vec<SnapshotDdl>),
    ids: &[TableId],
    consistency: Consistency,
) -> Result<Established, CaptureError> {
    let tables = ids
        .iter()
        .map(|id| {
            catalog
                .table(id)
                .cloned()
                .map(Arc::new)
                .ok_or_else(|| CaptureError::Definite(format!("no table model for {id}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Established {
        position,
        gtid,
        catalog,
        ddl,
        tables,
        consistency,
    })
}
