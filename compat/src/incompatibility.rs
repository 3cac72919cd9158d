//! One reason a reader schema cannot read data written with a writer schema, worded as
//! Confluent's `Difference` words it.

use std::fmt;

/// Apache Avro Java's `SchemaIncompatibilityType`, plus a check that could not be completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncompatibilityKind {
    NameMismatch,
    FixedSizeMismatch,
    MissingEnumSymbols,
    ReaderFieldMissingDefaultValue,
    TypeMismatch,
    MissingUnionBranch,
    /// The check itself failed (Avro Java throws, e.g. a reader field whose name and aliases
    /// match several writer fields); Confluent reports "Unexpected exception during
    /// compatibility check: …".
    CheckFailed,
}

impl IncompatibilityKind {
    /// The `errorType` Confluent prints.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NameMismatch => "NAME_MISMATCH",
            Self::FixedSizeMismatch => "FIXED_SIZE_MISMATCH",
            Self::MissingEnumSymbols => "MISSING_ENUM_SYMBOLS",
            Self::ReaderFieldMissingDefaultValue => "READER_FIELD_MISSING_DEFAULT_VALUE",
            Self::TypeMismatch => "TYPE_MISMATCH",
            Self::MissingUnionBranch => "MISSING_UNION_BRANCH",
            Self::CheckFailed => "CHECK_FAILED",
        }
    }
}

impl fmt::Display for IncompatibilityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One incompatibility between a reader and a writer schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incompatibility {
    pub kind: IncompatibilityKind,
    /// JSON pointer into the reader schema, e.g. `/fields/1/type`.
    pub location: String,
    /// Confluent's description, naming the reader and writer as the check names them
    /// (`new`/`old` in a registry check, `reader`/`writer` otherwise).
    pub description: String,
    /// Avro Java's message, e.g. the field name or `reader type: INT not compatible with writer type: LONG`.
    pub additional_info: String,
}

impl Incompatibility {
    /// Builds an incompatibility with Confluent's description for its kind.
    pub(crate) fn new(
        kind: IncompatibilityKind,
        location: String,
        message: String,
        reader_label: &str,
        writer_label: &str,
    ) -> Self {
        let path = &location;
        let (r, w) = (reader_label, writer_label);
        let description = match kind {
            IncompatibilityKind::FixedSizeMismatch => format!(
                "The size of FIXED type field at path '{path}' in the {r} schema does not match with the {w} schema"
            ),
            IncompatibilityKind::TypeMismatch => format!(
                "The type (path '{path}') of a field in the {r} schema does not match with the {w} schema"
            ),
            IncompatibilityKind::NameMismatch => {
                format!("The name of the schema has changed (path '{path}')")
            }
            IncompatibilityKind::MissingEnumSymbols => format!(
                "The {r} schema is missing enum symbols '{message}' at path '{path}' in the {w} schema"
            ),
            IncompatibilityKind::MissingUnionBranch => format!(
                "The {r} schema is missing a type inside a union field at path '{path}' in the {w} schema"
            ),
            IncompatibilityKind::ReaderFieldMissingDefaultValue => format!(
                "The field '{message}' at path '{path}' in the {r} schema has no default value and is missing in the {w} schema"
            ),
            IncompatibilityKind::CheckFailed => {
                format!("Unexpected exception during compatibility check: {message}")
            }
        };
        Self {
            kind,
            location,
            description,
            additional_info: message,
        }
    }
}

impl fmt::Display for Incompatibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind == IncompatibilityKind::CheckFailed {
            return f.write_str(&self.description);
        }
        write!(
            f,
            "{{errorType:'{}', description:'{}', additionalInfo:'{}'}}",
            self.kind, self.description, self.additional_info
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_default_is_worded_like_confluent() {
        let i = Incompatibility::new(
            IncompatibilityKind::ReaderFieldMissingDefaultValue,
            "/fields/1".into(),
            "f2".into(),
            "new",
            "old",
        );
        assert_eq!(
            i.to_string(),
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'f2'}"
        );
    }
}
