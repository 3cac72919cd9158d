//! The connector's offset: where capture resumes, and what it already emitted there.
//!
//! Like Debezium's MySQL offset: `file`/`pos` point at the start of the transaction being
//! processed (or just after the last one), `event` counts the rows events of that transaction
//! already emitted (skipped on resume), and `snapshot_completed` says whether the initial
//! snapshot finished. Committed only once Kafka acknowledged every record before it.

use crate::position::BinlogPosition;
use serde::{Deserialize, Serialize};

/// A committed offset, stored as JSON and shown by `GET /connectors/{name}/offsets`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceOffset {
    pub file: String,
    pub pos: u64,
    /// Rows events of the transaction at `pos` already emitted.
    #[serde(default)]
    pub event: u64,
    /// GTID of the last transaction fully emitted, when the server uses GTIDs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gtid: Option<String>,
    #[serde(default)]
    pub snapshot_completed: bool,
    /// Binlog event time of the last emitted event, seconds since the epoch.
    #[serde(default)]
    pub ts_sec: u32,
}

impl SourceOffset {
    pub fn at(position: &BinlogPosition) -> Self {
        Self {
            file: position.file.clone(),
            pos: position.pos,
            event: 0,
            gtid: None,
            snapshot_completed: true,
            ts_sec: 0,
        }
    }

    pub fn position(&self) -> BinlogPosition {
        BinlogPosition::new(self.file.clone(), self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_round_trip_as_json_with_defaults() {
        let o: SourceOffset =
            serde_json::from_str(r#"{"file":"mariadb-bin.000002","pos":1234}"#).unwrap();
        assert_eq!(
            o.position(),
            BinlogPosition::new("mariadb-bin.000002", 1234)
        );
        assert_eq!((o.event, o.snapshot_completed), (0, false));
        let text = serde_json::to_string(&SourceOffset::at(&o.position())).unwrap();
        assert_eq!(
            text,
            r#"{"file":"mariadb-bin.000002","pos":1234,"event":0,"snapshot_completed":true,"ts_sec":0}"#
        );
    }
}
