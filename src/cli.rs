//! Command-line arguments. Every flag can also be set from an environment variable.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Sluice: change data capture, schema registry and DDL gate in one binary.
#[derive(Debug, Parser)]
#[command(name = "sluice", version, about)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the schema registry (Confluent-compatible REST API).
    Serve(ServeArgs),
    /// Check DDL migrations against the registry before they reach production (exit 0: all
    /// compatible, 1: an incompatible change, 2: could not judge).
    Gate(GateArgs),
    /// Work with a registry: `sluice registry export > registry.json`.
    #[command(subcommand)]
    Registry(RegistryCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum RegistryCommand {
    /// Print every subject's versions and compatibility levels as JSON, for
    /// `sluice gate --registry-file` in CI with no network.
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub(crate) struct RegistryAccess {
    /// Schema registry URL(s), comma-separated (Confluent-compatible, e.g. Sluice's own).
    #[arg(long, env = "SLUICE_REGISTRY_URL", value_delimiter = ',')]
    pub(crate) registry: Vec<String>,

    /// `user:password` for HTTP Basic authentication to the registry.
    #[arg(long, env = "SLUICE_REGISTRY_USER_INFO", hide_env_values = true)]
    pub(crate) registry_user_info: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    #[command(flatten)]
    pub(crate) access: RegistryAccess,

    /// Export only subjects starting with this text (e.g. the connector's `topic.prefix.`).
    #[arg(long)]
    pub(crate) subject_prefix: Option<String>,

    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub(crate) output: Option<PathBuf>,
}

/// Report formats of `sluice gate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum GateFormat {
    Text,
    Json,
    Junit,
    Github,
}

/// When to colour text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Colour {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub(crate) struct GateArgs {
    /// Migration files or directories (their `*.sql` files), applied in name order.
    #[arg(required = true, value_name = "MIGRATION")]
    pub(crate) migrations: Vec<PathBuf>,

    /// Current schema from a live database: `mysql://user:password@host:port`.
    #[arg(long, value_name = "URL", conflicts_with_all = ["from_dump", "from_registry"])]
    pub(crate) from: Option<String>,

    /// Current schema from a dump (`mysqldump --no-data`, or CREATE TABLE statements).
    #[arg(long, value_name = "FILE", conflicts_with = "from_registry")]
    pub(crate) from_dump: Option<PathBuf>,

    /// Current schema rebuilt from the registry's latest schemas for the connector's topics.
    #[arg(long)]
    pub(crate) from_registry: bool,

    #[command(flatten)]
    pub(crate) access: RegistryAccess,

    /// Offline registry: a file written by `sluice registry export` (used instead of
    /// --registry / SLUICE_REGISTRY_URL when given).
    #[arg(long, value_name = "FILE")]
    pub(crate) registry_file: Option<PathBuf>,

    /// Connector configuration (the JSON posted to /connectors): topic prefix, included
    /// tables and columns, type handling modes.
    #[arg(long, value_name = "FILE")]
    pub(crate) connector: Option<PathBuf>,

    /// `topic.prefix` when no --connector is given.
    #[arg(long, conflicts_with = "connector")]
    pub(crate) topic_prefix: Option<String>,

    /// Database of unqualified table names in migrations and dumps.
    #[arg(long)]
    pub(crate) database: Option<String>,

    /// Judge every subject under this level instead of the registry's.
    #[arg(long, value_parser = parse_level)]
    pub(crate) level: Option<sluice_proto::CompatibilityLevel>,

    /// Report format.
    #[arg(long, value_enum, default_value = "text")]
    pub(crate) format: GateFormat,

    /// Show the old and new Avro schema of every change as a diff (text format).
    #[arg(long)]
    pub(crate) explain: bool,

    /// Changes that break consumers though the registry accepts them (DECIMAL scale, ENUM
    /// symbols, narrowing, primary key) are errors, not warnings.
    #[arg(long)]
    pub(crate) strict: bool,

    /// Colour text output.
    #[arg(long, value_enum, default_value = "auto")]
    pub(crate) color: Colour,
}

fn parse_level(s: &str) -> Result<sluice_proto::CompatibilityLevel, String> {
    s.parse().map_err(|()| {
        format!("unknown compatibility level {s:?}; expected NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL or FULL_TRANSITIVE")
    })
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address the registry listens on (port 0 picks a free one).
    #[arg(long, env = "SLUICE_LISTEN", default_value = "0.0.0.0:8081")]
    pub(crate) listen: SocketAddr,

    /// Directory for the embedded store.
    #[arg(long, env = "SLUICE_DATA_DIR", default_value = "./sluice-data")]
    pub(crate) data_dir: PathBuf,

    /// Registry store: `sqlite://<file>` or `postgres://user@host/db` (shared by several
    /// instances). Default: `sqlite://<data-dir>/registry.db`.
    #[arg(long, env = "SLUICE_STORE")]
    pub(crate) store: Option<String>,

    /// JSON file of users for HTTP Basic authentication (read-only / read-write roles).
    #[arg(long, env = "SLUICE_AUTH_FILE")]
    pub(crate) auth_file: Option<PathBuf>,

    /// PEM certificate chain; with --tls-key, serve HTTPS.
    #[arg(long, env = "SLUICE_TLS_CERT", requires = "tls_key")]
    pub(crate) tls_cert: Option<PathBuf>,

    /// PEM private key for --tls-cert.
    #[arg(long, env = "SLUICE_TLS_KEY", requires = "tls_cert")]
    pub(crate) tls_key: Option<PathBuf>,

    /// Largest schema accepted, in bytes.
    #[arg(long, env = "SLUICE_MAX_SCHEMA_BYTES", default_value_t = 1024 * 1024)]
    pub(crate) max_schema_bytes: usize,

    /// Kafka `bootstrap.servers` for connectors. Without it the Kafka Connect API is not served.
    #[arg(long, env = "SLUICE_KAFKA")]
    pub(crate) kafka: Option<String>,

    /// Address of the Kafka-Connect-compatible REST API (with --kafka).
    #[arg(long, env = "SLUICE_CONNECT_LISTEN", default_value = "0.0.0.0:8083")]
    pub(crate) connect_listen: SocketAddr,

    /// `compression.type` of the Kafka producer: none, gzip, snappy or lz4.
    #[arg(long, env = "SLUICE_KAFKA_COMPRESSION", default_value = "lz4",
          value_parser = ["none", "gzip", "snappy", "lz4"])]
    pub(crate) kafka_compression: String,

    /// With a shared PostgreSQL store: how often to look for other instances' writes (ms).
    #[arg(long, env = "SLUICE_REFRESH_INTERVAL_MS", default_value_t = 500,
          value_parser = clap::value_parser!(u64).range(10..=60_000))]
    pub(crate) refresh_interval_ms: u64,
}
