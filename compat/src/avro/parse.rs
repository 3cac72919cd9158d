//! Parsing Avro schema JSON the way Avro Java's `Schema.Parser` does: namespaces inherited and
//! split from dotted names, named types shared by reference, duplicate names/fields/symbols and
//! malformed unions rejected. Strict mode (a schema being registered) also validates names and
//! field defaults; lenient mode (a stored schema) never rejects for those.

use serde_json::{Map, Value};
use std::collections::HashMap;

use super::canonical;
use super::defaults;
use super::model::{Arena, Field, Kind, Name, Named, Node, NodeId, Order, Primitive, Props};
use crate::CompatError;
use crate::json_text;

/// Properties a named/primitive/array/map schema keeps for itself (`SCHEMA_RESERVED`).
const SCHEMA_RESERVED: [&str; 10] = [
    "doc",
    "fields",
    "items",
    "name",
    "namespace",
    "size",
    "symbols",
    "values",
    "type",
    "aliases",
];
/// Properties a field keeps for itself (`FIELD_RESERVED`).
const FIELD_RESERVED: [&str; 6] = ["default", "doc", "name", "order", "type", "aliases"];

/// One parser per schema: references are parsed first into the same name table.
#[derive(Debug)]
pub(crate) struct Parser {
    pub(crate) arena: Arena,
    names: HashMap<String, NodeId>,
    strict: bool,
}

type Result<T> = std::result::Result<T, CompatError>;

fn compact(value: &Value) -> String {
    json_text::to_text(value)
}

impl Parser {
    pub(crate) fn new(strict: bool) -> Self {
        Self {
            arena: Vec::new(),
            names: HashMap::new(),
            strict,
        }
    }

    /// Parses one schema text; its named types join the name table.
    pub(crate) fn parse_text(&mut self, text: &str) -> Result<NodeId> {
        let value = json_text::parse(text)?;
        self.parse(&value, None)
    }

    fn push(&mut self, node: Node) -> NodeId {
        self.arena.push(node);
        self.arena.len() - 1
    }

    fn parse(&mut self, value: &Value, space: Option<&str>) -> Result<NodeId> {
        match value {
            Value::String(name) => self
                .find(name, space)
                .ok_or_else(|| CompatError::avro(format!("Undefined name: {}", compact(value)))),
            Value::Object(obj) => self.parse_object(value, obj, space),
            Value::Array(branches) => self.parse_union(value, branches, space),
            _ => Err(CompatError::avro(format!(
                "Schema not yet supported: {}",
                compact(value)
            ))),
        }
    }

    /// `Names.get`: a primitive name, else the name in the enclosing namespace, else as given.
    fn find(&mut self, name: &str, space: Option<&str>) -> Option<NodeId> {
        if let Some(kind) = Primitive::from_name(name) {
            return Some(self.push(Node::Primitive {
                kind,
                props: Vec::new(),
            }));
        }
        let in_space = Name::new(name, space).full();
        if let Some(id) = self.names.get(&in_space) {
            return Some(*id);
        }
        self.names.get(&Name::new(name, None).full()).copied()
    }

    fn parse_object(
        &mut self,
        value: &Value,
        obj: &Map<String, Value>,
        space: Option<&str>,
    ) -> Result<NodeId> {
        let ty = obj
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| CompatError::avro(format!("No type: {}", compact(value))))?;
        if let Some(kind) = Primitive::from_name(ty) {
            let props = props_of(obj, &SCHEMA_RESERVED);
            return Ok(self.push(Node::Primitive { kind, props }));
        }
        match ty {
            "record" | "error" => self.parse_record(value, obj, space, ty == "error"),
            "enum" => self.parse_enum(value, obj, space),
            "fixed" => self.parse_fixed(value, obj, space),
            "array" => {
                let items = obj.get("items").ok_or_else(|| {
                    CompatError::avro(format!("Array has no items type: {}", compact(value)))
                })?;
                let items = self.parse(items, space)?;
                let props = props_of(obj, &SCHEMA_RESERVED);
                Ok(self.push(Node::Array { items, props }))
            }
            "map" => {
                let values = obj.get("values").ok_or_else(|| {
                    CompatError::avro(format!("Map has no values type: {}", compact(value)))
                })?;
                let values = self.parse(values, space)?;
                let props = props_of(obj, &SCHEMA_RESERVED);
                Ok(self.push(Node::Map { values, props }))
            }
            other => self.find(other, space).ok_or_else(|| {
                CompatError::avro(format!("Undefined name: {}", compact(&Value::from(other))))
            }),
        }
    }

    fn validate_name(&self, name: &str) -> Result<()> {
        if !self.strict {
            return Ok(());
        }
        let mut chars = name.chars();
        let Some(first) = chars.next() else {
            return Err(CompatError::avro("Empty name"));
        };
        if !(first.is_ascii_alphabetic() || first == '_') {
            return Err(CompatError::avro(format!(
                "Illegal initial character: {name}"
            )));
        }
        if !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(CompatError::avro(format!("Illegal character in: {name}")));
        }
        Ok(())
    }

    /// Name, doc, aliases and props of a record, enum or fixed.
    fn named(
        &self,
        value: &Value,
        obj: &Map<String, Value>,
        space: Option<&str>,
        reserved: &[&str],
    ) -> Result<Named> {
        let simple = obj
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| CompatError::avro(format!("No name in schema: {}", compact(value))))?;
        let own_space = obj.get("namespace").and_then(Value::as_str).or(space);
        let name = Name::new(simple, own_space);
        self.validate_name(&name.name)?;
        let full = name.full();
        if Primitive::from_name(&full).is_some() {
            return Err(CompatError::avro(format!(
                "Schemas may not be named after primitives: {full}"
            )));
        }
        let aliases = aliases_of(obj)?
            .iter()
            .map(|alias| Name::new(alias, name.namespace.as_deref()))
            .collect();
        Ok(Named {
            doc: text(obj, "doc"),
            props: props_of(obj, reserved),
            aliases,
            name,
        })
    }

    fn register(&mut self, full: String, id: NodeId) -> Result<()> {
        if self.names.contains_key(&full) {
            return Err(CompatError::avro(format!("Can't redefine: {full}")));
        }
        self.names.insert(full, id);
        Ok(())
    }

    fn parse_record(
        &mut self,
        value: &Value,
        obj: &Map<String, Value>,
        space: Option<&str>,
        is_error: bool,
    ) -> Result<NodeId> {
        let named = self.named(value, obj, space, &SCHEMA_RESERVED)?;
        let full = named.name.full();
        let record_space = named.name.namespace.clone();
        let id = self.push(Node::Record {
            named,
            fields: None,
            is_error,
        });
        self.register(full.clone(), id)?;
        let Some(Value::Array(field_values)) = obj.get("fields") else {
            return Err(CompatError::avro(format!(
                "Record has no fields: {}",
                compact(value)
            )));
        };
        let mut fields: Vec<Field> = Vec::with_capacity(field_values.len());
        for field_value in field_values {
            let field = self.parse_field(field_value, record_space.as_deref())?;
            if fields.iter().any(|f| f.name == field.name) {
                return Err(CompatError::avro(format!(
                    "Duplicate field {} in record {full}",
                    field.name
                )));
            }
            fields.push(field);
        }
        if let Some(Node::Record { fields: slot, .. }) = self.arena.get_mut(id) {
            *slot = Some(fields);
        }
        Ok(id)
    }

    fn parse_field(&mut self, value: &Value, space: Option<&str>) -> Result<Field> {
        let Value::Object(obj) = value else {
            return Err(CompatError::avro(format!(
                "No field name: {}",
                compact(value)
            )));
        };
        let name = obj
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| CompatError::avro(format!("No field name: {}", compact(value))))?
            .to_owned();
        let type_value = obj
            .get("type")
            .ok_or_else(|| CompatError::avro(format!("No field type: {}", compact(value))))?;
        let ty = self.parse(type_value, space)?;
        let order = match obj.get("order") {
            None => Order::Ascending,
            Some(order) => match order.as_str().map(str::to_ascii_uppercase).as_deref() {
                Some("ASCENDING") => Order::Ascending,
                Some("DESCENDING") => Order::Descending,
                Some("IGNORE") => Order::Ignore,
                _ => {
                    return Err(CompatError::avro(format!(
                        "Invalid order for field {name}: {}",
                        compact(order)
                    )));
                }
            },
        };
        let default = match obj.get("default") {
            None => None,
            Some(default) => Some(self.field_default(&name, ty, default)?),
        };
        self.validate_name(&name)?;
        Ok(Field {
            doc: text(obj, "doc"),
            aliases: aliases_of(obj)?,
            props: props_of(obj, &FIELD_RESERVED),
            name,
            ty,
            default,
            order,
        })
    }

    /// A field default: a float/double default given as text becomes a number (as Avro Java
    /// does); in strict mode the default must match the field type.
    fn field_default(&self, field: &str, ty: NodeId, default: &Value) -> Result<Value> {
        let mut default = default.clone();
        let kind = self.arena.get(ty).map(Node::kind);
        if let (Some(Kind::Primitive(Primitive::Float | Primitive::Double)), Value::String(s)) =
            (kind, &default)
        {
            let parsed = parse_java_double(s).ok_or_else(|| {
                CompatError::avro(format!(
                    "Invalid default for field {field}: {} is not a number",
                    compact(&default)
                ))
            })?;
            if let Some(number) = serde_json::Number::from_f64(parsed) {
                default = Value::Number(number);
            }
        }
        if self.strict && !defaults::is_valid_default(&self.arena, ty, &default) {
            return Err(CompatError::avro(format!(
                "Invalid default for field {field}: {} not a {}",
                compact(&default),
                canonical::render_standalone(&self.arena, ty)
            )));
        }
        Ok(default)
    }

    fn parse_enum(
        &mut self,
        value: &Value,
        obj: &Map<String, Value>,
        space: Option<&str>,
    ) -> Result<NodeId> {
        let mut reserved = SCHEMA_RESERVED.to_vec();
        reserved.push("default");
        let named = self.named(value, obj, space, &reserved)?;
        let Some(Value::Array(symbol_values)) = obj.get("symbols") else {
            return Err(CompatError::avro(format!(
                "Enum has no symbols: {}",
                compact(value)
            )));
        };
        let mut symbols: Vec<String> = Vec::with_capacity(symbol_values.len());
        for symbol in symbol_values {
            let symbol = symbol.as_str().ok_or_else(|| {
                CompatError::avro(format!("Enum symbol is not a string: {}", compact(symbol)))
            })?;
            self.validate_name(symbol)?;
            if symbols.iter().any(|s| s == symbol) {
                return Err(CompatError::avro(format!(
                    "Duplicate enum symbol: {symbol}"
                )));
            }
            symbols.push(symbol.to_owned());
        }
        let default = obj
            .get("default")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if let Some(default) = &default
            && self.strict
            && !symbols.contains(default)
        {
            return Err(CompatError::avro(format!(
                "The Enum Default: {default} is not in the enum symbol set: [{}]",
                symbols.join(", ")
            )));
        }
        let full = named.name.full();
        let id = self.push(Node::Enum {
            named,
            symbols,
            default,
        });
        self.register(full, id)?;
        Ok(id)
    }

    fn parse_fixed(
        &mut self,
        value: &Value,
        obj: &Map<String, Value>,
        space: Option<&str>,
    ) -> Result<NodeId> {
        let named = self.named(value, obj, space, &SCHEMA_RESERVED)?;
        let size = obj
            .get("size")
            .and_then(Value::as_i64)
            .and_then(|s| i32::try_from(s).ok())
            .and_then(|s| u32::try_from(s).ok())
            .ok_or_else(|| CompatError::avro(format!("Invalid or no size: {}", compact(value))))?;
        let full = named.name.full();
        let id = self.push(Node::Fixed { named, size });
        self.register(full, id)?;
        Ok(id)
    }

    fn parse_union(
        &mut self,
        value: &Value,
        branch_values: &[Value],
        space: Option<&str>,
    ) -> Result<NodeId> {
        let mut branches: Vec<NodeId> = Vec::with_capacity(branch_values.len());
        let mut seen: Vec<String> = Vec::with_capacity(branch_values.len());
        for branch in branch_values {
            let id = self.parse(branch, space)?;
            let node = self
                .arena
                .get(id)
                .ok_or_else(|| CompatError::avro("internal error: unknown union branch"))?;
            if node.kind() == Kind::Union {
                return Err(CompatError::avro(format!(
                    "Nested union: {}",
                    compact(value)
                )));
            }
            let name = node.full_name();
            if seen.contains(&name) {
                return Err(CompatError::avro(format!("Duplicate in union:{name}")));
            }
            seen.push(name);
            branches.push(id);
        }
        Ok(self.push(Node::Union { branches }))
    }
}

/// `getOptionalText`: the value when it is a JSON string.
fn text(obj: &Map<String, Value>, key: &str) -> Option<String> {
    obj.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn props_of(obj: &Map<String, Value>, reserved: &[&str]) -> Props {
    obj.iter()
        .filter(|(k, _)| !reserved.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// `parseAliases`: an array of strings, duplicates dropped, order kept.
fn aliases_of(obj: &Map<String, Value>) -> Result<Vec<String>> {
    let Some(node) = obj.get("aliases") else {
        return Ok(Vec::new());
    };
    let Value::Array(items) = node else {
        return Err(CompatError::avro(format!(
            "aliases not an array: {}",
            compact(&Value::Object(obj.clone()))
        )));
    };
    let mut aliases: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let alias = item
            .as_str()
            .ok_or_else(|| CompatError::avro(format!("alias not a string: {}", compact(item))))?;
        if !aliases.iter().any(|a| a == alias) {
            aliases.push(alias.to_owned());
        }
    }
    Ok(aliases)
}

/// `Double.parseDouble`: surrounding whitespace allowed, `NaN`/`Infinity` spelled as Java does.
fn parse_java_double(text: &str) -> Option<f64> {
    let t = text.trim();
    match t {
        "NaN" | "+NaN" | "-NaN" => Some(f64::NAN),
        "Infinity" | "+Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ if t.chars().any(|c| {
            c.is_ascii_alphabetic() && !matches!(c, 'e' | 'E' | 'd' | 'D' | 'f' | 'F')
        }) =>
        {
            None
        }
        _ => t.trim_end_matches(['d', 'D', 'f', 'F']).parse().ok(),
    }
}
