//! A table model rebuilt from the schemas capture registered: the current model when neither
//! a database nor a dump is at hand.
//!
//! Each `<prefix>.<db>.<table>-value` subject's latest envelope gives the columns (the row
//! record's fields, in order), and the `-key` subject the primary key. Avro types are mapped
//! back to a MySQL type that maps forward to the same Avro type (Debezium's mapping is not
//! one-to-one: SMALLINT and INT are both `int`, VARCHAR(n) and TEXT both `string`), so the
//! schemas derived from the rebuilt model equal the registered ones. What the registry cannot
//! tell: lengths and integer widths (narrowing warnings are then not given), and defaults of
//! temporal, binary and decimal columns (left out; a default only changes compatibility by
//! its presence, which is kept for the other types).

use crate::explain::row_record;
use crate::subjects::Subjects;
use serde_json::Value;
use sluice_capture::avro::names::topic_name;
use sluice_capture::schema::{
    Catalog, Column, ColumnDefault, DataType, GeometryKind, LobSize, Table, TableId,
};

/// The model of every table whose value subject is in `subjects` under `prefix`.
pub fn from_registry(subjects: &Subjects, prefix: &str) -> Catalog {
    let mut catalog = Catalog::new();
    let names: Vec<&str> = subjects.names().collect();
    for subject in &names {
        let Some(topic) = subject.strip_suffix("-value") else {
            continue;
        };
        let Some(rest) = topic.strip_prefix(prefix).and_then(|r| r.strip_prefix('.')) else {
            continue;
        };
        let Some((db, table)) = rest.split_once('.') else {
            continue;
        };
        let id = TableId::new(db, table);
        if topic_name(prefix, &id) != topic {
            continue;
        }
        let Some(value) = subjects
            .latest_text(subject)
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
        else {
            continue;
        };
        let Some(row) = row_record(&value) else {
            continue;
        };
        let key: Vec<String> = subjects
            .latest_text(&format!("{topic}-key"))
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
            .and_then(|k| field_names(&k))
            .unwrap_or_default();
        let Some(columns) = row
            .get("fields")
            .and_then(Value::as_array)
            .map(|fields| fields.iter().filter_map(column).collect::<Vec<_>>())
        else {
            continue;
        };
        catalog.insert_table(Table {
            id,
            columns,
            primary_key: key,
            charset: None,
            comment: None,
        });
    }
    catalog
}

fn field_names(record: &Value) -> Option<Vec<String>> {
    Some(
        record
            .get("fields")?
            .as_array()?
            .iter()
            .filter_map(|f| f.get("name").and_then(Value::as_str).map(str::to_owned))
            .collect(),
    )
}

/// The column a row field describes.
fn column(field: &Value) -> Option<Column> {
    let name = field.get("name")?.as_str()?;
    let (ty, nullable) = match field.get("type")? {
        Value::Array(branches) => (branches.iter().find(|b| b.as_str() != Some("null"))?, true),
        other => (other, false),
    };
    let data_type = data_type(ty)?;
    let default = match field.get("default") {
        None | Some(Value::Null) => None,
        Some(v) => default_literal(&data_type, v).map(ColumnDefault::Literal),
    };
    let mut c = Column::new(name, data_type);
    c.nullable = nullable;
    c.default = default;
    Some(c)
}

fn param<'a>(ty: &'a Value, key: &str) -> Option<&'a str> {
    ty.get("connect.parameters")?.get(key)?.as_str()
}

/// A MySQL type Debezium maps to the Avro type `ty`.
fn data_type(ty: &Value) -> Option<DataType> {
    let (base, connect_name, connect_type) = match ty {
        Value::String(s) => (s.as_str(), None, None),
        Value::Object(o) => (
            o.get("type")?.as_str()?,
            o.get("connect.name").and_then(Value::as_str),
            o.get("connect.type").and_then(Value::as_str),
        ),
        _ => return None,
    };
    let list = |key| {
        param(ty, key)
            .map(|a| a.split(',').map(str::to_owned).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    Some(match (connect_name, base) {
        (Some("io.debezium.data.Enum"), _) => DataType::Enum(list("allowed")),
        (Some("io.debezium.data.EnumSet"), _) => DataType::Set(list("allowed")),
        (Some("io.debezium.data.Json"), _) => DataType::Json,
        (Some("io.debezium.time.Year"), _) => DataType::Year,
        (Some("io.debezium.time.Date" | "org.apache.kafka.connect.data.Date"), _) => DataType::Date,
        (Some("io.debezium.time.MicroTime"), _) => DataType::Time(6),
        (Some("org.apache.kafka.connect.data.Time"), _) => DataType::Time(3),
        (Some("io.debezium.time.Timestamp" | "org.apache.kafka.connect.data.Timestamp"), _) => {
            DataType::DateTime(0)
        }
        (Some("io.debezium.time.MicroTimestamp"), _) => DataType::DateTime(6),
        (Some("io.debezium.time.ZonedTimestamp"), _) => DataType::Timestamp(0),
        (Some("io.debezium.data.Bits"), _) => DataType::Bit(
            param(ty, "length")
                .and_then(|l| l.parse().ok())
                .unwrap_or(8),
        ),
        (Some("org.apache.kafka.connect.data.Decimal"), _) => DataType::Decimal {
            precision: param(ty, "connect.decimal.precision")
                .and_then(|p| p.parse().ok())
                .unwrap_or(10),
            scale: param(ty, "scale").and_then(|s| s.parse().ok()).unwrap_or(0),
            unsigned: false,
        },
        (Some("io.debezium.data.FloatVector"), _) => DataType::Vector(0),
        (Some("io.debezium.data.geometry.Point"), _) | (_, "io.debezium.data.geometry.Point") => {
            DataType::Geometry(GeometryKind::Point)
        }
        (Some("io.debezium.data.geometry.Geometry"), _)
        | (_, "io.debezium.data.geometry.Geometry") => DataType::Geometry(GeometryKind::Geometry),
        (_, "boolean") => DataType::Boolean,
        (_, "int") => match connect_type {
            Some("int8") => DataType::TinyInt {
                unsigned: false,
                width: None,
            },
            Some("int16") => DataType::SmallInt { unsigned: false },
            _ => DataType::Int { unsigned: false },
        },
        (_, "long") => DataType::BigInt { unsigned: false },
        (_, "float") => DataType::Float {
            precision: None,
            scale: None,
            unsigned: false,
        },
        (_, "double") => DataType::Double { unsigned: false },
        (_, "string") => DataType::Text(LobSize::Long),
        (_, "bytes") => DataType::Blob(LobSize::Long),
        _ => return None,
    })
}

/// The DDL default literal that maps to the Avro default `v` (kept for types whose mapping is
/// textual or numeric).
fn default_literal(t: &DataType, v: &Value) -> Option<String> {
    match (t, v) {
        (DataType::Boolean, Value::Bool(b)) => Some(if *b { "1" } else { "0" }.to_owned()),
        (
            DataType::TinyInt { .. }
            | DataType::SmallInt { .. }
            | DataType::Int { .. }
            | DataType::BigInt { .. }
            | DataType::Float { .. }
            | DataType::Double { .. }
            | DataType::Year,
            Value::Number(n),
        ) => Some(n.to_string()),
        (DataType::Text(_) | DataType::Enum(_) | DataType::Set(_), Value::String(s)) => {
            Some(s.clone())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sluice_capture::avro::{SchemaOptions, TableAvro};
    use sluice_proto::export::{RegistryExport, SubjectExport};
    use sluice_proto::rest::SubjectSchema;

    fn export_of(avro: &TableAvro) -> RegistryExport {
        let mut export = RegistryExport::new(None);
        let version = |subject: String, schema: &str| SubjectExport {
            subject: subject.clone(),
            compatibility_level: None,
            versions: vec![SubjectSchema {
                subject,
                version: 1,
                id: 1,
                schema_type: None,
                references: Vec::new(),
                schema: schema.to_owned(),
                deleted: false,
            }],
        };
        export.subjects.push(version(
            avro.value_subject(),
            &avro.envelope.json.to_string(),
        ));
        if let Some(k) = &avro.key {
            export
                .subjects
                .push(version(avro.key_subject(), &k.json.to_string()));
        }
        export
    }

    #[test]
    fn rebuilt_tables_derive_the_registered_schemas_again() {
        let mut catalog = Catalog::new();
        catalog
            .apply_sql(
                "CREATE TABLE shop.wide (id INT UNSIGNED NOT NULL, small SMALLINT NOT NULL DEFAULT 3, \
                 tiny TINYINT, big BIGINT, f FLOAT, d DOUBLE NOT NULL DEFAULT 1.5, amount DECIMAL(12,4), \
                 name VARCHAR(40) NOT NULL DEFAULT 'x', body TEXT, flag BOOLEAN NOT NULL DEFAULT 1, \
                 state ENUM('a','b') NOT NULL DEFAULT 'b', tags SET('p','q'), doc JSON, y YEAR, \
                 day DATE, t TIME(6), dt DATETIME, dt6 DATETIME(6), ts TIMESTAMP NULL, bits BIT(12), \
                 bin VARBINARY(16), pt POINT, g GEOMETRY, PRIMARY KEY (id, name))",
                None,
            )
            .unwrap();
        let table = catalog.table(&TableId::new("shop", "wide")).unwrap();
        let avro = TableAvro::new(table, &SchemaOptions::new("inv")).unwrap();
        let subjects = Subjects::new(export_of(&avro), None);
        let rebuilt = from_registry(&subjects, "inv");
        let again = rebuilt
            .table(&TableId::new("shop", "wide"))
            .expect("rebuilt");
        assert_eq!(again.primary_key, ["id", "name"]);
        let avro2 = TableAvro::new(again, &SchemaOptions::new("inv")).unwrap();
        assert_eq!(avro2.envelope.canonical, avro.envelope.canonical);
        assert_eq!(
            avro2.key.map(|k| k.canonical),
            avro.key.map(|k| k.canonical)
        );
    }
}
