//! The registry as the gate sees it: each subject's level and versions, and the versions the
//! migrations so far would have registered.
//!
//! Built from a [`RegistryExport`] (an export file, or the subjects fetched over HTTP); without
//! a registry it starts empty, so the first schema of a table is its subject's first version.
//! Versions are parsed when a subject is first touched, so a large export costs little.

use sluice_compat::{ParseMode, ParsedSchema};
use sluice_proto::export::RegistryExport;
use sluice_proto::{CompatibilityLevel, SchemaType};
use std::collections::HashMap;

/// One live version.
#[derive(Debug, Clone)]
pub(crate) struct Version {
    pub number: i32,
    pub schema: ParsedSchema,
    /// The schema as registered (or as the gate would register it), for `--explain`.
    pub text: String,
}

/// Subjects, levels and versions, plus what the gate has registered in its simulation.
#[derive(Debug)]
pub struct Subjects {
    export: RegistryExport,
    index: HashMap<String, usize>,
    /// `--level`: replaces every subject's level.
    level_override: Option<CompatibilityLevel>,
    versions: HashMap<String, Vec<Version>>,
}

impl Subjects {
    pub fn new(export: RegistryExport, level_override: Option<CompatibilityLevel>) -> Self {
        let index = export
            .subjects
            .iter()
            .enumerate()
            .map(|(i, s)| (s.subject.clone(), i))
            .collect();
        Self {
            export,
            index,
            level_override,
            versions: HashMap::new(),
        }
    }

    /// An empty registry (no `--registry`): every level is `level` or BACKWARD.
    pub fn empty(level_override: Option<CompatibilityLevel>) -> Self {
        Self::new(RegistryExport::new(None), level_override)
    }

    /// Subject names in the registry.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.export.subjects.iter().map(|s| s.subject.as_str())
    }

    /// The latest registered schema text of `subject`.
    pub fn latest_text(&self, subject: &str) -> Option<&str> {
        let i = *self.index.get(subject)?;
        self.export.subjects[i]
            .versions
            .last()
            .map(|v| v.schema.as_str())
    }

    /// The level `subject` is checked under.
    pub fn level(&self, subject: &str) -> CompatibilityLevel {
        self.level_override
            .unwrap_or_else(|| self.export.level_of(subject))
    }

    /// The live versions of `subject`, oldest first, parsed on first use.
    pub(crate) fn versions(&mut self, subject: &str) -> Result<&mut Vec<Version>, String> {
        if !self.versions.contains_key(subject) {
            let mut parsed = Vec::new();
            if let Some(&i) = self.index.get(subject) {
                for v in &self.export.subjects[i].versions {
                    let kind = v
                        .schema_type
                        .as_deref()
                        .and_then(SchemaType::parse)
                        .unwrap_or(SchemaType::Avro);
                    if kind != SchemaType::Avro {
                        return Err(format!(
                            "subject {subject} holds {kind} schemas; capture writes Avro"
                        ));
                    }
                    let schema = ParsedSchema::parse(kind, &v.schema, &[], ParseMode::Stored)
                        .map_err(|e| {
                            format!(
                                "version {} of subject {subject} does not parse: {e}",
                                v.version
                            )
                        })?;
                    parsed.push(Version {
                        number: v.version,
                        schema,
                        text: v.schema.clone(),
                    });
                }
            }
            self.versions.insert(subject.to_owned(), parsed);
        }
        self.versions
            .get_mut(subject)
            .ok_or_else(|| format!("subject {subject} vanished"))
    }
}
