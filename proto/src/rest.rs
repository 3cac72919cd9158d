//! Bodies of the Confluent Schema Registry REST API, field for field.
//!
//! Field names and the fields left out when empty follow Confluent 8.x, so Confluent's clients
//! (Java, Python, Go, .NET, kafkajs) read them unchanged. Request bodies ignore fields they do
//! not know: newer clients send `metadata`, `ruleSet` and more.

use crate::schema::SchemaReference;
use serde::{Deserialize, Serialize};

/// `POST /subjects/{s}/versions`, `POST /subjects/{s}` and `POST /compatibility/...`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterSchemaRequest {
    #[serde(default)]
    pub schema: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_type: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<SchemaReference>,
    /// Explicit id, honoured in IMPORT mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// Explicit version, honoured in IMPORT mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

/// Answer to a registration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterSchemaResponse {
    pub id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
}

/// A subject version: `GET /subjects/{s}/versions/{v}`, lookups, `GET /schemas` items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectSchema {
    pub subject: String,
    pub version: i32,
    pub id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_type: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<SchemaReference>,
    pub schema: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
}

/// `GET /schemas/ids/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaById {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_type: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<SchemaReference>,
    pub schema: String,
}

/// An item of `GET /schemas/ids/{id}/versions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectVersion {
    pub subject: String,
    pub version: i32,
}

/// `PUT /config` and `PUT /config/{s}`; echoed back as sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compatibility: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalize: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compatibility_group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compatibility_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validate_fields: Option<bool>,
}

/// `GET /config` and `GET /config/{s}`: note `compatibilityLevel`, not `compatibility`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compatibility_level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalize: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compatibility_group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compatibility_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validate_fields: Option<bool>,
}

/// `GET/PUT/DELETE /mode` bodies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModeBody {
    pub mode: String,
}

/// Answer of the compatibility endpoints; `messages` only with `verbose=true`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompatibilityCheckResponse {
    pub is_compatible: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<String>>,
}

/// `GET /v1/metadata/id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerClusterId {
    pub scope: serde_json::Value,
    pub id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_request_ignores_unknown_fields() {
        let r: RegisterSchemaRequest = serde_json::from_str(
            r#"{"schema":"\"int\"","metadata":{"properties":{}},"ruleSet":null,"schemaType":"AVRO"}"#,
        )
        .unwrap();
        assert_eq!(r.schema.as_deref(), Some("\"int\""));
        assert_eq!(r.schema_type.as_deref(), Some("AVRO"));
    }

    #[test]
    fn subject_schema_omits_empty_references_and_live_flag() {
        let s = SubjectSchema {
            subject: "s".into(),
            version: 1,
            id: 7,
            schema_type: Some("AVRO".into()),
            references: vec![],
            schema: "\"int\"".into(),
            deleted: false,
        };
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"subject":"s","version":1,"id":7,"schemaType":"AVRO","schema":"\"int\""}"#
        );
    }
}
