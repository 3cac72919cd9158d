//! # sluice-proto: the contracts every part of Sluice shares
//!
//! Nothing in here does I/O or depends on a sibling crate; everything else depends on it.
//!
//! - [`framing`]: the Confluent wire format (magic byte `0`, 4-byte big-endian schema id, payload).
//! - [`subject`]: subject-name strategies (`TopicNameStrategy`, `RecordNameStrategy`,
//!   `TopicRecordNameStrategy`) and Confluent's subject validity rule.
//! - [`schema`]: the vocabulary of a registry: [`SchemaType`], [`CompatibilityLevel`], [`Mode`],
//!   [`SchemaReference`].
//! - [`rest`]: request and response bodies of the Confluent REST API, field for field.
//! - [`error`]: [`RegistryError`], the one place where a failure becomes a Confluent
//!   `error_code`, HTTP status and message.
//! - [`export`]: [`export::RegistryExport`], a registry's subjects, versions and levels as one
//!   JSON file (`sluice registry export`), for offline checks.
//! - [`client`]: the [`RegistryClient`] trait through which capture and the gate talk to a
//!   registry, in process (`sluice-registry`) or over HTTP (`sluice-registry-client`).
//!
//! This crate must not grow behaviour: no storage, no compatibility rules, no I/O (the HTTP
//! client lives in `sluice-registry-client`, so the pure crates build no HTTP or TLS stack).

pub mod client;
pub mod error;
pub mod export;
pub mod framing;
pub mod rest;
pub mod schema;
pub mod subject;

pub use client::RegistryClient;
pub use error::{ErrorBody, RegistryError};
pub use schema::{CompatibilityLevel, Mode, SchemaReference, SchemaType};
