//! Apache Avro Java's reader/writer compatibility (`SchemaCompatibility.
//! checkReaderWriterCompatibility`), rule for rule: names compared unqualified or through reader
//! aliases, record fields by name or reader field aliases, enum symbols (waived by a reader enum
//! default), fixed sizes, numeric and string/bytes promotions, union rules. Every
//! incompatibility is collected, with its JSON-pointer location in the reader schema.
//!
//! Results are memoized per (reader node, writer node) pair as Avro Java memoizes per schema
//! object pair, so a recursive schema is assumed compatible where it recurses, and a named type
//! reached twice repeats its first result (locations included), as upstream does.

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasherDefault;

use super::canonical;
use super::model::{Arena, Field, Kind, Node, NodeId, Primitive};
use crate::incompatibility::{Incompatibility, IncompatibilityKind};
use crate::json::diff::PairHasher;

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
        if !other.incompatible {
            return;
        }
        self.incompatible = true;
        let room = MAX_INCOMPATIBILITIES.saturating_sub(self.found.len());
        if self.found.is_empty() && other.found.len() <= room {
            self.found = other.found;
        } else {
            self.found.extend(other.found.into_iter().take(room));
        }
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
    // Most checks pair each reader node with about one writer node.
    let expected_pairs = reader.arena.len();
    let mut checker = Checker {
        reader: reader.arena,
        writer: writer.arena,
        memo: Pairs::with_capacity_and_hasher(expected_pairs, BuildHasherDefault::default()),
        results: Vec::with_capacity(expected_pairs),
        location: Vec::with_capacity(16),
        base: 0,
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

/// The memo's key hashing: node indexes are small integers the check derives itself (not
/// user-chosen text), so a multiply-rotate hash is enough.
type Pairs = HashMap<(NodeId, NodeId), usize, BuildHasherDefault<PairHasher>>;

/// One step of a location in the reader schema, rendered only when an incompatibility is
/// recorded there.
#[derive(Debug, Clone, Copy)]
enum Token {
    Key(&'static str),
    Index(usize),
}

struct Checker<'a> {
    reader: &'a Arena,
    writer: &'a Arena,
    /// Index into `results` of each pair ever reached.
    memo: Pairs,
    /// `None` while the pair is being checked (recursion in progress).
    results: Vec<Option<Outcome>>,
    /// The current location, as a stack shared by nested fresh checks: the current check's
    /// tokens start at `base` (its root token, which the pointer skips).
    location: Vec<Token>,
    base: usize,
    depth: usize,
    /// The first exception Avro Java would have thrown, which ends the check.
    failure: Option<String>,
}

/// Field lookups by name in a writer record with more fields than this build an index first.
const SCAN_FIELDS: usize = 8;

/// A writer record's fields looked up by name: the field after the last one found is tried
/// first (fields usually keep their order across versions), then a name index built on the
/// first miss.
struct WriterFields<'a> {
    fields: &'a [Field],
    next: usize,
    index: Option<HashMap<&'a str, usize>>,
}

impl<'a> WriterFields<'a> {
    fn new(fields: &'a [Field]) -> Self {
        Self {
            fields,
            next: 0,
            index: None,
        }
    }

    /// `Schema.getField(name)` (record field names are unique).
    fn get(&mut self, name: &str) -> Option<&'a Field> {
        let fields = self.fields;
        let at = if fields.get(self.next).is_some_and(|f| f.name == name) {
            Some(self.next)
        } else if fields.len() <= SCAN_FIELDS {
            fields.iter().position(|f| f.name == name)
        } else {
            let index = self.index.get_or_insert_with(|| {
                let mut index = HashMap::with_capacity(fields.len());
                for (i, field) in fields.iter().enumerate() {
                    index.entry(field.name.as_str()).or_insert(i);
                }
                index
            });
            index.get(name).copied()
        }?;
        self.next = at + 1;
        fields.get(at)
    }
}

impl Checker<'_> {
    /// `getCompatibility(reader, writer)`: a check with a fresh location.
    fn fresh(&mut self, r: NodeId, w: NodeId) -> Outcome {
        let outer = std::mem::replace(&mut self.base, self.location.len());
        let outcome = self.at(Token::Key(""), r, w);
        self.base = outer;
        outcome
    }

    /// `getCompatibility(token, reader, writer, location)`, memoized.
    fn at(&mut self, token: Token, r: NodeId, w: NodeId) -> Outcome {
        // The same primitive type on both sides is always compatible, wherever it is reached, so
        // such a pair needs no memo entry (its memoized result would be the same).
        if let (Some(Node::Primitive { kind: rk, .. }), Some(Node::Primitive { kind: wk, .. })) =
            (self.reader.get(r), self.writer.get(w))
            && rk == wk
        {
            return Outcome::compatible();
        }
        let slot = match self.memo.entry((r, w)) {
            Entry::Occupied(seen) => {
                return match &self.results[*seen.get()] {
                    Some(done) => done.clone(),
                    None => Outcome::compatible(),
                };
            }
            Entry::Vacant(_) if self.depth >= MAX_DEPTH || self.failure.is_some() => {
                return Outcome::compatible();
            }
            Entry::Vacant(new) => {
                let slot = self.results.len();
                new.insert(slot);
                self.results.push(None);
                slot
            }
        };
        self.location.push(token);
        self.depth += 1;
        let outcome = self.calculate(r, w);
        self.depth -= 1;
        self.location.pop();
        self.results[slot] = Some(outcome.clone());
        outcome
    }

    /// `Incompatibility.getLocation()`: the tokens after the current check's root, as a JSON
    /// pointer.
    fn pointer(&self, last: Option<Token>) -> String {
        let tokens = self.location.get(self.base + 1..).unwrap_or(&[]);
        let mut pointer = String::new();
        for token in tokens.iter().chain(last.as_ref()) {
            pointer.push('/');
            match token {
                Token::Key(key) => pointer.push_str(&key.replace('~', "~0").replace('/', "~1")),
                Token::Index(i) => pointer.push_str(&i.to_string()),
            }
        }
        if pointer.is_empty() {
            pointer.push('/');
        }
        pointer
    }

    /// One incompatibility at the current location, followed by `last` when given.
    fn incompatible(
        &self,
        kind: IncompatibilityKind,
        message: String,
        last: Option<Token>,
    ) -> Outcome {
        Outcome {
            incompatible: true,
            found: vec![Raw {
                kind,
                location: self.pointer(last),
                message,
            }],
        }
    }

    fn calculate(&mut self, r: NodeId, w: NodeId) -> Outcome {
        let (reader_arena, writer_arena) = (self.reader, self.writer);
        let (Some(rn), Some(wn)) = (reader_arena.get(r), writer_arena.get(w)) else {
            return Outcome::compatible();
        };
        let mut result = Outcome::compatible();
        if rn.kind() == wn.kind() {
            match (rn, wn) {
                (Node::Array { items: ri, .. }, Node::Array { items: wi, .. }) => {
                    result.merge(self.at(Token::Key("items"), *ri, *wi));
                }
                (Node::Map { values: rv, .. }, Node::Map { values: wv, .. }) => {
                    result.merge(self.at(Token::Key("values"), *rv, *wv));
                }
                (Node::Fixed { size: rs, .. }, Node::Fixed { size: ws, .. }) => {
                    result.merge(self.names(rn, wn));
                    if rs != ws {
                        result.merge(self.incompatible(
                            IncompatibilityKind::FixedSizeMismatch,
                            format!("expected: {ws}, found: {rs}"),
                            Some(Token::Key("size")),
                        ));
                    }
                }
                (
                    Node::Enum {
                        symbols: rsym,
                        default: rdef,
                        ..
                    },
                    Node::Enum { symbols: wsym, .. },
                ) => {
                    result.merge(self.names(rn, wn));
                    let missing: BTreeSet<&String> =
                        wsym.iter().filter(|s| !rsym.contains(s)).collect();
                    let waived = rdef.as_ref().is_some_and(|d| rsym.contains(d));
                    if !missing.is_empty() && !waived {
                        let listed: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
                        result.merge(self.incompatible(
                            IncompatibilityKind::MissingEnumSymbols,
                            format!("[{}]", listed.join(", ")),
                            Some(Token::Key("symbols")),
                        ));
                    }
                }
                (Node::Record { fields: rf, .. }, Node::Record { fields: wf, .. }) => {
                    result.merge(self.names(rn, wn));
                    let (rf, wf) = (rf.as_deref().unwrap_or(&[]), wf.as_deref().unwrap_or(&[]));
                    result.merge(self.fields(rf, wf, w));
                }
                (Node::Union { .. }, Node::Union { branches: wb }) => {
                    for (i, branch) in wb.iter().enumerate() {
                        self.location.push(Token::Index(i));
                        if self.fresh(r, *branch).incompatible {
                            let writer_type =
                                writer_arena.get(*branch).map_or(Kind::Union, Node::kind);
                            result.merge(self.incompatible(
                                IncompatibilityKind::MissingUnionBranch,
                                format!(
                                    "reader union lacking writer type: {}",
                                    writer_type.upper()
                                ),
                                None,
                            ));
                        }
                        self.location.pop();
                    }
                }
                // Same primitive type.
                _ => {}
            }
            return result;
        }

        if let Node::Union { branches } = wn {
            for (i, branch) in branches.iter().enumerate() {
                result.merge(self.at(Token::Index(i), r, *branch));
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
                result.merge(self.incompatible(
                    IncompatibilityKind::MissingUnionBranch,
                    format!("reader union lacking writer type: {}", writer_kind.upper()),
                    None,
                ));
                return result;
            }
            _ => false,
        };
        if !promotable {
            result.merge(self.incompatible(
                IncompatibilityKind::TypeMismatch,
                format!(
                    "reader type: {} not compatible with writer type: {}",
                    rn.kind().upper(),
                    writer_kind.upper()
                ),
                None,
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
    ) -> Outcome {
        let mut result = Outcome::compatible();
        let mut writer = WriterFields::new(writer_fields);
        self.location.push(Token::Key("fields"));
        for (pos, field) in reader_fields.iter().enumerate() {
            // `lookupWriterField`: the field by name, then by each alias; more than one is an error.
            let mut found: Option<&Field> = None;
            let mut several = false;
            for name in std::iter::once(&field.name).chain(field.aliases.iter()) {
                if let Some(writer_field) = writer.get(name) {
                    several |= found.is_some();
                    found = Some(writer_field);
                }
            }
            self.location.push(Token::Index(pos));
            match found {
                _ if several => {
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
                None => {
                    if field.default.is_none() {
                        let reader_enum_default = matches!(
                            self.reader.get(field.ty),
                            Some(Node::Enum {
                                default: Some(_),
                                ..
                            })
                        );
                        if reader_enum_default {
                            result.merge(self.at(Token::Key("type"), field.ty, writer_record));
                        } else {
                            result.merge(self.incompatible(
                                IncompatibilityKind::ReaderFieldMissingDefaultValue,
                                field.name.clone(),
                                None,
                            ));
                        }
                    }
                }
                Some(writer_field) => {
                    result.merge(self.at(Token::Key("type"), field.ty, writer_field.ty));
                }
            }
            self.location.pop();
        }
        self.location.pop();
        result
    }

    /// `checkSchemaNames`: unqualified names equal, or a reader alias is the writer's full name.
    fn names(&self, reader: &Node, writer: &Node) -> Outcome {
        let (Some(r), Some(w)) = (reader.named(), writer.named()) else {
            return Outcome::compatible();
        };
        if r.name.name == w.name.name {
            return Outcome::compatible();
        }
        let writer_full = w.name.full();
        if r.alias_names().contains(&writer_full) {
            Outcome::compatible()
        } else {
            self.incompatible(
                IncompatibilityKind::NameMismatch,
                format!("expected: {writer_full}"),
                Some(Token::Key("name")),
            )
        }
    }
}
