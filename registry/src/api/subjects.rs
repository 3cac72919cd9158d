//! `/subjects`: listing, lookup, registration, versions, deletion.

use super::params::Params;
use super::{ApiError, ApiResult, ok, parse_body};
use crate::service::read::DeletedFilter;
use crate::service::{RegisterOptions, Registry, VersionSelector};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use sluice_proto::rest::RegisterSchemaRequest;

pub(super) fn routes() -> Router<Registry> {
    Router::new()
        .route("/subjects", get(list))
        .route("/subjects/{subject}", post(lookup).delete(delete_subject))
        .route("/subjects/{subject}/versions", get(versions).post(register))
        .route(
            "/subjects/{subject}/versions/{version}",
            get(version).delete(delete_version),
        )
        .route(
            "/subjects/{subject}/versions/{version}/schema",
            get(version_schema),
        )
        .route(
            "/subjects/{subject}/versions/{version}/referencedby",
            get(referenced_by),
        )
}

async fn list(State(registry): State<Registry>, params: Params) -> ApiResult {
    let filter = DeletedFilter::from_flags(params.flag("deleted"), params.flag("deletedOnly"));
    ok(&registry.subjects(
        params.get("subjectPrefix"),
        filter,
        params.number("offset", 0),
        params.limit(),
    ))
}

async fn lookup(
    State(registry): State<Registry>,
    Path(subject): Path<String>,
    params: Params,
    body: Bytes,
) -> ApiResult {
    let request: RegisterSchemaRequest = parse_body(&body)?;
    ok(&registry.lookup(
        &subject,
        &request,
        params.flag("normalize"),
        params.flag("deleted"),
    )?)
}

async fn register(
    State(registry): State<Registry>,
    Path(subject): Path<String>,
    params: Params,
    body: Bytes,
) -> ApiResult {
    let request: RegisterSchemaRequest = parse_body(&body)?;
    let options = RegisterOptions {
        normalize: params.flag("normalize"),
    };
    ok(&registry.register(&subject, &request, options).await?)
}

async fn versions(
    State(registry): State<Registry>,
    Path(subject): Path<String>,
    params: Params,
) -> ApiResult {
    let filter = DeletedFilter::from_flags(params.flag("deleted"), params.flag("deletedOnly"));
    ok(&registry.versions(&subject, filter, params.number("offset", 0), params.limit())?)
}

async fn version(
    State(registry): State<Registry>,
    Path((subject, version)): Path<(String, String)>,
    params: Params,
) -> ApiResult {
    let selector = VersionSelector::parse(&version)?;
    ok(&registry.version(&subject, selector, params.flag("deleted"))?)
}

async fn version_schema(
    State(registry): State<Registry>,
    Path((subject, version)): Path<(String, String)>,
    params: Params,
) -> ApiResult {
    let selector = VersionSelector::parse(&version)?;
    let schema = registry
        .version(&subject, selector, params.flag("deleted"))?
        .schema;
    Ok(super::json_bytes(axum::http::StatusCode::OK, schema))
}

async fn referenced_by(
    State(registry): State<Registry>,
    Path((subject, version)): Path<(String, String)>,
    params: Params,
) -> ApiResult {
    let selector = VersionSelector::parse(&version)?;
    ok(&registry.referenced_by(&subject, selector, params.flag("deleted"))?)
}

async fn delete_version(
    State(registry): State<Registry>,
    Path((subject, version)): Path<(String, String)>,
    params: Params,
) -> ApiResult {
    let selector = VersionSelector::parse(&version)?;
    ok(&registry
        .delete_version(&subject, selector, params.flag("permanent"))
        .await?)
}

async fn delete_subject(
    State(registry): State<Registry>,
    Path(subject): Path<String>,
    params: Params,
) -> Result<axum::response::Response, ApiError> {
    ok(&registry
        .delete_subject(&subject, params.flag("permanent"))
        .await?)
}
