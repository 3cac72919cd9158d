//! Capture's errors, split the way recovery needs them.
//!
//! - [`CaptureError::Transient`]: the connection dropped, the server restarted, Kafka is
//!   briefly away, the capture store's file is briefly locked. The task reconnects and resumes
//!   from its last committed offset.
//! - everything else is definite: retrying the same thing gives the same failure (a schema
//!   the registry rejects, a binlog purged past the resume point, a server not configured for
//!   ROW binlog, a DDL that cannot be understood). The task goes FAILED with the error as its
//!   trace and the offset stays where it was, so `restart` after a fix loses nothing.

use crate::position::BinlogPosition;
use crate::schema::TableId;
use crate::store::StoreError;

/// A capture failure.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// Worth retrying after a pause: reconnecting may fix it.
    #[error("{0} (transient; will reconnect and resume)")]
    Transient(String),
    /// The server is not set up for capture (`binlog_format`, privileges, ...).
    #[error("MySQL server is not ready for capture: {setting} is {actual}, expected {expected}")]
    ServerSetting {
        setting: String,
        expected: String,
        actual: String,
    },
    /// The resume point is no longer on the server.
    #[error(
        "binlog file {file} needed to resume at {position} is no longer on the server (purged); set snapshot.mode=when_needed to re-snapshot, or start a new connector"
    )]
    BinlogPurged {
        file: String,
        position: BinlogPosition,
    },
    /// The GTID position to resume from cannot be served: the server's binlogs no longer hold
    /// the transactions after it, or it never had them.
    #[error(
        "GTID position {gtids} (binlog {position}) needed to resume is not available on the server: {reason}; set snapshot.mode=when_needed to re-snapshot, or start a new connector"
    )]
    GtidUnavailable {
        gtids: String,
        position: BinlogPosition,
        reason: String,
    },
    /// A statement changed a captured table in a way capture could not follow.
    #[error("cannot follow schema change at {position}: {reason}; statement: {statement}")]
    SchemaChange {
        position: BinlogPosition,
        statement: String,
        reason: String,
    },
    /// A row event for a table capture has no model for.
    #[error("no table model for {table} at {position}: {reason}")]
    UnknownTable {
        table: TableId,
        position: BinlogPosition,
        reason: String,
    },
    /// A binlog event that cannot be decoded.
    #[error("cannot decode binlog event at {position}: {reason}")]
    Decode {
        position: BinlogPosition,
        reason: String,
    },
    /// The registry refused a schema (incompatible under the subject's level, invalid...).
    #[error(
        "schema registry rejected the {kind} schema of table {table} for subject {subject}: {reason}"
    )]
    SchemaRejected {
        table: TableId,
        subject: String,
        kind: &'static str,
        reason: String,
    },
    /// Anything else that will not go away by retrying.
    #[error("{0}")]
    Definite(String),
}

impl CaptureError {
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Transient(_))
    }
}

impl From<mysql_async::Error> for CaptureError {
    fn from(e: mysql_async::Error) -> Self {
        match &e {
            mysql_async::Error::Io(_) | mysql_async::Error::Driver(_) => {
                Self::Transient(format!("MySQL connection: {e}"))
            }
            _ => Self::Definite(format!("MySQL: {e}")),
        }
    }
}

/// A busy store ([`StoreError::is_transient`]) is retried; any other store failure is definite.
impl From<StoreError> for CaptureError {
    fn from(e: StoreError) -> Self {
        if e.is_transient() {
            Self::Transient(e.to_string())
        } else {
            Self::Definite(e.to_string())
        }
    }
}
