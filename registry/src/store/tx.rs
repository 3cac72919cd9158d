//! Write transactions: one scope (a subject or the global scope) at a time, committed with
//! their change record and made durable before success is reported.

use super::*;

/// An open write transaction for one scope (a subject or [`GLOBAL`]). Dropping it without
/// [`commit`](Self::commit) rolls back.
pub struct WriteTx {
    pub(super) scope: String,
    pub(super) inner: TxInner,
    /// SQLite only: this store's in-process writer slot, released after the transaction.
    pub(super) gate: Option<OwnedMutexGuard<()>>,
    /// SQLite file only: the fsync that makes a commit durable, shared with other commits.
    pub(super) sync: Option<Arc<GroupSync>>,
}

pub(super) enum TxInner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl fmt::Debug for WriteTx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let backend = match self.inner {
            TxInner::Sqlite(_) => "sqlite",
            TxInner::Postgres(_) => "postgres",
        };
        f.debug_struct("WriteTx")
            .field("scope", &self.scope)
            .field("backend", &backend)
            .finish_non_exhaustive()
    }
}

impl WriteTx {
    /// The scope this transaction was opened for.
    pub fn scope(&self) -> &str {
        &self.scope
    }

    /// All versions of `subject`, including soft-deleted ones, ascending, fresh from the
    /// database.
    pub async fn versions(&mut self, subject: &str) -> Result<Vec<StoredVersion>, StoreError> {
        let sql = format!("{SELECT_VERSION} WHERE subject = $1 ORDER BY version");
        let rows: Vec<VersionRow> = on_conn!(&mut self.inner, c => {
            sqlx::query_as(&sql).bind(subject).fetch_all(c).await
        })
        .map_err(db("read subject versions"))?;
        Ok(rows.into_iter().map(version_from_row).collect())
    }

    /// The schema with this fingerprint, if any.
    pub async fn schema_by_fingerprint(
        &mut self,
        fingerprint: &str,
    ) -> Result<Option<StoredSchema>, StoreError> {
        let sql = format!("{SELECT_SCHEMA} WHERE fingerprint = $1");
        let row: Option<SchemaRow> = on_conn!(&mut self.inner, c => {
            sqlx::query_as(&sql).bind(fingerprint).fetch_optional(c).await
        })
        .map_err(db("look up a schema by fingerprint"))?;
        row.map(schema_from_row).transpose()
    }

    /// The schema with this id, if any.
    pub async fn schema_by_id(&mut self, id: i64) -> Result<Option<StoredSchema>, StoreError> {
        let sql = format!("{SELECT_SCHEMA} WHERE id = $1");
        let row: Option<SchemaRow> = on_conn!(&mut self.inner, c => {
            sqlx::query_as(&sql).bind(id).fetch_optional(c).await
        })
        .map_err(db("look up a schema by id"))?;
        row.map(schema_from_row).transpose()
    }

    async fn id_by_fingerprint(&mut self, fingerprint: &str) -> Result<Option<i64>, StoreError> {
        on_conn!(&mut self.inner, c => {
            sqlx::query_scalar("SELECT id FROM schemas WHERE fingerprint = $1")
                .bind(fingerprint)
                .fetch_optional(c)
                .await
        })
        .map_err(db("look up a schema by fingerprint"))
    }

    /// Stores a schema and returns its id. If a schema with this fingerprint exists (also one
    /// committed concurrently by another writer), its id is returned and nothing is written;
    /// with an `explicit_id` the caller should compare the returned id with it.
    ///
    /// `explicit_id` (IMPORT mode) is used as is, and later ids are allocated above it; if it
    /// is taken by a different schema the result is [`StoreError::IdConflict`].
    pub async fn insert_schema(
        &mut self,
        fingerprint: &str,
        schema_type: SchemaType,
        schema: &str,
        references: &[SchemaReference],
        explicit_id: Option<i64>,
    ) -> Result<i64, StoreError> {
        // Look first: on PostgreSQL a conflicting INSERT would still consume a sequence value.
        if let Some(id) = self.id_by_fingerprint(fingerprint).await? {
            return Ok(id);
        }
        let refs = serde_json::to_string(references)
            .map_err(|e| StoreError::Corrupt(format!("cannot encode schema references: {e}")))?;
        let inserted: Option<i64> = match explicit_id {
            None => on_conn!(&mut self.inner, c => {
                sqlx::query_scalar(
                    "INSERT INTO schemas (fingerprint, schema_type, schema, refs) \
                     VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (fingerprint) DO NOTHING RETURNING id",
                )
                .bind(fingerprint)
                .bind(schema_type.as_str())
                .bind(schema)
                .bind(&refs)
                .fetch_optional(c)
                .await
            })
            .map_err(db("insert a schema"))?,
            Some(id) => {
                if self.schema_by_id(id).await?.is_some() {
                    return Err(StoreError::IdConflict { id });
                }
                // No conflict target: a concurrent writer may take the id or the fingerprint.
                let inserted: Option<i64> = on_conn!(&mut self.inner, c => {
                    sqlx::query_scalar(
                        "INSERT INTO schemas (id, fingerprint, schema_type, schema, refs) \
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id",
                    )
                    .bind(id)
                    .bind(fingerprint)
                    .bind(schema_type.as_str())
                    .bind(schema)
                    .bind(&refs)
                    .fetch_optional(c)
                    .await
                })
                .map_err(db("insert a schema with an explicit id"))?;
                if inserted.is_some() {
                    self.advance_id_sequence().await?;
                }
                inserted
            }
        };
        if let Some(id) = inserted {
            return Ok(id);
        }
        // A concurrent writer committed the same fingerprint (or took the explicit id).
        match (self.id_by_fingerprint(fingerprint).await?, explicit_id) {
            (Some(id), _) => Ok(id),
            (None, Some(id)) => Err(StoreError::IdConflict { id }),
            (None, None) => Err(StoreError::Corrupt(format!(
                "schema {fingerprint:?} was neither inserted nor found"
            ))),
        }
    }

    /// After an explicit id: moves the PostgreSQL id sequence up to the largest id if it is
    /// below it, never backwards. (SQLite's AUTOINCREMENT does this by itself.) `setval` is
    /// not transactional, so it takes effect at once, also if this transaction rolls back
    /// (which at worst skips some ids). A normal registration racing with an import could
    /// still draw the imported id itself before the move, and would then fail on the
    /// primary key; imports normally run with the registry in IMPORT mode, without such
    /// writers.
    async fn advance_id_sequence(&mut self) -> Result<(), StoreError> {
        if let TxInner::Postgres(tx) = &mut self.inner {
            sqlx::query(
                "SELECT setval(pg_get_serial_sequence('schemas', 'id')::regclass, top.id) \
                 FROM (SELECT max(id) AS id FROM schemas) AS top \
                 WHERE top.id > coalesce(pg_sequence_last_value( \
                     pg_get_serial_sequence('schemas', 'id')::regclass), 0)",
            )
            .execute(&mut **tx)
            .await
            .map_err(db("advance the schema id sequence"))?;
        }
        Ok(())
    }

    /// Adds `version` of `subject` pointing at `schema_id`. If the version exists the result
    /// is [`StoreError::VersionTaken`] and the transaction stays usable.
    pub async fn insert_version(
        &mut self,
        subject: &str,
        version: i32,
        schema_id: i64,
    ) -> Result<(), StoreError> {
        let result = on_conn!(&mut self.inner, c => {
            sqlx::query(
                "INSERT INTO subject_versions (subject, version, schema_id, deleted) \
                 VALUES ($1, $2, $3, FALSE) ON CONFLICT (subject, version) DO NOTHING",
            )
            .bind(subject)
            .bind(version)
            .bind(schema_id)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
        })
        .map_err(db("insert a subject version"))?;
        if result == 0 {
            return Err(StoreError::VersionTaken {
                subject: subject.to_owned(),
                version,
            });
        }
        Ok(())
    }

    /// Soft-deletes (or restores) a version.
    pub async fn set_deleted(
        &mut self,
        subject: &str,
        version: i32,
        deleted: bool,
    ) -> Result<(), StoreError> {
        let affected = on_conn!(&mut self.inner, c => {
            sqlx::query(
                "UPDATE subject_versions SET deleted = $3 WHERE subject = $1 AND version = $2",
            )
            .bind(subject)
            .bind(version)
            .bind(deleted)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
        })
        .map_err(db("mark a subject version deleted"))?;
        self.found(affected, subject, version)
    }

    /// Removes a version permanently (its schema row stays: ids are never reused).
    pub async fn remove_version(&mut self, subject: &str, version: i32) -> Result<(), StoreError> {
        let affected = on_conn!(&mut self.inner, c => {
            sqlx::query("DELETE FROM subject_versions WHERE subject = $1 AND version = $2")
                .bind(subject)
                .bind(version)
                .execute(c)
                .await
                .map(|r| r.rows_affected())
        })
        .map_err(db("remove a subject version"))?;
        self.found(affected, subject, version)
    }

    fn found(&self, affected: u64, subject: &str, version: i32) -> Result<(), StoreError> {
        if affected == 0 {
            return Err(StoreError::VersionNotFound {
                subject: subject.to_owned(),
                version,
            });
        }
        Ok(())
    }

    /// The stored config body (JSON) of a subject or of [`GLOBAL`], fresh from the database
    /// (this transaction's own writes included).
    pub async fn config(&mut self, subject: &str) -> Result<Option<String>, StoreError> {
        on_conn!(&mut self.inner, c => {
            sqlx::query_scalar("SELECT body FROM configs WHERE subject = $1")
                .bind(subject)
                .fetch_optional(c)
                .await
        })
        .map_err(db("read a config"))
    }

    /// Sets (`Some(json)`) or clears (`None`) the config of a subject or of [`GLOBAL`].
    pub async fn put_config(
        &mut self,
        subject: &str,
        body: Option<&str>,
    ) -> Result<(), StoreError> {
        self.put_setting("configs", "body", subject, body).await
    }

    /// Sets (`Some(mode)`) or clears (`None`) the mode of a subject or of [`GLOBAL`].
    pub async fn put_mode(&mut self, subject: &str, mode: Option<&str>) -> Result<(), StoreError> {
        self.put_setting("modes", "mode", subject, mode).await
    }

    async fn put_setting(
        &mut self,
        table: &'static str,
        column: &'static str,
        subject: &str,
        value: Option<&str>,
    ) -> Result<(), StoreError> {
        match value {
            Some(value) => {
                let sql = format!(
                    "INSERT INTO {table} (subject, {column}) VALUES ($1, $2) \
                     ON CONFLICT (subject) DO UPDATE SET {column} = excluded.{column}"
                );
                on_conn!(&mut self.inner, c => {
                    sqlx::query(&sql).bind(subject).bind(value).execute(c).await.map(drop)
                })
                .map_err(db(if table == "configs" {
                    "store a config"
                } else {
                    "store a mode"
                }))?;
            }
            None => {
                let sql = format!("DELETE FROM {table} WHERE subject = $1");
                on_conn!(&mut self.inner, c => {
                    sqlx::query(&sql).bind(subject).execute(c).await.map(drop)
                })
                .map_err(db(if table == "configs" {
                    "delete a config"
                } else {
                    "delete a mode"
                }))?;
            }
        }
        Ok(())
    }

    /// Records the change (one `changes` row), commits, and returns once the write is durable
    /// (SQLite: the group fsync of `durability`; PostgreSQL per its own settings).
    pub async fn commit(self) -> Result<(), StoreError> {
        self.commit_pending().await?.durable().await
    }

    /// Records the change and commits, releasing the store's writer slot, but returns before
    /// the commit is durable: the caller can release its own locks first and then await
    /// [`Committed::durable`] before reporting success.
    pub async fn commit_pending(mut self) -> Result<Committed, StoreError> {
        on_conn!(&mut self.inner, c => {
            sqlx::query("INSERT INTO changes (at) VALUES ($1)")
                .bind(now_millis())
                .execute(c)
                .await
                .map(drop)
        })
        .map_err(db("record the change"))?;
        match self.inner {
            TxInner::Sqlite(tx) => tx.commit().await,
            TxInner::Postgres(tx) => tx.commit().await,
        }
        .map_err(db("commit"))?;
        drop(self.gate);
        Ok(Committed { sync: self.sync })
    }
}

/// A committed transaction whose durability may still be pending.
#[derive(Debug)]
#[must_use = "a commit is not durable until `durable` returns"]
pub struct Committed {
    sync: Option<Arc<GroupSync>>,
}

impl Committed {
    /// Returns once the commit is on disk.
    pub async fn durable(self) -> Result<(), StoreError> {
        match self.sync {
            Some(sync) => sync
                .sync()
                .await
                .map_err(|source| StoreError::Sync { source }),
            None => Ok(()),
        }
    }
}
