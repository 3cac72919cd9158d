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
    /// An input named by an option (connector config, schema dump, registry file).
    #[error("cannot read the {what} {path}: {reason}")]
    ReadInput {
        what: &'static str,
        path: String,
        reason: String,
    },
    #[error("{path} is not a registry export (write one with `sluice registry export`): {reason}")]
    NotAnExport { path: String, reason: String },
    #[error(
        "{path} is a registry export of format {found}; this sluice reads format {expected}: export it again with this version"
    )]
    ExportFormat {
        path: String,
        found: u32,
        expected: u32,
    },
    #[error("cannot read the current schema from the database: {0}")]
    Database(String),
    /// The registry did not give `what` (e.g. `the registry's global compatibility level`).
    #[error("cannot read {what}: {reason}")]
    Registry {
        what: String,
        reason: sluice_proto::RegistryError,
    },
    /// The registry client cannot be built.
    #[error("{0}")]
    RegistryClient(sluice_registry_client::ConfigError),
    #[error("invalid connector configuration {path}: {reason}")]
    Connector { path: String, reason: String },
    #[error("{0}")]
    Usage(String),
}
