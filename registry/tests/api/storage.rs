use serde_json::json;
use sluice_registry::store::Store;
use sluice_registry::{Registry, RegistrySettings};

#[tokio::test]
async fn registered_schemas_survive_a_restart_of_the_sqlite_store() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("registry.db").display());
    let id = {
        let store = Store::connect(&url).await.expect("store");
        let registry = Registry::open(store, RegistrySettings::default())
            .await
            .expect("open");
        let app = sluice_registry::api::router(registry, None);
        let (status, body) = crate::support::register(&app, "s", json!("string")).await;
        assert_eq!(status, 200);
        body["id"].clone()
    };
    let store = Store::connect(&url).await.expect("store reopens");
    let registry = Registry::open(store, RegistrySettings::default())
        .await
        .expect("open");
    let app = sluice_registry::api::router(registry, None);
    let (status, body) =
        crate::support::call(&app, "GET", "/subjects/s/versions/latest", None).await;
    assert_eq!(status, 200);
    assert_eq!(body["id"], id);
}
