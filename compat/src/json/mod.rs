//! JSON Schema: a schema must be valid against the meta-schema of its `$schema` draft (4, 6, 7,
//! 2019-09, 2020-12; draft 7 when absent, as Confluent) and must compile, with `$ref`s to
//! references resolved from memory. Nothing is ever fetched.
//!
//! - [`diff`]: Confluent's compatibility rules, a structural diff of two schemas.
//! - `model`: the typed schema graph the diff walks.

pub mod diff;
mod model;

use serde_json::Value;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use crate::CompatError;
use crate::json_text;
use crate::schema::ResolvedReference;
use jsonschema::Draft;
use model::{Dialect, Graph};

/// Base URI that relative `$ref`s and reference names resolve against.
const BASE_URI: &str = "https://sluice.invalid/schemas/";

/// A parsed, validated JSON Schema.
#[derive(Debug, Clone)]
pub struct JsonSchema {
    value: Value,
    canonical: String,
    /// The schema read for comparison, references included.
    graph: Arc<Graph>,
}

impl JsonSchema {
    /// Parses and validates `text`; `$ref`s naming a reference resolve to its schema.
    pub fn parse(text: &str, references: &[ResolvedReference]) -> Result<Self, CompatError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| CompatError::InvalidJson(e.to_string()))?;
        let documents = reference_documents(references)?;
        let draft = validate(&value, &documents)?;
        let canonical = json_text::to_text(&value);
        let dialect = match draft {
            Draft::Draft4 => Dialect::Draft4,
            Draft::Draft201909 | Draft::Draft202012 => Dialect::Modern,
            _ => Dialect::Draft6or7,
        };
        let graph = Arc::new(Graph::build(&value, &documents, dialect));
        Ok(Self {
            value,
            canonical,
            graph,
        })
    }

    pub(crate) fn graph(&self) -> &Graph {
        &self.graph
    }

    /// Compact text in input key order (Confluent's `JsonSchema.canonicalString`).
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// Compact text with every object's keys sorted.
    pub fn normalized(&self) -> String {
        json_text::to_text(&sorted(&self.value))
    }

    /// The schema document.
    pub fn value(&self) -> &Value {
        &self.value
    }
}

fn invalid(message: impl Into<String>) -> CompatError {
    CompatError::InvalidJsonSchema(message.into())
}

/// The draft a schema declares with `$schema`, draft 7 when it declares none.
fn draft_of(value: &Value) -> Result<Draft, CompatError> {
    let Some(declared) = value.as_object().and_then(|o| o.get("$schema")) else {
        return Ok(Draft::Draft7);
    };
    let uri = declared
        .as_str()
        .ok_or_else(|| invalid("$schema must be a string"))?;
    let key = uri
        .trim_end_matches('#')
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    match key {
        "json-schema.org/draft-04/schema" => Ok(Draft::Draft4),
        "json-schema.org/draft-06/schema" => Ok(Draft::Draft6),
        "json-schema.org/draft-07/schema" => Ok(Draft::Draft7),
        "json-schema.org/draft/2019-09/schema" => Ok(Draft::Draft201909),
        "json-schema.org/draft/2020-12/schema" => Ok(Draft::Draft202012),
        _ => Err(invalid(format!(
            "unsupported $schema '{uri}': use draft-04, draft-06, draft-07, 2019-09 or 2020-12"
        ))),
    }
}

fn meta_validate(draft: Draft, value: &Value) -> Result<(), CompatError> {
    let outcome = match draft {
        Draft::Draft4 => jsonschema::draft4::meta::validate(value),
        Draft::Draft6 => jsonschema::draft6::meta::validate(value),
        Draft::Draft201909 => jsonschema::draft201909::meta::validate(value),
        Draft::Draft202012 => jsonschema::draft202012::meta::validate(value),
        _ => jsonschema::draft7::meta::validate(value),
    };
    outcome.map_err(|e| invalid(e.to_string()))
}

/// `name` resolved against `base` (enough of RFC 3986 for reference names).
fn join(base: &str, name: &str) -> String {
    if name.contains("://") || name.starts_with("urn:") {
        return name.to_owned();
    }
    if let Some(rest) = name.strip_prefix('/') {
        let authority_end = base
            .find("://")
            .and_then(|s| base[s + 3..].find('/').map(|p| s + 3 + p))
            .unwrap_or(base.len());
        return format!("{}/{rest}", &base[..authority_end]);
    }
    match base.rfind('/') {
        Some(slash) => format!("{}{name}", &base[..=slash]),
        None => name.to_owned(),
    }
}

/// Each reference's schema text read as JSON, with the name it is referenced by.
fn reference_documents(
    references: &[ResolvedReference],
) -> Result<Vec<(String, Value)>, CompatError> {
    references
        .iter()
        .map(|reference| {
            serde_json::from_str(&reference.schema)
                .map(|v| (reference.name.clone(), v))
                .map_err(|e| {
                    invalid(format!(
                        "reference '{}' is not valid JSON: {e}",
                        reference.name
                    ))
                })
        })
        .collect()
}

/// Validates `value` and returns its draft.
fn validate(value: &Value, references: &[(String, Value)]) -> Result<Draft, CompatError> {
    if !value.is_object() && !value.is_boolean() {
        return Err(invalid("a JSON Schema must be an object or a boolean"));
    }
    let draft = draft_of(value)?;
    meta_validate(draft, value)?;

    let own_id = value
        .as_object()
        .and_then(|o| o.get("$id").or_else(|| o.get("id")))
        .and_then(Value::as_str)
        .filter(|id| id.contains("://"));
    let mut builder = jsonschema::Registry::new().draft(draft);
    for (name, contents) in references {
        let mut uris = vec![join(BASE_URI, name)];
        if let Some(id) = own_id {
            uris.push(join(id, name));
        }
        for uri in uris {
            let resource = draft.detect(contents).create_resource(contents.clone());
            builder = builder
                .add(&uri, resource)
                .map_err(|e| invalid(format!("reference '{name}' has an invalid name: {e}")))?;
        }
    }
    let compiled = catch_unwind(AssertUnwindSafe(|| {
        let registry = builder.prepare().map_err(|e| invalid(e.to_string()))?;
        jsonschema::options()
            .with_draft(draft)
            .with_base_uri(BASE_URI)
            .with_registry(&registry)
            .offline()
            .build(value)
            .map(|_| ())
            .map_err(|e| invalid(e.to_string()))
    }));
    compiled.unwrap_or_else(|_| Err(invalid("the schema could not be compiled")))?;
    Ok(draft)
}

fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), sorted(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(name: &str, schema: &str) -> ResolvedReference {
        ResolvedReference {
            name: name.into(),
            subject: "s".into(),
            version: 1,
            schema: schema.into(),
        }
    }

    #[test]
    fn accepts_object_and_boolean_schemas() {
        assert!(JsonSchema::parse(r#"{"type":"object"}"#, &[]).is_ok());
        assert!(JsonSchema::parse("true", &[]).is_ok());
    }

    #[test]
    fn rejects_invalid_type_keyword() {
        let e = JsonSchema::parse(r#"{"type":"nonsense"}"#, &[]).expect_err("invalid");
        assert!(matches!(e, CompatError::InvalidJsonSchema(_)), "{e}");
    }

    #[test]
    fn rejects_non_schema_json() {
        assert!(JsonSchema::parse("42", &[]).is_err());
        assert!(JsonSchema::parse("{", &[]).is_err());
    }

    #[test]
    fn rejects_unknown_draft() {
        let e =
            JsonSchema::parse(r#"{"$schema":"http://example.com/x"}"#, &[]).expect_err("unknown");
        assert!(e.to_string().contains("unsupported $schema"), "{e}");
    }

    #[test]
    fn resolves_references_by_name_without_fetching() {
        let refs = [reference("customer.json", r#"{"type":"object"}"#)];
        let main = r#"{"type":"object","properties":{"c":{"$ref":"customer.json"}}}"#;
        assert!(JsonSchema::parse(main, &refs).is_ok());
    }

    #[test]
    fn rejects_unresolvable_reference() {
        let main = r#"{"properties":{"c":{"$ref":"https://example.com/missing.json"}}}"#;
        assert!(JsonSchema::parse(main, &[]).is_err());
    }

    #[test]
    fn canonical_keeps_order_and_normalized_sorts_keys() {
        let s = JsonSchema::parse(
            r#"{ "type": "object", "properties": {"b": {}, "a": {}} }"#,
            &[],
        )
        .expect("valid");
        assert_eq!(
            s.canonical(),
            r#"{"type":"object","properties":{"b":{},"a":{}}}"#
        );
        assert_eq!(
            s.normalized(),
            r#"{"properties":{"a":{},"b":{}},"type":"object"}"#
        );
    }
}
