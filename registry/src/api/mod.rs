//! The HTTP API: Confluent Schema Registry's REST paths, parameters, status codes and bodies.
//!
//! One module per resource (`subjects`, `schemas`, `config`, `mode`, `compatibility`,
//! `metadata`); each handler turns the request into a call on
//! [`Registry`] and renders the answer. [`ApiError`] is the only place a [`RegistryError`]
//! becomes an HTTP response. Bodies are read as bytes and parsed here, so a missing or odd
//! `Content-Type` is accepted as Confluent does, and malformed JSON is a 400 that names the
//! problem, never a 5xx.

mod auth;
mod compatibility;
mod config;
mod metadata;
mod mode;
mod params;
mod schemas;
mod subjects;
mod telemetry;

pub use auth::{AuthConfig, AuthError, Role};

use crate::service::Registry;
use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sluice_proto::RegistryError;
use std::sync::Arc;

/// Confluent's media type for every answer.
pub const CONTENT_TYPE: &str = "application/vnd.schemaregistry.v1+json";

/// Builds the registry's router. With `auth`, every request needs HTTP Basic credentials.
pub fn router(registry: Registry, auth: Option<Arc<AuthConfig>>) -> Router {
    let routes = Router::new()
        .merge(metadata::routes())
        .merge(subjects::routes())
        .merge(schemas::routes())
        .merge(config::routes())
        .merge(mode::routes())
        .merge(compatibility::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(registry);
    let routes = match auth {
        Some(auth) => routes.layer(axum::middleware::from_fn_with_state(auth, auth::require)),
        None => routes,
    };
    routes.layer(axum::middleware::from_fn(telemetry::record))
}

/// A registry error on its way to the client.
#[derive(Debug)]
pub struct ApiError(pub RegistryError);

impl From<RegistryError> for ApiError {
    fn from(e: RegistryError) -> Self {
        Self(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            tracing::error!(error = %self.0, "request failed");
        }
        let mut response = json_bytes(
            status,
            serde_json::to_vec(&self.0.body()).unwrap_or_default(),
        );
        if matches!(self.0, RegistryError::Unauthorized) {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"sluice\""),
            );
        }
        response
    }
}

pub(crate) type ApiResult = Result<Response, ApiError>;

/// A JSON answer with Confluent's media type.
pub(crate) fn json_bytes(status: StatusCode, body: impl Into<Bytes>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))],
        body.into(),
    )
        .into_response()
}

/// Serializes `value` as a 200 answer.
pub(crate) fn ok<T: Serialize>(value: &T) -> ApiResult {
    let body = serde_json::to_vec(value)
        .map_err(|e| RegistryError::Store(format!("cannot render answer: {e}")))?;
    Ok(json_bytes(StatusCode::OK, body))
}

/// Parses a request body: malformed JSON is a 400, JSON of the wrong shape a 422, and an
/// empty body counts as `{}`.
pub(crate) fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        &b"{}"[..]
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|e| {
        ApiError(if e.is_syntax() || e.is_eof() {
            RegistryError::MalformedJson(e.to_string())
        } else {
            RegistryError::InvalidRequestBody(e.to_string())
        })
    })
}

async fn not_found() -> ApiError {
    ApiError(RegistryError::PathNotFound(
        "HTTP 404 Not Found: no such path in the Schema Registry API".to_owned(),
    ))
}

async fn method_not_allowed() -> Response {
    json_bytes(
        StatusCode::METHOD_NOT_ALLOWED,
        r#"{"error_code":405,"message":"HTTP 405 Method Not Allowed"}"#,
    )
}
