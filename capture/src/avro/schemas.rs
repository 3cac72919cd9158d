//! A table's three schemas (Key, Value, Envelope; Debezium's `TableSchemaBuilder` and `io.debezium.data.Envelope`) and write plans.

use serde_json::Value;
use sluice_compat::{ParseMode, ParsedSchema};
use sluice_proto::SchemaType;

use super::connect::{AvroWriter, ConnectSchema, ConnectType};
use super::mapping::{FieldPlan, MappingOptions, map_column, nullability};
use super::names::{adjust_field_name, adjust_schema_name, topic_name};
use super::source::{source_schema, transaction_schema};
use crate::config::{ConnectorClass, ConnectorConfig, NameAdjustmentMode};
use crate::schema::Table;

/// Everything besides the table that decides its schemas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaOptions {
    /// `topic.prefix`.
    pub topic_prefix: String,
    /// MySQL or MariaDB: the source block's `connector` and record name.
    pub connector: ConnectorClass,
    pub mapping: MappingOptions,
    pub schema_name_adjustment: NameAdjustmentMode,
    pub field_name_adjustment: NameAdjustmentMode,
}

impl SchemaOptions {
    /// Defaults for `topic.prefix` = `prefix`.
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            topic_prefix: prefix.into(),
            connector: ConnectorClass::MySql,
            mapping: MappingOptions::default(),
            schema_name_adjustment: NameAdjustmentMode::None,
            field_name_adjustment: NameAdjustmentMode::None,
        }
    }

    /// The options a connector configuration sets.
    pub fn from_config(config: &ConnectorConfig) -> Self {
        Self {
            topic_prefix: config.topic_prefix.clone(),
            connector: config.connector_class,
            mapping: MappingOptions {
                decimal: config.decimal_handling_mode,
                time_precision: config.time_precision_mode,
                bigint_unsigned: config.bigint_unsigned_handling_mode,
                binary: config.binary_handling_mode,
            },
            schema_name_adjustment: config.schema_name_adjustment_mode,
            field_name_adjustment: config.field_name_adjustment_mode,
        }
    }
}

/// An Avro schema as JSON and as the registry's canonical text.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedSchema {
    /// The schema as AvroConverter prints it.
    pub json: Value,
    /// Canonical form (what the registry stores), from `sluice-compat`.
    pub canonical: String,
}

/// A generated schema that the Avro parser rejected (a bug, or names invalid in Avro with
/// `schema.name.adjustment.mode=none`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the Avro schema generated for {name} is invalid: {reason}")]
pub struct MappingError {
    pub name: String,
    pub reason: String,
}

/// The schemas and write plans of one table.
#[derive(Debug, Clone, PartialEq)]
pub struct TableAvro {
    /// `<prefix>.<db>.<table>`, sanitized.
    pub topic: String,
    /// `<topic>.Key`; `None` when the table has no primary key (the key is then null).
    pub key: Option<GeneratedSchema>,
    /// `<topic>.Value` on its own (the row record inside the envelope).
    pub value: GeneratedSchema,
    /// `<topic>.Envelope`: the value schema of the topic.
    pub envelope: GeneratedSchema,
    pub(crate) key_plan: Vec<FieldPlan>,
    pub(crate) value_plan: Vec<FieldPlan>,
    /// `source.connector`: `mysql` or `mariadb`.
    pub(crate) connector: &'static str,
}

pub(crate) fn generate(schema: &ConnectSchema) -> Result<GeneratedSchema, MappingError> {
    let json = AvroWriter::top(schema);
    let parsed = ParsedSchema::parse(SchemaType::Avro, &json.to_string(), &[], ParseMode::New)
        .map_err(|e| MappingError {
            name: schema.name.clone().unwrap_or_default(),
            reason: e.to_string(),
        })?;
    Ok(GeneratedSchema {
        canonical: parsed.canonical().to_string(),
        json,
    })
}

impl TableAvro {
    /// Schemas of `table` with every column in the value.
    pub fn new(table: &Table, opts: &SchemaOptions) -> Result<Self, MappingError> {
        Self::with_column_filter(table, opts, |_| true)
    }

    /// Schemas of `table` as `config` sets them (handling modes, name adjustment,
    /// `column.exclude.list`).
    pub fn from_config(table: &Table, config: &ConnectorConfig) -> Result<Self, MappingError> {
        Self::with_column_filter(table, &SchemaOptions::from_config(config), |c| {
            config.filters.column_included(&table.id, c)
        })
    }

    /// Schemas of `table` with the value restricted to columns `include` accepts (the key
    /// always has every primary key column, as in Debezium).
    pub fn with_column_filter(
        table: &Table,
        opts: &SchemaOptions,
        include: impl Fn(&str) -> bool,
    ) -> Result<Self, MappingError> {
        let topic = topic_name(&opts.topic_prefix, &table.id);
        let connector = match opts.connector {
            ConnectorClass::MySql => "mysql",
            ConnectorClass::MariaDb => "mariadb",
        };
        let schema_name = |suffix: &str| {
            adjust_schema_name(&format!("{topic}.{suffix}"), opts.schema_name_adjustment)
                .into_owned()
        };
        let mut value_fields = Vec::new();
        let mut value_plan = Vec::new();
        let field = |i: usize| {
            let column = &table.columns[i];
            let name = adjust_field_name(&column.name, opts.field_name_adjustment).into_owned();
            let (schema, kind) = map_column(column, &opts.mapping);
            let plan = FieldPlan {
                name: name.clone(),
                column: i,
                kind,
                nullability: nullability(&schema),
            };
            ((name, schema), plan)
        };
        for (i, column) in table.columns.iter().enumerate() {
            if include(&column.name) {
                let (f, p) = field(i);
                value_fields.push(f);
                value_plan.push(p);
            }
        }
        // The key: primary key columns in key order, whatever the column filter says.
        let (key_fields, key_plan): (Vec<_>, Vec<_>) = table
            .primary_key
            .iter()
            .filter_map(|k| table.position(k))
            .map(field)
            .unzip();

        let key = if key_fields.is_empty() {
            None
        } else {
            Some(generate(&ConnectSchema::record(
                &schema_name("Key"),
                key_fields,
            ))?)
        };
        let value_record = ConnectSchema::record(&schema_name("Value"), value_fields);
        let value = generate(&value_record)?;
        let row = value_record.optional();
        let envelope = ConnectSchema::new(ConnectType::Struct(vec![
            ("before".into(), row.clone()),
            ("after".into(), row),
            ("source".into(), source_schema(connector)),
            ("transaction".into(), transaction_schema()),
            ("op".into(), ConnectSchema::new(ConnectType::String)),
            (
                "ts_ms".into(),
                ConnectSchema::new(ConnectType::Int64).optional(),
            ),
            (
                "ts_us".into(),
                ConnectSchema::new(ConnectType::Int64).optional(),
            ),
            (
                "ts_ns".into(),
                ConnectSchema::new(ConnectType::Int64).optional(),
            ),
        ]))
        .named(&schema_name("Envelope"), Some(2));
        let envelope = generate(&envelope)?;
        Ok(Self {
            topic,
            key,
            value,
            envelope,
            key_plan,
            value_plan,
            connector,
        })
    }

    /// Subject of the key schema (TopicNameStrategy).
    pub fn key_subject(&self) -> String {
        format!("{}-key", self.topic)
    }

    /// Subject of the envelope schema (TopicNameStrategy).
    pub fn value_subject(&self) -> String {
        format!("{}-value", self.topic)
    }
}
