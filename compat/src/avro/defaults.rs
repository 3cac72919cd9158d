//! Whether a field default matches its type (Avro Java's `Schema.isValidDefault`, as used when a
//! schema being registered is parsed with `validateDefaults`): a union default matches its FIRST
//! branch, so `null` is only a default of `null` or of a union whose first branch is `null`.

use serde_json::Value;

use super::model::{Arena, Node, NodeId, Primitive};

/// Bound on nesting: a recursive record whose field default omits the recursive field would
/// otherwise be checked forever (Avro Java overflows its stack there).
const MAX_DEPTH: usize = 256;

pub(crate) fn is_valid_default(arena: &Arena, ty: NodeId, value: &Value) -> bool {
    valid(arena, ty, value, 0)
}

fn valid(arena: &Arena, ty: NodeId, value: &Value, depth: usize) -> bool {
    let Some(node) = arena.get(ty) else {
        return false;
    };
    if depth > MAX_DEPTH {
        return false;
    }
    let next = depth + 1;
    match node {
        Node::Primitive { kind, .. } => match kind {
            Primitive::String | Primitive::Bytes => value.is_string(),
            Primitive::Int => value.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
            Primitive::Long => value.as_i64().is_some(),
            Primitive::Float | Primitive::Double => {
                value.is_number()
                    || matches!(value.as_str(), Some("NaN" | "Infinity" | "-Infinity"))
            }
            Primitive::Boolean => value.is_boolean(),
            Primitive::Null => value.is_null(),
        },
        Node::Enum { .. } | Node::Fixed { .. } => value.is_string(),
        Node::Array { items, .. } => value
            .as_array()
            .is_some_and(|elements| elements.iter().all(|e| valid(arena, *items, e, next))),
        Node::Map { values, .. } => value
            .as_object()
            .is_some_and(|entries| entries.values().all(|e| valid(arena, *values, e, next))),
        Node::Union { branches } => branches
            .first()
            .is_some_and(|first| valid(arena, *first, value, next)),
        Node::Record { fields, .. } => {
            let (Some(object), Some(fields)) = (value.as_object(), fields) else {
                return false;
            };
            fields.iter().all(
                |field| match object.get(&field.name).or(field.default.as_ref()) {
                    Some(v) => valid(arena, field.ty, v, next),
                    None => false,
                },
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{ParseMode, avro::AvroSchema};

    #[test]
    fn rejects_self_recursive_default_instead_of_looping() {
        let text = r#"[{"type":"record","name":"R","fields":[{"name":"r","type":"R","default":{}}]},
            {"type":"record","name":"S","fields":[{"name":"s","type":"R","default":{}}]}]"#;
        assert!(AvroSchema::parse(text, &[], ParseMode::Stored).is_ok());
        assert!(AvroSchema::parse(text, &[], ParseMode::New).is_err());
    }
}
