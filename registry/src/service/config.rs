//! Compatibility configs and modes, global and per subject.
//!
//! A subject without its own config follows the global one; the global default is BACKWARD.
//! A subject without its own mode follows the global mode (default READWRITE), except that a
//! global READONLY_OVERRIDE wins over every subject mode.

use super::{Registry, store_error};
use crate::store::GLOBAL;
use sluice_proto::rest::{Config, ConfigUpdate};
use sluice_proto::{CompatibilityLevel, Mode, RegistryError};

impl Registry {
    /// `GET /config` (`subject` None) and `GET /config/{subject}`.
    pub fn get_config(
        &self,
        subject: Option<&str>,
        default_to_global: bool,
    ) -> Result<Config, RegistryError> {
        self.read(|s| match subject {
            Some(subject) => match s.config(subject) {
                Some(c) => Ok(c.clone()),
                None if default_to_global => Ok(global_or_default(s.global_config())),
                None => Err(RegistryError::SubjectConfigNotFound(subject.to_owned())),
            },
            None => Ok(global_or_default(s.global_config())),
        })
    }

    /// `PUT /config[/{subject}]`: merges the update into the scope's config and answers the
    /// update as Confluent does.
    pub async fn put_config(
        &self,
        subject: Option<&str>,
        update: ConfigUpdate,
    ) -> Result<ConfigUpdate, RegistryError> {
        if let Some(subject) = subject {
            Self::check_subject(subject)?;
        }
        let level = update
            .compatibility
            .as_deref()
            .map(|l| l.parse::<CompatibilityLevel>())
            .transpose()
            .map_err(|()| RegistryError::InvalidCompatibilityLevel)?;
        if let Some(policy) = update.compatibility_policy.as_deref()
            && !matches!(policy.to_ascii_uppercase().as_str(), "STRICT" | "LENIENT")
        {
            return Err(RegistryError::InvalidRequestBody(format!(
                "compatibilityPolicy '{policy}' is not one of STRICT, LENIENT"
            )));
        }
        let scope_name = subject.unwrap_or(GLOBAL).to_owned();
        let mut merged = self
            .read(|s| s.config(&scope_name).cloned())
            .unwrap_or_default();
        if let Some(level) = level {
            merged.compatibility_level = Some(level.as_str().to_owned());
        }
        merged.normalize = update.normalize.or(merged.normalize);
        merged.compatibility_group = update
            .compatibility_group
            .clone()
            .or(merged.compatibility_group);
        merged.compatibility_policy = update
            .compatibility_policy
            .as_ref()
            .map(|p| p.to_ascii_uppercase())
            .or(merged.compatibility_policy);
        merged.validate_fields = update.validate_fields.or(merged.validate_fields);
        let body = serde_json::to_string(&merged)
            .map_err(|e| RegistryError::Store(format!("cannot render config: {e}")))?;
        let mut scope = self.begin_write(&scope_name).await?;
        scope
            .tx
            .put_config(&scope_name, Some(&body))
            .await
            .map_err(store_error)?;
        scope
            .commit(move |state| {
                state.configs.insert(scope_name, merged);
            })
            .await?;
        Ok(ConfigUpdate {
            compatibility: level.map(|l| l.as_str().to_owned()),
            ..update
        })
    }

    /// `DELETE /config[/{subject}]`: removes the scope's config and answers it.
    pub async fn delete_config(&self, subject: Option<&str>) -> Result<Config, RegistryError> {
        let scope_name = subject.unwrap_or(GLOBAL).to_owned();
        let previous = self.read(|s| s.config(&scope_name).cloned());
        let previous = match (subject, previous) {
            (Some(subject), None) => {
                return Err(RegistryError::SubjectNotFound(subject.to_owned()));
            }
            (None, None) => return Ok(global_or_default(None)),
            (_, Some(p)) => p,
        };
        let mut scope = self.begin_write(&scope_name).await?;
        scope
            .tx
            .put_config(&scope_name, None)
            .await
            .map_err(store_error)?;
        scope
            .commit(move |state| {
                state.configs.remove(&scope_name);
            })
            .await?;
        Ok(previous)
    }

    /// `GET /mode` and `GET /mode/{subject}`.
    pub fn get_mode(
        &self,
        subject: Option<&str>,
        default_to_global: bool,
    ) -> Result<Mode, RegistryError> {
        self.read(|s| {
            let global = s.modes.get(GLOBAL).copied().unwrap_or_default();
            match subject {
                None => Ok(global),
                Some(subject) => match s.modes.get(subject) {
                    Some(m) => Ok(*m),
                    None if default_to_global => Ok(global),
                    None => Err(RegistryError::SubjectModeNotFound(subject.to_owned())),
                },
            }
        })
    }

    /// `PUT /mode[/{subject}]`.
    pub async fn put_mode(
        &self,
        subject: Option<&str>,
        mode: &str,
        force: bool,
    ) -> Result<Mode, RegistryError> {
        if let Some(subject) = subject {
            Self::check_subject(subject)?;
        }
        let mode: Mode = mode.parse().map_err(|()| RegistryError::InvalidMode)?;
        if mode == Mode::Import && !force {
            let has_schemas = self.read(|s| match subject {
                Some(subject) => s.subjects.contains_key(subject),
                None => !s.subjects.is_empty(),
            });
            if has_schemas {
                return Err(RegistryError::OperationNotPermitted(
                    "Cannot import since found existing subjects; set force=true to switch to IMPORT anyway"
                        .to_owned(),
                ));
            }
        }
        let scope_name = subject.unwrap_or(GLOBAL).to_owned();
        let mut scope = self.begin_write(&scope_name).await?;
        scope
            .tx
            .put_mode(&scope_name, Some(mode.as_str()))
            .await
            .map_err(store_error)?;
        scope
            .commit(move |state| {
                state.modes.insert(scope_name, mode);
            })
            .await?;
        Ok(mode)
    }

    /// `DELETE /mode[/{subject}]`: removes the scope's mode and answers the one removed.
    pub async fn delete_mode(&self, subject: Option<&str>) -> Result<Mode, RegistryError> {
        let scope_name = subject.unwrap_or(GLOBAL).to_owned();
        let previous = self.read(|s| s.modes.get(&scope_name).copied());
        let previous = match (subject, previous) {
            (Some(subject), None) => {
                return Err(RegistryError::SubjectModeNotFound(subject.to_owned()));
            }
            (None, None) => return Ok(Mode::default()),
            (_, Some(m)) => m,
        };
        let mut scope = self.begin_write(&scope_name).await?;
        scope
            .tx
            .put_mode(&scope_name, None)
            .await
            .map_err(store_error)?;
        scope
            .commit(move |state| {
                state.modes.remove(&scope_name);
            })
            .await?;
        Ok(previous)
    }
}

fn global_or_default(global: Option<&Config>) -> Config {
    let mut config = global.cloned().unwrap_or_default();
    if config.compatibility_level.is_none() {
        config.compatibility_level = Some(CompatibilityLevel::default().as_str().to_owned());
    }
    config
}
