use crate::support::{app, call};
use serde_json::json;

#[tokio::test]
async fn import_mode_keeps_explicit_ids_and_versions() {
    let app = app().await;
    call(&app, "PUT", "/mode", Some(json!({"mode": "IMPORT"}))).await;
    let (status, body) = call(
        &app,
        "POST",
        "/subjects/s/versions",
        Some(json!({"schema": "\"string\"", "id": 100, "version": 5})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["id"].clone(), body["version"].clone()),
        (json!(100), json!(5))
    );
    let (status, _) = call(&app, "GET", "/schemas/ids/100", None).await;
    assert_eq!(status, 200);

    let (status, body) = call(
        &app,
        "POST",
        "/subjects/t/versions",
        Some(json!({"schema": "\"string\"", "id": 101})),
    )
    .await;
    assert_eq!(
        (status, body["error_code"].clone()),
        (422, json!(42207)),
        "{body}"
    );

    call(&app, "PUT", "/mode", Some(json!({"mode": "READWRITE"}))).await;
    let (_, body) = call(
        &app,
        "POST",
        "/subjects/u/versions",
        Some(json!({"schema": "\"int\""})),
    )
    .await;
    assert!(
        body["id"].as_i64().unwrap_or(0) > 100,
        "new ids continue past imported ones: {body}"
    );
}

#[tokio::test]
async fn explicit_id_outside_import_mode_is_refused() {
    let app = app().await;
    let (status, body) = call(
        &app,
        "POST",
        "/subjects/s/versions",
        Some(json!({"schema": "\"string\"", "id": 7})),
    )
    .await;
    assert_eq!((status, body["error_code"].clone()), (422, json!(42205)));
}
