//! `/mode`: READWRITE, READONLY, READONLY_OVERRIDE and IMPORT, global and per subject.

use super::params::Params;
use super::{ApiResult, ok, parse_body};
use crate::service::Registry;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::get;
use sluice_proto::rest::ModeBody;

pub(super) fn routes() -> Router<Registry> {
    Router::new()
        .route(
            "/mode",
            get(get_global).put(put_global).delete(delete_global),
        )
        .route(
            "/mode/{subject}",
            get(get_subject).put(put_subject).delete(delete_subject),
        )
}

fn body(mode: sluice_proto::Mode) -> ModeBody {
    ModeBody {
        mode: mode.as_str().to_owned(),
    }
}

async fn get_global(State(registry): State<Registry>) -> ApiResult {
    ok(&body(registry.get_mode(None, true)?))
}

async fn get_subject(
    State(registry): State<Registry>,
    Path(subject): Path<String>,
    params: Params,
) -> ApiResult {
    ok(&body(registry.get_mode(
        Some(&subject),
        params.flag("defaultToGlobal"),
    )?))
}

async fn put_global(State(registry): State<Registry>, params: Params, raw: Bytes) -> ApiResult {
    let request: ModeBody = parse_body(&raw)?;
    ok(&body(
        registry
            .put_mode(None, &request.mode, params.flag("force"))
            .await?,
    ))
}

async fn put_subject(
    State(registry): State<Registry>,
    Path(subject): Path<String>,
    params: Params,
    raw: Bytes,
) -> ApiResult {
    let request: ModeBody = parse_body(&raw)?;
    ok(&body(
        registry
            .put_mode(Some(&subject), &request.mode, params.flag("force"))
            .await?,
    ))
}

async fn delete_global(State(registry): State<Registry>) -> ApiResult {
    ok(&body(registry.delete_mode(None).await?))
}

async fn delete_subject(
    State(registry): State<Registry>,
    Path(subject): Path<String>,
) -> ApiResult {
    ok(&body(registry.delete_mode(Some(&subject)).await?))
}
