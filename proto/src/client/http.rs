//! [`RegistryClient`] over HTTP, for a remote Confluent-compatible registry (Confluent,
//! Karapace, Redpanda, Apicurio ccompat, or another Sluice).
//!
//! Several URLs may be given (as Confluent's `schema.registry.url` allows); each request tries
//! them in order until one answers. Basic auth as `user:password` (Confluent's
//! `basic.auth.user.info`).

use super::RegistryClient;
use crate::error::{ErrorBody, RegistryError};
use crate::export::{RegistryExport, SubjectExport};
use crate::rest::{
    CompatibilityCheckResponse, Config, RegisterSchemaRequest, RegisterSchemaResponse, SchemaById,
    SubjectSchema,
};
use crate::schema::CompatibilityLevel;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::time::Duration;

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
    pub fn new(urls: Vec<String>, user_info: Option<&str>) -> Result<Self, RegistryError> {
        if urls.is_empty() {
            return Err(RegistryError::InvalidRequestBody(
                "no schema registry URL given".to_owned(),
            ));
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| RegistryError::Store(format!("cannot build an HTTP client: {e}")))?;
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
                    last = Some(RegistryError::Remote {
                        status: 503,
                        error_code: 50003,
                        message: format!("schema registry {base} unreachable: {e}"),
                    });
                    continue;
                }
            };
            let status = response.status().as_u16();
            let bytes = response.bytes().await.map_err(|e| RegistryError::Remote {
                status,
                error_code: 50002,
                message: format!("reading the answer of {base}: {e}"),
            })?;
            if (200..300).contains(&status) {
                return serde_json::from_slice(&bytes).map_err(|e| RegistryError::Remote {
                    status,
                    error_code: 50005,
                    message: format!("unexpected answer from {base}{path}: {e}"),
                });
            }
            let body = serde_json::from_slice::<ErrorBody>(&bytes).unwrap_or_else(|_| ErrorBody {
                error_code: u32::from(status),
                message: String::from_utf8_lossy(&bytes).into_owned(),
            });
            return Err(RegistryError::from_body(status, body));
        }
        Err(last.unwrap_or(RegistryError::Remote {
            status: 503,
            error_code: 50003,
            message: "no schema registry URL answered".to_owned(),
        }))
    }
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
        parse_level(config.compatibility_level.as_deref())
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
            Ok(c) => parse_level(c.compatibility_level.as_deref())?,
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
}

fn parse_level(level: Option<&str>) -> Result<Option<CompatibilityLevel>, RegistryError> {
    level
        .map(|l| {
            l.parse().map_err(|_| RegistryError::Remote {
                status: 502,
                error_code: 50005,
                message: format!("the registry answered an unknown compatibility level {l:?}"),
            })
        })
        .transpose()
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
    use super::encode;

    #[test]
    fn subjects_are_percent_encoded_in_paths() {
        assert_eq!(encode("db.inv.customers-value"), "db.inv.customers-value");
        assert_eq!(encode("a/b c"), "a%2Fb%20c");
    }
}
