//! # sluice-registry-client: the HTTP client for a remote schema registry
//!
//! What every part of Sluice that talks to a Confluent-compatible registry over the network
//! shares (capture when a connector names `schema.registry.url`, the gate, `sluice registry
//! export`, and the query tasks to come). The registry may be Confluent, Karapace, Redpanda,
//! Apicurio's ccompat API or another Sluice.
//!
//! - [`HttpRegistryClient`]: implements `sluice_proto::RegistryClient` (register, lookup,
//!   schema by id, compatibility check) over HTTP, trying several URLs in order (Confluent's
//!   `schema.registry.url` list) with optional basic auth (`basic.auth.user.info`), and reads a
//!   registry's subjects, versions and levels as a `sluice_proto::export::RegistryExport`.
//! - [`ConfigError`]: a client that cannot be built (no URL, no HTTP stack).
//!
//! Failures are `sluice_proto::RegistryError`, the one error type that carries Confluent error
//! codes: an error the registry answered keeps the HTTP status and the `error_code` it sent
//! ([`RegistryError::Remote`](sluice_proto::RegistryError::Remote)); a registry that did not
//! answer is [`RegistryError::Unreachable`](sluice_proto::RegistryError::Unreachable), one that
//! answered something other than the Confluent API is
//! [`RegistryError::InvalidAnswer`](sluice_proto::RegistryError::InvalidAnswer).
//!
//! This crate must not invent error codes (they live in `sluice_proto::error`), hold registry
//! semantics (compatibility rules, storage: those are `sluice-compat` and `sluice-registry`),
//! or retry on its own beyond trying the next URL: whether a failure is worth retrying later is
//! the caller's decision.

mod http;

pub use http::{ConfigError, HttpRegistryClient};
