//! One connector task: the loop that ties snapshot, binlog, registry and Kafka together
//! (algorithm in the module doc of [`crate::pipeline`]).

use super::emit::{Emitter, now_micros};
use super::heartbeat::Heartbeat;
use super::offset::SourceOffset;
use super::schema_topic::SchemaTopic;
use super::schemas::SchemaGate;
use crate::avro::{Op, SourceInfo};
use crate::binlog::{BinlogReader, RowOp, Start, StreamEvent};
use crate::config::{ConnectorConfig, SnapshotMode};
use crate::connect::{TaskContext, TaskFailure, TaskRunner};
use crate::error::CaptureError;
use crate::position::BinlogPosition;
use crate::schema::{Catalog, Table, TableChange, TableId};
use crate::sink::{RecordSink, SinkError};
use crate::snapshot::{self, SnapshotRow};
use crate::store::{CaptureStore, DatabaseVersion, TableVersion};
use sluice_proto::RegistryClient;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// Builds the registry client a connector uses (in process, or HTTP when its converter
/// config names a URL).
pub type RegistryFactory<R> =
    Arc<dyn Fn(&ConnectorConfig) -> Result<R, CaptureError> + Send + Sync>;
/// Builds the sink a task produces to.
pub type SinkFactory<S> = Arc<dyn Fn() -> Result<Arc<S>, SinkError> + Send + Sync>;

/// Runs capture tasks: the [`TaskRunner`] the connector manager starts.
pub struct CaptureRunner<R, S> {
    store: CaptureStore,
    registry: RegistryFactory<R>,
    sink: SinkFactory<S>,
}

impl<R, S> std::fmt::Debug for CaptureRunner<R, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaptureRunner").finish_non_exhaustive()
    }
}

impl<R, S> CaptureRunner<R, S> {
    pub fn new(store: CaptureStore, registry: RegistryFactory<R>, sink: SinkFactory<S>) -> Self {
        Self {
            store,
            registry,
            sink,
        }
    }
}

impl<R, S> TaskRunner for CaptureRunner<R, S>
where
    R: RegistryClient + 'static,
    S: RecordSink + 'static,
{
    fn run(
        &self,
        ctx: TaskContext,
    ) -> Pin<Box<dyn Future<Output = Result<(), TaskFailure>> + Send>> {
        let store = self.store.clone();
        let registry = Arc::clone(&self.registry);
        let sink = Arc::clone(&self.sink);
        Box::pin(async move { supervise(ctx, store, registry, sink).await })
    }
}

/// Runs the task, reconnecting after transient failures with a growing pause.
async fn supervise<R: RegistryClient, S: RecordSink>(
    mut ctx: TaskContext,
    store: CaptureStore,
    registry: RegistryFactory<R>,
    sink: SinkFactory<S>,
) -> Result<(), TaskFailure> {
    let mut pause = Duration::from_secs(1);
    loop {
        let attempt = async {
            let registry = registry(&ctx.config)?;
            let sink = sink().map_err(|e| CaptureError::Transient(e.to_string()))?;
            Task::new(&ctx, store.clone(), registry, sink)
                .run(ctx.stop.clone())
                .await
        };
        match attempt.await {
            Ok(()) => return Ok(()),
            Err(e) if e.is_transient() => {
                tracing::warn!(connector = %ctx.name, error = %e, pause_s = pause.as_secs(), "transient failure; resuming from the last committed offset");
                tokio::select! {
                    () = stopped(&mut ctx.stop) => return Ok(()),
                    () = tokio::time::sleep(pause) => {}
                }
                pause = (pause * 2).min(Duration::from_secs(30));
            }
            Err(e) => return Err(TaskFailure(e.to_string())),
        }
    }
}

/// The state of one run of a task.
struct Task<'a, R, S> {
    ctx: &'a TaskContext,
    config: Arc<ConnectorConfig>,
    store: CaptureStore,
    gate: SchemaGate<R>,
    emitter: Emitter<S>,
    server_id: i64,
    /// The schema change topic, when `include.schema.changes`.
    schema_topic: Option<SchemaTopic>,
}

/// The `source` block of a streamed event: binlog time (seconds, as the event header has it),
/// server id, and the event's file and position.
fn binlog_source<'a>(
    prefix: &'a str,
    server_id: i64,
    table: &'a Table,
    position: &'a BinlogPosition,
    ts_sec: u32,
) -> SourceInfo<'a> {
    let ts_ms = i64::from(ts_sec) * 1000;
    let mut source = SourceInfo::new(prefix, &table.id.database, Some(&table.id.table));
    source.ts_ms = ts_ms;
    source.ts_us = ts_ms * 1000;
    source.ts_ns = ts_ms * 1_000_000;
    source.server_id = server_id;
    source.file = &position.file;
    source.pos = i64::try_from(position.pos).unwrap_or(i64::MAX);
    source
}

/// The reader's GTID state as an offset carries it.
fn gtids_text(reader: &BinlogReader) -> Option<String> {
    reader.gtids_text().map(str::to_owned)
}

/// Resolves once the task is told to stop.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// Whether history position `text` is at or before `limit`.
fn at_or_before(limit: &BinlogPosition) -> impl Fn(&str) -> bool + '_ {
    move |text| text.parse::<BinlogPosition>().is_ok_and(|p| p <= *limit)
}

impl<'a, R: RegistryClient, S: RecordSink> Task<'a, R, S> {
    fn new(ctx: &'a TaskContext, store: CaptureStore, registry: R, sink: Arc<S>) -> Self {
        let config = Arc::clone(&ctx.config);
        Self {
            ctx,
            gate: SchemaGate::new(registry, Arc::clone(&config)),
            emitter: Emitter::new(
                sink,
                store.clone(),
                ctx.name.clone(),
                config.tombstones_on_delete,
            ),
            config,
            store,
            server_id: 0,
            schema_topic: None,
        }
    }

    async fn run(mut self, stop: watch::Receiver<bool>) -> Result<(), CaptureError> {
        let mut conn = mysql_async::Conn::new(crate::mysql::opts(&self.config.database)).await?;
        let server = crate::mysql::check_server(&mut conn).await?;
        self.server_id = i64::from(server.server_id);

        if self.config.include_schema_changes {
            let connector = match self.config.connector_class {
                crate::config::ConnectorClass::MySql => "mysql",
                _ => "mariadb",
            };
            self.schema_topic = Some(
                SchemaTopic::register(&self.gate, &self.config.topic_prefix, connector).await?,
            );
        }
        let mut committed: Option<SourceOffset> = self.store.offset(&self.ctx.name).await?;
        // How to resume (by GTID or file and offset, see `resume`). A resume point the
        // server no longer has: a clear error naming it, or, with
        // `snapshot.mode=when_needed`, a new snapshot.
        let mut start = None;
        if let Some(o) = committed.as_ref().filter(|o| o.snapshot_completed) {
            match super::resume::plan(&mut conn, &server, o).await {
                Ok(s) => start = Some(s),
                Err(
                    e @ (CaptureError::BinlogPurged { .. } | CaptureError::GtidUnavailable { .. }),
                ) if self.config.snapshot_mode == SnapshotMode::WhenNeeded => {
                    tracing::warn!(connector = %self.ctx.name, error = %e, "resume point no longer on the server; snapshot.mode=when_needed: taking a new snapshot");
                    committed = None;
                }
                Err(e) => return Err(e),
            }
        }
        let _ = conn.disconnect().await;
        let (offset, start) = match (committed, start) {
            (Some(o), Some(start)) if o.snapshot_completed => (o, start),
            _ => match self.snapshot(stop.clone()).await? {
                Some(o) => {
                    // Straight on from the snapshot position, with its GTID state.
                    let start = Start {
                        position: o.position(),
                        gtids: o.gtids.as_deref().and_then(|g| g.parse().ok()),
                        by_gtid: false,
                    };
                    (o, start)
                }
                None => return Ok(()),
            },
        };
        if self.config.snapshot_mode == SnapshotMode::InitialOnly {
            tracing::info!(connector = %self.ctx.name, "snapshot.mode=initial_only: snapshot done, not streaming");
            let mut stop = stop;
            stopped(&mut stop).await;
            return Ok(());
        }
        self.stream(offset, start, stop).await
    }

    /// Takes the snapshot (rows only if the mode reads data); `None` when stopped.
    async fn snapshot(
        &mut self,
        mut stop: watch::Receiver<bool>,
    ) -> Result<Option<SourceOffset>, CaptureError> {
        tracing::info!(connector = %self.ctx.name, mode = %self.config.snapshot_mode, "snapshot starting");
        let (tx, mut rx) = mpsc::channel::<SnapshotRow>(1024);
        let status = self.ctx.status.clone();
        let connector = self.ctx.name.clone();
        let progress = move |p: snapshot::SnapshotProgress| {
            status.snapshot_progress(p.rows_done, p.rows_total_estimate);
            let table = p.table.to_string();
            metrics::gauge!("sluice_capture_snapshot_rows_done", "connector" => connector.clone(), "table" => table.clone())
                .set(p.rows_done as f64);
            metrics::gauge!("sluice_capture_snapshot_rows_total", "connector" => connector.clone(), "table" => table)
                .set(p.rows_total_estimate as f64);
        };
        let config = Arc::clone(&self.config);
        let snap = snapshot::run(&config, tx, &progress);
        tokio::pin!(snap);
        let ts = now_micros();
        let outcome = loop {
            tokio::select! {
                result = &mut snap => break result?,
                Some(row) = rx.recv() => self.snapshot_row(&row, ts).await?,
                () = stopped(&mut stop) => return Ok(None),
            }
        };
        while let Some(row) = rx.recv().await {
            self.snapshot_row(&row, ts).await?;
        }
        self.ctx.status.snapshot_done();
        let position_text = outcome.position.to_string();
        let created: std::collections::HashMap<&TableId, &str> = outcome
            .ddl
            .iter()
            .filter_map(|d| match &d.change {
                Some(TableChange::Created(id)) => Some((id, d.ddl.as_str())),
                _ => None,
            })
            .collect();
        let versions: Vec<TableVersion<Table>> = outcome
            .catalog
            .tables()
            .filter(|t| self.config.filters.table_included(&t.id))
            .map(|t| TableVersion {
                database: t.id.database.clone(),
                table: t.id.table.clone(),
                position: position_text.clone(),
                ddl: created.get(&t.id).copied().unwrap_or("snapshot").to_owned(),
                model: Some(t.clone()),
            })
            .collect();
        for v in &versions {
            if let Some(model) = &v.model {
                self.gate.prepare(&Arc::new(model.clone())).await?;
            }
        }
        self.store.record_tables(&self.ctx.name, &versions).await?;
        // The databases' default charsets, which tables created while streaming take
        // (Debezium restores them from its schema history).
        let databases: Vec<DatabaseVersion> = outcome
            .catalog
            .databases()
            .filter(|(name, _)| self.config.filters.database_included(name))
            .map(|(name, charset)| DatabaseVersion {
                database: name.to_owned(),
                position: position_text.clone(),
                charset: charset.map(str::to_owned),
                dropped: false,
            })
            .collect();
        self.store
            .record_databases(&self.ctx.name, &databases)
            .await?;
        if let Some(topic) = &self.schema_topic {
            let ts_ms = now_micros() / 1000;
            for statement in &outcome.ddl {
                let table = match &statement.change {
                    Some(TableChange::Created(id) | TableChange::Dropped(id)) => {
                        Some(id.table.as_str())
                    }
                    _ => None,
                };
                let mut source = SourceInfo::snapshot(
                    &self.config.topic_prefix,
                    &statement.database,
                    table,
                    crate::avro::SnapshotMarker::True,
                    &outcome.position.file,
                    outcome.position.pos,
                );
                source.ts_ms = ts_ms;
                match &statement.change {
                    Some(change) => {
                        topic
                            .emit(
                                &mut self.emitter,
                                &outcome.catalog,
                                |_| true,
                                std::slice::from_ref(change),
                                Some(&statement.database),
                                Some(&statement.ddl),
                                &source,
                            )
                            .await?;
                    }
                    None => {
                        topic
                            .emit_statement(
                                &mut self.emitter,
                                &statement.database,
                                &statement.ddl,
                                None,
                                &source,
                            )
                            .await?;
                    }
                }
            }
        }
        let mut offset = SourceOffset::at(&outcome.position);
        offset.gtids = outcome.gtid.clone();
        self.emitter.checkpoint(offset.clone());
        self.emitter.flush().await?;
        tracing::info!(connector = %self.ctx.name, rows = outcome.rows, position = %outcome.position, "snapshot completed");
        Ok(Some(offset))
    }

    async fn snapshot_row(
        &mut self,
        row: &SnapshotRow,
        ts_micros: i64,
    ) -> Result<(), CaptureError> {
        let prepared = self.gate.prepare(&row.table).await?;
        let id = &row.table.id;
        let mut source = SourceInfo::snapshot(
            &self.config.topic_prefix,
            &id.database,
            Some(&id.table),
            row.marker,
            &row.position.file,
            row.position.pos,
        );
        source.ts_ms = ts_micros / 1000;
        source.ts_us = ts_micros;
        source.ts_ns = ts_micros.saturating_mul(1000);
        self.emitter
            .row(&prepared, Op::Read, None, Some(&row.values), &source)
            .await?;
        self.emitter.commit_acknowledged(false).await
    }

    async fn stream(
        &mut self,
        offset: SourceOffset,
        start: Start,
        mut stop: watch::Receiver<bool>,
    ) -> Result<(), CaptureError> {
        let mut catalog = Catalog::new();
        for v in self
            .store
            .databases_at(&self.ctx.name, at_or_before(&start.position))
            .await?
        {
            catalog.insert_database(&v.database, v.charset);
        }
        for v in self
            .store
            .tables_at::<Table>(&self.ctx.name, at_or_before(&start.position))
            .await?
        {
            if let Some(model) = v.model {
                catalog.insert_table(model);
            }
        }
        let mut heartbeat =
            Heartbeat::new(self.config.heartbeat_interval_ms, &self.config.topic_prefix);
        let from = start.to_string();
        let mut reader = BinlogReader::start_from(
            &self.config.database,
            self.config.database.server_id,
            self.config.filters.clone(),
            start,
            catalog,
            heartbeat
                .as_ref()
                .map_or(crate::binlog::DEFAULT_HEARTBEAT, |h| h.interval()),
        )
        .await?;
        tracing::info!(connector = %self.ctx.name, from = %from, position = %offset.position(), skip_events = offset.event, "streaming");
        if self.config.provide_transaction_metadata {
            let topic = format!("{}.transaction", self.config.topic_prefix);
            let key_id = self
                .gate
                .register_schema(&format!("{topic}-key"), super::transaction::KEY_SCHEMA)
                .await?;
            let value_id = self
                .gate
                .register_schema(&format!("{topic}-value"), super::transaction::VALUE_SCHEMA)
                .await?;
            self.emitter.enable_transactions(topic, key_id, value_id);
        }
        let mut skip = offset.event;
        let mut txn: Option<(BinlogPosition, Option<String>, Option<u32>, u64)> = None;
        let mut last = offset;
        loop {
            let event = tokio::select! {
                event = reader.next() => event?,
                () = stopped(&mut stop) => {
                    self.emitter.flush().await?;
                    return Ok(());
                }
            };
            let emitted = matches!(
                event,
                StreamEvent::Rows { .. } | StreamEvent::Truncate { .. }
            );
            match event {
                StreamEvent::Begin {
                    position,
                    gtid,
                    thread_id,
                    ..
                } => {
                    self.emitter.begin_transaction(
                        gtid.clone().unwrap_or_else(|| {
                            format!("file={},pos={}", position.file, position.pos)
                        }),
                    );
                    txn = Some((position, gtid, thread_id, 0));
                }
                StreamEvent::Rows {
                    table,
                    op,
                    rows,
                    position,
                    ts_sec,
                    query,
                } => {
                    let Some((begin, gtid, thread, events)) = txn.as_mut() else {
                        return Err(CaptureError::Decode {
                            position,
                            reason: "rows event outside a transaction".to_owned(),
                        });
                    };
                    *events += 1;
                    // Emitted before the restart: skipped, but still counted in the open
                    // transaction's metadata so its orders carry on.
                    let replay = skip > 0;
                    if replay {
                        skip -= 1;
                        if !self.emitter.counts_transaction() {
                            continue;
                        }
                    }
                    let prepared = self.gate.prepare(&table).await?;
                    let mut source = binlog_source(
                        &self.config.topic_prefix,
                        self.server_id,
                        &table,
                        &position,
                        ts_sec,
                    );
                    source.gtid = gtid.as_deref();
                    source.thread = thread.map(i64::from);
                    source.query = if self.config.include_query {
                        query.as_deref()
                    } else {
                        None
                    };
                    let op_code = match op {
                        RowOp::Insert => Op::Create,
                        RowOp::Update => Op::Update,
                        RowOp::Delete => Op::Delete,
                    };
                    let operation = match op {
                        RowOp::Insert => crate::config::Operation::Create,
                        RowOp::Update => crate::config::Operation::Update,
                        RowOp::Delete => crate::config::Operation::Delete,
                    };
                    if self.config.emits(operation) {
                        for (i, row) in rows.iter().enumerate() {
                            source.row = i32::try_from(i).unwrap_or(i32::MAX);
                            let (before, after) = (row.before.as_deref(), row.after.as_deref());
                            if replay {
                                self.emitter
                                    .replay_row(&prepared, op_code, before, after, &source)?;
                            } else {
                                self.emitter
                                    .row(&prepared, op_code, before, after, &source)
                                    .await?;
                            }
                        }
                    }
                    if replay {
                        continue;
                    }
                    last = SourceOffset::streaming(begin, *events, gtids_text(&reader), ts_sec);
                    self.emitter.checkpoint(last.clone());
                    metrics::counter!("sluice_capture_row_events_total", "connector" => self.ctx.name.clone()).increment(rows.len() as u64);
                    let lag = super::emit::now_micros() / 1_000_000 - i64::from(ts_sec);
                    metrics::gauge!("sluice_capture_lag_seconds", "connector" => self.ctx.name.clone())
                        .set(lag.max(0) as f64);
                }
                StreamEvent::SchemaChange {
                    ddl,
                    database,
                    changes,
                    position,
                    next,
                    ts_sec,
                } => {
                    self.schema_change(&reader, &ddl, database.as_deref(), &changes, &next)
                        .await?;
                    if let Some(topic) = &self.schema_topic {
                        let ts_ms = i64::from(ts_sec) * 1000;
                        let mut source = SourceInfo::new(
                            &self.config.topic_prefix,
                            database.as_deref().unwrap_or_default(),
                            None,
                        );
                        source.ts_ms = ts_ms;
                        source.ts_us = ts_ms * 1000;
                        source.ts_ns = ts_ms * 1_000_000;
                        source.server_id = self.server_id;
                        source.file = &position.file;
                        source.pos = i64::try_from(position.pos).unwrap_or(i64::MAX);
                        let filters = &self.config.filters;
                        match database_statement(&ddl, database.as_deref()) {
                            // Debezium writes a database statement as one record with no table
                            // changes, `DROP DATABASE` too (`DropDatabaseParserListener` signals
                            // the database only).
                            Some(statement) => {
                                if filters.database_included(&statement.name) {
                                    topic
                                        .emit_statement(
                                            &mut self.emitter,
                                            &statement.name,
                                            &ddl,
                                            statement.source_table,
                                            &source,
                                        )
                                        .await?;
                                }
                            }
                            None => {
                                topic
                                    .emit(
                                        &mut self.emitter,
                                        reader.catalog(),
                                        |id| filters.table_included(id),
                                        &changes,
                                        database.as_deref(),
                                        Some(&ddl),
                                        &source,
                                    )
                                    .await?;
                            }
                        }
                    }
                    if txn.is_none() {
                        last = SourceOffset::streaming(&next, 0, gtids_text(&reader), last.ts_sec);
                        self.emitter.checkpoint(last.clone());
                    }
                }
                StreamEvent::Truncate {
                    table,
                    position,
                    next,
                    ts_sec,
                } => {
                    if self.config.emits(crate::config::Operation::Truncate) {
                        let prepared = self.gate.prepare(&table).await?;
                        let source = binlog_source(
                            &self.config.topic_prefix,
                            self.server_id,
                            &table,
                            &position,
                            ts_sec,
                        );
                        self.emitter.truncate(&prepared, &source).await?;
                    }
                    if txn.is_none() {
                        last = SourceOffset::streaming(&next, 0, gtids_text(&reader), ts_sec);
                        self.emitter.checkpoint(last.clone());
                    }
                }
                StreamEvent::Commit { next, ts_sec, .. } => {
                    self.emitter.end_transaction().await?;
                    txn = None;
                    skip = 0;
                    last = SourceOffset::streaming(&next, 0, gtids_text(&reader), ts_sec);
                    self.emitter.checkpoint(last.clone());
                }
                StreamEvent::Heartbeat { next } => {
                    if txn.is_none() {
                        last = SourceOffset {
                            file: next.file.clone(),
                            pos: next.pos,
                            gtids: gtids_text(&reader),
                            ..last.clone()
                        };
                        self.emitter.checkpoint(last.clone());
                    }
                }
            }
            if let Some(hb) = heartbeat.as_mut() {
                if emitted {
                    hb.record_sent();
                }
                hb.tick(&self.gate, &mut self.emitter).await?;
            }
            self.emitter.commit_acknowledged(false).await?;
        }
    }

    /// Registers the new schemas of the captured tables a DDL changed, then records their
    /// models in the history at `next` (where they take effect), and the default charset of a
    /// captured database a `CREATE`/`ALTER`/`DROP DATABASE` changed.
    async fn schema_change(
        &mut self,
        reader: &BinlogReader,
        ddl: &str,
        database: Option<&str>,
        changes: &[TableChange],
        next: &BinlogPosition,
    ) -> Result<(), CaptureError> {
        if let Some(statement) = database_statement(ddl, database)
            && self.config.filters.database_included(&statement.name)
        {
            let known = reader.catalog().database(&statement.name);
            let version = DatabaseVersion {
                database: statement.name.clone(),
                position: next.to_string(),
                charset: known.and_then(|d| d.charset.clone()),
                dropped: known.is_none(),
            };
            self.store
                .record_databases(&self.ctx.name, &[version])
                .await?;
        }
        let mut versions = Vec::new();
        let catalog = reader.catalog();
        let record = |id: &TableId, gone: bool, versions: &mut Vec<TableVersion<Table>>| {
            if !self.config.filters.table_included(id) {
                return;
            }
            versions.push(TableVersion {
                database: id.database.clone(),
                table: id.table.clone(),
                position: next.to_string(),
                ddl: ddl.to_owned(),
                model: if gone {
                    None
                } else {
                    catalog.table(id).cloned()
                },
            });
        };
        for change in changes {
            match change {
                TableChange::Created(id) | TableChange::Altered(id) | TableChange::Reload(id) => {
                    record(id, false, &mut versions);
                }
                TableChange::Dropped(id) => record(id, true, &mut versions),
                TableChange::Renamed { from, to } => {
                    record(from, true, &mut versions);
                    record(to, false, &mut versions);
                }
                TableChange::Truncated(_) => {}
            }
        }
        for v in &versions {
            match &v.model {
                Some(model) => {
                    self.gate.prepare(&Arc::new(model.clone())).await?;
                }
                None => self
                    .gate
                    .forget(&TableId::new(v.database.clone(), v.table.clone())),
            }
        }
        if !versions.is_empty() {
            self.store.record_tables(&self.ctx.name, &versions).await?;
        }
        Ok(())
    }
}

/// A `CREATE`/`ALTER`/`DROP DATABASE` statement, which Debezium writes to the schema change
/// topic with no table changes.
#[derive(Debug, PartialEq, Eq)]
struct DatabaseStatement {
    /// The database it names.
    name: String,
    /// `source.table` of its record. `CREATE` and `DROP DATABASE` signal a parser event, so
    /// `BinlogOffsetContext.tableEvent` sets no table: `None`. The parser signals nothing for
    /// `ALTER DATABASE` (`CreateAndAlterDatabaseParserListener`), so `parseDdl` takes its
    /// `databaseEvent` path, whose `tableEvent((TableId) null)` makes `BinlogSourceInfo.table()`
    /// join one null table: `""`.
    source_table: Option<&'static str>,
}

/// The database statement `ddl` is; `None` for any other statement.
fn database_statement(ddl: &str, current: Option<&str>) -> Option<DatabaseStatement> {
    let stmts = crate::ddl::parse(ddl, current).ok()?;
    stmts.iter().find_map(|s| match s {
        crate::ddl::DdlStatement::CreateDatabase { name, .. }
        | crate::ddl::DdlStatement::DropDatabase { name, .. } => Some(DatabaseStatement {
            name: name.clone(),
            source_table: None,
        }),
        crate::ddl::DdlStatement::AlterDatabase { name, .. } => Some(DatabaseStatement {
            name: name.clone().or_else(|| current.map(str::to_owned))?,
            source_table: Some(""),
        }),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alter_database_names_an_empty_table_and_create_and_drop_database_none() {
        let s = |ddl: &str| database_statement(ddl, Some("cur"));
        assert_eq!(
            s("ALTER DATABASE diff CHARACTER SET latin1"),
            Some(DatabaseStatement {
                name: "diff".into(),
                source_table: Some("")
            })
        );
        assert_eq!(
            s("ALTER DATABASE CHARACTER SET latin1").map(|d| d.name),
            Some("cur".into())
        );
        for ddl in ["CREATE DATABASE d2", "DROP DATABASE d2"] {
            assert_eq!(
                s(ddl),
                Some(DatabaseStatement {
                    name: "d2".into(),
                    source_table: None
                }),
                "{ddl}"
            );
        }
        assert_eq!(s("DROP TABLE t"), None);
    }
}
