//! `/`, `/v1/metadata/id`: the no-op root and the cluster id.

use super::{ApiResult, ok};
use crate::service::Registry;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use sluice_proto::rest::ServerClusterId;

pub(super) fn routes() -> Router<Registry> {
    Router::new()
        .route("/", get(root).post(root))
        .route("/v1/metadata/id", get(cluster_id))
}

async fn root() -> ApiResult {
    ok(&serde_json::json!({}))
}

async fn cluster_id(State(registry): State<Registry>) -> ApiResult {
    let id = registry.settings().cluster_id.clone();
    ok(&ServerClusterId {
        scope: serde_json::json!({
            "path": [],
            "clusters": {"kafka-cluster": id, "schema-registry-cluster": "schema-registry"}
        }),
        id,
    })
}
