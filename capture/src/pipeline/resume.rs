//! Where a task resumes from its committed offset, chosen as Debezium does.
//!
//! - By GTID when the offset carries a GTID state of this server's family and the server has
//!   GTIDs (MySQL `gtid_mode=ON`; MariaDB always). The state must still be servable, checked
//!   before streaming so `snapshot.mode=when_needed` can re-snapshot instead:
//!   - MySQL: every transaction in it is in `@@gtid_executed`, and `@@gtid_purged` is within
//!     it (nothing the connector has not read was purged);
//!   - MariaDB: no domain is ahead of `@@gtid_binlog_pos`, and none is behind the state at the
//!     start of the oldest binlog still on the server (`BINLOG_GTID_POS(<oldest>, 4)`).
//!
//!   Otherwise [`CaptureError::GtidUnavailable`].
//! - Otherwise by file and offset, which must still be on the server
//!   ([`CaptureError::BinlogPurged`]). On MariaDB the GTID state at that position
//!   (`BINLOG_GTID_POS(file, pos)`) is read so offsets carry GTIDs from then on; on MySQL
//!   without `gtid_mode=ON` offsets carry none.
//!
//! The table models are restored at the offset's file and offset either way: both describe
//! the same point of this server's binlog.

use super::offset::SourceOffset;
use crate::binlog::Start;
use crate::error::CaptureError;
use crate::mysql::preflight::ensure_not_purged;
use crate::mysql::{Flavor, ServerInfo, earliest_binlog};
use crate::position::{BinlogPosition, GtidSet, GtidState, MariaDbGtid};
use mysql_async::Conn;
use mysql_async::prelude::Queryable;

/// Chooses how to resume at `offset` and checks the server still has that point.
pub(super) async fn plan(
    conn: &mut Conn,
    server: &ServerInfo,
    offset: &SourceOffset,
) -> Result<Start, CaptureError> {
    let position = offset.position();
    let gtids = offset_gtids(offset, server.flavor);
    match gtids {
        Some(gtids) if server.gtid_mode => {
            ensure_gtids_available(conn, server.flavor, &gtids, &position).await?;
            Ok(Start {
                position,
                gtids: Some(gtids),
                by_gtid: true,
            })
        }
        _ => {
            ensure_not_purged(conn, &position).await?;
            let gtids = match server.flavor {
                Flavor::MariaDb => mariadb_gtids_at(conn, &position).await?,
                Flavor::MySql => None,
            };
            Ok(Start {
                position,
                gtids,
                by_gtid: false,
            })
        }
    }
}

/// The offset's GTID state, if it has one of `flavor`'s kind.
fn offset_gtids(offset: &SourceOffset, flavor: Flavor) -> Option<GtidState> {
    let text = offset.gtids.as_deref()?;
    match text.parse::<GtidState>() {
        Ok(g @ GtidState::MySql(_)) if flavor == Flavor::MySql && !g.is_empty() => Some(g),
        Ok(g @ GtidState::MariaDb(_)) if flavor == Flavor::MariaDb && !g.is_empty() => Some(g),
        Ok(_) => {
            tracing::warn!(
                gtids = text,
                ?flavor,
                "offset GTIDs are not this server's kind; resuming by file and position"
            );
            None
        }
        Err(e) => {
            tracing::warn!(gtids = text, error = %e, "offset GTIDs unreadable; resuming by file and position");
            None
        }
    }
}

fn unavailable(gtids: &GtidState, position: &BinlogPosition, reason: String) -> CaptureError {
    CaptureError::GtidUnavailable {
        gtids: gtids.to_string(),
        position: position.clone(),
        reason,
    }
}

async fn text(conn: &mut Conn, sql: &str) -> Result<String, CaptureError> {
    let value: Option<Option<String>> = conn.query_first(sql).await?;
    Ok(value.flatten().unwrap_or_default())
}

fn parsed<T: std::str::FromStr<Err = crate::position::PositionError>>(
    what: &str,
    text: &str,
) -> Result<T, CaptureError> {
    text.parse()
        .map_err(|e| CaptureError::Definite(format!("the server's {what} is unreadable: {e}")))
}

/// Whether the server can still send everything after `gtids` (see the module docs).
async fn ensure_gtids_available(
    conn: &mut Conn,
    flavor: Flavor,
    gtids: &GtidState,
    at: &BinlogPosition,
) -> Result<(), CaptureError> {
    match (flavor, gtids) {
        (Flavor::MySql, GtidState::MySql(mine)) => {
            let executed = text(conn, "SELECT @@GLOBAL.gtid_executed").await?;
            let executed: GtidSet = parsed("gtid_executed", &executed)?;
            if !executed.contains_set(mine) {
                return Err(unavailable(
                    gtids,
                    at,
                    format!("the server has not executed all of it (gtid_executed is {executed})"),
                ));
            }
            let purged = text(conn, "SELECT @@GLOBAL.gtid_purged").await?;
            let purged: GtidSet = parsed("gtid_purged", &purged)?;
            if !mine.contains_set(&purged) {
                return Err(unavailable(
                    gtids,
                    at,
                    format!("transactions after it were purged (gtid_purged is {purged})"),
                ));
            }
            Ok(())
        }
        (Flavor::MariaDb, GtidState::MariaDb(mine)) => {
            let now = text(conn, "SELECT @@GLOBAL.gtid_binlog_pos").await?;
            let now: MariaDbGtid = parsed("gtid_binlog_pos", &now)?;
            let ahead = now.behind(mine);
            if !ahead.is_empty() {
                return Err(unavailable(
                    gtids,
                    at,
                    format!(
                        "the server's binlog does not have {} (gtid_binlog_pos is {now})",
                        ahead.join(",")
                    ),
                ));
            }
            let oldest = earliest_binlog(conn).await?;
            let start = mariadb_gtids_at(conn, &BinlogPosition::new(oldest.clone(), 4)).await?;
            if let Some(GtidState::MariaDb(start)) = start {
                let purged = mine.behind(&start);
                if !purged.is_empty() {
                    return Err(unavailable(
                        gtids,
                        at,
                        format!(
                            "transactions after it were purged: the oldest binlog, {oldest}, starts after {}",
                            purged.join(",")
                        ),
                    ));
                }
            }
            Ok(())
        }
        _ => Err(unavailable(
            gtids,
            at,
            format!("it is not a GTID state of a {flavor:?} server"),
        )),
    }
}

/// MariaDB's GTID position at `position` (`BINLOG_GTID_POS`); `None` if the server cannot
/// tell (the file is gone or the position is not at an event group boundary).
async fn mariadb_gtids_at(
    conn: &mut Conn,
    position: &BinlogPosition,
) -> Result<Option<GtidState>, CaptureError> {
    let g: Option<Option<String>> = conn
        .exec_first(
            "SELECT BINLOG_GTID_POS(?, ?)",
            (position.file.as_str(), position.pos),
        )
        .await?;
    match g.flatten() {
        None => Ok(None),
        Some(text) if text.is_empty() => Ok(Some(GtidState::MariaDb(MariaDbGtid::default()))),
        Some(text) => {
            parsed::<MariaDbGtid>("BINLOG_GTID_POS", &text).map(|g| Some(GtidState::MariaDb(g)))
        }
    }
}
