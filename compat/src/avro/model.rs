//! The Avro schema model: an arena of nodes. A named type is one node that every reference to it
//! shares (as Avro Java shares one `Schema` object), which is what makes recursive schemas and
//! the identity-based memo of the compatibility check work.

use serde_json::Value;

/// Index of a node in [`Arena`].
pub(crate) type NodeId = usize;

/// Custom properties (`logicalType`, `connect.name`, …) in input order.
pub(crate) type Props = Vec<(String, Value)>;

/// The primitive types, in Avro's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Primitive {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
}

impl Primitive {
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "null" => Self::Null,
            "boolean" => Self::Boolean,
            "int" => Self::Int,
            "long" => Self::Long,
            "float" => Self::Float,
            "double" => Self::Double,
            "bytes" => Self::Bytes,
            "string" => Self::String,
            _ => return None,
        })
    }

    pub(crate) const fn name(self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Boolean => "boolean",
            Self::Int => "int",
            Self::Long => "long",
            Self::Float => "float",
            Self::Double => "double",
            Self::Bytes => "bytes",
            Self::String => "string",
        }
    }
}

/// Avro Java's `Schema.Type`, used for messages (`TYPE_MISMATCH` prints the upper-case name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Record,
    Enum,
    Array,
    Map,
    Union,
    Fixed,
    Primitive(Primitive),
}

impl Kind {
    /// Lower-case type name (`Schema.Type.getName()`).
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Self::Record => "record",
            Self::Enum => "enum",
            Self::Array => "array",
            Self::Map => "map",
            Self::Union => "union",
            Self::Fixed => "fixed",
            Self::Primitive(p) => p.name(),
        }
    }

    /// Upper-case type name (`Schema.Type.toString()`).
    pub(crate) const fn upper(self) -> &'static str {
        match self {
            Self::Record => "RECORD",
            Self::Enum => "ENUM",
            Self::Array => "ARRAY",
            Self::Map => "MAP",
            Self::Union => "UNION",
            Self::Fixed => "FIXED",
            Self::Primitive(Primitive::Null) => "NULL",
            Self::Primitive(Primitive::Boolean) => "BOOLEAN",
            Self::Primitive(Primitive::Int) => "INT",
            Self::Primitive(Primitive::Long) => "LONG",
            Self::Primitive(Primitive::Float) => "FLOAT",
            Self::Primitive(Primitive::Double) => "DOUBLE",
            Self::Primitive(Primitive::Bytes) => "BYTES",
            Self::Primitive(Primitive::String) => "STRING",
        }
    }
}

/// Every `Schema.Type` name; a named type called like one of these is always written qualified.
pub(crate) const TYPE_NAMES: [&str; 14] = [
    "record", "enum", "array", "map", "union", "fixed", "string", "bytes", "int", "long", "float",
    "double", "boolean", "null",
];

/// A full name split as Avro Java's `Schema.Name` splits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Name {
    pub(crate) name: String,
    pub(crate) namespace: Option<String>,
}

impl Name {
    /// `new Name(name, space)`: a dotted name carries its own namespace; an empty namespace is none.
    pub(crate) fn new(name: &str, space: Option<&str>) -> Self {
        let (space, simple) = match name.rfind('.') {
            Some(dot) => (Some(&name[..dot]), &name[dot + 1..]),
            None => (space, name),
        };
        Self {
            name: simple.to_owned(),
            namespace: space.filter(|s| !s.is_empty()).map(str::to_owned),
        }
    }

    pub(crate) fn full(&self) -> String {
        match &self.namespace {
            Some(space) => format!("{space}.{}", self.name),
            None => self.name.clone(),
        }
    }

    /// `Name.getQualified(defaultSpace)`: the short name when the namespace is the enclosing one
    /// and the short name is not a type name, otherwise the full name.
    pub(crate) fn qualified(&self, default_space: Option<&str>) -> String {
        let same_space = self.namespace.is_some() && self.namespace.as_deref() == default_space;
        if same_space && !TYPE_NAMES.contains(&self.name.as_str()) {
            self.name.clone()
        } else {
            self.full()
        }
    }
}

/// Sort order of a record field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    Ascending,
    Descending,
    Ignore,
}

impl Order {
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Self::Ascending => "ascending",
            Self::Descending => "descending",
            Self::Ignore => "ignore",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub(crate) name: String,
    pub(crate) ty: NodeId,
    pub(crate) doc: Option<String>,
    pub(crate) default: Option<Value>,
    pub(crate) order: Order,
    pub(crate) aliases: Vec<String>,
    pub(crate) props: Props,
}

/// What every named type (record, enum, fixed) has.
#[derive(Debug, Clone)]
pub(crate) struct Named {
    pub(crate) name: Name,
    pub(crate) doc: Option<String>,
    pub(crate) aliases: Vec<Name>,
    pub(crate) props: Props,
}

impl Named {
    /// `Schema.getAliases()`: full names, or `.name` for a null-namespace alias of a namespaced type.
    pub(crate) fn alias_names(&self) -> Vec<String> {
        self.aliases
            .iter()
            .map(|alias| {
                if alias.namespace.is_none() && self.name.namespace.is_some() {
                    format!(".{}", alias.name)
                } else {
                    alias.full()
                }
            })
            .collect()
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Node {
    Primitive {
        kind: Primitive,
        props: Props,
    },
    Record {
        named: Named,
        /// `None` while the record's own fields are being parsed (a recursive reference).
        fields: Option<Vec<Field>>,
        is_error: bool,
    },
    Enum {
        named: Named,
        symbols: Vec<String>,
        default: Option<String>,
    },
    Fixed {
        named: Named,
        size: u32,
    },
    Array {
        items: NodeId,
        props: Props,
    },
    Map {
        values: NodeId,
        props: Props,
    },
    Union {
        branches: Vec<NodeId>,
    },
}

impl Node {
    pub(crate) fn kind(&self) -> Kind {
        match self {
            Self::Primitive { kind, .. } => Kind::Primitive(*kind),
            Self::Record { .. } => Kind::Record,
            Self::Enum { .. } => Kind::Enum,
            Self::Fixed { .. } => Kind::Fixed,
            Self::Array { .. } => Kind::Array,
            Self::Map { .. } => Kind::Map,
            Self::Union { .. } => Kind::Union,
        }
    }

    pub(crate) fn named(&self) -> Option<&Named> {
        match self {
            Self::Record { named, .. } | Self::Enum { named, .. } | Self::Fixed { named, .. } => {
                Some(named)
            }
            _ => None,
        }
    }

    /// `Schema.getFullName()`: the full name of a named type, the type name otherwise.
    pub(crate) fn full_name(&self) -> String {
        match self.named() {
            Some(named) => named.name.full(),
            None => self.kind().name().to_owned(),
        }
    }

    /// The custom properties (a union has none).
    pub(crate) fn props(&self) -> &[(String, Value)] {
        match self {
            Self::Primitive { props, .. } | Self::Array { props, .. } | Self::Map { props, .. } => {
                props
            }
            Self::Record { named, .. } | Self::Enum { named, .. } | Self::Fixed { named, .. } => {
                &named.props
            }
            Self::Union { .. } => &[],
        }
    }

    /// A property's text value (`JsonProperties.getProp`).
    pub(crate) fn text_prop(&self, key: &str) -> Option<&str> {
        self.props()
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.as_str())
    }
}

/// All nodes of one parsed schema, its references' nodes included.
pub(crate) type Arena = Vec<Node>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_case_names_are_the_lower_case_names_upper_cased() {
        let kinds = [
            Kind::Record,
            Kind::Enum,
            Kind::Array,
            Kind::Map,
            Kind::Union,
            Kind::Fixed,
        ]
        .into_iter()
        .chain(
            TYPE_NAMES
                .iter()
                .filter_map(|name| Primitive::from_name(name).map(Kind::Primitive)),
        );
        let mut seen = 0;
        for kind in kinds {
            assert_eq!(kind.upper(), kind.name().to_ascii_uppercase());
            seen += 1;
        }
        assert_eq!(seen, TYPE_NAMES.len());
    }

    #[test]
    fn dotted_name_carries_its_namespace() {
        let n = Name::new("a.b.C", Some("x"));
        assert_eq!(n.name, "C");
        assert_eq!(n.namespace.as_deref(), Some("a.b"));
        assert_eq!(n.full(), "a.b.C");
    }

    #[test]
    fn empty_namespace_is_no_namespace() {
        assert_eq!(Name::new("C", Some("")).full(), "C");
    }

    #[test]
    fn qualified_name_is_short_only_in_its_own_namespace() {
        let n = Name::new("C", Some("a"));
        assert_eq!(n.qualified(Some("a")), "C");
        assert_eq!(n.qualified(Some("b")), "a.C");
        assert_eq!(n.qualified(None), "a.C");
        assert_eq!(Name::new("int", Some("a")).qualified(Some("a")), "a.int");
    }
}
