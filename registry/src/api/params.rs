//! Query parameters, parsed leniently as Confluent's Jersey resources do: unknown parameters
//! are ignored, booleans are `true` in any case and anything else is false.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::collections::HashMap;
use std::convert::Infallible;

/// The query string of a request. Extraction never fails: undecodable bytes are replaced.
#[derive(Debug, Default)]
pub(crate) struct Params(HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        let query = parts.uri.query().unwrap_or("");
        Ok(Self(
            form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        ))
    }
}

impl Params {
    pub(crate) fn flag(&self, name: &str) -> bool {
        self.0
            .get(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// A non-negative number, or `default` when absent or unreadable.
    pub(crate) fn number(&self, name: &str, default: usize) -> usize {
        self.get(name)
            .and_then(|v| v.parse::<i64>().ok())
            .map_or(default, |n| usize::try_from(n).unwrap_or(0))
    }

    /// `limit`: absent or non-positive means no limit.
    pub(crate) fn limit(&self) -> Option<usize> {
        self.get("limit")
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|n| *n > 0)
            .and_then(|n| usize::try_from(n).ok())
    }
}
