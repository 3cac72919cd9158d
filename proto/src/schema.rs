//! The vocabulary of a schema registry: schema types, compatibility levels, modes, references.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The kind of a schema. Confluent's wire name for JSON Schema is `JSON`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum SchemaType {
    #[default]
    Avro,
    Json,
    Protobuf,
}

impl SchemaType {
    /// The name used on the wire (`AVRO`, `JSON`, `PROTOBUF`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Avro => "AVRO",
            Self::Json => "JSON",
            Self::Protobuf => "PROTOBUF",
        }
    }

    /// Parses a wire name; Confluent accepts any letter case.
    pub fn parse(name: &str) -> Option<Self> {
        match name.to_ascii_uppercase().as_str() {
            "AVRO" => Some(Self::Avro),
            "JSON" => Some(Self::Json),
            "PROTOBUF" => Some(Self::Protobuf),
            _ => None,
        }
    }
}

impl fmt::Display for SchemaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A compatibility level: which earlier versions a new schema is checked against, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CompatibilityLevel {
    None,
    #[default]
    Backward,
    BackwardTransitive,
    Forward,
    ForwardTransitive,
    Full,
    FullTransitive,
}

impl CompatibilityLevel {
    pub const ALL: [Self; 7] = [
        Self::None,
        Self::Backward,
        Self::BackwardTransitive,
        Self::Forward,
        Self::ForwardTransitive,
        Self::Full,
        Self::FullTransitive,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::None => "NONE",
            Self::Backward => "BACKWARD",
            Self::BackwardTransitive => "BACKWARD_TRANSITIVE",
            Self::Forward => "FORWARD",
            Self::ForwardTransitive => "FORWARD_TRANSITIVE",
            Self::Full => "FULL",
            Self::FullTransitive => "FULL_TRANSITIVE",
        }
    }

    /// Whether the new schema must be able to read data written with the old ones.
    pub const fn checks_backward(self) -> bool {
        matches!(
            self,
            Self::Backward | Self::BackwardTransitive | Self::Full | Self::FullTransitive
        )
    }

    /// Whether the old schemas must be able to read data written with the new one.
    pub const fn checks_forward(self) -> bool {
        matches!(
            self,
            Self::Forward | Self::ForwardTransitive | Self::Full | Self::FullTransitive
        )
    }

    /// The same rule applied to one version (`FULL_TRANSITIVE` → `FULL`).
    pub const fn base(self) -> Self {
        match self {
            Self::BackwardTransitive => Self::Backward,
            Self::ForwardTransitive => Self::Forward,
            Self::FullTransitive => Self::Full,
            other => other,
        }
    }

    /// Whether every live version is checked rather than only the latest.
    pub const fn is_transitive(self) -> bool {
        matches!(
            self,
            Self::BackwardTransitive | Self::ForwardTransitive | Self::FullTransitive
        )
    }
}

impl fmt::Display for CompatibilityLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CompatibilityLevel {
    type Err = ();

    /// Case-insensitive, as Confluent's `CompatibilityLevel.forName`.
    fn from_str(s: &str) -> Result<Self, ()> {
        let upper = s.to_ascii_uppercase();
        Self::ALL
            .into_iter()
            .find(|l| l.as_str() == upper)
            .ok_or(())
    }
}

/// A registry or subject mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Mode {
    #[default]
    Readwrite,
    Readonly,
    ReadonlyOverride,
    Import,
}

impl Mode {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Readwrite => "READWRITE",
            Self::Readonly => "READONLY",
            Self::ReadonlyOverride => "READONLY_OVERRIDE",
            Self::Import => "IMPORT",
        }
    }

    /// Whether schema writes are refused in this mode.
    pub const fn is_read_only(self) -> bool {
        matches!(self, Self::Readonly | Self::ReadonlyOverride)
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Mode {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s.to_ascii_uppercase().as_str() {
            "READWRITE" => Ok(Self::Readwrite),
            "READONLY" => Ok(Self::Readonly),
            "READONLY_OVERRIDE" => Ok(Self::ReadonlyOverride),
            "IMPORT" => Ok(Self::Import),
            _ => Err(()),
        }
    }
}

/// A reference from one schema to a version of another subject (`import`ed Avro named type,
/// JSON `$ref`). `name` is how the referring schema names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SchemaReference {
    pub name: String,
    pub subject: String,
    pub version: i32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_levels_in_any_case() {
        assert_eq!(
            "backward_transitive".parse(),
            Ok(CompatibilityLevel::BackwardTransitive)
        );
        assert!("sideways".parse::<CompatibilityLevel>().is_err());
    }

    #[test]
    fn full_checks_both_directions() {
        let full = CompatibilityLevel::FullTransitive;
        assert!(full.checks_backward() && full.checks_forward() && full.is_transitive());
        assert!(!CompatibilityLevel::None.checks_backward());
    }

    #[test]
    fn schema_type_names_round_trip() {
        for t in [SchemaType::Avro, SchemaType::Json, SchemaType::Protobuf] {
            assert_eq!(SchemaType::parse(t.as_str()), Some(t));
        }
        assert_eq!(SchemaType::parse("avro"), Some(SchemaType::Avro));
        assert_eq!(SchemaType::parse("XML"), None);
    }
}
