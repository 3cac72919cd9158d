//! Durable storage of the registry: schemas, subject versions, configs and modes.
//!
//! One implementation over `sqlx` for two backends: embedded SQLite (the default, a file under
//! the data directory, WAL journal, commits made durable by a group fsync before they are
//! reported, see `durability`)
//! and PostgreSQL (`postgres://…`, shared by several Sluice instances). Migrations run at
//! connect time; the store's format version is the last applied migration
//! ([`FORMAT_VERSION`]). A database written by a newer Sluice (with migrations this build does
//! not know) is refused rather than used.
//!
//! ## Model
//! - `schemas(id, fingerprint UNIQUE, schema_type, schema, refs)`: content-addressed. The
//!   fingerprint is computed by the caller (hash of type + canonical text + references), so the
//!   same schema under two subjects has one id. `schema_type` holds the wire name (`AVRO`,
//!   `JSON`, `PROTOBUF`), `refs` a JSON array of [`SchemaReference`]s.
//! - `subject_versions(subject, version, schema_id, deleted)`, primary key (subject, version).
//! - `configs(subject, body)` and `modes(subject, mode)`; the global row uses the subject
//!   [`GLOBAL`].
//! - `changes(seq, at)`: one row appended per committed write transaction, so other instances
//!   can tell cheaply that something changed ([`Store::change_marker`]).
//!
//! ## Concurrency
//! Every write runs in a [`WriteTx`] opened by [`Store::begin`] for one subject (or the global
//! scope). On PostgreSQL the transaction takes `pg_advisory_xact_lock` on a hash of the
//! subject: writers to the same subject queue, writers to different subjects do not. Ids come
//! from a sequence (no global counter row), and the unique fingerprint makes concurrent
//! registrations of the same schema converge on one id. On SQLite writes take the database's
//! single writer lock (`BEGIN IMMEDIATE`); writers of one [`Store`] queue in process first (in
//! FIFO order, without holding a connection), and other processes on the same file wait on the
//! busy timeout.
//!
//! A [`WriteTx`] that is dropped without [`WriteTx::commit`] rolls back (and releases its
//! locks) as soon as its connection is returned to the pool.
//!
//! Reads through a [`WriteTx`] see the latest committed state after the lock was taken, so a
//! writer decides on fresh data ("read, decide, write" under the subject's lock).
//!
//! `sqlite::memory:` keeps everything in one connection (tests only): a [`WriteTx`] holds that
//! connection, so [`Store::load`] or [`Store::change_marker`] on the same store waits until the
//! transaction ends.

/// Runs `$body` with `$conn` bound to the connection of a transaction of either backend; the
/// SQL in the body must be valid for both (`$1` placeholders work on SQLite too).
macro_rules! on_conn {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            TxInner::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            TxInner::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

mod durability;
mod migrations;
mod tx;

use durability::GroupSync;
use migrations::{POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS, migrator};
use sluice_proto::{SchemaReference, SchemaType};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, PgConnection, PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::{Mutex, OwnedMutexGuard};
use tx::TxInner;
pub use tx::{Committed, WriteTx};

/// The subject under which registry-wide (global) configs and modes are stored, and the scope
/// of global writes passed to [`Store::begin`].
pub const GLOBAL: &str = "__GLOBAL";

/// The store's format version: the number of the last migration. Both backends share it.
pub const FORMAT_VERSION: i64 = 1;

/// How long a SQLite writer waits for another process holding the write lock.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections of a file-backed SQLite pool (readers run in parallel under WAL).
const SQLITE_MAX_CONNECTIONS: u32 = 8;
/// Connections per PostgreSQL pool.
const POSTGRES_MAX_CONNECTIONS: u32 = 16;
/// Namespace mixed into advisory-lock keys, so Sluice's locks do not collide with other users
/// of a shared PostgreSQL database.
const LOCK_NAMESPACE: &[u8] = b"sluice-registry/subject-lock/";
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSchema {
    pub id: i64,
    pub fingerprint: String,
    pub schema_type: SchemaType,
    pub schema: String,
    pub references: Vec<SchemaReference>,
}

/// One version of a subject. Soft-deleted versions keep their row with `deleted = true`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredVersion {
    pub subject: String,
    pub version: i32,
    pub schema_id: i64,
    pub deleted: bool,
}

/// The whole state of the store, read in one consistent snapshot by [`Store::load`].
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Ordered by id.
    pub schemas: Vec<StoredSchema>,
    /// Ordered by (subject, version); subjects compare bytewise on both backends.
    pub versions: Vec<StoredVersion>,
    /// (subject or [`GLOBAL`], JSON body), ordered by subject.
    pub configs: Vec<(String, String)>,
    /// (subject or [`GLOBAL`], mode name), ordered by subject.
    pub modes: Vec<(String, String)>,
    /// The change marker as of this snapshot (read in the same transaction), so a later
    /// [`Store::change_marker`] that differs means the snapshot is stale.
    pub marker: ChangeMarker,
}

/// Identifies how far the store's history has advanced: it differs whenever any write
/// transaction committed in between, even if sequence values committed out of order.
/// Compare for equality only; it carries no ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChangeMarker {
    count: i64,
    max_seq: i64,
}

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store URL is not `sqlite://<path>`, `sqlite::memory:` or `postgres://…`.
    #[error("invalid store URL {url:?}: {reason}")]
    InvalidUrl { url: String, reason: String },
    /// The SQLite file's directory could not be created.
    #[error("cannot create the store directory {path}: {source}")]
    CreateDir {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The database could not be opened (URL shown without its password).
    #[error("cannot open the {backend} store at {url}: {source}")]
    Connect {
        backend: &'static str,
        url: String,
        #[source]
        source: sqlx::Error,
    },
    /// The schema migrations failed, or the database was written by a newer Sluice.
    #[error("cannot bring the {backend} store to format {FORMAT_VERSION}: {source}")]
    Migrate {
        backend: &'static str,
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    /// A database operation failed; `op` says which.
    #[error("store failed to {op}: {source}")]
    Database {
        op: &'static str,
        #[source]
        source: sqlx::Error,
    },
    /// The version already exists in the subject (a concurrent writer took it); retry with
    /// fresh data.
    #[error("version {version} of subject {subject:?} already exists")]
    VersionTaken { subject: String, version: i32 },
    /// The version to update or remove does not exist.
    #[error("version {version} of subject {subject:?} does not exist")]
    VersionNotFound { subject: String, version: i32 },
    /// An explicit schema id is already used by a different schema.
    #[error("schema id {id} is already used by a different schema")]
    IdConflict { id: i64 },
    /// A stored row cannot be decoded, or the data is inconsistent.
    #[error("the store holds inconsistent data: {0}")]
    Corrupt(String),
    /// The fsync that makes a commit durable failed: the write must be treated as failed.
    #[error("store could not make a commit durable (fsync of the SQLite WAL failed): {source}")]
    Sync { source: std::io::Error },
}

/// Wraps an `sqlx::Error` with the operation that failed.
fn db(op: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |source| StoreError::Database { op, source }
}

/// A durable registry store (cheap to clone: clones share the connection pool).
#[derive(Clone, Debug)]
pub struct Store {
    backend: Backend,
}

#[derive(Clone, Debug)]
enum Backend {
    Sqlite {
        pool: SqlitePool,
        /// Queues this store's writers in process, so they do not poll SQLite's busy handler.
        write_gate: Arc<Mutex<()>>,
        /// Group commit for a file database (none in memory).
        sync: Option<Arc<GroupSync>>,
    },
    Postgres(PgPool),
}

type SchemaRow = (i64, String, String, String, String);
type VersionRow = (String, i32, i64, bool);

const SELECT_SCHEMA: &str = "SELECT id, fingerprint, schema_type, schema, refs FROM schemas";
const SELECT_VERSION: &str = "SELECT subject, version, schema_id, deleted FROM subject_versions";
const SELECT_MARKER: &str = "SELECT count(*), coalesce(max(seq), 0) FROM changes";

fn schema_from_row(
    (id, fingerprint, schema_type, schema, refs): SchemaRow,
) -> Result<StoredSchema, StoreError> {
    let schema_type = SchemaType::parse(&schema_type).ok_or_else(|| {
        StoreError::Corrupt(format!("schema {id} has unknown type {schema_type:?}"))
    })?;
    let references = serde_json::from_str(&refs).map_err(|e| {
        StoreError::Corrupt(format!(
            "schema {id} has unreadable references {refs:?}: {e}"
        ))
    })?;
    Ok(StoredSchema {
        id,
        fingerprint,
        schema_type,
        schema,
        references,
    })
}

fn version_from_row((subject, version, schema_id, deleted): VersionRow) -> StoredVersion {
    StoredVersion {
        subject,
        version,
        schema_id,
        deleted,
    }
}

fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The advisory-lock key of a scope: the first 8 bytes of SHA-256 over a namespace and the
/// scope. Stable across versions and processes (all instances must agree on it).
fn lock_key(scope: &str) -> i64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(LOCK_NAMESPACE)
        .chain_update(scope.as_bytes())
        .finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`, for error messages.
fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => format!(
            "{}{}:***{}",
            &url[..scheme_end + 3],
            &authority[..colon],
            &url[scheme_end + 3 + at..]
        ),
        _ => url.to_owned(),
    }
}

/// Embedded migrations, handed to `sqlx::migrate::Migrator::new`.
impl Store {
    /// Opens the store at `url` and brings it to [`FORMAT_VERSION`].
    ///
    /// - `sqlite://<path>`: a file (parent directory and file are created), WAL journal,
    ///   `synchronous=FULL`, a busy timeout for other processes on the same file.
    /// - `sqlite::memory:`: a private in-memory database on a single connection (tests).
    /// - `postgres://…` (or `postgresql://…`): a database shared by several instances.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::connect_postgres(url).await
        } else if let Some(rest) = url.strip_prefix("sqlite:") {
            Self::connect_sqlite(url, rest).await
        } else {
            Err(StoreError::InvalidUrl {
                url: redact_url(url),
                reason: "expected sqlite://<path>, sqlite::memory: or postgres://…".into(),
            })
        }
    }

    async fn connect_sqlite(url: &str, rest: &str) -> Result<Store, StoreError> {
        let invalid = |reason: &str| StoreError::InvalidUrl {
            url: url.to_owned(),
            reason: reason.to_owned(),
        };
        let in_memory = matches!(rest, ":memory:" | "//:memory:");
        let options = if in_memory {
            SqliteConnectOptions::from_str("sqlite::memory:")
        } else {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err(invalid("no database file path"));
            }
            SqliteConnectOptions::from_str(url)
        }
        .map_err(|e| invalid(&e.to_string()))?
        .create_if_missing(true)
        .foreign_keys(true)
        // Commits are made durable by the group fsync in `durability` (see there).
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(SQLITE_BUSY_TIMEOUT);

        let pool_options = if in_memory {
            // One connection holds the database: never let the pool close it.
            SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            if let Some(dir) = options.get_filename().parent()
                && !dir.as_os_str().is_empty()
            {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|source| StoreError::CreateDir {
                        path: dir.display().to_string(),
                        source,
                    })?;
            }
            SqlitePoolOptions::new().max_connections(SQLITE_MAX_CONNECTIONS)
        };
        let sync =
            (!in_memory).then(|| Arc::new(GroupSync::new(options.get_filename().to_path_buf())));
        let options = if in_memory {
            options
        } else {
            options.journal_mode(SqliteJournalMode::Wal)
        };
        let pool =
            pool_options
                .connect_with(options)
                .await
                .map_err(|source| StoreError::Connect {
                    backend: "sqlite",
                    url: url.to_owned(),
                    source,
                })?;
        migrator(SQLITE_MIGRATIONS)
            .await
            .run(&pool)
            .await
            .map_err(|source| StoreError::Migrate {
                backend: "sqlite",
                source,
            })?;
        Ok(Store {
            backend: Backend::Sqlite {
                pool,
                write_gate: Arc::new(Mutex::new(())),
                sync,
            },
        })
    }

    async fn connect_postgres(url: &str) -> Result<Store, StoreError> {
        let options = PgConnectOptions::from_str(url).map_err(|e| StoreError::InvalidUrl {
            url: redact_url(url),
            reason: e.to_string(),
        })?;
        let connect_error = |source| StoreError::Connect {
            backend: "postgres",
            url: redact_url(url),
            source,
        };
        // One direct connection first: it fails fast with the real cause (refused, bad
        // password, unknown database), where the pool would retry until its acquire timeout
        // and then report only that it timed out.
        PgConnection::connect_with(&options)
            .await
            .map_err(connect_error)?
            .close()
            .await
            .map_err(connect_error)?;
        let pool = PgPoolOptions::new()
            .max_connections(POSTGRES_MAX_CONNECTIONS)
            .connect_with(options)
            .await
            .map_err(connect_error)?;
        // The migrator takes an advisory lock: instances starting together migrate once.
        migrator(POSTGRES_MIGRATIONS)
            .await
            .run(&pool)
            .await
            .map_err(|source| StoreError::Migrate {
                backend: "postgres",
                source,
            })?;
        Ok(Store {
            backend: Backend::Postgres(pool),
        })
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite { .. } => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Reads the whole state in one read-only transaction (a consistent snapshot).
    pub async fn load(&self) -> Result<Snapshot, StoreError> {
        let mut tx = match &self.backend {
            Backend::Sqlite { pool, .. } => {
                TxInner::Sqlite(pool.begin().await.map_err(db("begin a read transaction"))?)
            }
            Backend::Postgres(pool) => TxInner::Postgres(
                pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await
                    .map_err(db("begin a read transaction"))?,
            ),
        };
        let (schemas, versions, configs, modes, (count, max_seq)) = on_conn!(&mut tx, c => {
            let schemas: Vec<SchemaRow> =
                sqlx::query_as(&format!("{SELECT_SCHEMA} ORDER BY id"))
                    .fetch_all(&mut *c)
                    .await
                    .map_err(db("read schemas"))?;
            let versions: Vec<VersionRow> = sqlx::query_as(SELECT_VERSION)
                .fetch_all(&mut *c)
                .await
                .map_err(db("read subject versions"))?;
            let configs: Vec<(String, String)> =
                sqlx::query_as("SELECT subject, body FROM configs")
                    .fetch_all(&mut *c)
                    .await
                    .map_err(db("read configs"))?;
            let modes: Vec<(String, String)> = sqlx::query_as("SELECT subject, mode FROM modes")
                .fetch_all(&mut *c)
                .await
                .map_err(db("read modes"))?;
            let marker: (i64, i64) = sqlx::query_as(SELECT_MARKER)
                .fetch_one(&mut *c)
                .await
                .map_err(db("read the change marker"))?;
            (schemas, versions, configs, modes, marker)
        });
        match tx {
            TxInner::Sqlite(tx) => tx.commit().await,
            TxInner::Postgres(tx) => tx.commit().await,
        }
        .map_err(db("end a read transaction"))?;

        let schemas = schemas
            .into_iter()
            .map(schema_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        // Sort here rather than in SQL: PostgreSQL would order text by its collation.
        let mut versions: Vec<StoredVersion> = versions.into_iter().map(version_from_row).collect();
        versions.sort_by(|a, b| (&a.subject, a.version).cmp(&(&b.subject, b.version)));
        let mut configs = configs;
        configs.sort();
        let mut modes = modes;
        modes.sort();
        Ok(Snapshot {
            schemas,
            versions,
            configs,
            modes,
            marker: ChangeMarker { count, max_seq },
        })
    }

    /// The current change marker; it differs from an earlier one iff a write committed since.
    pub async fn change_marker(&self) -> Result<ChangeMarker, StoreError> {
        let (count, max_seq): (i64, i64) = match &self.backend {
            Backend::Sqlite { pool, .. } => sqlx::query_as(SELECT_MARKER).fetch_one(pool).await,
            Backend::Postgres(pool) => sqlx::query_as(SELECT_MARKER).fetch_one(pool).await,
        }
        .map_err(db("read the change marker"))?;
        Ok(ChangeMarker { count, max_seq })
    }

    /// Opens a write transaction for `scope` (a subject, or [`GLOBAL`]), waiting for other
    /// writers of the same scope (PostgreSQL) or of the database (SQLite).
    pub async fn begin(&self, scope: &str) -> Result<WriteTx, StoreError> {
        match &self.backend {
            Backend::Sqlite {
                pool,
                write_gate,
                sync,
            } => {
                let gate = Arc::clone(write_gate).lock_owned().await;
                let tx = pool
                    .begin_with("BEGIN IMMEDIATE")
                    .await
                    .map_err(db("begin a write transaction"))?;
                Ok(WriteTx {
                    scope: scope.to_owned(),
                    inner: TxInner::Sqlite(tx),
                    gate: Some(gate),
                    sync: sync.clone(),
                })
            }
            Backend::Postgres(pool) => {
                let mut tx = pool
                    .begin()
                    .await
                    .map_err(db("begin a write transaction"))?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(lock_key(scope))
                    .execute(&mut *tx)
                    .await
                    .map_err(db("lock the subject"))?;
                Ok(WriteTx {
                    scope: scope.to_owned(),
                    inner: TxInner::Postgres(tx),
                    gate: None,
                    sync: None,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_keys_are_stable_and_distinct() {
        assert_eq!(lock_key("orders-value"), lock_key("orders-value"));
        assert_ne!(lock_key("orders-value"), lock_key("orders-key"));
        assert_ne!(lock_key(GLOBAL), lock_key("orders-value"));
    }

    #[test]
    fn urls_lose_their_password_in_messages() {
        assert_eq!(
            redact_url("postgres://sluice:hunter2@db:5432/registry"),
            "postgres://sluice:***@db:5432/registry"
        );
        assert_eq!(
            redact_url("postgres://sluice@db/registry"),
            "postgres://sluice@db/registry"
        );
        assert_eq!(redact_url("sqlite://data/x.db"), "sqlite://data/x.db");
    }
}
