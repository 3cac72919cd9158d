//! The connector manager: validated configs, persisted target states, one task per connector.

use super::status::{StatusCell, TaskState, TaskStatus};
use crate::config::{ConnectorConfig, RawConfig, redact};
use crate::store::{CaptureStore, StoreError};
use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// What a REST call can fail with; each maps to Connect's status code in the API module.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("Connector {0} not found")]
    NotFound(String),
    #[error("Connector {0} already exists")]
    AlreadyExists(String),
    #[error(
        "Connector configuration is invalid and contains the following {count} error(s):\n{details}\nYou can also find the above list of errors at the endpoint `/connector-plugins/{{connectorType}}/config/validate`"
    )]
    InvalidConfig { count: usize, details: String },
    #[error("{0}")]
    BadRequest(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a task stopped with an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TaskFailure(pub String);

/// Everything a running task gets.
#[derive(Debug)]
pub struct TaskContext {
    pub name: String,
    pub config: Arc<ConnectorConfig>,
    pub status: StatusCell,
    /// Becomes `true` when the task must stop (pause, restart, delete, shutdown).
    pub stop: watch::Receiver<bool>,
}

/// Runs a connector's task until it fails or is told to stop.
pub trait TaskRunner: Send + Sync + 'static {
    fn run(
        &self,
        ctx: TaskContext,
    ) -> Pin<Box<dyn Future<Output = Result<(), TaskFailure>> + Send>>;
}

/// Identity of this worker, as Connect reports it.
#[derive(Debug, Clone)]
pub struct WorkerInfo {
    /// `host:port` of the REST API.
    pub worker_id: String,
    pub kafka_cluster_id: String,
}

struct Running {
    stop: watch::Sender<bool>,
    join: JoinHandle<()>,
}

struct Connector {
    raw: RawConfig,
    config: Arc<ConnectorConfig>,
    paused: bool,
    status: StatusCell,
    running: Option<Running>,
}

/// Owns every connector of this worker.
pub struct ConnectorManager {
    store: CaptureStore,
    runner: Arc<dyn TaskRunner>,
    worker: WorkerInfo,
    connectors: Mutex<BTreeMap<String, Connector>>,
}

impl std::fmt::Debug for ConnectorManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectorManager")
            .field("worker", &self.worker)
            .field("connectors", &self.names())
            .finish_non_exhaustive()
    }
}

/// A connector as the REST API shows it.
#[derive(Debug, Clone)]
pub struct ConnectorView {
    pub name: String,
    /// Secrets redacted.
    pub config: RawConfig,
    pub paused: bool,
    pub task: TaskStatus,
}

fn validate(raw: &RawConfig) -> Result<ConnectorConfig, ConnectError> {
    match ConnectorConfig::parse(raw) {
        Ok(parsed) => {
            for w in &parsed.warnings {
                tracing::warn!(key = %w.key, "{}", w.message);
            }
            Ok(parsed.config)
        }
        Err(errors) => Err(ConnectError::InvalidConfig {
            count: errors.len(),
            details: errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
        }),
    }
}

impl ConnectorManager {
    /// Loads the stored connectors and starts those not paused.
    pub async fn start(
        store: CaptureStore,
        runner: Arc<dyn TaskRunner>,
        worker: WorkerInfo,
    ) -> Result<Arc<Self>, ConnectError> {
        let manager = Arc::new(Self {
            store,
            runner,
            worker,
            connectors: Mutex::new(BTreeMap::new()),
        });
        for stored in manager.store.connectors().await? {
            let raw = crate::config::raw_from_json(&serde_json::Value::Object(stored.config))
                .unwrap_or_default();
            match validate(&raw) {
                Ok(config) => {
                    let paused = stored.target_state == "PAUSED";
                    manager.install(&stored.name, raw, config, paused);
                }
                Err(e) => {
                    tracing::error!(connector = %stored.name, error = %e, "stored connector config no longer validates; not started");
                }
            }
        }
        Ok(manager)
    }

    pub fn worker(&self) -> &WorkerInfo {
        &self.worker
    }

    pub fn names(&self) -> Vec<String> {
        self.connectors.lock().keys().cloned().collect()
    }

    /// `POST /connectors`.
    pub async fn create(&self, name: &str, raw: RawConfig) -> Result<ConnectorView, ConnectError> {
        if name.trim().is_empty() {
            return Err(ConnectError::BadRequest(
                "Connector name is required".into(),
            ));
        }
        if self.connectors.lock().contains_key(name) {
            return Err(ConnectError::AlreadyExists(name.to_owned()));
        }
        self.put(name, raw).await.map(|(view, _)| view)
    }

    /// `PUT /connectors/{name}/config`: creates or reconfigures; `true` when created.
    pub async fn put(
        &self,
        name: &str,
        raw: RawConfig,
    ) -> Result<(ConnectorView, bool), ConnectError> {
        let config = validate(&raw)?;
        let json: serde_json::Map<String, serde_json::Value> = raw
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        self.store.put_connector(name, &json).await?;
        let previous = self.connectors.lock().remove(name);
        let created = previous.is_none();
        let paused = previous.as_ref().is_some_and(|c| c.paused);
        if let Some(old) = previous {
            stop(old.running).await;
        }
        self.install(name, raw, config, paused);
        tracing::info!(connector = %name, created, "connector configured");
        Ok((self.view(name)?, created))
    }

    fn install(&self, name: &str, raw: RawConfig, config: ConnectorConfig, paused: bool) {
        let config = Arc::new(config);
        let status = StatusCell::new(if paused {
            TaskState::Paused
        } else {
            TaskState::Unassigned
        });
        let running = (!paused).then(|| self.spawn(name, &config, &status));
        self.connectors.lock().insert(
            name.to_owned(),
            Connector {
                raw,
                config,
                paused,
                status,
                running,
            },
        );
    }

    fn spawn(&self, name: &str, config: &Arc<ConnectorConfig>, status: &StatusCell) -> Running {
        let (stop_tx, stop_rx) = watch::channel(false);
        status.set(TaskState::Running, None);
        let future = self.runner.run(TaskContext {
            name: name.to_owned(),
            config: Arc::clone(config),
            status: status.clone(),
            stop: stop_rx,
        });
        let status = status.clone();
        let connector = name.to_owned();
        let join = tokio::spawn(async move {
            match future.await {
                Ok(()) => {}
                Err(failure) => {
                    tracing::error!(%connector, error = %failure, "task failed");
                    status.set(TaskState::Failed, Some(failure.0));
                }
            }
        });
        Running {
            stop: stop_tx,
            join,
        }
    }

    /// The connector as the API shows it.
    pub fn view(&self, name: &str) -> Result<ConnectorView, ConnectError> {
        let connectors = self.connectors.lock();
        let c = connectors
            .get(name)
            .ok_or_else(|| ConnectError::NotFound(name.to_owned()))?;
        Ok(ConnectorView {
            name: name.to_owned(),
            config: redact(&c.raw),
            paused: c.paused,
            task: c.status.get(),
        })
    }

    /// `DELETE /connectors/{name}`.
    pub async fn delete(&self, name: &str) -> Result<(), ConnectError> {
        let removed = self
            .connectors
            .lock()
            .remove(name)
            .ok_or_else(|| ConnectError::NotFound(name.to_owned()))?;
        stop(removed.running).await;
        self.store.delete_connector(name).await?;
        tracing::info!(connector = %name, "connector deleted");
        Ok(())
    }

    /// `PUT /connectors/{name}/pause` (`true`) and `/resume` (`false`).
    pub async fn set_paused(&self, name: &str, paused: bool) -> Result<(), ConnectError> {
        let running = {
            let mut connectors = self.connectors.lock();
            let c = connectors
                .get_mut(name)
                .ok_or_else(|| ConnectError::NotFound(name.to_owned()))?;
            if c.paused == paused {
                return Ok(());
            }
            c.paused = paused;
            c.running.take()
        };
        self.store
            .set_target_state(name, if paused { "PAUSED" } else { "RUNNING" })
            .await?;
        stop(running).await;
        let mut connectors = self.connectors.lock();
        if let Some(c) = connectors.get_mut(name) {
            if paused {
                c.status.set(TaskState::Paused, None);
            } else {
                c.running = Some(self.spawn(name, &c.config, &c.status));
            }
        }
        Ok(())
    }

    /// `POST /connectors/{name}/restart`: stops the task (failed or not) and starts it again
    /// from the last committed offset.
    pub async fn restart(&self, name: &str) -> Result<(), ConnectError> {
        let running = {
            let mut connectors = self.connectors.lock();
            let c = connectors
                .get_mut(name)
                .ok_or_else(|| ConnectError::NotFound(name.to_owned()))?;
            c.running.take()
        };
        stop(running).await;
        let mut connectors = self.connectors.lock();
        if let Some(c) = connectors.get_mut(name)
            && !c.paused
        {
            c.running = Some(self.spawn(name, &c.config, &c.status));
        }
        tracing::info!(connector = %name, "connector restarted");
        Ok(())
    }

    /// The last committed offset, as stored.
    pub async fn offset(&self, name: &str) -> Result<Option<serde_json::Value>, ConnectError> {
        self.view(name)?;
        Ok(self.store.offset(name).await?)
    }

    /// The validated config of a connector.
    pub fn config(&self, name: &str) -> Result<Arc<ConnectorConfig>, ConnectError> {
        self.connectors
            .lock()
            .get(name)
            .map(|c| Arc::clone(&c.config))
            .ok_or_else(|| ConnectError::NotFound(name.to_owned()))
    }

    /// Stops every task (shutdown).
    pub async fn shutdown(&self) {
        let running: Vec<Running> = self
            .connectors
            .lock()
            .values_mut()
            .filter_map(|c| c.running.take())
            .collect();
        for r in running {
            stop(Some(r)).await;
        }
    }
}

async fn stop(running: Option<Running>) {
    if let Some(r) = running {
        let _ = r.stop.send(true);
        if let Err(e) = r.join.await {
            tracing::warn!(error = %e, "task ended abnormally while stopping");
        }
    }
}
