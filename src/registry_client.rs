//! The registry a connector talks to: the built-in one in process, or a remote one over HTTP
//! when its converter config names `schema.registry.url`.

use sluice_proto::rest::{
    CompatibilityCheckResponse, RegisterSchemaRequest, SchemaById, SubjectSchema,
};
use sluice_proto::{RegistryClient, RegistryError};
use sluice_registry::Registry;
use sluice_registry_client::HttpRegistryClient;

/// Either registry, behind proto's one trait.
#[derive(Debug, Clone)]
pub(crate) enum AnyRegistry {
    InProcess(Registry),
    Http(HttpRegistryClient),
}

impl RegistryClient for AnyRegistry {
    async fn register(
        &self,
        subject: &str,
        schema: &RegisterSchemaRequest,
    ) -> Result<i64, RegistryError> {
        match self {
            Self::InProcess(r) => RegistryClient::register(r, subject, schema).await,
            Self::Http(c) => c.register(subject, schema).await,
        }
    }

    async fn lookup(
        &self,
        subject: &str,
        schema: &RegisterSchemaRequest,
    ) -> Result<SubjectSchema, RegistryError> {
        match self {
            Self::InProcess(r) => RegistryClient::lookup(r, subject, schema).await,
            Self::Http(c) => c.lookup(subject, schema).await,
        }
    }

    async fn schema_by_id(&self, id: i64) -> Result<SchemaById, RegistryError> {
        match self {
            Self::InProcess(r) => RegistryClient::schema_by_id(r, id).await,
            Self::Http(c) => c.schema_by_id(id).await,
        }
    }

    async fn check_compatibility(
        &self,
        subject: &str,
        schema: &RegisterSchemaRequest,
    ) -> Result<CompatibilityCheckResponse, RegistryError> {
        match self {
            Self::InProcess(r) => RegistryClient::check_compatibility(r, subject, schema).await,
            Self::Http(c) => c.check_compatibility(subject, schema).await,
        }
    }
}
