//! `sluice serve`'s Kafka Connect side: the capture store, the connector manager running
//! capture tasks, and the Connect REST API.

use crate::registry_client::AnyRegistry;
use anyhow::Context;
use sluice_capture::config::ConnectorConfig;
use sluice_capture::connect::{ConnectorManager, WorkerInfo};
use sluice_capture::error::CaptureError;
use sluice_capture::pipeline::{CaptureRunner, RegistryFactory, SinkFactory};
use sluice_capture::sink::{KafkaSettings, KafkaSink};
use sluice_capture::store::CaptureStore;
use sluice_registry::Registry;
use sluice_registry_client::HttpRegistryClient;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

/// Starts the connector manager (stored connectors resume) and returns it with its router.
pub(crate) async fn start(
    data_dir: &Path,
    kafka: KafkaSettings,
    registry: Registry,
    listen: SocketAddr,
) -> anyhow::Result<(Arc<ConnectorManager>, axum::Router)> {
    let store = CaptureStore::open(data_dir)
        .await
        .context("cannot open the capture store")?;
    let registry_factory: RegistryFactory<AnyRegistry> =
        Arc::new(move |config: &ConnectorConfig| {
            match &config.value_converter.schema_registry_urls {
                Some(urls) => {
                    let user_info = config
                        .value_converter
                        .properties
                        .get("basic.auth.user.info")
                        .map(String::as_str);
                    HttpRegistryClient::new(urls.clone(), user_info)
                        .map(AnyRegistry::Http)
                        .map_err(|e| CaptureError::Definite(format!("schema registry client: {e}")))
                }
                None => Ok(AnyRegistry::InProcess(registry.clone())),
            }
        });
    let sink_factory: SinkFactory<KafkaSink> =
        Arc::new(move || KafkaSink::connect(&kafka).map(Arc::new));
    let runner = Arc::new(CaptureRunner::new(
        store.clone(),
        registry_factory,
        sink_factory,
    ));
    let worker = WorkerInfo {
        worker_id: listen.to_string(),
        kafka_cluster_id: "sluice".to_owned(),
    };
    let manager = ConnectorManager::start(store, runner, worker)
        .await
        .context("cannot start the connector manager")?;
    let router = sluice_capture::connect::router(Arc::clone(&manager));
    Ok((manager, router))
}
