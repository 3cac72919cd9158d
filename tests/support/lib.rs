//! Shared support for Sluice's end-to-end tests: starting the real binary and real servers.
//!
//! * [`SluiceServer`] runs `target/<profile>/sluice serve` on a free loopback port with a throw-away data
//!   directory, waits until it logs `registry listening`, and kills it when dropped
//!   ([`server`]).
//! * [`request`] is a small blocking HTTP client that hands back every status, 4xx and 5xx included, with the
//!   body as JSON ([`http`]).
//! * [`json_match`] holds the comparison rules the conformance replay uses (exact, subset, unordered, and the
//!   one deliberate difference for Avro `schema` strings).
//! * [`MariaDb`] runs a private `mariadbd` with ROW binlog ([`mariadb`]); [`Kafka`] a private Apache Kafka
//!   4.4 broker, or a 3-broker cluster for fault tests ([`kafka`]); [`connect::ConnectWorker`] a real
//!   Kafka Connect worker with Debezium's MySQL connector, for the differential test ([`connect`]).
//! * [`gate::sluice`] runs a one-shot command (`sluice gate`, `sluice registry export`) and
//!   returns its exit code and output.
//! * [`paths`] finds the workspace root, the built binary, `../shared` and the Python venv;
//!   [`postgres_url`] finds a PostgreSQL server for the storage tests ([`postgres`]).
//!
//! # Build order
//!
//! The binary lives in the root package, so Cargo does not build it for this crate's tests (and
//! `CARGO_BIN_EXE_sluice` is not set here). Run `cargo build --workspace` before the tests, as
//! `scripts/test.sh` does; [`paths::sluice_binary`] says so when the binary is missing.

pub mod capture;
pub mod connect;
pub mod consumer;
pub mod gate;
pub mod http;
pub mod json_match;
pub mod kafka;
pub mod mariadb;
pub mod paths;
pub mod postgres;
pub mod rng;
pub mod server;

pub use http::request;
pub use kafka::Kafka;
pub use mariadb::MariaDb;
pub use paths::{shared_dir, sluice_binary, workspace_root};
pub use postgres::{TempDatabase, postgres_url, required_postgres_url, skip_postgres};
pub use server::SluiceServer;
