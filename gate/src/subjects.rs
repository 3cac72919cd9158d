//! The registry as the gate sees it: each subject's level and versions, and the versions the
//! migrations so far would have registered.
//!
//! Built from a [`RegistryExport`] (an export file, or the subjects fetched over HTTP); without
//! a registry it starts empty, so the first schema of a table is its subject's first version.
//! Versions are parsed when a subject is first touched, so a large export costs little.
//!
//! `Subjects::submit` is a registration as the registry runs it: a schema already under the
//! subject is found, the first one is always accepted, any other is checked under the level
//! ([`sluice_compat::check`]). Every submitted schema becomes the subject's next version, an
//! incompatible one too: later statements are judged as after the operator let it through
//! (relaxed the level, as capture's restart then registers it), so each incompatibility is
//! reported once, at the statement that causes it.

use crate::report::Verdict;
use sluice_capture::avro::GeneratedSchema;
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

/// What a submission found.
#[derive(Debug)]
pub(crate) struct Submitted {
    pub verdict: Verdict,
    /// The latest version before the submission, pretty-printed.
    pub latest: Option<String>,
    /// The submitted schema, pretty-printed.
    pub text: String,
    /// For an incompatible schema: the version it fails against (newest first, as the check
    /// walks them) and its text.
    pub failing: Option<(i32, String)>,
    /// The registry's messages for an incompatible schema.
    pub messages: Vec<String>,
    /// On the first submission to a subject the registry has: its latest version, when that
    /// is not the current model's schema (the dump or database is behind, or ahead of, what
    /// capture registered).
    pub drift: Option<i32>,
}

fn pretty(json: &serde_json::Value) -> String {
    serde_json::to_string_pretty(json).unwrap_or_else(|_| json.to_string())
}

fn parse(schema: &GeneratedSchema) -> Result<ParsedSchema, String> {
    ParsedSchema::parse(SchemaType::Avro, &schema.canonical, &[], ParseMode::Stored)
        .map_err(|e| format!("a generated schema does not parse: {e}"))
}

/// Subjects, levels and versions, plus what the gate has registered in its simulation.
#[derive(Debug)]
pub struct Subjects {
    export: RegistryExport,
    index: HashMap<String, usize>,
    /// `--level`: replaces every subject's level.
    level_override: Option<CompatibilityLevel>,
    versions: HashMap<String, Vec<Version>>,
    /// Subjects submitted to at least once.
    submitted: std::collections::HashSet<String>,
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
            submitted: std::collections::HashSet::new(),
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
            .iter()
            .rfind(|v| !v.deleted)
            .map(|v| v.schema.as_str())
    }

    /// The level `subject` is checked under.
    pub fn level(&self, subject: &str) -> CompatibilityLevel {
        let own = self
            .index
            .get(subject)
            .and_then(|&i| self.export.subjects[i].compatibility_level);
        self.level_override
            .or(own)
            .or(self.export.compatibility_level)
            .unwrap_or_default()
    }

    /// The live versions of `subject`, oldest first, parsed on first use.
    pub(crate) fn versions(&mut self, subject: &str) -> Result<&mut Vec<Version>, String> {
        if !self.versions.contains_key(subject) {
            let mut parsed = Vec::new();
            if let Some(&i) = self.index.get(subject) {
                // Soft-deleted versions are not checked against, as in the registry.
                for v in self.export.subjects[i]
                    .versions
                    .iter()
                    .filter(|v| !v.deleted)
                {
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

    /// Registers `new` under `subject` as the registry would (after `seed`, when the subject has
    /// no version yet: the table's current schema, which capture registers first).
    pub(crate) fn submit(
        &mut self,
        subject: &str,
        new: &GeneratedSchema,
        seed: Option<&GeneratedSchema>,
    ) -> Result<Submitted, String> {
        let level = self.level(subject);
        let first = self.submitted.insert(subject.to_owned());
        let versions = self.versions(subject)?;
        let drift = match (first, seed, versions.last()) {
            (true, Some(seed), Some(latest)) if latest.schema.canonical() != seed.canonical => {
                Some(latest.number)
            }
            _ => None,
        };
        if versions.is_empty()
            && let Some(seed) = seed
        {
            versions.push(Version {
                number: 1,
                schema: parse(seed)?,
                text: pretty(&seed.json),
            });
        }
        let mut out = Submitted {
            verdict: Verdict::NewSubject,
            latest: versions.last().map(|v| v.text.clone()),
            text: pretty(&new.json),
            failing: None,
            messages: Vec::new(),
            drift,
        };
        if versions
            .iter()
            .any(|v| v.schema.canonical() == new.canonical)
        {
            out.verdict = Verdict::AlreadyRegistered;
            return Ok(out);
        }
        let parsed = parse(new)?;
        if !versions.is_empty() {
            let previous: Vec<(i32, &ParsedSchema)> =
                versions.iter().map(|v| (v.number, &v.schema)).collect();
            let verdict = sluice_compat::check(level, &parsed, &previous)
                .map_err(|e| format!("the compatibility check of {subject} failed: {e}"))?;
            if verdict.is_compatible {
                out.verdict = Verdict::Compatible;
            } else {
                out.verdict = Verdict::Incompatible;
                out.messages = verdict.messages;
                out.failing = versions
                    .iter()
                    .rev()
                    .find(|v| {
                        sluice_compat::check(level.base(), &parsed, &[(v.number, &v.schema)])
                            .is_ok_and(|r| !r.is_compatible)
                    })
                    .or(versions.last())
                    .map(|v| (v.number, v.text.clone()));
            }
        }
        let number = versions.last().map_or(1, |v| v.number + 1);
        versions.push(Version {
            number,
            schema: parsed,
            text: out.text.clone(),
        });
        Ok(out)
    }
}
