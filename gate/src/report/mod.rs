//! What the gate found, and its renderings.
//!
//! A [`Report`] holds, in migration order, one [`Finding`] per statement and table it changed
//! (with a [`SubjectCheck`] per registry subject whose schema changed, and the [`Hazard`]s the
//! registry cannot see), and the [`Problem`]s that kept the gate from judging a statement.
//! [`Report::exit_code`] is the gate's verdict; [`text`], [`json`], [`junit`] and [`github`]
//! render it.

pub mod diff;
pub mod github;
pub mod json;
pub mod junit;
pub mod text;

use serde::Serialize;
use sluice_proto::CompatibilityLevel;

/// Where a statement is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub line: u32,
    /// The statement, whitespace collapsed.
    pub statement: String,
}

/// What a statement did to a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Created,
    Altered,
    Dropped,
    Renamed,
}

/// The registry's verdict on one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Compatible with the versions the level checks.
    Compatible,
    /// The subject has no versions: the schema would be its first.
    NewSubject,
    /// The schema is already registered under the subject.
    AlreadyRegistered,
    Incompatible,
}

/// One reason a schema is incompatible, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The column it is about, when one is.
    pub column: Option<String>,
    /// What breaks, for whom.
    pub message: String,
    /// What to change in the migration.
    pub fix: String,
    /// The registry's rule, as Confluent words it.
    pub rule: String,
}

/// One subject checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubjectCheck {
    pub subject: String,
    pub level: CompatibilityLevel,
    pub verdict: Verdict,
    /// The version the new schema was found incompatible with.
    pub against_version: Option<i32>,
    pub reasons: Vec<Reason>,
    /// The registry's own messages for an incompatibility.
    pub registry_messages: Vec<String>,
    /// Said when the registry's latest version is not the current schema's (a stale dump).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The old (latest, or the failing version) and new schemas, pretty-printed, for `--explain`.
    #[serde(skip)]
    pub old_schema: Option<String>,
    #[serde(skip)]
    pub new_schema: String,
}

/// Kinds of change that pass the registry but still break consumers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HazardKind {
    DecimalChanged,
    EnumSymbolsRemoved,
    Narrowed,
    PrimaryKeyChanged,
    ColumnRenamed,
    TopicChanged,
}

impl HazardKind {
    /// The name used in reports (`decimal_changed`, …).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::DecimalChanged => "decimal_changed",
            Self::EnumSymbolsRemoved => "enum_symbols_removed",
            Self::Narrowed => "narrowed",
            Self::PrimaryKeyChanged => "primary_key_changed",
            Self::ColumnRenamed => "column_renamed",
            Self::TopicChanged => "topic_changed",
        }
    }
}

/// A change the registry cannot see that breaks consumers anyway: a warning, or an error under
/// `--strict`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hazard {
    pub kind: HazardKind,
    pub column: Option<String>,
    pub message: String,
    pub fix: String,
}

/// What one statement did to one captured table, and the verdicts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub location: Location,
    /// `db.table` (the new name for a rename).
    pub table: String,
    pub change: ChangeKind,
    pub checks: Vec<SubjectCheck>,
    pub hazards: Vec<Hazard>,
}

impl Finding {
    pub fn is_incompatible(&self) -> bool {
        self.checks
            .iter()
            .any(|c| c.verdict == Verdict::Incompatible)
    }
}

/// A statement the gate could not judge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub location: Location,
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

/// Everything the gate found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub problems: Vec<Problem>,
    /// Whether hazards count as errors (`--strict`).
    pub strict: bool,
    /// Statements read.
    pub statements: usize,
    /// Migration files read.
    pub files: usize,
}

/// Counts for summaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Summary {
    /// Subjects whose schema changed.
    pub changes: usize,
    pub incompatible: usize,
    pub hazards: usize,
    pub problems: usize,
}

impl Report {
    /// 2 when something could not be judged, 1 when a change is incompatible (or, with
    /// `--strict`, hazardous), 0 otherwise.
    pub fn exit_code(&self) -> i32 {
        let s = self.summary();
        if s.problems > 0 {
            2
        } else if s.incompatible > 0 || (self.strict && s.hazards > 0) {
            1
        } else {
            0
        }
    }

    pub fn summary(&self) -> Summary {
        Summary {
            changes: self.findings.iter().map(|f| f.checks.len()).sum(),
            incompatible: self.findings.iter().filter(|f| f.is_incompatible()).count(),
            hazards: self.findings.iter().map(|f| f.hazards.len()).sum(),
            problems: self.problems.len(),
        }
    }
}

/// `statement` on one line, at most `max` characters.
pub(crate) fn one_line(statement: &str, max: usize) -> String {
    let joined = statement.split_whitespace().collect::<Vec<_>>().join(" ");
    match joined.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &joined[..i]),
        None => joined,
    }
}
