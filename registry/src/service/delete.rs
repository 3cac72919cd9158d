//! Soft and permanent deletion of versions and subjects.
//!
//! Soft delete marks versions deleted: they leave `latest`, listings, lookups and compatibility
//! checks, but their ids stay resolvable. Permanent delete requires a prior soft delete
//! (40405/40407) and removes the rows; removing a subject's last version also removes its
//! config and mode. A version another schema references cannot be deleted (42206): soft delete
//! looks at live referrers, permanent delete at all of them.

use super::read::VersionSelector;
use super::{Registry, store_error};
use crate::store::{GLOBAL, StoredVersion};
use sluice_proto::RegistryError;

impl Registry {
    /// `DELETE /subjects/{subject}/versions/{version}`.
    pub async fn delete_version(
        &self,
        subject: &str,
        selector: VersionSelector,
        permanent: bool,
    ) -> Result<i32, RegistryError> {
        Self::check_subject(subject)?;
        self.ensure_writable(subject)?;
        let mut scope = self.begin_write(subject).await?;
        let stored = scope.tx.versions(subject).await.map_err(store_error)?;
        if stored.is_empty() {
            return Err(RegistryError::SubjectNotFound(subject.to_owned()));
        }
        let target = match selector {
            VersionSelector::Latest => stored.iter().rev().find(|v| !v.deleted),
            VersionSelector::Number(n) => stored.iter().find(|v| v.version == n),
        };
        let Some(target) = target.cloned() else {
            return Err(match selector {
                VersionSelector::Latest => RegistryError::SubjectNotFound(subject.to_owned()),
                VersionSelector::Number(n) => RegistryError::VersionNotFound(n.to_string()),
            });
        };
        let version = target.version;
        if permanent && !target.deleted {
            return Err(RegistryError::VersionNotSoftDeleted {
                subject: subject.to_owned(),
                version,
            });
        }
        if !permanent && target.deleted {
            return Err(RegistryError::VersionSoftDeleted {
                subject: subject.to_owned(),
                version,
            });
        }
        if !self
            .read(|s| s.referenced_by(subject, version, permanent))
            .is_empty()
        {
            return Err(RegistryError::ReferenceExists {
                subject: subject.to_owned(),
                version,
            });
        }
        let subject_owned = subject.to_owned();
        if permanent {
            scope
                .tx
                .remove_version(subject, version)
                .await
                .map_err(store_error)?;
            let last = stored.len() == 1;
            if last {
                clear_subject_settings(&mut scope.tx, subject).await?;
            }
            scope
                .commit(move |state| {
                    state.remove_version(&subject_owned, version);
                    if last {
                        state.configs.remove(&subject_owned);
                        state.modes.remove(&subject_owned);
                    }
                })
                .await?;
        } else {
            scope
                .tx
                .set_deleted(subject, version, true)
                .await
                .map_err(store_error)?;
            scope
                .commit(move |state| {
                    state.put_version(&StoredVersion {
                        subject: subject_owned,
                        version,
                        schema_id: target.schema_id,
                        deleted: true,
                    });
                })
                .await?;
        }
        tracing::info!(%subject, version, permanent, "version deleted");
        Ok(version)
    }

    /// `DELETE /subjects/{subject}`: the versions deleted.
    pub async fn delete_subject(
        &self,
        subject: &str,
        permanent: bool,
    ) -> Result<Vec<i32>, RegistryError> {
        Self::check_subject(subject)?;
        self.ensure_writable(subject)?;
        let mut scope = self.begin_write(subject).await?;
        let stored = scope.tx.versions(subject).await.map_err(store_error)?;
        if stored.is_empty() {
            return Err(RegistryError::SubjectNotFound(subject.to_owned()));
        }
        let all_deleted = stored.iter().all(|v| v.deleted);
        if permanent && !all_deleted {
            return Err(RegistryError::SubjectNotSoftDeleted(subject.to_owned()));
        }
        if !permanent && all_deleted {
            return Err(RegistryError::SubjectSoftDeleted(subject.to_owned()));
        }
        let targets: Vec<StoredVersion> = stored
            .into_iter()
            .filter(|v| permanent || !v.deleted)
            .collect();
        for v in &targets {
            if !self
                .read(|s| s.referenced_by(subject, v.version, permanent))
                .is_empty()
            {
                return Err(RegistryError::ReferenceExists {
                    subject: subject.to_owned(),
                    version: v.version,
                });
            }
        }
        for v in &targets {
            if permanent {
                scope.tx.remove_version(subject, v.version).await
            } else {
                scope.tx.set_deleted(subject, v.version, true).await
            }
            .map_err(store_error)?;
        }
        if permanent {
            clear_subject_settings(&mut scope.tx, subject).await?;
        }
        let versions: Vec<i32> = targets.iter().map(|v| v.version).collect();
        let subject_owned = subject.to_owned();
        scope
            .commit(move |state| {
                for mut v in targets {
                    if permanent {
                        state.remove_version(&subject_owned, v.version);
                    } else {
                        v.deleted = true;
                        state.put_version(&v);
                    }
                }
                if permanent {
                    state.configs.remove(&subject_owned);
                    state.modes.remove(&subject_owned);
                }
            })
            .await?;
        tracing::info!(%subject, permanent, versions = ?versions, "subject deleted");
        Ok(versions)
    }

    /// Refuses schema writes when the subject's mode is read-only (42205).
    pub(crate) fn ensure_writable(&self, subject: &str) -> Result<(), RegistryError> {
        if self.read(|s| s.effective_mode(subject)).is_read_only() {
            return Err(RegistryError::OperationNotPermitted(format!(
                "Subject {subject} in context . is in read-only mode"
            )));
        }
        Ok(())
    }
}

async fn clear_subject_settings(
    tx: &mut crate::store::WriteTx,
    subject: &str,
) -> Result<(), RegistryError> {
    debug_assert_ne!(subject, GLOBAL);
    tx.put_config(subject, None).await.map_err(store_error)?;
    tx.put_mode(subject, None).await.map_err(store_error)?;
    Ok(())
}
