//! Objects (Confluent's `ObjectSchemaDiff`): required properties, properties under open, closed
//! and partially open content models, dependencies, additional and unevaluated properties,
//! property counts.
//!
//! Content models: an object is *open* when any extra property is allowed (no
//! `patternProperties`, `additionalProperties` absent or `true`, and, in 2019-09/2020-12,
//! `unevaluatedProperties` absent or empty); *closed* when `additionalProperties` (or
//! `unevaluatedProperties`) is `false` and no pattern matches; *partially open* when a
//! `patternProperties` pattern matching the name, or an `additionalProperties`/
//! `unevaluatedProperties` schema, covers it. Only the update's model matters for a removed
//! property and only the original's for an added one.

use regex::Regex;

use super::{At, DifferenceType as T, Frame, Walk};
use crate::CompatError;
use crate::json::model::{Kind, NodeId, ObjectRules};

fn rules(walk: &Walk<'_>, at: At) -> std::sync::Arc<ObjectRules> {
    match walk.kind(at) {
        Kind::Object(rules) => std::sync::Arc::clone(rules),
        _ => unreachable!("object rules asked of a non-object node"),
    }
}

fn lookup<'r>(entries: &'r [(String, NodeId)], key: &str) -> Option<&'r NodeId> {
    entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn is_open(walk: &Walk<'_>, side: u8, rules: &ObjectRules) -> bool {
    rules.pattern_properties.is_empty()
        && rules.additional.is_none()
        && rules.permits_additional
        && rules
            .unevaluated
            .is_none_or(|u| walk.kind(walk.resolve(At(side, u))).is_empty_schema())
}

/// The schema a partially open model gives the property `name`, if any.
fn partial_schema(walk: &Walk<'_>, side: u8, rules: &ObjectRules, name: &str) -> Option<At> {
    let matches = |pattern: &Option<Regex>| pattern.as_ref().is_some_and(|p| p.is_match(name));
    if let Some((_, id)) = rules.pattern_properties.iter().find(|(p, _)| matches(p)) {
        return Some(At(side, *id));
    }
    if let Some(id) = rules.additional {
        return Some(At(side, id));
    }
    if rules.permits_additional
        && let Some(id) = rules.unevaluated
    {
        let at = At(side, id);
        let kind = walk.kind(walk.resolve(at));
        if !matches!(kind, Kind::False) && !kind.is_empty_schema() {
            return Some(at);
        }
    }
    None
}

fn has_default(walk: &Walk<'_>, at: At) -> bool {
    walk.node(at).meta.default.is_some()
}

pub(super) fn compare(
    walk: &mut Walk<'_>,
    frame: &mut Frame,
    o: At,
    u: At,
) -> Result<(), CompatError> {
    let (original, update) = (rules(walk, o), rules(walk, u));
    let joined = joined(&original, &update);
    compare_required(walk, frame, &original, &update, u.0, &joined);
    compare_properties(walk, frame, (o.0, &original), (u.0, &update), &joined)?;
    compare_dependencies(walk, frame, (o.0, &original), (u.0, &update))?;
    additional(
        walk,
        frame,
        "additionalProperties",
        (o.0, original.permits_additional, original.additional),
        (u.0, update.permits_additional, update.additional),
        [
            T::AdditionalPropertiesAdded,
            T::AdditionalPropertiesRemoved,
            T::AdditionalPropertiesExtended,
            T::AdditionalPropertiesNarrowed,
        ],
    )?;
    compare_unevaluated(walk, frame, (o.0, &original), (u.0, &update))?;
    super::string::bound(
        frame,
        "maxProperties",
        original.max_properties,
        update.max_properties,
        [
            T::MaxPropertiesAdded,
            T::MaxPropertiesRemoved,
            T::MaxPropertiesIncreased,
            T::MaxPropertiesDecreased,
        ],
    );
    super::string::bound(
        frame,
        "minProperties",
        original.min_properties,
        update.min_properties,
        [
            T::MinPropertiesAdded,
            T::MinPropertiesRemoved,
            T::MinPropertiesIncreased,
            T::MinPropertiesDecreased,
        ],
    );
    Ok(())
}

/// Every property name of either side with its schema on each side (a merge of the two sorted
/// indexes).
fn joined<'r>(
    original: &'r ObjectRules,
    update: &'r ObjectRules,
) -> Vec<(&'r str, Option<NodeId>, Option<NodeId>)> {
    let (a, b) = (&original.property_index, &update.property_index);
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some((x, xa)), Some((y, yb))) if x == y => {
                out.push((x.as_str(), Some(*xa), Some(*yb)));
                i += 1;
                j += 1;
            }
            (Some((x, xa)), Some((y, _))) if x < y => {
                out.push((x.as_str(), Some(*xa), None));
                i += 1;
            }
            (Some((x, xa)), None) => {
                out.push((x.as_str(), Some(*xa), None));
                i += 1;
            }
            (_, Some((y, yb))) => {
                out.push((y.as_str(), None, Some(*yb)));
                j += 1;
            }
            (None, None) => break,
        }
    }
    out
}

fn compare_required(
    walk: &Walk<'_>,
    frame: &mut Frame,
    original: &ObjectRules,
    update: &ObjectRules,
    side: u8,
    joined: &[(&str, Option<NodeId>, Option<NodeId>)],
) {
    for (name, _, schema) in joined.iter().filter(|(_, was, _)| was.is_some()) {
        let Some(schema) = schema else {
            continue;
        };
        let was = original.is_required(name);
        let is = update.is_required(name);
        if was == is {
            continue;
        }
        let segment = format!("required/{name}");
        if was {
            frame.add_at(&segment, T::RequiredAttributeRemoved);
        } else {
            frame.add_at(
                &segment,
                if has_default(walk, At(side, *schema)) {
                    T::RequiredAttributeWithDefaultAdded
                } else {
                    T::RequiredAttributeAdded
                },
            );
        }
    }
}

fn compare_properties(
    walk: &mut Walk<'_>,
    frame: &mut Frame,
    (os, original): (u8, &ObjectRules),
    (us, update): (u8, &ObjectRules),
    joined: &[(&str, Option<NodeId>, Option<NodeId>)],
) -> Result<(), CompatError> {
    let outer = frame.enter("properties");
    for (name, was, is) in joined {
        let mark = frame.enter(name);
        let schemas = (was.map(|id| At(os, id)), is.map(|id| At(us, id)));
        let outcome = compare_property(walk, frame, (os, original), (us, update), name, schemas);
        frame.leave(mark);
        if outcome.is_err() {
            frame.leave(outer);
            return outcome;
        }
    }
    frame.leave(outer);
    Ok(())
}

fn compare_property(
    walk: &mut Walk<'_>,
    frame: &mut Frame,
    (os, original): (u8, &ObjectRules),
    (us, update): (u8, &ObjectRules),
    name: &str,
    (was, is): (Option<At>, Option<At>),
) -> Result<(), CompatError> {
    match (was, is) {
        (Some(was), None) => {
            if is_open(walk, us, update) {
                frame.add(T::PropertyRemovedFromOpenContentModel);
            } else if let Some(partial) = partial_schema(walk, us, update, name) {
                let mut sub = frame.sub();
                walk.compare(&mut sub, Some(was), Some(partial))?;
                let covered = walk.is_compatible(&sub);
                frame.absorb(sub);
                frame.add(if covered {
                    T::PropertyRemovedIsCoveredByPartiallyOpenContentModel
                } else {
                    T::PropertyRemovedNotCoveredByPartiallyOpenContentModel
                });
            } else if matches!(walk.kind(walk.resolve(was)), Kind::False) {
                frame.add(T::PropertyWithFalseRemovedFromClosedContentModel);
            } else {
                frame.add(T::PropertyRemovedFromClosedContentModel);
            }
        }
        (None, Some(is)) => {
            let required = update.is_required(name);
            let with_default = has_default(walk, is);
            if is_open(walk, os, original) {
                frame.add(if walk.kind(walk.resolve(is)).is_empty_schema() {
                    T::PropertyWithEmptySchemaAddedToOpenContentModel
                } else if required && with_default {
                    T::RequiredPropertyWithDefaultAddedToOpenContentModel
                } else if required {
                    T::RequiredPropertyAddedToOpenContentModel
                } else {
                    T::OptionalPropertyAddedToOpenContentModel
                });
                return Ok(());
            }
            if let Some(partial) = partial_schema(walk, os, original, name) {
                let mut sub = frame.sub();
                walk.compare(&mut sub, Some(partial), Some(is))?;
                let covered = walk.is_compatible(&sub);
                frame.absorb(sub);
                frame.add(if covered {
                    T::PropertyAddedIsCoveredByPartiallyOpenContentModel
                } else {
                    T::PropertyAddedNotCoveredByPartiallyOpenContentModel
                });
            }
            frame.add(if required && with_default {
                T::RequiredPropertyWithDefaultAddedToUnopenContentModel
            } else if required {
                T::RequiredPropertyAddedToUnopenContentModel
            } else {
                T::OptionalPropertyAddedToUnopenContentModel
            });
        }
        (was, is) => walk.compare(frame, was, is)?,
    }
    Ok(())
}

fn compare_dependencies(
    walk: &mut Walk<'_>,
    frame: &mut Frame,
    (os, original): (u8, &ObjectRules),
    (us, update): (u8, &ObjectRules),
) -> Result<(), CompatError> {
    let find = |entries: &'_ [(String, Vec<String>)], key: &str| {
        entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let mut keys: Vec<&String> = original
        .property_dependencies
        .iter()
        .map(|(k, _)| k)
        .collect();
    keys.extend(update.property_dependencies.iter().map(|(k, _)| k));
    keys.dedup();
    let mut seen = Vec::new();
    for key in keys {
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let segment = format!("dependencies/{key}");
        let was = find(&original.property_dependencies, key);
        let is = find(&update.property_dependencies, key);
        match (was, is) {
            (_, None) => frame.add_at(&segment, T::DependencyArrayRemoved),
            (None, Some(_)) => frame.add_at(&segment, T::DependencyArrayAdded),
            (Some(was), Some(is)) => {
                let covers = |all: &[String], some: &[String]| some.iter().all(|s| all.contains(s));
                let (wider, narrower) = (covers(&is, &was), covers(&was, &is));
                if !(wider && narrower) {
                    frame.add_at(
                        &segment,
                        if wider {
                            T::DependencyArrayExtended
                        } else if narrower {
                            T::DependencyArrayNarrowed
                        } else {
                            T::DependencyArrayChanged
                        },
                    );
                }
            }
        }
    }
    let mut keys: Vec<&String> = original
        .schema_dependencies
        .iter()
        .map(|(k, _)| k)
        .collect();
    keys.extend(
        update
            .schema_dependencies
            .iter()
            .map(|(k, _)| k)
            .filter(|k| lookup(&original.schema_dependencies, k).is_none()),
    );
    for key in keys {
        let mark = frame.enter(&format!("dependencies/{key}"));
        let was = lookup(&original.schema_dependencies, key).map(|id| At(os, *id));
        let is = lookup(&update.schema_dependencies, key).map(|id| At(us, *id));
        let outcome = match (was, is) {
            (_, None) => {
                frame.add(T::DependencySchemaRemoved);
                Ok(())
            }
            (None, Some(_)) => {
                frame.add(T::DependencySchemaAdded);
                Ok(())
            }
            (was, is) => walk.compare(frame, was, is),
        };
        frame.leave(mark);
        outcome?;
    }
    Ok(())
}

/// `additionalProperties`/`additionalItems`: switching it between allowed and forbidden adds or
/// removes it; a schema appearing narrows, disappearing extends; two schemas are compared.
pub(super) fn additional(
    walk: &mut Walk<'_>,
    frame: &mut Frame,
    keyword: &str,
    (os, was_permitted, was): (u8, bool, Option<NodeId>),
    (us, is_permitted, is): (u8, bool, Option<NodeId>),
    [added, removed, extended, narrowed]: [T; 4],
) -> Result<(), CompatError> {
    let mark = frame.enter(keyword);
    let outcome = if was_permitted != is_permitted {
        frame.add(if is_permitted { added } else { removed });
        Ok(())
    } else {
        match (was, is) {
            (None, Some(_)) => {
                frame.add(narrowed);
                Ok(())
            }
            (Some(_), None) => {
                frame.add(extended);
                Ok(())
            }
            (was, is) => walk.compare(frame, was.map(|id| At(os, id)), is.map(|id| At(us, id))),
        }
    };
    frame.leave(mark);
    outcome
}

fn compare_unevaluated(
    walk: &mut Walk<'_>,
    frame: &mut Frame,
    (os, original): (u8, &ObjectRules),
    (us, update): (u8, &ObjectRules),
) -> Result<(), CompatError> {
    let was = original.unevaluated.map(|id| At(os, id));
    let is = update.unevaluated.map(|id| At(us, id));
    unevaluated(
        walk,
        frame,
        "unevaluatedProperties",
        was,
        is,
        [
            T::UnevaluatedPropertiesAdded,
            T::UnevaluatedPropertiesRemoved,
            T::UnevaluatedPropertiesExtended,
            T::UnevaluatedPropertiesNarrowed,
        ],
    )
}

/// `unevaluatedProperties`/`unevaluatedItems`: `false` removes, an empty schema or absence
/// extends, any other schema narrows (Confluent's `compareUnevaluatedItems`).
pub(super) fn unevaluated(
    walk: &mut Walk<'_>,
    frame: &mut Frame,
    keyword: &str,
    was: Option<At>,
    is: Option<At>,
    [added, removed, extended, narrowed]: [T; 4],
) -> Result<(), CompatError> {
    if was.is_none() && is.is_none() {
        return Ok(());
    }
    let is_false = |walk: &Walk<'_>, at: At| matches!(walk.kind(walk.resolve(at)), Kind::False);
    let is_empty = |walk: &Walk<'_>, at: At| walk.kind(walk.resolve(at)).is_empty_schema();
    let mark = frame.enter(keyword);
    let outcome = match (was, is) {
        (None, Some(is)) => {
            frame.add(if is_false(walk, is) {
                removed
            } else {
                narrowed
            });
            Ok(())
        }
        (Some(was), None) => {
            frame.add(if is_false(walk, was) { added } else { extended });
            Ok(())
        }
        (Some(was), Some(is)) => {
            let (wf, isf) = (is_false(walk, was), is_false(walk, is));
            let (we, ie) = (is_empty(walk, was), is_empty(walk, is));
            if wf && !isf {
                frame.add(added);
                Ok(())
            } else if !wf && isf {
                frame.add(removed);
                Ok(())
            } else if we && !ie {
                frame.add(narrowed);
                Ok(())
            } else if !we && ie {
                frame.add(extended);
                Ok(())
            } else {
                walk.compare(frame, Some(was), Some(is))
            }
        }
        (None, None) => Ok(()),
    };
    frame.leave(mark);
    outcome
}
