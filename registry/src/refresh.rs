//! Keeping the cache current when several instances share one PostgreSQL store.
//!
//! Every committed write appends a row to the store's `changes` table. [`follow_store`] polls
//! the store's change marker (row count and highest sequence; it moves whenever any instance
//! commits, even when sequence values commit out of order) every
//! [`RegistrySettings::refresh_interval`](crate::RegistrySettings) and reloads the cache when it
//! moved. A write on another instance is therefore visible here within one interval plus the
//! reload time. An instance's own writes update its cache directly and are visible at once.

use crate::service::Registry;
use std::future::Future;

/// Polls the store until `shutdown` resolves.
pub async fn follow_store(registry: Registry, shutdown: impl Future<Output = ()>) {
    let interval = registry.settings().refresh_interval;
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => return,
            _ = ticker.tick() => {}
        }
        let marker = match registry.store().change_marker().await {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the store's change marker");
                continue;
            }
        };
        // Compared with the marker the cached state was loaded at (read in the same
        // transaction as the state), so no write can fall between the two.
        if marker == registry.loaded_marker() {
            continue;
        }
        match registry.reload().await {
            Ok(()) => tracing::debug!("cache reloaded after writes to the shared store"),
            Err(e) => tracing::warn!(error = %e, "cache reload failed; will retry"),
        }
    }
}
