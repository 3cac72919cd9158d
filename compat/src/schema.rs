//! A parsed schema of any supported type, as the registry handles it.

use sluice_proto::SchemaType;

use crate::CompatError;
use crate::avro::AvroSchema;
use crate::json::JsonSchema;

/// A reference of the schema being parsed, resolved by the registry to the referenced schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedReference {
    /// The name the schema uses for it (an Avro full name, a JSON Schema `$ref` URI).
    pub name: String,
    pub subject: String,
    pub version: i32,
    /// Canonical text of the referenced schema.
    pub schema: String,
}

/// How strictly to parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseMode {
    /// A schema being registered: names and defaults validated, as Confluent validates new schemas.
    New,
    /// A schema already stored: never rejected for names or defaults.
    Stored,
}

/// A parsed Avro or JSON schema.
#[derive(Debug, Clone)]
pub enum ParsedSchema {
    Avro(AvroSchema),
    Json(JsonSchema),
}

impl ParsedSchema {
    /// Parses `text` as a schema of `schema_type` with its resolved references.
    pub fn parse(
        schema_type: SchemaType,
        text: &str,
        references: &[ResolvedReference],
        mode: ParseMode,
    ) -> Result<ParsedSchema, CompatError> {
        match schema_type {
            SchemaType::Avro => AvroSchema::parse(text, references, mode).map(Self::Avro),
            SchemaType::Json => JsonSchema::parse(text, references).map(Self::Json),
            SchemaType::Protobuf => Err(CompatError::Unsupported {
                schema_type: "Protobuf".into(),
            }),
        }
    }

    pub fn schema_type(&self) -> SchemaType {
        match self {
            Self::Avro(_) => SchemaType::Avro,
            Self::Json(_) => SchemaType::Json,
        }
    }

    /// The form the registry stores and returns, computed once at parse.
    pub fn canonical(&self) -> &str {
        match self {
            Self::Avro(s) => s.canonical(),
            Self::Json(s) => s.canonical(),
        }
    }

    /// Confluent's `normalize=true` form.
    pub fn normalized(&self) -> String {
        match self {
            Self::Avro(s) => s.normalized(),
            Self::Json(s) => s.normalized(),
        }
    }

    /// Avro: full name of a top-level record, enum or fixed (for `RecordNameStrategy`).
    pub fn record_name(&self) -> Option<&str> {
        match self {
            Self::Avro(s) => s.record_name(),
            Self::Json(_) => None,
        }
    }
}
