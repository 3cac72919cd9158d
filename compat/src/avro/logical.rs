//! Logical types as Avro Java recognises them (`LogicalTypes.fromSchemaIgnoreInvalid`): a
//! `logicalType` on the wrong base type, or an invalid decimal, is just a property.

use super::model::{Arena, Node, NodeId, Primitive};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LogicalType {
    pub(crate) name: String,
    /// `(precision, scale)` of a decimal.
    pub(crate) decimal: Option<(i32, i32)>,
}

/// The valid logical type of a node, if any.
pub(crate) fn logical_type(arena: &Arena, id: NodeId) -> Option<LogicalType> {
    let node = arena.get(id)?;
    let name = node.text_prop("logicalType")?;
    let primitive = match node {
        Node::Primitive { kind, .. } => Some(*kind),
        _ => None,
    };
    let fixed_size = match node {
        Node::Fixed { size, .. } => Some(*size),
        _ => None,
    };
    let valid = match name {
        "date" | "time-millis" => primitive == Some(Primitive::Int),
        "time-micros"
        | "timestamp-millis"
        | "timestamp-micros"
        | "timestamp-nanos"
        | "local-timestamp-millis"
        | "local-timestamp-micros"
        | "local-timestamp-nanos" => primitive == Some(Primitive::Long),
        "uuid" => primitive == Some(Primitive::String) || fixed_size == Some(16),
        "big-decimal" => primitive == Some(Primitive::Bytes),
        "decimal" => {
            let decimal = decimal_of(node, primitive, fixed_size)?;
            return Some(LogicalType {
                name: name.to_owned(),
                decimal: Some(decimal),
            });
        }
        _ => false,
    };
    valid.then(|| LogicalType {
        name: name.to_owned(),
        decimal: None,
    })
}

fn int_prop(node: &Node, key: &str) -> Option<i32> {
    node.props()
        .iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| v.as_i64())
        .and_then(|v| i32::try_from(v).ok())
}

fn decimal_of(
    node: &Node,
    primitive: Option<Primitive>,
    fixed_size: Option<u32>,
) -> Option<(i32, i32)> {
    if primitive != Some(Primitive::Bytes) && fixed_size.is_none() {
        return None;
    }
    let precision = int_prop(node, "precision")?;
    let has_scale = node.props().iter().any(|(k, _)| k == "scale");
    let scale = if has_scale {
        int_prop(node, "scale")?
    } else {
        0
    };
    if precision <= 0 || scale < 0 || scale > precision {
        return None;
    }
    if let Some(size) = fixed_size {
        // floor(log10(2^(8*size-1) - 1)), as Avro Java computes it.
        let bits = 8.0 * f64::from(size) - 1.0;
        let max = (2f64.powf(bits) - 1.0).log10().floor();
        if f64::from(precision) > max {
            return None;
        }
    }
    Some((precision, scale))
}
