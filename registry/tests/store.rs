//! Scenario tests of the registry's durable store. Each scenario is a function over a [`Store`]
//! and runs against SQLite (a file in a temporary directory) and PostgreSQL (a freshly created
//! database per test, dropped afterwards, so tests run in parallel).
//!
//! PostgreSQL: `SLUICE_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`)
//! names a database to connect to for creating the per-test databases. If it is unreachable the
//! PostgreSQL tests fail, unless `SLUICE_SKIP_POSTGRES=1`.

use sluice_proto::{SchemaReference, SchemaType};
use sluice_registry::store::{GLOBAL, Store, StoreError, StoredVersion};
use sqlx::{Connection, Executor, PgConnection};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tempfile::TempDir;

// ----------------------------------------------------------------------------------------------
// Backends

fn sqlite_url(dir: &TempDir) -> String {
    // A subdirectory that does not exist yet: connect creates it.
    format!("sqlite://{}/data/registry.db", dir.path().display())
}

async fn sqlite_store(dir: &TempDir) -> Store {
    Store::connect(&sqlite_url(dir))
        .await
        .expect("open SQLite store")
}

fn postgres_admin_url() -> String {
    std::env::var("SLUICE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

fn skip_postgres() -> bool {
    std::env::var("SLUICE_SKIP_POSTGRES").is_ok_and(|v| v == "1")
}

/// A database created for one test and dropped (forcibly) when this value is dropped, also
/// when the test panics.
struct PgDatabase {
    name: String,
    url: String,
}

impl PgDatabase {
    /// `None` if PostgreSQL is unreachable and `SLUICE_SKIP_POSTGRES=1`.
    async fn create() -> Option<PgDatabase> {
        let admin = postgres_admin_url();
        let mut conn = match PgConnection::connect(&admin).await {
            Ok(conn) => conn,
            Err(e) if skip_postgres() => {
                eprintln!("skipping PostgreSQL test: cannot connect to {admin}: {e}");
                return None;
            }
            Err(e) => panic!(
                "PostgreSQL is unreachable at {admin} ({e}); start it, point \
                 SLUICE_TEST_POSTGRES_URL at one, or set SLUICE_SKIP_POSTGRES=1 to skip"
            ),
        };
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock after 1970")
            .subsec_nanos();
        let name = format!(
            "sluice_test_{}_{nanos}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        conn.execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("create test database");
        conn.close().await.ok();
        let (base, query) = match admin.split_once('?') {
            Some((base, query)) => (base, format!("?{query}")),
            None => (admin.as_str(), String::new()),
        };
        let (server, _) = base.rsplit_once('/').expect("URL names a database");
        Some(PgDatabase {
            url: format!("{server}/{name}{query}"),
            name,
        })
    }

    async fn store(&self) -> Store {
        Store::connect(&self.url)
            .await
            .expect("open PostgreSQL store")
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let admin = postgres_admin_url();
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        // Drop runs inside the test's runtime: use a thread with its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let dropped = match PgConnection::connect(&admin).await {
                    Ok(mut conn) => conn.execute(sql.as_str()).await.map(drop),
                    Err(e) => Err(e),
                };
                if let Err(e) = dropped {
                    eprintln!("could not drop test database: {e}");
                }
            });
        })
        .join();
    }
}

/// Fails instead of hanging when a lock is never released.
async fn within<T>(what: &str, f: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), f)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within 60 s"))
}

/// Generates `sqlite::<scenario>` and `postgres::<scenario>` tests for each scenario.
macro_rules! on_both_backends {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    let dir = tempfile::tempdir().expect("temporary directory");
                    let store = super::sqlite_store(&dir).await;
                    assert_eq!(store.backend(), "sqlite");
                    super::within(stringify!($scenario), super::$scenario(store)).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    let Some(db) = super::PgDatabase::create().await else { return };
                    let store = db.store().await;
                    assert_eq!(store.backend(), "postgres");
                    super::within(stringify!($scenario), super::$scenario(store)).await;
                }
            )*
        }
    };
}

on_both_backends!(
    same_schema_gets_one_id_and_reregistering_burns_no_ids,
    versions_are_inserted_soft_deleted_and_removed,
    taken_version_is_reported_and_transaction_stays_usable,
    configs_and_modes_are_set_replaced_and_cleared,
    configs_are_read_inside_a_write_transaction,
    change_marker_moves_on_commit_but_not_on_rollback,
    explicit_ids_are_kept_and_later_ids_are_allocated_above_them,
    concurrent_registrations_on_one_store_converge,
);

// ----------------------------------------------------------------------------------------------
// Helpers

fn avro(n: usize) -> String {
    format!(r#"{{"type":"record","name":"R{n}","fields":[{{"name":"f","type":"long"}}]}}"#)
}

fn fingerprint(n: usize) -> String {
    format!("fp-{n:04}")
}

async fn register(store: &Store, subject: &str, n: usize) -> i64 {
    let mut tx = store.begin(subject).await.expect("begin");
    let id = tx
        .insert_schema(&fingerprint(n), SchemaType::Avro, &avro(n), &[], None)
        .await
        .expect("insert schema");
    let next = tx
        .versions(subject)
        .await
        .expect("versions")
        .last()
        .map_or(1, |v| v.version + 1);
    tx.insert_version(subject, next, id)
        .await
        .expect("insert version");
    tx.commit().await.expect("commit");
    id
}

fn version(subject: &str, version: i32, schema_id: i64, deleted: bool) -> StoredVersion {
    StoredVersion {
        subject: subject.to_owned(),
        version,
        schema_id,
        deleted,
    }
}

// ----------------------------------------------------------------------------------------------
// Scenarios

async fn same_schema_gets_one_id_and_reregistering_burns_no_ids(store: Store) {
    let refs = vec![SchemaReference {
        name: "com.example.Money".into(),
        subject: "money-value".into(),
        version: 3,
    }];
    let mut tx = store.begin("orders-value").await.unwrap();
    let first = tx
        .insert_schema("fp-a", SchemaType::Protobuf, "message A {}", &refs, None)
        .await
        .unwrap();
    let again = tx
        .insert_schema("fp-a", SchemaType::Protobuf, "message A {}", &refs, None)
        .await
        .unwrap();
    assert_eq!((first, again), (1, 1));
    tx.commit().await.unwrap();

    // Re-registering in later transactions (under other subjects) finds the same id and does
    // not consume an id: the next new schema gets 2.
    for subject in ["payments-value", "orders-value"] {
        let mut tx = store.begin(subject).await.unwrap();
        let id = tx
            .insert_schema("fp-a", SchemaType::Protobuf, "message A {}", &refs, None)
            .await
            .unwrap();
        assert_eq!(id, 1);
        tx.commit().await.unwrap();
    }
    let mut tx = store.begin("payments-value").await.unwrap();
    let second = tx
        .insert_schema("fp-b", SchemaType::Json, r#"{"type":"object"}"#, &[], None)
        .await
        .unwrap();
    assert_eq!(second, 2);

    let by_fp = tx.schema_by_fingerprint("fp-a").await.unwrap().unwrap();
    assert_eq!(by_fp.id, 1);
    assert_eq!(by_fp.schema_type, SchemaType::Protobuf);
    assert_eq!(by_fp.schema, "message A {}");
    assert_eq!(by_fp.references, refs);
    assert_eq!(
        tx.schema_by_id(2).await.unwrap().unwrap().fingerprint,
        "fp-b"
    );
    assert_eq!(tx.schema_by_id(3).await.unwrap(), None);
    assert_eq!(tx.schema_by_fingerprint("fp-z").await.unwrap(), None);
    tx.commit().await.unwrap();

    let snapshot = store.load().await.unwrap();
    let ids: Vec<(i64, &str, SchemaType)> = snapshot
        .schemas
        .iter()
        .map(|s| (s.id, s.fingerprint.as_str(), s.schema_type))
        .collect();
    assert_eq!(
        ids,
        [
            (1, "fp-a", SchemaType::Protobuf),
            (2, "fp-b", SchemaType::Json)
        ]
    );
    assert_eq!(snapshot.schemas[0].references, refs);
    assert!(snapshot.schemas[1].references.is_empty());
}

async fn versions_are_inserted_soft_deleted_and_removed(store: Store) {
    // Subjects registered out of order: the snapshot orders by (subject, version).
    let b1 = register(&store, "b-value", 1).await;
    let a1 = register(&store, "a-value", 2).await;
    let a2 = register(&store, "a-value", 3).await;
    let a3 = register(&store, "a-value", 1).await;
    assert_eq!(a3, b1, "one schema, one id across subjects");

    let mut tx = store.begin("a-value").await.unwrap();
    assert_eq!(
        tx.versions("a-value").await.unwrap(),
        [
            version("a-value", 1, a1, false),
            version("a-value", 2, a2, false),
            version("a-value", 3, a3, false),
        ]
    );
    tx.set_deleted("a-value", 2, true).await.unwrap();
    tx.remove_version("a-value", 1).await.unwrap();
    assert!(matches!(
        tx.set_deleted("a-value", 9, true).await,
        Err(StoreError::VersionNotFound { version: 9, .. })
    ));
    assert!(matches!(
        tx.remove_version("a-value", 1).await,
        Err(StoreError::VersionNotFound { version: 1, .. })
    ));
    assert_eq!(
        tx.versions("a-value").await.unwrap(),
        [
            version("a-value", 2, a2, true),
            version("a-value", 3, a3, false),
        ]
    );
    tx.commit().await.unwrap();

    let snapshot = store.load().await.unwrap();
    assert_eq!(
        snapshot.versions,
        [
            version("a-value", 2, a2, true),
            version("a-value", 3, a3, false),
            version("b-value", 1, b1, false),
        ]
    );
    // Removing a version keeps its schema: ids are never reused.
    assert_eq!(snapshot.schemas.len(), 3);

    // Soft deletion can be undone.
    let mut tx = store.begin("a-value").await.unwrap();
    tx.set_deleted("a-value", 2, false).await.unwrap();
    tx.commit().await.unwrap();
    let snapshot = store.load().await.unwrap();
    assert!(!snapshot.versions[0].deleted);
}

async fn taken_version_is_reported_and_transaction_stays_usable(store: Store) {
    let first = register(&store, "orders-value", 1).await;
    let mut tx = store.begin("orders-value").await.unwrap();
    let second = tx
        .insert_schema(&fingerprint(2), SchemaType::Avro, &avro(2), &[], None)
        .await
        .unwrap();
    match tx.insert_version("orders-value", 1, second).await {
        Err(StoreError::VersionTaken { subject, version }) => {
            assert_eq!((subject.as_str(), version), ("orders-value", 1));
        }
        other => panic!("expected VersionTaken, got {other:?}"),
    }
    // The conflict did not poison the transaction (it matters on PostgreSQL).
    tx.insert_version("orders-value", 2, second).await.unwrap();
    tx.commit().await.unwrap();
    let snapshot = store.load().await.unwrap();
    assert_eq!(
        snapshot.versions,
        [
            version("orders-value", 1, first, false),
            version("orders-value", 2, second, false),
        ]
    );
    let message = StoreError::VersionTaken {
        subject: "orders-value".into(),
        version: 1,
    }
    .to_string();
    assert_eq!(
        message,
        r#"version 1 of subject "orders-value" already exists"#
    );
}

async fn configs_and_modes_are_set_replaced_and_cleared(store: Store) {
    let mut tx = store.begin(GLOBAL).await.unwrap();
    tx.put_config(GLOBAL, Some(r#"{"compatibilityLevel":"FULL"}"#))
        .await
        .unwrap();
    tx.put_mode(GLOBAL, Some("READWRITE")).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin("orders-value").await.unwrap();
    tx.put_config("orders-value", Some(r#"{"compatibilityLevel":"NONE"}"#))
        .await
        .unwrap();
    tx.put_config("orders-value", Some(r#"{"compatibilityLevel":"BACKWARD"}"#))
        .await
        .unwrap();
    tx.put_mode("orders-value", Some("IMPORT")).await.unwrap();
    tx.put_mode("audit-value", Some("READONLY")).await.unwrap();
    tx.commit().await.unwrap();

    let snapshot = store.load().await.unwrap();
    assert_eq!(
        snapshot.configs,
        [
            (GLOBAL.into(), r#"{"compatibilityLevel":"FULL"}"#.into()),
            (
                "orders-value".into(),
                r#"{"compatibilityLevel":"BACKWARD"}"#.into()
            ),
        ]
    );
    assert_eq!(
        snapshot.modes,
        [
            (GLOBAL.into(), "READWRITE".into()),
            ("audit-value".into(), "READONLY".into()),
            ("orders-value".into(), "IMPORT".into()),
        ]
    );

    let mut tx = store.begin("orders-value").await.unwrap();
    tx.put_config("orders-value", None).await.unwrap();
    tx.put_mode("orders-value", None).await.unwrap();
    tx.put_mode("never-set", None).await.unwrap();
    tx.commit().await.unwrap();
    let snapshot = store.load().await.unwrap();
    assert_eq!(
        snapshot.configs,
        [(GLOBAL.into(), r#"{"compatibilityLevel":"FULL"}"#.into())]
    );
    assert_eq!(
        snapshot.modes,
        [
            (GLOBAL.into(), "READWRITE".into()),
            ("audit-value".into(), "READONLY".into()),
        ]
    );
}

async fn configs_are_read_inside_a_write_transaction(store: Store) {
    let mut tx = store.begin("orders-value").await.unwrap();
    assert_eq!(tx.config("orders-value").await.unwrap(), None);
    assert_eq!(tx.config(GLOBAL).await.unwrap(), None);
    tx.commit().await.unwrap();

    let mut tx = store.begin(GLOBAL).await.unwrap();
    tx.put_config(GLOBAL, Some(r#"{"compatibilityLevel":"FULL"}"#))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin("orders-value").await.unwrap();
    tx.put_config("orders-value", Some(r#"{"compatibilityLevel":"NONE"}"#))
        .await
        .unwrap();
    // The transaction's own, uncommitted write.
    assert_eq!(
        tx.config("orders-value").await.unwrap().as_deref(),
        Some(r#"{"compatibilityLevel":"NONE"}"#)
    );
    tx.commit().await.unwrap();

    // Committed by another transaction after this store was opened: read from the database.
    let mut tx = store.begin("orders-value").await.unwrap();
    assert_eq!(
        tx.config("orders-value").await.unwrap().as_deref(),
        Some(r#"{"compatibilityLevel":"NONE"}"#)
    );
    assert_eq!(
        tx.config(GLOBAL).await.unwrap().as_deref(),
        Some(r#"{"compatibilityLevel":"FULL"}"#)
    );
    assert_eq!(tx.config("payments-value").await.unwrap(), None);
    tx.put_config("orders-value", None).await.unwrap();
    assert_eq!(tx.config("orders-value").await.unwrap(), None);
    // Rolled back: the config is still there.
    drop(tx);
    let mut tx = store.begin("orders-value").await.unwrap();
    assert_eq!(
        tx.config("orders-value").await.unwrap().as_deref(),
        Some(r#"{"compatibilityLevel":"NONE"}"#)
    );
    tx.commit().await.unwrap();
}

async fn change_marker_moves_on_commit_but_not_on_rollback(store: Store) {
    let empty = store.change_marker().await.unwrap();
    assert_eq!(store.load().await.unwrap().marker, empty);

    // Dropped without commit: nothing written, marker unchanged.
    let mut tx = store.begin("orders-value").await.unwrap();
    tx.insert_schema("fp-a", SchemaType::Avro, "\"long\"", &[], None)
        .await
        .unwrap();
    tx.put_mode("orders-value", Some("READONLY")).await.unwrap();
    drop(tx);
    assert_eq!(store.change_marker().await.unwrap(), empty);
    let snapshot = store.load().await.unwrap();
    assert!(snapshot.schemas.is_empty() && snapshot.modes.is_empty());

    // The rolled-back transaction released its lock: the same subject can be written again.
    let mut tx = store.begin("orders-value").await.unwrap();
    tx.put_mode("orders-value", Some("READONLY")).await.unwrap();
    tx.commit().await.unwrap();
    let first = store.change_marker().await.unwrap();
    assert_ne!(first, empty);

    // Every commit moves it, even one that changed no row.
    store.begin(GLOBAL).await.unwrap().commit().await.unwrap();
    let second = store.change_marker().await.unwrap();
    assert_ne!(second, first);
    assert_ne!(second, empty);
    assert_eq!(store.load().await.unwrap().marker, second);
    assert_eq!(
        store.change_marker().await.unwrap(),
        second,
        "reads move nothing"
    );
}

async fn explicit_ids_are_kept_and_later_ids_are_allocated_above_them(store: Store) {
    let mut tx = store.begin("imported-value").await.unwrap();
    let normal = tx
        .insert_schema("fp-1", SchemaType::Avro, &avro(1), &[], None)
        .await
        .unwrap();
    assert_eq!(normal, 1);
    let imported = tx
        .insert_schema("fp-100", SchemaType::Avro, &avro(100), &[], Some(100))
        .await
        .unwrap();
    assert_eq!(imported, 100);
    let after = tx
        .insert_schema("fp-2", SchemaType::Avro, &avro(2), &[], None)
        .await
        .unwrap();
    assert_eq!(after, 101);

    // A taken id with other content conflicts; the same content returns its id.
    match tx
        .insert_schema("fp-other", SchemaType::Avro, &avro(7), &[], Some(100))
        .await
    {
        Err(StoreError::IdConflict { id: 100 }) => {}
        other => panic!("expected IdConflict, got {other:?}"),
    }
    let same = tx
        .insert_schema("fp-100", SchemaType::Avro, &avro(100), &[], Some(100))
        .await
        .unwrap();
    assert_eq!(same, 100);
    let existing = tx
        .insert_schema("fp-1", SchemaType::Avro, &avro(1), &[], Some(500))
        .await
        .unwrap();
    assert_eq!(existing, 1, "a known fingerprint keeps its id");

    // An explicit id below the current maximum does not move allocation backwards.
    let low = tx
        .insert_schema("fp-50", SchemaType::Avro, &avro(50), &[], Some(50))
        .await
        .unwrap();
    assert_eq!(low, 50);
    tx.commit().await.unwrap();

    let mut tx = store.begin("other-value").await.unwrap();
    let next = tx
        .insert_schema("fp-3", SchemaType::Avro, &avro(3), &[], None)
        .await
        .unwrap();
    assert_eq!(next, 102);
    tx.commit().await.unwrap();

    let ids: Vec<i64> = store
        .load()
        .await
        .unwrap()
        .schemas
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids, [1, 50, 100, 101, 102]);
}

async fn concurrent_registrations_on_one_store_converge(store: Store) {
    concurrent_registrations_converge(vec![store]).await;
}

const SCHEMAS: usize = 50;
const SUBJECTS: usize = 4;
const TASKS: usize = 8;

/// `TASKS` tasks (spread over `stores`) each register all `SCHEMAS` schemas, in different
/// orders and under overlapping subjects, the way the service does: lock the subject, read its
/// versions, skip if the schema is already live there, else insert schema + next version.
async fn concurrent_registrations_converge(stores: Vec<Store>) {
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let store = stores[task % stores.len()].clone();
        tasks.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            for step in 0..SCHEMAS {
                let n = (step + task * 7) % SCHEMAS;
                // Tasks t and t + SUBJECTS register n under the same subject; other tasks
                // register it under other subjects.
                let subject = format!("subject-{}", (n + task) % SUBJECTS);
                let id = register_once(&store, &subject, n).await;
                seen.push((n, id));
            }
            seen
        }));
    }
    let mut id_of: HashMap<usize, i64> = HashMap::new();
    for task in tasks {
        for (n, id) in task.await.expect("task panicked") {
            let known = *id_of.entry(n).or_insert(id);
            assert_eq!(known, id, "schema {n} got two ids");
        }
    }

    let snapshot = stores[0].load().await.unwrap();
    // Every fingerprint has exactly one id, and ids are unique.
    assert_eq!(snapshot.schemas.len(), SCHEMAS);
    let fingerprints: BTreeSet<&str> = snapshot
        .schemas
        .iter()
        .map(|s| s.fingerprint.as_str())
        .collect();
    let ids: BTreeSet<i64> = snapshot.schemas.iter().map(|s| s.id).collect();
    assert_eq!(fingerprints.len(), SCHEMAS);
    assert_eq!(ids.len(), SCHEMAS);
    for schema in &snapshot.schemas {
        let n: usize = schema.fingerprint[3..].parse().unwrap();
        assert_eq!(id_of[&n], schema.id);
    }

    // Versions are contiguous 1..=n per subject, and each (subject, schema) is there once.
    let mut by_subject: BTreeMap<&str, Vec<&StoredVersion>> = BTreeMap::new();
    for v in &snapshot.versions {
        by_subject.entry(v.subject.as_str()).or_default().push(v);
    }
    let mut expected_pairs = BTreeSet::new();
    for task in 0..TASKS {
        for n in 0..SCHEMAS {
            expected_pairs.insert((format!("subject-{}", (n + task) % SUBJECTS), id_of[&n]));
        }
    }
    let mut pairs = BTreeSet::new();
    for (subject, versions) in &by_subject {
        let numbers: Vec<i32> = versions.iter().map(|v| v.version).collect();
        let contiguous: Vec<i32> = (1..=versions.len() as i32).collect();
        assert_eq!(numbers, contiguous, "versions of {subject}");
        for v in versions {
            assert!(!v.deleted);
            assert!(
                pairs.insert((subject.to_string(), v.schema_id)),
                "schema {} twice in {subject}",
                v.schema_id
            );
        }
    }
    assert_eq!(pairs, expected_pairs);
}

/// Registers schema `n` under `subject` unless it is already live there; returns its id.
async fn register_once(store: &Store, subject: &str, n: usize) -> i64 {
    let fp = fingerprint(n);
    loop {
        let mut tx = store.begin(subject).await.expect("begin");
        let versions = tx.versions(subject).await.expect("versions");
        if let Some(existing) = tx.schema_by_fingerprint(&fp).await.expect("lookup")
            && versions
                .iter()
                .any(|v| v.schema_id == existing.id && !v.deleted)
        {
            return existing.id;
        }
        let id = tx
            .insert_schema(&fp, SchemaType::Avro, &avro(n), &[], None)
            .await
            .expect("insert schema");
        let next = versions.last().map_or(1, |v| v.version + 1);
        match tx.insert_version(subject, next, id).await {
            Ok(()) => {
                tx.commit().await.expect("commit");
                return id;
            }
            Err(StoreError::VersionTaken { .. }) => continue, // dropped: rolled back
            Err(e) => panic!("insert version: {e}"),
        }
    }
}

// ----------------------------------------------------------------------------------------------
// Backend-specific behaviour

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_concurrent_registrations_from_two_instances_converge() {
    let Some(db) = PgDatabase::create().await else {
        return;
    };
    let stores = vec![db.store().await, db.store().await];
    within(
        "registrations from two instances",
        concurrent_registrations_converge(stores),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_concurrent_registrations_from_two_stores_on_one_file_converge() {
    let dir = tempfile::tempdir().unwrap();
    let stores = vec![sqlite_store(&dir).await, sqlite_store(&dir).await];
    within(
        "registrations from two stores",
        concurrent_registrations_converge(stores),
    )
    .await;
}

#[tokio::test]
async fn sqlite_file_keeps_committed_state_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(&dir).await;
    let id = register(&store, "orders-value", 1).await;
    let marker = store.change_marker().await.unwrap();
    drop(store);

    // Reopening runs the (already applied) migrations again: a no-op.
    let store = sqlite_store(&dir).await;
    let snapshot = store.load().await.unwrap();
    assert_eq!(snapshot.schemas.len(), 1);
    assert_eq!(snapshot.versions, [version("orders-value", 1, id, false)]);
    assert_eq!(snapshot.marker, marker);
    assert!(dir.path().join("data/registry.db").is_file());
}

#[tokio::test]
async fn sqlite_in_memory_store_works_on_one_connection() {
    let store = Store::connect("sqlite::memory:").await.unwrap();
    assert_eq!(store.backend(), "sqlite");
    let id = register(&store, "orders-value", 1).await;
    assert_eq!(id, 1);
    // Another in-memory store is a separate database.
    let other = Store::connect("sqlite::memory:").await.unwrap();
    assert!(other.load().await.unwrap().schemas.is_empty());
    assert_eq!(store.load().await.unwrap().schemas.len(), 1);
}

#[tokio::test]
async fn unsupported_urls_are_rejected_with_a_clear_error() {
    for url in ["mysql://localhost/registry", "sqlite://", "registry.db"] {
        match Store::connect(url).await {
            Err(e @ StoreError::InvalidUrl { .. }) => {
                assert!(e.to_string().starts_with("invalid store URL"), "{e}");
            }
            other => panic!("{url}: expected InvalidUrl, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn postgres_connect_errors_hide_the_password() {
    // Nothing listens on port 1.
    let err = Store::connect("postgres://sluice:hunter2@127.0.0.1:1/registry")
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, StoreError::Connect { .. }), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
    assert!(
        message.contains("postgres://sluice:***@127.0.0.1:1/registry"),
        "{message}"
    );
}

// ----------------------------------------------------------------------------------------------
// Measurement (not a test): sequential register transactions per second.
//
//   cargo test -p sluice-registry --test store -- --ignored --nocapture measure_

async fn measure_register_rate(store: &Store, label: &str) {
    let started = Instant::now();
    let mut n = 0;
    while started.elapsed() < Duration::from_secs(3) {
        register(store, &format!("bench-{}", n % 10), n).await;
        n += 1;
    }
    let rate = n as f64 / started.elapsed().as_secs_f64();
    eprintln!("{label}: {n} sequential register transactions, {rate:.0}/s");
}

#[tokio::test]
#[ignore = "measurement, run explicitly"]
async fn measure_sqlite_sequential_register_rate() {
    // On the build disk (not /tmp, which may be a RAM disk).
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let store = sqlite_store(&dir).await;
    measure_register_rate(&store, "sqlite (WAL, synchronous=FULL)").await;
}

#[tokio::test]
#[ignore = "measurement, run explicitly"]
async fn measure_postgres_sequential_register_rate() {
    let Some(db) = PgDatabase::create().await else {
        return;
    };
    let store = db.store().await;
    measure_register_rate(&store, "postgres").await;
}
