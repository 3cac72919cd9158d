//! `source.snapshot` markers, exactly as Debezium sets them.
//!
//! Debezium (`RelationalSnapshotChangeEventSource.setSnapshotMarker`) marks each row from
//! four facts — first/last table of the snapshot, first/last row of its table — with this
//! precedence: last row of the last table `last`; first row of the first table `first`; last
//! row of a table `last_in_data_collection`; first row of a table
//! `first_in_data_collection`; anything else `true`. So a table's only row is
//! `last_in_data_collection` (or `first` in the first table, `last` in the last).
//! "First table" and "last table" are positions in the table list, whether or not the table
//! has rows: when the first table is empty no row is `first`.
//!
//! Its snapshot receiver then holds every record back by one and, when the snapshot
//! completes, marks the held record `last` whatever it was, so the snapshot's final row is
//! `last` even when the last tables are empty. [`Emitter`] does the same: one row of
//! lookahead inside a table (to know the table's last row) and one across tables.

use super::SnapshotRow;
use crate::avro::SnapshotMarker;
use crate::error::CaptureError;
use crate::position::BinlogPosition;
use crate::schema::Table;
use crate::value::OwnedColumnValue;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Debezium's marker for a row (before the final row is forced to `last`).
pub fn marker_for(
    first_table: bool,
    last_table: bool,
    first_in_table: bool,
    last_in_table: bool,
) -> SnapshotMarker {
    if last_in_table && last_table {
        SnapshotMarker::Last
    } else if first_in_table && first_table {
        SnapshotMarker::First
    } else if last_in_table {
        SnapshotMarker::LastInDataCollection
    } else if first_in_table {
        SnapshotMarker::FirstInDataCollection
    } else {
        SnapshotMarker::True
    }
}

/// Marks rows and sends them, with the lookahead the markers need.
#[derive(Debug)]
pub(super) struct Emitter {
    tx: mpsc::Sender<SnapshotRow>,
    table_count: usize,
    table_index: usize,
    rows_in_table: u64,
    /// The current table's latest row, and whether it was the table's first.
    pending: Option<(SnapshotRow, bool)>,
    /// The latest marked row, held so the snapshot's final row can be made `last`.
    held: Option<SnapshotRow>,
    sent: u64,
    position: Arc<BinlogPosition>,
}

impl Emitter {
    pub(super) fn new(
        tx: mpsc::Sender<SnapshotRow>,
        table_count: usize,
        position: Arc<BinlogPosition>,
    ) -> Self {
        Self {
            position,
            tx,
            table_count,
            table_index: 0,
            rows_in_table: 0,
            pending: None,
            held: None,
            sent: 0,
        }
    }

    /// The next rows belong to table `index` (0-based, in snapshot order).
    pub(super) fn start_table(&mut self, index: usize) {
        self.table_index = index;
        self.rows_in_table = 0;
    }

    /// One row of the current table.
    pub(super) async fn push(
        &mut self,
        table: &Arc<Table>,
        values: Vec<OwnedColumnValue>,
    ) -> Result<(), CaptureError> {
        if let Some((row, first)) = self.pending.take() {
            self.mark(row, first, false).await?;
        }
        let row = SnapshotRow {
            table: Arc::clone(table),
            values,
            marker: SnapshotMarker::True,
            position: Arc::clone(&self.position),
        };
        self.pending = Some((row, self.rows_in_table == 0));
        self.rows_in_table += 1;
        Ok(())
    }

    /// The values of the latest row pushed for the current table (held until the next push).
    pub(super) fn latest(&self) -> Option<&[OwnedColumnValue]> {
        self.pending.as_ref().map(|(row, _)| row.values.as_slice())
    }

    /// The current table has no more rows.
    pub(super) async fn end_table(&mut self) -> Result<(), CaptureError> {
        if let Some((row, first)) = self.pending.take() {
            self.mark(row, first, true).await?;
        }
        Ok(())
    }

    /// The snapshot is complete: the final row goes out as `last`. Returns the rows sent.
    pub(super) async fn finish(mut self) -> Result<u64, CaptureError> {
        self.end_table().await?;
        if let Some(mut row) = self.held.take() {
            row.marker = SnapshotMarker::Last;
            self.send(row).await?;
        }
        Ok(self.sent)
    }

    async fn mark(
        &mut self,
        mut row: SnapshotRow,
        first: bool,
        last: bool,
    ) -> Result<(), CaptureError> {
        row.marker = marker_for(
            self.table_index == 0,
            self.table_index + 1 == self.table_count,
            first,
            last,
        );
        if let Some(previous) = self.held.replace(row) {
            self.send(previous).await?;
        }
        Ok(())
    }

    async fn send(&mut self, row: SnapshotRow) -> Result<(), CaptureError> {
        self.tx.send(row).await.map_err(|_| {
            CaptureError::Definite("snapshot stopped: the row receiver was closed".into())
        })?;
        self.sent += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::TableId;
    use SnapshotMarker::*;

    fn table(name: &str) -> Arc<Table> {
        Arc::new(Table {
            id: TableId::new("db", name),
            columns: Vec::new(),
            primary_key: Vec::new(),
            charset: None,
            comment: None,
        })
    }

    /// Markers for tables with the given row counts, in order.
    fn run(counts: &[usize]) -> Vec<(String, SnapshotMarker)> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let (tx, mut rx) = mpsc::channel(1000);
            let mut e = Emitter::new(tx, counts.len(), Arc::new(BinlogPosition::new("f", 4)));
            for (i, n) in counts.iter().enumerate() {
                let t = table(&format!("t{i}"));
                e.start_table(i);
                for _ in 0..*n {
                    e.push(&t, Vec::new()).await.unwrap();
                }
                e.end_table().await.unwrap();
            }
            let sent = e.finish().await.unwrap();
            let mut out = Vec::new();
            while let Ok(r) = rx.try_recv() {
                out.push((r.table.id.table.clone(), r.marker));
            }
            assert_eq!(sent as usize, out.len());
            out
        })
    }

    fn m(v: &[(&str, SnapshotMarker)]) -> Vec<(String, SnapshotMarker)> {
        v.iter().map(|(t, m)| (t.to_string(), *m)).collect()
    }

    #[test]
    fn debezium_markers() {
        assert_eq!(
            run(&[3, 2, 1, 3]),
            m(&[
                ("t0", First),
                ("t0", True),
                ("t0", LastInDataCollection),
                ("t1", FirstInDataCollection),
                ("t1", LastInDataCollection),
                ("t2", LastInDataCollection),
                ("t3", FirstInDataCollection),
                ("t3", True),
                ("t3", Last),
            ])
        );
        // One row in the first table is `first`; the final row is forced to `last`.
        assert_eq!(
            run(&[1, 2, 0]),
            m(&[("t0", First), ("t1", FirstInDataCollection), ("t1", Last)])
        );
        // An empty first table: nobody is `first`.
        assert_eq!(
            run(&[0, 2]),
            m(&[("t1", FirstInDataCollection), ("t1", Last)])
        );
        assert_eq!(run(&[1]), m(&[("t0", Last)]));
        assert_eq!(run(&[0, 0]), m(&[]));
    }
}
