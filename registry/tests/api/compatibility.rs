use crate::support::{app, call, record, register};
use serde_json::json;

#[tokio::test]
async fn verbose_check_lists_the_broken_rule() {
    let app = app().await;
    register(
        &app,
        "s",
        record("r", json!([{"name": "a", "type": "string"}])),
    )
    .await;
    let new = record("r", json!([{"name": "a", "type": "int"}]));
    let (status, body) = call(
        &app,
        "POST",
        "/compatibility/subjects/s/versions/latest?verbose=true",
        Some(json!({"schema": new.to_string()})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["is_compatible"], false);
    let messages = body["messages"].to_string();
    assert!(messages.contains("TYPE_MISMATCH"), "{messages}");
}

#[tokio::test]
async fn non_verbose_check_has_no_messages_field() {
    let app = app().await;
    register(&app, "s", json!("string")).await;
    let (_, body) = call(
        &app,
        "POST",
        "/compatibility/subjects/s/versions",
        Some(json!({"schema": "\"string\""})),
    )
    .await;
    assert_eq!(body, json!({"is_compatible": true}));
}

#[tokio::test]
async fn transitive_level_checks_every_live_version() {
    let app = app().await;
    call(
        &app,
        "PUT",
        "/config/s",
        Some(json!({"compatibility": "NONE"})),
    )
    .await;
    register(
        &app,
        "s",
        record("r", json!([{"name": "a", "type": "int"}])),
    )
    .await;
    register(
        &app,
        "s",
        record("r", json!([{"name": "a", "type": "string"}])),
    )
    .await;
    call(
        &app,
        "PUT",
        "/config/s",
        Some(json!({"compatibility": "BACKWARD_TRANSITIVE"})),
    )
    .await;
    // Readable from version 2 (string) but not from version 1 (int).
    let (status, body) = register(
        &app,
        "s",
        record("r", json!([{"name": "a", "type": "bytes"}])),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    call(
        &app,
        "PUT",
        "/config/s",
        Some(json!({"compatibility": "BACKWARD"})),
    )
    .await;
    let (status, body) = register(
        &app,
        "s",
        record("r", json!([{"name": "a", "type": "bytes"}])),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn json_schema_evolution_under_backward_answers_a_clear_422_until_its_rules_land() {
    let app = app().await;
    let body = |s: &str| json!({"schema": s, "schemaType": "JSON"});
    let (status, _) = call(
        &app,
        "POST",
        "/subjects/j/versions",
        Some(body(r#"{"type":"object"}"#)),
    )
    .await;
    assert_eq!(status, 200, "a first version needs no check");
    let (status, err) = call(
        &app,
        "POST",
        "/subjects/j/versions",
        Some(body(
            r#"{"type":"object","properties":{"a":{"type":"string"}}}"#,
        )),
    )
    .await;
    assert_eq!(status, 422, "{err}");
    assert!(
        err["message"].as_str().unwrap_or_default().contains("NONE"),
        "{err}"
    );
    call(
        &app,
        "PUT",
        "/config/j",
        Some(json!({"compatibility": "NONE"})),
    )
    .await;
    let (status, _) = call(
        &app,
        "POST",
        "/subjects/j/versions",
        Some(body(
            r#"{"type":"object","properties":{"a":{"type":"string"}}}"#,
        )),
    )
    .await;
    assert_eq!(status, 200);
}
