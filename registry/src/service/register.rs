//! Registration and lookup of schemas under a subject.
//!
//! Confluent's register flow, step for step: mode check; parse the schema strictly (it is
//! new); if the same schema (same canonical form, same references) is a live version of the
//! subject, answer that version without a compatibility check; otherwise check compatibility
//! against the subject's live versions, reuse the global id of an identical schema under any
//! subject or allocate a new one, and append version max(all versions, soft-deleted
//! included) + 1. Soft-deleted versions of the subject with the same id are then removed, as
//! Confluent tombstones them.

use super::{Registry, store_error};
use crate::state::State;
use crate::store::{StoreError, StoredSchema, StoredVersion};
use sha2::{Digest, Sha256};
use sluice_compat::{ParseMode, ParsedSchema};
use sluice_proto::rest::{RegisterSchemaRequest, RegisterSchemaResponse, SubjectSchema};
use sluice_proto::subject::is_valid_subject;
use sluice_proto::{Mode, RegistryError, SchemaReference, SchemaType};

/// A schema from a request, parsed and in the form it would be stored in.
#[derive(Debug)]
pub(crate) struct Candidate {
    pub(crate) parsed: ParsedSchema,
    pub(crate) schema_type: SchemaType,
    /// The stored form: canonical, or normalized when normalization is on.
    pub(crate) text: String,
    pub(crate) references: Vec<SchemaReference>,
    pub(crate) fingerprint: String,
}

/// Options of a registration beyond the body.
#[derive(Debug, Clone, Copy, Default)]
pub struct RegisterOptions {
    /// `normalize=true`: store and compare the normalized form.
    pub normalize: bool,
}

impl Registry {
    pub(crate) fn check_subject(subject: &str) -> Result<(), RegistryError> {
        if is_valid_subject(subject) {
            Ok(())
        } else {
            Err(RegistryError::InvalidSubject(subject.to_owned()))
        }
    }

    /// Parses and validates the schema of a request body (42201 and friends).
    pub(crate) fn candidate(
        &self,
        subject: &str,
        request: &RegisterSchemaRequest,
        normalize: bool,
        mode: ParseMode,
    ) -> Result<Candidate, RegistryError> {
        let text = request
            .schema
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| RegistryError::InvalidSchema("Empty schema".to_owned()))?;
        let limit = self.settings().max_schema_bytes;
        if text.len() > limit {
            return Err(RegistryError::SchemaTooLarge {
                size: text.len(),
                limit,
            });
        }
        let schema_type = match request.schema_type.as_deref() {
            None | Some("") => SchemaType::Avro,
            Some(name) => SchemaType::parse(name).ok_or_else(|| {
                RegistryError::InvalidSchema(format!(
                    "Invalid schema type '{name}': valid types are AVRO, JSON and PROTOBUF"
                ))
            })?,
        };
        if schema_type == SchemaType::Protobuf {
            return Err(RegistryError::InvalidSchema(
                "Protobuf schemas are not supported by Sluice yet; register AVRO or JSON schemas"
                    .to_owned(),
            ));
        }
        let mut references = request.references.clone();
        let resolved = self
            .read(|s| s.resolve_references(&references))
            .map_err(|e| {
                RegistryError::InvalidSchema(format!("Invalid schema for subject '{subject}': {e}"))
            })?;
        let parsed = ParsedSchema::parse(schema_type, text, &resolved, mode).map_err(|e| {
            RegistryError::InvalidSchema(format!(
                "Invalid schema of type {schema_type} for subject '{subject}', details: {e}"
            ))
        })?;
        // Confluent stores the canonical form of the normalized text, re-parsed.
        let (parsed, text) = if normalize {
            references.sort();
            references.dedup();
            let normalized = ParsedSchema::parse(
                schema_type,
                &parsed.normalized(),
                &resolved,
                ParseMode::Stored,
            )
            .map_err(|e| {
                RegistryError::InvalidSchema(format!(
                    "Normalized form of the schema for subject '{subject}' does not parse: {e}"
                ))
            })?;
            let text = normalized.canonical().to_owned();
            (normalized, text)
        } else {
            let text = parsed.canonical().to_owned();
            (parsed, text)
        };
        let fingerprint = fingerprint(schema_type, &text, &references);
        Ok(Candidate {
            parsed,
            schema_type,
            text,
            references,
            fingerprint,
        })
    }

    /// Whether normalization is on for `subject`: the request flag or the subject's or global
    /// `normalize` config.
    pub(crate) fn normalize_for(&self, subject: &str, requested: bool) -> bool {
        requested
            || self.read(|s| {
                s.config(subject)
                    .and_then(|c| c.normalize)
                    .or_else(|| s.global_config().and_then(|c| c.normalize))
                    .unwrap_or(false)
            })
    }

    /// `POST /subjects/{subject}/versions`.
    pub async fn register(
        &self,
        subject: &str,
        request: &RegisterSchemaRequest,
        options: RegisterOptions,
    ) -> Result<RegisterSchemaResponse, RegistryError> {
        Self::check_subject(subject)?;
        self.ensure_writable(subject)?;
        let mode = self.read(|s| s.effective_mode(subject));
        let explicit_id = request.id.filter(|id| *id >= 0);
        if explicit_id.is_some() && mode != Mode::Import {
            return Err(RegistryError::OperationNotPermitted(format!(
                "Subject {subject} is not in import mode; a schema id may only be given in IMPORT mode"
            )));
        }
        let normalize = self.normalize_for(subject, options.normalize);
        let candidate = self.candidate(subject, request, normalize, ParseMode::New)?;

        // Fast path: already a live version of this subject (no lock, no compat check).
        if explicit_id.is_none()
            && let Some((id, version)) =
                self.read(|s| live_version_with(s, subject, &candidate.fingerprint))
        {
            return Ok(response(id, version, &candidate));
        }

        let mut scope = self.begin_write(subject).await?;
        let stored = scope.tx.versions(subject).await.map_err(store_error)?;
        let existing = scope
            .tx
            .schema_by_fingerprint(&candidate.fingerprint)
            .await
            .map_err(store_error)?;
        if let Some(existing) = &existing {
            if let Some(id) = explicit_id.filter(|id| *id != existing.id) {
                return Err(RegistryError::InvalidId(format!(
                    "Schema already registered with id {} instead of input id {id}",
                    existing.id
                )));
            }
            if let Some(v) = stored
                .iter()
                .rev()
                .find(|v| !v.deleted && v.schema_id == existing.id)
            {
                let version = v.version;
                let id = existing.id;
                scope.commit(|_| {}).await?;
                return Ok(response(id, version, &candidate));
            }
        }

        if mode != Mode::Import {
            let live: Vec<(i32, i64)> = stored
                .iter()
                .filter(|v| !v.deleted)
                .map(|v| (v.version, v.schema_id))
                .collect();
            // The level and policy as stored now, not as cached: another instance sharing the
            // store may have just changed them.
            let (level, policy) = if live.is_empty() {
                Default::default()
            } else {
                self.level_and_policy_in(subject, candidate.schema_type, &mut scope.tx)
                    .await?
            };
            let verdict = self
                .check_against(&candidate.parsed, level, policy, &live, &mut scope.tx)
                .await?;
            if !verdict.is_compatible {
                return Err(RegistryError::IncompatibleSchema(format!(
                    "Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{}]",
                    verdict.messages.join(", ")
                )));
            }
        }

        let id = scope
            .tx
            .insert_schema(
                &candidate.fingerprint,
                candidate.schema_type,
                &candidate.text,
                &candidate.references,
                explicit_id,
            )
            .await
            .map_err(|e| match e {
                StoreError::IdConflict { id } => RegistryError::InvalidId(format!(
                    "Overwrite new schema with id {id} is not permitted."
                )),
                other => store_error(other),
            })?;
        let max = stored.iter().map(|v| v.version).max().unwrap_or(0);
        let version = match request.version.filter(|_| mode == Mode::Import) {
            Some(v) => {
                let v = i32::try_from(v)
                    .ok()
                    .filter(|v| *v >= 1)
                    .ok_or_else(|| RegistryError::InvalidVersion(v.to_string()))?;
                if stored.iter().any(|s| s.version == v) {
                    return Err(RegistryError::InvalidId(format!(
                        "Version {v} of subject '{subject}' already exists with another schema"
                    )));
                }
                v
            }
            None => max + 1,
        };
        scope
            .tx
            .insert_version(subject, version, id)
            .await
            .map_err(store_error)?;
        let tombstoned: Vec<i32> = stored
            .iter()
            .filter(|v| v.deleted && v.schema_id == id)
            .map(|v| v.version)
            .collect();
        for v in &tombstoned {
            scope
                .tx
                .remove_version(subject, *v)
                .await
                .map_err(store_error)?;
        }
        let stored_schema = StoredSchema {
            id,
            fingerprint: candidate.fingerprint.clone(),
            schema_type: candidate.schema_type,
            schema: candidate.text.clone(),
            references: candidate.references.clone(),
        };
        let subject_owned = subject.to_owned();
        scope
            .commit(move |state| {
                state.insert_schema(stored_schema);
                for v in tombstoned {
                    state.remove_version(&subject_owned, v);
                }
                state.put_version(&StoredVersion {
                    subject: subject_owned.clone(),
                    version,
                    schema_id: id,
                    deleted: false,
                });
            })
            .await?;
        metrics::counter!("sluice_registry_schemas_registered_total").increment(1);
        tracing::debug!(%subject, version, id, "schema registered");
        Ok(response(id, version, &candidate))
    }

    /// `POST /subjects/{subject}`: the version of `subject` holding this schema.
    pub fn lookup(
        &self,
        subject: &str,
        request: &RegisterSchemaRequest,
        normalize: bool,
        include_deleted: bool,
    ) -> Result<SubjectSchema, RegistryError> {
        Self::check_subject(subject)?;
        let known = self.read(|s| {
            s.subjects
                .get(subject)
                .is_some_and(|vs| include_deleted || vs.values().any(|e| !e.deleted))
        });
        if !known {
            return Err(RegistryError::SubjectNotFound(subject.to_owned()));
        }
        let normalize = self.normalize_for(subject, normalize);
        let candidate = self.candidate(subject, request, normalize, ParseMode::Stored)?;
        self.read(|s| {
            let id = s
                .by_fingerprint
                .get(&candidate.fingerprint)
                .ok_or(RegistryError::SchemaNotFound)?;
            let (version, entry) = s
                .subjects
                .get(subject)
                .and_then(|vs| {
                    vs.iter()
                        .rev()
                        .find(|(_, e)| e.schema_id == *id && (include_deleted || !e.deleted))
                })
                .ok_or(RegistryError::SchemaNotFound)?;
            let schema = s.schemas.get(id).ok_or(RegistryError::SchemaNotFound)?;
            Ok(SubjectSchema {
                subject: subject.to_owned(),
                version: *version,
                id: *id,
                schema_type: Some(schema.schema_type.as_str().to_owned()),
                references: schema.references.clone(),
                schema: schema.schema.clone(),
                deleted: entry.deleted,
            })
        })
    }
}

fn live_version_with(state: &State, subject: &str, fingerprint: &str) -> Option<(i64, i32)> {
    let id = *state.by_fingerprint.get(fingerprint)?;
    let (version, _) = state
        .subjects
        .get(subject)?
        .iter()
        .rev()
        .find(|(_, e)| !e.deleted && e.schema_id == id)?;
    Some((id, *version))
}

fn response(id: i64, version: i32, candidate: &Candidate) -> RegisterSchemaResponse {
    RegisterSchemaResponse {
        id,
        version: Some(version),
        schema_type: Some(candidate.schema_type.as_str().to_owned()),
        schema: Some(candidate.text.clone()),
    }
}

/// The content address of a schema: its type, stored form and references.
pub(crate) fn fingerprint(schema_type: SchemaType, text: &str, refs: &[SchemaReference]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(schema_type.as_str().as_bytes());
    hasher.update([0]);
    hasher.update(text.as_bytes());
    for r in refs {
        hasher.update([0]);
        hasher.update(r.name.as_bytes());
        hasher.update([1]);
        hasher.update(r.subject.as_bytes());
        hasher.update([1]);
        hasher.update(r.version.to_be_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
