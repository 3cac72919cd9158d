//! Compatibility checks: which versions a new schema is judged against, under which level.
//!
//! The rules themselves live in `sluice-compat`; this module picks the level (subject config,
//! then global config, then BACKWARD), the JSON Schema policy (`compatibilityPolicy`: subject
//! config, then global config, then STRICT) and the versions (the live ones; the one named by the
//! compatibility endpoint), and turns stored schemas into parsed ones.

use super::Registry;
use super::read::VersionSelector;
use crate::store::{GLOBAL, WriteTx};
use sluice_compat::{CompatibilityPolicy, ParseMode, ParsedSchema, Verdict};
use sluice_proto::rest::{CompatibilityCheckResponse, Config, RegisterSchemaRequest};
use sluice_proto::{CompatibilityLevel, RegistryError, SchemaType};
use std::sync::Arc;

/// The level set by the first of `configs` (subject, then global) that sets a valid one, else
/// BACKWARD.
fn level_of(configs: [Option<&Config>; 2]) -> CompatibilityLevel {
    configs
        .into_iter()
        .flatten()
        .find_map(own_level)
        .unwrap_or_default()
}

/// The policy set by the first of `configs` (subject, then global) that sets a valid one, else
/// STRICT.
fn policy_of(configs: [Option<&Config>; 2]) -> CompatibilityPolicy {
    configs
        .into_iter()
        .flatten()
        .find_map(own_policy)
        .unwrap_or_default()
}

fn own_level(config: &Config) -> Option<CompatibilityLevel> {
    config.compatibility_level.as_deref()?.parse().ok()
}

fn own_policy(config: &Config) -> Option<CompatibilityPolicy> {
    CompatibilityPolicy::parse(config.compatibility_policy.as_deref()?)
}

/// A stored config read inside `tx`; an unreadable body counts as absent, as when the cache
/// is loaded.
async fn stored_config(tx: &mut WriteTx, scope: &str) -> Result<Option<Config>, RegistryError> {
    let Some(body) = tx.config(scope).await.map_err(super::store_error)? else {
        return Ok(None);
    };
    match serde_json::from_str::<Config>(&body) {
        Ok(config) => Ok(Some(config)),
        Err(e) => {
            tracing::warn!(subject = %scope, error = %e, "ignoring unreadable stored config");
            Ok(None)
        }
    }
}

impl Registry {
    /// The compatibility level in force for `subject`, from the cache.
    pub fn level_for(&self, subject: &str) -> CompatibilityLevel {
        self.read(|s| level_of([s.config(subject), s.global_config()]))
    }

    /// The JSON Schema compatibility policy in force for `subject`, from the cache.
    pub fn policy_for(&self, subject: &str) -> CompatibilityPolicy {
        self.read(|s| policy_of([s.config(subject), s.global_config()]))
    }

    /// The level and policy in force for `subject`, read inside the write transaction `tx`
    /// rather than from the cache: another instance sharing the store may have changed a
    /// config since this instance last refreshed. The global config is read only when the
    /// subject's does not settle what the check needs (the policy matters for JSON Schema only).
    pub(crate) async fn level_and_policy_in(
        &self,
        subject: &str,
        schema_type: SchemaType,
        tx: &mut WriteTx,
    ) -> Result<(CompatibilityLevel, CompatibilityPolicy), RegistryError> {
        let own = stored_config(tx, subject).await?;
        let settled = own.as_ref().is_some_and(|c| {
            own_level(c).is_some() && (schema_type != SchemaType::Json || own_policy(c).is_some())
        });
        let global = if settled {
            None
        } else {
            stored_config(tx, GLOBAL).await?
        };
        let configs = [own.as_ref(), global.as_ref()];
        Ok((level_of(configs), policy_of(configs)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RegistrySettings;
    use crate::service::RegisterOptions;
    use crate::store::Store;
    use sluice_proto::rest::ConfigUpdate;

    const V1: &str = r#"{"type":"record","name":"r","fields":[{"name":"a","type":"int"}]}"#;
    /// Drops `a` and adds `b` without a default: neither backward nor forward compatible.
    const V2: &str = r#"{"type":"record","name":"r","fields":[{"name":"b","type":"int"}]}"#;
    const V3: &str = r#"{"type":"record","name":"r","fields":[{"name":"c","type":"int"}]}"#;

    fn request(schema: &str) -> RegisterSchemaRequest {
        serde_json::from_value(serde_json::json!({ "schema": schema })).expect("request")
    }

    fn level(level: &str) -> ConfigUpdate {
        ConfigUpdate {
            compatibility: Some(level.to_owned()),
            ..ConfigUpdate::default()
        }
    }

    /// Two instances on one database, neither refreshing its cache: a registration on one
    /// is checked at the level the other just stored, not at the one it has cached.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn registration_uses_the_stored_level_not_the_cached_one() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}/registry.db", dir.path().display());
        let open = || async {
            let store = Store::connect(&url).await.expect("store");
            Registry::open(store, RegistrySettings::default())
                .await
                .expect("registry")
        };
        let (a, b) = (open().await, open().await);
        let options = RegisterOptions::default();
        a.register("s", &request(V1), options).await.expect("v1");

        b.put_config(Some("s"), level("NONE"))
            .await
            .expect("config");
        assert_eq!(a.level_for("s"), CompatibilityLevel::Backward, "a's cache");
        let v2 = a
            .register("s", &request(V2), options)
            .await
            .expect("v2 under NONE");
        assert_eq!(v2.version, Some(2));

        b.put_config(None, level("FORWARD"))
            .await
            .expect("global config");
        b.delete_config(Some("s"))
            .await
            .expect("delete subject config");
        assert_eq!(a.level_for("s"), CompatibilityLevel::Backward, "a's cache");
        let e = a
            .register("s", &request(V3), options)
            .await
            .expect_err("v3 is not forward compatible with v2");
        assert!(
            matches!(&e, RegistryError::IncompatibleSchema(m) if m.contains("'FORWARD'")),
            "{e:?}"
        );
    }
}
