//! The connector's offset: where capture resumes, and what it already emitted there.
//!
//! Like Debezium's MySQL offset: `file`/`pos` point at the start of the transaction being
//! processed (or just after the last one), `event` counts the rows events of that transaction
//! already emitted (skipped on resume), `gtids` is the GTID state of everything before
//! `file`/`pos` (MySQL: the GTID set; MariaDB: the GTID position per domain), and
//! `snapshot_completed` says whether the initial snapshot finished. Committed only once Kafka
//! acknowledged every record before it.
//!
//! With `gtids` and a server with GTIDs, capture resumes by GTID: the server sends the
//! transactions after `gtids`, the first being the one `event` counts in. (Offsets written
//! before GTID positioning had a `gtid` field with the last transaction's GTID only; it is
//! not a resume point and is ignored.)

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
    /// GTID state of every transaction before `file`/`pos`, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gtids: Option<String>,
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
            gtids: None,
            snapshot_completed: true,
            ts_sec: 0,
        }
    }

    /// A streaming offset: `event` rows events of the transaction at `position` emitted, with
    /// the GTID state of everything before it.
    pub fn streaming(
        position: &BinlogPosition,
        event: u64,
        gtids: Option<String>,
        ts_sec: u32,
    ) -> Self {
        Self {
            file: position.file.clone(),
            pos: position.pos,
            event,
            gtids,
            snapshot_completed: true,
            ts_sec,
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

    #[test]
    fn gtid_states_round_trip_and_the_old_single_gtid_field_is_ignored() {
        let uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
        let mut o = SourceOffset::at(&BinlogPosition::new("binlog.000003", 4));
        o.gtids = Some(format!("{uuid}:1-41"));
        o.event = 2;
        let text = serde_json::to_string(&o).unwrap();
        assert!(
            text.contains(&format!(r#""gtids":"{uuid}:1-41""#)),
            "{text}"
        );
        let back: SourceOffset = serde_json::from_str(&text).unwrap();
        assert_eq!(back, o);
        let state: crate::position::GtidState = back.gtids.as_deref().unwrap().parse().unwrap();
        assert!(matches!(state, crate::position::GtidState::MySql(_)));
        let old: SourceOffset = serde_json::from_str(
            r#"{"file":"mariadb-bin.000002","pos":1234,"gtid":"0-1-7","snapshot_completed":true}"#,
        )
        .unwrap();
        assert_eq!(old.gtids, None);
    }
}
