//! Confluent's compatibility check of a new schema against earlier versions under a level
//! (`CompatibilityChecker`, `SchemaValidatorBuilder`), with Confluent 8.x's messages.

use sluice_proto::CompatibilityLevel;

use crate::CompatError;
use crate::avro;
use crate::json::JsonSchema;
use crate::json::diff::{self, CompatibilityPolicy};
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

/// Checks `new` against `previous` (live versions, oldest first, as `(version, schema)`) under
/// the default (STRICT) policy.
///
/// Non-transitive levels check only the last version; `*_TRANSITIVE` levels check all, newest to
/// oldest, stopping at the first that fails. `NONE` is always compatible.
pub fn check(
    level: CompatibilityLevel,
    new: &ParsedSchema,
    previous: &[(i32, &ParsedSchema)],
) -> Result<Verdict, CompatError> {
    check_with(level, CompatibilityPolicy::Strict, new, previous)
}

/// [`check`] under a JSON Schema compatibility `policy` (Avro has no policies).
pub fn check_with(
    level: CompatibilityLevel,
    policy: CompatibilityPolicy,
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
        let mut messages = against(level, policy, new, *version, old)?;
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
    policy: CompatibilityPolicy,
    new: &ParsedSchema,
    version: i32,
    old: &ParsedSchema,
) -> Result<Vec<String>, CompatError> {
    let (new, old) = match (new, old) {
        (ParsedSchema::Avro(n), ParsedSchema::Avro(o)) => (n, o),
        (ParsedSchema::Json(n), ParsedSchema::Json(o)) => {
            return json_against(level, policy, n, version, o);
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

/// JSON Schema: BACKWARD is Confluent's `SchemaDiff.compare(old, new)`, FORWARD
/// `compare(new, old)`; each change the policy does not tolerate gives one message, naming the
/// update and the original as the direction has them.
fn json_against(
    level: CompatibilityLevel,
    policy: CompatibilityPolicy,
    new: &JsonSchema,
    version: i32,
    old: &JsonSchema,
) -> Result<Vec<String>, CompatError> {
    let messages = |original: &JsonSchema, update: &JsonSchema, labels: (&str, &str)| {
        diff::compare(original, update, policy).map(|found| {
            found
                .iter()
                .filter(|d| !policy.tolerates(d.kind))
                .map(|d| d.message(labels.0, labels.1))
                .collect::<Vec<_>>()
        })
    };
    let backward = || -> Result<Vec<String>, CompatError> {
        Ok(with_old_schema(
            messages(old, new, ("new", "old"))?,
            version,
            old.canonical(),
        ))
    };
    let forward = |append: bool| -> Result<Vec<String>, CompatError> {
        let found = messages(new, old, ("old", "new"))?;
        Ok(if append {
            with_old_schema(found, version, old.canonical())
        } else {
            found
        })
    };
    Ok(match level {
        CompatibilityLevel::Backward | CompatibilityLevel::BackwardTransitive => backward()?,
        CompatibilityLevel::Forward | CompatibilityLevel::ForwardTransitive => forward(true)?,
        CompatibilityLevel::Full | CompatibilityLevel::FullTransitive => {
            let mut found = forward(false)?;
            found.extend(backward()?);
            found
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ParseMode, ResolvedReference};
    use sluice_proto::SchemaType;

    const V1: &str =
        r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}]}"#;
    const V2_NO_DEFAULT: &str = r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"},{"type":"string","name":"f2"}]}"#;
    const V2_DEFAULT: &str = r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"},{"type":"string","name":"f2","default":"foo"}]}"#;
    const OLD_V1: &str = r#"{oldSchema: '{"type":"record","name":"myrecord","fields":[{"name":"f1","type":"string"}]}'}"#;

    fn avro(text: &str) -> ParsedSchema {
        ParsedSchema::parse(SchemaType::Avro, text, &[], ParseMode::New).expect("valid Avro")
    }

    fn json(text: &str) -> ParsedSchema {
        ParsedSchema::parse(
            SchemaType::Json,
            text,
            &[] as &[ResolvedReference],
            ParseMode::New,
        )
        .expect("valid JSON Schema")
    }

    fn run(level: CompatibilityLevel, new: &str, previous: &[&str]) -> Verdict {
        let parsed: Vec<ParsedSchema> = previous.iter().map(|t| avro(t)).collect();
        let numbered: Vec<(i32, &ParsedSchema)> = parsed
            .iter()
            .enumerate()
            .map(|(i, s)| (i as i32 + 1, s))
            .collect();
        check(level, &avro(new), &numbered).expect("Avro check")
    }

    #[test]
    fn rejects_field_without_default_under_backward() {
        let verdict = run(CompatibilityLevel::Backward, V2_NO_DEFAULT, &[V1]);
        assert!(!verdict.is_compatible);
        assert_eq!(
            verdict.messages,
            vec![
                "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'f2'}".to_owned(),
                "{oldSchemaVersion: 1}".to_owned(),
                OLD_V1.to_owned(),
                "{validateFields: 'false', compatibility: 'BACKWARD'}".to_owned(),
            ]
        );
    }

    #[test]
    fn accepts_field_with_default_under_full() {
        assert!(run(CompatibilityLevel::Full, V2_DEFAULT, &[V1]).is_compatible);
    }

    #[test]
    fn forward_names_the_old_schema_as_reader() {
        let verdict = run(CompatibilityLevel::Forward, V1, &[V2_NO_DEFAULT]);
        assert_eq!(
            verdict.messages[0],
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/1' in the old schema has no default value and is missing in the new schema', additionalInfo:'f2'}"
        );
        assert_eq!(verdict.messages[1], "{oldSchemaVersion: 1}");
        assert_eq!(verdict.messages.len(), 4);
    }

    #[test]
    fn full_reports_forward_failures_without_the_old_schema() {
        // Only the forward direction (old reads new) fails: Confluent appends the old schema
        // only after backward-direction messages.
        let verdict = run(CompatibilityLevel::Full, V1, &[V2_NO_DEFAULT]);
        assert_eq!(verdict.messages.len(), 2, "{:?}", verdict.messages);
        assert!(verdict.messages[0].contains("in the old schema has no default value"));
        assert_eq!(
            verdict.messages[1],
            "{validateFields: 'false', compatibility: 'FULL'}"
        );
    }

    #[test]
    fn full_reports_both_directions_forward_first() {
        let old = r#"{"type":"record","name":"r","fields":[{"name":"a","type":"int"}]}"#;
        let new = r#"{"type":"record","name":"r","fields":[{"name":"b","type":"int"}]}"#;
        let verdict = run(CompatibilityLevel::Full, new, &[old]);
        assert_eq!(verdict.messages.len(), 5, "{:?}", verdict.messages);
        assert!(
            verdict.messages[0].contains("The field 'a' at path '/fields/0' in the old schema")
        );
        assert!(
            verdict.messages[1].contains("The field 'b' at path '/fields/0' in the new schema")
        );
        assert_eq!(verdict.messages[2], "{oldSchemaVersion: 1}");
    }

    #[test]
    fn non_transitive_levels_check_only_the_latest_version() {
        let incompatible_old =
            r#"{"type":"record","name":"myrecord","fields":[{"type":"int","name":"f1"}]}"#;
        assert!(
            run(
                CompatibilityLevel::Backward,
                V2_DEFAULT,
                &[incompatible_old, V1]
            )
            .is_compatible
        );
        let verdict = run(
            CompatibilityLevel::BackwardTransitive,
            V2_DEFAULT,
            &[incompatible_old, V1],
        );
        assert!(!verdict.is_compatible);
        assert!(
            verdict
                .messages
                .contains(&"{oldSchemaVersion: 1}".to_owned())
        );
    }

    #[test]
    fn transitive_levels_stop_at_the_newest_failing_version() {
        let verdict = run(
            CompatibilityLevel::BackwardTransitive,
            V2_NO_DEFAULT,
            &[V1, V1],
        );
        assert!(
            verdict
                .messages
                .contains(&"{oldSchemaVersion: 2}".to_owned())
        );
        assert!(
            !verdict
                .messages
                .contains(&"{oldSchemaVersion: 1}".to_owned())
        );
    }

    #[test]
    fn none_is_always_compatible() {
        assert!(run(CompatibilityLevel::None, r#""int""#, &[V1]).is_compatible);
    }

    #[test]
    fn no_previous_version_is_compatible() {
        assert!(run(CompatibilityLevel::FullTransitive, V1, &[]).is_compatible);
    }

    #[test]
    fn different_schema_types_are_incompatible() {
        let old = json(r#"{"type":"object"}"#);
        let verdict =
            check(CompatibilityLevel::Backward, &avro(V1), &[(1, &old)]).expect("verdict");
        assert_eq!(
            verdict.messages,
            vec![
                DIFFERENT_SCHEMA_TYPE.to_owned(),
                "{validateFields: 'false', compatibility: 'BACKWARD'}".to_owned()
            ]
        );
    }

    #[test]
    fn json_schema_checks_follow_the_policy() {
        let old = json(r#"{"type":"object","properties":{"a":{"type":"string"}}}"#);
        let new =
            json(r#"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"number"}}}"#);
        let strict = check(CompatibilityLevel::Backward, &new, &[(1, &old)]).expect("verdict");
        assert!(!strict.is_compatible);
        assert_eq!(
            strict.messages[0],
            "{errorType:\"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL\", description:\"The new schema has an open content model and has a property or item at path '#/properties/b' which is missing in the old schema\"}"
        );
        assert_eq!(strict.messages[1], "{oldSchemaVersion: 1}");
        assert_eq!(
            strict.messages[3],
            "{validateFields: 'false', compatibility: 'BACKWARD'}"
        );
        let lenient = check_with(
            CompatibilityLevel::Backward,
            CompatibilityPolicy::Lenient,
            &new,
            &[(1, &old)],
        )
        .expect("verdict");
        assert!(lenient.is_compatible);
        // Removing the property again is compatible backward, not forward.
        assert!(
            check(CompatibilityLevel::Backward, &old, &[(1, &new)])
                .expect("verdict")
                .is_compatible
        );
        let forward = check(CompatibilityLevel::Forward, &old, &[(1, &new)]).expect("verdict");
        assert!(forward.messages[0].contains("The old schema has an open content model"));
        assert!(
            !check(CompatibilityLevel::Full, &old, &[(1, &new)])
                .expect("verdict")
                .is_compatible
        );
    }

    #[test]
    fn json_fan_out_past_the_bound_is_a_clear_error() {
        let branches = |n: usize, kind: &str| {
            (0..n)
                .map(|i| format!(r#"{{"type":"object","properties":{{"p{i}":{{"type":"{kind}"}}}},"additionalProperties":false}}"#))
                .collect::<Vec<_>>()
                .join(",")
        };
        let old = json(&format!(r#"{{"oneOf":[{}]}}"#, branches(600, "string")));
        let new = json(&format!(r#"{{"oneOf":[{}]}}"#, branches(600, "number")));
        let e = check(CompatibilityLevel::Backward, &new, &[(1, &old)]).expect_err("too complex");
        assert!(matches!(e, CompatError::JsonCheckTooComplex { .. }), "{e}");
    }

    #[test]
    fn long_old_schemas_are_truncated() {
        let doc = "x".repeat(MAX_SCHEMA_SIZE_FOR_LOGGING);
        let old = format!(
            r#"{{"type":"record","name":"myrecord","doc":"{doc}","fields":[{{"type":"string","name":"f1"}}]}}"#
        );
        let verdict = run(CompatibilityLevel::Backward, V2_NO_DEFAULT, &[&old]);
        let line = &verdict.messages[2];
        assert!(
            line.starts_with("{oldSchema: <truncated> '{\"type\":\"record\""),
            "{line}"
        );
        assert!(line.ends_with("...'}"));
    }

    #[test]
    fn protobuf_is_not_supported_yet() {
        let e = ParsedSchema::parse(
            SchemaType::Protobuf,
            "syntax = \"proto3\";",
            &[],
            ParseMode::New,
        )
        .expect_err("unsupported");
        assert_eq!(e.to_string(), "Protobuf schemas are not supported yet");
    }
}
