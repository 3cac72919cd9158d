use crate::support::{call, call_raw, registry_with};
use serde_json::json;
use sluice_registry::RegistrySettings;

async fn app() -> axum::Router {
    crate::support::app().await
}

#[tokio::test]
async fn malformed_json_body_is_a_400_that_says_so() {
    let app = app().await;
    let (status, body) = call_raw(
        &app,
        "POST",
        "/subjects/s/versions",
        Some("{\"schema\": "),
        None,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Malformed JSON"),
        "{body}"
    );
}

#[tokio::test]
async fn body_of_the_wrong_shape_is_a_422() {
    let app = app().await;
    let (status, _) = call_raw(
        &app,
        "POST",
        "/subjects/s/versions",
        Some("{\"schema\": 5}"),
        None,
    )
    .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn missing_schema_is_an_invalid_schema() {
    let app = app().await;
    let (status, body) = call(&app, "POST", "/subjects/s/versions", Some(json!({}))).await;
    assert_eq!((status, body["error_code"].clone()), (422, json!(42201)));
}

#[tokio::test]
async fn unknown_schema_type_names_the_type() {
    let app = app().await;
    let (status, body) = call(
        &app,
        "POST",
        "/subjects/s/versions",
        Some(json!({"schema": "{}", "schemaType": "XML"})),
    )
    .await;
    assert_eq!((status, body["error_code"].clone()), (422, json!(42201)));
    assert!(body["message"].as_str().unwrap_or_default().contains("XML"));
}

#[tokio::test]
async fn protobuf_is_refused_as_not_supported_yet() {
    let app = app().await;
    let (status, body) = call(
        &app,
        "POST",
        "/subjects/s/versions",
        Some(json!({"schema": "syntax = \"proto3\";", "schemaType": "PROTOBUF"})),
    )
    .await;
    assert_eq!((status, body["error_code"].clone()), (422, json!(42201)));
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("not supported")
    );
}

#[tokio::test]
async fn oversized_schema_is_refused_with_42209() {
    let settings = RegistrySettings {
        max_schema_bytes: 64,
        ..RegistrySettings::default()
    };
    let app = sluice_registry::api::router(registry_with(settings).await, None);
    let doc = "x".repeat(100);
    let schema = json!({"type": "record", "name": "r", "doc": doc, "fields": []}).to_string();
    let (status, body) = call(
        &app,
        "POST",
        "/subjects/s/versions",
        Some(json!({"schema": schema})),
    )
    .await;
    assert_eq!((status, body["error_code"].clone()), (422, json!(42209)));
}

#[tokio::test]
async fn invalid_version_and_id_segments_are_client_errors() {
    let app = app().await;
    let (status, body) = call(&app, "GET", "/subjects/s/versions/0", None).await;
    assert_eq!((status, body["error_code"].clone()), (422, json!(42202)));
    let (status, _) = call(&app, "GET", "/subjects/s/versions/2147483648", None).await;
    assert_eq!(status, 422);
    let (status, _) = call(&app, "GET", "/schemas/ids/abc", None).await;
    assert_eq!(status, 404);
    let (status, body) = call(&app, "GET", "/no/such/path", None).await;
    assert_eq!((status, body["error_code"].clone()), (404, json!(404)));
}
