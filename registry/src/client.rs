//! The in-process [`RegistryClient`]: capture and the gate call the registry with no network
//! hop when it runs in the same binary.

use crate::service::{RegisterOptions, Registry};
use sluice_proto::rest::{
    CompatibilityCheckResponse, RegisterSchemaRequest, SchemaById, SubjectSchema,
};
use sluice_proto::{RegistryClient, RegistryError};

impl RegistryClient for Registry {
    async fn register(
        &self,
        subject: &str,
        schema: &RegisterSchemaRequest,
    ) -> Result<i64, RegistryError> {
        Registry::register(self, subject, schema, RegisterOptions::default())
            .await
            .map(|r| r.id)
    }

    async fn lookup(
        &self,
        subject: &str,
        schema: &RegisterSchemaRequest,
    ) -> Result<SubjectSchema, RegistryError> {
        Registry::lookup(self, subject, schema, false, false)
    }

    async fn schema_by_id(&self, id: i64) -> Result<SchemaById, RegistryError> {
        let body = self.schema_by_id_body(id)?;
        serde_json::from_slice(&body).map_err(|e| RegistryError::Store(e.to_string()))
    }

    async fn check_compatibility(
        &self,
        subject: &str,
        schema: &RegisterSchemaRequest,
    ) -> Result<CompatibilityCheckResponse, RegistryError> {
        self.test_compatibility(subject, None, schema, false, true)
            .await
    }
}
