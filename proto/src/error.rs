//! Registry errors and their Confluent wire form.
//!
//! This module is the one place where a failure becomes an HTTP status, a Confluent
//! `error_code` and a message. Messages follow Confluent's `Errors.java` word for word (typos
//! included: clients and tests match on them); where Confluent's text would not say what is
//! wrong, Sluice appends the detail after it.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The JSON body of every error answer: `{"error_code": int, "message": string}`. Nothing
/// else: Confluent's Java client rejects unknown fields here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error_code: u32,
    pub message: String,
}

/// Everything a registry operation can answer instead of a result.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum RegistryError {
    #[error("Unauthorized")]
    Unauthorized,
    #[error("User '{0}' is not allowed to perform this operation (read-only access)")]
    Forbidden(String),
    /// An error answered by a remote registry, kept as it came: its HTTP status and the
    /// Confluent `error_code` it sent (the status itself when its body was not Confluent's).
    #[error("{message}")]
    Remote {
        status: u16,
        error_code: u32,
        message: String,
    },
    /// A remote registry that did not answer: connection refused, TLS failure, timeout, or a
    /// connection lost while reading the answer. No Confluent `error_code` exists for it; it
    /// counts as HTTP 503 (Service Unavailable), so callers retry it like a registry's 5xx.
    #[error("schema registry {url} unreachable: {reason}")]
    Unreachable { url: String, reason: String },
    /// A remote registry whose answer is not the Confluent REST API's (a success body that
    /// does not parse, an unknown compatibility level); `url` names where it was asked. Counts
    /// as HTTP 502 (Bad Gateway).
    #[error("unexpected answer from schema registry {url}: {reason}")]
    InvalidAnswer { url: String, reason: String },

    #[error("Subject '{0}' not found.")]
    SubjectNotFound(String),
    #[error("Version {0} not found.")]
    VersionNotFound(String),
    #[error("Schema not found")]
    SchemaNotFound,
    #[error("Schema {0} not found")]
    SchemaIdNotFound(i64),
    #[error("Subject '{0}' was soft deleted.Set permanent=true to delete permanently")]
    SubjectSoftDeleted(String),
    #[error("Subject '{0}' was not deleted first before being permanently deleted")]
    SubjectNotSoftDeleted(String),
    #[error(
        "Subject '{subject}' Version {version} was soft deleted.Set permanent=true to delete permanently"
    )]
    VersionSoftDeleted { subject: String, version: i32 },
    #[error(
        "Subject '{subject}' Version {version} was not deleted first before being permanently deleted"
    )]
    VersionNotSoftDeleted { subject: String, version: i32 },
    #[error("Subject '{0}' does not have subject-level compatibility configured")]
    SubjectConfigNotFound(String),
    #[error("Subject '{0}' does not have subject-level mode configured")]
    SubjectModeNotFound(String),

    /// The whole Confluent message, `Schema being registered is incompatible with an earlier
    /// schema for subject "…", details: [...]`, built by the registry.
    #[error("{0}")]
    IncompatibleSchema(String),

    #[error("{0}")]
    InvalidSchema(String),
    #[error(
        "The specified version '{0}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\""
    )]
    InvalidVersion(String),
    #[error(
        "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive"
    )]
    InvalidCompatibilityLevel,
    #[error("Invalid mode. Valid values are READWRITE, READONLY, READONLY_OVERRIDE and IMPORT.")]
    InvalidMode,
    #[error("{0}")]
    OperationNotPermitted(String),
    #[error(
        "One or more references exist to the schema {{magic=1,keytype=SCHEMA,subject={subject},version={version}}}."
    )]
    ReferenceExists { subject: String, version: i32 },
    #[error("{0}")]
    InvalidId(String),
    #[error("The specified subject '{0}' is not a valid.")]
    InvalidSubject(String),
    #[error(
        "Schema is {size} bytes, larger than the limit of {limit} bytes (max.schema.size.bytes)"
    )]
    SchemaTooLarge { size: usize, limit: usize },
    /// A request body that is not JSON at all.
    #[error("Malformed JSON in request body: {0}")]
    MalformedJson(String),
    /// A request body that is not the JSON the endpoint expects (Confluent answers 422 from
    /// its JSON binding; rest-utils' 50005 is for bodies it cannot even read).
    #[error("Unrecognized request body: {0}")]
    InvalidRequestBody(String),
    #[error("Not found: {0}")]
    PathNotFound(String),

    #[error("Error in the backend data store: {0}")]
    Store(String),
    #[error("Operation timed out: {0}")]
    Timeout(String),
}

impl RegistryError {
    /// HTTP status of the answer.
    pub const fn status(&self) -> u16 {
        if let Self::Remote { status, .. } = self {
            return *status;
        }
        let code = self.error_code();
        if code < 1000 {
            code as u16
        } else {
            (code / 100) as u16
        }
    }

    /// Confluent's `error_code`.
    pub const fn error_code(&self) -> u32 {
        match self {
            Self::Unauthorized => 401,
            Self::Forbidden(_) => 403,
            Self::Remote { error_code, .. } => *error_code,
            Self::Unreachable { .. } => 503,
            Self::InvalidAnswer { .. } => 502,
            Self::SubjectNotFound(_) => 40401,
            Self::VersionNotFound(_) => 40402,
            Self::SchemaNotFound | Self::SchemaIdNotFound(_) => 40403,
            Self::SubjectSoftDeleted(_) => 40404,
            Self::SubjectNotSoftDeleted(_) => 40405,
            Self::VersionSoftDeleted { .. } => 40406,
            Self::VersionNotSoftDeleted { .. } => 40407,
            Self::SubjectConfigNotFound(_) => 40408,
            Self::SubjectModeNotFound(_) => 40409,
            Self::PathNotFound(_) => 404,
            Self::IncompatibleSchema(_) => 40901,
            Self::InvalidSchema(_) => 42201,
            Self::InvalidRequestBody(_) => 422,
            Self::MalformedJson(_) => 400,
            Self::InvalidVersion(_) => 42202,
            Self::InvalidCompatibilityLevel => 42203,
            Self::InvalidMode => 42204,
            Self::OperationNotPermitted(_) => 42205,
            Self::ReferenceExists { .. } => 42206,
            Self::InvalidId(_) => 42207,
            Self::InvalidSubject(_) => 42208,
            Self::SchemaTooLarge { .. } => 42209,
            Self::Store(_) => 50001,
            Self::Timeout(_) => 50002,
        }
    }

    /// The body Confluent sends for this error.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error_code: self.error_code(),
            message: self.to_string(),
        }
    }

    /// An error answered by a remote registry.
    pub fn from_body(status: u16, body: ErrorBody) -> Self {
        Self::Remote {
            status,
            error_code: body.error_code,
            message: body.message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_codes_to_statuses() {
        assert_eq!(RegistryError::SubjectNotFound("s".into()).status(), 404);
        assert_eq!(RegistryError::IncompatibleSchema("x".into()).status(), 409);
        assert_eq!(RegistryError::InvalidCompatibilityLevel.status(), 422);
        assert_eq!(RegistryError::Store("x".into()).status(), 500);
        assert_eq!(RegistryError::Unauthorized.status(), 401);
        assert_eq!(RegistryError::InvalidRequestBody("x".into()).status(), 422);
    }

    #[test]
    fn remote_answers_keep_the_status_and_code_the_registry_sent() {
        let e = RegistryError::from_body(
            409,
            ErrorBody {
                error_code: 40901,
                message: "incompatible".into(),
            },
        );
        assert_eq!((e.status(), e.error_code()), (409, 40901));
        assert_eq!(e.to_string(), "incompatible");
    }

    #[test]
    fn transport_failures_count_as_gateway_statuses() {
        let unreachable = RegistryError::Unreachable {
            url: "http://r:8081".into(),
            reason: "connection refused".into(),
        };
        assert_eq!((unreachable.status(), unreachable.error_code()), (503, 503));
        assert_eq!(
            unreachable.to_string(),
            "schema registry http://r:8081 unreachable: connection refused"
        );
        let invalid = RegistryError::InvalidAnswer {
            url: "http://r:8081/config".into(),
            reason: "not JSON".into(),
        };
        assert_eq!((invalid.status(), invalid.error_code()), (502, 502));
    }

    #[test]
    fn messages_follow_confluent_text() {
        assert_eq!(
            RegistryError::SubjectSoftDeleted("t".into()).to_string(),
            "Subject 't' was soft deleted.Set permanent=true to delete permanently"
        );
        assert_eq!(
            RegistryError::ReferenceExists {
                subject: "s".into(),
                version: 1
            }
            .to_string(),
            "One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=s,version=1}."
        );
        let body = RegistryError::SchemaIdNotFound(100).body();
        assert_eq!(body.error_code, 40403);
        assert_eq!(body.message, "Schema 100 not found");
    }
}
