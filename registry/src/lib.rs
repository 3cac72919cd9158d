//! # sluice-registry: a Confluent-compatible schema registry
//!
//! Confluent Schema Registry 8.x's REST API, semantics and error codes, over an embedded
//! SQLite file or a PostgreSQL database shared by several instances.
//!
//! Layers, from the bottom:
//! - [`store`]: durable state over `sqlx` (SQLite or PostgreSQL), migrations, the write
//!   transactions that keep ids and versions unique under concurrent writers.
//! - `state`: the in-process cache all reads are served from, with response bodies rendered
//!   once.
//! - [`service`]: [`Registry`], Confluent's behaviour (register, lookup, delete, configs, modes,
//!   compatibility) independent of HTTP. It also implements
//!   [`RegistryClient`](sluice_proto::RegistryClient) for in-process callers.
//! - [`api`]: the axum router, one module per REST resource, the error-to-HTTP mapping and
//!   optional Basic authentication.
//! - [`server`]: serving the router on a bound listener, with optional TLS; [`refresh`]:
//!   following writes of other instances sharing the store.
//!
//! Compatibility rules are not decided here: they come from `sluice-compat`. This crate must
//! not know about capture, Kafka or MySQL.

pub mod api;
mod client;
pub mod refresh;
pub mod server;
pub mod service;
mod state;
pub mod store;

pub use service::{Registry, RegistrySettings};
