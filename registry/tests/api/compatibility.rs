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
async fn json_schema_evolution_under_backward_follows_confluent_rules() {
    let app = app().await;
    let body = |s: &str| json!({"schema": s, "schemaType": "JSON"});
    let closed =
        r#"{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}"#;
    let (status, _) = call(&app, "POST", "/subjects/j/versions", Some(body(closed))).await;
    assert_eq!(status, 200, "a first version needs no check");
    // An optional property added to a closed content model is compatible.
    let added = r#"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"number"}},"additionalProperties":false}"#;
    let (status, ok) = call(&app, "POST", "/subjects/j/versions", Some(body(added))).await;
    assert_eq!(status, 200, "{ok}");
    // Changing a property's type is not.
    let changed = r#"{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"number"}},"additionalProperties":false}"#;
    let (status, err) = call(&app, "POST", "/subjects/j/versions", Some(body(changed))).await;
    assert_eq!(status, 409, "{err}");
    assert_eq!(err["error_code"], 40901, "{err}");
    let message = err["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(r#"{errorType:"TYPE_CHANGED", description:"A type at path '#/properties/a' is different between the new schema and the old schema"}"#),
        "{message}"
    );
    // verbose=true lists the differences.
    let (status, verdict) = call(
        &app,
        "POST",
        "/compatibility/subjects/j/versions/latest?verbose=true",
        Some(body(changed)),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(verdict["is_compatible"], false);
    let messages = verdict["messages"].to_string();
    assert!(messages.contains("TYPE_CHANGED"), "{messages}");
    assert!(messages.contains("oldSchemaVersion: 2"), "{messages}");
}

#[tokio::test]
async fn json_schema_policy_comes_from_the_config() {
    let app = app().await;
    let body = |s: &str| json!({"schema": s, "schemaType": "JSON"});
    let open = r#"{"type":"object","properties":{"a":{"type":"string"}}}"#;
    let more = r#"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"number"}}}"#;
    call(&app, "POST", "/subjects/p/versions", Some(body(open))).await;
    let (status, err) = call(&app, "POST", "/subjects/p/versions", Some(body(more))).await;
    assert_eq!(
        status, 409,
        "STRICT rejects a property added to an open model: {err}"
    );
    assert!(
        err["message"]
            .as_str()
            .unwrap_or_default()
            .contains("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"),
        "{err}"
    );
    let (status, _) = call(
        &app,
        "PUT",
        "/config",
        Some(json!({"compatibilityPolicy": "LENIENT"})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, ok) = call(&app, "POST", "/subjects/p/versions", Some(body(more))).await;
    assert_eq!(status, 200, "LENIENT (global) accepts it: {ok}");
}

#[tokio::test]
async fn json_schema_references_to_another_subject_resolve() {
    let app = app().await;
    let address = |zip: &str| {
        let schema = format!(r#"{{"type":"object","properties":{{"zip":{{"type":"{zip}"}}}}}}"#);
        json!({"schemaType": "JSON", "schema": schema})
    };
    let (status, _) = call(
        &app,
        "POST",
        "/subjects/address/versions",
        Some(address("string")),
    )
    .await;
    assert_eq!(status, 200);
    let customer = |version: i32| {
        json!({
            "schemaType": "JSON",
            "schema": r#"{"type":"object","properties":{"home":{"$ref":"address.json"}}}"#,
            "references": [{"name": "address.json", "subject": "address", "version": version}],
        })
    };
    let (status, first) = call(
        &app,
        "POST",
        "/subjects/customer/versions",
        Some(customer(1)),
    )
    .await;
    assert_eq!(status, 200, "{first}");
    let (status, verdict) = call(
        &app,
        "POST",
        "/compatibility/subjects/customer/versions/latest?verbose=true",
        Some(customer(1)),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(verdict["is_compatible"], true, "{verdict}");
    // The referenced schema is followed: a referenced version whose property type differs is
    // incompatible (the address subject's NONE config lets that version in).
    call(
        &app,
        "PUT",
        "/config/address",
        Some(json!({"compatibility": "NONE"})),
    )
    .await;
    let (status, _) = call(
        &app,
        "POST",
        "/subjects/address/versions",
        Some(address("number")),
    )
    .await;
    assert_eq!(status, 200);
    let (status, err) = call(
        &app,
        "POST",
        "/subjects/customer/versions",
        Some(customer(2)),
    )
    .await;
    assert_eq!(status, 409, "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap_or_default()
            .contains("#/properties/home/properties/zip"),
        "{err}"
    );
}
