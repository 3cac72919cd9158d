//! [`RegistryClient`] over HTTP, for a remote Confluent-compatible registry (Confluent,
//! Karapace, Redpanda, Apicurio ccompat, or another Sluice).
//!
//! Several URLs may be given (as Confluent's `schema.registry.url` allows); each request tries
//! them in order until one answers. Basic auth as `user:password` (Confluent's
//! `basic.auth.user.info`).

use serde::Serialize;
use serde::de::DeserializeOwned;
use sluice_proto::export::{RegistryExport, SubjectExport};
use sluice_proto::rest::{
    CompatibilityCheckResponse, Config, RegisterSchemaRequest, RegisterSchemaResponse, SchemaById,
    SubjectSchema,
};
use sluice_proto::{CompatibilityLevel, ErrorBody, RegistryClient, RegistryError};
use std::time::Duration;

/// Why a client cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("no schema registry URL given")]
    NoUrl,
    #[error("cannot build an HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}

/// A registry reached over HTTP.
#[derive(Debug, Clone)]
pub struct HttpRegistryClient {
    http: reqwest::Client,
    urls: Vec<String>,
    basic_auth: Option<(String, String)>,
}

const CONTENT_TYPE: &str = "application/vnd.schemaregistry.v1+json";

impl HttpRegistryClient {
    /// A client for `urls` (tried in order), with optional `user:password` basic auth.
    pub fn new(urls: Vec<String>, user_info: Option<&str>) -> Result<Self, ConfigError> {
        if urls.is_empty() {
            return Err(ConfigError::NoUrl);
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(ConfigError::Http)?;
        let basic_auth =
            user_info.and_then(|u| u.split_once(':').map(|(a, b)| (a.to_owned(), b.to_owned())));
        Ok(Self {
            http,
            urls: urls
                .into_iter()
                .map(|u| u.trim_end_matches('/').to_owned())
                .collect(),
            basic_auth,
        })
    }

    /// Sends the request to each URL in turn until one answers; the answer is decoded as `T`,
    /// or becomes the error the registry sent.
    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, RegistryError> {
        let mut last = None;
        for base in &self.urls {
            let mut request = self
                .http
                .request(method.clone(), format!("{base}{path}"))
                .header(reqwest::header::ACCEPT, CONTENT_TYPE);
            if let Some((user, password)) = &self.basic_auth {
                request = request.basic_auth(user, Some(password));
            }
            if let Some(body) = body {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, CONTENT_TYPE)
                    .json(body);
            }
            let response = match request.send().await {
                Ok(r) => r,
                Err(e) => {
                    last = Some(RegistryError::Unreachable {
                        url: base.clone(),
                        reason: e.to_string(),
                    });
                    continue;
                }
            };
            let status = response.status().as_u16();
            let bytes = response
                .bytes()
                .await
                .map_err(|e| RegistryError::Unreachable {
                    url: base.clone(),
                    reason: format!("reading the answer to {path}: {e}"),
                })?;
            return answer(status, &bytes).map_err(|reason| RegistryError::InvalidAnswer {
                url: format!("{base}{path}"),
                reason,
            })?;
        }
        Err(last.unwrap_or_else(|| RegistryError::Unreachable {
            url: self.urls.join(", "),
            reason: "no schema registry URL answered".to_owned(),
        }))
    }
}

/// What an HTTP answer means: a 2xx body decoded as `T`, or the error the registry sent, with
/// its Confluent `error_code`. A body that is not Confluent's error JSON (a proxy's page, a bare
/// 401) keeps the HTTP status as its code, as Confluent's own REST layer does for errors it has
/// no code for. The outer `Err` is a success body that does not decode.
fn answer<T: DeserializeOwned>(
    status: u16,
    body: &[u8],
) -> Result<Result<T, RegistryError>, String> {
    if (200..300).contains(&status) {
        return serde_json::from_slice(body)
            .map(Ok)
            .map_err(|e| e.to_string());
    }
    let body = serde_json::from_slice::<ErrorBody>(body).unwrap_or_else(|_| ErrorBody {
        error_code: u32::from(status),
        message: String::from_utf8_lossy(body).into_owned(),
    });
    Ok(Err(RegistryError::from_body(status, body)))
}

fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Reads of a subject's history, for the gate and `sluice registry export`.
impl HttpRegistryClient {
    /// Every live subject (`GET /subjects`).
    pub async fn subjects(&self) -> Result<Vec<String>, RegistryError> {
        self.call::<(), _>(reqwest::Method::GET, "/subjects", None)
            .await
    }

    /// The global compatibility level (`GET /config`).
    pub async fn global_level(&self) -> Result<Option<CompatibilityLevel>, RegistryError> {
        let config: Config = self
            .call::<(), _>(reqwest::Method::GET, "/config", None)
            .await?;
        self.parse_level("/config", config.compatibility_level.as_deref())
    }

    /// `subject`'s live versions (oldest first) and own level; `None` when the registry has no
    /// such subject.
    pub async fn subject_export(
        &self,
        subject: &str,
    ) -> Result<Option<SubjectExport>, RegistryError> {
        let path = format!("/subjects/{}/versions", encode(subject));
        // A subject with no versions may still have its own level (set before its first
        // registration): it is read all the same.
        let numbers: Vec<i32> = match self.call::<(), _>(reqwest::Method::GET, &path, None).await {
            Ok(v) => v,
            Err(e) if e.status() == 404 => Vec::new(),
            Err(e) => return Err(e),
        };
        let mut versions = Vec::with_capacity(numbers.len());
        for n in numbers {
            let path = format!("/subjects/{}/versions/{n}", encode(subject));
            match self.call::<(), _>(reqwest::Method::GET, &path, None).await {
                Ok(v) => versions.push(v),
                // Deleted between the two requests.
                Err(e) if e.status() == 404 => {}
                Err(e) => return Err(e),
            }
        }
        let path = format!("/config/{}", encode(subject));
        let compatibility_level = match self
            .call::<(), Config>(reqwest::Method::GET, &path, None)
            .await
        {
            Ok(c) => self.parse_level(&path, c.compatibility_level.as_deref())?,
            // 40401 (older Confluent) or 40408: no subject-level config.
            Err(e) if e.status() == 404 => None,
            Err(e) => return Err(e),
        };
        if versions.is_empty() && compatibility_level.is_none() {
            return Ok(None);
        }
        Ok(Some(SubjectExport {
            subject: subject.to_owned(),
            compatibility_level,
            versions,
        }))
    }

    /// The global level and every subject `include` accepts, with their versions.
    pub async fn export(
        &self,
        include: impl Fn(&str) -> bool,
    ) -> Result<RegistryExport, RegistryError> {
        let mut export = RegistryExport::new(self.global_level().await?);
        let mut subjects = self.subjects().await?;
        subjects.sort();
        for subject in subjects.iter().filter(|s| include(s)) {
            if let Some(s) = self.subject_export(subject).await? {
                export.subjects.push(s);
            }
        }
        Ok(export)
    }

    /// A level the registry answered at `path`; one this Sluice does not know is not the
    /// Confluent API's answer.
    fn parse_level(
        &self,
        path: &str,
        level: Option<&str>,
    ) -> Result<Option<CompatibilityLevel>, RegistryError> {
        level
            .map(|l| {
                l.parse().map_err(|_| RegistryError::InvalidAnswer {
                    url: format!("{}{path}", self.urls.join(",")),
                    reason: format!("unknown compatibility level {l:?}"),
                })
            })
            .transpose()
    }
}

impl RegistryClient for HttpRegistryClient {
    async fn register(
        &self,
        subject: &str,
        schema: &RegisterSchemaRequest,
    ) -> Result<i64, RegistryError> {
        let path = format!("/subjects/{}/versions", encode(subject));
        let answer: RegisterSchemaResponse = self
            .call(reqwest::Method::POST, &path, Some(schema))
            .await?;
        Ok(answer.id)
    }

    async fn lookup(
        &self,
        subject: &str,
        schema: &RegisterSchemaRequest,
    ) -> Result<SubjectSchema, RegistryError> {
        let path = format!("/subjects/{}", encode(subject));
        self.call(reqwest::Method::POST, &path, Some(schema)).await
    }

    async fn schema_by_id(&self, id: i64) -> Result<SchemaById, RegistryError> {
        self.call::<(), _>(reqwest::Method::GET, &format!("/schemas/ids/{id}"), None)
            .await
    }

    async fn check_compatibility(
        &self,
        subject: &str,
        schema: &RegisterSchemaRequest,
    ) -> Result<CompatibilityCheckResponse, RegistryError> {
        let path = format!(
            "/compatibility/subjects/{}/versions?verbose=true",
            encode(subject)
        );
        self.call(reqwest::Method::POST, &path, Some(schema)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_percent_encoded_in_paths() {
        assert_eq!(encode("db.inv.customers-value"), "db.inv.customers-value");
        assert_eq!(encode("a/b c"), "a%2Fb%20c");
    }

    #[test]
    fn a_success_body_is_decoded() {
        let got = answer::<RegisterSchemaResponse>(200, br#"{"id":7}"#);
        assert_eq!(got.map(|r| r.map(|a| a.id)), Ok(Ok(7)));
    }

    #[test]
    fn an_error_answer_keeps_the_confluent_code_the_registry_sent() {
        let got = answer::<RegisterSchemaResponse>(
            409,
            br#"{"error_code":40901,"message":"incompatible"}"#,
        );
        match got {
            Ok(Err(RegistryError::Remote {
                status: 409,
                error_code: 40901,
                message,
            })) => assert_eq!(message, "incompatible"),
            other => panic!("expected 409/40901, got {other:?}"),
        }
    }

    #[test]
    fn an_error_answer_without_a_confluent_body_keeps_the_http_status_as_its_code() {
        let got = answer::<RegisterSchemaResponse>(502, b"<html>bad gateway</html>");
        match got {
            Ok(Err(e)) => {
                assert_eq!((e.status(), e.error_code()), (502, 502));
                assert_eq!(e.to_string(), "<html>bad gateway</html>");
            }
            other => panic!("expected a remote error, got {other:?}"),
        }
    }

    #[test]
    fn a_success_body_that_does_not_decode_is_an_invalid_answer() {
        assert!(answer::<RegisterSchemaResponse>(200, b"{}").is_err());
    }

    #[test]
    fn a_client_needs_a_url() {
        assert!(matches!(
            HttpRegistryClient::new(Vec::new(), None),
            Err(ConfigError::NoUrl)
        ));
    }

    #[tokio::test]
    async fn a_registry_that_does_not_answer_is_unreachable_not_a_confluent_code() {
        // Port 9 (discard) has no listener on a test machine: the connection is refused.
        let client =
            HttpRegistryClient::new(vec!["http://127.0.0.1:9".into()], None).expect("client");
        match client.subjects().await {
            Err(e @ RegistryError::Unreachable { .. }) => {
                assert_eq!(e.status(), 503);
                assert!(
                    e.to_string()
                        .starts_with("schema registry http://127.0.0.1:9 unreachable: ")
                );
            }
            other => panic!("expected Unreachable, got {other:?}"),
        }
    }
}
