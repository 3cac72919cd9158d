//! MySQL tables as the Avro schemas and records Debezium (≥ 3.1 shape) with Confluent's
//! AvroConverter produces (Debezium's `TableSchemaBuilder`, `Envelope` and `BinlogValueConverters`; Confluent's `AvroData`).
//!
//! - [`TableAvro`]: from a [`Table`](crate::schema::Table) and [`SchemaOptions`] (or a
//!   [`ConnectorConfig`](crate::config::ConnectorConfig)), the key schema
//!   `<prefix>.<db>.<table>.Key` (primary key columns in key order; none without a key), the
//!   row record `…Value` and the envelope `…Envelope` (`before`, `after`, `source`,
//!   `transaction`, `op`, `ts_ms`, `ts_us`, `ts_ns`), each as JSON and canonical text.
//!   The mapping of column types, handling modes and defaults is in `mapping` and `defaults`
//!   (`BinlogValueConverters`); the Connect → Avro translation (properties, unions, named references) in `connect`
//!   (Confluent's `AvroData`), also applied to Kafka Connect schemas as `JsonConverter` prints them by
//!   [`avro_from_connect_json`] (to compare with what Debezium's converters see); topic and name
//!   adjustment in [`names`] (`SchemaNameAdjuster`).
//! - [`encode`]: the binary encoder of keys and envelopes from
//!   [`ColumnValue`](crate::value::ColumnValue) rows, and [`SourceInfo`] for the source block
//!   (`MySqlSourceInfoStructMaker`). Sluice's own, for speed: no intermediate `Value` tree, each
//!   field written straight from the decoded row (the module doc says why and by how much); the
//!   `apache-avro` crate is its test oracle (`tests/avro_oracle.rs`), and the schemas are rendered
//!   and checked by `sluice-compat`, which reproduces Avro Java's text rather than apache-avro's.
//!
//! Version shape: Source record `connect.version` 1 (3.1+), Envelope `connect.version` 2,
//! `ts_us`/`ts_ns` optional (2.7+), `transaction` (`event.block`) before `op` (2.7+), snapshot
//! enum with `first`/`*_in_data_collection` members (observed in current Debezium).

mod connect;
mod decimal;
mod defaults;
pub mod encode;
mod mapping;
pub mod names;
mod schema_change;
mod schemas;
mod source;
mod temporal;

pub use connect::avro_from_connect_json;
pub use encode::{ChangeEvent, EncodeError, Op};
pub use mapping::{FieldKind, FieldPlan, MappingOptions, Nullability};
pub use schema_change::{SchemaChangeSchemas, TableChangeRecord};
pub use schemas::{GeneratedSchema, MappingError, SchemaOptions, TableAvro};
pub use source::{DEBEZIUM_VERSION, SnapshotMarker, SourceInfo, TransactionInfo};
