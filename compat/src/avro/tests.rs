//! Behaviour of Avro parsing, canonical and normalized forms, and reader/writer checks.

use super::*;
use crate::IncompatibilityKind;

fn parse_new(text: &str) -> Result<AvroSchema, CompatError> {
    AvroSchema::parse(text, &[], ParseMode::New)
}

fn canonical(text: &str) -> String {
    parse_new(text)
        .unwrap_or_else(|e| panic!("{text} should parse: {e}"))
        .canonical()
        .to_owned()
}

fn error(text: &str) -> String {
    match parse_new(text) {
        Ok(s) => panic!("{text} should be rejected, parsed as {}", s.canonical()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn primitive_object_is_rendered_as_bare_name() {
    assert_eq!(canonical(r#"{"type":"string"}"#), r#""string""#);
    assert_eq!(canonical(r#""int""#), r#""int""#);
}

#[test]
fn record_fields_are_rendered_name_first() {
    assert_eq!(
        canonical(
            r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}]}"#
        ),
        r#"{"type":"record","name":"myrecord","fields":[{"name":"f1","type":"string"}]}"#
    );
}

#[test]
fn nested_types_inherit_and_print_namespaces_relative_to_the_enclosing_one() {
    let text = r#"{"type":"record","name":"Outer","namespace":"a.b","fields":[
        {"name":"i","type":{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"}]}},
        {"name":"j","type":"Inner"},
        {"name":"k","type":{"type":"record","name":"c.Other","fields":[]}},
        {"name":"l","type":"c.Other"},
        {"name":"m","type":{"type":"enum","name":"E","namespace":"","symbols":["A"]}}]}"#;
    assert_eq!(
        canonical(text),
        concat!(
            r#"{"type":"record","name":"Outer","namespace":"a.b","fields":["#,
            r#"{"name":"i","type":{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"}]}},"#,
            r#"{"name":"j","type":"Inner"},"#,
            r#"{"name":"k","type":{"type":"record","name":"Other","namespace":"c","fields":[]}},"#,
            r#"{"name":"l","type":"c.Other"},"#,
            r#"{"name":"m","type":{"type":"enum","name":"E","namespace":"","symbols":["A"]}}]}"#
        )
    );
}

#[test]
fn keys_follow_avro_java_order() {
    let text = r#"{"type":"record","name":"R","aliases":["Old"],"doc":"d","connect.name":"x",
        "fields":[{"name":"f","type":"int","aliases":["g"],"default":1,"doc":"fd","order":"descending","custom":true}]}"#;
    assert_eq!(
        canonical(text),
        r#"{"type":"record","name":"R","doc":"d","fields":[{"name":"f","type":"int","doc":"fd","default":1,"order":"descending","aliases":["g"],"custom":true}],"connect.name":"x","aliases":["Old"]}"#
    );
    assert_eq!(
        canonical(r#"{"symbols":["A","B"],"default":"A","doc":"d","type":"enum","name":"E"}"#),
        r#"{"type":"enum","name":"E","doc":"d","symbols":["A","B"],"default":"A"}"#
    );
    assert_eq!(
        canonical(r#"{"type":"long","logicalType":"timestamp-millis"}"#),
        r#"{"type":"long","logicalType":"timestamp-millis"}"#
    );
}

#[test]
fn reserved_properties_of_a_primitive_are_dropped() {
    assert_eq!(
        canonical(r#"{"type":"string","name":"x","doc":"y"}"#),
        r#""string""#
    );
}

#[test]
fn textual_float_default_becomes_a_number() {
    assert_eq!(
        canonical(
            r#"{"type":"record","name":"R","fields":[{"name":"f","type":"double","default":"1.5"}]}"#
        ),
        r#"{"type":"record","name":"R","fields":[{"name":"f","type":"double","default":1.5}]}"#
    );
}

#[test]
fn rejects_null_default_for_string_field_when_new() {
    let text =
        r#"{"type":"record","name":"r","fields":[{"name":"f","type":"string","default":null}]}"#;
    assert_eq!(
        error(text),
        r#"Invalid Avro schema: Invalid default for field f: null not a "string""#
    );
    assert!(AvroSchema::parse(text, &[], ParseMode::Stored).is_ok());
}

#[test]
fn union_default_must_match_first_branch() {
    let first_null = r#"{"type":"record","name":"r","fields":[{"name":"f","type":["null","string"],"default":"x"}]}"#;
    assert!(error(first_null).contains("Invalid default for field f"));
    let first_string = r#"{"type":"record","name":"r","fields":[{"name":"f","type":["string","null"],"default":"x"}]}"#;
    assert!(parse_new(first_string).is_ok());
}

#[test]
fn rejects_int_default_out_of_range() {
    let text =
        r#"{"type":"record","name":"r","fields":[{"name":"f","type":"int","default":2147483648}]}"#;
    assert!(error(text).contains("Invalid default for field f: 2147483648 not a \"int\""));
}

#[test]
fn validates_names_only_when_new() {
    let text = r#"{"type":"record","name":"1abc","fields":[]}"#;
    assert_eq!(
        error(text),
        "Invalid Avro schema: Illegal initial character: 1abc"
    );
    assert!(AvroSchema::parse(text, &[], ParseMode::Stored).is_ok());
    let field = r#"{"type":"record","name":"r","fields":[{"name":"a-b","type":"int"}]}"#;
    assert_eq!(
        error(field),
        "Invalid Avro schema: Illegal character in: a-b"
    );
}

#[test]
fn rejects_malformed_schemas_with_avro_java_wording() {
    let cases = [
        (
            r#"{"type":"record","name":"r","fields":[{"name":"a","type":"int"},{"name":"a","type":"int"}]}"#,
            "Duplicate field a in record r",
        ),
        (
            r#"{"type":"enum","name":"e","symbols":["A","A"]}"#,
            "Duplicate enum symbol: A",
        ),
        (r#"["int",["string"]]"#, "Nested union"),
        (r#"["int","int"]"#, "Duplicate in union:int"),
        (
            r#"{"type":"record","name":"r","fields":[{"name":"a","type":"Missing"}]}"#,
            "Undefined name: \"Missing\"",
        ),
        (
            r#"{"type":"record","name":"r","fields":[{"name":"a","type":{"type":"fixed","name":"r","size":1}}]}"#,
            "Can't redefine: r",
        ),
        (r#"{"type":"record","name":"r"}"#, "Record has no fields"),
        (r#"{"type":"fixed","name":"f"}"#, "Invalid or no size"),
        (r#"{"name":"x"}"#, "No type"),
        (
            r#"{"type":"record","name":"int","fields":[]}"#,
            "Schemas may not be named after primitives: int",
        ),
        (
            r#"{"type":"enum","name":"e","symbols":["A"],"default":"B"}"#,
            "The Enum Default: B is not in the enum symbol set: [A]",
        ),
        ("42", "Schema not yet supported: 42"),
        ("{", "not valid JSON"),
    ];
    for (text, expected) in cases {
        let message = error(text);
        assert!(message.contains(expected), "{text}: {message}");
    }
}

#[test]
fn recursive_record_refers_to_itself_by_name() {
    let text =
        r#"{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]}]}"#;
    assert_eq!(
        canonical(text),
        r#"{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]}]}"#
    );
}

fn reference(name: &str, schema: &str) -> ResolvedReference {
    ResolvedReference {
        name: name.into(),
        subject: format!("{name}-value"),
        version: 1,
        schema: schema.into(),
    }
}

#[test]
fn referenced_types_are_written_by_name() {
    let refs = [reference(
        "com.acme.Address",
        r#"{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"}]}"#,
    )];
    let text = r#"{"type":"record","name":"Person","namespace":"com.acme","fields":[{"name":"a","type":"Address"}]}"#;
    let schema = AvroSchema::parse(text, &refs, ParseMode::New).expect("parses with references");
    assert_eq!(
        schema.canonical(),
        r#"{"type":"record","name":"Person","namespace":"com.acme","fields":[{"name":"a","type":"Address"}]}"#
    );
    assert_eq!(
        schema.normalized(),
        r#"{"name":"com.acme.Person","type":"record","fields":[{"name":"a","type":"com.acme.Address","order":"ASCENDING"}]}"#
    );
    assert_eq!(schema.record_name(), Some("com.acme.Person"));
    let e = AvroSchema::parse(text, &[], ParseMode::New).expect_err("undefined without reference");
    assert!(e.to_string().contains("Undefined name"), "{e}");
}

#[test]
fn normalized_form_uses_full_names_sorted_props_and_typed_defaults() {
    let text = r#"{"type":"record","name":"R","namespace":"n","doc":"","aliases":["B","A"],"z":1,"a":{"y":1,"x":2},
        "fields":[{"name":"f","type":"float","default":1},{"name":"g","type":"float","default":1.1},
                  {"name":"h","type":["null","E"],"default":null},
                  {"name":"e","type":{"type":"enum","name":"E","symbols":["X"],"default":"X"}}]}"#;
    assert!(parse_new(text).is_err(), "E is used before it is defined");
    let text = r#"{"type":"record","name":"R","namespace":"n","doc":"","aliases":["B","A"],"z":1,"a":{"y":1,"x":2},
        "fields":[{"name":"f","type":"float","default":1},{"name":"g","type":"float","default":1.1},
                  {"name":"e","type":{"type":"enum","name":"E","symbols":["X"],"default":"X"}},
                  {"name":"h","type":["null","E"],"default":null}]}"#;
    let schema = parse_new(text).expect("parses");
    assert_eq!(
        schema.normalized(),
        concat!(
            r#"{"name":"n.R","type":"record","fields":["#,
            r#"{"name":"f","type":"float","order":"ASCENDING"},"#,
            r#"{"name":"g","type":"float","order":"ASCENDING","default":1.1},"#,
            r#"{"name":"e","type":{"name":"n.E","type":"enum","symbols":["X"],"default":"X"},"order":"ASCENDING"},"#,
            r#"{"name":"h","type":["null","n.E"],"order":"ASCENDING","default":null}],"#,
            r#""aliases":["n.A","n.B"],"a":{"x":2,"y":1},"z":1}"#
        )
    );
}

#[test]
fn normalized_form_writes_valid_logical_types_first() {
    let schema = parse_new(r#"{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}"#)
        .expect("parses");
    assert_eq!(
        schema.normalized(),
        r#"{"type":"bytes","logicalType":"decimal","precision":4,"scale":2,"logicalType":"decimal","precision":4,"scale":2}"#
    );
    let not_logical = parse_new(r#"{"type":"string","logicalType":"date","a":1}"#).expect("parses");
    assert_eq!(
        not_logical.normalized(),
        r#"{"type":"string","a":1,"logicalType":"date"}"#
    );
}

fn stored(text: &str) -> AvroSchema {
    AvroSchema::parse(text, &[], ParseMode::Stored).unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[test]
fn reports_every_incompatibility_with_its_location() {
    let reader = stored(
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"},{"name":"c","type":{"type":"fixed","name":"F","size":4}}]}"#,
    );
    let writer = stored(
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"long"},{"name":"c","type":{"type":"fixed","name":"F","size":8}}]}"#,
    );
    let found = reader_writer(&reader, &writer);
    let summary: Vec<(IncompatibilityKind, &str, &str)> = found
        .iter()
        .map(|i| (i.kind, i.location.as_str(), i.additional_info.as_str()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                IncompatibilityKind::TypeMismatch,
                "/fields/0/type",
                "reader type: INT not compatible with writer type: LONG"
            ),
            (
                IncompatibilityKind::ReaderFieldMissingDefaultValue,
                "/fields/1",
                "b"
            ),
            (
                IncompatibilityKind::FixedSizeMismatch,
                "/fields/2/type/size",
                "expected: 8, found: 4"
            ),
        ]
    );
}

#[test]
fn reader_enum_default_waives_missing_symbols() {
    let reader = stored(r#"{"type":"enum","name":"E","symbols":["A","U"],"default":"U"}"#);
    let writer = stored(r#"{"type":"enum","name":"E","symbols":["A","B"]}"#);
    assert!(reader_writer(&reader, &writer).is_empty());
    let strict_reader = stored(r#"{"type":"enum","name":"E","symbols":["A"]}"#);
    let found = reader_writer(&strict_reader, &writer);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].additional_info, "[B]");
}

#[test]
fn names_match_unqualified_or_through_reader_aliases() {
    let writer = stored(r#"{"type":"record","name":"a.R","fields":[]}"#);
    assert!(
        reader_writer(
            &stored(r#"{"type":"record","name":"b.R","fields":[]}"#),
            &writer
        )
        .is_empty()
    );
    assert!(
        reader_writer(
            &stored(r#"{"type":"record","name":"S","aliases":["a.R"],"fields":[]}"#),
            &writer
        )
        .is_empty()
    );
    let found = reader_writer(
        &stored(r#"{"type":"record","name":"S","fields":[]}"#),
        &writer,
    );
    assert_eq!(found[0].kind, IncompatibilityKind::NameMismatch);
    assert_eq!(found[0].additional_info, "expected: a.R");
}

#[test]
fn recursive_schemas_are_checked_without_looping() {
    let a = stored(
        r#"{"type":"record","name":"L","fields":[{"name":"v","type":"int"},{"name":"n","type":["null","L"]}]}"#,
    );
    let b = stored(
        r#"{"type":"record","name":"L","fields":[{"name":"v","type":"long"},{"name":"n","type":["null","L"]}]}"#,
    );
    assert!(reader_writer(&b, &a).is_empty());
    assert!(!reader_writer(&a, &b).is_empty());
}

#[test]
fn ambiguous_field_alias_fails_the_check_like_avro_java() {
    let reader = stored(
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int","aliases":["b"]}]}"#,
    );
    let writer = stored(
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}"#,
    );
    let found = reader_writer(&reader, &writer);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kind, IncompatibilityKind::CheckFailed);
    assert!(found[0].to_string().starts_with(
        "Unexpected exception during compatibility check: Reader record field a type:INT pos:0 matches multiple fields in writer record schema {\"type\":\"record\""
    ), "{}", found[0]);
}

fn summary(reader: &str, writer: &str) -> Vec<(IncompatibilityKind, String, String)> {
    reader_writer(&stored(reader), &stored(writer))
        .into_iter()
        .map(|i| (i.kind, i.location, i.additional_info))
        .collect()
}

#[test]
fn locations_inside_unions_arrays_and_maps() {
    let reader = r#"{"type":"record","name":"R","fields":[
        {"name":"u","type":["null","int"]},
        {"name":"a","type":{"type":"array","items":"int"}},
        {"name":"m","type":{"type":"map","values":{"type":"enum","name":"E","symbols":["A"]}}},
        {"name":"n","type":"int"},
        {"name":"o","type":["null","string"]},
        {"name":"x","type":{"type":"fixed","name":"X","size":2}}]}"#;
    let writer = r#"{"type":"record","name":"R","fields":[
        {"name":"u","type":["null","string"]},
        {"name":"a","type":{"type":"array","items":"long"}},
        {"name":"m","type":{"type":"map","values":{"type":"enum","name":"E","symbols":["A","B"]}}},
        {"name":"n","type":["null","string","int"]},
        {"name":"o","type":"long"},
        {"name":"x","type":{"type":"fixed","name":"Y","size":2}}]}"#;
    let expected = vec![
        (
            IncompatibilityKind::MissingUnionBranch,
            "/fields/0/type/1",
            "reader union lacking writer type: STRING",
        ),
        (
            IncompatibilityKind::TypeMismatch,
            "/fields/1/type/items",
            "reader type: INT not compatible with writer type: LONG",
        ),
        (
            IncompatibilityKind::MissingEnumSymbols,
            "/fields/2/type/values/symbols",
            "[B]",
        ),
        (
            IncompatibilityKind::TypeMismatch,
            "/fields/3/type/0",
            "reader type: INT not compatible with writer type: NULL",
        ),
        (
            IncompatibilityKind::TypeMismatch,
            "/fields/3/type/1",
            "reader type: INT not compatible with writer type: STRING",
        ),
        (
            IncompatibilityKind::MissingUnionBranch,
            "/fields/4/type",
            "reader union lacking writer type: LONG",
        ),
        (
            IncompatibilityKind::NameMismatch,
            "/fields/5/type/name",
            "expected: Y",
        ),
    ];
    let found = summary(reader, writer);
    let found: Vec<(IncompatibilityKind, &str, &str)> = found
        .iter()
        .map(|(k, l, m)| (*k, l.as_str(), m.as_str()))
        .collect();
    assert_eq!(found, expected);
}

/// Wider than the linear-scan threshold, with fields reordered, removed, renamed through
/// aliases and added, so both the in-order guess and the name index are used.
#[test]
fn field_lookup_by_name_in_wide_records() {
    let field =
        |name: &str, ty: &str, extra: &str| format!(r#"{{"name":"{name}","type":"{ty}"{extra}}}"#);
    let mut writer: Vec<String> = (0..20)
        .map(|i| field(&format!("w{i}"), "int", ""))
        .collect();
    writer.push(field("old", "string", ""));
    let mut reader: Vec<String> = (0..20)
        .rev()
        .filter(|i| i % 5 != 0)
        .map(|i| field(&format!("w{i}"), if i == 7 { "string" } else { "long" }, ""))
        .collect();
    reader.insert(
        3,
        field("renamed", "string", r#","aliases":["gone","old"]"#),
    );
    reader.push(field("added", "int", ""));
    reader.push(field("defaulted", "int", r#","default":0"#));
    let record = |fields: &[String]| {
        format!(
            r#"{{"type":"record","name":"W","fields":[{}]}}"#,
            fields.join(",")
        )
    };
    let found = summary(&record(&reader), &record(&writer));
    let found: Vec<(IncompatibilityKind, &str, &str)> = found
        .iter()
        .map(|(k, l, m)| (*k, l.as_str(), m.as_str()))
        .collect();
    let expected = vec![
        (
            IncompatibilityKind::TypeMismatch,
            "/fields/11/type",
            "reader type: STRING not compatible with writer type: INT",
        ),
        (
            IncompatibilityKind::ReaderFieldMissingDefaultValue,
            "/fields/17",
            "added",
        ),
    ];
    assert_eq!(found, expected);
}
