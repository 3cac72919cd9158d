//! A Kafka Connect schema and its translation to Avro JSON exactly as Confluent's
//! `AvroData.fromConnectSchema` (connect.meta.data=true, enhanced.avro.schema.support=false)
//! builds it and Avro Java's `Schema.toString()` prints it (reference §1.9):
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
