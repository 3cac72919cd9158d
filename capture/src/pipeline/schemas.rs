//! Registry gating: a table's key and value schemas are registered before the first record
//! encoded with them is produced.
//!
//! For each table model, [`SchemaGate::prepare`] derives the Avro schemas (Debezium's shape),
//! registers `<topic>-key` and `<topic>-value` through the registry client and keeps the ids.
//! When the registry refuses (a DDL the subject's compatibility level forbids), the error
//! names the table, the subject and the registry's explanation, and nothing is produced with
//! the refused schema: the task fails before emitting.

use crate::avro::TableAvro;
use crate::config::ConnectorConfig;
use crate::error::CaptureError;
use crate::schema::{Table, TableId};
use sluice_proto::RegistryClient;
use sluice_proto::rest::RegisterSchemaRequest;
use std::collections::HashMap;
use std::sync::Arc;

/// Why a registration did not give an id.
enum Failure {
    Unavailable(CaptureError),
    Refused(String),
}

/// A table ready to encode: its Avro mapping and registered schema ids.
#[derive(Debug)]
pub struct PreparedTable {
    pub table: Arc<Table>,
    pub avro: TableAvro,
    pub key_id: Option<u32>,
    pub value_id: u32,
}

/// Registers schemas and caches prepared tables by table id.
#[derive(Debug)]
pub struct SchemaGate<R> {
    registry: R,
    config: Arc<ConnectorConfig>,
    prepared: HashMap<TableId, Arc<PreparedTable>>,
}

impl<R: RegistryClient> SchemaGate<R> {
    pub fn new(registry: R, config: Arc<ConnectorConfig>) -> Self {
        Self {
            registry,
            config,
            prepared: HashMap::new(),
        }
    }

    /// The prepared form of `table`, registering its schemas if this model is new.
    pub async fn prepare(
        &mut self,
        table: &Arc<Table>,
    ) -> Result<Arc<PreparedTable>, CaptureError> {
        if let Some(p) = self.prepared.get(&table.id)
            && (Arc::ptr_eq(&p.table, table) || *p.table == **table)
        {
            return Ok(Arc::clone(p));
        }
        let avro = TableAvro::from_config(table, &self.config).map_err(|e| {
            CaptureError::Definite(format!("cannot map table {} to Avro: {e}", table.id))
        })?;
        let key_id = match &avro.key {
            Some(key) => Some(
                self.register(&table.id, &avro.key_subject(), "key", &key.canonical)
                    .await?,
            ),
            None => None,
        };
        let value_id = match self
            .register(
                &table.id,
                &avro.value_subject(),
                "value",
                &avro.envelope.canonical,
            )
            .await
        {
            Err(CaptureError::SchemaRejected {
                table: id,
                subject,
                kind,
                reason,
            }) => {
                let columns = self
                    .prepared
                    .get(&table.id)
                    .map(|old| column_changes(&old.avro, &avro))
                    .unwrap_or_default();
                return Err(CaptureError::SchemaRejected {
                    table: id,
                    subject,
                    kind,
                    reason: if columns.is_empty() {
                        reason
                    } else {
                        format!("{reason}; the columns behind it: {columns}")
                    },
                });
            }
            other => other?,
        };
        tracing::info!(table = %table.id, key_id, value_id, "table schemas registered");
        let prepared = Arc::new(PreparedTable {
            table: Arc::clone(table),
            avro,
            key_id,
            value_id,
        });
        self.prepared
            .insert(table.id.clone(), Arc::clone(&prepared));
        Ok(prepared)
    }

    /// Registers a schema that belongs to no table (heartbeats, transactions, schema changes)
    /// and returns its id.
    pub async fn register_schema(&self, subject: &str, schema: &str) -> Result<u32, CaptureError> {
        self.submit(subject, schema).await.map_err(|f| match f {
            Failure::Unavailable(e) => e,
            Failure::Refused(reason) => {
                CaptureError::Definite(format!("schema registry refused {subject}: {reason}"))
            }
        })
    }

    /// Forgets a table (dropped or renamed).
    pub fn forget(&mut self, id: &TableId) {
        self.prepared.remove(id);
    }

    async fn register(
        &self,
        table: &TableId,
        subject: &str,
        kind: &'static str,
        schema: &str,
    ) -> Result<u32, CaptureError> {
        self.submit(subject, schema).await.map_err(|f| match f {
            Failure::Unavailable(e) => e,
            Failure::Refused(reason) => CaptureError::SchemaRejected {
                table: table.clone(),
                subject: subject.to_owned(),
                kind,
                reason,
            },
        })
    }

    /// Registers an Avro schema: a registry that cannot answer (5xx, unreachable) is a transient
    /// failure; one that refuses (4xx: incompatible, invalid) is the caller's to word.
    async fn submit(&self, subject: &str, schema: &str) -> Result<u32, Failure> {
        let request = RegisterSchemaRequest {
            schema: Some(schema.to_owned()),
            schema_type: Some("AVRO".to_owned()),
            ..RegisterSchemaRequest::default()
        };
        let id = self
            .registry
            .register(subject, &request)
            .await
            .map_err(|e| {
                if e.status() >= 500 {
                    Failure::Unavailable(CaptureError::Transient(format!(
                        "schema registry unavailable for {subject}: {e}"
                    )))
                } else {
                    Failure::Refused(e.to_string())
                }
            })?;
        u32::try_from(id)
            .map_err(|_| Failure::Refused(format!("schema id {id} does not fit the wire format")))
    }
}

/// What changed between two versions of a table's row record, column by column, in the
/// registry's words (BACKWARD direction: can the new row schema read rows of the old one). The
/// envelope check reports only the union around the row; this names the column and the rule.
fn column_changes(old: &TableAvro, new: &TableAvro) -> String {
    let parse = |canonical: &str| {
        sluice_compat::avro::AvroSchema::parse(canonical, &[], sluice_compat::ParseMode::Stored)
            .ok()
    };
    let (Some(old), Some(new)) = (parse(&old.value.canonical), parse(&new.value.canonical)) else {
        return String::new();
    };
    sluice_compat::avro::reader_writer(&new, &old)
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
