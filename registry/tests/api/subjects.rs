use crate::support::{app, call, record, register};
use serde_json::json;

#[tokio::test]
async fn same_schema_under_two_subjects_shares_one_id_and_reregistering_is_idempotent() {
    let app = app().await;
    let schema = record("r", json!([{"name": "a", "type": "string"}]));
    let (s1, a) = register(&app, "one", schema.clone()).await;
    let (s2, b) = register(&app, "two", schema.clone()).await;
    let (s3, c) = register(&app, "one", schema).await;
    assert_eq!((s1, s2, s3), (200, 200, 200));
    assert_eq!(a["id"], b["id"]);
    assert_eq!(a, c, "re-registering answers the same id and version");
    let (_, versions) = call(&app, "GET", "/subjects/one/versions", None).await;
    assert_eq!(versions, json!([1]));
}

#[tokio::test]
async fn stores_avro_in_canonical_form() {
    let app = app().await;
    let (_, r) = call(
        &app,
        "POST",
        "/subjects/s/versions",
        Some(json!({"schema": "{ \"type\" : \"string\" }"})),
    )
    .await;
    let (_, by_id) = call(&app, "GET", &format!("/schemas/ids/{}", r["id"]), None).await;
    assert_eq!(by_id["schema"], "\"string\"");
    assert_eq!(by_id["schemaType"], "AVRO");
}

#[tokio::test]
async fn rejects_incompatible_schema_with_409_and_confluent_message() {
    let app = app().await;
    register(
        &app,
        "s",
        record("r", json!([{"name": "a", "type": "string"}])),
    )
    .await;
    let (status, body) = register(
        &app,
        "s",
        record(
            "r",
            json!([{"name": "a", "type": "string"}, {"name": "b", "type": "int"}]),
        ),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(body["error_code"], 40901);
    let message = body["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(
            "Schema being registered is incompatible with an earlier schema for subject \"s\", details: ["
        ),
        "{message}"
    );
    assert!(
        message.contains("READER_FIELD_MISSING_DEFAULT_VALUE"),
        "{message}"
    );
}

#[tokio::test]
async fn soft_deleted_version_keeps_its_id_resolvable_and_its_number_reserved() {
    let app = app().await;
    call(
        &app,
        "PUT",
        "/config",
        Some(json!({"compatibility": "NONE"})),
    )
    .await;
    let (_, first) = register(&app, "s", json!("string")).await;
    register(&app, "s", json!("int")).await;
    let (status, _) = call(&app, "DELETE", "/subjects/s/versions/2", None).await;
    assert_eq!(status, 200);
    let (status, _) = call(&app, "GET", &format!("/schemas/ids/{}", first["id"]), None).await;
    assert_eq!(status, 200);
    let (_, third) = register(&app, "s", json!("long")).await;
    assert_eq!(
        third["version"], 3,
        "version 2 is not reused while soft-deleted"
    );
}

#[tokio::test]
async fn permanent_delete_of_last_version_removes_subject_config() {
    let app = app().await;
    call(
        &app,
        "PUT",
        "/config/s",
        Some(json!({"compatibility": "FULL"})),
    )
    .await;
    register(&app, "s", json!("string")).await;
    call(&app, "DELETE", "/subjects/s", None).await;
    let (status, _) = call(&app, "DELETE", "/subjects/s?permanent=true", None).await;
    assert_eq!(status, 200);
    let (status, body) = call(&app, "GET", "/config/s", None).await;
    assert_eq!((status, body["error_code"].clone()), (404, json!(40408)));
}

#[tokio::test]
async fn lists_schemas_with_prefix_latest_only_and_paging() {
    let app = app().await;
    call(
        &app,
        "PUT",
        "/config",
        Some(json!({"compatibility": "NONE"})),
    )
    .await;
    register(&app, "orders-value", json!("string")).await;
    register(&app, "orders-value", json!("int")).await;
    register(&app, "users-value", json!("long")).await;
    let (_, all) = call(&app, "GET", "/schemas", None).await;
    assert_eq!(all.as_array().map(Vec::len), Some(3));
    let (_, latest) = call(
        &app,
        "GET",
        "/schemas?subjectPrefix=orders&latestOnly=true",
        None,
    )
    .await;
    assert_eq!(latest.as_array().map(Vec::len), Some(1));
    assert_eq!(latest[0]["version"], 2);
    let (_, paged) = call(&app, "GET", "/schemas?offset=1&limit=1", None).await;
    assert_eq!(paged.as_array().map(Vec::len), Some(1));
    assert_eq!(paged[0]["version"], 2);
}

#[tokio::test]
async fn normalize_gives_reordered_schemas_one_id() {
    let app = app().await;
    let a =
        r#"{"type":"record","name":"r","namespace":"n","fields":[{"name":"a","type":"string"}]}"#;
    let b =
        r#"{"fields":[{"type":"string","name":"a"}],"namespace":"n","name":"r","type":"record"}"#;
    let (_, first) = call(
        &app,
        "POST",
        "/subjects/s/versions?normalize=true",
        Some(json!({ "schema": a })),
    )
    .await;
    let (_, second) = call(
        &app,
        "POST",
        "/subjects/t/versions?normalize=true",
        Some(json!({ "schema": b })),
    )
    .await;
    assert_eq!(first["id"], second["id"], "{first} {second}");
    let (status, found) = call(
        &app,
        "POST",
        "/subjects/t?normalize=true",
        Some(json!({ "schema": a })),
    )
    .await;
    assert_eq!(status, 200, "{found}");
}
