//! The `source` block (`io.debezium.connector.mysql.Source`, built by `MySqlSourceInfoStructMaker`) and the
//! `transaction` block (`event.block`, Debezium's `TransactionStructMaker`), their schemas and values.

use super::connect::{ConnectSchema, ConnectType};

/// The Debezium version Sluice reports in `source.version` (the shape it reproduces).
pub const DEBEZIUM_VERSION: &str = "3.1.0.Final";

/// `source.snapshot` (`io.debezium.data.Enum`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SnapshotMarker {
    /// A snapshot row that is neither first nor last.
    True,
    /// The first row of the whole snapshot.
    First,
    FirstInDataCollection,
    LastInDataCollection,
    /// The last row of the whole snapshot.
    Last,
    /// Streaming (Debezium leaves the field unset; its default `false` is what is written).
    #[default]
    False,
    /// A row read by an incremental snapshot.
    Incremental,
}

impl SnapshotMarker {
    pub const ALLOWED: &'static str =
        "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental";

    pub fn as_str(self) -> &'static str {
        match self {
            Self::True => "true",
            Self::First => "first",
            Self::FirstInDataCollection => "first_in_data_collection",
            Self::LastInDataCollection => "last_in_data_collection",
            Self::Last => "last",
            Self::False => "false",
            Self::Incremental => "incremental",
        }
    }
}

/// The values of one event's `source` block (borrowed: nothing is allocated per event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceInfo<'a> {
    /// Debezium version string (see [`DEBEZIUM_VERSION`]).
    pub version: &'a str,
    /// `topic.prefix`.
    pub name: &'a str,
    /// Binlog event time (ms) when streaming; the snapshot clock when reading.
    pub ts_ms: i64,
    pub ts_us: i64,
    pub ts_ns: i64,
    pub snapshot: SnapshotMarker,
    /// Database; `""` when unknown.
    pub db: &'a str,
    pub table: Option<&'a str>,
    pub server_id: i64,
    /// GTID of the current transaction.
    pub gtid: Option<&'a str>,
    pub file: &'a str,
    pub pos: i64,
    pub row: i32,
    pub thread: Option<i64>,
    pub query: Option<&'a str>,
}

impl<'a> SourceInfo<'a> {
    /// A source block with the given identity and everything else zero/absent.
    pub fn new(name: &'a str, db: &'a str, table: Option<&'a str>) -> Self {
        Self {
            version: DEBEZIUM_VERSION,
            name,
            ts_ms: 0,
            ts_us: 0,
            ts_ns: 0,
            snapshot: SnapshotMarker::False,
            db,
            table,
            server_id: 0,
            gtid: None,
            file: "",
            pos: 0,
            row: 0,
            thread: None,
            query: None,
        }
    }

    /// The source block of a snapshot record (a row read, or a schema change recorded while
    /// snapshotting): read at `file`/`pos`, marked `snapshot`, and with `server_id` 0, as Debezium
    /// writes it: `io.debezium.connector.binlog.BinlogSourceInfo` sets its server id only from a
    /// binlog event header (`setBinlogServerId`), which a snapshot never reads.
    pub fn snapshot(
        name: &'a str,
        db: &'a str,
        table: Option<&'a str>,
        snapshot: SnapshotMarker,
        file: &'a str,
        pos: u64,
    ) -> Self {
        Self {
            snapshot,
            file,
            pos: i64::try_from(pos).unwrap_or(i64::MAX),
            ..Self::new(name, db, table)
        }
    }
}

/// The `transaction` block of a data event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransactionInfo<'a> {
    /// GTID, or `file=<binlog>,pos=<pos>` without GTIDs.
    pub id: &'a str,
    /// 1-based position of the event in its transaction.
    pub total_order: i64,
    /// 1-based position among the transaction's events of this table.
    pub data_collection_order: i64,
}

fn s() -> ConnectSchema {
    ConnectSchema::new(ConnectType::String)
}
fn i64s() -> ConnectSchema {
    ConnectSchema::new(ConnectType::Int64)
}

/// `io.debezium.connector.<connector>.Source` v1 (Debezium ≥ 3.1).
pub(crate) fn source_schema(connector: &str) -> ConnectSchema {
    let snapshot = s()
        .named("io.debezium.data.Enum", Some(1))
        .param("allowed", SnapshotMarker::ALLOWED)
        .optional()
        .with_default(Some(serde_json::json!("false")));
    let fields = vec![
        ("version", s()),
        ("connector", s()),
        ("name", s()),
        ("ts_ms", i64s()),
        ("snapshot", snapshot),
        ("db", s()),
        ("sequence", s().optional()),
        ("ts_us", i64s().optional()),
        ("ts_ns", i64s().optional()),
        ("table", s().optional()),
        ("server_id", i64s()),
        ("gtid", s().optional()),
        ("file", s()),
        ("pos", i64s()),
        ("row", ConnectSchema::new(ConnectType::Int32)),
        ("thread", i64s().optional()),
        ("query", s().optional()),
    ];
    ConnectSchema::new(ConnectType::Struct(
        fields
            .into_iter()
            .map(|(n, f)| (n.to_string(), f))
            .collect(),
    ))
    .named(
        &format!("io.debezium.connector.{connector}.Source"),
        Some(1),
    )
}

/// `event.block` v1, optional.
pub(crate) fn transaction_schema() -> ConnectSchema {
    ConnectSchema::new(ConnectType::Struct(vec![
        ("id".into(), s()),
        ("total_order".into(), i64s()),
        ("data_collection_order".into(), i64s()),
    ]))
    .named("event.block", Some(1))
    .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_source_has_server_id_zero_and_the_read_position() {
        let s = SourceInfo::snapshot(
            "srv",
            "inv",
            Some("t"),
            SnapshotMarker::Last,
            "bin.000003",
            42,
        );
        assert_eq!(s.server_id, 0);
        assert_eq!((s.file, s.pos), ("bin.000003", 42));
        assert_eq!(s.snapshot, SnapshotMarker::Last);
        assert_eq!((s.db, s.table), ("inv", Some("t")));
        assert_eq!(s.gtid, None);
    }
}
