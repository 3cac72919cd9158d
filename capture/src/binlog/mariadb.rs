//! MariaDB's own binlog events, which `mysql_common` does not parse: their type codes and the
//! few fields capture reads (MariaDB `sql/log_event.h`).
//!
//! - `GTID_EVENT` (162) starts every event group: sequence number (8 bytes), replication
//!   domain (4), flags (1). Without `FL_STANDALONE` the group is a transaction (MariaDB writes
//!   no `BEGIN` query after it); with it, a single statement (DDL) follows.
//! - `ANNOTATE_ROWS_EVENT` (160): the statement text of the rows events that follow.
//! - `BINLOG_CHECKPOINT` (161), `GTID_LIST` (163), `START_ENCRYPTION` (164): bookkeeping,
//!   skipped.
//! - 165–171: compressed QUERY and rows events (`log_bin_compress=ON`), not supported.

pub(crate) const ANNOTATE_ROWS: u8 = 160;
pub(crate) const GTID: u8 = 162;
pub(crate) const FIRST_COMPRESSED: u8 = 165;
pub(crate) const LAST_COMPRESSED: u8 = 171;

const FL_STANDALONE: u8 = 1;

/// A MariaDB GTID event's contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MariaGtid {
    pub(crate) domain: u32,
    pub(crate) server_id: u32,
    pub(crate) seq: u64,
    pub(crate) standalone: bool,
}

impl MariaGtid {
    /// Parses the event body; `server_id` comes from the event header.
    pub(crate) fn parse(data: &[u8], server_id: u32) -> Option<Self> {
        let seq = u64::from_le_bytes(data.get(..8)?.try_into().ok()?);
        let domain = u32::from_le_bytes(data.get(8..12)?.try_into().ok()?);
        let flags = *data.get(12)?;
        Some(Self {
            domain,
            server_id,
            seq,
            standalone: flags & FL_STANDALONE != 0,
        })
    }

    /// `domain-server-seq`.
    pub(crate) fn text(&self) -> String {
        format!("{}-{}-{}", self.domain, self.server_id, self.seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gtid_event_body() {
        let mut body = 42u64.to_le_bytes().to_vec();
        body.extend_from_slice(&3u32.to_le_bytes());
        body.push(0);
        let g = MariaGtid::parse(&body, 7).unwrap();
        assert_eq!(g.text(), "3-7-42");
        assert!(!g.standalone);
        body[12] = FL_STANDALONE;
        assert!(MariaGtid::parse(&body, 7).unwrap().standalone);
        assert!(MariaGtid::parse(&body[..10], 7).is_none());
    }
}
