//! # sluice-capture: MySQL/MariaDB changes as Debezium-shaped Avro on Kafka
//!
//! The pipeline, in the order data flows:
//! - [`ddl`]: the MySQL/MariaDB DDL parser: [`ddl::parse`] turns a QUERY event's SQL into
//!   [`ddl::DdlStatement`]s (table-model statements parsed, everything else recognised and
//!   skipped).
//! - [`schema`]: the table model ([`schema::Table`], [`schema::Column`], [`schema::DataType`])
//!   and the catalog of every captured database, kept right by applying each DDL statement.
//!
//! Capture registers schemas through `sluice_proto::RegistryClient` and judges nothing itself:
//! compatibility is the registry's decision. It must never depend on `sluice-registry`.

pub mod ddl;
pub mod schema;
