//! Transaction metadata (`provide.transaction.metadata`, Debezium's `TransactionMonitor` and `TransactionStructMaker`): BEGIN and END records
//! on `<prefix>.transaction`, and the `transaction` block of every data event
//! (`{id, total_order, data_collection_order}`, both orders 1-based).
//!
//! The id is the transaction's GTID, or `file=<binlog>,pos=<pos>` without GTIDs. As in
//! Debezium, BEGIN is emitted with the transaction's first data event, and a transaction with no
//! captured events produces neither BEGIN nor END. A restart inside a transaction counts the data
//! events it skips (emitted before the restart) without sending them, so the orders carry on and
//! BEGIN is not sent twice.

use crate::avro::encode::{write_bytes, write_long};
use sluice_proto::framing::write_header;
use std::collections::BTreeMap;

pub(crate) const KEY_SCHEMA: &str = r#"{"type":"record","name":"TransactionMetadataKey","namespace":"io.debezium.connector.common","fields":[{"name":"id","type":"string"}],"connect.version":1,"connect.name":"io.debezium.connector.common.TransactionMetadataKey"}"#;
pub(crate) const VALUE_SCHEMA: &str = r#"{"type":"record","name":"TransactionMetadataValue","namespace":"io.debezium.connector.common","fields":[{"name":"status","type":"string"},{"name":"id","type":"string"},{"name":"event_count","type":["null","long"],"default":null},{"name":"data_collections","type":["null",{"type":"array","items":["null",{"type":"record","name":"collection","namespace":"event","fields":[{"name":"data_collection","type":"string"},{"name":"event_count","type":"long"}],"connect.version":1,"connect.name":"event.collection"}]}],"default":null},{"name":"ts_ms","type":"long"}],"connect.version":1,"connect.name":"io.debezium.connector.common.TransactionMetadataValue"}"#;

/// The transaction being emitted.
#[derive(Debug, Default)]
pub(crate) struct OpenTransaction {
    pub(crate) id: String,
    pub(crate) total: i64,
    pub(crate) per_collection: BTreeMap<String, i64>,
}

impl OpenTransaction {
    pub(crate) fn new(id: String) -> Self {
        Self {
            id,
            ..Self::default()
        }
    }

    /// Counts one data event of `collection` (`db.table`); returns its (total, per-table) order.
    pub(crate) fn count(&mut self, collection: &str) -> (i64, i64) {
        self.total += 1;
        let n = self
            .per_collection
            .entry(collection.to_owned())
            .or_insert(0);
        *n += 1;
        (self.total, *n)
    }
}

/// The framed key of a transaction record.
pub(crate) fn key(key_id: u32, id: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + id.len());
    write_header(key_id, &mut out);
    write_bytes(&mut out, id.as_bytes());
    out
}

/// The framed BEGIN value.
pub(crate) fn begin(value_id: u32, id: &str, ts_ms: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 + id.len());
    write_header(value_id, &mut out);
    write_bytes(&mut out, b"BEGIN");
    write_bytes(&mut out, id.as_bytes());
    write_long(&mut out, 0); // event_count: null
    write_long(&mut out, 0); // data_collections: null
    write_long(&mut out, ts_ms);
    out
}

/// The framed END value, with the event counts.
pub(crate) fn end(value_id: u32, tx: &OpenTransaction, ts_ms: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + tx.id.len());
    write_header(value_id, &mut out);
    write_bytes(&mut out, b"END");
    write_bytes(&mut out, tx.id.as_bytes());
    write_long(&mut out, 1);
    write_long(&mut out, tx.total);
    write_long(&mut out, 1);
    if !tx.per_collection.is_empty() {
        write_long(&mut out, tx.per_collection.len() as i64);
        for (collection, count) in &tx.per_collection {
            write_long(&mut out, 1); // the item union's record branch
            write_bytes(&mut out, collection.as_bytes());
            write_long(&mut out, *count);
        }
    }
    write_long(&mut out, 0); // end of the array
    write_long(&mut out, ts_ms);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_are_valid_avro() {
        for s in [KEY_SCHEMA, VALUE_SCHEMA] {
            sluice_compat::ParsedSchema::parse(
                sluice_proto::SchemaType::Avro,
                s,
                &[],
                sluice_compat::ParseMode::New,
            )
            .expect("valid Avro");
        }
    }

    #[test]
    fn counts_events_per_transaction_and_table() {
        let mut tx = OpenTransaction::new("0-1-7".into());
        assert_eq!(tx.count("inv.a"), (1, 1));
        assert_eq!(tx.count("inv.b"), (2, 1));
        assert_eq!(tx.count("inv.a"), (3, 2));
        let end = end(9, &tx, 5);
        assert_eq!(&end[..5], &[0, 0, 0, 0, 9]);
    }
}
