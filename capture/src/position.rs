//! Binlog positions as values: where capture is in a server's binlog.
//!
//! - [`BinlogPosition`]: file name + byte offset (`mysql-bin.000003:1234`), ordered by the
//!   file's sequence number, then the offset. Works on MySQL and MariaDB.
//! - [`GtidSet`]: MySQL's executed-GTID set (`uuid:1-5:7,uuid2:1-3`), the set of
//!   transactions applied; capture resumes by asking for everything not in it.
//! - [`MariaDbGtid`]: MariaDB's per-domain GTID position list (`0-1-100,1-2-7`).
//! - [`GtidState`]: either of the two, told apart by their syntax: what the offset's `gtids`
//!   holds, and what capture resumes from when the server has GTIDs.
//!
//! All parse with [`FromStr`], print with [`Display`](std::fmt::Display) in the server's own
//! syntax, and serialize as those strings.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// Why a position string does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} '{input}': {reason}")]
pub struct PositionError {
    what: &'static str,
    input: String,
    reason: String,
}

fn invalid(what: &'static str, input: &str, reason: impl Into<String>) -> PositionError {
    PositionError {
        what,
        input: input.to_owned(),
        reason: reason.into(),
    }
}

/// A file + offset position in a binlog.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BinlogPosition {
    pub file: String,
    pub pos: u64,
}

impl BinlogPosition {
    pub fn new(file: impl Into<String>, pos: u64) -> Self {
        Self {
            file: file.into(),
            pos,
        }
    }

    /// The numeric suffix of the file name (`mysql-bin.000042` → 42).
    pub fn file_sequence(&self) -> Option<u64> {
        self.file.rsplit_once('.').and_then(|(_, n)| n.parse().ok())
    }
}

impl Ord for BinlogPosition {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.file_sequence(), other.file_sequence()) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => self.file.cmp(&other.file),
        }
        .then(self.pos.cmp(&other.pos))
    }
}

impl PartialOrd for BinlogPosition {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for BinlogPosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.pos)
    }
}

impl FromStr for BinlogPosition {
    type Err = PositionError;

    fn from_str(s: &str) -> Result<Self, PositionError> {
        let (file, pos) = s
            .rsplit_once(':')
            .ok_or_else(|| invalid("binlog position", s, "expected <file>:<offset>"))?;
        if file.is_empty() {
            return Err(invalid("binlog position", s, "empty file name"));
        }
        let pos = pos
            .parse()
            .map_err(|_| invalid("binlog position", s, "offset is not a number"))?;
        Ok(Self::new(file, pos))
    }
}

/// MySQL's GTID set: per source UUID (and tag, MySQL 8.4), the ranges of transaction numbers
/// applied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GtidSet {
    /// `uuid` or `uuid:tag` (lower case) → sorted, disjoint, non-adjacent inclusive ranges.
    sources: BTreeMap<String, Vec<(u64, u64)>>,
}

impl GtidSet {
    /// Adds one transaction `uuid:n` (`uuid` may be `uuid:tag`).
    pub fn add(&mut self, uuid: &str, n: u64) {
        self.add_range(uuid, n, n);
    }

    /// Adds one transaction given as MySQL prints it: `uuid:n` or `uuid:tag:n`.
    pub fn add_gtid(&mut self, gtid: &str) -> Result<(), PositionError> {
        let bad = || invalid("GTID", gtid, "expected <uuid>[:<tag>]:<number>");
        let (source, n) = gtid.rsplit_once(':').ok_or_else(bad)?;
        let n: u64 = n.parse().map_err(|_| bad())?;
        let (uuid, tag) = source.split_once(':').unwrap_or((source, ""));
        if n == 0 || !is_uuid(uuid) || !(tag.is_empty() || is_tag(tag)) {
            return Err(bad());
        }
        self.add(source, n);
        Ok(())
    }

    /// Each source (`uuid` or `uuid:tag`) with its inclusive ranges.
    pub fn sources(&self) -> impl Iterator<Item = (&str, &[(u64, u64)])> {
        self.sources.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    fn add_range(&mut self, uuid: &str, start: u64, end: u64) {
        let ranges = self.sources.entry(uuid.to_ascii_lowercase()).or_default();
        ranges.push((start, end));
        ranges.sort_unstable();
        let mut merged: Vec<(u64, u64)> = Vec::with_capacity(ranges.len());
        for &(s, e) in ranges.iter() {
            match merged.last_mut() {
                Some(last) if s <= last.1.saturating_add(1) => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        *ranges = merged;
    }

    /// Whether transaction `uuid:n` is in the set.
    pub fn contains(&self, uuid: &str, n: u64) -> bool {
        self.sources
            .get(&uuid.to_ascii_lowercase())
            .is_some_and(|r| r.iter().any(|&(s, e)| s <= n && n <= e))
    }

    /// Whether every transaction of `other` is in `self`.
    pub fn contains_set(&self, other: &GtidSet) -> bool {
        other.sources.iter().all(|(uuid, ranges)| {
            let mine = self.sources.get(uuid).map(Vec::as_slice).unwrap_or(&[]);
            ranges
                .iter()
                .all(|&(s, e)| mine.iter().any(|&(ms, me)| ms <= s && e <= me))
        })
    }

    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }
}

impl fmt::Display for GtidSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (uuid, ranges)) in self.sources.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(uuid)?;
            for &(s, e) in ranges {
                if s == e {
                    write!(f, ":{s}")?;
                } else {
                    write!(f, ":{s}-{e}")?;
                }
            }
        }
        Ok(())
    }
}

/// A MySQL 8.4 GTID tag: `[a-z_][a-z0-9_]{0,31}`.
fn is_tag(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && s.len() <= 32
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl FromStr for GtidSet {
    type Err = PositionError;

    fn from_str(s: &str) -> Result<Self, PositionError> {
        let mut set = GtidSet::default();
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        for part in compact.split(',').filter(|p| !p.is_empty()) {
            let mut pieces = part.split(':');
            let uuid = pieces.next().unwrap_or_default();
            if !is_uuid(uuid) {
                return Err(invalid("GTID set", s, format!("'{uuid}' is not a UUID")));
            }
            let mut any = false;
            let mut source = uuid.to_owned();
            for range in pieces {
                if is_tag(range) {
                    source = format!("{uuid}:{range}");
                    any = false;
                    continue;
                }
                any = true;
                let (a, b) = range.split_once('-').unwrap_or((range, range));
                let parse = |x: &str| {
                    x.parse::<u64>()
                        .map_err(|_| invalid("GTID set", s, format!("'{range}' is not a range")))
                };
                let (a, b) = (parse(a)?, parse(b)?);
                if a == 0 || b < a {
                    return Err(invalid("GTID set", s, format!("'{range}' is not a range")));
                }
                set.add_range(&source, a, b);
            }
            if !any {
                return Err(invalid("GTID set", s, format!("'{source}' has no ranges")));
            }
        }
        Ok(set)
    }
}

/// MariaDB's GTID position: per replication domain, the last `domain-server-sequence` applied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MariaDbGtid {
    /// domain → (server id, sequence number).
    domains: BTreeMap<u32, (u32, u64)>,
}

impl MariaDbGtid {
    /// Records transaction `domain-server-seq` as the latest of its domain.
    pub fn advance(&mut self, domain: u32, server: u32, seq: u64) {
        self.domains.insert(domain, (server, seq));
    }

    pub fn is_empty(&self) -> bool {
        self.domains.is_empty()
    }

    /// Records transaction `domain-server-seq` given as text.
    pub fn advance_text(&mut self, gtid: &str) -> Result<(), PositionError> {
        let one: MariaDbGtid = gtid.parse()?;
        let [(domain, (server, seq))] = one.domains.into_iter().collect::<Vec<_>>()[..] else {
            return Err(invalid(
                "MariaDB GTID",
                gtid,
                "expected one domain-server-sequence",
            ));
        };
        self.advance(domain, server, seq);
        Ok(())
    }

    /// Each domain with its last (server id, sequence number).
    pub fn domains(&self) -> impl Iterator<Item = (u32, u32, u64)> + '_ {
        self.domains.iter().map(|(&d, &(srv, seq))| (d, srv, seq))
    }

    /// The domains of `other` this position is behind in (absent here, or a lower sequence
    /// number): the transactions a server whose binlogs start at `other` no longer has.
    pub fn behind(&self, other: &MariaDbGtid) -> Vec<String> {
        other
            .domains()
            .filter(|&(d, _, seq)| self.domains.get(&d).is_none_or(|&(_, mine)| mine < seq))
            .map(|(d, srv, seq)| format!("{d}-{srv}-{seq}"))
            .collect()
    }
}

impl fmt::Display for MariaDbGtid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (domain, (server, seq))) in self.domains.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{domain}-{server}-{seq}")?;
        }
        Ok(())
    }
}

impl FromStr for MariaDbGtid {
    type Err = PositionError;

    fn from_str(s: &str) -> Result<Self, PositionError> {
        let mut out = MariaDbGtid::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let nums: Vec<&str> = part.split('-').collect();
            let [d, srv, seq] = nums.as_slice() else {
                return Err(invalid(
                    "MariaDB GTID",
                    s,
                    format!("'{part}' is not domain-server-sequence"),
                ));
            };
            let bad = || {
                invalid(
                    "MariaDB GTID",
                    s,
                    format!("'{part}' is not domain-server-sequence"),
                )
            };
            out.advance(
                d.parse().map_err(|_| bad())?,
                srv.parse().map_err(|_| bad())?,
                seq.parse().map_err(|_| bad())?,
            );
        }
        Ok(out)
    }
}

/// The GTID state of everything capture has emitted: a MySQL GTID set or a MariaDB GTID
/// position, told apart by their syntax (`uuid:1-5` vs `0-1-5`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GtidState {
    MySql(GtidSet),
    MariaDb(MariaDbGtid),
}

impl GtidState {
    /// Adds one finished transaction, given as the server prints it (`uuid:n` on MySQL,
    /// `domain-server-seq` on MariaDB).
    pub fn record(&mut self, gtid: &str) -> Result<(), PositionError> {
        match self {
            Self::MySql(set) => set.add_gtid(gtid),
            Self::MariaDb(pos) => pos.advance_text(gtid),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Self::MySql(set) => set.is_empty(),
            Self::MariaDb(pos) => pos.is_empty(),
        }
    }
}

impl fmt::Display for GtidState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MySql(set) => set.fmt(f),
            Self::MariaDb(pos) => pos.fmt(f),
        }
    }
}

impl FromStr for GtidState {
    type Err = PositionError;

    fn from_str(s: &str) -> Result<Self, PositionError> {
        if s.trim().is_empty() {
            return Err(invalid("GTID state", s, "empty"));
        }
        if s.contains(':') {
            s.parse().map(Self::MySql)
        } else {
            s.parse().map(Self::MariaDb)
        }
    }
}

macro_rules! string_serde {
    ($t:ty) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

string_serde!(BinlogPosition);
string_serde!(GtidSet);
string_serde!(MariaDbGtid);
string_serde!(GtidState);

#[cfg(test)]
mod tests {
    use super::*;

    const U1: &str = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    const U2: &str = "b9b4712a-df64-11e3-b391-60672090eb04";

    #[test]
    fn positions_order_by_file_sequence_then_offset() {
        let a = BinlogPosition::new("mysql-bin.000009", 900);
        let b = BinlogPosition::new("mysql-bin.000010", 4);
        let c = BinlogPosition::new("mysql-bin.000010", 5);
        assert!(a < b && b < c);
        assert_eq!("mysql-bin.000010:4".parse(), Ok(b));
        assert!("nofile".parse::<BinlogPosition>().is_err());
        assert!("f:-1".parse::<BinlogPosition>().is_err());
    }

    #[test]
    fn gtid_sets_merge_adjacent_ranges_and_print_canonically() {
        let mut set: GtidSet = format!("{U1}:1-3:5,{U2}:7").parse().unwrap();
        set.add(U1, 4);
        assert_eq!(set.to_string(), format!("{U1}:1-5,{U2}:7"));
        assert!(set.contains(U1, 5) && !set.contains(U1, 6) && set.contains(U2, 7));
        let sub: GtidSet = format!("{U1}:2-4").parse().unwrap();
        assert!(set.contains_set(&sub) && !sub.contains_set(&set));
    }

    #[test]
    fn rejects_malformed_gtid_sets() {
        assert!("nope:1-2".parse::<GtidSet>().is_err());
        assert!(format!("{U1}:5-2").parse::<GtidSet>().is_err());
        assert!(U1.parse::<GtidSet>().is_err());
        assert!(format!("{U1}:0").parse::<GtidSet>().is_err());
    }

    #[test]
    fn mariadb_gtid_keeps_the_latest_per_domain() {
        let mut g: MariaDbGtid = "0-1-100,1-2-7".parse().unwrap();
        g.advance(0, 1, 101);
        assert_eq!(g.to_string(), "0-1-101,1-2-7");
        assert!("0-1".parse::<MariaDbGtid>().is_err());
    }

    #[test]
    fn gtid_sets_keep_tagged_sources_apart() {
        let mut set: GtidSet = format!("{U1}:1-3:batch:5-6").parse().unwrap();
        assert_eq!(set.to_string(), format!("{U1}:1-3,{U1}:batch:5-6"));
        set.add_gtid(&format!("{U1}:batch:7")).unwrap();
        set.add_gtid(&format!("{U1}:4")).unwrap();
        assert_eq!(set.to_string(), format!("{U1}:1-4,{U1}:batch:5-7"));
        assert!(set.add_gtid("0-1-5").is_err());
        assert!(set.add_gtid(&format!("{U1}:Bad:1")).is_err());
        assert!(format!("{U1}:batch").parse::<GtidSet>().is_err());
    }

    #[test]
    fn gtid_state_tells_mysql_sets_from_mariadb_positions() {
        let mut mysql: GtidState = format!("{U1}:1-5").parse().unwrap();
        let mut maria: GtidState = "0-1-5,1-2-3".parse().unwrap();
        assert!(matches!(mysql, GtidState::MySql(_)));
        assert!(matches!(maria, GtidState::MariaDb(_)));
        mysql.record(&format!("{U1}:6")).unwrap();
        maria.record("1-3-4").unwrap();
        assert_eq!(mysql.to_string(), format!("{U1}:1-6"));
        assert_eq!(maria.to_string(), "0-1-5,1-3-4");
        assert!(maria.record(&format!("{U1}:6")).is_err());
        assert!(mysql.record("0-1-6").is_err());
        assert!("".parse::<GtidState>().is_err());
        let json = serde_json::to_string(&maria).unwrap();
        assert_eq!(serde_json::from_str::<GtidState>(&json).unwrap(), maria);
    }

    #[test]
    fn mariadb_position_says_which_domains_it_is_behind() {
        let mine: MariaDbGtid = "0-1-100,2-1-5".parse().unwrap();
        let earliest: MariaDbGtid = "0-1-90,1-1-3,2-1-6".parse().unwrap();
        assert_eq!(mine.behind(&earliest), ["1-1-3", "2-1-6"]);
        assert!(earliest.behind(&earliest).is_empty());
    }

    #[test]
    fn positions_serialize_as_server_syntax() {
        let p = BinlogPosition::new("mariadb-bin.000001", 328);
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, "\"mariadb-bin.000001:328\"");
        assert_eq!(serde_json::from_str::<BinlogPosition>(&json).unwrap(), p);
    }

    proptest::proptest! {
        #[test]
        fn gtid_sets_round_trip_through_their_text(adds in proptest::collection::vec((0usize..2, 1u64..200), 0..40)) {
            let mut set = GtidSet::default();
            for (u, n) in &adds {
                set.add([U1, U2][*u], *n);
            }
            let parsed: GtidSet = set.to_string().parse().unwrap_or_default();
            proptest::prop_assert_eq!(&parsed, &set);
            for (u, n) in &adds {
                proptest::prop_assert!(parsed.contains([U1, U2][*u], *n));
            }
        }

        #[test]
        fn position_parsing_never_panics(s in ".*") {
            let _ = s.parse::<BinlogPosition>();
            let _ = s.parse::<GtidSet>();
            let _ = s.parse::<MariaDbGtid>();
        }
    }
}
