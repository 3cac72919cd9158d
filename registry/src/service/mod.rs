//! The registry's behaviour, independent of HTTP: Confluent's semantics for subjects,
//! versions, ids, deletion, configs, modes and compatibility.
//!
//! [`Registry`] owns the [`Store`] (truth) and the `State` cache (what reads are served
//! from). Every write:
//! 1. validates its input and answers client mistakes before touching the store;
//! 2. takes the subject's in-process lock and opens a store transaction scoped to the subject
//!    (which on PostgreSQL also serializes writers of that subject across instances);
//! 3. re-reads what it depends on from the store inside the transaction, decides, writes;
//! 4. commits, then applies the same change to the cache.
//!
//! Reads never wait for writes to other subjects and never touch the database.

mod compatibility;
mod config;
mod delete;
pub mod read;
mod register;

pub use read::{SchemaListQuery, VersionSelector};
pub use register::RegisterOptions;

use crate::state::State;
use crate::store::{ChangeMarker, Store, StoreError, WriteTx};
use parking_lot::{Mutex, RwLock};
use sluice_proto::RegistryError;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// Tunables of a registry instance.
#[derive(Debug, Clone)]
pub struct RegistrySettings {
    /// Largest schema accepted, in bytes (Confluent's 42209 beyond it).
    pub max_schema_bytes: usize,
    /// How often an instance sharing PostgreSQL looks for other instances' writes; the bound
    /// on how stale its reads can be.
    pub refresh_interval: Duration,
    /// The id reported by `GET /v1/metadata/id`.
    pub cluster_id: String,
}

impl Default for RegistrySettings {
    fn default() -> Self {
        Self {
            max_schema_bytes: 1024 * 1024,
            refresh_interval: Duration::from_millis(500),
            cluster_id: "sluice".to_owned(),
        }
    }
}

/// A schema registry over one store.
#[derive(Debug, Clone)]
pub struct Registry {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    state: RwLock<State>,
    /// Held shared by writers from transaction start to cache update, and exclusively by a
    /// reload, so a reload never overwrites a fresher local write.
    apply: tokio::sync::RwLock<()>,
    subject_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// The store's change marker as of the state last loaded.
    loaded: Mutex<ChangeMarker>,
    settings: RegistrySettings,
}

impl Registry {
    /// Opens a registry over `store`, loading its whole state into the cache.
    pub async fn open(store: Store, settings: RegistrySettings) -> Result<Self, StoreError> {
        let snapshot = store.load().await?;
        let loaded = snapshot.marker;
        let state = State::from_snapshot(snapshot);
        tracing::info!(
            backend = store.backend(),
            schemas = state.schemas.len(),
            subjects = state.subjects.len(),
            "registry state loaded"
        );
        Ok(Self {
            inner: Arc::new(Inner {
                store,
                state: RwLock::new(state),
                apply: tokio::sync::RwLock::new(()),
                subject_locks: Mutex::new(HashMap::new()),
                loaded: Mutex::new(loaded),
                settings,
            }),
        })
    }

    pub fn settings(&self) -> &RegistrySettings {
        &self.inner.settings
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Replaces the cache with the store's current state. Used when another instance wrote.
    pub async fn reload(&self) -> Result<(), StoreError> {
        let _exclusive = self.inner.apply.write().await;
        let snapshot = self.inner.store.load().await?;
        *self.inner.loaded.lock() = snapshot.marker;
        *self.inner.state.write() = State::from_snapshot(snapshot);
        Ok(())
    }

    /// The store's change marker as of the cached state: a different current marker means
    /// something was written since (by another instance, or by this one).
    pub fn loaded_marker(&self) -> ChangeMarker {
        *self.inner.loaded.lock()
    }

    fn read<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        f(&self.inner.state.read())
    }

    /// Opens a write on `scope` (a subject, or the global scope): takes the scope's
    /// in-process lock, then a store transaction that serializes writers of the scope across
    /// instances.
    async fn begin_write(&self, scope: &str) -> Result<WriteScope<'_>, RegistryError> {
        let lock = self
            .inner
            .subject_locks
            .lock()
            .entry(scope.to_owned())
            .or_default()
            .clone();
        let subject_guard = lock.lock_owned().await;
        let shared = self.inner.apply.read().await;
        let tx = self.inner.store.begin(scope).await.map_err(store_error)?;
        Ok(WriteScope {
            registry: self,
            tx,
            _subject: subject_guard,
            _shared: shared,
        })
    }
}

/// An open write: the store transaction plus the locks that order it.
struct WriteScope<'a> {
    registry: &'a Registry,
    tx: WriteTx,
    _subject: tokio::sync::OwnedMutexGuard<()>,
    _shared: tokio::sync::RwLockReadGuard<'a, ()>,
}

impl WriteScope<'_> {
    /// Commits the transaction, then applies `change` to the cache. Dropping a scope without
    /// committing rolls the transaction back and leaves the cache alone.
    ///
    /// The locks are released as soon as the transaction has committed, before its group
    /// fsync: the next writer of the subject reads the committed rows and proceeds while this
    /// write becomes durable. Success is reported only once it is.
    async fn commit(self, change: impl FnOnce(&mut State)) -> Result<(), RegistryError> {
        let Self {
            registry,
            tx,
            _subject,
            _shared,
        } = self;
        let committed = tx.commit_pending().await.map_err(store_error)?;
        change(&mut registry.inner.state.write());
        drop((_subject, _shared));
        committed.durable().await.map_err(store_error)
    }
}

/// A store failure as the client sees it: Confluent's 50001.
pub(crate) fn store_error(e: StoreError) -> RegistryError {
    tracing::error!(error = %e, "store operation failed");
    RegistryError::Store(e.to_string())
}
