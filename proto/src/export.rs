//! The registry as `sluice registry export` writes it, for checks that run with no network
//! (`sluice gate --registry-file`).
//!
//! The file holds, per subject, the live versions (oldest first, as
//! `GET /subjects/{s}/versions/{v}` returns them) and the subject's own compatibility level, plus
//! the global level. It is plain JSON so CI can diff and cache it:
//!
//! ```json
//! {"sluiceRegistryExport": 1, "compatibilityLevel": "BACKWARD",
//!  "subjects": [{"subject": "inv.shop.orders-value", "compatibilityLevel": null,
//!                "versions": [{"subject": "…", "version": 1, "id": 3, "schema": "…"}]}]}
//! ```

use crate::rest::SubjectSchema;
use crate::schema::CompatibilityLevel;
use serde::{Deserialize, Serialize};

/// The format version written in `sluiceRegistryExport`.
pub const EXPORT_FORMAT: u32 = 1;

/// Every subject of a registry (or the ones asked for) with its versions and levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistryExport {
    #[serde(rename = "sluiceRegistryExport")]
    pub format: u32,
    /// The global compatibility level (`GET /config`).
    #[serde(default)]
    pub compatibility_level: Option<CompatibilityLevel>,
    #[serde(default)]
    pub subjects: Vec<SubjectExport>,
}

/// One subject: its level override and live versions, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectExport {
    pub subject: String,
    /// The subject's own level (`GET /config/{subject}`), `None` when it follows the global one.
    #[serde(default)]
    pub compatibility_level: Option<CompatibilityLevel>,
    #[serde(default)]
    pub versions: Vec<SubjectSchema>,
}

impl RegistryExport {
    /// An export with nothing in it yet.
    pub fn new(compatibility_level: Option<CompatibilityLevel>) -> Self {
        Self {
            format: EXPORT_FORMAT,
            compatibility_level,
            subjects: Vec::new(),
        }
    }

    /// The subject named `name`, if exported.
    pub fn subject(&self, name: &str) -> Option<&SubjectExport> {
        self.subjects.iter().find(|s| s.subject == name)
    }

    /// The level that applies to `subject`: its own, else the global one, else Confluent's
    /// default (BACKWARD).
    pub fn level_of(&self, subject: &str) -> CompatibilityLevel {
        self.subject(subject)
            .and_then(|s| s.compatibility_level)
            .or(self.compatibility_level)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_level_overrides_global_which_overrides_backward() {
        let mut export: RegistryExport = serde_json::from_str(
            r#"{"sluiceRegistryExport":1,"compatibilityLevel":"FULL","subjects":[
                {"subject":"a-value","compatibilityLevel":"NONE","versions":[]},
                {"subject":"b-value","versions":[{"subject":"b-value","version":1,"id":7,"schema":"\"string\""}]}]}"#,
        )
        .unwrap();
        assert_eq!(export.level_of("a-value"), CompatibilityLevel::None);
        assert_eq!(export.level_of("b-value"), CompatibilityLevel::Full);
        assert_eq!(export.subject("b-value").unwrap().versions[0].id, 7);
        export.compatibility_level = None;
        assert_eq!(export.level_of("b-value"), CompatibilityLevel::Backward);
        assert_eq!(export.level_of("unknown"), CompatibilityLevel::Backward);
    }

    #[test]
    fn round_trips_with_the_format_marker() {
        let export = RegistryExport::new(Some(CompatibilityLevel::Backward));
        let text = serde_json::to_string(&export).unwrap();
        assert_eq!(
            text,
            r#"{"sluiceRegistryExport":1,"compatibilityLevel":"BACKWARD","subjects":[]}"#
        );
    }
}
