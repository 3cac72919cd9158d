//! Running the real `sluice serve` as a child process.
//!
//! The binary's contract: once it accepts connections it logs (tracing fmt, on stderr) a line containing
//! `registry listening` and `addr=127.0.0.1:PORT`; `--listen 127.0.0.1:0` binds a free port; SIGTERM and
//! SIGINT stop it cleanly. [`SluiceServer`] relies on exactly that and nothing more.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

use crate::http;
use crate::paths::sluice_binary;

/// How long a server may take to log that it listens.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a server may take to exit after SIGTERM.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);
/// The log line that says the server accepts connections.
const LISTENING: &str = "registry listening";

/// A running `sluice serve` on a loopback port, with its own temporary data directory.
///
/// Killed (SIGKILL) when dropped; use [`SluiceServer::terminate`] to check a clean shutdown instead. If the
/// test is panicking, dropping it prints everything the server logged.
#[derive(Debug)]
pub struct SluiceServer {
    child: Child,
    addr: SocketAddr,
    base_url: String,
    args: Vec<String>,
    log: Log,
    /// Removed when the server is dropped; kept across [`SluiceServer::restart`].
    data_dir: TempDir,
}

impl SluiceServer {
    /// Starts `sluice serve ARGS` and waits until it listens.
    ///
    /// Unless `args` say otherwise, adds `--listen 127.0.0.1:0` and `--data-dir <fresh temp dir>`. The
    /// child does not inherit `SLUICE_*` variables other than `SLUICE_LOG`.
    ///
    /// # Panics
    ///
    /// If the binary is missing (see [`sluice_binary`]), exits, or does not log `registry listening` within
    /// 30 s; the message carries everything it logged.
    pub fn start(args: &[&str]) -> Self {
        let data_dir = tempfile::Builder::new()
            .prefix("sluice-e2e-")
            .tempdir()
            .expect("create a temporary data directory");
        let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
        let (child, addr, log) = spawn(&args, data_dir.path());
        Self {
            child,
            base_url: format!("http://{addr}"),
            addr,
            args,
            log,
            data_dir,
        }
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The process id of the running server.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's resident set size in bytes (`VmRSS` of `/proc/<pid>/status`; Linux only).
    ///
    /// # Panics
    /// If the process is gone or the file has no `VmRSS` line.
    pub fn rss_bytes(&self) -> u64 {
        let path = format!("/proc/{}/status", self.pid());
        let status = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {path} (has sluice exited?): {e}"));
        vm_rss(&status).unwrap_or_else(|| panic!("no VmRSS in {path}:\n{status}"))
    }

    /// The data directory the server was given (unless `args` named another).
    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    /// Everything the server wrote to stderr and stdout so far, ANSI colours removed.
    pub fn log(&self) -> String {
        self.log.text()
    }

    /// Sends a request to the server; see [`http::request`].
    ///
    /// # Panics
    ///
    /// On a transport error, with the server's log, which usually says why it went away.
    pub fn request(&mut self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        self.try_request(method, path, body)
            .unwrap_or_else(|err| panic!("{err}"))
    }

    /// [`SluiceServer::request`], returning a transport error (with the server's log) instead of panicking.
    pub fn try_request(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value), String> {
        http::try_request(&self.base_url, method, path, body).map_err(|err| {
            let exited = match self.child.try_wait() {
                Ok(Some(status)) => format!("the server has exited ({status})"),
                _ => "the server is still running".to_owned(),
            };
            format!("{err}\n{exited}; its log:\n{}", self.log.text())
        })
    }

    /// Stops the server with SIGTERM and returns its exit status.
    ///
    /// # Panics
    ///
    /// If it is still running 10 s after the signal (it is then killed).
    pub fn terminate(&mut self) -> ExitStatus {
        if let Ok(Some(status)) = self.child.try_wait() {
            return status;
        }
        let pid = rustix::process::Pid::from_child(&self.child);
        // The child may exit between try_wait and the signal; waiting below tells either way.
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        let deadline = Instant::now() + STOP_TIMEOUT;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return status,
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
                Ok(None) => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    panic!(
                        "sluice did not exit within {STOP_TIMEOUT:?} of SIGTERM; its log:\n{}",
                        self.log.text()
                    );
                }
                Err(err) => panic!("waiting for sluice: {err}"),
            }
        }
    }

    /// Stops the server cleanly (asserting a zero exit status) and starts it again with the same arguments
    /// and data directory. The port changes when it was `127.0.0.1:0`.
    pub fn restart(&mut self) {
        let status = self.terminate();
        assert!(
            status.success(),
            "sluice exited with {status} on SIGTERM; its log:\n{}",
            self.log.text()
        );
        let (child, addr, log) = spawn(&self.args, self.data_dir.path());
        self.child = child;
        self.addr = addr;
        self.base_url = format!("http://{addr}");
        self.log = log;
    }
}

impl Drop for SluiceServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if thread::panicking() {
            eprintln!(
                "---- sluice serve {} ({}) logged:\n{}---- end of sluice log",
                self.args.join(" "),
                self.base_url,
                self.log.text()
            );
        }
    }
}

/// Everything a child wrote, shared with the threads that drain its pipes.
#[derive(Debug, Clone, Default)]
struct Log(Arc<Mutex<String>>);

impl Log {
    fn push_line(&self, line: &str) {
        let mut text = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        text.push_str(line);
        text.push('\n');
    }

    fn text(&self) -> String {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

fn spawn(args: &[String], data_dir: &Path) -> (Child, SocketAddr, Log) {
    let binary = sluice_binary();
    let argv = command_line(args, data_dir);
    let shown = format!("{} {}", binary.display(), argv.join(" "));
    let mut command = Command::new(&binary);
    // The server reads its settings from SLUICE_* variables too (SLUICE_STORE, SLUICE_LISTEN, …): a test's
    // server is configured by its arguments alone, whatever the developer's shell exports. SLUICE_LOG (the
    // log filter) is kept for debugging.
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("SLUICE_") && name != "SLUICE_LOG" {
            command.env_remove(name);
        }
    }
    let mut child = command
        .args(&argv)
        // tracing-subscriber colours its output unless told not to; the parser strips ANSI codes anyway.
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("spawning `{shown}`: {err}"));

    let log = Log::default();
    let (listening_tx, listening_rx) = mpsc::channel();
    let stderr = child.stderr.take().expect("stderr is piped");
    let stdout = child.stdout.take().expect("stdout is piped");
    // The drain threads run until the child closes its pipes, so it never blocks on a full pipe.
    drain(stderr, log.clone(), Some(listening_tx));
    drain(stdout, log.clone(), None);

    match listening_rx.recv_timeout(START_TIMEOUT) {
        Ok(addr) => (child, addr, log),
        Err(err) => {
            let why = match err {
                RecvTimeoutError::Timeout => {
                    format!("did not log `{LISTENING}` with `addr=` within {START_TIMEOUT:?}")
                }
                RecvTimeoutError::Disconnected => "closed stderr before it listened".to_owned(),
            };
            let _ = child.kill();
            let status = child.wait().map_or_else(
                |err| format!("wait failed: {err}"),
                |status| status.to_string(),
            );
            let log_filter = std::env::var("SLUICE_LOG")
                .map(|filter| {
                    format!(" (SLUICE_LOG={filter} is set: does it let the line through?)")
                })
                .unwrap_or_default();
            // Give the drain threads a moment to take the last lines.
            thread::sleep(Duration::from_millis(50));
            panic!(
                "`{shown}` {why}{log_filter}; {status}; it logged:\n{}",
                log.text()
            );
        }
    }
}

/// `serve` plus `args`, with a free loopback port and `data_dir` unless `args` choose their own.
fn command_line(args: &[String], data_dir: &Path) -> Vec<String> {
    let has = |flag: &str| {
        args.iter()
            .any(|arg| arg == flag || arg.starts_with(&format!("{flag}=")))
    };
    let mut argv = vec!["serve".to_owned()];
    if !has("--listen") {
        argv.extend(["--listen".to_owned(), "127.0.0.1:0".to_owned()]);
    }
    if !has("--data-dir") {
        argv.extend([
            "--data-dir".to_owned(),
            data_dir.to_string_lossy().into_owned(),
        ]);
    }
    argv.extend(args.iter().cloned());
    argv
}

fn drain(
    pipe: impl Read + Send + 'static,
    log: Log,
    mut listening: Option<mpsc::Sender<SocketAddr>>,
) {
    thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        let mut raw = Vec::new();
        loop {
            raw.clear();
            match reader.read_until(b'\n', &mut raw) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let line = strip_ansi(String::from_utf8_lossy(&raw).trim_end_matches(['\r', '\n']));
            log.push_line(&line);
            if listening.is_some()
                && let Some(addr) = listening_addr(&line)
                && let Some(tx) = listening.take()
            {
                let _ = tx.send(addr);
            }
        }
    });
}

/// The address in a `registry listening … addr=IP:PORT` line.
fn listening_addr(line: &str) -> Option<SocketAddr> {
    if !line.contains(LISTENING) {
        return None;
    }
    line.split_whitespace()
        .find_map(|token| token.strip_prefix("addr="))
        .and_then(|value| value.trim_matches(|c| c == '"' || c == ',').parse().ok())
}

/// The `VmRSS:   1234 kB` line of a `/proc/<pid>/status` text, in bytes.
fn vm_rss(status: &str) -> Option<u64> {
    let line = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
    let kib: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    Some(kib * 1024)
}

/// Removes ANSI escape sequences (`ESC [ … final byte`), which tracing uses for colours and styles.
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_address_in_a_tracing_line() {
        let line = "2026-11-27T23:08:00.123Z  INFO sluice: registry listening addr=127.0.0.1:41234";
        assert_eq!(listening_addr(line), Some(([127, 0, 0, 1], 41234).into()));
        let quoted = "INFO registry listening addr=\"127.0.0.1:8081\" store=sqlite";
        assert_eq!(listening_addr(quoted), Some(([127, 0, 0, 1], 8081).into()));
    }

    #[test]
    fn ignores_other_lines_and_other_addr_fields() {
        assert_eq!(
            listening_addr("INFO metrics listening addr=127.0.0.1:9000"),
            None
        );
        assert_eq!(
            listening_addr("INFO registry listening local_addr=127.0.0.1:9000"),
            None
        );
    }

    #[test]
    fn strips_colours_before_parsing() {
        let coloured = "\u{1b}[32m INFO\u{1b}[0m \u{1b}[2msluice\u{1b}[0m\u{1b}[2m:\u{1b}[0m registry listening \
                        \u{1b}[3maddr\u{1b}[0m\u{1b}[2m=\u{1b}[0m127.0.0.1:5000";
        let plain = strip_ansi(coloured);
        assert_eq!(
            plain,
            " INFO sluice: registry listening addr=127.0.0.1:5000"
        );
        assert_eq!(listening_addr(&plain), Some(([127, 0, 0, 1], 5000).into()));
    }

    #[test]
    fn reads_the_resident_set_size_in_bytes() {
        let status = "Name:\tsluice\nVmPeak:\t  900 kB\nVmRSS:\t   51234 kB\nRssAnon:\t 1 kB\n";
        assert_eq!(vm_rss(status), Some(51234 * 1024));
        assert_eq!(vm_rss("Name:\tsluice\n"), None);
    }

    #[test]
    fn defaults_listen_and_data_dir_unless_given() {
        let dir = Path::new("/tmp/d");
        assert_eq!(
            command_line(&[], dir),
            ["serve", "--listen", "127.0.0.1:0", "--data-dir", "/tmp/d"]
        );
        let own = [
            "--listen=127.0.0.1:9".to_owned(),
            "--data-dir".to_owned(),
            "x".to_owned(),
        ];
        assert_eq!(
            command_line(&own, dir),
            ["serve", "--listen=127.0.0.1:9", "--data-dir", "x"]
        );
    }
}
