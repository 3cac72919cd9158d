//! Building a registry router and calling it.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use serde_json::Value;
use sluice_registry::store::Store;
use sluice_registry::{Registry, RegistrySettings};
use tower::ServiceExt;

pub(crate) async fn registry_with(settings: RegistrySettings) -> Registry {
    let store = Store::connect("sqlite::memory:")
        .await
        .expect("in-memory store");
    Registry::open(store, settings)
        .await
        .expect("registry opens")
}

pub(crate) async fn app() -> Router {
    sluice_registry::api::router(registry_with(RegistrySettings::default()).await, None)
}

/// Sends a request with an optional JSON body (or raw text) and returns status and JSON.
pub(crate) async fn call(
    app: &Router,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let raw = body.map(|b| b.to_string());
    call_raw(app, method, path, raw.as_deref(), None).await
}

pub(crate) async fn call_raw(
    app: &Router,
    method: &str,
    path: &str,
    body: Option<&str>,
    authorization: Option<&str>,
) -> (u16, Value) {
    let mut builder = Request::builder().method(method).uri(path).header(
        header::CONTENT_TYPE,
        "application/vnd.schemaregistry.v1+json",
    );
    if let Some(a) = authorization {
        builder = builder.header(header::AUTHORIZATION, a);
    }
    let request = builder
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_owned())))
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("router answers");
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, json)
}

/// Registers `schema` (a JSON value rendered to text) under `subject`; returns the answer.
pub(crate) async fn register(app: &Router, subject: &str, schema: Value) -> (u16, Value) {
    call(
        app,
        "POST",
        &format!("/subjects/{subject}/versions"),
        Some(serde_json::json!({ "schema": schema.to_string() })),
    )
    .await
}

pub(crate) fn record(name: &str, fields: Value) -> Value {
    serde_json::json!({"type": "record", "name": name, "fields": fields})
}
