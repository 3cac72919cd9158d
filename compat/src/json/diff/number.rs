//! Numbers and integers (Confluent's `NumberSchemaDiff`).
//!
//! `multipleOf` compares as Confluent does, by the integer parts of the two values (Java's
//! `intValue()`): a new value that is a multiple of the old one is `MULTIPLE_OF_EXPANDED`, a
//! divisor `MULTIPLE_OF_REDUCED`, anything else `MULTIPLE_OF_CHANGED`. Where Confluent would
//! divide by zero (a value below 1), Sluice compares the exact decimal values instead.

use serde_json::Number;

use super::string::bound;
use super::{DifferenceType as T, Frame};
use crate::json::model::NumberRules;

pub(super) fn compare(frame: &mut Frame, original: &NumberRules, update: &NumberRules) {
    bound(
        frame,
        "maximum",
        original.maximum,
        update.maximum,
        [
            T::MaximumAdded,
            T::MaximumRemoved,
            T::MaximumIncreased,
            T::MaximumDecreased,
        ],
    );
    bound(
        frame,
        "minimum",
        original.minimum,
        update.minimum,
        [
            T::MinimumAdded,
            T::MinimumRemoved,
            T::MinimumIncreased,
            T::MinimumDecreased,
        ],
    );
    bound(
        frame,
        "exclusiveMaximum",
        original.exclusive_maximum,
        update.exclusive_maximum,
        [
            T::ExclusiveMaximumAdded,
            T::ExclusiveMaximumRemoved,
            T::ExclusiveMaximumIncreased,
            T::ExclusiveMaximumDecreased,
        ],
    );
    bound(
        frame,
        "exclusiveMinimum",
        original.exclusive_minimum,
        update.exclusive_minimum,
        [
            T::ExclusiveMinimumAdded,
            T::ExclusiveMinimumRemoved,
            T::ExclusiveMinimumIncreased,
            T::ExclusiveMinimumDecreased,
        ],
    );
    match (&original.multiple_of, &update.multiple_of) {
        (None, Some(_)) => frame.add_at("multipleOf", T::MultipleOfAdded),
        (Some(_), None) => frame.add_at("multipleOf", T::MultipleOfRemoved),
        (Some(o), Some(u)) if !same_decimal(o, u) => frame.add_at("multipleOf", multiple(o, u)),
        _ => {}
    }
    if original.integer != update.integer {
        frame.add(if original.integer {
            T::TypeExtended
        } else {
            T::TypeNarrowed
        });
    }
}

fn same_decimal(a: &Number, b: &Number) -> bool {
    a == b || a.as_f64() == b.as_f64()
}

/// Java's `Number.intValue()`: truncated, saturating.
fn int_value(n: &Number) -> i64 {
    n.as_i64()
        .map(|v| v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)))
        .unwrap_or_else(|| {
            let v = n.as_f64().unwrap_or(0.0).trunc();
            v.clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i64
        })
}

fn multiple(original: &Number, update: &Number) -> T {
    let (o, u) = (int_value(original), int_value(update));
    if o != 0 && u != 0 {
        return if u % o == 0 {
            T::MultipleOfExpanded
        } else if o % u == 0 {
            T::MultipleOfReduced
        } else {
            T::MultipleOfChanged
        };
    }
    let (o, u) = (
        original.as_f64().unwrap_or(0.0),
        update.as_f64().unwrap_or(0.0),
    );
    let whole = |x: f64| x.is_finite() && (x - x.round()).abs() < 1e-9;
    if o != 0.0 && whole(u / o) {
        T::MultipleOfExpanded
    } else if u != 0.0 && whole(o / u) {
        T::MultipleOfReduced
    } else {
        T::MultipleOfChanged
    }
}
