//! The normalized form (Confluent's `AvroSchemaUtils.toNormalizedString`, used for
//! `normalize=true`): full names, a fixed key order (`name`, `type`, type details, doc, aliases
//! sorted, enum default, then properties sorted by key), field `order` always written, defaults
//! re-rendered through their type. Reference types are written by full name.
//!
//! Like Confluent, the registry parses this text again and stores its canonical form.

use serde_json::Value;
use std::collections::HashSet;

use super::logical::{LogicalType, logical_type};
use super::model::{Arena, Field, Node, NodeId, Primitive};
use crate::json_text::{java_double, java_float, write_str};

pub(crate) fn render(arena: &Arena, root: NodeId, references: &[String]) -> String {
    let mut writer = Writer {
        arena,
        env: references.iter().cloned().collect(),
        out: String::new(),
    };
    writer.node(root);
    writer.out
}

struct Writer<'a> {
    arena: &'a Arena,
    env: HashSet<String>,
    out: String,
}

impl Writer<'_> {
    fn raw_key(&mut self, key: &str) {
        self.out.push(',');
        write_str(&mut self.out, key);
        self.out.push(':');
    }

    fn sorted_props(&mut self, props: &[(String, Value)]) {
        let mut sorted: Vec<&(String, Value)> = props.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        sorted.dedup_by(|a, b| a.0 == b.0);
        for (key, value) in sorted {
            self.raw_key(key);
            write_sorted(&mut self.out, value);
        }
    }

    fn logical(&mut self, lt: &LogicalType) {
        self.raw_key("logicalType");
        write_str(&mut self.out, &lt.name);
        if let Some((precision, scale)) = lt.decimal {
            self.raw_key("precision");
            self.out.push_str(&precision.to_string());
            if scale != 0 {
                self.raw_key("scale");
                self.out.push_str(&scale.to_string());
            }
        }
    }

    fn sorted_strings(&mut self, key: &str, mut items: Vec<String>) {
        if items.is_empty() {
            return;
        }
        items.sort();
        items.dedup();
        self.raw_key(key);
        self.out.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            write_str(&mut self.out, item);
        }
        self.out.push(']');
    }

    fn node(&mut self, id: NodeId) {
        let arena = self.arena;
        let Some(node) = arena.get(id) else {
            return;
        };
        match node {
            Node::Union { branches } => {
                self.out.push('[');
                for (i, branch) in branches.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.node(*branch);
                }
                self.out.push(']');
            }
            Node::Array { items, props } => {
                self.out.push_str("{\"type\":\"array\",\"items\":");
                self.node(*items);
                self.sorted_props(props);
                self.out.push('}');
            }
            Node::Map { values, props } => {
                self.out.push_str("{\"type\":\"map\",\"values\":");
                self.node(*values);
                self.sorted_props(props);
                self.out.push('}');
            }
            Node::Primitive { kind, props } => {
                if let Some(lt) = logical_type(arena, id) {
                    self.out.push_str("{\"type\":");
                    write_str(&mut self.out, kind.name());
                    self.logical(&lt);
                    self.sorted_props(props);
                    self.out.push('}');
                } else if props.is_empty() {
                    write_str(&mut self.out, kind.name());
                } else {
                    self.out.push_str("{\"type\":");
                    write_str(&mut self.out, kind.name());
                    self.sorted_props(props);
                    self.out.push('}');
                }
            }
            Node::Record { named, .. } | Node::Enum { named, .. } | Node::Fixed { named, .. } => {
                let full = named.name.full();
                if !self.env.insert(full.clone()) {
                    write_str(&mut self.out, &full);
                    return;
                }
                self.out.push_str("{\"name\":");
                write_str(&mut self.out, &full);
                self.out.push_str(",\"type\":");
                write_str(&mut self.out, node.kind().name());
                match node {
                    Node::Enum { symbols, .. } => {
                        self.raw_key("symbols");
                        self.out.push('[');
                        for (i, symbol) in symbols.iter().enumerate() {
                            if i > 0 {
                                self.out.push(',');
                            }
                            write_str(&mut self.out, symbol);
                        }
                        self.out.push(']');
                    }
                    Node::Fixed { size, .. } => {
                        self.raw_key("size");
                        self.out.push_str(&size.to_string());
                        if let Some(lt) = logical_type(arena, id) {
                            self.logical(&lt);
                        }
                    }
                    Node::Record { fields, .. } => {
                        self.raw_key("fields");
                        self.out.push('[');
                        for (i, field) in fields.iter().flatten().enumerate() {
                            if i > 0 {
                                self.out.push(',');
                            }
                            self.field(field);
                        }
                        self.out.push(']');
                    }
                    _ => {}
                }
                if let Some(doc) = named.doc.as_deref().filter(|d| !d.is_empty()) {
                    self.raw_key("doc");
                    write_str(&mut self.out, doc);
                }
                self.sorted_strings("aliases", named.alias_names());
                if let Node::Enum {
                    default: Some(default),
                    ..
                } = node
                {
                    self.raw_key("default");
                    write_str(&mut self.out, default);
                }
                self.sorted_props(&named.props);
                self.out.push('}');
            }
        }
    }

    fn field(&mut self, field: &Field) {
        self.out.push_str("{\"name\":");
        write_str(&mut self.out, &field.name);
        self.out.push_str(",\"type\":");
        self.node(field.ty);
        self.raw_key("order");
        write_str(&mut self.out, &field.order.name().to_ascii_uppercase());
        if let Some(doc) = &field.doc {
            self.raw_key("doc");
            write_str(&mut self.out, doc);
        }
        self.sorted_strings("aliases", field.aliases.clone());
        if let Some(datum) = field
            .default
            .as_ref()
            .and_then(|d| to_datum(self.arena, d, Some(field.ty)))
        {
            self.raw_key("default");
            datum.write(&mut self.out);
        }
        self.sorted_props(&field.props);
        self.out.push('}');
    }
}

/// A default value as Avro Java's `JacksonUtils.toObject(json, schema)` turns it into a datum.
enum Datum {
    Null,
    Bool(bool),
    Integer(i64),
    Double(f64),
    Float(f32),
    Text(String),
    List(Vec<Datum>),
    Map(Vec<(String, Datum)>),
}

impl Datum {
    /// Jackson output with object keys sorted (Confluent's sorting node factory).
    fn write(&self, out: &mut String) {
        match self {
            Self::Null => out.push_str("null"),
            Self::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Self::Integer(i) => out.push_str(&i.to_string()),
            Self::Double(d) => out.push_str(&java_double(*d)),
            Self::Float(f) => out.push_str(&java_float(*f)),
            Self::Text(s) => write_str(out, s),
            Self::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Self::Map(entries) => {
                let mut sorted: Vec<&(String, Datum)> = entries.iter().collect();
                sorted.sort_by(|a, b| a.0.cmp(&b.0));
                out.push('{');
                for (i, (key, item)) in sorted.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(out, key);
                    out.push(':');
                    item.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// `JacksonUtils.toObject`: a union takes its first branch; a number that does not fit the
/// type's representation, or text for a non-text type, gives no datum (and no default is written).
fn to_datum(arena: &Arena, value: &Value, ty: Option<NodeId>) -> Option<Datum> {
    let mut node = ty.and_then(|id| arena.get(id));
    if let Some(Node::Union { branches }) = node {
        node = Some(arena.get(*branches.first()?)?);
    }
    let primitive = match node {
        Some(Node::Primitive { kind, .. }) => Some(*kind),
        _ => None,
    };
    match value {
        Value::Null => Some(Datum::Null),
        Value::Bool(b) => Some(Datum::Bool(*b)),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                if i32::try_from(i).is_ok() {
                    match (node, primitive) {
                        (None, _) | (_, Some(Primitive::Int | Primitive::Long)) => {
                            Some(Datum::Integer(i))
                        }
                        _ => None,
                    }
                } else {
                    Some(Datum::Integer(i))
                }
            } else if n.is_f64() {
                let d = n.as_f64()?;
                match (node, primitive) {
                    (None, _) | (_, Some(Primitive::Double)) => Some(Datum::Double(d)),
                    (_, Some(Primitive::Float)) => Some(Datum::Float(d as f32)),
                    _ => None,
                }
            } else {
                None
            }
        }
        Value::String(s) => match node {
            None | Some(Node::Enum { .. }) => Some(Datum::Text(s.clone())),
            Some(Node::Primitive {
                kind: Primitive::String,
                ..
            }) => Some(Datum::Text(s.clone())),
            Some(Node::Fixed { .. })
            | Some(Node::Primitive {
                kind: Primitive::Bytes,
                ..
            }) => Some(Datum::Text(
                s.chars()
                    .map(|c| if (c as u32) < 0x100 { c } else { '?' })
                    .collect(),
            )),
            _ => None,
        },
        Value::Array(items) => {
            let element = match node {
                None => None,
                Some(Node::Array { items, .. }) => Some(*items),
                Some(_) => return None,
            };
            items
                .iter()
                .map(|item| to_datum(arena, item, element))
                .collect::<Option<Vec<_>>>()
                .map(Datum::List)
        }
        Value::Object(entries) => {
            let mut out = Vec::with_capacity(entries.len());
            for (key, item) in entries {
                let item_ty = match node {
                    Some(Node::Map { values, .. }) => Some(*values),
                    Some(Node::Record { fields, .. }) => Some(
                        fields
                            .as_ref()?
                            .iter()
                            .find(|f| &f.name == key)
                            .map(|f| f.ty)?,
                    ),
                    _ => None,
                };
                out.push((key.clone(), to_datum(arena, item, item_ty)?));
            }
            Some(Datum::Map(out))
        }
    }
}

/// A property value: Jackson output with every object's keys sorted.
fn write_sorted(out: &mut String, value: &Value) {
    if let Some(datum) = to_datum(&Vec::new(), value, None) {
        datum.write(out);
    } else {
        crate::json_text::write_value(out, value);
    }
}
