//! The initial consistent snapshot: every captured table's rows as they were at one binlog
//! position, then streaming from exactly that position.
//!
//! (Implementation in progress.)

use crate::avro::SnapshotMarker;
use crate::position::BinlogPosition;
use crate::schema::{Catalog, Table};
use crate::value::OwnedColumnValue;
use std::sync::Arc;

/// A row read by the snapshot.
#[derive(Debug, Clone)]
pub struct SnapshotRow {
    pub table: Arc<Table>,
    /// Values in table column order.
    pub values: Vec<OwnedColumnValue>,
    pub marker: SnapshotMarker,
}

/// Where the snapshot was taken and the table models at that point.
#[derive(Debug, Clone)]
pub struct SnapshotOutcome {
    pub position: BinlogPosition,
    pub gtid: Option<String>,
    pub catalog: Catalog,
}
