//! # sluice-capture: MySQL/MariaDB changes as Debezium-shaped Avro on Kafka
//!
//! The pipeline, in the order data flows:
//! - [`config`]: the Debezium MySQL connector configuration, validated
//!   ([`config::ConnectorConfig`]).
//! - [`schema`]: the table model ([`schema::Table`], [`schema::Column`], [`schema::DataType`])
//!   and the catalog of every captured database, kept right by applying each DDL statement.
//! - [`value`]: a decoded column value ([`value::ColumnValue`]) as binlog and snapshot rows give it.
//! - [`avro`]: the Avro key/value schemas Debezium + Confluent's AvroConverter produce for a
//!   table, and a fast binary encoder of keys and change-event envelopes.
//!
//! Capture registers schemas through `sluice_proto::RegistryClient` and judges nothing itself:
//! compatibility is the registry's decision. It must never depend on `sluice-registry`.

pub mod avro;
pub mod config;
pub mod schema;
pub mod value;
