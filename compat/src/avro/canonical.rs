//! The canonical form: exactly what Avro Java's `Schema.toString()` prints (and so what Confluent
//! stores and returns). Named types are written in full the first time and by name afterwards;
//! types defined by references are always written by name.

use std::collections::HashSet;

use super::model::{Arena, Field, Name, Named, Node, NodeId, Order};
use crate::json_text::{write_str, write_value};

/// Renders `root`, treating `known` full names (the references' types) as already written.
pub(crate) fn render(arena: &Arena, root: NodeId, known: &[String]) -> String {
    let mut writer = Writer {
        arena,
        known: known.iter().cloned().collect(),
        out: String::new(),
    };
    writer.node(root, None);
    writer.out
}

/// Renders one node on its own, as `Schema.toString()` of that node (used in messages).
pub(crate) fn render_standalone(arena: &Arena, root: NodeId) -> String {
    render(arena, root, &[])
}

struct Writer<'a> {
    arena: &'a Arena,
    known: HashSet<String>,
    out: String,
}

impl Writer<'_> {
    fn key(&mut self, key: &str) {
        write_str(&mut self.out, key);
        self.out.push(':');
    }

    fn props(&mut self, props: &[(String, serde_json::Value)]) {
        for (key, value) in props {
            self.out.push(',');
            self.key(key);
            write_value(&mut self.out, value);
        }
    }

    /// Writes the name and, when it differs from the enclosing one, the namespace.
    fn name(&mut self, name: &Name, space: Option<&str>) {
        self.out.push(',');
        self.key("name");
        write_str(&mut self.out, &name.name);
        match (&name.namespace, space) {
            (Some(own), _) if Some(own.as_str()) != space => {
                self.out.push(',');
                self.key("namespace");
                write_str(&mut self.out, own);
            }
            (None, Some(_)) => {
                self.out.push(',');
                self.key("namespace");
                write_str(&mut self.out, "");
            }
            _ => {}
        }
    }

    fn doc(&mut self, doc: Option<&str>) {
        if let Some(doc) = doc {
            self.out.push(',');
            self.key("doc");
            write_str(&mut self.out, doc);
        }
    }

    fn aliases(&mut self, named: &Named) {
        if named.aliases.is_empty() {
            return;
        }
        self.out.push(',');
        self.key("aliases");
        self.out.push('[');
        for (i, alias) in named.aliases.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            write_str(
                &mut self.out,
                &alias.qualified(named.name.namespace.as_deref()),
            );
        }
        self.out.push(']');
    }

    /// Writes a reference to an already written named type; `false` if it must be written in full.
    fn name_ref(&mut self, named: &Named, space: Option<&str>) -> bool {
        if self.known.insert(named.name.full()) {
            return false;
        }
        write_str(&mut self.out, &named.name.qualified(space));
        true
    }

    fn node(&mut self, id: NodeId, space: Option<&str>) {
        let arena = self.arena;
        let Some(node) = arena.get(id) else {
            return;
        };
        match node {
            Node::Primitive { kind, props } => {
                if props.is_empty() {
                    write_str(&mut self.out, kind.name());
                } else {
                    self.out.push('{');
                    self.key("type");
                    write_str(&mut self.out, kind.name());
                    self.props(props);
                    self.out.push('}');
                }
            }
            Node::Record {
                named,
                fields,
                is_error,
            } => {
                if self.name_ref(named, space) {
                    return;
                }
                self.out.push('{');
                self.key("type");
                write_str(&mut self.out, if *is_error { "error" } else { "record" });
                self.name(&named.name, space);
                self.doc(named.doc.as_deref());
                if let Some(fields) = fields {
                    self.out.push(',');
                    self.key("fields");
                    self.out.push('[');
                    for (i, field) in fields.iter().enumerate() {
                        if i > 0 {
                            self.out.push(',');
                        }
                        self.field(field, named.name.namespace.as_deref());
                    }
                    self.out.push(']');
                }
                self.props(&named.props);
                self.aliases(named);
                self.out.push('}');
            }
            Node::Enum {
                named,
                symbols,
                default,
            } => {
                if self.name_ref(named, space) {
                    return;
                }
                self.out.push('{');
                self.key("type");
                write_str(&mut self.out, "enum");
                self.name(&named.name, space);
                self.doc(named.doc.as_deref());
                self.out.push(',');
                self.key("symbols");
                self.out.push('[');
                for (i, symbol) in symbols.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    write_str(&mut self.out, symbol);
                }
                self.out.push(']');
                if let Some(default) = default {
                    self.out.push(',');
                    self.key("default");
                    write_str(&mut self.out, default);
                }
                self.props(&named.props);
                self.aliases(named);
                self.out.push('}');
            }
            Node::Fixed { named, size } => {
                if self.name_ref(named, space) {
                    return;
                }
                self.out.push('{');
                self.key("type");
                write_str(&mut self.out, "fixed");
                self.name(&named.name, space);
                self.doc(named.doc.as_deref());
                self.out.push(',');
                self.key("size");
                self.out.push_str(&size.to_string());
                self.props(&named.props);
                self.aliases(named);
                self.out.push('}');
            }
            Node::Array { items, props } => {
                self.out.push('{');
                self.key("type");
                write_str(&mut self.out, "array");
                self.out.push(',');
                self.key("items");
                self.node(*items, space);
                self.props(props);
                self.out.push('}');
            }
            Node::Map { values, props } => {
                self.out.push('{');
                self.key("type");
                write_str(&mut self.out, "map");
                self.out.push(',');
                self.key("values");
                self.node(*values, space);
                self.props(props);
                self.out.push('}');
            }
            Node::Union { branches } => {
                self.out.push('[');
                for (i, branch) in branches.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.node(*branch, space);
                }
                self.out.push(']');
            }
        }
    }

    fn field(&mut self, field: &Field, space: Option<&str>) {
        self.out.push('{');
        self.key("name");
        write_str(&mut self.out, &field.name);
        self.out.push(',');
        self.key("type");
        self.node(field.ty, space);
        self.doc(field.doc.as_deref());
        if let Some(default) = &field.default {
            self.out.push(',');
            self.key("default");
            write_value(&mut self.out, default);
        }
        if field.order != Order::Ascending {
            self.out.push(',');
            self.key("order");
            write_str(&mut self.out, field.order.name());
        }
        if !field.aliases.is_empty() {
            self.out.push(',');
            self.key("aliases");
            self.out.push('[');
            for (i, alias) in field.aliases.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                write_str(&mut self.out, alias);
            }
            self.out.push(']');
        }
        self.props(&field.props);
        self.out.push('}');
    }
}
