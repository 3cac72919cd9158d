//! Confluent's compatibility check of a new schema against earlier versions under a level
//! (`CompatibilityChecker`, `SchemaValidatorBuilder`), with Confluent 8.x's messages.

use sluice_proto::CompatibilityLevel;

use crate::CompatError;
use crate::avro;
use crate::schema::ParsedSchema;

/// The outcome of a check: compatible, or Confluent's messages for the failing version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub is_compatible: bool,
    pub messages: Vec<String>,
}

impl Verdict {
    fn compatible() -> Self {
        Self {
            is_compatible: true,
            messages: Vec::new(),
        }
    }
}

const DIFFERENT_SCHEMA_TYPE: &str = "Incompatible because of different schema type";
/// Confluent truncates `{oldSchema: …}` past this many characters.
const MAX_SCHEMA_SIZE_FOR_LOGGING: usize = 10 * 1024;

/// Checks `new` against `previous` (live versions, oldest first, as `(version, schema)`).
///
/// Non-transitive levels check only the last version; `*_TRANSITIVE` levels check all, newest to
/// oldest, stopping at the first that fails. `NONE` is always compatible.
pub fn check(
    level: CompatibilityLevel,
    new: &ParsedSchema,
    previous: &[(i32, &ParsedSchema)],
) -> Result<Verdict, CompatError> {
    if level == CompatibilityLevel::None {
        return Ok(Verdict::compatible());
    }
    let candidates: Vec<&(i32, &ParsedSchema)> = if level.is_transitive() {
        previous.iter().rev().collect()
    } else {
        previous.last().into_iter().collect()
    };
    for (version, old) in candidates {
        let mut messages = against(level, new, *version, old)?;
        if !messages.is_empty() {
            messages.push(format!(
                "{{validateFields: 'false', compatibility: '{}'}}",
                level.as_str()
            ));
            return Ok(Verdict {
                is_compatible: false,
                messages,
            });
        }
    }
    Ok(Verdict::compatible())
}

/// The messages for one earlier version (empty when compatible with it).
fn against(
    level: CompatibilityLevel,
    new: &ParsedSchema,
    version: i32,
    old: &ParsedSchema,
) -> Result<Vec<String>, CompatError> {
    let (new, old) = match (new, old) {
        (ParsedSchema::Avro(n), ParsedSchema::Avro(o)) => (n, o),
        (ParsedSchema::Json(_), ParsedSchema::Json(_)) => {
            return Err(CompatError::JsonCompatibilityUnavailable { level });
        }
        _ => return Ok(vec![DIFFERENT_SCHEMA_TYPE.to_owned()]),
    };
    // Reader new, writer old: "can read"; reader old, writer new: "can be read".
    let can_read = || {
        with_old_schema(
            render(avro::reader_writer_labelled(new, old, "new", "old")),
            version,
            old.canonical(),
        )
    };
    let can_be_read = |append: bool| {
        let messages = render(avro::reader_writer_labelled(old, new, "old", "new"));
        if append {
            with_old_schema(messages, version, old.canonical())
        } else {
            messages
        }
    };
    Ok(match level {
        CompatibilityLevel::Backward | CompatibilityLevel::BackwardTransitive => can_read(),
        CompatibilityLevel::Forward | CompatibilityLevel::ForwardTransitive => can_be_read(true),
        CompatibilityLevel::Full | CompatibilityLevel::FullTransitive => {
            let mut messages = can_be_read(false);
            messages.extend(can_read());
            messages
        }
        CompatibilityLevel::None => Vec::new(),
    })
}

fn render(found: Vec<crate::Incompatibility>) -> Vec<String> {
    found.iter().map(ToString::to_string).collect()
}

/// Appends `{oldSchemaVersion: n}` and `{oldSchema: '…'}` to non-empty messages.
fn with_old_schema(mut messages: Vec<String>, version: i32, old: &str) -> Vec<String> {
    if messages.is_empty() {
        return messages;
    }
    messages.push(format!("{{oldSchemaVersion: {version}}}"));
    match utf16_prefix(old, MAX_SCHEMA_SIZE_FOR_LOGGING) {
        None => messages.push(format!("{{oldSchema: '{old}'}}")),
        Some(prefix) => messages.push(format!("{{oldSchema: <truncated> '{prefix}...'}}")),
    }
    messages
}

/// The first `limit` UTF-16 units of `s` when `s` is longer than that (Java's `substring`).
fn utf16_prefix(s: &str, limit: usize) -> Option<&str> {
    let mut units = 0;
    for (index, c) in s.char_indices() {
        if units + c.len_utf16() > limit {
            return Some(&s[..index]);
        }
        units += c.len_utf16();
    }
    None
}
