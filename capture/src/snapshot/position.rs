//! Reading the server's binlog position and GTID state (private to the snapshot).

use crate::error::CaptureError;
use crate::position::BinlogPosition;
use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Row, Value};

/// The server family: how positions and GTIDs are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flavor {
    MariaDb,
    MySql,
}

impl Flavor {
    /// From `SELECT VERSION()`.
    pub(super) async fn detect(conn: &mut Conn) -> Result<Self, CaptureError> {
        let version: Option<String> = conn.query_first("SELECT VERSION()").await?;
        Ok(match version {
            Some(v) if v.to_ascii_lowercase().contains("mariadb") => Self::MariaDb,
            _ => Self::MySql,
        })
    }
}

/// A column of a row as text (NULL and missing are `None`).
pub(super) fn text(row: &Row, idx: usize) -> Option<String> {
    match row.as_ref(idx)? {
        Value::NULL => None,
        Value::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
        v => Some(v.as_sql(true).trim_matches('\'').to_string()),
    }
}

/// The server error code of `e`, if it is one.
pub(super) fn server_code(e: &mysql_async::Error) -> Option<u16> {
    match e {
        mysql_async::Error::Server(s) => Some(s.code),
        _ => None,
    }
}

/// `SHOW MASTER STATUS` (or `SHOW BINARY LOG STATUS` where the former is gone): the current
/// binlog file and offset, and MySQL's `Executed_Gtid_Set` when present.
pub(super) async fn current(
    conn: &mut Conn,
) -> Result<(BinlogPosition, Option<String>), CaptureError> {
    let row: Option<Row> = match conn.query_first("SHOW MASTER STATUS").await {
        Ok(r) => r,
        // 1064: syntax error — MySQL ≥ 8.4 only knows the new spelling.
        Err(e) if server_code(&e) == Some(1064) => {
            conn.query_first("SHOW BINARY LOG STATUS").await?
        }
        Err(e) => return Err(e.into()),
    };
    let Some(row) = row else {
        return Err(CaptureError::ServerSetting {
            setting: "log_bin".into(),
            expected: "ON".into(),
            actual: "OFF (SHOW MASTER STATUS returned nothing)".into(),
        });
    };
    let file = text(&row, 0).unwrap_or_default();
    let pos = text(&row, 1)
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| CaptureError::Definite("SHOW MASTER STATUS: no position".into()))?;
    // MySQL: File, Position, Binlog_Do_DB, Binlog_Ignore_DB, Executed_Gtid_Set.
    let gtid_set = if row.len() > 4 {
        text(&row, 4)
            .map(|g| g.split_whitespace().collect::<String>())
            .filter(|g| !g.is_empty())
    } else {
        None
    };
    Ok((BinlogPosition::new(file, pos), gtid_set))
}

/// MariaDB's `binlog_snapshot_file`/`binlog_snapshot_position`: the binlog position of the
/// read view opened by this session's `START TRANSACTION WITH CONSISTENT SNAPSHOT`.
pub(super) async fn mariadb_snapshot(conn: &mut Conn) -> Result<BinlogPosition, CaptureError> {
    let rows: Vec<(String, String)> = conn.query("SHOW STATUS LIKE 'binlog_snapshot_%'").await?;
    let get = |name: &str| {
        rows.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    match (
        get("binlog_snapshot_file"),
        get("binlog_snapshot_position").and_then(|p| p.parse().ok()),
    ) {
        (Some(file), Some(pos)) if !file.is_empty() => Ok(BinlogPosition::new(file, pos)),
        _ => Err(CaptureError::ServerSetting {
            setting: "log_bin".into(),
            expected: "ON".into(),
            actual: "OFF (binlog_snapshot_file is empty)".into(),
        }),
    }
}

/// The GTID state at `position`: MariaDB's `BINLOG_GTID_POS(file, pos)` (the GTID position a
/// replica starting there would use), MySQL's executed set as `SHOW MASTER STATUS` gave it.
/// `None` when the server has no GTIDs yet.
pub(super) async fn gtid_at(
    conn: &mut Conn,
    flavor: Flavor,
    position: &BinlogPosition,
    mysql_set: Option<String>,
) -> Result<Option<String>, CaptureError> {
    match flavor {
        Flavor::MySql => Ok(mysql_set),
        Flavor::MariaDb => {
            let g: Option<Option<String>> = conn
                .exec_first(
                    "SELECT BINLOG_GTID_POS(?, ?)",
                    (position.file.as_str(), position.pos),
                )
                .await?;
            Ok(g.flatten().filter(|g| !g.is_empty()))
        }
    }
}
