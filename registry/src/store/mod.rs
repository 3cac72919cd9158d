//! Durable storage of the registry: schemas, subject versions, configs and modes.
//!
//! One implementation over `sqlx` for two backends: embedded SQLite (the default, a file under
//! the data directory, WAL journal, `synchronous=FULL` so a committed write survives a crash)
//! and PostgreSQL (`postgres://…`, shared by several Sluice instances). Migrations run at
//! connect time; the store's format version is the last applied migration.
//!
//! ## Model
//! - `schemas(id, fingerprint UNIQUE, schema_type, schema, refs)`: content-addressed. The
//!   fingerprint is computed by the caller (hash of type + canonical text + references), so the
//!   same schema under two subjects has one id.
//! - `subject_versions(subject, version, schema_id, deleted)`, primary key (subject, version).
//! - `configs(subject, body)` and `modes(subject, mode)`; the global row uses the subject
//!   [`GLOBAL`].
//! - `changes(seq)`: one row appended per committed write transaction, so other instances can
//!   tell cheaply that something changed ([`Store::change_marker`]).
//!
//! ## Concurrency
//! Every write runs in a [`WriteTx`] opened by [`Store::begin`] for one subject (or the global
//! scope). On PostgreSQL the transaction takes `pg_advisory_xact_lock` on a hash of the
//! subject: writers to the same subject queue, writers to different subjects do not. Ids come
//! from a sequence (no global counter row), and the unique fingerprint makes concurrent
//! registrations of the same schema converge on one id. On SQLite writes take the database's
//! single writer lock (`BEGIN IMMEDIATE`).

// ---------------------------------------------------------------------------------------------
// CONTRACT (the implementation fills the bodies; the service layer codes against these names).
//
// pub const GLOBAL: &str = "__GLOBAL";
//
// #[derive(Debug, Clone, PartialEq, Eq)]
// pub struct StoredSchema { pub id: i64, pub fingerprint: String, pub schema_type: SchemaType,
//                           pub schema: String, pub references: Vec<SchemaReference> }
// #[derive(Debug, Clone, PartialEq, Eq)]
// pub struct StoredVersion { pub subject: String, pub version: i32, pub schema_id: i64,
//                            pub deleted: bool }
// #[derive(Debug, Clone, Default)]
// pub struct Snapshot { pub schemas: Vec<StoredSchema>, pub versions: Vec<StoredVersion>,
//                       pub configs: Vec<(String, String)>,   // (subject or GLOBAL, JSON body)
//                       pub modes: Vec<(String, String)> }    // (subject or GLOBAL, mode name)
// #[derive(Debug, Clone, Copy, PartialEq, Eq)]
// pub struct ChangeMarker { count: i64, max_seq: i64 }          // changes iff any write committed
//
// #[derive(Debug, thiserror::Error)] pub enum StoreError { … }  // Display says what failed
//
// pub struct Store (Clone, Debug)
//   pub async fn connect(url: &str) -> Result<Store, StoreError>
//        url: "sqlite://<path>" (file created, parent dir created) | "sqlite::memory:" |
//             "postgres://…" ; runs migrations
//   pub fn backend(&self) -> &'static str                        // "sqlite" | "postgres"
//   pub async fn load(&self) -> Result<Snapshot, StoreError>     // whole state
//   pub async fn change_marker(&self) -> Result<ChangeMarker, StoreError>
//   pub async fn begin(&self, scope: &str) -> Result<WriteTx, StoreError>  // scope = subject or GLOBAL
//
// pub struct WriteTx (holds a sqlx Transaction and the scope)
//   pub async fn versions(&mut self, subject: &str) -> Result<Vec<StoredVersion>, StoreError>
//        // fresh from the database, all versions including soft-deleted, ascending
//   pub async fn schema_by_fingerprint(&mut self, fp: &str) -> Result<Option<StoredSchema>, _>
//   pub async fn schema_by_id(&mut self, id: i64) -> Result<Option<StoredSchema>, _>
//   pub async fn insert_schema(&mut self, fp, schema_type, schema, refs, explicit_id: Option<i64>)
//        -> Result<i64, StoreError>      // returns existing id if the fingerprint exists;
//                                        // explicit id (IMPORT): used as is; sequence moved past it
//   pub async fn insert_version(&mut self, subject, version: i32, schema_id: i64) -> Result<(), _>
//   pub async fn set_deleted(&mut self, subject, version: i32, deleted: bool) -> Result<(), _>
//   pub async fn remove_version(&mut self, subject, version: i32) -> Result<(), _>   // permanent
//   pub async fn put_config(&mut self, subject_or_global, body: Option<&str>) -> Result<(), _>
//   pub async fn put_mode(&mut self, subject_or_global, mode: Option<&str>) -> Result<(), _>
//   pub async fn commit(self) -> Result<(), StoreError>   // appends a `changes` row first
// ---------------------------------------------------------------------------------------------
