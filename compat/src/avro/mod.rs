//! Avro: the schema model, strict and lenient parsing (as Avro Java's `Schema.Parser`), the
//! canonical form Confluent stores, Confluent's normalized form, and Apache Avro Java's
//! reader/writer compatibility rules.

mod canonical;
mod compatibility;
mod defaults;
mod logical;
mod model;
mod normalize;
mod parse;

#[cfg(test)]
mod tests;

use crate::CompatError;
use crate::incompatibility::Incompatibility;
use crate::schema::{ParseMode, ResolvedReference};
use compatibility::Side;
use model::{Arena, NodeId};

/// A parsed Avro schema, with the types of its references.
#[derive(Debug, Clone)]
pub struct AvroSchema {
    arena: Arena,
    root: NodeId,
    /// Full names of the references' top-level types, written by name only.
    reference_names: Vec<String>,
    canonical: String,
    record_name: Option<String>,
}

impl AvroSchema {
    /// Parses `text` after parsing every reference into the same name table (as Confluent
    /// does), so the schema can use the referenced named types by name.
    pub fn parse(
        text: &str,
        references: &[ResolvedReference],
        mode: ParseMode,
    ) -> Result<Self, CompatError> {
        let mut parser = parse::Parser::new(mode == ParseMode::New);
        let mut reference_names = Vec::with_capacity(references.len());
        for reference in references {
            let id = parser.parse_text(&reference.schema).map_err(|e| {
                let detail = match e {
                    CompatError::InvalidAvro(m) | CompatError::InvalidJson(m) => m,
                    other => other.to_string(),
                };
                CompatError::avro(format!(
                    "reference '{}' (subject '{}', version {}): {detail}",
                    reference.name, reference.subject, reference.version
                ))
            })?;
            if let Some(node) = parser.arena.get(id) {
                reference_names.push(node.full_name());
            }
        }
        let root = parser.parse_text(text)?;
        let arena = parser.arena;
        let canonical = canonical::render(&arena, root, &reference_names);
        let record_name = arena
            .get(root)
            .and_then(|n| n.named())
            .map(|n| n.name.full());
        Ok(Self {
            arena,
            root,
            reference_names,
            canonical,
            record_name,
        })
    }

    /// Avro Java's `Schema.toString()` with reference types by name: what Confluent stores.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// Confluent's `normalize=true` form (`AvroSchemaUtils.toNormalizedString`).
    pub fn normalized(&self) -> String {
        normalize::render(&self.arena, self.root, &self.reference_names)
    }

    /// Full name of the top-level record, enum or fixed.
    pub fn record_name(&self) -> Option<&str> {
        self.record_name.as_deref()
    }

    fn side(&self) -> Side<'_> {
        Side {
            arena: &self.arena,
            root: self.root,
        }
    }
}

/// Everything `reader` cannot read from data written with `writer` (empty = compatible),
/// described with the words `reader` and `writer`.
pub fn reader_writer(reader: &AvroSchema, writer: &AvroSchema) -> Vec<Incompatibility> {
    reader_writer_labelled(reader, writer, "reader", "writer")
}

/// As [`reader_writer`], naming the two schemas as a registry check does (`new`/`old`).
pub(crate) fn reader_writer_labelled(
    reader: &AvroSchema,
    writer: &AvroSchema,
    reader_label: &str,
    writer_label: &str,
) -> Vec<Incompatibility> {
    compatibility::check(reader.side(), writer.side(), reader_label, writer_label)
}
