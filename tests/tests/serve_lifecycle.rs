//! `sluice serve` as a process: it stops cleanly on SIGTERM, and what it stored survives a restart on the
//! same data directory (the default store lives there).

use serde_json::json;
use sluice_e2e::SluiceServer;

#[test]
fn sigterm_stops_the_server_cleanly() {
    let mut server = SluiceServer::start(&[]);
    let (status, _) = server.request("GET", "/subjects", None);
    assert_eq!(status, 200, "GET /subjects on a fresh registry");
    let exit = server.terminate();
    assert!(
        exit.success(),
        "sluice exited with {exit} on SIGTERM; its log:\n{}",
        server.log()
    );
}

#[test]
fn registered_schemas_survive_a_restart() {
    let mut server = SluiceServer::start(&[]);
    let schema = r#"{"type":"record","name":"r","fields":[{"name":"f","type":"string"}]}"#;
    let (status, body) = server.request(
        "POST",
        "/subjects/restart-value/versions",
        Some(&json!({ "schema": schema })),
    );
    assert_eq!(status, 200, "register: {body}");
    let id = body["id"]
        .as_i64()
        .expect("the registration answer has an id");

    server.restart();

    let (status, body) = server.request("GET", "/subjects/restart-value/versions/latest", None);
    assert_eq!(status, 200, "latest version after the restart: {body}");
    assert_eq!(body["id"], json!(id), "same id after the restart: {body}");
    assert_eq!(
        body["version"],
        json!(1),
        "same version after the restart: {body}"
    );
    let (status, body) = server.request("GET", &format!("/schemas/ids/{id}"), None);
    assert_eq!(status, 200, "schema by id after the restart: {body}");
}
