use crate::support::{app, call};
use serde_json::json;

#[tokio::test]
async fn avro_references_resolve_and_referenced_versions_cannot_be_deleted() {
    let app = app().await;
    let address = json!({"type": "record", "name": "Address", "namespace": "com.acme",
                         "fields": [{"name": "city", "type": "string"}]});
    let (status, _) = call(
        &app,
        "POST",
        "/subjects/address/versions",
        Some(json!({"schema": address.to_string()})),
    )
    .await;
    assert_eq!(status, 200);
    let customer = json!({"type": "record", "name": "Customer", "namespace": "com.acme",
                          "fields": [{"name": "home", "type": "com.acme.Address"}]});
    let (status, body) = call(
        &app,
        "POST",
        "/subjects/customer/versions",
        Some(json!({"schema": customer.to_string(),
                    "references": [{"name": "com.acme.Address", "subject": "address", "version": 1}]})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let customer_id = body["id"].clone();

    let (_, by) = call(
        &app,
        "GET",
        "/subjects/address/versions/1/referencedby",
        None,
    )
    .await;
    assert_eq!(by, json!([customer_id]));
    let (_, got) = call(&app, "GET", "/subjects/customer/versions/1", None).await;
    assert_eq!(got["references"][0]["subject"], "address");

    let (status, body) = call(&app, "DELETE", "/subjects/address/versions/1", None).await;
    assert_eq!((status, body["error_code"].clone()), (422, json!(42206)));
}

#[tokio::test]
async fn unknown_type_without_reference_is_an_invalid_schema() {
    let app = app().await;
    let customer = json!({"type": "record", "name": "Customer",
                          "fields": [{"name": "home", "type": "com.acme.Address"}]});
    let (status, body) = call(
        &app,
        "POST",
        "/subjects/customer/versions",
        Some(json!({"schema": customer.to_string()})),
    )
    .await;
    assert_eq!((status, body["error_code"].clone()), (422, json!(42201)));
}
