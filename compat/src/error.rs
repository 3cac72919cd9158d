//! What can go wrong when parsing or checking a schema. The messages reach HTTP clients, so each
//! one says exactly what is wrong.

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

    /// A JSON Schema compatibility check went past one of its bounds
    /// ([`MAX_COMPARISONS`](crate::json::diff::MAX_COMPARISONS),
    /// [`MAX_DEPTH`](crate::json::diff::MAX_DEPTH)) and was stopped.
    #[error(
        "The JSON Schema compatibility check was stopped: it needs more than {max} {limit} \
         (Sluice's limit for one check); simplify the schema (fewer nested or combined \
         subschemas) or use compatibility NONE for this subject"
    )]
    JsonCheckTooComplex {
        /// What was counted, e.g. `subschema comparisons`.
        limit: &'static str,
        /// The bound that was passed.
        max: usize,
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
    fn too_complex_message_names_the_limit() {
        let e = CompatError::JsonCheckTooComplex {
            limit: "subschema comparisons",
            max: 200_000,
        };
        let text = e.to_string();
        assert!(
            text.contains("more than 200000 subschema comparisons"),
            "{text}"
        );
    }
}
