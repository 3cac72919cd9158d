//! Connection options for the source server.

use crate::config::DatabaseConfig;
use mysql_async::{Opts, OptsBuilder, Pool};

/// Options for a connection as `database.user` to `database.hostname:port`, with a UTC
/// session time zone (TIMESTAMP values are read as UTC, as Debezium reports them).
pub fn opts(db: &DatabaseConfig) -> Opts {
    OptsBuilder::default()
        .ip_or_hostname(db.hostname.clone())
        .tcp_port(db.port)
        .user(Some(db.user.clone()))
        .pass(Some(db.password.expose().to_owned()))
        .prefer_socket(false)
        .init(vec!["SET time_zone = '+00:00'", "SET NAMES utf8mb4"])
        .into()
}

/// A small pool for metadata queries and snapshots.
pub fn pool(db: &DatabaseConfig) -> Pool {
    Pool::new(opts(db))
}
