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

/// Whether `SLUICE_SKIP_POSTGRES=1` asks PostgreSQL-backed tests to skip instead of failing.
pub fn skip_postgres() -> bool {
    std::env::var("SLUICE_SKIP_POSTGRES").is_ok_and(|value| value == "1")
}

/// A PostgreSQL URL for tests that must not pass silently without PostgreSQL: `None` (after saying
/// `SKIPPED` on stderr) only when `SLUICE_SKIP_POSTGRES=1`.
///
/// # Panics
///
/// When no server is reachable and skipping was not asked for, with what to do about it.
pub fn required_postgres_url(test: &str) -> Option<String> {
    if skip_postgres() {
        eprintln!("SKIPPED: {test} needs PostgreSQL and SLUICE_SKIP_POSTGRES=1 is set");
        return None;
    }
    match postgres_url() {
        Some(url) => Some(url),
        None => panic!(
            "{test} needs PostgreSQL, but nothing answers on 127.0.0.1:5432 and \
             SLUICE_TEST_POSTGRES_URL is not set: start it (scripts/test.sh starts an installed \
             cluster), point SLUICE_TEST_POSTGRES_URL at one, or set SLUICE_SKIP_POSTGRES=1 to skip"
        ),
    }
}

/// A database created for one test on a PostgreSQL server, dropped (best effort, `WITH (FORCE)`) when
/// this value is dropped. Drop the servers using it first.
#[derive(Debug)]
pub struct TempDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl TempDatabase {
    /// Creates `<prefix>_<unique suffix>` through `admin_url` (any database of the server).
    ///
    /// # Panics
    ///
    /// If the server refuses the connection or the `CREATE DATABASE`, with its answer.
    pub fn create(admin_url: &str, prefix: &str) -> Self {
        let name = format!("{prefix}_{}", unique_suffix());
        run_admin(admin_url, &format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|err| panic!("creating database {name} via {admin_url}: {err}"));
        Self {
            admin_url: admin_url.to_owned(),
            url: with_database(admin_url, &name),
            name,
        }
    }

    /// The URL of the new database (the admin URL with its database replaced).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for TempDatabase {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(err) = run_admin(&self.admin_url, &sql) {
            eprintln!("could not drop test database {}: {err}", self.name);
        }
    }
}

/// Lower-case letters and digits, unique enough across concurrent test processes.
fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "{}_{nanos:x}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// `url` with its database (the path after the host) replaced by `database`; a query string is kept.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let server = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{database}?{query}"),
        None => format!("{server}/{database}"),
    }
}

/// Runs one statement outside a transaction (as `CREATE/DROP DATABASE` need) on a fresh connection.
fn run_admin(url: &str, sql: &str) -> Result<(), String> {
    use sqlx::Connection as _;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| format!("starting a tokio runtime: {err}"))?;
    runtime.block_on(async {
        let mut conn =
            tokio::time::timeout(Duration::from_secs(10), sqlx::PgConnection::connect(url))
                .await
                .map_err(|_| format!("connecting to {url} timed out"))?
                .map_err(|err| format!("connecting to {url}: {err}"))?;
        sqlx::raw_sql(sql)
            .execute(&mut conn)
            .await
            .map_err(|err| format!("`{sql}`: {err}"))?;
        conn.close().await.map_err(|err| format!("closing: {err}"))
    })
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_the_database_of_a_url() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h:5432", "x"),
            "postgres://h:5432/x"
        );
    }
}
