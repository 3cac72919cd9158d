//! `/schemas`: schemas by global id, listings, types.

use super::params::Params;
use super::{ApiResult, json_bytes, ok};
use crate::service::{Registry, SchemaListQuery};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use sluice_proto::RegistryError;

pub(super) fn routes() -> Router<Registry> {
    Router::new()
        .route("/schemas", get(list))
        .route("/schemas/types", get(types))
        .route("/schemas/ids/{id}", get(by_id))
        .route("/schemas/ids/{id}/schema", get(text_by_id))
        .route("/schemas/ids/{id}/subjects", get(subjects_by_id))
        .route("/schemas/ids/{id}/versions", get(versions_by_id))
}

fn parse_id(id: &str) -> Result<i64, RegistryError> {
    id.parse::<i64>()
        .map_err(|_| RegistryError::PathNotFound(format!("'{id}' is not a schema id")))
}

/// The hot path: a cache hit answers pre-rendered bytes.
async fn by_id(State(registry): State<Registry>, Path(id): Path<String>) -> ApiResult {
    let id = parse_id(&id)?;
    Ok(json_bytes(StatusCode::OK, registry.schema_by_id_body(id)?))
}

async fn text_by_id(State(registry): State<Registry>, Path(id): Path<String>) -> ApiResult {
    let id = parse_id(&id)?;
    Ok(json_bytes(StatusCode::OK, registry.schema_text_by_id(id)?))
}

async fn subjects_by_id(
    State(registry): State<Registry>,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let id = parse_id(&id)?;
    ok(&registry.subjects_of_id(id, params.flag("deleted"))?)
}

async fn versions_by_id(
    State(registry): State<Registry>,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let id = parse_id(&id)?;
    ok(&registry.versions_of_id(id, params.flag("deleted"))?)
}

async fn list(State(registry): State<Registry>, params: Params) -> ApiResult {
    let query = SchemaListQuery {
        subject_prefix: params.get("subjectPrefix").map(str::to_owned),
        deleted: params.flag("deleted"),
        latest_only: params.flag("latestOnly"),
        offset: params.number("offset", 0),
        limit: params.limit(),
    };
    ok(&registry.schemas(&query))
}

async fn types() -> ApiResult {
    ok(&["JSON", "PROTOBUF", "AVRO"])
}
