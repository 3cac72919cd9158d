//! Arrays (Confluent's `ArraySchemaDiff`): the all-items schema, positional items under open,
//! closed and partially open content models, additional and unevaluated items, counts.
//!
//! An array is *open* when `additionalItems` (2020-12: `items` after `prefixItems`) allows any
//! item and `unevaluatedItems` is absent or empty; *partially open* when an `additionalItems`
//! schema (or, with `additionalItems` absent, an `unevaluatedItems` schema) covers extra items.

use super::object::{additional, unevaluated};
use super::string::bound;
use super::{At, DifferenceType as T, Frame, Walk};
use crate::CompatError;
use crate::json::model::{ArrayRules, Kind};

fn rules(walk: &Walk<'_>, at: At) -> std::sync::Arc<ArrayRules> {
    match walk.kind(at) {
        Kind::Array(rules) => std::sync::Arc::clone(rules),
        _ => unreachable!("array rules asked of a non-array node"),
    }
}

fn is_open(walk: &Walk<'_>, side: u8, rules: &ArrayRules) -> bool {
    rules.permits_additional
        && rules.additional.is_none()
        && rules
            .unevaluated
            .is_none_or(|u| walk.kind(walk.resolve(At(side, u))).is_empty_schema())
}

fn partial_schema(walk: &Walk<'_>, side: u8, rules: &ArrayRules) -> Option<At> {
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

pub(super) fn compare(
    walk: &mut Walk<'_>,
    frame: &mut Frame,
    o: At,
    u: At,
) -> Result<(), CompatError> {
    let (original, update) = (rules(walk, o), rules(walk, u));
    let (os, us) = (o.0, u.0);
    let mark = frame.enter("items");
    let outcome = walk.compare(
        frame,
        original.all_items.map(|id| At(os, id)),
        update.all_items.map(|id| At(us, id)),
    );
    frame.leave(mark);
    outcome?;
    compare_positional(walk, frame, (os, &original), (us, &update))?;
    additional(
        walk,
        frame,
        "additionalItems",
        (os, original.permits_additional, original.additional),
        (us, update.permits_additional, update.additional),
        [
            T::AdditionalItemsAdded,
            T::AdditionalItemsRemoved,
            T::AdditionalItemsExtended,
            T::AdditionalItemsNarrowed,
        ],
    )?;
    unevaluated(
        walk,
        frame,
        "unevaluatedItems",
        original.unevaluated.map(|id| At(os, id)),
        update.unevaluated.map(|id| At(us, id)),
        [
            T::UnevaluatedItemsAdded,
            T::UnevaluatedItemsRemoved,
            T::UnevaluatedItemsExtended,
            T::UnevaluatedItemsNarrowed,
        ],
    )?;
    bound(
        frame,
        "maxItems",
        original.max_items,
        update.max_items,
        [
            T::MaxItemsAdded,
            T::MaxItemsRemoved,
            T::MaxItemsIncreased,
            T::MaxItemsDecreased,
        ],
    );
    bound(
        frame,
        "minItems",
        original.min_items,
        update.min_items,
        [
            T::MinItemsAdded,
            T::MinItemsRemoved,
            T::MinItemsIncreased,
            T::MinItemsDecreased,
        ],
    );
    if original.unique_items != update.unique_items {
        frame.add_at(
            "uniqueItems",
            if original.unique_items {
                T::UniqueItemsRemoved
            } else {
                T::UniqueItemsAdded
            },
        );
    }
    bound(
        frame,
        "maxContains",
        original.max_contains.map(f64::trunc),
        update.max_contains.map(f64::trunc),
        [
            T::MaxContainsAdded,
            T::MaxContainsRemoved,
            T::MaxContainsIncreased,
            T::MaxContainsDecreased,
        ],
    );
    bound(
        frame,
        "minContains",
        original.min_contains.map(f64::trunc),
        update.min_contains.map(f64::trunc),
        [
            T::MinContainsAdded,
            T::MinContainsRemoved,
            T::MinContainsIncreased,
            T::MinContainsDecreased,
        ],
    );
    Ok(())
}

fn compare_positional(
    walk: &mut Walk<'_>,
    frame: &mut Frame,
    (os, original): (u8, &ArrayRules),
    (us, update): (u8, &ArrayRules),
) -> Result<(), CompatError> {
    let (was, is) = (&original.item_schemas, &update.item_schemas);
    for index in 0..was.len().max(is.len()) {
        let mark = frame.enter(&format!("items/{index}"));
        let outcome = match (was.get(index), is.get(index)) {
            (Some(a), Some(b)) => walk.compare(frame, Some(At(os, *a)), Some(At(us, *b))),
            (Some(a), None) => removed(walk, frame, At(os, *a), (us, update)),
            (None, Some(b)) => added(walk, frame, (os, original), At(us, *b)),
            (None, None) => Ok(()),
        };
        frame.leave(mark);
        outcome?;
    }
    Ok(())
}

fn removed(
    walk: &mut Walk<'_>,
    frame: &mut Frame,
    item: At,
    (us, update): (u8, &ArrayRules),
) -> Result<(), CompatError> {
    if is_open(walk, us, update) {
        frame.add(T::ItemRemovedFromOpenContentModel);
    } else if let Some(partial) = partial_schema(walk, us, update) {
        let mut sub = frame.sub();
        walk.compare(&mut sub, Some(item), Some(partial))?;
        let covered = walk.is_compatible(&sub);
        frame.absorb(sub);
        frame.add(if covered {
            T::ItemRemovedIsCoveredByPartiallyOpenContentModel
        } else {
            T::ItemRemovedNotCoveredByPartiallyOpenContentModel
        });
    } else if matches!(walk.kind(walk.resolve(item)), Kind::False) {
        frame.add(T::ItemWithFalseRemovedFromClosedContentModel);
    } else {
        frame.add(T::ItemRemovedFromClosedContentModel);
    }
    Ok(())
}

fn added(
    walk: &mut Walk<'_>,
    frame: &mut Frame,
    (os, original): (u8, &ArrayRules),
    item: At,
) -> Result<(), CompatError> {
    if is_open(walk, os, original) {
        frame.add(if walk.kind(walk.resolve(item)).is_empty_schema() {
            T::ItemWithEmptySchemaAddedToOpenContentModel
        } else {
            T::ItemAddedToOpenContentModel
        });
    } else if let Some(partial) = partial_schema(walk, os, original) {
        let mut sub = frame.sub();
        walk.compare(&mut sub, Some(partial), Some(item))?;
        let covered = walk.is_compatible(&sub);
        frame.absorb(sub);
        frame.add(if covered {
            T::ItemAddedIsCoveredByPartiallyOpenContentModel
        } else {
            T::ItemAddedNotCoveredByPartiallyOpenContentModel
        });
    } else {
        frame.add(T::ItemAddedToClosedContentModel);
    }
    Ok(())
}
