//! The Kafka Connect REST API (the subset a Debezium user drives), same paths, status codes
//! and JSON bodies as Kafka Connect 3.x. Errors are `{"error_code": <http status>, "message": …}`.

use super::manager::{ConnectError, ConnectorManager, ConnectorView};
use crate::config::RawConfig;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde_json::{Value, json};
use std::sync::Arc;

/// The plugin this worker offers.
pub(crate) const CONNECTOR_CLASS: &str = "io.debezium.connector.mysql.MySqlConnector";
const PLUGIN_VERSION: &str = "3.1.0.Final-sluice";

type Manager = Arc<ConnectorManager>;

/// The REST router over `manager`.
pub fn router(manager: Manager) -> Router {
    Router::new()
        .route("/", get(root))
        .route("/connector-plugins", get(plugins))
        .route("/connectors", get(list).post(create))
        .route("/connectors/{name}", get(info).delete(delete))
        .route("/connectors/{name}/config", get(config).put(put_config))
        .route("/connectors/{name}/status", get(status))
        .route("/connectors/{name}/tasks", get(tasks))
        .route("/connectors/{name}/restart", post(restart))
        .route(
            "/connectors/{name}/tasks/{task}/restart",
            post(restart_task),
        )
        .route("/connectors/{name}/pause", put(pause))
        .route("/connectors/{name}/resume", put(resume))
        .route("/connectors/{name}/offsets", get(offsets))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "HTTP 404 Not Found".into()) })
        .with_state(manager)
}

fn error(status: StatusCode, message: String) -> Response {
    (
        status,
        axum::Json(json!({"error_code": status.as_u16(), "message": message})),
    )
        .into_response()
}

impl IntoResponse for ConnectError {
    fn into_response(self) -> Response {
        let status = match &self {
            ConnectError::NotFound(_) => StatusCode::NOT_FOUND,
            ConnectError::AlreadyExists(_) => StatusCode::CONFLICT,
            ConnectError::InvalidConfig { .. } | ConnectError::BadRequest(_) => {
                StatusCode::BAD_REQUEST
            }
            ConnectError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status.is_server_error() {
            tracing::error!(error = %self, "connect API request failed");
        }
        error(status, self.to_string())
    }
}

type ApiResult = Result<Response, ConnectError>;

fn ok(status: StatusCode, body: Value) -> ApiResult {
    Ok((status, axum::Json(body)).into_response())
}

fn parse_json(body: &[u8]) -> Result<Value, ConnectError> {
    serde_json::from_slice(body)
        .map_err(|e| ConnectError::BadRequest(format!("Request body is not valid JSON: {e}")))
}

fn raw_config(value: &Value) -> Result<RawConfig, ConnectError> {
    crate::config::raw_from_json(value).map_err(|errors| ConnectError::InvalidConfig {
        count: errors.len(),
        details: errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    })
}

fn info_body(view: &ConnectorView) -> Value {
    json!({
        "name": view.name,
        "config": view.config,
        "tasks": [{"connector": view.name, "task": 0}],
        "type": "source",
    })
}

fn status_body(manager: &ConnectorManager, view: &ConnectorView) -> Value {
    let worker = &manager.worker().worker_id;
    let connector_state = if view.paused { "PAUSED" } else { "RUNNING" };
    let mut task = json!({"id": 0, "state": view.task.state, "worker_id": worker});
    if let Some(trace) = &view.task.trace {
        task["trace"] = json!(trace);
    }
    if let Some((done, total)) = view.task.snapshot_rows {
        task["snapshot"] = json!({"rows_done": done, "rows_total": total});
    }
    json!({
        "name": view.name,
        "connector": {"state": connector_state, "worker_id": worker},
        "tasks": [task],
        "type": "source",
    })
}

async fn root(State(m): State<Manager>) -> ApiResult {
    ok(
        StatusCode::OK,
        json!({"version": "3.9.0-sluice", "commit": env!("CARGO_PKG_VERSION"), "kafka_cluster_id": m.worker().kafka_cluster_id}),
    )
}

async fn plugins() -> ApiResult {
    ok(
        StatusCode::OK,
        json!([{"class": CONNECTOR_CLASS, "type": "source", "version": PLUGIN_VERSION}]),
    )
}

async fn list(State(m): State<Manager>, RawQuery(query): RawQuery) -> ApiResult {
    let names = m.names();
    let query = query.unwrap_or_default();
    let expand: Vec<&str> = query
        .split('&')
        .filter_map(|kv| kv.strip_prefix("expand="))
        .collect();
    if expand.is_empty() {
        return ok(StatusCode::OK, json!(names));
    }
    let mut out = serde_json::Map::new();
    for name in names {
        let Ok(view) = m.view(&name) else { continue };
        let mut entry = serde_json::Map::new();
        if expand.contains(&"status") {
            entry.insert("status".into(), status_body(&m, &view));
        }
        if expand.contains(&"info") {
            entry.insert("info".into(), info_body(&view));
        }
        out.insert(name, Value::Object(entry));
    }
    ok(StatusCode::OK, Value::Object(out))
}

async fn create(State(m): State<Manager>, body: Bytes) -> ApiResult {
    let body = parse_json(&body)?;
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            ConnectError::BadRequest(
                "Connector name is required: give \"name\" in the request body".into(),
            )
        })?
        .to_owned();
    let config = body.get("config").ok_or_else(|| {
        ConnectError::BadRequest(
            "Connector config is required: give \"config\" in the request body".into(),
        )
    })?;
    let mut raw = raw_config(config)?;
    match raw.get("name") {
        Some(n) if n != &name => {
            return Err(ConnectError::BadRequest(format!(
                "Connector name configuration ({n}) doesn't match connector name in the URL ({name})"
            )));
        }
        _ => {
            raw.insert("name".into(), name.clone());
        }
    }
    let view = m.create(&name, raw).await?;
    ok(StatusCode::CREATED, info_body(&view))
}

async fn info(State(m): State<Manager>, Path(name): Path<String>) -> ApiResult {
    ok(StatusCode::OK, info_body(&m.view(&name)?))
}

async fn config(State(m): State<Manager>, Path(name): Path<String>) -> ApiResult {
    ok(StatusCode::OK, json!(m.view(&name)?.config))
}

async fn put_config(State(m): State<Manager>, Path(name): Path<String>, body: Bytes) -> ApiResult {
    let mut raw = raw_config(&parse_json(&body)?)?;
    match raw.get("name") {
        Some(n) if n != &name => {
            return Err(ConnectError::BadRequest(format!(
                "Connector name configuration ({n}) doesn't match connector name in the URL ({name})"
            )));
        }
        _ => {
            raw.insert("name".into(), name.clone());
        }
    }
    let (view, created) = m.put(&name, raw).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    ok(status, info_body(&view))
}

async fn status(State(m): State<Manager>, Path(name): Path<String>) -> ApiResult {
    let view = m.view(&name)?;
    ok(StatusCode::OK, status_body(&m, &view))
}

async fn tasks(State(m): State<Manager>, Path(name): Path<String>) -> ApiResult {
    let view = m.view(&name)?;
    ok(
        StatusCode::OK,
        json!([{"id": {"connector": name, "task": 0}, "config": view.config}]),
    )
}

async fn restart(State(m): State<Manager>, Path(name): Path<String>) -> ApiResult {
    m.restart(&name).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn restart_task(
    State(m): State<Manager>,
    Path((name, task)): Path<(String, String)>,
) -> ApiResult {
    if task != "0" {
        return Err(ConnectError::NotFound(format!("{name} task {task}")));
    }
    m.restart(&name).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn pause(State(m): State<Manager>, Path(name): Path<String>) -> ApiResult {
    m.set_paused(&name, true).await?;
    Ok(StatusCode::ACCEPTED.into_response())
}

async fn resume(State(m): State<Manager>, Path(name): Path<String>) -> ApiResult {
    m.set_paused(&name, false).await?;
    Ok(StatusCode::ACCEPTED.into_response())
}

async fn delete(State(m): State<Manager>, Path(name): Path<String>) -> ApiResult {
    m.delete(&name).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn offsets(State(m): State<Manager>, Path(name): Path<String>) -> ApiResult {
    let offset = m.offset(&name).await?;
    let prefix = m.config(&name)?.topic_prefix.clone();
    let offsets = match offset {
        Some(o) => json!([{"partition": {"server": prefix}, "offset": o}]),
        None => json!([]),
    };
    ok(StatusCode::OK, json!({ "offsets": offsets }))
}
