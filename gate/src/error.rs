//! Why the gate could not judge at all (exit code 2): unreadable input, an unreachable
//! registry or database, a bad argument. Problems with single statements are not errors: they
//! are [`Problem`](crate::report::Problem)s in the report, next to the verdicts.

/// A failure before judging, worded to say what to do.
#[derive(Debug, thiserror::Error)]
pub enum GateError {
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{path}:{line}: the current schema cannot be built from this statement: {reason}")]
    Dump {
        path: String,
        line: u32,
        reason: String,
    },
    #[error("cannot read the current schema from the database: {0}")]
    Database(String),
    #[error("cannot read the registry: {0}")]
    Registry(String),
    #[error("invalid connector configuration {path}: {reason}")]
    Connector { path: String, reason: String },
    #[error("{0}")]
    Usage(String),
}
