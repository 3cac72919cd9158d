//! The schema model the diff walks: a JSON Schema document read into typed nodes the way the
//! reference's loader reads it (everit for drafts 4, 6 and 7; json-sKema, translated into the
//! same shapes, for 2019-09 and 2020-12).
//!
//! Reading rules, each taken from the reference's behaviour:
//! - `true` is an always-valid schema distinct from `{}` (the reference has two classes for them;
//!   both count as "empty"), `false` never validates.
//! - A schema object yields one node per group of keywords it carries: `enum`, `const`, each of
//!   `allOf`/`anyOf`/`oneOf`, `not`, `$ref`, `if`, and the type-specific group (named by `type`,
//!   or sniffed from object, array, number and string keywords when `type` is absent). No group
//!   gives the empty schema, one gives that node, several give a synthetic `allOf`.
//! - `type` naming several types gives an `anyOf` of one node per type.
//! - Annotations (`$id`/`id`, `title`, `description`, `default`) belong to the outermost node.
//! - 2019-09/2020-12: `$id` is not compared, an empty `properties` does not make an object
//!   schema, `minContains` defaults to 1 when `contains` is present, `prefixItems`/`items` play
//!   the parts of draft 7's `items` array and `additionalItems`, `dependentRequired` and
//!   `dependentSchemas` those of `dependencies`.
//!
//! `$ref`s are resolved within the document (`#`, JSON pointers, `$id`/`$anchor` names) and to
//! referenced schemas by name; a reference that cannot be resolved reads as the empty schema
//! (the schema was validated when registered). Targets are read once, so recursive schemas give
//! a finite graph.

mod reference;

use regex::Regex;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// Index of a node in a [`Graph`].
pub(crate) type NodeId = usize;

/// The JSON Schema drafts, by the family of rules that reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Draft4,
    Draft6or7,
    /// 2019-09 and 2020-12.
    Modern,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Criterion {
    All,
    Any,
    One,
}

impl Criterion {
    pub(crate) const fn keyword(self) -> &'static str {
        match self {
            Self::All => "allOf",
            Self::Any => "anyOf",
            Self::One => "oneOf",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Meta {
    pub(crate) id: Option<String>,
    pub(crate) title: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) default: Option<Value>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct StringRules {
    pub(crate) min_length: Option<f64>,
    pub(crate) max_length: Option<f64>,
    pub(crate) pattern: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct NumberRules {
    pub(crate) minimum: Option<f64>,
    pub(crate) maximum: Option<f64>,
    pub(crate) exclusive_minimum: Option<f64>,
    pub(crate) exclusive_maximum: Option<f64>,
    /// The keyword's text, as written (compared as a decimal).
    pub(crate) multiple_of: Option<serde_json::Number>,
    pub(crate) integer: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct ObjectRules {
    /// `properties` sorted by name (the diff reports in no particular order, as Confluent).
    pub(crate) property_index: Vec<(String, NodeId)>,
    /// Sorted.
    pub(crate) required: Vec<String>,
    /// `additionalProperties` is not `false`.
    pub(crate) permits_additional: bool,
    /// `additionalProperties` as a schema (absent for `true`/`false`).
    pub(crate) additional: Option<NodeId>,
    pub(crate) pattern_properties: Vec<(Option<Regex>, NodeId)>,
    pub(crate) property_dependencies: Vec<(String, Vec<String>)>,
    pub(crate) schema_dependencies: Vec<(String, NodeId)>,
    pub(crate) min_properties: Option<f64>,
    pub(crate) max_properties: Option<f64>,
    pub(crate) unevaluated: Option<NodeId>,
}

#[derive(Debug, Clone)]
pub(crate) struct ArrayRules {
    /// `items` as one schema for every item.
    pub(crate) all_items: Option<NodeId>,
    /// Positional item schemas (`items` array, or `prefixItems`).
    pub(crate) item_schemas: Vec<NodeId>,
    pub(crate) permits_additional: bool,
    pub(crate) additional: Option<NodeId>,
    pub(crate) unevaluated: Option<NodeId>,
    pub(crate) min_items: Option<f64>,
    pub(crate) max_items: Option<f64>,
    pub(crate) unique_items: bool,
    pub(crate) min_contains: Option<f64>,
    pub(crate) max_contains: Option<f64>,
}

#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Empty,
    True,
    False,
    Boolean,
    Null,
    String(StringRules),
    Number(NumberRules),
    Enum(Vec<Value>),
    Const(Value),
    Object(Arc<ObjectRules>),
    Array(Arc<ArrayRules>),
    Combined {
        criterion: Criterion,
        /// As written.
        subschemas: Vec<NodeId>,
        /// Without repeats (compared by their JSON text), first occurrence kept.
        distinct: Vec<NodeId>,
    },
    Not(NodeId),
    Conditional,
    Ref(NodeId),
}

impl ObjectRules {
    pub(crate) fn is_required(&self, name: &str) -> bool {
        self.required
            .binary_search_by(|r| r.as_str().cmp(name))
            .is_ok()
    }
}

impl Kind {
    /// The reference's schema class: two nodes of different classes are different types.
    pub(crate) fn class(&self) -> u8 {
        match self {
            Self::Empty => 0,
            Self::True => 1,
            Self::False => 2,
            Self::Boolean => 3,
            Self::Null => 4,
            Self::String(_) => 5,
            Self::Number(_) => 6,
            Self::Enum(_) => 7,
            Self::Const(_) => 8,
            Self::Object(_) => 9,
            Self::Array(_) => 10,
            Self::Combined { .. } => 11,
            Self::Not(_) => 12,
            Self::Conditional => 13,
            Self::Ref(_) => 14,
        }
    }

    /// `true` and `{}` (the reference's `EmptySchema` and its subclass `TrueSchema`).
    pub(crate) fn is_empty_schema(&self) -> bool {
        matches!(self, Self::Empty | Self::True)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) meta: Meta,
    pub(crate) kind: Kind,
}

/// A schema document and its references, read into nodes; node 0 is the root.
#[derive(Debug, Clone)]
pub(crate) struct Graph {
    pub(crate) nodes: Vec<Node>,
}

impl Graph {
    pub(crate) const ROOT: NodeId = 0;

    /// Reads `root` (with `references` as `(name, document)`) in `dialect`.
    pub(crate) fn build(root: &Value, references: &[(String, Value)], dialect: Dialect) -> Self {
        let mut docs: Vec<&Value> = vec![root];
        docs.extend(references.iter().map(|(_, v)| v));
        let names: Vec<&str> = references.iter().map(|(n, _)| n.as_str()).collect();
        let mut builder = Builder {
            docs,
            names,
            dialect,
            nodes: Vec::new(),
            targets: HashMap::new(),
            pending: Vec::new(),
        };
        let root_id = builder.alloc();
        builder.fill(root_id, 0, root);
        while let Some((id, doc, pointer)) = builder.pending.pop() {
            let value = builder.docs[doc].pointer(&pointer);
            match value {
                Some(v) => builder.fill(id, doc, v),
                None => builder.nodes[id].kind = Kind::Empty,
            }
        }
        Self {
            nodes: builder.nodes,
        }
    }

    pub(crate) fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }
}

struct Builder<'a> {
    docs: Vec<&'a Value>,
    names: Vec<&'a str>,
    dialect: Dialect,
    nodes: Vec<Node>,
    /// `(document, JSON pointer)` of each `$ref` target read so far.
    targets: HashMap<(usize, String), NodeId>,
    /// `$ref` targets still to read.
    pending: Vec<(NodeId, usize, String)>,
}

const OBJECT_KEYWORDS: &[&str] = &[
    "properties",
    "patternProperties",
    "additionalProperties",
    "required",
    "minProperties",
    "maxProperties",
    "dependencies",
    "propertyNames",
];
const OBJECT_KEYWORDS_MODERN: &[&str] = &[
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
];
const ARRAY_KEYWORDS: &[&str] = &[
    "items",
    "additionalItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
];
const ARRAY_KEYWORDS_MODERN: &[&str] = &["prefixItems", "unevaluatedItems"];
const NUMBER_KEYWORDS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];
const STRING_KEYWORDS: &[&str] = &["minLength", "maxLength", "pattern", "format"];

impl<'a> Builder<'a> {
    fn alloc(&mut self) -> NodeId {
        self.nodes.push(Node {
            meta: Meta::default(),
            kind: Kind::Empty,
        });
        self.nodes.len() - 1
    }

    fn add(&mut self, kind: Kind) -> NodeId {
        let id = self.alloc();
        self.nodes[id].kind = kind;
        id
    }

    fn child(&mut self, doc: usize, value: &'a Value) -> NodeId {
        let id = self.alloc();
        self.fill(id, doc, value);
        id
    }

    /// Reads `value` into node `id`.
    fn fill(&mut self, id: NodeId, doc: usize, value: &'a Value) {
        let object = match value {
            Value::Bool(true) => return self.nodes[id].kind = Kind::True,
            Value::Bool(false) => return self.nodes[id].kind = Kind::False,
            Value::Object(object) => object,
            _ => return self.nodes[id].kind = Kind::Empty,
        };
        let mut parts: Vec<Kind> = Vec::new();
        if let Some(Value::Array(values)) = object.get("enum") {
            parts.push(Kind::Enum(values.clone()));
        }
        if self.dialect != Dialect::Draft4
            && let Some(value) = object.get("const")
        {
            parts.push(Kind::Const(value.clone()));
        }
        for criterion in [Criterion::All, Criterion::Any, Criterion::One] {
            if let Some(Value::Array(items)) = object.get(criterion.keyword()) {
                let subschemas: Vec<NodeId> =
                    items.iter().map(|item| self.child(doc, item)).collect();
                parts.push(combined(criterion, subschemas, items));
            }
        }
        if let Some(not) = object.get("not") {
            let inner = self.child(doc, not);
            parts.push(Kind::Not(inner));
        }
        if let Some(Value::String(reference)) = object.get("$ref")
            && let Some(target) = self.reference(doc, reference)
        {
            parts.push(Kind::Ref(target));
        }
        if object.contains_key("if") {
            parts.push(Kind::Conditional);
        }
        match object.get("type") {
            Some(Value::String(name)) => parts.extend(self.typed(doc, object, name)),
            Some(Value::Array(names)) => {
                let mut subschemas = Vec::new();
                let mut known = Vec::new();
                for name in names.iter().filter_map(Value::as_str) {
                    if let Some(kind) = self.typed(doc, object, name) {
                        subschemas.push(self.add(kind));
                        known.push(Value::String(name.to_owned()));
                    }
                }
                parts.push(combined(Criterion::Any, subschemas, &known));
            }
            _ => parts.extend(self.sniffed(doc, object)),
        }
        let kind = match parts.len() {
            0 => Kind::Empty,
            1 => parts.pop().unwrap_or(Kind::Empty),
            _ => {
                let subschemas: Vec<NodeId> = parts.into_iter().map(|k| self.add(k)).collect();
                Kind::Combined {
                    criterion: Criterion::All,
                    distinct: subschemas.clone(),
                    subschemas,
                }
            }
        };
        self.nodes[id].kind = kind;
        self.nodes[id].meta = self.meta(object);
    }

    fn meta(&self, object: &Map<String, Value>) -> Meta {
        let text = |key: &str| object.get(key).and_then(Value::as_str).map(str::to_owned);
        Meta {
            id: match self.dialect {
                Dialect::Draft4 => text("id"),
                Dialect::Draft6or7 => text("$id"),
                Dialect::Modern => None,
            },
            title: text("title"),
            description: text("description"),
            default: object.get("default").cloned(),
        }
    }

    fn typed(&mut self, doc: usize, object: &'a Map<String, Value>, name: &str) -> Option<Kind> {
        Some(match name {
            "string" => Kind::String(string_rules(object)),
            "number" => Kind::Number(number_rules(object, self.dialect, false)),
            "integer" => Kind::Number(number_rules(object, self.dialect, true)),
            "boolean" => Kind::Boolean,
            "null" => Kind::Null,
            "object" => Kind::Object(Arc::new(self.object_rules(doc, object))),
            "array" => Kind::Array(Arc::new(self.array_rules(doc, object))),
            _ => return None,
        })
    }

    fn sniffed(&mut self, doc: usize, object: &'a Map<String, Value>) -> Vec<Kind> {
        let has = |keys: &[&str]| keys.iter().any(|k| object.contains_key(*k));
        let modern = self.dialect == Dialect::Modern;
        let mut kinds = Vec::new();
        let object_keys = OBJECT_KEYWORDS.iter().any(|k| {
            // json-sKema reads an empty `properties` as no keyword at all.
            object.contains_key(*k)
                && !(modern
                    && *k == "properties"
                    && object[*k].as_object().is_some_and(Map::is_empty))
        });
        if object_keys || (modern && has(OBJECT_KEYWORDS_MODERN)) {
            kinds.push(Kind::Object(Arc::new(self.object_rules(doc, object))));
        }
        if has(ARRAY_KEYWORDS) || (modern && has(ARRAY_KEYWORDS_MODERN)) {
            kinds.push(Kind::Array(Arc::new(self.array_rules(doc, object))));
        }
        if has(NUMBER_KEYWORDS) {
            kinds.push(Kind::Number(number_rules(object, self.dialect, false)));
        }
        if has(STRING_KEYWORDS) {
            kinds.push(Kind::String(string_rules(object)));
        }
        kinds
    }

    fn schema_map(&mut self, doc: usize, value: Option<&'a Value>) -> Vec<(String, NodeId)> {
        let Some(Value::Object(map)) = value else {
            return Vec::new();
        };
        map.iter()
            .map(|(k, v)| (k.clone(), self.child(doc, v)))
            .collect()
    }

    fn object_rules(&mut self, doc: usize, object: &'a Map<String, Value>) -> ObjectRules {
        let modern = self.dialect == Dialect::Modern;
        let properties = self.schema_map(doc, object.get("properties"));
        let pattern_properties = self
            .schema_map(doc, object.get("patternProperties"))
            .into_iter()
            .map(|(pattern, id)| (Regex::new(&pattern).ok(), id))
            .collect();
        let (permits_additional, additional) = match object.get("additionalProperties") {
            Some(Value::Bool(permits)) => (*permits, None),
            Some(schema) => (true, Some(self.child(doc, schema))),
            None => (true, None),
        };
        let mut property_dependencies = Vec::new();
        let mut schema_dependencies = Vec::new();
        let mut read_dependencies =
            |builder: &mut Self, value: Option<&'a Value>, arrays, schemas| {
                let Some(Value::Object(map)) = value else {
                    return;
                };
                for (key, dependency) in map {
                    match dependency {
                        Value::Array(names) if arrays => property_dependencies.push((
                            key.clone(),
                            names
                                .iter()
                                .filter_map(Value::as_str)
                                .map(str::to_owned)
                                .collect(),
                        )),
                        Value::Array(_) => {}
                        other if schemas => {
                            schema_dependencies.push((key.clone(), builder.child(doc, other)));
                        }
                        _ => {}
                    }
                }
            };
        read_dependencies(self, object.get("dependencies"), true, true);
        if modern {
            read_dependencies(self, object.get("dependentRequired"), true, false);
            read_dependencies(self, object.get("dependentSchemas"), false, true);
        }
        let unevaluated = match object.get("unevaluatedProperties") {
            Some(schema) if modern => Some(self.child(doc, schema)),
            _ => None,
        };
        ObjectRules {
            property_index: {
                let mut index = properties;
                index.sort_by(|a, b| a.0.cmp(&b.0));
                index
            },
            required: {
                let mut names: Vec<String> = object
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|names| {
                        names
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                names.sort();
                names
            },
            permits_additional,
            additional,
            pattern_properties,
            property_dependencies,
            schema_dependencies,
            min_properties: number(object, "minProperties"),
            max_properties: number(object, "maxProperties"),
            unevaluated,
        }
    }

    fn array_rules(&mut self, doc: usize, object: &'a Map<String, Value>) -> ArrayRules {
        let modern = self.dialect == Dialect::Modern;
        let mut rules = ArrayRules {
            all_items: None,
            item_schemas: Vec::new(),
            permits_additional: true,
            additional: None,
            unevaluated: None,
            min_items: number(object, "minItems"),
            max_items: number(object, "maxItems"),
            unique_items: object.get("uniqueItems") == Some(&Value::Bool(true)),
            min_contains: number(object, "minContains"),
            max_contains: number(object, "maxContains"),
        };
        let prefix = match object.get("prefixItems") {
            Some(Value::Array(items)) if modern => Some(items),
            _ => None,
        };
        let (positional, rest) = match (prefix, object.get("items")) {
            (Some(items), rest) => (Some(items), rest),
            (None, Some(Value::Array(items))) => (Some(items), object.get("additionalItems")),
            (None, Some(Value::Bool(permits))) if modern => {
                rules.permits_additional = *permits;
                (None, None)
            }
            (None, Some(all)) => {
                rules.all_items = Some(self.child(doc, all));
                (None, None)
            }
            (None, None) => (None, object.get("additionalItems")),
        };
        if let Some(items) = positional {
            rules.item_schemas = items.iter().map(|item| self.child(doc, item)).collect();
        }
        match rest {
            Some(Value::Bool(permits)) => rules.permits_additional = *permits,
            Some(schema) => rules.additional = Some(self.child(doc, schema)),
            None => {}
        }
        if modern {
            if let Some(schema) = object.get("unevaluatedItems") {
                rules.unevaluated = Some(self.child(doc, schema));
            }
            if object.contains_key("contains") {
                rules.min_contains = rules.min_contains.or(Some(1.0));
            } else {
                rules.min_contains = None;
                rules.max_contains = None;
            }
        }
        rules
    }
}

fn combined(criterion: Criterion, subschemas: Vec<NodeId>, source: &[Value]) -> Kind {
    let mut seen: Vec<&Value> = Vec::new();
    let mut distinct = Vec::new();
    for (id, value) in subschemas.iter().zip(source) {
        if !seen.contains(&value) {
            seen.push(value);
            distinct.push(*id);
        }
    }
    Kind::Combined {
        criterion,
        subschemas,
        distinct,
    }
}

fn number(object: &Map<String, Value>, key: &str) -> Option<f64> {
    object.get(key).and_then(Value::as_f64)
}

fn string_rules(object: &Map<String, Value>) -> StringRules {
    StringRules {
        min_length: number(object, "minLength"),
        max_length: number(object, "maxLength"),
        pattern: object
            .get("pattern")
            .and_then(Value::as_str)
            .map(str::to_owned),
    }
}

fn number_rules(object: &Map<String, Value>, dialect: Dialect, integer: bool) -> NumberRules {
    // Draft 4's boolean `exclusiveMaximum`/`exclusiveMinimum` only qualify the limits, and the
    // reference does not compare them.
    let exclusive = |key| match dialect {
        Dialect::Draft4 => None,
        _ => number(object, key),
    };
    NumberRules {
        minimum: number(object, "minimum"),
        maximum: number(object, "maximum"),
        exclusive_minimum: exclusive("exclusiveMinimum"),
        exclusive_maximum: exclusive("exclusiveMaximum"),
        multiple_of: match object.get("multipleOf") {
            Some(Value::Number(n)) => Some(n.clone()),
            _ => None,
        },
        integer,
    }
}
