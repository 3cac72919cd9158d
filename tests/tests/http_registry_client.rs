//! The shared HTTP registry client (`sluice-registry-client`) against the real server: what
//! capture uses when a connector names a registry URL.

use sluice_e2e::SluiceServer;
use sluice_proto::rest::RegisterSchemaRequest;
use sluice_proto::{RegistryClient, RegistryError};
use sluice_registry_client::HttpRegistryClient;

fn schema(fields: &str) -> RegisterSchemaRequest {
    RegisterSchemaRequest {
        schema: Some(format!(
            r#"{{"type":"record","name":"r","fields":[{fields}]}}"#
        )),
        ..RegisterSchemaRequest::default()
    }
}

#[tokio::test]
async fn registers_looks_up_and_reports_incompatibility_over_http() {
    let server = SluiceServer::start(&[]);
    // The first URL is dead: the client must fall through to the live one.
    let client = HttpRegistryClient::new(
        vec!["http://127.0.0.1:9".into(), server.base_url().to_string()],
        None,
    )
    .expect("client");
    let v1 = schema(r#"{"name":"a","type":"string"}"#);
    let id = client
        .register("orders-value", &v1)
        .await
        .expect("registered");
    assert_eq!(
        client
            .register("orders-value", &v1)
            .await
            .expect("idempotent"),
        id
    );
    let found = client.lookup("orders-value", &v1).await.expect("found");
    assert_eq!((found.id, found.version), (id, 1));
    assert!(
        client
            .schema_by_id(id)
            .await
            .expect("by id")
            .schema
            .contains("\"a\"")
    );

    let v2 = schema(r#"{"name":"a","type":"string"},{"name":"b","type":"int"}"#);
    let verdict = client
        .check_compatibility("orders-value", &v2)
        .await
        .expect("checked");
    assert!(!verdict.is_compatible);
    match client.register("orders-value", &v2).await {
        Err(RegistryError::Remote {
            status: 409,
            error_code: 40901,
            message,
        }) => {
            assert!(
                message.contains("READER_FIELD_MISSING_DEFAULT_VALUE"),
                "{message}"
            );
        }
        other => panic!("expected 409/40901, got {other:?}"),
    }
}
