//! Capture's durable state, in its own SQLite file (`<data-dir>/capture.db`): connector
//! configs and target states, committed offsets, and the history of table models and of
//! database default charsets.
//!
//! The schema history lives here rather than in a Kafka topic that retention can eat: each
//! version of a table's model is stored with the binlog position where it took effect, so a
//! restart at any committed offset rebuilds exactly the models in force there
//! ([`CaptureStore::tables_at`]).
//!
//! Writes are durable when they return (WAL, `synchronous=FULL`); they are rare (a connector
//! change, a DDL, an offset commit every few hundred milliseconds).
//!
//! A file that stays busy past [`BUSY_TIMEOUT`] (another process or connection holding its write
//! lock) or a pool with no free connection in time is a passing state, not a broken store:
//! [`StoreError::is_transient`] says so, and a capture task retries it like a lost connection.

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use std::path::Path;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long a write waits for another connection holding the file's write lock before it
/// fails with `SQLITE_BUSY` (sqlx's default, written down).
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// SQLite's primary result codes for a file another connection has locked
/// (<https://www.sqlite.org/rescode.html>); extended codes keep them in their low byte.
const SQLITE_BUSY: i32 = 5;
const SQLITE_LOCKED: i32 = 6;

/// Why the capture store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("capture store: cannot {op}: {source}")]
    Database {
        op: &'static str,
        source: sqlx::Error,
    },
    #[error("capture store: stored {what} is unreadable: {reason}")]
    Corrupt { what: &'static str, reason: String },
}

impl StoreError {
    /// Whether retrying later may succeed: the file was busy or locked by another connection
    /// (`SQLITE_BUSY`, `SQLITE_LOCKED`, and their extended codes), or no pooled connection came
    /// free in time. A corrupt file, a full disk, a failed constraint stay definite.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Database { source, .. } => is_busy(source),
            Self::Corrupt { .. } => false,
        }
    }
}

/// Whether `e` is the file or the pool being briefly busy.
fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => db
            .code()
            .and_then(|code| code.parse::<i32>().ok())
            .is_some_and(|code| matches!(code & 0xff, SQLITE_BUSY | SQLITE_LOCKED)),
        _ => false,
    }
}

fn db(op: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |source| StoreError::Database { op, source }
}

fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A stored connector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredConnector {
    pub name: String,
    /// The config as posted (all values strings, as Kafka Connect keeps them).
    pub config: serde_json::Map<String, serde_json::Value>,
    /// `RUNNING` or `PAUSED`.
    pub target_state: String,
}

/// One version of one table's model.
#[derive(Debug, Clone, PartialEq)]
pub struct TableVersion<T> {
    pub database: String,
    pub table: String,
    /// Where it took effect, as the connector's position text.
    pub position: String,
    pub ddl: String,
    /// `None`: the table was dropped here.
    pub model: Option<T>,
}

/// One version of one database's default character set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseVersion {
    pub database: String,
    /// Where it took effect, as the connector's position text.
    pub position: String,
    /// The default charset; `None` when none is known.
    pub charset: Option<String>,
    /// The database was dropped here.
    pub dropped: bool,
}

/// Capture's store.
#[derive(Debug, Clone)]
pub struct CaptureStore {
    pool: SqlitePool,
}

impl CaptureStore {
    /// Opens (creating if needed) `<dir>/capture.db` and migrates it.
    pub async fn open(dir: &Path) -> Result<Self, StoreError> {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| db("create the data directory")(sqlx::Error::Io(e)))?;
        let url = format!("sqlite://{}", dir.join("capture.db").display());
        Self::connect(&url).await
    }

    /// Opens a store at a SQLite URL (`sqlite::memory:` in tests).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_waiting(url, BUSY_TIMEOUT).await
    }

    /// [`connect`](Self::connect), with writes waiting `busy_timeout` for a locked file.
    async fn connect_waiting(url: &str, busy_timeout: Duration) -> Result<Self, StoreError> {
        let in_memory = url.contains(":memory:");
        let options = SqliteConnectOptions::from_str(url)
            .map_err(db("parse the store URL"))?
            .create_if_missing(true)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(busy_timeout);
        let options = if in_memory {
            options
        } else {
            options.journal_mode(SqliteJournalMode::Wal)
        };
        let pool = SqlitePoolOptions::new()
            .max_connections(if in_memory { 1 } else { 4 })
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(db("open"))?;
        let store = Self { pool };
        store.migrate().await?;
        Ok(store)
    }

    /// Applies the migrations this build knows beyond the file's `user_version`; refuses a
    /// file written by a newer Sluice.
    async fn migrate(&self) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db("begin the migration"))?;
        let current: i64 = sqlx::query_scalar("PRAGMA user_version")
            .fetch_one(&mut *tx)
            .await
            .map_err(db("read the format version"))?;
        let latest = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
        if current > latest {
            return Err(StoreError::Corrupt {
                what: "format version",
                reason: format!(
                    "the file has version {current}, this Sluice knows up to {latest}: use a newer Sluice"
                ),
            });
        }
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            sqlx::raw_sql(sql)
                .execute(&mut *tx)
                .await
                .map_err(db("apply a migration"))?;
            sqlx::raw_sql(&format!("PRAGMA user_version = {}", index + 1))
                .execute(&mut *tx)
                .await
                .map_err(db("record the format version"))?;
        }
        tx.commit().await.map_err(db("commit the migration"))
    }
}

/// Migrations in order; the store's format version is how many have been applied.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_database_history.sql"),
];

impl CaptureStore {
    /// Creates or replaces a connector's config; a new connector starts `RUNNING`.
    pub async fn put_connector(
        &self,
        name: &str,
        config: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<(), StoreError> {
        let text = serde_json::Value::Object(config.clone()).to_string();
        sqlx::query(
            "INSERT INTO connectors (name, config, target_state, created_at) VALUES ($1, $2, 'RUNNING', $3)
             ON CONFLICT (name) DO UPDATE SET config = excluded.config",
        )
        .bind(name)
        .bind(text)
        .bind(now_millis())
        .execute(&self.pool)
        .await
        .map_err(db("save a connector"))?;
        Ok(())
    }

    /// Sets `RUNNING` or `PAUSED`.
    pub async fn set_target_state(&self, name: &str, state: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE connectors SET target_state = $1 WHERE name = $2")
            .bind(state)
            .bind(name)
            .execute(&self.pool)
            .await
            .map_err(db("save a connector state"))?;
        Ok(())
    }

    /// Removes a connector with its offsets and history.
    pub async fn delete_connector(&self, name: &str) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db("begin"))?;
        for sql in [
            "DELETE FROM connectors WHERE name = $1",
            "DELETE FROM offsets WHERE connector = $1",
            "DELETE FROM table_history WHERE connector = $1",
            "DELETE FROM database_history WHERE connector = $1",
        ] {
            sqlx::query(sql)
                .bind(name)
                .execute(&mut *tx)
                .await
                .map_err(db("delete a connector"))?;
        }
        tx.commit().await.map_err(db("delete a connector"))
    }

    /// Every stored connector, by name.
    pub async fn connectors(&self) -> Result<Vec<StoredConnector>, StoreError> {
        let rows = sqlx::query("SELECT name, config, target_state FROM connectors ORDER BY name")
            .fetch_all(&self.pool)
            .await
            .map_err(db("list connectors"))?;
        rows.into_iter()
            .map(|row| {
                let config: String = row.get(1);
                let config = match serde_json::from_str(&config) {
                    Ok(serde_json::Value::Object(map)) => map,
                    _ => {
                        return Err(StoreError::Corrupt {
                            what: "connector config",
                            reason: format!(
                                "connector {} has no JSON object",
                                row.get::<String, _>(0)
                            ),
                        });
                    }
                };
                Ok(StoredConnector {
                    name: row.get(0),
                    config,
                    target_state: row.get(2),
                })
            })
            .collect()
    }

    /// Commits a connector's offset.
    pub async fn save_offset<O: Serialize>(
        &self,
        connector: &str,
        offset: &O,
    ) -> Result<(), StoreError> {
        let text = serde_json::to_string(offset).map_err(|e| StoreError::Corrupt {
            what: "offset",
            reason: e.to_string(),
        })?;
        sqlx::query(
            "INSERT INTO offsets (connector, offset, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (connector) DO UPDATE SET offset = excluded.offset, updated_at = excluded.updated_at",
        )
        .bind(connector)
        .bind(text)
        .bind(now_millis())
        .execute(&self.pool)
        .await
        .map_err(db("commit an offset"))?;
        Ok(())
    }

    /// The last committed offset of a connector.
    pub async fn offset<O: DeserializeOwned>(
        &self,
        connector: &str,
    ) -> Result<Option<O>, StoreError> {
        let text: Option<String> =
            sqlx::query_scalar("SELECT offset FROM offsets WHERE connector = $1")
                .bind(connector)
                .fetch_optional(&self.pool)
                .await
                .map_err(db("read an offset"))?;
        text.map(|t| {
            serde_json::from_str(&t).map_err(|e| StoreError::Corrupt {
                what: "offset",
                reason: e.to_string(),
            })
        })
        .transpose()
    }

    /// Records new versions of table models (one DDL may change several tables).
    pub async fn record_tables<T: Serialize>(
        &self,
        connector: &str,
        versions: &[TableVersion<T>],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db("begin"))?;
        let next: i64 = sqlx::query_scalar(
            "SELECT coalesce(max(seq), 0) + 1 FROM table_history WHERE connector = $1",
        )
        .bind(connector)
        .fetch_one(&mut *tx)
        .await
        .map_err(db("record schema history"))?;
        for (i, v) in versions.iter().enumerate() {
            let model = v
                .model
                .as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(|e| StoreError::Corrupt {
                    what: "table model",
                    reason: e.to_string(),
                })?;
            sqlx::query(
                "INSERT INTO table_history (connector, seq, database, table_name, position, ddl, table_model)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(connector)
            .bind(next + i as i64)
            .bind(&v.database)
            .bind(&v.table)
            .bind(&v.position)
            .bind(&v.ddl)
            .bind(model)
            .execute(&mut *tx)
            .await
            .map_err(db("record schema history"))?;
        }
        tx.commit().await.map_err(db("record schema history"))
    }

    /// The models in force at `position`: for each table, its last version recorded at or
    /// before it (`at_or_before` decides the order of position texts). Dropped tables are
    /// left out.
    pub async fn tables_at<T: DeserializeOwned>(
        &self,
        connector: &str,
        at_or_before: impl Fn(&str) -> bool,
    ) -> Result<Vec<TableVersion<T>>, StoreError> {
        let rows = sqlx::query(
            "SELECT database, table_name, position, ddl, table_model FROM table_history
             WHERE connector = $1 ORDER BY seq",
        )
        .bind(connector)
        .fetch_all(&self.pool)
        .await
        .map_err(db("read schema history"))?;
        let mut latest: std::collections::BTreeMap<(String, String), TableVersion<T>> =
            std::collections::BTreeMap::new();
        for row in rows {
            let position: String = row.get(2);
            if !at_or_before(&position) {
                continue;
            }
            let model: Option<String> = row.get(4);
            let model = model
                .map(|m| serde_json::from_str(&m))
                .transpose()
                .map_err(|e| StoreError::Corrupt {
                    what: "table model",
                    reason: e.to_string(),
                })?;
            let v = TableVersion {
                database: row.get(0),
                table: row.get(1),
                position,
                ddl: row.get(3),
                model,
            };
            latest.insert((v.database.clone(), v.table.clone()), v);
        }
        Ok(latest.into_values().filter(|v| v.model.is_some()).collect())
    }
}

impl CaptureStore {
    /// Records new versions of database default charsets.
    pub async fn record_databases(
        &self,
        connector: &str,
        versions: &[DatabaseVersion],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db("begin"))?;
        let next: i64 = sqlx::query_scalar(
            "SELECT coalesce(max(seq), 0) + 1 FROM database_history WHERE connector = $1",
        )
        .bind(connector)
        .fetch_one(&mut *tx)
        .await
        .map_err(db("record database history"))?;
        for (i, v) in versions.iter().enumerate() {
            sqlx::query(
                "INSERT INTO database_history (connector, seq, database, position, charset, dropped)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(connector)
            .bind(next + i as i64)
            .bind(&v.database)
            .bind(&v.position)
            .bind(&v.charset)
            .bind(v.dropped)
            .execute(&mut *tx)
            .await
            .map_err(db("record database history"))?;
        }
        tx.commit().await.map_err(db("record database history"))
    }

    /// The database charsets in force at `position`: for each database, its last version
    /// recorded at or before it (`at_or_before` decides the order of position texts). Dropped
    /// databases are left out.
    pub async fn databases_at(
        &self,
        connector: &str,
        at_or_before: impl Fn(&str) -> bool,
    ) -> Result<Vec<DatabaseVersion>, StoreError> {
        let rows = sqlx::query(
            "SELECT database, position, charset, dropped FROM database_history
             WHERE connector = $1 ORDER BY seq",
        )
        .bind(connector)
        .fetch_all(&self.pool)
        .await
        .map_err(db("read database history"))?;
        let mut latest = std::collections::BTreeMap::new();
        for row in rows {
            let position: String = row.get(1);
            if !at_or_before(&position) {
                continue;
            }
            let v = DatabaseVersion {
                database: row.get(0),
                position,
                charset: row.get(2),
                dropped: row.get(3),
            };
            latest.insert(v.database.clone(), v);
        }
        Ok(latest.into_values().filter(|v| !v.dropped).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Connection as _;

    #[tokio::test]
    async fn a_write_blocked_by_another_connections_write_lock_is_transient() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("capture.db");
        let url = format!("sqlite://{}", path.display());
        let s = CaptureStore::connect_waiting(&url, Duration::from_millis(50))
            .await
            .unwrap();
        let mut other = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::raw_sql("BEGIN IMMEDIATE")
            .execute(&mut other)
            .await
            .unwrap();

        let err = s.save_offset("c", &1u64).await.unwrap_err();
        assert!(err.is_transient(), "{err}");
        assert!(
            crate::error::CaptureError::from(err).is_transient(),
            "a busy store is retried"
        );

        sqlx::raw_sql("ROLLBACK").execute(&mut other).await.unwrap();
        s.save_offset("c", &1u64).await.unwrap();
        assert_eq!(s.offset::<u64>("c").await.unwrap(), Some(1));
    }

    #[test]
    fn a_pool_with_no_free_connection_in_time_is_transient() {
        let err = db("commit an offset")(sqlx::Error::PoolTimedOut);
        assert!(err.is_transient());
        assert!(crate::error::CaptureError::from(err).is_transient());
    }

    #[test]
    fn a_corrupt_store_or_other_database_failure_is_definite() {
        let corrupt = StoreError::Corrupt {
            what: "offset",
            reason: "not JSON".into(),
        };
        assert!(!corrupt.is_transient());
        assert!(!crate::error::CaptureError::from(corrupt).is_transient());
        let closed = db("read an offset")(sqlx::Error::PoolClosed);
        assert!(!closed.is_transient());
        assert!(!crate::error::CaptureError::from(closed).is_transient());
    }

    #[tokio::test]
    async fn a_newer_format_version_is_definite() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("capture.db").display());
        let mut conn = sqlx::SqliteConnection::connect(&format!("{url}?mode=rwc"))
            .await
            .unwrap();
        sqlx::raw_sql("PRAGMA user_version = 999")
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        let err = CaptureStore::connect(&url).await.unwrap_err();
        assert!(!err.is_transient(), "{err}");
    }

    async fn store() -> CaptureStore {
        CaptureStore::connect("sqlite::memory:")
            .await
            .expect("store")
    }

    #[tokio::test]
    async fn connectors_keep_config_and_state() {
        let s = store().await;
        let mut config = serde_json::Map::new();
        config.insert("topic.prefix".into(), "db1".into());
        s.put_connector("c1", &config).await.unwrap();
        s.set_target_state("c1", "PAUSED").await.unwrap();
        let all = s.connectors().await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].config, config);
        assert_eq!(all[0].target_state, "PAUSED");
        s.delete_connector("c1").await.unwrap();
        assert!(s.connectors().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn offsets_are_replaced_on_commit() {
        let s = store().await;
        assert_eq!(s.offset::<u64>("c").await.unwrap(), None);
        s.save_offset("c", &5u64).await.unwrap();
        s.save_offset("c", &9u64).await.unwrap();
        assert_eq!(s.offset::<u64>("c").await.unwrap(), Some(9));
    }

    #[tokio::test]
    async fn table_models_in_force_at_a_position_are_the_last_versions_before_it() {
        let s = store().await;
        let v = |table: &str, pos: &str, model: Option<u32>| TableVersion {
            database: "inv".into(),
            table: table.into(),
            position: pos.into(),
            ddl: format!("ddl at {pos}"),
            model,
        };
        s.record_tables("c", &[v("a", "10", Some(1)), v("b", "10", Some(1))])
            .await
            .unwrap();
        s.record_tables("c", &[v("a", "20", Some(2))])
            .await
            .unwrap();
        s.record_tables("c", &[v("b", "30", None)]).await.unwrap();
        let before = |limit: u64| move |p: &str| p.parse::<u64>().is_ok_and(|p| p <= limit);
        let at15: Vec<_> = s.tables_at::<u32>("c", before(15)).await.unwrap();
        assert_eq!(
            at15.iter().map(|v| v.model).collect::<Vec<_>>(),
            [Some(1), Some(1)]
        );
        let at25: Vec<_> = s.tables_at::<u32>("c", before(25)).await.unwrap();
        assert_eq!(
            at25.iter()
                .map(|v| (v.table.as_str(), v.model))
                .collect::<Vec<_>>(),
            [("a", Some(2)), ("b", Some(1))]
        );
        let at35: Vec<_> = s.tables_at::<u32>("c", before(35)).await.unwrap();
        assert_eq!(at35.len(), 1, "dropped tables are gone");
    }

    #[tokio::test]
    async fn database_charsets_in_force_at_a_position_are_the_last_versions_before_it() {
        let s = store().await;
        let v = |db: &str, pos: &str, charset: Option<&str>, dropped: bool| DatabaseVersion {
            database: db.into(),
            position: pos.into(),
            charset: charset.map(str::to_owned),
            dropped,
        };
        s.record_databases(
            "c",
            &[
                v("diff", "10", Some("utf8mb4"), false),
                v("other", "10", None, false),
            ],
        )
        .await
        .unwrap();
        s.record_databases("c", &[v("diff", "20", Some("latin1"), false)])
            .await
            .unwrap();
        s.record_databases("c", &[v("other", "30", None, true)])
            .await
            .unwrap();
        let before = |limit: u64| move |p: &str| p.parse::<u64>().is_ok_and(|p| p <= limit);
        let charsets = |vs: Vec<DatabaseVersion>| {
            vs.into_iter()
                .map(|v| (v.database, v.charset))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            charsets(s.databases_at("c", before(15)).await.unwrap()),
            [
                ("diff".into(), Some("utf8mb4".into())),
                ("other".into(), None)
            ]
        );
        assert_eq!(
            charsets(s.databases_at("c", before(35)).await.unwrap()),
            [("diff".into(), Some("latin1".into()))],
            "a dropped database is gone"
        );
        assert!(s.databases_at("d", before(35)).await.unwrap().is_empty());
        s.delete_connector("c").await.unwrap();
        assert!(s.databases_at("c", before(35)).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_store_of_the_first_format_migrates_keeping_its_tables_and_knowing_no_charsets() {
        let dir = std::env::temp_dir().join(format!(
            "sluice-store-migrate-{}-{}",
            std::process::id(),
            now_millis()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}", dir.join("capture.db").display());
        {
            // A file as the first format left it: only migration 1 applied.
            let options = SqliteConnectOptions::from_str(&url)
                .unwrap()
                .create_if_missing(true);
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(options)
                .await
                .unwrap();
            sqlx::raw_sql(MIGRATIONS[0]).execute(&pool).await.unwrap();
            sqlx::raw_sql("PRAGMA user_version = 1")
                .execute(&pool)
                .await
                .unwrap();
            sqlx::query(
                "INSERT INTO table_history (connector, seq, database, table_name, position, ddl, table_model)
                 VALUES ('c', 1, 'inv', 't', '10', 'snapshot', '7')",
            )
            .execute(&pool)
            .await
            .unwrap();
            pool.close().await;
        }
        let s = CaptureStore::open(&dir).await.unwrap();
        let tables = s.tables_at::<u32>("c", |_| true).await.unwrap();
        assert_eq!(tables.len(), 1);
        assert_eq!(tables[0].model, Some(7));
        assert!(s.databases_at("c", |_| true).await.unwrap().is_empty());
        s.record_databases(
            "c",
            &[DatabaseVersion {
                database: "inv".into(),
                position: "10".into(),
                charset: Some("utf8mb4".into()),
                dropped: false,
            }],
        )
        .await
        .unwrap();
        assert_eq!(s.databases_at("c", |_| true).await.unwrap().len(), 1);
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
