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
    let problem = match (flavor, gtids) {
        (Flavor::MySql, GtidState::MySql(mine)) => {
            let executed = text(conn, "SELECT @@GLOBAL.gtid_executed").await?;
            let purged = text(conn, "SELECT @@GLOBAL.gtid_purged").await?;
            mysql_problem(
                mine,
                &parsed("gtid_executed", &executed)?,
                &parsed("gtid_purged", &purged)?,
            )
        }
        (Flavor::MariaDb, GtidState::MariaDb(mine)) => {
            let now = text(conn, "SELECT @@GLOBAL.gtid_binlog_pos").await?;
            let oldest = earliest_binlog(conn).await?;
            let start = mariadb_gtids_at(conn, &BinlogPosition::new(oldest.clone(), 4)).await?;
            let start = match start {
                Some(GtidState::MariaDb(start)) => Some(start),
                _ => None,
            };
            mariadb_problem(
                mine,
                &parsed("gtid_binlog_pos", &now)?,
                &oldest,
                start.as_ref(),
            )
        }
        _ => Some(format!("it is not a GTID state of a {flavor:?} server")),
    };
    match problem {
        Some(reason) => Err(unavailable(gtids, at, reason)),
        None => Ok(()),
    }
}

/// Why a MySQL server with `executed` and `purged` GTID sets cannot send everything after
/// `mine` (as Debezium checks): it has not executed all of `mine`, or it purged transactions
/// `mine` lacks.
fn mysql_problem(mine: &GtidSet, executed: &GtidSet, purged: &GtidSet) -> Option<String> {
    if !executed.contains_set(mine) {
        return Some(format!(
            "the server has not executed all of it (gtid_executed is {executed})"
        ));
    }
    if !mine.contains_set(purged) {
        return Some(format!(
            "transactions after it were purged (gtid_purged is {purged})"
        ));
    }
    None
}

/// Why a MariaDB server at `now` whose oldest binlog (`oldest`) starts at `oldest_start`
/// cannot send everything after `mine`: a domain of `mine` is ahead of the server, or behind
/// the oldest binlog's start (or missing while the server had transactions in it then).
fn mariadb_problem(
    mine: &MariaDbGtid,
    now: &MariaDbGtid,
    oldest: &str,
    oldest_start: Option<&MariaDbGtid>,
) -> Option<String> {
    let ahead = now.behind(mine);
    if !ahead.is_empty() {
        return Some(format!(
            "the server's binlog does not have {} (gtid_binlog_pos is {now})",
            ahead.join(",")
        ));
    }
    let purged = oldest_start.map(|start| mine.behind(start))?;
    (!purged.is_empty()).then(|| {
        format!(
            "transactions after it were purged: the oldest binlog, {oldest}, starts after {}",
            purged.join(",")
        )
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    const U1: &str = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

    fn set(text: &str) -> GtidSet {
        text.parse().unwrap()
    }

    fn maria(text: &str) -> MariaDbGtid {
        text.parse().unwrap()
    }

    fn offset(gtids: Option<&str>) -> SourceOffset {
        let mut o = SourceOffset::at(&BinlogPosition::new("binlog.000002", 1234));
        o.gtids = gtids.map(str::to_owned);
        o
    }

    #[test]
    fn only_a_gtid_state_of_the_servers_family_is_used() {
        let mysql = format!("{U1}:1-10");
        assert!(matches!(
            offset_gtids(&offset(Some(&mysql)), Flavor::MySql),
            Some(GtidState::MySql(_))
        ));
        assert_eq!(offset_gtids(&offset(Some(&mysql)), Flavor::MariaDb), None);
        assert!(matches!(
            offset_gtids(&offset(Some("0-1-7")), Flavor::MariaDb),
            Some(GtidState::MariaDb(_))
        ));
        assert_eq!(offset_gtids(&offset(Some("0-1-7")), Flavor::MySql), None);
        assert_eq!(offset_gtids(&offset(Some("garbage")), Flavor::MySql), None);
        assert_eq!(offset_gtids(&offset(None), Flavor::MariaDb), None);
    }

    #[test]
    fn mysql_serves_a_set_it_executed_that_covers_what_it_purged() {
        let mine = set(&format!("{U1}:1-100"));
        let executed = set(&format!("{U1}:1-150"));
        assert_eq!(
            mysql_problem(&mine, &executed, &set(&format!("{U1}:1-40"))),
            None
        );
        assert_eq!(mysql_problem(&mine, &executed, &GtidSet::default()), None);
        let purged = mysql_problem(&mine, &executed, &set(&format!("{U1}:1-120")));
        assert!(purged.is_some_and(|r| r.contains("purged")));
        let ahead = mysql_problem(&mine, &set(&format!("{U1}:1-90")), &GtidSet::default());
        assert!(ahead.is_some_and(|r| r.contains("not executed")));
    }

    #[test]
    fn mariadb_serves_a_position_between_its_oldest_binlog_and_now() {
        let now = maria("0-1-100,1-2-30");
        let start = maria("0-1-40");
        let ok = mariadb_problem(&maria("0-1-50,1-2-10"), &now, "b.000003", Some(&start));
        assert_eq!(ok, None);
        let purged = mariadb_problem(&maria("0-1-30"), &now, "b.000003", Some(&start));
        assert!(purged.is_some_and(|r| r.contains("b.000003") && r.contains("0-1-40")));
        let ahead = mariadb_problem(&maria("0-1-101"), &now, "b.000003", Some(&start));
        assert!(ahead.is_some_and(|r| r.contains("0-1-101")));
        let unknown_domain = mariadb_problem(&maria("0-1-50,5-1-1"), &now, "b.000003", None);
        assert!(unknown_domain.is_some_and(|r| r.contains("5-1-1")));
    }
}
