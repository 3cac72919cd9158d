//! Subject names: the strategies that derive them from a topic and record, and the validity rule.
//!
//! Confluent's serializers pick a subject with a *subject-name strategy*; Sluice's capture uses
//! the default [`SubjectNameStrategy::Topic`] (`<topic>-key`, `<topic>-value`) as Debezium with the
//! Avro converter does.

/// How a serializer names the subject of a record's schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SubjectNameStrategy {
    /// `<topic>-key` / `<topic>-value` (Confluent's default).
    #[default]
    Topic,
    /// The record's fully qualified name.
    Record,
    /// `<topic>-<record full name>`.
    TopicRecord,
}

impl SubjectNameStrategy {
    /// The subject for a key (`is_key`) or value schema of `topic` whose record is `record_name`.
    pub fn subject(self, topic: &str, is_key: bool, record_name: &str) -> String {
        match self {
            Self::Topic => format!("{topic}-{}", if is_key { "key" } else { "value" }),
            Self::Record => record_name.to_owned(),
            Self::TopicRecord => format!("{topic}-{record_name}"),
        }
    }

    /// Parses the Java class name or the short name used in converter configs.
    pub fn from_class_name(name: &str) -> Option<Self> {
        let short = name.rsplit('.').next().unwrap_or(name);
        match short {
            "TopicNameStrategy" => Some(Self::Topic),
            "RecordNameStrategy" => Some(Self::Record),
            "TopicRecordNameStrategy" => Some(Self::TopicRecord),
            _ => None,
        }
    }
}

/// Confluent's `QualifiedSubject.isValidSubject` for the default context: no ISO control
/// characters and not one of the reserved names `__GLOBAL` and `__EMPTY`.
pub fn is_valid_subject(subject: &str) -> bool {
    if subject.chars().any(char::is_control) {
        return false;
    }
    !matches!(
        subject,
        "__GLOBAL" | "__EMPTY" | ":.__GLOBAL:" | ":.:__GLOBAL"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_strategy_appends_key_or_value() {
        let s = SubjectNameStrategy::Topic;
        assert_eq!(
            s.subject("db.inv.customers", true, "x"),
            "db.inv.customers-key"
        );
        assert_eq!(
            s.subject("db.inv.customers", false, "x"),
            "db.inv.customers-value"
        );
    }

    #[test]
    fn record_strategies_use_the_record_name() {
        assert_eq!(
            SubjectNameStrategy::Record.subject("t", false, "a.B"),
            "a.B"
        );
        assert_eq!(
            SubjectNameStrategy::TopicRecord.subject("t", false, "a.B"),
            "t-a.B"
        );
    }

    #[test]
    fn parses_converter_class_names() {
        assert_eq!(
            SubjectNameStrategy::from_class_name(
                "io.confluent.kafka.serializers.subject.RecordNameStrategy"
            ),
            Some(SubjectNameStrategy::Record)
        );
        assert_eq!(SubjectNameStrategy::from_class_name("Nope"), None);
    }

    #[test]
    fn rejects_control_characters_and_reserved_names() {
        assert!(is_valid_subject("orders-value"));
        assert!(is_valid_subject(""));
        assert!(!is_valid_subject("bad\u{0007}subject"));
        assert!(!is_valid_subject("__GLOBAL"));
    }
}
