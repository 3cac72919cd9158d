//! Request metrics for operators: how many requests, of which kind, with which outcome, how
//! long they took.
//!
//! - `sluice_registry_requests_total{method, status}` (counter)
//! - `sluice_registry_request_duration_seconds{method}` (histogram)

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

pub(super) async fn record(request: Request, next: Next) -> Response {
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("sluice_registry_requests_total", "method" => method.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("sluice_registry_request_duration_seconds", "method" => method)
        .record(started.elapsed().as_secs_f64());
    response
}
