//! A private MariaDB server for one test: its own data directory (`mariadb-install-db`), a
//! free loopback port, ROW binlog with full row images and full row metadata, a `sluice`
//! user with the privileges Debezium documents. Stopped and removed when dropped.
//!
//! Statements are run through the `mariadb` command-line client, so tests need no MySQL
//! client library of their own.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The user capture connects as, and its password.
pub const USER: &str = "sluice";
pub const PASSWORD: &str = "sluice-pw";

/// A running private `mariadbd`.
#[derive(Debug)]
pub struct MariaDb {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl MariaDb {
    /// Installs a fresh data directory and starts the server; panics with the server's log if
    /// it does not come up.
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// Like [`start`](Self::start), with extra `mariadbd` options.
    pub fn start_with(extra: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        let install = Command::new("mariadb-install-db")
            .args([
                "--no-defaults",
                "--user=root",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ])
            .arg(format!("--datadir={}", data.display()))
            .output()
            .expect("mariadb-install-db runs (MariaDB server binaries installed?)");
        assert!(
            install.status.success(),
            "mariadb-install-db failed: {}",
            String::from_utf8_lossy(&install.stderr)
        );
        let port = free_port();
        let child = Command::new("mariadbd")
            .args([
                "--no-defaults",
                "--user=root",
                "--bind-address=127.0.0.1",
                "--skip-name-resolve",
                "--binlog-format=ROW",
                "--binlog-row-image=FULL",
                "--binlog-row-metadata=FULL",
                "--binlog-annotate-row-events=ON",
                "--server-id=1",
                "--innodb-buffer-pool-size=64M",
                "--innodb-log-file-size=48M",
                "--max-connections=200",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_general_ci",
            ])
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--port={port}"))
            .arg(format!(
                "--socket={}",
                dir.path().join("mysqld.sock").display()
            ))
            .arg(format!("--log-bin={}", data.join("mariadb-bin").display()))
            .arg(format!(
                "--log-error={}",
                dir.path().join("error.log").display()
            ))
            .arg(format!(
                "--pid-file={}",
                dir.path().join("mysqld.pid").display()
            ))
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("mariadbd starts");
        let server = Self { child, port, dir };
        server.wait_ready();
        server.root(&format!(
            "CREATE USER '{USER}'@'%' IDENTIFIED BY '{PASSWORD}';
             GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES, BINLOG MONITOR ON *.* TO '{USER}'@'%';"
        ));
        server
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let ok = self
                .client("root", None)
                .arg("-e")
                .arg("SELECT 1")
                .output()
                .is_ok_and(|o| o.status.success());
            if ok {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "mariadbd did not become ready in 60 s; its log:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn client(&self, user: &str, password: Option<&str>) -> Command {
        let mut c = Command::new("mariadb");
        c.args([
            "--no-defaults",
            "-h127.0.0.1",
            "--batch",
            "--skip-column-names",
        ])
        .arg(format!("-P{}", self.port))
        .arg(format!("-u{user}"));
        if let Some(p) = password {
            c.arg(format!("-p{p}"));
        }
        c
    }

    /// Runs `sql` as root; panics with the client's error if it fails. Returns stdout
    /// (tab-separated rows).
    pub fn root(&self, sql: &str) -> String {
        let out = self
            .client("root", None)
            .arg("-e")
            .arg(sql)
            .output()
            .expect("mariadb client runs");
        assert!(
            out.status.success(),
            "SQL failed: {}\n{sql}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `mariadb-dump --no-data ARGS…` as root: the schema dump a user would give the gate.
    pub fn dump_schema(&self, args: &[&str]) -> String {
        let out = Command::new("mariadb-dump")
            .args(["--no-defaults", "-h127.0.0.1", "-uroot", "--no-data"])
            .arg(format!("-P{}", self.port))
            .args(args)
            .output()
            .expect("mariadb-dump runs");
        assert!(
            out.status.success(),
            "mariadb-dump failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs a SQL file as root.
    pub fn source(&self, file: &Path) {
        let out = self
            .client("root", None)
            .stdin(std::fs::File::open(file).expect("SQL file opens"))
            .output()
            .expect("mariadb client runs");
        assert!(
            out.status.success(),
            "loading {} failed: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's data directory (binlogs live there).
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The server's error log, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }
}

impl Drop for MariaDb {
    fn drop(&mut self) {
        // SIGTERM for a clean shutdown, then make sure.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A root `mariadb` client session on 127.0.0.1:`port` that reads statements from its piped stdin
/// (stdout discarded, stderr piped): for writer threads that stream many statements into one
/// connection. Takes a port rather than a [`MariaDb`] so the thread needs nothing else.
///
/// # Panics
/// If the client cannot be started.
pub fn root_session(port: u16) -> Child {
    Command::new("mariadb")
        .args([
            "--no-defaults",
            "-h127.0.0.1",
            "--batch",
            "--skip-column-names",
            "-uroot",
        ])
        .arg(format!("-P{port}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the mariadb client starts")
}
