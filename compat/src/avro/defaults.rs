//! Whether a field default matches its type (Avro Java's `Schema.isValidDefault`, as used when a
//! schema being registered is parsed with `validateDefaults`): a union default matches its FIRST
//! branch, so `null` is only a default of `null` or of a union whose first branch is `null`.

use serde_json::Value;

use super::model::{Arena, Node, NodeId, Primitive};

pub(crate) fn is_valid_default(arena: &Arena, ty: NodeId, value: &Value) -> bool {
    let Some(node) = arena.get(ty) else {
        return false;
    };
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
            .is_some_and(|elements| elements.iter().all(|e| is_valid_default(arena, *items, e))),
        Node::Map { values, .. } => value.as_object().is_some_and(|entries| {
            entries
                .values()
                .all(|e| is_valid_default(arena, *values, e))
        }),
        Node::Union { branches } => branches
            .first()
            .is_some_and(|first| is_valid_default(arena, *first, value)),
        Node::Record { fields, .. } => {
            let (Some(object), Some(fields)) = (value.as_object(), fields) else {
                return false;
            };
            fields.iter().all(
                |field| match object.get(&field.name).or(field.default.as_ref()) {
                    Some(v) => is_valid_default(arena, field.ty, v),
                    None => false,
                },
            )
        }
    }
}
