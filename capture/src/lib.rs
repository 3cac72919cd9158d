//! # sluice-capture: MySQL/MariaDB changes as Debezium-shaped Avro on Kafka
//!
//! The pipeline, in the order data flows:
//! - [`config`]: the Debezium MySQL connector configuration, validated
//!   ([`config::ConnectorConfig`]).
//! - [`ddl`]: the MySQL/MariaDB DDL parser: [`ddl::parse`] turns a QUERY event's SQL into
//!   [`ddl::DdlStatement`]s (table-model statements parsed, everything else recognised and
//!   skipped).
//! - [`schema`]: the table model ([`schema::Table`], [`schema::Column`], [`schema::DataType`])
//!   and the catalog of every captured database, kept right by applying each DDL statement.
//! - [`position`]: binlog positions (file + offset, MySQL GTID sets, MariaDB GTIDs) as values.
//! - [`mysql`]: the source server: connection options and preflight checks.
//! - [`snapshot`]: the initial consistent snapshot.
//! - [`binlog`]: streaming row changes and DDL in binlog order.
//! - [`value`]: a decoded column value ([`value::ColumnValue`]) as binlog and snapshot rows give it.
//! - [`avro`]: the Avro key/value schemas Debezium + Confluent's AvroConverter produce for a
//!   table, and a fast binary encoder of keys and change-event envelopes.
//! - [`sink`]: where encoded records go (Kafka's idempotent producer, or a discarding sink),
//!   with acknowledgements tracked so offsets are committed only behind them.
//! - [`store`]: capture's own durable state: connector configs, committed offsets, and the
//!   history of table models with the binlog position where each took effect.
//! - [`connect`]: connectors as Kafka Connect runs them (configs, states, one task each) and
//!   the Kafka-Connect-compatible REST API.
//!
//! - [`pipeline`]: one connector task end to end: snapshot, stream, register, encode, produce,
//!   commit offsets behind acknowledgements.
//! - [`error`]: [`error::CaptureError`], transient (reconnect) or definite (fail the task).
//!
//! Capture registers schemas through `sluice_proto::RegistryClient` and judges nothing itself:
//! compatibility is the registry's decision. It must never depend on `sluice-registry`.

pub mod avro;
pub mod binlog;
pub mod config;
pub mod connect;
pub mod ddl;
pub mod error;
pub mod mysql;
pub mod pipeline;
pub mod position;
pub mod schema;
pub mod sink;
pub mod snapshot;
pub mod store;
pub mod value;
