//! Confluent's JSON Schema compatibility: a structural diff of an original schema and its update
//! (`SchemaDiff.compare`), each change typed ([`DifferenceType`]) and placed by a JSON path into
//! the update; the update is compatible when the policy tolerates every change.
//!
//! The walk (`SchemaDiff`):
//! 1. a missing schema on one side is `SCHEMA_ADDED`/`SCHEMA_REMOVED`; `$ref`s are followed;
//! 2. an update that is a `oneOf`/`anyOf` of which one branch is compatible with a non-combined
//!    original is `SUM_TYPE_EXTENDED`; an original `allOf` one of whose branches an update
//!    satisfies is `PRODUCT_TYPE_NARROWED`; singleton combinations are looked through;
//! 3. schemas of different kinds are `TYPE_CHANGED`, unless the original is `false` or the
//!    update is empty (`{}`/`true`);
//! 4. otherwise annotations are compared, then the kind's own rules: `string`, `number`,
//!    `object` (open, closed and partially open content models), `array`, `combined`
//!    (maximum matching of compatible subschemas) and `not`.
//!
//! Bounded cost: every pair of subschemas is compared once (memoized, as Confluent's `Context`
//! does) and a pair met again while being compared is a recursive cycle, taken as compatible.
//! A check that would compare more than [`MAX_COMPARISONS`] pairs or nest deeper than
//! [`MAX_DEPTH`] stops with [`CompatError::JsonCheckTooComplex`].

mod array;
mod combined;
mod difference;
mod number;
mod object;
mod string;

pub use difference::{CompatibilityPolicy, Difference, DifferenceType};

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use crate::CompatError;
use crate::json::JsonSchema;
use crate::json::model::{Graph, Kind, Node, NodeId};

/// Most subschema comparisons one check may make (memoized repeats included).
pub const MAX_COMPARISONS: usize = 200_000;
/// Deepest nesting of subschema comparisons one check may reach.
pub const MAX_DEPTH: usize = 256;

/// Compares `original` with `update` (Confluent's `SchemaDiff.compare(original, update)`): every
/// change, compatible ones included. `BACKWARD` is `compare(old, new)`, `FORWARD`
/// `compare(new, old)`.
pub fn compare(
    original: &JsonSchema,
    update: &JsonSchema,
    policy: CompatibilityPolicy,
) -> Result<Vec<Difference>, CompatError> {
    let (graphs, nodes) = (
        [original.graph(), update.graph()],
        original.graph().nodes.len(),
    );
    let mut walk = Walk {
        graphs,
        policy,
        memo: Pairs::with_capacity_and_hasher(nodes.min(4096), Default::default()),
        nothing: Rc::from(Vec::new()),
        comparisons: 0,
        depth: 0,
    };
    let mut frame = Frame::default();
    walk.compare(
        &mut frame,
        Some(At(0, Graph::ROOT)),
        Some(At(1, Graph::ROOT)),
    )?;
    Ok(frame
        .diffs
        .into_iter()
        .map(|d| Difference {
            kind: d.kind,
            path: format!("#/{}", d.path),
        })
        .collect())
}

/// Whether `policy` tolerates every difference.
pub fn is_compatible(differences: &[Difference], policy: CompatibilityPolicy) -> bool {
    differences.iter().all(|d| policy.tolerates(d.kind))
}

/// A fast hasher for pairs of node indexes (not user-chosen text, so no flooding concern).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct PairHasher(u64);

impl Hasher for PairHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.write_u64(u64::from(*byte));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

type Pairs<V> = HashMap<(At, At), V, BuildHasherDefault<PairHasher>>;

/// A node of the original (side 0) or of the update (side 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct At(u8, NodeId);

/// A difference with its path relative to the pair being compared (no leading `#/`).
#[derive(Debug, Clone)]
pub(crate) struct Relative {
    kind: DifferenceType,
    path: String,
}

/// Where the walk is (relative to the pair being compared) and what it found there.
#[derive(Debug, Default)]
pub(crate) struct Frame {
    path: String,
    diffs: Vec<Relative>,
}

impl Frame {
    /// Appends a path segment; returns the mark [`Frame::leave`] restores.
    fn enter(&mut self, segment: &str) -> usize {
        let mark = self.path.len();
        if !self.path.is_empty() {
            self.path.push('/');
        }
        self.path.push_str(segment);
        mark
    }

    fn leave(&mut self, mark: usize) {
        self.path.truncate(mark);
    }

    fn add(&mut self, kind: DifferenceType) {
        self.diffs.push(Relative {
            kind,
            path: self.path.clone(),
        });
    }

    fn add_at(&mut self, segment: &str, kind: DifferenceType) {
        let mark = self.enter(segment);
        self.add(kind);
        self.leave(mark);
    }

    /// A frame at the same path with nothing found yet (Confluent's `getSubcontext`).
    fn sub(&self) -> Frame {
        Frame {
            path: self.path.clone(),
            diffs: Vec::new(),
        }
    }

    fn absorb(&mut self, other: Frame) {
        self.diffs.extend(other.diffs);
    }

    fn rebased(&mut self, relative: &[Relative]) {
        for d in relative {
            let path = match (self.path.is_empty(), d.path.is_empty()) {
                (true, _) => d.path.clone(),
                (false, true) => self.path.clone(),
                (false, false) => {
                    let mut path = String::with_capacity(self.path.len() + 1 + d.path.len());
                    path.push_str(&self.path);
                    path.push('/');
                    path.push_str(&d.path);
                    path
                }
            };
            self.diffs.push(Relative { kind: d.kind, path });
        }
    }
}

pub(crate) struct Walk<'a> {
    graphs: [&'a Graph; 2],
    policy: CompatibilityPolicy,
    /// Each pair's differences; `None` while the pair is being compared.
    memo: Pairs<Option<Rc<[Relative]>>>,
    /// The memo's shared empty result.
    nothing: Rc<[Relative]>,
    comparisons: usize,
    depth: usize,
}

impl Walk<'_> {
    fn node(&self, at: At) -> &Node {
        self.graphs[at.0 as usize].node(at.1)
    }

    fn kind(&self, at: At) -> &Kind {
        &self.node(at).kind
    }

    /// Follows `$ref`s to the schema they name.
    fn resolve(&self, mut at: At) -> At {
        for _ in 0..64 {
            match self.kind(at) {
                Kind::Ref(target) => at = At(at.0, *target),
                _ => return at,
            }
        }
        at
    }

    fn is_compatible(&self, frame: &Frame) -> bool {
        frame.diffs.iter().all(|d| self.policy.tolerates(d.kind))
    }

    /// Compares `original` with `update` at the frame's path (`SchemaDiff.compare`).
    pub(crate) fn compare(
        &mut self,
        frame: &mut Frame,
        original: Option<At>,
        update: Option<At>,
    ) -> Result<(), CompatError> {
        let (original, update) = match (original, update) {
            (None, None) => return Ok(()),
            (None, Some(_)) => {
                frame.add(DifferenceType::SchemaAdded);
                return Ok(());
            }
            (Some(_), None) => {
                frame.add(DifferenceType::SchemaRemoved);
                return Ok(());
            }
            (Some(o), Some(u)) => (self.resolve(o), self.resolve(u)),
        };
        self.comparisons += 1;
        if self.comparisons > MAX_COMPARISONS {
            return Err(CompatError::JsonCheckTooComplex {
                limit: "subschema comparisons",
                max: MAX_COMPARISONS,
            });
        }
        let key = (original, update);
        match self.memo.get(&key) {
            Some(Some(found)) => {
                let found = Rc::clone(found);
                frame.rebased(&found);
                return Ok(());
            }
            // Met again while being compared: a recursive cycle, taken as compatible.
            Some(None) => return Ok(()),
            None => {}
        }
        self.memo.insert(key, None);
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(CompatError::JsonCheckTooComplex {
                limit: "nesting depth",
                max: MAX_DEPTH,
            });
        }
        let mut pair = Frame::default();
        let outcome = self.compare_pair(&mut pair, original, update);
        self.depth -= 1;
        outcome?;
        let found: Rc<[Relative]> = if pair.diffs.is_empty() {
            Rc::clone(&self.nothing)
        } else {
            pair.diffs.into()
        };
        frame.rebased(&found);
        self.memo.insert(key, Some(found));
        Ok(())
    }

    fn compare_pair(&mut self, frame: &mut Frame, o: At, u: At) -> Result<(), CompatError> {
        use DifferenceType as T;
        if combined::compare_across(self, frame, o, u)? {
            return Ok(());
        }
        let (original, update) = (self.node(o), self.node(u));
        if original.kind.class() != update.kind.class() {
            if !matches!(original.kind, Kind::False) && !update.kind.is_empty_schema() {
                frame.add(T::TypeChanged);
            }
            return Ok(());
        }
        let (om, um) = (&original.meta, &update.meta);
        if om.id != um.id {
            frame.add(T::IdChanged);
        }
        if om.title != um.title {
            frame.add(T::TitleChanged);
        }
        if om.description != um.description {
            frame.add(T::DescriptionChanged);
        }
        if om.default != um.default {
            frame.add(T::DefaultChanged);
        }
        match (&original.kind, &update.kind) {
            (Kind::String(a), Kind::String(b)) => string::compare(frame, a, b),
            (Kind::Number(a), Kind::Number(b)) => number::compare(frame, a, b),
            (Kind::Enum(a), Kind::Enum(b)) => string::compare_enum(frame, a, b),
            (Kind::Const(a), Kind::Const(b)) if a != b => {
                frame.add_at("const", T::EnumArrayChanged);
            }
            (Kind::Combined { .. }, Kind::Combined { .. }) => combined::compare(self, frame, o, u)?,
            (Kind::Not(a), Kind::Not(b)) => {
                let (a, b) = (At(o.0, *a), At(u.0, *b));
                combined::compare_not(self, frame, a, b)?;
            }
            (Kind::Object(_), Kind::Object(_)) => object::compare(self, frame, o, u)?,
            (Kind::Array(_), Kind::Array(_)) => array::compare(self, frame, o, u)?,
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ResolvedReference;

    fn schema(text: &str) -> JsonSchema {
        JsonSchema::parse(text, &[]).expect("valid")
    }

    fn changes(old: &JsonSchema, new: &JsonSchema) -> Vec<String> {
        let mut found: Vec<String> = compare(old, new, CompatibilityPolicy::Strict)
            .expect("within bounds")
            .iter()
            .map(ToString::to_string)
            .collect();
        found.sort();
        found
    }

    #[test]
    fn references_to_other_subjects_are_followed() {
        let address = |kind: &str| ResolvedReference {
            name: "address.json".into(),
            subject: "address".into(),
            version: 1,
            schema: format!(r#"{{"type":"object","properties":{{"zip":{{"type":"{kind}"}}}}}}"#),
        };
        let main = r#"{"type":"object","properties":{"home":{"$ref":"address.json"}}}"#;
        let old = JsonSchema::parse(main, &[address("string")]).expect("valid");
        let same = JsonSchema::parse(main, &[address("string")]).expect("valid");
        let changed = JsonSchema::parse(main, &[address("number")]).expect("valid");
        assert!(changes(&old, &same).is_empty());
        assert_eq!(
            changes(&old, &changed),
            vec!["TYPE_CHANGED #/properties/home/properties/zip"]
        );
    }

    #[test]
    fn recursive_schemas_terminate() {
        let text = |kind: &str| {
            format!(
                r##"{{"definitions":{{"node":{{"type":"object","properties":{{"value":{{"type":"{kind}"}},"next":{{"$ref":"#/definitions/node"}}}}}}}},"$ref":"#/definitions/node"}}"##
            )
        };
        let (old, new) = (schema(&text("string")), schema(&text("number")));
        assert_eq!(changes(&old, &old.clone()), Vec::<String>::new());
        assert_eq!(changes(&old, &new), vec!["TYPE_CHANGED #/properties/value"]);
    }

    #[test]
    fn long_reference_chains_stop_at_the_depth_bound() {
        let n = MAX_DEPTH + 10;
        let definitions: Vec<String> = (0..n)
            .map(|i| format!(r##""d{i}":{{"type":"object","properties":{{"x":{{"$ref":"#/definitions/d{}"}}}}}}"##, i + 1))
            .chain(std::iter::once(format!(r#""d{n}":{{"type":"string"}}"#)))
            .collect();
        let text = format!(
            r##"{{"definitions":{{{}}},"$ref":"#/definitions/d0"}}"##,
            definitions.join(",")
        );
        let s = schema(&text);
        let e = compare(&s, &s.clone(), CompatibilityPolicy::Strict).expect_err("too deep");
        assert_eq!(
            e,
            CompatError::JsonCheckTooComplex {
                limit: "nesting depth",
                max: MAX_DEPTH
            }
        );
    }

    #[test]
    fn boolean_and_empty_schemas() {
        assert!(changes(&schema("true"), &schema("{}")).is_empty());
        assert!(changes(&schema("false"), &schema(r#"{"type":"string"}"#)).is_empty());
        assert_eq!(
            changes(&schema("true"), &schema(r#"{"type":"string"}"#)),
            vec!["TYPE_CHANGED #/"]
        );
    }

    #[test]
    fn draft_4_ids_are_compared() {
        let old = schema(r#"{"$schema":"http://json-schema.org/draft-04/schema#","id":"a"}"#);
        let new = schema(r#"{"$schema":"http://json-schema.org/draft-04/schema#","id":"b"}"#);
        assert_eq!(changes(&old, &new), vec!["ID_CHANGED #/"]);
    }
}
