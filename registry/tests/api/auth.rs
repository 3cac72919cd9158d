use crate::support::{call_raw, registry_with};
use base64::Engine;
use sluice_registry::RegistrySettings;
use sluice_registry::api::AuthConfig;
use std::sync::Arc;

fn basic(user: &str, password: &str) -> String {
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {token}")
}

async fn app() -> axum::Router {
    let auth = AuthConfig::parse(
        r#"{"users":[{"username":"reader","password":"r","role":"read-only"},
                     {"username":"writer","password":"w","role":"read-write"}]}"#,
    )
    .expect("auth file");
    sluice_registry::api::router(
        registry_with(RegistrySettings::default()).await,
        Some(Arc::new(auth)),
    )
}

#[tokio::test]
async fn requests_without_or_with_wrong_credentials_get_401() {
    let app = app().await;
    let (status, body) = call_raw(&app, "GET", "/subjects", None, None).await;
    assert_eq!((status, body["error_code"].as_u64()), (401, Some(401)));
    let (status, _) = call_raw(
        &app,
        "GET",
        "/subjects",
        None,
        Some(&basic("reader", "nope")),
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn read_only_user_reads_but_cannot_register() {
    let app = app().await;
    let reader = basic("reader", "r");
    let (status, _) = call_raw(&app, "GET", "/subjects", None, Some(&reader)).await;
    assert_eq!(status, 200);
    let body = r#"{"schema":"\"string\""}"#;
    let (status, err) = call_raw(
        &app,
        "POST",
        "/subjects/s/versions",
        Some(body),
        Some(&reader),
    )
    .await;
    assert_eq!((status, err["error_code"].as_u64()), (403, Some(403)));
    let (status, _) = call_raw(
        &app,
        "POST",
        "/subjects/s/versions",
        Some(body),
        Some(&basic("writer", "w")),
    )
    .await;
    assert_eq!(status, 200);
}
