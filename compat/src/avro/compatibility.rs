//! Apache Avro Java's reader/writer compatibility (`SchemaCompatibility.
//! checkReaderWriterCompatibility`), rule for rule: names compared unqualified or through reader
//! aliases, record fields by name or reader field aliases, enum symbols (waived by a reader enum
//! default), fixed sizes, numeric and string/bytes promotions, union rules. Every
//! incompatibility is collected, with its JSON-pointer location in the reader schema.
//!
//! Results are memoized per (reader node, writer node) pair as Avro Java memoizes per schema
//! object pair, so a recursive schema is assumed compatible where it recurses, and a named type
//! reached twice repeats its first result (locations included), as upstream does.

use std::collections::{BTreeSet, HashMap};

use super::canonical;
use super::model::{Arena, Field, Kind, Node, NodeId, Primitive};
use crate::incompatibility::{Incompatibility, IncompatibilityKind};

/// Upper bound on collected incompatibilities: upstream's list can grow exponentially when a
/// named type is reached along many paths; past this many, further ones are dropped.
const MAX_INCOMPATIBILITIES: usize = 1000;
/// Upper bound on nesting while checking; deeper pairs are assumed compatible (as a recursion).
const MAX_DEPTH: usize = 1000;

#[derive(Debug, Clone)]
struct Raw {
    kind: IncompatibilityKind,
    location: String,
    message: String,
}

#[derive(Debug, Clone, Default)]
struct Outcome {
    incompatible: bool,
    found: Vec<Raw>,
}

impl Outcome {
    fn compatible() -> Self {
        Self::default()
    }

    fn merge(&mut self, other: Outcome) {
        self.incompatible |= other.incompatible;
        let room = MAX_INCOMPATIBILITIES.saturating_sub(self.found.len());
        self.found.extend(other.found.into_iter().take(room));
    }
}

/// One side of the check: the arena and root of a parsed schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Side<'a> {
    pub(crate) arena: &'a Arena,
    pub(crate) root: NodeId,
}

/// Everything the reader cannot read from the writer, described with the given names for the
/// reader and writer schemas (`new`/`old` in a registry check). Empty means compatible.
pub(crate) fn check(
    reader: Side<'_>,
    writer: Side<'_>,
    reader_label: &str,
    writer_label: &str,
) -> Vec<Incompatibility> {
    let mut checker = Checker {
        reader: reader.arena,
        writer: writer.arena,
        memo: HashMap::new(),
        depth: 0,
        failure: None,
    };
    let outcome = checker.fresh(reader.root, writer.root);
    if let Some(message) = checker.failure {
        return vec![Incompatibility::new(
            IncompatibilityKind::CheckFailed,
            "/".into(),
            message,
            reader_label,
            writer_label,
        )];
    }
    outcome
        .found
        .into_iter()
        .map(|raw| {
            Incompatibility::new(
                raw.kind,
                raw.location,
                raw.message,
                reader_label,
                writer_label,
            )
        })
        .collect()
}

struct Checker<'a> {
    reader: &'a Arena,
    writer: &'a Arena,
    /// `None` while the pair is being checked (recursion in progress).
    memo: HashMap<(NodeId, NodeId), Option<Outcome>>,
    depth: usize,
    /// The first exception Avro Java would have thrown, which ends the check.
    failure: Option<String>,
}

/// `Incompatibility.getLocation()`: the tokens after the root, JSON-pointer escaped.
fn pointer(location: &[String]) -> String {
    let tokens: Vec<String> = location
        .iter()
        .skip(1)
        .map(|t| t.replace('~', "~0").replace('/', "~1"))
        .collect();
    format!("/{}", tokens.join("/"))
}

fn incompatible(kind: IncompatibilityKind, message: String, location: &[String]) -> Outcome {
    Outcome {
        incompatible: true,
        found: vec![Raw {
            kind,
            location: pointer(location),
            message,
        }],
    }
}

impl Checker<'_> {
    /// `getCompatibility(reader, writer)`: a check with a fresh location.
    fn fresh(&mut self, r: NodeId, w: NodeId) -> Outcome {
        let mut location = Vec::new();
        self.at(String::new(), r, w, &mut location)
    }

    /// `getCompatibility(token, reader, writer, location)`, memoized.
    fn at(&mut self, token: String, r: NodeId, w: NodeId, location: &mut Vec<String>) -> Outcome {
        location.push(token);
        let outcome = match self.memo.get(&(r, w)) {
            Some(None) => Outcome::compatible(),
            Some(Some(done)) => done.clone(),
            None if self.depth >= MAX_DEPTH || self.failure.is_some() => Outcome::compatible(),
            None => {
                self.memo.insert((r, w), None);
                self.depth += 1;
                let outcome = self.calculate(r, w, location);
                self.depth -= 1;
                self.memo.insert((r, w), Some(outcome.clone()));
                outcome
            }
        };
        location.pop();
        outcome
    }

    fn calculate(&mut self, r: NodeId, w: NodeId, location: &mut Vec<String>) -> Outcome {
        let (reader_arena, writer_arena) = (self.reader, self.writer);
        let (Some(rn), Some(wn)) = (reader_arena.get(r), writer_arena.get(w)) else {
            return Outcome::compatible();
        };
        let mut result = Outcome::compatible();
        if rn.kind() == wn.kind() {
            match (rn, wn) {
                (Node::Array { items: ri, .. }, Node::Array { items: wi, .. }) => {
                    result.merge(self.at("items".into(), *ri, *wi, location));
                }
                (Node::Map { values: rv, .. }, Node::Map { values: wv, .. }) => {
                    result.merge(self.at("values".into(), *rv, *wv, location));
                }
                (Node::Fixed { size: rs, .. }, Node::Fixed { size: ws, .. }) => {
                    result.merge(names(rn, wn, location));
                    location.push("size".into());
                    if rs != ws {
                        result.merge(incompatible(
                            IncompatibilityKind::FixedSizeMismatch,
                            format!("expected: {ws}, found: {rs}"),
                            location,
                        ));
                    }
                    location.pop();
                }
                (
                    Node::Enum {
                        symbols: rsym,
                        default: rdef,
                        ..
                    },
                    Node::Enum { symbols: wsym, .. },
                ) => {
                    result.merge(names(rn, wn, location));
                    location.push("symbols".into());
                    let missing: BTreeSet<&String> =
                        wsym.iter().filter(|s| !rsym.contains(s)).collect();
                    let waived = rdef.as_ref().is_some_and(|d| rsym.contains(d));
                    if !missing.is_empty() && !waived {
                        let listed: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
                        result.merge(incompatible(
                            IncompatibilityKind::MissingEnumSymbols,
                            format!("[{}]", listed.join(", ")),
                            location,
                        ));
                    }
                    location.pop();
                }
                (Node::Record { fields: rf, .. }, Node::Record { fields: wf, .. }) => {
                    result.merge(names(rn, wn, location));
                    let (rf, wf) = (rf.as_deref().unwrap_or(&[]), wf.as_deref().unwrap_or(&[]));
                    result.merge(self.fields(rf, wf, w, location));
                }
                (Node::Union { .. }, Node::Union { branches: wb }) => {
                    for (i, branch) in wb.iter().enumerate() {
                        location.push(i.to_string());
                        if self.fresh(r, *branch).incompatible {
                            let writer_type =
                                writer_arena.get(*branch).map_or(Kind::Union, Node::kind);
                            result.merge(incompatible(
                                IncompatibilityKind::MissingUnionBranch,
                                format!(
                                    "reader union lacking writer type: {}",
                                    writer_type.upper()
                                ),
                                location,
                            ));
                        }
                        location.pop();
                    }
                }
                // Same primitive type.
                _ => {}
            }
            return result;
        }

        if let Node::Union { branches } = wn {
            for (i, branch) in branches.iter().enumerate() {
                result.merge(self.at(i.to_string(), r, *branch, location));
            }
            return result;
        }

        let writer_kind = wn.kind();
        let promotable = match rn.kind() {
            Kind::Primitive(Primitive::Long) => writer_kind == Kind::Primitive(Primitive::Int),
            Kind::Primitive(Primitive::Float) => matches!(
                writer_kind,
                Kind::Primitive(Primitive::Int | Primitive::Long)
            ),
            Kind::Primitive(Primitive::Double) => matches!(
                writer_kind,
                Kind::Primitive(Primitive::Int | Primitive::Long | Primitive::Float)
            ),
            Kind::Primitive(Primitive::Bytes) => writer_kind == Kind::Primitive(Primitive::String),
            Kind::Primitive(Primitive::String) => writer_kind == Kind::Primitive(Primitive::Bytes),
            Kind::Union => {
                if let Node::Union { branches } = rn {
                    for branch in branches {
                        if !self.fresh(*branch, w).incompatible {
                            return result;
                        }
                    }
                }
                result.merge(incompatible(
                    IncompatibilityKind::MissingUnionBranch,
                    format!("reader union lacking writer type: {}", writer_kind.upper()),
                    location,
                ));
                return result;
            }
            _ => false,
        };
        if !promotable {
            result.merge(incompatible(
                IncompatibilityKind::TypeMismatch,
                format!(
                    "reader type: {} not compatible with writer type: {}",
                    rn.kind().upper(),
                    writer_kind.upper()
                ),
                location,
            ));
        }
        result
    }

    /// Every reader field must be read from a writer field (by name or reader alias) or have a
    /// default; extra writer fields are skipped.
    fn fields(
        &mut self,
        reader_fields: &[Field],
        writer_fields: &[Field],
        writer_record: NodeId,
        location: &mut Vec<String>,
    ) -> Outcome {
        let mut result = Outcome::compatible();
        location.push("fields".into());
        for (pos, field) in reader_fields.iter().enumerate() {
            location.push(pos.to_string());
            let mut matches: Vec<&Field> = Vec::new();
            for name in std::iter::once(&field.name).chain(field.aliases.iter()) {
                if let Some(found) = writer_fields.iter().find(|f| &f.name == name) {
                    matches.push(found);
                }
            }
            match matches.as_slice() {
                [] => {
                    if field.default.is_none() {
                        let reader_enum_default = matches!(
                            self.reader.get(field.ty),
                            Some(Node::Enum {
                                default: Some(_),
                                ..
                            })
                        );
                        if reader_enum_default {
                            result.merge(self.at("type".into(), field.ty, writer_record, location));
                        } else {
                            result.merge(incompatible(
                                IncompatibilityKind::ReaderFieldMissingDefaultValue,
                                field.name.clone(),
                                location,
                            ));
                        }
                    }
                }
                [writer_field] => {
                    result.merge(self.at("type".into(), field.ty, writer_field.ty, location));
                }
                _ => {
                    if self.failure.is_none() {
                        let reader_type = self.reader.get(field.ty).map_or(Kind::Union, Node::kind);
                        self.failure = Some(format!(
                            "Reader record field {} type:{} pos:{pos} matches multiple fields in writer record schema {}",
                            field.name,
                            reader_type.upper(),
                            canonical::render_standalone(self.writer, writer_record)
                        ));
                    }
                }
            }
            location.pop();
        }
        location.pop();
        result
    }
}

/// `checkSchemaNames`: unqualified names equal, or a reader alias is the writer's full name.
fn names(reader: &Node, writer: &Node, location: &mut Vec<String>) -> Outcome {
    let (Some(r), Some(w)) = (reader.named(), writer.named()) else {
        return Outcome::compatible();
    };
    location.push("name".into());
    let writer_full = w.name.full();
    let result = if r.name.name == w.name.name || r.alias_names().contains(&writer_full) {
        Outcome::compatible()
    } else {
        incompatible(
            IncompatibilityKind::NameMismatch,
            format!("expected: {writer_full}"),
            location,
        )
    };
    location.pop();
    result
}
