//! Preflight: is the server set up for capture? Each requirement is a small `ensure_*`
//! function that says exactly what is wrong, as a definite [`CaptureError::ServerSetting`]:
//!
//! - `log_bin` ON, `binlog_format` ROW, `binlog_row_image` FULL: required (rows must be in the
//!   binlog, whole);
//! - `binlog_row_metadata` FULL: recommended, warned about (without it TABLE_MAP events carry
//!   no column names, signedness or ENUM/SET members, so model checks are coarser);
//! - privileges: `REPLICATION CLIENT` (or MariaDB's `BINLOG MONITOR`) is checked by running
//!   the statements that need it, `SHOW MASTER STATUS` / `SHOW BINARY LOGS`.
//!
//! [`current_position`] and [`earliest_binlog`] read where the binlog is now and the oldest
//! file still on the server (to tell whether a stored resume point has been purged).

use crate::error::CaptureError;
use crate::position::BinlogPosition;
use mysql_async::Conn;
use mysql_async::prelude::Queryable;

/// Which server family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    MySql,
    MariaDb,
}

impl Flavor {
    /// From `SELECT VERSION()` text.
    pub fn from_version(version: &str) -> Self {
        if version.to_ascii_lowercase().contains("mariadb") {
            Self::MariaDb
        } else {
            Self::MySql
        }
    }
}

/// What preflight learned about the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    pub flavor: Flavor,
    /// `VERSION()`, e.g. `10.11.9-MariaDB-log` or `8.0.36`.
    pub version: String,
    /// `@@server_id`.
    pub server_id: u32,
    /// The binlog position now.
    pub current: BinlogPosition,
    /// MySQL `gtid_mode` ON (MariaDB always has GTIDs: true).
    pub gtid_mode: bool,
}

/// Checks everything capture needs; the first missing requirement is the error.
pub async fn check_server(conn: &mut Conn) -> Result<ServerInfo, CaptureError> {
    let version: String = query_one(conn, "SELECT VERSION()").await?;
    let flavor = Flavor::from_version(&version);
    ensure_log_bin(conn).await?;
    ensure_binlog_format(conn).await?;
    ensure_row_image(conn).await?;
    warn_row_metadata(conn).await?;
    let current = current_position(conn).await?;
    earliest_binlog(conn).await?;
    let server_id: u32 = query_one(conn, "SELECT @@GLOBAL.server_id").await?;
    let gtid_mode = match flavor {
        Flavor::MariaDb => true,
        Flavor::MySql => variable(conn, "gtid_mode")
            .await?
            .is_some_and(|m| m.eq_ignore_ascii_case("ON")),
    };
    Ok(ServerInfo {
        flavor,
        version,
        server_id,
        current,
        gtid_mode,
    })
}

async fn query_one<T: mysql_async::prelude::FromValue + Send + 'static>(
    conn: &mut Conn,
    sql: &str,
) -> Result<T, CaptureError> {
    conn.query_first::<T, _>(sql)
        .await?
        .ok_or_else(|| CaptureError::Definite(format!("`{sql}` returned no row")))
}

/// A global variable's value, `None` when the server does not have it.
async fn variable(conn: &mut Conn, name: &str) -> Result<Option<String>, CaptureError> {
    let row: Option<(String, String)> = conn
        .query_first(format!("SHOW GLOBAL VARIABLES LIKE '{name}'"))
        .await?;
    Ok(row.map(|(_, v)| v))
}

async fn ensure_setting(conn: &mut Conn, name: &str, expected: &str) -> Result<(), CaptureError> {
    let actual = variable(conn, name).await?;
    match actual {
        Some(v) if v.eq_ignore_ascii_case(expected) => Ok(()),
        other => Err(CaptureError::ServerSetting {
            setting: name.to_string(),
            expected: expected.to_string(),
            actual: other.unwrap_or_else(|| "not set".into()),
        }),
    }
}

/// The binary log is on.
pub async fn ensure_log_bin(conn: &mut Conn) -> Result<(), CaptureError> {
    ensure_setting(conn, "log_bin", "ON").await
}

/// Row-based binlog.
pub async fn ensure_binlog_format(conn: &mut Conn) -> Result<(), CaptureError> {
    ensure_setting(conn, "binlog_format", "ROW").await
}

/// Full row images (before and after images with every column).
pub async fn ensure_row_image(conn: &mut Conn) -> Result<(), CaptureError> {
    ensure_setting(conn, "binlog_row_image", "FULL").await
}

/// `binlog_row_metadata=FULL` is recommended; anything else is logged, not refused.
pub async fn warn_row_metadata(conn: &mut Conn) -> Result<(), CaptureError> {
    if let Err(e) = ensure_setting(conn, "binlog_row_metadata", "FULL").await {
        match e {
            CaptureError::ServerSetting { actual, .. } => tracing::warn!(
                binlog_row_metadata = %actual,
                "binlog_row_metadata=FULL is recommended: without it the binlog does not name \
                 columns, so capture checks its table models less precisely"
            ),
            other => return Err(other),
        }
    }
    Ok(())
}

fn privilege_error(what: &str, e: mysql_async::Error) -> CaptureError {
    match e {
        mysql_async::Error::Server(s) if matches!(s.code, 1227 | 1142 | 1044 | 1045) => {
            CaptureError::ServerSetting {
                setting: format!("privileges of the capture user ({what})"),
                expected: "REPLICATION SLAVE, REPLICATION CLIENT (MariaDB: also BINLOG MONITOR)"
                    .into(),
                actual: s.message,
            }
        }
        other => other.into(),
    }
}

/// Where the binlog is now: `SHOW MASTER STATUS` (`SHOW BINARY LOG STATUS` on MySQL 8.4+).
pub async fn current_position(conn: &mut Conn) -> Result<BinlogPosition, CaptureError> {
    let row: Option<mysql_async::Row> = match conn.query_first("SHOW MASTER STATUS").await {
        Ok(r) => r,
        Err(mysql_async::Error::Server(s)) if s.code == 1064 => conn
            .query_first("SHOW BINARY LOG STATUS")
            .await
            .map_err(|e| privilege_error("SHOW BINARY LOG STATUS", e))?,
        Err(e) => return Err(privilege_error("SHOW MASTER STATUS", e)),
    };
    let row = row.ok_or_else(|| CaptureError::ServerSetting {
        setting: "log_bin".into(),
        expected: "ON".into(),
        actual: "OFF (SHOW MASTER STATUS is empty)".into(),
    })?;
    let file: Option<String> = row.get(0);
    let pos: Option<u64> = row.get(1);
    match (file, pos) {
        (Some(file), Some(pos)) => Ok(BinlogPosition::new(file, pos)),
        _ => Err(CaptureError::Definite(
            "SHOW MASTER STATUS returned no file and position".into(),
        )),
    }
}

/// The oldest binlog file still on the server (the first of `SHOW BINARY LOGS`).
pub async fn earliest_binlog(conn: &mut Conn) -> Result<String, CaptureError> {
    let row: Option<mysql_async::Row> = conn
        .query_first("SHOW BINARY LOGS")
        .await
        .map_err(|e| privilege_error("SHOW BINARY LOGS", e))?;
    row.and_then(|r| r.get::<String, _>(0))
        .ok_or_else(|| CaptureError::ServerSetting {
            setting: "log_bin".into(),
            expected: "ON".into(),
            actual: "OFF (no binary logs)".into(),
        })
}

/// Whether `position`'s file is still on the server: `Err(BinlogPurged)` when it is older than
/// the oldest file there.
pub async fn ensure_not_purged(
    conn: &mut Conn,
    position: &BinlogPosition,
) -> Result<(), CaptureError> {
    let earliest = BinlogPosition::new(earliest_binlog(conn).await?, 4);
    if BinlogPosition::new(position.file.clone(), 4) < earliest {
        return Err(CaptureError::BinlogPurged {
            file: position.file.clone(),
            position: position.clone(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flavor_from_version() {
        assert_eq!(Flavor::from_version("10.11.9-MariaDB-log"), Flavor::MariaDb);
        assert_eq!(Flavor::from_version("8.0.36"), Flavor::MySql);
        // MariaDB started with `--version=8.0.40-MariaDB-10.11` (so Debezium's MySQL connector
        // takes it for MySQL 8.0) is still MariaDB: the flavour is the name, not the number.
        assert_eq!(
            Flavor::from_version("8.0.40-MariaDB-10.11"),
            Flavor::MariaDb
        );
    }
}
