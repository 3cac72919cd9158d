//! A PostgreSQL server for tests of the `postgres://` store.

use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// The server `scripts/test.sh` makes sure of: a local cluster with trust authentication.
const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A PostgreSQL URL for tests, or `None` when no server is reachable.
///
/// `SLUICE_TEST_POSTGRES_URL` wins when set (and is returned as is, reachable or not, so a wrong setting
/// fails loudly). Otherwise the local default, if something answers on 127.0.0.1:5432. Tests that need
/// PostgreSQL should skip with a message on `None`, not pass silently.
pub fn postgres_url() -> Option<String> {
    if let Ok(url) = std::env::var("SLUICE_TEST_POSTGRES_URL") {
        return Some(url);
    }
    let addr = SocketAddr::from(([127, 0, 0, 1], 5432));
    TcpStream::connect_timeout(&addr, Duration::from_secs(1))
        .ok()
        .map(|_| DEFAULT_URL.to_owned())
}
