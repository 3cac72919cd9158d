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
