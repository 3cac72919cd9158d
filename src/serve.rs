//! `sluice serve`: open the store, start the registry, serve until SIGINT/SIGTERM.

use crate::cli::ServeArgs;
use anyhow::Context;
use metrics_exporter_prometheus::PrometheusBuilder;
use sluice_capture::sink::KafkaSettings;
use sluice_registry::api::AuthConfig;
use sluice_registry::store::Store;
use sluice_registry::{Registry, RegistrySettings, refresh, server};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

pub(crate) async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let store_url = match &args.store {
        Some(url) => url.clone(),
        None => {
            std::fs::create_dir_all(&args.data_dir).with_context(|| {
                format!("cannot create data directory {}", args.data_dir.display())
            })?;
            format!("sqlite://{}", args.data_dir.join("registry.db").display())
        }
    };
    let auth = args
        .auth_file
        .as_deref()
        .map(AuthConfig::load)
        .transpose()?
        .map(Arc::new);
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(server::tls_acceptor(cert, key)?),
        _ => None,
    };
    let metrics = PrometheusBuilder::new()
        .install_recorder()
        .context("cannot install the metrics recorder")?;

    let store = Store::connect(&store_url)
        .await
        .with_context(|| format!("cannot open the registry store {}", redact(&store_url)))?;
    let shared = store.backend() == "postgres";
    let settings = RegistrySettings {
        max_schema_bytes: args.max_schema_bytes,
        refresh_interval: Duration::from_millis(args.refresh_interval_ms),
        ..RegistrySettings::default()
    };
    let registry = Registry::open(store, settings).await?;

    let app = sluice_registry::api::router(registry.clone(), auth).route(
        "/metrics",
        axum::routing::get(move || {
            let text = metrics.render();
            async move { text }
        }),
    );
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;

    let (stop_tx, stop_rx) = watch::channel(false);
    let stopped = |mut rx: watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    let follower = shared.then(|| {
        tokio::spawn(refresh::follow_store(
            registry.clone(),
            stopped(stop_rx.clone()),
        ))
    });
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down");
        let _ = stop_tx.send(true);
    });

    let connect = match &args.kafka {
        Some(bootstrap) => {
            let mut kafka = KafkaSettings::new(bootstrap.clone());
            kafka.compression = args.kafka_compression.clone();
            let (manager, router) =
                crate::connect::start(&args.data_dir, kafka, registry.clone(), args.connect_listen)
                    .await?;
            let listener = tokio::net::TcpListener::bind(args.connect_listen)
                .await
                .with_context(|| format!("cannot listen on {}", args.connect_listen))?;
            let connect_addr = listener.local_addr()?;
            tracing::info!(addr = %connect_addr, kafka = %bootstrap, "kafka connect api listening");
            let serving = tokio::spawn(server::serve(
                listener,
                router,
                None,
                stopped(stop_rx.clone()),
            ));
            Some((manager, serving))
        }
        None => {
            tracing::info!("no --kafka given: the Kafka Connect API (capture) is not started");
            None
        }
    };

    tracing::info!(
        addr = %addr,
        store = %redact(&store_url),
        tls = args.tls_cert.is_some(),
        auth = args.auth_file.is_some(),
        "registry listening"
    );
    server::serve(listener, app, tls, stopped(stop_rx)).await?;
    if let Some((manager, serving)) = connect {
        manager.shutdown().await;
        let _ = serving.await;
    }
    if let Some(follower) = follower {
        follower.abort();
    }
    Ok(())
}

/// A store URL without its password, for logs and errors.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redacts_passwords_in_store_urls() {
        assert_eq!(
            redact("postgres://sluice:hunter2@db:5432/reg"),
            "postgres://sluice:***@db:5432/reg"
        );
        assert_eq!(
            redact("postgres://sluice@db/reg"),
            "postgres://sluice@db/reg"
        );
        assert_eq!(
            redact("sqlite://./data/registry.db"),
            "sqlite://./data/registry.db"
        );
    }
}
