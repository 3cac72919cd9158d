//! # sluice-compat: what a schema means and whether a new one may follow an old one
//!
//! Pure and fast: no I/O, no async, no storage. The registry and the CI gate call it; capture
//! calls it to render the Avro schemas it derives from table models.
//!
//! - [`ParsedSchema`]: a parsed Avro or JSON schema with its canonical form (the string the
//!   registry stores and returns, as Confluent renders it) and its normalized form
//!   (`normalize=true`).
//! - [`check`]: Confluent's compatibility check of a new schema against earlier versions under a
//!   [`CompatibilityLevel`](sluice_proto::CompatibilityLevel), with Confluent's messages.
//! - [`avro`]: Avro schema model, strict and lenient parsing, canonical form, Apache Avro Java's
//!   reader/writer compatibility rules.
//! - [`json`]: JSON Schema validation (remote `$ref` fetching off).
//!
//! It must not touch the network, the file system or a clock.
