//! Optional HTTP Basic authentication with read-only and read-write users.
//!
//! The users come from a JSON file:
//! ```json
//! {"users": [
//!   {"username": "ci",    "password": "s3cret", "role": "read-only"},
//!   {"username": "admin", "password_sha256": "<hex sha-256 of the password>", "role": "read-write"}
//! ]}
//! ```
//! No or wrong credentials answer 401; a read-only user attempting a write answers 403. Both
//! with Confluent's JSON error body. Lookups and compatibility tests are reads.

use super::ApiError;
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use sluice_proto::RegistryError;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    ReadOnly,
    ReadWrite,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserEntry {
    username: String,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    password_sha256: Option<String>,
    role: Role,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthFile {
    users: Vec<UserEntry>,
}

/// Why an auth file was refused.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("cannot read auth file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("auth file {path} is not valid: {reason}")]
    Invalid { path: String, reason: String },
}

/// The users allowed in, with the SHA-256 of their passwords.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    users: HashMap<String, ([u8; 32], Role)>,
}

impl AuthConfig {
    /// Loads and checks an auth file.
    pub fn load(path: &Path) -> Result<Self, AuthError> {
        let display = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| AuthError::Read {
            path: display.clone(),
            source,
        })?;
        Self::parse(&text).map_err(|reason| AuthError::Invalid {
            path: display,
            reason,
        })
    }

    /// Parses the JSON text of an auth file.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: AuthFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut users = HashMap::new();
        for u in file.users {
            let digest = match (u.password, u.password_sha256) {
                (Some(p), None) => Sha256::digest(p.as_bytes()).into(),
                (None, Some(hex)) => decode_hex(&hex).ok_or_else(|| {
                    format!(
                        "user '{}': password_sha256 is not 64 hex digits",
                        u.username
                    )
                })?,
                _ => {
                    return Err(format!(
                        "user '{}': give exactly one of password and password_sha256",
                        u.username
                    ));
                }
            };
            if users.insert(u.username.clone(), (digest, u.role)).is_some() {
                return Err(format!("user '{}' is listed twice", u.username));
            }
        }
        if users.is_empty() {
            return Err("no users: an empty list would lock everyone out".to_owned());
        }
        Ok(Self { users })
    }

    /// The role of the user these credentials belong to, if they are right.
    pub fn authenticate(&self, username: &str, password: &str) -> Option<Role> {
        let (digest, role) = self.users.get(username)?;
        let given: [u8; 32] = Sha256::digest(password.as_bytes()).into();
        // Compare every byte: no early exit that would time the match.
        let diff = digest
            .iter()
            .zip(given)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        (diff == 0).then_some(*role)
    }
}

fn decode_hex(hex: &str) -> Option<[u8; 32]> {
    let bytes = hex.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks(2).enumerate() {
        let s = std::str::from_utf8(pair).ok()?;
        out[i] = u8::from_str_radix(s, 16).ok()?;
    }
    Some(out)
}

/// Whether a request changes the registry.
fn is_write(method: &Method, path: &str) -> bool {
    match *method {
        Method::PUT | Method::DELETE => true,
        Method::POST => {
            // POST /subjects/{s}/versions registers; other POSTs (lookup, compatibility, /) read.
            let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
            parts.len() == 3 && parts[0] == "subjects" && parts[2] == "versions"
        }
        _ => false,
    }
}

fn credentials(request: &Request) -> Option<(String, String)> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// Middleware: authenticate, then authorize writes.
pub(super) async fn require(
    State(auth): State<Arc<AuthConfig>>,
    request: Request,
    next: Next,
) -> Response {
    let Some((user, password)) = credentials(&request) else {
        return ApiError(RegistryError::Unauthorized).into_response();
    };
    match auth.authenticate(&user, &password) {
        None => ApiError(RegistryError::Unauthorized).into_response(),
        Some(Role::ReadOnly) if is_write(request.method(), request.uri().path()) => {
            ApiError(RegistryError::Forbidden(user)).into_response()
        }
        Some(_) => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"{"users":[
        {"username":"ro","password":"a","role":"read-only"},
        {"username":"rw","password_sha256":"ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb","role":"read-write"}]}"#;

    #[test]
    fn authenticates_plain_and_hashed_passwords() {
        let auth = AuthConfig::parse(FILE).unwrap();
        assert_eq!(auth.authenticate("ro", "a"), Some(Role::ReadOnly));
        assert_eq!(auth.authenticate("rw", "a"), Some(Role::ReadWrite));
        assert_eq!(auth.authenticate("rw", "b"), None);
        assert_eq!(auth.authenticate("nobody", "a"), None);
    }

    #[test]
    fn rejects_files_without_users_or_with_both_passwords() {
        assert!(AuthConfig::parse(r#"{"users":[]}"#).is_err());
        let both = r#"{"users":[{"username":"x","password":"a","password_sha256":"00","role":"read-only"}]}"#;
        assert!(AuthConfig::parse(both).unwrap_err().contains("exactly one"));
        assert!(AuthConfig::parse("{").is_err());
    }

    #[test]
    fn registration_is_a_write_and_lookup_is_not() {
        assert!(is_write(&Method::POST, "/subjects/a/versions"));
        assert!(!is_write(&Method::POST, "/subjects/a"));
        assert!(!is_write(
            &Method::POST,
            "/compatibility/subjects/a/versions"
        ));
        assert!(is_write(&Method::DELETE, "/subjects/a"));
        assert!(!is_write(&Method::GET, "/subjects"));
    }
}
