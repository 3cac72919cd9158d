//! Writing DDL to the schema change topic `<prefix>` (`include.schema.changes`, Debezium's
//! default): one record per statement that changed captured tables, after the table schemas it
//! produced were registered; from the snapshot, the database-level statements Debezium
//! records (charset `SET`, `DROP`/`CREATE DATABASE`, `USE`) with no table changes; and while
//! streaming, `CREATE`/`ALTER`/`DROP DATABASE` on captured databases, also with none.

use super::emit::Emitter;
use super::schemas::SchemaGate;
use crate::avro::encode::write_confluent_header;
use crate::avro::{SchemaChangeSchemas, SourceInfo, TableChangeRecord};
use crate::error::CaptureError;
use crate::schema::{Catalog, TableChange, TableId};
use crate::sink::RecordSink;
use sluice_proto::RegistryClient;

/// The schema change topic of one connector, its schemas registered.
#[derive(Debug)]
pub(crate) struct SchemaTopic {
    schemas: SchemaChangeSchemas,
    topic: String,
    key_id: u32,
    value_id: u32,
}

fn quoted(id: &TableId) -> String {
    format!("\"{}\".\"{}\"", id.database, id.table)
}

impl SchemaTopic {
    /// Registers `<prefix>-key` and `<prefix>-value`.
    pub(crate) async fn register<R: RegistryClient>(
        gate: &SchemaGate<R>,
        prefix: &str,
        connector: &'static str,
    ) -> Result<Self, CaptureError> {
        let schemas = SchemaChangeSchemas::new(connector)
            .map_err(|e| CaptureError::Definite(format!("schema change topic schemas: {e}")))?;
        let key_id = gate
            .register_schema(&format!("{prefix}-key"), &schemas.key.canonical)
            .await?;
        let value_id = gate
            .register_schema(&format!("{prefix}-value"), &schemas.value.canonical)
            .await?;
        Ok(Self {
            schemas,
            topic: prefix.to_owned(),
            key_id,
            value_id,
        })
    }

    /// Emits the record of one DDL statement for the changes to captured tables
    /// (`included`); nothing when it changed none.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn emit<S: RecordSink>(
        &self,
        emitter: &mut Emitter<S>,
        catalog: &Catalog,
        included: impl Fn(&TableId) -> bool,
        changes: &[TableChange],
        database: Option<&str>,
        ddl: Option<&str>,
        source: &SourceInfo<'_>,
    ) -> Result<(), CaptureError> {
        let mut records = Vec::new();
        for change in changes {
            let (kind, id, table) = match change {
                TableChange::Created(id) => ("CREATE", quoted(id), Some(id)),
                TableChange::Altered(id) | TableChange::Reload(id) => {
                    ("ALTER", quoted(id), Some(id))
                }
                TableChange::Dropped(id) => ("DROP", quoted(id), None),
                TableChange::Renamed { from, to } => (
                    "ALTER",
                    format!("{},{}", quoted(from), quoted(to)),
                    Some(to),
                ),
                TableChange::Truncated(_) => continue,
            };
            let subject = match change {
                TableChange::Renamed { to, .. } => to,
                TableChange::Created(id)
                | TableChange::Altered(id)
                | TableChange::Reload(id)
                | TableChange::Dropped(id) => id,
                TableChange::Truncated(_) => continue,
            };
            if !included(subject) {
                continue;
            }
            records.push(TableChangeRecord {
                kind,
                id,
                table: table.and_then(|id| catalog.table(id)),
            });
        }
        let Some(first) = records.first() else {
            return Ok(());
        };
        let database = database.map_or_else(
            || first.id.split('"').nth(1).unwrap_or_default().to_owned(),
            str::to_owned,
        );
        self.write(emitter, &database, ddl, &records, source).await
    }

    /// Emits the record of a statement that changes no table (`tableChanges` empty).
    pub(crate) async fn emit_statement<S: RecordSink>(
        &self,
        emitter: &mut Emitter<S>,
        database: &str,
        ddl: &str,
        source: &SourceInfo<'_>,
    ) -> Result<(), CaptureError> {
        self.write(emitter, database, Some(ddl), &[], source).await
    }

    async fn write<S: RecordSink>(
        &self,
        emitter: &mut Emitter<S>,
        database: &str,
        ddl: Option<&str>,
        records: &[TableChangeRecord<'_>],
        source: &SourceInfo<'_>,
    ) -> Result<(), CaptureError> {
        let mut key = Vec::with_capacity(32);
        write_confluent_header(&mut key, self.key_id);
        self.schemas.encode_key(database, &mut key);
        let mut value = Vec::with_capacity(1024);
        write_confluent_header(&mut value, self.value_id);
        self.schemas.encode_value(
            source,
            source.ts_ms,
            Some(database),
            ddl,
            records,
            &mut value,
        );
        emitter.raw(&self.topic, &key, &value).await
    }
}
