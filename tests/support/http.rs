//! A blocking HTTP client for tests that reports every status, 4xx and 5xx included.

use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;

/// The media type Confluent's clients send and accept.
const CONTENT_TYPE: &str = "application/vnd.schemaregistry.v1+json";

fn agent() -> &'static ureq::Agent {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(30))
            .build()
    })
}

/// Sends `method base_url+path` with an optional JSON body and returns the status and the body.
///
/// The body comes back as JSON when it parses, as [`Value::Null`] when it is empty, and as a JSON string
/// holding the raw text otherwise. `path` is used as given, so it must already be percent-encoded.
///
/// # Panics
///
/// On transport errors (connection refused, timeout): the server is gone, not merely answering an error.
pub fn request(base_url: &str, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    try_request(base_url, method, path, body).unwrap_or_else(|err| panic!("{err}"))
}

/// [`request`], returning transport errors instead of panicking.
pub fn try_request(
    base_url: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Result<(u16, Value), String> {
    let url = format!("{base_url}{path}");
    let req = agent().request(method, &url).set("Accept", CONTENT_TYPE);
    let result = match body {
        Some(body) => req
            .set("Content-Type", CONTENT_TYPE)
            .send_string(&body.to_string()),
        None => req.call(),
    };
    let response = match result {
        Ok(response) | Err(ureq::Error::Status(_, response)) => response,
        Err(err) => return Err(format!("{method} {url}: no HTTP response: {err}")),
    };
    let status = response.status();
    let text = response
        .into_string()
        .map_err(|err| format!("{method} {url}: reading the body: {err}"))?;
    Ok((status, parse_body(&text)))
}

fn parse_body(text: &str) -> Value {
    if text.trim().is_empty() {
        return Value::Null;
    }
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::parse_body;
    use serde_json::json;

    #[test]
    fn bodies_parse_as_json_or_fall_back_to_text() {
        assert_eq!(parse_body(""), json!(null));
        assert_eq!(parse_body("[1,2]"), json!([1, 2]));
        assert_eq!(parse_body("not json"), json!("not json"));
    }
}
