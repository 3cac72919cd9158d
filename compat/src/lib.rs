//! # sluice-compat: what a schema means and whether a new one may follow an old one
//!
//! Pure and fast: no I/O, no async, no storage. The registry and the CI gate call it; capture
//! calls it to render the Avro schemas it derives from table models.
//!
//! - [`ParsedSchema`]: a parsed Avro or JSON schema with its canonical form (the string the
//!   registry stores and returns, as Confluent renders it) and its normalized form
//!   (`normalize=true`). [`ParseMode`] says whether names and defaults are validated (a schema
//!   being registered) or not (a stored one); [`ResolvedReference`] carries a referenced schema.
//! - [`check`]: Confluent's compatibility check of a new schema against earlier versions under a
//!   [`CompatibilityLevel`](sluice_proto::CompatibilityLevel), with Confluent's messages, as a
//!   [`Verdict`].
//! - [`Incompatibility`]: one structured reason, as Confluent's `Difference` prints it.
//! - [`avro`]: Avro schema model, strict and lenient parsing, canonical and normalized forms,
//!   Apache Avro Java's reader/writer compatibility rules ([`avro::reader_writer`]). Sluice's own
//!   rather than the `apache-avro` crate's, because the registry must give Avro Java's and
//!   Confluent's exact text, messages and verdicts; the module doc lists what differs.
//! - [`json`]: JSON Schema validation (remote `$ref` fetching off) and Confluent's diff-based
//!   compatibility rules ([`json::diff`]), under a [`CompatibilityPolicy`] (STRICT or LENIENT;
//!   [`check_with`]).
//! - [`CompatError`]: what went wrong, worded for HTTP clients.
//!
//! It must not touch the network, the file system or a clock.

pub mod avro;
mod check;
mod error;
mod incompatibility;
pub mod json;
mod json_text;
mod schema;

pub use check::{Verdict, check, check_with};
pub use error::CompatError;
pub use incompatibility::{Incompatibility, IncompatibilityKind};
pub use json::diff::CompatibilityPolicy;
pub use schema::{ParseMode, ParsedSchema, ResolvedReference};
