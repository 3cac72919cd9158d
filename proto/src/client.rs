//! The registry client contract: how capture and the gate talk to a schema registry.
//!
//! Two implementations exist: the in-process one in `sluice-registry` (no network hop when the
//! registry runs in the same binary) and the HTTP one in `sluice-registry-client` for a remote
//! Confluent-compatible registry. Callers depend only on this trait.

use crate::error::RegistryError;
use crate::rest::{CompatibilityCheckResponse, RegisterSchemaRequest, SchemaById, SubjectSchema};
use std::future::Future;

/// Operations a producer of schemas needs from a registry.
pub trait RegistryClient: Send + Sync {
    /// Registers `schema` under `subject` (running the subject's compatibility check) and
    /// returns the global schema id. Registering an existing schema returns its id.
    fn register(
        &self,
        subject: &str,
        schema: &RegisterSchemaRequest,
    ) -> impl Future<Output = Result<i64, RegistryError>> + Send;

    /// Finds `schema` under `subject` without registering it.
    fn lookup(
        &self,
        subject: &str,
        schema: &RegisterSchemaRequest,
    ) -> impl Future<Output = Result<SubjectSchema, RegistryError>> + Send;

    /// Fetches a schema by its global id.
    fn schema_by_id(
        &self,
        id: i64,
    ) -> impl Future<Output = Result<SchemaById, RegistryError>> + Send;

    /// Checks `schema` against the subject's live versions under its compatibility level,
    /// with the per-rule messages.
    fn check_compatibility(
        &self,
        subject: &str,
        schema: &RegisterSchemaRequest,
    ) -> impl Future<Output = Result<CompatibilityCheckResponse, RegistryError>> + Send;
}
