//! `allOf`/`anyOf`/`oneOf` and `not` (Confluent's `CombinedSchemaDiff`, `NotSchemaDiff` and the
//! combined-schema special cases of `SchemaDiff.compare`).
//!
//! Two combinations of the same criterion (or of criteria where the update accepts at least as
//! much: any → `anyOf`; a singleton to `oneOf`; an `allOf` to a singleton; singleton to
//! singleton) are compared by a maximum matching between their distinct subschemas, an edge
//! joining an original subschema to an update subschema compatible with it. The matched edges'
//! differences are reported; a matching that does not cover the smaller side is
//! `COMBINED_TYPE_SUBSCHEMAS_CHANGED`. Among maximum matchings Sluice prefers the edges with the
//! fewest differences (Confluent takes whichever its matcher finds first).

use super::{At, DifferenceType as T, Frame, Walk};
use crate::CompatError;
use crate::json::model::{Criterion, Kind};

fn parts(walk: &Walk<'_>, at: At) -> Option<(Criterion, Vec<At>, Vec<At>)> {
    match walk.kind(at) {
        Kind::Combined {
            criterion,
            subschemas,
            distinct,
        } => Some((
            *criterion,
            subschemas.iter().map(|id| At(at.0, *id)).collect(),
            distinct.iter().map(|id| At(at.0, *id)).collect(),
        )),
        _ => None,
    }
}

/// The special cases where one side is combined and the other is not; `true` when one applied.
pub(super) fn compare_across(
    walk: &mut Walk<'_>,
    frame: &mut Frame,
    o: At,
    u: At,
) -> Result<bool, CompatError> {
    let is_combined = |at: At| matches!(walk.kind(at), Kind::Combined { .. });
    if is_combined(o) == is_combined(u) {
        return Ok(false);
    }
    match (parts(walk, o), parts(walk, u)) {
        (None, Some((criterion, subschemas, _))) => {
            if subschemas.len() == 1 {
                let mut sub = frame.sub();
                walk.compare(&mut sub, Some(o), Some(subschemas[0]))?;
                if walk.is_compatible(&sub) {
                    frame.absorb(sub);
                    return Ok(true);
                }
            } else if matches!(criterion, Criterion::Any | Criterion::One) {
                for branch in subschemas {
                    let mut sub = frame.sub();
                    walk.compare(&mut sub, Some(o), Some(branch))?;
                    if walk.is_compatible(&sub) {
                        frame.absorb(sub);
                        frame.add(T::SumTypeExtended);
                        return Ok(true);
                    }
                }
            }
        }
        (Some((criterion, subschemas, _)), None) => {
            if subschemas.len() == 1 {
                let mut sub = frame.sub();
                walk.compare(&mut sub, Some(subschemas[0]), Some(u))?;
                if walk.is_compatible(&sub) {
                    frame.absorb(sub);
                    return Ok(true);
                }
            } else if criterion == Criterion::All {
                for branch in subschemas {
                    let mut sub = frame.sub();
                    walk.compare(&mut sub, Some(branch), Some(u))?;
                    if walk.is_compatible(&sub) {
                        frame.absorb(sub);
                        frame.add(T::ProductTypeNarrowed);
                        return Ok(true);
                    }
                }
            }
        }
        _ => {}
    }
    Ok(false)
}

/// Two combinations (`CombinedSchemaDiff.compare`).
pub(super) fn compare(
    walk: &mut Walk<'_>,
    frame: &mut Frame,
    o: At,
    u: At,
) -> Result<(), CompatError> {
    let (Some((oc, o_all, o_distinct)), Some((uc, u_all, u_distinct))) =
        (parts(walk, o), parts(walk, u))
    else {
        return Ok(());
    };
    if oc != uc {
        let singleton = |all: &Vec<At>| all.len() == 1;
        let extended = uc == Criterion::Any
            || (singleton(&o_all) && singleton(&u_all))
            || (singleton(&o_all) && uc == Criterion::One)
            || (singleton(&u_all) && oc == Criterion::All);
        if !extended {
            frame.add(T::CombinedTypeChanged);
            return Ok(());
        }
        frame.add(T::CombinedTypeExtended);
    }
    let (o_size, u_size) = (o_distinct.len(), u_distinct.len());
    if o_size < u_size {
        frame.add(if uc == Criterion::All {
            T::ProductTypeExtended
        } else {
            T::SumTypeExtended
        });
    } else if o_size > u_size {
        frame.add(if oc == Criterion::All {
            T::ProductTypeNarrowed
        } else {
            T::SumTypeNarrowed
        });
    }
    // edges[i]: (update index, differences) of each compatible pair, fewest differences first.
    let mut edges: Vec<Vec<(usize, Frame)>> = Vec::with_capacity(o_size);
    for (index, original) in o_distinct.iter().enumerate() {
        let mark = frame.enter(&format!("{}/{index}", oc.keyword()));
        let mut found = Vec::new();
        for (j, update) in u_distinct.iter().enumerate() {
            let mut sub = frame.sub();
            let outcome = walk.compare(&mut sub, Some(*original), Some(*update));
            if let Err(e) = outcome {
                frame.leave(mark);
                return Err(e);
            }
            if walk.is_compatible(&sub) {
                found.push((j, sub));
            }
        }
        frame.leave(mark);
        found.sort_by_key(|(_, sub)| sub.diffs.len());
        edges.push(found);
    }
    let matched = maximum_matching(&edges, u_size);
    let size = matched.iter().filter(|m| m.is_some()).count();
    for (i, choice) in matched.into_iter().enumerate() {
        if let Some(k) = choice {
            let (_, sub) = std::mem::take(&mut edges[i][k]);
            frame.absorb(sub);
        }
    }
    if size < o_size.min(u_size) {
        frame.add(T::CombinedTypeSubschemasChanged);
    }
    Ok(())
}

/// A maximum bipartite matching (augmenting paths, each side tried in order): for each original
/// subschema, the index into its edge list of the edge chosen.
fn maximum_matching(edges: &[Vec<(usize, Frame)>], updates: usize) -> Vec<Option<usize>> {
    fn augment(
        i: usize,
        edges: &[Vec<(usize, Frame)>],
        owner: &mut [Option<usize>],
        seen: &mut [bool],
        choice: &mut [Option<usize>],
    ) -> bool {
        for (k, (j, _)) in edges[i].iter().enumerate() {
            if seen[*j] {
                continue;
            }
            seen[*j] = true;
            let free = match owner[*j] {
                None => true,
                Some(other) => augment(other, edges, owner, seen, choice),
            };
            if free {
                owner[*j] = Some(i);
                choice[i] = Some(k);
                return true;
            }
        }
        false
    }
    let mut owner = vec![None; updates];
    let mut choice = vec![None; edges.len()];
    for i in 0..edges.len() {
        let mut seen = vec![false; updates];
        augment(i, edges, &mut owner, &mut seen, &mut choice);
    }
    choice
}

/// `not`: the wrapped schemas compared the other way round (`NotSchemaDiff`).
pub(super) fn compare_not(
    walk: &mut Walk<'_>,
    frame: &mut Frame,
    original: At,
    update: At,
) -> Result<(), CompatError> {
    let mark = frame.enter("not");
    let mut sub = frame.sub();
    let outcome = walk.compare(&mut sub, Some(update), Some(original));
    if outcome.is_ok() {
        frame.add(if walk.is_compatible(&sub) {
            T::NotTypeNarrowed
        } else {
            T::NotTypeExtended
        });
    }
    frame.leave(mark);
    outcome
}
