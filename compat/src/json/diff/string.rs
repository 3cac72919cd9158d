//! Strings and enumerations (Confluent's `StringSchemaDiff` and `EnumSchemaDiff`).

use serde_json::Value;

use super::{DifferenceType as T, Frame};
use crate::json::model::StringRules;

/// Which of four differences a bound's change is: added, removed, increased or decreased.
pub(super) fn bound(
    frame: &mut Frame,
    keyword: &str,
    original: Option<f64>,
    update: Option<f64>,
    [added, removed, increased, decreased]: [T; 4],
) {
    match (original, update) {
        (None, Some(_)) => frame.add_at(keyword, added),
        (Some(_), None) => frame.add_at(keyword, removed),
        (Some(o), Some(u)) if o < u => frame.add_at(keyword, increased),
        (Some(o), Some(u)) if o > u => frame.add_at(keyword, decreased),
        _ => {}
    }
}

pub(super) fn compare(frame: &mut Frame, original: &StringRules, update: &StringRules) {
    bound(
        frame,
        "maxLength",
        original.max_length,
        update.max_length,
        [
            T::MaxLengthAdded,
            T::MaxLengthRemoved,
            T::MaxLengthIncreased,
            T::MaxLengthDecreased,
        ],
    );
    bound(
        frame,
        "minLength",
        original.min_length,
        update.min_length,
        [
            T::MinLengthAdded,
            T::MinLengthRemoved,
            T::MinLengthIncreased,
            T::MinLengthDecreased,
        ],
    );
    match (&original.pattern, &update.pattern) {
        (None, Some(_)) => frame.add_at("pattern", T::PatternAdded),
        (Some(_), None) => frame.add_at("pattern", T::PatternRemoved),
        (Some(o), Some(u)) if o != u => frame.add_at("pattern", T::PatternChanged),
        _ => {}
    }
}

/// Enumerations compare as sets of values.
pub(super) fn compare_enum(frame: &mut Frame, original: &[Value], update: &[Value]) {
    let covers = |all: &[Value], some: &[Value]| some.iter().all(|v| all.contains(v));
    let (wider, narrower) = (covers(update, original), covers(original, update));
    if wider && narrower {
        return;
    }
    let kind = if wider {
        T::EnumArrayExtended
    } else if narrower {
        T::EnumArrayNarrowed
    } else {
        T::EnumArrayChanged
    };
    frame.add_at("enum", kind);
}
