//! What can go wrong when parsing or checking a schema. The messages reach HTTP clients, so each
//! one says exactly what is wrong.

use sluice_proto::CompatibilityLevel;

/// A schema that cannot be parsed, or a check that cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompatError {
    /// The schema text is not JSON (Avro and JSON Schema are both written in JSON).
    #[error("Invalid schema: the text is not valid JSON: {0}")]
    InvalidJson(String),

    /// The text is JSON but not a valid Avro schema; the message follows Avro Java's wording.
    #[error("Invalid Avro schema: {0}")]
    InvalidAvro(String),

    /// The text is JSON but not a valid JSON Schema.
    #[error("Invalid JSON schema: {0}")]
    InvalidJsonSchema(String),

    /// A schema type Sluice cannot parse yet.
    #[error("{schema_type} schemas are not supported yet")]
    Unsupported {
        /// The wire name of the schema type, e.g. `PROTOBUF`.
        schema_type: String,
    },

    /// JSON Schema compatibility rules are not implemented yet.
    #[error(
        "The JSON Schema compatibility check is not available yet (compatibility level {level}); \
         use compatibility NONE for this subject"
    )]
    JsonCompatibilityUnavailable {
        /// The level that was asked for.
        level: CompatibilityLevel,
    },
}

impl CompatError {
    pub(crate) fn avro(message: impl Into<String>) -> Self {
        Self::InvalidAvro(message.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protobuf_message_says_not_supported_yet() {
        let e = CompatError::Unsupported {
            schema_type: "Protobuf".into(),
        };
        assert_eq!(e.to_string(), "Protobuf schemas are not supported yet");
    }

    #[test]
    fn json_compatibility_message_points_to_none() {
        let e = CompatError::JsonCompatibilityUnavailable {
            level: CompatibilityLevel::Backward,
        };
        let text = e.to_string();
        assert!(text.contains("not available yet"), "{text}");
        assert!(text.contains("compatibility NONE"), "{text}");
    }
}
