use crate::support::{app, call, register};
use serde_json::json;

#[tokio::test]
async fn global_config_defaults_to_backward_and_accepts_any_case() {
    let app = app().await;
    let (_, body) = call(&app, "GET", "/config", None).await;
    assert_eq!(body["compatibilityLevel"], "BACKWARD");
    let (status, body) = call(
        &app,
        "PUT",
        "/config",
        Some(json!({"compatibility": "full_transitive"})),
    )
    .await;
    assert_eq!(
        (status, body),
        (200, json!({"compatibility": "FULL_TRANSITIVE"}))
    );
}

#[tokio::test]
async fn rejects_unknown_compatibility_level_with_42203() {
    let app = app().await;
    let (status, body) = call(
        &app,
        "PUT",
        "/config/s",
        Some(json!({"compatibility": "SIDEWAYS"})),
    )
    .await;
    assert_eq!((status, body["error_code"].clone()), (422, json!(42203)));
}

#[tokio::test]
async fn read_only_mode_refuses_registration_and_deletion() {
    let app = app().await;
    register(&app, "s", json!("string")).await;
    call(&app, "PUT", "/mode/s", Some(json!({"mode": "READONLY"}))).await;
    let (status, body) = register(&app, "s", json!("int")).await;
    assert_eq!((status, body["error_code"].clone()), (422, json!(42205)));
    let (status, _) = call(&app, "DELETE", "/subjects/s", None).await;
    assert_eq!(status, 422);
    let (status, _) = register(&app, "other", json!("int")).await;
    assert_eq!(status, 200, "other subjects follow the global mode");
}

#[tokio::test]
async fn rejects_unknown_mode_with_42204() {
    let app = app().await;
    let (status, body) = call(&app, "PUT", "/mode", Some(json!({"mode": "SLEEPY"}))).await;
    assert_eq!((status, body["error_code"].clone()), (422, json!(42204)));
}

#[tokio::test]
async fn import_mode_needs_force_on_a_non_empty_registry() {
    let app = app().await;
    register(&app, "s", json!("string")).await;
    let (status, body) = call(&app, "PUT", "/mode", Some(json!({"mode": "IMPORT"}))).await;
    assert_eq!((status, body["error_code"].clone()), (422, json!(42205)));
    let (status, _) = call(
        &app,
        "PUT",
        "/mode?force=true",
        Some(json!({"mode": "IMPORT"})),
    )
    .await;
    assert_eq!(status, 200);
}
