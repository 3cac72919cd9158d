//! Compatibility checks: which versions a new schema is judged against, under which level.
//!
//! The rules themselves live in `sluice-compat`; this module picks the level (subject config,
//! then global config, then BACKWARD), the JSON Schema policy (`compatibilityPolicy`: subject
//! config, then global config, then STRICT) and the versions (the live ones; the one named by the
//! compatibility endpoint), and turns stored schemas into parsed ones.

use super::Registry;
use super::read::VersionSelector;
use crate::store::WriteTx;
use sluice_compat::{CompatibilityPolicy, ParseMode, ParsedSchema, Verdict};
use sluice_proto::rest::{CompatibilityCheckResponse, RegisterSchemaRequest};
use sluice_proto::{CompatibilityLevel, RegistryError};
use std::sync::Arc;

impl Registry {
    /// The compatibility level in force for `subject`.
    pub fn level_for(&self, subject: &str) -> CompatibilityLevel {
        self.read(|s| {
            [s.config(subject), s.global_config()]
                .into_iter()
                .flatten()
                .find_map(|c| c.compatibility_level.as_deref()?.parse().ok())
                .unwrap_or_default()
        })
    }

    /// The JSON Schema compatibility policy in force for `subject`.
    pub fn policy_for(&self, subject: &str) -> CompatibilityPolicy {
        self.read(|s| {
            [s.config(subject), s.global_config()]
                .into_iter()
                .flatten()
                .find_map(|c| CompatibilityPolicy::parse(c.compatibility_policy.as_deref()?))
                .unwrap_or_default()
        })
    }

    /// Parsed schemas of `versions` (version, schema id), from the cache, or from the store
    /// inside `tx` when another instance wrote them and the cache has not caught up yet.
    async fn parsed_versions(
        &self,
        versions: &[(i32, i64)],
        mut tx: Option<&mut WriteTx>,
    ) -> Result<Vec<(i32, Arc<ParsedSchema>)>, RegistryError> {
        let mut out = Vec::with_capacity(versions.len());
        for &(version, id) in versions {
            let cached = self.read(|s| s.schemas.get(&id).map(|e| e.parsed(s)));
            let parsed = match (cached, tx.as_deref_mut()) {
                (Some(parsed), _) => parsed.map_err(RegistryError::Store)?,
                (None, Some(tx)) => {
                    let stored = tx
                        .schema_by_id(id)
                        .await
                        .map_err(super::store_error)?
                        .ok_or(RegistryError::SchemaIdNotFound(id))?;
                    let refs = self
                        .read(|s| s.resolve_references(&stored.references))
                        .map_err(|e| RegistryError::Store(e.to_string()))?;
                    let parsed = ParsedSchema::parse(
                        stored.schema_type,
                        &stored.schema,
                        &refs,
                        ParseMode::Stored,
                    )
                    .map_err(|e| RegistryError::Store(format!("stored schema {id}: {e}")))?;
                    Arc::new(parsed)
                }
                (None, None) => return Err(RegistryError::SchemaIdNotFound(id)),
            };
            out.push((version, parsed));
        }
        Ok(out)
    }

    /// Checks `new` against the live `versions` (ascending) under `level` and `policy`.
    pub(crate) async fn check_against(
        &self,
        new: &ParsedSchema,
        level: CompatibilityLevel,
        policy: CompatibilityPolicy,
        versions: &[(i32, i64)],
        tx: &mut WriteTx,
    ) -> Result<Verdict, RegistryError> {
        if level == CompatibilityLevel::None || versions.is_empty() {
            return Ok(Verdict {
                is_compatible: true,
                messages: Vec::new(),
            });
        }
        let previous = self.parsed_versions(versions, Some(tx)).await?;
        judge(level, policy, new, &previous)
    }

    /// `POST /compatibility/subjects/{subject}/versions[/{version}]`.
    pub async fn test_compatibility(
        &self,
        subject: &str,
        version: Option<VersionSelector>,
        request: &RegisterSchemaRequest,
        normalize: bool,
        verbose: bool,
    ) -> Result<CompatibilityCheckResponse, RegistryError> {
        Self::check_subject(subject)?;
        let live = self.read(|s| s.live_versions(subject));
        let targets: Vec<(i32, i64)> = match version {
            None => live,
            Some(VersionSelector::Latest) => live.last().copied().into_iter().collect(),
            Some(VersionSelector::Number(n)) => {
                if live.is_empty() && !self.read(|s| s.subjects.contains_key(subject)) {
                    return Err(RegistryError::SubjectNotFound(subject.to_owned()));
                }
                let found = live.iter().find(|(v, _)| *v == n).copied();
                vec![found.ok_or_else(|| RegistryError::VersionNotFound(n.to_string()))?]
            }
        };
        let normalize = self.normalize_for(subject, normalize);
        let candidate =
            self.candidate(subject, request, normalize, sluice_compat::ParseMode::New)?;
        let level = self.level_for(subject);
        let verdict = if targets.is_empty() || level == CompatibilityLevel::None {
            Verdict {
                is_compatible: true,
                messages: Vec::new(),
            }
        } else {
            let previous = self.parsed_versions(&targets, None).await?;
            judge(
                level,
                self.policy_for(subject),
                &candidate.parsed,
                &previous,
            )?
        };
        Ok(CompatibilityCheckResponse {
            is_compatible: verdict.is_compatible,
            messages: verbose.then_some(verdict.messages),
        })
    }
}

/// A check that cannot be completed (a JSON Schema check past its bounds, whose message names
/// the limit) is a 422.
fn judge(
    level: CompatibilityLevel,
    policy: CompatibilityPolicy,
    new: &ParsedSchema,
    previous: &[(i32, Arc<ParsedSchema>)],
) -> Result<Verdict, RegistryError> {
    let refs: Vec<(i32, &ParsedSchema)> = previous.iter().map(|(v, p)| (*v, p.as_ref())).collect();
    sluice_compat::check_with(level, policy, new, &refs)
        .map_err(|e| RegistryError::InvalidSchema(e.to_string()))
}
