//! Streaming the binlog: row changes decoded with the table model in force, DDL applied to the
//! catalog in binlog order.
//!
//! The reader owns the catalog: it applies every DDL it reads before decoding the
//! rows that follow, so a row is always decoded with the layout it was written with, however
//! far behind the head capture is. It hands the pipeline [`StreamEvent`]s in binlog order.
//!
//! (Implementation in progress: see the submodules.)

mod decode;
mod events;
mod layout;
mod mariadb;
pub mod reader;
mod rows;
pub mod start;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_gtid;

pub use reader::{BinlogReader, DEFAULT_HEARTBEAT};
pub use start::Start;

use crate::position::BinlogPosition;
use crate::schema::{Table, TableChange};
use crate::value::OwnedColumnValue;
use std::sync::Arc;

/// What kind of row change a rows event carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowOp {
    Insert,
    Update,
    Delete,
}

/// One row of a rows event: `before` for updates and deletes, `after` for inserts and updates,
/// values in table column order.
#[derive(Debug, Clone, PartialEq)]
pub struct RowImage {
    pub before: Option<Vec<OwnedColumnValue>>,
    pub after: Option<Vec<OwnedColumnValue>>,
}

/// An event for the pipeline, in binlog order.
#[derive(Debug, Clone)]
pub enum StreamEvent {
    /// A transaction starts.
    Begin {
        /// Where the transaction starts (resume point for a partly processed transaction).
        position: BinlogPosition,
        /// MySQL `uuid:n` or MariaDB `domain-server-seq`.
        gtid: Option<String>,
        thread_id: Option<u32>,
        /// Event header time, seconds since the epoch.
        ts_sec: u32,
    },
    /// The rows of one rows event of a captured table.
    Rows {
        table: Arc<Table>,
        op: RowOp,
        rows: Vec<RowImage>,
        /// Start of the rows event (`source.pos`).
        position: BinlogPosition,
        ts_sec: u32,
        /// The statement that produced the rows (annotate / rows-query events), if known.
        query: Option<Arc<str>>,
    },
    /// A statement changed table models; the catalog already reflects it.
    SchemaChange {
        ddl: String,
        database: Option<String>,
        changes: Vec<TableChange>,
        /// Start of the query event.
        position: BinlogPosition,
        /// Position after it.
        next: BinlogPosition,
        ts_sec: u32,
    },
    /// A transaction committed; `next` is where to resume after it.
    Commit {
        next: BinlogPosition,
        gtid: Option<String>,
        ts_sec: u32,
    },
    /// `TRUNCATE TABLE` of a captured table (Debezium's `t` event).
    Truncate {
        table: Arc<Table>,
        /// Start of the query event.
        position: BinlogPosition,
        /// Position after it.
        next: BinlogPosition,
        ts_sec: u32,
    },
    /// Nothing happened for a while (server heartbeat); `next` is the current position.
    Heartbeat { next: BinlogPosition },
}
