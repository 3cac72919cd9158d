//! `/config`: compatibility configuration, global and per subject.

use super::params::Params;
use super::{ApiResult, ok, parse_body};
use crate::service::Registry;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::get;
use sluice_proto::rest::ConfigUpdate;

pub(super) fn routes() -> Router<Registry> {
    Router::new()
        .route(
            "/config",
            get(get_global).put(put_global).delete(delete_global),
        )
        .route(
            "/config/{subject}",
            get(get_subject).put(put_subject).delete(delete_subject),
        )
}

async fn get_global(State(registry): State<Registry>) -> ApiResult {
    ok(&registry.get_config(None, true)?)
}

async fn get_subject(
    State(registry): State<Registry>,
    Path(subject): Path<String>,
    params: Params,
) -> ApiResult {
    ok(&registry.get_config(Some(&subject), params.flag("defaultToGlobal"))?)
}

async fn put_global(State(registry): State<Registry>, body: Bytes) -> ApiResult {
    let update: ConfigUpdate = parse_body(&body)?;
    ok(&registry.put_config(None, update).await?)
}

async fn put_subject(
    State(registry): State<Registry>,
    Path(subject): Path<String>,
    body: Bytes,
) -> ApiResult {
    let update: ConfigUpdate = parse_body(&body)?;
    ok(&registry.put_config(Some(&subject), update).await?)
}

async fn delete_global(State(registry): State<Registry>) -> ApiResult {
    ok(&registry.delete_config(None).await?)
}

async fn delete_subject(
    State(registry): State<Registry>,
    Path(subject): Path<String>,
) -> ApiResult {
    ok(&registry.delete_config(Some(&subject)).await?)
}
