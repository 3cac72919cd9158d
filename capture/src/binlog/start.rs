//! Where a binlog stream starts, and how the server is asked for it.
//!
//! - By file and offset: `COM_BINLOG_DUMP` with the file name and position (both families).
//! - By GTID, MySQL: `COM_BINLOG_DUMP_GTID` with the GTID set already processed (its SID
//!   block: per source UUID, and tag on 8.4, the intervals, end exclusive); no file name,
//!   position 4. The server sends every transaction not in the set.
//! - By GTID, MariaDB: a GTID-aware replica session sets `@slave_connect_state` to the GTID
//!   position (the last transaction processed per replication domain),
//!   `@slave_gtid_strict_mode=0` and `@slave_gtid_ignore_duplicates=0`, then sends
//!   `COM_BINLOG_DUMP` with no file name: the server starts after that position in each
//!   domain, ignoring the file and offset.
//!
//! A GTID position the server cannot serve (its binlogs no longer hold the transactions after
//! it, or it never had them) makes it refuse the dump with error 1236; that becomes
//! [`CaptureError::GtidUnavailable`], as a purged file becomes [`CaptureError::BinlogPurged`].

use crate::error::CaptureError;
use crate::position::{BinlogPosition, GtidSet, GtidState, MariaDbGtid};
use mysql_common::packets::Sid;
use std::str::FromStr;

/// Where a reader starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Start {
    /// The file and offset to start at, and the file events are attributed to until the
    /// server's first ROTATE says otherwise.
    pub position: BinlogPosition,
    /// The GTID state at `position` (every transaction before it), tracked from there for
    /// offsets; `None` when unknown.
    pub gtids: Option<GtidState>,
    /// Ask the server by GTID (`gtids`) rather than by file and offset.
    pub by_gtid: bool,
}

impl Start {
    /// At a file and offset, with no GTID state.
    pub fn at(position: BinlogPosition) -> Self {
        Self {
            position,
            gtids: None,
            by_gtid: false,
        }
    }

    /// The GTID state the server is asked to start after, when starting by GTID.
    pub fn dump_gtids(&self) -> Option<&GtidState> {
        self.gtids.as_ref().filter(|_| self.by_gtid)
    }
}

impl std::fmt::Display for Start {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.dump_gtids() {
            Some(g) => write!(f, "GTID {g}"),
            None => write!(f, "{}", self.position),
        }
    }
}

/// The SID block of a MySQL `COM_BINLOG_DUMP_GTID` for `set`.
pub fn mysql_sids(set: &GtidSet) -> Result<Vec<Sid<'static>>, CaptureError> {
    set.sources()
        .map(|(source, ranges)| {
            let mut text = source.to_owned();
            for (a, b) in ranges {
                text.push_str(&format!(":{a}-{b}"));
            }
            Sid::from_str(&text).map_err(|e| {
                CaptureError::Definite(format!("GTID set {set} cannot be sent to the server: {e}"))
            })
        })
        .collect()
}

/// The statements that make a MariaDB replica session start after `position`.
pub fn mariadb_gtid_session(position: &MariaDbGtid) -> [String; 3] {
    // The text is digits, dashes and commas only (MariaDbGtid prints nothing else).
    [
        format!("SET @slave_connect_state = '{position}'"),
        "SET @slave_gtid_strict_mode = 0".to_owned(),
        "SET @slave_gtid_ignore_duplicates = 0".to_owned(),
    ]
}

/// Error 1236 at a GTID start: the server cannot serve that GTID position.
pub(super) fn gtid_refused(
    message: &str,
    gtids: &GtidState,
    position: &BinlogPosition,
) -> Option<CaptureError> {
    let msg = message.to_ascii_lowercase();
    msg.contains("gtid").then(|| CaptureError::GtidUnavailable {
        gtids: gtids.to_string(),
        position: position.clone(),
        reason: message.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mysql_common::packets::{
        BinlogDumpFlags, ComBinlogDumpGtid, binlog_request::BinlogRequest,
    };
    use mysql_common::proto::MySerialize;

    const U1: &str = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

    fn le64(b: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
    }

    #[test]
    fn mysql_dump_by_gtid_sends_the_set_as_a_sid_block_with_exclusive_ends() {
        let set: GtidSet = format!("{U1}:1-5:7").parse().unwrap();
        let sids = mysql_sids(&set).unwrap();
        assert_eq!(sids.len(), 1);
        assert_eq!(sids[0].to_string(), format!("{U1}:1-5:7"));
        // The request as mysql_async builds it for `with_gtid().with_gtid_set(sids)`.
        let request = BinlogRequest::new(184_054)
            .with_use_gtid(true)
            .with_sids(sids);
        let mysql_common::misc::raw::Either::Right(cmd) = request.as_cmd() else {
            panic!("not COM_BINLOG_DUMP_GTID");
        };
        assert!(cmd.flags().contains(BinlogDumpFlags::BINLOG_THROUGH_GTID));
        let mut bytes = Vec::new();
        cmd.serialize(&mut bytes);
        assert_eq!(bytes[0], 0x1e, "COM_BINLOG_DUMP_GTID");
        assert_eq!(u16::from_le_bytes([bytes[1], bytes[2]]), 0x04);
        assert_eq!(u32::from_le_bytes(bytes[3..7].try_into().unwrap()), 184_054);
        assert_eq!(
            u32::from_le_bytes(bytes[7..11].try_into().unwrap()),
            0,
            "no file name"
        );
        assert_eq!(le64(&bytes, 11), 4, "position 4");
        let block = &bytes[23..];
        assert_eq!(
            u32::from_le_bytes(bytes[19..23].try_into().unwrap()) as usize,
            block.len()
        );
        assert_eq!(le64(block, 0), 1, "one SID");
        let uuid: Vec<u8> = (0..16)
            .map(|i| u8::from_str_radix(&U1.replace('-', "")[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        assert_eq!(&block[8..24], &uuid[..]);
        assert_eq!(le64(block, 24), 2, "two intervals");
        let intervals: Vec<u64> = (0..4).map(|i| le64(block, 32 + 8 * i)).collect();
        assert_eq!(intervals, [1, 6, 7, 8], "1-5 and 7, ends exclusive");
        // And it decodes back to the same set.
        let decoded: ComBinlogDumpGtid<'_> = mysql_common::proto::MyDeserialize::deserialize(
            (),
            &mut mysql_common::io::ParseBuf(&bytes),
        )
        .unwrap();
        let text: Vec<String> = decoded.sids().iter().map(ToString::to_string).collect();
        assert_eq!(text.join(","), set.to_string());
    }

    #[test]
    fn tagged_mysql_sources_become_their_own_sids() {
        let set: GtidSet = format!("{U1}:1-3:batch:2").parse().unwrap();
        let sids: Vec<String> = mysql_sids(&set)
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(sids, [format!("{U1}:1-3"), format!("{U1}:batch:2")]);
    }

    #[test]
    fn mariadb_session_names_the_position_per_domain() {
        let position: MariaDbGtid = "0-1-42,3-2-7".parse().unwrap();
        let [state, strict, dupes] = mariadb_gtid_session(&position);
        assert_eq!(state, "SET @slave_connect_state = '0-1-42,3-2-7'");
        assert!(strict.ends_with("= 0") && dupes.ends_with("= 0"));
    }

    #[test]
    fn a_refused_gtid_start_is_a_gtid_unavailable_error() {
        let g: GtidState = "0-1-42".parse().unwrap();
        let at = BinlogPosition::new("mariadb-bin.000002", 4);
        let e = gtid_refused(
            "Could not find GTID state requested by slave in any binlog files. Probably the slave state is too old and required binlog files have been purged.",
            &g,
            &at,
        );
        assert!(
            matches!(&e, Some(CaptureError::GtidUnavailable { gtids, .. }) if gtids == "0-1-42"),
            "{e:?}"
        );
        assert!(e.is_some_and(|e| {
            let text = e.to_string();
            text.contains("when_needed") && text.contains("mariadb-bin.000002:4")
        }));
        assert!(gtid_refused("Could not find first log file name", &g, &at).is_none());
    }
}
