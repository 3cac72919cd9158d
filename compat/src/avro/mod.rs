//! Avro: the schema model, strict and lenient parsing (as Avro Java's `Schema.Parser`), the
//! canonical form Confluent stores, Confluent's normalized form, and Apache Avro Java's
//! reader/writer compatibility rules.
//!
//! # Why Sluice has its own, and not the `apache-avro` crate
//!
//! A Confluent-compatible registry answers with Avro Java's text and verdicts: the schema string it
//! stores and returns is Confluent's `AvroSchema.canonicalString()`, which is Avro Java's
//! `Schema.toString()`; its errors are the messages of Avro Java's `Schema.Parser`; its verdicts
//! and their messages come from `org.apache.avro.SchemaCompatibility` as Confluent's
//! `AvroCompatibilityChecker` runs it. Clients compare those strings, ids follow from them, and
//! tools (and people) read those messages. The `apache-avro` crate is a faithful Avro
//! implementation, but not of that Java behaviour. Checked with apache-avro 0.22.0 on the inputs
//! this module's tests pin (`tests.rs`):
//!
//! - **The stored text.** Java prints keys in its own order (`type`, `name`, `namespace`, `doc`,
//!   `fields`; a field's `name`, `type`, `doc`, `default`, `order`, `aliases`, then custom
//!   properties) and names relative to the enclosing namespace (`"Inner"`). apache-avro's
//!   serialization puts `aliases` before `fields`, a field's `default` before its `doc`, writes
//!   references as full names (`"a.b.Inner"`), repeats the namespace on nested records, and drops the
//!   custom properties of a decimal (`connect.name`, `connect.parameters`, `connect.version`: every
//!   Debezium DECIMAL column). Its `Schema::canonical_form()` is the Parsing Canonical Form
//!   (Java's `SchemaNormalization.toParsingForm`: no docs, defaults or properties), which is a
//!   fingerprint input, not what the registry stores. Confluent's `normalize=true` form
//!   (`AvroSchemaUtils.toNormalizedString`) has no counterpart there at all.
//! - **What parses.** Java rejects and apache-avro accepts: redefining a name (`Can't redefine:
//!   r`), a record named after a primitive (`Schemas may not be named after primitives: int`), a
//!   union default that is not of the first branch. Java accepts and apache-avro rejects: a
//!   textual number as a `double` default (`"1.5"`, which `Schema.toString()` prints as `1.5`).
//!   An invalid decimal (scale above precision) stays in Java's text as written, its logical type
//!   ignored; apache-avro turns it into plain `"bytes"`. Confluent parses stored schemas without
//!   validating defaults ([`ParseMode::Stored`]); apache-avro always validates them.
//! - **The messages.** Java: `Invalid default for field f: null not a "string"`, `Undefined name:
//!   "Missing"`, `Duplicate in union:int`, `The Enum Default: B is not in the enum symbol set: [A]`,
//!   `No type`. apache-avro: `` `default`'s value type of field `f` in `r` must be a `"string"`.
//!   Got: Null``, `Unknown primitive type: Missing`, `Unions cannot contain duplicate types, found at
//!   least two Int`, `Enum default "B" is not among allowed symbols ["A"]`, `` No `type` in complex
//!   type``.
//! - **Compatibility.** `SchemaCompatibility` reports every incompatibility, each with its
//!   `SchemaIncompatibilityType`, a location and a message (`TYPE_MISMATCH` at `/fields/0/type`,
//!   `reader type: INT not compatible with writer type: LONG`; `READER_FIELD_MISSING_DEFAULT_VALUE`
//!   at `/fields/1`; `FIXED_SIZE_MISMATCH` at `/fields/2/type/size`, `expected: 8, found: 4`), which
//!   Confluent prints as `{errorType:'…', description:'…', additionalInfo:'…'}` in its 409
//!   responses and `verbose=true` checks ([`Incompatibility`]). apache-avro's
//!   `SchemaCompatibility::can_read` stops at the first problem, with its own wording and no
//!   location, and answers `Ok(Partial)` for a writer enum symbol the reader lacks (no reader
//!   default), where Java reports `MISSING_ENUM_SYMBOLS` (`[B]`) and Confluent refuses the schema.
//!
//! These are what a registry client sees, so this module reproduces Java's behaviour, and its tests
//! pin it. Reading Avro *data* is another matter: decoding records with schema resolution
//! (writer schema → reader schema), which the query tasks need, is to come from apache-avro, which
//! `sluice-capture` already uses as the test oracle of its encoder (`capture/tests/avro_oracle.rs`).

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
