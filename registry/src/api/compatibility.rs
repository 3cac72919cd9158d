//! `/compatibility`: test a schema against a subject without registering it.

use super::params::Params;
use super::{ApiResult, ok, parse_body};
use crate::service::{Registry, VersionSelector};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::post;
use sluice_proto::rest::RegisterSchemaRequest;

pub(super) fn routes() -> Router<Registry> {
    Router::new()
        .route(
            "/compatibility/subjects/{subject}/versions",
            post(against_all),
        )
        .route(
            "/compatibility/subjects/{subject}/versions/{version}",
            post(against_version),
        )
}

async fn against_all(
    State(registry): State<Registry>,
    Path(subject): Path<String>,
    params: Params,
    body: Bytes,
) -> ApiResult {
    let request: RegisterSchemaRequest = parse_body(&body)?;
    ok(&registry
        .test_compatibility(
            &subject,
            None,
            &request,
            params.flag("normalize"),
            params.flag("verbose"),
        )
        .await?)
}

async fn against_version(
    State(registry): State<Registry>,
    Path((subject, version)): Path<(String, String)>,
    params: Params,
    body: Bytes,
) -> ApiResult {
    let selector = VersionSelector::parse(&version)?;
    let request: RegisterSchemaRequest = parse_body(&body)?;
    ok(&registry
        .test_compatibility(
            &subject,
            Some(selector),
            &request,
            params.flag("normalize"),
            params.flag("verbose"),
        )
        .await?)
}
