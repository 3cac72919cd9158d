//! A Kafka Connect schema and its translation to Avro JSON exactly as Confluent's
//! `AvroData.fromConnectSchema` (connect.meta.data=true, enhanced.avro.schema.support=false)
//! builds it and Avro Java's `Schema.toString()` prints it (Confluent's `io.confluent.connect.avro.AvroData`):
//!
//! - INT8/INT16 → `int` + `connect.type`; a named struct `a.b.C` → record `C` in namespace
//!   `a.b`; a record already printed is referenced by name (short when in the enclosing
//!   namespace);
//! - non-union schemas carry, in this order, `connect.doc`, `connect.version`,
//!   `connect.parameters`, `connect.default`, `connect.name`, `connect.type`; Connect `Decimal`
//!   gets `scale`, `precision` first and `logicalType: decimal` last; Connect
//!   `Date`/`Time`/`Timestamp` get `logicalType` `date`/`time-millis`/`timestamp-millis`;
//! - optional without default → `["null", T]` and field default `null`; optional with default
//!   → `[T, "null"]` and the field default; required with default → `T` and the field default.

use serde_json::{Map, Value, json};
use std::collections::HashSet;

/// Connect's schema types.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ConnectType {
    Int8,
    Int16,
    Int32,
    Int64,
    Float32,
    Float64,
    Boolean,
    String,
    Bytes,
    Array(Box<ConnectSchema>),
    Struct(Vec<(String, ConnectSchema)>),
}

/// A Connect schema: type, name, version, doc, parameters (in insertion order), default
/// (already as Avro JSON), optionality.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ConnectSchema {
    pub(crate) ty: ConnectType,
    pub(crate) name: Option<String>,
    pub(crate) version: Option<i32>,
    pub(crate) doc: Option<String>,
    pub(crate) params: Vec<(String, String)>,
    pub(crate) default: Option<Value>,
    pub(crate) optional: bool,
}

pub(crate) const DECIMAL: &str = "org.apache.kafka.connect.data.Decimal";
pub(crate) const CONNECT_DATE: &str = "org.apache.kafka.connect.data.Date";
pub(crate) const CONNECT_TIME: &str = "org.apache.kafka.connect.data.Time";
pub(crate) const CONNECT_TIMESTAMP: &str = "org.apache.kafka.connect.data.Timestamp";

impl ConnectSchema {
    pub(crate) fn new(ty: ConnectType) -> Self {
        Self {
            ty,
            name: None,
            version: None,
            doc: None,
            params: Vec::new(),
            default: None,
            optional: false,
        }
    }

    pub(crate) fn named(mut self, name: &str, version: Option<i32>) -> Self {
        self.name = Some(name.to_string());
        self.version = version;
        self
    }

    pub(crate) fn param(mut self, key: &str, value: impl Into<String>) -> Self {
        self.params.push((key.to_string(), value.into()));
        self
    }

    pub(crate) fn doc(mut self, doc: &str) -> Self {
        self.doc = Some(doc.to_string());
        self
    }

    pub(crate) fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    pub(crate) fn with_default(mut self, default: Option<Value>) -> Self {
        self.default = default;
        self
    }

    /// A struct schema with `fields`.
    pub(crate) fn record(name: &str, fields: Vec<(String, ConnectSchema)>) -> Self {
        Self::new(ConnectType::Struct(fields)).named(name, None)
    }

    fn param_value(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Names already printed and the enclosing namespace, as Avro's `Schema.Names`.
#[derive(Debug, Default)]
pub(crate) struct AvroWriter {
    defined: HashSet<String>,
    namespace: Option<String>,
}

fn split_name(full: &str) -> (Option<&str>, &str) {
    match full.rfind('.') {
        Some(i) => (Some(&full[..i]), &full[i + 1..]),
        None => (None, full),
    }
}

impl AvroWriter {
    /// The Avro JSON of `schema` (a field's type, including its optional union).
    pub(crate) fn schema(&mut self, schema: &ConnectSchema) -> Value {
        if let ConnectType::Struct(_) = schema.ty
            && schema.optional
        {
            // AvroData: an optional struct is a union of null and the struct (no default).
            return json!(["null", self.base(schema)]);
        }
        let base = self.base(schema);
        if !schema.optional {
            base
        } else if schema.default.is_some() {
            json!([base, "null"])
        } else {
            json!(["null", base])
        }
    }

    /// A record field: name, type and default (`null` when optional without default).
    pub(crate) fn field(&mut self, name: &str, schema: &ConnectSchema) -> Value {
        let mut f = Map::new();
        f.insert("name".into(), Value::String(name.to_string()));
        f.insert("type".into(), self.schema(schema));
        if let Some(d) = &schema.default {
            f.insert("default".into(), d.clone());
        } else if schema.optional {
            f.insert("default".into(), Value::Null);
        }
        Value::Object(f)
    }

    fn base(&mut self, s: &ConnectSchema) -> Value {
        let mut o = Map::new();
        let mut connect_type = None;
        let ty = match &s.ty {
            ConnectType::Int8 => {
                connect_type = Some("int8");
                "int"
            }
            ConnectType::Int16 => {
                connect_type = Some("int16");
                "int"
            }
            ConnectType::Int32 => "int",
            ConnectType::Int64 => "long",
            ConnectType::Float32 => "float",
            ConnectType::Float64 => "double",
            ConnectType::Boolean => "boolean",
            ConnectType::String => "string",
            ConnectType::Bytes => "bytes",
            ConnectType::Array(items) => {
                let items = self.schema(items);
                o.insert("type".into(), json!("array"));
                o.insert("items".into(), items);
                "array"
            }
            ConnectType::Struct(fields) => {
                let full = s
                    .name
                    .as_deref()
                    .unwrap_or("io.confluent.connect.avro.ConnectDefault");
                let (ns, name) = split_name(full);
                if !self.defined.insert(full.to_string()) {
                    // Already printed: a reference, short when in the enclosing namespace.
                    return if ns == self.namespace.as_deref() {
                        json!(name)
                    } else {
                        json!(full)
                    };
                }
                o.insert("type".into(), json!("record"));
                o.insert("name".into(), json!(name));
                if ns != self.namespace.as_deref() {
                    o.insert("namespace".into(), json!(ns.unwrap_or("")));
                }
                let saved = std::mem::replace(&mut self.namespace, ns.map(str::to_string));
                let fields: Vec<Value> = fields.iter().map(|(n, f)| self.field(n, f)).collect();
                self.namespace = saved;
                o.insert("fields".into(), Value::Array(fields));
                "record"
            }
        };
        if !o.contains_key("type") {
            o.insert("type".into(), json!(ty));
        }
        let is_decimal = s.name.as_deref() == Some(DECIMAL);
        if is_decimal {
            let scale: i64 = s
                .param_value("scale")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let precision: i64 = s
                .param_value("connect.decimal.precision")
                .and_then(|v| v.parse().ok())
                .unwrap_or(64);
            o.insert("scale".into(), json!(scale));
            o.insert("precision".into(), json!(precision));
        }
        if let Some(doc) = &s.doc {
            o.insert("connect.doc".into(), json!(doc));
        }
        if let Some(v) = s.version {
            o.insert("connect.version".into(), json!(v));
        }
        if !s.params.is_empty() {
            let params: Map<String, Value> = s
                .params
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            o.insert("connect.parameters".into(), Value::Object(params));
        }
        if let Some(d) = &s.default {
            o.insert("connect.default".into(), d.clone());
        }
        if let Some(n) = &s.name {
            o.insert("connect.name".into(), json!(n));
        }
        if let Some(t) = connect_type {
            o.insert("connect.type".into(), json!(t));
        }
        let logical = match s.name.as_deref() {
            Some(DECIMAL) => Some("decimal"),
            Some(CONNECT_DATE) => Some("date"),
            Some(CONNECT_TIME) => Some("time-millis"),
            Some(CONNECT_TIMESTAMP) => Some("timestamp-millis"),
            _ => None,
        };
        if let Some(l) = logical {
            o.insert("logicalType".into(), json!(l));
        }
        if o.len() == 1 {
            // A primitive without properties prints as its name.
            return json!(ty);
        }
        Value::Object(o)
    }

    /// The top-level schema of a (required) record.
    pub(crate) fn top(schema: &ConnectSchema) -> Value {
        AvroWriter::default().schema(schema)
    }
}

/// Parses a Kafka Connect schema as `JsonConverter` prints it with `schemas.enable=true`
/// (`org.apache.kafka.connect.json.JsonConverter#asJsonSchema`: `type`, `optional`, `name`,
/// `version`, `doc`, `parameters`, `default`, `fields[].field`, `items`).
///
/// Defaults arrive in JsonConverter's value encoding; `bytes` defaults (base64 text) become
/// Avro's ISO-8859-1 string of the bytes, the form `AvroData` writes.
fn from_connect_json(json: &Value) -> Result<ConnectSchema, String> {
    let obj = json
        .as_object()
        .ok_or_else(|| format!("a Connect schema must be an object: {json}"))?;
    let type_name = obj
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("a Connect schema without a type: {json}"))?;
    let ty = match type_name {
        "int8" => ConnectType::Int8,
        "int16" => ConnectType::Int16,
        "int32" => ConnectType::Int32,
        "int64" => ConnectType::Int64,
        "float" => ConnectType::Float32,
        "double" => ConnectType::Float64,
        "boolean" => ConnectType::Boolean,
        "string" => ConnectType::String,
        "bytes" => ConnectType::Bytes,
        "array" => ConnectType::Array(Box::new(from_connect_json(
            obj.get("items")
                .ok_or_else(|| format!("an array schema without items: {json}"))?,
        )?)),
        "struct" => {
            let fields = obj
                .get("fields")
                .and_then(Value::as_array)
                .ok_or_else(|| format!("a struct schema without fields: {json}"))?;
            let mut out = Vec::with_capacity(fields.len());
            for f in fields {
                let name = f
                    .get("field")
                    .and_then(Value::as_str)
                    .ok_or_else(|| format!("a struct field without a name: {f}"))?;
                out.push((name.to_string(), from_connect_json(f)?));
            }
            ConnectType::Struct(out)
        }
        other => return Err(format!("unsupported Connect schema type {other:?}")),
    };
    let is_bytes = matches!(ty, ConnectType::Bytes);
    let mut schema = ConnectSchema::new(ty);
    schema.name = obj.get("name").and_then(Value::as_str).map(str::to_string);
    schema.version = obj
        .get("version")
        .and_then(Value::as_i64)
        .and_then(|v| i32::try_from(v).ok());
    schema.doc = obj.get("doc").and_then(Value::as_str).map(str::to_string);
    if let Some(params) = obj.get("parameters").and_then(Value::as_object) {
        for (k, v) in params {
            let v = v
                .as_str()
                .ok_or_else(|| format!("a non-string Connect parameter {k}: {v}"))?;
            schema.params.push((k.clone(), v.to_string()));
        }
    }
    schema.optional = obj
        .get("optional")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    schema.default = match obj.get("default") {
        None | Some(Value::Null) => None,
        Some(Value::String(b64)) if is_bytes => {
            use base64::Engine as _;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| format!("a bytes default that is not base64 ({e}): {b64}"))?;
            Some(Value::String(
                bytes.iter().map(|&b| char::from(b)).collect(),
            ))
        }
        Some(d) => Some(d.clone()),
    };
    Ok(schema)
}

/// The Avro schema Confluent's `AvroConverter` would register for a record whose Connect schema
/// `JsonConverter` printed as `connect_json` (the `schema` half of a `schemas.enable=true`
/// envelope): the same translation Sluice uses for its own schemas (see the module docs).
///
/// # Errors
/// If `connect_json` is not a Connect schema JsonConverter prints (a `map` type, a field
/// without a name, a non-base64 bytes default, …).
pub fn avro_from_connect_json(connect_json: &Value) -> Result<Value, String> {
    Ok(AvroWriter::top(&from_connect_json(connect_json)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_converter_schema_translates_like_sluice_builds_it() {
        let connect = json!({
            "type": "struct", "name": "srv.db.t.Value", "optional": true,
            "fields": [
                {"type": "int16", "optional": false, "field": "s"},
                {"type": "bytes", "optional": false, "name": DECIMAL, "version": 1,
                 "parameters": {"scale": "2", "connect.decimal.precision": "10"}, "field": "d"},
                {"type": "string", "optional": true, "default": "x", "field": "c"},
                {"type": "bytes", "optional": true, "default": "/wA=", "field": "b"},
                {"type": "int32", "optional": true, "name": "io.debezium.time.Date", "version": 1,
                 "field": "dt"},
            ],
        });
        let built = ConnectSchema::record(
            "srv.db.t.Value",
            vec![
                ("s".into(), ConnectSchema::new(ConnectType::Int16)),
                (
                    "d".into(),
                    ConnectSchema::new(ConnectType::Bytes)
                        .named(DECIMAL, Some(1))
                        .param("scale", "2")
                        .param("connect.decimal.precision", "10"),
                ),
                (
                    "c".into(),
                    ConnectSchema::new(ConnectType::String)
                        .optional()
                        .with_default(Some(json!("x"))),
                ),
                (
                    "b".into(),
                    ConnectSchema::new(ConnectType::Bytes)
                        .optional()
                        .with_default(Some(json!("\u{ff}\u{0}"))),
                ),
                (
                    "dt".into(),
                    ConnectSchema::new(ConnectType::Int32)
                        .named("io.debezium.time.Date", Some(1))
                        .optional(),
                ),
            ],
        )
        .optional();
        assert_eq!(
            avro_from_connect_json(&connect),
            Ok(AvroWriter::top(&built))
        );
        let avro = AvroWriter::top(&built);
        assert_eq!(
            avro[0], "null",
            "an optional struct is a union with null first"
        );
        assert_eq!(avro[1]["fields"][3]["default"], "\u{ff}\u{0}");
    }

    #[test]
    fn json_converter_schema_errors_name_the_problem() {
        let map = json!({"type": "map", "keys": {"type": "string"}, "values": {"type": "string"}});
        assert!(avro_from_connect_json(&map).is_err_and(|e| e.contains("map")));
        let nameless = json!({"type": "struct", "fields": [{"type": "int32"}]});
        assert!(avro_from_connect_json(&nameless).is_err_and(|e| e.contains("without a name")));
        let bad = json!({"type": "bytes", "optional": true, "default": "not base64!"});
        assert!(avro_from_connect_json(&bad).is_err_and(|e| e.contains("base64")));
    }
}
