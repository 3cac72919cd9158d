//! The in-process cache every read is served from.
//!
//! [`State`] mirrors the store: schemas by id (content-addressed, with their response bodies
//! rendered once when they enter the cache), subjects with their versions, configs and modes.
//! Reads clone pre-rendered [`Bytes`]; they never parse a schema or touch the database.
//! Writers update the cache after their transaction commits; instances sharing PostgreSQL
//! reload it when the store's change marker moves (see [`crate::refresh`]).

use crate::store::{GLOBAL, Snapshot, StoredSchema, StoredVersion};
use bytes::Bytes;
use sluice_compat::{ParseMode, ParsedSchema, ResolvedReference};
use sluice_proto::rest::{Config, SchemaById};
use sluice_proto::{Mode, SchemaReference, SchemaType};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

/// A schema as the cache holds it.
#[derive(Debug)]
pub(crate) struct SchemaEntry {
    pub(crate) id: i64,
    pub(crate) fingerprint: String,
    pub(crate) schema_type: SchemaType,
    pub(crate) schema: String,
    pub(crate) references: Vec<SchemaReference>,
    /// `GET /schemas/ids/{id}`, rendered once.
    pub(crate) by_id_body: Bytes,
    /// Parsed leniently on first use by a compatibility check.
    parsed: OnceLock<Result<Arc<ParsedSchema>, String>>,
}

impl SchemaEntry {
    pub(crate) fn new(stored: StoredSchema) -> Self {
        let body = SchemaById {
            schema_type: Some(stored.schema_type.as_str().to_owned()),
            references: stored.references.clone(),
            schema: stored.schema.clone(),
        };
        let by_id_body = Bytes::from(serde_json::to_vec(&body).unwrap_or_default());
        Self {
            id: stored.id,
            fingerprint: stored.fingerprint,
            schema_type: stored.schema_type,
            schema: stored.schema,
            references: stored.references,
            by_id_body,
            parsed: OnceLock::new(),
        }
    }

    /// The parsed schema, for compatibility checks. Stored schemas are parsed leniently (as
    /// Confluent re-parses them) with their references resolved through `state`.
    pub(crate) fn parsed(&self, state: &State) -> Result<Arc<ParsedSchema>, String> {
        self.parsed
            .get_or_init(|| {
                let refs = state
                    .resolve_references(&self.references)
                    .map_err(|e| e.to_string())?;
                ParsedSchema::parse(self.schema_type, &self.schema, &refs, ParseMode::Stored)
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .clone()
    }
}

/// One version of a subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct VersionEntry {
    pub(crate) schema_id: i64,
    pub(crate) deleted: bool,
}

/// Why references could not be resolved.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReferenceError {
    #[error(
        "reference '{name}' points to subject '{subject}' version {version}, which does not exist"
    )]
    Missing {
        name: String,
        subject: String,
        version: i32,
    },
    #[error("references nest deeper than {0} levels")]
    TooDeep(usize),
}

const MAX_REFERENCE_DEPTH: usize = 32;

/// The registry's whole state, as cached in memory.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) schemas: HashMap<i64, Arc<SchemaEntry>>,
    pub(crate) by_fingerprint: HashMap<String, i64>,
    pub(crate) subjects: BTreeMap<String, BTreeMap<i32, VersionEntry>>,
    pub(crate) configs: HashMap<String, Config>,
    pub(crate) modes: HashMap<String, Mode>,
}

impl State {
    pub(crate) fn from_snapshot(snapshot: Snapshot) -> Self {
        let mut state = Self::default();
        for schema in snapshot.schemas {
            state.insert_schema(schema);
        }
        for v in snapshot.versions {
            state.put_version(&v);
        }
        for (subject, body) in snapshot.configs {
            match serde_json::from_str::<Config>(&body) {
                Ok(config) => {
                    state.configs.insert(subject, config);
                }
                Err(e) => tracing::warn!(%subject, error = %e, "ignoring unreadable stored config"),
            }
        }
        for (subject, mode) in snapshot.modes {
            match mode.parse::<Mode>() {
                Ok(mode) => {
                    state.modes.insert(subject, mode);
                }
                Err(()) => tracing::warn!(%subject, %mode, "ignoring unknown stored mode"),
            }
        }
        state
    }

    pub(crate) fn insert_schema(&mut self, schema: StoredSchema) -> Arc<SchemaEntry> {
        if let Some(existing) = self.schemas.get(&schema.id) {
            return existing.clone();
        }
        let entry = Arc::new(SchemaEntry::new(schema));
        self.by_fingerprint
            .insert(entry.fingerprint.clone(), entry.id);
        self.schemas.insert(entry.id, entry.clone());
        entry
    }

    pub(crate) fn put_version(&mut self, v: &StoredVersion) {
        self.subjects.entry(v.subject.clone()).or_default().insert(
            v.version,
            VersionEntry {
                schema_id: v.schema_id,
                deleted: v.deleted,
            },
        );
    }

    pub(crate) fn remove_version(&mut self, subject: &str, version: i32) {
        if let Some(versions) = self.subjects.get_mut(subject) {
            versions.remove(&version);
            if versions.is_empty() {
                self.subjects.remove(subject);
            }
        }
    }

    /// Live versions of a subject, ascending.
    pub(crate) fn live_versions(&self, subject: &str) -> Vec<(i32, i64)> {
        self.subjects
            .get(subject)
            .map(|vs| {
                vs.iter()
                    .filter(|(_, e)| !e.deleted)
                    .map(|(v, e)| (*v, e.schema_id))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub(crate) fn config(&self, scope: &str) -> Option<&Config> {
        self.configs.get(scope)
    }

    pub(crate) fn global_config(&self) -> Option<&Config> {
        self.configs.get(GLOBAL)
    }

    /// The mode in force for `subject`: `READONLY_OVERRIDE` globally wins, then the subject's
    /// own mode, then the global mode.
    pub(crate) fn effective_mode(&self, subject: &str) -> Mode {
        let global = self.modes.get(GLOBAL).copied().unwrap_or_default();
        if global == Mode::ReadonlyOverride {
            return global;
        }
        self.modes.get(subject).copied().unwrap_or(global)
    }

    /// Resolves references (and theirs, depth first, each once) into the texts the parser
    /// needs, referenced types before the schemas that use them.
    pub(crate) fn resolve_references(
        &self,
        refs: &[SchemaReference],
    ) -> Result<Vec<ResolvedReference>, ReferenceError> {
        let mut out = Vec::new();
        self.resolve_into(refs, &mut out, 0)?;
        Ok(out)
    }

    fn resolve_into(
        &self,
        refs: &[SchemaReference],
        out: &mut Vec<ResolvedReference>,
        depth: usize,
    ) -> Result<(), ReferenceError> {
        if depth > MAX_REFERENCE_DEPTH {
            return Err(ReferenceError::TooDeep(MAX_REFERENCE_DEPTH));
        }
        for r in refs {
            if out.iter().any(|o| o.name == r.name) {
                continue;
            }
            let missing = || ReferenceError::Missing {
                name: r.name.clone(),
                subject: r.subject.clone(),
                version: r.version,
            };
            let versions = self.subjects.get(&r.subject).ok_or_else(missing)?;
            let entry = if r.version == -1 {
                versions.values().rev().find(|e| !e.deleted)
            } else {
                versions.get(&r.version)
            }
            .ok_or_else(missing)?;
            let schema = self.schemas.get(&entry.schema_id).ok_or_else(missing)?;
            self.resolve_into(&schema.references, out, depth + 1)?;
            out.push(ResolvedReference {
                name: r.name.clone(),
                subject: r.subject.clone(),
                version: r.version,
                schema: schema.schema.clone(),
            });
        }
        Ok(())
    }

    /// Schema ids of live versions whose schema references `subject` version `version`.
    pub(crate) fn referenced_by(
        &self,
        subject: &str,
        version: i32,
        include_deleted: bool,
    ) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .subjects
            .values()
            .flat_map(|vs| vs.values())
            .filter(|e| include_deleted || !e.deleted)
            .filter_map(|e| self.schemas.get(&e.schema_id))
            .filter(|s| {
                s.references
                    .iter()
                    .any(|r| r.subject == subject && r.version == version)
            })
            .map(|s| s.id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}
